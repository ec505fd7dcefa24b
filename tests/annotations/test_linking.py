"""The linking engine on the seeds: the statements it must find, index updates, store marks."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from newsreader.annotations.linking import Linker, align, statement_sentences, terms
from newsreader.annotations.model import Passage, Suggestion
from newsreader.annotations.store import Store
from newsreader.corpus import Document, analyse, content_hash
from newsreader.tui.cli import cli

KERRY_NEWSY = "it would not be right for any number of reasons"
HARF = "we are not coordinating with"


@pytest.fixture(scope="module")
def linker(seeds: dict[str, Document]) -> Linker:
    index = Linker()
    index.add_documents(seeds.values())
    return index


def at(doc: Document, words: str) -> tuple[int, int]:
    start = doc.text.index(words)
    return start, start + len(words)


def outlet_of(seeds: dict[str, Document], doc_id: str) -> str:
    return next(outlet for outlet, doc in seeds.items() if doc.id == doc_id)


def test_kerrys_words_find_the_other_outlets_version_first(
    seeds: dict[str, Document], linker: Linker
) -> None:
    newsy = seeds["Newsy"]
    (first, *_) = linker.candidates(newsy.id, *at(newsy, KERRY_NEWSY))
    assert outlet_of(seeds, first.doc_id) == "Iran Media Focus"
    assert "It would not be appropriate" in first.text and "for any number of reasons" in first.text
    # And back: the other outlet's quote finds Kerry's sentence.
    focus = seeds["Iran Media Focus"]
    words = "“It would not be appropriate”, stated Kerry, “for any number of reasons”"
    (back, *_) = linker.candidates(focus.id, *at(focus, words))
    assert outlet_of(seeds, back.doc_id) == "Newsy" and KERRY_NEWSY in back.text


def test_harfs_not_coordinating_finds_the_matching_statements(
    seeds: dict[str, Document], linker: Linker
) -> None:
    newsy = seeds["Newsy"]
    quote = next(q for q in newsy.quotes if HARF in newsy.text[q.start : q.end])
    top = linker.candidates(newsy.id, quote.start, quote.end, top_k=2)
    found = {(outlet_of(seeds, c.doc_id), c.text) for c in top}
    assert found == {
        ("Breitbart", "As we’ve said, we won’t be coordinating military action with Iran."),
        (
            "Current events portal",
            "# The United States says that it will not coordinate with Iran in the fight "
            "against the Islamic State of Iraq and Syria.",
        ),
    }


def test_a_long_quote_finds_the_statement_that_paraphrases_part_of_it(
    seeds: dict[str, Document], linker: Linker
) -> None:
    breitbart = seeds["Breitbart"]
    long_quote = next(
        q
        for q in breitbart.quotes
        if "communicated our intentions" in breitbart.text[q.start : q.end]
    )
    (first, *_) = linker.candidates(breitbart.id, long_quote.start, long_quote.end)
    assert outlet_of(seeds, first.doc_id) == "Newsy" and HARF in first.text


def article(doc_id: str, text: str) -> Document:
    return Document(
        id=doc_id,
        path=f"/virtual/{doc_id}.txt",
        text=text,
        content_hash=content_hash(text),
        title=text.split("\n", 1)[0],
        outlet=doc_id,
        date=None,
        url=None,
        structure=analyse(text, 0),
    )


def test_a_short_claim_finds_the_sentence_that_contains_it() -> None:
    a = article("a", "Talks\n\nThe ministry confirmed the talks would resume in Geneva.\n")
    b = article(
        "b",
        "Diplomacy\n\nOfficials met on Tuesday. The talks with Tehran stalled in the spring. "
        "In a statement late on Monday, a spokesman said the ministry confirmed the talks would "
        "resume in Geneva next month, after weeks of delay and a dispute over sanctions relief. "
        "Geneva has hosted such talks before. A ministry spokesman declined to comment further.\n",
    )
    index = Linker()
    index.add_documents([a, b])
    (first, *_) = index.candidates("a", *at(a, "ministry confirmed the talks would resume"))
    assert "resume in Geneva next month" in first.text


def test_the_index_follows_added_and_removed_articles(
    seeds: dict[str, Document],
) -> None:
    newsy = seeds["Newsy"]
    index = Linker()
    index.add_documents([newsy, seeds["Breitbart"]])
    span = at(newsy, KERRY_NEWSY)
    assert all(c.doc_id != seeds["Iran Media Focus"].id for c in index.candidates(newsy.id, *span))
    index.add_document(seeds["Iran Media Focus"])
    assert index.candidates(newsy.id, *span)[0].doc_id == seeds["Iran Media Focus"].id
    before = len(index)
    index.add_document(seeds["Iran Media Focus"])  # a new version replaces the old one
    assert len(index) == before
    index.remove_document(seeds["Iran Media Focus"].id)
    assert all(c.doc_id != seeds["Iran Media Focus"].id for c in index.candidates(newsy.id, *span))


def test_annotations_are_units_and_the_store_marks_groups_and_rejections(
    tmp_path: Path, seeds: dict[str, Document]
) -> None:
    newsy, focus = seeds["Newsy"], seeds["Iran Media Focus"]
    with Store.open(tmp_path / "s.json") as store:
        store.attach(seeds.values())
        kerry = store.create_span(newsy.id, *at(newsy, KERRY_NEWSY), "quote", {"speaker": "Kerry"})
        words = "“It would not be appropriate”, stated Kerry, “for any number of reasons”"
        other = store.create_span(focus.id, *at(focus, words), "quote", {"speaker": "Kerry"})
        index = Linker()
        index.add_documents(seeds.values())
        index.sync_spans(store.spans())
        (first, *_) = index.candidates(
            newsy.id, kerry.start, kerry.end, store=store, span_id=kerry.id
        )
        assert first.kind == "annotation" and first.span_id == other.id and not first.in_group
        # The same place is offered once, as the annotation.
        places = [
            (c.doc_id, c.start, c.end) for c in index.candidates(newsy.id, kerry.start, kerry.end)
        ]
        assert len(places) == len(set(places))
        store.link(kerry.id, other.id)
        (first, *_) = index.candidates(
            newsy.id, kerry.start, kerry.end, store=store, span_id=kerry.id
        )
        assert first.in_group
        store.unlink(other.id)
        store.reject_link(Passage(newsy.id, kerry.start, kerry.end), first.passage)
        rest = index.candidates(newsy.id, kerry.start, kerry.end, store=store, span_id=kerry.id)
        assert all(c.passage != first.passage for c in rest)
        # Deleting the span takes it out of the index.
        store.delete_span(other.id)
        index.sync_spans(store.spans())
        assert all(
            c.span_id != other.id for c in index.candidates(newsy.id, kerry.start, kerry.end)
        )


def test_ranking_is_deterministic_and_scores_are_0_to_100(
    seeds: dict[str, Document], linker: Linker
) -> None:
    for doc in seeds.values():
        for start, end in statement_sentences(doc)[:8]:
            first = linker.candidates(doc.id, start, end, top_k=5)
            again = linker.candidates(doc.id, start, end, top_k=5)
            assert first == again
            assert all(0 <= c.score <= 100 and c.doc_id != doc.id for c in first)
            assert [c.score for c in first] == sorted((c.score for c in first), reverse=True)


def test_terms_are_stemmed_and_contractions_expanded() -> None:
    assert terms("We won’t be coordinating") == terms("we will not coordinate")
    assert "the" not in terms("the U.S. and the Iranians")


def test_align_pairs_every_sentence_and_stores_suggestions(
    tmp_path: Path, seeds: dict[str, Document]
) -> None:
    docs = list(seeds.values())
    rows = list(align(docs, top_k=2, min_score=40))
    assert len(rows) == sum(len(d.sentences) for d in docs)
    assert list(align(docs, top_k=2, min_score=40, workers=2)) == rows  # shared out, same rows
    pairs = {(r.text, c.text) for r in rows for c in r.candidates}
    assert any(KERRY_NEWSY in a and "appropriate" in b for a, b in pairs)

    from newsreader.corpus import SAMPLE_DIR

    db = tmp_path / "s.json"
    result = CliRunner().invoke(
        cli, ["align", str(SAMPLE_DIR), "--json", "--db", str(db), "--min-score", "40"]
    )
    assert result.exit_code == 0, result.stderr
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert lines and set(lines[0]) == {"source", "target", "score"}
    texts = {d.id: d.text for d in docs}
    for line in lines:
        for side in ("source", "target"):
            part = line[side]
            assert texts[part["doc"]][part["start"] : part["end"]] == part["text"]
        assert line["source"]["doc"] != line["target"]["doc"] and line["score"] >= 40
    assert "stored" in result.stderr
    again = CliRunner().invoke(
        cli,
        [
            "align",
            str(SAMPLE_DIR),
            "--json",
            "--db",
            str(db),
            "--min-score",
            "40",
            "--workers",
            "1",
        ],
    )
    assert again.exit_code == 0
    with Store.open(db) as store:
        stored = store.suggestions()
        assert len(store.storage.table("suggestions")) == len(stored)  # replaced, not added
        assert stored and all(isinstance(s, Suggestion) for s in stored)
        assert len(stored) <= len(lines)  # A→B and B→A are one suggestion
        store.reject_link(stored[0].source, stored[0].target)
        assert stored[0] not in store.suggestions()
    readable = CliRunner().invoke(cli, ["align", str(SAMPLE_DIR), "--workers", "1"])
    assert readable.exit_code == 0 and "candidate pairs scoring 45 or more" in readable.stdout
