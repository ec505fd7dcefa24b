"""The newsreader app: outlets side by side, annotated with the keyboard.

A thin composition: the panes (``widgets/``), the screens (``screens/``), the actions declared
once in ``actions.py`` and carried out by the workbench (``newsreader.annotations.workbench``),
which decides every domain question and says what each intent changed; the app repaints only
the panes showing those articles. Opening the store, finding spans again and indexing run in a
thread worker that reports back with small messages; no key waits on the disk or a corpus scan.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from textual import events, work
from textual.app import App, ComposeResult, SystemCommand
from textual.binding import BindingType
from textual.containers import Horizontal
from textual.screen import Screen

from newsreader.annotations.config import Config

from . import actions, launch_gc
from .editing import EditingActions
from .index_opening import IndexOpening
from .link_actions import LinkActions
from .opening import StoreOpening
from .reading import ReadingActions
from .search_actions import SearchActions
from .statements import StatementActions
from .story_actions import StoryActions, notify_load
from .widgets.document_pane import DocumentPane
from .widgets.pane_row import MAX_PANES, PaneRow
from .widgets.status_bar import StatusBar
from .yielding import UserActivity

if TYPE_CHECKING:
    from textual.widgets import TextArea

    from newsreader.annotations.linking import Linker
    from newsreader.annotations.store import Store
    from newsreader.annotations.workbench import Workbench
    from newsreader.corpus import Document, LoadResult

    from .listing import FirstArticles, ListingProgress
    from .messages import DocumentsLoaded

__all__ = ["MAX_PANES", "NewsreaderApp", "make_app"]


class NewsreaderApp(
    StoreOpening,
    EditingActions,
    StatementActions,
    ReadingActions,
    StoryActions,
    SearchActions,
    IndexOpening,
    LinkActions,
    App[None],
):
    """Read several articles side by side, tag claims and quotes, link them across outlets."""

    TITLE = "newsreader"
    CSS_PATH = "newsreader.tcss"
    ENABLE_COMMAND_PALETTE = True
    BINDINGS: ClassVar[list[BindingType]] = actions.bindings("app")  # type: ignore[assignment]

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
        self.store_path = store_path
        self.config = config or Config()
        self.annotator = annotator or self.config.annotator
        self.initial_panes = panes
        self.cursor_blink = cursor_blink
        self.read_only = read_only
        # The workbench (and the annotation model) is imported once the first frame is up:
        # until then the app shows text and empty counts.
        self._workbench: Workbench | None = None
        self._documents: list[Document] = []
        self._views_mounted = False
        self.folded = False
        self.activity = UserActivity()
        """When the user last pressed a key or used the mouse: the index worker waits for a
        pause (``yielding.py``)."""
        self.pattern = ""
        self.busy = "loading articles…"
        self.state = "opening…"
        self.active_group: str | None = None
        # What the user asked for while the folder was still being read (stories, the picker,
        # corpus search): done once every article is listed.
        self._when_listed: list[Callable[[], None]] = []

    # -- what the app holds (read by tests and the screenshot script) ----------------------

    @property
    def workbench(self) -> Workbench:
        """What performs the user's intents; made when first asked for (after the first frame:
        until then nothing is painted or edited)."""
        if self._workbench is None:
            from newsreader.annotations.workbench import Workbench

            self._workbench = Workbench(None, self._documents)
        return self._workbench

    @workbench.setter
    def workbench(self, workbench: Workbench) -> None:
        self._workbench = workbench
        self._documents = workbench.documents

    @property
    def store(self) -> Store | None:
        return self._workbench.store if self._workbench is not None else None

    @property
    def linker(self) -> Linker | None:
        return self._workbench.linker if self._workbench is not None else None

    @property
    def documents(self) -> list[Document]:
        return self._workbench.documents if self._workbench is not None else self._documents

    @property
    def row(self) -> PaneRow:
        return self.query_one(PaneRow)

    @property
    def panes(self) -> list[DocumentPane]:
        return self.row.panes

    def focused_pane(self) -> DocumentPane | None:
        """The pane with the focus (else the last one that had it)."""
        return self.row.focused_pane()

    _focused_pane = focused_pane

    # -- layout and lifecycle --------------------------------------------------------------

    def compose(self) -> ComposeResult:
        # The first frame has only what it shows, drawn cheaply: the panes show their text in
        # plain Statics; the article views (TextAreas) and the footer come once it is on the
        # screen (``_first_frame_drawn``); the sidebar and the search bar when first asked for.
        with Horizontal(id="main"):
            yield PaneRow(self.initial_panes, cursor_blink=self.cursor_blink, id="panes")
        yield StatusBar(id="status")

    async def _first_frame_drawn(self) -> None:
        """Once the first frame is drawn (with the first articles' text when a folder is read
        in the worker), the article views and the footer take their places."""
        shown = any(pane.article is not None for pane in self.panes)
        if self._views_mounted or (self.result is None and not shown):
            return  # a folder's first articles are not on the screen yet
        self._views_mounted = True
        launch_gc.resume()  # the first text is on the screen
        from .widgets.footer import FittingFooter

        await self.row.mount_views()
        if self.focused is None and self.panes:
            self.panes[0].view.focus()
        await self.mount(FittingFooter())
        if self._workbench is not None:
            self.repaint()  # what was shown before the views were there

    def on_mount(self) -> None:
        if self.config.keys:
            self.set_keymap(dict(self.config.keys))
            unknown = actions.unknown_ids(self.config.keys)
            if unknown:
                self.notify(
                    f"[keys] in the configuration names no action: {', '.join(unknown)} "
                    "(the help screen, ?, lists the ids)",
                    title="Configuration",
                    severity="warning",
                    timeout=15,
                    markup=False,
                )
        self.call_after_refresh(self._first_frame_drawn)
        if launch_gc.paused():  # whatever happens, not for long
            self.set_timer(launch_gc.RESUME_AFTER, launch_gc.resume)
        self.refresh_status()
        if self.result is None and self.open_index_if_any():
            return  # an index: its stories show at once, articles are read when opened
        if self.result is None and _few_small_files(self.paths):
            # A few article files are read at once, so that the first frame already shows them
            # (one frame, not two); folders load in a worker while the first frame is drawn.
            # Read, not analysed: the marks are painted after the first frame.
            from newsreader.corpus.loaders import list_paths

            self.result = list_paths(self.paths, manifest=self.manifest)
        if self.result is not None:
            self._show_documents(self.result)
        elif self._show_first_articles():
            # The whole folder is listed once the first frame is drawn: its thread would
            # otherwise compete with drawing it.
            self.call_after_refresh(self._load_documents)
        else:
            self._load_documents()

    def _show_first_articles(self) -> bool:
        """Show a folder's first articles in the first frame, read at once without listing the
        rest of the folder (the load worker lists it all, and its copies of these articles take
        their places without a redraw); False when there were none to read so."""
        from newsreader.corpus.loaders import first_articles

        first = first_articles(self.paths or [_sample_dir()], self.manifest, len(self.panes))
        for pane, doc in zip(self.panes, first, strict=False):
            self.show_in(pane, doc, paint=False)
        if first:
            self.busy = "reading articles…"
            self.refresh_status()
        return bool(first)

    def on_unmount(self) -> None:
        from newsreader.annotations.journal import StoreError

        store = self.store
        if self._workbench is not None:
            self._workbench.close()
            self._documents = self._workbench.documents
            self._workbench = None
        if store is not None:
            # The edits are already on disk; closing folds the journal. A failure to save was
            # reported when it happened.
            with contextlib.suppress(StoreError):
                store.close()

    # -- workers and their messages --------------------------------------------------------

    @work(thread=True, exclusive=True, group="load")
    def _load_documents(self) -> None:
        from textual.worker import get_current_worker

        from newsreader.corpus import SAMPLE_DIR

        from .listing import list_showing_first

        # Listed, not analysed, and the first articles shown as soon as they are read; the
        # rest is analysed on demand, and in the store's worker (finding spans, the index).
        worker = get_current_worker()
        result = list_showing_first(
            self.paths or [SAMPLE_DIR],
            self.manifest,
            first=len(self.panes),
            post=self.post_message,
            cancelled=lambda: worker.is_cancelled,
        )
        if result is not None:
            from .messages import DocumentsLoaded

            self.post_message(DocumentsLoaded(result))

    def on_first_articles(self, message: FirstArticles) -> None:
        if self.result is not None:  # the whole corpus is already shown
            message.drawn.set()
            return
        # Shown, not yet the app's documents: those are the whole corpus, once it is listed.
        shown = [pane.adopt(doc) for pane, doc in zip(self.panes, message.documents, strict=False)]
        if shown and all(shown):  # on the screen since the first frame (_show_first_articles)
            message.drawn.set()
            return
        for pane, doc, adopted in zip(self.panes, message.documents, shown, strict=False):
            if not adopted:
                self.show_in(pane, doc, paint=False)
        self.busy = "reading articles…"
        self.refresh_status()

        async def drawn() -> None:
            message.drawn.set()
            await self._first_frame_drawn()

        self.call_after_refresh(drawn)

    def on_listing_progress(self, message: ListingProgress) -> None:
        if self.result is None:
            self.busy = message.text
            self.refresh_status()

    def on_documents_loaded(self, message: DocumentsLoaded) -> None:
        self._show_documents(message.result)

    def listed(self, action: Callable[[], None], what: str) -> bool:
        """True when the whole corpus is listed; otherwise ``action`` is done once it is, and the
        user is told so (``what`` says what will open)."""
        if self.result is not None:
            return True
        if action not in self._when_listed:
            self._when_listed.append(action)
        done = self.busy.partition("… ")[2]  # "12 of 300 files", from the listing's progress
        progress = f" ({done} read)" if done else ""
        self.notify(f"Still reading the folder{progress}: {what} once every article is read.")
        return False

    def _show_documents(self, result: LoadResult) -> None:
        self.result = result
        pending, self._when_listed = self._when_listed, []
        for action in pending:
            self.call_after_refresh(action)
        self._documents = result.documents
        self._workbench = None  # made when the marks are painted, after the first frame
        for pane, doc in zip(self.panes, self.documents, strict=False):
            if pane.article is not doc and not pane.adopt(doc):  # may be shown already
                self.show_in(pane, doc, paint=False)
        self.call_after_refresh(self._first_frame_drawn)
        # Text first; the marks (which analyse the articles) once it is on the screen.
        self.call_after_refresh(self.refresh_all)
        notify_load(self, result)
        if not self.documents:
            self.notify(
                "No articles to show: give newsreader files or folders of articles.",
                severity="error",
                timeout=15,
            )
        self.busy = "opening the store…"
        self.refresh_status()
        # Text first: the store opens once the articles are on the screen (its thread would
        # otherwise compete with drawing them).
        self.call_after_refresh(self._open_store, read_only=self.read_only)

    # -- showing ---------------------------------------------------------------------------

    def refresh_status(self) -> None:
        """Show the store, its state, the counts and the annotator in the status bar."""
        bench = self._workbench  # None before the first frame: nothing counted yet
        counts = bench.counts() if bench is not None else {"spans": 0, "groups": 0}
        view = bench.view if bench is not None else None
        bars = self.query(StatusBar)
        if not bars:
            return  # the app is closing: a worker's last message arrived after its widgets went
        bars.first().show(
            store=str(self.store_path) if self.store_path else "none",
            state=self.state,
            spans=counts["spans"],
            groups=counts["groups"],
            annotator=self.store.annotator if self.store else (self.annotator or ""),
            busy=self.busy,
            view=view,
            shown=bench.view_count() if bench is not None and view is not None else None,
        )

    def show_in(self, pane: DocumentPane, doc: Document | None, *, paint: bool = True) -> None:
        """Show ``doc`` in ``pane``, folded as the app is, and paint it."""
        folds = list(doc.boilerplate) if (doc and self.folded) else []
        bench = self._workbench
        pane.show(doc, folds, bench.count_of(doc.id) if doc and bench is not None else 0)
        if not pane.view_mounted:
            # The text is in the pane's preview; the view takes its place after this frame,
            # and is painted then (an index's stories list comes first, with no article).
            self.call_after_refresh(self._first_frame_drawn)
            return
        if paint:
            self.paint(pane)

    def paint(self, pane: DocumentPane) -> None:
        """Paint a pane's marks (and the search matches when it has the focus)."""
        if not pane.view_mounted:
            return  # painted when its view replaces the preview (_first_frame_drawn)
        doc = pane.article
        if doc is None:
            pane.view.paint([])
            return
        items = self.workbench.marks(doc.id, self.active_group)
        items.extend(self.extra_marks(pane))  # Markdown markup, search matches
        pane.view.paint(items)

    def repaint(self, articles: Iterable[str] | None = None) -> None:
        """Repaint the panes showing ``articles`` (all when None), and the status bar."""
        wanted = None if articles is None else set(articles)
        for pane in self.panes:
            if pane.article is not None and (wanted is None or pane.article.id in wanted):
                pane.set_header(self.workbench.count_of(pane.article.id))
                self.paint(pane)
        if wanted is None or any(p.article and p.article.id in wanted for p in self.panes):
            self.refresh_sidebar()
        self.refresh_status()

    def refresh_all(self) -> None:
        """Repaint every pane, the sidebar and the status bar."""
        self.repaint(None)

    # -- events ----------------------------------------------------------------------------

    # Named, not decorated with @on: the decorator would import TextArea before the first frame.
    def on_text_area_selection_changed(self, event: TextArea.SelectionChanged) -> None:
        view = event.text_area
        pane = next((p for p in self.panes if p.view is view), None)
        if pane is None:
            return
        self.row.last = pane
        span = self.span_at_cursor(pane)
        group = self.workbench.group_of(span.id) if span else None
        group_id = group.id if group else None
        if group_id == self.active_group:
            return
        self.active_group = group_id
        if group is not None:
            # The other panes go to their member of the group.
            for other in self.panes:
                if other is pane or other.article is None:
                    continue
                members = self.workbench.members_in(group.id, other.article.id)
                if members:
                    other.view.select_range(members[0].start, members[0].end)
        for each in self.panes:
            self.paint(each)

    def on_descendant_focus(self, _: Any) -> None:
        self.refresh_sidebar()

    # -- keys ------------------------------------------------------------------------------

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, events.InputEvent):
            self.activity.touch()  # background indexing gives way (yielding.py)
        await super().on_event(event)

    def key_rows(self) -> list[tuple[str, str, str]]:
        """(key, what it does, id) for every action, with the user's keymap applied."""
        return actions.key_rows(self.config.keys)

    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        for action in actions.palette_actions():
            yield SystemCommand(
                action.description,
                action.sentence,
                lambda run=action.run: self.run_action(run),
            )


def _sample_dir() -> Path:
    from newsreader.corpus import SAMPLE_DIR

    return SAMPLE_DIR


def _few_small_files(paths: Sequence[str | Path], limit: int = 1 << 20) -> bool:
    """True for at most four regular files of at most ``limit`` bytes together."""
    if not paths or len(paths) > 4:
        return False
    try:
        return (
            all(Path(p).is_file() for p in paths)
            and sum(Path(p).stat().st_size for p in paths) <= limit
        )
    except OSError:
        return False


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
