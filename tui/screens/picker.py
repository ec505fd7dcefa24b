"""The document picker: outlet, date, annotation count and title, searched as you type.

What is typed is matched against each article's outlet, title and text, exact and prefix matches
first, then articles whose outlet or title holds the words, then those whose text does (with the
passage shown), then fuzzy matches (see :mod:`.picker_search`). When a story is open, ``ctrl+t``
limits the list to its articles and back.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, OptionList
from textual.widgets.option_list import Option

from newsreader.corpus import Document

from ..safe import inert
from .list_keys import ListKeys
from .picker_search import TEXT, Hit, PickerIndex, snippet


class DocumentPicker(ListKeys, ModalScreen[str | None]):
    """Type to filter; enter opens the highlighted article in the focused pane."""

    DEFAULT_CSS = """
    DocumentPicker { align: center middle; }
    DocumentPicker > Vertical {
        width: 90%; height: 80%; border: round $accent; background: $surface; padding: 0 1;
    }
    DocumentPicker OptionList { height: 1fr; border: none; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", "Close", id="picker_close"),
        Binding("down", "down", "Next", show=False, id="picker_down"),
        Binding("up", "up", "Previous", show=False, id="picker_up"),
        Binding("ctrl+t", "toggle_story", "This story only", id="picker_story"),
    ]

    def __init__(
        self, documents: list[Document], counts: dict[str, int], story: Sequence[str] = ()
    ) -> None:
        super().__init__()
        self.documents = documents
        self.counts = counts
        self.index = PickerIndex(documents)
        ids = set(story)
        self.story_indices = [n for n, d in enumerate(documents) if d.id in ids]
        self.story_only = False
        self.hits: list[Hit] = []

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Input(placeholder=self._placeholder(), id="filter")
            yield OptionList(id="documents")

    def on_mount(self) -> None:
        self._fill("")
        self.query_one(Input).focus()
        # The articles' words, which a search of their text needs, are made in a thread.
        self.run_worker(self.index.warm, thread=True, exclusive=True, group="picker-words")

    def _placeholder(self) -> str:
        hint = "a word of an outlet, a title or an article"
        if self.story_only:
            return f"this story's articles ({len(self.story_indices)}): {hint}; ctrl+t for all"
        if self.story_indices:
            return f"{hint}; ctrl+t for this story only"
        return hint

    def _label(self, hit: Hit) -> Text:
        doc = self.documents[hit.index]
        line = Text()
        line.append(f"{inert(doc.outlet or 'unknown')[:22]:<22} ", style="cyan")
        line.append(f"{(doc.date or '')[:10]:<11}", style="dim")
        count = self.counts.get(doc.id, 0)
        line.append(f"{count:>4} ", style="bold" if count else "dim")
        line.append(inert(doc.title)[:100])
        if hit.tier == TEXT and hit.at is not None:
            line.append("\n" + " " * 38)
            line.append(inert(snippet(doc.text, hit.at)), style="dim italic")
        return line

    def _fill(self, query: str) -> None:
        options = self.query_one(OptionList)
        options.clear_options()
        self.hits = self.index.rank(query, self.story_indices if self.story_only else None)
        options.add_options(
            [Option(self._label(h), id=self.documents[h.index].id) for h in self.hits]
        )
        if self.hits:
            options.highlighted = 0

    @property
    def shown(self) -> list[Document]:
        """The articles listed now, in their order."""
        return [self.documents[h.index] for h in self.hits]

    def on_input_changed(self, event: Input.Changed) -> None:
        self._fill(event.value)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        options = self.query_one(OptionList)
        if options.highlighted is not None:
            option = options.get_option_at_index(options.highlighted)
            self.dismiss(option.id)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def action_toggle_story(self) -> None:
        if not self.story_indices:
            self.notify("No story is open: t lists the stories.", severity="warning")
            return
        self.story_only = not self.story_only
        field = self.query_one(Input)
        field.placeholder = self._placeholder()
        self._fill(field.value)
