"""The row of document panes: adding, closing and moving between them."""

from __future__ import annotations

from textual.containers import Horizontal

from .document_pane import DocumentPane

MAX_PANES = 4


class PaneRow(Horizontal):
    """Holds one to :data:`MAX_PANES` document panes side by side."""

    def __init__(self, count: int, *, cursor_blink: bool = True, id: str | None = None) -> None:
        super().__init__(id=id)
        self._numbered = 0
        self._count = max(1, min(MAX_PANES, count))
        self._cursor_blink = cursor_blink
        self.last: DocumentPane | None = None

    def compose(self):  # type: ignore[no-untyped-def]
        # The first frame's panes show their text in a plain Static (``DocumentPane.mount_view``).
        for _ in range(self._count):
            yield self.new_pane(preview=True)

    def new_pane(self, *, preview: bool = False) -> DocumentPane:
        """A new, empty pane (not yet mounted)."""
        self._numbered += 1
        return DocumentPane(self._numbered, cursor_blink=self._cursor_blink, preview=preview)

    async def mount_views(self) -> None:
        """Put each pane's article view in place of its preview."""
        for pane in self.panes:
            await pane.mount_view()

    @property
    def panes(self) -> list[DocumentPane]:
        """The panes, left to right."""
        return list(self.query_children(DocumentPane))

    def focused_pane(self) -> DocumentPane | None:
        """The pane that has the focus, else the last one that had it, else the first."""
        focused = self.app.focused
        panes = self.panes
        for pane in panes:
            if focused is not None and (focused is pane or pane in focused.ancestors):
                return pane
        if self.last is not None and self.last in panes:
            return self.last
        return panes[0] if panes else None

    def cycle(self, step: int) -> DocumentPane | None:
        """Focus the pane ``step`` places to the right (wrapping round)."""
        panes = self.panes
        if not panes:
            return None
        current = self.focused_pane()
        index = panes.index(current) if current in panes else -1
        target = panes[(index + step) % len(panes)]
        target.view.focus()
        self.last = target
        return target

    def close(self, pane: DocumentPane) -> DocumentPane:
        """Remove ``pane`` and focus its neighbour (the caller keeps at least one)."""
        panes = self.panes
        index = panes.index(pane)
        self.last = None
        pane.remove()
        rest = [p for p in panes if p is not pane]
        target = rest[min(index, len(rest) - 1)]
        target.view.focus()
        return target
