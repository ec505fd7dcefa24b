"""Cross-outlet linking: for a passage in one article, the passages in the others that say it.

The corpus is cut into *units*: every sentence, every detected quote (a quote split by its
attribution counts as one), and every annotated span. An inverted index maps each informative
word (lower-cased, lightly stemmed, function words left out) to the units that hold it, so a
query only looks at units that share a rare enough word with it; the cost of a query follows the
length of those few posting lists, not the size of the corpus.

The units that share the most informative weight with the query (IDF-weighted overlap) make a
short list, which is then scored precisely with rapidfuzz and the overlap:

- ``cosine``: IDF-weighted cosine of the two word sets (the same statement in other words);
- ``cover``: the share of the smaller side's weight found in the larger (a short claim inside a
  long sentence, or a sentence that paraphrases part of a long quote), trusted only when the
  smaller side holds a few informative words;
- ``fuzzy``: rapidfuzz ``token_sort_ratio`` of the two texts (word order and spelling).

The score, 0 to 100, is ``100 * (0.65 * max(cosine, 0.9 * cover * trust) + 0.35 * fuzzy)``.
"""

from __future__ import annotations

import heapq
import math
import re
import sys
from array import array
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from operator import itemgetter
from typing import TYPE_CHECKING

from rapidfuzz import fuzz, process, utils

from .model import Passage, Span

if TYPE_CHECKING:
    from newsreader.corpus import Document

    from .store import Store

DEFAULT_MIN_SCORE = 45.0
"""Candidates at or above this score are proposed as links (``align`` and the link panel)."""

FUZZY_SCORER = fuzz.token_sort_ratio
"""The rapidfuzz scorer of the score's fuzzy part (``aligning`` computes it the same way)."""

LEXICAL_SHARE = 0.65
"""The share of the score given by the words shared (the rest is ``FUZZY_SCORER``'s)."""

COVER_SHARE = 0.9
"""How much a passage found inside a longer one (``cover``) counts beside the cosine."""

TRUST_WORDS = 4
"""``cover`` is trusted fully once this many informative words are shared."""

MIN_TERMS = 2
"""Sentences and quotes with fewer informative words than this are not candidates."""

SHORTLIST = 32
"""How many units, by shared informative weight, are scored precisely for one query."""

MAX_POSTINGS = 1500
"""A word in more units than this (or than 2% of them) is too common to open its posting list."""

MAX_OPENED = 8
"""At most this many of a query's rarest words (or half of them, for long queries) open their
posting lists."""

KIND_ORDER = {"annotation": 0, "quote": 1, "sentence": 2}
"""At equal scores: an existing annotation first, then a detected quote, then a sentence."""

STOPWORDS = frozenset(
    """a about above after again against all am an and any are as at be because been before
    being below between both but by could did do does doing down during each few for from
    further had has have having he her here hers herself him himself his how i if in into is it
    its itself just me more most my myself nor of off on once only or other our ours ourselves
    out over own same she should so some such than that the their theirs them themselves then
    there these they this those through to too under until up very was we were what when where
    which while who whom why will with would you your yours yourself yourselves also s t can
    one two its mr mrs ms via""".split()
)

_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")
_CONTRACTIONS = (
    ("won't", "will not"),
    ("can't", "can not"),
    ("n't", " not"),
    ("'ve", " have"),
    ("'re", " are"),
    ("'ll", " will"),
    ("'m", " am"),
    ("'d", " would"),
)


def stem(word: str) -> str:
    """A light suffix-stripper: coordinating, coordinated, coordinates → coordinat."""
    if len(word) <= 4 or word.isdigit():
        return word
    for suffix in ("ations", "ation", "ings", "ing", "edly", "ed", "ies", "es", "ly", "s", "e"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            return word[: -len(suffix)] + ("y" if suffix == "ies" else "")
    return word


_TERM_OF: dict[str, str] = {}
"""Memo of word → term (stemmed, or "" for a function word); words repeat a great deal."""


def _term(word: str) -> str:
    term = _TERM_OF.get(word)
    if term is None:
        bare = word[:-2] if word.endswith("'s") else word
        bare = bare.replace("'", "")
        term = "" if not bare or bare in STOPWORDS else sys.intern(stem(bare))
        if len(_TERM_OF) < 500_000:
            _TERM_OF[word] = term
    return term


def terms(text: str) -> list[str]:
    """The informative words of ``text``, stemmed, in order (repeats kept)."""
    lowered = text.lower().replace("’", "'")
    if "'" in lowered:
        for contraction, expansion in _CONTRACTIONS:
            lowered = lowered.replace(contraction, expansion)
    return [t for t in map(_term, _WORD.findall(lowered)) if t]


def unit_terms(text: str) -> tuple[str, ...]:
    """The distinct informative words of ``text``, in order of first use (interned)."""
    return tuple(sys.intern(w) for w in dict.fromkeys(terms(text)))


def _in_boilerplate(start: int, end: int, boiler: Sequence[tuple[int, int]]) -> bool:
    return any(b_start <= start and end <= b_end for b_start, b_end in boiler)


@dataclass(frozen=True, slots=True)
class Unit:
    """A passage that can be a candidate: a sentence, a detected quote or an annotated span."""

    doc_id: str
    start: int
    end: int
    kind: str
    span_id: str | None = None


def document_units(doc: Document) -> Iterator[tuple[Unit, tuple[str, ...]]]:
    """The units of an article with their words: its sentences and detected quotes (a quote
    split by its attribution counted whole), leaving out those in boilerplate (share buttons,
    comment forms, link lists), which are neither sources nor targets, and sentences and quotes
    with fewer than ``MIN_TERMS`` informative words."""
    boiler = doc.boilerplate
    text = doc.text
    for start, end in doc.sentences:
        if not _in_boilerplate(start, end, boiler):
            words = unit_terms(text[start:end])
            if len(words) >= MIN_TERMS:
                yield Unit(doc.id, start, end, "sentence"), words
    quotes = doc.quotes
    for index, quote in enumerate(quotes):
        if quote.continues is not None:
            continue
        end = quote.end
        # A quote split by its attribution ("…," he said, "…") is one statement.
        for later in quotes[index + 1 :]:
            if later.continues is not None and later.start >= end:
                end = later.end
            elif later.continues is None:
                break
        if _in_boilerplate(quote.start, end, boiler):
            continue
        words = unit_terms(text[quote.start : end])
        if len(words) >= MIN_TERMS:
            yield Unit(doc.id, quote.start, end, "quote"), words


@dataclass(frozen=True)
class Candidate:
    """A passage in another article that may carry the same statement, with its score."""

    doc_id: str
    start: int
    end: int
    text: str
    score: float
    kind: str
    span_id: str | None = None
    """The annotation this candidate is, when it is one."""
    in_group: bool = False
    """True when the passage is already linked to the query span (a member of its group)."""

    @property
    def passage(self) -> Passage:
        return Passage(self.doc_id, self.start, self.end)


@dataclass
class Linker:
    """An index of units over a growing set of articles, answering ranked candidate queries.

    Units live in parallel lists (no object per unit beyond a small ``Unit``), and their text is
    read from the article when needed, so that the index of 100k sentences stays small.
    """

    min_score: float = DEFAULT_MIN_SCORE
    documents: dict[str, Document] = field(default_factory=dict)
    _units: list[Unit] = field(default_factory=list)
    _terms: list[tuple[str, ...]] = field(default_factory=list)
    _living: bytearray = field(default_factory=bytearray)
    _doc_of: list[str] = field(default_factory=list)
    _norm: list[float] = field(default_factory=list)
    _weights: list[float] = field(default_factory=list)
    _weighed: list[int] = field(default_factory=list)
    _span_text: dict[int, str] = field(default_factory=dict)
    _postings: dict[str, array[int]] = field(default_factory=dict)
    _df: dict[str, int] = field(default_factory=dict)
    _by_doc: dict[str, list[int]] = field(default_factory=dict)
    _spans: dict[str, int] = field(default_factory=dict)
    _alive: int = 0
    _generation: int = 0
    _idf_cache: dict[str, float] = field(default_factory=dict)
    _own_cache: dict[str, tuple[int, dict[str, int]]] = field(default_factory=dict)
    _positions: tuple[int, dict[str, int]] = (-1, {})

    # -- building ------------------------------------------------------------------------

    def add_document(self, doc: Document) -> None:
        """Index an article's sentences and detected quotes outside boilerplate (replacing an
        older version)."""
        if doc.id in self._by_doc:
            self.remove_document(doc.id)
        self.documents[doc.id] = doc
        self._by_doc[doc.id] = []
        for unit, words in document_units(doc):
            self._add(unit, words)

    def add_documents(self, docs: Iterable[Document]) -> None:
        """Index several articles."""
        for doc in docs:
            self.add_document(doc)

    def add_span(self, span: Span) -> None:
        """Index an annotated span (replacing its older version)."""
        if span.id in self._spans:
            self.remove_span(span.id)
        if span.orphaned:
            return
        unit = Unit(span.doc_id, span.start, span.end, "annotation", span.id)
        self._by_doc.setdefault(span.doc_id, [])
        index = self._add(unit, unit_terms(span.text), always=True)
        if index is not None:
            self._spans[span.id] = index
            self._span_text[index] = span.text

    def remove_span(self, span_id: str) -> None:
        """Forget an annotated span (deleted, or about to be replaced)."""
        index = self._spans.pop(span_id, None)
        if index is not None:
            self._kill(index)
            self._span_text.pop(index, None)

    def sync_spans(self, spans: Iterable[Span]) -> None:
        """Make the indexed annotations exactly ``spans`` (after undo, import or re-anchoring)."""
        wanted = {s.id: s for s in spans if not s.orphaned}
        for span_id in list(self._spans):
            index = self._spans[span_id]
            unit = self._units[index]
            span = wanted.get(span_id)
            if (
                span is None
                or (unit.start, unit.end) != (span.start, span.end)
                or self._span_text.get(index) != span.text
            ):
                self.remove_span(span_id)
        for span_id, span in wanted.items():
            if span_id not in self._spans:
                self.add_span(span)

    def remove_document(self, doc_id: str) -> None:
        """Forget an article and everything indexed in it."""
        for index in self._by_doc.pop(doc_id, []):
            self._kill(index)
        self._spans = {k: v for k, v in self._spans.items() if self._living[v]}
        self.documents.pop(doc_id, None)

    def _add(self, unit: Unit, words: tuple[str, ...], always: bool = False) -> int | None:
        if len(words) < MIN_TERMS and not always:
            return None  # "1.", "Advertisement", a lone name: not a statement
        index = len(self._units)
        self._units.append(unit)
        self._terms.append(words)
        self._living.append(1)
        self._doc_of.append(unit.doc_id)
        self._norm.append(1 / math.sqrt(len(words) + 1))
        self._weights.append(0.0)
        self._weighed.append(-1)
        self._by_doc.setdefault(unit.doc_id, []).append(index)
        for word in words:
            postings = self._postings.get(word)
            if postings is None:
                postings = self._postings[word] = array("i")
            postings.append(index)
            self._df[word] = self._df.get(word, 0) + 1
        self._alive += 1
        self._changed()
        return index

    def _changed(self) -> None:
        # IDF depends on the whole index: cached values hold until the index changes.
        self._generation += 1
        if self._idf_cache:
            self._idf_cache = {}

    def _kill(self, index: int) -> None:
        if not self._living[index]:
            return
        self._living[index] = 0
        self._alive -= 1
        for word in self._terms[index]:
            self._df[word] -= 1
        self._changed()
        # Posting lists keep the dead index; it is skipped when read.

    def __len__(self) -> int:
        return self._alive

    def _text(self, index: int) -> str:
        text = self._span_text.get(index)
        if text is not None:
            return text
        unit = self._units[index]
        return self.documents[unit.doc_id].text[unit.start : unit.end]

    # -- querying ------------------------------------------------------------------------

    def _idf(self, word: str) -> float:
        value = self._idf_cache.get(word)
        if value is None:
            value = math.log((self._alive + 1) / (self._df.get(word, 0) + 0.5))
            self._idf_cache[word] = value
        return value

    def _own_terms(self, doc_id: str) -> dict[str, int]:
        """How many of an article's units hold each word (cached until the index changes)."""
        cached = self._own_cache.get(doc_id)
        if cached is not None and cached[0] == self._generation:
            return cached[1]
        counts: dict[str, int] = {}
        for index in self._by_doc.get(doc_id, ()):
            if self._living[index]:
                for word in self._terms[index]:
                    counts[word] = counts.get(word, 0) + 1
        if len(self._own_cache) > 256:
            self._own_cache.clear()
        self._own_cache[doc_id] = (self._generation, counts)
        return counts

    def _weight(self, index: int) -> float:
        if self._weighed[index] != self._generation:
            idf = self._idf
            self._weights[index] = sum(idf(w) ** 2 for w in self._terms[index])
            self._weighed[index] = self._generation
        return self._weights[index]

    def candidates(
        self,
        doc_id: str,
        start: int,
        end: int,
        *,
        text: str | None = None,
        top_k: int = 10,
        min_score: float = 0.0,
        store: Store | None = None,
        span_id: str | None = None,
    ) -> list[Candidate]:
        """The passages in other articles that may carry the statement at ``doc_id[start:end]``.

        Ranked by score (0-100), then annotations before quotes before sentences, then by
        article and place. With a ``store``: passages the user rejected for this one are left
        out, and members of the span's statement group are marked ``in_group``.
        """
        if text is None:
            doc = self.documents.get(doc_id)
            if doc is None:
                raise KeyError(f"article {doc_id} is not indexed")
            text = doc.text[start:end]
        return self._query(
            doc_id, start, end, text, frozenset(terms(text)), top_k, min_score, store, span_id
        )

    def _query(
        self,
        doc_id: str,
        start: int,
        end: int,
        text: str,
        query_terms: frozenset[str],
        top_k: int,
        min_score: float,
        store: Store | None,
        span_id: str | None,
    ) -> list[Candidate]:
        if not query_terms:
            return []
        idf = {word: self._idf(word) for word in query_terms}
        weight_q = sum(w * w for w in idf.values())
        # Only informative words open posting lists, and only the rarest few of them: the cost
        # of a query follows those short lists, not the size of the corpus.
        limit = min(MAX_POSTINGS, max(100, int(0.02 * self._alive)))
        df = self._df
        own = self._own_terms(doc_id)
        # Words found only in this article cannot lead to another one.
        useful = [w for w in query_terms if df.get(w, 0) > own.get(w, 0)]
        ordered = sorted(useful, key=lambda w: (df.get(w, 0) - own.get(w, 0), w))
        most = max(MAX_OPENED, len(ordered) // 2)
        opening = [w for w in ordered if df.get(w, 0) <= limit][:most] or ordered[:2]
        shared: dict[int, float] = {}
        get = shared.get
        for word in opening:
            postings = self._postings.get(word)
            if not postings:
                continue
            gain = idf[word] * idf[word]
            for index in postings:
                shared[index] = get(index, 0.0) + gain
        own_units = self._by_doc.get(doc_id, ())  # the query's own article is left out
        if len(own_units) <= len(shared):
            for index in own_units:
                shared.pop(index, None)
        else:
            doc_of = self._doc_of
            shared = {i: g for i, g in shared.items() if doc_of[i] != doc_id}
        # The most shared weight first (in C), then favour units that are not merely long.
        wanted = max(SHORTLIST, top_k * 4)
        norm, living = self._norm, self._living
        rough = heapq.nlargest(3 * wanted, shared.items(), key=itemgetter(1))
        ranked = heapq.nlargest(wanted, ((g * norm[i], i) for i, g in rough if living[i]))
        chosen = [i for _, i in ranked]
        if not chosen:
            return []
        texts = [self._text(i) for i in chosen]
        fuzzy = [0.0] * len(chosen)
        for _, fuzz_score, position in process.extract(
            utils.default_process(text),
            [utils.default_process(t) for t in texts],
            scorer=FUZZY_SCORER,
            processor=None,
            limit=None,
        ):
            fuzzy[position] = fuzz_score
        scored: list[tuple[float, int, str]] = []
        for position, index in enumerate(chosen):
            weight_u = self._weight(index)
            if not weight_u:
                continue
            both = query_terms.intersection(self._terms[index])
            common = sum(idf[w] * idf[w] for w in both)
            cosine = common / math.sqrt(weight_q * weight_u)
            cover = common / min(weight_q, weight_u)
            trust = min(1.0, len(both) / TRUST_WORDS)
            lexical = max(cosine, COVER_SHARE * cover * trust)
            score = 100 * (
                LEXICAL_SHARE * lexical + (1 - LEXICAL_SHARE) * float(fuzzy[position]) / 100
            )
            scored.append((score, index, texts[position]))
        return self._finish(scored, doc_id, start, end, top_k, min_score, store, span_id)

    def _finish(
        self,
        scored: list[tuple[float, int, str]],
        doc_id: str,
        start: int,
        end: int,
        top_k: int,
        min_score: float,
        store: Store | None,
        span_id: str | None,
    ) -> list[Candidate]:
        if self._positions[0] != len(self.documents):
            self._positions = (len(self.documents), {d: i for i, d in enumerate(self.documents)})
        position = self._positions[1]
        units = self._units
        scored.sort(
            key=lambda item: (
                -round(item[0], 1),
                KIND_ORDER[units[item[1]].kind],
                position.get(units[item[1]].doc_id, len(position)),
                units[item[1]].start,
                units[item[1]].end,
            )
        )
        group_members: set[str] = set()
        group_passages: list[Passage] = []
        if store is not None and span_id is not None:
            group = store.group_of(span_id)
            if group is not None:
                group_members = set(group.members)
                for member in group.members:
                    span = store.span(member)
                    if span is not None:
                        group_passages.append(Passage(span.doc_id, span.start, span.end))
        source = Passage(doc_id, start, end)
        out: list[Candidate] = []
        for score, index, text in scored:
            if score < min_score or len(out) >= top_k:
                break
            unit = units[index]
            passage = Passage(unit.doc_id, unit.start, unit.end)
            if store is not None and store.is_rejected_link(source, passage):
                continue
            # The same place found as a sentence, a quote and an annotation: keep the first.
            if any(_same_place(passage, c.passage) for c in out):
                continue
            in_group = unit.span_id in group_members or any(
                _same_place(passage, member) for member in group_passages
            )
            out.append(
                Candidate(
                    unit.doc_id,
                    unit.start,
                    unit.end,
                    text,
                    round(score, 1),
                    unit.kind,
                    unit.span_id,
                    in_group,
                )
            )
        return out

    def sentences_of(self, doc_id: str) -> Sequence[tuple[int, int]]:
        """The sentences of an indexed article."""
        doc = self.documents.get(doc_id)
        return doc.sentences if doc else ()


def statement_sentences(doc: Document) -> list[tuple[int, int]]:
    """The sentences of ``doc`` that can carry a statement: outside boilerplate (share buttons,
    comment forms, link lists), with at least ``MIN_TERMS`` informative words."""
    boiler = doc.boilerplate
    out = []
    for start, end in doc.sentences:
        if any(b_start <= start and end <= b_end for b_start, b_end in boiler):
            continue
        if len(set(terms(doc.text[start:end]))) < MIN_TERMS:
            continue
        out.append((start, end))
    return out


def _same_place(a: Passage, b: Passage) -> bool:
    if a.doc_id != b.doc_id:
        return False
    overlap = min(a.end, b.end) - max(a.start, b.start)
    if overlap <= 0:
        return False
    return overlap / (max(a.end, b.end) - min(a.start, b.start)) >= 0.8


@dataclass(frozen=True)
class Alignment:
    """A sentence of one article and its best candidates in the others."""

    doc_id: str
    start: int
    end: int
    text: str
    candidates: list[Candidate]


def align(
    documents: Sequence[Document],
    *,
    top_k: int = 3,
    min_score: float = DEFAULT_MIN_SCORE,
    progress: Callable[[str, int, int], None] | None = None,
    workers: int = 1,
) -> Iterator[Alignment]:
    """For every sentence of every article, its best candidates in the other articles.

    Scores are those ``Linker.candidates`` gives over the same articles. The articles are
    indexed first (``progress("index", done, total)``), then the sentences are matched in chunks
    (``progress("align", done, total)``, counting sentences). Sentences without a candidate
    scoring at least ``min_score`` are still yielded, with no candidates; so are boilerplate
    sentences and sentences too short to be a statement, which are not matched. With ``workers``
    > 1 (where processes can be forked), the chunks are shared out among that many processes;
    results come in the same order, as they are found (see ``aligning``).
    """
    from .aligning import align_documents

    return align_documents(
        documents, top_k=top_k, min_score=min_score, progress=progress, workers=workers
    )
