"""Statements, annotators and curation in the app (issue 14): each key reaches its intent and the
screen shows the change. The intents themselves are tested in
tests/annotations/test_workbench_statements.py."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner
from textual.widgets import Label, OptionList

from newsreader.annotations.config import Config
from newsreader.annotations.model import Span, context, new_id, now
from newsreader.annotations.store import Store
from newsreader.corpus import Document, load_sample
from newsreader.tui.actions import palette_actions
from newsreader.tui.app import NewsreaderApp, make_app
from newsreader.tui.cli import cli
from newsreader.tui.screens.curation import CurationScreen
from newsreader.tui.screens.statement import Chooser, StatementScreen
from newsreader.tui.widgets.annotation_list import AnnotationList
from newsreader.tui.widgets.status_bar import StatusBar

SIZE = (160, 45)


def app_for(tmp_path: Path) -> NewsreaderApp:
    return make_app(
        load_sample(),
        store_path=tmp_path / "store.json",
        config=Config(),
        annotator="tester",
        cursor_blink=False,
    )


async def settle(app: NewsreaderApp, pilot: object) -> None:
    for _ in range(50):
        await app.workers.wait_for_complete()
        await pilot.pause()  # type: ignore[attr-defined]
        if app.store is not None and not app.busy:
            return
    raise AssertionError("the app never became ready")


def tag_as(store: Store, doc: Document, who: str, start: int, end: int, label: str) -> Span:
    """A span by annotator ``who`` (as an import brings it)."""
    prefix, suffix = context(doc.text, start, end)
    stamp = now()
    span = Span(
        new_id("s"),
        doc.id,
        doc.content_hash,
        start,
        end,
        doc.text[start:end],
        prefix,
        suffix,
        label,
        {},
        who,
        stamp,
        stamp,
    )
    store.import_spans([span], {}, [])
    return span


def status(app: NewsreaderApp) -> str:
    return str(app.query_one(StatusBar).render())


def two_statements(tmp_path: Path) -> tuple[list[Document], list[Span]]:
    docs = load_sample().documents
    with Store.open(tmp_path / "store.json", annotator="tester") as store:
        store.attach(docs)
        a = store.create_span(docs[0].id, *docs[0].sentences[6], "claim")
        b = store.create_span(docs[1].id, *docs[1].sentences[3], "claim")
        c = store.create_span(docs[2].id, *docs[2].sentences[3], "claim")
        d = store.create_span(docs[2].id, *docs[2].sentences[5], "claim")
        store.link(a.id, b.id)
        store.link(c.id, d.id)
    return docs, [a, b, c, d]


async def test_relation_chooser_merge_and_the_statement_view(tmp_path: Path) -> None:
    _docs, (a, b, c, d) = two_statements(tmp_path)
    app = app_for(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        store = app.store
        assert store is not None
        app.panes[0].view.select_range(a.start, a.end)
        await pilot.pause()
        # R: a chooser of the configured relations; the second entry is the first relation.
        await pilot.press("R")
        await pilot.pause()
        assert isinstance(app.screen, Chooser)
        await pilot.press("down", "enter")
        await pilot.pause()
        assert store.group_of(a.id).members[a.id] == store.relations[0]  # type: ignore[union-attr]
        # M: a chooser of the other statements; enter merges the one listed into this one.
        await pilot.press("M")
        await pilot.pause()
        assert isinstance(app.screen, Chooser)
        await pilot.press("enter")
        await pilot.pause()
        (group,) = store.groups()
        assert set(group.members) == {a.id, b.id, c.id, d.id}
        # g: the statement view lists the four members with their relation.
        await pilot.press("g")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, StatementScreen)
        assert len(screen.members) == 4
        assert sum(m.relation == store.relations[0] for m in screen.members) == 1
        # The same keys work there: r sets the highlighted member's relation, U unlinks it.
        first = screen.members[0].span.id
        await pilot.press("r")
        await pilot.pause()
        assert isinstance(app.screen, Chooser)
        await pilot.press("down", "down", "enter")
        await pilot.pause()
        assert store.group(group.id).members[first] == store.relations[1]  # type: ignore[union-attr]
        # The chooser opens on the member's relation: enter alone keeps it.
        await pilot.press("r")
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        assert store.group(group.id).members[first] == store.relations[1]  # type: ignore[union-attr]
        await pilot.press("U")
        await pilot.pause()
        assert store.group_of(first) is None and len(screen.members) == 3
        # Enter jumps to the highlighted member in the pane showing its article.
        target = screen.members[0].span
        await pilot.press("enter")
        await pilot.pause()
        assert not isinstance(app.screen, StatementScreen)
        pane = next(p for p in app.panes if p.article and p.article.id == target.doc_id)
        assert pane.view.selected_range() == (target.start, target.end)
        # D in the view dissolves the group and closes the view; u brings it back wholly.
        await pilot.press("g")
        await pilot.pause()
        assert isinstance(app.screen, StatementScreen)
        await pilot.press("D")
        await pilot.pause()
        assert store.groups() == [] and not isinstance(app.screen, StatementScreen)
        await pilot.press("u")
        await pilot.pause()
        assert len(store.groups()) == 1 and len(store.groups()[0].members) == 3


async def test_the_annotator_view_and_the_story_sidebar(tmp_path: Path) -> None:
    docs = load_sample().documents
    with Store.open(tmp_path / "store.json", annotator="tester") as store:
        store.attach(docs)
        mine = store.create_span(docs[0].id, *docs[0].sentences[2], "claim")
        theirs = tag_as(store, docs[0], "bo", *docs[0].sentences[4], "quote")
        other = tag_as(store, docs[1], "bo", *docs[1].sentences[1], "claim")
    app = app_for(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        assert "3 annotations" in status(app) and "shown" not in status(app)
        # A span's annotator shows in its details (e opens them).
        app.panes[0].view.select_range(theirs.start, theirs.end)
        await pilot.press("e")
        await pilot.pause()
        assert "Annotator: bo" in str(app.screen.query_one("#annotator", Label).render())
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("b")
        await pilot.pause()
        sidebar = app.query_one(AnnotationList)

        def listed() -> list[str]:
            return [
                i
                for n in range(sidebar.option_count)
                if (i := sidebar.get_option_at_index(n).id) is not None
            ]

        # The sidebar lists both open articles' spans, by article.
        assert listed() == [mine.id, theirs.id, other.id]
        # A long span's text is cut with an ellipsis, not in the middle of a word unmarked.
        span = next(s for s in (mine, theirs, other) if len(" ".join(s.text.split())) > 60)
        prompt = str(sidebar.get_option(span.id).prompt)
        assert " ".join(span.text.split())[:50] in prompt and f"… [{span.annotator}]" in prompt
        # A: only mine; the status bar keeps the store's count and adds the view's.
        await pilot.press("A")
        await pilot.pause()
        assert app.workbench.view == "tester"
        assert "3 annotations" in status(app) and "1 shown: tester's" in status(app)
        assert listed() == [mine.id]
        assert app.workbench.span_at(docs[0].id, theirs.start) is None
        await pilot.press("A")
        await pilot.pause()
        assert app.workbench.view == "bo" and listed() == [theirs.id, other.id]
        assert "2 shown: bo's" in status(app)
        # f in the sidebar filters by label.
        sidebar.focus()
        await pilot.press("f")
        await pilot.pause()
        assert sidebar.label == "claim" and listed() == [other.id]
        await pilot.press("A")
        await pilot.pause()
        assert app.workbench.view is None and listed() == [mine.id, other.id]
        assert "shown" not in status(app)


async def test_the_sidebar_keeps_a_space_after_a_long_label(tmp_path: Path) -> None:
    docs = load_sample().documents
    with Store.open(tmp_path / "store.json", annotator="tester") as store:
        store.attach(docs)
        source = tag_as(store, docs[0], "bo", *docs[0].sentences[4], "source")
    app = app_for(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("b")
        await pilot.pause()
        prompt = str(app.query_one(AnnotationList).get_option(source.id).prompt)
        assert prompt.startswith("source " + docs[0].text[source.start : source.start + 5])


async def test_the_annotator_chooser_lists_counts_and_picks_a_view(tmp_path: Path) -> None:
    docs = load_sample().documents
    with Store.open(tmp_path / "store.json", annotator="tester") as store:
        store.attach(docs)
        mine = store.create_span(docs[0].id, *docs[0].sentences[2], "claim")
        theirs = tag_as(store, docs[0], "bo", *docs[0].sentences[4], "quote")
        tag_as(store, docs[1], "bo", *docs[1].sentences[1], "claim")
        tag_as(store, docs[1], "cy", *docs[1].sentences[2], "claim")
    app = app_for(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)

        async def choose(option: str) -> list[str]:
            await pilot.press("W")
            await pilot.pause()
            chooser = app.screen
            assert isinstance(chooser, Chooser)
            choices = chooser.query_one(OptionList)
            lines = [
                str(choices.get_option_at_index(n).prompt) for n in range(choices.option_count)
            ]
            ids = [choices.get_option_at_index(n).id for n in range(choices.option_count)]
            choices.highlighted = ids.index(option)
            await pilot.press("enter")
            await pilot.pause()
            assert not isinstance(app.screen, Chooser)
            return lines

        # All, mine, then each other annotator, each with its count; the current view is marked
        # by the highlight when the chooser opens.
        lines = await choose("view:bo")
        assert lines == [
            "All annotators  (4 spans)",
            "Mine: tester  (1 span)",
            "bo  (2 spans)",
            "cy  (1 span)",
        ]
        assert app.workbench.view == "bo"
        assert "4 annotations" in status(app) and "2 shown: bo's" in status(app)
        assert app.workbench.span_at(docs[0].id, mine.start) is None
        assert app.workbench.span_at(docs[0].id, theirs.start) is not None
        # The chooser opens on the view in force.
        await pilot.press("W")
        await pilot.pause()
        assert app.screen.query_one(OptionList).highlighted == 2
        await pilot.press("escape")
        await pilot.pause()
        assert app.workbench.view == "bo"
        await choose("view:tester")
        assert app.workbench.view == "tester" and "1 shown: tester's" in status(app)
        await choose("view:cy")
        assert app.workbench.view == "cy" and "1 shown: cy's" in status(app)
        await choose("all")
        assert app.workbench.view is None and "shown" not in status(app)
        assert "4 annotations" in status(app)
    # The palette lists the chooser too.
    assert "choose_annotator" in {a.id for a in palette_actions()}


async def test_curation_from_the_app_exports_and_agrees(tmp_path: Path) -> None:
    docs = load_sample().documents
    doc = docs[0]
    with Store.open(tmp_path / "store.json", annotator="tester") as store:
        store.attach(docs)
        tag_as(store, doc, "ana", *doc.sentences[2], "claim")
    app = app_for(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        # One annotator only: a clear message, no screen.
        await pilot.press("C")
        await pilot.pause()
        assert not isinstance(app.screen, CurationScreen)
        assert any("two annotators" in n.message for n in app._notifications)
        store = app.store
        assert store is not None
        tag_as(store, doc, "bo", *doc.sentences[2], "claim")
        tag_as(store, doc, "ana", *doc.sentences[5], "claim")
        tag_as(store, doc, "bo", *doc.sentences[5], "quote")
        await pilot.press("C")
        await pilot.pause()
        assert isinstance(app.screen, CurationScreen)
        # The agreement is already curated; b takes bo's version of the disagreement.
        await pilot.press("b")
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, CurationScreen)
        curated = sorted(
            (s.start, s.label) for s in store.spans(doc.id) if s.annotator == "curated"
        )
        assert curated == [(doc.sentences[2][0], "claim"), (doc.sentences[5][0], "quote")]
    db = str(tmp_path / "store.json")
    runner = CliRunner()
    out = tmp_path / "curated.jsonl"
    done = runner.invoke(cli, ["export", "--db", db, "--annotator", "curated", "-o", str(out)])
    assert done.exit_code == 0, done.output
    lines = [json.loads(line) for line in out.read_text().splitlines() if line.strip()]
    spans = [line for line in lines if line.get("label")]
    assert spans and {line["annotator"] for line in spans} == {"curated"}
    agreed = runner.invoke(cli, ["agree", "--db", db, "--json"])
    assert agreed.exit_code == 0, agreed.output
    pairs = {tuple(p["annotators"]): p for p in json.loads(agreed.stdout)["pairs"]}
    assert pairs[("bo", "curated")]["exact_f1"] == 1.0
    assert pairs[("ana", "curated")]["exact_f1"] == 1.0
    assert pairs[("ana", "curated")]["label_kappa"] != 1.0
