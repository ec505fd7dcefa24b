"""Guessing a file's format, and the order of a group's members through every format."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from newsreader.annotations.formats import CARRIES, FORMATS, REGISTRY, guess_format, import_file
from newsreader.annotations.jsonl import export_lines
from newsreader.annotations.store import Store
from newsreader.corpus import Document

from .formats_support import FORMATS as OTHERS
from .formats_support import at, lines, member_orders, sample_copy, write


@pytest.fixture
def corpus(tmp_path: Path) -> list[Document]:
    return sample_copy(tmp_path)


def test_every_format_is_a_module_in_the_registry() -> None:
    assert ("jsonl", *OTHERS) == FORMATS
    assert list(REGISTRY) == OTHERS
    for name, fmt in REGISTRY.items():
        assert fmt.name == name and fmt.carries and callable(fmt.read) and callable(fmt.write)
        assert f"formats.{name}" in fmt.write.__module__


def test_a_jsonl_line_without_doc_id_is_newsreaders(tmp_path: Path, corpus: list[Document]) -> None:
    newsy = corpus[0]
    with Store.open(tmp_path / "s.json") as store:
        store.attach(corpus)
        store.create_span(newsy.id, *at(newsy, "Iran"), "claim")
        (line,) = list(export_lines(store))
    del line["doc_id"]
    path = tmp_path / "lines.jsonl"
    path.write_text(json.dumps(line) + "\n")
    assert guess_format(path) == "jsonl"
    from newsreader.tui.cli import cli

    result = CliRunner().invoke(cli, ["import", str(path), "--db", str(tmp_path / "t.json")])
    assert result.exit_code == 1
    assert "line 1: missing field 'doc_id'" in result.stderr and "doccano" not in result.stderr


@pytest.mark.parametrize(
    ("first", "expected"),
    [
        ({"text": "t", "label": [[0, 1, "claim"]]}, "doccano"),
        ({"text": "t", "label": []}, "doccano"),
        ({"text": "t", "entities": [], "relations": []}, "doccano"),
        ({"text": "t", "tokens": [], "spans": []}, "prodigy"),
        ({"text": "t", "_input_hash": 1}, "prodigy"),
        ({"id": "s_0", "start": 0, "end": 1, "label": "claim", "text": "t"}, "jsonl"),
        ({"@context": "http://www.w3.org/ns/anno.jsonld", "type": "Annotation"}, "w3c"),
        ({"text": "t", "label": "claim"}, None),
        ({"something": "else"}, None),
    ],
)
def test_guessing_by_the_first_line(tmp_path: Path, first: object, expected: str | None) -> None:
    path = tmp_path / "x.jsonl"
    path.write_text(json.dumps(first) + "\n")
    assert guess_format(path) == expected


def test_a_long_first_line_is_still_guessed(tmp_path: Path) -> None:
    path = tmp_path / "long.jsonl"
    text = "word " * 40_000  # past the 64 KiB head
    path.write_text(json.dumps({"text": text, "label": [[0, 4, "claim"]]}) + "\n")
    assert guess_format(path) == "doccano"


@pytest.mark.parametrize("fmt", OTHERS)
def test_the_order_of_a_groups_members_survives(
    tmp_path: Path, corpus: list[Document], fmt: str
) -> None:
    newsy, wire = corpus[0], corpus[1]
    with Store.open(tmp_path / "s.json") as store:
        store.attach(corpus)
        # Members in an order unlike the articles' order: Wire, Newsy's later, Newsy's earlier.
        late = store.create_span(newsy.id, *at(newsy, "we are not coordinating with"), "quote")
        early = store.create_span(newsy.id, *at(newsy, "Iran"), "claim")
        wired = store.create_span(wire.id, *at(wire, "Khamenei"), "quote")
        store.link(wired.id, late.id, "paraphrase")
        store.link(wired.id, early.id)
        orders = member_orders(store)
        assert list(orders.values()) == [[wired.id, late.id, early.id]]
        before = lines(store)
        written, _ = write(store, fmt, tmp_path)
    with Store.open(tmp_path / "fresh.json") as fresh:
        assert import_file(fresh, written, fmt).problems == []
        assert member_orders(fresh) == orders and lines(fresh) == before


def test_the_readme_table_says_what_each_format_carries() -> None:
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Other tools' formats", 1)[1].split("\n## ", 1)[0]
    rows = [line for line in section.splitlines() if line.startswith("| ")]
    header = [cell.strip() for cell in rows[0].strip("|").split("|")][1:]
    table = {}
    for row in rows[1:]:
        cells = [cell.strip() for cell in row.strip("|").split("|")]
        table[cells[0].strip("`")] = dict(zip(header, cells[1:], strict=True))
    assert {name: table[name] for name in CARRIES} == CARRIES
