"""Who a quote's speaker is: one canonical name per person per article.

The quote finder (``quotes.py``) takes the speaker as the text names it at the attribution: a
name ("Kerry", "Mr. Kerry", "SECRETARY JOHN KERRY"), a pronoun ("he") or a role ("the senator").
This module turns that mention into the person:

- a name becomes the fullest form the article uses for the same person ("Kerry" -> "John
  Kerry"), with titles left out ("Sen. Ted Cruz" -> "Ted Cruz") and capitals normalised ("JOHN
  KERRY" -> "John Kerry"); two people with one surname ("Bill Clinton", "Hillary Clinton") are
  told apart by the nearest full mention before the quote, and by "Mr."/"Mrs."/"Ms.";
- "he" or "she" becomes the person named last before it, in the same or the two paragraphs
  before (skipping people whose title says the other sex);
- a bare role ("the senator", "the spokesman") becomes the person the article last named in that
  role ("Sen. Ted Cruz", "spokesman John Kirby", "Kirby, a spokesman for ...").

The speaker's offsets point at the mention that names the person: the attribution's own name,
or, for a pronoun or a role, the earlier mention it was resolved to.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from .document import Range

# Titles and ranks left out of a canonical name, and the role each one implies.
TITLE_ROLES: dict[str, str] = {
    "mr": "",
    "mrs": "",
    "ms": "",
    "miss": "",
    "dr": "",
    "prof": "professor",
    "professor": "professor",
    "sen": "senator",
    "senator": "senator",
    "rep": "representative",
    "representative": "representative",
    "congressman": "representative",
    "congresswoman": "representative",
    "gov": "governor",
    "governor": "governor",
    "lt": "",
    "gen": "general",
    "general": "general",
    "col": "colonel",
    "adm": "admiral",
    "president": "president",
    "vice": "",
    "secretary": "secretary",
    "mayor": "mayor",
    "judge": "judge",
    "justice": "justice",
    "ambassador": "ambassador",
    "amb": "ambassador",
    "chairman": "chairman",
    "chairwoman": "chairman",
    "speaker": "speaker",
    "sheriff": "sheriff",
    "attorney": "attorney",
    "pope": "pope",
    "rev": "",
    "reverend": "",
    "prime": "",
    "minister": "minister",
    "chancellor": "chancellor",
    "commissioner": "commissioner",
    "sgt": "",
    "capt": "",
    "former": "",
    "first": "",
    "candidate": "candidate",
    "nominee": "nominee",
    "democratic": "",
    "republican": "",
    "ayatollah": "",
    "sheikh": "",
    "imam": "",
    "king": "",
    "queen": "",
    "prince": "",
    "princess": "",
    "sir": "",
    "dame": "",
    "lord": "",
    "lady": "",
}
_MALE = frozenset({"mr", "he", "his", "him"})
_FEMALE = frozenset({"mrs", "ms", "miss", "she", "her", "lady", "congresswoman", "chairwoman"})
# Role words a bare role can use ("the senator"), and the roles they match.
ROLE_WORDS: dict[str, frozenset[str]] = {
    "senator": frozenset({"senator"}),
    "congressman": frozenset({"representative"}),
    "congresswoman": frozenset({"representative"}),
    "representative": frozenset({"representative"}),
    "lawmaker": frozenset({"senator", "representative"}),
    "governor": frozenset({"governor"}),
    "president": frozenset({"president"}),
    "secretary": frozenset({"secretary"}),
    "mayor": frozenset({"mayor"}),
    "general": frozenset({"general"}),
    "judge": frozenset({"judge", "justice"}),
    "justice": frozenset({"judge", "justice"}),
    "ambassador": frozenset({"ambassador"}),
    "chairman": frozenset({"chairman"}),
    "chairwoman": frozenset({"chairman"}),
    "sheriff": frozenset({"sheriff"}),
    "minister": frozenset({"minister"}),
    "candidate": frozenset({"candidate", "nominee"}),
    "nominee": frozenset({"candidate", "nominee"}),
    "spokesman": frozenset({"spokesman"}),
    "spokeswoman": frozenset({"spokesman"}),
    "spokesperson": frozenset({"spokesman"}),
    "professor": frozenset({"professor"}),
    "official": frozenset(),
}
_ROLE_NOUN_ROLES: dict[str, str] = {
    "spokesman": "spokesman",
    "spokeswoman": "spokesman",
    "spokesperson": "spokesman",
    "senator": "senator",
    "congressman": "representative",
    "congresswoman": "representative",
    "representative": "representative",
    "governor": "governor",
    "president": "president",
    "secretary": "secretary",
    "mayor": "mayor",
    "candidate": "candidate",
    "nominee": "nominee",
    "chairman": "chairman",
    "chairwoman": "chairman",
    "ambassador": "ambassador",
    "minister": "minister",
    "judge": "judge",
    "professor": "professor",
}
_TITLE_ENDS = frozenset(
    """leader whip secretary senator representative governor president chairman chairwoman
    director minister ambassador mayor speaker sen rep gov""".split()
)
_DESCRIPTIONS = frozenset(
    """reporter spokesman spokeswoman spokesperson adviser advisor aide strategist director
    analyst economist lawyer professor founder chief manager leader lawmaker pollster consultant
    executive commissioner editor writer correspondent host anchor fellow activist expert
    historian actress actor singer rapper comedian filmmaker author journalist columnist
    commentator pastor bishop archbishop cardinal rabbi imam father sister""".split()
)
_CONNECTORS = frozenset("""de la le van von der al bin du da di del dos""".split())
# Capitalised words that start sentences or name things other than people.
_NOT_NAMES = frozenset(
    """the a an but and or so yet if when while as at in on of for to from by with after before
    during since until because although though this that these those there here it its he she
    they we i you his her their our my your who what which where why how not no yes also still
    then now just even only however meanwhile monday tuesday wednesday thursday friday saturday
    sunday january february march april may june july august september october november
    december jan feb mar apr jun jul aug sep sept oct nov dec today tomorrow yesterday
    advertisement read watch click related some many several few other another all both each
    every most one two three four five""".split()
)
_PERSONAL_PRONOUNS = frozenset({"he", "she"})
# Common English first names that say the person's sex (news names people in full once, then by
# surname: "Hillary Clinton ... she said" must not go to "Jeb Bush" named after her).
_MALE_NAMES = frozenset(
    """john james robert michael william david richard joseph thomas charles christopher daniel
    matthew anthony mark donald steven paul andrew joshua kenneth kevin brian george timothy
    ronald edward jason jeffrey ryan jacob gary nicholas eric jonathan stephen larry justin scott
    brandon benjamin samuel gregory alexander frank patrick raymond jack dennis jerry tyler aaron
    jose adam nathan henry douglas zachary peter kyle ethan walter noah jeremy christian keith
    roger terry gerald harold sean austin carl arthur lawrence dylan jesse jordan bryan billy joe
    bruce gabriel logan albert willie alan juan wayne elijah randy roy vincent ralph eugene russell
    bobby mason philip louis barack bernie bill jeb mitt mitch ted marco rand chris mike newt
    rick lindsey chuck tim tom jim bob dick al hank harry rudy reince sean steve ben jared eric
    vladimir bashar hassan recep boris emmanuel
    rahm rex rod jeff pete beto cory""".split()
)
_FEMALE_NAMES = frozenset(
    """mary patricia jennifer linda elizabeth barbara susan jessica sarah karen nancy lisa betty
    margaret sandra ashley kimberly emily donna michelle dorothy carol amanda melissa deborah
    stephanie rebecca sharon laura cynthia kathleen amy shirley angela helen anna brenda pamela
    nicole emma samantha katherine christine debra rachel catherine carolyn janet ruth maria
    heather diane virginia julie joyce victoria olivia kelly christina lauren joan evelyn judith
    megan cheryl andrea hannah martha jacqueline frances gloria ann teresa kathryn sara janice
    jeanne alice madison doris abigail julia judy grace denise amber marilyn beverly danielle
    theresa sophia marie diana brittany natalie isabella charlotte rose alexis kayla hillary
    kellyanne melania ivanka huma sarah nikki condoleezza condi michele kamala dianne barbara
    elena sonia ruth hope sheryl tulsi kirsten claire heidi susana jeanne ilhan alexandria
    rashida ayanna debbie valerie loretta janet betsy kirstjen hope omarosa megyn katy taylor
    beyonce oprah meryl lena""".split()
)

_TOKEN = re.compile(r"[A-Za-z\u00c0-\u024f][\w\u00c0-\u024f'\u2019.-]*")
_POSSESSIVE = re.compile(r"['\u2019]s?$")


@dataclass(slots=True)
class PersonMention:
    """A run of capitalised words that names a person, with what its context says about them."""

    start: int
    end: int
    words: tuple[str, ...]  # the name without titles, capitals as written
    roles: set[str] = field(default_factory=set)
    sex: str = ""  # "m", "f" or "" when nothing says
    alone: bool = False  # a surname standing alone ("Perry said"), named in full elsewhere

    @property
    def surname(self) -> str:
        return self.words[-1].lower()


def _ends_sentence(token: str) -> bool:
    """A word with a full stop that is not a title or an initial ("House." in "White House.
    Obama"): a capitalised run stops there."""
    if not token.endswith("."):
        return False
    core = token.rstrip(".").lower()
    return not (core in TITLE_ROLES or len(core) == 1 or "." in core or core in _ABBREVIATED)


_COURTESY = frozenset("""mr mrs ms dr sen rep gov gen""".split())
# Words that make a capitalised run the name of a thing, not a person.
_THING_WORDS = frozenset(
    """times post news journal herald tribune magazine press network channel radio television
    house senate congress court department agency administration committee commission council
    party association institute university college school center centre foundation fund bank
    company corp corporation inc group club union office service bureau board county city
    state states republic kingdom nations america revolution hill street avenue square airport
    station hospital church army navy force forces guard police times' today daily weekly
    street's network's tower towers hotel plaza building island islands river county's
    campaign foundation's yorker yorkers""".split()
)


_DIGIT = re.compile(r"\d")


_ABBREVIATED = frozenset("""jr sr st gen lt col sgt capt rev hon""".split())


def _clean(token: str) -> str:
    token = token.rstrip(".,")
    if "'" in token or "\u2019" in token:  # (the regex only when there may be a possessive)
        return _POSSESSIVE.sub("", token)
    return token


def _is_cap(token: str) -> bool:
    return token[:1].isupper()


def _proper_case(word: str) -> str:
    """``KERRY`` -> ``Kerry``, ``MCCAIN`` -> ``Mccain`` is avoided by keeping mixed-case words;
    only words written wholly in capitals are changed."""
    if len(word) > 1 and word.isupper() and "." not in word:
        return "-".join(part[:1] + part[1:].lower() for part in word.split("-"))
    return word


def person_mentions(text: str, context_roles: bool = True) -> list[PersonMention]:
    """Every run of capitalised words in ``text`` that looks like a person's name, in order:
    either preceded by a title ("Sen.", "Mr.", "President"), or of two to four words none of
    which is a function word or a month. Titles and role words next to it are recorded (the
    role words around it only with ``context_roles``: see ``add_context_roles``)."""
    mentions: list[PersonMention] = []
    singles: list[tuple[int, str]] = []
    # Only stretches of capitalised words are looked at word by word (speed: most words are
    # not), and a stretch met before ("Donald Trump", "White House") is not read again.
    for stretch in _CAP_STRETCH.finditer(text):
        word = stretch.group()
        at = stretch.start()
        if " " not in word and "\u00a0" not in word:  # one word: most stretches
            singles.append((at, word))
            continue
        names_found, alone = _read_stretch(word)
        for start, token in alone:
            singles.append((at + start, token))
        for start, end, names, roles, sex in names_found:
            mention = PersonMention(at + start, at + end, names, set(roles), sex)
            if context_roles:
                add_context_roles(text, mention)
            mentions.append(mention)
    # A surname alone ("Perry said") names a person the article has named in full.
    surnames = {m.words[-1].lower() for m in mentions}
    for start, token in singles:
        if token.endswith((".", ",")) or "'" in token or "\u2019" in token:
            word = _clean(token)
        else:
            word = token  # (most singles need no cleaning: checked first for speed)
        if word.lower() not in surnames:
            continue
        if word[:1].isupper():
            mentions.append(PersonMention(start, start + len(word), (word,), alone=True))
    mentions.sort(key=lambda m: m.start)
    return mentions


_Found = tuple[int, int, tuple[str, ...], frozenset[str], str]


@lru_cache(maxsize=1 << 16)
def _read_stretch(stretch: str) -> tuple[tuple[_Found, ...], tuple[tuple[int, str], ...]]:
    """The names in a stretch of capitalised words, and the words standing alone in it (a
    surname, if the article names that person in full), offsets counted from its start."""
    # The stretch's words are joined by single spaces (the pattern says so): split there.
    tokens = []
    at = 0
    for part in stretch.replace("\u00a0", " ").split(" "):
        tokens.append((at, at + len(part), part))
        at += len(part) + 1
    found: list[_Found] = []
    alone: list[tuple[int, str]] = []
    i = 0
    n = len(tokens)
    while i < n:
        # A run of capitalised words joined by single spaces (connectors allowed inside).
        j = i + 1
        while j < n:
            previous = tokens[j - 1][2]
            if previous.endswith(("'s", "\u2019s", ".")) and (
                previous.endswith(("'s", "\u2019s")) or _ends_sentence(previous)
            ):
                break
            following = tokens[j][2]
            if following.endswith(".") and following.lower().rstrip(".") in _COURTESY:
                break  # "N.Y. Mr. Gowdy", "Enter Ms. Lauten": a new name starts at the title
            j += 1
        run = tokens[i:j]
        i = j
        if not _is_cap(run[0][2]):
            continue
        if len(run) == 1:  # one word is a name only if the article names it in full
            alone.append((run[0][0], run[0][2]))
            continue
        mention = _mention_from_run(stretch, run)
        if mention is not None:
            found.append(
                (mention.start, mention.end, mention.words, frozenset(mention.roles), mention.sex)
            )
    return tuple(found), tuple(alone)


_CAPITAL_WORD = r"[A-Z\u00c0-\u00de][\w\u00c0-\u024f'\u2019.-]*"
# The capital first, then the look back at the character before it (``.`` stands for the
# capital itself): a pattern that opens with a character class is searched for much faster.
_CAP_STRETCH = re.compile(
    rf"[A-Z\u00c0-\u00de](?<![\w'\u2019.-].)[\w\u00c0-\u024f'\u2019.-]*"
    rf"(?:[ \u00a0](?:(?:{'|'.join(sorted(_CONNECTORS))})[ \u00a0])?{_CAPITAL_WORD})*"
)


def _mention_from_run(text: str, run: list[tuple[int, int, str]]) -> PersonMention | None:
    roles: set[str] = set()
    sex = ""
    first = 0
    keys = [token.lower().rstrip(".") for _, _, token in run]  # (each word lowered once)
    count = len(run)
    while first < count and keys[first] in _NOT_NAMES:
        first += 1
    # A long title ends at its last title word: "Senate Majority Leader Mitch McConnell".
    for k in range(count - 2, first, -1):
        key = keys[k]
        if key in _TITLE_ENDS or TITLE_ROLES.get(key):
            first = k
            break
    titled = False
    while first < count - 1:
        key = keys[first]
        if key not in TITLE_ROLES and key not in _TITLE_ENDS and key not in _DESCRIPTIONS:
            break
        titled = True
        if TITLE_ROLES.get(key):
            roles.add(TITLE_ROLES[key])
        if key in _MALE:
            sex = "m"
        elif key in _FEMALE:
            sex = "f"
        first += 1
    if first >= count:
        return None
    words = run[first:]
    cleaned = _clean(words[-1][2])
    if not cleaned or not _is_cap(cleaned):
        return None
    name_keys = keys[first:]
    if not _NOT_NAMES.isdisjoint(name_keys):
        return None
    if not titled and not 2 <= len(words) <= 4:
        return None
    if _DIGIT.search(text, words[0][0], words[-1][1]):
        return None
    if not _THING_WORDS.isdisjoint(name_keys):
        return None
    end = words[-1][0] + len(cleaned)
    names = (*(w for _, _, w in words[:-1]), cleaned)
    if not sex and len(names) >= 2:
        sex = _sex_of_first_name(names[0])
    return PersonMention(words[0][0], end, names, roles, sex)


def _sex_of_first_name(word: str) -> str:
    low = word.lower()
    if low in _MALE_NAMES:
        return "m"
    if low in _FEMALE_NAMES:
        return "f"
    return ""


def add_context_roles(text: str, mention: PersonMention) -> None:
    """Role words just before the name ("spokesman John Kirby") or in an appositive after it
    ("Kirby, a spokesman for the State Department,")."""
    before = text[max(0, mention.start - 40) : mention.start].lower().split()
    for word in before[-3:]:
        role = _ROLE_NOUN_ROLES.get(word.strip(",.'\u2019s"))
        if role:
            mention.roles.add(role)
    after = text[mention.end : mention.end + 90]
    if after.startswith(","):
        clause = after[1:].split(",", 1)[0].lower()
        for word in clause.split()[:8]:
            role = _ROLE_NOUN_ROLES.get(word.strip(".'\u2019"))
            if role:
                mention.roles.add(role)


@dataclass(slots=True)
class _Person:
    words: tuple[str, ...]
    first: str  # lower-cased first name, "" when only the surname is known
    sex: str
    roles: set[str]


_INITIAL = re.compile(r"[A-Z]\.?")


def _without_initials(words: tuple[str, ...]) -> tuple[str, ...]:
    """A name without its middle initials ("Donald J. Trump" -> "Donald Trump"), the form
    other outlets and annotators write; first names given as initials ("G.K. Butterfield") stay."""
    if len(words) < 3:
        return words
    middle = [w for w in words[1:-1] if not _INITIAL.fullmatch(w)]
    return (words[0], *middle, words[-1])


class SpeakerResolver:
    """Canonical names for the speakers of one article (see the module docstring)."""

    def __init__(
        self, text: str, paragraphs: Sequence[Range], quoted: Sequence[Range] = ()
    ) -> None:
        self.text = text
        self.paragraph_starts = [s for s, _ in paragraphs]
        # The role words around each name are read when a bare role is first resolved.
        self.mentions = person_mentions(text, context_roles=False)
        self._context_roles = False
        self._quoted = quoted
        self._quoted_starts = [s for s, _ in quoted]
        # Which antecedents are the subject of their clause ("Perry has stepped up his attacks
        # on Obama ..."): a pronoun goes to the last of them before any other mention.
        self._subjects: dict[int, bool] = {}  # by mention index, computed when asked
        self._antecedents: dict[int, bool] = {}  # the same
        self.starts = [m.start for m in self.mentions]
        # What the article says about each surname: its full forms, sex and roles. Two people
        # with one surname and different sexes ("Bill Clinton", "Hillary Clinton") leave the
        # surname's sex unknown; each full mention keeps its own.
        self.sex: dict[str, str] = {}
        self.full_forms: dict[str, list[PersonMention]] = {}
        sexes: dict[str, set[str]] = {}
        for mention in self.mentions:
            words = mention.words
            if len(words) >= 2:
                self.full_forms.setdefault(words[-1].lower(), []).append(mention)
            if mention.sex:
                sexes.setdefault(words[-1].lower(), set()).add(mention.sex)
        self.sex = {
            surname: next(iter(found)) for surname, found in sexes.items() if len(found) == 1
        }

    def _antecedent(self, index: int) -> bool:
        """Whether mention ``index`` is someone a pronoun can refer to: named outside
        quotations, as the subject of a clause (not right after a preposition, "an interview
        with Fox News", nor possessive). Worked out when first asked (speed)."""
        known = self._antecedents.get(index)
        if known is None:
            mention = self.mentions[index]
            known = not _inside(mention.start, self._quoted, self._quoted_starts) and (
                _subject_like(self.text, mention)
            )
            self._antecedents[index] = known
        return known

    def _paragraph(self, offset: int) -> int:
        return bisect_right(self.paragraph_starts, offset) - 1

    def _full_forms(self, surname: str) -> list[PersonMention]:
        return self.full_forms.get(surname, [])

    def canonical(self, words: tuple[str, ...], at: int) -> str:
        """The fullest form of the person named ``words`` near offset ``at``."""
        words = tuple(w for w in words if w)
        if not words:
            return ""
        surname = _clean(words[-1]).lower()
        forms = self._full_forms(surname)
        if len(words) >= 2:
            first = words[0].lower()
            forms = [f for f in forms if f.words[0].lower() == first]
        if forms:
            firsts = {f.words[0].lower() for f in forms}
            if len(firsts) > 1:
                # Two people share the surname: the one named last before ``at``, else first after.
                before = [f for f in forms if f.start <= at]
                chosen = before[-1] if before else forms[0]
                forms = [f for f in forms if f.words[0].lower() == chosen.words[0].lower()]
            best = max(forms, key=lambda f: (len(_without_initials(f.words)), -abs(f.start - at)))
            if len(best.words) >= len(words):
                words = best.words
        return " ".join(_proper_case(w) for w in _without_initials(words))

    def name_of_mention(self, start: int, end: int) -> str | None:
        """The canonical name for the speaker mention at ``start``-``end``, or None when it is
        not a name (a pronoun, a description such as "the official", an organisation written
        in capitals)."""
        found = self.named_span(start, end)
        return found[0] if found else None

    def named_span(self, start: int, end: int) -> tuple[str, Range] | None:
        """The canonical name for the speaker mention at ``start``-``end`` and where the name
        itself lies in it, titles and descriptions left out ("Mr. Steele" -> "Steele",
        "Nebraska Attorney General Jon Bruning" -> "Jon Bruning"); None when it is no name."""
        first = bisect_right(self.starts, start - 1)
        inside = [m for m in self.mentions[first : bisect_right(self.starts, end)] if m.end <= end]
        if inside:
            mention = inside[0]
            return self.canonical(mention.words, mention.start), (mention.start, mention.end)
        tokens = [(m.start(), _clean(m.group())) for m in _TOKEN.finditer(self.text, start, end)]
        tokens = [(at, t) for at, t in tokens if t]
        while len(tokens) > 1 and (
            tokens[0][1].lower().rstrip(".") in TITLE_ROLES or tokens[0][1].lower() in _DESCRIPTIONS
        ):
            tokens = tokens[1:]  # "Sen. Ted Cruz", "Reporter Jomana Karadsheh"
        words = tuple(t for _, t in tokens)
        if not words or not all(_is_cap(t) or t.lower() in _CONNECTORS for t in words):
            return None
        if len(words) == 1 and words[0].isupper() and not self._full_forms(words[0].lower()):
            return None  # "CNN", "NAACP": capitals that are not a known person's name
        span = (tokens[0][0], tokens[-1][0] + len(tokens[-1][1]))
        return self.canonical(words, start), span

    def resolve_pronoun(self, pronoun: str, at: int) -> PersonMention | None:
        """The person named last before offset ``at`` (same or the two paragraphs before) whose
        known sex does not contradict ``pronoun`` ("he" or "she")."""
        want = "m" if pronoun.lower() == "he" else "f"
        first_paragraph = max(0, self._paragraph(at) - 2)
        limit = self.paragraph_starts[first_paragraph] if self.paragraph_starts else 0
        index = bisect_right(self.starts, at) - 1
        recent: PersonMention | None = None
        while index >= 0 and self.mentions[index].start >= limit:
            mention = self.mentions[index]
            if not self._antecedent(index):
                index -= 1
                continue
            sex = mention.sex or self.sex.get(mention.surname, "")
            if not sex or sex == want:
                subject = self._subjects.get(index)
                if subject is None:
                    subject = self._subjects[index] = _is_subject(self.text, mention)
                if subject:
                    return mention
                if recent is None:
                    recent = mention
            index -= 1
        return recent

    def description_before(self, at: int, after: int) -> Range | None:
        """An unnamed person who is the subject of a clause between ``after`` and ``at`` (same
        or the paragraph before ``at``), outside quotations: "according to the senior Iranian
        official, ...", "The official added ..."; "he" then refers to them, not to a person
        named earlier."""
        first_paragraph = max(0, self._paragraph(at) - 1)
        limit = self.paragraph_starts[first_paragraph] if self.paragraph_starts else 0
        found: Range | None = None
        low = max(after, limit)
        if not _DESCRIPTION_HINT.search(self.text, low, at):
            return None  # (speed: the full pattern only where a job word occurs)
        for match in _DESCRIPTION.finditer(self.text, low, at):
            if _inside(match.start(), self._quoted, self._quoted_starts):
                continue
            before = self.text[max(0, match.start() - 14) : match.start()].lower()
            mention = PersonMention(match.start(), match.end(), (match.group(),))
            if before.endswith(("according to ", "according to\u00a0")) or _is_subject(
                self.text, mention
            ):
                found = (match.start(), match.end())
        return found

    def fuller_description(self, head: str, at: int) -> str | None:
        """The fuller description of an unnamed person that a bare one ("the official") before
        ``at`` refers to: the last "the/a ... <head>" with words between, outside quotations,
        in the same or the two paragraphs before ("the senior Iranian official"); None when
        there is none."""
        first_paragraph = max(0, self._paragraph(at) - 2)
        low = self.paragraph_starts[first_paragraph] if self.paragraph_starts else 0
        found: str | None = None
        for match in _fuller_description(head).finditer(self.text, low, at):
            if not _inside(match.start(), self._quoted, self._quoted_starts):
                found = " ".join(match.group().split())
        return found

    def paragraphs_between(self, start: int, end: int) -> int:
        """How many paragraph breaks lie between two offsets."""
        return self._paragraph(end) - self._paragraph(start)

    def sex_of(self, name: str) -> str:
        """ "m" or "f" when the article gives the person named ``name`` a title that says so."""
        words = name.split()
        return self.sex.get(_clean(words[-1]).lower(), "") if words else ""

    def resolve_role(self, role_word: str, at: int) -> PersonMention | None:
        """The person the article last named, before ``at``, in the role ``role_word``."""
        roles = ROLE_WORDS.get(role_word.lower())
        if not roles:
            return None
        if not self._context_roles:
            for mention in self.mentions:
                if not mention.alone:
                    add_context_roles(self.text, mention)
            self._context_roles = True
        index = bisect_right(self.starts, at) - 1
        while index >= 0:
            mention = self.mentions[index]
            if mention.roles & roles:
                return mention
            index -= 1
        return None


# An unnamed person described by their job: "the senior Iranian official", "a spokesman".
_DESCRIPTION = re.compile(
    r"\b(?:[Tt]he|[Aa]n?)[ \u00a0]+(?:[\w.-]+[ \u00a0]+){0,3}?"
    r"(?:official|spokesman|spokeswoman|spokesperson|source|aide|diplomat|officer|adviser"
    r"|advisor|negotiator|envoy|commander|executive)\b"
)


@lru_cache(maxsize=64)
def _fuller_description(head: str) -> re.Pattern[str]:
    """ "the senior Iranian official" for the head noun "official": one to four words between
    the article and the noun, none of them capitalised as a sentence start would be."""
    return re.compile(
        r"\b(?:[Tt]he|[Aa]n?)[ \u00a0]+(?:[\w.-]+[ \u00a0]+){1,4}?" + re.escape(head) + r"\b"
    )


_DESCRIPTION_HINT = re.compile(
    r"official|spokes|source|aide|diplomat|officer|advis|negotiator|envoy|commander|executive"
)

_PREPOSITIONS = frozenset(
    """with to on from at in of by for about against into onto over under than like""".split()
)


def _inside(offset: int, ranges: Sequence[Range], starts: list[int]) -> bool:
    index = bisect_right(starts, offset) - 1
    return index >= 0 and ranges[index][0] <= offset < ranges[index][1]


def _subject_like(text: str, mention: PersonMention) -> bool:
    """Not right after a preposition, not a possessive ("Trump's wife"), and not a name used
    as a modifier ("the Bush administration", "the unenthused Obama daughters")."""
    before = text[max(0, mention.start - 20) : mention.start].split()
    if before and (before[-1].lower() in _PREPOSITIONS or before[-1] in _MODIFIER_BEFORE):
        return False
    if before and before[-1].islower() and before[-1].endswith("ed"):
        return False  # "the unenthused Obama daughters", "a proposed Trump project"
    after = _NEXT_WORD.match(text, mention.end)
    if after and after.group(1).lower() in _MODIFIED_NOUNS:
        return False
    return not text.startswith(("'s", "\u2019s"), mention.end)


# Words after which a name modifies a noun rather than naming the speaker.
_MODIFIER_BEFORE = frozenset({"the", "a", "an", "The", "A", "An"})
# Nouns a name modifies: "the Obama administration", "Clinton campaign", "Trump supporters".
_MODIFIED_NOUNS = frozenset(
    """administration administrations campaign campaigns family team supporters voters camp
    government era years policy policies presidency foundation aides allies loyalists
    daughters sons children doctrine plan plans presidency's brand organization organisation
    tower project rally rallies voters' critics backers base""".split()
)
_NEXT_WORD = re.compile(r"[ \u00a0]+([A-Za-z][\w'\u2019-]*)")
# A word after a name that makes it the subject of a clause: a verb in the past or present
# tense, an auxiliary ("Perry has", "Clinton criticized", "Obama said", "Kerry, 71, told").
_AUXILIARY_VERBS = frozenset(
    """has had is was will would could can did does should may might must told said says
    tells wrote writes went spoke took made gave got came saw thinks thought knows knew
    also""".split()
)


def _is_subject(text: str, mention: PersonMention) -> bool:
    """The name is followed, maybe after an appositive between commas or a parenthesis, by a
    word that reads as its verb."""
    pos = mention.end
    rest = text[pos : pos + 120]
    if rest.startswith(" ("):
        close = rest.find(")")
        if close != -1:
            rest = rest[close + 1 :]
    if rest.startswith(","):
        close = rest.find(",", 1)
        if close == -1 or "." in rest[1:close].replace(".,", ""):
            return False
        rest = rest[close + 1 :]
    after = _NEXT_WORD.match(rest)
    if after is None:
        return False
    word = after.group(1)
    if not word.islower():
        return False
    return (
        word in _AUXILIARY_VERBS
        or word.endswith("ed")
        or (word.endswith("s") and not word.endswith(("ss", "us", "is")))
    )
