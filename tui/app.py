"""The newsreader app: outlets side by side, annotated with the keyboard.

A thin composition: the panes (``widgets/``), the screens (``screens/``), the actions declared
once in ``actions.py`` and carried out by the workbench (``newsreader.annotations.workbench``),
which decides every domain question and says what each intent changed; the app repaints only
the panes showing those articles. Opening the store, finding spans again and indexing run in a
thread worker that reports back with small messages; no key waits on the disk or a corpus scan.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from textual import on, work
from textual.app import App, ComposeResult, SystemCommand
from textual.binding import BindingType
from textual.containers import Horizontal
from textual.screen import Screen
from textual.widgets import TextArea

from newsreader.annotations.config import Config
from newsreader.annotations.workbench import Workbench

from . import actions
from .editing import EditingActions
from .link_actions import LinkActions
from .messages import DocumentsLoaded
from .opening import StoreOpening
from .reading import ReadingActions
from .statements import StatementActions
from .story_actions import StoryActions, notify_load
from .widgets.article_view import ArticleView
from .widgets.document_pane import DocumentPane
from .widgets.footer import FittingFooter
from .widgets.pane_row import MAX_PANES, PaneRow
from .widgets.status_bar import StatusBar

if TYPE_CHECKING:
    from newsreader.annotations.linking import Linker
    from newsreader.annotations.store import Store
    from newsreader.corpus import Document, LoadResult

__all__ = ["MAX_PANES", "NewsreaderApp", "make_app"]


class NewsreaderApp(
    StoreOpening,
    EditingActions,
    StatementActions,
    ReadingActions,
    StoryActions,
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
        self.workbench = Workbench(None, [])
        self.folded = False
        self.pattern = ""
        self.busy = "loading articles…"
        self.state = "opening…"
        self.active_group: str | None = None

    # -- what the app holds (read by tests and the screenshot script) ----------------------

    @property
    def store(self) -> Store | None:
        return self.workbench.store

    @property
    def linker(self) -> Linker | None:
        return self.workbench.linker

    @property
    def documents(self) -> list[Document]:
        return self.workbench.documents

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
        # The sidebar and the search bar are mounted when first asked for: the first frame
        # has only what it shows.
        with Horizontal(id="main"):
            yield PaneRow(self.initial_panes, cursor_blink=self.cursor_blink, id="panes")
        yield StatusBar(id="status")
        yield FittingFooter()

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
        if self.panes:
            self.panes[0].view.focus()
        self.refresh_status()
        if self.result is None and _few_small_files(self.paths):
            # A few article files load at once, so that the first frame already shows them
            # (one frame, not two); folders load in a worker while the first frame is drawn.
            from newsreader.corpus import load_paths

            self.result = load_paths(self.paths, manifest=self.manifest)
        if self.result is not None:
            self._show_documents(self.result)
        else:
            self._load_documents()

    def on_unmount(self) -> None:
        from newsreader.annotations.journal import StoreError

        store = self.store
        self.workbench.close()
        self.workbench = Workbench(None, self.workbench.documents)
        if store is not None:
            # The edits are already on disk; closing folds the journal. A failure to save was
            # reported when it happened.
            with contextlib.suppress(StoreError):
                store.close()

    # -- workers and their messages --------------------------------------------------------

    @work(thread=True, exclusive=True, group="load")
    def _load_documents(self) -> None:
        from newsreader.corpus import SAMPLE_DIR
        from newsreader.corpus.loaders import list_paths

        # Listed, not analysed: the first articles show at once; the rest is analysed on
        # demand, and in the store's worker (finding spans, the linking index).
        result = list_paths(self.paths or [SAMPLE_DIR], manifest=self.manifest)
        self.post_message(DocumentsLoaded(result))

    def on_documents_loaded(self, message: DocumentsLoaded) -> None:
        self._show_documents(message.result)

    def _show_documents(self, result: LoadResult) -> None:
        self.result = result
        self.workbench = Workbench(None, result.documents)
        for pane, doc in zip(self.panes, self.documents, strict=False):
            self.show_in(pane, doc, paint=False)
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
        counts = self.workbench.counts()
        self.query_one(StatusBar).show(
            store=str(self.store_path) if self.store_path else "none",
            state=self.state,
            spans=counts["spans"],
            groups=counts["groups"],
            annotator=self.store.annotator if self.store else (self.annotator or ""),
            busy=self.busy,
            view=self.workbench.view,
            shown=self.workbench.view_count() if self.workbench.view is not None else None,
        )

    def show_in(self, pane: DocumentPane, doc: Document | None, *, paint: bool = True) -> None:
        """Show ``doc`` in ``pane``, folded as the app is, and paint it."""
        folds = list(doc.boilerplate) if (doc and self.folded) else []
        pane.show(doc, folds, self.workbench.count_of(doc.id) if doc else 0)
        if paint:
            self.paint(pane)

    def paint(self, pane: DocumentPane) -> None:
        """Paint a pane's marks (and the search matches when it has the focus)."""
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

    @on(TextArea.SelectionChanged)
    def _cursor_moved(self, event: TextArea.SelectionChanged) -> None:
        view = event.text_area
        if not isinstance(view, ArticleView):
            return
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
