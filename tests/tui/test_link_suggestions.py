"""Link candidates in the app (issue 12): the story first, each target's outlet, date and title;
``L`` computes suggestions for the open story in a worker, and ``a`` accepts one (pilot tests)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from newsreader.annotations.linking import Candidate, story_first
from newsreader.corpus import LoadResult, load_sample
from newsreader.corpus.stories import Story
from newsreader.tui.screens.dialogs import ConfirmLinkDialog
from newsreader.tui.screens.link_panel import LinkPanel
from newsreader.tui.widgets.status_bar import StatusBar

from .test_app import app_for, settle, view

SIZE = (160, 45)


def with_stories(stories: dict[str, str]) -> LoadResult:
    """The sample corpus, each article given the story ``stories`` names for its outlet."""
    result = load_sample()
    docs = [replace(d, story=stories.get(d.outlet or "")) for d in result.documents]
    return LoadResult(docs, result.problems, result.skipped)


async def open_link_panel(app: object, pilot: object) -> LinkPanel:
    await pilot.press("slash", *"any number of reasons", "enter", "s", "c")  # type: ignore[attr-defined]
    await pilot.press("l")  # type: ignore[attr-defined]
    for _ in range(100):
        await pilot.pause()  # type: ignore[attr-defined]
        screen = app.screen  # type: ignore[attr-defined]
        if isinstance(screen, LinkPanel) and screen.candidates:
            return screen
    raise AssertionError("the link panel never listed candidates")


async def test_link_candidates_show_outlet_date_title_and_come_from_the_story_first(
    tmp_path: Path,
) -> None:
    # Newsy's story (by the corpus's story ids) holds Breitbart, whose candidates score lower
    # than Iran Media Focus's: they come first all the same.
    result = with_stories({"Newsy": "kerry", "Breitbart": "kerry"})
    app = app_for(tmp_path, result)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        panel = await open_link_panel(app, pilot)
        by_id = app.workbench.by_id
        outlets = [by_id[c.doc_id].outlet for c in panel.candidates]
        assert outlets[0] == "Breitbart" and "Iran Media Focus" in outlets
        first_other = outlets.index("Iran Media Focus")
        assert all(o == "Breitbart" for o in outlets[:first_other])
        breitbart = by_id[panel.candidates[0].doc_id]
        line = panel.describe(panel.candidates[0]).plain
        assert "Breitbart" in line and breitbart.date in line and breitbart.title[:30] in line
        assert "same story" in line
        assert "same story" not in panel.describe(panel.candidates[first_other]).plain

        # Once the stories screen grouped the corpus, its grouping is the story.
        await pilot.press("escape")
        await pilot.pause()
        focus = next(d for d in app.documents if d.outlet == "Iran Media Focus")
        newsy = next(d for d in app.documents if d.outlet == "Newsy")
        app.stories = [
            Story("s1", "Kerry", (newsy.id, focus.id), ("Newsy", "Iran Media Focus"), None, None)
        ]
        await pilot.press("l")
        for _ in range(100):
            await pilot.pause()
            if isinstance(app.screen, LinkPanel) and app.screen.candidates:
                break
        panel = app.screen
        assert isinstance(panel, LinkPanel)
        assert by_id[panel.candidates[0].doc_id].outlet == "Iran Media Focus"
        assert panel.story == frozenset({newsy.id, focus.id})


def test_without_a_story_the_sources_own_outlet_is_left_out() -> None:
    def candidate(doc_id: str, score: float) -> Candidate:
        return Candidate(doc_id, 0, 5, "words", score, "sentence")

    found = [candidate("a2", 90), candidate("b", 80), candidate("c", 70), candidate("a3", 60)]
    outlets = {"a1": "Outlet A", "a2": "Outlet A", "a3": "Outlet A", "b": "B", "c": "C"}
    ranked = story_first(found, "a1", story=None, outlet_of=outlets, top_k=5)
    assert [c.doc_id for c in ranked] == ["b", "c"]
    in_story = story_first(found, "a1", story={"a1", "c"}, outlet_of=outlets, top_k=3)
    assert [c.doc_id for c in in_story] == ["c", "a2", "b"]


async def test_one_key_suggests_links_for_the_open_story_and_a_accepts_one(
    tmp_path: Path,
) -> None:
    app = app_for(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        store = app.store
        assert store is not None and store.suggestions() == []
        shown = {p.article.id for p in app.panes if p.article is not None}
        assert len(shown) == 2
        seen: list[str] = []
        bar = app.query_one(StatusBar)
        original = bar.show

        def spy(**fields: object) -> None:
            seen.append(str(fields.get("busy") or ""))
            original(**fields)  # type: ignore[arg-type]

        bar.show = spy  # type: ignore[method-assign]
        await pilot.press("L")
        await app.workers.wait_for_complete()
        for _ in range(20):
            await pilot.pause()
        assert any(b.startswith("suggesting links") for b in seen)  # the progress was shown
        assert not app.busy
        found = store.suggestions()
        assert found
        # Only the open story's articles (here: the panes') are linked.
        assert all({s.source.doc_id, s.target.doc_id} == shown for s in found)
        # a on a suggested passage shows its target first, then links.
        best = found[0]
        pane = next(
            i for i, p in enumerate(app.panes) if p.article and p.article.id == best.source.doc_id
        )
        await pilot.press(*(["tab"] * pane))
        view(app, pane).move_to(best.source.start + 1)
        await pilot.pause()
        await pilot.press("a")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, ConfirmLinkDialog)
        target = app.workbench.by_id[best.target.doc_id]
        assert dialog.outlet == target.outlet
        assert dialog.there == target.text[best.target.start : best.target.end]
        await pilot.press("enter")
        await pilot.pause()
        assert len(store.groups()) == 1


async def test_suggesting_needs_two_articles_and_a_writable_store(tmp_path: Path) -> None:
    app = app_for(tmp_path, panes=1)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("L")
        await pilot.pause()
        await app.workers.wait_for_complete()
        assert app.store is not None and app.store.suggestions() == []
        assert not app.busy
