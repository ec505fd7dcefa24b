"""Cross-outlet linking: for a passage in one article, the passages in the others that say it.

The corpus is cut into *units*: every sentence, every detected quote (a quote split by its
attribution counts as one), and every annotated span, leaving out boilerplate. A unit is a
TF-IDF vector over its *features*: its informative words (lower-cased, lightly stemmed, function
words left out) and the pairs of them that follow each other ("prime minister", "7.8 magnitude"),
each weighted by how rare it is in the corpus (smoothed IDF, word pairs at ``BIGRAM_WEIGHT``), so
names, numbers and rare words decide and topic words barely count.

A query proposes candidates by its rarest features only (an inverted index; see
``proposing_df``), so its cost follows ``PROPOSAL_BUDGET``, not the size of the corpus. The
``SHORTLIST`` units sharing the most weight on those features get their exact cosine; the
``RERANK`` best by cosine are re-ranked with rapidfuzz:

    score = 100 * (LEXICAL_SHARE * cosine + (1 - LEXICAL_SHARE) * fuzz.ratio / 100)

where ``fuzz.ratio`` compares the two texts after ``utils.default_process`` (spelling and word
order). ``align`` (``aligning``) computes the same score for every sentence at once with sparse
matrix products.
"""

from __future__ import annotations

import heapq
import math
import re
import sys
from array import array
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import pairwise
from typing import TYPE_CHECKING

from rapidfuzz import fuzz, process, utils

from .model import Passage, Span

if TYPE_CHECKING:
    from newsreader.corpus import Document

    from .store import Store

DEFAULT_MIN_SCORE = 45.0
"""Candidates at or above this score are proposed as links (``align`` and the link panel)."""

FUZZY_SCORER = fuzz.ratio
"""The rapidfuzz scorer of the score's fuzzy part, over ``utils.default_process``ed texts."""

LEXICAL_SHARE = 0.65
"""The share of the score given by the TF-IDF cosine (the rest is ``FUZZY_SCORER``'s)."""

BIGRAM_WEIGHT = 0.3
"""How much a pair of consecutive informative words weighs beside a word of the same rarity."""

MIN_TERMS = 2
"""Sentences and quotes with fewer informative words than this are not candidates."""

SHORTLIST = 32
"""How many units, by the weight shared on proposing features, get their exact cosine."""

RERANK = 10
"""How many units, best by cosine, are re-ranked with rapidfuzz for one query."""

PROPOSAL_BUDGET = 1000
"""A query's features propose candidates rarest first, as long as their posting lists hold at
most this many units together (the rarest always propose): see ``proposing_df``."""

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
"""Memo of word → term (stemmed, or "" for a function word); words repeat a great deal. Emptied
when it reaches ``TERM_MEMO`` words, so a long-lived process (a ``prepare`` worker) holds at
most that many, and the common words are soon back in it."""

TERM_MEMO = 1 << 17
"""Words the memo holds at most (about 15 MB)."""


def _term(word: str) -> str:
    term = _TERM_OF.get(word)
    if term is None:
        bare = word[:-2] if word.endswith("'s") else word
        bare = bare.replace("'", "")
        term = "" if not bare or bare in STOPWORDS else sys.intern(stem(bare))
        if len(_TERM_OF) >= TERM_MEMO:
            _TERM_OF.clear()
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


def features(text: str) -> tuple[str, ...]:
    """The distinct features of ``text``: its informative words, then the pairs of consecutive
    ones ("prime minister"; a space inside marks a pair), each once."""
    return counted_features(text)[0]


def counted_features(text: str) -> tuple[tuple[str, ...], int]:
    """``features`` of ``text`` and how many of them are words."""
    words = terms(text)
    found = dict.fromkeys(words)
    count = len(found)
    found.update(dict.fromkeys(map(" ".join, pairwise(words))))
    return tuple(found), count


def word_count(feats: Sequence[str]) -> int:
    """How many of ``features`` are words (not pairs)."""
    return sum(1 for f in feats if " " not in f)


def feature_weight(feature: str, df: int, units: int) -> float:
    """The TF-IDF weight of a feature found in ``df`` of ``units`` units (smoothed IDF, as
    scikit-learn's; a word pair counts ``BIGRAM_WEIGHT`` of a word)."""
    idf = math.log((units + 1) / (df + 1)) + 1
    return idf * BIGRAM_WEIGHT if " " in feature else idf


def proposing_df(dfs: Sequence[int], budget: int = PROPOSAL_BUDGET) -> int:
    """The highest document frequency among a query's features that still proposes candidates.

    Features propose rarest first, a whole level of equal frequency at a time, while the
    postings opened hold at most ``budget`` units in all; the rarest level always proposes.
    A feature proposes when its frequency is at most the value returned.
    """
    levels: dict[int, int] = {}
    for df in dfs:
        if df > 0:
            levels[df] = levels.get(df, 0) + df
    spent = 0
    chosen = 0
    for df in sorted(levels):
        spent += levels[df]
        if chosen and spent > budget:
            break
        chosen = df
    return chosen


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
    """The units of an article with their ``features``: its sentences and detected quotes (a quote
    split by its attribution counted whole), leaving out those in boilerplate (share buttons,
    comment forms, link lists), which are neither sources nor targets, and sentences and quotes
    with fewer than ``MIN_TERMS`` informative words."""
    boiler = doc.boilerplate
    text = doc.text
    for start, end in doc.sentences:
        if not _in_boilerplate(start, end, boiler):
            feats, count = counted_features(text[start:end])
            if count >= MIN_TERMS:
                yield Unit(doc.id, start, end, "sentence"), feats
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
        feats, count = counted_features(text[quote.start : end])
        if count >= MIN_TERMS:
            yield Unit(doc.id, quote.start, end, "quote"), feats


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
        index = self._add(unit, features(span.text), always=True)
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
        if word_count(words) < MIN_TERMS and not always:
            return None  # "1.", "Advertisement", a lone name: not a statement
        index = len(self._units)
        self._units.append(unit)
        self._terms.append(words)
        self._living.append(1)
        self._doc_of.append(unit.doc_id)
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

    def _idf(self, feature: str) -> float:
        """The feature's TF-IDF weight over the living units (cached until the index changes)."""
        value = self._idf_cache.get(feature)
        if value is None:
            value = feature_weight(feature, self._df.get(feature, 0), self._alive)
            self._idf_cache[feature] = value
        return value

    def _weight(self, index: int) -> float:
        """The squared length of a unit's vector (cached until the index changes)."""
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
            doc_id, start, end, text, frozenset(features(text)), top_k, min_score, store, span_id
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
        idf = {feature: self._idf(feature) for feature in query_terms}
        length_q = math.sqrt(sum(w * w for w in idf.values()))
        df = self._df
        # Only the rarest features open their posting lists: the cost of a query follows
        # PROPOSAL_BUDGET, not the size of the corpus.
        highest = proposing_df([df.get(f, 0) for f in query_terms])
        shared: dict[int, float] = {}
        get = shared.get
        for feature in sorted(query_terms):
            postings = self._postings.get(feature)
            if not postings or df.get(feature, 0) > highest:
                continue
            gain = idf[feature] * idf[feature]
            for index in postings:
                shared[index] = get(index, 0.0) + gain
        doc_of, living, weight = self._doc_of, self._living, self._weight
        # The most weight shared on those features, relative to the unit's length; ties by
        # place in the index (as ``aligning`` breaks them).
        proposed = (
            (-(gain / (length_q * math.sqrt(weight(i)))), i)
            for i, gain in shared.items()
            if living[i] and doc_of[i] != doc_id  # the query's own article is left out
        )
        shortlist = heapq.nsmallest(max(SHORTLIST, top_k * 4), proposed)
        exact = []
        for _, index in shortlist:
            both = query_terms.intersection(self._terms[index])
            common = sum(idf[f] * idf[f] for f in both)
            exact.append((-(common / (length_q * math.sqrt(weight(index)))), index))
        chosen = heapq.nsmallest(max(RERANK, top_k * 2), exact)
        if not chosen:
            return []
        texts = [self._text(i) for _, i in chosen]
        fuzzy = process.cpdist(
            [text] * len(texts),
            texts,
            scorer=FUZZY_SCORER,
            processor=utils.default_process,
            workers=1,
        )
        scored: list[tuple[float, int, str]] = [
            (
                score_of(-negative, float(fuzzy_score)),
                index,
                unit_text,
            )
            for (negative, index), fuzzy_score, unit_text in zip(
                chosen, fuzzy.tolist(), texts, strict=True
            )
        ]
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
        if len(set(terms(doc.text[start:end]))) < MIN_TERMS:  # as document_units
            continue
        out.append((start, end))
    return out


def story_first(
    candidates: Sequence[Candidate],
    source_doc: str,
    *,
    story: Collection[str] | None,
    outlet_of: Mapping[str, str | None],
    top_k: int,
) -> list[Candidate]:
    """The link panel's order: with the source article's ``story`` known (its articles' ids),
    the candidates from that story first, then the rest, each by score as given; without it,
    the candidates from the source's own outlet left out (another outlet telling the story is
    what a link is for). At most ``top_k``."""
    if story is not None:
        inside = [c for c in candidates if c.doc_id in story and c.doc_id != source_doc]
        outside = [c for c in candidates if c.doc_id not in story]
        return [*inside, *outside][:top_k]
    outlet = outlet_of.get(source_doc)
    if outlet:
        candidates = [c for c in candidates if outlet_of.get(c.doc_id) != outlet]
    return list(candidates[:top_k])


def score_of(cosine: float, fuzzy: float) -> float:
    """The 0-100 score of a candidate from its TF-IDF ``cosine`` (0-1) and rapidfuzz score."""
    return 100 * (LEXICAL_SHARE * cosine + (1 - LEXICAL_SHARE) * fuzzy / 100)


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
