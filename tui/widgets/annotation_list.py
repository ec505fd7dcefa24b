"""The annotations sidebar: the spans of every open article, by article; enter jumps to one.

``f`` cycles a label filter (every label, then each configured one); the app's annotator view
(``A``) limits it to one annotator's spans. The title says which filters are on.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import ClassVar

from rich.text import Text
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from newsreader.annotations.model import Span

from ..safe import inert


def clip(text: str, most: int) -> str:
    """``text`` in at most ``most`` characters, ending in … when it was cut."""
    return text if len(text) <= most else text[: most - 1].rstrip() + "…"


class AnnotationList(OptionList):
    """Lists spans under a heading per article; selecting one posts :class:`AnnotationList.Jump`."""

    DEFAULT_CSS = """
    AnnotationList {
        width: 40; height: 1fr; border: round $panel-lighten-2;
        &:focus { border: round $accent; }
    }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("f", "cycle_label", "Label filter", id="sidebar_label"),
    ]

    @dataclass
    class Jump(Message):
        """The user chose a span to go to."""

        span_id: str

    @dataclass
    class LabelChanged(Message):
        """The user changed the label filter (None: every label)."""

        label: str | None

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.label: str | None = None
        self.labels: tuple[str, ...] = ()

    def action_cycle_label(self) -> None:
        order: list[str | None] = [None, *self.labels]
        index = order.index(self.label) if self.label in order else 0
        self.label = order[(index + 1) % len(order)]
        self.post_message(self.LabelChanged(self.label))

    def show(
        self,
        sections: Sequence[tuple[str, Sequence[Span]]],
        grouped: set[str],
        *,
        annotator: str | None = None,
    ) -> None:
        """List each (article heading, spans) section; spans in a statement group get ⛓."""
        keep = self.highlighted
        self.clear_options()
        filters = [
            f for f in (self.label and f"{self.label}s", annotator and f"by {annotator}") if f
        ]
        self.border_title = "annotations" + (f" · {' · '.join(filters)}" if filters else "")
        if not any(spans for _title, spans in sections):
            shown = "no annotations" + (" match the filter" if filters else " in these articles")
            self.add_option(Option(Text(shown, style="italic"), disabled=True))
            return
        first: int | None = None
        for title, spans in sections:
            heading = Text(clip(inert(title), 60), style="bold cyan")
            heading.append(f"  {len(spans)}", style="dim")
            self.add_option(Option(heading, disabled=True))
            for span in spans:
                label = Text()
                # A space after the label even when it is long (PolNeAR's "source").
                label.append(f"{inert(span.label):<5} ", style="bold")
                if span.id in grouped:
                    label.append("⛓ ", style="yellow")
                if span.orphaned:
                    label.append("orphaned ", style="red")
                label.append(clip(inert(" ".join(span.text.split())), 60))
                if span.speaker:
                    label.append(f" — {inert(span.speaker)}", style="italic")
                if annotator is None and span.annotator:
                    label.append(f" [{inert(span.annotator)}]", style="dim")
                self.add_option(Option(label, id=span.id))
                if first is None:
                    first = self.option_count - 1
        if keep is not None and keep < self.option_count and self.get_option_at_index(keep).id:
            self.highlighted = keep
        else:
            self.highlighted = first

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option.id:
            self.post_message(self.Jump(event.option.id))
