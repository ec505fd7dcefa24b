"""Stories of the folders a store's articles are in, grouped once and kept on disk.

``export`` gives every span its story. When the store keeps no grouping for an article (the user
never ran ``newsreader stories --db`` or pressed ``t`` in the app), its folder is grouped as
``newsreader stories FOLDER`` would group it; that costs seconds on a big corpus (PolNeAR's 924
articles: about 6 s of CPU), too much for every export. So the grouping is kept in the data
folder (``stories/``, one JSON file per set of folders), under the content hashes of the grouped
articles (with their title, outlet, date and story id, which grouping reads) and a fingerprint
of the grouping code:

- when no file under the folders (nor a manifest or metadata table above them, which give
  outlets and dates) has changed size or modification time since, the kept stories are used
  without reading a file (as git's index does);
- else the folders are listed again, and when their articles' content hashes are the ones kept,
  the kept stories are still used (a file touched but not changed costs a listing, not a
  grouping);
- else the folders are grouped again and the new grouping kept.

The cache is only an accelerator: a file that cannot be read or written is ignored (the folders
are grouped as without it), never an error.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import tempfile
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from newsreader.corpus.loaders import (
    MANIFEST_LEVELS,
    MANIFEST_NAMES,
    SUPPORTED_SUFFIXES,
    list_paths,
    stable_id,
)
from newsreader.corpus.stories import ArticleLike, Story, group_stories

from .analysis_cache import code_fingerprint
from .story_edits import grouping_record, kept_stories

FOLDER_NAME = "stories"
VERSION = 1

Group = Callable[[Sequence[ArticleLike]], list[Story]]


@dataclass(frozen=True)
class Grouped:
    """The stories of some folders' articles, each article's title, outlet and date, and how
    they were found: ``"stat"`` (no file changed), ``"content"`` (files listed, same content),
    ``"grouped"`` (grouped now)."""

    stories: list[Story]
    articles: Mapping[str, ArticleLike]
    how: str


ID_LEVELS = 8
"""How many folders above an article :func:`loaded_from` looks for the one it was loaded from."""


def loaded_from(doc_id: str, path: Path) -> Path:
    """The folder the article ``doc_id`` at ``path`` was loaded from: the one whose name for
    the file (its path relative to the folder) gives the id, so that listing it again gives
    the article the same id. The file's own folder when none does (a file given alone, or a
    record of a JSON file)."""
    folder = path.parent
    for _ in range(ID_LEVELS):
        if stable_id(path.relative_to(folder).as_posix()) == doc_id:
            return folder
        if folder.parent == folder:
            break
        folder = folder.parent
    return path.parent


def outermost(folders: Collection[Path]) -> list[Path]:
    """``folders`` without those inside another of them (listing both would list twice)."""
    chosen = sorted(set(folders), key=lambda f: (len(f.parts), str(f)))
    kept: list[Path] = []
    for folder in chosen:
        if not any(folder.is_relative_to(outer) for outer in kept):
            kept.append(folder)
    return sorted(kept)


def file_stamps(folders: Sequence[Path]) -> dict[str, list[int]]:
    """Size and modification time (ns) of every file under ``folders`` that the loader may
    read (articles, manifests and metadata tables), and of the manifests and metadata tables in
    the folders above them (the loader reads those up to ``MANIFEST_LEVELS`` levels up)."""
    stamps: dict[str, list[int]] = {}
    read = tuple(SUPPORTED_SUFFIXES)

    def stamp(path: str) -> None:
        with contextlib.suppress(OSError):
            info = os.stat(path)
            stamps[path] = [info.st_size, info.st_mtime_ns]

    for folder in folders:
        for root, dirs, files in os.walk(folder):
            dirs.sort()
            for name in sorted(files):
                if name.lower().endswith(read) or name in MANIFEST_NAMES:
                    stamp(os.path.join(root, name))
        above = folder
        for _ in range(MANIFEST_LEVELS + 1):
            above = above.parent
            for name in MANIFEST_NAMES:
                candidate = above / name
                if candidate.is_file():
                    stamp(str(candidate))
            if above.parent == above:
                break
    return stamps


def content_key(articles: Sequence[Any]) -> str:
    """A hash of what grouping reads of ``articles``: each one's id, content hash, title,
    outlet, date and story id (in id order)."""
    digest = hashlib.sha256()
    rows = sorted([a.id, a.content_hash, a.title, a.outlet, a.date, a.story] for a in articles)
    for row in rows:
        digest.update(json.dumps(row, ensure_ascii=False).encode("utf-8", "surrogatepass"))
        digest.update(b"\n")
    return digest.hexdigest()


def _ids_key(ids: Collection[str]) -> str:
    return hashlib.sha256("\n".join(sorted(ids)).encode("utf-8", "surrogatepass")).hexdigest()


def _entry_path(cache_folder: Path, folders: Sequence[Path], fingerprint: str) -> Path:
    digest = hashlib.sha256(fingerprint.encode())
    for folder in sorted(str(f) for f in folders):
        digest.update(folder.encode("utf-8", "surrogatepass") + b"\0")
    return cache_folder / FOLDER_NAME / f"{digest.hexdigest()[:32]}.json"


def _read(path: Path) -> dict[str, Any] | None:
    try:
        entry = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError, UnicodeDecodeError):
        return None
    if not isinstance(entry, dict) or entry.get("version") != VERSION:
        return None
    return entry


def _write(path: Path, entry: dict[str, Any]) -> None:
    """Write ``entry`` whole or not at all (a temporary file renamed over the old one)."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, name = tempfile.mkstemp(dir=path.parent, prefix=".stories-", suffix=".tmp")
        try:
            with os.fdopen(handle, "w", encoding="utf-8") as out:
                json.dump(entry, out, ensure_ascii=False)
            os.replace(name, path)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(name)
            raise
    except OSError:
        pass


def _kept(entry: Mapping[str, Any]) -> tuple[list[Story], dict[str, ArticleLike]] | None:
    try:
        stories, articles = kept_stories(entry["record"])
    except (KeyError, TypeError, ValueError):
        return None
    return stories, dict(articles)


def grouped_folders(
    folders: Sequence[Path],
    cache_folder: Path | None,
    *,
    exclude: Collection[str] = (),
    group: Group = group_stories,
) -> Grouped:
    """The stories of the articles under ``folders`` (but those whose ids are in ``exclude``),
    as ``group`` finds them, from the cache in ``cache_folder`` when the articles are the ones
    it was made from (no cache when ``cache_folder`` is None)."""
    folders = [Path(f) for f in folders]
    fingerprint = code_fingerprint()
    excluded = _ids_key(exclude)
    path = _entry_path(cache_folder, folders, fingerprint) if cache_folder is not None else None
    entry = _read(path) if path is not None else None
    if entry is not None and entry.get("excluded") != excluded:
        entry = None
    stamps = file_stamps(folders) if path is not None else {}
    if entry is not None and entry.get("files") == stamps and (kept := _kept(entry)):
        return Grouped(*kept, how="stat")
    skip = set(exclude)
    listed = [d for d in list_paths(folders).documents if d.id not in skip]
    key = content_key(listed)
    if entry is not None and entry.get("content") == key and (kept := _kept(entry)):
        stories, articles = kept
        how = "content"
    else:
        stories = group(listed)
        articles = {d.id: d for d in listed}
        how = "grouped"
        entry = {"record": grouping_record(stories, articles, "auto")}
    if path is not None:
        _write(
            path,
            {
                "version": VERSION,
                "folders": [str(f) for f in folders],
                "excluded": excluded,
                "content": key,
                "files": stamps,
                "record": entry["record"],
            },
        )
    return Grouped(stories, articles, how)


def keep_grouping(folders: Sequence[Path], cache_folder: Path) -> None:
    """Group ``folders`` and keep the grouping in ``cache_folder``, saying nothing: run in a
    second process (``newsreader import`` starts one) so that a later :func:`grouped_folders`
    finds the grouping made. Any failure only leaves that work to the later call."""
    with contextlib.suppress(Exception):
        grouped_folders(folders, cache_folder)
