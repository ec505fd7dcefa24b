"""A document pane: the outlet and title of an article above the article itself."""

from __future__ import annotations

from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Static

from newsreader.corpus import Document

from ..display import plural
from ..safe import inert
from .article_view import ArticleView


class DocumentPane(Vertical):
    """One article, side by side with the others."""

    DEFAULT_CSS = """
    DocumentPane {
        width: 1fr;
        border: round $panel-lighten-2;
        &:focus-within { border: round $accent; }
        & > .pane-header { height: auto; max-height: 3; padding: 0 1; background: $panel; }
    }
    """

    def __init__(self, number: int, *, cursor_blink: bool = True) -> None:
        super().__init__(id=f"pane-{number}")
        self.number = number
        self.article: Document | None = None
        self._count = 0
        self._cursor_blink = cursor_blink

    def compose(self) -> ComposeResult:
        yield Static("", classes="pane-header")
        yield ArticleView(id=f"article-{self.number}", cursor_blink=self._cursor_blink)

    def on_descendant_focus(self, _: events.DescendantFocus) -> None:
        # The row remembers the pane last focused however the focus came (Tab, a click, a
        # screen closing), so that a search bar or a dialog acts on this pane.
        row = self.parent
        if row is not None and hasattr(row, "last"):
            row.last = self

    def _fitted_title(self, used: int) -> str:
        assert self.article is not None
        title = inert(self.article.title)
        width = self.size.width - 4  # the border and the padding
        if width <= 10:
            return title
        # Three lines, less what word wrapping may waste at the end of the first two.
        room = width * 3 - used - width // 3
        return title if len(title) <= room else title[: max(1, room - 1)].rstrip() + "…"

    @property
    def view(self) -> ArticleView:
        return self.query_one(ArticleView)

    def show(self, article: Document | None, folds: list[tuple[int, int]], count: int) -> None:
        """Show ``article`` (with ``count`` annotations) with ``folds`` folded away."""
        self.article = article
        self.set_header(count)
        self.view.show_article(article, folds)

    def on_resize(self, _: events.Resize) -> None:
        self.set_header(self._count)

    def set_header(self, count: int) -> None:
        """Show the outlet, the title and how many annotations the article has (a long title
        is shortened with an ellipsis to fit the header's three lines)."""
        self._count = count
        header = Text()
        if self.article is None:
            header.append("no article (o opens one)", style="italic")
        else:
            header.append(inert(self.article.outlet or "unknown outlet"), style="bold")
            header.append(" — ")
            counted = f"  ({plural(count, 'annotation')})" if count else ""
            header.append(self._fitted_title(header.cell_len + len(counted)))
            if counted:
                header.append(counted, style="dim")
        self.query_one(".pane-header", Static).update(header)
