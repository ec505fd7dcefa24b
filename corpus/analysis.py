"""Computing a document's structure from its text."""

from __future__ import annotations

from bisect import bisect_right

from .boilerplate import find_boilerplate
from .document import Range, Structure
from .paragraphs import find_paragraphs
from .quotes import find_quotes
from .sentences import split_sentences


def analyse(text: str, title_end: int = 0, sentences: list[Range] | None = None) -> Structure:
    """Paragraphs, sentences, boilerplate and quotes of ``text``, as offsets into it.

    ``title_end`` is where the title line ends (0 when the title is not in the text).
    ``sentences`` may be given when the source already splits them (BASIL does); they are used
    as they are.
    """
    paragraphs = find_paragraphs(text)
    if sentences is None:
        sentences = split_sentences(text, paragraphs)
    boilerplate = find_boilerplate(text, paragraphs, title_end)
    # Quotes inside boilerplate (a comment, a pingback) are not the article's.
    quotes = [
        q for q in find_quotes(text, paragraphs, sentences) if not _inside(q.start, boilerplate)
    ]
    return Structure(
        paragraphs=tuple(paragraphs),
        sentences=tuple(sentences),
        boilerplate=tuple(boilerplate),
        quotes=tuple(quotes),
    )


def _inside(offset: int, ranges: list[Range]) -> bool:
    index = bisect_right(ranges, (offset, float("inf"))) - 1
    return index >= 0 and ranges[index][0] <= offset < ranges[index][1]
