"""Where a Markdown article's markup lies, so that a reader can show it dimmed.

The article text and its offsets are never changed: :func:`markup_ranges` only says which
characters are markup (heading hashes, emphasis marks, link brackets and targets, list bullets,
quote bars, code fences and horizontal rules), as sorted, disjoint ranges.
"""

from __future__ import annotations

import re

from .document import Document, Range

MARKDOWN_SUFFIXES = (".md", ".markdown")

_LINE_MARKUP = re.compile(
    r"^(?P<lead>[ \t]{0,3}(?:#{1,6}[ \t]+|>[ \t]?|[-*+][ \t]+|\d{1,9}[.)][ \t]+)+)", re.M
)
_CLOSING_HASHES = re.compile(r"[ \t]+#+[ \t]*$", re.M)
_RULE_OR_FENCE = re.compile(r"^[ \t]{0,3}(?:(?:[-*_][ \t]*){3,}|```[^\n]*|~~~[^\n]*)$", re.M)
_LINK = re.compile(r"(!?\[)(?=[^\]\n]*\]\()[^\]\n]*(\]\([^)\s]*(?:[ \t]+\"[^\"\n]*\")?\))")
_EMPHASIS = re.compile(r"(\*\*|__|\*|_|`)(?=\S)([^\n]*?\S)\1")
_AUTOLINK = re.compile(r"<https?://[^>\s]+>")


def is_markdown(doc: Document) -> bool:
    """True when the article was read from a Markdown file."""
    return doc.path.lower().endswith(MARKDOWN_SUFFIXES)


def markup_ranges(text: str) -> list[Range]:
    """The stretches of ``text`` that are Markdown markup, sorted and disjoint."""
    found: list[Range] = []
    for match in _RULE_OR_FENCE.finditer(text):
        found.append((match.start(), match.end()))
    for match in _LINE_MARKUP.finditer(text):
        found.append((match.start("lead"), match.end("lead")))
    for match in _CLOSING_HASHES.finditer(text):
        line_start = text.rfind("\n", 0, match.start()) + 1
        if text[line_start:].lstrip(" \t").startswith("#"):
            found.append((match.start(), match.end()))
    for match in _LINK.finditer(text):
        found.append((match.start(1), match.end(1)))
        found.append((match.start(2), match.end(2)))
    for match in _AUTOLINK.finditer(text):
        found.append((match.start(), match.end()))
    _emphasis(text, 0, len(text), found, depth=0)
    return _merged(found)


def _emphasis(text: str, start: int, end: int, found: list[Range], depth: int) -> None:
    """Emphasis marks in ``text[start:end]``, and inside each emphasis (a few levels deep)."""
    for match in _EMPHASIS.finditer(text, start, end):
        mark = match.group(1)
        if mark == "_" and _inside_word(text, match.start(), match.end()):
            continue  # snake_case_words are not emphasis
        found.append((match.start(), match.start() + len(mark)))
        found.append((match.end() - len(mark), match.end()))
        if mark != "`" and depth < 3:
            _emphasis(text, match.start(2), match.end(2), found, depth + 1)


def document_markup(doc: Document) -> list[Range]:
    """The markup ranges of a Markdown article; none for any other article."""
    return markup_ranges(doc.text) if is_markdown(doc) else []


def _inside_word(text: str, start: int, end: int) -> bool:
    before = text[start - 1] if start > 0 else " "
    after = text[end] if end < len(text) else " "
    return before.isalnum() or after.isalnum()


def _merged(ranges: list[Range]) -> list[Range]:
    merged: list[Range] = []
    for start, end in sorted(r for r in ranges if r[0] < r[1]):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


__all__ = ["MARKDOWN_SUFFIXES", "document_markup", "is_markdown", "markup_ranges"]
