"""The statements × outlets matrix and the quote-integrity diff, through the API and the CLI."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from newsreader.annotations.coverage import coverage
from newsreader.annotations.integrity import render, same_speaker, word_diff
from newsreader.annotations.store import Store
from newsreader.corpus import Document
from newsreader.tui.cli import cli

KERRY_NEWSY = "it would not be right for any number of reasons"
KERRY_FOCUS = "“It would not be appropriate”, stated Kerry, “for any number of reasons”"
HARF = "we are not coordinating with, we do not want to coordinate with"
BREITBART = "we won’t be coordinating military action with Iran"


def at(doc: Document, words: str) -> tuple[int, int]:
    start = doc.text.index(words)
    return start, start + len(words)


@pytest.fixture
def db(tmp_path: Path, seeds: dict[str, Document]) -> Path:
    path = tmp_path / "s.json"
    newsy, focus, breitbart = seeds["Newsy"], seeds["Iran Media Focus"], seeds["Breitbart"]
    with Store.open(path) as store:
        store.attach(seeds.values())
        a = store.create_span(newsy.id, *at(newsy, KERRY_NEWSY), "quote", {"speaker": "John Kerry"})
        b = store.create_span(focus.id, *at(focus, KERRY_FOCUS), "quote", {"speaker": "Kerry"})
        store.link(a.id, b.id, "misquote")
        c = store.create_span(newsy.id, *at(newsy, HARF), "quote", {"speaker": "Marie Harf"})
        d = store.create_span(breitbart.id, *at(breitbart, BREITBART), "claim")
        store.link(c.id, d.id, "paraphrase")
        store.create_span(breitbart.id, 0, 20, "claim")  # linked to nothing
    return path


def test_the_matrix_says_who_carries_what_and_who_left_it_out(db: Path) -> None:
    with Store.open(db, read_only=True) as store:
        matrix = coverage(store)
        everything = coverage(store, include_unlinked=True)
    assert matrix.outlets == ["Breitbart", "Iran Media Focus", "Newsy"]
    kerry, harf = matrix.statements
    assert {o: [m.describe() for m in ms] for o, ms in kerry.outlets.items()} == {
        "Newsy": ["quote"],
        "Iran Media Focus": ["quote (misquote)"],
    }
    assert {o: [m.describe() for m in ms] for o, ms in harf.outlets.items()} == {
        "Newsy": ["quote"],
        "Breitbart": ["claim (paraphrase)"],
    }
    assert matrix.to_json()["statements"][0]["left_out_by"] == ["Breitbart"]
    assert len(everything.statements) == 3


def test_quote_versions_of_one_speaker_are_diffed_word_by_word(db: Path) -> None:
    with Store.open(db, read_only=True) as store:
        kerry, harf = coverage(store).statements
    (comparison,) = kerry.comparisons
    assert comparison.speaker == "John Kerry" and comparison.reference_outlet == "Newsy"
    (version,) = comparison.versions
    assert version.outlet == "Iran Media Focus" and not version.identical
    assert (
        render(version.changes)
        # never "stated Kerry": the attribution is not part of the quote
        == "it would not be [-right-] {+appropriate+} for any number of reasons"
    )
    assert harf.comparisons == []  # Breitbart's is a claim without a speaker


def test_word_diff_ignores_case_punctuation_and_curly_marks() -> None:
    assert all(c.op == "equal" for c in word_diff("We won't go.", "“we won’t GO”"))
    assert render(word_diff("a b c", "a c d")) == "a [-b-] c {+d+}"
    assert same_speaker("Kerry", "John Kerry") and not same_speaker("Kerry", "Harf")


def test_coverage_command_in_every_format(db: Path) -> None:
    runner = CliRunner()
    table = runner.invoke(cli, ["coverage", "--db", str(db)])
    assert table.exit_code == 0
    assert "2 statements × 3 outlets" in table.stdout and "misquote" in table.stdout
    diff = runner.invoke(cli, ["coverage", "--db", str(db), "--diff"])
    assert "[-right-]" in diff.stdout and "{+appropriate+}" in diff.stdout
    assert "stated Kerry+}" not in diff.stdout  # the attribution is not a change of the quote
    rows = list(
        csv.reader(
            io.StringIO(runner.invoke(cli, ["coverage", "--db", str(db), "--format", "csv"]).stdout)
        )
    )
    assert rows[0] == ["statement", "text", "Breitbart", "Iran Media Focus", "Newsy"]
    assert rows[1][2:] == ["", "quote (misquote)", "quote"]
    data = json.loads(
        runner.invoke(cli, ["coverage", "--db", str(db), "--format", "json", "--diff"]).stdout
    )
    assert data["statements"][0]["quote_versions"][0]["versions"][0]["diff"].startswith(
        "it would not be [-right-]"
    )
    empty = runner.invoke(cli, ["coverage", "--db", str(db.parent / "none.json")])
    assert empty.exit_code == 0 and "No statement groups yet" in empty.stdout
