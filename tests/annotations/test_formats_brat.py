"""brat as brat reads it: every line of an exported ``.ann`` is brat syntax (checked line by
line and with pybrat), spans across lines are fragments, and old exports with the header line
are still read."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from newsreader.annotations.formats import import_file
from newsreader.annotations.store import Store
from newsreader.corpus import Document

from .formats_support import at, lines, member_orders, sample_copy, write

# brat's standoff lines (https://brat.nlplab.org/standoff.html): text-bound, relation,
# equivalence, note.
BRAT_LINE = re.compile(
    r"T\d+\t[^\s]+ \d+ \d+(;\d+ \d+)*\t[^\n\t]*"
    r"|R\d+\t[^\s]+ Arg1:T\d+ Arg2:T\d+"
    r"|\*\tEquiv( T\d+)+"
    r"|#\d+\tAnnotatorNotes T\d+\t[^\n]*"
)


@pytest.fixture
def corpus(tmp_path: Path) -> list[Document]:
    return sample_copy(tmp_path)


@pytest.fixture
def store(tmp_path: Path, corpus: list[Document]) -> Store:
    store = Store.open(tmp_path / "s.json", annotator="ana", labels=["close call"])
    store.attach(corpus)
    newsy, wire = corpus[0], corpus[1]
    paragraph = newsy.text.index("\n\n", 100)
    a = store.create_span(newsy.id, paragraph - 10, paragraph + 12, "claim")  # across lines
    b = store.create_span(newsy.id, *at(newsy, "we are not coordinating with"), "quote")
    c = store.create_span(newsy.id, *at(newsy, "Iran"), "close call", {"note": "n", "n": 2})
    d = store.create_span(wire.id, *at(wire, "Khamenei"), "quote", {"speaker": "Khamenei"})
    store.link(b.id, a.id, "paraphrase")
    store.link(b.id, c.id)
    store.link(b.id, d.id)
    return store


def test_every_line_is_brat_syntax(tmp_path: Path, store: Store) -> None:
    with store:
        folder, _ = write(store, "brat", tmp_path)
    anns = sorted(folder.glob("*.ann"))
    assert anns
    for ann in anns:
        for number, line in enumerate(ann.read_text(encoding="utf-8").splitlines(), start=1):
            assert BRAT_LINE.fullmatch(line), f"{ann.name} line {number}: {line[:80]}"


def test_pybrat_reads_the_export(tmp_path: Path, store: Store) -> None:
    pybrat = pytest.importorskip("pybrat.parser")
    with store:
        folder, _ = write(store, "brat", tmp_path)
        spans = {(s.start, s.end): s for s in store.spans()}
    examples = pybrat.BratParser(error="raise").parse(folder)
    assert len(examples) == len(list(folder.glob("*.ann")))
    seen = 0
    for example in examples:
        for entity in example.entities:
            pieces = [(p.start, p.end) for p in entity.spans]
            span = spans[(pieces[0][0], pieces[-1][1])]
            seen += 1
            # brat joins a span's fragments with a space: the text shown is that.
            assert entity.mention == " ".join(example.text[a:b] for a, b in pieces)
            assert entity.type == span.label.replace(" ", "_")
            if len(pieces) > 1:
                assert "\n" in span.text
        assert all(r.type in ("paraphrase", "Equiv") for r in example.relations)
    assert seen == len(spans)


def test_the_export_round_trips(tmp_path: Path, store: Store) -> None:
    with store:
        before, orders = lines(store), member_orders(store)
        folder, _ = write(store, "brat", tmp_path)
    with Store.open(tmp_path / "fresh.json", labels=["close call"]) as fresh:
        result = import_file(fresh, folder, "brat")
        assert result.problems == []
        assert lines(fresh) == before and member_orders(fresh) == orders


def test_an_old_export_with_the_header_line_is_still_read(tmp_path: Path, store: Store) -> None:
    with store:
        before = lines(store)
        folder, _ = write(store, "brat", tmp_path)
    # Rewrite the export as newsreader wrote it before: the article named in a header line.
    for ann in folder.glob("*.ann"):
        rows = ann.read_text(encoding="utf-8").splitlines()
        header = None
        for index, row in enumerate(rows):
            if "\tnewsreader " in row:
                head, note = row.split("\tnewsreader ", 1)
                extras = json.loads(note)
                header = header or extras.pop("article", None)
                rows[index] = f"{head}\tnewsreader {json.dumps(extras)}"
        assert header is not None
        ann.write_text(
            "\n".join([f"# newsreader: {json.dumps(header)}", *rows]) + "\n", encoding="utf-8"
        )
        assert "article" not in ann.read_text(encoding="utf-8")
    with Store.open(tmp_path / "fresh.json", labels=["close call"]) as fresh:
        result = import_file(fresh, folder, "brat")
        assert result.problems == [] and lines(fresh) == before


def test_problems_name_the_ann_file_and_its_line(tmp_path: Path, corpus: list[Document]) -> None:
    folder = tmp_path / "bad"
    folder.mkdir()
    (folder / "x.txt").write_text(corpus[0].text, encoding="utf-8")
    (folder / "x.ann").write_text("T1\tclaim 0 5\tIran,\nT2 claim\nR1\tparaphrase Arg1:T1\n")
    with Store.open(tmp_path / "s.json") as fresh:
        result = import_file(fresh, folder, "brat", corpus=corpus)
    assert [str(p) for p in result.problems] == [
        "x.ann line 2: not a T line (T1<tab>Label start end<tab>text)",
        "x.ann line 3: not an R line",
    ]
