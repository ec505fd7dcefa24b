"""Story grouping by text, in stages that run in one process or across the partitions of an archive.

``newsreader stories`` (through :func:`cluster`) and ``newsreader prepare`` (on a Dask cluster,
``annotations/prepare/grouping.py``) call the same stages, so they find the same stories:

1. :func:`count_terms`, per article: hashed counts of words and word pairs, and of names and
   numbers (:func:`names_and_numbers`). Stateless, so any partition can count its own rows.
2. :func:`frequencies`: how many articles have each term. The one corpus-wide state; the
   frequencies of partitions add up (:meth:`Frequencies.__add__`).
3. :func:`weigh`, per article given the corpus frequencies: TF-IDF rows (words, and the heavier
   names), joined and normalised (:class:`Weighted`), and :func:`candidates`, each row's
   strongest rare terms for the neighbour search.
4. :func:`neighbours`, per block of rows: scores against the articles that share a candidate
   term (the term's postings, however they are stored: :class:`Postings`), each row's nearest
   ones, then their exact similarity (:func:`similarities`, names gate and dates). Only the
   pairs alike enough to be one story are kept (:func:`edges`).
5. :func:`components` of those pairs (a component too large is cut by raising its threshold),
   and :func:`average_link` inside each component.

Nothing here is n x n: the neighbour search reads only the postings of a block's rare terms, the
similarities are computed for the pairs found, and average-link runs inside components. Every
step works row by row (or pair by pair), so its result does not depend on how the rows are cut
into blocks or partitions.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import NDArray
    from scipy.sparse import csr_matrix

    Ints = NDArray[np.int64]
    Floats = NDArray[np.float64]


@dataclass(frozen=True, slots=True)
class Options:
    """The knobs of grouping by text. The defaults are the ones tuned on BASIL and PolNeAR."""

    threshold: float = 0.2
    """Average-link similarity two groups need to be one story (0..1)."""
    name_weight: float = 0.5
    """Weight of the names-and-numbers vector against the words vector (1.0 = equal)."""
    idf_power: float = 1.0
    """Rare words weigh idf to this power (1.0 = plain TF-IDF)."""
    cohesion_ratio: float = 0.33
    """Two groups of several articles join only when they are at least this share as alike to
    each other as each is inside (0 turns the check off)."""
    unique_weight: float = 0.3
    """Weight of the words only one article has (they add to its length, not to likeness)."""
    name_gate: float = 0.2
    """Two articles whose names are less alike than this have their similarity reduced (by
    the shortfall to the power ``name_gate_power``); 0 turns the gate off."""
    name_gate_power: float = 3.0
    """How hard the gate closes: at 3, names half as alike as ``name_gate`` leave an eighth of
    the similarity (names decide; alike topic words with other names are another event)."""
    date_days: float = 4.0
    """Dates up to this many days apart are no evidence against one story."""
    date_penalty: float = 0.2
    """Similarity of two dated articles far apart in time is multiplied by down to this (a
    month past ``date_days``, by about a third)."""
    neighbours: int = 30
    """How many nearest neighbours each article's candidate search keeps."""
    candidate_terms: int = 60
    """How many of an article's strongest terms the neighbour search looks at."""
    common_terms: int = 100
    """A term in more than this many articles, and more than ``common_share`` of them, is too
    common to find particular neighbours and is left out of the search."""
    common_share: float = 0.02
    common_cap: int = 2000
    """...but a term in more than this many articles is always common, whatever the corpus's
    size."""
    row_postings: int = 6000
    """A row's neighbour search reads at most this many postings: its candidate terms are
    taken strongest first while their document frequencies add up to no more than this. So the
    search costs at most this much per row, however many articles share a row's terms (an
    archive of wire copies: the same article in hundreds of outlets). Below 5,000 articles no
    term is kept in more than ``common_terms`` (100) articles, so 60 terms read at most 6,000
    postings and this never cuts; 0 turns it off."""
    max_component: int = 4000
    """A component larger than this is split by raising its edge threshold before clustering."""
    hash_features: int = 1 << 21
    block: int = 1024
    """Rows per block of the neighbour search (it does not change the result)."""


DEFAULTS = Options()


class ArticleText(Protocol):
    """What counting reads of an article."""

    @property
    def title(self) -> str: ...
    @property
    def text(self) -> str: ...
    @property
    def date(self) -> str | None: ...


# ---- 1. counting ----------------------------------------------------------------------------

_WORD = re.compile(r"\d[\d,.]*\d|[^\W_][\w'’.-]*[^\W_]|[^\W_]", re.UNICODE)
_SENTENCES = re.compile(r"(?<=[.!?:;\"“”])\s+|\n+")
_NUMBER = re.compile(r"\d")
_POSSESSIVE = re.compile(r"(?<=[^\W\d_])['’]s\b")  # "Trump's" names Trump
_MONTHS = frozenset(
    "january february march april may june july august september october november december "
    "monday tuesday wednesday thursday friday saturday sunday".split()
)


@cache
def _skip_words() -> frozenset[str]:
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

    return frozenset(ENGLISH_STOP_WORDS) | _MONTHS


def names_and_numbers(text: str) -> list[str]:
    """The tokens that tell events apart: names (capitalised inside a sentence), numbers.

    A run of capitalised words ("Michael Steele") gives each word and the run joined by ``_``.
    The first word of a sentence counts only when the text also capitalises it elsewhere inside
    a sentence. Weekday and month names are left out (every story has them); numbers are kept.
    A possessive is its name ("Trump's" is ``trump``).
    """
    text = _POSSESSIVE.sub("", text)
    sentences = [_WORD.findall(part) for part in _SENTENCES.split(text)]
    inside_caps = {w for words in sentences for w in words[1:] if w[:1].isupper()}
    skip = _skip_words()
    # What each distinct word is: a number, a name, a capitalised word that is no name, other.
    kind: dict[str, int] = {}
    for words in sentences:
        for word in words:
            if word not in kind:
                if not word.isalpha() and _NUMBER.search(word):
                    kind[word] = _IS_NUMBER
                elif word[:1].isupper():
                    lower = word.lower()
                    kind[word] = _SKIPPED if lower in skip or len(lower) < 2 else _CAPITAL
                else:
                    kind[word] = _OTHER
    out: list[str] = []
    append = out.append
    for words in sentences:
        run: list[str] = []
        for position, word in enumerate(words):
            what = kind[word]
            if what == _OTHER:
                if run:
                    if len(run) > 1:
                        append("_".join(run))
                    run = []
            elif what == _IS_NUMBER:
                if len(run) > 1:
                    append("_".join(run))
                run = []
                append(word.lower())
            elif what == _CAPITAL and (position or word in inside_caps):
                lower = word.lower()
                append(lower)
                run.append(lower)
            elif run:  # a skipped word, or a capital opening a sentence: the run ends
                if len(run) > 1:
                    append("_".join(run))
                run = []
        if len(run) > 1:
            append("_".join(run))
    return out


_IS_NUMBER, _CAPITAL, _SKIPPED, _OTHER = range(4)


def day_number(value: str | None) -> float:
    """The day (proleptic ordinal) of an ISO date, NaN when there is none."""
    if not value:
        return float("nan")
    match = re.match(r"(\d{4})-(\d{2})-(\d{2})", value.strip())
    if not match:
        return float("nan")
    try:
        return float(date(*(int(g) for g in match.groups())).toordinal())
    except ValueError:
        return float("nan")


@dataclass
class TermCounts:
    """Hashed term counts per article: words and word pairs, names and numbers, and dates."""

    words: csr_matrix
    names: csr_matrix
    days: Floats

    def __len__(self) -> int:
        return int(self.words.shape[0])

    def take(self, rows: Ints) -> TermCounts:
        return TermCounts(self.words[rows], self.names[rows], self.days[rows])


def vectorisers(options: Options = DEFAULTS) -> tuple[Any, Any]:
    """The hashing vectorisers of words (and pairs) and of names (stateless)."""
    import numpy as np
    from sklearn.feature_extraction.text import HashingVectorizer

    words = HashingVectorizer(
        n_features=options.hash_features,
        ngram_range=(1, 2),
        stop_words="english",
        alternate_sign=False,
        norm=None,
        dtype=np.float32,
    )
    names = HashingVectorizer(
        n_features=options.hash_features,
        analyzer=names_and_numbers,
        alternate_sign=False,
        norm=None,
        dtype=np.float32,
    )
    return words, names


def count_terms(articles: Sequence[ArticleText], options: Options = DEFAULTS) -> TermCounts:
    """Stage 1: the hashed counts of ``articles`` (row ``i`` is ``articles[i]``)."""
    import numpy as np

    words, names = vectorisers(options)
    w = words.transform([f"{a.title}\n\n{a.text}" for a in articles]).tocsr()
    n = names.transform([a.text for a in articles]).tocsr()
    days = np.array([day_number(a.date) for a in articles], dtype=np.float64)
    return TermCounts(w, n, days)


# ---- 2. corpus-wide frequencies -------------------------------------------------------------


@dataclass
class Frequencies:
    """How many articles have each hashed term (words, names), out of ``articles``."""

    articles: int
    words: Ints
    names: Ints

    def __add__(self, other: Frequencies) -> Frequencies:
        return Frequencies(
            self.articles + other.articles, self.words + other.words, self.names + other.names
        )

    def sparse(self) -> tuple[int, Ints, Ints, Ints, Ints]:
        """The non-zero entries only (what a partition sends; :meth:`from_sparse` undoes it)."""
        import numpy as np

        w = np.flatnonzero(self.words)
        n = np.flatnonzero(self.names)
        return self.articles, w, self.words[w], n, self.names[n]

    @classmethod
    def from_sparse(cls, value: tuple[int, Ints, Ints, Ints, Ints], size: int) -> Frequencies:
        import numpy as np

        articles, w, wc, n, nc = value
        words = np.zeros(size, dtype=np.int64)
        names = np.zeros(size, dtype=np.int64)
        words[w] = wc
        names[n] = nc
        return cls(articles, words, names)

    def add_sparse(self, value: tuple[int, Ints, Ints, Ints, Ints]) -> None:
        """Add a partition's :meth:`sparse` frequencies in place."""
        articles, w, wc, n, nc = value
        self.articles += articles
        self.words[w] += wc
        self.names[n] += nc

    def joined(self) -> Ints:
        """The frequencies of the joined vector's columns (words, then names)."""
        import numpy as np

        return np.concatenate([self.words, self.names])


def frequencies(counts: TermCounts, options: Options = DEFAULTS) -> Frequencies:
    """Stage 2: the document frequencies of ``counts``' rows."""
    import numpy as np

    size = options.hash_features
    return Frequencies(
        len(counts),
        np.bincount(counts.words.indices, minlength=size).astype(np.int64),
        np.bincount(counts.names.indices, minlength=size).astype(np.int64),
    )


# ---- 3. weights -----------------------------------------------------------------------------


@dataclass
class Weighted:
    """Weighted rows: the joined vectors (l2-normalised), the names vectors for the gate (or
    None when the gate is off) and the day of each article (NaN when undated)."""

    vectors: csr_matrix
    names: csr_matrix | None
    days: Floats

    def __len__(self) -> int:
        return int(self.vectors.shape[0])

    def take(self, rows: Ints) -> Weighted:
        return Weighted(
            self.vectors[rows], None if self.names is None else self.names[rows], self.days[rows]
        )

    @property
    def has_names(self) -> NDArray[np.bool_] | None:
        import numpy as np

        return None if self.names is None else np.diff(self.names.indptr) > 0


def _tfidf(counts: csr_matrix, df: Ints, articles: int, options: Options) -> csr_matrix:
    """Sublinear term counts times (smoothed) inverse document frequency to ``idf_power``; a
    term only one article has weighs ``unique_weight`` as much (it cannot make two alike)."""
    import numpy as np
    from scipy.sparse import csr_matrix

    used = df[counts.indices]
    idf = np.log(np.float32(articles + 1) / (used + 1).astype(np.float32)) + np.float32(1)
    idf = idf.astype(np.float32) ** np.float32(options.idf_power)
    idf[used < 2] *= np.float32(options.unique_weight)
    data = (np.log(counts.data.astype(np.float32)) + np.float32(1)) * idf
    return csr_matrix(
        (data.astype(np.float32), counts.indices.copy(), counts.indptr.copy()), shape=counts.shape
    )


def weigh(counts: TermCounts, freq: Frequencies, options: Options = DEFAULTS) -> Weighted:
    """Stage 3: the weighted rows of ``counts`` under the corpus frequencies ``freq``."""
    import numpy as np
    from scipy.sparse import hstack
    from sklearn.preprocessing import normalize

    word_vectors = normalize(_tfidf(counts.words, freq.words, freq.articles, options), copy=False)
    if not options.name_weight:
        vectors = word_vectors
        names = None
    else:
        names = normalize(_tfidf(counts.names, freq.names, freq.articles, options), copy=False)
        vectors = hstack([word_vectors, names * np.float32(options.name_weight)], format="csr")
        vectors = normalize(vectors, copy=False)
        if not options.name_gate:
            names = None
    vectors = vectors.astype(np.float32, copy=False)
    vectors.sort_indices()
    if names is not None:
        names = names.astype(np.float32, copy=False)
        names.sort_indices()
    return Weighted(vectors, names, counts.days.astype(np.float64))


def candidates(weighted: Weighted, freq: Frequencies, options: Options = DEFAULTS) -> csr_matrix:
    """Each row's ``candidate_terms`` strongest terms that are not common: the neighbour search
    looks only at these (a term in many articles finds no particular neighbour and would make
    the search quadratic). Ties go to the lower term number."""

    from scipy.sparse import vstack

    df = freq.joined()
    limit = min(
        options.common_cap, max(options.common_terms, int(freq.articles * options.common_share))
    )
    total = len(weighted)
    step = 4096  # rows at a time: the sort's memory stays small (the result is the same)
    parts = [
        _candidates_of(weighted.vectors[start : start + step], df, limit, options)
        for start in range(0, total, step)
    ]
    if len(parts) == 1:
        return parts[0]
    return vstack(parts, format="csr")


def _candidates_of(vectors: csr_matrix, df: Ints, limit: int, options: Options) -> csr_matrix:
    import numpy as np
    from scipy.sparse import csr_matrix

    useful = (df[vectors.indices] <= limit) & (vectors.data > 0)
    rows = np.repeat(np.arange(vectors.shape[0], dtype=np.int64), np.diff(vectors.indptr))
    positions = np.flatnonzero(useful)
    chosen = positions[  # by row, then strongest first
        _top_in_rows(
            rows[positions],
            vectors.indices[positions],
            -vectors.data[positions],
            options.candidate_terms,
        )
    ]
    if options.row_postings:
        chosen = chosen[
            _within_budget(rows[chosen], df[vectors.indices[chosen]], options.row_postings)
        ]
    chosen.sort()
    counts = np.bincount(rows[chosen], minlength=vectors.shape[0])
    indptr = np.concatenate([[0], np.cumsum(counts)]).astype(np.int64)
    return csr_matrix((vectors.data[chosen], vectors.indices[chosen], indptr), shape=vectors.shape)


def _within_budget(rows: Ints, costs: Ints, budget: int) -> Any:
    """A mask of the entries (grouped by row, in the order they are taken) taken while their
    row's running sum of ``costs`` stays within ``budget``."""
    import numpy as np

    if len(rows) == 0:
        return np.zeros(0, dtype=bool)
    spent = np.cumsum(costs, dtype=np.int64)
    first = np.ones(len(rows), dtype=bool)
    first[1:] = rows[1:] != rows[:-1]
    start = np.maximum.accumulate(np.where(first, np.arange(len(rows)), 0))
    before = np.where(start > 0, spent[start - 1], 0)
    return (spent - before) <= budget


def _top_in_rows(rows: Ints, ties: Ints, keys: Any, keep: int) -> Ints:
    """Positions of the ``keep`` smallest ``keys`` of each row (``rows`` need not be sorted;
    equal keys go to the smaller ``ties``)."""
    import numpy as np

    if len(rows) == 0:
        return np.zeros(0, dtype=np.int64)
    order = np.lexsort((ties, keys, rows))
    ranked = rows[order]
    rank = np.arange(len(order)) - np.searchsorted(ranked, ranked, side="left")
    return order[rank < keep].astype(np.int64)


# ---- 4. neighbours and their similarity -----------------------------------------------------


class Postings(Protocol):
    """The candidate terms' postings: for each term, the articles (global rows) having it."""

    def lookup(self, terms: Ints) -> csr_matrix:
        """A row per term of ``terms`` (sorted, unique), its columns the articles, its values
        the term's candidate weight in each."""
        ...


class Rows(Protocol):
    """Weighted rows by global row number, wherever they are kept."""

    def take(self, rows: Ints) -> Weighted: ...


@dataclass
class MemoryPostings:
    """Postings of candidate rows held in memory (one process, or one partition's tests)."""

    candidates: csr_matrix
    transposed: csr_matrix = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self.transposed = self.candidates.T.tocsr()
        self.transposed.sort_indices()

    def lookup(self, terms: Ints) -> csr_matrix:
        return self.transposed[terms]


def neighbours(
    block: csr_matrix, offset: int, total: int, postings: Postings, options: Options = DEFAULTS
) -> tuple[Ints, Ints]:
    """Candidate pairs ``(low, high)`` (global rows, ``low < high``) of the block's rows
    (``block`` holds the candidate rows of articles ``offset``...; ``total`` articles in all):
    each row's ``neighbours`` best scores over the candidate terms it shares with others."""
    import numpy as np
    from scipy.sparse import csr_matrix

    empty = np.zeros(0, dtype=np.int64)
    if block.nnz == 0 or total < 2:
        return empty, empty
    terms, local = np.unique(block.indices, return_inverse=True)
    compact = csr_matrix(
        (block.data, local.astype(np.int64), block.indptr), shape=(block.shape[0], len(terms))
    )
    scores = (compact @ postings.lookup(terms.astype(np.int64))).tocsr()
    rows = np.repeat(np.arange(scores.shape[0], dtype=np.int64), np.diff(scores.indptr)) + offset
    cols = scores.indices.astype(np.int64)
    other = cols != rows
    rows, cols, vals = rows[other], cols[other], scores.data[other]
    top = _top_in_rows(rows, cols, -vals, min(options.neighbours, total - 1))
    low = np.minimum(rows[top], cols[top])
    high = np.maximum(rows[top], cols[top])
    keys = np.unique(low * total + high)
    return keys // total, keys % total


def _rowdots(left: csr_matrix, right: csr_matrix) -> Floats:
    import numpy as np

    return np.asarray(left.multiply(right).sum(axis=1), dtype=np.float64).ravel()


def gated(joined: Any, names: Any, has_a: Any, has_b: Any, options: Options = DEFAULTS) -> Any:
    """The joined similarity, times a gate on the names: two articles alike in words but
    naming different people and places are look-alike events, not one story. Articles without
    names are not gated."""
    import numpy as np

    gate = np.minimum(1.0, np.clip(names, 0.0, None) / options.name_gate)
    return np.where(has_a & has_b, joined * gate**options.name_gate_power, joined)


def date_factor(days_a: Any, days_b: Any, options: Options = DEFAULTS) -> Any:
    """1 for articles close in time or undated; down to ``date_penalty`` for far apart ones."""
    import numpy as np

    gap = np.abs(days_a - days_b)
    gap = np.where(np.isnan(gap), 0.0, gap)
    over = np.clip(gap - options.date_days, 0.0, None)
    # Halfway to the penalty a week past the allowance, nearly all of it a month past.
    return 1.0 - (1.0 - options.date_penalty) * (over / (over + 7.0))


def similarities(left: Weighted, right: Weighted, options: Options = DEFAULTS) -> Floats:
    """The similarity of ``left[i]`` and ``right[i]`` for every ``i``: cosine of the joined
    vectors, gated by the names, times the date factor."""
    sims = _rowdots(left.vectors, right.vectors)
    if left.names is not None and right.names is not None:
        has_a, has_b = left.has_names, right.has_names
        sims = gated(sims, _rowdots(left.names, right.names), has_a, has_b, options)
    return sims * date_factor(left.days, right.days, options)  # type: ignore[no-any-return]


def edges(
    low: Ints, high: Ints, rows: Rows, options: Options = DEFAULTS, step: int = 20000
) -> tuple[Ints, Ints, Floats]:
    """The candidate pairs alike enough to be one story, with their similarity."""
    import numpy as np

    keep_low, keep_high, keep_sims = [], [], []
    for start in range(0, len(low), step):
        a, b = low[start : start + step], high[start : start + step]
        # Each row read once (a row is in up to ``neighbours`` pairs and more), then paired.
        wanted, where = np.unique(np.concatenate([a, b]), return_inverse=True)
        taken = rows.take(wanted.astype(np.int64))
        sims = similarities(taken.take(where[: len(a)]), taken.take(where[len(a) :]), options)
        ok = sims >= options.threshold
        keep_low.append(a[ok])
        keep_high.append(b[ok])
        keep_sims.append(sims[ok])
    if not keep_low:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64), np.zeros(0)
    return np.concatenate(keep_low), np.concatenate(keep_high), np.concatenate(keep_sims)


# ---- 5. components and average-link ---------------------------------------------------------


def components(
    total: int, low: Ints, high: Ints, sims: Floats, options: Options = DEFAULTS
) -> list[Ints]:
    """The articles joined by the edges, as groups of global rows (each sorted; every article
    in one group, alone when it has no edge), in the order of their first article: the groups
    of :func:`component_labels`."""
    import numpy as np

    labels = component_labels(total, low, high, sims, options)
    order = np.argsort(labels, kind="stable")  # each group's rows ascending
    bounds = np.flatnonzero(np.diff(labels[order])) + 1
    return list(np.split(order, bounds)) if total else []


def component_labels(
    total: int, low: Ints, high: Ints, sims: Floats, options: Options = DEFAULTS
) -> Ints:
    """A component number per article (numbered in the order of their first article): the
    articles joined by the edges. A component larger than ``max_component`` is cut by raising
    its edge threshold until its parts are small enough (or the threshold is 0.95); each cut
    looks at the component's rows and edges only, never the archive's."""
    import numpy as np
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    order = np.lexsort((high, low))
    low, high, sims = low[order], high[order], sims[order]
    keys = low * max(total, 1) + high
    first = np.concatenate([[True], keys[1:] != keys[:-1]]) if len(keys) else keys.astype(bool)
    low, high, sims = low[first], high[first], sims[first]

    labels = np.zeros(total, dtype=np.int64)
    used = 0
    pending = [(np.arange(total, dtype=np.int64), low, high, sims, options.threshold)]
    while pending:
        # ``members`` sorted; ``a``-``b`` its edges as positions in ``members``.
        members, a, b, s, threshold = pending.pop()
        keep = s >= threshold
        a, b, s = a[keep], b[keep], s[keep]
        size = len(members)
        graph = coo_matrix((np.ones(len(a)), (a, b)), shape=(size, size))
        count, local = connected_components(graph, directed=False)
        labels[members] = local + used
        used += count
        sizes = np.bincount(local, minlength=count)
        too_large = np.flatnonzero(sizes > options.max_component) if threshold < 0.95 else sizes[:0]
        if not len(too_large):
            continue
        by_edge = np.argsort(local[a], kind="stable")
        edge_bounds = np.searchsorted(local[a][by_edge], np.arange(count + 1))
        higher = threshold + (1.0 - threshold) * 0.15
        for label in too_large.tolist():
            inside = np.flatnonzero(local == label)  # ascending
            mine = by_edge[edge_bounds[label] : edge_bounds[label + 1]]
            pending.append(
                (
                    members[inside],
                    np.searchsorted(inside, a[mine]),
                    np.searchsorted(inside, b[mine]),
                    s[mine],
                    higher,
                )
            )
    if not total:
        return labels
    # Numbered by their first article.
    first_row = np.full(used, total, dtype=np.int64)
    np.minimum.at(first_row, labels, np.arange(total, dtype=np.int64))
    return np.unique(first_row[labels], return_inverse=True)[1].astype(np.int64)


def average_link(members: Ints, weighted: Weighted, options: Options = DEFAULTS) -> list[Ints]:
    """Average-link clustering of one component (``weighted`` holds its rows, in the order of
    ``members``), cut by :func:`_cut`: the stories, as groups of ``members``."""
    import numpy as np
    from scipy.cluster.hierarchy import linkage
    from scipy.spatial.distance import squareform

    if len(members) == 1:
        return [members]
    sims = _dense_gram(weighted.vectors)
    if weighted.names is not None:
        has = weighted.has_names
        assert has is not None
        sims = gated(sims, _dense_gram(weighted.names), has[:, None], has[None, :], options)
    days = weighted.days
    sims = sims * date_factor(days[:, None], days[None, :], options)
    np.fill_diagonal(sims, 1.0)
    distances = squareform(np.clip(1.0 - sims, 0.0, 2.0), checks=False)
    tree = linkage(distances, method="average")
    flat = _cut(tree, len(members), options)
    return [np.sort(members[flat == value]) for value in np.unique(flat)]


def _dense_gram(rows: csr_matrix) -> Floats:
    """``rows @ rows.T`` as a dense array, over the columns the rows use only (the hashed space
    has millions of columns; transposing over all of them would cost more than the product)."""
    import numpy as np
    from scipy.sparse import csr_matrix

    used, local = np.unique(rows.indices, return_inverse=True)
    compact = csr_matrix(
        (rows.data, local.astype(np.int64), rows.indptr), shape=(rows.shape[0], len(used))
    )
    return np.asarray((compact @ compact.T).toarray(), dtype=np.float64)


def _cut(tree: Floats, n: int, options: Options) -> Ints:
    """Flat clusters from an average-link tree: a merge stands when its similarity reaches the
    threshold and, for two groups of several articles, reaches ``cohesion_ratio`` times the
    lesser of their own average inner similarities (two look-alike events are each much more
    alike inside than to each other), and its two parts stand.
    """
    import numpy as np

    size = np.ones(2 * n - 1, dtype=np.int64)
    inner = np.zeros(2 * n - 1)  # sum of similarities over a group's pairs
    stands = np.ones(2 * n - 1, dtype=bool)
    for step, (left, right, distance, count) in enumerate(tree.tolist()):
        a, b, node = int(left), int(right), n + step
        between = 1.0 - float(distance)
        size[node] = int(count)
        inner[node] = inner[a] + inner[b] + between * size[a] * size[b]
        ok = between >= options.threshold and stands[a] and stands[b]
        if ok and size[a] > 1 and size[b] > 1:
            cohesion = min(
                inner[a] / (size[a] * (size[a] - 1) / 2), inner[b] / (size[b] * (size[b] - 1) / 2)
            )
            ok = between >= options.cohesion_ratio * cohesion
        stands[node] = ok
    labels = np.full(n, -1, dtype=np.int64)
    # Top-down: the first standing node on each path from the root is a story.
    stack = [2 * n - 2]
    next_label = 0
    while stack:
        node = stack.pop()
        if stands[node] or node < n:
            leaves = [node]
            found: list[int] = []
            while leaves:
                current = leaves.pop()
                if current < n:
                    found.append(current)
                else:
                    row = tree[current - n]
                    leaves.extend((int(row[0]), int(row[1])))
            labels[found] = next_label
            next_label += 1
        else:
            row = tree[node - n]
            stack.extend((int(row[0]), int(row[1])))
    return labels


def label_array(total: int, clusters: Sequence[Ints]) -> Ints:
    """A label per article, as :func:`labels_of`: ``clusters`` may leave out the articles that
    are alone (each is then a cluster of its own), so a caller need not hold an array per
    article."""
    import numpy as np

    first = np.arange(total, dtype=np.int64)
    for members in clusters:
        first[members] = int(members.min())
    return np.unique(first, return_inverse=True)[1].astype(np.int64)


def labels_of(total: int, clusters: Sequence[Ints]) -> list[int]:
    """A label per article from its cluster, clusters numbered by their first article."""
    import numpy as np

    labels = np.full(total, -1, dtype=np.int64)
    for number, members in enumerate(sorted(clusters, key=lambda c: int(c.min()))):
        labels[members] = number
    return [int(x) for x in labels]


# ---- all stages in one process --------------------------------------------------------------


@dataclass
class _MemoryRows:
    weighted: Weighted

    def take(self, rows: Ints) -> Weighted:
        return self.weighted.take(rows)


def cluster(articles: Sequence[ArticleText], options: Options = DEFAULTS) -> list[int]:
    """Every stage in this process: a cluster number per article (same number, same story)."""
    import numpy as np

    total = len(articles)
    if total < 2:
        return [0] * total
    counts = count_terms(articles, options)
    freq = frequencies(counts, options)
    weighted = weigh(counts, freq, options)
    del counts
    pruned = candidates(weighted, freq, options)
    postings = MemoryPostings(pruned)
    rows = _MemoryRows(weighted)
    found: list[tuple[Ints, Ints, Floats]] = []
    for start in range(0, total, options.block):
        stop = min(total, start + options.block)
        low, high = neighbours(pruned[start:stop], start, total, postings, options)
        found.append(edges(low, high, rows, options))
    low = np.concatenate([f[0] for f in found])
    high = np.concatenate([f[1] for f in found])
    sims = np.concatenate([f[2] for f in found])
    clusters: list[Ints] = []
    for members in components(total, low, high, sims, options):
        clusters.extend(average_link(members, weighted.take(members), options))
    return labels_of(total, clusters)
