"""Grouping articles into stories: the articles that report the same real-world event.

A story is found by text alone unless the corpus says which story an article belongs to (a
``story`` from a metadata table or BASIL's ``triplet-uuid``). By text, an article is a TF-IDF
vector of its words and word pairs (sublinear counts, English stop words) joined with a second,
heavier vector of what tells two events of one kind apart: the names of people and places (words
capitalised inside a sentence, and their runs) and numbers. Words only one article has weigh
less (they lengthen an article without making it like any other). Two articles whose dates lie
more than a few days apart are taken to be less alike (a story is news for days, not months),
and two groups of several articles join only when they are alike to each other in proportion to
how alike each is inside (two look-alike events are each far more alike within).

Scale: no n x n matrix is built. Each article's nearest neighbours are found with sparse dot
products over its strongest terms, in blocks of rows; the pairs that are alike enough join the
articles into connected components, and average-link clustering runs inside each component (whose
pairs are few). An average-link merge needs at least one pair above the threshold, so this finds
the same stories as average-link over the whole corpus whenever the neighbour search finds the
pairs above the threshold.

The defaults were chosen on BASIL (its events by text) and PolNeAR (its 2016 election articles,
which must not be merged wholesale), never per corpus: see ``tests/benchmarks/eval_stories.py``.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from hashlib import sha256
from typing import TYPE_CHECKING, Literal, Protocol

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import NDArray
    from scipy.sparse import csr_matrix

By = Literal["auto", "text", "metadata"]


class ArticleLike(Protocol):
    """What grouping reads of an article (a :class:`~newsreader.corpus.Document` has it all)."""

    @property
    def id(self) -> str: ...
    @property
    def title(self) -> str: ...
    @property
    def text(self) -> str: ...
    @property
    def outlet(self) -> str | None: ...
    @property
    def date(self) -> str | None: ...
    @property
    def story(self) -> str | None: ...


@dataclass(frozen=True, slots=True)
class Story:
    """One story: its articles (ordered by date, then outlet), a label, outlets and dates.

    ``id`` depends only on the set of article ids, so the same grouping gives the same id on
    every run. ``first``/``last`` are the earliest and latest known dates (ISO ``YYYY-MM-DD``),
    or ``None`` when no article has a date.
    """

    id: str
    label: str
    doc_ids: tuple[str, ...]
    outlets: tuple[str, ...]
    first: str | None
    last: str | None
    source: str = "text"  # "text" or "metadata": how the story was found

    def __len__(self) -> int:
        return len(self.doc_ids)


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
    the square root of the shortfall); 0 turns the gate off."""
    date_days: float = 4.0
    """Dates up to this many days apart are no evidence against one story."""
    date_penalty: float = 0.5
    """Similarity of two dated articles far apart in time is multiplied by down to this."""
    neighbours: int = 30
    """How many nearest neighbours each article's candidate search keeps."""
    candidate_terms: int = 60
    """How many of an article's strongest terms the neighbour search looks at."""
    max_component: int = 4000
    """A component larger than this is split by raising its edge threshold before clustering."""
    hash_features: int = 1 << 21
    block: int = 2048


DEFAULTS = Options()


@dataclass
class _Features:
    vectors: csr_matrix  # rows l2-normalised
    days: NDArray[np.float64]  # day number per article, NaN when unknown
    candidates: csr_matrix = field(repr=False)  # pruned rows for the neighbour search
    words: csr_matrix | None = field(default=None, repr=False)  # l2-normalised, for the gate
    names: csr_matrix | None = field(default=None, repr=False)
    has_names: NDArray[np.bool_] | None = field(default=None, repr=False)


# ---- public API -----------------------------------------------------------------------------


def group_stories(
    articles: Sequence[ArticleLike], by: By = "auto", options: Options = DEFAULTS
) -> list[Story]:
    """Every article in exactly one story, largest stories first, then by label.

    ``by="metadata"`` uses each article's ``story`` (an article without one is a story of its
    own); ``by="text"`` ignores it; ``by="auto"`` uses metadata when every article has a story
    id, else text.
    """
    if by not in ("auto", "text", "metadata"):
        raise ValueError(f"unknown grouping {by!r}: use text or metadata")
    if by == "auto":
        by = "metadata" if articles and all(a.story for a in articles) else "text"
    if by == "metadata":
        labels = _labels_from_metadata(articles)
        source = "metadata"
    else:
        labels = cluster_labels(articles, options)
        source = "text"
    return _stories(articles, labels, source, options)


def cluster_labels(articles: Sequence[ArticleLike], options: Options = DEFAULTS) -> list[int]:
    """A cluster number per article (same number, same story), by text and dates only."""
    n = len(articles)
    if n == 0:
        return []
    if n == 1:
        return [0]
    features = _features(articles, options)
    return _cluster(features, options)


def story_id(doc_ids: Iterable[str]) -> str:
    """The id of the story holding exactly these articles: a hash of their sorted ids."""
    digest = sha256("\n".join(sorted(doc_ids)).encode("utf-8")).hexdigest()
    return "st_" + digest[:16]


# ---- features -------------------------------------------------------------------------------

_WORD = re.compile(r"\d[\d,.]*\d|[^\W_][\w'’.-]*[^\W_]|[^\W_]", re.UNICODE)
_SENTENCES = re.compile(r"(?<=[.!?:;\"“”])\s+|\n+")
_NUMBER = re.compile(r"\d")
_MONTHS = {
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
}


@cache
def _skip_words() -> frozenset[str]:
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

    return frozenset(ENGLISH_STOP_WORDS) | _MONTHS


def names_and_numbers(text: str) -> list[str]:
    """The tokens that tell events apart: names (capitalised inside a sentence), numbers.

    A run of capitalised words ("Michael Steele") gives each word and the run joined by ``_``.
    The first word of a sentence counts only when the text also capitalises it elsewhere inside
    a sentence. Weekday and month names are left out (every story has them); numbers are kept.
    """
    sentences = [_WORD.findall(part) for part in _SENTENCES.split(text)]
    inside_caps = {w for words in sentences for w in words[1:] if w[:1].isupper()}
    skip = _skip_words()
    out: list[str] = []
    run: list[str] = []
    for words in sentences:
        for position, word in enumerate(words):
            lower = word.lower()
            if _NUMBER.search(word):
                if len(run) > 1:
                    out.append("_".join(run))
                run = []
                out.append(lower)
            elif (
                word[:1].isupper()
                and (position or word in inside_caps)
                and lower not in skip
                and len(lower) > 1
            ):
                out.append(lower)
                run.append(lower)
            else:
                if len(run) > 1:
                    out.append("_".join(run))
                run = []
        if len(run) > 1:
            out.append("_".join(run))
        run = []
    return out


def _day_number(value: str | None) -> float:
    if not value:
        return float("nan")
    match = re.match(r"(\d{4})-(\d{2})-(\d{2})", value.strip())
    if not match:
        return float("nan")
    try:
        return float(date(*(int(g) for g in match.groups())).toordinal())
    except ValueError:
        return float("nan")


def _features(articles: Sequence[ArticleLike], options: Options) -> _Features:
    import numpy as np
    from scipy.sparse import hstack
    from sklearn.feature_extraction.text import HashingVectorizer
    from sklearn.preprocessing import normalize

    texts = [f"{a.title}\n\n{a.text}" for a in articles]
    words = HashingVectorizer(
        n_features=options.hash_features,
        ngram_range=(1, 2),
        stop_words="english",
        alternate_sign=False,
        norm=None,
        dtype=np.float32,
    ).transform(texts)
    word_vectors = normalize(_weigh(words, options))
    if not options.name_weight:
        return _finish(word_vectors, articles, options)
    names = HashingVectorizer(
        n_features=options.hash_features,
        analyzer=names_and_numbers,
        alternate_sign=False,
        norm=None,
        dtype=np.float32,
    ).transform([a.text for a in articles])
    name_vectors = normalize(_weigh(names, options))
    joined = hstack(
        [word_vectors, name_vectors * np.float32(options.name_weight)], format="csr"
    ).astype(np.float32)
    features = _finish(joined, articles, options)
    if options.name_gate:
        features.words = word_vectors.astype(np.float32)
        features.names = name_vectors.astype(np.float32)
        features.has_names = np.diff(name_vectors.indptr) > 0
    return features


def _finish(joined: csr_matrix, articles: Sequence[ArticleLike], options: Options) -> _Features:
    import numpy as np
    from sklearn.preprocessing import normalize

    vectors = normalize(joined, copy=False).astype(np.float32)
    days = np.array([_day_number(a.date) for a in articles], dtype=np.float64)
    return _Features(vectors, days, _prune(vectors, options.candidate_terms))


def _gated(
    joined: NDArray[np.float64],
    names: NDArray[np.float64],
    has_a: NDArray[np.bool_],
    has_b: NDArray[np.bool_],
    options: Options,
) -> NDArray[np.float64]:
    """The joined similarity, times a gate on the names: two articles alike in words but
    naming different people and places are look-alike events, not one story. Articles without
    names are not gated."""
    import numpy as np

    gate = np.minimum(1.0, np.clip(names, 0.0, None) / options.name_gate)
    return np.where(has_a & has_b, joined * np.sqrt(gate), joined)


def _weigh(counts: csr_matrix, options: Options) -> csr_matrix:
    """Sublinear term counts times inverse document frequency raised to ``idf_power``.

    With a power above 1, a rare word two articles share (a town, a surname, a figure) counts
    for much more than the topic words every article of its kind has.
    """
    import numpy as np
    from sklearn.feature_extraction.text import TfidfTransformer

    tfidf = TfidfTransformer(sublinear_tf=True, norm=None).fit(counts)
    idf = tfidf.idf_.astype(np.float32) ** np.float32(options.idf_power)
    # A term only one article has cannot make two alike; left in, it would only dilute the
    # norm of articles rich in unique words.
    df = np.bincount(counts.tocsr().indices, minlength=counts.shape[1])
    idf[df < 2] *= np.float32(options.unique_weight)
    weighted = counts.tocsr().astype(np.float32)
    weighted.data = (np.log(weighted.data) + 1).astype(np.float32) * idf[weighted.indices]
    return weighted


def _prune(vectors: csr_matrix, keep: int) -> csr_matrix:
    """Each row's ``keep`` strongest terms: cheap candidates for the neighbour search."""
    import numpy as np
    from scipy.sparse import csr_matrix

    indptr = vectors.indptr
    n = vectors.shape[0]
    # A term in many articles finds no particular neighbour and makes the search quadratic.
    df = np.bincount(vectors.indices, minlength=vectors.shape[1])
    weights = np.where(df[vectors.indices] > max(100, n // 50), 0.0, vectors.data)
    rows: list[NDArray[np.int64]] = []
    for i in range(n):
        start, end = indptr[i], indptr[i + 1]
        useful = np.flatnonzero(weights[start:end] > 0)
        if len(useful) > keep:
            useful = useful[np.argpartition(-weights[start:end][useful], keep)[:keep]]
        rows.append(np.sort(useful) + start)
    chosen = np.concatenate(rows) if rows else np.zeros(0, dtype=np.int64)
    counts = np.array([len(r) for r in rows], dtype=np.int64)
    pruned_indptr = np.concatenate([[0], np.cumsum(counts)])
    return csr_matrix(
        (vectors.data[chosen], vectors.indices[chosen], pruned_indptr), shape=vectors.shape
    )


# ---- clustering -----------------------------------------------------------------------------


def _date_factor(
    days_a: NDArray[np.float64], days_b: NDArray[np.float64], options: Options
) -> NDArray[np.float64]:
    """1 for articles close in time or undated; down to ``date_penalty`` for far apart ones."""
    import numpy as np

    gap = np.abs(days_a - days_b)
    gap = np.where(np.isnan(gap), 0.0, gap)
    over = np.clip(gap - options.date_days, 0.0, None)
    # Halfway to the penalty a week past the allowance, nearly all of it a month past.
    return 1.0 - (1.0 - options.date_penalty) * (over / (over + 7.0))


def _pairs(
    features: _Features, options: Options
) -> tuple[NDArray[np.int64], NDArray[np.int64], NDArray[np.float64]]:
    """Candidate pairs (i < j) with their similarity, from each article's nearest neighbours."""
    import numpy as np

    vectors, candidates = features.vectors, features.candidates
    n = vectors.shape[0]
    k = min(options.neighbours, n - 1)
    transposed = candidates.T.tocsr()
    found_i: list[NDArray[np.int64]] = []
    found_j: list[NDArray[np.int64]] = []
    for start in range(0, n, options.block):
        stop = min(n, start + options.block)
        scores = (candidates[start:stop] @ transposed).tocsr()
        for row in range(stop - start):
            lo, hi = scores.indptr[row], scores.indptr[row + 1]
            cols = scores.indices[lo:hi]
            vals = scores.data[lo:hi]
            if len(cols) > k + 1:
                top = np.argpartition(-vals, k + 1)[: k + 1]
                cols = cols[top]
            cols = cols[cols != start + row]
            found_i.append(np.full(len(cols), start + row, dtype=np.int64))
            found_j.append(cols.astype(np.int64))
    if not found_i:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty, np.zeros(0)
    i = np.concatenate(found_i)
    j = np.concatenate(found_j)
    low, high = np.minimum(i, j), np.maximum(i, j)
    keys = np.unique(low * n + high)
    low, high = keys // n, keys % n
    sims = _exact(features, low, high, options) * _date_factor(
        features.days[low], features.days[high], options
    )
    return low, high, sims


def _exact(
    features: _Features, a: NDArray[np.int64], b: NDArray[np.int64], options: Options
) -> NDArray[np.float64]:
    joined = _rowdots(features.vectors, a, b)
    if features.names is None or features.has_names is None:
        return joined
    names = _rowdots(features.names, a, b)
    return _gated(joined, names, features.has_names[a], features.has_names[b], options)


def _rowdots(
    vectors: csr_matrix, a: NDArray[np.int64], b: NDArray[np.int64]
) -> NDArray[np.float64]:
    import numpy as np

    out = np.empty(len(a), dtype=np.float64)
    step = 20000
    for s in range(0, len(a), step):
        left = vectors[a[s : s + step]]
        right = vectors[b[s : s + step]]
        out[s : s + step] = np.asarray(left.multiply(right).sum(axis=1)).ravel()
    return out


def _cluster(features: _Features, options: Options) -> list[int]:
    import numpy as np
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    n = features.vectors.shape[0]
    low, high, sims = _pairs(features, options)
    labels = np.full(n, -1, dtype=np.int64)
    next_label = 0

    def components(members: NDArray[np.int64], threshold: float) -> list[NDArray[np.int64]]:
        keep = sims >= threshold
        inside = np.zeros(n, dtype=bool)
        inside[members] = True
        keep &= inside[low] & inside[high]
        graph = coo_matrix((np.ones(int(keep.sum())), (low[keep], high[keep])), shape=(n, n))
        _, comp = connected_components(graph, directed=False)
        groups: dict[int, list[int]] = {}
        for m in members.tolist():
            groups.setdefault(int(comp[m]), []).append(m)
        return [np.array(g, dtype=np.int64) for g in groups.values()]

    pending = [(np.arange(n, dtype=np.int64), options.threshold)]
    while pending:
        members, threshold = pending.pop()
        for part in components(members, threshold):
            if len(part) > options.max_component and threshold < 0.95:
                pending.append((part, threshold + (1.0 - threshold) * 0.15))
                continue
            for sub in _average_link(part, features, options):
                labels[sub] = next_label
                next_label += 1
    return [int(x) for x in labels]


def _average_link(
    members: NDArray[np.int64], features: _Features, options: Options
) -> list[NDArray[np.int64]]:
    import numpy as np

    if len(members) == 1:
        return [members]
    from scipy.cluster.hierarchy import linkage
    from scipy.spatial.distance import squareform

    block = features.vectors[members]
    sims = (block @ block.T).toarray().astype(np.float64)
    if features.names is not None and features.has_names is not None:
        names = features.names[members]
        has = features.has_names[members]
        name_sims = (names @ names.T).toarray().astype(np.float64)
        sims = _gated(sims, name_sims, has[:, None], has[None, :], options)
    days = features.days[members]
    sims *= _date_factor(days[:, None], days[None, :], options)
    np.fill_diagonal(sims, 1.0)
    distances = squareform(np.clip(1.0 - sims, 0.0, 2.0), checks=False)
    tree = linkage(distances, method="average")
    flat = _cut(tree, len(members), options)
    return [members[flat == value] for value in np.unique(flat)]


def _cut(tree: NDArray[np.float64], n: int, options: Options) -> NDArray[np.int64]:
    """Flat clusters from an average-link tree: a merge stands when its similarity reaches the
    threshold and, for two groups of several articles, reaches ``cohesion_ratio`` times the
    lesser of their own average inner similarities (two look-alike events are each much more
    alike inside than to each other), and its two parts stand.
    """
    import numpy as np

    size = np.ones(2 * n - 1, dtype=np.int64)
    inner = np.zeros(2 * n - 1)  # sum of similarities over a group's pairs
    stands = np.ones(2 * n - 1, dtype=bool)
    for step, (left, right, distance, count) in enumerate(tree):
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


# ---- stories from labels --------------------------------------------------------------------


def _labels_from_metadata(articles: Sequence[ArticleLike]) -> list[int]:
    numbers: dict[str, int] = {}
    labels: list[int] = []
    for index, article in enumerate(articles):
        key = article.story or f"\0{index}"
        labels.append(numbers.setdefault(key, len(numbers)))
    return labels


def _stories(
    articles: Sequence[ArticleLike], labels: Sequence[int], source: str, options: Options
) -> list[Story]:
    groups: dict[int, list[int]] = {}
    for index, label in enumerate(labels):
        groups.setdefault(label, []).append(index)
    stories: list[Story] = []
    for members in groups.values():
        chosen = [articles[i] for i in members]
        ordered = sorted(
            chosen, key=lambda a: (_iso(a.date) or "9999", (a.outlet or "").lower(), a.id)
        )
        dates = sorted(d for d in (_iso(a.date) for a in chosen) if d)
        outlets = sorted({a.outlet for a in chosen if a.outlet}, key=str.lower)
        stories.append(
            Story(
                id=story_id(a.id for a in chosen),
                label=_label(chosen),
                doc_ids=tuple(a.id for a in ordered),
                outlets=tuple(outlets),
                first=dates[0] if dates else None,
                last=dates[-1] if dates else None,
                source=source,
            )
        )
    stories.sort(key=lambda s: (-len(s), s.label.lower(), s.id))
    return stories


def _iso(value: str | None) -> str | None:
    if not value:
        return None
    match = re.match(r"\d{4}-\d{2}-\d{2}", value.strip())
    return match.group() if match else None


def _label(articles: Sequence[ArticleLike]) -> str:
    """The most central title: the one sharing the most words with the story's other titles."""
    titles = [" ".join(a.title.split()) for a in articles]
    if len(titles) <= 2:
        return min(titles, key=lambda t: (-len(t.split()), t)) if titles else ""
    bags = [set(re.findall(r"\w+", t.lower())) for t in titles]
    counts: dict[str, int] = {}
    for bag in bags:
        for word in bag:
            counts[word] = counts.get(word, 0) + 1

    def centrality(index: int) -> float:
        bag = bags[index]
        if not bag:
            return 0.0
        return sum(counts[w] - 1 for w in bag) / math.sqrt(len(bag))

    best = max(range(len(titles)), key=lambda i: (centrality(i), -len(titles[i]), titles[i]))
    return titles[best]


# ---- stories made by hand (corrections) ------------------------------------------------------


def make_story(articles: Sequence[ArticleLike], source: str, label: str | None = None) -> Story:
    """The story holding exactly ``articles`` (at least one), built as grouping builds one: its
    id from the article ids, its articles by date then outlet, its outlets and dates; its label
    is ``label`` when given (a name the user chose), else the most central title."""
    if not articles:
        raise ValueError("a story holds at least one article")
    ordered = sorted(
        articles, key=lambda a: (_iso(a.date) or "9999", (a.outlet or "").lower(), a.id)
    )
    dates = sorted(d for d in (_iso(a.date) for a in articles) if d)
    outlets = sorted({a.outlet for a in articles if a.outlet}, key=str.lower)
    return Story(
        id=story_id(a.id for a in articles),
        label=label if label is not None else _label(articles),
        doc_ids=tuple(a.id for a in ordered),
        outlets=tuple(outlets),
        first=dates[0] if dates else None,
        last=dates[-1] if dates else None,
        source=source,
    )


def story_order(stories: Iterable[Story]) -> list[Story]:
    """``stories`` in the order grouping gives them: largest first, then by label, then id."""
    return sorted(stories, key=lambda s: (-len(s), s.label.lower(), s.id))
