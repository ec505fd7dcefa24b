"""What an article is: its text, its metadata and its structure, all addressed by offsets."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from .text import LineIndex

Range = tuple[int, int]
"""A half-open ``(start, end)`` pair of offsets into a document's text."""


@dataclass(frozen=True, slots=True)
class Quote:
    """A passage in quotation marks that the text attributes to someone.

    ``start``/``end`` cover the passage including its quotation marks. ``speaker`` is the text of
    the speaker's mention at ``speaker_start``/``speaker_end`` (so ``text[speaker_start:speaker_end]
    == speaker``), or ``None`` when the text names nobody. A quote split by its attribution
    ("It would not be appropriate", stated Kerry, "for any number of reasons") is two quotes; the
    second has ``continues`` set to the index of the first in the document's quote list.
    ``speaker_name`` is the person's canonical name in this article (the fullest form it uses,
    without titles, capitals normalised: "Mr. Kerry" -> "John Kerry"; a role such as "the
    senator" resolved to the senator it named), for the user to accept; ``speaker`` keeps the
    text's own words. A pronoun ("he said") is resolved: ``speaker`` and its offsets then give the
    earlier mention of the person.
    """

    start: int
    end: int
    speaker: str | None = None
    speaker_start: int | None = None
    speaker_end: int | None = None
    cue: str | None = None
    continues: int | None = None
    speaker_name: str | None = None

    def to_json(self) -> dict[str, Any]:
        """The quote as a JSON-ready dict, with the fields ``inspect --json`` promises."""
        return {
            "start": self.start,
            "end": self.end,
            "speaker": self.speaker,
            "speaker_start": self.speaker_start,
            "speaker_end": self.speaker_end,
            "cue": self.cue,
            "continues": self.continues,
            "speaker_name": self.speaker_name,
        }


@dataclass(frozen=True, slots=True)
class Structure:
    """Where the paragraphs, sentences, boilerplate and quotes of one text lie."""

    paragraphs: tuple[Range, ...] = ()
    sentences: tuple[Range, ...] = ()
    boilerplate: tuple[Range, ...] = ()
    quotes: tuple[Quote, ...] = ()


class LazyStructure(Structure):
    """A :class:`Structure` computed on first use of any of its parts (or by :meth:`compute`).

    Listing a corpus gives each document one of these, so the first article can be shown before
    the others are analysed; the analysis runs once, whichever thread asks first.
    """

    def __init__(self, compute: Callable[[], Structure]) -> None:  # no super(): fields are lazy
        # The parent is a frozen dataclass: its __setattr__ refuses, so set the private parts
        # directly.
        object.__setattr__(self, "_compute", compute)
        object.__setattr__(self, "_done", None)
        object.__setattr__(self, "_lock", threading.Lock())

    _compute: Callable[[], Structure] | None
    _done: Structure | None
    _lock: threading.Lock

    def compute(self) -> Structure:
        """The analysed structure, computing it now if it has not been yet."""
        done = self._done
        if done is None:
            with self._lock:
                if self._done is None:
                    assert self._compute is not None
                    object.__setattr__(self, "_done", self._compute())
                    object.__setattr__(self, "_compute", None)
                done = self._done
                assert done is not None
        return done

    @property
    def ready(self) -> bool:
        """Whether the structure has been computed."""
        return self._done is not None

    @property
    def recipe(self) -> Callable[[], Structure] | None:
        """What computes the structure (it pickles when its parts do, unlike the lock), or
        None once it has been computed."""
        return self._compute

    @property
    def paragraphs(self) -> tuple[Range, ...]:
        return self.compute().paragraphs

    @property
    def sentences(self) -> tuple[Range, ...]:
        return self.compute().sentences

    @property
    def boilerplate(self) -> tuple[Range, ...]:
        return self.compute().boilerplate

    @property
    def quotes(self) -> tuple[Quote, ...]:
        return self.compute().quotes

    def __eq__(self, other: object) -> bool:
        if isinstance(other, LazyStructure):
            other = other.compute()
        return self.compute() == other

    def __hash__(self) -> int:
        return hash(self.compute())

    def __repr__(self) -> str:
        return repr(self._done) if self._done is not None else "LazyStructure(not analysed yet)"


@dataclass(frozen=True)
class Document:
    """One article.

    ``id`` is stable: it is derived from the file's name relative to the folder it was loaded from
    (plus the record's key for JSON records), so the same file gives the same id on every run and
    machine, and an edited file keeps its id. ``content_hash`` changes whenever the text does.
    ``text`` is the decoded file with line endings normalised to ``\\n``; every offset in
    ``structure`` indexes it.
    """

    id: str
    path: str
    text: str
    content_hash: str
    title: str
    outlet: str | None = None
    date: str | None = None
    url: str | None = None
    structure: Structure = field(default_factory=Structure)
    author: str | None = None
    story: str | None = None
    """The story the corpus says this article belongs to (a metadata table's ``story`` column,
    BASIL's ``triplet-uuid``), or ``None``; see :mod:`newsreader.corpus.stories`."""

    @property
    def analysed(self) -> bool:
        """Whether paragraphs, sentences, boilerplate and quotes are known yet (see ``analyse``)."""
        return not isinstance(self.structure, LazyStructure) or self.structure.ready

    def analyse(self) -> Structure:
        """Compute the structure now if it is not known yet (a listed document's is computed on
        first use otherwise), and return it."""
        if isinstance(self.structure, LazyStructure):
            return self.structure.compute()
        return self.structure

    @property
    def paragraphs(self) -> tuple[Range, ...]:
        return self.structure.paragraphs

    @property
    def sentences(self) -> tuple[Range, ...]:
        return self.structure.sentences

    @property
    def boilerplate(self) -> tuple[Range, ...]:
        return self.structure.boilerplate

    @property
    def quotes(self) -> tuple[Quote, ...]:
        return self.structure.quotes

    @cached_property
    def lines(self) -> LineIndex:
        """Offset ↔ (row, column) conversion for this document's text."""
        return LineIndex(self.text)

    def slice(self, span: Range) -> str:
        """The text of ``span``."""
        return self.text[span[0] : span[1]]

    @property
    def boilerplate_share(self) -> float:
        """The share of non-whitespace characters that lie in boilerplate regions, 0..1."""
        total = sum(1 for ch in self.text if not ch.isspace())
        if not total:
            return 0.0
        flagged = sum(1 for s, e in self.boilerplate for ch in self.text[s:e] if not ch.isspace())
        return flagged / total

    def to_json(self) -> dict[str, Any]:
        """The document as a JSON-ready dict: metadata, text and structure offsets."""
        return {
            "id": self.id,
            "path": self.path,
            "outlet": self.outlet,
            "title": self.title,
            "date": self.date,
            "url": self.url,
            "content_hash": self.content_hash,
            "text": self.text,
            "paragraphs": [list(r) for r in self.paragraphs],
            "sentences": [list(r) for r in self.sentences],
            "boilerplate": [list(r) for r in self.boilerplate],
            "quotes": [q.to_json() for q in self.quotes],
        }
