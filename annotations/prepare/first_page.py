"""An index's first page of stories, readable without pyarrow: what ``newsreader INDEX`` shows
before anything else.

``prepare`` writes ``first_page.json`` next to ``stories.parquet`` (:func:`write_first_page`):
the table's first stories, in its order (largest first), with every column the app lists, and
the table's row count. The manifest names it (key ``first_page``, from index version 2 on) with
the size of ``stories.parquet`` it was written beside, so that a reader can tell a first page
left over from another run (:func:`read_first_page` then answers None, and the app reads the
table the slow way, as it does for a version 1 index, which has no first page).

This module imports only the standard library and ``corpus`` (no pyarrow, no numpy): the app
shows the first page in its first frame, and imports pyarrow after it.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from newsreader.corpus.stories import Story

FILE = "first_page.json"
FORMAT = "newsreader-first-page"
STORIES = 300
"""At most this many stories on the first page (several screenfuls)."""
ARTICLE_IDS = 20_000
"""The page ends once it holds this many article ids (the largest stories come first: a page of
huge stories stays small to read)."""
MAX_BYTES = 1 << 24
"""A first page bigger than this is not read (it was not written by ``prepare``)."""


def write_first_page(root: str | Path) -> dict[str, Any]:
    """Write the first page of ``root``'s ``stories.parquet`` (its first rows, in its order,
    read a batch at a time: the driver never holds the whole table) into ``root``; the
    manifest's ``first_page`` entry."""
    import pyarrow.parquet as pq

    from .work import write_atomic

    root = Path(root)
    table = pq.ParquetFile(root / "stories.parquet")
    total = table.metadata.num_rows
    rows: list[dict[str, Any]] = []
    ids = 0
    for batch in table.iter_batches(batch_size=STORIES):
        for row in batch.to_pylist():
            if len(rows) >= STORIES or ids >= ARTICLE_IDS:
                break
            rows.append(
                {
                    "story": row["story"],
                    "label": row["label"],
                    "outlets": list(row["outlets"] or ()),
                    "first": row["first"],
                    "last": row["last"],
                    "source": row["source"],
                    "docs": list(row["docs"] or ()),
                }
            )
            ids += len(row["docs"] or ())
        if len(rows) >= STORIES or ids >= ARTICLE_IDS:
            break
    page = {"format": FORMAT, "total": total, "stories": rows}
    write_atomic(root / FILE, (json.dumps(page, ensure_ascii=False) + "\n").encode("utf-8"))
    return {
        "file": FILE,
        "stories": len(rows),
        "total": total,
        "stories_bytes": (root / "stories.parquet").stat().st_size,
    }


def read_first_page(
    root: str | Path, manifest: Mapping[str, Any]
) -> tuple[list[Story], int] | None:
    """The first page's stories and the number of stories in the index, or None when the
    manifest names no first page (a version 1 index) or it does not match ``stories.parquet``
    (missing, damaged, or written beside another table): then read the table instead."""
    entry = manifest.get("first_page")
    if not isinstance(entry, dict) or entry.get("file") != FILE:
        return None
    root = Path(root)
    try:
        if os.stat(root / "stories.parquet").st_size != entry.get("stories_bytes"):
            return None
        path = root / FILE
        if path.stat().st_size > MAX_BYTES:
            return None
        page = json.loads(path.read_bytes())
        if not isinstance(page, dict) or page.get("format") != FORMAT:
            return None
        total = page["total"]
        rows = page["stories"]
        if total != entry.get("total") or len(rows) != entry.get("stories"):
            return None
        stories = [
            Story(
                id=str(row["story"]),
                label=str(row["label"] or ""),
                doc_ids=tuple(map(str, row["docs"] or ())),
                outlets=tuple(map(str, row["outlets"] or ())),
                first=row["first"],
                last=row["last"],
                source=str(row.get("source") or "text"),
            )
            for row in rows
        ]
    except (OSError, ValueError, KeyError, TypeError):
        return None
    if not isinstance(total, int) or total < len(stories):
        return None
    return stories, total


__all__ = ["FILE", "STORIES", "read_first_page", "write_first_page"]
