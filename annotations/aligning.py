"""Aligning whole corpora: every sentence against every unit, with sparse matrix products.

``Linker`` answers one query at a time from posting lists, which suits the app. ``align`` asks
the same question for every sentence of every article, so it works on blocks, and in bounded
memory:

1. A survey reads the articles once and counts, for every feature (``linking.features``, hashed
   into ``N_FEATURES`` columns so that no vocabulary grows with the corpus), how many units hold
   it: the corpus IDF. The units and their features are kept only while the corpus fits in one
   piece (then nothing is computed twice); beyond, they are computed again per piece.
2. The targets (every unit: sentences and quotes outside boilerplate) are indexed in *pieces* of
   whole articles holding at most ``PIECE_UNITS`` units: a sparse matrix of their TF-IDF
   vectors, L2-normalised. A corpus of any size is aligned one piece at a time.
3. The sources (every sentence) are streamed in chunks of at most ``MAX_CHUNK`` sentences, cut by
   sentences, not articles, so every core is busy whatever the number of files. For a chunk and a
   piece, one sparse product over each sentence's proposing features (``linking.proposing_df``,
   from the corpus frequencies) gives the weight shared with every unit of the piece; the
   ``SHORTLIST`` best units of each sentence get their exact cosine. Only numbers leave a chunk.
4. The shortlists of a chunk from all pieces are merged: the ``SHORTLIST`` best by shared weight,
   of those the ``RERANK`` best by cosine, re-ranked with rapidfuzz (``linking.score_of``), and
   the ``top_k`` kept. Every choice breaks ties by the unit's place in the corpus, so the result
   does not depend on how the corpus is cut into pieces. With one piece (the usual case) results
   stream out chunk by chunk; with several, each piece's shortlists are written to a temporary
   file and read back chunk by chunk, so memory holds one piece and a few chunks.

Chunks go to a pool of forked processes, which inherit the piece, and come back in order.
"""

from __future__ import annotations

import multiprocessing
import pickle
import tempfile
import zlib
from array import array
from collections.abc import Callable, Iterator, Sequence
from contextlib import ExitStack
from dataclasses import dataclass
from itertools import chain, pairwise
from typing import IO, TYPE_CHECKING, Any

import numpy as np
import scipy.sparse as sp
from rapidfuzz import process, utils

from .linking import (
    BIGRAM_WEIGHT,
    FUZZY_SCORER,
    KIND_ORDER,
    LEXICAL_SHARE,
    MIN_TERMS,
    PROPOSAL_BUDGET,
    RERANK,
    SHORTLIST,
    Alignment,
    Candidate,
    Unit,
    _in_boilerplate,
    _same_place,
    counted_features,
    document_units,
)
from .model import Passage

if TYPE_CHECKING:
    from newsreader.corpus import Document

    FloatArray = np.ndarray[Any, np.dtype[np.float64]]
    IntArray = np.ndarray[Any, np.dtype[np.int64]]

N_FEATURES = 1 << 21
"""Features are hashed into this many columns (a collision merges two rare features)."""

PIECE_UNITS = 250_000
"""At most about this many target units are indexed at once (a piece is whole articles)."""

MAX_CHUNK = 2048
"""At most this many sentences per chunk."""

KINDS = {kind: code for code, kind in enumerate(KIND_ORDER)}
_KIND_NAMES = list(KIND_ORDER)


_CODE: dict[str, int] = {}
"""Memo of feature → code (its hashed column times two, plus one for a word pair), emptied
when it reaches ``CODE_MEMO`` entries: the common features stay in it, and a long-lived
process (a ``prepare`` worker linking a whole archive) never holds more than that. It used to
stop growing at a million features, 80 MB kept for the life of the process."""

CODE_MEMO = 1 << 17
"""Features the memo holds at most (about 10 MB); a hit is about a fifth faster than ``crc32``."""


def _codes(feats: Sequence[str]) -> list[int]:
    """The features' codes (see ``_CODE``)."""
    if len(_CODE) >= CODE_MEMO:
        _CODE.clear()
    get = _CODE.get
    return [c if (c := get(f)) is not None else _code(f) for f in feats]


def _code(feature: str) -> int:
    code = (zlib.crc32(feature.encode("utf-8")) & (N_FEATURES - 1)) * 2 + (" " in feature)
    _CODE[feature] = code
    return code


@dataclass
class _Survey:
    """What every piece and chunk needs of the whole corpus (small: no text, no vectors)."""

    documents: Sequence[Document]
    units: int  # every unit of the corpus
    df: IntArray  # per column: how many units hold it
    sentence_starts: IntArray  # per article, the index of its first sentence (and the total)
    unit_starts: IntArray  # per article, the index of its first unit (and the total)
    kept: list[list[tuple[Unit, list[int]]]] | None = None  # per article, its units' codes
    kept_sentences: list[dict[tuple[int, int], list[int]]] | None = None

    def idf(self, columns: IntArray) -> FloatArray:
        """Smoothed IDF of ``columns`` over every unit of the corpus (computed for the columns
        asked, not the whole hashed space: a story of three articles is aligned in
        milliseconds)."""
        return np.log((self.units + 1) / (self.df[columns] + 1.0)) + 1

    def units_of(self, position: int) -> list[tuple[Unit, list[int]]]:
        """An article's units with their features' codes (kept, or computed again)."""
        if self.kept is not None:
            return self.kept[position]
        return [(u, _codes(f)) for u, f in document_units(self.documents[position])]


def _survey(
    documents: Sequence[Document],
    progress: Callable[[str, int, int], None] | None,
    piece_units: int = PIECE_UNITS,
) -> _Survey:
    df = np.zeros(N_FEATURES, dtype=np.int64)
    pending = array("q")
    sentence_starts = [0]
    unit_starts = [0]
    kept: list[list[tuple[Unit, list[int]]]] | None = []
    for position, doc in enumerate(documents):
        count = 0
        units = [(u, _codes(f)) for u, f in document_units(doc)]
        for _, codes in units:
            count += 1
            pending.extend({c >> 1 for c in codes})
        if kept is not None:
            kept.append(units)
            if unit_starts[-1] + count > piece_units:
                kept = None  # more than one piece: nothing is kept
        if len(pending) > 1_000_000:
            np.add.at(df, np.frombuffer(pending, dtype=np.int64), 1)
            pending = array("q")
        unit_starts.append(unit_starts[-1] + count)
        sentence_starts.append(sentence_starts[-1] + len(doc.sentences))
        if progress is not None:
            progress("index", position + 1, len(documents))
    if pending:
        np.add.at(df, np.frombuffer(pending, dtype=np.int64), 1)
    total = unit_starts[-1]
    return _Survey(
        documents=documents,
        units=total,
        df=df,
        sentence_starts=np.array(sentence_starts, dtype=np.int64),
        unit_starts=np.array(unit_starts, dtype=np.int64),
        kept=kept,
        kept_sentences=None
        if kept is None
        else [{(u.start, u.end): f for u, f in found if u.kind == "sentence"} for found in kept],
    )


def _vectors(survey: _Survey, rows: list[list[int]]) -> sp.csr_matrix:
    """The TF-IDF vectors of units given by their features' codes, L2-normalised, over the
    hashed columns."""
    codes = np.array(list(chain.from_iterable(rows)), dtype=np.int64)
    column_array = codes >> 1
    values = np.where(codes & 1, BIGRAM_WEIGHT, 1.0) * survey.idf(column_array)
    indptr = np.zeros(len(rows) + 1, dtype=np.int64)
    np.cumsum(np.fromiter(map(len, rows), dtype=np.int64, count=len(rows)), out=indptr[1:])
    matrix = sp.csr_matrix((values, column_array, indptr), shape=(len(rows), N_FEATURES))
    matrix.sum_duplicates()  # two features hashed alike: one column
    lengths = np.sqrt(np.asarray(matrix.multiply(matrix).sum(axis=1)).ravel())
    lengths[lengths == 0] = 1
    matrix.data /= np.repeat(lengths, np.diff(matrix.indptr))
    return matrix


@dataclass
class _Piece:
    """The targets of a run of whole articles: their vectors over the columns they use."""

    first: int  # the corpus index of its first unit
    columns: IntArray  # the hashed columns its units use, ascending
    matrix: sp.csr_matrix  # units × its columns
    targets: sp.csr_matrix  # its columns × units
    doc: IntArray  # per unit: the article's position
    start: IntArray
    end: IntArray
    kind: IntArray


def _piece(survey: _Survey, lo: int, hi: int) -> _Piece:
    rows: list[list[int]] = []
    doc, start, end, kind = array("q"), array("q"), array("q"), array("q")
    for position in range(lo, hi):
        for unit, codes in survey.units_of(position):
            rows.append(codes)
            doc.append(position)
            start.append(unit.start)
            end.append(unit.end)
            kind.append(KINDS[unit.kind])
    whole = _vectors(survey, rows)
    columns = np.unique(whole.indices)
    matrix = sp.csr_matrix(
        (whole.data, np.searchsorted(columns, whole.indices), whole.indptr),
        shape=(len(rows), len(columns)),
    )

    def ints(values: array[int]) -> IntArray:
        return np.frombuffer(values, dtype=np.int64) if values else np.zeros(0, np.int64)

    return _Piece(
        first=int(survey.unit_starts[lo]),
        columns=columns,
        matrix=matrix,
        targets=sp.csr_matrix(matrix.T),
        doc=ints(doc),
        start=ints(start),
        end=ints(end),
        kind=ints(kind),
    )


def _pieces(survey: _Survey, piece_units: int) -> list[tuple[int, int]]:
    """Runs of whole articles holding at most ``piece_units`` units (an article more when one
    article alone holds more)."""
    bounds = [0]
    starts = survey.unit_starts
    for position in range(1, len(starts) - 1):
        if starts[position + 1] - starts[bounds[-1]] > piece_units:
            bounds.append(position)
    bounds.append(len(starts) - 1)
    return [(lo, hi) for lo, hi in pairwise(bounds) if hi > lo] or [(0, 0)]


def _chunks(survey: _Survey, workers: int) -> list[tuple[int, int]]:
    """Ranges of sentences (of the whole corpus, across articles) for the chunks."""
    total = int(survey.sentence_starts[-1])
    if total == 0:
        return []
    size = max(1, min(MAX_CHUNK, -(-total // (4 * max(1, workers)))))
    return [(lo, min(lo + size, total)) for lo in range(0, total, size)]


@dataclass
class _Sources:
    """The sentences of a chunk that are statements: their slot in the chunk and vectors."""

    slots: IntArray
    doc: IntArray
    vectors: sp.csr_matrix


def _sources(survey: _Survey, lo: int, hi: int) -> _Sources:
    """The chunk's sentences outside boilerplate with at least ``MIN_TERMS`` words (the
    sentence units of ``document_units``), with their vectors."""
    starts = survey.sentence_starts
    first_doc = int(np.searchsorted(starts, lo, side="right")) - 1
    slots, docs = array("q"), array("q")
    rows: list[list[int]] = []
    position = first_doc
    while position < len(starts) - 1 and starts[position] < hi:
        doc = survey.documents[position]
        first = int(starts[position])
        kept = survey.kept_sentences[position] if survey.kept_sentences is not None else None
        boiler = doc.boilerplate
        for index in range(max(lo, first), min(hi, int(starts[position + 1]))):
            start, end = doc.sentences[index - first]
            if kept is not None:
                found = kept.get((start, end))
                if found is None:
                    continue
                codes = found
            else:
                if _in_boilerplate(start, end, boiler):
                    continue
                feats, count = counted_features(doc.text[start:end])
                if count < MIN_TERMS:
                    continue
                codes = _codes(feats)
            slots.append(index - lo)
            docs.append(position)
            rows.append(codes)
        position += 1
    return _Sources(
        slots=np.frombuffer(slots, dtype=np.int64) if slots else np.zeros(0, np.int64),
        doc=np.frombuffer(docs, dtype=np.int64) if docs else np.zeros(0, np.int64),
        vectors=_vectors(survey, rows),
    )


def _proposing(survey: _Survey, vectors: sp.csr_matrix) -> Any:
    """A mask of the entries of ``vectors`` whose feature proposes candidates for its row
    (``linking.proposing_df``: rarest first, whole levels, within ``PROPOSAL_BUDGET``)."""
    rows = np.repeat(np.arange(vectors.shape[0]), np.diff(vectors.indptr))
    df = survey.df[vectors.indices]
    order = np.lexsort((df, rows))
    rows_o, df_o = rows[order], df[order]
    new_row = np.ones(len(order), dtype=bool)
    new_row[1:] = rows_o[1:] != rows_o[:-1]
    new_level = new_row.copy()
    new_level[1:] |= df_o[1:] != df_o[:-1]
    spent = np.cumsum(df_o)
    row_start = np.maximum.accumulate(np.where(new_row, np.arange(len(order)), 0))
    before_row = np.where(row_start > 0, spent[row_start - 1], 0)
    within = spent - before_row  # postings opened up to this entry, in its row
    level = np.cumsum(new_level) - 1
    level_end = np.zeros(int(level[-1]) + 1 if len(level) else 0, dtype=np.int64)
    np.maximum.at(level_end, level, within)  # the postings once the whole level is opened
    first_level = np.zeros(len(order), dtype=bool)
    first_level[:] = df_o == df_o[row_start]
    keep_o = first_level | (level_end[level] <= PROPOSAL_BUDGET)
    keep = np.empty(len(order), dtype=bool)
    keep[order] = keep_o
    return keep


def _shortlists(survey: _Survey, piece: _Piece, sources: _Sources) -> dict[str, Any]:
    """For each source row, its ``SHORTLIST`` best units of ``piece`` by the weight shared on
    proposing features, with their exact cosine: numbers only (the sentence's place in the
    chunk, unit, proxy, cosine, article, start, end, kind), for ``_merge``."""
    vectors = sources.vectors
    keep = _proposing(survey, vectors)
    # The rows over the piece's columns (features the piece lacks add nothing to a product).
    at = np.searchsorted(piece.columns, vectors.indices)
    at_clipped = np.minimum(at, max(0, len(piece.columns) - 1))
    present = (
        (piece.columns[at_clipped] == vectors.indices)
        if len(piece.columns)
        else np.zeros(len(at), dtype=bool)
    )
    shape = (vectors.shape[0], len(piece.columns))
    # (each its own copy of indptr: eliminate_zeros rewrites it in place)
    full = sp.csr_matrix((vectors.data * present, at_clipped, vectors.indptr.copy()), shape=shape)
    full.eliminate_zeros()
    query = sp.csr_matrix(
        (vectors.data * (present & keep), at_clipped, vectors.indptr.copy()), shape=shape
    )
    query.eliminate_zeros()
    shared = sp.csr_matrix(query @ piece.targets)
    rows = np.repeat(np.arange(shape[0]), np.diff(shared.indptr))
    units = shared.indices.astype(np.int64)
    other = piece.doc[units] != sources.doc[rows]  # a sentence's own article is left out
    rows, units, proxy = rows[other], units[other], shared.data[other]
    chosen = _best_of_each_row(rows, proxy, units, SHORTLIST)
    rows, units, proxy = rows[chosen], units[chosen], proxy[chosen]
    cosine = np.asarray(full[rows].multiply(piece.matrix[units]).sum(axis=1)).ravel()
    return {
        "row": sources.slots[rows],  # the sentence's place in its chunk
        "unit": units + piece.first,
        "proxy": proxy,
        "cosine": cosine,
        "doc": piece.doc[units],
        "start": piece.start[units],
        "end": piece.end[units],
        "kind": piece.kind[units],
    }


def _best_of_each_row(rows: IntArray, values: FloatArray, ids: IntArray, count: int) -> Any:
    """The positions of the ``count`` highest ``values`` of each row, ties by lower ``ids``
    (``rows`` grouped), ordered by row, then value (highest first), then id."""
    if not len(rows):
        return np.zeros(0, dtype=np.int64)
    first = np.ones(len(rows), dtype=bool)
    first[1:] = rows[1:] != rows[:-1]
    starts = np.flatnonzero(first)
    sizes = np.diff(np.append(starts, len(rows)))
    keep = np.ones(len(rows), dtype=bool)
    # A partial sort of each long row first (linear in its length): one sort of every entry
    # would cost most of the time on a large corpus. Ties of the count-th value are all kept.
    for start, size in zip(
        starts[sizes > count].tolist(), sizes[sizes > count].tolist(), strict=True
    ):
        part = values[start : start + size]
        keep[start : start + size] = part >= np.partition(part, size - count)[size - count]
    kept = np.flatnonzero(keep)
    order = kept[np.lexsort((ids[kept], -values[kept], rows[kept]))]
    ordered = rows[order]
    first = np.ones(len(order), dtype=bool)
    first[1:] = ordered[1:] != ordered[:-1]
    starts = np.flatnonzero(first)
    rank = np.arange(len(order)) - np.repeat(starts, np.diff(np.append(starts, len(order))))
    return order[rank < count]


def _trim(found: list[dict[str, Any]]) -> dict[str, Any]:
    """Shortlists of one chunk from several pieces as one: each sentence's ``SHORTLIST`` best
    by shared weight (ties by unit), which is what ``_merge`` would keep of them."""
    parts = {key: np.concatenate([f[key] for f in found]) for key in found[0]}
    order = np.argsort(parts["row"], kind="stable")
    parts = {key: value[order] for key, value in parts.items()}
    best = _best_of_each_row(parts["row"], parts["proxy"], parts["unit"], SHORTLIST)
    return {key: value[best] for key, value in parts.items()}


def _merge(
    survey: _Survey,
    lo: int,
    hi: int,
    found: list[dict[str, Any]],
    top_k: int,
    min_score: float,
) -> list[Alignment]:
    """The chunk's alignments from its shortlists in every piece (see the module's step 4)."""
    sentences: list[tuple[str, int, int, str]] = []  # the chunk's: article id, start, end, text
    starts = survey.sentence_starts
    position = int(np.searchsorted(starts, lo, side="right")) - 1
    for index in range(lo, hi):
        while starts[position + 1] <= index:
            position += 1
        doc = survey.documents[position]
        start, end = doc.sentences[index - int(starts[position])]
        sentences.append((doc.id, start, end, doc.text[start:end]))
    parts = _trim(found) if found else {}
    candidates: list[list[Candidate]] = [[] for _ in range(hi - lo)]
    if parts and len(parts["row"]):
        best = _best_of_each_row(
            parts["row"], parts["cosine"], parts["unit"], max(RERANK, top_k * 2)
        )
        parts = {key: value[best] for key, value in parts.items()}
        documents = survey.documents
        texts = [
            documents[d].text[s:e]
            for d, s, e in zip(
                parts["doc"].tolist(), parts["start"].tolist(), parts["end"].tolist(), strict=True
            )
        ]
        fuzzy = process.cpdist(
            [sentences[r][3] for r in parts["row"].tolist()],
            texts,
            scorer=FUZZY_SCORER,
            processor=utils.default_process,
            workers=1,
        )
        # linking.score_of, over arrays
        scores = 100 * (
            LEXICAL_SHARE * parts["cosine"]
            + (1 - LEXICAL_SHARE) * np.asarray(fuzzy, dtype=np.float64) / 100
        )
        good = np.flatnonzero(scores >= min_score).tolist()
        by_row: dict[int, list[tuple[float, tuple[int, int, int, int], str, int]]] = {}
        row_of, kind_of, doc_of = parts["row"], parts["kind"], parts["doc"]
        start_of, end_of = parts["start"], parts["end"]
        for i in good:
            key = (int(kind_of[i]), int(doc_of[i]), int(start_of[i]), int(end_of[i]))
            by_row.setdefault(int(row_of[i]), []).append((float(scores[i]), key, texts[i], 0))
        for row, scored in by_row.items():
            scored.sort(key=lambda item: (-round(item[0], 1), item[1]))
            out = candidates[row]
            for score, (kind, position, start, end), text, _ in scored:
                if len(out) >= top_k:
                    break
                doc_id = documents[position].id
                if any(_same_place(Passage(doc_id, start, end), c.passage) for c in out):
                    continue
                out.append(Candidate(doc_id, start, end, text, round(score, 1), _KIND_NAMES[kind]))
    return [
        Alignment(doc_id, start, end, text, found_here)
        for (doc_id, start, end, text), found_here in zip(sentences, candidates, strict=True)
    ]


_ALIGNING: tuple[_Survey, _Piece] | None = None
"""What forked workers inherit: the survey and the piece being aligned."""


def _chunk_shortlists(bounds: tuple[int, int]) -> dict[str, Any]:
    assert _ALIGNING is not None
    survey, piece = _ALIGNING
    return _shortlists(survey, piece, _sources(survey, *bounds))


def _each_chunk(
    survey: _Survey, piece: _Piece, chunks: list[tuple[int, int]], workers: int
) -> Iterator[dict[str, Any]]:
    """The shortlists of every chunk against ``piece``, in order (in forked workers when
    ``workers`` > 1 and processes can be forked)."""
    global _ALIGNING
    forking = "fork" in multiprocessing.get_all_start_methods()
    _ALIGNING = (survey, piece)
    try:
        if workers > 1 and len(chunks) > 1 and forking:
            with multiprocessing.get_context("fork").Pool(min(workers, len(chunks))) as pool:
                yield from pool.imap(_chunk_shortlists, chunks)
        else:
            for bounds in chunks:
                yield _chunk_shortlists(bounds)
    finally:
        _ALIGNING = None


def align_documents(
    documents: Sequence[Document],
    *,
    top_k: int,
    min_score: float,
    progress: Callable[[str, int, int], None] | None,
    workers: int,
    piece_units: int = PIECE_UNITS,
) -> Iterator[Alignment]:
    """``linking.align``: see there. ``documents`` is read again for each piece, by position:
    a sequence that loads an article when asked and keeps none aligns a corpus larger than
    memory. ``piece_units`` bounds the units indexed at once."""
    survey = _survey(documents, progress, piece_units)
    chunks = _chunks(survey, workers)
    pieces = _pieces(survey, piece_units)
    total = int(survey.sentence_starts[-1]) * len(pieces)
    done = 0

    def report(lo: int, hi: int) -> None:
        nonlocal done
        done += hi - lo
        if progress is not None:
            progress("align", done, total)

    if len(pieces) == 1:
        piece = _piece(survey, *pieces[0])
        for (lo, hi), found in zip(
            chunks, _each_chunk(survey, piece, chunks, workers), strict=True
        ):
            yield from _merge(survey, lo, hi, [found], top_k, min_score)
            report(lo, hi)
        return
    with ExitStack() as stack:
        spills: list[IO[bytes]] = []
        for bounds in pieces:
            piece = _piece(survey, *bounds)
            spill = stack.enter_context(tempfile.TemporaryFile(prefix="newsreader-align-"))
            for (lo, hi), found in zip(
                chunks, _each_chunk(survey, piece, chunks, workers), strict=True
            ):
                pickle.dump(found, spill, protocol=pickle.HIGHEST_PROTOCOL)
                report(lo, hi)
            del piece
            spill.seek(0)
            spills.append(spill)
        for lo, hi in chunks:
            merged: dict[str, Any] | None = None
            for spilled in spills:  # one piece's shortlists at a time, trimmed as they come
                found = pickle.load(spilled)  # our own file
                merged = found if merged is None else _trim([merged, found])
            assert merged is not None
            yield from _merge(survey, lo, hi, [merged], top_k, min_score)
