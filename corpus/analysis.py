"""Computing a document's structure from its text."""

from __future__ import annotations

import contextlib
import contextvars
from bisect import bisect_right
from collections.abc import Iterator
from typing import Protocol

from .boilerplate import find_boilerplate
from .document import Range, Structure
from .paragraphs import find_paragraphs
from .quotes import find_quotes
from .sentences import split_sentences


class AnalysisCache(Protocol):
    """Where analyses are kept between calls (and runs): see ``use_analysis_cache``."""

    def get(self, text: str, title_end: int, sentences: list[Range] | None) -> Structure | None:
        """The analysis of this text, when it is kept."""

    def put(
        self, text: str, title_end: int, sentences: list[Range] | None, structure: Structure
    ) -> None:
        """Keep the analysis of this text."""


_cache: AnalysisCache | None = None
_skip: contextvars.ContextVar[bool] = contextvars.ContextVar("newsreader_skip_analysis")


def use_analysis_cache(cache: AnalysisCache | None) -> AnalysisCache | None:
    """Have ``analyse`` look its results up in ``cache`` (for this process); returns the old one."""
    global _cache
    previous, _cache = _cache, cache
    return previous


@contextlib.contextmanager
def without_analysis() -> Iterator[None]:
    """Within this block (in this thread), documents are loaded with an empty structure: for
    work that needs only their text, ids and metadata (import, export)."""
    token = _skip.set(True)
    try:
        yield
    finally:
        _skip.reset(token)


def analyse(text: str, title_end: int = 0, sentences: list[Range] | None = None) -> Structure:
    """Paragraphs, sentences, boilerplate and quotes of ``text``, as offsets into it.

    ``title_end`` is where the title line ends (0 when the title is not in the text).
    ``sentences`` may be given when the source already splits them (BASIL does); they are used
    as they are.
    """
    if _skip.get(False):
        return Structure()
    cache = _cache
    if cache is None:
        return _analyse(text, title_end, sentences)
    found = cache.get(text, title_end, sentences)
    if found is None:
        found = _analyse(text, title_end, sentences)
        cache.put(text, title_end, sentences, found)
    return found


def _analyse(text: str, title_end: int, sentences: list[Range] | None) -> Structure:
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
