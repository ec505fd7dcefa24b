"""Whole sessions driven through the keys, asserting on the store (pilot tests)."""

from __future__ import annotations

import io
import json
from dataclasses import replace
from pathlib import Path

import pytest

from newsreader.annotations.config import Config
from newsreader.annotations.jsonl import export_jsonl
from newsreader.annotations.store import Store
from newsreader.corpus import Document, LoadResult, analyse, content_hash, load_sample
from newsreader.tui.app import NewsreaderApp, make_app
from newsreader.tui.screens.coverage import CoverageScreen
from newsreader.tui.screens.dialogs import SpeakerDialog, StoreProblemDialog
from newsreader.tui.screens.help import HelpScreen
from newsreader.tui.screens.link_panel import LinkPanel
from newsreader.tui.screens.picker import DocumentPicker
from newsreader.tui.widgets.annotation_list import AnnotationList
from newsreader.tui.widgets.article_view import ArticleView

SIZE = (160, 45)


def app_for(tmp_path: Path, result: LoadResult | None = None, **extra: object) -> NewsreaderApp:
    return make_app(
        result or load_sample(),
        store_path=tmp_path / "store.json",
        config=Config(),
        annotator="tester",
        cursor_blink=False,
        **extra,  # type: ignore[arg-type]
    )


async def settle(app: NewsreaderApp, pilot: object) -> None:
    """Wait until the workers (store, index, candidates) are done and the screen is drawn."""
    for _ in range(50):
        await app.workers.wait_for_complete()
        await pilot.pause()  # type: ignore[attr-defined]
        if app.linker is not None and not app.busy:
            return
    raise AssertionError("the app never became ready")


def view(app: NewsreaderApp, number: int = 0) -> ArticleView:
    return app.panes[number].view


async def test_the_kerry_session_from_search_to_export(tmp_path: Path) -> None:
    app = app_for(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("slash", *"any number", "enter")
        assert "any number" in view(app).selected_text
        await pilot.press("s")
        assert view(app).selected_text.startswith("But I think under the circumstances")
        await pilot.press("q")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, SpeakerDialog) and dialog.speaker == "John Kerry"
        await pilot.press("enter")  # accept the detected speaker
        await pilot.pause()
        store = app.store
        assert store is not None
        (quote,) = store.spans()
        assert quote.label == "quote" and quote.speaker == "John Kerry"
        await pilot.press("l")
        await settle(app, pilot)
        panel = app.screen
        assert isinstance(panel, LinkPanel)
        top = panel.candidates[0]
        assert "It would not be appropriate" in top.text
        await pilot.press("enter")
        await pilot.pause()
        assert len(store.spans()) == 2
        (group,) = store.groups()
        assert quote.id in group.members
        await pilot.press("u")
        await pilot.pause()
        assert store.groups() == []
        await pilot.press("ctrl+r")
        await pilot.pause()
        assert len(store.groups()) == 1
        await pilot.press("ctrl+q")
    assert not app.is_running
    # Everything was saved, and the store was closed cleanly.
    assert sorted(p.name for p in tmp_path.iterdir()) == ["store.json"]
    with Store.open(tmp_path / "store.json", read_only=True) as again:
        out = io.StringIO()
        export_jsonl(again, out)
    lines = [json.loads(line) for line in out.getvalue().splitlines()]
    assert {line["outlet"] for line in lines} == {"Newsy", "Iran Media Focus"}
    assert len({line["group"] for line in lines}) == 1 and lines[0]["group"]
    focus = next(line for line in lines if line["outlet"] == "Iran Media Focus")
    assert focus["label"] == "quote" and focus["attributes"]["speaker"] == "Kerry"


async def test_claims_edit_delete_and_suggestions(tmp_path: Path) -> None:
    app = app_for(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        store = app.store
        assert store is not None
        await pilot.press("slash", *"ruled out any", "enter", "s", "c")
        (claim,) = store.spans()
        assert claim.label == "claim" and "ruled out any cooperation" in claim.text
        # e edits the span under the cursor.
        await pilot.press("e")
        await pilot.pause()
        await pilot.press("tab", "tab", *"check the interview", "enter")
        await pilot.pause()
        assert store.span(claim.id).attributes == {"note": "check the interview"}  # type: ignore[union-attr]
        await pilot.press("d")
        assert store.spans() == []
        # A detected quote is a suggestion: a accepts it, with its speaker.
        await pilot.press("slash", *"We will not cooperate", "enter", "a")
        (accepted,) = store.spans()
        assert accepted.label == "quote" and accepted.speaker
        await pilot.press("u")
        await pilot.press("x")  # reject the same suggestion
        assert len(store.decisions("quote")) == 1
        await pilot.press("a")
        assert store.spans() == []  # a rejected suggestion is not offered again
        await pilot.press("right", "c")  # nothing selected: a message, no span
        assert store.spans() == []


async def test_linked_statements_follow_the_cursor(tmp_path: Path) -> None:
    docs = load_sample().documents
    newsy, wire = docs[0], docs[1]
    with Store.open(tmp_path / "store.json") as store:
        store.attach(docs)
        a = store.create_span(newsy.id, *newsy.sentences[6], "claim")
        b = store.create_span(wire.id, *wire.sentences[5], "claim")
        store.link(a.id, b.id)
    app = app_for(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        view(app, 0).move_to(a.start + 3)
        await pilot.pause()
        assert view(app, 1).selected_range() == (b.start, b.end)
        assert app.active_group is not None


async def test_panes_picker_sidebar_fold_help_and_coverage(tmp_path: Path) -> None:
    docs = load_sample().documents
    with Store.open(tmp_path / "store.json") as store:
        store.attach(docs)
        a = store.create_span(docs[0].id, *docs[0].sentences[6], "claim")
        b = store.create_span(docs[2].id, *docs[2].sentences[3], "claim")
        store.link(a.id, b.id, "paraphrase")
    app = app_for(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("plus")
        await pilot.pause()
        assert len(app.panes) == 3 and app.panes[2].article.id == docs[2].id  # type: ignore[union-attr]
        await pilot.press("minus")
        await pilot.pause()
        assert len(app.panes) == 2
        await pilot.press("o")
        await pilot.pause()
        assert isinstance(app.screen, DocumentPicker)
        await pilot.press(*"breitbart", "enter")
        await pilot.pause()
        focused = app._focused_pane()
        assert focused is not None and focused.article is not None
        assert focused.article.outlet == "Breitbart"
        await pilot.press("o", *"newsy", "enter", "b")
        await pilot.pause()
        sidebar = app.query_one(AnnotationList)
        ids = [sidebar.get_option_at_index(i).id for i in range(sidebar.option_count)]
        assert sidebar.display and [i for i in ids if i] == [a.id]
        assert sidebar.get_option_at_index(sidebar.highlighted or 0).id == a.id
        sidebar.focus()
        await pilot.press("enter")
        await pilot.pause()
        assert app._focused_pane().view.selected_range() == (a.start, a.end)  # type: ignore[union-attr]
        await pilot.press("z")
        assert app.folded and "boilerplate folded" in view(app).text
        assert view(app).cursor_offset == a.start or view(app).selected_range() is None
        await pilot.press("z")
        assert not app.folded
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        ids = {row[2] for row in app.key_rows()}
        assert {"tag_claim", "tag_quote", "link", "undo", "redo", "search"} <= ids
        await pilot.press("escape", "v")
        await settle(app, pilot)  # the matrix is built in a worker
        assert isinstance(app.screen, CoverageScreen)
        await pilot.press("enter")
        await pilot.pause()
        await pilot.pause()
        shown = {p.article.outlet for p in app.panes if p.article}
        assert shown == {"Newsy", "Iran Media Focus"}
        selected = {p.view.selected_range() for p in app.panes}
        assert selected == {(a.start, a.end), (b.start, b.end)}


def hostile_article() -> Document:
    text = (
        "Title with \x1b[31mred\x1b[0m\n\n"
        "A clipboard grab \x1b]52;c;ZXZpbA==\x07 and a cursor move \x1b[2J\x1b[H here.\n\n"
        "Reversed \u202etxet\u202c and a bell \x07 and a C1 \x9b31m code.\n"
    )
    return Document(
        id="hostile",
        path="/virtual/hostile.txt",
        text=text,
        content_hash=content_hash(text),
        title="Title with red",
        outlet="Hostile Times",
        date=None,
        url=None,
        structure=analyse(text, 0),
    )


async def test_control_characters_in_articles_are_shown_inert(tmp_path: Path) -> None:
    doc = hostile_article()
    sample = load_sample()
    app = app_for(tmp_path, LoadResult(documents=[doc, *sample.documents]))
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        shown = view(app).text
        assert len(shown) == len(doc.text)  # one for one: offsets keep their meaning
        assert not any(ord(c) < 0x20 and c not in "\n\t" for c in shown)
        assert "\x9b" not in shown and "\u202e" not in shown and "\x07" not in shown
        svg = app.export_screenshot()
        assert "\x1b" not in svg and "\x07" not in svg
        # The article stays usable: tag the line with the escapes and export it unchanged.
        await pilot.press("slash", *"clipboard", "enter", "s", "c")
        assert app.store is not None
        (span,) = app.store.spans()
        assert span.text == doc.text[span.start : span.end] and "\x1b]52" in span.text


async def test_a_broken_store_is_explained_and_moved_aside(tmp_path: Path) -> None:
    (tmp_path / "store.json").write_text('{"meta": {')
    app = app_for(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        for _ in range(20):
            await pilot.pause()
            if isinstance(app.screen, StoreProblemDialog):
                break
        dialog = app.screen
        assert isinstance(dialog, StoreProblemDialog)
        assert "does not parse" in dialog.message and not dialog.can_read
        await pilot.press("m")
        await settle(app, pilot)
        assert app.store is not None and app.state == "saved"
    assert list(tmp_path.glob("store.json.broken-*"))


async def test_problems_loading_articles_are_notified(tmp_path: Path) -> None:
    (tmp_path / "bad.txt").write_bytes(b"\xff\xfe\x00binary")
    (tmp_path / "good.txt").write_text("A headline here\n\nSome words that say something.\n")
    from newsreader.corpus import load_paths

    app = app_for(tmp_path, load_paths([tmp_path]))
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        messages = [n.message for n in app._notifications]
        assert any("bad.txt" in m for m in messages)
        assert app.panes[0].article is not None


@pytest.mark.parametrize("key", ["u", "l", "d", "e", "a", "x"])
async def test_keys_without_a_target_say_so(tmp_path: Path, key: str) -> None:
    app = app_for(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press(key)
        await pilot.pause()
        assert app._notifications, key
        assert app.store is not None and app.store.spans() == []


def test_read_only_flag_opens_the_store_read_only(tmp_path: Path) -> None:
    docs = load_sample().documents
    with Store.open(tmp_path / "store.json") as store:
        store.attach(docs)
    app = app_for(tmp_path, read_only=True)
    assert app.read_only
    assert replace(Config(), annotator="x").annotator == "x"


async def test_keys_are_remapped_by_id_from_the_configuration(tmp_path: Path) -> None:
    app = make_app(
        load_sample(),
        store_path=tmp_path / "store.json",
        config=Config(keys={"tag_claim": "C"}),
        annotator="tester",
        cursor_blink=False,
    )
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        assert app.store is not None
        await pilot.press("s", "c")
        assert app.store.spans() == []  # c no longer tags
        await pilot.press("C")
        assert [s.label for s in app.store.spans()] == ["claim"]
        assert ("C", "Tag the selection as a claim", "tag_claim") in app.key_rows()


async def test_a_click_places_the_cursor_in_article_offsets(tmp_path: Path) -> None:
    app = app_for(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        article = view(app, 1)
        await pilot.click(article, offset=(6, 3))
        await pilot.pause()
        assert app.focused is article and article.cursor_offset > 0
        first = article.cursor_offset
        await pilot.click(article, offset=(12, 6))
        await pilot.pause()
        assert article.cursor_offset > first
        assert article.offset_of(article.selection.end) == article.cursor_offset


async def test_statement_keys_reach_their_intents(tmp_path: Path) -> None:
    docs = load_sample().documents
    newsy, wire = docs[0], docs[1]
    with Store.open(tmp_path / "store.json") as store:
        store.attach(docs)
        a = store.create_span(newsy.id, *newsy.sentences[6], "claim")
        b = store.create_span(wire.id, *wire.sentences[5], "claim")
        store.link(a.id, b.id)
    app = app_for(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        store = app.store
        assert store is not None
        view(app, 0).move_to(a.start + 3)
        await pilot.pause()
        await pilot.press("r")  # the next relation
        assert store.group_of(a.id).members[a.id] == "paraphrase"  # type: ignore[union-attr]
        await pilot.press("right_square_bracket")  # a word more at the end
        grown = store.span(a.id)
        assert grown is not None and grown.end > a.end
        assert view(app, 0).selected_range() == (grown.start, grown.end)
        await pilot.press("right_curly_bracket")
        assert store.span(a.id).end < grown.end  # type: ignore[union-attr]
        await pilot.press("U")  # unlink: a two-member group goes
        assert store.groups() == []
        await pilot.press("u")
        assert len(store.groups()) == 1
        await pilot.press("D")  # dissolve
        assert store.groups() == [] and len(store.spans()) == 2
        await pilot.press("u")
        assert len(store.groups()) == 1
        # The count in the status bar follows the store.
        status = str(app.query_one("#status").render())
        assert "2 annotations" in status and "1 statement group " in status


async def test_a_few_article_files_are_in_the_first_frame(tmp_path: Path) -> None:
    from newsreader.corpus import SAMPLE_DIR

    files = sorted(Path(SAMPLE_DIR).glob("*.txt"))[:2]
    assert len(files) == 2
    app = make_app(
        paths=files,
        store_path=tmp_path / "store.json",
        config=Config(),
        annotator="tester",
        cursor_blink=False,
    )
    async with app.run_test(size=SIZE) as pilot:
        # Loaded before the first frame, not in a worker after it.
        assert app.panes[0].article is not None and app.panes[1].article is not None
        assert not [w for w in app.workers if w.group == "load"]
        await settle(app, pilot)
    # A folder's first articles are in the first frame too; the folder is listed in a worker
    # once that frame is drawn, and its copies of them take their places.
    app = make_app(
        paths=[SAMPLE_DIR], store_path=tmp_path / "s2.json", config=Config(), cursor_blink=False
    )
    async with app.run_test(size=SIZE) as pilot:
        shown = [p.article for p in app.panes]
        assert all(shown) and app.result is None
        await settle(app, pilot)
        assert app.result is not None and len(app.documents) > 2
        assert [p.article for p in app.panes] == app.documents[:2]
        assert [p.article.id for p in app.panes] == [d.id for d in shown if d is not None]


async def test_an_edit_repaints_only_the_panes_of_the_articles_it_touched(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = app_for(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        painted: list[str] = []
        original = ArticleView.paint

        def counting(self: ArticleView, items: object) -> None:
            painted.append(self.id or "")
            original(self, items)  # type: ignore[arg-type]

        monkeypatch.setattr(ArticleView, "paint", counting)
        await pilot.press("slash", *"ruled out any", "enter")
        await pilot.pause()
        painted.clear()
        await pilot.press("s", "c")
        await pilot.pause()
        store = app.store
        assert store is not None and len(store.spans()) == 1
        assert painted and set(painted) == {view(app, 0).id}
        assert "1 annotation " in str(app.query_one("#status").render())
