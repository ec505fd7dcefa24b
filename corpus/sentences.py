"""Sentences: a rule-based splitter that knows news prose.

It knows that "U.S." and "Gen." rarely end a sentence, that a closing quotation mark may follow
the full stop, that ``?" he asked`` goes on, and that a headline ends at its line even without a
full stop (sentences never cross paragraph boundaries). It works on offsets directly, so nothing
is lost or rewritten, and it is fast enough to run on every document at load time.
"""

from __future__ import annotations

import re
import string

from .document import Range

# Words after which a full stop is an abbreviation's, not a sentence end.
TITLES = frozenset(
    """mr mrs ms mx dr prof gen lt col sgt capt cpt cmdr adm maj brig sen rep gov pres supt rev
    fr hon amb atty insp det cpl pvt messrs mme mlle sr jr st ft mt""".split()
)
ABBREVIATIONS = frozenset(
    """inc co corp ltd llc bros dept est approx vs etc no nos vol vols fig figs op cit al ca jan
    feb mar apr jun jul aug sep sept oct nov dec mon tue tues wed thu thur thurs fri sat sun
    ala ariz ark calif colo conn del fla ga ill ind kan kans ky la md mass mich minn miss mo
    mont neb nev okla ore pa penn tenn tex va vt wash wis wisc wyo ave blvd rd hwy""".split()
)
# Words that commonly open a sentence: after an initialism ("U.S.") or a state abbreviation they
# mean the sentence ended there ("... with the U.S. The talks ...").
SENTENCE_STARTERS = frozenset(
    """during despite amid among under until even just also only first the a an he she it they
    we i you his her its their our my this that these those there but
    and or so yet if when while after before as at in on for to from with without by of since
    because although though however meanwhile still then now some many most no not one what
    who why how where which earlier later last next both each all""".split()
)

# A run of sentence-ending marks with the closing quotes and brackets after it, then whitespace,
# then an opening quote or bracket or a word (only there can a sentence start). It starts only
# where a run starts (the look-behind after the first mark; a pattern that starts with its
# character class is searched fast), and its quantifiers are possessive: a long run of marks
# is read once, not once per mark, and a run of ". . . ." costs no Python work.
_CANDIDATE = re.compile(
    r"[.!?\u2026](?<![.!?\u2026][.!?\u2026])[.!?\u2026]*+[\"'\u201d\u2019)\]]*+"
    r"(?=\s++[\"'\u201c\u2018(\[\w])"
)
_SPACES = re.compile(r"\s*")
_NEXT_WORD = re.compile(r"\s+([\"'\u201c\u2018(\[]*)(\w[\w'\u2019.-]*)?")
_WORD_PUNCTUATION = frozenset("_'\u2019.&-")  # besides letters and digits, in a word
_ASCII_LETTERS = frozenset(string.ascii_letters)
_CLOSERS = "\"'\u201d\u2019)]"

# Every step below looks only at the word before a candidate, the whitespace around it and the
# word after it; each character is looked at a bounded number of times, so splitting is linear
# in the paragraph's length (the old splitter rescanned the paragraph before every full stop).


def _word_before(paragraph: str, end: int) -> str:
    """The run of word characters (``\\w`` and ``' . & -``) that ends at ``end``, or just before
    a newline there (where the ``$`` of the regular expression this replaces matched too)."""
    if end > 0 and paragraph[end - 1] == "\n":
        end -= 1
    start = end
    while start > 0:
        char = paragraph[start - 1]
        if not (char.isalnum() or char in _WORD_PUNCTUATION):
            break
        start -= 1
    return paragraph[start:end]


def _is_initialism(token: str) -> bool:
    """True when ``token`` and the full stop after it end in two or more letter-dot pairs, as
    "U.S." and "D.C." do."""
    dotted = token + "."
    pairs = 0
    end = len(dotted)
    while end >= 2 and dotted[end - 1] == "." and dotted[end - 2] in _ASCII_LETTERS:
        pairs += 1
        end -= 2
    return pairs >= 2


def _is_list_number(paragraph: str, first: int, end: int) -> bool:
    """True when the paragraph's text before ``end`` is a list item's number of 1-3 digits."""
    while end > first and paragraph[end - 1].isspace():
        end -= 1
    return 0 < end - first <= 3 and paragraph[first:end].isdigit()


def _is_boundary(paragraph: str, first: int, start: int, end: int) -> bool:
    """Whether the candidate ``paragraph[start:end]`` ends a sentence; ``first`` is the
    paragraph's first non-space character."""
    mark = paragraph[start:end]
    after = _NEXT_WORD.match(paragraph, end)
    if after is None:
        return True
    opener, word = after.group(1), after.group(2) or ""
    if not word:
        # Whatever follows starts with punctuation that is not an opening quote: not a new
        # sentence unless an opening quote or bracket starts it.
        return bool(opener)
    initial = word[0]
    if initial.islower():
        return False
    if not mark.startswith("."):
        return True
    # A full stop: is the word before it an abbreviation?
    token = _word_before(paragraph, start)
    if "." in mark[1:] or len(mark.rstrip(_CLOSERS)) > 1:
        return True  # an ellipsis or several marks: a real stop
    if _is_list_number(paragraph, first, start):
        return False  # the number of a numbered list item: "1. Business Standard"
    core = token.rstrip(".").lower()
    if core in TITLES:
        return False
    if len(token) == 1 and "A" <= token <= "Z":
        return False  # a middle initial: "John F. Kennedy"
    if _is_initialism(token) or core in ABBREVIATIONS:
        if initial.isdigit():
            return False  # "Sept. 11", "No. 1"
        return bool(opener) or word.lower().rstrip(".") in SENTENCE_STARTERS
    return True


def split_sentences(text: str, paragraphs: list[Range]) -> list[Range]:
    """Split each paragraph of ``text`` into sentences; ranges exclude surrounding whitespace.

    Linear in the length of the text, whatever it holds.
    """
    sentences: list[Range] = []
    for p_start, p_end in paragraphs:
        paragraph = text[p_start:p_end]
        first = len(paragraph) - len(paragraph.lstrip())
        start = 0
        for match in _CANDIDATE.finditer(paragraph):
            m_start, m_end = match.span()
            if m_end <= start or not _is_boundary(paragraph, first, m_start, m_end):
                continue
            sentences.append((p_start + start, p_start + m_end))
            spaces = _SPACES.match(paragraph, m_end)  # always matches: ``\s*``
            start = spaces.end() if spaces else m_end
        if start < len(paragraph):
            end = len(paragraph.rstrip())
            if end > start:
                sentences.append((p_start + start, p_start + end))
    return sentences
