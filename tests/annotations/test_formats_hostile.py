"""Hostile import files: each is refused with its place and reason, never a traceback."""

from __future__ import annotations

import codecs
import json
from pathlib import Path

import pytest

from newsreader.annotations.formats import FormatError, guess_format, import_file
from newsreader.annotations.store import Store
from newsreader.corpus import Document

from .formats_support import at, sample_copy


@pytest.fixture
def corpus(tmp_path: Path) -> list[Document]:
    return sample_copy(tmp_path)


def entity(doc: Document, words: str, **hatch: object) -> dict[str, object]:
    start, end = at(doc, words)
    return {
        "id": 1,
        "label": "claim",
        "start_offset": start,
        "end_offset": end,
        "newsreader": hatch,
    }


def test_span_and_group_ids_that_are_not_newsreaders_are_refused(
    tmp_path: Path, corpus: list[Document]
) -> None:
    newsy = corpus[0]
    records = [
        {"text": newsy.text, "entities": [entity(newsy, "Iran", id="../../x")]},
        {"text": newsy.text, "entities": [entity(newsy, "Iran", id="s_\x1b]0;owned\x07")]},
        {"text": newsy.text, "entities": [entity(newsy, "Iran", group="g\x1b[2J")]},
    ]
    path = tmp_path / "ids.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in records) + "\n")
    with Store.open(tmp_path / "s.json") as store:
        result = import_file(store, path, "doccano", corpus=corpus)
        assert [str(p) for p in result.problems] == [
            "line 1, entity 1: span id '../../x' is not s_ and 16 hex digits",
            "line 2, entity 1: span id 's_\\x1b]0;owned\\x07' is not s_ and 16 hex digits",
            "line 3, entity 1: group id 'g\\x1b[2J' is not a group id",
        ]
        assert not result.imported and store.spans() == []


def test_huge_integers_and_deep_nesting_are_problems(
    tmp_path: Path, corpus: list[Document]
) -> None:
    newsy = corpus[0]
    lines = [
        '{"text": "x", "label": [[' + "9" * 5000 + ', 1, "claim"]]}',
        "[" * 100_000 + "]" * 100_000,
        json.dumps({"text": newsy.text, "label": [[*at(newsy, "Iran"), "claim"]]}),
    ]
    path = tmp_path / "hostile.jsonl"
    path.write_text("\n".join(lines) + "\n")
    with Store.open(tmp_path / "s.json") as store:
        result = import_file(store, path, "doccano", corpus=corpus)
    reasons = [str(p) for p in result.problems]
    assert reasons[0].startswith("line 1: cannot be read as JSON")
    assert reasons[1].startswith("line 2: cannot be read as JSON (maximum recursion depth")
    assert len(reasons) == 2
    big = tmp_path / "big.json"
    big.write_text('[{"data": {"text": "t"}, "id": ' + "1" * 5000 + "}]")
    with Store.open(tmp_path / "s2.json") as store, pytest.raises(FormatError, match="JSON"):
        import_file(store, big, "labelstudio", corpus=corpus)


def test_deep_nesting_in_a_brat_note(tmp_path: Path, corpus: list[Document]) -> None:
    newsy = corpus[0]
    folder = tmp_path / "brat"
    folder.mkdir()
    (folder / "a.txt").write_text(newsy.text, encoding="utf-8")
    start, end = at(newsy, "Iran")
    (folder / "a.ann").write_text(
        f"T1\tclaim {start} {end}\tIran\n#1\tAnnotatorNotes T1\tnewsreader "
        + "[" * 100_000
        + "]" * 100_000
        + "\n",
        encoding="utf-8",
    )
    with Store.open(tmp_path / "s.json") as store:
        result = import_file(store, folder, "brat", corpus=corpus)
    assert [str(p) for p in result.problems] == ["a.ann line 2: a newsreader note that is not JSON"]


def test_a_utf16_label_studio_file_is_read(tmp_path: Path, corpus: list[Document]) -> None:
    newsy = corpus[0]
    start, end = at(newsy, "Iran")
    tasks = [
        {
            "data": {"text": newsy.text},
            "annotations": [
                {
                    "result": [
                        {
                            "id": "a",
                            "type": "labels",
                            "value": {"start": start, "end": end, "labels": ["claim"]},
                        }
                    ]
                }
            ],
        }
    ]
    path = tmp_path / "utf16.json"
    path.write_bytes(codecs.BOM_UTF16_LE + json.dumps(tasks).encode("utf-16-le"))
    with Store.open(tmp_path / "s.json") as store:
        assert import_file(store, path, "labelstudio", corpus=corpus).problems == []
        assert [s.text for s in store.spans()] == ["Iran"]


def test_a_doc_path_brings_in_only_the_article_the_file_carries(
    tmp_path: Path, corpus: list[Document]
) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("Private notes that no import may bring into the store.\n" * 20)
    record = {
        "text": "a text that is in no article at all, and not in the secret either",
        "label": [[0, 6, "claim"]],
        "newsreader": {"doc_id": "x", "doc_path": str(secret)},
    }
    path = tmp_path / "sneaky.jsonl"
    path.write_text(json.dumps(record) + "\n")
    assert guess_format(path) == "doccano"
    with Store.open(tmp_path / "s.json") as store:
        result = import_file(store, path, "doccano")
        assert [str(p) for p in result.problems] == [
            "line 1: its text is not an article newsreader knows (give the articles with --corpus)"
        ]
        assert store.documents() == {}
