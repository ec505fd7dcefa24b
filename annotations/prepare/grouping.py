"""Story grouping across the partitions of an archive: the stages of ``corpus.grouping``, run
as Dask tasks, so the driver never holds the articles' features.

The driver keeps what the listing needs (ids, titles, outlets, dates), the corpus-wide term
frequencies (two arrays of the hashed space's size, whatever the archive's size) and the pairs
of articles alike enough to be one story. Everything else stays on the workers and in a work
folder beside the index (a shared folder, as the index is), written as plain ``.npy`` arrays a
task maps into memory and reads only the rows it needs:

1. per partition: its term frequencies (summed by the driver);
2. per partition: its weighted rows and candidate rows under the corpus frequencies, and its
   candidate postings cut into term buckets;
3. per term bucket: the postings of its terms from every partition, sorted by term
   (the exchange by key: a row-block task reads only the buckets of its own terms);
4. per partition: its rows' nearest neighbours over those postings and their exact
   similarity, reading the neighbours' weighted rows from their partitions;
5. the driver joins the pairs into components; per batch of components: average-link.

Each stage is the function of ``corpus.grouping`` that ``newsreader stories`` runs in one
process, applied to the same rows, so an index holds the stories ``newsreader stories`` finds
for the same articles, whatever the partitions and the workers.
"""

from __future__ import annotations

import shutil
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from newsreader.corpus.grouping import (
    DEFAULTS,
    Frequencies,
    Options,
    TermCounts,
    Weighted,
    average_link,
    candidates,
    component_labels,
    edges,
    frequencies,
    label_array,
    neighbours,
    weigh,
)

from .listing import Kept
from .work import save_array, take_results

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import NDArray
    from scipy.sparse import csr_matrix

    Ints = NDArray[np.int64]
    Floats = NDArray[np.float64]

Part = tuple[str, int, int]
"""A partition as the grouping stages know it: its name, its first global row, its row count."""

COMPONENT_BATCH = 2000
"""At most about this many articles per average-link task (whole components); fewer when that
would leave a worker idle (``_component_batches``)."""


def _save_csr(folder: Path, prefix: str, matrix: csr_matrix) -> None:
    import numpy as np

    save_array(folder / f"{prefix}_data.npy", matrix.data)
    save_array(folder / f"{prefix}_indices.npy", matrix.indices.astype(np.int32))
    save_array(folder / f"{prefix}_indptr.npy", matrix.indptr.astype(np.int64))


def _take_csr(data: Any, indices: Any, indptr: Any, rows: Ints, width: int) -> csr_matrix:
    """Rows of a CSR matrix kept as (memory-mapped) arrays, reading only those rows."""
    import numpy as np
    from scipy.sparse import csr_matrix

    starts = np.asarray(indptr[rows], dtype=np.int64)
    lengths = np.asarray(indptr[rows + 1], dtype=np.int64) - starts
    bounds = np.concatenate([[0], np.cumsum(lengths)]).astype(np.int64)
    picks = np.repeat(starts - bounds[:-1], lengths) + np.arange(bounds[-1], dtype=np.int64)
    return csr_matrix(
        (np.asarray(data[picks]), np.asarray(indices[picks]), bounds), shape=(len(rows), width)
    )


def _release(arrays: Any) -> None:
    """Unmap the pages of memory-mapped arrays this process has read (they stay in the page
    cache): rows read from every partition would otherwise stay in the worker's resident size,
    which then grows with the archive (497 MB of 100,000 articles' rows after one neighbour
    task, where the task's own memory was 52 MB)."""
    import mmap

    advice = getattr(mmap, "MADV_DONTNEED", None)
    if advice is None:
        return
    for array in arrays:
        mapped = getattr(array, "_mmap", None)
        if mapped is not None:
            mapped.madvise(advice)


@dataclass
class StoredRows:
    """Every partition's weighted rows, read by global row number (``corpus.grouping.Rows``)."""

    work: Path
    parts: Sequence[Part]
    options: Options = DEFAULTS
    _open: dict[int, dict[str, Any]] = field(default_factory=dict, repr=False)

    def _arrays(self, number: int) -> dict[str, Any]:
        import numpy as np

        if number not in self._open:
            folder = self.work / self.parts[number][0]
            self._open[number] = {
                path.stem: np.load(path, mmap_mode="r") for path in folder.glob("[vnd]*.npy")
            }
        return self._open[number]

    def take(self, rows: Ints) -> Weighted:
        import numpy as np
        from scipy.sparse import csr_matrix, vstack

        if len(rows) == 0:
            names = (
                None
                if self.options.name_gate == 0
                else csr_matrix((0, self.options.hash_features), dtype=np.float32)
            )
            width = 2 * self.options.hash_features
            return Weighted(csr_matrix((0, width), dtype=np.float32), names, np.zeros(0))

        starts = np.array([p[1] for p in self.parts], dtype=np.int64)
        owner = np.searchsorted(starts, rows, side="right") - 1
        order = np.argsort(owner, kind="stable")
        vectors, names, days = [], [], []
        width = 2 * self.options.hash_features
        for number in np.unique(owner).tolist():
            local = rows[order[owner[order] == number]] - starts[number]
            arrays = self._arrays(number)
            vectors.append(
                _take_csr(arrays["v_data"], arrays["v_indices"], arrays["v_indptr"], local, width)
            )
            if "n_data" in arrays:
                names.append(
                    _take_csr(
                        arrays["n_data"],
                        arrays["n_indices"],
                        arrays["n_indptr"],
                        local,
                        self.options.hash_features,
                    )
                )
            days.append(np.asarray(arrays["days"][local]))
            # Unmapped as soon as read, not after every partition: the pages a read maps
            # (with the kernel's read-ahead, far more than the rows) would otherwise add up
            # over every partition the rows are in, i.e. grow with the archive.
            _release(arrays.values())
        back = np.empty(len(rows), dtype=np.int64)
        back[order] = np.arange(len(rows), dtype=np.int64)
        joined = vstack(vectors, format="csr")[back] if vectors else None
        assert joined is not None
        stacked_names = vstack(names, format="csr")[back] if names else None
        return Weighted(joined, stacked_names, np.concatenate(days)[back])


@dataclass
class StoredPostings:
    """The candidate postings, cut into term buckets (``corpus.grouping.Postings``)."""

    work: Path
    buckets: int
    total: int
    options: Options = DEFAULTS

    def lookup(self, terms: Ints) -> csr_matrix:
        import numpy as np
        from scipy.sparse import csr_matrix

        width = 2 * self.options.hash_features
        owner = terms * self.buckets // width
        rows, weights, lengths = [], [], []
        for bucket in np.unique(owner).tolist():
            folder = self.work / f"post-{bucket}"
            bucket_terms = np.load(folder / "terms.npy", mmap_mode="r")
            indptr = np.load(folder / "indptr.npy", mmap_mode="r")
            wanted = terms[owner == bucket]
            at = np.searchsorted(bucket_terms, wanted)
            starts = np.asarray(indptr[at], dtype=np.int64)
            counts = np.asarray(indptr[at + 1], dtype=np.int64) - starts
            bounds = np.concatenate([[0], np.cumsum(counts)]).astype(np.int64)
            picks = np.repeat(starts - bounds[:-1], counts) + np.arange(bounds[-1])
            rows.append(np.asarray(np.load(folder / "rows.npy", mmap_mode="r")[picks]))
            weights.append(np.asarray(np.load(folder / "weights.npy", mmap_mode="r")[picks]))
            lengths.append(counts)
        indptr_all = np.concatenate([[0], np.cumsum(np.concatenate(lengths))]).astype(np.int64)
        return csr_matrix(
            (np.concatenate(weights), np.concatenate(rows), indptr_all),
            shape=(len(terms), self.total),
        )


# ---- the tasks ------------------------------------------------------------------------------


def _counts(features: Path, keep: Ints | Kept, options: Options) -> TermCounts:
    import numpy as np
    from scipy.sparse import csr_matrix

    if isinstance(keep, Kept):
        keep = keep.array()
    with np.load(features) as data:
        rows = int(data["rows"][0])
        shape = (rows, options.hash_features)
        words = csr_matrix((data["w_data"], data["w_indices"], data["w_indptr"]), shape=shape)
        names = csr_matrix((data["n_data"], data["n_indices"], data["n_indptr"]), shape=shape)
        days = np.asarray(data["days"], dtype=np.float64)
    return TermCounts(words, names, days).take(keep)


def partition_frequencies(
    features: str, keep: Ints | Kept, options: Options = DEFAULTS
) -> tuple[int, Ints, Ints, Ints, Ints]:
    """Stage 1 for one partition: its term frequencies, non-zero entries only."""
    return frequencies(_counts(Path(features), keep, options), options).sparse()


def weigh_partition(
    features: str,
    work: str,
    part: Part,
    keep: Ints | Kept,
    freq: Frequencies,
    buckets: int,
    options: Options = DEFAULTS,
) -> int:
    """Stage 2 for one partition: weighted rows, candidate rows, and candidate postings sorted
    by term bucket. Returns the number of candidate entries."""
    import numpy as np

    name, offset, _ = part
    folder = Path(work) / name
    folder.mkdir(parents=True, exist_ok=True)
    weighted = weigh(_counts(Path(features), keep, options), freq, options)
    _save_csr(folder, "v", weighted.vectors)
    if weighted.names is not None:
        _save_csr(folder, "n", weighted.names)
    save_array(folder / "days.npy", weighted.days)
    pruned = candidates(weighted, freq, options)
    _save_csr(folder, "c", pruned)
    terms = pruned.indices.astype(np.int64)
    rows = np.repeat(np.arange(pruned.shape[0], dtype=np.int64), np.diff(pruned.indptr)) + offset
    owner = terms * buckets // (2 * options.hash_features)
    order = np.argsort(owner, kind="stable")
    save_array(folder / "p_terms.npy", terms[order])
    save_array(folder / "p_rows.npy", rows[order])
    save_array(folder / "p_weights.npy", pruned.data[order])
    save_array(folder / "p_bounds.npy", np.searchsorted(owner[order], np.arange(buckets + 1)))
    return int(pruned.nnz)


def gather_postings(work: str, names: Sequence[str], bucket: int) -> int:
    """Stage 3 for one term bucket: every partition's postings of its terms, sorted by term
    then row. Returns the number of postings."""
    import numpy as np

    root = Path(work)
    terms, rows, weights = [], [], []
    for name in names:
        folder = root / name
        bounds = np.load(folder / "p_bounds.npy")
        lo, hi = int(bounds[bucket]), int(bounds[bucket + 1])
        if hi > lo:
            terms.append(np.load(folder / "p_terms.npy", mmap_mode="r")[lo:hi])
            rows.append(np.load(folder / "p_rows.npy", mmap_mode="r")[lo:hi])
            weights.append(np.load(folder / "p_weights.npy", mmap_mode="r")[lo:hi])
    out = root / f"post-{bucket}"
    out.mkdir(parents=True, exist_ok=True)
    all_terms = np.concatenate(terms) if terms else np.zeros(0, dtype=np.int64)
    all_rows = np.concatenate(rows) if rows else np.zeros(0, dtype=np.int64)
    all_weights = np.concatenate(weights) if weights else np.zeros(0, dtype=np.float32)
    order = np.lexsort((all_rows, all_terms))
    all_terms, all_rows, all_weights = all_terms[order], all_rows[order], all_weights[order]
    unique, starts = np.unique(all_terms, return_index=True)
    save_array(out / "terms.npy", unique)
    save_array(out / "indptr.npy", np.concatenate([starts, [len(all_terms)]]).astype(np.int64))
    save_array(out / "rows.npy", all_rows)
    save_array(out / "weights.npy", all_weights)
    return len(all_terms)


def partition_edges(
    work: str, number: int, parts: Sequence[Part], buckets: int, options: Options = DEFAULTS
) -> tuple[Ints, Ints, Floats]:
    """Stage 4 for one partition: its rows' neighbours and the pairs alike enough."""
    import numpy as np
    from scipy.sparse import csr_matrix

    root = Path(work)
    name, offset, count = parts[number]
    total = parts[-1][1] + parts[-1][2]
    folder = root / name
    pruned = csr_matrix(
        (
            np.load(folder / "c_data.npy"),
            np.load(folder / "c_indices.npy"),
            np.load(folder / "c_indptr.npy"),
        ),
        shape=(count, 2 * options.hash_features),
    )
    postings = StoredPostings(root, buckets, total, options)
    rows = StoredRows(root, parts, options)
    found = []
    # A block of rows at a time, as ``cluster`` does: the score matrix holds at most
    # ``block`` x ``row_postings`` entries, whatever the partition's size.
    for start in range(0, count, options.block):
        stop = min(count, start + options.block)
        low, high = neighbours(pruned[start:stop], offset + start, total, postings, options)
        found.append(edges(low, high, rows, options, step=5000))
    if not found:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty, np.zeros(0)
    low = np.concatenate([f[0] for f in found])
    high = np.concatenate([f[1] for f in found])
    sims = np.concatenate([f[2] for f in found])
    # A pair of two rows of the partition in different blocks is found by both: kept once.
    _, first = np.unique(low * total + high, return_index=True)
    return low[first], high[first], sims[first]


def cluster_batch(
    work: str, parts: Sequence[Part], batch: Sequence[Ints], options: Options = DEFAULTS
) -> list[Ints]:
    """Stage 5 for a batch of components: average-link inside each."""
    import numpy as np

    # All the batch's rows in one read (a read per component would open every partition's
    # files once per component), then each component's rows by position.
    everything = np.concatenate(batch) if batch else np.zeros(0, dtype=np.int64)
    taken = StoredRows(Path(work), parts, options).take(everything)
    out: list[Ints] = []
    start = 0
    for members in batch:
        where = np.arange(start, start + len(members), dtype=np.int64)
        out.extend(average_link(members, taken.take(where), options))
        start += len(members)
    return out


# ---- the driver's part ----------------------------------------------------------------------


def _component_batches(members: list[Ints], workers: int) -> list[list[Ints]]:
    """Components cut into average-link tasks: largest first (its cost grows with the square
    of its size), at most ``COMPONENT_BATCH`` articles a task and at least a few tasks per
    worker, so no worker waits on one long tail task."""
    total = sum(len(m) for m in members)
    limit = max(1, min(COMPONENT_BATCH, -(-total // (4 * max(1, workers)))))
    batches: list[list[Ints]] = []
    current: list[Ints] = []
    size = 0
    for component in sorted(members, key=len, reverse=True):
        current.append(component)
        size += len(component)
        if size >= limit:
            batches.append(current)
            current, size = [], 0
    if current:
        batches.append(current)
    return batches


def group_on_cluster(
    client: Any,
    root: Path,
    parts: Sequence[tuple[str, Ints | Kept]],
    options: Options = DEFAULTS,
    progress: Any = None,
    buckets: int | None = None,
) -> Ints:
    """A cluster number per article, for the kept rows of ``parts`` (each a partition's name
    and the rows of it to group, in order): ``corpus.grouping.cluster`` across the cluster.
    The driver holds the pairs alike enough (24 bytes a pair) and a few numbers per article,
    no object per article.
    ``buckets`` (term buckets of the postings exchange) changes how the work is cut, never the
    result; by default one per 5,000 articles, and two per worker at least."""
    import numpy as np

    table: list[Part] = []
    offset = 0
    for name, keep in parts:
        table.append((name, offset, len(keep)))
        offset += len(keep)
    total = offset
    if total < 2:
        return np.zeros(total, dtype=np.int64)
    run = uuid.uuid4().hex[:12]
    work = root / f".grouping-{run}"
    work.mkdir(parents=True)
    feature = {name: str(root / "features" / f"part-{name}.npz") for name, _ in parts}
    try:

        def stage(label: str, futures: list[Any], each: Any = None) -> list[Any]:
            return take_results(label, futures, progress, each)

        freq = Frequencies(
            0,
            np.zeros(options.hash_features, dtype=np.int64),
            np.zeros(options.hash_features, dtype=np.int64),
        )
        # Summed as they come: a partition's frequencies (2-3 MB) are never all held at once,
        # neither here nor on the workers.
        stage(
            "group: frequencies",
            [
                client.submit(
                    partition_frequencies, feature[name], keep, options, key=f"freq-{name}-{run}"
                )
                for name, keep in parts
            ],
            freq.add_sparse,
        )
        shared = client.scatter(freq, broadcast=True)
        workers = max(1, len(client.scheduler_info().get("workers", {})))
        if buckets is None:
            buckets = max(2 * workers, min(4096, total // 5000))
        stage(
            "group: weights",
            [
                client.submit(
                    weigh_partition,
                    feature[name],
                    str(work),
                    table[number],
                    keep,
                    shared,
                    buckets,
                    options,
                    key=f"weigh-{name}-{run}",
                )
                for number, (name, keep) in enumerate(parts)
            ],
        )
        names = [name for name, _ in parts]
        stage(
            "group: postings",
            [
                client.submit(gather_postings, str(work), names, b, key=f"post-{b}-{run}")
                for b in range(buckets)
            ],
        )
        # Every bucket's postings must be there before any partition reads them.
        missing = [b for b in range(buckets) if not (work / f"post-{b}" / "weights.npy").exists()]
        if missing:
            raise RuntimeError(f"term buckets {missing} were not written to {work}")
        found = stage(
            "group: neighbours",
            [
                client.submit(
                    partition_edges,
                    str(work),
                    number,
                    table,
                    buckets,
                    options,
                    key=f"edges-{number}-{run}",
                )
                for number in range(len(table))
            ],
        )
        low = np.concatenate([f[0] for f in found])
        high = np.concatenate([f[1] for f in found])
        sims = np.concatenate([f[2] for f in found])
        del found
        # The articles of components of several; an article alone is never held as a group.
        joined = component_labels(total, low, high, sims, options)
        del low, high, sims
        order = np.argsort(joined, kind="stable")
        bounds = np.flatnonzero(np.diff(joined[order])) + 1
        starts = np.concatenate([[0], bounds])
        ends = np.concatenate([bounds, [total]])
        several = [order[a:b] for a, b in zip(starts, ends, strict=True) if b - a > 1]
        del joined, order
        clusters: list[Ints] = []
        batches = _component_batches(several, workers)
        futures = [
            client.submit(cluster_batch, str(work), table, batch, options, key=f"avglink-{i}-{run}")
            for i, batch in enumerate(batches)
        ]
        for result in stage("group: average-link", futures):
            clusters.extend(result)
        del shared
        return label_array(total, clusters)
    finally:
        shutil.rmtree(work, ignore_errors=True)
