"""The link panel: ranked candidates in the other articles for the span under the cursor.

Each candidate shows its score, its article's outlet, date and title, and its text; those from
the span's story come first (the app orders them: ``LinkActions.rank_links``) and are marked.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Label, OptionList, Static
from textual.widgets.option_list import Option

from newsreader.annotations.linking import Candidate

from ..safe import inert

if TYPE_CHECKING:
    from newsreader.corpus import Document


class LinkPanel(ModalScreen[Candidate | None]):
    """Enter links the highlighted candidate; x rejects it; escape closes."""

    DEFAULT_CSS = """
    LinkPanel { align: center middle; }
    LinkPanel > Vertical {
        width: 90%; height: 80%; border: round $accent; background: $surface; padding: 0 1;
    }
    LinkPanel OptionList { height: 1fr; border: none; }
    LinkPanel .hint { color: $text-muted; }
    LinkPanel #preview { height: auto; max-height: 8; border-top: solid $panel-lighten-2; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("x", "reject", "Reject", id="link_reject", tooltip="Never suggest this one again"),
        Binding("escape", "close", "Close", id="link_close"),
    ]

    @dataclass
    class Found(Message):
        candidates: list[Candidate]

    def __init__(
        self,
        source: str,
        find: Callable[[], list[Candidate]],
        reject: Callable[[Candidate], None],
        documents: Mapping[str, Document],
        story: Collection[str] | None = None,
    ) -> None:
        super().__init__()
        self.source = source
        self.find = find
        self.reject = reject
        self.documents = documents
        self.story = story
        """The ids of the articles of the span's story, when known (their candidates are
        marked)."""
        self.candidates: list[Candidate] = []

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(
                Text.assemble(("Link: ", "bold"), inert(" ".join(self.source.split()))[:240])
            )
            yield OptionList(
                Option(Text("finding candidates…", style="italic"), disabled=True), id="candidates"
            )
            yield Static("", id="preview")
            yield Static(
                "enter links the highlighted passage · x rejects it · escape closes", classes="hint"
            )

    def on_mount(self) -> None:
        self.query_one(OptionList).focus()
        self._find()

    @work(thread=True, exclusive=True, group="link-candidates")
    def _find(self) -> None:
        self.post_message(self.Found(self.find()))

    def on_link_panel_found(self, message: Found) -> None:
        self.candidates = message.candidates
        self._fill()

    def _fill(self) -> None:
        options = self.query_one(OptionList)
        options.clear_options()
        if not self.candidates:
            options.add_option(
                Option(Text("no candidates in the other articles", style="italic"), disabled=True)
            )
            self.query_one("#preview", Static).update("")
            return
        for index, candidate in enumerate(self.candidates):
            options.add_option(Option(self.describe(candidate), id=str(index)))
        options.highlighted = 0

    def describe(self, candidate: Candidate) -> Text:
        """Two lines: score, outlet, date and title of its article; then its text."""
        doc = self.documents.get(candidate.doc_id)
        outlet = (doc.outlet if doc else None) or "unknown outlet"
        line = Text()
        line.append(f"{candidate.score:5.1f}  ", style="bold green")
        line.append(inert(outlet)[:24], style="bold cyan")
        if doc is not None and doc.date:
            line.append(f" · {doc.date[:10]}", style="cyan")
        if doc is not None and doc.title:
            line.append(" · ")
            line.append(inert(" ".join(doc.title.split()))[:90], style="italic")
        if self.story is not None and candidate.doc_id in self.story:
            line.append("  same story", style="magenta")
        if candidate.in_group:
            line.append("  linked", style="yellow")
        kind = {"annotation": "span", "sentence": "sent."}.get(candidate.kind, candidate.kind)
        line.append(f"\n       {kind:<6}", style="dim")
        line.append(inert(" ".join(candidate.text.split()))[:160])
        return line

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        if event.option.id is None:
            return
        candidate = self.candidates[int(event.option.id)]
        self.query_one("#preview", Static).update(Text(inert(" ".join(candidate.text.split()))))

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option.id is not None:
            self.dismiss(self.candidates[int(event.option.id)])

    def action_reject(self) -> None:
        options = self.query_one(OptionList)
        index = options.highlighted
        if index is None or not self.candidates:
            return
        candidate = self.candidates.pop(index)
        self.reject(candidate)
        self._fill()
        if self.candidates:
            options.highlighted = min(index, len(self.candidates) - 1)

    def action_close(self) -> None:
        self.dismiss(None)
