"""What a worker does with one partition, and the small serial part between the passes.

Pass 1 (parallel, per partition): analyse each row (paragraphs, sentences, boilerplate, quotes
and speakers, as ``inspect`` does), write the articles as one Parquet file, and the rows' raw
story features (``corpus.grouping.count_terms``: hashed word and name counts and dates, which
need no corpus-wide state) as one ``.npz``.
Every file is written under a temporary name and renamed, and the partition's ``.done`` record,
renamed last, is what says it is finished: a reader or a rerun never takes half a partition.

Grouping (``grouping.py``, parallel but for a small merge): the stages of ``newsreader stories``
across the partitions (corpus-wide term weights, candidate pairs by shared rare terms exchanged
by term bucket, components merged), so the stories depend neither on the partitioning nor on the
number of workers.

Pass 2 (parallel, per batch of stories): link candidates within each story (``align``'s engine),
written as one Parquet file per batch with a ``story`` column.
"""

from __future__ import annotations

import dataclasses
import json
import os
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from newsreader.corpus.document import Document, Quote, Structure
from newsreader.corpus.grouping import DEFAULTS, Options, count_terms
from newsreader.corpus.loaders import Problem, record_document

from .sources import Listed, Partition, Record

ARTICLE_COLUMNS = (
    "id",
    "path",
    "title",
    "outlet",
    "date",
    "url",
    "author",
    "story_meta",
    "content_hash",
    "text",
    "paragraphs",
    "sentences",
    "boilerplate",
    "quotes",
    "source",
    "row",
)


def _schema() -> Any:
    import pyarrow as pa

    ranges = pa.list_(pa.list_(pa.int64(), 2))
    # Every field of a quote, so a field added to corpus.Quote is never dropped from the index.
    quote = pa.struct(
        [
            (field.name, pa.int64() if "int" in str(field.type) else pa.string())
            for field in dataclasses.fields(Quote)
        ]
    )
    fields = [(name, pa.string()) for name in ARTICLE_COLUMNS[:10]]
    fields += [("paragraphs", ranges), ("sentences", ranges), ("boilerplate", ranges)]
    fields += [("quotes", pa.list_(quote)), ("source", pa.int64()), ("row", pa.int64())]
    return pa.schema(fields)


def temp_path(path: Path) -> Path:
    """A temporary name beside ``path`` that no other writer uses: a task that runs twice at
    once (a retried or stolen task, on a worker with several threads: one process) must not
    write into the other's file, nor rename it away from under it."""
    return path.with_name(f".{path.name}.{os.getpid()}.{uuid.uuid4().hex[:12]}.tmp")


def save_array(path: Path, array: Any) -> None:
    """One array as ``.npy`` under a temporary name, renamed: a task that reads it never sees it
    half-written, even if the task that writes it runs twice (``np.save`` needs the suffix, so
    the name is :func:`temp_path`'s with ``.npy`` after it)."""
    import numpy as np

    temp = temp_path(path).with_suffix(".npy")
    np.save(temp, array)
    os.replace(temp, path)


def write_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file and a rename."""
    temp = temp_path(path)
    temp.write_bytes(data)
    os.replace(temp, path)


@dataclass(frozen=True, slots=True)
class Done:
    """What one finished partition reports (also its ``.done`` record)."""

    name: str
    rows: int
    articles: int
    problems: tuple[Problem, ...]

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "rows": self.rows,
            "articles": self.articles,
            "problems": [
                {"file": p.path, "line": p.line, "reason": p.reason} for p in self.problems
            ],
        }

    @classmethod
    def from_json(cls, value: dict[str, Any]) -> Done:
        problems = tuple(Problem(p["file"], p["reason"], p["line"]) for p in value["problems"])
        return cls(value["name"], value["rows"], value["articles"], problems)


def analyse_partition(part: Partition, index: str) -> Done:
    """Pass 1 for one partition: analysed articles, story features and the done record."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    root = Path(index)
    docs: list[tuple[Document, int]] = []
    problems: list[Problem] = []
    for ordinal, item in enumerate(part.items, part.first):
        try:
            doc = _document(item, problems)
        except Exception as err:  # one bad row never stops the job
            where = item.path if isinstance(item, Record) else item.document.path
            line = item.line if isinstance(item, Record) else None
            problems.append(Problem(where, f"cannot analyse: {type(err).__name__}: {err}", line))
            continue
        if doc is not None:
            docs.append((doc, ordinal))
    rows = [_article_row(doc, part.source, ordinal) for doc, ordinal in docs]
    table = pa.Table.from_pylist(rows, schema=_schema())
    target = root / "articles" / f"part-{part.name}.parquet"
    temp = temp_path(target)
    # Small row groups: one story's articles are read without reading whole partitions.
    pq.write_table(table, temp, row_group_size=64)
    os.replace(temp, target)
    write_features(root / "features" / f"part-{part.name}.npz", [d for d, _ in docs])
    done = Done(part.name, len(part.items), len(docs), tuple(problems))
    write_atomic(root / "done" / f"part-{part.name}.json", json.dumps(done.to_json()).encode())
    return done


def _document(item: Listed | Record, problems: list[Problem]) -> Document | None:
    if isinstance(item, Listed):
        return replace(item.document, structure=item.analyse())
    found: list[Problem] = []
    doc = record_document(item.path, item.key, item.values, item.row, found, item.line)
    problems.extend(found)
    return doc


def _article_row(doc: Document, source: int, ordinal: int) -> dict[str, Any]:
    return {
        "id": doc.id,
        "path": doc.path,
        "title": doc.title,
        "outlet": doc.outlet,
        "date": doc.date,
        "url": doc.url,
        "author": doc.author,
        "story_meta": doc.story,
        "content_hash": doc.content_hash,
        "text": doc.text,
        "paragraphs": [list(r) for r in doc.paragraphs],
        "sentences": [list(r) for r in doc.sentences],
        "boilerplate": [list(r) for r in doc.boilerplate],
        "quotes": [q.to_json() for q in doc.quotes],
        "source": source,
        "row": ordinal,
    }


def document_from_row(row: dict[str, Any]) -> Document:
    """An article of the index as the folder loader would have made it, analysed."""
    structure = Structure(
        paragraphs=tuple((a, b) for a, b in row["paragraphs"]),
        sentences=tuple((a, b) for a, b in row["sentences"]),
        boilerplate=tuple((a, b) for a, b in row["boilerplate"]),
        quotes=tuple(Quote(**q) for q in row["quotes"]),
    )
    return Document(
        id=row["id"],
        path=row["path"],
        text=row["text"],
        content_hash=row["content_hash"],
        title=row["title"],
        outlet=row["outlet"],
        date=row["date"],
        url=row["url"],
        structure=structure,
        author=row["author"],
        story=row["story_meta"],
    )


# ---- story features -------------------------------------------------------------------------


def write_features(path: Path, docs: Sequence[Document], options: Options = DEFAULTS) -> None:
    import numpy as np

    counts = count_terms(docs, options)
    w, n = counts.words, counts.names
    temp = temp_path(path)
    with temp.open("wb") as handle:
        np.savez(
            handle,
            w_data=w.data,
            w_indices=w.indices,
            w_indptr=w.indptr,
            n_data=n.data,
            n_indices=n.indices,
            n_indptr=n.indptr,
            days=counts.days,
            rows=np.array([len(docs)]),
        )
    os.replace(temp, path)


@dataclass(frozen=True, slots=True)
class Light:
    """What grouping reads of an article, without its text (see ``ArticleLike``)."""

    id: str
    title: str
    outlet: str | None
    date: str | None
    story: str | None
    path: str = ""
    text: str = ""


# ---- links within stories -------------------------------------------------------------------

LINK_WINDOW = 100
"""A story of more than twice this many articles is linked a window at a time
(:func:`link_windows`); a smaller one, the most an archive's stories usually have, whole."""


def link_windows(size: int, window: int = LINK_WINDOW) -> list[tuple[int, int, int, int]]:
    """How the links of a story of ``size`` articles (in the story's order) are found, as
    ``(first, end, source first, source end)``: the articles ``first:end`` are aligned together
    and the links of ``source first:source end`` kept. A story of at most ``2 x window``
    articles is one window, the whole story. A larger one (wire copies of one article in
    hundreds of outlets) is cut into chunks of ``window`` articles, each aligned with the chunks
    before and after it: every article is compared with up to ``3 x window`` of its story, so
    the cost grows with the story's size, not its square."""
    if size <= 2 * window:
        return [(0, size, 0, size)]
    out = []
    for start in range(0, size, window):
        stop = min(size, start + window)
        out.append((max(0, start - window), min(size, stop + window), start, stop))
    return out


def story_alignments(
    members: Sequence[Document], top_k: int, min_score: float, window: int = LINK_WINDOW
) -> list[Any]:
    """The link candidates of one story's articles (``aligning.align_documents``), a window
    at a time when the story is large (:func:`link_windows`)."""
    from newsreader.annotations.aligning import align_documents

    out: list[Any] = []
    for first, end, source_first, source_end in link_windows(len(members), window):
        sources = {doc.id for doc in members[source_first:source_end]}
        for pair in align_documents(
            members[first:end], top_k=top_k, min_score=min_score, progress=None, workers=1
        ):
            if pair.doc_id in sources:
                out.append(pair)
    return out


def link_batch(
    batch: Sequence[tuple[str, Sequence[str]]],
    located: dict[str, str],
    index: str,
    name: str,
    top_k: int = 3,
    min_score: float = 45.0,
    rows_of: dict[str, int] | None = None,
) -> int:
    """Pass 2: link candidates between the articles of each story in ``batch`` (story id and
    its article ids; ``located`` maps an article id to its partition file, ``rows_of`` to its
    row there when known). Returns the number of candidate pairs written to
    ``links/NAME.parquet``."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    root = Path(index)
    wanted = {doc_id for _, ids in batch for doc_id in ids}
    if rows_of is None:
        docs = read_articles(root, wanted, located)
    else:
        docs = read_rows(root, {i: (located[i], rows_of[i]) for i in wanted if i in located})
    rows: list[dict[str, Any]] = []
    for story, ids in batch:
        members = [docs[i] for i in ids if i in docs]
        if len(members) < 2:
            continue
        for pair in story_alignments(members, top_k, min_score):
            for candidate in pair.candidates:
                rows.append(
                    {
                        "story": story,
                        "source_doc": pair.doc_id,
                        "source_start": pair.start,
                        "source_end": pair.end,
                        "target_doc": candidate.doc_id,
                        "target_start": candidate.start,
                        "target_end": candidate.end,
                        "score": float(candidate.score),
                    }
                )
    schema = pa.schema(
        [
            ("story", pa.string()),
            ("source_doc", pa.string()),
            ("source_start", pa.int64()),
            ("source_end", pa.int64()),
            ("target_doc", pa.string()),
            ("target_start", pa.int64()),
            ("target_end", pa.int64()),
            ("score", pa.float64()),
        ]
    )
    target = root / "links" / f"{name}.parquet"
    temp = temp_path(target)
    pq.write_table(pa.Table.from_pylist(rows, schema=schema), temp)
    os.replace(temp, target)
    return len(rows)


def read_articles(root: Path, ids: set[str], located: dict[str, str]) -> dict[str, Document]:
    """The articles ``ids`` of an index, reading only the partitions (and row groups) they are
    in; ``located`` maps an id to its partition file's name."""
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    by_part: dict[str, list[str]] = {}
    for doc_id in ids:
        if doc_id in located:
            by_part.setdefault(located[doc_id], []).append(doc_id)
    out: dict[str, Document] = {}
    for part, wanted in sorted(by_part.items()):
        table = pq.read_table(root / "articles" / part, filters=pc.field("id").isin(wanted))
        for row in table.to_pylist():
            out[row["id"]] = document_from_row(row)
    return out


def read_rows(root: Path, places: dict[str, tuple[str, int]]) -> dict[str, Document]:
    """The articles of an index at known places (id to partition file and row), reading only
    the row groups that hold them: the work is the articles asked for (a row group of 64 rows
    each at most), not the partitions they are in (``read_articles`` filters whole files)."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.parquet as pq

    by_part: dict[str, list[tuple[int, str]]] = {}
    for doc_id, (part, row) in places.items():
        by_part.setdefault(part, []).append((row, doc_id))
    out: dict[str, Document] = {}
    for part, wanted in sorted(by_part.items()):
        wanted.sort()
        rows = np.array([row for row, _ in wanted], dtype=np.int64)
        source = pq.ParquetFile(root / "articles" / part)
        sizes = np.array(
            [source.metadata.row_group(g).num_rows for g in range(source.num_row_groups)],
            dtype=np.int64,
        )
        starts = np.concatenate([[0], np.cumsum(sizes)])
        group = np.searchsorted(starts, rows, side="right") - 1
        chosen = np.unique(group)
        table = source.read_row_groups(chosen.tolist())
        # Where each chosen group starts in the table read.
        offsets = np.concatenate([[0], np.cumsum(sizes[chosen])[:-1]])
        at = dict(zip(chosen.tolist(), offsets.tolist(), strict=True))
        positions = [at[int(g)] + int(r - starts[g]) for g, r in zip(group, rows, strict=True)]
        records = table.take(pa.array(positions, pa.int64())).to_pylist()
        for (row, doc_id), record in zip(wanted, records, strict=True):
            if record["id"] != doc_id:
                raise ValueError(f"{part}: row {row} holds {record['id']!r}, not {doc_id!r}")
            out[doc_id] = document_from_row(record)
    return out


def take_results(
    label: str, futures: list[Any], progress: Any = None, each: Any = None
) -> list[Any]:
    """The results of a stage's tasks in their order, each future dropped as soon as its
    result is taken: a worker keeps a task's result until no future names it, so holding the
    stage's futures to its end kept every result of the stage on the workers (per worker, a
    share of the archive: 100 partitions' term frequencies, 260 MB, at 100,000 articles on 2
    workers). With ``each``, each result is handed to it and not kept."""
    results: list[Any] = []
    total = len(futures)
    for done in range(1, total + 1):
        future = futures[done - 1]
        futures[done - 1] = None
        value = future.result()
        del future
        if each is None:
            results.append(value)
        else:
            each(value)
        del value
        if progress is not None:
            progress(label, done, total)
    return results
