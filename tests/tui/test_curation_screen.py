"""The curation screen on a tiny host app: every key reaches its step, and the panes show it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from textual.app import App
from textual.widgets import Input, Static

from newsreader.annotations.model import Span, context, new_id, now
from newsreader.annotations.store import EditError, Store
from newsreader.corpus import Document
from newsreader.tui.screens.curation import CurationScreen, VersionPane, curation_screen

SIZE = (160, 40)


def tag(
    store: Store, doc: Document, who: str, start: int, end: int, label: str, **attrs: str
) -> None:
    prefix, suffix = context(doc.text, start, end)
    stamp = now()
    span = Span(
        new_id("s"),
        doc.id,
        doc.content_hash,
        start,
        end,
        doc.text[start:end],
        prefix,
        suffix,
        label,
        dict(attrs),
        who,
        stamp,
        stamp,
    )
    store.import_spans([span], {}, [])


class Host(App[None]):
    """A bare app that shows one screen, as the real app will push it."""

    def __init__(self, screen: CurationScreen) -> None:
        super().__init__()
        self.curation_screen = screen
        self.closed = False

    def on_mount(self) -> None:
        def closed(_: None) -> None:
            self.closed = True

        self.push_screen(self.curation_screen, closed)


@pytest.fixture
def doc(seeds: dict[str, Document]) -> Document:
    return max(seeds.values(), key=lambda d: len(d.sentences))


@pytest.fixture
def store(tmp_path: Path, doc: Document) -> Iterator[Store]:
    s = Store.open(tmp_path / "s.json", annotator="me")
    s.attach([doc])
    sent = doc.sentences
    tag(s, doc, "ana", *sent[0], "claim")
    tag(s, doc, "bo", *sent[0], "claim")
    tag(s, doc, "ana", *sent[1], "claim")
    tag(s, doc, "bo", *sent[1], "quote", speaker="Marie Harf")
    tag(s, doc, "ana", *sent[2], "claim")
    tag(s, doc, "bo", sent[3][0], sent[3][1] - 2, "quote", speaker="Harf")
    yield s
    s.close()


def pane_text(screen: CurationScreen, selector: str) -> str:
    return str(screen.query_one(selector, VersionPane).render())


async def test_keys_walk_and_decide_the_disagreements(store: Store, doc: Document) -> None:
    screen = curation_screen(store, doc)
    app = Host(screen)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        curation = screen.curation
        first, second, third = curation.disagreements
        # the agreement (sentence 0) is in the curated layer at once
        assert [(s.start, s.end) for s in curation.curated_spans()] == [doc.sentences[0]]
        heading = str(screen.query_one("#heading", Static).render())
        assert "disagreement 1 of 3" in heading and "3 open" in heading
        assert "A: ana" in pane_text(screen, "#version-0")
        assert "(Marie Harf)" in pane_text(screen, "#version-1")
        await pilot.press("a")  # take A, and on to the next
        assert curation.status(first) == "ana" and screen.position == 1
        await pilot.press("x")  # neither
        assert curation.status(second) == "neither" and screen.position == 2
        await pilot.press("b")  # take B: bo's shorter quote
        [quote] = curation.curated_spans(third)
        assert (quote.label, quote.speaker) == ("quote", "Harf")
        assert 'quote "' in pane_text(screen, "#curated") and "(Harf)" in pane_text(
            screen, "#curated"
        )
        await pilot.press("u")  # undo the last step wholly
        assert curation.status(third) == "open"
        await pilot.press("p", "p")
        assert screen.position == 0
        assert "decided: ana's version" in str(screen.query_one("#state", Static).render())
        await pilot.press("2")  # number keys take annotator N
        assert curation.status(first) == "bo"
        await pilot.press("k")
        await pilot.press("e")  # edit the curated span: change the speaker
        await pilot.pause()
        speaker = app.screen.query_one("#speaker", Input)
        speaker.value = "Jen Psaki"
        await pilot.press("enter")
        await pilot.pause()
        [edited] = curation.curated_spans(first)
        assert (edited.label, edited.speaker) == ("quote", "Jen Psaki")
        assert curation.status(first) == "edited"
        await pilot.press("right_square_bracket", "left_curly_bracket")  # a word off each end
        [resized] = curation.curated_spans(first)
        assert resized.start > edited.start and resized.end < edited.end
        assert resized.text == doc.text[resized.start : resized.end]
        await pilot.press("escape")
        await pilot.pause()
        assert app.closed
    # everything went through the store: the curated layer is there, undo history included
    assert {s.annotator for s in store.spans(doc.id)} == {"ana", "bo", "curated"}
    assert any(entry.label.startswith("curate:") for entry in store.history())


async def test_an_article_without_disagreements_says_so(tmp_path: Path, doc: Document) -> None:
    with Store.open(tmp_path / "s.json", annotator="me") as store:
        store.attach([doc])
        tag(store, doc, "ana", *doc.sentences[0], "claim")
        tag(store, doc, "bo", *doc.sentences[0], "claim")
        screen = curation_screen(store, doc, curated="final")
        async with Host(screen).run_test(size=SIZE) as pilot:
            await pilot.pause()
            assert "no disagreements" in str(screen.query_one("#heading", Static).render())
            await pilot.press("a", "x", "n", "u")  # nothing to do, nothing breaks
            assert [s.annotator for s in screen.curation.curated_spans()] == ["final"]


def test_one_annotator_is_not_enough(tmp_path: Path, doc: Document) -> None:
    with Store.open(tmp_path / "s.json", annotator="me") as store:
        store.attach([doc])
        tag(store, doc, "ana", *doc.sentences[0], "claim")
        with pytest.raises(EditError, match="needs two annotators"):
            curation_screen(store, doc)


async def test_three_annotators_side_by_side(store: Store, doc: Document) -> None:
    tag(store, doc, "cy", *doc.sentences[0], "claim")  # all three agree here
    tag(store, doc, "cy", *doc.sentences[1], "quote", speaker="Jen Psaki")
    screen = curation_screen(store, doc)
    async with Host(screen).run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert "3: cy" in pane_text(screen, "#version-2")
        assert "(Jen Psaki)" in pane_text(screen, "#version-2")
        first = screen.curation.disagreements[0]
        await pilot.press("3")
        assert screen.curation.status(first) == "cy"
        await pilot.press("p", "9")  # no ninth annotator: nothing happens
        assert screen.curation.status(first) == "cy"


async def test_each_version_says_what_it_holds_first_and_marks_differ_without_colour(
    store: Store, doc: Document
) -> None:
    # At 80×24 the panes are short: each version's summary comes right under its title, before
    # the excerpt that may be cut.
    screen = curation_screen(store, doc)
    async with Host(screen).run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        for selector in ("#version-0", "#version-1", "#curated"):
            pane = screen.query_one(selector, VersionPane)
            lines = pane_text(screen, selector).split("\n")
            assert lines[1].startswith(("claim", "quote", "nothing")), lines[:3]
            assert pane.content_size.height >= 2
        styles = {
            kind: tuple(
                bool(getattr(pane._style(f"version--{kind}"), a))
                for a in ("bold", "dim", "italic", "underline", "reverse")
            )
            for pane in [screen.query_one("#version-0", VersionPane)]
            for kind in ("claim", "quote", "other", "stretch")
        }
        assert len(set(styles.values())) == 4, styles
