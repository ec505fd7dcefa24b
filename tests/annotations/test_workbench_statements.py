"""The workbench's statement, annotator and story intents (issue 14), without Textual."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from newsreader.annotations.store import Store
from newsreader.annotations.workbench import IntentRefused, Workbench
from newsreader.corpus import Document


@pytest.fixture
def docs(seeds: dict[str, Document]) -> list[Document]:
    return list(seeds.values())


@pytest.fixture
def store(tmp_path: Path, docs: list[Document]) -> Iterator[Store]:
    s = Store.open(tmp_path / "store.json", annotator="me")
    s.attach(docs)
    yield s
    s.close()


@pytest.fixture
def bench(store: Store, docs: list[Document]) -> Workbench:
    return Workbench(store, docs)


def tag_as(bench: Workbench, who: str, doc: Document, index: int, label: str = "claim") -> str:
    """Tag sentence ``index`` of ``doc`` as annotator ``who``; the span's id."""
    store = bench.store
    assert store is not None
    mine, store.annotator = store.annotator, who
    try:
        made = bench.tag(doc.id, *doc.sentences[index], label).span_id
    finally:
        store.annotator = mine
    assert made is not None
    return made


def test_statement_lists_members_across_outlets_with_relation_and_annotator(
    bench: Workbench, seeds: dict[str, Document], store: Store
) -> None:
    newsy, wire = seeds["Newsy"], seeds["The Wire"]
    a = tag_as(bench, "me", newsy, 1)
    b = tag_as(bench, "bo", wire, 1)
    group = bench.link(a, b).group_id
    assert group is not None
    bench.set_relation(b, "paraphrase")
    members = bench.statement(group)
    assert [m.outlet for m in members] == ["Newsy", "The Wire"]
    assert [(m.span.id, m.relation, m.span.annotator) for m in members] == [
        (a, None, "me"),
        (b, "paraphrase", "bo"),
    ]
    bench.dissolve(group)
    with pytest.raises(IntentRefused, match="no such statement"):
        bench.statement(group)


def test_statements_to_merge_with_are_named_by_their_first_member(
    bench: Workbench, seeds: dict[str, Document], store: Store
) -> None:
    newsy, wire, focus = seeds["Newsy"], seeds["The Wire"], seeds["Iran Media Focus"]
    a, b = tag_as(bench, "me", newsy, 1), tag_as(bench, "me", wire, 1)
    c, d = tag_as(bench, "me", focus, 1), tag_as(bench, "me", focus, 2)
    ab, cd = bench.link(a, b).group_id, bench.link(c, d).group_id
    assert ab and cd
    choices = bench.statements(exclude=ab)
    assert [g[0] for g in choices] == [cd]
    assert choices[0][1] == 2
    assert choices[0][2] == " ".join(store.span(c).text.split())  # type: ignore[union-attr]
    assert {g[0] for g in bench.statements()} == {ab, cd}


def test_merge_then_undo_restores_both_groups_wholly(
    bench: Workbench, seeds: dict[str, Document], store: Store
) -> None:
    newsy, wire, focus = seeds["Newsy"], seeds["The Wire"], seeds["Iran Media Focus"]
    a, b = tag_as(bench, "me", newsy, 1), tag_as(bench, "me", wire, 1)
    c, d = tag_as(bench, "me", focus, 1), tag_as(bench, "me", focus, 2)
    ab, cd = bench.link(a, b).group_id, bench.link(c, d).group_id
    assert ab and cd
    bench.set_relation(d, "partial")
    before = {g.id: dict(g.members) for g in store.groups()}
    merged = bench.merge(ab, cd)
    assert len(store.groups()) == 1 and merged.group_id is not None
    assert store.group(merged.group_id).members[d] == "partial"  # type: ignore[union-attr]
    assert "4 members" in merged.message
    bench.undo()
    assert {g.id: dict(g.members) for g in store.groups()} == before
    with pytest.raises(IntentRefused):
        bench.merge(ab, ab)


def test_undo_of_resize_by_word_and_of_a_link_that_made_a_partner(
    bench: Workbench, seeds: dict[str, Document], store: Store
) -> None:
    newsy, wire = seeds["Newsy"], seeds["The Wire"]
    a = tag_as(bench, "me", newsy, 1)
    span = store.span(a)
    assert span is not None
    bench.resize_by_word(a, "end", True)
    bench.resize_by_word(a, "start", True)
    assert (store.span(a).start, store.span(a).end) != (span.start, span.end)  # type: ignore[union-attr]
    bench.undo()
    bench.undo()
    assert (store.span(a).start, store.span(a).end) == (span.start, span.end)  # type: ignore[union-attr]
    # A link to a passage makes the partner span; one undo takes link and partner away.
    from newsreader.annotations.model import Passage

    start, end = wire.sentences[2]
    linked = bench.link(a, Passage(wire.id, start, end))
    assert store.spans(wire.id) and linked.group_id is not None
    bench.undo()
    assert store.spans(wire.id) == [] and store.groups() == []
    assert store.span(a) is not None


def test_the_annotator_view_filters_marks_and_the_span_under_the_cursor(
    bench: Workbench, seeds: dict[str, Document], store: Store
) -> None:
    newsy = seeds["Newsy"]
    mine = tag_as(bench, "me", newsy, 1)
    theirs = tag_as(bench, "bo", newsy, 2)
    tag_as(bench, "cy", newsy, 3)
    assert bench.annotators() == ["bo", "cy", "me"]
    start_mine, start_theirs = newsy.sentences[1][0], newsy.sentences[2][0]
    assert bench.view is None and bench.view_count() == 3
    # Everyone's, mine, then each other annotator's, then everyone's again.
    assert "only me" in bench.cycle_view("me") and bench.view == "me"
    assert bench.view_count() == 1
    kinds = {(s, k) for s, _e, k in bench.marks(newsy.id)}
    assert (start_mine, "claim") in kinds and (start_theirs, "claim") not in kinds
    assert bench.span_at(newsy.id, start_theirs) is None
    assert bench.span_at(newsy.id, start_mine).id == mine  # type: ignore[union-attr]
    bench.cycle_view("me")
    assert bench.view == "bo"
    assert bench.span_at(newsy.id, start_theirs).id == theirs  # type: ignore[union-attr]
    bench.cycle_view("me")
    assert bench.view == "cy"
    assert "every" in bench.cycle_view("me") and bench.view is None
    # The per-annotator count follows edits (and undo) without a rescan.
    bench.set_view("bo")
    tag_as(bench, "bo", newsy, 4)
    assert bench.view_count() == 2
    bench.delete(theirs)
    assert bench.view_count() == 1
    bench.undo()
    assert bench.view_count() == 2


def test_story_spans_group_by_article_and_filter_by_label_and_annotator(
    bench: Workbench, seeds: dict[str, Document], store: Store
) -> None:
    newsy, wire = seeds["Newsy"], seeds["The Wire"]
    a = tag_as(bench, "me", newsy, 1)
    b = tag_as(bench, "bo", newsy, 2, "quote")
    c = tag_as(bench, "bo", wire, 1)
    every = bench.story_spans([newsy.id, wire.id, newsy.id])
    assert [(doc, [s.id for s in spans]) for doc, spans in every] == [
        (newsy.id, [a, b]),
        (wire.id, [c]),
    ]
    by_bo = bench.story_spans([newsy.id, wire.id], annotator="bo")
    assert [[s.id for s in spans] for _doc, spans in by_bo] == [[b], [c]]
    quotes = bench.story_spans([newsy.id, wire.id], label="quote")
    assert [[s.id for s in spans] for _doc, spans in quotes] == [[b], []]
