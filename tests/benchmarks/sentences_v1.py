"""The sentence splitter as it was before it was made linear (commit 4ff851c), kept as the
baseline of ``bench_sentences.py``. Do not use: it rescans the paragraph before every full stop.

Sentences: a rule-based splitter that knows news prose.

It knows that "U.S." and "Gen." rarely end a sentence, that a closing quotation mark may follow
the full stop, that ``?" he asked`` goes on, and that a headline ends at its line even without a
full stop (sentences never cross paragraph boundaries). It works on offsets directly, so nothing
is lost or rewritten, and it is fast enough to run on every document at load time.
"""

from __future__ import annotations

import re

from newsreader.corpus.document import Range

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

_CANDIDATE = re.compile(r"(?:[.!?\u2026]+|\.\.\.)[\"'\u201d\u2019)\]]*(?=\s)")
_NEXT_WORD = re.compile(r"\s+([\"'\u201c\u2018(\[]*)(\w[\w'\u2019.-]*)?")
_INITIALISM = re.compile(r"(?:[A-Za-z]\.){2,}$")
_PREV_WORD = re.compile(r"([\w'\u2019.&-]+)$")


def _is_boundary(paragraph: str, match: re.Match[str]) -> bool:
    mark = match.group()
    after = _NEXT_WORD.match(paragraph, match.end())
    if after is None:
        return True
    opener, word = after.group(1), after.group(2) or ""
    if not word:
        # Whatever follows starts with punctuation that is not an opening quote: not a new
        # sentence unless an opening quote or bracket starts it.
        return bool(opener)
    first = word[0]
    if first.islower():
        return False
    if not mark.startswith("."):
        return True
    # A full stop: is the word before it an abbreviation?
    before = _PREV_WORD.search(paragraph, 0, match.start())
    token = before.group(1) if before else ""
    core = token.rstrip(".").lower()
    next_lower = word.lower().rstrip(".")
    if "." in mark[1:] or len(mark.rstrip("\"'\u201d\u2019)]")) > 1:
        return True  # an ellipsis or several marks: a real stop
    lead = paragraph[: match.start()].strip()
    if lead.isdigit() and len(lead) <= 3:
        return False  # the number of a numbered list item: "1. Business Standard"
    if core in TITLES:
        return False
    if re.fullmatch(r"[A-Z]", token):
        return False  # a middle initial: "John F. Kennedy"
    if _INITIALISM.search(token + ".") or core in ABBREVIATIONS:
        if first.isdigit():
            return False  # "Sept. 11", "No. 1"
        return bool(opener) or next_lower in SENTENCE_STARTERS
    return True


def split_sentences(text: str, paragraphs: list[Range]) -> list[Range]:
    """Split each paragraph of ``text`` into sentences; ranges exclude surrounding whitespace."""
    sentences: list[Range] = []
    for p_start, p_end in paragraphs:
        paragraph = text[p_start:p_end]
        start = 0
        for match in _CANDIDATE.finditer(paragraph):
            if match.end() <= start or not _is_boundary(paragraph, match):
                continue
            sentences.append((p_start + start, p_start + match.end()))
            start = match.end()
            while start < len(paragraph) and paragraph[start].isspace():
                start += 1
        if start < len(paragraph):
            end = len(paragraph)
            while end > start and paragraph[end - 1].isspace():
                end -= 1
            sentences.append((p_start + start, p_start + end))
    return sentences
