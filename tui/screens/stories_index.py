"""The stories screen on an index: the stories table read a page at a time, filtered in a worker.

It is the stories screen (same keys, same label, Enter gives the story's article ids) over an
:class:`~newsreader.tui.index_opening.IndexStories`: the first page is in the first frame when the
index has one (``first_page.json``, read without pyarrow), else it is read in a worker as the
screen shows. The first frame draws that page as plain lines (one ``Static``, cheaper to lay out
and draw than an ``OptionList`` of a page of options); the list takes their place once the frame
is up, then a worker imports pyarrow and opens the stories table, and the next pages are read as
the highlight nears the end of the list. Typing filters over the
stories' labels, outlets and article titles in a worker (no article is read); typed before the
table is open, the filter reads what it needs itself, in its worker.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.color import Color, ColorParseError
from textual.containers import Vertical
from textual.widgets import Input, OptionList, Static
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
    IndexStoriesScreen #stories-preview { height: 1fr; overflow: hidden; padding: 0 1; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("pagedown", "page_down", "Page down", show=False, id="stories_page_down"),
        Binding("pageup", "page_up", "Page up", show=False, id="stories_page_up"),
    ]

    def __init__(self, source: IndexStories) -> None:
        super().__init__([], {})
        self.source = source
        self.preview = False
        self.query_text = ""
        self.matched = 0
        self._reading = False

    def compose(self) -> ComposeResult:
        self.preview = self.source.in_memory and not self.source.loaded
        with Vertical():
            yield Input(placeholder="a word of a story's label, outlet or title", id="story-filter")
            # Until the first frame is up, the list is hidden and its first lines are drawn
            # as plain text.
            yield OptionList(id="stories").set_styles("display: none;" if self.preview else "")
            if self.preview:
                yield Static(id="stories-preview", markup=False)

    def on_mount(self) -> None:
        self.query_one(Input).focus()
        if self.source.loaded:
            self._show(list(self.source.loaded))
        elif self.preview:
            # In the first frame: the page is in memory, and pyarrow is imported after it.
            self._page_read(self.source.next_page(), None)
            lines = [self._label(s) for s in self.shown[: self.app.size.height]]
            if lines:
                lines[0].stylize_before(self._highlight())
            self.query_one("#stories-preview", Static).update(Text("\n").join(lines))
            # The app's Ready calls ``first_frame_shown``; this is in case it came before.
            self.set_timer(3, self.first_frame_shown)
        else:
            self._reading = True
            self._next_page()

    def _highlight(self) -> str:
        """The style of the list's highlighted line (as the list draws it while the filter has
        the focus), for its preview."""
        variables = self.app.get_css_variables()
        try:
            cursor = Color.parse(variables["surface"]) + Color.parse(
                variables["block-cursor-blurred-background"]
            )
        except (KeyError, ColorParseError):
            return "reverse"
        return f"on {cursor.hex6}"

    async def first_frame_shown(self) -> None:
        """After the first frame (the app's ``Ready``): the list takes the place of its
        preview, and the stories table is opened in a worker."""
        if not self.preview:
            return
        options = self.query_one(OptionList)
        options.display = True
        await self.query_one("#stories-preview", Static).remove()
        self.preview = False
        self._open_table()
        shown = getattr(self.app, "index_page_shown", None)
        if shown is not None:
            shown(None)

    @work(thread=True, exclusive=True, group="index-table")
    def _open_table(self) -> None:
        try:
            self.source.open_table()
        except (OSError, ValueError, KeyError) as error:  # a damaged table: said, not raised
            self.app.call_from_thread(
                self.notify, f"{self.source.root}: {error}", severity="error", timeout=30
            )

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
        if shown is not None and not self.preview:  # else once the first frame is up
            self.app.call_after_refresh(shown, problem)

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        near_end = event.option_index >= len(self.shown) - AHEAD
        if near_end and not self.query_text and not self._reading and not self.source.complete:
            self._reading = True
            self._next_page()

    def _fill(self, query: str) -> None:
        if query.strip() == self.query_text:
            # Unchanged (the stories screen's own ``on_mount`` fills the list with no query:
            # this one shows the first page already).
            return
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
