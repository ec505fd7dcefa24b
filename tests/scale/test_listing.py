"""The listing kept in partitions: the driver never reads the articles' rows, duplicate ids are
found across partitions, and the tables are the same whatever the story buckets."""

from __future__ import annotations

import csv
import json
import random
from pathlib import Path
from typing import Any

import pytest

from newsreader.annotations.prepare import run as prepare_run
from newsreader.annotations.prepare.grouping import COMPONENT_BATCH, _component_batches
from newsreader.annotations.prepare.index import Index
from newsreader.annotations.prepare.listing import Kept, merge_into
from newsreader.annotations.prepare.run import prepare
from newsreader.corpus import group_stories


def test_the_driver_never_reads_the_articles_rows(
    archive: tuple[Path, Path], tmp_path: Path, one_worker: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    import pyarrow.parquet as pq

    # The workers are other processes: only the driver's reads are refused.
    def refusing(real: Any) -> Any:
        def read(source: Any, *args: Any, **kwargs: Any) -> Any:
            if "articles" in Path(str(source)).parts:
                raise AssertionError(f"the driver read {source}")
            return real(source, *args, **kwargs)

        return read

    read_table, parquet_file = refusing(pq.read_table), refusing(pq.ParquetFile)
    monkeypatch.setattr(pq, "read_table", read_table)
    monkeypatch.setattr(pq, "ParquetFile", parquet_file)
    out = tmp_path / "index"
    summary = prepare([str(p) for p in archive], out, client=one_worker, partition_size=3)
    monkeypatch.undo()
    assert summary.articles == 15 and summary.links > 0
    index = Index(out)
    documents = index.load_all().documents
    assert [(s.id, s.doc_ids) for s in index.stories] == [
        (s.id, s.doc_ids) for s in group_stories(documents)
    ]
    assert list(index.listing) == [d.id for d in documents], "the listing is in source order"


def test_an_id_seen_in_an_earlier_partition_is_kept_once(tmp_path: Path, one_worker: Any) -> None:
    export = tmp_path / "export.csv"
    rows = [
        ("a", "Officials said on Monday that the bridge would reopen."),
        ("b", "The council voted to close the library, the mayor said."),
        ("c", "Rain is expected across the region on Tuesday, forecasters said."),
        ("a", "A second row with the first row's id and other words entirely."),
        ("d", "The museum will open a new wing next spring, its director said."),
    ]
    with export.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "text"])
        writer.writerows(rows)
    out = tmp_path / "index"
    summary = prepare([str(export)], out, client=one_worker, partition_size=2, links=False)
    assert summary.partitions == 3 and summary.articles == 4
    index = Index(out)
    texts = {d.id: d.text for d in index.load_all().documents}
    assert [t for t in texts.values() if t.startswith("Officials")], "the first row is kept"
    assert not [t for t in texts.values() if t.startswith("A second")]
    problems = [json.loads(line) for line in (out / "problems.jsonl").read_text().splitlines()]
    assert [p["reason"] for p in problems if "same id" in p["reason"]] == [
        f"same id {next(iter(texts))} as an earlier row; kept once"
    ]
    assert sum(len(s) for s in index.stories) == 4


def test_the_tables_are_the_same_whatever_the_story_buckets(
    archive: tuple[Path, Path], tmp_path: Path, two_workers: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    import pyarrow.parquet as pq

    tables = []
    for buckets in (1, 7):
        monkeypatch.setattr(prepare_run, "story_buckets", lambda articles, workers, b=buckets: b)
        out = tmp_path / f"index-{buckets}"
        summary = prepare([str(p) for p in archive], out, client=two_workers, partition_size=4)
        manifest = json.loads((out / "manifest.json").read_text())
        links = sorted(
            tuple(row.values())
            for name in manifest["links"]
            for row in pq.read_table(out / "links" / name).to_pylist()
        )
        tables.append(
            (
                pq.read_table(out / "stories.parquet").to_pylist(),
                pq.read_table(out / "docs.parquet").to_pylist(),
                links,
                summary.stories,
            )
        )
    assert tables[0] == tables[1]
    assert tables[0][3] == len(tables[0][0]) > 1
    assert not list(tmp_path.glob("index-*/.listing-*")), "the work folder is removed"


def test_merging_sorted_buckets_is_sorting_everything(tmp_path: Path) -> None:
    import pyarrow as pa

    from newsreader.annotations.prepare import listing

    rng = random.Random(7)
    rows = [{"n": rng.randrange(50), "s": f"{rng.random():.6f}"} for _ in range(3000)]
    schema = pa.schema([("n", pa.int64()), ("s", pa.string())])
    paths = []
    for bucket in range(5):
        mine = sorted(rows[bucket::5], key=lambda r: (r["n"], r["s"]))
        path = tmp_path / f"b{bucket}.arrow"
        listing._write_arrow(path, pa.Table.from_pylist(mine, schema=schema))
        paths.append(path)
    target = tmp_path / "all.parquet"
    written = merge_into(paths, lambda r: (r["n"], r["s"]), target, schema)
    import pyarrow.parquet as pq

    assert written == len(rows)
    assert pq.read_table(target).to_pylist() == sorted(rows, key=lambda r: (r["n"], r["s"]))


def test_kept_rows_are_all_but_the_dropped_ones() -> None:
    assert Kept(5).array().tolist() == [0, 1, 2, 3, 4]
    assert Kept(5, (1, 3)).array().tolist() == [0, 2, 4] and len(Kept(5, (1, 3))) == 3


def test_components_are_cut_so_that_no_worker_waits_on_one_batch() -> None:
    import numpy as np

    sizes = [40, 3, 3, 2, 2, 2, 2, 2, 2, 2]
    members = [np.arange(n, dtype=np.int64) + 100 * i for i, n in enumerate(sizes)]
    batches = _component_batches(members, workers=2)
    assert sum(sum(map(len, b)) for b in batches) < COMPONENT_BATCH
    assert len(batches) >= 4, "a few batches per worker, not one"
    assert len(batches[0]) == 1 and len(batches[0][0]) == 40, "the largest goes first, alone"
    flat = sorted(int(c[0]) for b in batches for c in b)
    assert flat == sorted(int(m[0]) for m in members), "every component once"


def test_costly_story_buckets_are_linked_in_pieces_costliest_first() -> None:
    from newsreader.annotations.prepare.listing import _share, link_cost, link_tasks

    tasks = link_tasks([0, 1000, 10, 30], workers=2)
    assert (0, 0, 1) not in [(b, k, n) for b, k, n in tasks], "a bucket without links: no task"
    assert tasks[0][0] == 1 and tasks[0][2] > 1, "the costliest bucket first, cut into pieces"
    assert sorted(k for b, k, _ in tasks if b == 1) == list(range(tasks[0][2]))
    assert tasks[-1][0] == 2, "the cheapest last"
    # The pieces of a bucket share its stories: each once, and the costs evened out.
    stories = [
        (f"s{i}", tuple(f"d{i}-{j}" for j in range(n))) for i, n in enumerate([9, 5, 4, 4, 3, 2, 2])
    ]
    pieces = [_share(stories, k, 3) for k in range(3)]
    assert sorted(s for piece in pieces for s in piece) == sorted(stories)
    costs = [sum(link_cost(len(d)) for _, d in piece) for piece in pieces]
    assert max(costs) == link_cost(9), "the largest story alone, the rest around it"


def test_a_stage_lets_go_of_each_result_as_it_takes_it(one_worker: Any) -> None:
    """A worker keeps a task's result while a future names it: a stage whose futures lived to
    its end kept all its results on the workers (a share of the archive per worker). Each
    future is dropped as its result is taken, before the next is waited for (Dask then tells
    the worker to let go of the result)."""
    import weakref

    from newsreader.annotations.prepare.work import take_results

    futures = [one_worker.submit(list, range(n), key=f"stage-test-{n}") for n in range(4)]
    refs = [weakref.ref(f) for f in futures]
    alive: list[list[int]] = []

    def each(value: list[int]) -> None:
        alive.append([n for n, ref in enumerate(refs) if ref() is not None])

    assert take_results("test", futures, None, each) == []
    assert alive == [[1, 2, 3], [2, 3], [3], []]
    futures = [one_worker.submit(list, range(n), key=f"stage-kept-{n}") for n in range(3)]
    assert take_results("test", futures) == [[], [0], [0, 1]]
    assert futures == [None, None, None]
