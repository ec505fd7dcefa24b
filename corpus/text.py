"""Turning bytes into a document's text, and converting offsets.

A document's text is the decoded file with line endings normalised to ``\\n``, nothing else
removed or rewritten. An offset is a Python string index into that text. These helpers are the
only place where that rule is implemented.
"""

from __future__ import annotations

import bisect
import codecs
import hashlib


class DecodeError(ValueError):
    """The bytes cannot become a document's text; the message says why, in plain words."""


def looks_binary(data: bytes) -> bool:
    """True when the bytes are almost certainly not text (NUL bytes or many control bytes)."""
    head = data[:8192]
    if b"\x00" in head:
        return True
    if not head:
        return False
    controls = len(head.translate(None, _NOT_CONTROL))  # what is left: the control bytes
    return controls / len(head) > 0.05


_NOT_CONTROL = bytes(range(32, 256)) + b"\t\n\x0c\r\x1b"
"""Bytes that are not control bytes for :func:`looks_binary` (tab, newlines, form feed and
escape are allowed)."""


# Byte order marks of the encodings other than UTF-8 that a file may announce (UTF-32 first: its
# little-endian mark starts with UTF-16's).
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def decode_text(data: bytes) -> str:
    """Decode UTF-8 bytes (a leading BOM is dropped) and normalise line endings to ``\\n``.

    A file that starts with a UTF-16 or UTF-32 byte order mark is decoded as such (offsets then
    index the decoded text, as always). Raises :class:`DecodeError` for binary data and for
    bytes that are not UTF-8, naming the byte offset and line of the first bad byte.
    """
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return normalise_newlines(data.decode(encoding))
            except UnicodeDecodeError as err:
                raise DecodeError(
                    f"not valid {encoding.upper()} (it starts with a {encoding.upper()} byte "
                    f"order mark): bad bytes at offset {err.start}; convert the file to UTF-8"
                ) from None
    if looks_binary(data):
        raise DecodeError("binary file, not text")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        line = data.count(b"\n", 0, err.start) + 1
        raise DecodeError(
            f"not UTF-8: byte 0x{data[err.start]:02x} at offset {err.start} (line {line}); "
            "convert the file to UTF-8 (for example with iconv)"
        ) from None
    return normalise_newlines(text)


def normalise_newlines(text: str) -> str:
    """Replace ``\\r\\n`` and lone ``\\r`` by ``\\n``; nothing else changes."""
    if "\r" not in text:
        return text
    return text.replace("\r\n", "\n").replace("\r", "\n")


def content_hash(text: str) -> str:
    """A SHA-256 hex digest of the text, for noticing that an article changed."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class LineIndex:
    """Converts between offsets and (row, column) positions in one text.

    Rows and columns count from 0; a column is a count of characters (code points), the same unit
    as an offset, so non-ASCII text needs no special care.
    """

    def __init__(self, text: str) -> None:
        self._length = len(text)
        starts = [0]
        find = text.find
        pos = find("\n")
        while pos != -1:
            starts.append(pos + 1)
            pos = find("\n", pos + 1)
        self._starts = starts

    @property
    def line_count(self) -> int:
        """How many rows the text has (a final newline opens an empty last row)."""
        return len(self._starts)

    def line_start(self, row: int) -> int:
        """Offset of the first character of ``row``."""
        return self._starts[row]

    def line_end(self, row: int) -> int:
        """Offset just past the last character of ``row``, before its newline."""
        if row + 1 < len(self._starts):
            return self._starts[row + 1] - 1
        return self._length

    def to_position(self, offset: int) -> tuple[int, int]:
        """The (row, column) of ``offset``; ``offset`` may equal the text's length."""
        if not 0 <= offset <= self._length:
            raise ValueError(f"offset {offset} is outside the text (0..{self._length})")
        row = bisect.bisect_right(self._starts, offset) - 1
        return row, offset - self._starts[row]

    def to_offset(self, row: int, column: int) -> int:
        """The offset of (row, column); the column is clamped to the row's length."""
        if not 0 <= row < len(self._starts):
            raise ValueError(f"row {row} is outside the text (0..{len(self._starts) - 1})")
        start = self._starts[row]
        return start + max(0, min(column, self.line_end(row) - start))
