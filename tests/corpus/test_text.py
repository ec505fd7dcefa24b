from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from newsreader.corpus.text import DecodeError, LineIndex, content_hash, decode_text


def test_line_endings_are_normalised_and_nothing_else_changes() -> None:
    raw = "Title\r\n\r\nA line.\rAnother\u00a0line\twith tab \n".encode()
    assert decode_text(raw) == "Title\n\nA line.\nAnother\u00a0line\twith tab \n"


def test_bom_is_dropped() -> None:
    assert decode_text("\ufeffHello".encode()) == "Hello"


def test_not_utf8_names_offset_and_line() -> None:
    with pytest.raises(DecodeError, match=r"not UTF-8: byte 0xe9 at offset 7 \(line 2\)"):
        decode_text("line\nab\xe9".encode("latin-1"))


def test_binary_is_refused() -> None:
    with pytest.raises(DecodeError, match="binary"):
        decode_text(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")


def test_content_hash_changes_with_text() -> None:
    assert content_hash("a") != content_hash("b")
    assert content_hash("a") == content_hash("a")


def test_positions_with_non_ascii() -> None:
    text = "Iran’s leader\n“We will not”\n\nend"
    index = LineIndex(text)
    assert index.line_count == 4
    offset = text.index("We")
    assert index.to_position(offset) == (1, 1)
    assert index.to_offset(1, 1) == offset
    assert index.to_position(len(text)) == (3, 3)
    assert index.line_end(0) == text.index("\n")
    assert index.to_offset(0, 99) == index.line_end(0)  # columns clamp to the row
    with pytest.raises(ValueError):
        index.to_position(len(text) + 1)


@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=200))
def test_offset_position_round_trip(text: str) -> None:
    index = LineIndex(text)
    for offset in range(len(text) + 1):
        row, column = index.to_position(offset)
        assert index.to_offset(row, column) == offset
        assert text[index.line_start(row) : offset] == text[offset - column : offset]
        assert "\n" not in text[index.line_start(row) : offset]
