"""What a user says about articles: spans, statement groups and decisions on suggestions.

These are plain, frozen dataclasses. The store keeps them as JSON records (``to_record``) in
a TinyDB file; ``from_record`` reads them back.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

CONTEXT = 32
"""Characters of context kept before and after a span (W3C TextQuoteSelector prefix/suffix)."""

BUILTIN_LABELS = ("claim", "quote")
"""Labels every store knows; a user's configuration adds more."""

BUILTIN_RELATIONS = ("paraphrase", "contradicts", "misquote", "partial")
"""How a member of a statement group differs from the statement (None: it says the same)."""

ANCHOR_STATES = ("ok", "moved", "fuzzy", "orphaned")
"""How a span sits on its article's current text: where it was made; found again at another
place with the same words; found again with changed words; not found (kept at its old place)."""


def new_id(prefix: str) -> str:
    """A fresh id such as ``s_3f9a0c1d2b4e5f60``: 64 random bits, unique across stores."""
    return f"{prefix}_{secrets.token_hex(8)}"


def now() -> str:
    """The current time as ISO 8601 UTC with milliseconds, e.g. ``2026-11-21T10:04:05.123Z``."""
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def context(text: str, start: int, end: int) -> tuple[str, str]:
    """The ``CONTEXT`` characters before ``start`` and after ``end`` in ``text``."""
    return text[max(0, start - CONTEXT) : start], text[end : end + CONTEXT]


@dataclass(frozen=True)
class Anchor:
    """How a span was found on the current text of its article."""

    state: str = "ok"
    score: float | None = None
    """For ``fuzzy``: how well the new place matches, 0 to 100."""
    old_start: int | None = None
    old_end: int | None = None
    old_text: str | None = None

    def to_record(self) -> dict[str, Any] | None:
        if self.state == "ok":
            return None
        record: dict[str, Any] = {"state": self.state}
        for name in ("score", "old_start", "old_end", "old_text"):
            value = getattr(self, name)
            if value is not None:
                record[name] = value
        return record

    @classmethod
    def from_record(cls, record: dict[str, Any] | None) -> Anchor:
        if not record:
            return cls()
        return cls(
            state=record.get("state", "ok"),
            score=record.get("score"),
            old_start=record.get("old_start"),
            old_end=record.get("old_end"),
            old_text=record.get("old_text"),
        )


@dataclass(frozen=True)
class Span:
    """A stretch of one article tagged by a user: ``text == article_text[start:end]``.

    ``doc_hash`` is the content hash of the article text the offsets refer to. ``prefix`` and
    ``suffix`` are the text around the span, so that it can be found again when the article
    changes. ``anchor`` says whether it had to be moved (or could not be found) since.
    """

    id: str
    doc_id: str
    doc_hash: str
    start: int
    end: int
    text: str
    prefix: str
    suffix: str
    label: str
    attributes: dict[str, Any] = field(default_factory=dict)
    annotator: str = ""
    created: str = ""
    modified: str = ""
    anchor: Anchor = Anchor()

    @property
    def speaker(self) -> str | None:
        """The speaker of a quote, when known."""
        value = self.attributes.get("speaker")
        return value if isinstance(value, str) and value else None

    @property
    def orphaned(self) -> bool:
        """True when the span's words are no longer in its article."""
        return self.anchor.state == "orphaned"

    def to_record(self) -> dict[str, Any]:
        record: dict[str, Any] = {
            "id": self.id,
            "doc_id": self.doc_id,
            "doc_hash": self.doc_hash,
            "start": self.start,
            "end": self.end,
            "text": self.text,
            "prefix": self.prefix,
            "suffix": self.suffix,
            "label": self.label,
            "attributes": dict(self.attributes),
            "annotator": self.annotator,
            "created": self.created,
            "modified": self.modified,
        }
        anchor = self.anchor.to_record()
        if anchor:
            record["anchor"] = anchor
        return record

    @classmethod
    def from_record(cls, record: dict[str, Any]) -> Span:
        return cls(
            id=record["id"],
            doc_id=record["doc_id"],
            doc_hash=record["doc_hash"],
            start=record["start"],
            end=record["end"],
            text=record["text"],
            prefix=record.get("prefix", ""),
            suffix=record.get("suffix", ""),
            label=record["label"],
            attributes=dict(record.get("attributes") or {}),
            annotator=record.get("annotator", ""),
            created=record.get("created", ""),
            modified=record.get("modified", ""),
            anchor=Anchor.from_record(record.get("anchor")),
        )


@dataclass(frozen=True)
class Group:
    """A statement group: spans in different articles that carry the same statement.

    ``members`` maps each span id to its relation to the statement: None when it says the same
    thing, or one of the relations (``paraphrase``, ``contradicts``, ``misquote`` …) when it
    differs, e.g. an outlet that quotes the speaker differently.
    """

    id: str
    members: dict[str, str | None]
    annotator: str = ""
    created: str = ""
    modified: str = ""

    def to_record(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "members": dict(self.members),
            "annotator": self.annotator,
            "created": self.created,
            "modified": self.modified,
        }

    @classmethod
    def from_record(cls, record: dict[str, Any]) -> Group:
        return cls(
            id=record["id"],
            members=dict(record["members"]),
            annotator=record.get("annotator", ""),
            created=record.get("created", ""),
            modified=record.get("modified", ""),
        )


@dataclass(frozen=True)
class Passage:
    """A stretch of an article named by offsets, whether or not it is annotated yet."""

    doc_id: str
    start: int
    end: int

    @property
    def key(self) -> str:
        return f"{self.doc_id}:{self.start}:{self.end}"


@dataclass(frozen=True)
class Decision:
    """A user's answer to a suggestion: a candidate link or a detected quote, rejected.

    ``kind`` is ``link`` (``key`` names the two passages, in either order) or ``quote``
    (``key`` names the detected quote's passage).
    """

    id: str
    kind: str
    key: str
    decision: str = "rejected"
    annotator: str = ""
    created: str = ""

    def to_record(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "kind": self.kind,
            "key": self.key,
            "decision": self.decision,
            "annotator": self.annotator,
            "created": self.created,
        }

    @classmethod
    def from_record(cls, record: dict[str, Any]) -> Decision:
        return cls(
            id=record["id"],
            kind=record["kind"],
            key=record["key"],
            decision=record.get("decision", "rejected"),
            annotator=record.get("annotator", ""),
            created=record.get("created", ""),
        )


@dataclass(frozen=True)
class Suggestion:
    """A candidate link found by ``newsreader align``, stored for the app to offer."""

    source: Passage
    target: Passage
    score: float

    @property
    def id(self) -> str:
        return "x_" + link_key(self.source, self.target)

    def to_record(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "source": {
                "doc": self.source.doc_id,
                "start": self.source.start,
                "end": self.source.end,
            },
            "target": {
                "doc": self.target.doc_id,
                "start": self.target.start,
                "end": self.target.end,
            },
            "score": self.score,
        }

    @classmethod
    def from_record(cls, record: dict[str, Any]) -> Suggestion:
        source, target = record["source"], record["target"]
        return cls(
            Passage(source["doc"], source["start"], source["end"]),
            Passage(target["doc"], target["start"], target["end"]),
            record["score"],
        )


def link_key(a: Passage, b: Passage) -> str:
    """The key of a candidate link between two passages; the same in either order."""
    first, second = sorted((a.key, b.key))
    return f"{first}|{second}"


@dataclass(frozen=True)
class DocumentRecord:
    """What the store remembers of an article, so that exports need not reload it."""

    id: str
    path: str
    content_hash: str
    outlet: str | None = None
    title: str = ""
    date: str | None = None
    url: str | None = None

    def to_record(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "path": self.path,
            "content_hash": self.content_hash,
            "outlet": self.outlet,
            "title": self.title,
            "date": self.date,
            "url": self.url,
        }

    @classmethod
    def from_record(cls, record: dict[str, Any]) -> DocumentRecord:
        return cls(
            id=record["id"],
            path=record.get("path", ""),
            content_hash=record.get("content_hash", ""),
            outlet=record.get("outlet"),
            title=record.get("title", ""),
            date=record.get("date"),
            url=record.get("url"),
        )
