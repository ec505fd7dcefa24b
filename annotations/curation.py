"""Curation: one article annotated by several people, merged into one curated layer.

The curated layer is a set of spans in the same store whose annotator is ``curated`` (or a
name given), so it exports like anyone's work (``export --annotator curated``) and ``agree``
compares it with each annotator. Where every annotator made the same span (same offsets, label
and speaker) it is accepted at once; the rest are disagreements, each a stretch of the article
where the annotators' spans overlap, walked one by one: take one annotator's version, take
neither, or edit. Every step is made with the store's public edits, so undo reverts it.

Nothing here imports Textual; ``tui/screens/curation.py`` gives these steps keys.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from typing import Any

from newsreader.corpus import Document

from .model import Span, context, new_id, now
from .store import EditError, Store, clean_attributes

__all__ = ["CURATED", "Curation", "Disagreement", "Version", "word_boundary"]

CURATED = "curated"
"""The default name of the curated layer's annotator."""


@dataclass(frozen=True)
class Version:
    """One annotator's spans in the stretch of a disagreement (none: they marked nothing)."""

    annotator: str
    spans: tuple[Span, ...]

    def describe(self) -> str:
        """A short account: ``claim "..."; quote "..." (Kerry)``, or ``nothing``."""
        if not self.spans:
            return "nothing"
        return "; ".join(_describe(span) for span in self.spans)


@dataclass(frozen=True)
class Disagreement:
    """A stretch ``start:end`` of the article where the annotators' spans differ."""

    index: int
    start: int
    end: int
    versions: tuple[Version, ...]

    def version(self, annotator: str) -> Version:
        """The version of ``annotator``."""
        for version in self.versions:
            if version.annotator == annotator:
                return version
        raise KeyError(annotator)


def _describe(span: Span) -> str:
    text = " ".join(span.text.split())
    text = text if len(text) <= 50 else text[:49] + "…"
    speaker = f" ({span.speaker})" if span.speaker else ""
    return f'{span.label} "{text}"{speaker}'


def _speaker_key(span: Span) -> str | None:
    return " ".join(span.speaker.split()).casefold() if span.speaker else None


def _same(a: Span, b: Span) -> bool:
    return (a.start, a.end, a.label, _speaker_key(a)) == (
        b.start,
        b.end,
        b.label,
        _speaker_key(b),
    )


def _first_per_place(spans: Sequence[Span]) -> list[Span]:
    """An annotator's spans, one per place (the one made first), in reading order."""
    kept: dict[tuple[int, int], Span] = {}
    for span in sorted(spans, key=lambda s: (s.created or "\uffff", s.id)):
        kept.setdefault((span.start, span.end), span)
    return sorted(kept.values(), key=lambda s: (s.start, s.end, s.label))


class Curation:
    """The curation of one article by ``annotators`` into the layer of ``curated``.

    ``annotators`` defaults to everyone with spans on the article except the curated layer.
    ``document`` (the article's current text) is needed only to edit a span's extent.
    """

    def __init__(
        self,
        store: Store,
        doc_id: str,
        annotators: Sequence[str] | None = None,
        *,
        curated: str = CURATED,
        document: Document | None = None,
    ) -> None:
        self.store = store
        self.doc_id = doc_id
        self.curated = curated
        self.document = document or store.document(doc_id)
        spans = [s for s in store.spans(doc_id) if not s.orphaned]
        names = sorted({s.annotator for s in spans} - {curated})
        if annotators is not None:
            names = [name for name in annotators if name != curated]
        if len(names) < 2:
            raise EditError(
                f"curation needs two annotators of article {doc_id}; found "
                f"{', '.join(names) or 'none'}"
            )
        self.annotators: tuple[str, ...] = tuple(names)
        self._decided: dict[int, str] = {}
        self._steps: list[tuple[int, int, str | None]] = []
        by_annotator = {
            name: _first_per_place([s for s in spans if s.annotator == name]) for name in names
        }
        self.agreements: list[Span] = []
        rest: list[Span] = []
        first, *others = names
        for span in by_annotator[first]:
            if all(any(_same(span, o) for o in by_annotator[name]) for name in others):
                self.agreements.append(span)
        for name in names:
            rest.extend(
                s for s in by_annotator[name] if not any(_same(s, a) for a in self.agreements)
            )
        self.disagreements: list[Disagreement] = self._cluster(rest)

    def _cluster(self, spans: list[Span]) -> list[Disagreement]:
        """Overlapping spans of any annotators, joined into stretches of disagreement."""
        spans.sort(key=lambda s: (s.start, s.end))
        clusters: list[list[Span]] = []
        reach = -1
        for span in spans:
            if clusters and span.start < reach:
                clusters[-1].append(span)
                reach = max(reach, span.end)
            else:
                clusters.append([span])
                reach = span.end
        result = []
        for index, members in enumerate(clusters):
            versions = tuple(
                Version(name, tuple(s for s in members if s.annotator == name))
                for name in self.annotators
            )
            result.append(
                Disagreement(
                    index=index,
                    start=min(s.start for s in members),
                    end=max(s.end for s in members),
                    versions=versions,
                )
            )
        return result

    # -- reading ---------------------------------------------------------------------------

    def curated_spans(self, item: Disagreement | None = None) -> list[Span]:
        """The curated layer's spans on the article (or in the stretch of ``item``)."""
        spans = [s for s in self.store.spans(self.doc_id) if s.annotator == self.curated]
        if item is not None:
            spans = [s for s in spans if s.start < item.end and item.start < s.end]
        return spans

    def status(self, item: Disagreement) -> str:
        """How ``item`` stands: ``open``, ``neither``, ``edited``, or the annotator taken."""
        curated = self.curated_spans(item)
        if not curated:
            return "neither" if self._decided.get(item.index) == "neither" else "open"
        for version in item.versions:
            if len(version.spans) == len(curated) and all(
                any(_same(c, s) for s in version.spans) for c in curated
            ):
                return version.annotator
        return "edited"

    @property
    def open_count(self) -> int:
        """How many disagreements are still undecided."""
        return sum(1 for item in self.disagreements if self.status(item) == "open")

    # -- steps -----------------------------------------------------------------------------

    @contextlib.contextmanager
    def _as_curator(self) -> Iterator[None]:
        # The history names who made each edit: the curated layer's name while curating.
        previous = self.store.annotator
        self.store.annotator = self.curated
        try:
            yield
        finally:
            self.store.annotator = previous

    def _copy(self, span: Span) -> Span:
        stamp = now()
        return replace(
            span,
            id=new_id("s"),
            annotator=self.curated,
            created=stamp,
            modified=stamp,
        )

    def _add(self, spans: Sequence[Span], label: str) -> int:
        """Put whole spans in the store as one edit; the number of edits made (0 or 1)."""
        if not spans:
            return 0
        counts = self.store.import_spans(list(spans), {}, [], label=label)
        return 1 if counts.get("new", 0) + counts.get("updated", 0) else 0

    def _clear(self, item: Disagreement) -> int:
        edits = 0
        for span in self.curated_spans(item):
            self.store.delete_span(span.id)
            edits += 1
        return edits

    def _twin(self, span: Span) -> Span | None:
        """The curated layer's copy of ``span`` (same article, offsets and label), if any."""
        for other in self.store.spans(span.doc_id):
            if other.annotator == self.curated and (other.start, other.end, other.label) == (
                span.start,
                span.end,
                span.label,
            ):
                return other
        return None

    def _carry_links(self, copies: Sequence[tuple[Span, Span]]) -> int:
        """Link each copy as its source is linked: to the curated copies of the other members
        of the source's statement group that exist already (in this article or others).
        Returns the number of edits made (one per link)."""
        edits = 0
        for source, copy in copies:
            group = self.store.group_of(source.id)
            if group is None:
                continue
            for member_id in group.members:
                member = self.store.span(member_id) if member_id != source.id else None
                twin = self._twin(member) if member is not None else None
                if twin is None or twin.id == copy.id:
                    continue
                linked = self.store.group_of(copy.id)
                if linked is not None and twin.id in linked.members:
                    continue
                self.store.link(twin.id, copy.id, group.members[source.id])
                edits += 1
                joined = self.store.group_of(twin.id)
                wanted = group.members[member_id]
                if joined is not None and joined.members.get(twin.id) != wanted:
                    self.store.set_relation(twin.id, wanted)
                    edits += 1
        return edits

    def _record(self, item: Disagreement, edits: int, decision: str) -> None:
        self._steps.append((item.index, edits, self._decided.get(item.index)))
        self._decided[item.index] = decision

    def accept_agreements(self) -> int:
        """Copy every span all annotators agree on into the curated layer (one edit, and one
        more per statement link carried over, as :meth:`take` carries them).

        Spans the layer already holds are left alone; returns how many were added.
        """
        have = {(s.start, s.end, s.label) for s in self.curated_spans()}
        pairs = [
            (span, self._copy(span))
            for span in self.agreements
            if (span.start, span.end, span.label) not in have
        ]
        with self._as_curator():
            self._add([copy for _, copy in pairs], f"curate: accept {len(pairs)} agreements")
            self._carry_links(pairs)
        return len(pairs)

    def take(self, item: Disagreement, annotator: str) -> list[Span]:
        """Make ``annotator``'s version the curated one for ``item``; returns the new spans.

        A copy is linked as its source is: to the curated copies of the source's fellow
        statement-group members, where those exist already.
        """
        version = item.version(annotator)
        with self._as_curator():
            edits = self._clear(item)
            pairs = [(span, self._copy(span)) for span in version.spans]
            copies = [copy for _, copy in pairs]
            edits += self._add(copies, f"curate: take {annotator}'s version")
            edits += self._carry_links(pairs)
        self._record(item, edits, annotator if copies else "neither")
        return copies

    def neither(self, item: Disagreement) -> None:
        """Keep no span for ``item`` in the curated layer."""
        with self._as_curator():
            edits = self._clear(item)
        self._record(item, edits, "neither")

    def edit(
        self,
        item: Disagreement,
        *,
        label: str | None = None,
        attributes: dict[str, Any] | None = None,
        start: int | None = None,
        end: int | None = None,
        base: Span | None = None,
    ) -> Span:
        """Make the curated version of ``item`` one span: ``base`` (default: the curated span
        there, else the first annotator's first span) with a new label, attributes or extent.

        A new extent needs the article's text. Returns the curated span.
        """
        current = self.curated_spans(item)
        if base is None:
            base = current[0] if current else None
        if base is None:
            base = next((s for v in item.versions for s in v.spans), None)
        if base is None:  # a disagreement always has a span; kept for type checkers
            raise EditError("there is no span to edit here")
        label = label if label is not None else base.label
        if label not in self.store.labels:
            raise EditError(
                f"unknown label {label!r}; the labels are {', '.join(self.store.labels)}"
            )
        new_start = base.start if start is None else start
        new_end = base.end if end is None else end
        span = replace(
            base,
            label=label,
            attributes=clean_attributes(base.attributes if attributes is None else attributes),
            modified=now(),
        )
        if (new_start, new_end) != (base.start, base.end):
            doc = self.document
            if doc is None:
                raise EditError(f"article {self.doc_id} is not open: its text is needed")
            if (
                not (0 <= new_start < new_end <= len(doc.text))
                or not doc.text[new_start:new_end].strip()
            ):
                raise EditError(f"the span {new_start}-{new_end} is not a stretch of the article")
            prefix, suffix = context(doc.text, new_start, new_end)
            span = replace(
                span,
                start=new_start,
                end=new_end,
                text=doc.text[new_start:new_end],
                prefix=prefix,
                suffix=suffix,
                doc_hash=doc.content_hash,
            )
        keep = base.annotator == self.curated and base in current
        if not keep:
            span = self._copy(span)
        with self._as_curator():
            edits = 0
            for other in current:
                if other.id != span.id:
                    self.store.delete_span(other.id)
                    edits += 1
            edits += self._add([span], "curate: edit")
        self._record(item, edits, "edited")
        stored = self.store.span(span.id)
        assert stored is not None
        return stored

    def resize_by_word(self, item: Disagreement, edge: str, step: int) -> Span:
        """Move the ``start`` or ``end`` of ``item``'s curated span one word left (``step``
        −1) or right (+1). Needs the article's text and exactly one curated span there."""
        current = self.curated_spans(item)
        if len(current) != 1:
            raise EditError(
                "take a version first: the curated layer has "
                f"{len(current) or 'no'} spans here, and one can be resized"
            )
        if self.document is None:
            raise EditError(f"article {self.doc_id} is not open: its text is needed")
        span = current[0]
        text = self.document.text
        if edge == "start":
            start, end = word_boundary(text, span.start, step, edge="start"), span.end
        else:
            start, end = span.start, word_boundary(text, span.end, step, edge="end")
        if start >= end:
            raise EditError("the span cannot get any shorter")
        return self.edit(item, start=start, end=end, base=span)

    @property
    def can_undo(self) -> bool:
        """True when a curation step of this session can be undone."""
        return bool(self._steps)

    def undo(self) -> bool:
        """Undo the last step of this session wholly (all the store edits it made)."""
        if not self._steps:
            return False
        index, edits, previous = self._steps.pop()
        with self._as_curator():
            for _ in range(edits):
                self.store.undo()
        if previous is None:
            self._decided.pop(index, None)
        else:
            self._decided[index] = previous
        return True


def word_boundary(text: str, offset: int, step: int, *, edge: str) -> int:
    """The offset one word away from ``offset`` in ``text``: for a span's ``start``, the start
    of the word before (``step`` −1) or after (+1); for its ``end``, the end of the word before
    or after. Stays at the text's ends."""
    if step < 0:
        i = offset
        if edge == "start":
            while i > 0 and text[i - 1].isspace():
                i -= 1
            while i > 0 and not text[i - 1].isspace():
                i -= 1
        else:
            while i > 0 and not text[i - 1].isspace():
                i -= 1
            while i > 0 and text[i - 1].isspace():
                i -= 1
        return i
    i = offset
    if edge == "start":
        while i < len(text) and not text[i].isspace():
            i += 1
        while i < len(text) and text[i].isspace():
            i += 1
    else:
        while i < len(text) and text[i].isspace():
            i += 1
        while i < len(text) and not text[i].isspace():
            i += 1
    return i
