"""The bounds that keep each stage of ``prepare`` about linear in the archive's size: the
postings a row's neighbour search reads, the components split without looking at the whole
archive, the neighbour search a block of rows at a time inside a partition, and the links of a
huge story found a window at a time. Each gives the result of the unbounded stage wherever the
bound does not bite."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from newsreader.annotations.prepare.grouping import (
    gather_postings,
    partition_edges,
    weigh_partition,
)
from newsreader.annotations.prepare.listing import link_cost
from newsreader.annotations.prepare.work import link_windows, story_alignments, write_features
from newsreader.corpus import load_sample
from newsreader.corpus.document import Document
from newsreader.corpus.grouping import (
    DEFAULTS,
    Options,
    candidates,
    components,
    count_terms,
    frequencies,
    weigh,
)

from .test_grouping import _documents


def _components_over_the_whole_archive(
    total: int, low: np.ndarray, high: np.ndarray, sims: np.ndarray, options: Options
) -> list[np.ndarray]:
    """``components`` as it was: every split looks at all the archive's rows and edges."""
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    order = np.lexsort((high, low))
    low, high, sims = low[order], high[order], sims[order]
    keys = low * total + high
    first = np.concatenate([[True], keys[1:] != keys[:-1]])
    low, high, sims = low[first], high[first], sims[first]

    def split(members: np.ndarray, threshold: float) -> list[np.ndarray]:
        inside = np.zeros(total, dtype=bool)
        inside[members] = True
        keep = (sims >= threshold) & inside[low] & inside[high]
        graph = coo_matrix((np.ones(int(keep.sum())), (low[keep], high[keep])), (total, total))
        _, labels = connected_components(graph, directed=False)
        chosen = labels[members]
        order = np.argsort(chosen, kind="stable")
        bounds = np.flatnonzero(np.diff(chosen[order])) + 1
        return [np.sort(members[part]) for part in np.split(order, bounds)]

    out: list[np.ndarray] = []
    pending = [(np.arange(total, dtype=np.int64), options.threshold)]
    while pending:
        members, threshold = pending.pop()
        for part in split(members, threshold):
            if len(part) > options.max_component and threshold < 0.95:
                pending.append((part, threshold + (1.0 - threshold) * 0.15))
            else:
                out.append(part)
    out.sort(key=lambda part: int(part[0]))
    return out


@pytest.mark.parametrize("seed", range(5))
def test_components_split_locally_as_they_did_over_the_whole_archive(seed: int) -> None:
    rng = np.random.default_rng(seed)
    total = 400
    # Dense clusters joined by weaker edges, so large components must be split, some twice.
    low = rng.integers(0, total, 3000)
    high = np.minimum(total - 1, low + rng.integers(1, 40, 3000))
    sims = rng.uniform(0.2, 1.0, 3000)
    options = replace(DEFAULTS, max_component=rng.choice([5, 20, 60]))
    got = components(total, low, high, sims, options)
    expected = _components_over_the_whole_archive(total, low, high, sims, options)
    assert [part.tolist() for part in got] == [part.tolist() for part in expected]
    assert sum(len(p) for p in got) == total
    assert max(len(p) for p in expected) > 1, "some articles must be joined"
    split_twice = options.max_component < max(
        len(p) for p in components(total, low, high, sims, replace(options, max_component=total))
    )
    assert split_twice


def test_a_rows_search_reads_at_most_its_postings_budget() -> None:
    docs = _documents()
    counts = count_terms(docs)
    freq = frequencies(counts)
    weighted = weigh(counts, freq)
    df = freq.joined()
    loose = replace(DEFAULTS, common_terms=3, common_share=0.0, row_postings=0)
    unbounded = candidates(weighted, freq, loose)
    assert (df[unbounded.indices] > 1).any(), "some candidate terms must be in several articles"
    for budget in (2, 5, 9):
        bounded = candidates(weighted, freq, replace(loose, row_postings=budget))
        for row in range(len(docs)):
            lo, hi = unbounded.indptr[row], unbounded.indptr[row + 1]
            terms, weights = unbounded.indices[lo:hi], unbounded.data[lo:hi]
            taken = bounded.indices[bounded.indptr[row] : bounded.indptr[row + 1]]
            assert df[taken].sum() <= budget
            # The strongest terms first (ties to the lower term), while the budget lasts.
            ranked = terms[np.lexsort((terms, -weights))]
            spent = np.cumsum(df[ranked])
            assert sorted(taken.tolist()) == sorted(ranked[spent <= budget].tolist())


def test_the_postings_budget_never_cuts_below_5000_articles() -> None:
    # Below 5,000 articles a candidate term is in at most ``common_terms`` articles...
    limit = max(DEFAULTS.common_terms, int(4999 * DEFAULTS.common_share))
    assert limit == DEFAULTS.common_terms
    # ... so a row's candidate terms read at most this, within the budget.
    assert DEFAULTS.candidate_terms * limit <= DEFAULTS.row_postings
    docs = _documents()
    counts = count_terms(docs)
    freq = frequencies(counts)
    weighted = weigh(counts, freq)
    off = candidates(weighted, freq, replace(DEFAULTS, row_postings=0))
    assert (candidates(weighted, freq, DEFAULTS) != off).nnz == 0


def test_a_partition_searches_its_neighbours_a_block_at_a_time(tmp_path: Path) -> None:
    docs = _documents()
    (tmp_path / "features").mkdir()
    path = tmp_path / "features" / "part-all.npz"
    write_features(path, docs)
    keep = np.arange(len(docs), dtype=np.int64)
    freq = frequencies(count_terms(docs))
    table = [("all", 0, len(docs))]
    found = {}
    for block in (2, 5, DEFAULTS.block):
        options = replace(DEFAULTS, block=block)
        work = tmp_path / f"work-{block}"
        weigh_partition(str(path), str(work), table[0], keep, freq, 2, options)
        for bucket in range(2):
            gather_postings(str(work), ["all"], bucket)
        low, high, sims = partition_edges(str(work), 0, table, 2, options)
        found[block] = set(zip(low.tolist(), high.tolist(), sims.tolist(), strict=True))
        assert len(found[block]) == len(low), "a pair found by two blocks is kept once"
    assert found[2] == found[5] == found[DEFAULTS.block]
    assert found[2], "the copies must be found alike"


def test_a_huge_story_is_linked_a_window_at_a_time() -> None:
    assert link_windows(7, window=4) == [(0, 7, 0, 7)]
    windows = link_windows(10, window=3)
    assert windows == [(0, 6, 0, 3), (0, 9, 3, 6), (3, 10, 6, 9), (6, 10, 9, 10)]
    # Every article's links are found once, among at most 3 windows of articles.
    for size, window in ((201, 100), (1000, 100), (57, 5)):
        chosen = link_windows(size, window)
        assert [s for _, _, s, _ in chosen] == list(range(0, size, window))
        assert chosen[-1][3] == size
        assert max(end - first for first, end, _, _ in chosen) <= 3 * window
    # So the cost grows with the story, not its square.
    assert link_cost(20000) < 12 * link_cost(2000)
    assert link_cost(150) == 150 * 149


def _story() -> list[Document]:
    """Four articles, then a copy of each: an article and its copy are four places apart."""
    docs = list(load_sample().documents)[:4]
    return [replace(d, id=f"{d.id}/{n}") for n in range(2) for d in docs]


def test_a_story_linked_in_windows_links_each_article_with_its_neighbours() -> None:
    members = _story()
    for doc in members:
        doc.analyse()
    whole = story_alignments(members, 3, 45.0)
    assert whole, "copies of one article must be linked"
    # Up to twice the window, the story is linked whole: the same candidates.
    same = story_alignments(members, 3, 45.0, window=4)
    assert _pairs(same) == _pairs(whole)
    # With windows of 2, an article is linked within its chunk and the chunks beside it.
    windowed = story_alignments(members, 3, 45.0, window=2)
    position = {doc.id: n for n, doc in enumerate(members)}
    assert windowed
    assert {pair.doc_id for pair in windowed} <= {d.id for d in members}
    for pair in windowed:
        chunk = position[pair.doc_id] // 2
        for candidate in pair.candidates:
            assert abs(position[candidate.doc_id] // 2 - chunk) <= 1
    # Each sentence is a source once.
    sources = [(p.doc_id, p.start, p.end) for p in windowed]
    assert len(sources) == len(set(sources))
    far = {(position[p.doc_id], position[c.doc_id]) for p in whole for c in p.candidates}
    assert any(abs(a // 2 - b // 2) > 1 for a, b in far), "the windows must leave some out"


def _pairs(alignments: list[object]) -> list[tuple[object, ...]]:
    return sorted(
        (p.doc_id, p.start, p.end, c.doc_id, c.start, c.end, round(c.score, 6))  # type: ignore[attr-defined]
        for p in alignments
        for c in p.candidates  # type: ignore[attr-defined]
    )


def test_link_tasks_read_the_row_groups_of_their_articles_only(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    from newsreader.annotations.prepare import work

    docs = _documents()
    (tmp_path / "articles").mkdir()
    table = pa.Table.from_pylist(
        [work._article_row(doc, 0, n) for n, doc in enumerate(docs)], schema=work._schema()
    )
    pq.write_table(table, tmp_path / "articles" / "part-x.parquet", row_group_size=2)
    read: list[list[int]] = []
    real = pq.ParquetFile.read_row_groups

    def reading(self: Any, groups: list[int], *args: Any, **kwargs: Any) -> Any:
        read.append(list(groups))
        return real(self, groups, *args, **kwargs)

    monkeypatch.setattr(pq.ParquetFile, "read_row_groups", reading)
    wanted = {docs[n].id: ("part-x.parquet", n) for n in (13, 0, 5, 4)}
    got = work.read_rows(tmp_path, wanted)
    assert read == [[0, 2, 6]]
    expected = work.read_articles(tmp_path, set(wanted), {i: p for i, (p, _) in wanted.items()})
    assert got == expected and set(got) == set(wanted)
    # A row that does not hold the article asked for is an error, never another article.
    with pytest.raises(ValueError, match="row 3 holds"):
        work.read_rows(tmp_path, {docs[2].id: ("part-x.parquet", 3)})


def test_labels_need_no_group_per_article_alone() -> None:
    from newsreader.corpus.grouping import component_labels, label_array, labels_of

    rng = np.random.default_rng(7)
    total = 300
    low = rng.integers(0, total, 120)
    high = np.minimum(total - 1, low + rng.integers(1, 5, 120))
    sims = rng.uniform(0.2, 1.0, 120)
    parts = components(total, low, high, sims, DEFAULTS)
    assert any(len(p) == 1 for p in parts) and any(len(p) > 1 for p in parts)
    several = [p for p in parts if len(p) > 1]
    assert label_array(total, several).tolist() == labels_of(total, parts)
    # The components' own numbers are those labels too (numbered by their first article).
    assert component_labels(total, low, high, sims).tolist() == labels_of(total, parts)


def _resident_file_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("RssFile:"):
            return int(line.split()[1]) / 1024
    raise AssertionError("no RssFile")


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="reads Linux's /proc")
def test_rows_read_from_mapped_partitions_do_not_stay_resident(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from newsreader.annotations.prepare import grouping

    path = tmp_path / "rows.npy"
    np.save(path, np.arange(8 << 20, dtype=np.int64))  # 64 MB
    mapped = np.load(path, mmap_mode="r")
    before = _resident_file_mb()
    assert int(mapped[::512].sum()) > 0  # a read every page: all of it mapped in
    assert _resident_file_mb() - before > 40
    grouping._release([mapped])
    assert _resident_file_mb() - before < 10
    # Every read of stored rows releases the partitions it read.
    docs = _documents()
    (tmp_path / "features").mkdir()
    write_features(tmp_path / "features" / "part-all.npz", docs)
    freq = frequencies(count_terms(docs))
    table = [("all", 0, len(docs))]
    features = str(tmp_path / "features" / "part-all.npz")
    keep = np.arange(len(docs), dtype=np.int64)
    weigh_partition(features, str(tmp_path / "work"), table[0], keep, freq, 2)
    released: list[int] = []
    monkeypatch.setattr(grouping, "_release", lambda arrays: released.append(len(list(arrays))))
    grouping.StoredRows(tmp_path / "work", table).take(np.array([3, 1], dtype=np.int64))
    assert released and released[0] >= 3, "the vectors' three arrays at least"


def test_stored_rows_unmap_each_partition_before_reading_the_next(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The pages one read maps (read-ahead included) are given back before the next partition
    is read: a read of rows spread over every partition holds one partition's pages at most,
    not a share of each (which grew with the archive: a 100,000-article neighbour task peaked
    at 404 MB, 125 MB with this, as at 10,000 articles)."""
    from newsreader.annotations.prepare import grouping

    docs = _documents()
    (tmp_path / "features").mkdir()
    cut = [0, len(docs) // 3, 2 * len(docs) // 3, len(docs)]
    table = [(f"p{n}", cut[n], cut[n + 1] - cut[n]) for n in range(3)]
    freq = frequencies(count_terms(docs))
    for n, part in enumerate(table):
        features = tmp_path / "features" / f"part-p{n}.npz"
        write_features(features, docs[cut[n] : cut[n + 1]])
        keep = np.arange(part[2], dtype=np.int64)
        weigh_partition(str(features), str(tmp_path / "work"), part, keep, freq, 2)
    events: list[str] = []
    take_csr, release = grouping._take_csr, grouping._release

    def reading(*args: Any) -> Any:
        events.append("read")
        return take_csr(*args)

    def releasing(arrays: Any) -> None:
        events.append("release")
        release(arrays)

    monkeypatch.setattr(grouping, "_take_csr", reading)
    monkeypatch.setattr(grouping, "_release", releasing)
    rows = np.array([len(docs) - 1, 0, cut[1], 1], dtype=np.int64)
    taken = grouping.StoredRows(tmp_path / "work", table).take(rows)
    assert len(taken) == 4
    # Each partition's reads (vectors, names) are followed by its release before the next's.
    assert events.count("release") == 3
    assert len({events.index("release", i) for i, e in enumerate(events) if e == "read"}) == 3
