"""The document picker: outlet, title, date and annotation count, with fuzzy search."""

from __future__ import annotations

from typing import ClassVar

from rapidfuzz import fuzz, process
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, OptionList
from textual.widgets.option_list import Option

from newsreader.corpus import Document

from ..safe import inert


class DocumentPicker(ModalScreen[str | None]):
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
    ]

    def __init__(self, documents: list[Document], counts: dict[str, int]) -> None:
        super().__init__()
        self.documents = documents
        self.counts = counts

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Input(placeholder="filter by outlet or title", id="filter")
            yield OptionList(id="documents")

    def on_mount(self) -> None:
        self._fill("")
        self.query_one(Input).focus()

    def _label(self, doc: Document) -> Text:
        line = Text()
        line.append(f"{inert(doc.outlet or 'unknown')[:22]:<22} ", style="cyan")
        line.append(f"{(doc.date or '')[:10]:<11}", style="dim")
        count = self.counts.get(doc.id, 0)
        line.append(f"{count:>4} ", style="bold" if count else "dim")
        line.append(inert(doc.title)[:100])
        return line

    def _fill(self, query: str) -> None:
        options = self.query_one(OptionList)
        options.clear_options()
        docs = self.documents
        if query.strip():
            keys = [f"{d.outlet or ''} {d.title}" for d in docs]
            found = process.extract(query, keys, scorer=fuzz.WRatio, limit=50, score_cutoff=40)
            docs = [docs[index] for _, _, index in found]
        for doc in docs:
            options.add_option(Option(self._label(doc), id=doc.id))
        if docs:
            options.highlighted = 0

    def on_input_changed(self, event: Input.Changed) -> None:
        self._fill(event.value)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        options = self.query_one(OptionList)
        if options.highlighted is not None:
            option = options.get_option_at_index(options.highlighted)
            self.dismiss(option.id)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def action_down(self) -> None:
        self.query_one(OptionList).action_cursor_down()

    def action_up(self) -> None:
        self.query_one(OptionList).action_cursor_up()

    def action_close(self) -> None:
        self.dismiss(None)
