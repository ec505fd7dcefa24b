"""The store's edits, groups, history and persistence, used as the TUI and the CLI use them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from tinydb import TinyDB

from newsreader.annotations.journal import SCHEMA_VERSION, StoreReadOnly, journal_path, lock_path
from newsreader.annotations.model import Passage, Span
from newsreader.annotations.store import HISTORY_LIMIT, EditError, Store, StoreChange
from newsreader.corpus import Document


@pytest.fixture
def docs(seeds: dict[str, Document]) -> list[Document]:
    return list(seeds.values())


@pytest.fixture
def store(tmp_path: Path, docs: list[Document]) -> Store:
    s = Store.open(tmp_path / "store.json", annotator="tester")
    s.attach(docs)
    yield s
    s.close()


def reopen(store: Store, docs: list[Document]) -> Store:
    store.close()
    again = Store.open(store.path, annotator="tester")
    again.attach(docs)
    return again


def first_sentence(doc: Document, index: int = 0) -> tuple[int, int]:
    return doc.sentences[index]


def test_create_span_keeps_text_context_and_metadata(store: Store, docs: list[Document]) -> None:
    doc = docs[1]
    start, end = first_sentence(doc, 3)
    span = store.create_span(doc.id, start, end, "quote", {"speaker": "John Kerry", "note": " x "})
    assert span.text == doc.text[start:end]
    assert span.prefix == doc.text[max(0, start - 32) : start]
    assert span.suffix == doc.text[end : end + 32]
    assert span.doc_hash == doc.content_hash
    assert span.speaker == "John Kerry"
    assert span.attributes == {"speaker": "John Kerry", "note": "x"}
    assert span.annotator == "tester"
    assert span.created == span.modified and span.created.endswith("Z")
    assert store.spans(doc.id) == [span]


@pytest.mark.parametrize(
    ("start", "end", "label", "message"),
    [
        (10, 5, "claim", "empty"),
        (0, 10**7, "claim", "run outside the article"),
        (-1, 5, "claim", "run outside the article"),
        (0, 20, "opinion", "unknown label 'opinion'"),
    ],
)
def test_bad_spans_are_refused_with_reasons(
    store: Store, docs: list[Document], start: int, end: int, label: str, message: str
) -> None:
    with pytest.raises(EditError, match=message):
        store.create_span(docs[0].id, start, end, label)
    assert store.spans() == []
    assert not store.can_undo


def test_duplicate_tags_and_unknown_articles_are_refused(
    store: Store, docs: list[Document]
) -> None:
    store.create_span(docs[0].id, 0, 20, "claim")
    with pytest.raises(EditError, match="already tagged as claim"):
        store.create_span(docs[0].id, 0, 20, "claim")
    store.create_span(docs[0].id, 0, 20, "quote")  # another label on the same words is fine
    with pytest.raises(EditError, match="not open"):
        store.create_span("nope", 0, 20, "claim")
    with pytest.raises(EditError, match="attribute 'x' must be text"):
        store.create_span(docs[0].id, 0, 21, "claim", {"x": [1, 2]})


def test_configured_labels_and_relations(tmp_path: Path, docs: list[Document]) -> None:
    with Store.open(tmp_path / "s.json", labels=["opinion"], relations=["exaggerates"]) as store:
        store.attach(docs)
        a = store.create_span(docs[0].id, 0, 20, "opinion")
        b = store.create_span(docs[1].id, 0, 20, "claim")
        store.link(a.id, b.id, "exaggerates")
        assert "opinion" in store.labels
    # A store that holds a label keeps offering it even when the configuration dropped it.
    with Store.open(tmp_path / "s.json") as store:
        assert "opinion" in store.labels


def test_linking_builds_and_merges_groups(store: Store, docs: list[Document]) -> None:
    a, b, c, d = (store.create_span(doc.id, 0, 30, "claim") for doc in docs[:4])
    group = store.link(a.id, b.id)
    assert group.members == {a.id: None, b.id: None}
    assert store.link(b.id, c.id, "paraphrase").id == group.id  # A-B and B-C: one group
    assert store.group_of(c.id).members[c.id] == "paraphrase"  # type: ignore[union-attr]
    other = store.link(d.id, docs and store.create_span(docs[4].id, 0, 30, "claim").id)
    merged = store.link(a.id, d.id, "misquote")
    assert merged.id == group.id and store.group(other.id) is None
    assert len(merged.members) == 5 and merged.members[d.id] == "misquote"
    store.unlink(b.id)  # the rest stay linked
    assert store.group_of(b.id) is None and len(store.group_of(a.id).members) == 4  # type: ignore[union-attr]
    store.set_relation(c.id, "contradicts")
    assert store.group_of(c.id).members[c.id] == "contradicts"  # type: ignore[union-attr]
    with pytest.raises(EditError, match="unknown relation"):
        store.set_relation(c.id, "rhymes")
    with pytest.raises(EditError, match="itself"):
        store.link(a.id, a.id)


def test_unlinking_down_to_one_member_dissolves_the_group(
    store: Store, docs: list[Document]
) -> None:
    a, b = (store.create_span(doc.id, 0, 30, "claim") for doc in docs[:2])
    store.link(a.id, b.id)
    store.delete_span(b.id)
    assert store.group_of(a.id) is None and store.groups() == []
    with pytest.raises(EditError, match="not linked"):
        store.unlink(a.id)


def test_every_kind_of_edit_undoes_and_redoes(store: Store, docs: list[Document]) -> None:
    doc = docs[0]
    states = []

    def snapshot() -> tuple[object, ...]:
        return (
            tuple(store.spans()),
            tuple((g.id, tuple(sorted(g.members.items(), key=str))) for g in store.groups()),
            tuple(d.key for d in store.decisions()),
        )

    states.append(snapshot())
    a = store.create_span(doc.id, 0, 40, "claim")
    states.append(snapshot())
    b = store.create_span(docs[1].id, 10, 50, "quote", {"speaker": "Kerry"})
    states.append(snapshot())
    store.relabel(a.id, "quote")
    states.append(snapshot())
    store.set_attributes(a.id, {"speaker": "Harf", "note": "check"})
    states.append(snapshot())
    store.resize(a.id, 5, 60)
    states.append(snapshot())
    store.link(a.id, b.id, "paraphrase")
    states.append(snapshot())
    store.unlink(b.id)
    states.append(snapshot())
    store.reject_link(Passage(doc.id, 0, 10), Passage(docs[1].id, 0, 10))
    states.append(snapshot())
    store.delete_span(a.id)
    states.append(snapshot())
    for expected in reversed(states[:-1]):
        assert store.undo() is not None
        assert snapshot() == expected
    assert store.undo() is None
    for expected in states[1:]:
        assert store.redo() is not None
        assert snapshot() == expected
    assert store.redo() is None


def test_a_new_edit_after_undo_drops_the_redo_tail(store: Store, docs: list[Document]) -> None:
    a = store.create_span(docs[0].id, 0, 40, "claim")
    store.delete_span(a.id)
    store.undo()
    store.create_span(docs[0].id, 50, 80, "claim")
    assert not store.can_redo
    assert [h.undone for h in store.history()] == [False, False]


def test_edits_and_undo_survive_a_restart(
    tmp_path: Path, store: Store, docs: list[Document]
) -> None:
    a = store.create_span(docs[0].id, 0, 40, "claim")
    b = store.create_span(docs[1].id, 0, 40, "quote", {"speaker": "Kerry"})
    store.link(a.id, b.id)
    store.undo()  # the link
    store = reopen(store, docs)
    assert {s.id for s in store.spans()} == {a.id, b.id}
    assert store.group_of(a.id) is None
    assert store.redo() is not None  # redo survives too
    assert store.group_of(a.id) is not None
    store.undo()
    store.undo()
    store.undo()
    assert store.spans() == []
    store.close()


def test_undo_stops_where_spans_were_moved_for_a_changed_article(
    tmp_path: Path, store: Store, docs: list[Document]
) -> None:
    doc = docs[0]
    start, end = doc.sentences[5]
    store.create_span(doc.id, start, end, "claim")
    changed = Document(
        id=doc.id,
        path=doc.path,
        text="Inserted words at the top. " + doc.text,
        content_hash="changed",
        title=doc.title,
        outlet=doc.outlet,
        date=doc.date,
        url=doc.url,
        structure=doc.structure,
    )
    report = store.attach([changed])
    assert len(report.moved) == 1
    assert store.undo() is None  # going back would put the span on the wrong words
    assert store.spans()[0].start == start + len("Inserted words at the top. ")


def test_store_is_a_tinydb_file_and_leaves_nothing_behind(
    tmp_path: Path, store: Store, docs: list[Document]
) -> None:
    store.create_span(docs[0].id, 0, 40, "claim")
    store.flush()
    assert journal_path(store.path).exists() and lock_path(store.path).exists()
    store.close()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["store.json"]
    with TinyDB(store.path) as db:
        (record,) = db.table("spans").all()
        assert record["text"] == docs[0].text[0:40]
        assert db.table("meta").get(doc_id=1)["schema"] == SCHEMA_VERSION  # type: ignore[index]


def test_read_only_store_refuses_edits(tmp_path: Path, docs: list[Document]) -> None:
    with Store.open(tmp_path / "s.json") as store:
        store.attach(docs)
        store.create_span(docs[0].id, 0, 40, "claim")
    with Store.open(tmp_path / "s.json", read_only=True) as store:
        store.attach(docs)
        assert len(store.spans()) == 1
        with pytest.raises(StoreReadOnly):
            store.create_span(docs[0].id, 50, 60, "claim")


def test_history_is_trimmed_to_its_limit(
    tmp_path: Path, docs: list[Document], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("newsreader.annotations.store.HISTORY_LIMIT", 5)
    with Store.open(tmp_path / "s.json") as store:
        store.attach(docs)
        for i in range(8):
            store.create_span(docs[0].id, i, i + 10, "claim")
    with Store.open(tmp_path / "s.json") as store:
        assert len(store.history()) == 5
        while store.undo():
            pass
        assert len(store.spans()) == 3
    assert HISTORY_LIMIT >= 1000


def test_saved_indicator_and_durable_callback(tmp_path: Path, docs: list[Document]) -> None:
    seen: list[int] = []
    with Store.open(tmp_path / "s.json", on_durable=seen.append) as store:
        store.attach(docs)
        store.create_span(docs[0].id, 0, 40, "claim")
        store.flush()
        assert store.saved and seen and seen[-1] == store.storage.seq


def test_listeners_hear_what_each_edit_undo_and_redo_changed(
    store: Store, docs: list[Document]
) -> None:
    heard: list[StoreChange] = []
    store.subscribe(heard.append)
    a = store.create_span(docs[0].id, *first_sentence(docs[0]), "claim")
    b = store.create_span(docs[1].id, *first_sentence(docs[1]), "claim")
    assert [c.spans for c in heard] == [{a.id}, {b.id}]
    assert heard[0].documents == {docs[0].id} and not heard[0].groups
    heard.clear()
    group = store.link(a.id, b.id)
    assert heard[-1].groups == {group.id}
    assert heard[-1].documents == {docs[0].id, docs[1].id}
    heard.clear()
    store.undo()
    assert heard and heard[-1].groups == {group.id} and store.group_of(a.id) is None
    heard.clear()
    store.redo()
    assert heard[-1].groups == {group.id}
    heard.clear()
    store.reject_quote(Passage(docs[2].id, 0, 5))
    assert heard[-1].decisions and not heard[-1].spans
    store.unsubscribe(heard.append)
    heard.clear()
    store.delete_span(a.id)
    assert heard == []


def import_batch(doc: Document, count: int, annotator: str = "bulk") -> list[Span]:
    stamp = "2026-01-01T00:00:00.000Z"
    return [
        Span(
            id=f"s_{i:016x}",
            doc_id=doc.id,
            doc_hash=doc.content_hash,
            start=i,
            end=i + 5,
            text=doc.text[i : i + 5],
            prefix="",
            suffix="",
            label="claim",
            attributes={},
            annotator=annotator,
            created=stamp,
            modified=stamp,
        )
        for i in range(count)
    ]


def test_an_import_is_one_edit_whose_history_keeps_key_ranges_not_records(
    store: Store, docs: list[Document]
) -> None:
    kept = store.create_span(docs[1].id, 0, 10, "claim")
    spans = import_batch(docs[0], 2000)
    counts = store.import_spans(iter(spans), {}, [])
    assert counts == {"new": 2000, "updated": 0, "unchanged": 0}
    entry = store.storage.table("history")[str(store.history()[-1].n)]
    assert entry["saved"] == [] and len(entry["absent"]["spans"]) == 1  # one range of keys
    assert len(json.dumps(entry)) < 300
    assert store.undo() is not None
    assert [s.id for s in store.spans()] == [kept.id]
    undone = store.storage.table("history")[str(store.history()[-1].n)]
    assert len(undone["saved"]) == 2000  # while undone, it holds what redo puts back
    store = reopen(store, docs)
    assert store.redo() is not None
    assert len(store.spans()) == 2001
    assert store.span(spans[5].id) == spans[5]
    store.close()


def test_import_moves_spans_between_groups_in_one_pass(store: Store, docs: list[Document]) -> None:
    a, b, c = (store.create_span(docs[i].id, 0, 10, "claim") for i in range(3))
    first = store.link(a.id, b.id)
    store.link(a.id, c.id)
    # Move b and c into a new group g2; a stays alone in its group, which is kept.
    store.import_spans(
        [], {b.id: ("g_2", "paraphrase"), c.id: ("g_2", None), a.id: (first.id, None)}, []
    )
    assert store.group_of(b.id).id == "g_2"  # type: ignore[union-attr]
    assert store.group("g_2").members == {b.id: "paraphrase", c.id: None}  # type: ignore[union-attr]
    assert store.group(first.id).members == {a.id: None}  # type: ignore[union-attr]
    # Taking the last member out of a group deletes it; undo puts everything back.
    store.import_spans([], {a.id: (None, None)}, [])
    assert store.group(first.id) is None and store.group_of(a.id) is None
    store.undo()
    store.undo()
    assert store.group(first.id).members == {a.id: None, b.id: None, c.id: None}  # type: ignore[union-attr]
    assert store.group("g_2") is None
