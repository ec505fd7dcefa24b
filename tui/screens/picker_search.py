"""How the ``o`` picker ranks articles for what is typed: exact, prefix, word, text, then fuzzy.

A query is compared with each article's outlet and title, and with its text:

1. **exact**: the title or the outlet is the query (case and spacing aside);
2. **prefix**: the title, the outlet, or "outlet title" starts with the query;
3. **words**: every word typed starts a word of the outlet or title;
4. **text**: every word typed starts a word of the article's text (most occurrences first);
5. **fuzzy**: every word typed is close to a word of the outlet or title (a typo: rapidfuzz's
   ``ratio`` at least :data:`FUZZY_CUTOFF`), best first.

Within the first three tiers articles keep the order they were given in (the open story first),
so a weak fuzzy match never comes before an article that holds the words.
"""

from __future__ import annotations

import re
import sys
from bisect import bisect_left
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import accumulate
from typing import Protocol

from rapidfuzz import fuzz, process

FUZZY_CUTOFF = 75
"""The least ``ratio`` (0-100) between a typed word and a word of the outlet or title."""
FUZZY_LIMIT = 50
"""At most this many fuzzy-only matches are listed."""
PASSAGES = 100
"""The first this many text matches are listed with the passage that matched."""
EXACT, PREFIX, WORDS, TEXT, FUZZY = range(5)
TIER_NAMES = ("exact", "prefix", "words", "text", "fuzzy")


class Searchable(Protocol):
    @property
    def title(self) -> str: ...
    @property
    def outlet(self) -> str | None: ...
    @property
    def text(self) -> str: ...


@dataclass(frozen=True, slots=True)
class Hit:
    """One listed article: its index among those given, its tier, and where its text matched."""

    index: int
    tier: int
    at: int | None = None
    """The offset of the first match in the article's text (text tier), else None."""


def _norm(text: str) -> str:
    return " ".join(text.lower().split())


_WORD = re.compile(r"\w+")


_KNOWN: dict[str, _Words] = {}
"""The words of every article text searched in this process, by its lowered text: a picker
opened again, or on other panes, does not read the texts again."""
_KNOWN_MAX = 50_000


class _Words:
    """An article's distinct words, lowered and sorted, with the running total of how often
    they occur: the occurrences of the words a typed prefix starts are two bisections away,
    with no scan of the text."""

    __slots__ = ("totals", "words")

    def __init__(self, lowered: str) -> None:
        counted = Counter(_WORD.findall(lowered))
        self.words = sorted(sys.intern(w) for w in counted)
        self.totals = [0, *accumulate(counted[w] for w in self.words)]

    def starting(self, prefix: str) -> int:
        """How many times words starting with ``prefix`` occur (0: none)."""
        low = bisect_left(self.words, prefix)
        high = bisect_left(self.words, prefix + "\U0010ffff", low)
        return self.totals[high] - self.totals[low]


class PickerIndex:
    """The articles' outlets, titles and texts, lowered once, to rank them per keystroke."""

    def __init__(self, documents: Sequence[Searchable]) -> None:
        self.titles = [_norm(d.title or "") for d in documents]
        self.outlets = [_norm(d.outlet or "") for d in documents]
        self.heads = [f"{o} {t}".strip() for o, t in zip(self.outlets, self.titles, strict=True)]
        # Lowering keeps offsets unless a character changes length (the Turkish dotted capital
        # I): such an article's text matches are listed without a passage.
        self.texts = [d.text.lower() for d in documents]
        self._lengths_kept = [
            len(t) == len(d.text) for t, d in zip(self.texts, documents, strict=True)
        ]
        # Each article's words, made the first time its text is searched, then kept: a
        # keystroke costs two bisections per article, not a scan of the corpus's text.
        self._words: list[_Words | None] = [None] * len(documents)

    def __len__(self) -> int:
        return len(self.titles)

    def rank(self, query: str, allowed: Sequence[int] | None = None) -> list[Hit]:
        """The articles matching ``query`` best first (all of them, in order, for no query).

        ``allowed`` limits the ranking to those indices (the open story)."""
        indices = list(range(len(self))) if allowed is None else list(allowed)
        q = _norm(query)
        if not q:
            return [Hit(i, EXACT) for i in indices]
        words = [re.compile(r"(?<!\w)" + re.escape(w)) for w in q.split()]
        tiers: list[list[Hit]] = [[], [], [], []]
        text_hits: list[tuple[int, Hit]] = []
        rest: list[int] = []
        for i in indices:
            title, outlet, head = self.titles[i], self.outlets[i], self.heads[i]
            if q in (title, outlet):
                tiers[EXACT].append(Hit(i, EXACT))
            elif title.startswith(q) or outlet.startswith(q) or head.startswith(q):
                tiers[PREFIX].append(Hit(i, PREFIX))
            elif all(w.search(head) for w in words):
                tiers[WORDS].append(Hit(i, WORDS))
            else:
                count = self._text_count(q.split(), words, i)
                if count:
                    text_hits.append((-count, Hit(i, TEXT)))
                else:
                    rest.append(i)
        text_hits.sort(key=lambda pair: pair[0])  # stable: ties keep the given order
        # Where the words are in the text, for the passage shown: the first screenfuls only.
        tiers[TEXT] = [
            Hit(hit.index, TEXT, self._first(words, hit.index)) if n < PASSAGES else hit
            for n, (_, hit) in enumerate(text_hits)
        ]
        fuzzy: list[tuple[float, Hit]] = []
        for i in rest:
            score = self._fuzzy(q.split(), i)
            if score is not None:
                fuzzy.append((-score, Hit(i, FUZZY)))
        fuzzy.sort(key=lambda pair: pair[0])
        return [hit for tier in tiers for hit in tier] + [h for _, h in fuzzy[:FUZZY_LIMIT]]

    def _text_count(self, typed: list[str], words: list[re.Pattern[str]], i: int) -> int:
        """How often the typed words start a word of article ``i``'s text (0 unless each does)."""
        if not all(_WORD.fullmatch(w) for w in typed):
            # A typed word with punctuation ("u.s."): the text itself is searched.
            text = self.texts[i]
            if not all(w.search(text) for w in words):
                return 0
            return sum(len(w.findall(text)) for w in words)
        known = self._words[i] or self._words_of(i)
        total = 0
        for word in typed:
            found = known.starting(word)
            if not found:
                return 0
            total += found
        return total

    def _words_of(self, i: int) -> _Words:
        text = self.texts[i]
        known = _KNOWN.get(text)
        if known is None:
            if len(_KNOWN) >= _KNOWN_MAX:
                _KNOWN.clear()
            known = _KNOWN[text] = _Words(text)
        self._words[i] = known
        return known

    def warm(self) -> None:
        """Make every article's words now (in a worker thread, while the user types)."""
        for i in range(len(self)):
            if self._words[i] is None:
                self._words_of(i)

    def _first(self, words: list[re.Pattern[str]], i: int) -> int | None:
        """Where the first typed word found starts in article ``i``'s text (None when lowering
        moved its offsets)."""
        if not self._lengths_kept[i]:
            return None
        text = self.texts[i]
        starts = [m.start() for m in (w.search(text) for w in words) if m is not None]
        return min(starts) if starts else None

    def _fuzzy(self, words: list[str], i: int) -> float | None:
        """The mean closeness of each typed word to its nearest word of the head, or None when
        a typed word has no word close enough."""
        head = self.heads[i].split()
        total = 0.0
        for word in words:
            best = process.extractOne(word, head, scorer=fuzz.ratio, score_cutoff=FUZZY_CUTOFF)
            if best is None:
                return None
            total += best[1]
        return total / len(words)


def snippet(text: str, at: int, width: int = 70) -> str:
    """About ``width`` characters of ``text`` around offset ``at``, on one line."""
    start = max(0, at - width // 3)
    piece = " ".join(text[start : start + width].split())
    return ("…" if start else "") + piece + "…"


__all__ = ["FUZZY_CUTOFF", "TIER_NAMES", "Hit", "PickerIndex", "snippet"]
