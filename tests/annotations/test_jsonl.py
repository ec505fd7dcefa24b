"""JSONL out and back in: the schema, the offsets invariant, round trips and bad lines."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from newsreader.annotations.jsonl import FIELDS, import_jsonl
from newsreader.annotations.store import Store
from newsreader.corpus import SAMPLE_DIR, Document, load_paths
from newsreader.tui.cli import cli

from .helpers import populate


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    target = tmp_path / "corpus"
    shutil.copytree(SAMPLE_DIR, target)
    return target


@pytest.fixture
def docs(corpus: Path) -> list[Document]:
    return load_paths([corpus]).documents


@pytest.fixture
def full_store(tmp_path: Path, docs: list[Document]) -> Path:
    """A store with a few hundred annotations of every kind on the (copied) seeds."""
    path = tmp_path / "full.json"
    with Store.open(path, annotator="ana", labels=["background"]) as store:
        populate(store, docs, 700)
        counts = store.counts()
    assert counts["spans"] > 250 and counts["groups"] > 10
    assert counts["claim"] and counts["quote"] and counts["background"]
    return path


def export(db: Path, *extra: str) -> list[dict[str, Any]]:
    code, out, err = run("export", "--db", str(db), *extra)
    assert code == 0, err
    return [json.loads(line) for line in out.splitlines()]


def test_every_line_has_the_schema_and_its_text_is_at_its_offsets(
    full_store: Path, corpus: Path
) -> None:
    _code, out, _ = run("inspect", "--json", str(corpus))
    texts = {d["id"]: d["text"] for d in map(json.loads, out.splitlines())}
    lines = export(full_store)
    assert len(lines) > 250
    groups: dict[str, int] = {}
    for line in lines:
        assert tuple(line) == FIELDS
        assert texts[line["doc_id"]][line["start"] : line["end"]] == line["text"]
        assert texts[line["doc_id"]][: line["start"]].endswith(line["prefix"])
        assert texts[line["doc_id"]][line["end"] :].startswith(line["suffix"])
        assert line["outlet"] and Path(line["doc_path"]).is_file()
        if line["label"] == "quote":
            assert line["attributes"]["speaker"]
        if line["group"]:
            groups[line["group"]] = groups.get(line["group"], 0) + 1
        else:
            assert line["relation"] is None
    assert groups and all(n >= 2 for n in groups.values())
    assert any(line["relation"] for line in lines)


def test_export_then_import_gives_the_same_annotations(
    tmp_path: Path, full_store: Path, docs: list[Document], corpus: Path
) -> None:
    first = export(full_store)
    out = tmp_path / "out.jsonl"
    code, _, err = run("export", "--db", str(full_store), "-o", str(out))
    assert code == 0 and "wrote" in err
    fresh = tmp_path / "fresh.json"
    Path(tmp_path / "config.toml").write_text('labels = ["background"]\n')
    env = {"NEWSREADER_CONFIG": str(tmp_path / "config.toml")}
    result = CliRunner(env=env).invoke(
        cli, ["import", str(out), "--db", str(fresh), "--corpus", str(corpus)]
    )
    assert result.exit_code == 0, result.stderr
    assert f"{len(first)} new, 0 updated, 0 unchanged" in result.stderr
    assert export(fresh) == first
    with Store.open(full_store) as a, Store.open(fresh) as b:
        assert a.spans() == b.spans()
        assert {g.id: g.members for g in a.groups()} == {g.id: g.members for g in b.groups()}
    # Importing the same file again changes nothing, not even the history.
    with Store.open(fresh) as b:
        history = len(b.history())
    result = CliRunner(env=env).invoke(cli, ["import", str(out), "--db", str(fresh)])
    assert f"0 new, 0 updated, {len(first)} unchanged" in result.stderr
    with Store.open(fresh) as b:
        assert len(b.history()) == history
    assert export(fresh) == first


def test_export_refuses_to_overwrite_and_reports_orphans(
    tmp_path: Path, full_store: Path, docs: list[Document]
) -> None:
    out = tmp_path / "out.jsonl"
    out.write_text("my notes\n")
    code, _, err = run("export", "--db", str(full_store), "-o", str(out))
    assert code == 2 and "exists; pass --force" in err
    assert out.read_text() == "my notes\n"

    # Cut a sentence that holds a span out of its article: the export re-anchors in memory.
    before = export(full_store)
    victim = next(
        line
        for line in before
        if len(line["text"]) > 40
        and Path(line["doc_path"]).read_text(encoding="utf-8").count(line["text"][:30]) == 1
    )
    path = Path(victim["doc_path"])
    path.write_text(
        path.read_text(encoding="utf-8").replace(victim["text"], "", 1), encoding="utf-8"
    )
    code, out_text, err = run("export", "--db", str(full_store))
    assert code == 0
    ids = [json.loads(line)["id"] for line in out_text.splitlines()]
    assert victim["id"] not in ids
    assert "orphaned annotations were not written" in err and "--include-orphaned" in err
    lines = export(full_store, "--include-orphaned")
    assert [line["anchor"] for line in lines if line["id"] == victim["id"]] == ["orphaned"]
    # The store itself was only read.
    with Store.open(full_store, read_only=True) as store:
        assert not store.span(victim["id"]).orphaned  # type: ignore[union-attr]


def good_line(doc: Document, start: int, end: int, **extra: Any) -> dict[str, Any]:
    line = {
        "id": f"s_{start:016x}",
        "doc_id": doc.id,
        "doc_path": doc.path,
        "start": start,
        "end": end,
        "text": doc.text[start:end],
        "label": "claim",
    }
    line.update(extra)
    return line


def test_bad_lines_are_reported_by_number_and_block_the_import(
    tmp_path: Path, docs: list[Document]
) -> None:
    doc = docs[0]
    lines = [
        json.dumps(good_line(doc, 0, 20)),
        "{not json",
        json.dumps({k: v for k, v in good_line(doc, 30, 40).items() if k != "label"}),
        json.dumps(good_line(doc, 50, 40)),
        json.dumps({**good_line(doc, 60, 70), "text": "short"}),
        json.dumps(good_line(doc, 80, 90, label="opinion")),
        json.dumps(good_line(doc, 100, 110, group="g1", relation="rhymes")),
        json.dumps(good_line(doc, 0, 20)),  # the same id as line 1
        json.dumps({**good_line(doc, 120, 130), "text": "Q" * 10}),  # not in the article
        "[" * 100_000 + "]" * 100_000,
        json.dumps({**good_line(doc, 140, 150), "start": "140"}),
        json.dumps(["a", "list"]),
        json.dumps(good_line(doc, 160, 170, attributes={"speaker": {"nested": 1}})),
    ]
    source = tmp_path / "in.jsonl"
    source.write_text("\n".join(lines) + "\n\n")
    db = tmp_path / "s.json"
    code, _, err = run("import", str(source), "--db", str(db), "--corpus", str(docs[0].path))
    assert code == 1 and "nothing imported: 12 bad lines" in err
    for number, reason in [
        (2, "not JSON"),
        (3, "missing field 'label'"),
        (4, "'start' (50) must be less than 'end' (40)"),
        (5, "'text' has 5 characters but start-end spans 10"),
        (6, "unknown label 'opinion'"),
        (7, "unknown relation 'rhymes'"),
        (8, "id 's_0000000000000000' already appears on line 1"),
        (9, "its text is not in"),
        (10, "nested too deeply"),
        (11, "'start' must be a whole number"),
        (12, "expected a JSON object"),
        (13, "attribute 'speaker' must be text"),
    ]:
        assert f"line {number}: {reason}" in err, (number, err)
    assert "Traceback" not in err
    with Store.open(db) as store:
        assert store.spans() == []
    code, _, err = run(
        "import", str(source), "--db", str(db), "--skip-invalid", "--corpus", str(docs[0].path)
    )
    assert code == 0 and "1 new" in err and "12 bad lines skipped" in err


def test_a_line_whose_article_changed_is_found_again(tmp_path: Path, docs: list[Document]) -> None:
    doc = docs[0]
    start, end = doc.sentences[4]
    line = good_line(doc, start, end)
    line["start"], line["end"] = start - 7, end - 7  # as made on an older copy of the article
    source = tmp_path / "in.jsonl"
    source.write_text(json.dumps(line) + "\n")
    with Store.open(tmp_path / "s.json") as store:
        result = import_jsonl(store, source, corpus=[tmp_path / "corpus"])
        assert result.imported and not result.problems
        assert f"found at {start}-{end}" in result.notices[0]
        (span,) = store.spans()
        assert (span.start, span.end, span.anchor.state) == (start, end, "moved")


def test_import_of_a_missing_file_and_of_lines_without_their_article(
    tmp_path: Path, docs: list[Document]
) -> None:
    code, _, err = run("import", str(tmp_path / "nope.jsonl"), "--db", str(tmp_path / "s.json"))
    assert code == 2 and "no such file" in err
    line = good_line(docs[0], 0, 20, doc_path=str(tmp_path / "gone.txt"), outlet="Gone Daily")
    source = tmp_path / "in.jsonl"
    source.write_text(json.dumps(line) + "\n")
    code, _, err = run("import", str(source), "--db", str(tmp_path / "s.json"))
    assert code == 1 and "outside the articles the store knows" in err  # never read
    code, _, err = run(
        "import", str(source), "--db", str(tmp_path / "s.json"), "--corpus", str(tmp_path)
    )
    assert code == 0 and "1 new" in err  # kept as given: there is nothing to check it against
    (exported,) = export(tmp_path / "s.json")
    assert exported["outlet"] == "Gone Daily" and exported["text"] == line["text"]
