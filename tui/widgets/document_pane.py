"""A document pane: the outlet and title of an article above the article itself.

The panes of the first frame show the article in a plain ``Static`` (as cheap to draw as any
text), and put the :class:`~.article_view.ArticleView` (a ``TextArea`` with its painting, cursor
and keys) in its place once that frame is on the screen (``mount_view``): the app's launch then
costs little more than a bare Textual app showing the same text. The pane's border comes with the
view (class ``-framed``): in the first frame the header and the text keep the border's room
themselves, the preview with padding that covers the pane's width, so that the compositor
cuts its lines at no pane edges (a border, or a pane's own padding, cost the first frame as much
again as drawing its text), and nothing moves when the border comes.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Static

from newsreader.corpus import Document, Range

from ..display import DisplayMap, plural
from ..safe import inert

if TYPE_CHECKING:
    from .article_view import ArticleView


class DocumentPane(Vertical):
    """One article, side by side with the others."""

    DEFAULT_CSS = """
    DocumentPane {
        width: 1fr;
        & > .pane-header {
            height: auto; max-height: 3; padding: 0 1; background: $panel;
            margin: 1 1 0 1;  /* the border's room until it is drawn */
        }
        & > .pane-preview { height: 1fr; padding: 0 5 0 2; margin-bottom: 1; overflow: hidden; }
        &.-framed { border: round $panel-lighten-2; }
        &.-framed:focus-within { border: round $accent; }
        &.-framed > .pane-header { margin: 0; }
    }
    """

    def __init__(self, number: int, *, cursor_blink: bool = True, preview: bool = False) -> None:
        """Pane ``number``; with ``preview``, its text is first shown in a plain ``Static``
        until :meth:`mount_view` puts the article view in its place."""
        super().__init__(id=f"pane-{number}", classes="" if preview else "-framed")
        self.number = number
        self.article: Document | None = None
        self._count = 0
        self._cursor_blink = cursor_blink
        self._preview = preview
        self._view: ArticleView | None = None
        self._folds: list[Range] = []

    def compose(self) -> ComposeResult:
        yield Static("", classes="pane-header")
        if self._preview:
            yield Static("", classes="pane-preview", markup=False)
        else:
            yield self.view

    @property
    def view_mounted(self) -> bool:
        """True once the article view has taken the preview's place."""
        return not self.query(".pane-preview")

    async def mount_view(self) -> None:
        """Put the article view in place of the preview (nothing when it is there already)."""
        previews = self.query(".pane-preview")
        if not previews:
            return
        view = self.view
        await self.mount(view, before=previews.first())
        await previews.remove()
        self.add_class("-framed")
        view.show_article(self.article, self._folds)

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
        """The article view (made when first asked for; in the pane after ``mount_view``)."""
        if self._view is None:
            from .article_view import ArticleView

            self._view = ArticleView(id=f"article-{self.number}", cursor_blink=self._cursor_blink)
        return self._view

    def show(self, article: Document | None, folds: Iterable[Range], count: int) -> None:
        """Show ``article`` (with ``count`` annotations) with ``folds`` folded away."""
        self.article = article
        self._folds = list(folds)
        self.set_header(count)
        previews = self.query(".pane-preview")
        if not previews:
            self.view.show_article(article, self._folds)
            return
        text = DisplayMap(article.text, self._folds).text if article else ""
        # No more than the screen could show: a long article costs the preview nothing more.
        cells = max(self.app.size.width * self.app.size.height * 2, 4096)
        previews.first(Static).update(inert(text[:cells]))

    def adopt(self, article: Document) -> bool:
        """Take ``article`` as the one shown when it is the same file with the same text as the
        shown one (read again by the full listing): nothing is redrawn, the cursor stays. False
        when it is another article (the caller shows it)."""
        shown = self.article
        if shown is None or (shown.id, shown.path, shown.content_hash) != (
            article.id,
            article.path,
            article.content_hash,
        ):
            return False
        self.article = article
        if self._view is not None and self._view.article is shown:
            self._view.article = article
        if (shown.outlet, shown.title) != (article.outlet, article.title):
            self.set_header(self._count)
        return True

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
