"""Quotations and their speakers.

Two passes over a document's text:

1. Pair quotation marks into quoted passages: curly and straight double marks, doubled single marks
   (``''...''``, `````...''``), and single marks outside double ones (headline style ``'...'`` and
   ``‘...’``), telling apostrophes from closing marks. A passage whose paragraph ends open and whose
   next paragraph opens with a quotation mark goes on into that paragraph (the news convention for
   quotes that run over several paragraphs).
2. Attribute each passage: a speech cue next to it (``," Kerry said`` / ``said Kerry`` /
   ``Khamenei told reporters ..., saying "...`` / ``HARF VIA FREE BEACON: "...`` / ``according
   to ...``) gives the speaker, taken as the mention the text uses (a name, "the official", "he").
   A passage split by its attribution continues the one before it; a passage with no attribution
   of its own inherits the speaker of the quote just before it in the same or previous paragraph.
   Short passages with neither attribution nor a speaker to inherit are scare quotes or titles and
   are not reported as quotes.

A pronoun speaker ("he said") is resolved to the named speaker of the quote just before it, when
that quote is in the same or the previous paragraph, so the user sees who "he" is; the speaker
offsets then point at that earlier mention. (No gender check is made.)
"""

from __future__ import annotations

import itertools
import re
from bisect import bisect_right
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass

from . import speaker_ranker
from .document import Document, Quote, Range
from .sentences import TITLES
from .speakers import SpeakerResolver

# Verb forms that announce speech. Forms that are as often nouns ("states", "claims",
# "tweets", "report") are left out: a wrong cue is worse than a missing one.
SPEECH_VERBS = frozenset(
    """say says said saying tell tells told telling added adds adding asked asks asking write
    writes wrote writing tweeted tweeting stated stating declare declares declared declaring
    explain explains explained explaining noted noting continued continuing argue argues
    argued arguing insist insists insisted insisting claimed claiming replied replies replying
    respond responds responded responding warn warns warned warning recalled recalls recalling
    remarked joked exclaimed shouted yelled announce announces announced announcing
    acknowledge acknowledges acknowledged admit admits admitted concede concedes conceded
    concluded cautioned observed posted suggest suggests suggested suggesting emphasized
    emphasised stressed predicted promised vowed complained charged countered quipped mused
    called described labeled labelled dubbed derided reported testified asserted asserts
    maintained boasted lamented urged pleaded pledged chanted sang demanded blasted slammed
    praised screamed whispered answered barked retorted scoffed snapped contended recounted
    beamed blared""".split()
)
PRONOUNS = frozenset("""he she they it i we you who which""".split())
_PERSONAL = frozenset({"he", "she", "they", "it", "i", "we", "you"})
DETERMINERS = frozenset(
    """the a an his her their its our my your one another this that these those some several two
    three four many both each""".split()
)
_SKIP_BEFORE_VERB = frozenset(
    """also later then often once again previously recently has had have would will did does had
    just already repeatedly further finally simply even not""".split()
)
_APPOSITIVE_START = frozenset("""a an the who which whose one former now""".split())
_CONNECTORS = frozenset("""of de la le van von der al bin du da di del dos and &""".split())
_STOP_AFTER = frozenset(
    """on in at during to for from with about after before when while as by""".split()
)

_MARK = re.compile(r"``|''|[\"\u201c\u201d\u201e\u00ab\u00bb\u2018\u2019']")
# What ``_MARK`` finds, and a lone backtick, by a pattern that opens with a character class
# (speed: searched for about twice as fast; ``_pair_marks`` passes over the lone backtick).
_MARK_SCAN = re.compile(r"[\"\u201c\u201d\u201e\u00ab\u00bb\u2018\u2019'`](?:(?<=')'|(?<=`)`)?")
_WORD = re.compile(r"[A-Za-z\u00c0-\u024f0-9][\w\u00c0-\u024f'\u2019.&-]*")
_OPEN_CONTEXT = frozenset(' \t\n\u00a0([{\u2014\u2013-/:;\u201c"\u2018')
_ELISIONS = ("em ", "til ", "cause ", "n ", "bout ")

MIN_UNATTRIBUTED_WORDS = 6
_HEADLINE_CHARS = 200  # a first paragraph longer than this is no headline


@dataclass(slots=True)
class _Passage:
    start: int  # offset of the opening mark
    end: int  # offset just past the closing mark (or the paragraph end)


def _pair_marks(text: str, paragraphs: list[Range]) -> list[_Passage]:
    """Pair quotation marks into passages, paragraph by paragraph."""
    passages: list[_Passage] = []
    carried: int | None = None  # opening offset of a double passage running on from before
    for index, (p_start, p_end) in enumerate(paragraphs):
        open_double: int | None = None
        open_single: int | None = None
        outer: int | None = None  # a curly passage a second opening mark was nested in
        single_kind = ""
        first_mark = True
        for match in _MARK_SCAN.finditer(text, p_start, p_end):
            mark = match.group()
            if mark == "`":
                continue  # a lone backtick is no quotation mark
            pos = match.start()
            before = text[pos - 1] if pos > p_start else " "
            after = text[match.end()] if match.end() < p_end else " "
            if mark in "'\u2019" and before.isalnum() and after.isalnum():
                first_mark = False
                continue  # an apostrophe inside a word ("don't", "Clinton’s")
            opening_context = before in _OPEN_CONTEXT
            closing_context = not after.isalnum()
            if carried is not None and first_mark and pos == p_start and mark in '\u201c"``':
                # The passage from the previous paragraph continues here.
                open_double, carried = carried, None
                first_mark = False
                continue
            first_mark = False
            if mark in ('"', "''", "\u201c", "\u201d", "``", "\u201e", "\u00ab", "\u00bb"):
                if open_double is None:
                    if mark in ("\u201d", "\u00bb") and not opening_context:
                        if outer is not None and mark == "\u201d":
                            # “... what he calls “hell” than live ...”: the inner passage
                            # closed, and this mark closes the one it was nested in.
                            passages[-1] = _Passage(outer, match.end())
                            outer = None
                        continue  # a stray closing mark
                    if after.isspace() and mark in ('"', "''"):
                        continue  # a straight mark followed by space cannot open
                    open_double = pos
                    open_single = None  # a single mark left open was an apostrophe
                    outer = None
                elif (
                    mark in ('"', "''", "\u201c", "``")
                    and opening_context
                    and not after.isspace()
                    and not closing_context
                ):
                    # The previous opening mark was never closed, or (curly marks) this
                    # one opens a passage nested in it: a later closing mark tells.
                    outer = open_double if mark == "\u201c" == text[open_double] else None
                    open_double = pos
                else:
                    passages.append(_Passage(open_double, match.end()))
                    open_double = None
                continue
            if open_double is not None:
                continue  # single marks inside a double passage are nested quotes or apostrophes
            if open_single is None:
                if mark == "\u2019" and not opening_context:
                    continue  # an apostrophe
                if not opening_context or after.isspace() or after == "":
                    continue
                rest = text[match.end() : match.end() + 7].lower()
                if mark == "'" and (after.isdigit() or rest.startswith(_ELISIONS)):
                    continue  # '90s, 'em, 'til
                open_single, single_kind = pos, mark
            else:
                if mark in ("\u2018",) and single_kind == "\u2018" and opening_context:
                    open_single = pos
                    continue
                if before.isspace() or not closing_context:
                    continue  # an apostrophe inside a word, or a mark that opens
                if mark == "'" and before in "sS" and after == " " and single_kind == "\u2018":
                    continue
                passages.append(_Passage(open_single, match.end()))
                open_single = None
        if open_double is not None:
            next_start = paragraphs[index + 1][0] if index + 1 < len(paragraphs) else None
            if next_start is not None and text[next_start] in '\u201c"`':
                carried = open_double
            else:
                passages.append(_Passage(open_double, p_end))
        else:
            carried = None
    return passages


@dataclass(slots=True)
class _Attribution:
    speaker: Range | None
    cue: str | None


def _words(text: str, start: int, end: int) -> list[tuple[int, int, str]]:
    """Word tokens with offsets; a full stop stays on abbreviations ("Sen.", "U.S.") only."""
    return list(_iter_words(text, start, end))


def _iter_words(text: str, start: int, end: int) -> Iterator[tuple[int, int, str]]:
    """``_words`` one token at a time, for callers that mostly stop after a few (speed)."""
    for match in _WORD.finditer(text, start, end):
        token = match.group()
        if token[-1] == "." and not _keeps_stop(token):
            stripped = token.rstrip(".")
            if stripped:
                yield match.start(), match.end() - (len(token) - len(stripped)), stripped
        else:
            yield match.start(), match.end(), token


_INITIALS = re.compile(r"(?:[A-Za-z]\.)+[A-Za-z]?\.?")


def _keeps_stop(token: str) -> bool:
    core = token.rstrip(".")
    return core.lower() in TITLES or len(core) == 1 or _INITIALS.fullmatch(token) is not None


def _is_adverb(token: str) -> bool:
    """A lower-case "-ly" word ("reportedly", "later", not "Kelly")."""
    return token.islower() and token.endswith("ly") and len(token) > 4


def _is_name_token(token: str) -> bool:
    """Capitalised, or with a capital inside ("McKinley", "al-Assad", "DuVernay")."""
    return token[:1].isupper() or (not token[:1].isdigit() and any(c.isupper() for c in token))


def _np_before(text: str, start: int, verb_start: int) -> Range | None:
    """The noun phrase that ends just before the speech verb at ``verb_start``."""
    tokens = _words(text, start, verb_start)
    # Stop at punctuation that cannot lie inside a subject.
    while tokens:
        gap = text[tokens[-1][1] : verb_start]
        if gap.strip(" \u00a0") and not gap.strip(" \u00a0").startswith(")"):
            break
        last = tokens[-1][2]
        if (last.islower() and last in _SKIP_BEFORE_VERB) or _is_adverb(last):
            verb_start = tokens[-1][0]
            tokens.pop()
            continue
        break
    if not tokens:
        return None
    gap = text[tokens[-1][1] : verb_start].strip(" \u00a0")
    if gap.startswith((".)", ".,")):
        gap = gap[1:]  # the full stop of an abbreviation: "(D-Wis.) said", "R-Ky., said"
    if gap.startswith(","):
        return _np_before_appositive(text, start, tokens)
    if gap and not gap.startswith(")"):
        return None
    if gap.startswith(")"):
        # "Sen. Lindsey Graham (R-S.C.) said": step over the parenthesis.
        paren = text.rfind("(", start, verb_start)
        if paren == -1:
            return None
        tokens = _words(text, start, paren)
        if not tokens:
            return None
    elif not gap:
        last = tokens[-1][2]
        if last in _COORDINATORS or last in _PASSIVE:
            # "Mrs. Clinton shook her head and said": the sentence's subject, found by the
            # caller; "Trump was asked": the one asking is not named here.
            return None
        if last in _RELATIVES and len(tokens) >= 2:
            between = text[tokens[-2][1] : tokens[-1][0]]
            if not between.strip(" \u00a0"):
                tokens = tokens[:-1]  # "a marketing video that said": the video
        elif last == "who" and len(tokens) >= 2 and _is_name_token(tokens[-2][2]):
            between = text[tokens[-2][1] : tokens[-1][0]]
            if between.strip(" \u00a0") == ",":
                tokens = tokens[:-1]  # "President Trump, who said": the name before "who"
    return _trailing_np(text, tokens)


_COORDINATORS = frozenset({"and", "but", "or"})
_PASSIVE = frozenset({"was", "were", "is", "are", "be", "been", "being"})
_RELATIVES = frozenset({"that", "which"})


def _trailing_np(text: str, tokens: list[tuple[int, int, str]]) -> Range | None:
    last_start, last_end, last = tokens[-1]
    low = last.lower().rstrip(".")
    if low in PRONOUNS:
        return (last_start, last_end)
    if _is_name_token(last):
        first = len(tokens) - 1
        while first > 0:
            prev = tokens[first - 1][2]
            between = text[tokens[first - 1][1] : tokens[first][0]]
            if between.strip(" \u00a0"):
                break
            if _is_name_token(prev) or (
                prev.lower() in _CONNECTORS and first >= 2 and _is_name_token(tokens[first - 2][2])
            ):
                first -= 1
                continue
            break
        if tokens[first][2].lower() in _CONNECTORS:
            first += 1
            if first == len(tokens):
                return None  # a lone capitalised connector ("And said, ...") names no one
        start = tokens[first][0]
        # Leave out a sentence-initial function word picked up as a capital ("But Kerry said").
        while first < len(tokens) - 1 and tokens[first][2].lower() in _LEADING_FUNCTION:
            first += 1
            start = tokens[first][0]
        return (start, last_end)
    # A common noun phrase: back to its determiner, within a few words.
    for back in range(1, min(6, len(tokens)) + 1):
        token_start, _, token = tokens[-back]
        between = text[tokens[-back][1] : tokens[-back + 1][0]] if back > 1 else ""
        if between.strip(" \u00a0"):
            break
        if token.lower() in DETERMINERS:
            return (token_start, last_end)
        if token.lower() in SPEECH_VERBS or token.lower() in _STOP_AFTER:
            break
    if low.endswith("s") or low in ("police", "staff", "people"):
        return (last_start, last_end)  # "officials said", "sources said"
    return None


_LEADING_FUNCTION = frozenset(
    """during after before in on at from with without despite but and so yet then when while
    as if because though although also however meanwhile still now here there the""".split()
)


_PARTY_TAG = re.compile(r"[RDI]-[A-Z][A-Za-z.]*")


def _np_before_appositive(
    text: str, start: int, tokens: list[tuple[int, int, str]]
) -> Range | None:
    """``Graham, a Republican from South Carolina, said``: the subject before the appositive."""
    comma_end = tokens[-1][1]
    prior_comma = text.rfind(",", start, tokens[-1][0])
    if prior_comma == -1:
        return None
    appositive = _words(text, prior_comma, comma_end)
    if not appositive:
        return None
    head = appositive[0][2].lower()
    subject_tokens = _words(text, start, prior_comma)
    if not subject_tokens:
        return None
    if (
        head in _APPOSITIVE_START
        or not _is_name_token(appositive[0][2])
        or _PARTY_TAG.fullmatch(appositive[0][2])  # "Mitch McConnell, R-Ky., said"
    ):
        candidate = _trailing_np(text, subject_tokens)
        if candidate and _is_name_token(text[candidate[0] : candidate[1]]):
            return candidate
        return None
    return _trailing_np(text, tokens)


def _np_after(text: str, start: int, end: int) -> Range | None:
    """The noun phrase that follows an inverted speech verb (``said Sen. Ted Cruz``)."""
    tokens = _words(text, start, end)
    if not tokens:
        return None
    if text[start : tokens[0][0]].strip(" \u00a0"):
        return None
    first_start, first_end, first = tokens[0]
    low = first.lower()
    if low in _PERSONAL:
        return (first_start, first_end)
    described = _described_name(text, tokens)
    if described is not None:
        return described
    if first.islower() and low not in DETERMINERS:
        return _name_after_description(text, tokens)
    np_end = first_end
    if low in DETERMINERS or _is_name_token(first):
        previous_end = first_end
        for token_start, token_end, token in tokens[1:7]:
            if text[previous_end:token_start].strip(" \u00a0"):
                break
            tl = token.lower()
            if tl in _STOP_AFTER or tl in SPEECH_VERBS:
                break
            if _is_name_token(first) and not (_is_name_token(token) or tl in _CONNECTORS):
                break
            np_end = previous_end = token_end
        return (first_start, np_end)
    return None


# Nouns that describe what a person does, put before the name in news style ("spokesman John
# Kirby", "former Obama adviser David Axelrod", "Trump campaign manager Kellyanne Conway").
ROLE_NOUNS = frozenset(
    """spokesman spokeswoman spokesperson adviser advisor aide strategist director chairman
    chairwoman chair president secretary senator representative governor mayor official analyst
    economist lawyer attorney professor founder co-founder chief manager leader candidate nominee
    lawmaker congressman congresswoman pollster consultant executive minister ambassador
    commissioner sheriff judge editor writer reporter correspondent host anchor fellow member
    staffer organizer activist expert historian researcher general commander officer deputy
    surrogate supporter donor operative partner owner head speaker columnist commentator""".split()
)
_MODIFIERS = frozenset("""former then-former then current longtime top senior veteran""".split())


def _described_name(text: str, tokens: list[tuple[int, int, str]]) -> Range | None:
    """A name after a role description: ``former Obama adviser David Axelrod`` -> ``David
    Axelrod``; None when the words do not end in a role noun followed by a name."""
    role_at = None
    for index, (token_start, _, token) in enumerate(tokens[:7]):
        if index and text[tokens[index - 1][1] : token_start].strip(" \u00a0"):
            return None
        low = token.lower()
        if low in ROLE_NOUNS and token.islower():
            role_at = index
            break
        if not (_is_name_token(token) or low in _MODIFIERS or low in _CONNECTORS):
            return None
        if low in _PERSONAL or low in DETERMINERS or low in SPEECH_VERBS:
            return None
    if role_at is None or role_at + 1 >= len(tokens):
        return None
    rest = tokens[role_at + 1 : role_at + 6]
    if text[tokens[role_at][1] : rest[0][0]].strip(" \u00a0") or not _is_name_token(rest[0][2]):
        return None
    end = rest[0][1]
    for previous, following in itertools.pairwise(rest):
        if text[previous[1] : following[0]].strip(" \u00a0") or not _is_name_token(following[2]):
            break
        end = following[1]
    return (rest[0][0], end)


def _name_after_description(text: str, tokens: list[tuple[int, int, str]]) -> Range | None:
    """``said retired neurosurgeon Ben Carson``, ``said undecided Republican voter Stephanie
    Hooton of Derry``: the first name of two or more words, or one that ends the phrase, within
    a few words of the verb and with no punctuation before it."""
    index = 0
    window = tokens[:8]
    while index < len(window):
        if index and text[window[index - 1][1] : window[index][0]].strip(" \u00a0"):
            return None
        token = window[index][2]
        if token.lower() in SPEECH_VERBS or token.lower() in _STOP_AFTER:
            return None
        if not _is_name_token(token):
            index += 1
            continue
        run_end = index
        while (
            run_end + 1 < len(window)
            and not text[window[run_end][1] : window[run_end + 1][0]].strip(" \u00a0")
            and _is_name_token(window[run_end + 1][2])
        ):
            run_end += 1
        after = text[window[run_end][1] : window[run_end][1] + 2]
        ends_phrase = run_end + 1 >= len(tokens) or bool(after.strip(" \u00a0")[:1])
        if run_end > index or ends_phrase:
            return (window[index][0], window[run_end][1])
        index = run_end + 1
    return None


_VERBS = "|".join(sorted(SPEECH_VERBS, key=len, reverse=True))
_VERB_RE = re.compile(r"(?<![\w-])(" + _VERBS + r")(?![\w-])", re.IGNORECASE)
_WORD_RUN = re.compile(r"(?<![\w-])[\w-]+")


def _speech_verbs(text: str, start: int, end: int) -> list[re.Match[str]]:
    """What ``_VERB_RE.finditer`` finds between ``start`` and ``end``, by looking up each run of
    word characters and hyphens in ``SPEECH_VERBS`` (several times faster than the pattern)."""
    return [m for m in _WORD_RUN.finditer(text, start, end) if m.group().lower() in SPEECH_VERBS]


# "... for criminal behavior, she said.": a cue closing the sentence after the quote.
_TRAILING_CUE = re.compile(
    r",\s+((?:[\w.'\u2019-]+\s+){0,5}?)(" + _VERBS + r")\b[^\w]*$", re.IGNORECASE
)
_DASH_SIGNATURE = re.compile(r"[ \t\u00a0]*[\u2015\u2014\u2013-]{1,2}[ \t\u00a0]*(?=[A-Z])")
_GAP_STOP = re.compile(r"[.!?;:\u201c\u201d\"\n]")
_ACCORDING = re.compile(r"\baccording to\s+", re.IGNORECASE)
# "As Vulture put it, "...": the one named between "as" and "put it" speaks.
_PUT_IT = re.compile(
    r"\b[Aa]s[ \t\u00a0]+(?P<np>[^,.;:!?\"\u201c\u201d\n]{1,60}?)[ \t\u00a0]+put[ \t\u00a0]+it\b"
)
# "..., in the words of a senior adviser, "...".
_WORDS_OF = re.compile(r"\b[Ii]n[ \t\u00a0]+(?:the[ \t\u00a0]+)?words[ \t\u00a0]+of[ \t\u00a0]+")
_COLON_INTRO = re.compile(
    r"(?P<np>(?:(?!VIA\b|Via\b)[A-Z][\w.'\u2019-]*\s+){0,5}(?!VIA\b|Via\b)[A-Z][\w.'\u2019-]*)"
    r"(?:\s+(?:via|VIA|on|ON|in|IN|to|TO)\s+[^:\n]{1,60})?\s*:\s*$"
)


_LEAD_AFTER = re.compile(r"[\s\u00a0]*[,:;\u2014\u2013-]?[\s\u00a0]*")
_SIGNATURE_END = re.compile(r"[ \t\u00a0]*(?:$|[\n,.;(\[])")


def _attribution_after(text: str, pos: int, limit: int) -> _Attribution | None:
    """Attribution right after a closing mark: ``," Kerry said`` or ``," said Kerry``."""
    lead = _LEAD_AFTER.match(text, pos, limit)
    cursor = lead.end() if lead else pos
    window_end = min(limit, cursor + 160)
    # The tokens are read as far as the loop below needs them (most clauses end in a few words).
    words = _iter_words(text, cursor, window_end)
    first_token = next(words, None)
    if first_token is None or "\n" in text[pos : first_token[0]]:
        return None  # (words after a line break attribute the next passage, not this one)
    # "..." ― Pamela Padilla: a dash before a name signs the quote.
    dash = _DASH_SIGNATURE.match(text, pos, window_end)
    if dash:
        np = _np_after(text, dash.end(), window_end)
        # The name ends the signature (``― Carla Sanchez`` then the paragraph's end, a comma,
        # a parenthesis); ``''Brujas'' -- Spanish for ''witches''`` is a gloss, not a signer.
        signed = np is not None and _SIGNATURE_END.match(text[np[1] : limit])
        if np and signed and _is_name_token(text[np[0] : np[1]]):
            return _Attribution(np, "\u2015")
    # "said Kerry" / "according to the AP"
    first = first_token[2].lower()
    if first in SPEECH_VERBS and first != "told":
        if first.endswith("ing"):
            # ``"...," adding that its market capitalization quadrupled``: what follows a
            # participle is more of what was said; the speaker is the sentence's subject.
            return _Attribution(None, first)
        np = _np_after(text, first_token[1] + 1, window_end)
        if np:
            return _Attribution(np, first)
        return _Attribution(None, first)
    according = _ACCORDING.match(text, cursor, window_end)
    if according:
        np = _np_after(text, according.end(), window_end)
        return _Attribution(np, "according to")
    put = _PUT_IT.match(text, cursor, window_end)
    if put:  # ``"...," as one voter put it``
        return _Attribution(_np_before(text, put.start("np"), put.end("np")), "put it")
    # "Kerry said" / "the official added": a verb within the first few words, or further on
    # past an appositive ("J. Gerald Hebert, executive director of the Campaign Legal Center,
    # said").
    previous_end = 0
    for index, (token_start, token_end, token) in enumerate(
        itertools.chain((first_token,), itertools.islice(words, 29))
    ):
        gap = text[previous_end:token_start] if index else ""
        previous_end = token_end
        # A full stop before ")" or "," ends an abbreviation ("(D-Wis.) said", "R-Ky., said").
        if index and gap != " " and _GAP_STOP.search(gap.replace(".)", ")").replace(".,", ",")):
            return None  # the clause ended before any cue
        if token.lower() in SPEECH_VERBS and index > 0:
            if token.lower().endswith("ing") and first in _NEW_CLAUSE:
                # ``"lacks wisdom," and another official saying it is "suspicious"``: a new
                # clause that introduces the next quote, not this one's attribution.
                return None
            commas = text[cursor:token_start].count(",")
            if index >= 9 or commas > 2:
                np = _subject_before_appositive(text, cursor, token_start)
                return _Attribution(np, token.lower()) if np else None
            np = _np_before(text, cursor, token_start)
            return _Attribution(np, token.lower()) if np else None
    return None


def _subject_before_appositive(text: str, start: int, verb_start: int) -> Range | None:
    """``Miller, a retired worker from a nuclear plant, said``: the name before the first comma,
    when the words between it and the verb are set off by commas (an appositive)."""
    comma = text.find(",", start, verb_start)
    if comma == -1 or not text[comma:verb_start].rstrip(" \u00a0").endswith(","):
        return None
    tokens = _words(text, start, comma)
    if not tokens or len(tokens) > 6:
        return None
    np = _trailing_np(text, tokens)
    if np is None or np[0] != tokens[0][0]:
        return None  # the words before the comma are more than a name
    return np


def _attribution_before(text: str, sentence_start: int, pos: int) -> _Attribution | None:
    """Attribution before an opening mark within its sentence."""
    lead = text[sentence_start:pos]
    colon = _COLON_INTRO.search(lead) if ":" in lead else None
    # "MARIE HARF VIA WASHINGTON FREE BEACON: "...": a name opening the sentence, or one
    # introducing the quote in a sentence without a speech verb.
    if (
        colon
        and (not lead[: colon.start()].strip() or not _VERB_RE.search(lead))
        and not _VERB_RE.search(lead, colon.end("np"))  # "Responding to ..., Trump said:"
    ):
        np_start = sentence_start + colon.start("np")
        np_end = sentence_start + colon.end("np")
        np_text = text[np_start:np_end]
        words = np_text.split()
        # Leave out a leading title in capitals ("SECRETARY JOHN KERRY").
        if len(words) > 2 and words[0].lower().rstrip(".") in _TITLE_WORDS:
            np_start += len(words[0]) + 1
        return _Attribution((np_start, np_end), ":")
    # A verb with more than 14 words between it and the quote ends the search below, so the
    # verbs are looked for in the last 15 words only (speed): a verb that ends before them has
    # at least 15 words after it.
    words_before = lead.rsplit(None, 15)
    verbs_from = (
        sentence_start + len(words_before[0]) if len(words_before) == 16 else sentence_start
    )
    verbs = _speech_verbs(text, verbs_from, pos)
    for verb in reversed(verbs):
        between = text[verb.end() : pos]
        if len(between.split()) > 14:
            break
        word = verb.group().lower()
        before_verb = text[max(sentence_start, verb.start() - 6) : verb.start()].split()
        if before_verb and before_verb[-1].lower() in ("been", "being") and between.strip():
            # "has been called a charlatan by fellow physicians for promoting "quack" cures":
            # a passive verb whose words come before the passage say nothing of who spoke it.
            continue
        if word.endswith("ing"):
            # "... and another official saying it is "...": the coordinated subject speaks.
            np = _np_before(text, sentence_start, verb.start())
            if np is not None:
                previous = text[max(sentence_start, np[0] - 12) : np[0]].split()
                if previous and previous[-1].lower() in _NEW_CLAUSE:
                    return _Attribution(np, word)
            # "PressTV quoted parliament speaker Ali Larijani as saying "...": the person
            # quoted speaks.
            quoted = _QUOTED_AS.search(text, sentence_start, verb.start())
            if quoted is not None:
                np = _np_after(text, quoted.end(), verb.start())
                if np is not None and _is_named(text[np[0] : np[1]]):
                    return _Attribution(np, word)
            # "Khamenei told reporters ..., saying "...": the clause's subject speaks.
            subject = _sentence_subject(text, sentence_start, verb.start())
            return _Attribution(subject, word)
        if not text[sentence_start : verb.start()].strip(" \u00a0\n"):
            # "Said Comey, "..."": the verb opens the sentence, the speaker follows it.
            return _Attribution(_np_after(text, verb.end() + 1, pos), word)
        np = _np_before(text, sentence_start, verb.start())
        if np is not None and _after_preposition(text, sentence_start, np[0]):
            # "Protesters marching through the streets chanted": the noun phrase before the
            # verb is a preposition's object; the sentence's subject speaks.
            subject = _sentence_subject(text, sentence_start, np[0])
            if subject is not None and subject[1] <= np[0]:
                np = subject
        if np is not None:
            return _Attribution(np, word)
        # "Suu Kyi said it was too early but added, "...": a verb that shares the subject
        # the sentence opened with.
        subject = _sentence_subject(text, sentence_start, verb.start())
        if subject is not None and _is_named(text[subject[0] : subject[1]]):
            return _Attribution(subject, word)
        return _Attribution(None, word)
    according = list(_ACCORDING.finditer(text, sentence_start, pos))
    if according:
        np = _np_after(text, according[-1].end(), pos)
        return _Attribution(np, "according to")
    if " put it" in lead or " words of " in lead:
        put = list(_PUT_IT.finditer(text, sentence_start, pos))
        if put:
            np = _np_before(text, put[-1].start("np"), put[-1].end("np"))
            return _Attribution(np, "put it")
        words_of = list(_WORDS_OF.finditer(text, sentence_start, pos))
        if words_of:
            return _Attribution(_np_after(text, words_of[-1].end(), pos), "in the words of")
    if lead.rstrip().endswith(":"):
        # "The Clinton Foundation describes itself in the following way: "..."": a sentence
        # that a colon ends introduces the quote; its subject speaks.
        subject = _sentence_subject(text, sentence_start, pos)
        if subject is not None:
            return _Attribution(subject, ":")
    return None


_SENTENCE_END = re.compile(r"[.!?][\"'\u201d\u2019]?\s")
_PREPOSITIONS = frozenset(
    """through across into onto outside inside near around behind among along past over under
    with to on from at in of by for about against""".split()
)


def _after_preposition(text: str, start: int, np_start: int) -> bool:
    """The word before ``np_start`` (within the sentence from ``start``) is a preposition."""
    before = text[max(start, np_start - 12) : np_start].split()
    return bool(before) and before[-1].lower() in _PREPOSITIONS


_NEW_CLAUSE = frozenset({"and", "but", "while", "whereas", "with"})
_QUOTED_AS = re.compile(r"\bquot(?:ed|es|ing)[ \t\u00a0]+", re.IGNORECASE)

_TITLE_WORDS = TITLES | frozenset(
    """secretary president senator representative governor general minister spokesman
    spokeswoman spokesperson ambassador mayor chairman director""".split()
)


def _sentence_subject(text: str, sentence_start: int, limit: int) -> Range | None:
    """The noun phrase a sentence opens with (its likely subject), up to ``limit``."""
    tokens = _words(text, sentence_start, limit)
    # An opening phrase set off by a comma ("On Tuesday, Mr. McConnell ...", "Responding to
    # this criticism, Trump said"): the subject comes after it.
    # Several may follow each other ("Thursday, after remaining neutral ..., Warren appeared").
    for _ in range(3):
        if not tokens or not (
            tokens[0][2].lower() in _LEADING_FUNCTION
            or tokens[0][2].lower() in _STOP_AFTER
            or tokens[0][2].endswith(("ing", "ed"))
            or (tokens[0][2].lower() in _WHEN_WORDS and text.startswith(",", tokens[0][1]))
        ):
            break
        comma = text.find(",", tokens[0][0], tokens[min(len(tokens), 20) - 1][1])
        if comma == -1:
            break
        tokens = [t for t in tokens if t[0] > comma]
    while tokens and tokens[0][2].lower() in _LEADING_FUNCTION - {"the"}:
        tokens = tokens[1:]
    if not tokens:
        return None
    first = tokens[0][2]
    if first.lower() in _PERSONAL:
        return (tokens[0][0], tokens[0][1])
    end = tokens[0][1]
    determiner_led = first.lower() in DETERMINERS
    for previous, token in itertools.pairwise(tokens[:7]):
        if text[previous[1] : token[0]].strip(" \u00a0"):
            break  # punctuation ends the phrase
        word = token[2]
        low = word.lower()
        if (
            low in SPEECH_VERBS
            or low.endswith("ed")
            or low in _STOP_AFTER
            or low in _AUXILIARIES
            or (word.islower() and (low in _SKIP_BEFORE_VERB or low in _IRREGULAR_PAST))
            # "describes itself" (not "President Trump himself": a name is no verb)
            or (word.islower() and _OBJECT_PRONOUN.match(text, token[1]) is not None)
        ):
            break  # ("The communications pro also took a shot at ..., writing")
        if (
            not determiner_led
            and _is_name_token(first)
            and not (_is_name_token(word) or low in _CONNECTORS)
        ):
            break
        end = token[1]
    if determiner_led or _is_name_token(first):
        return (tokens[0][0], end)
    return None


# A pronoun that can only be an object: the word before it is a verb ("describes itself").
_OBJECT_PRONOUN = re.compile(r"[ \u00a0]+(?:itself|himself|herself|themselves|him|them|us|me)\b")
# Verbs in the past tense that do not end in "-ed": where a sentence's subject ends.
_IRREGULAR_PAST = frozenset(
    """took made gave went came got saw spoke wrote told sent put set began became held kept
    left led met paid ran sat stood brought bought thought felt found lost won hit struck""".split()
)
# Words that open a sentence with its time: "Thursday, Warren appeared ...".
_WHEN_WORDS = frozenset(
    """monday tuesday wednesday thursday friday saturday sunday today yesterday tonight earlier
    later meanwhile once""".split()
)
_AUXILIARIES = frozenset("""is was are were has had have will would could can may might""".split())


def _attribution_later(text: str, pos: int, sentence_end: int) -> _Attribution | None:
    """``"..." for criminal behavior, she said.``: a trailing cue later in the sentence."""
    tail = text[pos:sentence_end]
    match = _TRAILING_CUE.search(tail)
    if not match or match.group(1).strip() == "":
        return None
    verb_start = pos + match.start(2)
    np = _np_before(text, pos + match.start(1), verb_start)
    if np is None:
        return None
    return _Attribution(np, match.group(2).lower())


def _speaker_range(quote: Quote) -> Range | None:
    if quote.speaker_start is None or quote.speaker_end is None:
        return None
    return (quote.speaker_start, quote.speaker_end)


def _is_named(speaker: str) -> bool:
    """A name ("Kerry", "MARIE HARF"), not a pronoun or a description ("the official")."""
    first = speaker.split()[0].lower()
    return _is_name_token(speaker) and first not in _PERSONAL and first not in DETERMINERS


# (Not "is": a title capitalises its verbs, so "Nusra is Al Qaeda" is a sentence.)
_SMALL_WORDS = frozenset(
    """a an the of in on at to for and or but nor with by from as it its into up""".split()
)


def _is_title_case(inner: str) -> bool:
    """Two to sixteen words (a book's title and subtitle), each capitalised but the small ones
    ("Face the Nation", "The Steve Harvey Morning Show"): a title, not something someone said."""
    count = 0
    shouted = True  # every word that starts with a letter is in capitals ("U-S-A! U-S-A!")
    for raw in inner.split():
        word = raw.strip(".,!?;:\u2019'\"")
        if not word:
            continue
        count += 1
        head = word[:1]
        if count > 16 or (count == 1 and not head.isupper()):
            return False
        if not (head.isupper() or head.isdigit() or word.lower() in _SMALL_WORDS):
            return False  # (the words are read only until one is not a title's)
        if shouted and head.isalpha() and not word.isupper():
            shouted = False
    return count >= 2 and not shouted  # shouted capitals are speech


# Markup left in the text (``<tweet id="7604..." author="@AP">``, ``<a href="http://...">``):
# an attribute's value, a passage with no word in it, a lone handle or address.
_MARKUP_VALUE = re.compile(r"(?:@\w+|https?://\S+|www\.\S+|[^A-Za-z\u00c0-\u024f]*)")
# ``"Pop-up art show strives to confront gentrification," by DNAinfo's Eddie Small``: the
# title of a piece of writing and its byline, not something said.
_BYLINE_AFTER = re.compile(r"[ \t\u00a0]*by[ \t\u00a0]+(?:the[ \t\u00a0]+)?[A-Z]")
# ``a popular play called "Los Hijos de Trump,"``, ``the so-called "special relationship"``,
# ``an account named "Hypo-Cruz"``: a thing's name, not words someone said.
_NAMING_BEFORE = re.compile(
    r"(?:\b(?:[Aa]n?|[Tt]he)[ \t\u00a0]+(?:[\w\u2019'-]+[ \t\u00a0]+){0,3}[\w\u2019'-]+,?"
    r"[ \t\u00a0]+|\bso-?[ \t\u00a0]*)(?:called|named|dubbed|nicknamed)"
    r"[ \t\u00a0]+(?:the[ \t\u00a0]+)?$"
)
_NAMING_HINT = re.compile(r"called|named|dubbed")
# Words before a passage that say it was voiced without a speech verb of ours: chants, shouts,
# signs and slogans (``chanting "Dump Trump."``, ``a sign reading "Hispanics 4 Trump"``).
_VOICED_BEFORE = re.compile(
    r"\b(?:chant(?:s|ed|ing)?(?:[ \t\u00a0]+of)?|shout(?:s|ed|ing)?(?:[ \t\u00a0]+of)?"
    r"|yell(?:s|ed|ing)?|scream(?:s|ed|ing)?|cr(?:y|ies|ied|ying)(?:[ \t\u00a0]+of)?"
    r"|cheer(?:s|ed|ing)?(?:[ \t\u00a0]+of)?|boomed|barked|roared|(?:shot|fired)[ \t\u00a0]+back"
    r"|sing(?:s|ing)?|sang|jeer(?:s|ed|ing)?"
    r"|reading|read|slogan|titled|entitled|headlined|mouthing|interjecting|jok(?:es|ed))"
    r"[,:]?[ \t\u00a0]*$",
    re.IGNORECASE,
)
# Words before a passage that say it is a phrase someone used: ``Trump has used the phrase
# "Islamic terrorism"``, ``coined the term "bimbo eruptions"``, ``had one message: "Dump Trump."``.
# "calls her record a "blueprint"", "calling them "corporate welfare."": what someone calls
# a thing are their words ("calls" and "calling" are too often nouns to be speech verbs).
_CALLING_BEFORE = re.compile(
    r"\b(call|calls|calling)(?:[ \t\u00a0]+[\w'\u2019-]+){0,4}[,:]?[ \t\u00a0]*$", re.IGNORECASE
)
_USED_WORDS_BEFORE = re.compile(
    r"\b(?:phrase|term|words?|motto|mantra|catchphrase|refrain|message|proclamation"
    r"|subject[ \t\u00a0]+line)[,:]?[ \t\u00a0]*$",
    re.IGNORECASE,
)

_WRITTEN = re.compile(r"\b(?:read|reading|slogan|titled|entitled|headlined)\b", re.IGNORECASE)


_INTRODUCING = re.compile(r"[\w-]+(?=[,:][ \t\u00a0]*$)")


def _introduced(lead: str) -> bool:
    """The words before a passage end in a speech verb and a comma or colon (``tweeted:``,
    ``stating,``; not ``told "Fox and Friends"``, ``wrote "Peter Pan"``), or say that it was
    voiced or written (``chanting``, ``a sign that read``)."""
    last = _INTRODUCING.search(lead)
    if last is not None and last.group().lower() in SPEECH_VERBS:
        return True
    return _VOICED_BEFORE.search(lead) is not None or _USED_WORDS_BEFORE.search(lead) is not None


def _is_markup(text: str, passage: _Passage, inner: str) -> bool:
    """A passage that is markup, not prose (see ``_MARKUP_VALUE``)."""
    if passage.start > 0 and text[passage.start - 1] == "=":
        return True
    return _MARKUP_VALUE.fullmatch(inner) is not None


# Whether the learned ranker (``speaker_ranker.py``) picks speakers among the mentions near each
# quote, after the rules. Measured by tests/benchmarks/train_speaker_ranker.py.
USE_RANKER = True


def find_quotes(
    text: str, paragraphs: list[Range], sentences: list[Range], *, ranker: bool | None = None
) -> list[Quote]:
    """Find quotations in ``text`` and attribute them; see the module docstring for the rules.
    ``ranker`` (default ``USE_RANKER``) lets the learned ranker choose each speaker."""
    quotes = _rule_quotes(text, paragraphs, sentences)
    model = speaker_ranker.load_model() if (USE_RANKER if ranker is None else ranker) else None
    if all(q.speaker for q in quotes):
        model = None  # nothing left for the ranker to name
    if not quotes or (model is None and not any(q.speaker for q in quotes)):
        return quotes
    resolver = SpeakerResolver(text, paragraphs, [(q.start, q.end) for q in quotes])
    if model is not None:
        quotes = _ranked(model, text, paragraphs, sentences, quotes, resolver)
    return _canonical_speakers(text, quotes, resolver)


def speaker_candidates(
    text: str, paragraphs: list[Range], sentences: list[Range]
) -> list[tuple[Quote, list[speaker_ranker.Candidate]]]:
    """Each quote the rules find (its speaker as the rules read it) with the candidates the
    ranker would choose among: for training and measuring the ranker."""
    quotes = _rule_quotes(text, paragraphs, sentences)
    resolver = SpeakerResolver(text, paragraphs, [(q.start, q.end) for q in quotes])
    return list(
        zip(
            quotes,
            _candidates_per_quote(text, paragraphs, sentences, quotes, resolver),
            strict=True,
        )
    )


def _candidates_per_quote(
    text: str,
    paragraphs: list[Range],
    sentences: list[Range],
    quotes: list[Quote],
    resolver: SpeakerResolver,
    choose: speaker_ranker.Model | None = None,
) -> list[list[speaker_ranker.Candidate]]:
    quoted = [(q.start, q.end) for q in quotes]
    quoted_starts = [s for s, _ in quoted]
    sentence_starts = [s for s, _ in sentences]
    paragraph_starts = [s for s, _ in paragraphs]
    counts = Counter(mention.words[-1].lower() for mention in resolver.mentions)
    previous: str | None = None
    per_quote: list[list[speaker_ranker.Candidate]] = []
    for index, quote in enumerate(quotes):
        chosen = _speaker_range(quote)
        headline = bool(paragraphs) and quote.start < paragraphs[0][1] <= _HEADLINE_CHARS
        if choose is not None and (chosen is not None or headline):
            # Only quotes the rules leave without a speaker are ranked (speed: most have one).
            words = text[chosen[0] : chosen[1]].split() if chosen else []
            previous = words[-1].lower().strip(".,'\u2019") if words else None
            per_quote.append([])
            continue
        found = speaker_ranker.candidates(
            text,
            (quote.start, quote.end),
            _speaker_range(quote),
            resolver.mentions,
            resolver.starts,
            sentences,
            sentence_starts,
            paragraph_starts,
            quoted,
            quoted_starts,
            counts,
            previous,
        )
        per_quote.append(found)
        if choose is not None:
            # The rules found no speaker: the ranker names one when it is confident enough.
            # (Overriding the rules' own pick lost on BASIL: see train_speaker_ranker.py.) A
            # headline names no speaker: "DNC issues 'deep and sincere apology' to Sanders".
            top = speaker_ranker.best(choose, found)
            if (
                top is not None
                and choose.probability(top.features) >= speaker_ranker.MIN_PROBABILITY
            ):
                chosen = (top.start, top.end)
                quotes[index] = _with_speaker(quote, text, top.start, top.end)
        words = text[chosen[0] : chosen[1]].split() if chosen else []
        previous = words[-1].lower().strip(".,'\u2019") if words else None
    return per_quote


def _ranked(
    model: speaker_ranker.Model,
    text: str,
    paragraphs: list[Range],
    sentences: list[Range],
    quotes: list[Quote],
    resolver: SpeakerResolver,
) -> list[Quote]:
    ranked = list(quotes)
    _candidates_per_quote(text, paragraphs, sentences, ranked, resolver, model)
    return ranked


def _rule_quotes(text: str, paragraphs: list[Range], sentences: list[Range]) -> list[Quote]:
    """The quotes and the speaker mentions the rules read (see the module docstring)."""
    passages = _pair_marks(text, paragraphs)
    sentence_starts = [s for s, _ in sentences]
    paragraph_starts = [s for s, _ in paragraphs]

    def sentence_of(offset: int) -> Range:
        i = bisect_right(sentence_starts, offset) - 1
        if i < 0:
            return (0, len(text))
        return sentences[i]

    def paragraph_index(offset: int) -> int:
        return bisect_right(paragraph_starts, offset) - 1

    quotes: list[Quote] = []
    previous: tuple[int, Quote] | None = None  # (paragraph index, quote)
    for passage in passages:
        inner = text[passage.start + 1 : passage.end - 1].strip()
        word_count = len(inner.split())
        if word_count == 0 or _is_markup(text, passage, inner):
            continue
        if _BYLINE_AFTER.match(text, passage.end):
            continue  # "Headline of a story," by Times' Ben Sisario
        lead = text[max(0, passage.start - 80) : passage.start]
        if _NAMING_HINT.search(lead, len(lead) - 24) and _NAMING_BEFORE.search(lead):
            continue  # a show called "Brokers," the so-called "special relationship"
        s_start, _ = sentence_of(passage.start)
        _, s_end = sentence_of(max(passage.start, passage.end - 1))
        p_index = paragraph_index(passage.start)
        # The attribution may follow in what the splitter took for the next sentence
        # (``"... the greatest!!!" McDonough wrote``): look on to the paragraph's end; the
        # search stops at the first sentence punctuation anyway.
        p_end = paragraphs[p_index][1] if 0 <= p_index < len(paragraphs) else len(text)
        attribution = _attribution_after(text, passage.end, max(p_end, s_end))
        if attribution is None or attribution.speaker is None:
            before = _attribution_before(text, s_start, passage.start)
            if before is not None and (attribution is None or before.speaker is not None):
                attribution = before
        if attribution is None:
            attribution = _attribution_later(text, passage.end, s_end)
        if (attribution is None or attribution.speaker is None) and p_index > 0:
            # "Reporter Jomana Karadsheh says:" ending the paragraph before this quote.
            prev_start, prev_end = paragraphs[p_index - 1]
            lead_end = len(text[prev_start:prev_end].rstrip())
            if (
                passage.start == paragraphs[p_index][0]
                and lead_end
                and text[prev_start + lead_end - 1] == ":"
            ):
                colon = prev_start + lead_end - 1
                introduced = _attribution_before(text, sentence_of(colon)[0], colon + 1)
                if introduced is not None and introduced.speaker is not None:
                    attribution = introduced
        continues: int | None = None
        speaker = attribution.speaker if attribution else None
        cue = attribution.cue if attribution else None
        if previous is not None:
            prev_par, prev_quote = previous
            prev_speaker = _speaker_range(prev_quote)
            gap = text[prev_quote.end : passage.start]
            # (A line break between the two ends the sentence the splitter may have run on:
            # "...”\nPolitiFact claimed “...”, "...”\nCheck out her documentary, “13th,”".)
            same_sentence = sentence_of(prev_quote.start)[0] <= passage.start < s_end + 1 and (
                not _SENTENCE_END.search(gap) and "\n" not in gap
            )
            if same_sentence and len(gap) < 120 and prev_speaker is not None:
                # "It would not be appropriate", stated Kerry, "for any number of reasons".
                # (A different speaker named between the two is a new one: "“lacks wisdom,”
                # and another official saying it is “suspicious”".)
                new_speaker = (
                    speaker is not None
                    and speaker[0] >= prev_quote.end
                    and attribution is not None
                    and attribution.cue is not None
                    and attribution.cue.endswith("ing")
                    and not (speaker[0] < prev_speaker[1] and prev_speaker[0] < speaker[1])
                )
                if (speaker is None or speaker[0] < passage.start) and not new_speaker:
                    continues = len(quotes) - 1
                    speaker, cue = prev_speaker, prev_quote.cue
            elif (
                speaker is None
                and cue is None
                and prev_speaker is not None
                and p_index - prev_par <= 1
                and word_count >= 4
                and passage.start == s_start
            ):
                # A quote that is a sentence of its own goes on with the last speaker.
                speaker, cue = prev_speaker, prev_quote.cue
            if (
                speaker is not None
                and text[speaker[0] : speaker[1]].lower() in _PERSONAL
                and prev_quote.speaker is not None
                and _is_named(prev_quote.speaker)
                and p_index - prev_par <= 1
            ):
                speaker = prev_speaker
        if cue is None and speaker is None and word_count < MIN_UNATTRIBUTED_WORDS:
            voiced = _VOICED_BEFORE.search(lead)
            # A phrase of three words or more quoted in a headline is someone's words
            # ("DNC issues 'deep and sincere apology'"), unless every word is capitalised.
            headline_words = (
                p_index == 0
                and paragraphs[0][1] - paragraphs[0][0] <= _HEADLINE_CHARS
                and word_count >= 3
                and inner[:1].isalpha()
                and not _is_title_case(inner)
            )
            used = None if voiced else _USED_WORDS_BEFORE.search(lead)
            calling = None if voiced or used else _CALLING_BEFORE.search(lead)
            if not voiced and not used and not calling and not headline_words:
                continue  # a scare quote, a title, a nickname
            if voiced and not _WRITTEN.match(voiced.group(0)):
                # "Protesters interrupted her speech, shouting "...": the sentence's subject;
                # "as his friends jeered, "...": the subject of the finite verb.
                verb_at = passage.start - len(lead) + voiced.start()
                finite = voiced.group(0).split()[0].lower().rstrip(",:").endswith(("ed", "sang"))
                speaker = (_np_before(text, s_start, verb_at) if finite else None) or (
                    _sentence_subject(text, s_start, passage.start)
                )
            elif used or calling:
                # "Trump has used the phrase "...": the subject, when it is a person's name
                # or a pronoun ("The phrase "tax reform" was uttered once" names no one);
                # "Jake Sullivan, calls her record a "blueprint"": the subject of "calls".
                if calling is not None and calling.group(1).lower() != "calling":
                    verb_at = passage.start - len(lead) + calling.start(1)
                    speaker = _np_before(text, s_start, verb_at)
                subject = None if speaker else _sentence_subject(text, s_start, passage.start)
                if subject is not None and (
                    _is_named(text[subject[0] : subject[1]])
                    or text[subject[0] : subject[1]].lower() in _PERSONAL
                ):
                    speaker = subject
        if p_index > 0 and _is_title_case(inner) and not _introduced(lead):
            # The name of a show, a book or a song: "Face the Nation," he said. (A headline
            # capitalises every word; words a speech verb or a sign introduces are words said
            # or written: stating, "Speaker Paul Ryan Joins ...", chanting "Dump Trump.")
            continue
        quote = Quote(
            start=passage.start,
            end=passage.end,
            speaker=text[speaker[0] : speaker[1]] if speaker else None,
            speaker_start=speaker[0] if speaker else None,
            speaker_end=speaker[1] if speaker else None,
            cue=cue,
            continues=continues,
        )
        quotes.append(quote)
        previous = (p_index, quote)
    return quotes


def _with_speaker(quote: Quote, text: str, start: int, end: int, name: str | None = None) -> Quote:
    """``quote`` with the speaker at ``start``-``end`` (and ``name``, when given): what
    ``dataclasses.replace`` makes, built directly (speed: ``replace`` is several times slower)."""
    return Quote(
        quote.start,
        quote.end,
        text[start:end],
        start,
        end,
        quote.cue,
        quote.continues,
        quote.speaker_name if name is None else name,
    )


def _canonical_speakers(text: str, quotes: list[Quote], resolver: SpeakerResolver) -> list[Quote]:
    """Each quote's speaker as a person (see ``speakers.py``): ``speaker_name`` is the canonical
    name; a pronoun's ``speaker`` and offsets move to the mention of the person it refers to.
    ``speaker`` otherwise stays the words the text uses at the attribution."""
    named: list[Quote] = []
    for quote in quotes:
        if quote.speaker_start is None or quote.speaker_end is None:
            named.append(quote)
            continue
        start, end = quote.speaker_start, quote.speaker_end
        mention = text[start:end]
        words = mention.split()
        low = mention.lower()
        name: str | None = None
        if low in ("he", "she"):
            person = resolver.resolve_pronoun(low, start)
            described = resolver.description_before(start, person.end if person else 0)
            last = named[-1] if named else None
            if (
                last is not None
                and last.speaker_name
                and last.speaker
                and last.speaker_start is not None
                and last.speaker_end is not None
                and _is_named(last.speaker)  # not "he", nor "the U.S. official"
                and (person is None or person.start < last.end)
                and resolver.paragraphs_between(last.end, quote.start) <= 1
                and resolver.sex_of(last.speaker) in ("", "m" if low == "he" else "f")
            ):
                # The quote before, with no one named since: its speaker goes on talking.
                start, end, name = last.speaker_start, last.speaker_end, last.speaker_name
            elif described is not None:
                start, end = described
                name = text[start:end]
            elif person is not None:
                start, end = person.start, person.end
                name = resolver.canonical(person.words, person.start)
        elif len(words) >= 2 and words[0].lower() in DETERMINERS and words[-1].islower():
            person = resolver.resolve_role(words[-1], start)
            if person is not None:
                name = resolver.canonical(person.words, person.start)
            elif len(words) == 2:
                # "said the official": the unnamed person the article described more fully
                # just before ("the senior Iranian official"); the text's words stay the speaker.
                name = resolver.fuller_description(words[-1], start)
        else:
            found = resolver.named_span(start, end)
            if found is not None:
                # The speaker is the name, without the titles and descriptions before it
                # ("Mr. Steele", "Rep. Michele Bachmann", "spokesman John Kirby").
                name, (start, end) = found
        quote = _with_speaker(quote, text, start, end, name or text[start:end])
        named.append(quote)
    return named


_DOUBLE_OPENING = ("``", "\u201c", "\u201e", "\u00ab", '"')
_DOUBLE_CLOSING = ("''", "\u201d", "\u00bb", '"')
_CLOSING_MARKS = (*_DOUBLE_CLOSING, "\u2019", "'")


def quoted_parts(text: str) -> list[Range]:
    """The stretches of ``text`` inside quotation marks, marks left out: for ``“It would not be
    appropriate”, stated Kerry, “for any number of reasons”.`` the two quoted stretches, never
    the attribution between them. A text that begins inside a quotation (``It is over,” said
    Cruz``) counts from its start to the closing mark. A text with no quotation marks is quoted
    as a whole (the user selected the words inside them)."""
    passages = _pair_marks(text, [(0, len(text))])
    parts: list[Range] = []
    first = passages[0].start if passages else len(text)
    lead = text[:first]
    closing = [
        m.start() for m in _MARK.finditer(lead) if m.group() in ("''", "\u201d", "\u00bb", '"')
    ]
    if closing and lead[: closing[0]].strip():
        parts.append((0, closing[0]))
    for passage in passages:
        start = passage.start
        mark = _MARK.match(text, start)
        inner_start = start + (len(mark.group()) if mark else 1)
        end = passage.end
        closing_mark = next(
            (
                len(m)
                for m in _CLOSING_MARKS
                if text.endswith(m, inner_start, end) and end - len(m) >= inner_start
            ),
            0,
        )
        parts.append((inner_start, end - closing_mark))
    if not parts and not _MARK.search(text):
        return [(0, len(text))]
    return parts


def _is_mark_or_space(stretch: str) -> bool:
    return all(
        ch.isspace() or ch in "\"'`\u201c\u201d\u201e\u00ab\u00bb\u2018\u2019" for ch in stretch
    )


def quote_extent(doc: Document, start: int, end: int) -> Range:
    """The selection ``start``-``end`` widened to take in the quotation marks around it: when it
    lies in a detected quote and only marks (or spaces) separate it from the quote's start or
    end, it reaches them; otherwise an opening mark just before it and a closing mark just after
    it are taken in. For the app's selection keys, so that a quote is tagged with its marks."""
    text = doc.text
    for quote in doc.quotes:
        if quote.start < end and start < quote.end:
            if quote.start < start and _is_mark_or_space(text[quote.start : start]):
                start = quote.start
            if end < quote.end and _is_mark_or_space(text[end : quote.end]):
                end = quote.end
    # Outside a detected quote: double marks right around the selection, single marks only in
    # pairs (a lone ’ after a word is an apostrophe: "the Clintons’ foundation").
    if start < end and not text[start].isspace() and not text[end - 1].isspace():
        opening = next((m for m in _DOUBLE_OPENING if text.endswith(m, 0, start)), "")
        closing = next((m for m in _DOUBLE_CLOSING if text.startswith(m, end)), "")
        if not opening and not closing:
            single_open = start > 0 and text[start - 1] in "'\u2018"
            single_close = end < len(text) and text[end] in "'\u2019"
            if single_open and single_close:
                opening = closing = "'"
        start -= len(opening)
        end += len(closing)
    return (start, end)


def sentence_at(doc: Document, offset: int) -> Range | None:
    """The sentence at ``offset``, with the quotation marks that open or close it (see
    ``quote_extent``); None when the offset is in no sentence."""
    starts = [s for s, _ in doc.sentences]
    index = bisect_right(starts, offset) - 1
    if index < 0 or offset >= doc.sentences[index][1]:
        return None
    return quote_extent(doc, *doc.sentences[index])
