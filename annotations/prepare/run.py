"""Driving ``newsreader prepare`` on a Dask cluster (a local one by default).

The driver streams the sources into partitions and submits each one not finished before to the
cluster, a few per worker at a time (so the driver holds only the partitions in flight, whatever
the archive's size); then it groups the stories on the cluster (``grouping``: the driver holds
the listing, the term frequencies and the pairs alike enough, never the features), and submits
the links, one task per batch of stories. ``manifest.json`` is written last: until then
the index is the previous run's (or none), and a rerun picks up from the finished partitions.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from hashlib import sha256
from pathlib import Path
from typing import Any

from newsreader.corpus.loaders import Problem
from newsreader.corpus.stories import DEFAULTS, Options, Story

from . import require_scale
from .first_page import write_first_page
from .sources import Columns, partitions
from .work import Done, Light, analyse_partition, link_batch, write_atomic

FORMAT = "newsreader-index"
VERSION = 2
"""2: the manifest names ``first_page.json`` (``first_page.py``); version 1 is read without it."""

Progress = Callable[[str, int, int | None], None]
"""``(stage, done, total or None)``: called as partitions and story batches finish."""


@dataclass
class Summary:
    """What a run did: counts, timings (seconds) and the bad rows."""

    partitions: int = 0
    skipped: int = 0  # finished by an earlier run
    rows: int = 0
    articles: int = 0
    stories: int = 0
    links: int = 0
    problems: list[Problem] = field(default_factory=list)
    seconds: dict[str, float] = field(default_factory=dict)
    driver_cpu: dict[str, float] = field(default_factory=dict)
    """CPU seconds of this process per stage: its own work, and with a local cluster the
    scheduler's too (the part of the job that does not spread over workers)."""


def _client(scheduler: str | None, workers: int | None) -> Any:
    from distributed import Client, LocalCluster

    if scheduler:
        return Client(scheduler)
    cluster = LocalCluster(
        n_workers=workers or os.cpu_count() or 1,
        threads_per_worker=1,
        processes=True,
        dashboard_address=":0",
    )
    return Client(cluster)


def prepare(
    sources: Sequence[str | Path],
    out: str | Path,
    *,
    scheduler: str | None = None,
    workers: int | None = None,
    columns: Columns | None = None,
    partition_size: int = 500,
    by: str = "auto",
    links: bool = True,
    progress: Progress | None = None,
    options: Options = DEFAULTS,
    client: Any = None,
) -> Summary:
    """Build (or finish, or update) the index at ``out`` from ``sources``; see the module."""
    require_scale("newsreader prepare")
    root = Path(out).resolve()
    for sub in ("articles", "features", "done", "links"):
        (root / sub).mkdir(parents=True, exist_ok=True)
        # What a killed run left half-written: never read, removed now.
        for temp in (root / sub).glob(".*.tmp"):
            temp.unlink(missing_ok=True)
    own = client is None
    if own:
        client = _client(scheduler, workers)
    try:
        return _prepare(
            client,
            sources,
            root,
            columns or Columns(),
            partition_size,
            by,
            links,
            progress,
            options,
        )
    finally:
        if own:
            cluster = getattr(client, "cluster", None)
            client.close()
            if cluster is not None:
                cluster.close()


def _prepare(
    client: Any,
    sources: Sequence[str | Path],
    root: Path,
    columns: Columns,
    partition_size: int,
    by: str,
    links: bool,
    progress: Progress | None,
    options: Options,
) -> Summary:
    from distributed import as_completed

    summary = Summary()
    started, cpu = time.perf_counter(), time.process_time()
    problems: list[Problem] = []
    window = 2 * max(1, len(client.scheduler_info().get("workers", {})) or 1)
    order: list[str] = []
    seen: set[str] = set()
    # Task keys name the index too: two indexes built on one cluster never share results.
    tag = sha256(str(root).encode()).hexdigest()[:12]
    finished: dict[str, Done] = {}
    pending = as_completed()
    in_flight = 0

    def collect(block: bool) -> None:
        nonlocal in_flight
        while in_flight and (block or in_flight >= window):
            future = next(pending)
            done: Done = future.result()
            finished[done.name] = done
            in_flight -= 1
            if progress is not None:
                progress("analyse", len(finished), None)
            block = block and in_flight > 0

    for part in partitions(sources, partition_size, columns, problems):
        if part.name in seen:  # two identical partitions: one is enough
            continue
        seen.add(part.name)
        order.append(part.name)
        record = root / "done" / f"part-{part.name}.json"
        if record.exists():
            finished[part.name] = Done.from_json(json.loads(record.read_text("utf-8")))
            summary.skipped += 1
            continue
        pending.add(
            client.submit(analyse_partition, part, str(root), key=f"analyse-{part.name}-{tag}")
        )
        in_flight += 1
        collect(block=False)
    collect(block=True)
    summary.seconds["analyse"] = time.perf_counter() - started
    summary.driver_cpu["analyse"] = time.process_time() - cpu
    summary.partitions = len(order)

    started, cpu = time.perf_counter(), time.process_time()
    stories, articles, located, duplicates = _group(client, root, order, by, options, progress)
    summary.seconds["group"] = time.perf_counter() - started
    summary.driver_cpu["group"] = time.process_time() - cpu
    summary.stories = len(stories)
    summary.articles = len(articles)

    cpu = time.process_time()
    _write_tables(root, stories, articles, located)
    summary.driver_cpu["tables"] = time.process_time() - cpu
    for name in order:
        summary.rows += finished[name].rows
        problems.extend(finished[name].problems)
    problems.extend(duplicates)

    started, cpu = time.perf_counter(), time.process_time()
    link_files: list[str] = []
    if links:
        link_files, summary.links = _link(client, root, stories, located, progress)
    summary.seconds["link"] = time.perf_counter() - started
    summary.driver_cpu["link"] = time.process_time() - cpu

    summary.problems = problems
    _write_problems(root, problems)
    first_page = write_first_page(root, stories)
    _write_manifest(root, order, link_files, summary, by, first_page)
    _remove_stale(root, order, link_files)
    return summary


def _group(
    client: Any,
    root: Path,
    order: Sequence[str],
    by: str,
    options: Options,
    progress: Progress | None,
) -> tuple[list[Story], list[Light], dict[str, str], list[Problem]]:
    """The listing of the partitions in source order (the first of two rows with one id is
    kept) and its stories, grouped by text on the cluster (``grouping.group_on_cluster``)."""
    import numpy as np
    import pyarrow.parquet as pq

    from newsreader.corpus.stories import labels_from_metadata, stories_from_labels

    from .grouping import group_on_cluster

    articles: list[Light] = []
    duplicates: list[Problem] = []
    located: dict[str, str] = {}
    parts: list[tuple[str, Any]] = []
    for name in order:
        part = f"part-{name}.parquet"
        table = pq.read_table(
            root / "articles" / part,
            columns=["id", "path", "title", "outlet", "date", "story_meta"],
        )
        keep = []
        for row_number, row in enumerate(table.to_pylist()):
            if row["id"] in located:  # the same id twice: the first is kept, as a folder does
                duplicates.append(
                    Problem(row["path"], f"same id {row['id']} as an earlier row; kept once")
                )
                continue
            located[row["id"]] = part
            keep.append(row_number)
            articles.append(
                Light(
                    row["id"],
                    row["title"],
                    row["outlet"],
                    row["date"],
                    row["story_meta"],
                    row["path"],
                )
            )
        if keep:
            parts.append((name, np.array(keep, dtype=np.int64)))
    if not articles:
        return [], [], {}, duplicates
    if by not in ("auto", "text", "metadata"):
        raise ValueError(f"unknown grouping {by!r}: use text or metadata")
    if by == "metadata" or (by == "auto" and all(a.story for a in articles)):
        stories = stories_from_labels(articles, labels_from_metadata(articles), "metadata")
    else:
        labels = group_on_cluster(client, root, parts, options, progress)
        stories = stories_from_labels(articles, labels, "text")
    return stories, articles, located, duplicates


def _write_tables(
    root: Path, stories: Sequence[Story], articles: Sequence[Light], located: dict[str, str]
) -> None:
    """``stories.parquet`` (one row per story) and ``docs.parquet`` (the article listing)."""
    import pyarrow as pa

    story_of = {doc_id: story.id for story in stories for doc_id in story.doc_ids}
    table = pa.Table.from_pylist(
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
        schema=pa.schema(
            [
                ("story", pa.string()),
                ("label", pa.string()),
                ("outlets", pa.list_(pa.string())),
                ("first", pa.string()),
                ("last", pa.string()),
                ("source", pa.string()),
                ("docs", pa.list_(pa.string())),
            ]
        ),
    )
    _write_parquet(root / "stories.parquet", table)
    docs = pa.Table.from_pylist(
        [
            {
                "id": a.id,
                "path": a.path,
                "title": a.title,
                "outlet": a.outlet,
                "date": a.date,
                "story": story_of[a.id],
                "part": located[a.id],
            }
            for a in articles
        ],
        schema=pa.schema(
            [
                ("id", pa.string()),
                ("path", pa.string()),
                ("title", pa.string()),
                ("outlet", pa.string()),
                ("date", pa.string()),
                ("story", pa.string()),
                ("part", pa.string()),
            ]
        ),
    )
    _write_parquet(root / "docs.parquet", docs)


def _write_parquet(path: Path, table: Any) -> None:
    import pyarrow.parquet as pq

    temp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    pq.write_table(table, temp)
    os.replace(temp, path)


LINK_BATCH = 400
"""About this many articles per link task (whole stories; a bigger story is one task)."""


def _link(
    client: Any,
    root: Path,
    stories: Sequence[Story],
    located: dict[str, str],
    progress: Progress | None,
) -> tuple[list[str], int]:
    from distributed import as_completed

    batches: list[list[tuple[str, Sequence[str]]]] = []
    current: list[tuple[str, Sequence[str]]] = []
    size = 0
    for story in sorted(stories, key=lambda s: s.id):
        if len(story) < 2:
            continue
        current.append((story.id, story.doc_ids))
        size += len(story)
        if size >= LINK_BATCH:
            batches.append(current)
            current, size = [], 0
    if current:
        batches.append(current)
    names: list[str] = []
    futures = []
    tag = sha256(str(root).encode()).hexdigest()[:12]
    for batch in batches:
        name = "links-" + sha256("\n".join(s for s, _ in batch).encode()).hexdigest()[:20]
        names.append(name)
        wanted = {i: located[i] for _, ids in batch for i in ids}
        futures.append(
            client.submit(link_batch, batch, wanted, str(root), name, key=f"link-{name}-{tag}")
        )
    total = 0
    for done, future in enumerate(as_completed(futures), 1):
        total += int(future.result())
        if progress is not None:
            progress("link", done, len(futures))
    return names, total


def _write_problems(root: Path, problems: Sequence[Problem]) -> None:
    lines = [
        json.dumps({"file": p.path, "line": p.line, "reason": p.reason}, ensure_ascii=False)
        for p in problems
    ]
    write_atomic(root / "problems.jsonl", ("\n".join(lines) + "\n" if lines else "").encode())


def _write_manifest(
    root: Path,
    order: Sequence[str],
    link_files: Sequence[str],
    summary: Summary,
    by: str,
    first_page: dict[str, Any],
) -> None:
    from .work import ARTICLE_COLUMNS

    manifest = {
        "format": FORMAT,
        "version": VERSION,
        "by": by,
        "counts": {
            "partitions": len(order),
            "rows": summary.rows,
            "articles": summary.articles,
            "stories": summary.stories,
            "links": summary.links,
            "problems": len(summary.problems),
        },
        "partitions": [f"part-{name}.parquet" for name in order],
        "links": [f"{name}.parquet" for name in link_files],
        "first_page": first_page,
        "columns": {
            "articles": list(ARTICLE_COLUMNS),
            "docs": ["id", "path", "title", "outlet", "date", "story", "part"],
            "stories": ["story", "label", "outlets", "first", "last", "source", "docs"],
            "links": [
                "story",
                "source_doc",
                "source_start",
                "source_end",
                "target_doc",
                "target_start",
                "target_end",
                "score",
            ],
        },
    }
    write_atomic(root / "manifest.json", (json.dumps(manifest, indent=2) + "\n").encode())


def _remove_stale(root: Path, order: Sequence[str], link_files: Sequence[str]) -> None:
    """Partitions of rows that are gone or changed, and old link files: the manifest no longer
    names them, so they are removed (the manifest was written first)."""
    keep = set(order)
    for folder, prefix, suffix in (
        ("articles", "part-", ".parquet"),
        ("features", "part-", ".npz"),
        ("done", "part-", ".json"),
    ):
        for path in (root / folder).glob(f"{prefix}*{suffix}"):
            if path.name[len(prefix) : -len(suffix)] not in keep:
                path.unlink(missing_ok=True)
    links = set(link_files)
    for path in (root / "links").glob("links-*.parquet"):
        if path.stem not in links:
            path.unlink(missing_ok=True)
