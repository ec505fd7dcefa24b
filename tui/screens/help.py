"""The help screen: every key, what it does, and its id for the keymap file."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import DataTable, Static


class HelpScreen(ModalScreen[None]):
    """Lists (key, what it does, id) rows; escape or ? closes."""

    DEFAULT_CSS = """
    HelpScreen { align: center middle; }
    HelpScreen > Vertical {
        width: 90%; height: 90%; border: round $accent; background: $surface; padding: 0 1;
    }
    HelpScreen DataTable { height: 1fr; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,question_mark", "close", "Close", id="help_close")
    ]

    def __init__(self, rows: list[tuple[str, str, str]]) -> None:
        super().__init__()
        self.rows = rows

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(
                Text(
                    "newsreader keys — remap any of them by id under [keys] in the "
                    "configuration file; everything is also in the command palette "
                    "(ctrl+p)",
                    style="bold",
                )
            )
            yield DataTable(cursor_type="row", zebra_stripes=True)

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        # The descriptions wrap in the width the keys and ids leave (at 80 columns too).
        key_width = max((len(key) for key, _, _ in self.rows), default=3)
        id_width = max((len(i) for _, _, i in self.rows), default=2)
        room = int(self.app.size.width * 0.9) - 4 - key_width - id_width - 6
        table.add_column("key", width=key_width)
        table.add_column("what it does", width=max(24, room))
        table.add_column("id", width=id_width)
        for key, description, binding_id in self.rows:
            table.add_row(
                Text(key, style="bold"),
                Text(description),
                Text(binding_id, style="dim"),
                height=None,
            )
        table.focus()

    def action_close(self) -> None:
        self.dismiss(None)
