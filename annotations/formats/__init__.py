"""Other tools' formats, both ways: one module per format behind one small registry.

A format is a module in this package that defines ``FORMAT``, a :class:`Format`: its name, what
it carries (for the README's table), how to recognise a file in it, how to write a
:class:`~.common.Bundle` and how to read a file into :class:`~.common.Parsed`. Adding a format
is adding a file. newsreader's own JSONL (:mod:`newsreader.annotations.jsonl`) is named here
too, so that guessing knows it, but is read and written by that module.
"""

from __future__ import annotations

import importlib
import json
import pkgutil
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

from newsreader.annotations.jsonl import MAX_LINE_BYTES
from newsreader.annotations.store import Store
from newsreader.corpus import Document

from .common import (
    MAX_DEPTH,
    Bundle,
    FormatError,
    Parsed,
    Problem,
    Sniffed,
    bundle,
    too_deep,
)
from .importing import Imported, import_parsed, known_articles


@dataclass(frozen=True)
class Format:
    """One other tool's format."""

    name: str
    """The name on the command line (``--format NAME``)."""
    write: Callable[[Bundle, Any], None]
    """Write a bundle to a text stream (to a folder, a Path, when ``folder``)."""
    read: Callable[[Path, dict[str, Document]], Parsed]
    """Parse a file (a folder when ``folder``), matching articles against the known ones
    where the format names them by address rather than by text."""
    sniff: Callable[[Sniffed], bool]
    """True when a file is clearly in this format."""
    carries: dict[str, str]
    """For the README's table: what the format carries natively, or in which escape hatch."""
    hatch: str | None = None
    """Where statement groups across articles go, when the format has no native way."""
    folder: bool = False
    """Written to and read from a folder, not one file."""
    rank: int = 50
    """Place in the list of formats (lower first)."""


def _discover() -> dict[str, Format]:
    found: list[Format] = []
    for module in pkgutil.iter_modules(__path__):
        if module.name in ("common", "importing"):
            continue
        loaded = importlib.import_module(f"{__name__}.{module.name}")
        fmt = getattr(loaded, "FORMAT", None)
        if isinstance(fmt, Format):
            found.append(fmt)
    return {fmt.name: fmt for fmt in sorted(found, key=lambda f: (f.rank, f.name))}


REGISTRY: dict[str, Format] = _discover()
"""Every format other than newsreader's own, by name."""

FORMATS: tuple[str, ...] = ("jsonl", *REGISTRY)
"""Every format name ``export --format`` and ``import --format`` take."""

CARRIES: dict[str, dict[str, str]] = {name: fmt.carries for name, fmt in REGISTRY.items()}
"""For the README's table: what each format carries natively, or in which escape hatch."""


def _is_jsonl(sniffed: Sniffed) -> bool:
    """newsreader's own lines: span fields with a text label (with or without ``doc_id``, so
    that a line missing it is reported as newsreader's, not guessed to be another tool's)."""
    first = sniffed.first
    return (
        isinstance(first, dict)
        and isinstance(first.get("label"), str)
        and "start" in first
        and "end" in first
        and "entities" not in first
        and "tokens" not in first
        and "_input_hash" not in first
    )


def _first_line(head: bytes, path: Path) -> Any:
    line = head.split(b"\n", 1)[0]
    if len(line) == len(head) and len(head) >= 65536:
        # The first line goes on past the head: read it whole (bounded) to parse it.
        with open(path, "rb") as handle:
            line = handle.readline(MAX_LINE_BYTES + 1)
        if len(line) > MAX_LINE_BYTES:
            return None
    try:
        value = json.loads(line.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        return None
    return None if too_deep(value, MAX_DEPTH) else value


def guess_format(path: Path) -> str | None:
    """The format of ``path`` when exactly one format claims it, else None."""
    if path.is_dir():
        sniffed = Sniffed(path, b"", None, folder=True)
    else:
        try:
            with open(path, "rb") as handle:
                head = handle.read(65536)
        except OSError:
            return None
        stripped = head.lstrip(b"\xef\xbb\xbf \t\r\n")
        first = _first_line(stripped, path) if stripped[:1] in (b"{", b"[") else None
        sniffed = Sniffed(path, stripped, first)
    claims = [name for name, fmt in REGISTRY.items() if fmt.folder == sniffed.folder]
    claims = [name for name in claims if REGISTRY[name].sniff(sniffed)]
    if not sniffed.folder and _is_jsonl(sniffed):
        claims.append("jsonl")
    return claims[0] if len(claims) == 1 else None


def parse(path: Path, fmt: str, known: dict[str, Document]) -> Parsed:
    """Parse ``path`` as ``fmt``; raises FormatError when the file is not that format at all."""
    if fmt not in REGISTRY:
        raise FormatError(f"unknown format {fmt!r}; the formats are {', '.join(FORMATS)}")
    chosen = REGISTRY[fmt]
    if not chosen.folder and path.is_dir():
        folders = [f.name for f in REGISTRY.values() if f.folder]
        raise FormatError(f"{path} is a folder; only {', '.join(folders)} is read from a folder")
    return chosen.read(path, known)


def export(store: Store, fmt: str, out: TextIO | Path) -> list[str]:
    """Write the store in ``fmt`` to ``out`` (a text stream; a folder for brat); returns the
    warnings (what the format could not carry natively, what was left out)."""
    if fmt not in REGISTRY:
        raise FormatError(f"unknown format {fmt!r}; the formats are {', '.join(FORMATS)}")
    chosen = REGISTRY[fmt]
    if chosen.folder and not isinstance(out, Path):
        raise FormatError(f"{fmt} writes a folder: give one with -o")
    if not chosen.folder and isinstance(out, Path):
        raise FormatError(f"{fmt} writes one file")
    data = bundle(store)
    chosen.write(data, out)
    crossing = data.cross_groups()
    if crossing and chosen.hatch:
        data.warnings.append(
            f"{len(crossing)} statement groups link spans across articles, which {fmt} cannot "
            f"express; they are written in {chosen.hatch} (newsreader reads them back): "
            + ", ".join(sorted(crossing))
        )
    return data.warnings


def import_file(
    store: Store,
    path: Path,
    fmt: str,
    *,
    corpus: Iterable[Document] = (),
    skip_invalid: bool = False,
) -> Imported:
    """Import ``path`` (in ``fmt``) into ``store``: every span checked, nothing imported when any
    is bad unless ``skip_invalid``; importing the same file twice changes nothing.

    The articles are matched against ``corpus`` and the articles the store already knows.
    """
    known = known_articles(store, corpus)
    parsed = parse(path, fmt, known)
    return import_parsed(
        store, parsed, known, skip_invalid=skip_invalid, label=f"import {path.name} ({fmt})"
    )


__all__ = [
    "CARRIES",
    "FORMATS",
    "REGISTRY",
    "Format",
    "FormatError",
    "Imported",
    "Problem",
    "export",
    "guess_format",
    "import_file",
    "parse",
]
