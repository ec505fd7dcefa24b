"""What an article is: loading, text, paragraphs, sentences, boilerplate and quotes.

This package imports nothing else of newsreader's and nothing of Textual. Its names are
imported when first used, so that a program that only needs ``Document`` or ``LineIndex``
(the app's first frame) does not pay for compiling the loaders' and detectors' patterns.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .analysis import analyse
    from .document import Document, LazyStructure, Quote, Range, Structure
    from .loaders import SAMPLE_DIR, LoadResult, Problem, list_paths, load_paths, load_sample
    from .stories import Story, group_stories
    from .text import LineIndex, content_hash, decode_text

_HOME = {
    "analyse": ".analysis",
    "Document": ".document",
    "Quote": ".document",
    "Range": ".document",
    "Structure": ".document",
    "LazyStructure": ".document",
    "list_paths": ".loaders",
    "Story": ".stories",
    "group_stories": ".stories",
    "SAMPLE_DIR": ".loaders",
    "LoadResult": ".loaders",
    "Problem": ".loaders",
    "load_paths": ".loaders",
    "load_sample": ".loaders",
    "LineIndex": ".text",
    "content_hash": ".text",
    "decode_text": ".text",
}


def __getattr__(name: str) -> Any:
    home = _HOME.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(home, __name__), name)
    globals()[name] = value
    return value


__all__ = [
    "SAMPLE_DIR",
    "Document",
    "LazyStructure",
    "LineIndex",
    "LoadResult",
    "Problem",
    "Quote",
    "Range",
    "Story",
    "Structure",
    "analyse",
    "content_hash",
    "decode_text",
    "group_stories",
    "list_paths",
    "load_paths",
    "load_sample",
]
