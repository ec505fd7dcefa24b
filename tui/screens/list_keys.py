"""The keys every filtered-list screen shares (the picker, the stories, the corpus search):
up and down move in its ``OptionList`` while the typing stays in its ``Input``; escape closes it."""

from __future__ import annotations

from textual.screen import ModalScreen
from textual.widgets import OptionList


class ListKeys:
    """Mixed into a ``ModalScreen`` that holds one ``OptionList``."""

    def action_down(self) -> None:
        assert isinstance(self, ModalScreen)
        self.query_one(OptionList).action_cursor_down()

    def action_up(self) -> None:
        assert isinstance(self, ModalScreen)
        self.query_one(OptionList).action_cursor_up()

    def action_close(self) -> None:
        assert isinstance(self, ModalScreen)
        self.dismiss(None)


__all__ = ["ListKeys"]
