"""Every user intent of the workbench, without Textual, with its consequences."""

from __future__ import annotations

import io
import itertools
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from newsreader.annotations.jsonl import export_jsonl
from newsreader.annotations.model import Passage, Suggestion
from newsreader.annotations.store import EditError, Store
from newsreader.annotations.workbench import IntentRefused, Workbench, word_step
from newsreader.corpus import Document


@pytest.fixture
def docs(seeds: dict[str, Document]) -> list[Document]:
    return list(seeds.values())


@pytest.fixture
def store(tmp_path: Path, docs: list[Document]) -> Iterator[Store]:
    s = Store.open(tmp_path / "store.json", annotator="tester")
    s.attach(docs)
    yield s
    s.close()


@pytest.fixture
def bench(store: Store, docs: list[Document]) -> Workbench:
    wb = Workbench(store, docs)
    wb.build_linker()
    return wb


def sentence(doc: Document, index: int) -> tuple[int, int]:
    return doc.sentences[index]


def test_tag_returns_what_changed_and_indexes_by_position(
    bench: Workbench, seeds: dict[str, Document]
) -> None:
    doc = seeds["Newsy"]
    start, end = sentence(doc, 2)
    outcome = bench.tag(doc.id, start, end, "claim")
    assert outcome.articles == {doc.id} and len(outcome.spans) == 1
    (span_id,) = outcome.spans
    assert outcome.span_id == span_id and outcome.message == "Claim tagged."
    assert bench.span_at(doc.id, start).id == span_id  # type: ignore[union-attr]
    assert bench.span_at(doc.id, end - 1).id == span_id  # type: ignore[union-attr]
    assert bench.span_at(doc.id, end) is None
    assert bench.count_of(doc.id) == 1
    assert (start, end, "claim") in bench.marks(doc.id)
    # The innermost span wins, and an exact selection wins over it.
    inner = bench.tag(doc.id, start + 4, start + 12, "claim").span_id
    assert bench.span_at(doc.id, start + 5).id == inner  # type: ignore[union-attr]
    assert bench.span_at(doc.id, start + 5, (start, end)).id == span_id  # type: ignore[union-attr]
    # The linker knows the new spans: a query from another article finds the annotation.
    assert bench.linker is not None and span_id in bench.linker._spans


def test_tag_quote_fills_in_the_detected_speaker(
    bench: Workbench, seeds: dict[str, Document]
) -> None:
    doc = seeds["Newsy"]
    quote = next(q for q in doc.quotes if q.speaker == "JOHN KERRY")
    outcome = bench.tag_quote(doc.id, quote.start, quote.end)
    span = bench.store.span(outcome.span_id)  # type: ignore[union-attr, arg-type]
    assert span is not None and span.label == "quote" and span.speaker == "John Kerry"
    assert "John Kerry" in outcome.message
    # A given speaker overrides the detected one; "" gives none.
    other = next(q for q in doc.quotes if q.speaker == "Khamenei")
    made = bench.tag_quote(doc.id, other.start, other.end, "")
    assert bench.store.span(made.span_id).speaker is None  # type: ignore[union-attr, arg-type]
    # A detected quote that is tagged is no longer a suggestion.
    marks = bench.marks(doc.id)
    assert (quote.start, quote.end, "suggest-quote") not in marks
    assert (quote.start, quote.end, "quote") in marks


def test_link_creates_the_partner_with_its_speaker_and_undo_takes_both(
    bench: Workbench, seeds: dict[str, Document], store: Store
) -> None:
    newsy, focus = seeds["Newsy"], seeds["Iran Media Focus"]
    quote = next(q for q in newsy.quotes if q.speaker == "JOHN KERRY")
    made = bench.tag_quote(newsy.id, quote.start, quote.end)
    assert made.span_id is not None
    candidates = bench.candidates(made.span_id)
    top = candidates[0]
    assert top.doc_id == focus.id and top.span_id is None
    outcome = bench.link(made.span_id, top)
    assert outcome.group_id is not None
    assert outcome.articles == {newsy.id, focus.id}
    (group,) = store.groups()
    assert len(group.members) == 2
    partner = next(store.span(m) for m in group.members if m != made.span_id)
    assert partner is not None and partner.label == "quote" and partner.speaker == "Kerry"
    assert bench.count_of(focus.id) == 1
    # One undo removes the link and the span it made; redo brings both back.
    undone = bench.undo()
    assert store.groups() == [] and store.spans(focus.id) == []
    assert focus.id in undone.articles and partner.id in undone.spans
    assert bench.count_of(focus.id) == 0 and bench.span_at(focus.id, partner.start) is None
    assert partner.id not in bench.linker._spans  # type: ignore[union-attr]
    bench.redo()
    assert len(store.groups()) == 1 and len(store.spans(focus.id)) == 1
    assert bench.span_at(focus.id, partner.start).id == partner.id  # type: ignore[union-attr]
    # Linking to an existing span links the two, making nothing.
    claim = bench.tag(focus.id, *sentence(focus, 0), "claim").span_id
    assert claim is not None
    joined = bench.link(made.span_id, claim)
    assert joined.spans == frozenset() and len(store.groups()[0].members) == 3


def test_unlink_relation_dissolve_and_merge(
    bench: Workbench, seeds: dict[str, Document], store: Store
) -> None:
    newsy, wire, focus = seeds["Newsy"], seeds["The Wire"], seeds["Iran Media Focus"]
    a = bench.tag(newsy.id, *sentence(newsy, 1), "claim").span_id
    b = bench.tag(wire.id, *sentence(wire, 1), "claim").span_id
    c = bench.tag(focus.id, *sentence(focus, 1), "claim").span_id
    d = bench.tag(focus.id, *sentence(focus, 2), "claim").span_id
    assert a and b and c and d
    group_ab = bench.link(a, b).group_id
    group_cd = bench.link(c, d).group_id
    assert group_ab and group_cd and group_ab != group_cd
    outcome = bench.set_relation(b, "paraphrase")
    assert store.group(group_ab).members[b] == "paraphrase"  # type: ignore[union-attr]
    assert outcome.articles >= {wire.id}
    bench.cycle_relation(b)
    assert store.group(group_ab).members[b] == "contradicts"  # type: ignore[union-attr]
    with pytest.raises(EditError):
        bench.set_relation(b, "nonsense")
    merged = bench.merge(group_ab, group_cd)
    assert merged.group_id == group_ab
    assert set(store.group(group_ab).members) == {a, b, c, d}  # type: ignore[union-attr]
    assert store.group(group_cd) is None
    assert store.group(group_ab).members[b] == "contradicts"  # type: ignore[union-attr]
    bench.undo()
    assert store.group(group_cd) is not None and len(store.groups()) == 2
    bench.redo()
    bench.unlink(c)
    assert store.group_of(c) is None and set(store.group(group_ab).members) == {a, b, d}  # type: ignore[union-attr]
    with pytest.raises(EditError):
        bench.unlink(c)
    dissolved = bench.dissolve(group_ab)
    assert store.groups() == [] and len(store.spans()) == 4
    assert dissolved.articles == {newsy.id, wire.id, focus.id}
    bench.undo()  # one step brings the whole group back
    assert set(store.group(group_ab).members) == {a, b, d}  # type: ignore[union-attr]


def test_accept_and_reject_detected_quotes(
    bench: Workbench, seeds: dict[str, Document], store: Store
) -> None:
    doc = seeds["Newsy"]
    quote = next(q for q in doc.quotes if q.speaker == "MARIE HARF")
    found = bench.suggestion_at(doc.id, quote.start + 3)
    assert found is not None and found.kind == "quote" and found.speaker == "Marie Harf"
    outcome = bench.accept(doc.id, quote.start + 3)
    (span,) = store.spans(doc.id)
    assert (span.start, span.end, span.label, span.speaker) == (
        quote.start,
        quote.end,
        "quote",
        "Marie Harf",
    )
    assert outcome.span_id == span.id
    assert bench.suggestion_at(doc.id, quote.start + 3) is None
    other = next(q for q in doc.quotes if q.speaker == "Khamenei")
    bench.reject(doc.id, other.start)
    assert store.is_rejected_quote(Passage(doc.id, other.start, other.end))
    assert (other.start, other.end, "suggest-quote") not in bench.marks(doc.id)
    with pytest.raises(IntentRefused, match="no suggestion"):
        bench.accept(doc.id, other.start)


def test_accept_and_reject_stored_link_suggestions(
    bench: Workbench, seeds: dict[str, Document], store: Store
) -> None:
    newsy, wire = seeds["Newsy"], seeds["The Wire"]
    source = Passage(newsy.id, *sentence(newsy, 3))
    target = Passage(wire.id, *sentence(wire, 3))
    store.replace_suggestions([newsy.id], [Suggestion(source, target, 80.0)])
    assert (target.start, target.end, "suggest-link") in bench.marks(wire.id)
    found = bench.suggestion_at(wire.id, target.start)
    assert found is not None and found.kind == "link" and found.there == source
    outcome = bench.accept(wire.id, target.start)
    (group,) = store.groups()
    assert outcome.group_id == group.id and len(store.spans()) == 2
    assert {s.label for s in store.spans()} == {"claim"}
    bench.undo()  # the link and both claims it made go in one step
    assert store.spans() == [] and store.groups() == []
    bench.reject(newsy.id, source.start)
    assert store.is_rejected_link(source, target)
    assert bench.suggestion_at(wire.id, target.start) is None
    assert (target.start, target.end, "suggest-link") not in bench.marks(wire.id)


def test_edit_resize_delete_undo_redo(
    bench: Workbench, seeds: dict[str, Document], store: Store
) -> None:
    doc = seeds["Breitbart"]
    start, end = sentence(doc, 4)
    span_id = bench.tag(doc.id, start, end, "claim").span_id
    assert span_id
    bench.edit(span_id, label="quote", attributes={"speaker": "Someone", "note": "check"})
    span = store.span(span_id)
    assert (
        span is not None
        and span.label == "quote"
        and span.attributes
        == {
            "speaker": "Someone",
            "note": "check",
        }
    )
    grown = bench.resize_by_word(span_id, "end", grow=True)
    span = store.span(span_id)
    assert span is not None and span.end > end and grown.articles == {doc.id}
    assert bench.span_at(doc.id, span.end - 1).id == span_id  # type: ignore[union-attr]
    bench.resize_by_word(span_id, "end", grow=False)
    bench.resize_by_word(span_id, "start", grow=False)
    span = store.span(span_id)
    assert span is not None and span.start > start and span.end == end
    assert bench.span_at(doc.id, start) is None
    bench.resize(span_id, start, end)
    assert (store.span(span_id).start, store.span(span_id).end) == (start, end)  # type: ignore[union-attr]
    deleted = bench.delete(span_id)
    assert store.spans() == [] and span_id in deleted.spans
    assert bench.span_at(doc.id, start) is None
    assert bench.undo().message.startswith("Undone: delete")
    assert bench.span_at(doc.id, start).id == span_id  # type: ignore[union-attr]
    assert bench.redo().message.startswith("Redone: delete")
    while store.can_undo:
        bench.undo()
    with pytest.raises(IntentRefused, match="Nothing"):
        bench.undo()


def test_import_is_one_edit_and_updates_every_index(
    bench: Workbench, seeds: dict[str, Document], store: Store, tmp_path: Path
) -> None:
    doc = seeds["The Wire"]
    ids = [bench.tag(doc.id, *sentence(doc, i), "claim").span_id for i in range(3)]
    out = io.StringIO()
    export_jsonl(store, out)
    path = tmp_path / "export.jsonl"
    path.write_text(out.getvalue())
    for span_id in ids:
        assert span_id
        bench.delete(span_id)
    assert bench.count_of(doc.id) == 0
    outcome, result = bench.import_file(path)
    assert not result.problems and outcome.spans == set(ids)
    assert bench.count_of(doc.id) == 3
    assert all(i in bench.linker._spans for i in ids)  # type: ignore[union-attr]
    bench.undo()
    assert bench.count_of(doc.id) == 0 and store.spans() == []


def test_refusals_without_store_read_only_or_index(
    tmp_path: Path, docs: list[Document], seeds: dict[str, Document]
) -> None:
    doc = seeds["Newsy"]
    bare = Workbench(None, docs)
    with pytest.raises(IntentRefused, match="no store"):
        bare.tag(doc.id, 0, 5, "claim")
    assert bare.counts() == {"spans": 0, "groups": 0}
    # Without a store the detected quotes are still offered, and the view is readable.
    assert any(kind == "suggest-quote" for *_, kind in bare.marks(doc.id))
    Store.open(tmp_path / "ro.json").close()
    with (
        Store.open(tmp_path / "ro.json", read_only=True) as ro,
        pytest.raises(IntentRefused, match="read-only"),
    ):
        Workbench(ro, docs).tag(doc.id, 0, 5, "claim")
    with Store.open(tmp_path / "s.json") as store:
        store.attach(docs)
        wb = Workbench(store, docs)
        span_id = wb.tag(doc.id, *sentence(doc, 1), "claim").span_id
        assert span_id
        with pytest.raises(IntentRefused, match="indexing"):
            wb.candidates(span_id)
        # Edits made before the index is built reach it when it is.
        linker = wb.build_linker()
        assert span_id in linker._spans


def test_changes_from_elsewhere_update_the_indices(
    bench: Workbench, seeds: dict[str, Document], store: Store
) -> None:
    doc = seeds["Newsy"]
    start, end = sentence(doc, 5)
    assert bench.span_at(doc.id, start) is None  # builds the article's position index
    made = store.create_span(doc.id, start, end, "claim")  # not through the workbench
    assert bench.span_at(doc.id, start) == made
    seen = []
    bench.subscribe(seen.append)
    store.delete_span(made.id)
    assert bench.span_at(doc.id, start) is None and seen and made.id in seen[0].spans


@pytest.mark.parametrize(
    ("side", "grow", "expected"),
    [
        ("end", True, "quick brown fox"),
        ("end", False, "quick"),
        ("start", True, "The quick brown"),
        ("start", False, "brown"),
    ],
)
def test_word_step(side: str, grow: bool, expected: str) -> None:
    text = "The quick brown fox."
    start, end = text.index("quick"), text.index("brown") + len("brown")
    new = word_step(text, start, end, side, grow)  # type: ignore[arg-type]
    assert text[new[0] : new[1]] == expected
    # At the edge of the text, or with one word left, nothing changes.
    assert word_step("fox", 0, 3, "end", True) == (0, 3)
    assert word_step("fox", 0, 3, "start", False) == (0, 3)


def test_building_the_index_pauses_between_small_steps(
    store: Store, docs: list[Document], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The app's index worker gives way to the user between steps (``tui/yielding.py``): no
    step indexes more than one article or a few dozen spans, however many the store holds;
    otherwise each key pressed while a big store is indexed waits behind a long step."""
    from newsreader.annotations import workbench as workbench_module
    from newsreader.annotations.linking import Linker

    doc = max(docs, key=lambda d: len(d.text))
    words = [m.span() for m in re.finditer(r"\S+", doc.text)]
    many = 3 * workbench_module._SPANS_PER_STEP + 5
    assert len(words) > many
    for (a, _), (_, b) in itertools.pairwise(words[: many + 1]):
        store.create_span(doc.id, a, b, "claim")
    done = {"doc": 0, "span": 0}
    most = {"doc": 0, "span": 0}
    steps = []

    def counting(kind: str, method):  # type: ignore[no-untyped-def]
        def wrapped(self, item):  # type: ignore[no-untyped-def]
            done[kind] += 1
            most[kind] = max(most[kind], done[kind])
            return method(self, item)

        return wrapped

    monkeypatch.setattr(Linker, "add_document", counting("doc", Linker.add_document))
    monkeypatch.setattr(Linker, "add_span", counting("span", Linker.add_span))

    def pause() -> None:
        steps.append(dict(done))
        done.update(doc=0, span=0)

    linker = Workbench(store, docs).build_linker(pause)
    assert len(linker._spans) == many  # every span indexed, between pauses
    assert most["doc"] == 1 and most["span"] == workbench_module._SPANS_PER_STEP
    assert len(steps) >= len(docs) + many // workbench_module._SPANS_PER_STEP
