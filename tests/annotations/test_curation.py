"""Curation of one article annotated by two or more people into a curated layer."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from newsreader.annotations.agreement import agreement, from_store
from newsreader.annotations.curation import Curation, word_boundary
from newsreader.annotations.jsonl import export_lines
from newsreader.annotations.model import Span, context, new_id, now
from newsreader.annotations.store import EditError, Store
from newsreader.corpus import Document


@pytest.fixture
def doc(seeds: dict[str, Document]) -> Document:
    return max(seeds.values(), key=lambda d: len(d.sentences))


def tag(
    store: Store,
    doc: Document,
    who: str,
    start: int,
    end: int,
    label: str,
    attributes: dict[str, str] | None = None,
) -> Span:
    """A span by ``who``, put in as an import puts it (the store's create_span refuses a
    passage another annotator already tagged with the same label)."""
    prefix, suffix = context(doc.text, start, end)
    span = Span(
        id=new_id("s"),
        doc_id=doc.id,
        doc_hash=doc.content_hash,
        start=start,
        end=end,
        text=doc.text[start:end],
        prefix=prefix,
        suffix=suffix,
        label=label,
        attributes=dict(attributes or {}),
        annotator=who,
        created=now(),
        modified=now(),
    )
    store.import_spans([span], {}, [])
    return span


@pytest.fixture
def store(tmp_path: Path, doc: Document) -> Iterator[Store]:
    """ana and bo on one article: they agree on sentence 0; on sentence 1 ana says claim and bo
    quote; on sentence 2 only ana marked anything; on sentence 3 bo's span is shorter and
    quotes another speaker; sentence 4 both call a quote of Kerry, differently spelt."""
    s = Store.open(tmp_path / "s.json", annotator="me")
    s.attach([doc])
    sent = doc.sentences
    tag(s, doc, "ana", *sent[0], "claim")
    tag(s, doc, "ana", *sent[1], "claim")
    tag(s, doc, "ana", *sent[2], "claim")
    tag(s, doc, "ana", *sent[3], "quote", {"speaker": "John Kerry"})
    tag(s, doc, "ana", *sent[4], "quote", {"speaker": "Kerry"})
    tag(s, doc, "bo", *sent[0], "claim")
    tag(s, doc, "bo", *sent[1], "quote", {"speaker": "Marie Harf"})
    tag(s, doc, "bo", sent[3][0], sent[3][1] - 2, "quote", {"speaker": "Harf"})
    tag(s, doc, "bo", *sent[4], "quote", {"speaker": " kerry"})
    s.annotator = "me"
    yield s
    s.close()


def test_agreements_and_disagreements(store: Store, doc: Document) -> None:
    curation = Curation(store, doc.id)
    assert curation.annotators == ("ana", "bo")
    assert [(s.start, s.end) for s in curation.agreements] == [doc.sentences[0], doc.sentences[4]]
    items = curation.disagreements
    assert [(d.start, d.end) for d in items] == [
        doc.sentences[1],
        doc.sentences[2],
        doc.sentences[3],
    ]
    assert items[0].version("ana").describe().startswith("claim ")
    assert items[0].version("bo").describe().endswith("(Marie Harf)")
    assert items[1].version("bo").spans == ()
    assert items[1].version("bo").describe() == "nothing"
    assert [curation.status(d) for d in items] == ["open"] * 3
    assert curation.open_count == 3


def test_accept_agreements_makes_the_curated_layer_in_one_edit(store: Store, doc: Document) -> None:
    curation = Curation(store, doc.id)
    before = len(store.history())
    assert curation.accept_agreements() == 2
    assert len(store.history()) == before + 1
    curated = curation.curated_spans()
    assert [(s.start, s.end, s.label, s.annotator) for s in curated] == [
        (*doc.sentences[0], "claim", "curated"),
        (*doc.sentences[4], "quote", "curated"),
    ]
    assert all(s.text == doc.text[s.start : s.end] for s in curated)
    assert store.history()[-1].label.startswith("curate: accept 2 agreements")
    assert store.annotator == "me"  # the store's own annotator is left as it was
    assert curation.accept_agreements() == 0  # already there
    store.undo()
    assert curation.curated_spans() == []
    # the annotators' own spans are untouched throughout
    assert {s.annotator for s in store.spans(doc.id)} == {"ana", "bo"}


def test_take_a_take_b_neither_and_undo(store: Store, doc: Document) -> None:
    curation = Curation(store, doc.id)
    first, second, third = curation.disagreements
    taken = curation.take(first, "ana")
    assert [(s.label, s.annotator) for s in taken] == [("claim", "curated")]
    assert curation.status(first) == "ana"
    curation.take(first, "bo")  # changing one's mind replaces ana's version
    [span] = curation.curated_spans(first)
    assert (span.label, span.speaker) == ("quote", "Marie Harf")
    assert curation.status(first) == "bo"
    curation.neither(second)
    assert curation.status(second) == "neither"
    assert curation.curated_spans(second) == []
    curation.take(third, "bo")  # bo marked a shorter span
    [short] = curation.curated_spans(third)
    assert (short.start, short.end) == (doc.sentences[3][0], doc.sentences[3][1] - 2)
    assert curation.open_count == 0
    # undo reverts whole steps, newest first: take bo (third), neither, take bo (first)
    assert curation.undo()
    assert curation.status(third) == "open"
    assert curation.undo()
    assert curation.status(second) == "open"
    assert curation.undo()
    assert curation.status(first) == "ana"
    assert curation.undo()
    assert curation.status(first) == "open"
    assert not curation.undo()
    assert curation.curated_spans() == []


def test_taking_an_empty_version_is_neither(store: Store, doc: Document) -> None:
    curation = Curation(store, doc.id)
    second = curation.disagreements[1]
    curation.take(second, "ana")
    assert curation.status(second) == "ana"
    assert curation.take(second, "bo") == []
    assert curation.status(second) == "neither"


def test_edit_changes_label_speaker_and_extent(store: Store, doc: Document) -> None:
    curation = Curation(store, doc.id)
    first, _, third = curation.disagreements
    edited = curation.edit(first, label="quote", attributes={"speaker": "Jen Psaki"})
    assert (edited.label, edited.speaker, edited.annotator) == ("quote", "Jen Psaki", "curated")
    assert (edited.start, edited.end) == doc.sentences[1]
    assert curation.status(first) == "edited"
    again = curation.edit(first, label="claim", attributes={})
    assert again.id == edited.id  # the curated span is changed, not copied
    assert [s.label for s in curation.curated_spans(first)] == ["claim"]
    start, end = doc.sentences[3]
    moved = curation.edit(third, start=start + 1, end=end - 1)
    assert moved.text == doc.text[start + 1 : end - 1]
    assert moved.prefix == doc.text[max(0, start + 1 - 32) : start + 1]
    with pytest.raises(EditError):
        curation.edit(third, start=end - 1, end=end - 1)
    with pytest.raises(EditError):
        curation.edit(third, label="no-such-label")
    curation.undo()
    assert curation.curated_spans(third) == []
    curation.undo()
    assert curation.curated_spans(first)[0].label == "quote"


def test_three_annotators_agree_only_where_all_do(store: Store, doc: Document) -> None:
    tag(store, doc, "cy", *doc.sentences[4], "quote", {"speaker": "Kerry"})
    curation = Curation(store, doc.id)
    assert curation.annotators == ("ana", "bo", "cy")
    assert [(s.start, s.end) for s in curation.agreements] == [doc.sentences[4]]
    assert len(curation.disagreements[0].versions) == 3
    with pytest.raises(EditError, match="needs two annotators"):
        Curation(store, doc.id, ["ana"])


def test_curated_layer_exports_and_is_compared_by_agree(store: Store, doc: Document) -> None:
    curation = Curation(store, doc.id, curated="final")
    curation.accept_agreements()
    for item in curation.disagreements:
        curation.take(item, "ana")
    lines = [line for line in export_lines(store) if line["annotator"] == "final"]
    assert len(lines) == 5
    pairs = {p.annotators: p for p in agreement(from_store(store).spans)}
    assert pairs[("ana", "final")].exact_f1 == 1.0
    assert pairs[("bo", "final")].exact_f1 == pytest.approx(2 * 3 / (4 + 5))


def test_curation_survives_reopening_the_store(store: Store, doc: Document) -> None:
    curation = Curation(store, doc.id)
    curation.accept_agreements()
    curation.take(curation.disagreements[0], "bo")
    store.close()
    with Store.open(store.path, annotator="me") as again:
        again.attach([doc])
        fresh = Curation(again, doc.id)
        assert [fresh.status(d) for d in fresh.disagreements] == ["bo", "open", "open"]
        assert len(fresh.curated_spans()) == 3


def test_statement_links_are_carried_into_the_curated_layer(
    tmp_path: Path, seeds: dict[str, Document]
) -> None:
    one, two = sorted(seeds.values(), key=lambda d: d.id)[:2]
    with Store.open(tmp_path / "links.json", annotator="me") as store:
        store.attach([one, two])
        ana_one = tag(store, one, "ana", *one.sentences[0], "claim")
        tag(store, one, "bo", *one.sentences[0], "claim")
        ana_two = tag(store, two, "ana", *two.sentences[0], "claim")
        tag(store, two, "bo", *two.sentences[1], "claim")
        store.link(ana_one.id, ana_two.id, "paraphrase")
        first = Curation(store, one.id)
        first.accept_agreements()  # its partner in the other article has no copy yet
        [copy_one] = first.curated_spans()
        assert store.group_of(copy_one.id) is None
        second = Curation(store, two.id)
        ana_item = second.disagreements[0]
        assert ana_item.version("ana").spans[0].id == ana_two.id
        before = len(store.history())
        [copy_two] = second.take(ana_item, "ana")
        assert len(store.history()) == before + 2  # the copy, and its link
        group = store.group_of(copy_two.id)
        assert group is not None
        assert group.members == {copy_one.id: None, copy_two.id: "paraphrase"}
        # the curated layer's groups compare with ana's as equal
        pairs = {p.annotators: p for p in agreement(from_store(store).spans)}
        assert pairs[("ana", "curated")].group_b3_f1 == 1.0
        # undo takes the step back wholly: the copy and its link
        assert second.undo()
        assert second.curated_spans() == []
        assert store.group_of(copy_one.id) is None


def test_word_boundaries() -> None:
    text = "He said it would not be right."
    start, end = text.index("it"), text.index(" be")
    assert text[word_boundary(text, start, -1, edge="start") : end] == "said it would not"
    assert text[word_boundary(text, start, 1, edge="start") : end] == "would not"
    assert text[start : word_boundary(text, end, 1, edge="end")] == "it would not be"
    assert text[start : word_boundary(text, end, -1, edge="end")] == "it would"
    assert word_boundary(text, 0, -1, edge="start") == 0
    assert word_boundary(text, len(text), 1, edge="end") == len(text)


def test_resize_the_curated_span_by_a_word(store: Store, doc: Document) -> None:
    curation = Curation(store, doc.id)
    first = curation.disagreements[0]
    with pytest.raises(EditError, match="take a version first"):
        curation.resize_by_word(first, "end", -1)
    [taken] = curation.take(first, "ana")
    shorter = curation.resize_by_word(first, "end", -1)
    assert shorter.start == taken.start and shorter.end < taken.end
    assert shorter.text == doc.text[shorter.start : shorter.end]
    assert not shorter.text.endswith(" ")
    assert curation.status(first) == "edited"
    curation.undo()
    [back] = curation.curated_spans(first)
    assert (back.start, back.end) == (taken.start, taken.end)
