"""The one place that touches a private Textual API (Textual is pinned to 8.2.x for it).

- A soft-wrapped ``TextArea`` recomputes the height of the whole wrapped document (a sum over
  every line) for every line it renders, so a key press costs more the longer the article. The
  wrapped document's class is swapped for a subclass that remembers the height until the text is
  rewrapped.
- ``rewrap`` wraps a ``TextArea``'s text to its width at once (Textual does so at its next
  resize), and ``is_selecting`` says whether a mouse drag is selecting text.
- ``AfterDragSelection``: a ``TextArea`` mixin whose ``selection_dragged`` runs when the mouse
  button is released after dragging a selection (it wraps ``TextArea._on_mouse_up``): the
  article view snaps a dragged selection to whole words then.
- ``is_footer_key``: whether a widget is one of a ``Footer``'s keys (Textual exports the class
  from ``textual.widgets._footer`` only); the fitting footer measures them.

``tests/tui/test_textual_fixes.py`` checks that each still does what it is meant to.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from textual.document._wrapped_document import WrappedDocument

if TYPE_CHECKING:
    from textual import events
    from textual.widget import Widget
    from textual.widgets import TextArea


class CachedHeightWrappedDocument(WrappedDocument):
    """A wrapped document whose ``height`` is computed once per wrap."""

    _cached_height: int | None = None

    def wrap(self, width: int, tab_width: int | None = None) -> None:
        self._cached_height = None
        super().wrap(width, tab_width)

    def wrap_range(self, *args: Any, **kwargs: Any) -> Any:
        self._cached_height = None
        return super().wrap_range(*args, **kwargs)

    @property
    def height(self) -> int:
        if self._cached_height is None:
            self._cached_height = super().height
        return self._cached_height


def wrapped_width(wrapped: WrappedDocument) -> int:
    """The width ``wrapped`` was last wrapped to (0 before its first wrap)."""
    return int(wrapped._width)


def cache_wrapped_height(wrapped: WrappedDocument) -> None:
    """Make ``wrapped`` remember its height between wraps (a class swap; state is kept)."""
    if not isinstance(wrapped, CachedHeightWrappedDocument):
        wrapped.__class__ = CachedHeightWrappedDocument


def rewrap(area: TextArea) -> None:
    """Wrap ``area``'s text to its current width now, and size its scrolling to match."""
    area._rewrap_and_refresh_virtual_size()


def is_selecting(area: TextArea) -> bool:
    """True while the mouse is dragging a selection in ``area`` (until the button is up)."""
    return bool(area._selecting)


class AfterDragSelection:
    """Mixed into a ``TextArea`` subclass (before ``TextArea``): ``selection_dragged`` is called
    once the mouse button that selected in the area is released (a click selects nothing)."""

    def selection_dragged(self) -> None:
        """What to do with a selection the mouse has just made (nothing here)."""

    async def _on_mouse_up(self, event: events.MouseUp) -> None:
        dragged = is_selecting(self)  # type: ignore[arg-type]
        await super()._on_mouse_up(event)  # type: ignore[misc]
        if dragged:
            self.selection_dragged()


def is_footer_key(widget: Widget) -> bool:
    """True for one of a ``Footer``'s keys."""
    from textual.widgets._footer import FooterKey

    return isinstance(widget, FooterKey)
