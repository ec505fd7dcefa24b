"""Story corrections in the app: the stories screen's keys and the palette's actions reach the
workbench intents, the list shows the change, and undo takes it back."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Input

from newsreader.annotations.config import Config
from newsreader.annotations.store import Store
from newsreader.tui.app import NewsreaderApp, make_app
from newsreader.tui.screens.stories import StoriesScreen
from newsreader.tui.screens.story_dialogs import (
    StoryArticlesDialog,
    StoryChooser,
    StoryNameDialog,
)

from ..annotations.story_corpus import write_corpus
from .test_app_stories import SIZE, loaded, until_screen
from .waiting import until


def app_on(tmp_path: Path) -> tuple[NewsreaderApp, Path]:
    folder = write_corpus(tmp_path / "corpus")
    db = tmp_path / "store.json"
    return make_app(paths=[folder], store_path=db, config=Config(), cursor_blink=False), db


async def ready(app: NewsreaderApp, pilot: object) -> None:
    """The articles shown and the store open: a correction is an edit, and the store opens in
    a worker after the articles (a key pressed before is refused with a notice)."""
    await loaded(app, pilot)
    await until(pilot, lambda: app.store is not None)


async def stories_screen(app: NewsreaderApp, pilot: object) -> StoriesScreen:
    await ready(app, pilot)
    await pilot.press("t")  # type: ignore[attr-defined]
    await until_screen(app, pilot, StoriesScreen)
    assert isinstance(app.screen, StoriesScreen)
    return app.screen


async def settle(pilot: object, times: int = 5) -> None:
    for _ in range(times):
        await pilot.pause()  # type: ignore[attr-defined]


def sizes(screen: StoriesScreen) -> list[int]:
    return [len(s) for s in screen.stories]


async def test_rename_on_the_stories_screen_and_ctrl_z_undoes(tmp_path: Path) -> None:
    app, db = app_on(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        screen = await stories_screen(app, pilot)
        await pilot.press(*"doe")
        await until(pilot, lambda: "Doe" in getattr(screen.highlighted_story(), "label", ""))
        story = screen.highlighted_story()
        assert story is not None and "Doe" in story.label
        await pilot.press("ctrl+n")
        await until_screen(app, pilot, StoryNameDialog)
        app.screen.query_one(Input).value = "The Doe case"
        await pilot.press("enter")
        await until_screen(app, pilot, StoriesScreen)
        await settle(pilot)
        assert screen.highlighted_story() is not None
        assert screen.highlighted_story().label == "The Doe case"  # type: ignore[union-attr]
        assert app.store is not None and [p.label for p in app.store.story_pins()] == [
            "The Doe case"
        ]
        await pilot.press("ctrl+z")
        await settle(pilot)
        assert screen.highlighted_story().label == story.label  # type: ignore[union-attr]
    with Store.open(db, read_only=True) as store:
        assert [h.label for h in store.history()][-1].startswith("rename the story")


async def test_split_then_merge_back_on_the_stories_screen(tmp_path: Path) -> None:
    app, _ = app_on(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        screen = await stories_screen(app, pilot)
        assert sizes(screen) == [3, 3, 2]
        await pilot.press(*"ambato")
        await until(pilot, lambda: len(screen.shown) < 3)  # filtered
        await pilot.press("ctrl+s")
        await until_screen(app, pilot, StoryArticlesDialog)
        await pilot.press("space", "down", "space", "enter")  # take out two of three
        await until_screen(app, pilot, StoriesScreen)
        await settle(pilot)
        assert sorted(sizes(screen)) == [1, 2, 2, 3]
        single = next(s for s in screen.stories if len(s) == 1)
        await pilot.press(*(["backspace"] * 6))
        await settle(pilot)
        screen.query_one("#stories").highlighted = [s.id for s in screen.shown].index(single.id)  # type: ignore[attr-defined]
        await pilot.press("ctrl+g")
        await until_screen(app, pilot, StoryChooser)
        await pilot.press(*"ambato", "enter")  # the other Ambato story
        await until_screen(app, pilot, StoriesScreen)
        await settle(pilot)
        assert sorted(sizes(screen)) == [2, 3, 3]
        assert app.store is not None and len(app.store.history()) == 2


async def test_move_from_the_palette_action_moves_the_focused_article(tmp_path: Path) -> None:
    app, _ = app_on(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await ready(app, pilot)
        pane = app.focused_pane()
        assert pane is not None and pane.article is not None
        moved = pane.article
        await pilot.press("ctrl+o")  # groups first, then asks for the story
        await until_screen(app, pilot, StoryChooser)
        chooser = app.screen
        assert isinstance(chooser, StoryChooser)
        assert all(moved.id not in s.doc_ids for s in chooser.stories)
        target = chooser.shown[0]
        await pilot.press("enter")
        await settle(pilot, 10)
        stories = app.workbench.stories().stories
        holding = next(s for s in stories if moved.id in s.doc_ids)
        assert set(target.doc_ids) | {moved.id} == set(holding.doc_ids)
        await pilot.press("u")
        await settle(pilot)
        assert app.stories is not None  # what other screens read follows the undo
        holding = next(s for s in app.stories if moved.id in s.doc_ids)
        assert holding.source != "corrected" and holding.id != target.id
