"""The status bar: the store, whether everything is saved, counts and the annotator."""

from __future__ import annotations

from pathlib import Path

from rich.text import Text
from textual import events
from textual.widgets import Static

from ..display import plural
from ..safe import inert


class StatusBar(Static):
    """One line of state under the panes, shortened to fit its width (the state first)."""

    DEFAULT_CSS = """
    StatusBar { height: 1; padding: 0 1; background: $panel; color: $text-muted; }
    """

    _fields: dict[str, object] | None = None

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
        self._fields = {
            "store": store,
            "state": state,
            "spans": spans,
            "groups": groups,
            "annotator": annotator,
            "busy": busy,
            "view": view,
            "shown": shown,
        }
        self.update(self.line(self._width()))

    def _width(self) -> int:
        width = self.content_region.width or self.app.size.width - 2
        return max(20, width)

    def on_resize(self, _: events.Resize) -> None:
        if self._fields is not None:
            self.update(self.line(self._width()))

    def line(self, width: int) -> Text:
        """The longest of the forms of the line that fits ``width`` cells."""
        fields = self._fields or {}
        store = str(fields.get("store", ""))
        state = str(fields.get("state", ""))
        spans = int(fields.get("spans", 0))  # type: ignore[call-overload]
        groups = int(fields.get("groups", 0))  # type: ignore[call-overload]
        annotator = inert(str(fields.get("annotator", "")))
        busy = str(fields.get("busy", ""))
        name = Path(store).name if store not in ("", "none") else store
        long_counts = f"{plural(spans, 'annotation')}  ·  {plural(groups, 'statement group')}"
        short_counts = f"{plural(spans, 'span')} · {plural(groups, 'group')}"
        view = fields.get("view")
        if view is not None:
            # The whole store's count stays; the filtered view's count stands beside it.
            long_counts += f" ({fields.get('shown')} shown: {inert(str(view))}'s)"
            short_counts += f" ({fields.get('shown')} shown)"
        forms = [
            (inert(store), long_counts, annotator, busy, "  ·  "),
            (inert(name), long_counts, annotator, busy, "  ·  "),
            (inert(name), short_counts, annotator, busy, " · "),
            (inert(name), short_counts, annotator, "", " · "),
            ("", short_counts, annotator, "", " · "),
            ("", short_counts, "", "", " · "),
        ]
        line = Text()
        for store_shown, counts, who, doing, dot in forms:
            line = self._form(store_shown, state, counts, who, doing, dot)
            if line.cell_len <= width:
                return line
        line.truncate(width, overflow="ellipsis")
        return line

    @staticmethod
    def _form(store: str, state: str, counts: str, who: str, doing: str, dot: str) -> Text:
        line = Text()
        if store:
            line.append("store ")
            line.append(store, style="bold")
            line.append("  ")
        style = {"saved": "green", "saving…": "yellow"}.get(state, "red")
        line.append(state, style=style)
        line.append(f"{dot}{counts}")
        if who:
            line.append(f"{dot}{who}")
        if doing:
            line.append(f"{dot}{doing}", style="italic")
        return line
