"""The footer, fitted to the width: the first keys (the most used) are kept, the rest are one
``?`` away on the help screen, rather than cut off mid-word at the right edge."""

from __future__ import annotations

from textual import events
from textual.app import ComposeResult
from textual.widget import Widget
from textual.widgets import Footer

from .._textual_fixes import is_footer_key

COMPACT_BELOW = 140
"""Under this many columns the footer is compact (less space around each key)."""


class FittingFooter(Footer):
    """A footer that shows only as many keys as fit in one line; the palette key stays."""

    _fitted_width = 0

    def compose(self) -> ComposeResult:
        width = self.size.width or self.app.size.width
        self._fitted_width = width
        compact = width < COMPACT_BELOW
        self.set_reactive(Footer.compact, compact)
        self.set_class(compact, "-compact")
        widgets: list[Widget] = list(super().compose())
        keys = [w for w in widgets if is_footer_key(w) and not w.has_class("-command-palette")]
        others = [w for w in widgets if w not in keys]
        room = width - sum(key_width(w, compact) for w in others) - 1
        shown: list[Widget] = []
        for key in keys:
            room -= key_width(key, compact)
            if room < 0:
                break
            shown.append(key)
        self.styles.grid_size_columns = len(shown) + len(others)
        yield from shown
        yield from others

    def on_resize(self, event: events.Resize) -> None:
        if event.size.width != self._fitted_width and self._bindings_ready:
            self.call_after_refresh(self.recompose)


def key_width(key: Widget, compact: bool) -> int:
    """The cells a footer key takes: its key, its description, and the space around them."""
    if not is_footer_key(key):
        return 0
    return len(key.key_display) + 1 + len(key.description) + (1 if compact else 2) + 1
