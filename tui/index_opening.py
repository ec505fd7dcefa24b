"""Opening an index in the app: ``newsreader INDEX`` (a folder ``newsreader prepare`` wrote).

The stories list shows at once, read page by page from the index's stories table
(:class:`IndexStories`; no article is read for it); an article is read from the index only when
its story is opened, then handed to the store like any article (its text and content hash come
from the index, so spans made on it are found again as they are for files). Typing in the list
filters over the stories' labels, outlets and titles (the listing table, read once, in a worker).
"""

from __future__ import annotations

import re
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
        return Path(paths[0])
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

    Thread-safe enough for its use: the app reads pages and searches in one worker group at a
    time.
    """

    def __init__(self, root: Path) -> None:
        self.root = root
        self.loaded: list[Story] = []
        self.total: int | None = None
        self._batches: Any = None
        self._table: Any = None
        self._keys: list[str] | None = None

    @property
    def complete(self) -> bool:
        """Whether every story has been read into :attr:`loaded`."""
        return self.total is not None and len(self.loaded) >= self.total

    def next_page(self, size: int = PAGE) -> list[Story]:
        """Read (and keep) the next ``size`` stories of the table; empty at its end."""
        import pyarrow.parquet as pq

        if self._batches is None:
            handle = pq.ParquetFile(self.root / "stories.parquet")
            self.total = handle.metadata.num_rows
            self._batches = handle.iter_batches(batch_size=size)
        batch = next(self._batches, None)
        if batch is None:
            return []
        page = [_story(row) for row in batch.to_pylist()]
        self.loaded.extend(page)
        return page

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
        root = index_folder(getattr(self, "paths", ()))
        if root is None:
            return False
        from newsreader.annotations.prepare import MissingExtra, require_scale

        try:
            require_scale("opening an index", ("pyarrow",))
        except MissingExtra as error:
            self._index_failed(str(error))
            self._open_store(read_only=self.read_only)  # type: ignore[attr-defined]
            return True
        self.index_stories = IndexStories(root)
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


__all__ = ["PAGE", "IndexOpening", "IndexStories", "index_folder"]
