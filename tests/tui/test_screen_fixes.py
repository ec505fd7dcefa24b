"""The screen's defects of issue 15, each driven through the keys or the mouse (pilot tests)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from newsreader.annotations.model import Passage, Suggestion
from newsreader.annotations.store import Store
from newsreader.corpus import Document, LoadResult, analyse, content_hash, load_paths, load_sample
from newsreader.tui.display import DisplayMap, fold_marker, plural, screenshot_folder
from newsreader.tui.screens.coverage import CoverageScreen, label_width
from newsreader.tui.screens.dialogs import ConfirmLinkDialog, EditDialog
from newsreader.tui.widgets.article_view import ArticleView, snap_to_words
from newsreader.tui.widgets.status_bar import StatusBar

from .test_app import app_for, settle, view

SIZE = (160, 45)


def only_in_second(docs: list) -> str:  # type: ignore[type-arg]
    """A word of the second article that the first does not hold."""
    first = docs[0].text.lower()
    for word in re.findall(r"[A-Za-z]{7,}", docs[1].text):
        if word.lower() not in first:
            return word
    raise AssertionError("no word only in the second article")


def painted(article: ArticleView, kind: str) -> int:
    return sum(1 for items in article._paint.values() for *_, k in items if k == kind)


@pytest.mark.parametrize("key", ["tab", "shift+tab"])
async def test_search_after_tab_searches_the_focused_pane(tmp_path: Path, key: str) -> None:
    app = app_for(tmp_path)
    word = only_in_second(app.result.documents)  # type: ignore[union-attr]
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press(key)
        await pilot.pause()
        await pilot.press("slash")
        await pilot.pause()
        await pilot.press(*word)
        await pilot.pause()
        # While typing, the matches show in the pane being searched, and only there.
        assert painted(view(app, 1), "search") > 0
        assert painted(view(app, 0), "search") == 0
        await pilot.press("enter")
        await pilot.pause()
        assert view(app, 1).selected_text.lower() == word.lower()
        assert app.focused is view(app, 1)
        # The bar closed: the highlights go (the selection shows the match).
        assert painted(view(app, 1), "search") == 0


async def test_search_highlights_clear_when_the_bar_closes(tmp_path: Path) -> None:
    app = app_for(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("slash")
        await pilot.pause()
        await pilot.press(*"the")
        await pilot.pause()
        assert painted(view(app, 0), "search") > 0
        await pilot.press("escape")
        await pilot.pause()
        assert painted(view(app, 0), "search") == 0
        assert app.focused is view(app, 0)


def text_style(article: ArticleView, kind: str) -> tuple[bool, ...]:
    style = article.get_component_rich_style(f"article--{kind}", partial=True)
    return tuple(bool(getattr(style, a)) for a in ("bold", "dim", "italic", "underline", "reverse"))


async def test_marks_differ_without_colour(tmp_path: Path) -> None:
    app = app_for(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        article = view(app, 0)
        kinds = ["boilerplate", "suggest-quote", "suggest-link", "claim", "quote", "linked"]
        # "other": a span with another label (PolNeAR's source and cue, a configured label).
        kinds += ["search", "other"]
        styles = {kind: text_style(article, kind) for kind in kinds}
        assert len(set(styles.values())) == len(kinds), styles
        # A search match is not reverse video (the statement marker is).
        assert not styles["search"][4] and styles["linked"][4]
        search = article.get_component_rich_style("article--search", partial=True)
        assert search.bgcolor is not None
        # Markdown markup is dimmed as boilerplate is.
        assert text_style(article, "markup") == styles["boilerplate"]


async def test_a_link_suggestion_shows_its_target_before_linking(tmp_path: Path) -> None:
    docs = load_sample().documents
    newsy, wire = docs[0], docs[1]
    source = Passage(newsy.id, *newsy.sentences[3])
    target = Passage(wire.id, *wire.sentences[3])
    with Store.open(tmp_path / "store.json") as store:
        store.attach(docs)
        store.replace_suggestions([newsy.id], [Suggestion(source, target, 80.0)])
    app = app_for(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        view(app, 0).move_to(source.start + 2)
        await pilot.pause()
        await pilot.press("a")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, ConfirmLinkDialog)
        assert dialog.outlet == wire.outlet and dialog.title == wire.title
        assert dialog.there == wire.text[target.start : target.end]
        assert app.store is not None and app.store.groups() == []  # nothing linked yet
        await pilot.press("escape")
        await pilot.pause()
        assert app.store.groups() == []
        await pilot.press("a")
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        assert len(app.store.groups()) == 1


def test_short_boilerplate_is_not_folded_into_a_longer_marker() -> None:
    text = "Share this.\n\n" + "Body text. " * 20 + "\n\n" + "Subscribe " * 30
    short = (0, 11)
    long = (len(text) - 300, len(text))
    shown = DisplayMap(text, [short, long])
    assert shown.text.startswith("Share this.")  # kept (a marker would be longer)
    assert fold_marker(300) in shown.text and len(fold_marker(300)) < 300
    assert len(shown.text) < len(text)
    assert "(1 character)" in fold_marker(1)


async def test_panes_rewrap_at_once_after_adding_and_closing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from textual.document._wrapped_document import WrappedDocument

    # Every frame a pane draws after + or - has its text wrapped to the width it is drawn at:
    # the panes' Resize events come after the first frame at the new widths, and that frame
    # showed each article wrapped for its old width (lines cut at the pane's edge).
    drawn: list[tuple[int, int]] = []
    render_lines = ArticleView.render_lines

    def watched(view: ArticleView, crop: Any) -> Any:
        lines = render_lines(view, crop)
        if view.article is not None:
            drawn.append((view.wrapped_document._width, view.wrap_width))
        return lines

    monkeypatch.setattr(ArticleView, "render_lines", watched)
    app = app_for(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        for key in ("plus", "minus", "plus", "plus", "minus"):
            widths = {pane.view.wrap_width for pane in app.panes}
            drawn.clear()
            await pilot.press(key)
            await pilot.pause()
            await pilot.pause()
            assert {pane.view.wrap_width for pane in app.panes} != widths, key
            assert drawn, key  # the panes were drawn at their new widths
            assert all(wrapped == width for wrapped, width in drawn), (key, drawn)
            for pane in app.panes:
                article = pane.view
                fresh = WrappedDocument(article.document, width=article.wrap_width)
                shown = article.wrapped_document
                assert shown._width == article.wrap_width, key
                assert shown.height == fresh.height, key
                rows = range(article.document.line_count)
                assert [shown.get_offsets(r) for r in rows] == [fresh.get_offsets(r) for r in rows]


def test_the_status_bar_fits_80_columns_with_the_state_first() -> None:
    bar = StatusBar()
    bar._fields = {
        "store": "/home/someone/.local/share/newsreader/a-rather-long-store-name.json",
        "state": "saved",
        "spans": 1,
        "groups": 12,
        "annotator": "alice",
        "busy": "indexing the articles…",
    }
    wide = bar.line(200).plain
    assert "1 annotation " in wide and "12 statement groups" in wide
    narrow = bar.line(78)
    assert narrow.cell_len <= 78
    assert "saved" in narrow.plain and "alice" in narrow.plain and "1 span" in narrow.plain
    assert plural(1, "annotation") == "1 annotation" and plural(2, "span") == "2 spans"


async def test_at_80x24_the_status_bar_and_footer_are_not_cut(tmp_path: Path) -> None:
    app = app_for(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        bar = app.query_one(StatusBar)
        line = bar.line(bar.content_region.width)
        assert line.cell_len <= bar.content_region.width and "saved" in line.plain
        from textual.widgets import Footer

        footer = app.query_one(Footer)
        assert footer.virtual_size.width <= footer.size.width


async def test_coverage_labels_use_the_width(tmp_path: Path) -> None:
    docs = load_sample().documents
    with Store.open(tmp_path / "store.json") as store:
        store.attach(docs)
        long = max(docs[0].sentences, key=lambda r: r[1] - r[0])
        a = store.create_span(docs[0].id, *long, "claim")
        b = store.create_span(docs[2].id, *docs[2].sentences[3], "claim")
        store.link(a.id, b.id)
        text = " ".join(a.text.split())
    assert len(text) > 80
    app = app_for(tmp_path)
    async with app.run_test(size=(180, 50)) as pilot:
        await settle(app, pilot)
        await pilot.press("v")
        await settle(app, pilot)
        screen = app.screen
        assert isinstance(screen, CoverageScreen)
        from textual.widgets import DataTable

        table = screen.query_one(DataTable)
        shown = str(table.get_row_at(0)[0])
        assert len(shown) > 100 or shown == text
        assert text.startswith(shown.rstrip("…"))
    assert label_width(80, [18, 18]) >= 24


async def test_one_annotation_is_singular_in_the_pane_header(tmp_path: Path) -> None:
    docs = load_sample().documents
    with Store.open(tmp_path / "store.json") as store:
        store.attach(docs)
        store.create_span(docs[0].id, *docs[0].sentences[2], "claim")
    app = app_for(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        from textual.widgets import Static

        header = app.panes[0].query_one(".pane-header", Static)
        assert "(1 annotation)" in str(header.render())


async def test_markdown_markup_is_dimmed_and_offsets_unchanged(tmp_path: Path) -> None:
    article = tmp_path / "story.md"
    body = "# Kerry speaks\n\nHe said **no** to [the plan](https://example.org/plan) today.\n"
    article.write_text(body, encoding="utf-8")
    result = load_paths([article])
    (doc,) = result.documents
    assert doc.text == body
    app = app_for(tmp_path, result)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        shown = view(app, 0)
        assert shown.text == body
        ranges = [(a, b) for items in shown._paint.values() for a, b, k in items if k == "markup"]
        marked = {body[a:b] for a, b in ranges}
        assert {"# ", "**", "](https://example.org/plan)"} <= marked


def test_snap_to_words_takes_whole_words_and_quote_marks() -> None:
    docs = load_sample().documents
    doc = docs[0]
    text = doc.text
    start = text.index("ruled out any cooperation")
    snapped = snap_to_words(doc, start + 2, start + 12)  # "led out an"
    assert snapped is not None and text[snapped[0] : snapped[1]] == "ruled out any"
    assert snap_to_words(doc, start - 1, start) is None or text[start - 1] != " "


async def test_a_mouse_drag_selects_whole_words(tmp_path: Path) -> None:
    app = app_for(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        article = view(app, 0)
        await pilot.mouse_down(article, offset=(6, 10))
        await pilot.hover(article, offset=(17, 10))
        await pilot.mouse_up(article, offset=(17, 10))
        await pilot.pause()
        selected = article.selected_range()
        assert selected is not None
        text = app.documents[0].text
        start, end = selected
        assert not (text[start - 1].isalnum() and text[start].isalnum())
        assert not (text[end - 1].isalnum() and text[end].isalnum())


async def test_enter_on_the_label_dropdown_saves(tmp_path: Path) -> None:
    app = app_for(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("slash", *"ruled out any", "enter", "s", "c")
        assert app.store is not None
        (claim,) = app.store.spans()
        await pilot.press("e")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, EditDialog)
        from textual.widgets import Select

        select = dialog.query_one("#label", Select)
        select.focus()
        select.value = "quote"
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        assert not isinstance(app.screen, EditDialog)
        assert app.store.span(claim.id).label == "quote"  # type: ignore[union-attr]


async def test_a_screenshot_without_a_downloads_folder_goes_to_the_current_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    home = tmp_path / "home"
    here = tmp_path / "here"
    home.mkdir()
    here.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.delenv("XDG_DOWNLOAD_DIR", raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / ".config"))
    monkeypatch.chdir(here)
    assert screenshot_folder(home / "Downloads", tmp_path / "data") == here
    app = app_for(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        saved = app.deliver_screenshot()
        await pilot.pause()
        assert saved is not None and Path(saved).parent == here and Path(saved).is_file()
        assert any(str(here) in str(n.message) for n in app._notifications)


async def test_s_in_a_quote_selects_the_sentence_with_its_opening_mark(tmp_path: Path) -> None:
    # Sentences given by the source (BASIL gives them) may leave the opening mark out.
    text = "Talks stall\n\nThe minister spoke.\n\n\u201cWe will not cooperate with them.\u201d\n"
    opening = text.index("\u201c")
    closing = text.index("\u201d") + 1
    sentences = [(0, 11), (13, 31), (opening + 1, closing)]
    doc = Document(
        id="d1",
        path=str(tmp_path / "a.txt"),
        text=text,
        content_hash=content_hash(text),
        title="Talks stall",
        structure=analyse(text, title_end=11, sentences=sentences),
    )
    assert doc.sentences[2] == (opening + 1, closing)
    app = app_for(tmp_path, LoadResult([doc]))
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        view(app, 0).move_to(opening + 5)
        await pilot.press("s")
        await pilot.pause()
        assert view(app, 0).selected_range() == (opening, closing)


async def test_a_long_title_is_shortened_with_an_ellipsis_in_a_narrow_pane(tmp_path: Path) -> None:
    docs = load_sample().documents
    from dataclasses import replace

    long = replace(docs[0], title="A very long headline about everything " * 8)
    app = app_for(tmp_path, LoadResult([long, docs[1]]))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        from textual.widgets import Static

        header = str(app.panes[0].query_one(".pane-header", Static).render())
        assert header.endswith("…") and len(header) < len(long.title)


async def test_the_help_screen_wraps_its_descriptions_at_80_columns(tmp_path: Path) -> None:
    from textual.widgets import DataTable

    from newsreader.tui.screens.help import HelpScreen

    app = app_for(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        table = app.screen.query_one(DataTable)
        assert table.virtual_size.width <= table.size.width
        assert any(row.height > 1 for row in table.rows.values())
