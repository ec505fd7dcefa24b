"""The annotations sidebar: the spans of the article in the focused pane; enter jumps to one."""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual.message import Message
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from newsreader.annotations.model import Span

from ..safe import inert


class AnnotationList(OptionList):
    """Lists spans; selecting one posts :class:`AnnotationList.Jump`."""

    DEFAULT_CSS = """
    AnnotationList { width: 40; border: round $panel-lighten-2; &:focus { border: round $accent; } }
    """

    @dataclass
    class Jump(Message):
        """The user chose a span to go to."""

        span_id: str

    def show(self, spans: list[Span], grouped: set[str]) -> None:
        """List ``spans``; those in a statement group are marked with ⛓."""
        self.clear_options()
        if not spans:
            self.add_option(
                Option(Text("no annotations in this article", style="italic"), disabled=True)
            )
            return
        for span in spans:
            label = Text()
            label.append(f"{span.label:<6}", style="bold")
            if span.id in grouped:
                label.append("⛓ ", style="yellow")
            if span.orphaned:
                label.append("orphaned ", style="red")
            label.append(inert(" ".join(span.text.split()))[:60])
            if span.speaker:
                label.append(f" — {inert(span.speaker)}", style="italic")
            self.add_option(Option(label, id=span.id))
        self.highlighted = 0

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option.id:
            self.post_message(self.Jump(event.option.id))
