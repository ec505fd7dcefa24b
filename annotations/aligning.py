"""Aligning whole corpora: every sentence against every unit, with sparse matrix products.

``Linker`` answers one query at a time from posting lists, which suits the app. ``align`` asks
the same question for every sentence of every article, so it works on whole blocks instead:

1. Every unit (as ``document_units`` cuts them) becomes a row of a sparse matrix over its
   informative words, weighted by IDF² (the same corpus weights ``Linker`` uses).
2. The sentences are cut into chunks of about the same work (not by article, so every core
   is busy whatever the number of files). For a chunk, one sparse product gives the IDF weight
   each sentence shares with every unit; as in ``Linker``, only words in at most ``MAX_POSTINGS``
   units (or 2% of them) propose candidates, so that "said" does not pair every sentence with
   every other.
3. The ``SHORTLIST`` best units of each sentence (shared weight over the unit's length, as in
   ``Linker``) get the full score: the IDF cosine and cover from an element-wise product over all
   their words, and rapidfuzz's ``token_sort_ratio`` from ``process.cpdist`` over the pairs.

Chunks go to a pool of forked processes, which inherit the index, and come back in order, so
results stream out as they are found and only a few chunks are held at a time.
"""

from __future__ import annotations

import multiprocessing
from array import array
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from itertools import pairwise
from typing import TYPE_CHECKING, Any

import numpy as np
import scipy.sparse as sp
from rapidfuzz import fuzz, process, utils

from .linking import (
    COVER_SHARE,
    KIND_ORDER,
    LEXICAL_SHARE,
    MAX_POSTINGS,
    SHORTLIST,
    TRUST_WORDS,
    Alignment,
    Candidate,
    Unit,
    _same_place,
    document_units,
)
from .model import Passage

if TYPE_CHECKING:
    from newsreader.corpus import Document

    FloatArray = np.ndarray[Any, np.dtype[np.float64]]
    IntArray = np.ndarray[Any, np.dtype[np.int64]]

CHUNK_WORK = 1_500_000
"""At most about this many (sentence, unit) products per chunk: bounds a chunk's memory."""

RERANK = 10
"""How many units per sentence, best by words, are scored with rapidfuzz too."""

MAX_CHUNK = 2048
"""At most this many sentences per chunk."""


@dataclass
class _Index:
    """Everything the chunks read; built once, inherited by forked workers."""

    documents: Sequence[Document]
    units: list[Unit]
    matrix: sp.csr_matrix  # units × words, 1 where the unit holds the word
    weighted: sp.csr_matrix  # the same, each word weighted by IDF²
    targets: sp.csr_matrix  # words × units, IDF², for the products
    proposing: np.ndarray[Any, np.dtype[np.bool_]]  # the words that may propose candidates
    weight: FloatArray  # per unit: the sum of IDF² of its words
    norm: FloatArray  # per unit: 1 / sqrt(words + 1), favours units that are not merely long
    unit_doc: IntArray  # per unit: the position of its article
    order_keys: list[tuple[int, int, int, int]]  # per unit: kind, article, start, end
    fuzzy_text: list[str]  # per unit: its words as token_sort_ratio sees them
    sentences: list[tuple[int, int, int, int]]  # every sentence: article, start, end, unit or -1


def _build(
    documents: Sequence[Document], progress: Callable[[str, int, int], None] | None
) -> _Index:
    units: list[Unit] = []
    vocabulary: dict[str, int] = {}
    rows = array("i")
    columns = array("i")
    sentences: list[tuple[int, int, int, int]] = []
    fuzzy_text: list[str] = []
    for position, doc in enumerate(documents):
        found: dict[tuple[int, int], int] = {}
        for unit, words in document_units(doc):
            index = len(units)
            units.append(unit)
            if unit.kind == "sentence":
                found[(unit.start, unit.end)] = index
            fuzzy_text.append(_sorted_words(doc.text[unit.start : unit.end]))
            for word in words:
                column = vocabulary.get(word)
                if column is None:
                    column = vocabulary[word] = len(vocabulary)
                rows.append(index)
                columns.append(column)
        for start, end in doc.sentences:
            sentences.append((position, start, end, found.get((start, end), -1)))
        if progress is not None:
            progress("index", position + 1, len(documents))
    shape = (len(units), max(1, len(vocabulary)))
    row_array = np.frombuffer(rows, dtype=np.int32) if rows else np.zeros(0, np.int32)
    column_array = np.frombuffer(columns, dtype=np.int32) if columns else np.zeros(0, np.int32)
    matrix = sp.csr_matrix(
        (np.ones(len(row_array)), (row_array, column_array)), shape=shape, dtype=np.float64
    )
    matrix.sort_indices()
    df = np.bincount(column_array, minlength=shape[1]).astype(np.float64)
    # The IDF of Linker._idf, over the same units.
    idf2 = np.log((len(units) + 1) / (df + 0.5)) ** 2
    weighted = sp.csr_matrix(matrix.multiply(idf2[np.newaxis, :]))
    weighted.sort_indices()
    limit = min(MAX_POSTINGS, max(100, int(0.02 * len(units))))
    positions = {doc.id: i for i, doc in enumerate(documents)}
    unit_doc = np.array([positions[u.doc_id] for u in units], dtype=np.int64)
    counts = np.diff(matrix.indptr).astype(np.float64)
    return _Index(
        documents=documents,
        units=units,
        matrix=matrix,
        weighted=weighted,
        targets=sp.csr_matrix(weighted.T),
        proposing=df <= limit,
        weight=np.asarray(weighted.sum(axis=1)).ravel(),
        norm=1 / np.sqrt(counts + 1),
        unit_doc=unit_doc,
        order_keys=[(KIND_ORDER[u.kind], positions[u.doc_id], u.start, u.end) for u in units],
        fuzzy_text=fuzzy_text,
        sentences=sentences,
    )


def _sorted_words(text: str) -> str:
    """``text`` as ``FUZZY_SCORER`` (token_sort_ratio) compares it: processed, words sorted."""
    return " ".join(sorted(utils.default_process(text).split()))


def _queries(index: _Index, rows: IntArray) -> sp.csr_matrix:
    """The rows' words that propose candidates: the informative-enough ones, or all of a row's
    words when none is (as ``Linker`` opens its rarest words then)."""
    query = index.matrix[rows]
    entry_rows = np.repeat(np.arange(len(rows)), np.diff(query.indptr))
    rare = index.proposing[query.indices]
    has_rare = np.bincount(entry_rows, weights=rare, minlength=len(rows)) > 0
    keep = rare | ~has_rare[entry_rows]
    out = sp.csr_matrix((query.data * keep, query.indices, query.indptr), shape=query.shape)
    out.eliminate_zeros()
    return out


def _chunks(index: _Index, workers: int) -> list[tuple[int, int]]:
    """Ranges of sentences of about equal work (the products a sentence's words propose)."""
    total = len(index.sentences)
    if total == 0:
        return []
    rows = np.array([s[3] for s in index.sentences], dtype=np.int64)
    work = np.ones(total)
    matched = rows >= 0
    if matched.any():
        df = np.diff(index.targets.indptr).astype(np.float64)
        work[matched] += _queries(index, rows[matched]) @ df
    budget = min(CHUNK_WORK, max(1.0, float(work.sum()) / (4 * max(1, workers))))
    bounds = [0]
    spent = 0.0
    for i, cost in enumerate(work.tolist()):
        if i > bounds[-1] and (spent + cost > budget or i - bounds[-1] >= MAX_CHUNK):
            bounds.append(i)
            spent = 0.0
        spent += cost
    bounds.append(total)
    return list(pairwise(bounds))


def _align_range(index: _Index, lo: int, hi: int, top_k: int, min_score: float) -> list[Alignment]:
    """The alignments of sentences ``lo``..``hi``, with their candidates."""
    sentences = index.sentences[lo:hi]
    rows = np.array([s[3] for s in sentences], dtype=np.int64)
    matched = np.nonzero(rows >= 0)[0]
    found: list[list[Candidate]] = [[] for _ in sentences]
    if len(matched):
        _score_rows(index, rows[matched], matched, found, top_k, min_score)
    documents = index.documents
    out = []
    for (position, start, end, _), candidates in zip(sentences, found, strict=True):
        doc = documents[position]
        out.append(Alignment(doc.id, start, end, doc.text[start:end], candidates))
    return out


def _score_rows(
    index: _Index,
    rows: IntArray,
    slots: IntArray,
    found: list[list[Candidate]],
    top_k: int,
    min_score: float,
) -> None:
    shared = sp.csr_matrix(_queries(index, rows) @ index.targets)  # IDF² on proposing words
    entry_rows = np.repeat(np.arange(len(rows)), np.diff(shared.indptr))
    columns = shared.indices.astype(np.int64)
    # A sentence's own article is left out.
    other = index.unit_doc[columns] != index.unit_doc[rows][entry_rows]
    entry_rows, columns = entry_rows[other], columns[other]
    # The most shared weight, favouring units that are not merely long, as Linker does.
    proxy = shared.data[other] * index.norm[columns]
    keep = _best_of_each_row(entry_rows, proxy, max(SHORTLIST, top_k * 4))
    entry_rows, columns = entry_rows[keep], columns[keep]
    if not len(columns):
        return
    units = rows[entry_rows]
    # The words' part of the score, over all their words.
    left = index.matrix[units]
    common = np.asarray(left.multiply(index.weighted[columns]).sum(axis=1)).ravel()
    both = np.asarray(left.multiply(index.matrix[columns]).sum(axis=1)).ravel()
    weight_q, weight_u = index.weight[units], index.weight[columns]
    cosine = common / np.sqrt(weight_q * weight_u)
    cover = common / np.minimum(weight_q, weight_u)
    trust = np.minimum(1.0, both / TRUST_WORDS)
    lexical = np.maximum(cosine, COVER_SHARE * cover * trust)
    # rapidfuzz for the best few by words only: the rest cannot catch up with them.
    keep = _best_of_each_row(entry_rows, lexical, max(RERANK, top_k * 2))
    entry_rows, columns, units, lexical = (
        entry_rows[keep],
        columns[keep],
        units[keep],
        lexical[keep],
    )
    fuzzy_text = index.fuzzy_text
    # token_sort_ratio is ratio over the words in order, sorted once per unit above.
    fuzzy = process.cpdist(
        [fuzzy_text[u] for u in units.tolist()],
        [fuzzy_text[c] for c in columns.tolist()],
        scorer=fuzz.ratio,
        processor=None,
        workers=1,
        dtype=np.float64,
    )
    fuzzy_share = 1 - LEXICAL_SHARE
    scores = 100 * (LEXICAL_SHARE * lexical + fuzzy_share * np.asarray(fuzzy) / 100)
    _finish(index, entry_rows, columns, scores, slots, found, top_k, min_score)


def _best_of_each_row(rows: IntArray, values: FloatArray, count: int) -> Any:
    """A mask of the ``count`` highest ``values`` of each row (``rows`` grouped, ascending)."""
    keep = np.zeros(len(rows), dtype=bool)
    if not len(rows):
        return keep
    starts = np.concatenate(([0], np.flatnonzero(np.diff(rows)) + 1))
    sizes = np.diff(np.concatenate((starts, [len(rows)])))
    keep[:] = np.repeat(sizes <= count, sizes)  # short rows are kept whole
    # A partial sort of each long row: linear in its length, where one sort of every entry
    # would cost most of the time on a large corpus.
    for start, size in zip(
        starts[sizes > count].tolist(), sizes[sizes > count].tolist(), strict=True
    ):
        best = np.argpartition(-values[start : start + size], count - 1)[:count]
        keep[start + best] = True
    return keep


def _finish(
    index: _Index,
    entry_rows: IntArray,
    columns: IntArray,
    scores: FloatArray,
    slots: IntArray,
    found: list[list[Candidate]],
    top_k: int,
    min_score: float,
) -> None:
    """Rank each sentence's scored units as ``Linker`` does and keep the first ``top_k``."""
    good = scores >= min_score
    entry_rows, columns, scores = entry_rows[good], columns[good], scores[good]
    keys = index.order_keys
    units = index.units
    documents = index.documents
    by_row: dict[int, list[tuple[float, int]]] = {}
    for row, column, score in zip(
        entry_rows.tolist(), columns.tolist(), scores.tolist(), strict=True
    ):
        by_row.setdefault(row, []).append((score, column))
    for row, scored in by_row.items():
        scored.sort(key=lambda item: (-round(item[0], 1), keys[item[1]]))
        out = found[int(slots[row])]
        for score, column in scored:
            if len(out) >= top_k:
                break
            unit = units[column]
            passage = Passage(unit.doc_id, unit.start, unit.end)
            if any(_same_place(passage, c.passage) for c in out):
                continue
            text = documents[keys[column][1]].text[unit.start : unit.end]
            out.append(
                Candidate(unit.doc_id, unit.start, unit.end, text, round(score, 1), unit.kind)
            )


_ALIGNING: tuple[_Index, int, float] | None = None
"""What forked align workers inherit: the index and the settings."""


def _align_chunk(bounds: tuple[int, int]) -> list[Alignment]:
    assert _ALIGNING is not None
    index, top_k, min_score = _ALIGNING
    return _align_range(index, bounds[0], bounds[1], top_k, min_score)


def align_documents(
    documents: Sequence[Document],
    *,
    top_k: int,
    min_score: float,
    progress: Callable[[str, int, int], None] | None,
    workers: int,
) -> Iterator[Alignment]:
    """``linking.align``: see there."""
    index = _build(documents, progress)
    chunks = _chunks(index, workers)
    total = len(index.sentences)
    done = 0
    forking = "fork" in multiprocessing.get_all_start_methods()
    if workers > 1 and len(chunks) > 1 and forking:
        global _ALIGNING
        _ALIGNING = (index, top_k, min_score)
        try:
            with multiprocessing.get_context("fork").Pool(min(workers, len(chunks))) as pool:
                for rows in pool.imap(_align_chunk, chunks):
                    yield from rows
                    done += len(rows)
                    if progress is not None:
                        progress("align", done, total)
        finally:
            _ALIGNING = None
        return
    for lo, hi in chunks:
        rows = _align_range(index, lo, hi, top_k, min_score)
        yield from rows
        done += len(rows)
        if progress is not None:
            progress("align", done, total)
