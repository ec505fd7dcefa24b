"""What an article is: loading, text, paragraphs, sentences, boilerplate and quotes.

This package imports nothing else of newsreader's and nothing of Textual.
"""

from .analysis import analyse
from .document import Document, Quote, Range, Structure
from .loaders import SAMPLE_DIR, LoadResult, Problem, load_paths, load_sample
from .text import LineIndex, content_hash, decode_text

__all__ = [
    "SAMPLE_DIR",
    "Document",
    "LineIndex",
    "LoadResult",
    "Problem",
    "Quote",
    "Range",
    "Structure",
    "analyse",
    "content_hash",
    "decode_text",
    "load_paths",
    "load_sample",
]
