"""Prodigy tokens as spaCy makes them: words and whitespace tokens plus ``ws`` give the text
back exactly; token indices are checked on import."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newsreader.annotations.formats import export, import_file
from newsreader.annotations.formats.prodigy import tokens
from newsreader.annotations.store import Store
from newsreader.corpus import Document

from .formats_support import at, sample_copy


@pytest.fixture
def corpus(tmp_path: Path) -> list[Document]:
    return sample_copy(tmp_path)


def rebuilt(toks: list[dict[str, Any]]) -> str:
    return "".join(t["text"] + (" " if t["ws"] else "") for t in toks)


def test_whitespace_beyond_one_space_is_a_token() -> None:
    toks = tokens("Kerry said:  no.\n\nIran agreed \n too ")
    assert [(t["text"], t["ws"]) for t in toks] == [
        ("Kerry", True),
        ("said", False),
        (":", True),
        (" ", False),
        ("no", False),
        (".", False),
        ("\n\n", False),
        ("Iran", True),
        ("agreed", True),
        ("\n ", False),
        ("too", True),
    ]
    assert [t["id"] for t in toks] == list(range(len(toks)))
    assert all(
        t["text"] == "Kerry said:  no.\n\nIran agreed \n too "[t["start"] : t["end"]] for t in toks
    )


@given(st.text(alphabet=st.sampled_from("ab .,'\n\t\u00a0é-"), max_size=60))
@settings(max_examples=300, deadline=None)
def test_tokens_rebuild_any_text(text: str) -> None:
    assert rebuilt(tokens(text)) == text


def test_the_sample_articles_rebuild_exactly(corpus: list[Document]) -> None:
    for doc in corpus:
        assert rebuilt(tokens(doc.text)) == doc.text


def test_spacy_doc_from_the_tokens_is_the_text(tmp_path: Path, corpus: list[Document]) -> None:
    spacy = pytest.importorskip("spacy")
    from spacy.tokens import Doc

    nlp = spacy.blank("en")
    for doc in corpus:
        toks = tokens(doc.text)
        made = Doc(nlp.vocab, words=[t["text"] for t in toks], spaces=[t["ws"] for t in toks])
        assert made.text == doc.text
        # Whitespace is split where spaCy's own tokenizer splits it.
        theirs = [(t.text, t.whitespace_) for t in nlp.tokenizer(doc.text) if t.is_space]
        ours = [(t["text"], " " if t["ws"] else "") for t in toks if t["text"].isspace()]
        assert ours == theirs


def test_exported_token_indices_cover_each_span(tmp_path: Path, corpus: list[Document]) -> None:
    newsy = corpus[0]
    with Store.open(tmp_path / "s.json") as store:
        store.attach(corpus)
        store.create_span(newsy.id, *at(newsy, "we are not coordinating with"), "quote")
        out = io.StringIO()
        export(store, "prodigy", out)
    task = json.loads(out.getvalue().splitlines()[0])
    (span,) = task["spans"]
    first, last = task["tokens"][span["token_start"]], task["tokens"][span["token_end"]]
    assert (first["start"], last["end"]) == (span["start"], span["end"])
    assert rebuilt(task["tokens"]) == task["text"]


def test_bad_tokens_are_reported(tmp_path: Path, corpus: list[Document]) -> None:
    newsy = corpus[0]
    start, end = at(newsy, "we are not coordinating with")
    toks = tokens(newsy.text)
    first = next(t["id"] for t in toks if t["start"] == start)
    good = {"start": start, "end": end, "label": "quote", "token_start": first}
    records = [
        {"text": newsy.text, "tokens": "not a list", "spans": []},
        {"text": newsy.text, "tokens": toks, "spans": [{**good, "token_end": 10**6}]},
        {"text": newsy.text, "tokens": toks, "spans": [{**good, "token_end": first}]},
    ]
    path = tmp_path / "bad.jsonl"
    path.write_text("\n".join(json.dumps({**r, "_input_hash": 1}) for r in records) + "\n")
    with Store.open(tmp_path / "s.json") as store:
        result = import_file(store, path, "prodigy", corpus=corpus)
        assert [str(p) for p in result.problems] == [
            "line 1: 'tokens' must be a list",
            f"line 2, span 1: token_end 1000000 is not a token of the task ({len(toks)} tokens)",
            f"line 3, span 1: tokens {first}-{first} cover {start}-{start + 2}, "
            f"not the span's {start}-{end}",
        ]
        assert not result.imported and store.spans() == []
