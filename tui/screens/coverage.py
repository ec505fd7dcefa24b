"""The coverage screen: the statements × outlets matrix, and how quotes differ between outlets."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.widgets import DataTable, Static

from newsreader.annotations.coverage import Coverage
from newsreader.annotations.integrity import WordChange

from ..display import plural
from ..safe import inert
from ..widgets.footer import FittingFooter

OUTLET_WIDTH = 18
"""The widest an outlet's column grows."""


def shorten(text: str, width: int) -> str:
    """``text`` cut to ``width`` characters, with an ellipsis when cut."""
    return text if len(text) <= width else text[: max(0, width - 1)] + "…"


def label_width(screen_width: int, outlet_widths: list[int]) -> int:
    """How wide the statement column is: what the outlets' columns leave, at least 24."""
    used = sum(w + 2 for w in outlet_widths) + 2 + 2
    return max(24, screen_width - used)


def diff_text(changes: list[WordChange]) -> Text:
    """A word diff with cuts struck through in red and additions in green."""
    text = Text()
    for change in changes:
        if text:
            text.append(" ")
        if change.op == "equal":
            text.append(inert(change.old))
        if change.op in ("replace", "delete"):
            text.append(f"[-{inert(change.old)}-]", style="red strike")
        if change.op == "replace":
            text.append(" ")
        if change.op in ("replace", "insert"):
            text.append(f"{{+{inert(change.new)}+}}", style="green")
    return text


class CoverageScreen(Screen[str | None]):
    """Enter opens the highlighted statement in its outlets; escape goes back."""

    DEFAULT_CSS = """
    CoverageScreen DataTable { height: 1fr; }
    CoverageScreen #diff { height: auto; max-height: 12; border-top: solid $panel-lighten-2;
                           padding: 0 1; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", "Back", id="coverage_close"),
        Binding("enter", "open", "Open statement", id="coverage_open"),
    ]

    def __init__(self, matrix: Coverage) -> None:
        super().__init__()
        self.matrix = matrix

    def compose(self) -> ComposeResult:
        yield Static(
            Text(
                f"Coverage: {plural(len(self.matrix.statements), 'statement')} × "
                f"{plural(len(self.matrix.outlets), 'outlet')}  (— : the outlet does not carry it)",
                style="bold",
            )
        )
        yield DataTable(cursor_type="row", zebra_stripes=True, id="matrix")
        yield Static("", id="diff")
        yield FittingFooter()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        rows: list[tuple[str, list[Text]]] = []
        widths = {outlet: min(OUTLET_WIDTH, len(inert(outlet))) for outlet in self.matrix.outlets}
        for statement in self.matrix.statements:
            cells: list[Text] = []
            for outlet in self.matrix.outlets:
                mentions = statement.outlets.get(outlet)
                if not mentions:
                    cells.append(Text("—", style="dim"))
                else:
                    style = "yellow" if any(m.relation for m in mentions) else "green"
                    cells.append(Text(", ".join(m.describe() for m in mentions), style=style))
                widths[outlet] = max(widths[outlet], min(OUTLET_WIDTH, cells[-1].cell_len))
            rows.append((" ".join(inert(statement.text).split()), cells))
        # The statement column takes the width the outlets leave (each column has 2 cells of
        # padding, and the table a scroll bar).
        width = label_width(self.app.size.width, [widths[o] for o in self.matrix.outlets])
        table.add_column("statement", width=width, key="statement")
        for outlet in self.matrix.outlets:
            table.add_column(
                shorten(inert(outlet), widths[outlet]), width=widths[outlet], key=outlet
            )
        for statement, (label, cells) in zip(self.matrix.statements, rows, strict=True):
            table.add_row(Text(shorten(label, width)), *cells, key=statement.id)
        if not self.matrix.statements:
            self.query_one("#diff", Static).update(
                "No statement groups yet: link a span to another outlet with l."
            )
        table.focus()

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        statement = next((s for s in self.matrix.statements if s.id == event.row_key.value), None)
        panel = self.query_one("#diff", Static)
        if statement is None or not statement.comparisons:
            panel.update(
                Text("No quotes of one speaker from two outlets in this statement.", style="dim")
            )
            return
        text = Text()
        for comparison in statement.comparisons:
            text.append(
                f"{inert(comparison.speaker)}, as {inert(comparison.reference_outlet)} quotes it: ",
                style="bold",
            )
            text.append(inert(" ".join(comparison.reference.text.split())) + "\n")
            for version in comparison.versions:
                text.append(f"  {inert(version.outlet)}: ", style="cyan")
                if version.identical:
                    text.append("the same words\n", style="green")
                else:
                    text.append_text(diff_text(version.changes))
                    text.append("\n")
        panel.update(text)

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        self.dismiss(str(event.row_key.value))

    def action_open(self) -> None:
        table = self.query_one(DataTable)
        if self.matrix.statements:
            row = table.coordinate_to_cell_key(table.cursor_coordinate).row_key
            self.dismiss(str(row.value))

    def action_close(self) -> None:
        self.dismiss(None)
