"""The stories screen on an index: the stories table read a page at a time, filtered in a worker.

It is the stories screen (same keys, same label, Enter gives the story's article ids) over an
:class:`~newsreader.tui.index_opening.IndexStories`: the first page is read in a worker as the
screen shows, the next ones as the highlight nears the end of the list; typing filters over the
stories' labels, outlets and article titles in a worker (no article is read).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from textual import work
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import Input, OptionList
from textual.widgets.option_list import Option

from .stories import SHOWN, StoriesScreen

if TYPE_CHECKING:
    from newsreader.corpus.stories import Story

    from ..index_opening import IndexStories

AHEAD = 30
"""The next page is read when the highlight comes this close to the end of the list."""


class IndexStoriesScreen(StoriesScreen):
    """The stories of an index, paged; type to filter, enter opens one."""

    # Opaque: it is the first thing shown, so there is nothing behind it worth the cost of
    # drawing it dimmed.
    DEFAULT_CSS = """
    IndexStoriesScreen { background: $background; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("pagedown", "page_down", "Page down", show=False, id="stories_page_down"),
        Binding("pageup", "page_up", "Page up", show=False, id="stories_page_up"),
    ]

    def __init__(self, source: IndexStories) -> None:
        super().__init__([], {})
        self.source = source
        self.query_text = ""
        self.matched = 0
        self._reading = False

    def on_mount(self) -> None:
        self.query_one(Input).focus()
        field = self.query_one(Input)
        field.placeholder = "a word of a story's label, outlet or title"
        if self.source.loaded:
            self._show(list(self.source.loaded))
        else:
            self._reading = True
            self._next_page()

    def _subtitle(self, text: str) -> None:
        self.query_one(Vertical).border_subtitle = text

    def _paged_subtitle(self) -> None:
        total = self.source.total
        self._subtitle(f"{len(self.shown)} of {total} stories" if total is not None else "")

    def _show(self, stories: list[Story]) -> None:
        """Replace the list with ``stories``."""
        options = self.query_one(OptionList)
        highlighted = options.highlighted
        options.clear_options()
        self.shown = stories
        options.add_options([Option(self._label(s), id=s.id) for s in stories])
        if stories:
            options.highlighted = min(highlighted or 0, len(stories) - 1)
        self._paged_subtitle()

    def _append(self, stories: list[Story]) -> None:
        """Add a page read from the index at the end of the list."""
        options = self.query_one(OptionList)
        self.shown = self.shown + stories
        options.add_options([Option(self._label(s), id=s.id) for s in stories])
        if options.highlighted is None and self.shown:
            options.highlighted = 0
        self._paged_subtitle()

    @work(thread=True, exclusive=True, group="index-stories")
    def _next_page(self) -> None:
        try:
            page = self.source.next_page()
        except (OSError, ValueError, KeyError) as error:  # a damaged table: said, not raised
            self.app.call_from_thread(self._page_read, [], f"{self.source.root}: {error}")
            return
        self.app.call_from_thread(self._page_read, page, None)

    def _page_read(self, page: list[Story], problem: str | None) -> None:
        if problem is None:
            self._reading = False
        if not self.query_text:
            self._append(page)
        shown = getattr(self.app, "index_page_shown", None)
        if shown is not None:
            self.app.call_after_refresh(shown, problem)

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        near_end = event.option_index >= len(self.shown) - AHEAD
        if near_end and not self.query_text and not self._reading and not self.source.complete:
            self._reading = True
            self._next_page()

    def _fill(self, query: str) -> None:
        self.query_text = query.strip()
        if not self.query_text:
            self._show(list(self.source.loaded))
            return
        self._filter(self.query_text)

    @work(thread=True, exclusive=True, group="index-filter")
    def _filter(self, query: str) -> None:
        try:
            found, count = self.source.matching(query, SHOWN)
        except (OSError, ValueError, KeyError) as error:  # a damaged table: said, not raised
            self.app.call_from_thread(self.notify, f"{self.source.root}: {error}", severity="error")
            return
        self.app.call_from_thread(self._filtered, query, found, count)

    def _filtered(self, query: str, found: list[Story], count: int) -> None:
        if query != self.query_text:
            return  # typed on since
        self.matched = count
        self.query_one(OptionList).highlighted = None
        self._show(found)
        self._subtitle(f"{len(found)} of {count} matching stories")

    def action_page_down(self) -> None:
        self.query_one(OptionList).action_page_down()

    def action_page_up(self) -> None:
        self.query_one(OptionList).action_page_up()
