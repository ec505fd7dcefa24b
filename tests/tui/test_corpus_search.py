"""Corpus-wide search: matching sentences with their hits, streamed in, capped; enter opens."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from textual.app import App
from textual.widgets import OptionList

from newsreader.annotations.config import Config
from newsreader.corpus import load_sample
from newsreader.corpus.loaders import list_paths
from newsreader.tui.app import make_app
from newsreader.tui.screens.search import (
    SHOWN,
    Match,
    SearchScreen,
    context,
    patterns,
    search,
    search_document,
)


@dataclass(frozen=True)
class Art:
    id: str
    text: str
    outlet: str | None = "Daily"
    title: str = ""
    analysed: bool = False
    sentences: tuple[tuple[int, int], ...] = field(default=())


def test_sentences_holding_every_word_with_their_hits() -> None:
    text = "The mayor spoke. Floods hit the town on Monday! The mayor said floods recede.\nEnd"
    doc = Art("a", text)
    found = list(search_document(doc, patterns("MAYOR flood")))
    assert [text[m.start : m.end] for m in found] == ["The mayor said floods recede."]
    assert [text[a:b] for a, b in found[0].hits] == ["mayor", "flood"]


def test_words_start_words_and_every_article_is_searched() -> None:
    docs = [Art("a", "An ambush. The bus left."), Art("b", "Buses stopped. No bus today.")]
    found = list(search(docs, "bus"))
    assert [(m.doc_id, docs[0 if m.doc_id == "a" else 1].text[m.start : m.end]) for m in found] == [
        ("a", "The bus left."),
        ("b", "Buses stopped."),
        ("b", "No bus today."),
    ]


def test_analysed_sentences_are_used_when_there() -> None:
    text = "Dr. Ruiz met the press. She left."
    doc = Art("a", text, analysed=True, sentences=((0, 23), (24, 33)))
    assert [text[m.start : m.end] for m in search_document(doc, patterns("ruiz"))] == [
        "Dr. Ruiz met the press."
    ]


def test_context_highlights_the_hits_and_cuts_long_sentences() -> None:
    text = "word " * 100 + "needle " + "word " * 100
    at = text.index("needle")
    line = context(text, Match("a", 0, len(text), ((at, at + 6),)), width=60)
    assert "needle" in line.plain and len(line.plain) <= 62
    assert line.plain.startswith("…") and line.plain.endswith("…")
    styled = [line.plain[s.start : s.end] for s in line.spans if "reverse" in str(s.style)]
    assert styled == ["needle"]


class Host(App[None]):
    def __init__(self, docs: list[object], query: str = "") -> None:
        super().__init__()
        self.docs, self.query_text = docs, query
        self.result: object = "unset"

    def on_mount(self) -> None:
        self.push_screen(SearchScreen(self.docs, self.query_text), self._done)  # type: ignore[arg-type]

    def _done(self, result: object) -> None:
        self.result = result


async def finished(screen: SearchScreen, pilot: object) -> None:
    for _ in range(400):
        await pilot.pause()  # type: ignore[attr-defined]
        if screen.done:
            return
    raise AssertionError("the search never finished")


async def test_the_screen_lists_matches_and_enter_gives_the_hit() -> None:
    docs = load_sample().documents
    word = "kerry"
    app = Host(docs)  # type: ignore[arg-type]
    async with app.run_test() as pilot:
        screen = app.screen
        assert isinstance(screen, SearchScreen)
        await pilot.press(*word)
        await finished(screen, pilot)
        expected = list(search(docs, word))
        assert screen.results == expected and expected
        assert screen.query_one(OptionList).option_count == len(expected)
        await pilot.press("down", "enter")
        doc_id, start, end = expected[1].doc_id, *expected[1].hits[0]
        assert app.result == (doc_id, start, end)
        text = next(d for d in docs if d.id == doc_id).text
        assert text[start:end].lower() == word


async def test_a_new_query_replaces_the_results() -> None:
    docs = load_sample().documents
    app = Host(docs)  # type: ignore[arg-type]
    async with app.run_test() as pilot:
        screen = app.screen
        assert isinstance(screen, SearchScreen)
        await pilot.press(*"kerry")
        await finished(screen, pilot)
        await pilot.press(*" zzqqx")
        await finished(screen, pilot)
        assert screen.results == [] and screen.total == 0


async def test_polnear_is_capped_counted_and_not_analysed(shared: Path) -> None:
    result = list_paths([shared / "corpora" / "polnear" / "data"])
    docs = result.documents
    assert len(docs) > 900
    app = Host(docs, "the")  # type: ignore[arg-type]
    async with app.run_test() as pilot:
        screen = app.screen
        assert isinstance(screen, SearchScreen)
        await finished(screen, pilot)
        assert len(screen.results) == SHOWN
        assert screen.total > SHOWN and screen.articles > 900
        # The search reads the text only: listing's lazy analysis is not forced.
        assert not any(d.analysed for d in docs)


async def test_F_in_the_app_opens_the_article_at_the_match(tmp_path: Path) -> None:
    docs = load_sample().documents
    app = make_app(
        load_sample(), store_path=tmp_path / "s.json", config=Config(), cursor_blink=False
    )
    async with app.run_test(size=(160, 45)) as pilot:
        await pilot.pause()
        app.panes[0].view.focus()
        await pilot.press("F")
        screen = app.screen
        assert isinstance(screen, SearchScreen)
        await pilot.press(*"coordinate")
        await finished(screen, pilot)
        match = screen.results[0]
        await pilot.press("enter")
        for _ in range(5):
            await pilot.pause()
        pane = app.panes[0]
        assert pane.article is not None and pane.article.id == match.doc_id
        start, end = match.hits[0]
        view = pane.view
        assert view.selection.start == view.location_of(start)
        assert view.selection.end == view.location_of(end)
        doc = next(d for d in docs if d.id == match.doc_id)
        assert doc.text[start:end].lower() == "coordinate"
        row = view.location_of(start)[0]
        assert view.scroll_y <= row < view.scroll_y + view.size.height
