"""The stories screen on a tiny app: listing, filtering by title and by article text, Enter."""

from __future__ import annotations

from dataclasses import dataclass

from textual.app import App
from textual.widgets import OptionList

from newsreader.corpus.stories import group_stories
from newsreader.tui.screens.stories import StoriesScreen


@dataclass(frozen=True)
class Art:
    id: str
    title: str
    text: str
    outlet: str | None
    date: str | None
    story: str | None


ARTICLES = [
    Art(
        "q1",
        "Quake hits Ambato",
        "The earthquake near Ambato killed 212.",
        "Daily",
        "2021-03-02",
        "q",
    ),
    Art("q2", "Ecuador earthquake", "Rescuers dug in Ambato rubble.", "Wire", "2021-03-01", "q"),
    Art(
        "a1", "Tulsa man arrested", "Jonas Whitfield was held on fraud charges.", "Daily", None, "a"
    ),
    Art(
        "b1",
        "Budget passes",
        "The Senate passed the budget; Whitfield abstained.",
        "Wire",
        None,
        "b",
    ),
]


class Host(App[None]):
    def __init__(self) -> None:
        super().__init__()
        self.result: tuple[str, ...] | str | None = "unset"

    def on_mount(self) -> None:
        stories = group_stories(ARTICLES, by="metadata")
        by_id = {a.id: a for a in ARTICLES}
        self.push_screen(StoriesScreen(stories, by_id), self._done)

    def _done(self, result: tuple[str, ...] | None) -> None:
        self.result = result


async def test_lists_filters_by_title_then_text_and_enter_gives_the_story() -> None:
    app = Host()
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, StoriesScreen)
        assert screen.query_one(OptionList).option_count == 3
        await pilot.press(*"whitfield")
        await pilot.pause()
        # A word in no title but in two articles' text: both stories, in size-then-label order.
        assert [s.doc_ids for s in screen.shown] == [("b1",), ("a1",)]
        await pilot.press(*(["backspace"] * 9), *"ambato rubble")
        await pilot.pause()
        assert [s.doc_ids for s in screen.shown] == [("q2", "q1")]
        await pilot.press("enter")
        await pilot.pause()
    assert app.result == ("q2", "q1")


async def test_title_matches_come_first_and_escape_gives_nothing() -> None:
    app = Host()
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, StoriesScreen)
        assert [s.label for s in screen.matching("budget")] == ["Budget passes"]
        assert screen.matching("senate quake") == []
        await pilot.press("escape")
        await pilot.pause()
    assert app.result is None
