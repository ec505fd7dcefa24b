"""Analyses of articles (paragraphs, sentences, boilerplate, quotes) kept by content hash.

Analysing an article is most of the cost of loading it (about 9 ms each, 8 s for PolNeAR's 924
articles). An article whose text has not changed has the same analysis, so it is kept, keyed by
the text's content hash (with the title's end and any sentences the source gave), in memory and
in one SQLite file in the data folder (``analyses.sqlite3``). The key also holds a fingerprint
of the analysing code (the ``newsreader.corpus`` sources), so a newer newsreader never uses an
older one's analyses. The cache is only an accelerator: a file that cannot be read or written
is ignored (the article is analysed as without it), never an error.

    from newsreader.annotations.analysis_cache import install
    install(data_folder)   # every later load in this process uses it

It also remembers, per article file, its size, modification time and the content hashes of the
articles it held when read, so that ``export`` does not read again a file that has not changed
since (as git's index does).
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import json
import sqlite3
import threading
import time
from pathlib import Path
from typing import Any

import newsreader.corpus as corpus_package
from newsreader.corpus.analysis import use_analysis_cache
from newsreader.corpus.document import Quote, Range, Structure

FILE_NAME = "analyses.sqlite3"


def code_fingerprint() -> str:
    """A hash of the code that analyses articles: analyses made by other code are not used."""
    digest = hashlib.sha256()
    folder = Path(corpus_package.__file__).parent
    # (The speaker ranker's weights, corpus/speaker_ranker.json, are code too.)
    for source in sorted([*folder.glob("*.py"), *folder.glob("*.json")]):
        digest.update(source.name.encode())
        digest.update(source.read_bytes())
    return digest.hexdigest()[:16]


def _key(text: str, title_end: int, sentences: list[Range] | None, fingerprint: str) -> str:
    digest = hashlib.sha256(text.encode("utf-8", "surrogatepass"))
    digest.update(f"|{title_end}|".encode())
    if sentences is not None:
        digest.update(json.dumps(sentences).encode())
    return f"{fingerprint}:{digest.hexdigest()}"


_QUOTE_FIELDS = tuple(field.name for field in dataclasses.fields(Quote))


def to_json(structure: Structure) -> str:
    """The structure as compact JSON (lists of offsets; quotes as lists of their fields)."""
    return json.dumps(
        [
            structure.paragraphs,
            structure.sentences,
            structure.boilerplate,
            # Every field of a quote, in declaration order, so a new field is never dropped.
            [[getattr(q, name) for name in _QUOTE_FIELDS] for q in structure.quotes],
        ],
        separators=(",", ":"),
    )


def from_json(raw: str) -> Structure:
    """The structure ``to_json`` wrote."""
    paragraphs, sentences, boilerplate, quotes = json.loads(raw)

    def ranges(items: list[list[int]]) -> tuple[Range, ...]:
        return tuple((int(a), int(b)) for a, b in items)

    return Structure(
        paragraphs=ranges(paragraphs),
        sentences=ranges(sentences),
        boilerplate=ranges(boilerplate),
        quotes=tuple(Quote(*q) for q in quotes),
    )


class AnalysisCache:
    """Analyses by content hash, in memory and (when ``path`` is given) in a SQLite file."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = path
        self.fingerprint = code_fingerprint()
        self.hits = 0
        self.misses = 0
        self._memory: dict[str, Structure] = {}
        self._lock = threading.Lock()
        self._db: sqlite3.Connection | None = None
        if path is not None:
            with contextlib.suppress(sqlite3.Error, OSError):
                path.parent.mkdir(parents=True, exist_ok=True)
                db = sqlite3.connect(path, timeout=2, check_same_thread=False)
                db.execute("CREATE TABLE IF NOT EXISTS analyses (key TEXT PRIMARY KEY, value TEXT)")
                db.execute(
                    "CREATE TABLE IF NOT EXISTS files (path TEXT PRIMARY KEY, size INTEGER, "
                    "mtime_ns INTEGER, seen_ns INTEGER, hashes TEXT)"
                )
                db.commit()
                self._db = db

    def get(self, text: str, title_end: int, sentences: list[Range] | None) -> Structure | None:
        key = _key(text, title_end, sentences, self.fingerprint)
        with self._lock:
            found = self._memory.get(key)
            if found is None and self._db is not None:
                row: Any = None
                with contextlib.suppress(sqlite3.Error):
                    row = self._db.execute(
                        "SELECT value FROM analyses WHERE key = ?", (key,)
                    ).fetchone()
                if row is not None:
                    with contextlib.suppress(ValueError, TypeError):
                        found = from_json(row[0])
                if found is not None:
                    self._memory[key] = found
            if found is None:
                self.misses += 1
            else:
                self.hits += 1
            return found

    def put(
        self, text: str, title_end: int, sentences: list[Range] | None, structure: Structure
    ) -> None:
        key = _key(text, title_end, sentences, self.fingerprint)
        with self._lock:
            self._memory[key] = structure
            if self._db is not None:
                with contextlib.suppress(sqlite3.Error):
                    self._db.execute(
                        "INSERT OR REPLACE INTO analyses VALUES (?, ?)", (key, to_json(structure))
                    )
                    self._db.commit()

    # -- which texts files held ---------------------------------------------------------

    def file_hashes(self, path: Path) -> list[str] | None:
        """The content hashes of the articles in the file at ``path`` when it was last read,
        if it has not changed since (same size and modification time, and that time older
        than the reading by more than the file system's clock granularity); else None."""
        if self._db is None:
            return None
        try:
            stat = path.stat()
        except OSError:
            return None
        with self._lock:
            row: Any = None
            with contextlib.suppress(sqlite3.Error):
                row = self._db.execute(
                    "SELECT size, mtime_ns, seen_ns, hashes FROM files WHERE path = ?",
                    (str(path),),
                ).fetchone()
        if row is None:
            return None
        size, mtime_ns, seen_ns, hashes = row
        if (size, mtime_ns) != (stat.st_size, stat.st_mtime_ns):
            return None
        if stat.st_mtime_ns > seen_ns - 2_000_000_000:  # changed too near the reading to tell
            return None
        try:
            found = json.loads(hashes)
        except ValueError:
            return None
        return [str(h) for h in found] if isinstance(found, list) else None

    def saw_file(self, path: Path, size: int, mtime_ns: int, hashes: list[str]) -> None:
        """Remember the content hashes of the articles the file at ``path`` held when read."""
        if self._db is None:
            return
        with self._lock, contextlib.suppress(sqlite3.Error):
            self._db.execute(
                "INSERT OR REPLACE INTO files VALUES (?, ?, ?, ?, ?)",
                (str(path), size, mtime_ns, time.time_ns(), json.dumps(hashes)),
            )

    def commit(self) -> None:
        """Make what ``saw_file`` remembered durable (one transaction for many files)."""
        with self._lock:
            if self._db is not None:
                with contextlib.suppress(sqlite3.Error):
                    self._db.commit()

    def close(self) -> None:
        with self._lock:
            if self._db is not None:
                with contextlib.suppress(sqlite3.Error):
                    self._db.commit()
                    self._db.close()
                self._db = None


def install(data_folder: Path | None) -> AnalysisCache:
    """Use an analysis cache (in ``data_folder``, or in memory only when None) for every
    article loaded in this process from now on; returns it."""
    global _installed
    cache = AnalysisCache(data_folder / FILE_NAME if data_folder is not None else None)
    use_analysis_cache(cache)
    _installed = cache
    return cache


_installed: AnalysisCache | None = None


def installed() -> AnalysisCache | None:
    """The cache ``install`` put in place, if any."""
    return _installed
