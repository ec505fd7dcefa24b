"""What the format tests share: a copy of the sample corpus, writing a store in a format, and
the store's content as newsreader's own JSONL lines (what every round trip must keep)."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from newsreader.annotations.formats import export
from newsreader.annotations.jsonl import export_lines
from newsreader.annotations.store import Store
from newsreader.corpus import SAMPLE_DIR, Document, load_paths

FORMATS = ["doccano", "prodigy", "labelstudio", "w3c", "brat"]


def sample_copy(tmp_path: Path) -> list[Document]:
    """The sample corpus, copied where the test may change it."""
    target = tmp_path / "corpus"
    if not target.exists():
        shutil.copytree(SAMPLE_DIR, target)
    return load_paths([target]).documents


def lines(store: Store) -> list[dict[str, Any]]:
    """The store as its JSONL export (orphans included)."""
    return list(export_lines(store, include_orphaned=True))


def member_orders(store: Store) -> dict[str, list[str]]:
    """Each statement group's members, in the group's order."""
    return {group.id: list(group.members) for group in store.groups()}


def write(store: Store, fmt: str, where: Path) -> tuple[Path, list[str]]:
    """Export ``store`` in ``fmt`` under ``where``; the file (or brat folder) and warnings."""
    if fmt == "brat":
        target = where / "brat"
        return target, export(store, fmt, target)
    target = where / f"out.{fmt}"
    with open(target, "w", encoding="utf-8") as out:
        warnings = export(store, fmt, out)
    return target, warnings


def at(doc: Document, words: str, nth: int = 0) -> tuple[int, int]:
    """The offsets of the ``nth`` occurrence of ``words`` in ``doc``."""
    start = -1
    for _ in range(nth + 1):
        start = doc.text.index(words, start + 1)
    return start, start + len(words)
