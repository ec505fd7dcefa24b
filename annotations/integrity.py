"""Quote integrity: how outlets' versions of the same speaker's quote differ, word by word.

For a statement group that holds quotes by the same speaker in several outlets, each version is
compared with the group's first quote (the one the user linked from): which words an outlet
changed, added or cut. Only the quoted words are compared: a span that takes in its attribution
(``“It would not be appropriate”, stated Kerry, “for any number of reasons”``) is compared by
the words inside its quotation marks, so "stated Kerry" is never counted as a change. Words are
compared case-insensitively, with curly and straight quotation marks and apostrophes alike, and
punctuation left out, so that house style is not a difference.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

from newsreader.corpus.quotes import quoted_parts

from .model import DocumentRecord, Group, Span

_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")


@dataclass(frozen=True)
class WordChange:
    """One stretch of a word diff: ``equal``, ``replace``, ``insert`` or ``delete``."""

    op: str
    old: str
    new: str


def words(text: str) -> list[str]:
    """The words of ``text``, as compared (original spelling kept)."""
    return [m.group() for m in _WORD.finditer(text)]


def word_diff(reference: str, version: str) -> list[WordChange]:
    """The changes that turn ``reference`` into ``version``, word by word."""
    old, new = words(reference), words(version)
    key = [w.lower().replace("’", "'") for w in old], [w.lower().replace("’", "'") for w in new]
    matcher = difflib.SequenceMatcher(None, key[0], key[1], autojunk=False)
    return [
        WordChange(op, " ".join(old[i1:i2]), " ".join(new[j1:j2]))
        for op, i1, i2, j1, j2 in matcher.get_opcodes()
    ]


def quoted_words(text: str) -> str:
    """The words of a quote span that lie inside its quotation marks, joined by spaces (the
    whole text when it has no marks): what the outlet quotes, without the attribution."""
    return " ".join(text[start:end] for start, end in quoted_parts(text))


def render(changes: list[WordChange]) -> str:
    """A diff as plain text: ``[-cut-]`` and ``{+added+}``, as ``git diff --word-diff`` writes."""
    parts = []
    for change in changes:
        if change.op == "equal":
            parts.append(change.old)
        if change.op in ("replace", "delete"):
            parts.append(f"[-{change.old}-]")
        if change.op in ("replace", "insert"):
            parts.append(f"{{+{change.new}+}}")
    return " ".join(parts)


@dataclass(frozen=True)
class QuoteVersion:
    """One outlet's version of a quote, compared with the reference version."""

    span: Span
    outlet: str
    changes: list[WordChange]

    @property
    def identical(self) -> bool:
        return all(change.op == "equal" for change in self.changes)

    @property
    def similarity(self) -> float:
        """The share of the words (reference and version together) that are the same, 0-1."""
        same = sum(len(c.old.split()) for c in self.changes if c.op == "equal")
        total = sum(
            len(c.old.split()) + len(c.new.split()) if c.op != "equal" else 2 * len(c.old.split())
            for c in self.changes
        )
        return 2 * same / total if total else 1.0


@dataclass(frozen=True)
class QuoteComparison:
    """The versions of one speaker's quote within a statement group."""

    group_id: str
    speaker: str
    reference: Span
    reference_outlet: str
    versions: list[QuoteVersion]


def same_speaker(a: str, b: str) -> bool:
    """True when two speaker names name the same person: one contains the other ("Kerry" and
    "John Kerry"), ignoring case."""
    a, b = " ".join(a.lower().split()), " ".join(b.lower().split())
    return bool(a and b) and (a in b or b in a)


def compare_quotes(
    group: Group, spans: dict[str, Span], documents: dict[str, DocumentRecord]
) -> list[QuoteComparison]:
    """For each speaker with quotes in two or more members of ``group``, the versions compared
    with the first of them. Members that are not quotes, or have no speaker, are left out."""
    quotes = [
        spans[member]
        for member in group.members
        if member in spans and spans[member].label == "quote" and spans[member].speaker
    ]
    comparisons = []
    used: set[str] = set()
    for reference in quotes:
        if reference.id in used:
            continue
        speaker = reference.speaker or ""
        others = [
            q
            for q in quotes
            if q.id != reference.id and q.id not in used and same_speaker(speaker, q.speaker or "")
        ]
        if not others:
            continue
        used.add(reference.id)
        used.update(q.id for q in others)
        comparisons.append(
            QuoteComparison(
                group_id=group.id,
                speaker=max([speaker, *(q.speaker or "" for q in others)], key=len),
                reference=reference,
                reference_outlet=_outlet(reference, documents),
                versions=[
                    QuoteVersion(
                        q,
                        _outlet(q, documents),
                        word_diff(quoted_words(reference.text), quoted_words(q.text)),
                    )
                    for q in others
                ],
            )
        )
    return comparisons


def _outlet(span: Span, documents: dict[str, DocumentRecord]) -> str:
    doc = documents.get(span.doc_id)
    if doc is None:
        return span.doc_id
    return doc.outlet or doc.title or doc.path
