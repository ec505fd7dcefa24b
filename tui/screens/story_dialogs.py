"""The dialogs of story corrections: name a story, choose articles of a story, choose a story.

They only ask; what a correction does is :mod:`newsreader.annotations.story_edits`, reached
through the workbench by :class:`~newsreader.tui.story_actions.StoryActions`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import ClassVar, Protocol

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, SelectionList
from textual.widgets.selection_list import Selection

from newsreader.corpus.stories import Story

from ..safe import inert
from .stories import StoriesScreen

CORRECTION_ACTIONS = frozenset({"correct_story", "undo_story"})
"""The stories screen's correction actions (off where a story is being chosen)."""


class _Article(Protocol):
    @property
    def id(self) -> str: ...
    @property
    def title(self) -> str: ...
    @property
    def outlet(self) -> str | None: ...
    @property
    def date(self) -> str | None: ...


class StoryNameDialog(ModalScreen[str | None]):
    """Type a story's name; enter keeps it (empty: back to the computed label), escape not."""

    DEFAULT_CSS = """
    StoryNameDialog { align: center middle; }
    StoryNameDialog > Vertical {
        width: 70; height: auto; border: round $accent; background: $surface; padding: 0 1;
    }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="dialog_cancel")
    ]

    def __init__(self, name: str) -> None:
        super().__init__()
        self.current = name

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label("The story's name (empty: its most central title)")
            yield Input(self.current, placeholder="a name for the story", id="story-name")

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.dismiss(event.value)

    def action_cancel(self) -> None:
        self.dismiss(None)


class StoryArticlesDialog(ModalScreen[tuple[str, ...] | None]):
    """Choose articles of a story: space marks one, enter takes the marked ones (or, when
    none is marked, the highlighted one), escape cancels."""

    DEFAULT_CSS = """
    StoryArticlesDialog { align: center middle; }
    StoryArticlesDialog > Vertical {
        width: 90%; height: auto; max-height: 80%; border: round $accent;
        background: $surface; padding: 0 1;
    }
    StoryArticlesDialog SelectionList { height: auto; max-height: 30; border: none; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="dialog_cancel"),
        Binding("enter", "take", "Take", priority=True, id="story_articles_take"),
    ]

    def __init__(self, prompt: str, articles: Sequence[_Article]) -> None:
        super().__init__()
        self.prompt = prompt
        self.articles = list(articles)

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(self.prompt)
            yield SelectionList[str](
                *(
                    Selection(
                        Text.assemble(
                            (f"{inert(a.outlet or '?')[:24]:<24} ", "cyan"),
                            (f"{a.date or '':<11}", "dim"),
                            inert(" ".join(a.title.split()))[:90],
                        ),
                        a.id,
                    )
                    for a in self.articles
                ),
                id="story-articles",
            )

    def on_mount(self) -> None:
        self.query_one(SelectionList).focus()

    def action_take(self) -> None:
        options: SelectionList[str] = self.query_one(SelectionList)
        chosen = tuple(options.selected)
        if not chosen and options.highlighted is not None:
            chosen = (self.articles[options.highlighted].id,)
        self.dismiss(chosen or None)

    def action_cancel(self) -> None:
        self.dismiss(None)


class StoryChooser(StoriesScreen):
    """The stories list for choosing a story (to merge with, to move an article to): the
    same filter as you type, without the correction keys."""

    def __init__(self, stories: Sequence[Story], articles: Mapping[str, _Article]) -> None:
        super().__init__(stories, articles)  # type: ignore[arg-type]

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in CORRECTION_ACTIONS:
            return False
        return super().check_action(action, parameters)


__all__ = ["StoryArticlesDialog", "StoryChooser", "StoryNameDialog"]
