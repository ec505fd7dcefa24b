"""Story grouping across partitions: each stage, run on a partition's rows and exchanged through
the work folder, gives what the same stage gives on all rows in one process, and so the stories
are the same whatever the partitions, the term buckets and the workers."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from newsreader.annotations.prepare.grouping import (
    StoredPostings,
    StoredRows,
    gather_postings,
    group_on_cluster,
    partition_edges,
    partition_frequencies,
    weigh_partition,
)
from newsreader.annotations.prepare.work import write_features
from newsreader.corpus import load_sample
from newsreader.corpus.document import Document
from newsreader.corpus.grouping import (
    DEFAULTS,
    Frequencies,
    MemoryPostings,
    candidates,
    cluster,
    count_terms,
    edges,
    frequencies,
    neighbours,
    weigh,
)

from .conftest import SWAPS


def _documents() -> list[Document]:
    """The sample, again under other ids, and once more with its names swapped (other events)."""
    docs = list(load_sample().documents)
    out = list(docs)
    for number, doc in enumerate(docs):
        out.append(replace(doc, id=f"again-{number}", outlet=f"Again {number}"))
        text = doc.text
        for old, new in SWAPS:
            text = text.replace(old, new)
        out.append(replace(doc, id=f"swap-{number}", text=text, title="", date="2015-03-01"))
    return out


CUTS = ((0, 4), (4, 9), (9, 15))


def _write(folder: Path, docs: list[Document]) -> list[tuple[str, Any]]:
    (folder / "features").mkdir(parents=True)
    parts = []
    for start, stop in CUTS:
        name = f"p{start}"
        write_features(folder / "features" / f"part-{name}.npz", docs[start:stop])
        parts.append((name, np.arange(stop - start, dtype=np.int64)))
    return parts


def test_each_stage_on_partitions_gives_what_it_gives_on_all_rows(tmp_path: Path) -> None:
    docs = _documents()
    parts = _write(tmp_path, docs)
    features = [str(tmp_path / "features" / f"part-{name}.npz") for name, _ in parts]
    whole = count_terms(docs)
    freq = frequencies(whole)
    # The partitions' frequencies add up to the corpus's.
    summed = Frequencies(0, np.zeros_like(freq.words), np.zeros_like(freq.names))
    for path, (_, keep) in zip(features, parts, strict=True):
        summed.add_sparse(partition_frequencies(path, keep))
    assert summed.articles == freq.articles == len(docs)
    assert np.array_equal(summed.words, freq.words) and np.array_equal(summed.names, freq.names)

    work = tmp_path / "work"
    table = [
        (name, start, stop - start) for (name, _), (start, stop) in zip(parts, CUTS, strict=True)
    ]
    buckets = 3
    for path, part, (_, keep) in zip(features, table, parts, strict=True):
        weigh_partition(path, str(work), part, keep, freq, buckets)
    for bucket in range(buckets):
        gather_postings(str(work), [name for name, _ in parts], bucket)

    weighted = weigh(whole, freq)
    stored = StoredRows(work, table)
    rows = np.array([14, 0, 5, 5, 9, 3], dtype=np.int64)  # across partitions, out of order
    taken, expected = stored.take(rows), weighted.take(rows)
    assert (taken.vectors != expected.vectors).nnz == 0
    assert expected.names is not None and taken.names is not None
    assert (taken.names != expected.names).nnz == 0
    assert np.array_equal(taken.days, expected.days, equal_nan=True)

    pruned = candidates(weighted, freq)
    terms = np.unique(pruned.indices).astype(np.int64)
    memory = MemoryPostings(pruned).lookup(terms)
    exchanged = StoredPostings(work, buckets, len(docs)).lookup(terms)
    assert (memory != exchanged).nnz == 0 and exchanged.nnz == pruned.nnz

    # The pairs alike enough, found partition by partition, are those found on all rows.
    low, high = neighbours(pruned, 0, len(docs), MemoryPostings(pruned))
    alone = set(zip(*(a.tolist() for a in edges(low, high, stored)), strict=True))
    found: set[tuple[int, int, float]] = set()
    for number in range(len(table)):
        found |= set(
            zip(
                *(a.tolist() for a in partition_edges(str(work), number, table, buckets)),
                strict=True,
            )
        )
    assert found == alone
    assert len({(a, b) for a, b, _ in found}) >= len(SWAPS), "the copies must be found alike"


def test_grouping_on_the_cluster_is_grouping_in_one_process(
    tmp_path: Path, one_worker: Any, two_workers: Any
) -> None:
    docs = _documents()
    parts = _write(tmp_path, docs)
    expected = cluster(docs, DEFAULTS)
    assert len(set(expected)) < len(docs), "some articles must share a story"
    for client in (one_worker, two_workers):
        for buckets in (1, 4):
            got = group_on_cluster(client, tmp_path, parts, DEFAULTS, buckets=buckets)
            assert got.tolist() == expected, (client, buckets)
    # Its work folder is gone: the index keeps only what it names.
    assert not list(tmp_path.glob(".grouping-*"))


def test_grouping_in_one_process_does_not_depend_on_its_blocks() -> None:
    docs = _documents()
    assert cluster(docs, replace(DEFAULTS, block=2)) == cluster(docs, DEFAULTS)


@pytest.mark.parametrize("keep", [1, 3])
def test_candidates_keep_the_strongest_rare_terms_only(keep: int) -> None:
    docs = _documents()
    counts = count_terms(docs)
    freq = frequencies(counts)
    weighted = weigh(counts, freq)
    options = replace(DEFAULTS, candidate_terms=keep, common_terms=2, common_share=0.0)
    pruned = candidates(weighted, freq, options)
    assert np.diff(pruned.indptr).max() <= keep
    df = freq.joined()
    assert (df[pruned.indices] <= 2).all(), "a term in more than 2 articles is too common here"
    for row in range(len(docs)):
        lo, hi = weighted.vectors.indptr[row], weighted.vectors.indptr[row + 1]
        rare = weighted.vectors.data[lo:hi][df[weighted.vectors.indices[lo:hi]] <= 2]
        chosen = pruned.data[pruned.indptr[row] : pruned.indptr[row + 1]]
        assert len(chosen) == min(keep, len(rare))
        if len(chosen):
            assert chosen.min() >= np.sort(rare)[::-1][len(chosen) - 1]


def test_progress_names_every_stage(
    archive: tuple[Path, Path], tmp_path: Path, two_workers: Any
) -> None:
    from newsreader.annotations.prepare.run import prepare

    seen: list[tuple[str, int, int | None]] = []
    prepare(
        [str(p) for p in archive],
        tmp_path / "index",
        client=two_workers,
        partition_size=4,
        progress=lambda stage, done, total: seen.append((stage, done, total)),
    )
    stages = [stage for stage, _, _ in seen]
    for stage in ("frequencies", "weights", "postings", "neighbours", "average-link"):
        assert f"group: {stage}" in stages, stage
    assert stages.index("analyse") < stages.index("group: frequencies") < stages.index("link")
    # Each grouping stage counts up to its number of tasks.
    last = {stage: (done, total) for stage, done, total in seen if stage.startswith("group")}
    assert all(done == total for done, total in last.values())
    # The partitions are counted as they stream in, with their number once it is known.
    analysed = [(done, total) for stage, done, total in seen if stage == "analyse"]
    assert analysed[0] == (0, None) and analysed[-1][0] == analysed[-1][1] > 1


def test_the_progress_count_shows_no_total_until_there_is_one() -> None:
    from rich.progress import Progress

    from newsreader.tui.progress_count import CountColumn

    with Progress(CountColumn(), disable=True) as bar:
        task = bar.add_task("partitions analysed", total=None)
        bar.update(task, completed=6)
        assert CountColumn().render(bar.tasks[0]).plain == "6"
        bar.update(task, completed=7, total=7)
        assert CountColumn().render(bar.tasks[0]).plain == "7/7"
