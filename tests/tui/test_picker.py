"""The ``o`` picker: ranking (exact, prefix, words, text, fuzzy) and the open story only."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from pathlib import Path

from textual.app import App
from textual.widgets import Input

from newsreader.annotations.config import Config
from newsreader.corpus import Document, LoadResult, load_sample
from newsreader.tui.app import make_app
from newsreader.tui.screens.picker import DocumentPicker
from newsreader.tui.screens.picker_search import (
    EXACT,
    FUZZY,
    PREFIX,
    TEXT,
    WORDS,
    PickerIndex,
    snippet,
)


@dataclass(frozen=True)
class Art:
    title: str
    outlet: str | None
    text: str


ARTS = [
    Art("Senate passes the budget", "Daily", "A long night in the chamber ended with a vote."),
    Art("Budget", "Wire", "Lawmakers agreed on the budget late on Friday."),
    Art("Budgetary worries grow", "Post", "Treasury officials fear a shortfall."),
    Art("Quake hits Ambato", "Daily", "Rescuers said the budget for relief was spent; budget!"),
    Art("Storm nears coast", "Wire", "Residents boarded up windows. The budget was not discussed."),
    Art("Bugdet talks stall", "Post", "Nothing was agreed."),
]


def test_exact_then_prefix_then_words_then_text_then_fuzzy() -> None:
    hits = PickerIndex(ARTS).rank("budget")
    assert [(h.index, h.tier) for h in hits] == [
        (1, EXACT),  # the title is the query
        (2, PREFIX),  # the title starts with it
        (0, WORDS),  # a word of the title
        (3, TEXT),  # the text, twice
        (4, TEXT),  # the text, once
        (5, FUZZY),  # a misspelt title
    ]


def test_text_hits_know_where_they_matched() -> None:
    hits = PickerIndex(ARTS).rank("relief")
    assert [(h.index, h.tier) for h in hits] == [(3, TEXT)]
    at = hits[0].at
    assert at is not None and ARTS[3].text[at : at + 6] == "relief"
    assert "relief" in snippet(ARTS[3].text, at)


def test_every_word_must_match_and_words_start_words() -> None:
    index = PickerIndex(ARTS)
    assert [h.index for h in index.rank("daily ambato")] == [3]
    # "udget" is inside words, not at their start: only fuzzy matches, if any, remain.
    assert all(h.tier == FUZZY for h in index.rank("udget"))


def test_text_counts_from_the_word_index_equal_a_scan_of_the_text() -> None:
    # The text tier looks typed words up in each article's sorted words (no scan per key);
    # its counts and order are those of searching the text for words they start.
    docs = load_sample().documents
    index = PickerIndex(docs)
    for query in ["kerry", "iran coop", "isis", "the", "statement said"]:
        patterns = [re.compile(r"(?<!\w)" + re.escape(w)) for w in query.split()]
        expected = {
            n: sum(len(p.findall(d.text.lower())) for p in patterns)
            for n, d in enumerate(docs)
            if all(p.search(d.text.lower()) for p in patterns)
        }
        for hit in index.rank(query):
            if hit.tier == TEXT:
                assert index._text_count(query.split(), patterns, hit.index) == expected[hit.index]
        text_hits = {h.index for h in index.rank(query) if h.tier == TEXT}
        assert text_hits <= set(expected)


def test_outlet_prefix_and_limit_to_a_story() -> None:
    index = PickerIndex(ARTS)
    assert [h.index for h in index.rank("wir")][:2] == [1, 4]
    assert [h.index for h in index.rank("", allowed=[4, 0])] == [4, 0]
    assert [h.index for h in index.rank("budget", allowed=[0, 3])] == [0, 3]


class Host(App[None]):
    def __init__(self, docs: list[Document], story: tuple[str, ...]) -> None:
        super().__init__()
        self.docs, self.story = docs, story
        self.result: str | None = "unset"

    def on_mount(self) -> None:
        self.push_screen(DocumentPicker(self.docs, {}, self.story), self._done)

    def _done(self, result: str | None) -> None:
        self.result = result


async def test_the_picker_searches_text_and_toggles_the_story() -> None:
    docs = load_sample().documents
    target = docs[-1]
    word = next(
        w
        for w in target.text.split()
        if len(w) > 8 and w.isalpha() and w.lower() not in target.title.lower()
    )
    story = (docs[0].id, docs[1].id)
    app = Host(docs, story)
    async with app.run_test() as pilot:
        picker = app.screen
        assert isinstance(picker, DocumentPicker)
        assert len(picker.shown) == len(docs)
        await pilot.press("ctrl+t")
        assert [d.id for d in picker.shown] == list(story)
        assert "this story" in picker.query_one(Input).placeholder
        await pilot.press("ctrl+t")
        assert len(picker.shown) == len(docs)
        await pilot.press(*word)
        assert target in picker.shown
        assert word.lower() not in target.title.lower()  # found by its text
        for hit, doc in zip(picker.hits, picker.shown, strict=True):
            if hit.tier == TEXT:
                assert word.lower() in doc.text.lower()
        await pilot.press("enter")
        assert app.result == picker.shown[0].id


async def test_o_in_the_app_limits_to_the_focused_articles_story(tmp_path: Path) -> None:
    docs = load_sample().documents
    stories = ["one", "one"] + ["other"] * (len(docs) - 2)
    result = LoadResult(documents=[replace(d, story=s) for d, s in zip(docs, stories, strict=True)])
    app = make_app(result, store_path=tmp_path / "s.json", config=Config(), cursor_blink=False)
    async with app.run_test(size=(160, 45)) as pilot:
        await pilot.pause()
        app.panes[0].view.focus()
        await pilot.press("o")
        for _ in range(20):
            await pilot.pause()
            if isinstance(app.screen, DocumentPicker):
                break
        picker = app.screen
        assert isinstance(picker, DocumentPicker)
        await pilot.press("ctrl+t")
        assert {d.id for d in picker.shown} == {docs[0].id, docs[1].id}
