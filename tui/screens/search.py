"""Corpus-wide search: the sentences of every open article that hold the words typed.

A sentence matches when every word typed starts a word in it (case aside); each result shows the
article's outlet and the sentence around the first hit, the hits highlighted. The search runs in
a thread worker, article by article, and the results stream into the list as they are found; a
new keystroke stops the running search and starts another. At most :data:`SHOWN` results are
listed; the count above them goes on to the end. Enter dismisses the screen with the article and
the offsets of the highlighted result's first hit, for the app to open it there.

Sentences are the article's own when it has been analysed, else the text between sentence-ending
punctuation or line breaks (so a search never waits for the analysis of the whole corpus).
"""

from __future__ import annotations

import bisect
import re
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import ClassVar, Protocol

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option
from textual.worker import get_current_worker

from ..safe import inert
from .list_keys import ListKeys

SHOWN = 500
"""At most this many matching sentences are listed (the count covers them all)."""
MIN_QUERY = 2
"""Shorter queries (in characters, spaces aside) list nothing."""
BATCH = 50
"""At most this many results go to the list at once (the main thread draws them between)."""
CONTEXT = 150
"""About this many characters of a sentence are shown around its first hit."""
_BREAK = re.compile(r"[.!?][\"'”’)\]]*\s+|\n\s*")


class Searchable(Protocol):
    @property
    def id(self) -> str: ...
    @property
    def text(self) -> str: ...
    @property
    def outlet(self) -> str | None: ...
    @property
    def title(self) -> str: ...
    @property
    def analysed(self) -> bool: ...
    @property
    def sentences(self) -> tuple[tuple[int, int], ...]: ...


@dataclass(frozen=True, slots=True)
class Match:
    """One matching sentence: its article, its range, and the ranges of the words found in it."""

    doc_id: str
    start: int
    end: int
    hits: tuple[tuple[int, int], ...]


def patterns(query: str) -> list[re.Pattern[str]]:
    """One pattern per word typed, matching where a word starts with it (case aside)."""
    return [re.compile(r"(?<!\w)" + re.escape(w), re.I) for w in query.split()]


def _sentences(doc: Searchable) -> Callable[[int], tuple[int, int]]:
    """A function giving the sentence around an offset of ``doc``'s text."""
    text = doc.text
    if doc.analysed and doc.sentences:
        ranges = doc.sentences
        starts = [s for s, _ in ranges]

        def analysed(offset: int) -> tuple[int, int]:
            n = bisect.bisect_right(starts, offset) - 1
            if n >= 0 and ranges[n][0] <= offset < ranges[n][1]:
                return ranges[n]
            return _between_breaks(text, offset)

        return analysed
    return lambda offset: _between_breaks(text, offset)


def _between_breaks(text: str, offset: int) -> tuple[int, int]:
    """The text between the sentence breaks (or line breaks) around ``offset``."""
    window = 2000
    begin = max(0, offset - window)
    start = begin
    for found in _BREAK.finditer(text, begin, offset):
        start = found.end()
    after = _BREAK.search(text, offset, offset + window)
    end = after.end() if after else min(len(text), offset + window)
    while end > offset and text[end - 1].isspace():
        end -= 1
    return start, end


def search_document(doc: Searchable, words: Sequence[re.Pattern[str]]) -> Iterator[Match]:
    """The sentences of ``doc`` holding every word, in text order."""
    text = doc.text
    if not words or not all(w.search(text) for w in words):
        return
    sentence_of = _sentences(doc)
    done = -1
    for first in words[0].finditer(text):
        if first.start() < done:
            continue
        start, end = sentence_of(first.start())
        done = end
        hits: list[tuple[int, int]] = []
        for word in words:
            found = [(m.start(), m.end()) for m in word.finditer(text, start, end)]
            if not found:
                break
            hits.extend(found)
        else:
            yield Match(doc.id, start, end, tuple(sorted(hits)))


def search(documents: Iterable[Searchable], query: str) -> Iterator[Match]:
    """Every matching sentence of ``documents``, article by article (see :func:`patterns`)."""
    words = patterns(query)
    for doc in documents:
        yield from search_document(doc, words)


def context(text: str, match: Match, width: int = CONTEXT) -> Text:
    """The sentence of ``match`` on one line, cut to about ``width`` characters around its first
    hit, the hits highlighted."""
    start, end = match.start, match.end
    first = match.hits[0][0] if match.hits else start
    if end - start > width:
        start = max(start, min(first - width // 3, end - width))
        end = min(end, start + width)
    line = Text("…" if start > match.start else "")
    cursor = start
    for a, b in match.hits:
        a, b = max(a, cursor), min(b, end)
        if a >= b:
            continue
        line.append(_flat(text[cursor:a]))
        line.append(_flat(text[a:b]), style="bold reverse")
        cursor = b
    line.append(_flat(text[cursor:end]))
    if end < match.end:
        line.append("…")
    return line


def _flat(piece: str) -> str:
    return inert(" ".join(piece.split()) if "\n" in piece or "\t" in piece else piece)


class SearchScreen(ListKeys, ModalScreen[tuple[str, int, int] | None]):
    """Type words; the sentences of every article holding them stream in; enter opens one."""

    DEFAULT_CSS = """
    SearchScreen { align: center middle; }
    SearchScreen > Vertical {
        width: 95%; height: 85%; border: round $accent; background: $surface; padding: 0 1;
    }
    SearchScreen #search-count { color: $text-muted; height: 1; }
    SearchScreen OptionList { height: 1fr; border: none; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", "Close", id="corpus_search_close"),
        Binding("down", "down", "Next", show=False, id="corpus_search_down"),
        Binding("up", "up", "Previous", show=False, id="corpus_search_up"),
    ]

    def __init__(self, documents: Sequence[Searchable], query: str = "") -> None:
        super().__init__()
        self.documents = list(documents)
        self.by_id = {d.id: d for d in self.documents}
        self.initial = query
        self.results: list[Match] = []
        self.total = 0
        self.articles = 0
        self.done = False
        self._run = 0

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Input(
                value=self.initial,
                placeholder=f"words to find in the {len(self.documents)} open articles",
                id="corpus-query",
            )
            yield Static("", id="search-count")
            yield OptionList(id="corpus-results")

    def on_mount(self) -> None:
        self.query_one(Input).focus()
        self._start(self.initial)

    def on_input_changed(self, event: Input.Changed) -> None:
        self._start(event.value)

    def _start(self, query: str) -> None:
        self._run += 1
        self.results = []
        self.total = self.articles = 0
        self.done = False
        self.query_one(OptionList).clear_options()
        if len(query.replace(" ", "")) < MIN_QUERY:
            self.done = True
            self.workers.cancel_group(self, "corpus-search")
            self._count(f"type at least {MIN_QUERY} letters")
            return
        self._count("searching…")
        self._search(query, self._run)

    @work(thread=True, exclusive=True, group="corpus-search")
    def _search(self, query: str, run: int) -> None:
        worker = get_current_worker()
        words = patterns(query)
        batch: list[Match] = []
        total = articles = listed = 0
        sent = time.monotonic()
        for doc in self.documents:
            if worker.is_cancelled:
                return
            found = list(search_document(doc, words))
            if found:
                articles += 1
                total += len(found)
                taken = found[: max(0, SHOWN - listed)]
                listed += len(taken)
                batch.extend(taken)
            while len(batch) >= BATCH:
                self.app.call_from_thread(self._add, run, batch[:BATCH], total, articles, False)
                batch, sent = batch[BATCH:], time.monotonic()
            if time.monotonic() - sent > 0.05:  # the count goes on when nothing is listed
                self.app.call_from_thread(self._add, run, batch, total, articles, False)
                batch, sent = [], time.monotonic()
        if not worker.is_cancelled:
            self.app.call_from_thread(self._add, run, batch, total, articles, True)

    def _add(self, run: int, batch: list[Match], total: int, articles: int, done: bool) -> None:
        if run != self._run:
            return  # a search that was replaced by a newer one
        options = self.query_one(OptionList)
        first = not self.results
        self.results.extend(batch)
        options.add_options([Option(self._label(m)) for m in batch])
        if first and self.results:
            options.highlighted = 0
        self.total, self.articles, self.done = total, articles, done
        shown = f" (the first {SHOWN} shown)" if total > SHOWN else ""
        state = "" if done else "searching… "
        self._count(f"{state}{total} sentences in {articles} articles{shown}")

    def _count(self, message: str) -> None:
        self.query_one("#search-count", Static).update(message)

    def _label(self, match: Match) -> Text:
        doc = self.by_id[match.doc_id]
        line = Text()
        line.append(f"{inert(doc.outlet or 'unknown')[:18]:<18} ", style="cyan")
        line.append_text(context(doc.text, match))
        return line

    def _choose(self, index: int | None) -> None:
        if index is None or index >= len(self.results):
            return
        match = self.results[index]
        start, end = match.hits[0] if match.hits else (match.start, match.end)
        self.dismiss((match.doc_id, start, end))

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self._choose(self.query_one(OptionList).highlighted)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self._choose(event.option_index)


__all__ = ["SHOWN", "Match", "SearchScreen", "context", "patterns", "search", "search_document"]
