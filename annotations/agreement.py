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

import gc
import itertools
import json
from bisect import bisect_left
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

import msgspec

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


def _lines(handle: Any) -> Iterator[bytes]:
    # As the importer reads: at most MAX_LINE_BYTES + 1 of a line, the rest of it skipped.
    while True:
        line = handle.readline(MAX_LINE_BYTES + 1)
        if not line:
            return
        if len(line) > MAX_LINE_BYTES and not line.endswith(b"\n"):
            while True:
                more = handle.readline(MAX_LINE_BYTES)
                if not more or more.endswith(b"\n"):
                    break
        yield line


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
    lines = data.split(b"\n")
    if lines and not lines[-1]:
        lines.pop()
    if not lines or max(map(len, lines)) >= MAX_LINE_BYTES or not all(lines):
        return None
    try:
        # One JSON array of every line: a line that is not one JSON value breaks the array.
        records = _DECODER.decode(b"[" + b",".join(lines) + b"]")
    except (msgspec.DecodeError, RecursionError):
        return None
    if len(records) != len(lines):
        return None
    spans: list[Annotated] = []
    append = spans.append
    titles: list[_Line] = []
    seen = set(shared)
    orphans = 0
    stem = path.stem
    for record in records:
        doc_id, start, end, label = record.doc_id, record.start, record.end, record.label
        if not (doc_id and label and 0 <= start < end):
            return None
        if record.anchor == "orphaned":
            orphans += 1
            continue
        order += 1
        attributes = record.attributes
        append(
            Annotated(
                record.annotator or stem,
                doc_id,
                start,
                end,
                label,
                _speaker(attributes) if attributes else None,
                record.group,
                record.created or "",
                order,
            )
        )
        if doc_id not in seen:
            seen.add(doc_id)
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
        from .jsonl import LineProblem, read_lines

        with handle:
            try:
                for number, item in read_lines(_lines(handle)):
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


def _gaps(units: Sequence[tuple[int, int]], length: int) -> list[int]:
    """The lengths of the stretches of ``[0, length)`` that no unit covers (units sorted, apart)."""
    gaps = []
    position = 0
    for start, end in units:
        if start > position:
            gaps.append(start - position)
        position = end
    if length > position:
        gaps.append(length - position)
    return gaps


def _observed(first: Sequence[tuple[int, int]], second: Sequence[tuple[int, int]]) -> int:
    """Σ of DKPro's distances between two raters' segments, times nothing (the caller scales).

    Overlapping units cost the squares of the differences of their starts and of their ends; a
    unit that lies wholly in the other rater's gap costs the square of its length.
    """
    total = 0
    touched_first = [False] * len(first)
    touched_second = [False] * len(second)
    j0 = 0
    for i, (start, end) in enumerate(first):
        while j0 < len(second) and second[j0][1] <= start:
            j0 += 1
        j = j0
        while j < len(second) and second[j][0] < end:
            other_start, other_end = second[j]
            if other_end > start:
                total += (start - other_start) ** 2 + (end - other_end) ** 2
                touched_first[i] = True
                touched_second[j] = True
            j += 1
    for flags, units in ((touched_first, first), (touched_second, second)):
        for touched, (start, end) in zip(flags, units, strict=True):
            if not touched:
                total += (end - start) ** 2
    return total


def alpha_u(raters: Sequence[Sequence[tuple[int, int]]], length: int) -> float | None:
    """Krippendorff's unitizing alpha of one category over the continuum ``[0, length)``.

    ``raters`` holds each rater's units of the category as (start, end), sorted and not
    overlapping. Computed as DKPro Agreement's ``KrippendorffAlphaUnitizingAgreement`` computes
    ``calculateCategoryAgreement``: 1 − D_O / D_E, and 0.0 when D_O = D_E. None when no rater
    has a unit (nothing to agree on) or there are fewer than two raters.
    """
    count = len(raters)
    if count < 2 or length <= 0 or not any(raters):
        return None
    observed = sum(_observed(a, b) for a, b in itertools.combinations(raters, 2))
    d_o = Fraction(2 * observed, count * (count - 1) * length * length)

    lengths = [end - start for units in raters for start, end in units]
    n_c = len(lengths)
    squared = sum(n * (n - 1) for n in lengths)
    gaps = sorted(g for units in raters for g in _gaps(units, length))
    suffix = [0] * (len(gaps) + 1)
    for i in range(len(gaps) - 1, -1, -1):
        suffix[i] = suffix[i + 1] + gaps[i]
    total = 0
    # Units of one length cost the same: work per distinct length, times how many there are.
    for n, times in Counter(lengths).items():
        # (N_c − 1)(2n³ − 3n² + n)/3 is a whole number: n(n − 1)(2n − 1) is divisible by 6.
        cost = (n_c - 1) * (n * (n - 1) * (2 * n - 1)) // 3
        i = bisect_left(gaps, n)
        cost += n * n * (suffix[i] - (n - 1) * (len(gaps) - i))
        total += times * cost
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
    kept: dict[Key, Annotated] = {}
    for span in spans:
        key = (span.doc_id, span.start, span.end)
        old = kept.get(key)
        if old is None or _made_before(span, old):
            kept[key] = span
    return kept


def _overlap_matches(first: Sequence[Annotated], second: Sequence[Annotated]) -> int:
    """One-to-one matches of overlapping spans of one article, largest overlap first."""
    a = sorted((s.start, s.end, i) for i, s in enumerate(first))
    b = sorted((s.start, s.end, j) for j, s in enumerate(second))
    candidates: list[tuple[int, int, int, int, int]] = []
    # A sweep over both in order of start: each span meets the other side's spans still open.
    open_a: list[tuple[int, int, int]] = []
    open_b: list[tuple[int, int, int]] = []
    ai = bi = 0
    while ai < len(a) or bi < len(b):
        if bi >= len(b) or (ai < len(a) and a[ai][0] <= b[bi][0]):
            start, end, i = a[ai]
            ai += 1
            open_b = [o for o in open_b if o[1] > start]
            for b_start, b_end, j in open_b:
                candidates.append((start - min(end, b_end), b_start, start, j, i))
            open_a.append((start, end, i))
        else:
            start, end, j = b[bi]
            bi += 1
            open_a = [o for o in open_a if o[1] > start]
            for a_start, a_end, i in open_a:
                candidates.append((start - min(end, a_end), start, a_start, j, i))
            open_b.append((start, end, j))
    # Largest overlap first (the first field is minus the overlap), then by place.
    candidates.sort()
    used_a: set[int] = set()
    used_b: set[int] = set()
    for _overlap, _b_start, _a_start, j, i in candidates:
        if i not in used_a and j not in used_b:
            used_a.add(i)
            used_b.add(j)
    return len(used_a)


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


def _alpha_units(spans: Iterable[Annotated], offset: int) -> list[tuple[int, int]]:
    """One annotator's units of one label in one article, as INCEpTION adds them to the study:
    by start, longest first; a span overlapping an earlier one (kept or not) is left out."""
    units = []
    reach = -1
    for start, negative_end in sorted((s.start, -s.end) for s in spans):
        if start >= reach:
            units.append((start + offset, offset - negative_end))
        reach = max(reach, -negative_end)
    return units


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
    matched = [(a_spans[k], b_spans[k]) for k in sorted(a_spans.keys() & b_spans.keys())]

    by_doc_a: dict[str, list[Annotated]] = defaultdict(list)
    by_doc_b: dict[str, list[Annotated]] = defaultdict(list)
    for span in a_spans.values():
        by_doc_a[span.doc_id].append(span)
    for span in b_spans.values():
        by_doc_b[span.doc_id].append(span)
    matched_by_doc = Counter(a.doc_id for a, _ in matched)

    per_article = []
    overlap_total = 0
    for doc_id in common:
        overlaps = _overlap_matches(by_doc_a[doc_id], by_doc_b[doc_id])
        overlap_total += overlaps
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
    offsets: dict[str, int] = {}
    length = 0
    for doc_id in common:
        offsets[doc_id] = length
        last = max(s.end for s in (*by_doc_a[doc_id], *by_doc_b[doc_id]))
        length += max(lengths.get(doc_id, 0), last)
    # Each annotator's spans by label, then by article.
    by_label: list[dict[str, dict[str, list[Annotated]]]] = []
    for spans_by_doc in (by_doc_a, by_doc_b):
        grouped: dict[str, dict[str, list[Annotated]]] = defaultdict(lambda: defaultdict(list))
        for doc_id in common:
            for s in spans_by_doc[doc_id]:
                grouped[s.label][doc_id].append(s)
        by_label.append(grouped)
    count_a = Counter(s.label for s in a_spans.values())
    count_b = Counter(s.label for s in b_spans.values())
    same = Counter(a.label for a, b in matched if a.label == b.label)
    label_rows = []
    alphas: dict[str, float | None] = {}
    for label in sorted(count_a.keys() | count_b.keys()):
        units = []
        for grouped in by_label:
            rater: list[tuple[int, int]] = []
            for doc_id, spans in sorted(grouped.get(label, {}).items()):
                rater.extend(_alpha_units(spans, offsets[doc_id]))
            units.append(rater)
        alphas[label] = alpha_u(units, length)
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
