"""Article text is untrusted web content: make it inert before it reaches the terminal.

Control characters (C0, DEL, C1: the start of colour codes, OSC 52 clipboard writes and cursor
moves) and the bidirectional overrides that reorder what a line seems to say are replaced one for
one with visible stand-ins, so that every offset still means the same character.
"""

from __future__ import annotations

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
