"""Reading an index that ``newsreader prepare`` wrote.

An index is a folder with a ``manifest.json`` whose ``format`` is ``newsreader-index``:
:func:`is_index` tells it from a folder of articles without importing pyarrow. The rest needs
the ``scale`` extra: :func:`load_index` gives the articles as a folder's ``LoadResult`` (what
``inspect`` prints), :func:`index_stories` the stories found when it was prepared, and
:class:`Index` lists the stories at once and reads only the articles asked for (the app's use).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

from newsreader.corpus.document import Document
from newsreader.corpus.loaders import LoadResult, Problem
from newsreader.corpus.stories import Story

from . import require_scale

FORMAT = "newsreader-index"
SUPPORTED_VERSIONS = (1, 2)
"""Version 1 has no first page (``first_page.py``): its stories are read from the table."""


class IndexError_(ValueError):
    """The index cannot be read: the message names the file and what is wrong."""


def is_index(path: str | Path) -> bool:
    """Whether ``path`` is a folder holding an index's manifest."""
    manifest = Path(path) / "manifest.json"
    if not manifest.is_file():
        return False
    try:
        value = json.loads(manifest.read_text("utf-8"))
    except (OSError, ValueError):
        return False
    return isinstance(value, dict) and value.get("format") == FORMAT


@dataclass(frozen=True, slots=True)
class Listing:
    """One article as the stories list shows it, before its text is read."""

    id: str
    path: str
    title: str
    outlet: str | None
    date: str | None
    story: str


class Index:
    """An opened index: its stories and listing at once, articles read when asked for."""

    def __init__(self, path: str | Path) -> None:
        require_scale("opening an index", ("pyarrow",))
        self.root = Path(path)
        manifest_path = self.root / "manifest.json"
        try:
            self.manifest: dict[str, Any] = json.loads(manifest_path.read_text("utf-8"))
        except (OSError, ValueError) as err:
            raise IndexError_(f"{manifest_path}: cannot read the index's manifest: {err}") from None
        if self.manifest.get("format") != FORMAT:
            raise IndexError_(f"{manifest_path}: not a newsreader index")
        version = self.manifest.get("version")
        if version not in SUPPORTED_VERSIONS:
            raise IndexError_(
                f"{manifest_path}: index version {version!r}; this newsreader reads "
                + ", ".join(map(str, SUPPORTED_VERSIONS))
            )

    @cached_property
    def stories(self) -> list[Story]:
        """The stories, largest first (as ``group_stories`` orders them)."""
        import pyarrow.parquet as pq

        out = []
        for row in pq.read_table(self.root / "stories.parquet").to_pylist():
            out.append(
                Story(
                    id=row["story"],
                    label=row["label"],
                    doc_ids=tuple(row["docs"]),
                    outlets=tuple(row["outlets"]),
                    first=row["first"],
                    last=row["last"],
                    source=row["source"],
                )
            )
        return out

    @cached_property
    def listing(self) -> dict[str, Listing]:
        """Every article's id, title, outlet, date and story, in source order."""
        import pyarrow.parquet as pq

        columns = ["id", "path", "title", "outlet", "date", "story"]
        table = pq.read_table(self.root / "docs.parquet", columns=columns)
        return {row["id"]: Listing(**row) for row in table.to_pylist()}

    @cached_property
    def _located(self) -> dict[str, str]:
        import pyarrow.parquet as pq

        table = pq.read_table(self.root / "docs.parquet", columns=["id", "part"])
        ids = table.column("id").to_pylist()
        parts = table.column("part").to_pylist()
        return dict(zip(ids, parts, strict=True))

    def documents(self, ids: Sequence[str]) -> list[Document]:
        """The articles ``ids`` (analysed), in that order, reading only their row groups."""
        from .work import read_articles

        found = read_articles(self.root, set(ids), self._located)
        return [found[i] for i in ids if i in found]

    def story_documents(self, story: str) -> list[Document]:
        """One story's articles, ordered by date then outlet, without reading the others."""
        for s in self.stories:
            if s.id == story:
                return self.documents(s.doc_ids)
        raise KeyError(story)

    def links(self, story: str) -> list[dict[str, Any]]:
        """The link candidates found within one story when the index was prepared."""
        import pyarrow.compute as pc
        import pyarrow.parquet as pq

        out: list[dict[str, Any]] = []
        for name in self.manifest.get("links", []):
            table = pq.read_table(self.root / "links" / name, filters=pc.field("story") == story)
            out.extend(table.to_pylist())
        return out

    def problems(self) -> list[Problem]:
        """The rows that could not be read or analysed (file, line, reason)."""
        path = self.root / "problems.jsonl"
        if not path.exists():
            return []
        out = []
        for line in path.read_text("utf-8").splitlines():
            if line.strip():
                value = json.loads(line)
                out.append(Problem(value["file"], value["reason"], value["line"]))
        return out

    def load_all(self) -> LoadResult:
        """Every article, analysed, in source order (what ``inspect INDEX`` prints)."""
        import pyarrow.parquet as pq

        from .work import document_from_row

        result = LoadResult()
        wanted = set(self.listing)
        for part in self.manifest["partitions"]:
            for row in pq.read_table(self.root / "articles" / part).to_pylist():
                if row["id"] in wanted:
                    wanted.discard(row["id"])
                    result.documents.append(document_from_row(row))
        result.problems.extend(self.problems())
        return result


def load_index(path: str | Path) -> LoadResult:
    """The index's articles as loading its sources would give them (see :class:`Index`)."""
    return Index(path).load_all()


def index_stories(path: str | Path, by: str = "auto") -> tuple[list[Story], LoadResult]:
    """The stories of an index and its listing as documents without text.

    When ``by`` asks for another grouping than the index was prepared with ("text" on an index
    grouped by its metadata), the stories are grouped anew from the articles.
    """
    from newsreader.corpus.stories import group_stories

    index = Index(path)
    stories = index.stories
    made_by = stories[0].source if stories else "text"
    if by != "auto" and by != made_by:
        result = index.load_all()
        return group_stories(result.documents, by=by), result  # type: ignore[arg-type]
    result = LoadResult()
    for listing in index.listing.values():
        result.documents.append(
            Document(
                id=listing.id,
                path=listing.path,
                text="",
                content_hash="",
                title=listing.title,
                outlet=listing.outlet,
                date=listing.date,
            )
        )
    result.problems.extend(index.problems())
    return stories, result
