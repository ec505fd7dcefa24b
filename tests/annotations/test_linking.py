"""The linking engine on the seeds: the statements it must find, index updates, store marks."""

from __future__ import annotations

import json
from itertools import pairwise
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


def test_align_gives_the_candidates_the_linker_gives(seeds: dict[str, Document]) -> None:
    docs = list(seeds.values())
    index = Linker()
    index.add_documents(docs)
    compared = 0
    for row in align(docs, top_k=2, min_score=25):
        expected = index.candidates(row.doc_id, row.start, row.end, top_k=2, min_score=25)
        if not expected or not row.candidates:
            continue
        first, linked = row.candidates[0], expected[0]
        assert (first.doc_id, first.start, first.end, first.kind) == (
            linked.doc_id,
            linked.start,
            linked.end,
            linked.kind,
        )
        assert abs(first.score - linked.score) <= 0.1
        compared += 1
    assert compared >= 8


def test_align_cuts_the_work_into_chunks_of_sentences_not_articles(
    seeds: dict[str, Document], monkeypatch: pytest.MonkeyPatch
) -> None:
    from newsreader.annotations import aligning

    docs = list(seeds.values())[:2]
    whole = list(align(docs, top_k=3, min_score=30))
    monkeypatch.setattr(aligning, "MAX_CHUNK", 4)
    survey = aligning._survey(docs, None)
    chunks = aligning._chunks(survey, workers=2)
    # Two articles, yet many chunks: both processes have work whatever the number of files.
    assert len(chunks) > 2 * len(docs)
    assert chunks[0][0] == 0 and chunks[-1][1] == sum(len(d.sentences) for d in docs)
    assert all(a[1] == b[0] for a, b in pairwise(chunks))
    assert list(align(docs, top_k=3, min_score=30, workers=2)) == whole
    assert list(align(docs, top_k=3, min_score=30, workers=1)) == whole


def test_align_in_pieces_gives_what_one_piece_gives(seeds: dict[str, Document]) -> None:
    """A corpus indexed a few articles at a time (each piece's shortlists spilled to disk and
    merged per sentence) gives exactly the rows of the one-piece run, whatever the cut."""
    from newsreader.annotations import aligning

    docs = list(seeds.values())
    whole = list(align(docs, top_k=3, min_score=20))
    assert sum(len(r.candidates) for r in whole) > 20
    survey = aligning._survey(docs, None)
    for piece_units in (1, 30, 60):
        assert len(aligning._pieces(survey, piece_units)) > 1
        for workers in (1, 2):
            cut = aligning.align_documents(
                docs,
                top_k=3,
                min_score=20,
                progress=None,
                workers=workers,
                piece_units=piece_units,
            )
            assert list(cut) == whole, (piece_units, workers)


def test_align_reads_a_lazy_corpus_again_for_each_piece(seeds: dict[str, Document]) -> None:
    """``documents`` may load an article when asked: align keeps none between pieces."""
    from collections.abc import Sequence

    from newsreader.annotations import aligning

    docs = list(seeds.values())
    asked: list[int] = []

    class Lazy(Sequence[Document]):
        def __len__(self) -> int:
            return len(docs)

        def __getitem__(self, position: int) -> Document:  # type: ignore[override]
            asked.append(position)
            return docs[position]

    rows = list(
        aligning.align_documents(
            Lazy(), top_k=2, min_score=20, progress=None, workers=1, piece_units=60
        )
    )
    assert rows == list(align(docs, top_k=2, min_score=20))
    pieces = len(aligning._pieces(aligning._survey(docs, None), 60))
    assert pieces > 1 and asked.count(0) >= pieces  # read again per piece, not held


def test_quotes_and_sentences_in_boilerplate_are_neither_sources_nor_targets() -> None:
    from dataclasses import replace

    from newsreader.annotations.linking import document_units

    said = "The minister said the border talks would resume in Geneva next week."
    text = (
        "Talks\n\n"
        f"{said}\n\n"
        "Comments: “The border talks would resume in Geneva next week,” wrote a reader.\n"
    )
    plain = article("a", text)
    tail = text.index("Comments:")
    marked = replace(plain, structure=replace(plain.structure, boilerplate=((tail, len(text)),)))
    assert any(u.start >= tail for u, _ in document_units(plain))
    assert all(u.start < tail for u, _ in document_units(marked))
    other = article("b", f"Geneva\n\n{said}\n")
    rows = list(align([marked, other], top_k=3, min_score=0))
    assert all(not r.candidates for r in rows if r.doc_id == "a" and r.start >= tail)
    assert all(c.start < tail for r in rows for c in r.candidates if c.doc_id == "a")
    assert any(r.candidates for r in rows if r.doc_id == "a" and r.start < tail)


def test_align_finds_mrpc_paraphrases_better_than_plain_fuzzy_matching(
    shared: Path, tmp_path: Path
) -> None:
    from rapidfuzz import fuzz, process, utils

    from newsreader.corpus import load_paths

    lines = (shared / "corpora" / "mrpc" / "msr_paraphrase_train.txt").read_text(
        encoding="utf-8-sig"
    )
    pairs = [f for f in (line.split("\t") for line in lines.splitlines()) if f[0] == "1"][:400]
    for name, column in (("a.txt", 3), ("b.txt", 4)):
        (tmp_path / name).write_text("\n\n".join(p[column] for p in pairs) + "\n", "utf-8")
    a, b = load_paths([tmp_path / "a.txt", tmp_path / "b.txt"]).documents
    assert len(a.paragraphs) == len(b.paragraphs) == len(pairs)
    first: dict[int, int] = {}  # paragraph of A → where its first candidate starts in B
    for row in align([a, b], top_k=1, min_score=0):
        if row.doc_id == a.id and row.candidates:
            i = next(k for k, (s, e) in enumerate(a.paragraphs) if s <= row.start < e)
            first.setdefault(i, row.candidates[0].start)
    ours = sum(1 for i, (s, e) in enumerate(b.paragraphs) if s <= first.get(i, -1) < e)
    scores = process.cdist(
        [p[3] for p in pairs],
        [p[4] for p in pairs],
        scorer=fuzz.ratio,
        processor=utils.default_process,
    )
    plain = sum(1 for i in range(len(pairs)) if scores[i].argmax() == i)
    assert ours > plain, (ours, plain)


def test_the_feature_and_word_memos_stay_bounded_in_a_long_lived_process(
    seeds: dict[str, Document], monkeypatch: pytest.MonkeyPatch
) -> None:
    # A ``prepare`` worker links a whole archive in one process: the memos must not grow with it.
    from newsreader.annotations import aligning, linking

    text = " ".join(doc.text for doc in seeds.values())
    expected = aligning._codes(linking.counted_features(text)[0])
    monkeypatch.setattr(aligning, "CODE_MEMO", 50)
    monkeypatch.setattr(linking, "TERM_MEMO", 40)
    monkeypatch.setattr(aligning, "_CODE", {})
    monkeypatch.setattr(linking, "_TERM_OF", {})
    feats, _ = linking.counted_features(text)
    assert len(linking._TERM_OF) <= 40
    codes = [code for i in range(0, len(feats), 20) for code in aligning._codes(feats[i : i + 20])]
    assert len(aligning._CODE) <= 50 + 20
    assert codes == expected  # what the memos hold never changes the result
