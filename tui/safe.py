"""Article text is untrusted web content: make it inert before it reaches the terminal.

Control characters (C0, DEL, C1: the start of colour codes, OSC 52 clipboard writes and cursor
moves) and the bidirectional overrides that reorder what a line seems to say are replaced one for
one with visible stand-ins, so that every offset still means the same character.

The app paints article text through :func:`inert`; the command line prints through
:func:`safe_console` (every character of every line it prints from data passes :func:`inert`, and
no data is read as Rich markup), and writes CSV and JSON through :func:`inert_csv_row` and
:func:`inert_json`.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable, Sequence
from typing import IO, Any

from rich.console import (
    Console,
    ConsoleOptions,
    ConsoleRenderable,
    RenderableType,
    RenderHook,
    RenderResult,
)
from rich.measure import Measurement
from rich.segment import Segment

_BIDI = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f"


def _table() -> dict[int, str]:
    table = {code: chr(0x2400 + code) for code in range(0x20) if code not in (0x09, 0x0A)}
    table[0x7F] = "\u2421"  # ␡
    for code in range(0x80, 0xA0):
        table[code] = "\ufffd"  # �
    for char in _BIDI:
        table[ord(char)] = "\ufffd"
    return table


_INERT = _table()


def inert(text: str) -> str:
    """``text`` with every control character replaced by a visible one of the same length."""
    return text.translate(_INERT)


def one_line(text: str) -> str:
    """``text`` as one line: a newline (in a file name, say) is shown as ␊, so that a problem
    line cannot pass for two."""
    return text.replace("\n", "\u240a")


# ---- the command line's console ---------------------------------------------------------------


class _Inert:
    """A renderable whose every printed character has passed :func:`inert`.

    Rich's own control sequences (colours, cursor moves of a progress bar) are not text segments
    and pass unchanged; whatever came from data is in text segments and is made inert.
    """

    def __init__(self, renderable: RenderableType) -> None:
        self.renderable = renderable

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        for segment in console.render(self.renderable, options):
            if segment.control:
                yield segment
            else:
                yield Segment(inert(segment.text), segment.style)

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        return Measurement.get(console, options, self.renderable)


class _InertHook(RenderHook):
    def process_renderables(self, renderables: list[ConsoleRenderable]) -> list[ConsoleRenderable]:
        return [_Inert(renderable) for renderable in renderables]


def safe_console(*, stderr: bool = False, **options: Any) -> Console:
    """A Rich console for printing data: no markup, emoji codes or highlighting is read in what
    it prints, and every character of the output passes :func:`inert`."""
    options.update(markup=False, emoji=False, highlight=False)
    console = Console(stderr=stderr, **options)
    console.push_render_hook(_InertHook())
    return console


# ---- CSV and JSON -----------------------------------------------------------------------------

_FORMULA = r"[=+\-@\t\r]"  # compiled when first used (not by the first frame)


def inert_csv_row(row: Sequence[object]) -> list[str]:
    """A CSV row whose cells are inert in a terminal and in a spreadsheet: control characters
    are replaced as :func:`inert` does, and a cell that a spreadsheet would run as a formula
    (starting ``= + - @``) gets a leading ``'``, as OWASP advises. Numbers are written as
    they are."""
    cells = []
    for value in row:
        if isinstance(value, int | float) and not isinstance(value, bool):
            cells.append(str(value))
            continue
        cell = "" if value is None else str(value)
        if re.match(_FORMULA, cell):
            cell = "'" + cell
        cells.append(inert(cell))
    return cells


def write_csv(out: IO[str], rows: Iterable[Sequence[object]]) -> None:
    """Write ``rows`` as CSV, every cell through :func:`inert_csv_row`."""
    import csv

    writer = csv.writer(out)
    for row in rows:
        writer.writerow(inert_csv_row(row))


_JSON_ESCAPES = {
    code: f"\\u{code:04x}"
    for code in (*range(0x7F, 0xA0), *(ord(c) for c in _BIDI), 0x2028, 0x2029)
}


def inert_json(value: Any) -> str:
    """``value`` as one line of JSON that is inert in a terminal and means the same data.

    ``json.dumps`` escapes C0 controls but not DEL, C1 controls (``\\x9b`` starts a CSI sequence)
    or bidirectional overrides: these are written as ``\\uXXXX`` escapes too, which every JSON
    reader decodes to the same characters.
    """
    import json  # not needed by the app's first frame

    return json.dumps(value, ensure_ascii=False).translate(_JSON_ESCAPES)


class _JsonEscaping(io.TextIOBase):
    """Writes JSON text to ``out`` with the characters :func:`inert_json` escapes escaped."""

    def __init__(self, out: IO[str]) -> None:
        self._out = out

    def writable(self) -> bool:
        return True

    def write(self, text: str) -> int:
        self._out.write(text.translate(_JSON_ESCAPES))
        return len(text)

    def flush(self) -> None:
        self._out.flush()


def inert_json_stream(out: IO[str]) -> IO[str]:
    """``out`` for a writer of JSON or JSONL: DEL, C1 controls and bidi overrides, which only JSON
    strings can hold, are written as ``\\uXXXX`` escapes (the same data to a JSON reader)."""
    return _JsonEscaping(out)  # type: ignore[return-value]
