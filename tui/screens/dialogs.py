"""Small dialogs: the speaker of a quote, a span's attributes, and a store that cannot be opened."""

from __future__ import annotations

from typing import Any, ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Select, Static

from newsreader.annotations.model import Span

from ..safe import inert


def dialog_css(name: str) -> str:
    """The look of a small centred dialog named ``name``."""
    return f"""
{name} {{ align: center middle; }}
{name} > Vertical {{
    width: 80; max-width: 95%; height: auto; max-height: 90%;
    border: round $accent; background: $surface; padding: 1 2;
}}
{name} .hint {{ color: $text-muted; margin-top: 1; }}
"""


class SpeakerDialog(ModalScreen[str | None]):
    """Asks for the speaker of a quote, pre-filled with the detected one; enter accepts."""

    DEFAULT_CSS = dialog_css("SpeakerDialog")
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="dialog_cancel")
    ]

    def __init__(self, quote: str, speaker: str) -> None:
        super().__init__()
        self.quote = quote
        self.speaker = speaker

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(  # a Static wraps; a Label would cut the quote at the edge
                Text.assemble(("Quote: ", "bold"), inert(" ".join(self.quote.split()))[:300])
            )
            yield Label("Speaker:")
            yield Input(self.speaker, placeholder="who says it (may be left empty)", id="speaker")
            yield Static("enter tags the quote · escape cancels", classes="hint")

    @on(Input.Submitted, "#speaker")
    def accept(self, event: Input.Submitted) -> None:
        self.dismiss(event.value.strip())

    def action_cancel(self) -> None:
        self.dismiss(None)


class LabelSelect(Select[str]):
    """A dropdown where enter submits the dialog (up, down and space open the list)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("down,space,up", "show_overlay", "Show the labels", show=False, id="label_open"),
        Binding("enter", "submit", "Save", show=False, id="label_save"),
    ]

    class Submitted(Message):
        """Enter on the closed dropdown."""

    def action_submit(self) -> None:
        self.post_message(self.Submitted())


class ConfirmLinkDialog(ModalScreen[bool]):
    """Shows where a suggested link leads (outlet, title, the sentence); enter or y links."""

    DEFAULT_CSS = dialog_css("ConfirmLinkDialog")
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter,y", "answer(True)", "Link", id="confirm_link"),
        Binding("escape,n", "answer(False)", "Cancel", id="confirm_link_cancel"),
    ]

    def __init__(self, here: str, outlet: str, title: str, there: str) -> None:
        super().__init__()
        self.here = here
        self.outlet = outlet
        self.title = title
        self.there = there

    def compose(self) -> ComposeResult:
        def words(text: str) -> str:
            return inert(" ".join(text.split()))[:400]

        with Vertical():
            yield Label(Text("Link this suggestion?", style="bold"))
            yield Static(Text.assemble(("Here: ", "bold"), words(self.here)))
            yield Static(
                Text.assemble(
                    ("There: ", "bold"),
                    (inert(self.outlet), "bold"),
                    " — ",
                    (inert(self.title), "italic"),
                )
            )
            yield Static(Text(words(self.there)), id="target")
            yield Static("enter or y links the two · escape or n cancels", classes="hint")

    def action_answer(self, answer: bool) -> None:
        self.dismiss(answer)


class EditDialog(ModalScreen[dict[str, Any] | None]):
    """Edits a span's label, speaker and note; enter in any field saves."""

    DEFAULT_CSS = dialog_css("EditDialog")
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="dialog_cancel")
    ]

    def __init__(self, span: Span, labels: tuple[str, ...]) -> None:
        super().__init__()
        self.span = span
        self.labels = labels

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(
                Text.assemble(("Span: ", "bold"), inert(" ".join(self.span.text.split()))[:300])
            )
            yield Label(
                Text.assemble(("Annotator: ", "bold"), inert(self.span.annotator or "unknown")),
                id="annotator",
            )
            yield Label("Label:")
            yield LabelSelect(
                [(label, label) for label in self.labels],
                value=self.span.label,
                allow_blank=False,
                id="label",
            )
            yield Label("Speaker:")
            yield Input(str(self.span.attributes.get("speaker", "")), id="speaker")
            yield Label("Note:")
            yield Input(str(self.span.attributes.get("note", "")), id="note")
            yield Static(
                "enter saves · down or space opens the labels · escape cancels", classes="hint"
            )

    @on(Input.Submitted)
    @on(LabelSelect.Submitted)
    def save(self) -> None:
        attributes = dict(self.span.attributes)
        attributes["speaker"] = self.query_one("#speaker", Input).value
        attributes["note"] = self.query_one("#note", Input).value
        label = self.query_one("#label", Select).value
        self.dismiss({"label": label, "attributes": attributes})

    def action_cancel(self) -> None:
        self.dismiss(None)


class StoreProblemDialog(ModalScreen[str]):
    """Says in plain words why the store cannot be opened, and offers the ways out."""

    DEFAULT_CSS = dialog_css("StoreProblemDialog")
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("r", "choose('read-only')", "Open read-only", id="store_read_only"),
        Binding("m", "choose('move-aside')", "Move aside, start fresh", id="store_move_aside"),
        Binding("w", "choose('without')", "Work without saving", id="store_without"),
        Binding("ctrl+q", "app.quit", "Quit", id="store_problem_quit"),
        Binding(
            "escape",
            "choose('without')",
            "Work without saving",
            show=False,
            id="store_problem_close",
        ),
    ]

    def __init__(self, message: str, *, can_read: bool, can_move: bool = True) -> None:
        super().__init__()
        self.message = message
        self.can_read = can_read
        # A store that another newsreader has open is healthy: moving it aside would strand
        # that one's edits, so it is offered only for a store that cannot be read.
        self.can_move = can_move

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(Text("The annotation store cannot be opened", style="bold red"))
            yield Static(Text(self.message))
            choices = []
            if self.can_read:
                choices.append("r: open it read-only (look, export; no edits saved)")
            if self.can_move:
                choices.append("m: move it aside (nothing is deleted) and start a fresh store")
            choices.append("w: keep reading without a store (annotations are not saved)")
            choices.append("ctrl+q: quit")
            yield Static("\n".join(choices), classes="hint")

    def action_choose(self, choice: str) -> None:
        if (choice == "read-only" and not self.can_read) or (
            choice == "move-aside" and not self.can_move
        ):
            return
        self.dismiss(choice)
