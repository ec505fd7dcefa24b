"""The article listing and the stories, kept in partitions: the driver holds a summary per
partition (its name, row count and the few rows it drops), never a row per article.

What the driver used to do with every article's id, title, outlet and date is done by Dask tasks
exchanging rows by key through a work folder beside the index (a shared folder, as the index
is), in the way ``grouping`` exchanges postings:

1. per partition: its ids, hashed (128 bits) and cut into id buckets;
2. per id bucket: the rows whose id an earlier row has (source order), dropped as a folder
   drops them; only those few rows go back to the driver;
3. per partition: each kept row's story key (its cluster from the grouping, or its ``story``
   metadata) and listing columns, cut into story buckets by the key's hash;
4. per story bucket: its stories (``corpus.stories.stories_from_labels`` on whole stories, so
   each is the story ``newsreader stories`` makes), written sorted as ``stories.parquet`` is,
   with its articles' listing rows sorted by source order;
5. the driver merges the sorted story buckets into ``stories.parquet`` and the listing rows into
   ``docs.parquet``, a few thousand rows at a time (``heapq.merge``), so its memory is bounded
   by the number of buckets (at most ``MAX_BUCKETS``), not the archive;
6. per story bucket: link candidates within its stories (``work.link_batch``).
"""

from __future__ import annotations

import heapq
import os
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from hashlib import blake2b, sha256
from pathlib import Path
from typing import TYPE_CHECKING, Any

from newsreader.corpus.loaders import Problem
from newsreader.corpus.stories import stories_from_labels

from .work import Light, link_batch, link_windows, save_array, temp_path

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import NDArray

    Ints = NDArray[np.int64]

MAX_BUCKETS = 1024
"""Story buckets at most: the driver's merge reads one batch of each at a time."""

STORY_BUCKET = 400
"""About this many articles per story bucket (and so per link task)."""

ID_BUCKET = 100_000
"""About this many ids per id bucket (duplicate search)."""

LINKS_VERSION = "links-2"
"""Part of every link file's name: change it when the link candidates of the same articles
change (the engine, ``top_k``, ``min_score``, the windows), so a rerun does not take the old
files for finished ones."""

MERGE_BATCH = 1024
"""Rows per record batch of a bucket file, and so rows per bucket the driver's merge holds."""

LISTING_COLUMNS = ["id", "path", "title", "outlet", "date", "story_meta"]
STORY_COLUMNS = ["story", "label", "outlets", "first", "last", "source", "docs"]
DOCS_COLUMNS = ["id", "path", "title", "outlet", "date", "story", "part"]


@dataclass(frozen=True, slots=True)
class Kept:
    """The rows of a partition's articles file that are kept: all but ``drop`` (rows whose id
    an earlier row has). What the driver holds per partition instead of its rows."""

    rows: int
    drop: tuple[int, ...] = ()

    def __len__(self) -> int:
        return self.rows - len(self.drop)

    def array(self) -> Ints:
        import numpy as np

        everything = np.arange(self.rows, dtype=np.int64)
        if not self.drop:
            return everything
        return np.setdiff1d(everything, np.array(self.drop, dtype=np.int64))


def story_buckets(articles: int, workers: int) -> int:
    """Story buckets for ``articles``: a few per worker at least, else one per ``STORY_BUCKET``
    articles, at most ``MAX_BUCKETS``. Changes how the work is cut, never the result."""
    return max(1, min(MAX_BUCKETS, max(4 * workers, articles // STORY_BUCKET)))


def _hash128(values: Sequence[str]) -> tuple[Any, Any]:
    import numpy as np

    digests = b"".join(
        blake2b(v.encode("utf-8", "surrogatepass"), digest_size=16).digest() for v in values
    )
    pairs = np.frombuffer(digests, dtype=np.uint64).reshape(-1, 2)
    return pairs[:, 0].copy(), pairs[:, 1].copy()


def _write_arrow(path: Path, table: Any) -> None:
    import pyarrow as pa

    temp = temp_path(path)
    with pa.OSFile(str(temp), "wb") as sink, pa.ipc.new_file(sink, table.schema) as writer:
        writer.write_table(table, max_chunksize=MERGE_BATCH)
    os.replace(temp, path)


def _read_arrow(path: Path) -> Any:
    import pyarrow as pa

    return pa.ipc.open_file(pa.memory_map(str(path), "r")).read_all()


def _cut(owner: Any, buckets: int) -> tuple[Any, Any]:
    """The order sorting rows by bucket, and each bucket's bounds in that order."""
    import numpy as np

    order = np.argsort(owner, kind="stable")
    return order, np.searchsorted(owner[order], np.arange(buckets + 1)).astype(np.int64)


def _bucket_slices(
    folder: Path, names: Sequence[str], bucket: int
) -> Iterator[tuple[int, int, int]]:
    """(partition number, first, end) of ``bucket`` in each partition's bucketed rows."""
    import numpy as np

    for number, name in enumerate(names):
        bounds = np.load(folder / name / "bounds.npy", mmap_mode="r")
        lo, hi = int(bounds[bucket]), int(bounds[bucket + 1])
        if hi > lo:
            yield number, lo, hi


# ---- the tasks ------------------------------------------------------------------------------


def list_ids(index: str, work: str, name: str, buckets: int) -> tuple[int, int]:
    """Stage 1 for one partition: its ids hashed and cut into id buckets. Returns its rows and
    how many have a ``story`` of their own."""
    import numpy as np
    import pyarrow.parquet as pq

    table = pq.read_table(
        Path(index) / "articles" / f"part-{name}.parquet", columns=["id", "story_meta"]
    )
    high, low = _hash128(table.column("id").to_pylist())
    story = np.array([bool(s) for s in table.column("story_meta").to_pylist()], dtype=np.int8)
    order, bounds = _cut((high % np.uint64(buckets)).astype(np.int64), buckets)
    folder = Path(work) / "ids" / name
    folder.mkdir(parents=True, exist_ok=True)
    save_array(folder / "high.npy", high[order])
    save_array(folder / "low.npy", low[order])
    save_array(folder / "row.npy", order.astype(np.int64))
    save_array(folder / "story.npy", story[order])
    save_array(folder / "bounds.npy", bounds)
    return table.num_rows, int(story.sum())


def find_duplicates(work: str, names: Sequence[str], bucket: int) -> list[tuple[int, int, bool]]:
    """Stage 2 for one id bucket: the rows whose id an earlier row (in source order) has, as
    (partition number, row, whether it has a story of its own)."""
    import numpy as np

    folder = Path(work) / "ids"
    high, low, number, row, story = [], [], [], [], []
    for part, lo, hi in _bucket_slices(folder, names, bucket):
        arrays = {
            key: np.load(folder / names[part] / f"{key}.npy", mmap_mode="r")[lo:hi]
            for key in ("high", "low", "row", "story")
        }
        high.append(arrays["high"])
        low.append(arrays["low"])
        row.append(arrays["row"])
        story.append(arrays["story"])
        number.append(np.full(hi - lo, part, dtype=np.int64))
    if not high:
        return []
    h, lo_, n, r, s = (np.concatenate(a) for a in (high, low, number, row, story))
    order = np.lexsort((r, n, lo_, h))
    h, lo_, n, r, s = h[order], lo_[order], n[order], r[order], s[order]
    again = np.zeros(len(h), dtype=bool)
    again[1:] = (h[1:] == h[:-1]) & (lo_[1:] == lo_[:-1])
    return [(int(a), int(b), bool(c)) for a, b, c in zip(n[again], r[again], s[again], strict=True)]


def assign_stories(
    index: str,
    work: str,
    name: str,
    number: int,
    kept: Kept,
    start: int,
    source: str,
    buckets: int,
) -> list[Problem]:
    """Stage 3 for one partition: its kept rows' story keys (``source`` "text": the grouping's
    cluster, from ``labels.npy`` at ``start``...; "metadata": the row's ``story``), with their
    listing columns, cut into story buckets. Returns the dropped rows as problems."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pq.read_table(
        Path(index) / "articles" / f"part-{name}.parquet", columns=LISTING_COLUMNS
    )
    problems = [
        Problem(
            table.column("path")[row].as_py(),
            f"same id {table.column('id')[row].as_py()} as an earlier row; kept once",
        )
        for row in kept.drop
    ]
    rows = kept.array()
    table = table.take(pa.array(rows))
    if source == "text":
        labels = np.load(Path(work) / "labels.npy", mmap_mode="r")[start : start + len(rows)]
        keys = [f"t{int(label)}" for label in labels]
    else:
        stories = table.column("story_meta").to_pylist()
        keys = [
            story if story else f"\0{number}:{int(row)}"
            for story, row in zip(stories, rows, strict=True)
        ]
    high, _ = _hash128(keys)
    order, bounds = _cut((high % np.uint64(buckets)).astype(np.int64), buckets)
    out = pa.table(
        {
            "key": pa.array(keys, pa.string()),
            "id": table.column("id"),
            "path": table.column("path"),
            "title": table.column("title"),
            "outlet": table.column("outlet"),
            "date": table.column("date"),
            "number": pa.array(np.full(len(rows), number, dtype=np.int64)),
            "row": pa.array(rows),
        }
    ).take(pa.array(order))
    folder = Path(work) / "assign" / name
    folder.mkdir(parents=True, exist_ok=True)
    _write_arrow(folder / "rows.arrow", out)
    save_array(folder / "bounds.npy", bounds)
    return problems


def _story_schema() -> Any:
    import pyarrow as pa

    return pa.schema(
        [
            ("story", pa.string()),
            ("label", pa.string()),
            ("outlets", pa.list_(pa.string())),
            ("first", pa.string()),
            ("last", pa.string()),
            ("source", pa.string()),
            ("docs", pa.list_(pa.string())),
        ]
    )


def _docs_schema(order: bool) -> Any:
    import pyarrow as pa

    fields = [(name, pa.string()) for name in DOCS_COLUMNS]
    if order:
        fields += [("number", pa.int64()), ("row", pa.int64())]
    return pa.schema(fields)


def link_cost(size: int) -> int:
    """What linking a story of ``size`` articles costs, roughly: every article's sentences
    against the others' in its window (``work.link_windows``: the whole story up to
    ``2 x LINK_WINDOW`` articles)."""
    if size < 2:
        return 0
    return sum((end - first) * (end - first - 1) for first, end, _, _ in link_windows(size))


def build_stories(
    work: str, names: Sequence[str], bucket: int, source: str
) -> tuple[int, int, int]:
    """Stage 4 for one story bucket: the stories of its keys (whole, since a key's rows are all
    in its bucket), sorted as ``stories.parquet`` is, and their articles' listing rows with
    their story, in source order. Returns (stories, articles, link cost)."""
    import pyarrow as pa

    root = Path(work)
    tables = []
    for part, lo, hi in _bucket_slices(root / "assign", names, bucket):
        tables.append(_read_arrow(root / "assign" / names[part] / "rows.arrow").slice(lo, hi - lo))
    rows = pa.concat_tables(tables).to_pylist() if tables else []
    rows.sort(key=lambda r: (r["number"], r["row"]))
    lights = [Light(r["id"], r["title"], r["outlet"], r["date"], None, r["path"]) for r in rows]
    numbers: dict[str, int] = {}
    labels = [numbers.setdefault(r["key"], len(numbers)) for r in rows]
    stories = stories_from_labels(lights, labels, source)
    story_of = {doc_id: story.id for story in stories for doc_id in story.doc_ids}
    _write_arrow(
        root / f"stories-{bucket}.arrow",
        pa.Table.from_pylist(
            [
                {
                    "story": s.id,
                    "label": s.label,
                    "outlets": list(s.outlets),
                    "first": s.first,
                    "last": s.last,
                    "source": s.source,
                    "docs": list(s.doc_ids),
                }
                for s in stories
            ],
            schema=_story_schema(),
        ),
    )
    _write_arrow(
        root / f"docs-{bucket}.arrow",
        pa.Table.from_pylist(
            [
                {
                    "id": r["id"],
                    "path": r["path"],
                    "title": r["title"],
                    "outlet": r["outlet"],
                    "date": r["date"],
                    "story": story_of[r["id"]],
                    "part": f"part-{names[r['number']]}.parquet",
                    "number": r["number"],
                    "row": r["row"],
                }
                for r in rows
            ],
            schema=_docs_schema(order=True),
        ),
    )
    return len(stories), len(rows), sum(link_cost(len(s)) for s in stories)


def _share(stories: list[tuple[str, tuple[str, ...]]], piece: int, pieces: int) -> list[Any]:
    """The stories of one of ``pieces`` link tasks of a bucket: largest first, each to the
    piece with the least cost so far (the same split on every run)."""
    loads = [0] * pieces
    mine = []
    for story, docs in sorted(stories, key=lambda s: (-len(s[1]), s[0])):
        lightest = min(range(pieces), key=lambda k: (loads[k], k))
        loads[lightest] += link_cost(len(docs))
        if lightest == piece:
            mine.append((story, docs))
    return sorted(mine)


def link_bucket(
    work: str, index: str, bucket: int, piece: int = 0, pieces: int = 1
) -> tuple[str, int]:
    """Stage 6 for one story bucket (or one of ``pieces`` shares of it, cut by link cost):
    link candidates within its stories of two or more articles, as ``links/NAME.parquet``.
    Returns NAME ("" when no story needs links) and the number of candidate pairs.
    NAME is a hash of what the links are made from (``LINKS_VERSION``, the stories and where
    each of their articles is: partition files are named by their rows' content), so a file of
    that name from an earlier run (finished before a crash, or by a run on the same stories) is
    the same file and is taken as it is."""
    root = Path(work)
    stories = _read_arrow(root / f"stories-{bucket}.arrow")
    several = [
        (story, tuple(docs))
        for story, docs in zip(
            stories.column("story").to_pylist(), stories.column("docs").to_pylist(), strict=True
        )
        if len(docs) > 1
    ]
    batch = _share(several, piece, pieces)
    if not batch:
        return "", 0
    docs = _read_arrow(root / f"docs-{bucket}.arrow")
    ids = docs.column("id").to_pylist()
    located = dict(zip(ids, docs.column("part").to_pylist(), strict=True))
    rows_of = dict(zip(ids, docs.column("row").to_pylist(), strict=True))
    made_of = "\n".join(
        f"{story}\t" + " ".join(f"{doc} {located.get(doc)} {rows_of.get(doc)}" for doc in docs)
        for story, docs in batch
    )
    name = "links-" + sha256(f"{LINKS_VERSION}\n{made_of}".encode()).hexdigest()[:20]
    done = Path(index) / "links" / f"{name}.parquet"
    if done.exists():
        import pyarrow.parquet as pq

        return name, pq.ParquetFile(done).metadata.num_rows
    return name, link_batch(batch, located, index, name, rows_of=rows_of)


def link_tasks(costs: Sequence[int], workers: int) -> list[tuple[int, int, int]]:
    """The link tasks, as (bucket, piece, pieces), costliest first: a bucket costing more than
    a fair share of a worker's (an eighth of the total over the workers) is cut into pieces,
    so the last tasks are small and no worker waits on one long one."""
    total = sum(costs)
    if not total:
        return []
    share = max(1, total // (8 * max(1, workers)))
    tasks = []
    for bucket, cost in enumerate(costs):
        if cost:
            pieces = max(1, min(64, -(-cost // share)))
            tasks += [(cost / pieces, bucket, piece, pieces) for piece in range(pieces)]
    tasks.sort(key=lambda t: (-t[0], t[1], t[2]))
    return [(bucket, piece, pieces) for _, bucket, piece, pieces in tasks]


# ---- the driver's part ----------------------------------------------------------------------


def _stream(path: Path) -> Iterator[dict[str, Any]]:
    """A bucket file's rows, one record batch in memory at a time."""
    import pyarrow as pa

    reader = pa.ipc.open_file(pa.memory_map(str(path), "r"))
    for number in range(reader.num_record_batches):
        yield from reader.get_batch(number).to_pylist()


def _story_order(row: dict[str, Any]) -> tuple[int, str, str]:
    return (-len(row["docs"]), row["label"].lower(), row["story"])


def _source_order(row: dict[str, Any]) -> tuple[int, int]:
    return (row["number"], row["row"])


def merge_into(
    paths: Sequence[Path],
    key: Callable[[dict[str, Any]], Any],
    target: Path,
    schema: Any,
) -> int:
    """Merge bucket files, each sorted by ``key``, into one Parquet file at ``target`` (written
    under a temporary name and renamed), holding one batch per bucket and one output batch at
    a time. Returns the rows."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    temp = temp_path(target)
    names = schema.names
    written = 0
    with pq.ParquetWriter(temp, schema) as writer:
        chunk: list[dict[str, Any]] = []
        for row in heapq.merge(*(_stream(p) for p in paths), key=key):
            chunk.append({name: row[name] for name in names})
            written += 1
            if len(chunk) >= 8 * MERGE_BATCH:
                writer.write_table(pa.Table.from_pylist(chunk, schema=schema))
                chunk = []
        if chunk or written == 0:
            writer.write_table(pa.Table.from_pylist(chunk, schema=schema))
    os.replace(temp, target)
    return written


def merge_tables(root: Path, work: Path, buckets: int) -> None:
    """``stories.parquet`` (largest stories first, then by label) and ``docs.parquet`` (the
    listing in source order) from the sorted story buckets."""
    merge_into(
        [work / f"stories-{b}.arrow" for b in range(buckets)],
        _story_order,
        root / "stories.parquet",
        _story_schema(),
    )
    merge_into(
        [work / f"docs-{b}.arrow" for b in range(buckets)],
        _source_order,
        root / "docs.parquet",
        _docs_schema(order=False),
    )
