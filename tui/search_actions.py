"""The app's corpus-wide search: ``F`` lists the matching sentences of every open article.

Enter on a result shows its article in the focused pane with the cursor on the match, scrolled
into view (see :mod:`newsreader.tui.screens.search`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from newsreader.annotations.workbench import Workbench

    from .widgets.document_pane import DocumentPane


class SearchActions:
    """Mixed into the app: the corpus-wide search screen and opening an article at a match."""

    # The app provides ``workbench``, ``focused_pane`` and ``show_in``, besides Textual's own.
    workbench: Workbench

    def action_search_corpus(self) -> None:
        from .screens.search import SearchScreen

        if not self.listed(self.action_search_corpus, "the search opens"):  # type: ignore[attr-defined]
            return
        documents = self.workbench.documents
        if not documents:
            self.notify("There are no articles to search.", severity="warning")  # type: ignore[attr-defined]
            return

        def chosen(found: tuple[str, int, int] | None) -> None:
            if found is not None:
                self.open_at(*found)

        self.push_screen(SearchScreen(documents), chosen)  # type: ignore[attr-defined]

    def open_at(self, doc_id: str, start: int, end: int) -> None:
        """Show article ``doc_id`` in the focused pane with ``start:end`` selected and in view."""
        doc = self.workbench.by_id.get(doc_id)
        pane: DocumentPane | None = self.focused_pane()  # type: ignore[attr-defined]
        if doc is None or pane is None:
            return
        self.show_in(pane, doc)  # type: ignore[attr-defined]
        pane.view.focus()
        # Select once the new text is laid out, so that the scroll lands on the match.
        self.call_after_refresh(pane.view.select_range, start, end)  # type: ignore[attr-defined]


__all__ = ["SearchActions"]
