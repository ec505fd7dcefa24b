"""Finding a span again when its article's text has changed.

The order follows the W3C Web Annotation model and the Hypothesis client: the exact text at
the same offsets; else the exact text with matching context nearest the old place; else the
best fuzzy match of the text and its context, scored as Hypothesis scores it (the quote weighs
50, the prefix 20, the suffix 20, closeness to the old place 2). A span whose words are not
found well enough is orphaned: it keeps its old place and the user is told. Nothing is moved
without saying so: the result names how the span was found.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass

from rapidfuzz import fuzz, process

MIN_QUOTE_SIMILARITY = 70.0
"""A fuzzy match must share at least this much (0-100, rapidfuzz ``ratio``) with the old words.

Hypothesis accepts matches with errors up to half the quote's length (similarity 50); that
lets a deleted sentence be replaced by whatever now stands where it stood, so newsreader asks
for more and orphans the rest.
"""

MIN_CONTEXT_SIMILARITY = 60.0
"""Exact text elsewhere counts as the same place when its context matches at least this much."""

QUOTE_WEIGHT, PREFIX_WEIGHT, SUFFIX_WEIGHT, POSITION_WEIGHT = 50.0, 20.0, 20.0, 2.0

_WORD = re.compile(r"\S+")
_TOKEN = re.compile(r"\w+")


@dataclass(frozen=True)
class Found:
    """Where a span is on the new text, and how it was found.

    ``state`` is ``ok`` (same words at the same offsets), ``moved`` (same words elsewhere),
    ``fuzzy`` (changed words; ``score`` says how well they match, 0-100) or ``orphaned``
    (not found; ``start``/``end`` are the old offsets).
    """

    state: str
    start: int
    end: int
    score: float = 100.0


def _context_score(
    text: str, start: int, end: int, prefix: str, suffix: str
) -> tuple[float, float]:
    before = text[max(0, start - len(prefix)) : start]
    after = text[end : end + len(suffix)]
    prefix_score = fuzz.ratio(prefix, before) / 100 if prefix else 1.0
    suffix_score = fuzz.ratio(suffix, after) / 100 if suffix else 1.0
    return prefix_score, suffix_score


def _score(
    text: str, start: int, end: int, exact: str, prefix: str, suffix: str, hint: int
) -> tuple[float, float]:
    """(Hypothesis score 0-1, quote similarity 0-100) of the passage ``text[start:end]``."""
    quote = fuzz.ratio(exact, text[start:end])
    prefix_score, suffix_score = _context_score(text, start, end, prefix, suffix)
    position = 1.0 - abs(start - hint) / max(1, len(text))
    raw = (
        QUOTE_WEIGHT * quote / 100
        + PREFIX_WEIGHT * prefix_score
        + SUFFIX_WEIGHT * suffix_score
        + POSITION_WEIGHT * position
    )
    return raw / (QUOTE_WEIGHT + PREFIX_WEIGHT + SUFFIX_WEIGHT + POSITION_WEIGHT), quote


def find_again(text: str, exact: str, prefix: str, suffix: str, start: int, end: int) -> Found:
    """Find the span that was ``exact`` at ``start:end`` (with ``prefix``/``suffix`` around it)
    in the new ``text``."""
    if not exact:
        return Found("orphaned", start, end, 0.0)
    if text[start : start + len(exact)] == exact:
        return Found("ok", start, start + len(exact))

    # The same words elsewhere, with context that still matches: take the nearest.
    occurrences = []
    at = text.find(exact)
    while at != -1:
        occurrences.append(at)
        at = text.find(exact, at + 1)
    matching = [
        at
        for at in occurrences
        if sum(_context_score(text, at, at + len(exact), prefix, suffix)) / 2 * 100
        >= MIN_CONTEXT_SIMILARITY
    ]
    if matching:
        best = min(matching, key=lambda at: (abs(at - start), at))
        return Found("moved", best, best + len(exact))

    # Fuzzy: windows of the old length starting at each word, the best few refined at word
    # ends (scored with their context, so that the end lands where the old suffix begins).
    starts = sorted(
        {m.start() for m in _WORD.finditer(text)} | {m.start() for m in _TOKEN.finditer(text)}
    )
    if not starts:
        return Found("orphaned", start, end, 0.0)
    ends = sorted(
        {m.end() for m in _WORD.finditer(text)} | {m.end() for m in _TOKEN.finditer(text)}
    )
    length = len(exact)
    windows = [text[s : s + length] for s in starts]
    cutoff = MIN_QUOTE_SIMILARITY * 0.8
    top = process.extract(exact, windows, scorer=fuzz.ratio, limit=12, score_cutoff=cutoff)
    candidates: set[tuple[int, int]] = {(at, at + length) for at in occurrences}
    for _, _, index in top:
        begin = starts[index]
        lo, hi = begin + int(length * 0.6), begin + int(length * 1.4) + 1
        choices = [e for e in ends[bisect_left(ends, lo) : bisect_right(ends, hi)] if e > begin]
        if choices:
            best = max(choices, key=lambda e: _score(text, begin, e, exact, prefix, suffix, start))
            candidates.add((begin, best))
    if not candidates:
        return Found("orphaned", start, end, 0.0)
    scored = []
    for s, e in candidates:
        total, quote = _score(text, s, e, exact, prefix, suffix, start)
        scored.append((total, quote, -abs(s - start), s, e))
    total, quote, _, s, e = max(scored)
    if quote < MIN_QUOTE_SIMILARITY:
        return Found("orphaned", start, end, round(quote, 1))
    if text[s:e] == exact:
        return Found("moved", s, e, round(total * 100, 1))
    return Found("fuzzy", s, e, round(total * 100, 1))
