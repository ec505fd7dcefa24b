"""The ``newsreader`` command line: inspect's table and JSON, problems and exit status."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from newsreader.corpus import SAMPLE_DIR
from newsreader.tui.cli import cli

SAMPLE_FILES = sorted(str(p) for p in SAMPLE_DIR.glob("*.txt"))


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_inspect_table_lists_documents() -> None:
    code, out, _ = run("inspect", str(SAMPLE_DIR))
    assert code == 0
    assert "5 documents" in out
    for outlet in ("Newsy", "The Wire", "Breitbart"):
        assert outlet in out


def test_inspect_json_fields_and_offsets() -> None:
    code, out, err = run("inspect", "--json", *SAMPLE_FILES)
    assert code == 0 and err == ""
    documents = [json.loads(line) for line in out.splitlines()]
    assert len(documents) == 5
    for doc in documents:
        for key in ("id", "path", "outlet", "title", "date", "text", "paragraphs", "sentences"):
            assert key in doc
        text = doc["text"]
        for start, end in doc["paragraphs"] + doc["sentences"] + doc["boilerplate"]:
            assert 0 <= start < end <= len(text)
        for quote in doc["quotes"]:
            assert set(quote) >= {"start", "end", "speaker", "speaker_start", "speaker_end"}
            if quote["speaker"] is not None:
                assert text[quote["speaker_start"] : quote["speaker_end"]] == quote["speaker"]
    newsy = next(d for d in documents if d["outlet"] == "Newsy")
    speakers = {q["speaker"] for q in newsy["quotes"]}
    assert {"Khamenei", "MARIE HARF", "JOHN KERRY"} <= speakers


def test_problems_go_to_stderr_and_fail_the_exit_status(tmp_path: Path) -> None:
    (tmp_path / "empty.txt").write_text("")
    code, out, err = run("inspect", "--json", SAMPLE_FILES[0], str(tmp_path / "empty.txt"))
    assert code == 1
    assert len(out.splitlines()) == 1  # the good document is still printed
    assert err.strip() == f"{tmp_path / 'empty.txt'}: empty file"
    assert "Traceback" not in out + err


def test_table_mode_lists_problems_on_stderr(tmp_path: Path) -> None:
    code, out, err = run("inspect", str(tmp_path / "missing.txt"), SAMPLE_FILES[0])
    assert code == 1
    assert "1 documents" in out
    assert "missing.txt: no such file or folder" in err
    assert "missing.txt" not in out


def test_no_arguments_opens_the_sample_corpus() -> None:
    code, out, _ = run()
    assert code == 0
    assert "5 documents" in out and "Breitbart" in out


def test_paths_without_a_command_are_opened(tmp_path: Path) -> None:
    code, out, _ = run(SAMPLE_FILES[1])
    assert code == 0 and "1 documents" in out
