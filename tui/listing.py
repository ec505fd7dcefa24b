"""Listing a corpus in the app's load worker: the first articles are shown while the rest are read.

A big folder (PolNeAR: 924 articles and a metadata table) takes a second or more to read. The
worker reads it one file at a time (``corpus.loaders.list_in_steps``); as soon as it has the
articles the panes show, it posts them (:class:`FirstArticles`) and waits until they are drawn
(so that it does not compete with drawing them), then goes on, posting its progress
(:class:`ListingProgress`) for the status bar. The complete result comes as ``DocumentsLoaded``,
and only then is the one summary line of skipped files and problems shown.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from textual.message import Message

if TYPE_CHECKING:
    from newsreader.corpus import Document, LoadResult

PROGRESS_EVERY = 0.1
"""Seconds between two progress messages."""

WAIT_FOR_FRAME = 2.0
"""The longest the listing waits for the first articles to be drawn."""


class FirstArticles(Message):
    """The first articles of a corpus still being listed, for the panes; ``drawn`` is set by
    the app once they are on the screen."""

    def __init__(self, documents: list[Document], drawn: threading.Event) -> None:
        super().__init__()
        self.documents = documents
        self.drawn = drawn


class ListingProgress(Message):
    """How many of the files found have been read."""

    def __init__(self, done: int, total: int) -> None:
        super().__init__()
        self.done = done
        self.total = total

    @property
    def text(self) -> str:
        return f"reading articles… {self.done:,} of {self.total:,} files"


def list_showing_first(
    paths: Sequence[str | Path],
    manifest: str | Path | None,
    *,
    first: int,
    post: Callable[[Message], object],
    cancelled: Callable[[], bool] = lambda: False,
) -> LoadResult | None:
    """List ``paths`` (not analysed), posting the first ``first`` articles as soon as they are
    read and the progress after that; the whole result (None when ``cancelled``)."""
    from newsreader.corpus.loaders import LoadResult, list_in_steps

    result = LoadResult()
    sent = False
    last = time.monotonic()
    for result, done, total in list_in_steps(paths, manifest):
        if cancelled():
            return None
        if not sent and done > 0 and (len(result.documents) >= first or done == total):
            sent = True
            drawn = threading.Event()
            post(FirstArticles(list(result.documents[:first]), drawn))
            drawn.wait(WAIT_FOR_FRAME)
            last = time.monotonic()
        elif done < total and time.monotonic() - last >= PROGRESS_EVERY:
            post(ListingProgress(done, total))
            last = time.monotonic()
    return result


__all__ = ["FirstArticles", "ListingProgress", "list_showing_first"]
