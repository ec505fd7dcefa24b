"""Reading an archive's sources as partitions of rows, streamed, without analysing them.

A source is a folder of articles (read as ``newsreader inspect`` reads it) or a tabular export:
CSV, TSV, JSONL or Parquet with a ``text`` column and optional ``id``, ``outlet``, ``date``,
``title``, ``url`` columns (other names are mapped by :class:`Columns`). A row's id is its ``id``
or, without one, its file and row, exactly as the folder loader makes ids for JSON records, so
``inspect`` on a JSONL file and on its index print the same ids.

A partition is named by a hash of its rows' content: a rerun finds the same names for unchanged
rows and skips them; a changed or added row changes only its own partition's name (an inserted
row shifts the rows after it, and so renames the partitions after it too).
"""

from __future__ import annotations

import csv
import json
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from hashlib import sha256
from pathlib import Path
from typing import Any

from newsreader.corpus.document import Document, LazyStructure, Structure
from newsreader.corpus.loaders import Problem, list_paths

TABULAR = (".csv", ".tsv", ".jsonl", ".parquet")
"""The export formats read row by row (a ``.jsonl`` inside a folder is read as the folder is)."""


@dataclass(frozen=True, slots=True)
class Columns:
    """Which column holds what, when an export names them otherwise."""

    text: str = "text"
    id: str = "id"
    outlet: str = "outlet"
    date: str = "date"
    title: str = "title"
    url: str = "url"

    def rename(self, row: dict[str, Any]) -> dict[str, Any]:
        """The row with its columns under newsreader's names (``text``, ``id``, ...)."""
        out = dict(row)
        for ours in ("text", "id", "outlet", "date", "title", "url"):
            theirs = getattr(self, ours)
            if theirs != ours and theirs in row:
                out.pop(theirs, None)
                out[ours] = row[theirs]
        return out


@dataclass(frozen=True, slots=True)
class Record:
    """One row of a tabular export, not analysed yet."""

    path: str  # the file
    key: str  # the file's name: the id is made from it and the row's id or number
    row: int  # 1-based data row (record number)
    line: int | None  # the line of the file where it starts (None for Parquet)
    values: dict[str, Any]


@dataclass(frozen=True, slots=True)
class Listed:
    """One article of a folder, read but not analysed (``analyse`` computes its structure)."""

    document: Document
    analyse: Callable[[], Structure]


Item = Record | Listed


@dataclass
class Partition:
    """Rows to analyse together; ``name`` is a hash of their content and position."""

    source: int  # the index of the source among those given
    first: int  # the ordinal of the first row within its source
    items: list[Item] = field(default_factory=list)
    name: str = ""

    def seal(self) -> Partition:
        digest = sha256(f"{self.source}:{self.first}".encode())
        for item in self.items:
            if isinstance(item, Record):
                digest.update(item.key.encode() + b"\0" + str(item.row).encode() + b"\0")
                digest.update(json.dumps(item.values, sort_keys=True, default=str).encode())
            else:
                doc = item.document
                digest.update(f"{doc.id}\0{doc.content_hash}\0{doc.title}\0".encode())
                digest.update(f"{doc.outlet}\0{doc.date}\0{doc.url}\0{doc.story}\0".encode())
            digest.update(b"\x1e")
        self.name = digest.hexdigest()[:20]
        return self


def partitions(
    sources: Sequence[str | Path], size: int, columns: Columns, problems: list[Problem]
) -> Iterator[Partition]:
    """The sources' rows in partitions of ``size`` rows, in source order, streamed.

    Rows that cannot be read at all (a JSONL line that is not JSON) are added to ``problems``
    with their file and line; everything else is left to the worker.
    """
    for number, given in enumerate(sources):
        path = Path(given)
        if path.is_file() and path.suffix.lower() in TABULAR:
            rows: Iterator[Item] = _tabular(path, columns, problems)
        else:
            rows = _listed(path, problems)
        part = Partition(number, 0)
        for count, item in enumerate(rows, 1):
            part.items.append(item)
            if len(part.items) >= size:
                yield part.seal()
                part = Partition(number, count)
        if part.items:
            yield part.seal()


def _listed(path: Path, problems: list[Problem]) -> Iterator[Item]:
    result = list_paths([path])
    problems.extend(result.problems)
    for doc in result.documents:
        structure = doc.structure
        # The structure's own recipe (text, title end, given sentences), not the lazy
        # wrapper: the recipe pickles to a worker, the wrapper's lock does not.
        recipe = structure.recipe if isinstance(structure, LazyStructure) else None
        if recipe is not None:
            yield Listed(replace(doc, structure=Structure()), recipe)
        else:
            yield Listed(replace(doc, structure=Structure()), _constant(structure))


def _constant(structure: Structure) -> Callable[[], Structure]:
    return lambda: structure


def _tabular(path: Path, columns: Columns, problems: list[Problem]) -> Iterator[Item]:
    suffix = path.suffix.lower()
    key = path.name
    try:
        if suffix in (".csv", ".tsv"):
            yield from _csv(path, key, columns, "\t" if suffix == ".tsv" else ",", problems)
        elif suffix == ".jsonl":
            yield from _jsonl(path, key, columns, problems)
        else:
            yield from _parquet(path, key, columns)
    except (OSError, UnicodeDecodeError, csv.Error, ValueError) as err:
        problems.append(Problem(str(path), f"cannot read the rest of the file: {err}"))


def _csv(
    path: Path, key: str, columns: Columns, delimiter: str, problems: list[Problem]
) -> Iterator[Item]:
    csv.field_size_limit(32 * 1024 * 1024)  # an article's text may be as long as the 32 MiB limit
    with path.open(encoding="utf-8-sig", errors="replace", newline="") as handle:
        reader = csv.reader(handle, delimiter=delimiter)
        header = next(reader, None)
        if header is None:
            problems.append(Problem(str(path), "empty file"))
            return
        if columns.text not in header:
            problems.append(
                Problem(str(path), f"no {columns.text!r} column (columns: {', '.join(header)})", 1)
            )
            return
        line = reader.line_num + 1
        for row, values in enumerate(reader, 1):
            if len(values) != len(header):
                problems.append(
                    Problem(
                        str(path),
                        f"row {row} has {len(values)} fields, the header {len(header)}",
                        line,
                    )
                )
            else:
                record = columns.rename(dict(zip(header, values, strict=True)))
                yield Record(str(path), key, row, line, record)
            line = reader.line_num + 1


def _jsonl(path: Path, key: str, columns: Columns, problems: list[Problem]) -> Iterator[Item]:
    with path.open("rb") as handle:
        row = 0
        for line_number, raw in enumerate(handle, 1):
            if not raw.strip():
                continue
            row += 1
            try:
                value = json.loads(raw.decode("utf-8"))
            except (UnicodeDecodeError, json.JSONDecodeError) as err:
                problems.append(
                    Problem(str(path), f"row {row} is not valid JSON: {err}", line_number)
                )
                continue
            if not isinstance(value, dict):
                problems.append(Problem(str(path), f"row {row} is not a JSON object", line_number))
                continue
            yield Record(str(path), key, row, line_number, columns.rename(value))


def _parquet(path: Path, key: str, columns: Columns) -> Iterator[Item]:
    import pyarrow.parquet as pq

    row = 0
    for batch in pq.ParquetFile(path).iter_batches(batch_size=4096):
        for values in batch.to_pylist():
            row += 1
            yield Record(str(path), key, row, None, columns.rename(values))
