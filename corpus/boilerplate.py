"""Boilerplate: the parts of a scraped page that are not the article.

Comment forms, share and follow buttons, visitor counters, syndication notes, cookie and
subscription lines, photo credits, navigation crumbs and link lists are flagged as ranges of the
text. Nothing is deleted: the text stays as it was, so every offset keeps its meaning.
"""

from __future__ import annotations

import re

from .document import Range

_LINE_PATTERNS = [
    # comment forms
    r"what'?s on your mind\??",
    r"fill in your details below or click an icon to log in:?",
    r"you are commenting using your .{0,40} account\..*",
    r"connecting to %s",
    r"(leave|post) a (reply|comment).*",
    r"notify me of (new|follow-up) (comments|posts).*",
    r"please let us know if you'?re having issues with commenting\.?",
    r"comments?",
    r"\d+ (comments?|responses?|thoughts?) (on|to) .*",
    r"log in to (reply|comment).*",
    # share and follow buttons, counters
    r"follow us( in any way you like| on \w+)?!?.*",
    r"follow (me|him|her|them) on \w+.*",
    r"(like|share|follow|tweet|email|print|pin) (on|us on|this|it)\b.{0,60}",
    r"share (this|on \w+)( article| story)?:?",
    r"(share|tweet|email|print|save|like|pin it|reddit|whatsapp|linkedin|facebook|twitter)\.?",
    r"get every new post delivered to your inbox\.?",
    r"join [\d,]+ other (followers|subscribers)",
    r"%d bloggers like this:?",
    r"visuals to share",
    r"visitor count",
    r"[•·*]?\s*[\d,]{3,}\s*(views|visitors|hits)?",
    r"do you support .{1,40}\? like the page:?",
    r"[\w ]{0,30}like on facebook.*",
    # syndication and archive notes
    r"this article is from the archive of our partner.*",
    r"this (article|story) (was )?(originally|first) (appeared|published) .*",
    r"as published in the international new york times\.?",
    r"(view|read) (the )?(full|original) (article|story|text).*",
    r"read (the rest|more) here\.?",
    r"click here .*",
    # subscription and cookie lines
    r"advertisement\.?( ?[-–—] ?story continues below\.?)?",
    r"(story|article) continues below( advertisement)?\.?",
    r".{0,80}\b(sign up|subscribe)\b.{0,30}\b(newsletter|inbox|podcast|email)\b.*",
    r"\(?subscribe to .{0,60}(podcast|newsletter).*",
    r"(we|this (site|website)) uses? cookies.*",
    r".{0,40}\bcookie (policy|settings|preferences)\b.*",
    r"already a subscriber\?.*",
    # credits and captions
    r"\(?(video|photo|image|images|graphic)s? (via|by|courtesy of|credit:?) .{1,80}\)?\.?",
    r"this video contains images from .*",
    r"(photo|image|credit|source)s?: .{1,80}",
    r"[\w .,'/-]{0,60}(via |/)?getty( images)?(/\w+)?\.?",
    r"(ap|reuters|afp) photo.{0,80}",
    # page furniture
    r"posted (at|on|in|by)\b.*",
    r"and last updated.*",
    r"tagged (with|as)?:?[\s,]*.*",
    r"filed under:? .*",
    r"related( articles| stories| posts)?:?",
    r"#*\s*(related|source|sources|see also|more from \w+):?",
    r"cover image",
    r"_{3,}\.?",
    r"(full text|abstract|letters|twitter|facebook|x|instagram)\.",
    r"skip to (main )?content",
    r"(advertise|about us|contact us|privacy policy|terms of (use|service)).{0,40}",
]
_LINE = re.compile(r"\s*(?:" + "|".join(_LINE_PATTERNS) + r")\s*", re.IGNORECASE)

# A heading that opens a section running to the end of the page (the comments, the link list).
_TRAILING_SECTION = re.compile(
    r"\s*(?:\d+ (?:comments?|responses?) (?:on|to) .*|comments|leave a reply.*|"
    r"what'?s on your mind\??|#*\s*related:?|related (?:articles|stories|posts):?)\s*",
    re.IGNORECASE,
)
# Markdown and bare links: a line made mostly of them is a link list entry.
_LINK = re.compile(r"\[[^\]]*\]\([^)]*\)|https?://\S+")
_PINGBACK = re.compile(r"\s*(?:\d+\.\s*)?\[(?:…|\.\.\.)\]")


def _is_link_line(line: str) -> bool:
    stripped = line.strip()
    if not stripped:
        return False
    link_chars = sum(len(m.group()) for m in _LINK.finditer(stripped))
    return link_chars >= 0.5 * len(stripped)


def find_boilerplate(text: str, paragraphs: list[Range], title_end: int = 0) -> list[Range]:
    """Flag boilerplate paragraphs of ``text``; returns merged, sorted ranges.

    ``title_end`` is the end offset of the title line: short navigation lines before it (such as
    "World" or "Actions" above a headline) are flagged too.
    """
    flagged: list[Range] = []
    seen_short: dict[str, int] = {}
    trailing_from: int | None = None
    body_threshold = len(text) * 0.4
    for index, (start, end) in enumerate(paragraphs):
        line = text[start:end]
        words = line.split()
        key = line.strip().lower()
        if trailing_from is None and start >= body_threshold and _TRAILING_SECTION.fullmatch(line):
            trailing_from = index
        is_boilerplate = (
            (len(line) <= 200 and bool(_LINE.fullmatch(line)))
            or _is_link_line(line)
            or bool(_PINGBACK.match(line))
            or (end <= title_end and len(words) <= 2 and not line.rstrip().endswith((".", "?")))
        )
        if len(words) <= 12 and not line.rstrip().endswith((".", "?", "!", '"', "”")):
            # A short line seen before (a repeated caption, a repeated headline) is furniture.
            if key in seen_short and index > 0:
                is_boilerplate = True
                first = seen_short[key]
                if first > 0:
                    flagged.append(paragraphs[first])
            seen_short.setdefault(key, index)
        if is_boilerplate:
            flagged.append((start, end))
    if trailing_from is not None:
        flagged.append((paragraphs[trailing_from][0], paragraphs[-1][1]))
    flagged = merge_ranges(flagged)
    profile = _profile_before_furniture(text, paragraphs, flagged)
    if profile is not None:
        flagged = merge_ranges([*flagged, profile])
    return flagged


# A hashtag or a handle in running text: ``Blogging & updating on #Iran related news``.
_TAG = re.compile(r"(?<![\w&])[#@][A-Za-z]\w+")
_PROFILE_WORDS = 50


def _profile_before_furniture(
    text: str, paragraphs: list[Range], flagged: list[Range]
) -> Range | None:
    """A blog's or an author's profile line just above the page's closing furniture: a short
    paragraph with a hashtag or a handle (``Blogging & updating on #Iran related news- ...``)
    after which every paragraph is boilerplate ("Tagged with:", "Posted in ...", comments). An
    article's own last paragraph has no such tag, and a tweet is in quotation marks or markup."""
    if not flagged or not paragraphs or flagged[-1][1] < paragraphs[-1][1]:
        return None  # the page does not end in furniture

    def furniture(paragraph: Range) -> bool:
        return any(s <= paragraph[0] and paragraph[1] <= e for s, e in flagged)

    index = len(paragraphs) - 1
    while index >= 0 and furniture(paragraphs[index]):
        index -= 1  # back over the closing run of boilerplate paragraphs
    if index < 1:
        return None
    start, end = paragraphs[index]
    line = text[start:end]
    if (
        len(line.split()) <= _PROFILE_WORDS
        and _TAG.search(line)
        and not any(mark in line for mark in ('"', "\u201c", "<"))
    ):
        return (start, end)
    return None


def merge_ranges(ranges: list[Range]) -> list[Range]:
    """Sort ranges and merge those that overlap or touch."""
    merged: list[Range] = []
    for start, end in sorted(ranges):
        if merged and start <= merged[-1][1]:
            if end > merged[-1][1]:
                merged[-1] = (merged[-1][0], end)
        else:
            merged.append((start, end))
    return merged
