"""The status bar: the store, whether everything is saved, counts and the annotator."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static


class StatusBar(Static):
    """One line of state under the panes."""

    DEFAULT_CSS = """
    StatusBar { height: 1; padding: 0 1; background: $panel; color: $text-muted; }
    """

    def show(
        self,
        *,
        store: str,
        state: str,
        spans: int,
        groups: int,
        annotator: str,
        busy: str = "",
        view: str | None = None,
        shown: int | None = None,
    ) -> None:
        """Show the store path, its state (saved, saving…, read-only, …), counts and the user;
        with an annotator ``view``, how many of the spans it ``shown``."""
        line = Text()
        line.append("store ")
        line.append(store, style="bold")
        style = {"saved": "green", "saving…": "yellow"}.get(state, "red")
        line.append(f"  {state}", style=style)
        line.append(f"  ·  {spans} annotations  ·  {groups} statement groups")
        if view is not None:
            line.append(f" ({shown} shown: {view}'s)", style="bold")
        line.append(f"  ·  {annotator}")
        if busy:
            line.append(f"  ·  {busy}", style="italic")
        self.update(line)
