"""The one private Textual API newsreader touches still behaves as it is meant to."""

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
