"""Painting marks: overlapping ranges of one kind are drawn as their union."""

from __future__ import annotations

from textual.app import App, ComposeResult

from newsreader.corpus import Document, analyse, content_hash
from newsreader.tui.widgets.article_view import ArticleView, merged_by_kind


def test_overlapping_ranges_of_a_kind_merge_and_kinds_keep_their_layers() -> None:
    items = [
        (30, 40, "search"),
        (0, 10, "claim"),
        (5, 15, "claim"),
        (15, 18, "claim"),
        (20, 25, "claim"),
        (2, 4, "boilerplate"),
        (8, 8, "claim"),  # empty: nothing to paint
    ]
    assert merged_by_kind(items) == [
        (2, 4, "boilerplate"),
        (0, 18, "claim"),
        (20, 25, "claim"),
        (30, 40, "search"),
    ]


async def test_a_densely_annotated_line_draws_as_its_union() -> None:
    text = "Officials said the storm flooded the coast on Monday, and roads were closed.\n"
    doc = Document(
        id="d",
        path="/virtual/d.txt",
        text=text,
        content_hash=content_hash(text),
        title="Storm",
        outlet="Test",
        date=None,
        url=None,
        structure=analyse(text, 0),
    )

    class One(App[None]):
        def compose(self) -> ComposeResult:
            yield ArticleView()

    app = One()
    async with app.run_test(size=(120, 10)) as pilot:
        view = app.query_one(ArticleView)
        view.show_article(doc)
        await pilot.pause()
        # Ten overlapping claims over the sentence, as a big store puts them.
        view.paint([(i, 60 + i, "claim") for i in range(10)])
        dense = view.get_line(0)
        assert view._paint[0] == [(0, 69, "claim")]
        view.paint([(0, 69, "claim")])
        union = view.get_line(0)
        assert dense.plain == union.plain
        assert [(s.start, s.end, str(s.style)) for s in dense.spans] == [
            (s.start, s.end, str(s.style)) for s in union.spans
        ]


def test_a_detected_quote_is_not_painted_under_a_tagged_span() -> None:
    # Without colour, a claim (underline) over a detected quote (italic) would look like
    # another label (italic underline): the suggestion shows only where nothing is tagged.
    items = [(0, 20, "suggest-quote"), (5, 10, "claim"), (12, 14, "other")]
    painted = merged_by_kind(items)
    suggestions = [(a, b) for a, b, kind in painted if kind == "suggest-quote"]
    assert suggestions == [(0, 5), (10, 12), (14, 20)]
    assert (5, 10, "claim") in painted and (12, 14, "other") in painted
