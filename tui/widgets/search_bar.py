"""The search field that ``/`` opens at the bottom of the screen."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from textual.binding import Binding, BindingType
from textual.message import Message
from textual.widgets import Input


class SearchBar(Input):
    """Enter searches the focused article; escape closes."""

    DEFAULT_CSS = """
    SearchBar { dock: bottom; display: none; border: tall $accent; }
    SearchBar.-open { display: block; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", "Close search", id="search_close")
    ]

    @dataclass
    class Search(Message):
        """Search the focused article for ``pattern``."""

        pattern: str

    @dataclass
    class Typed(Message):
        """The pattern changed while typing (its matches are shown as it is typed)."""

        pattern: str

    @dataclass
    class Closed(Message):
        """The search bar closed."""

    def __init__(self) -> None:
        super().__init__(
            placeholder="search this article (enter: first match at or after the cursor)",
            id="search",
        )

    def open(self, where: str = "this article") -> None:
        """Open the bar to search ``where`` (the name of the focused article)."""
        self.placeholder = f"search {where} (enter: the first match from the cursor)"
        self.add_class("-open")
        self.value = ""
        self.focus()

    def on_input_changed(self, event: Input.Changed) -> None:
        event.stop()
        if self.has_class("-open"):
            self.post_message(self.Typed(event.value))

    def action_close(self) -> None:
        self.remove_class("-open")
        self.post_message(self.Closed())

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.remove_class("-open")
        self.post_message(self.Search(event.value))
