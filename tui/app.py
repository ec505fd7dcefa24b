"""The newsreader app: outlets side by side, annotated with the keyboard.

The app is a thin face over ``newsreader.annotations``: the store keeps every edit (saving on its
own thread), the linker ranks candidates, coverage builds the matrix. Slow work (opening the
store, finding spans again, building the index, finding candidates) runs in thread workers that
report back with messages; no key waits on the disk or on a corpus scan.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from textual import on, work
from textual.app import App, ComposeResult, SystemCommand
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Footer, TextArea

from newsreader.annotations.config import Config
from newsreader.annotations.model import Passage, Span

from .widgets.annotation_list import AnnotationList
from .widgets.article_view import ArticleView, innermost
from .widgets.document_pane import DocumentPane
from .widgets.search_bar import SearchBar
from .widgets.status_bar import StatusBar

if TYPE_CHECKING:
    from newsreader.annotations.journal import StoreError
    from newsreader.annotations.linking import Candidate, Linker
    from newsreader.annotations.store import AnchorReport, Store
    from newsreader.corpus import Document, LoadResult

# The store, the linker, the loaders and the screens are imported where they are first used
# (mostly in workers), so that the first frame does not wait for them.

MAX_PANES = 4


@dataclass
class DocumentsLoaded(Message):
    """The articles are loaded (with the problems met)."""

    result: LoadResult


@dataclass
class StoreOpened(Message):
    """The store is open (or could not be) and the articles' spans were found again."""

    store: Store | None
    report: AnchorReport | None
    problem: StoreError | None = None


@dataclass
class IndexBuilt(Message):
    """The linker has indexed every article."""

    linker: Linker


@dataclass
class Saved(Message):
    """The store says its edits are on disk (posted from its writer thread)."""


@dataclass
class SaveFailed(Message):
    """The store could not write."""

    message: str


class NewsreaderApp(App[None]):
    """Read several articles side by side, tag claims and quotes, link them across outlets."""

    TITLE = "newsreader"
    CSS_PATH = "newsreader.tcss"
    ENABLE_COMMAND_PALETTE = True

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+q", "quit", "Quit", id="quit", tooltip="Quit; everything is already saved"),
        Binding("question_mark", "help", "Help", id="help", tooltip="Every key"),
        Binding("slash", "search", "Search", id="search", tooltip="Search the focused article"),
        Binding("n", "search_next", "Next match", show=False, id="search_next"),
        Binding("N", "search_previous", "Previous match", show=False, id="search_previous"),
        Binding(
            "s",
            "select_sentence",
            "Sentence",
            id="select_sentence",
            tooltip="Select the sentence under the cursor",
        ),
        Binding("c", "tag('claim')", "Claim", id="tag_claim", tooltip="Tag the selection a claim"),
        Binding(
            "q",
            "tag('quote')",
            "Quote",
            id="tag_quote",
            tooltip="Tag the selection a quote and give its speaker",
        ),
        Binding("l", "link", "Link", id="link", tooltip="Link the span under the cursor"),
        Binding("u", "undo", "Undo", id="undo"),
        Binding("ctrl+r", "redo", "Redo", id="redo"),
        Binding(
            "d",
            "delete",
            "Delete",
            show=False,
            id="delete",
            tooltip="Delete the span under the cursor",
        ),
        Binding(
            "e",
            "edit",
            "Edit",
            show=False,
            id="edit",
            tooltip="Edit the label, speaker and note of the span under the cursor",
        ),
        Binding(
            "a",
            "accept_suggestion",
            "Accept",
            show=False,
            id="accept_suggestion",
            tooltip="Accept the suggestion (detected quote or stored link) under the cursor",
        ),
        Binding(
            "x",
            "reject_suggestion",
            "Reject",
            show=False,
            id="reject_suggestion",
            tooltip="Reject the suggestion under the cursor",
        ),
        Binding(
            "o",
            "pick_document",
            "Open article",
            id="pick_document",
            tooltip="Choose the article of the focused pane",
        ),
        Binding("plus", "add_pane", "Add pane", show=False, id="add_pane"),
        Binding("minus", "close_pane", "Close pane", show=False, id="close_pane"),
        Binding(
            "b",
            "toggle_sidebar",
            "Annotations",
            id="toggle_sidebar",
            tooltip="Show or hide the annotations of the focused article",
        ),
        Binding(
            "z",
            "toggle_fold",
            "Fold",
            show=False,
            id="toggle_fold",
            tooltip="Fold or unfold boilerplate",
        ),
        Binding(
            "v", "coverage", "Coverage", id="coverage", tooltip="The statements × outlets matrix"
        ),
        Binding("tab", "focus_next_pane", "Next pane", show=False, id="next_pane"),
        Binding(
            "shift+tab", "focus_previous_pane", "Previous pane", show=False, id="previous_pane"
        ),
    ]

    def __init__(
        self,
        result: LoadResult | None,
        *,
        paths: Sequence[str | Path] = (),
        manifest: str | Path | None = None,
        store_path: Path | None,
        config: Config | None = None,
        annotator: str | None = None,
        panes: int = 2,
        cursor_blink: bool = True,
        read_only: bool = False,
    ) -> None:
        super().__init__()
        self.result = result
        self.paths = list(paths)
        self.manifest = manifest
        self.documents: list[Document] = []
        self.by_id: dict[str, Document] = {}
        self.store_path = store_path
        self.config = config or Config()
        self.annotator = annotator or self.config.annotator
        self.initial_panes = max(1, min(MAX_PANES, panes))
        self.cursor_blink = cursor_blink
        self.read_only = read_only
        self.store: Store | None = None
        self.linker: Linker | None = None
        self.folded = False
        self.pattern = ""
        self.busy = "loading articles…"
        self.state = "opening…"
        self.active_group: str | None = None
        self._pane_count = 0

    # -- layout ----------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        with Horizontal(id="main"):
            with Horizontal(id="panes"):
                for _ in range(self.initial_panes):
                    yield self._new_pane()
            yield AnnotationList(id="sidebar")
        yield SearchBar()
        yield StatusBar(id="status")
        yield Footer()

    def _new_pane(self) -> DocumentPane:
        self._pane_count += 1
        return DocumentPane(self._pane_count, cursor_blink=self.cursor_blink)

    @property
    def panes(self) -> list[DocumentPane]:
        return list(self.query(DocumentPane))

    def on_mount(self) -> None:
        if self.config.keys:
            self.set_keymap(dict(self.config.keys))
        if self.panes:
            self.panes[0].view.focus()
        self._refresh_status()
        if self.result is not None:
            self.on_documents_loaded(DocumentsLoaded(self.result))

    def on_ready(self) -> None:
        # After the first frame: the articles given as paths are loaded in a worker.
        if self.result is None:
            self._load_documents()

    @work(thread=True, exclusive=True, group="load")
    def _load_documents(self) -> None:
        from newsreader.corpus import SAMPLE_DIR, load_paths

        self.post_message(
            DocumentsLoaded(load_paths(self.paths or [SAMPLE_DIR], manifest=self.manifest))
        )

    def on_documents_loaded(self, message: DocumentsLoaded) -> None:
        self.result = message.result
        self.documents = list(message.result.documents)
        self.by_id = {doc.id: doc for doc in self.documents}
        for pane, doc in zip(self.panes, self.documents, strict=False):
            pane.show(doc, self._folds(doc), 0)
        for problem in message.result.problems:
            self.notify(
                str(problem), title="An article could not be loaded", severity="warning", timeout=12
            )
        if not self.documents:
            self.notify(
                "No articles to show: give newsreader files or folders of articles.",
                severity="error",
                timeout=15,
            )
        self.busy = "opening the store…"
        self._refresh_status()
        self._open_store(read_only=self.read_only)

    def on_unmount(self) -> None:
        self._close_store()

    def _close_store(self) -> None:
        from newsreader.annotations.journal import StoreError

        store, self.store = self.store, None
        if store is not None:
            # The edits are already on disk; closing folds the journal. A failure to save was
            # reported when it happened.
            with contextlib.suppress(StoreError):
                store.close()

    # -- workers ---------------------------------------------------------------------------

    @work(thread=True, exclusive=True, group="store")
    def _open_store(self, read_only: bool = False) -> None:
        from newsreader.annotations.journal import StoreError
        from newsreader.annotations.store import Store

        if self.store_path is None:
            self.post_message(StoreOpened(None, None))
            return
        try:
            store = Store.open(
                self.store_path,
                read_only=read_only,
                annotator=self.annotator,
                labels=self.config.labels,
                relations=self.config.relations,
                on_durable=lambda _seq: self.post_message(Saved()),
                on_error=lambda error: self.post_message(SaveFailed(str(error))),
                allow_newer=read_only,
            )
        except StoreError as error:
            self.post_message(StoreOpened(None, None, error))
            return
        report = store.attach(self.documents)
        self.post_message(StoreOpened(store, report))

    @work(thread=True, exclusive=True, group="index")
    def _build_index(self, spans: list[Span]) -> None:
        from newsreader.annotations.linking import Linker

        linker = Linker()
        linker.add_documents(self.documents)
        linker.sync_spans(spans)
        self.post_message(IndexBuilt(linker))

    def on_store_opened(self, message: StoreOpened) -> None:
        from newsreader.annotations.journal import StoreCorrupt, StoreTooNew

        from .screens.dialogs import StoreProblemDialog

        if message.problem is not None:
            self.busy = ""
            self.state = "no store"
            self._refresh_status()
            can_read = isinstance(message.problem, StoreTooNew) or not isinstance(
                message.problem, StoreCorrupt
            )
            self.push_screen(
                StoreProblemDialog(str(message.problem), can_read=can_read),
                self._store_problem_chosen,
            )
            self._build_index([])
            return
        self.store = message.store
        if self.store is not None:
            self.state = "read-only" if self.store.read_only else "saved"
            for warning in self.store.warnings:
                self.notify(warning, title="Store", severity="warning", timeout=12)
        else:
            self.state = "no store"
        report = message.report
        if report:
            lines = report.lines(self.store.documents() if self.store else None)
            self.notify(
                "\n".join(lines[:6]) + (f"\n… and {len(lines) - 6} more" if len(lines) > 6 else ""),
                title=f"{len(report.moved)} annotations moved, {len(report.orphaned)} orphaned "
                "because their articles changed",
                severity="warning",
                timeout=20,
            )
        self.busy = "indexing articles for linking…"
        self._build_index(self.store.spans() if self.store else [])
        self.refresh_all()

    def _store_problem_chosen(self, choice: str | None) -> None:
        if choice == "read-only":
            self.busy = "opening the store read-only…"
            self._open_store(read_only=True)
        elif choice == "move-aside" and self.store_path is not None:
            from newsreader.annotations.journal import move_aside

            stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
            try:
                moved = move_aside(self.store_path, stamp)
            except OSError as error:
                self.notify(f"Could not move the store aside: {error}", severity="error")
                return
            self.notify("Moved aside: " + ", ".join(str(p) for p in moved), timeout=12)
            self.busy = "starting a fresh store…"
            self._open_store()
        else:
            self.notify(
                "Reading without a store: annotations will not be saved.",
                severity="warning",
                timeout=10,
            )

    def on_index_built(self, message: IndexBuilt) -> None:
        self.linker = message.linker
        self.busy = ""
        self._refresh_status()

    def on_saved(self, _: Saved) -> None:
        if self.store is not None and self.store.saved and self.state == "saving…":
            self.state = "saved"
            self._refresh_status()

    def on_save_failed(self, message: SaveFailed) -> None:
        self.state = "NOT SAVED"
        self._refresh_status()
        self.notify(message.message, title="Saving failed", severity="error", timeout=30)

    # -- state shown -----------------------------------------------------------------------

    def _folds(self, doc: Document) -> list[tuple[int, int]]:
        return list(doc.boilerplate) if self.folded else []

    def _counts(self) -> dict[str, int]:
        return self.store.counts_by_document() if self.store is not None else {}

    def _refresh_status(self) -> None:
        counts = self.store.counts() if self.store else {"spans": 0, "groups": 0}
        self.query_one(StatusBar).show(
            store=str(self.store_path) if self.store_path else "none",
            state=self.state,
            spans=counts["spans"],
            groups=counts["groups"],
            annotator=self.store.annotator if self.store else (self.annotator or ""),
            busy=self.busy,
        )

    def refresh_all(self) -> None:
        """Repaint every pane, the sidebar and the status bar from the store."""
        counts = self._counts()
        for pane in self.panes:
            if pane.article is not None:
                pane.set_header(counts.get(pane.article.id, 0))
            self._paint(pane)
        self._refresh_sidebar()
        self._refresh_status()

    def _paint(self, pane: DocumentPane) -> None:
        doc = pane.article
        if doc is None:
            pane.view.paint([])
            return
        items: list[tuple[int, int, str]] = [(s, e, "boilerplate") for s, e in doc.boilerplate]
        quotes_tagged: set[tuple[int, int]] = set()
        if self.store is not None:
            group = self.store.group(self.active_group) if self.active_group else None
            members = set(group.members) if group else set()
            for span in self.store.spans(doc.id):
                if span.orphaned:
                    continue
                kind = span.label if span.label in ("claim", "quote") else "other"
                items.append((span.start, span.end, kind))
                if span.id in members:
                    items.append((span.start, span.end, "linked"))
                if span.label == "quote":
                    quotes_tagged.add((span.start, span.end))
            for suggestion in self.store.suggestions():
                for passage in (suggestion.source, suggestion.target):
                    if passage.doc_id == doc.id:
                        items.append((passage.start, passage.end, "suggest-link"))
        for quote in doc.quotes:
            passage = Passage(doc.id, quote.start, quote.end)
            if (quote.start, quote.end) in quotes_tagged:
                continue
            if self.store is not None and self.store.is_rejected_quote(passage):
                continue
            items.append((quote.start, quote.end, "suggest-quote"))
        if self.pattern and pane.view.has_focus:
            for start, end in self._matches(doc, self.pattern):
                items.append((start, end, "search"))
        pane.view.paint(items)

    def _refresh_sidebar(self) -> None:
        sidebar = self.query_one(AnnotationList)
        if not sidebar.display:
            return
        pane = self._focused_pane()
        if pane is None or pane.article is None or self.store is None:
            sidebar.show([], set())
            return
        spans = self.store.spans(pane.article.id)
        grouped = {s.id for s in spans if self.store.group_of(s.id) is not None}
        sidebar.show(spans, grouped)

    # -- helpers ---------------------------------------------------------------------------

    def _focused_pane(self) -> DocumentPane | None:
        focused = self.focused
        for pane in self.panes:
            if focused is not None and (focused is pane or pane in focused.ancestors):
                return pane
        return getattr(self, "_last_pane", None) or (self.panes[0] if self.panes else None)

    def _need_store(self) -> Store | None:
        if self.store is None:
            self.notify("There is no store open, so nothing can be saved.", severity="warning")
            return None
        if self.store.read_only:
            self.notify("The store is open read-only: edits are not possible.", severity="warning")
            return None
        return self.store

    def _span_at_cursor(self, pane: DocumentPane) -> Span | None:
        if self.store is None or pane.article is None:
            return None
        spans = [s for s in self.store.spans(pane.article.id) if not s.orphaned]
        selected = pane.view.selected_range()
        if selected is not None:
            exact = [s for s in spans if (s.start, s.end) == selected]
            if exact:
                return exact[0]
        found = innermost([(s.start, s.end, s.id) for s in spans], pane.view.cursor_offset)
        return self.store.span(found[2]) if found else None

    def _edited(self, message: str | None = None) -> None:
        if self.store is not None and not self.store.read_only:
            self.state = "saved" if self.store.saved else "saving…"
        if self.linker is not None and self.store is not None:
            self.linker.sync_spans(self.store.spans())
        self.refresh_all()
        if message:
            self.notify(message, timeout=3)

    def _try(self, work: Any) -> Any:
        from newsreader.annotations.journal import StoreError
        from newsreader.annotations.store import EditError

        try:
            return work()
        except EditError as error:
            self.notify(str(error), severity="warning")
        except StoreError as error:
            self.notify(str(error), severity="error", timeout=20)
        return None

    # -- events ----------------------------------------------------------------------------

    @on(TextArea.SelectionChanged)
    def _cursor_moved(self, event: TextArea.SelectionChanged) -> None:
        view = event.text_area
        if not isinstance(view, ArticleView):
            return
        pane = next((p for p in self.panes if p.view is view), None)
        if pane is None:
            return
        self._last_pane = pane
        span = self._span_at_cursor(pane)
        group = self.store.group_of(span.id) if (span and self.store) else None
        group_id = group.id if group else None
        if group_id != self.active_group:
            self.active_group = group_id
            if group is not None and self.store is not None:
                # The other panes go to their member of the group.
                for other in self.panes:
                    if other is pane or other.article is None:
                        continue
                    for member_id in group.members:
                        member = self.store.span(member_id)
                        if member is not None and member.doc_id == other.article.id:
                            other.view.select_range(member.start, member.end)
                            break
            for each in self.panes:
                self._paint(each)

    @on(AnnotationList.Jump)
    def _jump(self, message: AnnotationList.Jump) -> None:
        span = self.store.span(message.span_id) if self.store else None
        pane = self._focused_pane()
        if span is None or pane is None:
            return
        pane.view.select_range(span.start, span.end)
        pane.view.focus()

    def on_descendant_focus(self, event: Any) -> None:
        pane = self._focused_pane()
        if pane is not None and self.query_one(AnnotationList).display:
            self._refresh_sidebar()

    # -- actions: reading ------------------------------------------------------------------

    def action_focus_next_pane(self) -> None:
        self._cycle_pane(1)

    def action_focus_previous_pane(self) -> None:
        self._cycle_pane(-1)

    def _cycle_pane(self, step: int) -> None:
        panes = self.panes
        if not panes:
            return
        current = self._focused_pane()
        index = panes.index(current) if current in panes else -1
        target = panes[(index + step) % len(panes)]
        target.view.focus()
        self._last_pane = target
        self._refresh_sidebar()

    def action_search(self) -> None:
        self.query_one(SearchBar).open()

    @on(SearchBar.Search)
    def _search(self, message: SearchBar.Search) -> None:
        self.pattern = message.pattern
        pane = self._focused_pane()
        if pane is not None:
            pane.view.focus()
            self._find(pane, forward=True, from_cursor=True)

    @on(SearchBar.Closed)
    def _search_closed(self) -> None:
        pane = self._focused_pane()
        if pane is not None:
            pane.view.focus()

    def _matches(self, doc: Document, pattern: str) -> list[tuple[int, int]]:
        if not pattern:
            return []
        return [(m.start(), m.end()) for m in re.finditer(re.escape(pattern), doc.text, re.I)]

    def _find(self, pane: DocumentPane, *, forward: bool, from_cursor: bool = False) -> None:
        doc = pane.article
        if doc is None or not self.pattern:
            return
        matches = self._matches(doc, self.pattern)
        if not matches:
            self.notify(f"{self.pattern!r} is not in this article", severity="warning")
            self._paint(pane)
            return
        cursor = pane.view.cursor_offset
        selected = pane.view.selected_range()
        if forward:
            start_at = cursor if from_cursor else (selected[0] + 1 if selected else cursor + 1)
            if from_cursor and selected:
                start_at = selected[0]
            after = [m for m in matches if m[0] >= start_at]
            target = after[0] if after else matches[0]
        else:
            before = [m for m in matches if m[0] < (selected[0] if selected else cursor)]
            target = before[-1] if before else matches[-1]
        pane.view.select_range(*target)
        self._paint(pane)

    def action_search_next(self) -> None:
        pane = self._focused_pane()
        if pane is not None:
            self._find(pane, forward=True)

    def action_search_previous(self) -> None:
        pane = self._focused_pane()
        if pane is not None:
            self._find(pane, forward=False)

    def action_select_sentence(self) -> None:
        pane = self._focused_pane()
        if pane is None or pane.article is None:
            return
        cursor = pane.view.cursor_offset
        selected = pane.view.selected_range()
        if selected:
            cursor = selected[0]
        for start, end in pane.article.sentences:
            if start <= cursor < end or cursor == end:
                pane.view.select_range(start, end)
                return
        self.notify("The cursor is not in a sentence.", severity="warning")

    def action_toggle_fold(self) -> None:
        self.folded = not self.folded
        for pane in self.panes:
            if pane.article is not None:
                cursor = pane.view.cursor_offset
                pane.show(
                    pane.article, self._folds(pane.article), self._counts().get(pane.article.id, 0)
                )
                pane.view.move_to(cursor)
        self.refresh_all()
        self.notify("Boilerplate folded." if self.folded else "Boilerplate shown.", timeout=2)

    def action_toggle_sidebar(self) -> None:
        sidebar = self.query_one(AnnotationList)
        sidebar.display = not sidebar.display
        self._refresh_sidebar()

    def action_add_pane(self) -> None:
        if len(self.panes) >= MAX_PANES:
            self.notify(f"At most {MAX_PANES} panes.", severity="warning")
            return
        shown = {p.article.id for p in self.panes if p.article}
        doc = next((d for d in self.documents if d.id not in shown), None)
        pane = self._new_pane()
        self.query_one("#panes").mount(pane)
        pane.call_after_refresh(self._fill_new_pane, pane, doc)

    def _fill_new_pane(self, pane: DocumentPane, doc: Document | None) -> None:
        pane.show(doc, self._folds(doc) if doc else [], self._counts().get(doc.id, 0) if doc else 0)
        self._paint(pane)
        pane.view.focus()

    def action_close_pane(self) -> None:
        panes = self.panes
        if len(panes) <= 1:
            self.notify("The last pane stays open.", severity="warning")
            return
        pane = self._focused_pane() or panes[-1]
        index = panes.index(pane)
        self._last_pane = None
        pane.remove()
        rest = [p for p in panes if p is not pane]
        rest[min(index, len(rest) - 1)].view.focus()

    def action_pick_document(self) -> None:
        from .screens.picker import DocumentPicker

        pane = self._focused_pane()
        if pane is None:
            return

        def chosen(doc_id: str | None) -> None:
            if doc_id and doc_id in self.by_id:
                doc = self.by_id[doc_id]
                pane.show(doc, self._folds(doc), self._counts().get(doc_id, 0))
                self._paint(pane)
                pane.view.focus()

        self.push_screen(DocumentPicker(self.documents, self._counts()), chosen)

    # -- actions: annotating ---------------------------------------------------------------

    def action_tag(self, label: str) -> None:
        pane = self._focused_pane()
        if pane is None or pane.article is None:
            return
        selected = pane.view.selected_range()
        if selected is None:
            self.notify(
                "Select some words first (s selects the sentence under the cursor).",
                severity="warning",
            )
            return
        store = self._need_store()
        if store is None:
            return
        doc = pane.article
        if label == "quote":
            from .screens.dialogs import SpeakerDialog

            detected = next(
                (
                    q
                    for q in doc.quotes
                    if q.start < selected[1] and selected[0] < q.end and q.speaker
                ),
                None,
            )

            def tag_quote(speaker: str | None) -> None:
                if speaker is None:
                    return
                attributes = {"speaker": speaker} if speaker else {}
                if self._try(lambda: store.create_span(doc.id, *selected, "quote", attributes)):
                    self._edited(f"Quote tagged{' (' + speaker + ')' if speaker else ''}.")

            self.push_screen(
                SpeakerDialog(
                    doc.text[selected[0] : selected[1]],
                    detected.speaker if detected and detected.speaker else "",
                ),
                tag_quote,
            )
            return
        if self._try(lambda: store.create_span(doc.id, *selected, label)):
            self._edited(f"{label.capitalize()} tagged.")

    def action_link(self) -> None:
        pane = self._focused_pane()
        if pane is None or pane.article is None:
            return
        span = self._span_at_cursor(pane)
        if span is None:
            self.notify(
                "Put the cursor on a tagged span first (c or q tags the selection).",
                severity="warning",
            )
            return
        if self.linker is None:
            self.notify("Still indexing the articles; try again in a moment.", severity="warning")
            return
        linker, store = self.linker, self.store

        def find() -> list[Candidate]:
            return linker.candidates(
                span.doc_id, span.start, span.end, top_k=15, store=store, span_id=span.id
            )

        def reject(candidate: Candidate) -> None:
            target = self._need_store()
            if target is not None:
                self._try(
                    lambda: target.reject_link(
                        Passage(span.doc_id, span.start, span.end), candidate.passage
                    )
                )
                self._edited()

        def chosen(candidate: Candidate | None) -> None:
            if candidate is not None:
                self._link_to(span, candidate)

        from .screens.link_panel import LinkPanel

        outlets = {d.id: d.outlet or d.title for d in self.documents}
        self.push_screen(LinkPanel(span.text, find, reject, outlets), chosen)

    def _link_to(self, span: Span, candidate: Candidate) -> None:
        store = self._need_store()
        if store is None:
            return
        target_id = candidate.span_id
        if target_id is None:
            existing = [
                s
                for s in store.spans(candidate.doc_id)
                if (s.start, s.end, s.label) == (candidate.start, candidate.end, span.label)
            ]
            if existing:
                target_id = existing[0].id
            else:
                attributes: dict[str, Any] = {}
                if span.label == "quote":
                    doc = self.by_id.get(candidate.doc_id)
                    detected = (
                        next(
                            (
                                q
                                for q in doc.quotes
                                if q.start < candidate.end and candidate.start < q.end and q.speaker
                            ),
                            None,
                        )
                        if doc
                        else None
                    )
                    speaker = detected.speaker if detected else span.speaker
                    if speaker:
                        attributes["speaker"] = speaker
                made = self._try(
                    lambda: store.create_span(
                        candidate.doc_id, candidate.start, candidate.end, span.label, attributes
                    )
                )
                if made is None:
                    return
                target_id = made.id
        group = self._try(lambda: store.link(span.id, target_id))
        if group is not None:
            self.active_group = group.id
            self._edited(f"Linked: the statement is now in {len(group.members)} articles.")

    def action_undo(self) -> None:
        store = self._need_store()
        if store is None:
            return
        entry = self._try(store.undo)
        if entry is None:
            self.notify(
                "Nothing to undo." if not store.history() else "Nothing more to undo here.",
                severity="warning",
                timeout=3,
            )
            return
        self._edited(f"Undone: {entry.label}")

    def action_redo(self) -> None:
        store = self._need_store()
        if store is None:
            return
        entry = self._try(store.redo)
        if entry is None:
            self.notify("Nothing to redo.", severity="warning", timeout=3)
            return
        self._edited(f"Redone: {entry.label}")

    def action_delete(self) -> None:
        pane = self._focused_pane()
        store = self._need_store()
        if pane is None or store is None:
            return
        span = self._span_at_cursor(pane)
        if span is None:
            self.notify("There is no span under the cursor.", severity="warning")
            return
        self._try(lambda: store.delete_span(span.id))
        self._edited(f"Deleted the {span.label} (u brings it back).")

    def action_edit(self) -> None:
        pane = self._focused_pane()
        store = self._need_store()
        if pane is None or store is None:
            return
        span = self._span_at_cursor(pane)
        if span is None:
            self.notify("There is no span under the cursor.", severity="warning")
            return

        def save(changes: dict[str, Any] | None) -> None:
            if changes is None:
                return
            if changes["label"] != span.label:
                self._try(lambda: store.relabel(span.id, changes["label"]))
            self._try(lambda: store.set_attributes(span.id, changes["attributes"]))
            self._edited("Saved.")

        from .screens.dialogs import EditDialog

        self.push_screen(EditDialog(span, store.labels), save)

    def _suggestion_at_cursor(self, pane: DocumentPane) -> tuple[str, Any] | None:
        doc = pane.article
        if doc is None:
            return None
        cursor = pane.view.cursor_offset
        if self.store is not None:
            for suggestion in self.store.suggestions():
                for passage, other in (
                    (suggestion.source, suggestion.target),
                    (suggestion.target, suggestion.source),
                ):
                    if passage.doc_id == doc.id and passage.start <= cursor < passage.end:
                        return "link", (passage, other)
        tagged = {(s.start, s.end) for s in self.store.spans(doc.id)} if self.store else set()
        for quote in doc.quotes:
            if quote.start <= cursor < quote.end and (quote.start, quote.end) not in tagged:
                passage = Passage(doc.id, quote.start, quote.end)
                if self.store is None or not self.store.is_rejected_quote(passage):
                    return "quote", quote
        return None

    def action_accept_suggestion(self) -> None:
        pane = self._focused_pane()
        store = self._need_store()
        if pane is None or store is None or pane.article is None:
            return
        found = self._suggestion_at_cursor(pane)
        if found is None:
            self.notify("There is no suggestion under the cursor.", severity="warning")
            return
        kind, value = found
        doc = pane.article
        if kind == "quote":
            attributes = {"speaker": value.speaker} if value.speaker else {}
            if self._try(
                lambda: store.create_span(doc.id, value.start, value.end, "quote", attributes)
            ):
                self._edited("Detected quote accepted.")
            return
        here, there = value
        spans = []
        for passage in (here, there):
            existing = [
                s
                for s in store.spans(passage.doc_id)
                if (s.start, s.end) == (passage.start, passage.end)
            ]
            if existing:
                spans.append(existing[0])
                continue
            made = self._try(
                lambda passage=passage: store.create_span(
                    passage.doc_id, passage.start, passage.end, "claim"
                )
            )
            if made is None:
                return
            spans.append(made)
        group = self._try(lambda: store.link(spans[0].id, spans[1].id))
        if group is not None:
            self.active_group = group.id
            self._edited("Suggested link accepted.")

    def action_reject_suggestion(self) -> None:
        pane = self._focused_pane()
        store = self._need_store()
        if pane is None or store is None:
            return
        found = self._suggestion_at_cursor(pane)
        if found is None:
            self.notify("There is no suggestion under the cursor.", severity="warning")
            return
        kind, value = found
        if kind == "quote":
            self._try(
                lambda: store.reject_quote(
                    Passage(
                        pane.article.id,
                        value.start,  # type: ignore[union-attr]
                        value.end,
                    )
                )
            )
        else:
            self._try(lambda: store.reject_link(*value))
        self._edited("Suggestion rejected; it will not be offered again.")

    # -- screens ---------------------------------------------------------------------------

    def action_coverage(self) -> None:
        if self.store is None:
            self.notify("There is no store open.", severity="warning")
            return
        from newsreader.annotations.coverage import coverage

        from .screens.coverage import CoverageScreen

        matrix = coverage(self.store)

        def opened(group_id: str | None) -> None:
            if group_id:
                self.open_statement(group_id)

        self.push_screen(CoverageScreen(matrix), opened)

    def open_statement(self, group_id: str) -> None:
        """Show a statement group's members side by side, each in a pane."""
        if self.store is None:
            return
        group = self.store.group(group_id)
        if group is None:
            return
        members = [s for m in group.members if (s := self.store.span(m)) is not None]
        while len(self.panes) < min(len(members), MAX_PANES):
            self.query_one("#panes").mount(self._new_pane())
        self.call_after_refresh(self._show_members, members, group_id)

    def _show_members(self, members: list[Span], group_id: str) -> None:
        self.active_group = group_id
        shown = []
        for pane, span in zip(self.panes, members, strict=False):
            doc = self.by_id.get(span.doc_id)
            if doc is None:
                continue
            pane.show(doc, self._folds(doc), self._counts().get(doc.id, 0))
            shown.append((pane, span))
        self.refresh_all()
        # Select (and scroll to) each member once the new texts are laid out.
        self.call_after_refresh(self._select_members, shown)

    def _select_members(self, shown: list[tuple[DocumentPane, Span]]) -> None:
        for pane, span in shown:
            pane.view.select_range(span.start, span.end)
        if shown:
            shown[0][0].view.focus()

    def action_help(self) -> None:
        from .screens.help import HelpScreen

        self.push_screen(HelpScreen(self.key_rows()))

    def key_rows(self) -> list[tuple[str, str, str]]:
        """(key, what it does, id) for every binding of the app and the article view."""
        rows = []
        keymap = dict(self.config.keys)
        for binding in [*self.BINDINGS, *ArticleView.BINDINGS]:
            assert isinstance(binding, Binding)
            key = keymap.get(binding.id or "", binding.key)
            rows.append(
                (self._key_name(key), binding.tooltip or binding.description, binding.id or "")
            )
        rows.extend(
            [
                ("arrows", "Move the cursor", "(TextArea)"),
                ("shift+arrows", "Extend the selection", "(TextArea)"),
                ("home / end, pageup / pagedown", "Start or end of line; page", "(TextArea)"),
                ("mouse", "Click places the cursor, drag selects, wheel scrolls", ""),
                ("enter (link panel)", "Link the highlighted candidate", "link_panel"),
                ("x (link panel)", "Reject the highlighted candidate", "link_reject"),
                ("ctrl+p", "Command palette: every action by name", "command_palette"),
            ]
        )
        return rows

    @staticmethod
    def _key_name(key: str) -> str:
        names = {"question_mark": "?", "slash": "/", "plus": "+", "minus": "-"}
        return ", ".join(names.get(k.strip(), k.strip()) for k in key.split(","))

    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        for binding in self.BINDINGS:
            assert isinstance(binding, Binding)
            if binding.id in ("quit",):
                continue
            action = binding.action
            yield SystemCommand(
                binding.description,
                binding.tooltip or binding.description,
                lambda action=action: self.run_action(action),
            )


def make_app(
    result: LoadResult | None = None,
    *,
    paths: Sequence[str | Path] = (),
    manifest: str | Path | None = None,
    store_path: Path | None,
    config: Config | None = None,
    annotator: str | None = None,
    panes: int = 2,
    cursor_blink: bool = True,
    read_only: bool = False,
) -> NewsreaderApp:
    """The one app factory, for the command line, the tests and the screenshot script.

    Give the loaded articles (``result``), or ``paths`` (and a ``manifest``) to load them in a
    worker once the first frame is up (the bundled sample corpus when ``paths`` is empty).
    """
    return NewsreaderApp(
        result,
        paths=paths,
        manifest=manifest,
        store_path=store_path,
        config=config,
        annotator=annotator,
        panes=panes,
        cursor_blink=cursor_blink,
        read_only=read_only,
    )
