"""How far annotators agree: every pair of annotators, over the articles both annotated.

For a pair (A, B), only articles where each has at least one span count, and an annotator's
spans with the same offsets count once (the one made first gives the label). Then:

- ``exact_f1``: a span of A matches a span of B with the same article, start and end;
  F1 = 2 × matched / (spans of A + spans of B).
- ``overlap_f1``: the same with a one-to-one matching of overlapping spans, made greedily from
  the largest overlap down.
- ``label_kappa``: Cohen's kappa of the two labels over the exactly matched spans; None when it
  is undefined (no matched span, or chance agreement is 1, as when both use one label only).
- ``speaker_agreement``: of the exactly matched spans both call a quote, the share whose
  speakers are the same (case and spacing aside; both unknown counts as the same).
- ``group_b3_f1``: B-cubed F1 of the two annotators' statement groups, over the matched spans
  (a span in no group is a group of its own).
- ``alpha_u``: Krippendorff's unitizing alpha per label over character positions, computed as
  DKPro Agreement's ``KrippendorffAlphaUnitizingAgreement`` does for INCEpTION: the articles are
  laid end to end in one continuum, and of an annotator's overlapping spans with one label only
  the first (by start, longest first) counts.

Nothing here imports Textual; the ``agree`` command prints what :func:`agreement` returns.
"""

from __future__ import annotations

import functools
import gc
import itertools
import json
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

import msgspec
import numpy as np

if TYPE_CHECKING:
    from .store import Store

# The reading of the store and of the importer (``jsonl``, which brings in the corpus and the
# store) is imported when used: ``agree`` on two exports does without it, and starts sooner.
MAX_LINE_BYTES = 16 * 1024 * 1024
"""The longest line read, as the importer (``jsonl.MAX_LINE_BYTES``; a test checks they agree)."""

__all__ = [
    "AgreementInput",
    "Annotated",
    "ArticleAgreement",
    "LabelAgreement",
    "PairAgreement",
    "agreement",
    "alpha_u",
    "article_lengths",
    "cohen_kappa",
    "from_store",
    "read_exports",
]


class Annotated(NamedTuple):
    """One span as ``agree`` sees it: where it is, what it says, who made it and when."""

    annotator: str
    doc_id: str
    start: int
    end: int
    label: str
    speaker: str | None = None
    group: str | None = None
    created: str = ""
    order: int = 0
    """Its place in the input, which breaks ties between spans made at the same time."""


@dataclass
class AgreementInput:
    """The spans to compare, what is known of their articles, and what could not be read."""

    spans: list[Annotated] = field(default_factory=list)
    titles: dict[str, str] = field(default_factory=dict)
    paths: dict[str, str] = field(default_factory=dict)
    hashes: dict[str, str] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    skipped_orphans: int = 0


@dataclass(frozen=True)
class LabelAgreement:
    """One label in one pair: how many spans each gave it, exact-match F1 with that label
    on both sides, and its unitizing alpha."""

    label: str
    spans: tuple[int, int]
    exact_f1: float | None
    alpha_u: float | None

    def to_json(self) -> dict[str, Any]:
        return {
            "label": self.label,
            "spans": list(self.spans),
            "exact_f1": self.exact_f1,
            "alpha_u": self.alpha_u,
        }


@dataclass(frozen=True)
class ArticleAgreement:
    """One article in one pair."""

    doc_id: str
    title: str
    spans: tuple[int, int]
    exact_matches: int
    exact_f1: float
    overlap_f1: float

    def to_json(self) -> dict[str, Any]:
        return {
            "doc_id": self.doc_id,
            "title": self.title,
            "spans": list(self.spans),
            "exact_matches": self.exact_matches,
            "exact_f1": self.exact_f1,
            "overlap_f1": self.overlap_f1,
        }


@dataclass(frozen=True)
class PairAgreement:
    """The agreement of annotators ``annotators[0]`` and ``annotators[1]``."""

    annotators: tuple[str, str]
    articles: int
    spans: tuple[int, int]
    exact_matches: int
    overlap_matches: int
    exact_f1: float | None
    overlap_f1: float | None
    label_kappa: float | None
    speaker_agreement: float | None
    matched_quotes: int
    group_b3_f1: float | None
    alpha_u: dict[str, float | None]
    labels: list[LabelAgreement]
    per_article: list[ArticleAgreement]

    def to_json(self) -> dict[str, Any]:
        """The pair as the JSON object ``agree --json`` prints in its ``pairs`` list."""
        return {
            "annotators": list(self.annotators),
            "articles": self.articles,
            "spans": list(self.spans),
            "exact_matches": self.exact_matches,
            "overlap_matches": self.overlap_matches,
            "exact_f1": self.exact_f1,
            "overlap_f1": self.overlap_f1,
            "label_kappa": self.label_kappa,
            "speaker_agreement": self.speaker_agreement,
            "matched_quotes": self.matched_quotes,
            "group_b3_f1": self.group_b3_f1,
            "alpha_u": dict(self.alpha_u),
            "labels": [label.to_json() for label in self.labels],
            "per_article": [article.to_json() for article in self.per_article],
        }


# -- reading ----------------------------------------------------------------------------------


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Pauses Python's cycle collector. Reading and comparing make hundreds of thousands of
    small objects and no cycles; each collection would walk them all again (a third of the
    time of ``agree`` on 100,000 spans each)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _speaker(attributes: Any) -> str | None:
    if not isinstance(attributes, dict):
        return None
    value = attributes.get("speaker")
    return value if isinstance(value, str) and value.strip() else None


_OPTIONAL_TEXT = ("annotator", "group", "created", "doc_path", "doc_hash", "title")
_TEXT_OR_NULL = frozenset((str, type(None)))
_OBJECT_OR_NULL = frozenset((dict, type(None)))


def _problem(record: Any) -> str | None:
    """Why ``record`` is not a span line ``agree`` can use, or None."""
    if type(record) is dict:
        # The common case first, in one expression: a hundred thousand lines go through here.
        doc_id, label = record.get("doc_id"), record.get("label")
        start, end = record.get("start"), record.get("end")
        if (
            type(doc_id) is str
            and doc_id
            and type(label) is str
            and label
            and type(start) is int
            and type(end) is int
            and 0 <= start < end
            and type(record.get("annotator")) in _TEXT_OR_NULL
            and type(record.get("group")) in _TEXT_OR_NULL
            and type(record.get("created")) in _TEXT_OR_NULL
            and type(record.get("doc_path")) in _TEXT_OR_NULL
            and type(record.get("doc_hash")) in _TEXT_OR_NULL
            and type(record.get("title")) in _TEXT_OR_NULL
            and type(record.get("attributes")) in _OBJECT_OR_NULL
        ):
            return None
    if not isinstance(record, dict):
        return f"expected a JSON object, found {type(record).__name__}"
    for name in ("doc_id", "label"):
        if not isinstance(record.get(name), str) or not record[name]:
            return f"{name!r} must be non-empty text"
    for name in ("start", "end"):
        value = record.get(name)
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            return f"{name!r} must be a whole number ≥ 0, not {value!r}"
    if record["start"] >= record["end"]:
        return f"'start' ({record['start']}) must be less than 'end' ({record['end']})"
    for name in _OPTIONAL_TEXT:
        if record.get(name) is not None and not isinstance(record[name], str):
            return f"{name!r} must be text or null"
    if record.get("attributes") is not None and not isinstance(record["attributes"], dict):
        return "'attributes' must be an object"
    return f"unusable line: {record!r:.80}"


class _Line(msgspec.Struct):
    """The fields of an export line that ``agree`` reads, typed as :func:`_problem` wants them;
    the other fields (the text, its context, ...) are skipped unread."""

    doc_id: str
    start: int
    end: int
    label: str
    annotator: str | None = None
    group: str | None = None
    created: str | None = None
    doc_path: str | None = None
    doc_hash: str | None = None
    title: str | None = None
    attributes: dict[str, Any] | None = None
    anchor: Any = None


_DECODER = msgspec.json.Decoder(list[_Line])
FAST_READ_BYTES = 512 * 2**20
"""Files up to this size are read whole and decoded in one go (a few times faster)."""


_make_annotated = functools.partial(tuple.__new__, Annotated)
"""``Annotated._make`` without its Python-level check (the columns are built to fit)."""


def _may_hold_a_long_line(data: bytes) -> bool:
    """False when no line of ``data`` is as long as ``MAX_LINE_BYTES`` (True when one may be:
    some stretch of half that length holds no line end)."""
    half = MAX_LINE_BYTES // 2
    return any(data.find(b"\n", at, at + half) < 0 for at in range(0, len(data) - half, half))


def _read_whole(path: Path, result: AgreementInput, shared: set[str], order: int) -> int | None:
    """Reads ``path`` in one go when every line of it is a usable span line, adding its spans
    to ``result`` and its articles to ``shared``; returns the new ``order``, or None (changing
    nothing) when some line is not usable, for the line-by-line reader to say which and why."""
    try:
        if path.stat().st_size > FAST_READ_BYTES:
            return None
        data = path.read_bytes()
    except OSError:
        return None
    if data.endswith(b"\n"):
        data = data[:-1]
    if not data or data.startswith(b"\n") or b"\n\n" in data or _may_hold_a_long_line(data):
        return None
    try:
        # One JSON array of every line: a line that is not one JSON value breaks the array.
        records = _DECODER.decode(b"[" + data.replace(b"\n", b",") + b"]")
    except (msgspec.DecodeError, RecursionError):
        return None
    if len(records) != data.count(b"\n") + 1:
        return None
    # Column by column: a hundred thousand lines go through here.
    if not (all(r.doc_id for r in records) and all(r.label for r in records)):
        return None
    if not all(0 <= r.start < r.end for r in records):
        return None
    kept = [r for r in records if r.anchor != "orphaned"]
    orphans = len(records) - len(kept)
    stem = path.stem
    spans = list(
        map(
            _make_annotated,
            zip(
                [r.annotator or stem for r in kept],
                [r.doc_id for r in kept],
                [r.start for r in kept],
                [r.end for r in kept],
                [r.label for r in kept],
                [_speaker(r.attributes) if r.attributes else None for r in kept],
                [r.group for r in kept],
                [r.created or "" for r in kept],
                range(order + 1, order + 1 + len(kept)),
                strict=True,
            ),
        )
    )
    order += len(kept)
    seen = set(shared)
    titles: list[_Line] = []
    for record in kept:
        if record.doc_id not in seen:
            seen.add(record.doc_id)
            titles.append(record)
    shared.update(seen)
    result.spans.extend(spans)
    result.skipped_orphans += orphans
    for record in titles:
        for value, known in (
            (record.title, result.titles),
            (record.doc_path, result.paths),
            (record.doc_hash, result.hashes),
        ):
            if value:
                known[record.doc_id] = value
    return order


@_collector_paused()
def read_exports(paths: Sequence[str | Path]) -> AgreementInput:
    """The spans in newsreader JSONL exports (any number of annotators in each file).

    A line without an annotator is taken to be the work of the person the file is named after
    (``ana.jsonl`` → ``ana``). Orphaned spans (their words are gone from the article) are left
    out and counted. Every unusable line is a problem naming its file and line.
    """
    result = AgreementInput()
    append = result.spans.append
    seen: set[str] = set()
    order = 0
    for path in map(Path, paths):
        stem = path.stem
        read = _read_whole(path, result, seen, order)
        if read is not None:
            order = read
            continue
        try:
            handle = open(path, "rb")  # noqa: SIM115 - closed below, errors reported by name
        except OSError as error:
            result.problems.append(f"{path}: cannot read it ({error.strerror or error})")
            continue
        from .jsonl import LineProblem, bounded_lines, read_lines

        with handle:
            try:
                for number, item in read_lines(bounded_lines(handle)):
                    if isinstance(item, LineProblem):
                        result.problems.append(f"{path}: {item}")
                        continue
                    reason = _problem(item)
                    if reason is not None:
                        result.problems.append(f"{path}: line {number}: {reason}")
                        continue
                    get = item.get
                    if get("anchor") == "orphaned":
                        result.skipped_orphans += 1
                        continue
                    order += 1
                    doc_id = item["doc_id"]
                    attributes = get("attributes")
                    append(
                        Annotated(
                            get("annotator") or stem,
                            doc_id,
                            item["start"],
                            item["end"],
                            item["label"],
                            _speaker(attributes) if attributes else None,
                            get("group"),
                            get("created") or "",
                            order,
                        )
                    )
                    if doc_id not in seen:
                        seen.add(doc_id)
                        for name, known in (
                            ("title", result.titles),
                            ("doc_path", result.paths),
                            ("doc_hash", result.hashes),
                        ):
                            if get(name):
                                known[doc_id] = get(name)
            except OSError as error:
                result.problems.append(f"{path}: cannot read it ({error.strerror or error})")
    return result


def from_store(store: Store) -> AgreementInput:
    """The spans in a store, each with the annotator who made it (orphaned ones left out)."""
    result = AgreementInput()
    group_of = {m: g.id for g in store.groups() for m in g.members}
    for order, span in enumerate(store.spans(), start=1):
        if span.orphaned:
            result.skipped_orphans += 1
            continue
        result.spans.append(
            Annotated(
                annotator=span.annotator,
                doc_id=span.doc_id,
                start=span.start,
                end=span.end,
                label=span.label,
                speaker=span.speaker,
                group=group_of.get(span.id),
                created=span.created,
                order=order,
            )
        )
    for doc_id, record in store.documents().items():
        if record.title:
            result.titles[doc_id] = record.title
        if record.path:
            result.paths[doc_id] = record.path
        result.hashes[doc_id] = record.content_hash
    return result


def article_lengths(data: AgreementInput) -> dict[str, int]:
    """The length of each article whose file can still be read (for ``alpha_u``'s continuum).

    A file holding several articles is matched by content hash, then by id, as the exporter
    does. Articles not found here are measured up to their last annotated character.
    """
    lengths: dict[str, int] = {}
    by_path: dict[str, list[str]] = defaultdict(list)
    wanted = {s.doc_id for s in data.spans}
    for doc_id, path in data.paths.items():
        if doc_id in wanted:
            by_path[path].append(doc_id)
    for path, doc_ids in sorted(by_path.items()):
        if not Path(path).is_file():
            continue
        from newsreader.corpus import load_paths

        loaded = load_paths([path]).documents
        for doc_id in doc_ids:
            doc = next((d for d in loaded if d.content_hash == data.hashes.get(doc_id)), None)
            doc = doc or next((d for d in loaded if d.id == doc_id), None)
            if doc is None and len(loaded) == 1:
                doc = loaded[0]
            if doc is not None:
                lengths[doc_id] = len(doc.text)
    return lengths


# -- statistics -------------------------------------------------------------------------------


def cohen_kappa(pairs: Sequence[tuple[str, str]]) -> float | None:
    """Cohen's kappa of two raters' labels on the same items: (po − pe) / (1 − pe).

    ``po`` is the share of items they label alike, ``pe`` the agreement expected from each
    rater's label shares. None when it is undefined: no items, or ``pe`` = 1.
    """
    n = len(pairs)
    if not n:
        return None
    observed = Fraction(sum(1 for a, b in pairs if a == b), n)
    first = Counter(a for a, _ in pairs)
    second = Counter(b for _, b in pairs)
    expected = Fraction(sum(first[k] * second[k] for k in first), n * n)
    if expected == 1:
        return None
    return float((observed - expected) / (1 - expected))


def _f1(matched: int, total: int) -> float | None:
    return 2 * matched / total if total else None


Units = tuple["np.ndarray[Any, np.dtype[np.int64]]", "np.ndarray[Any, np.dtype[np.int64]]"]
"""One rater's units of one category: their starts and their ends, sorted and apart."""


def _array(values: Iterable[int]) -> np.ndarray[Any, np.dtype[np.int64]]:
    return np.fromiter(values, dtype=np.int64)


def _total(values: np.ndarray[Any, np.dtype[np.int64]]) -> int:
    # Summed as Python integers: each term fits in 64 bits, their sum may not.
    return sum(values.tolist())


def _gaps(units: Units, length: int) -> np.ndarray[Any, np.dtype[np.int64]]:
    """The lengths of the stretches of ``[0, length)`` that no unit covers."""
    starts, ends = units
    edges_from = np.concatenate(([0], ends))
    edges_to = np.concatenate((starts, [length]))
    gaps = edges_to - edges_from
    return gaps[gaps > 0]


def _observed(first: Units, second: Units) -> int:
    """Σ of DKPro's distances between two raters' segments (the caller scales).

    Overlapping units cost the squares of the differences of their starts and of their ends; a
    unit that lies wholly in the other rater's gap costs the square of its length.
    """
    (starts_a, ends_a), (starts_b, ends_b) = first, second
    # The units of B that a unit of A overlaps are a run: those ending after it starts and
    # starting before it ends.
    low = np.searchsorted(ends_b, starts_a, side="right")
    high = np.searchsorted(starts_b, ends_a, side="left")
    counts = np.maximum(high - low, 0)
    a = np.repeat(np.arange(len(starts_a)), counts)
    b = np.arange(int(counts.sum())) - np.repeat(np.cumsum(counts) - counts, counts)
    b += np.repeat(low, counts)
    total = _total((starts_a[a] - starts_b[b]) ** 2 + (ends_a[a] - ends_b[b]) ** 2)
    alone_b = np.ones(len(starts_b), dtype=bool)
    alone_b[b] = False
    alone_a = counts == 0
    total += _total((ends_a[alone_a] - starts_a[alone_a]) ** 2)
    total += _total((ends_b[alone_b] - starts_b[alone_b]) ** 2)
    return total


def alpha_u(raters: Sequence[Sequence[tuple[int, int]]], length: int) -> float | None:
    """Krippendorff's unitizing alpha of one category over the continuum ``[0, length)``.

    ``raters`` holds each rater's units of the category as (start, end), sorted and not
    overlapping. Computed as DKPro Agreement's ``KrippendorffAlphaUnitizingAgreement`` computes
    ``calculateCategoryAgreement``: 1 − D_O / D_E, and 0.0 when D_O = D_E. None when no rater
    has a unit (nothing to agree on) or there are fewer than two raters.
    """
    units = [(_array(s for s, _ in rater), _array(e for _, e in rater)) for rater in raters]
    return _alpha_u(units, length)


def _alpha_u(raters: Sequence[Units], length: int) -> float | None:
    count = len(raters)
    if count < 2 or length <= 0 or not any(len(starts) for starts, _ in raters):
        return None
    observed = sum(_observed(a, b) for a, b in itertools.combinations(raters, 2))
    d_o = Fraction(2 * observed, count * (count - 1) * length * length)

    lengths = np.concatenate([ends - starts for starts, ends in raters])
    n_c = len(lengths)
    gaps = np.sort(np.concatenate([_gaps(units, length) for units in raters]))
    # Σ of the gaps from each place on, as Python integers.
    suffix = [0] * (len(gaps) + 1)
    for i, gap in zip(range(len(gaps) - 1, -1, -1), reversed(gaps.tolist()), strict=True):
        suffix[i] = suffix[i + 1] + gap
    distinct, times = np.unique(lengths, return_counts=True)
    places = np.searchsorted(gaps, distinct, side="left").tolist()
    squared = 0
    total = 0
    # Units of one length cost the same: work per distinct length, times how many there are.
    for n, many, i in zip(distinct.tolist(), times.tolist(), places, strict=True):
        squared += many * n * (n - 1)
        # (N_c − 1)(2n³ − 3n² + n)/3 is a whole number: n(n − 1)(2n − 1) is divisible by 6.
        cost = (n_c - 1) * (n * (n - 1) * (2 * n - 1)) // 3
        cost += n * n * (suffix[i] - (n - 1) * (len(gaps) - i))
        total += many * cost
    denominator = count * length * (count * length - 1) - squared
    d_e = Fraction(2 * total, length * denominator)
    if d_o == d_e:
        return 0.0
    return float(1 - d_o / d_e)


# -- the pairs ----------------------------------------------------------------------------------


Key = tuple[str, int, int]


def _made_before(a: Annotated, b: Annotated) -> bool:
    # A span without a time of making counts as made after those with one.
    return (a.created or "\uffff", a.order) < (b.created or "\uffff", b.order)


def _deduplicated(spans: Iterable[Annotated]) -> dict[Key, Annotated]:
    """An annotator's spans by place; of several at one place, the one made first."""
    spans = list(spans)
    keys = [(span.doc_id, span.start, span.end) for span in spans]
    kept: dict[Key, Annotated] = dict(zip(keys, spans, strict=True))
    if len(kept) == len(spans):
        return kept  # no two at one place
    kept = {}
    for key, span in zip(keys, spans, strict=True):
        old = kept.get(key)
        if old is None or _made_before(span, old):
            kept[key] = span
    return kept


class _Side(NamedTuple):
    """One annotator's spans over the articles of a pair, as arrays: each span's article (its
    place in the pair's list), start, end, and place among its article's spans."""

    doc: np.ndarray[Any, np.dtype[np.int64]]
    start: np.ndarray[Any, np.dtype[np.int64]]
    end: np.ndarray[Any, np.dtype[np.int64]]
    place: np.ndarray[Any, np.dtype[np.int64]]
    label: np.ndarray[Any, np.dtype[np.int64]]
    """The label's place in the pair's sorted labels."""


def _side(
    by_doc: Mapping[str, list[Annotated]], common: Sequence[str], labels: Mapping[str, int]
) -> _Side:
    spans = [s for doc_id in common for s in by_doc[doc_id]]
    sizes = np.array([len(by_doc[doc_id]) for doc_id in common], dtype=np.int64)
    doc = np.repeat(np.arange(len(common), dtype=np.int64), sizes)
    place = np.arange(len(spans), dtype=np.int64) - np.repeat(np.cumsum(sizes) - sizes, sizes)
    if not spans:
        return _Side(doc, place, place, place, place)
    _, _, starts, ends, names, *_ = zip(*spans, strict=True)
    return _Side(
        doc,
        np.array(starts, dtype=np.int64),
        np.array(ends, dtype=np.int64),
        place,
        np.array([labels[name] for name in names], dtype=np.int64),
    )


def _overlap_matches(a: _Side, b: _Side, articles: int) -> np.ndarray[Any, np.dtype[np.int64]]:
    """One-to-one matches of overlapping spans within each article, largest overlap first
    (then by B's start, A's start, B's place, A's place); how many in each article."""
    matched = np.zeros(articles, dtype=np.int64)
    if not len(a.start) or not len(b.start):
        return matched
    # The articles end to end, apart, so that spans of two articles never overlap.
    reach = np.zeros(articles, dtype=np.int64)
    np.maximum.at(reach, a.doc, a.end)
    np.maximum.at(reach, b.doc, b.end)
    base = np.cumsum(reach + 1) - (reach + 1)
    a_start, a_end = a.start + base[a.doc], a.end + base[a.doc]
    b_start, b_end = b.start + base[b.doc], b.end + base[b.doc]
    # For each span of A, the spans of B (by start) that start before it ends and come after
    # every span of B that ends before it starts: a run that holds all its overlaps.
    order = np.argsort(b_start, kind="stable")
    starts = b_start[order]
    reached = np.maximum.accumulate(b_end[order])
    low = np.searchsorted(reached, a_start, side="right")
    high = np.searchsorted(starts, a_end, side="left")
    counts = np.maximum(high - low, 0)
    i = np.repeat(np.arange(len(a_start)), counts)
    j = np.arange(int(counts.sum())) - np.repeat(np.cumsum(counts) - counts, counts)
    j = order[j + np.repeat(low, counts)]
    overlap = np.minimum(a_end[i], b_end[j]) - np.maximum(a_start[i], b_start[j])
    i, j, overlap = i[overlap > 0], j[overlap > 0], overlap[overlap > 0]
    ranked = np.lexsort((a.place[i], b.place[j], a_start[i], b_start[j], -overlap))
    used_a = bytearray(len(a_start))
    used_b = bytearray(len(b_start))
    taken = []
    for first, second in zip(i[ranked].tolist(), j[ranked].tolist(), strict=True):
        if not used_a[first] and not used_b[second]:
            used_a[first] = used_b[second] = 1
            taken.append(first)
    return np.bincount(a.doc[taken], minlength=articles).astype(np.int64)


def _normal_speaker(speaker: str | None) -> str | None:
    return " ".join(speaker.split()).casefold() if speaker else None


def _b3_f1(pairs: Sequence[tuple[Annotated, Annotated]]) -> float | None:
    """B-cubed F1 of A's groups against B's over matched spans (no group: a group of one)."""
    if not pairs:
        return None
    # Clusters as numbers: a group's number, or for a span in no group one of its own (< 0).
    numbers: dict[str, int] = {}
    cluster_a: list[int] = []
    cluster_b: list[int] = []
    for index, (a, b) in enumerate(pairs):
        cluster_a.append(numbers.setdefault("a" + a.group, len(numbers)) if a.group else ~index)
        cluster_b.append(numbers.setdefault("b" + b.group, len(numbers)) if b.group else ~index)
    size_a = Counter(cluster_a)
    size_b = Counter(cluster_b)
    both = Counter(zip(cluster_a, cluster_b, strict=True))
    # Each of the ``count`` spans in both clusters contributes count / |cluster|.
    precision = sum(count * count / size_a[ca] for (ca, _), count in both.items()) / len(pairs)
    recall = sum(count * count / size_b[cb] for (_, cb), count in both.items()) / len(pairs)
    if precision + recall == 0:
        return 0.0
    return 2 * precision * recall / (precision + recall)


def _alpha_units(side: _Side, label: int, offsets: np.ndarray[Any, np.dtype[np.int64]]) -> Units:
    """One annotator's units of one label, the articles end to end (``offsets``), as INCEpTION
    adds them to the study: by start, longest first; a span overlapping an earlier one (kept or
    not) is left out."""
    mine = side.label == label
    starts = side.start[mine] + offsets[side.doc[mine]]
    ends = side.end[mine] + offsets[side.doc[mine]]
    order = np.lexsort((-ends, starts))
    starts, ends = starts[order], ends[order]
    reach = np.concatenate(([-1], np.maximum.accumulate(ends)[:-1]))
    kept = starts >= reach
    return starts[kept], ends[kept]


def _pair(
    names: tuple[str, str],
    first: dict[Key, Annotated],
    second: dict[Key, Annotated],
    lengths: Mapping[str, int],
    titles: Mapping[str, str],
) -> PairAgreement:
    docs_a = {k[0] for k in first}
    docs_b = {k[0] for k in second}
    common = sorted(docs_a & docs_b)
    common_set = set(common)
    a_spans = {k: s for k, s in first.items() if k[0] in common_set}
    b_spans = {k: s for k, s in second.items() if k[0] in common_set}
    matched = [(a, b_spans[k]) for k, a in a_spans.items() if k in b_spans]

    by_doc_a: dict[str, list[Annotated]] = defaultdict(list)
    by_doc_b: dict[str, list[Annotated]] = defaultdict(list)
    for span in a_spans.values():
        by_doc_a[span.doc_id].append(span)
    for span in b_spans.values():
        by_doc_b[span.doc_id].append(span)
    matched_by_doc = Counter(a.doc_id for a, _ in matched)

    count_a = Counter(s.label for s in a_spans.values())
    count_b = Counter(s.label for s in b_spans.values())
    labels = sorted(count_a.keys() | count_b.keys())
    codes = {label: code for code, label in enumerate(labels)}
    side_a = _side(by_doc_a, common, codes)
    side_b = _side(by_doc_b, common, codes)
    overlaps_by_doc = _overlap_matches(side_a, side_b, len(common)).tolist()
    overlap_total = sum(overlaps_by_doc)

    per_article = []
    for doc_id, overlaps in zip(common, overlaps_by_doc, strict=True):
        total = len(by_doc_a[doc_id]) + len(by_doc_b[doc_id])
        per_article.append(
            ArticleAgreement(
                doc_id=doc_id,
                title=titles.get(doc_id, ""),
                spans=(len(by_doc_a[doc_id]), len(by_doc_b[doc_id])),
                exact_matches=matched_by_doc[doc_id],
                exact_f1=2 * matched_by_doc[doc_id] / total,
                overlap_f1=2 * overlaps / total,
            )
        )

    quotes = [(a, b) for a, b in matched if a.label == "quote" and b.label == "quote"]
    speakers = (
        sum(1 for a, b in quotes if _normal_speaker(a.speaker) == _normal_speaker(b.speaker))
        / len(quotes)
        if quotes
        else None
    )

    # alpha_u: the common articles end to end, in doc id order.
    reach = np.zeros(len(common), dtype=np.int64)
    np.maximum.at(reach, side_a.doc, side_a.end)
    np.maximum.at(reach, side_b.doc, side_b.end)
    known = _array(lengths.get(doc_id, 0) for doc_id in common)
    sizes = np.maximum(known, reach)
    offsets = np.cumsum(sizes) - sizes
    length = int(sizes.sum())
    same = Counter(a.label for a, b in matched if a.label == b.label)
    label_rows = []
    alphas: dict[str, float | None] = {}
    for code, label in enumerate(labels):
        units = [_alpha_units(side, code, offsets) for side in (side_a, side_b)]
        alphas[label] = _alpha_u(units, length)
        counts = (count_a[label], count_b[label])
        label_rows.append(
            LabelAgreement(label, counts, _f1(same[label], sum(counts)), alphas[label])
        )

    total = len(a_spans) + len(b_spans)
    return PairAgreement(
        annotators=names,
        articles=len(common),
        spans=(len(a_spans), len(b_spans)),
        exact_matches=len(matched),
        overlap_matches=overlap_total,
        exact_f1=_f1(len(matched), total),
        overlap_f1=_f1(overlap_total, total),
        label_kappa=cohen_kappa([(a.label, b.label) for a, b in matched]),
        speaker_agreement=speakers,
        matched_quotes=len(quotes),
        group_b3_f1=_b3_f1(matched),
        alpha_u=alphas,
        labels=label_rows,
        per_article=per_article,
    )


@_collector_paused()
def agreement(
    spans: Iterable[Annotated],
    *,
    lengths: Mapping[str, int] | None = None,
    titles: Mapping[str, str] | None = None,
    annotators: Sequence[str] | None = None,
) -> list[PairAgreement]:
    """The agreement of every pair of annotators, ordered by their names.

    ``lengths`` gives article lengths for ``alpha_u`` (an article missing there is measured up
    to its last annotated character); ``annotators`` limits the pairs to these names.
    """
    by_annotator: dict[str, list[Annotated]] = defaultdict(list)
    for span in spans:
        by_annotator[span.annotator].append(span)
    names = sorted(by_annotator)
    if annotators is not None:
        names = sorted(set(names) & set(annotators))
    deduplicated = {name: _deduplicated(by_annotator[name]) for name in names}
    return [
        _pair((a, b), deduplicated[a], deduplicated[b], lengths or {}, titles or {})
        for a, b in itertools.combinations(names, 2)
    ]


def to_json(pairs: Sequence[PairAgreement]) -> str:
    """The ``agree --json`` output: one object with ``pairs``."""
    return json.dumps({"pairs": [pair.to_json() for pair in pairs]}, ensure_ascii=False)
