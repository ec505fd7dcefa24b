"""Loading hostile files: a problem naming the file (and line), never a traceback or a hang."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from newsreader.corpus import load_paths
from newsreader.corpus.text import DecodeError, decode_text

TEXT = "Iran rejects the offer\n\n\u201cWe will not,\u201d Khamenei said. It was firm.\r\n"


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be", "utf-32"])
def test_utf16_and_utf32_with_a_byte_order_mark_decode(encoding: str) -> None:
    data = TEXT.encode(encoding)
    if encoding == "utf-16-le":
        data = b"\xff\xfe" + data
    elif encoding == "utf-16-be":
        data = b"\xfe\xff" + data
    assert decode_text(data) == TEXT.replace("\r\n", "\n")


def test_broken_utf16_is_a_plain_reason() -> None:
    with pytest.raises(DecodeError, match="not valid UTF-16"):
        decode_text(b"\xff\xfe\x00\xd8")  # a lone surrogate


def test_utf16_offsets_index_the_decoded_text(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_bytes(TEXT.encode("utf-16"))
    (doc,) = load_paths([tmp_path]).documents
    assert doc.text == TEXT.replace("\r\n", "\n")
    assert [doc.text[s:e] for s, e in doc.sentences] == [
        "Iran rejects the offer",
        "\u201cWe will not,\u201d Khamenei said.",
        "It was firm.",
    ]


def test_utf16_jsonl_is_refused_with_a_way_out(tmp_path: Path) -> None:
    (tmp_path / "a.jsonl").write_bytes('{"text": "Some text here."}\n'.encode("utf-16"))
    result = load_paths([tmp_path])
    assert not result.documents
    (problem,) = result.problems
    assert "must be UTF-8" in problem.reason and "iconv" in problem.reason


def test_long_integers_are_problems_with_their_line(tmp_path: Path) -> None:
    (tmp_path / "a.json").write_text('{\n"text": "Some text.",\n"n": ' + "1" * 4301 + "}")
    (tmp_path / "b.jsonl").write_text('{"text": "x", "n": ' + "2" * 9000 + "}\n")
    result = load_paths([tmp_path])
    assert [(Path(p.path).name, p.line, p.reason) for p in result.problems] == [
        ("a.json", 3, "a number has more than 4,300 digits"),
        ("b.jsonl", 1, "a number has more than 4,300 digits"),
    ]


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="POSIX pipes")
def test_a_pipe_given_by_name_is_refused(tmp_path: Path) -> None:
    pipe = tmp_path / "a.txt"
    os.mkfifo(pipe)
    result = load_paths([pipe])
    assert [(p.path, p.reason) for p in result.problems] == [
        (str(pipe), "not a regular file (a pipe, socket or device)")
    ]


def test_an_empty_folder_says_so(tmp_path: Path) -> None:
    result = load_paths([tmp_path])
    assert not result.documents
    (problem,) = result.problems
    assert problem.path == str(tmp_path) and problem.reason.startswith("no articles in this folder")
