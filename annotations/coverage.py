"""Coverage: the statements × outlets matrix — which outlet carries which statement, and how.

Each row is a statement group (or, when asked, a span linked to nothing: a statement only one
outlet carries). Each cell says whether that outlet carries the statement, as a claim or as a
quote (or another label), and with what relation (``paraphrase``, ``misquote`` …); an empty cell
is what that outlet left out.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from typing import Any

from .integrity import QuoteComparison, compare_quotes
from .model import DocumentRecord, Span
from .store import Store


@dataclass(frozen=True)
class Mention:
    """One outlet's span carrying a statement."""

    span_id: str
    label: str
    relation: str | None
    text: str
    speaker: str | None = None

    def describe(self) -> str:
        """``quote``, ``claim (paraphrase)`` …"""
        return self.label + (f" ({self.relation})" if self.relation else "")


@dataclass
class Statement:
    """A row: the statement (its first member's text) and who carries it."""

    id: str
    text: str
    outlets: dict[str, list[Mention]] = field(default_factory=dict)
    comparisons: list[QuoteComparison] = field(default_factory=list)


@dataclass
class Coverage:
    """The matrix: outlets (columns) and statements (rows)."""

    outlets: list[str]
    statements: list[Statement]

    def to_json(self) -> dict[str, Any]:
        return {
            "outlets": self.outlets,
            "statements": [
                {
                    "id": s.id,
                    "text": s.text,
                    "carried_by": {
                        outlet: [
                            {
                                "span": m.span_id,
                                "label": m.label,
                                "relation": m.relation,
                                "speaker": m.speaker,
                                "text": m.text,
                            }
                            for m in mentions
                        ]
                        for outlet, mentions in s.outlets.items()
                    },
                    "left_out_by": [o for o in self.outlets if o not in s.outlets],
                }
                for s in self.statements
            ],
        }


def outlet_name(doc: DocumentRecord | None, doc_id: str) -> str:
    """The column an article belongs to: its outlet, else its title, else its id."""
    if doc is None:
        return doc_id
    return doc.outlet or doc.title or doc.path or doc_id


def coverage(
    store: Store, *, include_unlinked: bool = False, articles: Collection[str] | None = None
) -> Coverage:
    """The statements × outlets matrix of ``store``; rows are statement groups, oldest first
    (then, with ``include_unlinked``, spans linked to nothing, in reading order). With
    ``articles`` (article ids, such as one story's), only spans on those articles count.

    Only the members of groups are read as spans (unless ``include_unlinked``): the outlets
    come from the stored records, so a store of 100k mostly unlinked spans is quick."""
    documents = store.documents()
    records = store.span_records()
    live_docs = {r["doc_id"] for r in records if (r.get("anchor") or {}).get("state") != "orphaned"}
    if articles is not None:
        live_docs &= set(articles)
    outlets = sorted({outlet_name(documents.get(d), d) for d in live_docs})
    del records
    groups = store.groups()
    spans: dict[str, Span]
    if include_unlinked:
        spans = {s.id: s for s in store.spans() if not s.orphaned}
        if articles is not None:
            spans = {k: s for k, s in spans.items() if s.doc_id in live_docs}
    else:
        spans = {}
        for group in groups:
            for member in group.members:
                span = store.span(member)
                if span is not None and not span.orphaned and span.doc_id in live_docs:
                    spans[member] = span
    statements: list[Statement] = []
    linked: set[str] = set()
    for group in groups:
        members = [spans[m] for m in group.members if m in spans]
        if not members:
            continue
        statement = Statement(id=group.id, text=members[0].text)
        for span in members:
            linked.add(span.id)
            _mention(statement, span, group.members.get(span.id), documents)
        statement.comparisons = compare_quotes(group, spans, documents)
        statements.append(statement)
    if include_unlinked:
        for span in spans.values():
            if span.id not in linked:
                statement = Statement(id=span.id, text=span.text)
                _mention(statement, span, None, documents)
                statements.append(statement)
    return Coverage(outlets, statements)


def _mention(
    statement: Statement,
    span: Span,
    relation: str | None,
    documents: dict[str, DocumentRecord],
) -> None:
    outlet = outlet_name(documents.get(span.doc_id), span.doc_id)
    statement.outlets.setdefault(outlet, []).append(
        Mention(span.id, span.label, relation, span.text, span.speaker)
    )
