"""The private Textual APIs newsreader touches (all in tui/_textual_fixes.py) still behave as
they are meant to."""

from __future__ import annotations

from typing import ClassVar

from textual.app import App, ComposeResult
from textual.document._wrapped_document import WrappedDocument

from newsreader.tui._textual_fixes import CachedHeightWrappedDocument, cache_wrapped_height
from newsreader.tui.widgets.article_view import ArticleView


def test_cached_height_equals_textuals_after_every_wrap() -> None:
    from textual.document._document import Document

    text = "\n".join("word " * n for n in range(1, 60))
    plain = WrappedDocument(Document(text))
    cached = WrappedDocument(Document(text))
    cache_wrapped_height(cached)
    assert isinstance(cached, CachedHeightWrappedDocument)
    for width in (80, 17, 5, 200):
        plain.wrap(width)
        cached.wrap(width)
        assert cached.height == plain.height
        assert cached.lines == plain.lines


async def test_the_article_view_uses_the_cached_document_and_keeps_text() -> None:
    class One(App[None]):
        def compose(self) -> ComposeResult:
            yield ArticleView()

    app = One()
    async with app.run_test(size=(60, 10)) as pilot:
        view = app.query_one(ArticleView)
        view.load_text("a line\nand another that wraps around the narrow width of the view")
        await pilot.pause()
        assert isinstance(view.wrapped_document, CachedHeightWrappedDocument)
        assert view.text == view.document.text
        assert view.wrapped_document.height > 2


async def test_rewrap_wraps_to_the_new_width_at_once() -> None:
    from newsreader.tui._textual_fixes import rewrap

    class One(App[None]):
        def compose(self) -> ComposeResult:
            yield ArticleView()

    app = One()
    async with app.run_test(size=(60, 10)) as pilot:
        view = app.query_one(ArticleView)
        view.load_text("word " * 200)
        await pilot.pause()
        wide = view.wrapped_document.height
        view.styles.width = 30
        view.refresh(layout=True)
        await pilot.pause()
        rewrap(view)
        assert view.wrapped_document.height > wide
        assert view.virtual_size.height >= view.wrapped_document.height


async def test_is_selecting_while_the_mouse_drags_and_not_after() -> None:
    from newsreader.tui._textual_fixes import is_selecting

    class One(App[None]):
        def compose(self) -> ComposeResult:
            yield ArticleView()

    app = One()
    async with app.run_test(size=(60, 10)) as pilot:
        view = app.query_one(ArticleView)
        view.load_text("some words to select with the mouse")
        await pilot.pause()
        assert not is_selecting(view)
        await pilot.mouse_down(view, offset=(2, 0))
        assert is_selecting(view)
        await pilot.mouse_up(view, offset=(9, 0))
        assert not is_selecting(view)


async def test_after_drag_selection_runs_when_the_button_is_released() -> None:
    from textual.widgets import TextArea

    from newsreader.tui._textual_fixes import AfterDragSelection

    class Noting(AfterDragSelection, TextArea):
        selected: ClassVar[list[str]] = []

        def selection_dragged(self) -> None:
            self.selected.append(self.selected_text)

    class One(App[None]):
        def compose(self) -> ComposeResult:
            yield Noting()

    app = One()
    async with app.run_test(size=(60, 10)) as pilot:
        area = app.query_one(Noting)
        area.load_text("some words to select with the mouse")
        await pilot.pause()
        await pilot.mouse_up(area, offset=(9, 0))  # no button went down here
        assert area.selected == []
        await pilot.mouse_down(area, offset=(2, 0))
        await pilot.mouse_up(area, offset=(9, 0))
        # Called once, when the button is up, with the selection the mouse made.
        assert area.selected == [area.selected_text] and len(area.selected[0]) >= 5


async def test_is_footer_key_knows_a_footers_keys() -> None:
    from textual.widgets import Footer, Static

    from newsreader.tui._textual_fixes import is_footer_key

    class One(App[None]):
        BINDINGS: ClassVar = [("x", "bell", "Ring")]

        def compose(self) -> ComposeResult:
            yield Static("text")
            yield Footer()

    app = One()
    async with app.run_test(size=(60, 10)) as pilot:
        await pilot.pause()
        keys = [w for w in app.query_one(Footer).children if is_footer_key(w)]
        assert [k.key_display for k in keys][:1] == ["x"]
        assert not is_footer_key(app.query_one(Static))
