"""The private Textual APIs newsreader touches (all in tui/_textual_fixes.py) still behave as
they are meant to."""

from __future__ import annotations

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
