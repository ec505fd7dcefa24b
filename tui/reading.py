"""The app's reading actions: panes, search, sentences, folding, the sidebar and the screens."""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

from textual import work

from .display import markup_of, screenshot_folder
from .safe import inert
from .widgets.pane_row import MAX_PANES

if TYPE_CHECKING:
    from newsreader.annotations.model import Span
    from newsreader.annotations.store import Store
    from newsreader.annotations.workbench import Workbench
    from newsreader.corpus import Document

    from .widgets.annotation_list import AnnotationList
    from .widgets.document_pane import DocumentPane
    from .widgets.pane_row import PaneRow
    from .widgets.search_bar import SearchBar


def matches(doc: Document, pattern: str) -> list[tuple[int, int]]:
    """Where ``pattern`` occurs in the article, ignoring case."""
    if not pattern:
        return []
    return [(m.start(), m.end()) for m in re.finditer(re.escape(pattern), doc.text, re.I)]


class ReadingActions:
    """Mixed into the app: moving between panes and articles, search, folding, screens."""

    # The app provides ``workbench``, ``row``, ``pattern``, ``folded``, ``active_group``,
    # ``focused_pane``, ``show_in``, ``paint`` and ``refresh_all``, besides Textual's own.
    workbench: Workbench
    row: PaneRow
    pattern: str
    folded: bool
    active_group: str | None
    search_target: DocumentPane | None = None
    search_open: bool = False

    def action_focus_next_pane(self) -> None:
        self.row.cycle(1)
        self.refresh_sidebar()

    def action_focus_previous_pane(self) -> None:
        self.row.cycle(-1)
        self.refresh_sidebar()

    # -- search ----------------------------------------------------------------------------

    # The search bar and the sidebar are imported and mounted when first asked for.
    def action_search(self) -> None:
        from .widgets.search_bar import SearchBar

        # The pane to search is the one focused when / was pressed: once the bar has the
        # focus, "the focused pane" would be a guess.
        self.search_target = self.focused_pane()
        article = self.search_target.article if self.search_target else None
        where = inert(article.outlet or article.title) if article else "this article"
        bars = self.query(SearchBar)
        if bars:
            bars.first().open(where)
            return
        bar = SearchBar()
        self.mount(bar)
        bar.call_after_refresh(bar.open, where)

    def search_marks(self, pane: DocumentPane) -> list[tuple[int, int, str]]:
        """The search matches to paint in ``pane``: while the search bar is open, in the pane
        it searches."""
        if not self.search_open or pane is not self.search_target or pane.article is None:
            return []
        return [(start, end, "search") for start, end in matches(pane.article, self.pattern)]

    def extra_marks(self, pane: DocumentPane) -> list[tuple[int, int, str]]:
        """What the screen adds to the workbench's marks: Markdown markup, search matches."""
        doc = pane.article
        if doc is None:
            return []
        items = [(start, end, "markup") for start, end in markup_of(doc)]
        items.extend(self.search_marks(pane))
        return items

    def _search_pane(self) -> DocumentPane | None:
        pane = self.search_target
        return pane if pane is not None and pane in self.row.panes else self.focused_pane()

    # Handlers are named, not decorated with @on: Textual collects @on only from its own classes.
    def on_search_bar_typed(self, message: SearchBar.Typed) -> None:
        self.search_open = True
        self.pattern = message.pattern
        pane = self._search_pane()
        if pane is not None:
            self.paint(pane)

    def on_search_bar_search(self, message: SearchBar.Search) -> None:
        self.pattern = message.pattern
        pane = self._search_pane()
        self.search_open = False
        if pane is not None:
            pane.view.focus()
            self._find(pane, forward=True, from_cursor=True)

    def on_search_bar_closed(self, _: SearchBar.Closed) -> None:
        pane = self._search_pane()
        self.search_open = False
        if pane is not None:
            self.paint(pane)
            pane.view.focus()

    def _find(self, pane: DocumentPane, *, forward: bool, from_cursor: bool = False) -> None:
        doc = pane.article
        if doc is None or not self.pattern:
            return
        found = matches(doc, self.pattern)
        if not found:
            self.notify(f"{self.pattern!r} is not in this article", severity="warning")
            self.paint(pane)
            return
        cursor = pane.view.cursor_offset
        selected = pane.view.selected_range()
        if forward:
            start_at = cursor if from_cursor else (selected[0] + 1 if selected else cursor + 1)
            if from_cursor and selected:
                start_at = selected[0]
            after = [m for m in found if m[0] >= start_at]
            target = after[0] if after else found[0]
        else:
            before = [m for m in found if m[0] < (selected[0] if selected else cursor)]
            target = before[-1] if before else found[-1]
        pane.view.select_range(*target)
        self.paint(pane)

    def action_search_next(self) -> None:
        pane = self.focused_pane()
        if pane is not None:
            self._find(pane, forward=True)

    def action_search_previous(self) -> None:
        pane = self.focused_pane()
        if pane is not None:
            self._find(pane, forward=False)

    # -- the article -----------------------------------------------------------------------

    def action_select_sentence(self) -> None:
        pane = self.focused_pane()
        if pane is None or pane.article is None:
            return
        cursor = pane.view.cursor_offset
        selected = pane.view.selected_range()
        if selected:
            cursor = selected[0]
        # The sentence with the quotation marks that open or close it: a quote is tagged with
        # its marks.
        from newsreader.corpus.quotes import sentence_at

        found = sentence_at(pane.article, cursor)
        if found is None and cursor > 0:
            found = sentence_at(pane.article, cursor - 1)  # at the very end of a sentence
        if found is not None:
            pane.view.select_range(*found)
            return
        self.notify("The cursor is not in a sentence.", severity="warning")

    def action_toggle_fold(self) -> None:
        self.folded = not self.folded
        for pane in self.row.panes:
            if pane.article is not None:
                cursor = pane.view.cursor_offset
                self.show_in(pane, pane.article)
                pane.view.move_to(cursor)
        self.notify("Boilerplate folded." if self.folded else "Boilerplate shown.", timeout=2)

    # -- the sidebar -----------------------------------------------------------------------

    def action_toggle_sidebar(self) -> None:
        from .widgets.annotation_list import AnnotationList

        found = self.query(AnnotationList)
        if not found:
            self.query_one("#main").mount(AnnotationList(id="sidebar"))
            self.call_after_refresh(self.refresh_sidebar)
            return
        sidebar = found.first()
        sidebar.display = not sidebar.display
        self.refresh_sidebar()

    def refresh_sidebar(self) -> None:
        """List the spans of every open article in the sidebar (when it is shown), by article,
        limited to the sidebar's label and the annotator view."""
        found = self.query("#sidebar")
        if not found or not found.first().display:
            return
        sidebar = found.first()
        store = self.workbench.store
        if store is None:
            sidebar.show([], set())
            return
        sidebar.labels = store.labels
        docs = [p.article for p in self.row.panes if p.article is not None]
        sections = self.workbench.story_spans(
            [d.id for d in docs], label=sidebar.label, annotator=self.workbench.view
        )
        titles = {d.id: f"{d.outlet or 'unknown outlet'} · {d.title}" for d in docs}
        grouped = {
            s.id for _doc, spans in sections for s in spans if store.group_of(s.id) is not None
        }
        sidebar.show(
            [(titles[doc_id], spans) for doc_id, spans in sections],
            grouped,
            annotator=self.workbench.view,
        )

    def on_annotation_list_label_changed(self, message: AnnotationList.LabelChanged) -> None:
        self.refresh_sidebar()
        self.notify(f"Sidebar: {message.label + 's' if message.label else 'every label'}.")

    def on_annotation_list_jump(self, message: AnnotationList.Jump) -> None:
        self.jump_to_span(message.span_id)

    # -- panes -----------------------------------------------------------------------------

    def action_add_pane(self) -> None:
        if len(self.row.panes) >= MAX_PANES:
            self.notify(f"At most {MAX_PANES} panes.", severity="warning")
            return
        shown = {p.article.id for p in self.row.panes if p.article}
        doc = next((d for d in self.workbench.documents if d.id not in shown), None)
        pane = self.row.new_pane()
        self.row.mount(pane)
        pane.call_after_refresh(self._fill_new_pane, pane, doc)

    def _fill_new_pane(self, pane: DocumentPane, doc: Document | None) -> None:
        self.show_in(pane, doc)
        pane.view.focus()
        self.rewrap_panes()

    def rewrap_panes(self) -> None:
        """Wrap every pane's text to its width now (the row's widths changed)."""
        for pane in self.row.panes:
            pane.view.rewrap()

    def action_close_pane(self) -> None:
        panes = self.row.panes
        if len(panes) <= 1:
            self.notify("The last pane stays open.", severity="warning")
            return
        self.row.close(self.focused_pane() or panes[-1])
        self.call_after_refresh(self.rewrap_panes)

    def action_pick_document(self) -> None:
        from .screens.picker import DocumentPicker

        if not self.listed(self.action_pick_document, "the article list opens"):  # type: ignore[attr-defined]
            return
        pane = self.focused_pane()
        if pane is None:
            return

        def chosen(doc_id: str | None) -> None:
            doc = self.workbench.by_id.get(doc_id or "")
            if doc is not None:
                self.show_in(pane, doc)
                pane.view.focus()

        counts = self.workbench.counts_by_document()
        documents = self.story_first(self.workbench.documents)  # type: ignore[attr-defined]
        story = self.current_story(pane)  # type: ignore[attr-defined]
        self.push_screen(DocumentPicker(documents, counts, story), chosen)

    # -- screens ---------------------------------------------------------------------------

    def action_coverage(self) -> None:
        store = self.workbench.store
        if store is None:
            self.notify("There is no store open.", severity="warning")
            return
        self._build_coverage(store)

    @work(thread=True, exclusive=True, group="coverage")
    def _build_coverage(self, store: Store) -> None:
        # Its cost grows with the store: built in a worker, shown when ready.
        from newsreader.annotations.coverage import coverage

        matrix = coverage(store)
        self.call_from_thread(self._show_coverage, matrix)

    def _show_coverage(self, matrix: object) -> None:
        from .screens.coverage import CoverageScreen

        def opened(group_id: str | None) -> None:
            if group_id:
                self.open_statement(group_id)

        self.push_screen(CoverageScreen(matrix), opened)  # type: ignore[arg-type]

    def open_statement(self, group_id: str) -> None:
        """Show a statement group's members side by side, each in a pane."""
        store = self.workbench.store
        group = store.group(group_id) if store else None
        if store is None or group is None:
            return
        members = [s for m in group.members if (s := store.span(m)) is not None]
        while len(self.row.panes) < min(len(members), MAX_PANES):
            self.row.mount(self.row.new_pane())
        self.call_after_refresh(self._show_members, members, group_id)

    def _show_members(self, members: list[Span], group_id: str) -> None:
        self.active_group = group_id
        shown = []
        for pane, span in zip(self.row.panes, members, strict=False):
            doc = self.workbench.by_id.get(span.doc_id)
            if doc is not None:
                self.show_in(pane, doc)
                shown.append((pane, span))
        # Select (and scroll to) each member once the new texts are laid out.
        self.call_after_refresh(self._select_members, shown)

    def _select_members(self, shown: list[tuple[DocumentPane, Span]]) -> None:
        for pane, span in shown:
            pane.view.select_range(span.start, span.end)
        if shown:
            shown[0][0].view.focus()

    def deliver_screenshot(
        self, filename: str | None = None, path: str | None = None, time_format: str | None = None
    ) -> str | None:
        """Save an SVG of the screen (the palette's Screenshot command) and say where it went:
        the Downloads folder, else the current folder, else the data folder."""
        from platformdirs import user_downloads_path

        from newsreader.annotations.config import data_folder

        folder = Path(path) if path else screenshot_folder(user_downloads_path(), data_folder())
        try:
            saved: str = self.save_screenshot(filename, str(folder), time_format)  # type: ignore[attr-defined]
        except OSError as error:
            self.notify(
                f"The screenshot could not be saved in {folder}: {error.strerror or error}",
                title="Screenshot",
                severity="error",
                markup=False,
            )
            return None
        self.notify(f"Saved to {saved}", title="Screenshot", timeout=8, markup=False)
        return saved

    def action_help(self) -> None:
        from .screens.help import HelpScreen

        self.push_screen(HelpScreen(self.key_rows()))


__all__ = ["ReadingActions", "matches"]
