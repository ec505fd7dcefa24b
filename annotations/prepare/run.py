"""Driving ``newsreader prepare`` on a Dask cluster (a local one by default).

The driver streams the sources into partitions and submits each one not finished before to the
cluster, a few per worker at a time (so the driver holds only the partitions in flight, whatever
the archive's size); then it lists the partitions and groups the stories on the cluster
(``listing``: each partition lists its own rows, duplicate ids are found by id bucket, stories
are built per story bucket and merged into the tables a batch at a time; ``grouping``: the term
frequencies are summed and the pairs alike enough joined in the driver, the features stay on
the workers), and submits the links, one task per story bucket. The driver holds a summary per
partition, never a row per article (but for the grouping's pairs and a cluster number per
article). ``manifest.json`` is written last: until then the index is the previous run's (or
none), and a rerun picks up from the finished partitions.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import signal
import threading
import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from hashlib import sha256
from pathlib import Path
from typing import Any

from newsreader.corpus.loaders import Problem
from newsreader.corpus.stories import DEFAULTS, Options

from . import require_scale
from .first_page import write_first_page
from .grouping import group_on_cluster
from .listing import (
    ID_BUCKET,
    MAX_BUCKETS,
    Kept,
    assign_stories,
    build_stories,
    find_duplicates,
    link_bucket,
    link_tasks,
    list_ids,
    merge_tables,
    story_buckets,
)
from .sources import Columns, partitions
from .work import Done, analyse_partition, take_results, write_atomic

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


WORKER_CONFIG = {"distributed.worker.profile.enabled": False}
"""Dask settings for the workers ``prepare`` starts. The statistical profiler keeps a profile
of each second for the last 1,000 (``distributed.admin.low-level-log-length``): its memory grows
with the job's length, tens of MB a worker in a quarter of an hour, which a worker's bounded
memory cannot afford (and it costs CPU at every 10 ms). On a cluster of your own, start the
workers with ``DASK_DISTRIBUTED__WORKER__PROFILE__ENABLED=False`` for the same."""


def local_cluster(workers: int | None = None) -> Any:
    """The embedded default: a local cluster of ``workers`` processes (this machine's cores by
    default), one thread each, with ``WORKER_CONFIG``."""
    import dask
    from distributed import LocalCluster

    # Ctrl-C in the terminal goes to every process of the job: the workers would each die with a
    # traceback. They are started with SIGINT ignored (Python keeps an inherited "ignore"), and
    # the driver, which still takes Ctrl-C, closes the cluster on its way out.
    interrupt = signal.getsignal(signal.SIGINT)
    main_thread = threading.current_thread() is threading.main_thread()
    if main_thread:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        with dask.config.set(WORKER_CONFIG):
            return LocalCluster(
                n_workers=workers or os.cpu_count() or 1,
                threads_per_worker=1,
                processes=True,
                dashboard_address=":0",
            )
    finally:
        if main_thread:
            signal.signal(signal.SIGINT, interrupt)


def _client(scheduler: str | None, workers: int | None) -> Any:
    from distributed import Client

    if scheduler:
        return Client(scheduler)
    client = Client(local_cluster(workers))
    client.run(_quiet_cancels)
    return client


def _quiet_cancels() -> None:
    """On a worker of the local cluster: no warning for each task cancelled when the job stops
    (Ctrl-C), which the command reports itself."""
    logging.getLogger("distributed.worker.state_machine").setLevel(logging.ERROR)


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
                # A worker still busy (the job stopped by Ctrl-C or an error) is killed after
                # a few seconds, with a warning that says nothing the command does not.
                nanny = logging.getLogger("distributed.nanny")
                level = nanny.level
                nanny.setLevel(logging.ERROR)
                try:
                    cluster.close()
                finally:
                    nanny.setLevel(level)


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

    if progress is not None:  # shown from the start: reading the sources takes time too
        progress("analyse", 0, None)
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
    if progress is not None:  # every partition now known: this run's and earlier runs'
        progress("analyse", len(finished), len(finished))
    summary.seconds["analyse"] = time.perf_counter() - started
    summary.driver_cpu["analyse"] = time.process_time() - cpu
    summary.partitions = len(order)

    if by not in ("auto", "text", "metadata"):
        raise ValueError(f"unknown grouping {by!r}: use text or metadata")
    for name in order:
        summary.rows += finished[name].rows
        problems.extend(finished[name].problems)

    # The listing, the stories and the links: tasks over the partitions and story buckets,
    # exchanging rows through this work folder (``listing``); the driver holds summaries.
    work = root / f".listing-{uuid.uuid4().hex[:12]}"
    work.mkdir()
    try:
        started, cpu = time.perf_counter(), time.process_time()
        workers = max(1, len(client.scheduler_info().get("workers", {})))
        kept, source = _list(client, root, work, order, finished, by, tag)
        summary.articles = sum(len(k) for k in kept)
        buckets = story_buckets(summary.articles, workers)
        costs: list[int] = []
        if summary.articles:
            if source == "text":
                labels = group_on_cluster(
                    client, root, list(zip(order, kept, strict=True)), options, progress
                )
                _save_labels(work, labels)
            summary.stories, costs, duplicates = _assemble(
                client, root, work, order, kept, source, buckets, tag, progress
            )
            problems.extend(duplicates)
        else:
            buckets = 0
        summary.seconds["group"] = time.perf_counter() - started
        summary.driver_cpu["group"] = time.process_time() - cpu

        cpu = time.process_time()
        merge_tables(root, work, buckets)
        summary.driver_cpu["tables"] = time.process_time() - cpu

        started, cpu = time.perf_counter(), time.process_time()
        link_files: list[str] = []
        if links and buckets:
            link_files, summary.links = _link(client, root, work, costs, workers, tag, progress)
        summary.seconds["link"] = time.perf_counter() - started
        summary.driver_cpu["link"] = time.process_time() - cpu
    finally:
        shutil.rmtree(work, ignore_errors=True)

    summary.problems = problems
    _write_problems(root, problems)
    first_page = write_first_page(root)
    _write_manifest(root, order, link_files, summary, by, first_page)
    _remove_stale(root, order, link_files)
    return summary


def _list(
    client: Any,
    root: Path,
    work: Path,
    order: Sequence[str],
    finished: dict[str, Done],
    by: str,
    tag: str,
) -> tuple[list[Kept], str]:
    """Which rows of each partition are kept (the first of two rows with one id, in source
    order, as a folder does) and how the stories are found ("text" or "metadata"); the driver
    gets back only the dropped rows."""
    total = sum(finished[name].articles for name in order)
    buckets = max(1, min(MAX_BUCKETS, total // ID_BUCKET))
    counted = client.gather(
        [
            client.submit(list_ids, str(root), str(work), name, buckets, key=f"ids-{name}-{tag}")
            for name in order
        ]
    )
    found = client.gather(
        [
            client.submit(find_duplicates, str(work), order, b, key=f"dups-{b}-{tag}")
            for b in range(buckets)
        ]
    )
    drops: dict[int, list[int]] = {}
    with_story = sum(stories for _, stories in counted)
    for number, row, has_story in sorted(r for rows in found for r in rows):
        drops.setdefault(number, []).append(row)
        with_story -= has_story
    kept = [Kept(rows, tuple(drops.get(n, ()))) for n, (rows, _) in enumerate(counted)]
    articles = sum(len(k) for k in kept)
    metadata = by == "metadata" or (by == "auto" and with_story == articles)
    return kept, "metadata" if metadata else "text"


def _save_labels(work: Path, labels: Any) -> None:
    import numpy as np

    np.save(work / "labels.npy", np.asarray(labels, dtype=np.int64))


def _assemble(
    client: Any,
    root: Path,
    work: Path,
    order: Sequence[str],
    kept: Sequence[Kept],
    source: str,
    buckets: int,
    tag: str,
    progress: Progress | None,
) -> tuple[int, list[int], list[Problem]]:
    """The stories, built per story bucket: how many, each bucket's link cost, and the rows
    dropped for their id."""
    starts = [0]
    for k in kept:
        starts.append(starts[-1] + len(k))
    dropped = take_results(
        "stories: listing",
        [
            client.submit(
                assign_stories,
                str(root),
                str(work),
                name,
                number,
                kept[number],
                starts[number],
                source,
                buckets,
                key=f"assign-{name}-{tag}",
            )
            for number, name in enumerate(order)
        ],
        progress,
    )
    built = take_results(
        "stories: build",
        [
            client.submit(build_stories, str(work), order, b, source, key=f"build-{b}-{tag}")
            for b in range(buckets)
        ],
        progress,
    )
    problems = [p for found in dropped for p in found]
    return sum(b[0] for b in built), [b[2] for b in built], problems


def _link(
    client: Any,
    root: Path,
    work: Path,
    costs: Sequence[int],
    workers: int,
    tag: str,
    progress: Progress | None,
) -> tuple[list[str], int]:
    """Link candidates within the stories: tasks of story buckets, or shares of the costly
    ones, costliest first (``listing.link_tasks``)."""
    done = take_results(
        "link",
        [
            client.submit(link_bucket, str(work), str(root), b, k, n, key=f"link-{b}-{k}-{n}-{tag}")
            for b, k, n in link_tasks(costs, workers)
        ],
        progress,
    )
    names = sorted(name for name, _ in done if name)
    return names, sum(count for _, count in done)


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
