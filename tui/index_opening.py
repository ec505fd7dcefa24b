"""Opening an index in the app: ``newsreader INDEX`` (a folder ``newsreader prepare`` wrote).

The stories list shows at once: its first page comes from the index's ``first_page.json``, read
with the standard library before the first frame (``annotations/prepare/first_page.py``); pyarrow
is imported after the first frame, in a worker, and the next pages are read from the stories
table (:class:`IndexStories`; no article is read for it). An index without a first page (version
1) has its first page read from the table in a worker. An article is read from the index only
when its story is opened, then handed to the store like any article (its text and content hash
come from the index, so spans made on it are found again as they are for files). Typing in the
list filters over the stories' labels, outlets and titles (the listing table, read once, in a
worker).
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from textual import work

if TYPE_CHECKING:
    from newsreader.annotations.prepare.index import Index
    from newsreader.annotations.workbench import Workbench
    from newsreader.corpus import Document
    from newsreader.corpus.stories import Story

PAGE = 60
"""Stories read from the index at a time: a screenful (the list asks for the next page as the
highlight nears its end)."""
INDEX_FORMAT = "newsreader-index"


def index_folder(paths: Sequence[str | Path]) -> Path | None:
    """The index folder when ``paths`` is one folder holding an index's manifest, else None.

    Reads only the manifest (no pyarrow), so it costs nothing on a folder of articles."""
    found = index_manifest(paths)
    return found[0] if found is not None else None


def index_manifest(paths: Sequence[str | Path]) -> tuple[Path, dict[str, Any]] | None:
    """The index folder and its manifest when ``paths`` is one index folder, else None."""
    if len(paths) != 1:
        return None
    manifest = Path(paths[0]) / "manifest.json"
    try:
        if not manifest.is_file() or manifest.stat().st_size > 1 << 24:
            return None
        import json  # not needed by the app's first frame

        value = json.loads(manifest.read_text("utf-8"))
    except (OSError, ValueError):
        return None
    if isinstance(value, dict) and value.get("format") == INDEX_FORMAT:
        return Path(paths[0]), value
    return None


def _story(row: dict[str, Any]) -> Story:
    from newsreader.corpus.stories import Story

    return Story(
        id=row["story"],
        label=row["label"] or "",
        doc_ids=tuple(row["docs"] or ()),
        outlets=tuple(row["outlets"] or ()),
        first=row["first"],
        last=row["last"],
        source=row.get("source") or "text",
    )


class IndexStories:
    """An index's stories, read a page at a time; filtering reads its labels and titles once.

    The pages of the index's first page (:meth:`read_first_page`, no pyarrow) are handed out
    first, then the stories table's rows after them. Opening the table is locked: the app reads
    pages, warms the table and searches in three worker groups.
    """

    def __init__(self, root: Path) -> None:
        self.root = root
        self.loaded: list[Story] = []
        self.total: int | None = None
        self._ahead: list[Story] = []
        self._first_page = 0  # the stories of the first page: the table is read after them
        self._batches: Any = None
        self._table: Any = None
        self._keys: list[str] | None = None
        self._lock = threading.Lock()

    def read_first_page(self, manifest: dict[str, Any]) -> bool:
        """Take the index's first page (read with the standard library) when it has one that
        matches its stories table; whether it did."""
        from newsreader.annotations.prepare.first_page import read_first_page

        found = read_first_page(self.root, manifest)
        if found is None:
            return False
        self._ahead, self.total = found
        self._first_page = len(self._ahead)
        return True

    @property
    def in_memory(self) -> bool:
        """Whether the next page is given without reading the table (from the first page)."""
        return bool(self._ahead)

    @property
    def complete(self) -> bool:
        """Whether every story has been read into :attr:`loaded`."""
        return self.total is not None and len(self.loaded) >= self.total

    def next_page(self, size: int = PAGE) -> list[Story]:
        """Read (and keep) the next ``size`` stories of the table; empty at its end."""
        if self._ahead:
            page, self._ahead = self._ahead[:size], self._ahead[size:]
            self.loaded.extend(page)
            return page
        self.open_table(size)
        batch = next(self._batches, None)
        if batch is None:
            return []
        page = [_story(row) for row in batch.to_pylist()]
        self.loaded.extend(page)
        return page

    def open_table(self, size: int = PAGE) -> None:
        """Import pyarrow and open the stories table after the rows already given (the app
        does it in a worker after its first frame, so that the next page is read at once)."""
        with self._lock:
            if self._batches is not None:
                return
            import pyarrow.parquet as pq

            handle = pq.ParquetFile(self.root / "stories.parquet")
            rows = handle.metadata.num_rows
            if self.total is not None and rows != self.total:
                raise ValueError(
                    f"stories.parquet has {rows} stories, its first page says {self.total}: "
                    "prepare the index again"
                )
            self.total = rows
            self._batches = _batches_after(handle, self._first_page, size)

    def matching(self, query: str, limit: int) -> tuple[list[Story], int]:
        """The stories whose label, outlets or article titles hold every word of ``query`` at
        the start of a word (at most ``limit`` of them), and how many match in all. The first
        call reads the stories table and the listing's titles (no article)."""
        import pyarrow.parquet as pq

        if self._table is None or self._keys is None:
            table = pq.read_table(self.root / "stories.parquet")
            listing = pq.read_table(self.root / "docs.parquet", columns=["title", "story"])
            titles: dict[str, list[str]] = {}
            for title, story in zip(
                listing.column("title").to_pylist(),
                listing.column("story").to_pylist(),
                strict=True,
            ):
                if title:
                    titles.setdefault(story, []).append(title)
            keys = []
            for story, label, outlets in zip(
                table.column("story").to_pylist(),
                table.column("label").to_pylist(),
                table.column("outlets").to_pylist(),
                strict=True,
            ):
                keys.append(
                    " ".join([label or "", *(outlets or ()), *titles.get(story, ())]).lower()
                )
            self._table, self._keys = table, keys
        words = [re.compile(r"(?<!\w)" + re.escape(w)) for w in query.lower().split()]
        rows = [n for n, key in enumerate(self._keys) if all(w.search(key) for w in words)]
        chosen = self._table.take(rows[:limit]).to_pylist() if rows else []
        return [_story(row) for row in chosen], len(rows)


def _batches_after(handle: Any, skip: int, size: int) -> Any:
    """The table's rows after the first ``skip``, in batches of at most ``size``."""
    for batch in handle.iter_batches(batch_size=size):
        if skip >= batch.num_rows:
            skip -= batch.num_rows
            continue
        if skip:
            batch, skip = batch.slice(skip), 0
        yield batch


class IndexOpening:
    """Mixed into the app: the stories of an index at once, articles read when opened."""

    # The app provides ``workbench``, ``busy``, ``paths``, ``read_only``, ``refresh_status``,
    # ``open_story`` and ``_open_store``, besides Textual's own.
    workbench: Workbench
    busy: str
    index: Index | None = None
    index_stories: IndexStories | None = None

    def open_index_if_any(self) -> bool:
        """When the app was given an index, show its stories and return True.

        The stories' first page is read first; the store opens once it is on the screen (its
        worker would otherwise compete with reading and drawing it)."""
        found = index_manifest(getattr(self, "paths", ()))
        if found is None:
            return False
        root, manifest = found
        from newsreader.annotations.prepare import MissingExtra, require_scale

        try:
            require_scale("opening an index", ("pyarrow",))
        except MissingExtra as error:
            self._index_failed(str(error))
            self._open_store(read_only=self.read_only)  # type: ignore[attr-defined]
            return True
        self.index_stories = IndexStories(root)
        self.index_stories.read_first_page(manifest)
        self.busy = "reading the index…"
        self.refresh_status()  # type: ignore[attr-defined]
        self.show_index_stories()
        return True

    def index_page_shown(self, problem: str | None = None) -> None:
        """Called by the stories screen after it showed a page (or failed to read one)."""
        if problem is not None:
            self._index_failed(problem)
        if self.store_opening_started:
            return
        self.store_opening_started = True
        self.busy = "opening the store…"
        self.refresh_status()  # type: ignore[attr-defined]
        self.call_after_refresh(self._open_store, read_only=self.read_only)  # type: ignore[attr-defined]

    store_opening_started = False

    def on_ready(self) -> None:
        """The first frame is on the screen: the stories screen puts its list in place of the
        first page's lines (the app may have an ``on_ready`` of its own: Textual calls both)."""
        screen = self.screen  # type: ignore[attr-defined]
        if getattr(screen, "preview", False):
            self.call_after_refresh(screen.first_frame_shown)  # type: ignore[attr-defined]

    def _index_failed(self, message: str) -> None:
        self.busy = ""
        self.refresh_status()  # type: ignore[attr-defined]
        self.notify(message, title="Cannot open the index", severity="error", timeout=30)  # type: ignore[attr-defined]

    def show_index_stories(self) -> None:
        from .screens.stories_index import IndexStoriesScreen

        assert self.index_stories is not None

        def chosen(doc_ids: tuple[str, ...] | None) -> None:
            if doc_ids:
                self.busy = "reading the story's articles…"
                self.refresh_status()  # type: ignore[attr-defined]
                self._read_story(doc_ids)

        self.push_screen(IndexStoriesScreen(self.index_stories), chosen)  # type: ignore[attr-defined]

    @work(thread=True, exclusive=True, group="index-read")
    def _read_story(self, doc_ids: tuple[str, ...]) -> None:
        from newsreader.annotations.prepare.index import Index, IndexError_

        try:
            index = self.index or Index(self.index_stories.root)  # type: ignore[union-attr]
        except IndexError_ as error:
            self.call_from_thread(self._index_failed, str(error))  # type: ignore[attr-defined]
            return
        self.index = index
        # The store's worker replaces the workbench once the store is open and builds the
        # linking index from its articles: add the story's articles after that, not during.
        for _ in range(600):
            if self.workbench.linker is not None:
                break
            time.sleep(0.05)
        wanted = [i for i in doc_ids if i not in self.workbench.by_id]
        documents = index.documents(wanted) if wanted else []
        report = None
        store = self.workbench.store
        if store is not None and documents:
            # Spans made on an earlier version of an article are found again, as for files.
            report = store.attach(documents)
        self.call_from_thread(self._story_read, documents, doc_ids, report)  # type: ignore[attr-defined]

    def _story_read(self, documents: list[Document], doc_ids: tuple[str, ...], report: Any) -> None:
        workbench = self.workbench
        for doc in documents:
            if doc.id not in workbench.by_id:
                workbench.documents.append(doc)
                workbench.by_id[doc.id] = doc
        linker = workbench.linker
        if linker is not None and documents:
            linker.add_documents(documents)
        self.busy = ""
        if report and (report.moved or report.orphaned):
            self.notify(  # type: ignore[attr-defined]
                f"{len(report.moved)} annotations moved, {len(report.orphaned)} orphaned because "
                "their articles changed in the index",
                severity="warning",
                timeout=15,
            )
        self.open_story(doc_ids)  # type: ignore[attr-defined]
        self.refresh_all()  # type: ignore[attr-defined]


__all__ = ["PAGE", "IndexOpening", "IndexStories", "index_folder", "index_manifest"]
