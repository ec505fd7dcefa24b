"""The command line as an attacker would use it: hostile names and text, bad numbers, odd paths.

Whatever comes from data (titles, outlets, file names, speakers, article text, problem lines)
reaches the terminal inert: no escape sequence sets the title, writes the clipboard (OSC 52) or
clears the screen. Bad input gets a message naming the file, never a traceback.
"""

from __future__ import annotations

import csv
import io
import json
import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from newsreader.annotations.store import Store
from newsreader.corpus import load_paths
from newsreader.tui.cli import cli

TITLE = "\x1b]0;pwned\x07"  # sets the terminal's title
CLIPBOARD = "\x1b]52;c;ZXZpbA==\x07"  # writes the clipboard
CLEAR = "\x1b[2J\x9b2J"  # clears the screen (7-bit and 8-bit CSI)
BIDI = "\u202e"  # reverses what follows
RAW = ("\x1b", "\x9b", "\x07", BIDI)


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args))
    assert "Traceback" not in result.stdout + result.stderr
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.stdout, result.stderr


def assert_inert(*outputs: str) -> None:
    for output in outputs:
        for raw in RAW:
            assert raw not in output, f"{raw!r} reached the terminal: {output[:400]!r}"


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    folder = tmp_path / "corpus"
    folder.mkdir()
    body = (
        "Iran rejects the offer{x}\n\n"
        "Iran's leader said the United States cannot be trusted in the fight against ISIS. "
        "\u201cWe will not cooperate with America{x},\u201d Khamenei said on Monday{x}.\n"
    )
    (folder / f"a{TITLE}.txt").write_text(body.format(x=CLIPBOARD), encoding="utf-8")
    (folder / "b.txt").write_text(body.format(x=CLEAR + BIDI), encoding="utf-8")
    (folder / "manifest.json").write_text(
        json.dumps(
            {
                f"a{TITLE}.txt": {"outlet": f"Evil{TITLE} News", "title": f"T{CLIPBOARD}itle"},
                "b.txt": {"outlet": f"Other{CLEAR}", "date": f"2014{BIDI}"},
            }
        ),
        encoding="utf-8",
    )
    return folder


@pytest.fixture
def db(tmp_path: Path, corpus: Path) -> Path:
    path = tmp_path / "store.json"
    documents = load_paths([corpus]).documents
    assert len(documents) == 2
    with Store.open(path) as store:
        store.attach(documents)
        spans = []
        for doc in documents:
            start = doc.text.index("\u201cWe")
            end = doc.text.index("said on") - 1
            spans.append(
                store.create_span(doc.id, start, end, "quote", {"speaker": f"Kh{TITLE}amenei"})
            )
        store.link(spans[0].id, spans[1].id, None)
    return path


def test_inspect_table_and_problem_lines_are_inert(corpus: Path, tmp_path: Path) -> None:
    bad = tmp_path / f"empty{CLIPBOARD}.txt"
    bad.write_text("")
    code, out, err = run("inspect", str(corpus), str(bad))
    assert code == 1
    assert "2 documents" in out and "Evil" in out
    assert "empty" in err and "empty file" in err
    assert_inert(out, err)


def test_inspect_json_is_inert_and_means_the_same_text(corpus: Path) -> None:
    code, out, err = run("inspect", "--json", str(corpus))
    assert code == 0
    assert_inert(out, err)
    texts = [json.loads(line)["text"] for line in out.splitlines()]
    assert any(CLEAR + BIDI in text for text in texts)  # escaped on screen, intact as data


def test_rich_markup_in_data_is_printed_as_it_is(tmp_path: Path) -> None:
    (tmp_path / "[blink]x.txt").write_text("")
    code, _, err = run("inspect", str(tmp_path))
    assert code == 1
    assert "[blink]x.txt: empty file" in err


def test_align_report_and_json_are_inert(corpus: Path) -> None:
    code, out, err = run("align", str(corpus), "--min-score", "0")
    assert code == 0
    assert "Evil" in out and "candidate pairs" in out
    assert_inert(out, err)
    code, out, err = run("align", str(corpus), "--min-score", "0", "--json")
    assert code == 0 and out
    assert_inert(out, err)
    assert any(CLIPBOARD in json.loads(line)["source"]["text"] for line in out.splitlines())


def test_coverage_table_and_diff_are_inert(db: Path) -> None:
    code, out, err = run("coverage", "--db", str(db), "--diff")
    assert code == 0
    assert "1 statements" in out and "Kh" in out
    assert_inert(out, err)


def test_coverage_csv_is_inert_in_a_terminal_and_a_spreadsheet(db: Path) -> None:
    code, out, err = run("coverage", "--db", str(db), "--format", "csv")
    assert code == 0
    assert_inert(out, err)
    header, row = list(csv.reader(io.StringIO(out)))
    assert any(cell.startswith("Evil") for cell in header)
    assert row[1].startswith("\u201cWe will not")


def test_a_csv_cell_that_a_spreadsheet_would_run_is_quoted() -> None:
    from newsreader.tui.safe import inert_csv_row

    assert inert_csv_row(['=HYPERLINK("http://x")', "-1+2", "@SUM", "plain", 3]) == [
        '\'=HYPERLINK("http://x")',
        "'-1+2",
        "'@SUM",
        "plain",
        "3",
    ]


def test_coverage_json_is_inert_and_means_the_same_data(db: Path) -> None:
    code, out, err = run("coverage", "--db", str(db), "--format", "json", "--diff")
    assert code == 0
    assert_inert(out, err)
    data = json.loads(out)
    assert data["outlets"] == [f"Evil{TITLE} News", f"Other{CLEAR}"]


def test_store_facts_are_inert(tmp_path: Path) -> None:
    db = tmp_path / f"s{TITLE}.json"
    for args in ((), ("--json",)):
        code, out, err = run("store", "--db", str(db), *args)
        assert code == 0
        assert_inert(out, err)


# ---- messages, not tracebacks -------------------------------------------------------------------


def test_an_integer_of_5000_digits_in_a_json_article_is_a_problem_with_its_line(
    tmp_path: Path,
) -> None:
    article = tmp_path / "big.json"
    article.write_text('{"text": "Iran rejects the offer. It said so.",\n"n": ' + "7" * 5000 + "}")
    code, _, err = run("inspect", "--json", str(article))
    assert code == 1
    assert err.strip() == f"{article}:2: a number has more than 4,300 digits"
    lines = tmp_path / "big.jsonl"
    lines.write_text('{"text": "Fine text here."}\n{"text": "x", "n": ' + "7" * 5000 + "}\n")
    code, out, err = run("inspect", "--json", str(lines))
    assert code == 1 and len(out.splitlines()) == 1
    assert err.strip() == f"{lines}:2: a number has more than 4,300 digits"


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        ('{"files": {"a.txt": {"outlet": ' + "7" * 5000 + "}}}", "more than 4,300 digits"),
        ("[" * 100_000 + "]" * 100_000, "nested more than 64 levels deep"),
        ("[" * 200 + "]" * 200, "nested more than 64 levels deep"),
    ],
    ids=["long-integer", "recursion", "too-deep"],
)
def test_a_hostile_manifest_is_a_problem(tmp_path: Path, content: str, reason: str) -> None:
    (tmp_path / "a.txt").write_text("Iran rejects the offer\n\nIt said so.\n")
    manifest = tmp_path / "m.json"
    manifest.write_text(content)
    code, out, err = run("inspect", "--json", "--manifest", str(manifest), str(tmp_path / "a.txt"))
    assert code == 1
    assert len(out.splitlines()) == 1  # the article still loads
    assert str(manifest) in err and reason in err


def test_move_aside_in_a_folder_that_does_not_exist(tmp_path: Path) -> None:
    code, _, err = run("store", "--db", str(tmp_path / "no" / "such" / "s.json"), "--move-aside")
    assert code == 2
    assert "is not a folder; there is no store to move" in err and "Traceback" not in err


def test_min_score_nan_is_refused() -> None:
    code, _, err = run("align", "--min-score", "nan", "x", "y")
    assert code == 2
    assert "--min-score must be a number from 0 to 100, not nan" in err


def test_a_missing_corpus_path_on_import_is_named(tmp_path: Path) -> None:
    record = tmp_path / "a.jsonl"
    record.write_text('{"text": "Some text.", "label": [[0, 4, "claim"]]}\n')
    missing = tmp_path / "missing-corpus"
    code, _, err = run("import", str(record), "--format", "doccano", "--corpus", str(missing))
    assert code == 2
    assert f"--corpus {missing}: no such file or folder" in err


def test_utf16_articles_are_read(tmp_path: Path) -> None:
    text = "Iran rejects the offer\n\n\u201cWe will not,\u201d Khamenei said. It was firm.\n"
    for name, encoding in (("le.txt", "utf-16"), ("be.txt", "utf-16-be"), ("u32.txt", "utf-32")):
        data = text.encode(encoding)
        if encoding == "utf-16-be":
            data = b"\xfe\xff" + data
        (tmp_path / name).write_bytes(data)
    code, out, err = run("inspect", "--json", str(tmp_path))
    assert code == 0, err
    documents = [json.loads(line) for line in out.splitlines()]
    assert [d["text"] for d in documents] == [text] * 3
    assert all(d["title"] == "Iran rejects the offer" for d in documents)


def test_a_folder_named_like_a_file_is_read_and_an_empty_one_is_a_problem(tmp_path: Path) -> None:
    folder = tmp_path / "x.txt"
    folder.mkdir()
    (folder / "a.txt").write_text("Iran rejects the offer\n\nIt said so.\n")
    code, out, _ = run("inspect", "--json", str(folder))
    assert code == 0 and len(out.splitlines()) == 1
    empty = tmp_path / "y.txt"
    empty.mkdir()
    (empty / "notes.pdf").write_bytes(b"%PDF")
    code, out, err = run("inspect", str(empty))
    assert code == 1
    assert f"{empty}: no articles in this folder" in err


def test_a_manifest_csv_with_a_huge_field_is_a_problem(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("Iran rejects the offer\n\nIt said so.\n")
    manifest = tmp_path / "m.csv"
    manifest.write_text("file,outlet\na.txt," + "x" * 200_000 + "\n")
    code, out, err = run("inspect", "--json", "--manifest", str(manifest), str(tmp_path / "a.txt"))
    assert code == 1 and len(out.splitlines()) == 1
    assert f"{manifest}:2: not valid CSV: field larger than field limit" in err


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="POSIX pipes")
@pytest.mark.parametrize("name", ["pipe.txt", "pipe.jsonl", "manifest.json"])
def test_a_named_pipe_is_refused_not_waited_on(tmp_path: Path, name: str) -> None:
    folder = tmp_path / "corpus"
    folder.mkdir()
    (folder / "a.txt").write_text("Iran rejects the offer\n\nIt said so.\n")
    pipe = (tmp_path if name.startswith("manifest") else folder) / name
    os.mkfifo(pipe)
    manifest = ("--manifest", str(pipe)) if name.startswith("manifest") else ()
    code, out, err = run("inspect", "--json", *manifest, str(folder))
    assert code == 1 and len(out.splitlines()) == 1
    assert f"{pipe}" in err and "not a regular file" in err


@pytest.mark.parametrize("fmt", ["jsonl", "doccano", "prodigy", "labelstudio", "w3c"])
def test_export_to_a_terminal_is_inert_and_means_the_same_data(db: Path, fmt: str) -> None:
    code, out, err = run("export", "--db", str(db), "--format", fmt)
    assert code == 0, err
    assert_inert(out, err)
    assert "\\u009b" in out  # the 8-bit CSI in article b's quote, escaped
    if fmt in ("jsonl", "doccano", "prodigy"):
        values = [json.loads(line) for line in out.splitlines()]
    else:
        values = [json.loads(out)]
    assert "\x9b" in json.dumps(values, ensure_ascii=False)


def test_a_newline_in_a_file_name_cannot_forge_a_second_problem_line(tmp_path: Path) -> None:
    (tmp_path / "a.txt\nnewsreader: all is well.txt").write_text("")
    for args in (("--json",), ()):
        code, _, err = run("inspect", *args, str(tmp_path))
        assert code == 1
        assert len(err.strip().splitlines()) == 1
        assert "a.txt\u240anewsreader: all is well.txt: empty file" in err
