"""A learned ranker of speaker candidates: which nearby mention said a quote.

The rules in ``quotes.py`` read one attribution per quote (``," Kerry said``, ``said Sen. Ted
Cruz``, ``according to ...``). This module looks at every mention near a quote instead: the
people named (``speakers.person_mentions``), the pronouns "he" and "she", and the rules' own pick.
Each candidate gets a few features (how far it is from the quote and on which side, whether a
speech verb is next to it, whether it is a clause's subject, a pronoun, a full name, the rules'
pick, the speaker of the quote before ...), and a logistic model scores it; the best-scored
candidate is the speaker.

The weights were learned on PolNeAR's train split by ``tests/benchmarks/train_speaker_ranker.py``
and are read from ``speaker_ranker.json`` (package data) with the standard library only.
"""

from __future__ import annotations

import json
import math
import operator
import re
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache
from importlib import resources

from .document import Range
from .speakers import PersonMention, _is_subject

# Speech verbs, as the rules in quotes.py use them (duplicated to keep this module free of
# quotes.py, which imports it).
_SPEECH = frozenset(
    """say says said saying tell tells told telling added adds adding asked asks asking write
    writes wrote writing tweeted stated declared explained noted continued argued insisted
    claimed replied responded warned recalled announced acknowledged admitted conceded
    concluded suggested emphasized stressed predicted promised vowed complained charged
    countered quipped testified asserted maintained boasted lamented urged pleaded
    pledged""".split()
)
_PREPOSITIONS = frozenset(
    """with to on from at in of by for about against into over than""".split()
)
_PRONOUN = re.compile(r"\b(?:he|she|He|She)\b")
_WORDS = re.compile(r"[A-Za-z][\w'\u2019.-]*|[:,;]")
WINDOW_SENTENCES = 2  # how many sentences before the quote's first are searched
# The least probability at which the ranker names a speaker the rules left unknown. Measured
# with tests/benchmarks/train_speaker_ranker.py: 0.2 to 0.6 name fewer speakers, lose dev 0 to
# 0.003 and the one BASIL phrase the ranker gains at 0.
MIN_PROBABILITY = 0.0

FEATURES: tuple[str, ...] = (
    "rule",
    "rule_none",
    "before",
    "after",
    "same_sentence",
    "previous_sentence",
    "two_back",
    "next_sentence",
    "same_paragraph",
    "log_distance",
    "nearest_before",
    "nearest_after",
    "verb_after",
    "verb_before",
    "subject",
    "according",
    "colon_after",
    "pronoun",
    "full_name",
    "description",
    "log_count",
    "previous_speaker",
    "paragraph_start",
    "after_preposition",
    "possessive",
    "after_and_verb",
    "before_and_verb",
)


@dataclass(slots=True)
class Candidate:
    """A mention that may have said a quote, and its features by name."""

    start: int
    end: int
    features: dict[str, float]


@dataclass(frozen=True, slots=True)
class Model:
    """Logistic weights per feature, and the intercept."""

    weights: dict[str, float]
    intercept: float
    # The weights in the order of a candidate's feature names, per order (filled by ``score``).
    ordered: dict[tuple[str, ...], list[float]] = field(
        default_factory=dict, compare=False, repr=False
    )

    def score(self, features: dict[str, float]) -> float:
        # The products and their sum in the features' order, as ``sum(weights.get(k, 0.0) *
        # v for k, v in features.items())`` makes them, with the weights looked up once per
        # order of names (speed: every candidate has the same names in the same order).
        keys = tuple(features)
        ordered = self.ordered.get(keys)
        if ordered is None:
            ordered = self.ordered[keys] = [self.weights.get(k, 0.0) for k in keys]
        total: float = sum(map(operator.mul, ordered, features.values()))
        return self.intercept + total

    def probability(self, features: dict[str, float]) -> float:
        return 1.0 / (1.0 + math.exp(-self.score(features)))


@cache
def load_model() -> Model | None:
    """The shipped model, or None when the data file is missing (the rules alone then)."""
    try:
        raw = resources.files(__package__).joinpath("speaker_ranker.json").read_text("utf-8")
    except (FileNotFoundError, ModuleNotFoundError):
        return None
    data = json.loads(raw)
    return Model({str(k): float(v) for k, v in data["weights"].items()}, float(data["intercept"]))


def _tokens_around(text: str, start: int, end: int) -> tuple[list[str], list[str]]:
    before = _WORDS.findall(text, max(0, start - 40), start)
    after = _WORDS.findall(text, end, min(len(text), end + 40))
    return before, after


def candidates(
    text: str,
    quote: Range,
    rule: Range | None,
    mentions: Sequence[PersonMention],
    mention_starts: Sequence[int],
    sentences: Sequence[Range],
    sentence_starts: Sequence[int],
    paragraph_starts: Sequence[int],
    quoted: Sequence[Range],
    quoted_starts: Sequence[int],
    surname_counts: dict[str, int],
    previous_speaker: str | None,
) -> list[Candidate]:
    """The mentions near ``quote`` that may have said it, with their features."""
    q_start, q_end = quote
    first_sentence = bisect_right(sentence_starts, q_start) - 1
    last_sentence = bisect_right(sentence_starts, max(q_start, q_end - 1)) - 1
    low = sentences[max(0, first_sentence - WINDOW_SENTENCES)][0] if first_sentence >= 0 else 0
    high = sentences[last_sentence + 1][1] if last_sentence + 1 < len(sentences) else len(text)
    if last_sentence < 0:
        high = len(text)
    spans: dict[Range, str] = {}
    for mention in mentions[
        bisect_right(mention_starts, low - 1) : bisect_right(mention_starts, high)
    ]:
        spans.setdefault((mention.start, mention.end), mention.words[-1].lower())
    for match in _PRONOUN.finditer(text, low, high):
        spans.setdefault((match.start(), match.end()), "")
    if rule is not None:
        overlapping = [s for s in spans if s[0] < rule[1] and rule[0] < s[1]]
        if not overlapping:
            spans[rule] = (
                text[rule[0] : rule[1]].split()[-1].lower().strip(".,'\u2019")
                if text[rule[0] : rule[1]].split()
                else ""
            )
    result: list[Candidate] = []
    before_spans = sorted(s for s in spans if s[1] <= q_start)
    after_spans = sorted(s for s in spans if s[0] >= q_end)
    nearest_before = before_spans[-1] if before_spans else None
    nearest_after = after_spans[0] if after_spans else None
    q_paragraph = bisect_right(paragraph_starts, q_start) - 1
    for span, surname in spans.items():
        start, end = span
        if _inside(start, quoted, quoted_starts):
            continue
        if q_start <= start < q_end:
            continue
        sentence = bisect_right(sentence_starts, start) - 1
        paragraph = bisect_right(paragraph_starts, start) - 1
        if end <= q_start:
            offset = sentence - first_sentence
            distance = q_start - end
        else:
            offset = sentence - last_sentence
            distance = start - q_end
        words = text[start:end]
        before, after = _tokens_around(text, start, end)
        prev_word = before[-1].lower() if before else ""
        next_word = after[0].lower() if after else ""
        next_two = [w.lower() for w in after[:3]]
        prev_two = [w.lower() for w in before[-2:]]
        is_pronoun = words in ("he", "she", "He", "She")
        features: dict[str, float] = {
            "rule": 1.0 if rule is not None and start < rule[1] and rule[0] < end else 0.0,
            "rule_none": 1.0 if rule is None else 0.0,
            "before": 1.0 if end <= q_start else 0.0,
            "after": 1.0 if start >= q_end else 0.0,
            "same_sentence": 1.0 if offset == 0 else 0.0,
            "previous_sentence": 1.0 if offset == -1 else 0.0,
            "two_back": 1.0 if offset <= -2 else 0.0,
            "next_sentence": 1.0 if offset >= 1 else 0.0,
            "same_paragraph": 1.0 if paragraph == q_paragraph else 0.0,
            "log_distance": math.log1p(max(0, distance)) / 5.0,
            "nearest_before": 1.0 if span == nearest_before else 0.0,
            "nearest_after": 1.0 if span == nearest_after else 0.0,
            "verb_after": 1.0 if any(w in _SPEECH for w in next_two) else 0.0,
            "verb_before": 1.0 if prev_word in _SPEECH else 0.0,
            "subject": 1.0 if not is_pronoun and _subject_at(text, start, end) else 0.0,
            "according": 1.0 if prev_two == ["according", "to"] else 0.0,
            "colon_after": 1.0 if next_word == ":" else 0.0,
            "pronoun": 1.0 if is_pronoun else 0.0,
            "full_name": 1.0 if len(words.split()) >= 2 and words[:1].isupper() else 0.0,
            "description": 1.0 if words[:1].islower() and not is_pronoun else 0.0,
            "log_count": math.log1p(surname_counts.get(surname, 0)) / 3.0,
            "previous_speaker": 1.0
            if previous_speaker and surname and surname == previous_speaker
            else 0.0,
            "paragraph_start": 1.0
            if paragraph >= 0 and paragraph_starts[paragraph] == start
            else 0.0,
            "after_preposition": 1.0 if prev_word in _PREPOSITIONS else 0.0,
            "possessive": 1.0 if text.startswith(("'s", "\u2019s"), end) else 0.0,
        }
        features["after_and_verb"] = features["after"] * features["verb_after"]
        features["before_and_verb"] = features["before"] * features["verb_before"]
        result.append(Candidate(start, end, features))
    return result


def _subject_at(text: str, start: int, end: int) -> bool:
    return _is_subject(text, PersonMention(start, end, (text[start:end],)))


def _inside(offset: int, ranges: Sequence[Range], starts: Sequence[int]) -> bool:
    index = bisect_right(starts, offset) - 1
    return index >= 0 and ranges[index][0] <= offset < ranges[index][1]


def best(model: Model, found: Sequence[Candidate]) -> Candidate | None:
    """The best-scored candidate (the earliest on ties), or None when there is none."""
    top: Candidate | None = None
    top_score = -math.inf
    for candidate in found:
        score = model.score(candidate.features)
        if score > top_score:
            top, top_score = candidate, score
    return top
