"""Paragraphs: where they start and end in a document's text."""

from __future__ import annotations

import re

from .document import Range

_BLANK_RUN = re.compile(r"\n[ \t\f\v\u00a0]*\n\s*")
_LIST_MARKER = re.compile(r"\s*(?:[-*•·]|\d{1,3}[.)])\s")


def _trim(text: str, start: int, end: int) -> Range | None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return (start, end) if start < end else None


def _is_hard_wrapped(lines: list[str]) -> bool:
    """A block of several lines of similar, moderate length reads as one wrapped paragraph."""
    if len(lines) < 2:
        return False
    for line in lines[:-1]:
        if not 40 <= len(line.strip()) <= 100 or _LIST_MARKER.match(line):
            return False
    return not _LIST_MARKER.match(lines[-1])


def find_paragraphs(text: str) -> list[Range]:
    """Split ``text`` into paragraphs.

    Blank lines separate blocks. A block whose lines look hard-wrapped (several lines of 40 to 100
    characters) is one paragraph; otherwise each line of the block is a paragraph of its own, as in
    scraped text where a single newline ends a paragraph. Ranges exclude surrounding whitespace.
    """
    paragraphs: list[Range] = []
    block_start = 0
    for match in _BLANK_RUN.finditer(text):
        _add_block(text, block_start, match.start(), paragraphs)
        block_start = match.end()
    _add_block(text, block_start, len(text), paragraphs)
    return paragraphs


def _add_block(text: str, start: int, end: int, out: list[Range]) -> None:
    block = text[start:end]
    lines = block.split("\n")
    if _is_hard_wrapped(lines):
        trimmed = _trim(text, start, end)
        if trimmed:
            out.append(trimmed)
        return
    pos = start
    for line in lines:
        trimmed = _trim(text, pos, pos + len(line))
        if trimmed:
            out.append(trimmed)
        pos += len(line) + 1
