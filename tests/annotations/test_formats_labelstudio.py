"""Label Studio's JSON_MIN, as its own converter writes it, is read."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from newsreader.annotations.formats import guess_format, import_file
from newsreader.annotations.store import Store
from newsreader.corpus import Document

from .formats_support import member_orders, sample_copy

JSON_MIN = Path(__file__).resolve().parents[1] / "data" / "labelstudio" / "json_min.json"


@pytest.fixture
def corpus(tmp_path: Path) -> list[Document]:
    return sample_copy(tmp_path)


def test_json_min_from_label_studio_is_read(tmp_path: Path, corpus: list[Document]) -> None:
    path = tmp_path / "result.json"
    shutil.copy(JSON_MIN, path)
    assert guess_format(path) == "labelstudio"
    with Store.open(tmp_path / "s.json") as store:
        result = import_file(store, path, "labelstudio", corpus=corpus)
        assert result.problems == [] and result.counts["new"] == 4
        spans = {s.id: s for s in store.spans()}
        harf = spans["s_f99ab53d87d144d7"]
        assert (harf.label, harf.text, harf.speaker) == (
            "quote",
            "we are not coordinating with",
            "Marie Harf",
        )
        assert spans["s_10b0e659f0bd213f"].attributes == {"note": "check"}
        assert {s.annotator for s in spans.values()} == {"ana"}
        # Groups come from the escape hatch, in their order, with their relations.
        assert member_orders(store) == {
            "g_7bbba1167fdf31ad": ["s_10b0e659f0bd213f", "s_a9952036870f5028"],
            "g_530ae781c6a5d1b0": ["s_f99ab53d87d144d7", "s_e33defb421e2de8b"],
        }
        group = store.group("g_530ae781c6a5d1b0")
        assert group is not None and group.members["s_e33defb421e2de8b"] == "paraphrase"


def test_json_min_of_another_project_is_read_too(tmp_path: Path, corpus: list[Document]) -> None:
    records = json.loads(JSON_MIN.read_text(encoding="utf-8"))
    for record in records:
        del record["newsreader"]
        record["annotator"] = "someone@example.org"
    path = tmp_path / "theirs.json"
    path.write_text(json.dumps(records))
    with Store.open(tmp_path / "s.json") as store:
        result = import_file(store, path, "labelstudio", corpus=corpus)
        assert result.problems == []
        assert sorted((s.label, s.text) for s in store.spans()) == [
            ("claim", "Iran"),
            ("claim", "Iran"),
            ("quote", "Khamenei"),
            ("quote", "we are not coordinating with"),
        ]
        assert {s.annotator for s in store.spans()} == {"someone@example.org"}
        assert store.groups() == []  # JSON_MIN keeps no relations


def test_a_list_that_is_neither_says_what_label_studio_writes(tmp_path: Path) -> None:
    path = tmp_path / "other.json"
    path.write_text(json.dumps([{"text": "hello"}]))
    with Store.open(tmp_path / "s.json") as store:
        result = import_file(store, path, "labelstudio")
    (problem,) = result.problems
    assert str(problem).startswith("task 1: no 'data' object")
    assert "JSON_MIN" in str(problem)
