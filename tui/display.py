"""What a document pane shows: the article text, with boilerplate folded away when asked.

A :class:`DisplayMap` turns the article text into the text the pane shows (each folded stretch
replaced by a one-line marker) and converts offsets both ways, so that everything stored keeps
meaning offsets into the article text itself.
"""

from __future__ import annotations

import bisect
import os
from collections.abc import Sequence
from pathlib import Path

from newsreader.corpus import Document, Range


def plural(count: int, word: str, many: str | None = None) -> str:
    """``count`` and ``word``, in the plural unless the count is one: "1 annotation"."""
    return f"{count} {word if count == 1 else (many or word + 's')}"


def fold_marker(hidden: int) -> str:
    """The line shown in place of ``hidden`` folded characters."""
    return f"⋯ boilerplate folded ({plural(hidden, 'character')}) ⋯"


_MARKUP: dict[tuple[str, str, str], list[Range]] = {}


def markup_of(doc: Document) -> list[Range]:
    """The Markdown markup of ``doc`` (none unless it is a Markdown file), found once."""
    key = (doc.id, doc.path, doc.content_hash)
    found = _MARKUP.get(key)
    if found is None:
        if len(_MARKUP) > 512:
            _MARKUP.clear()
        from newsreader.corpus.markup import document_markup

        found = _MARKUP[key] = document_markup(doc)
    return found


def screenshot_folder(downloads: Path, data: Path) -> Path:
    """Where a screenshot goes: the Downloads folder when it exists, else the current folder
    when it can be written, else the data folder (made when missing)."""
    if downloads.is_dir() and os.access(downloads, os.W_OK):
        return downloads
    here = Path.cwd()
    if os.access(here, os.W_OK):
        return here
    data.mkdir(parents=True, exist_ok=True)
    return data


class DisplayMap:
    """Offsets between an article's text and its displayed text (folded ranges replaced)."""

    def __init__(self, text: str, folds: Sequence[Range] = ()) -> None:
        pieces: list[str] = []
        # Parallel lists: where each piece starts in the article and on screen, and whether
        # it is a fold marker.
        self._doc_starts: list[int] = []
        self._disp_starts: list[int] = []
        self._folded: list[bool] = []
        self._doc_ends: list[int] = []
        position = 0
        shown = 0
        for start, end in sorted(folds):
            if start < position or start >= end:
                continue
            marker = fold_marker(end - start)
            if len(marker) >= end - start:
                continue  # short boilerplate stays (dimmed): a marker would be longer
            if start > position:
                self._piece(position, start, shown, False)
                pieces.append(text[position:start])
                shown += start - position
            self._piece(start, end, shown, True)
            pieces.append(marker)
            shown += len(marker)
            position = end
        if position < len(text) or not pieces:
            self._piece(position, len(text), shown, False)
            pieces.append(text[position:])
        self.text = "".join(pieces)
        self.document_length = len(text)

    def _piece(self, start: int, end: int, shown: int, folded: bool) -> None:
        self._doc_starts.append(start)
        self._doc_ends.append(end)
        self._disp_starts.append(shown)
        self._folded.append(folded)

    @property
    def folds(self) -> bool:
        """True when something is folded."""
        return any(self._folded)

    def to_display(self, offset: int) -> int:
        """Where article ``offset`` is shown (the start of its marker, when folded away)."""
        i = max(0, bisect.bisect_right(self._doc_starts, offset) - 1)
        if self._folded[i]:
            return self._disp_starts[i] if offset < self._doc_ends[i] else self._disp_end(i)
        return self._disp_starts[i] + (offset - self._doc_starts[i])

    def _disp_end(self, i: int) -> int:
        return self._disp_starts[i + 1] if i + 1 < len(self._disp_starts) else len(self.text)

    def to_document(self, shown: int) -> int:
        """The article offset of displayed offset ``shown`` (a marker maps to its fold's start)."""
        i = max(0, bisect.bisect_right(self._disp_starts, shown) - 1)
        if self._folded[i]:
            return self._doc_starts[i]
        return min(self._doc_starts[i] + (shown - self._disp_starts[i]), self._doc_ends[i])

    def hidden(self, start: int, end: int) -> bool:
        """True when the article range lies entirely inside a fold."""
        i = max(0, bisect.bisect_right(self._doc_starts, start) - 1)
        return self._folded[i] and end <= self._doc_ends[i]
