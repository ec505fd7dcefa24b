"""The stories screen: every story with its outlets and dates, filtered as you type.

Typing filters over the stories' titles and their articles' text (every word typed must occur);
stories whose titles hold the words come first. Enter dismisses the screen with the highlighted
story's article ids, ordered by date then outlet, for the app to open side by side.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import ClassVar, Protocol

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, OptionList
from textual.widgets.option_list import Option

from newsreader.corpus.stories import Story

from ..safe import inert
from .list_keys import ListKeys

SHOWN = 300
"""At most this many stories are listed at once (type to narrow)."""


class _Article(Protocol):
    @property
    def title(self) -> str: ...
    @property
    def text(self) -> str: ...


class StoriesScreen(ListKeys, ModalScreen[tuple[str, ...] | None]):
    """Type to filter stories by a word of a title or of an article; enter opens one."""

    DEFAULT_CSS = """
    StoriesScreen { align: center middle; }
    StoriesScreen > Vertical {
        width: 90%; height: 80%; border: round $accent; background: $surface; padding: 0 1;
    }
    StoriesScreen OptionList { height: 1fr; border: none; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", "Close", id="stories_close"),
        Binding("down", "down", "Next", show=False, id="stories_down"),
        Binding("up", "up", "Previous", show=False, id="stories_up"),
        # Story corrections (tui/story_actions.py does them; ctrl keys, as letters filter).
        Binding("ctrl+o", "correct_story('move')", "Move article", id="stories_move"),
        Binding("ctrl+s", "correct_story('split')", "Split", id="stories_split"),
        Binding("ctrl+g", "correct_story('merge')", "Merge", id="stories_merge"),
        Binding("ctrl+n", "correct_story('rename')", "Rename", id="stories_rename"),
        Binding("ctrl+z", "undo_story", "Undo", id="stories_undo"),
    ]

    def __init__(self, stories: Sequence[Story], articles: Mapping[str, _Article]) -> None:
        super().__init__()
        self._take(stories, articles)
        self.shown: list[Story] = []

    def _take(self, stories: Sequence[Story], articles: Mapping[str, _Article]) -> None:
        """Hold ``stories`` with the lower-case titles and texts the filter searches."""
        self.stories = list(stories)
        self._titles = [
            " ".join([s.label, *(articles[i].title for i in s.doc_ids if i in articles)]).lower()
            for s in self.stories
        ]
        self._texts = [
            "\n".join(articles[i].text for i in s.doc_ids if i in articles).lower()
            for s in self.stories
        ]

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Input(placeholder="a word of a title or of an article", id="story-filter")
            yield OptionList(id="stories")

    def on_mount(self) -> None:
        self._fill("")
        self.query_one(Input).focus()

    def matching(self, query: str) -> list[Story]:
        """The stories holding every word of ``query``: title matches first, then text ones."""
        words = query.lower().split()
        if not words:
            return list(self.stories)
        in_titles: list[Story] = []
        in_text: list[Story] = []
        for story, titles, text in zip(self.stories, self._titles, self._texts, strict=True):
            if all(w in titles for w in words):
                in_titles.append(story)
            elif all(w in titles or w in text for w in words):
                in_text.append(story)
        return in_titles + in_text

    def _label(self, story: Story) -> Text:
        line = Text()
        line.append(f"{len(story):>4} ", style="bold")
        dates = story.first or ""
        if story.last and story.last != story.first:
            dates += f"–{story.last[5:]}"
        line.append(f"{dates:<17}", style="dim")
        line.append(inert(" ".join(story.label.split()))[:90])
        if story.outlets:
            line.append("  " + inert(", ".join(story.outlets))[:60], style="cyan")
        return line

    def _fill(self, query: str) -> None:
        options = self.query_one(OptionList)
        options.clear_options()
        self.shown = self.matching(query)[:SHOWN]
        options.add_options([Option(self._label(s), id=s.id) for s in self.shown])
        if self.shown:
            options.highlighted = 0

    def on_input_changed(self, event: Input.Changed) -> None:
        self._fill(event.value)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        highlighted = self.query_one(OptionList).highlighted
        if highlighted is not None and highlighted < len(self.shown):
            self.dismiss(self.shown[highlighted].doc_ids)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(self.shown[event.option_index].doc_ids)

    # -- story corrections ------------------------------------------------------------------

    def highlighted_story(self) -> Story | None:
        """The story under the list's cursor, or None."""
        highlighted = self.query_one(OptionList).highlighted
        if highlighted is None or highlighted >= len(self.shown):
            return None
        return self.shown[highlighted]

    def action_correct_story(self, kind: str) -> None:
        story = self.highlighted_story()
        if story is None:
            self.notify("There is no story to correct here.", severity="warning")
            return
        correct = getattr(self.app, "correct_story", None)
        if correct is not None:
            correct(kind, story.id, self)

    def action_undo_story(self) -> None:
        undo = getattr(self.app, "undo_in_stories", None)
        if undo is not None:
            undo(self)

    def set_stories(
        self, stories: Sequence[Story], articles: Mapping[str, _Article], select: str | None
    ) -> None:
        """Show ``stories`` (after a correction) under the same filter, ``select`` highlighted."""
        self._take(stories, articles)
        self._fill(self.query_one(Input).value)
        ids = [s.id for s in self.shown]
        if select in ids:
            self.query_one(OptionList).highlighted = ids.index(select)
