"""The workbench: every thing a user can do, as a method, without Textual.

A :class:`Workbench` holds the store, the loaded articles and the linking index. Each user intent
(tag, tag a quote, link, unlink, set a relation, dissolve or merge statements, accept or reject a
suggestion, edit, resize, delete, undo, redo, import; move an article to another story, split,
merge or rename a story) is one method that returns an
:class:`Outcome` naming the spans, statement groups and articles it changed, so that a screen
repaints only those. The app maps keys to these methods; the tests call them directly.

Indices follow the store's changes (:class:`~newsreader.annotations.store.StoreChange`): the
spans of an article by position (for "the span under the cursor"), the stored link suggestions by
article and the linker's annotation units are updated by each change, never rebuilt, so the cost
of an edit does not grow with the store.
"""

from __future__ import annotations

import re
import threading
from bisect import bisect_right, insort
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from .model import Group, Passage, Span, Suggestion

if TYPE_CHECKING:
    from newsreader.corpus import Document, Quote
    from newsreader.corpus.stories import Story

    from .linking import Candidate, Linker
    from .store import Store, StoreChange
    from .story_edits import CorrectedStories, Plan

# The store and the linker are imported where first used: the app builds an empty workbench
# before its first frame, which should not wait for them.

Mark = tuple[int, int, str]
"""(start, end, kind) of a mark to paint in an article: see :meth:`Workbench.marks`."""

_Entry = tuple[int, int, str, str, bool, str]  # start, end, span id, label, orphaned, annotator

_WORD = re.compile(r"\w+(?:['’.-]\w+)*", re.UNICODE)


_SPANS_PER_STEP = 32
"""Spans indexed between two calls of ``build_linker``'s ``pause`` (about a millisecond)."""


def _no_pause() -> None:
    return None


class IntentRefused(ValueError):
    """The intent cannot be carried out as asked; the message says why, in the user's words.

    The store's own refusals (an unknown label, a passage tagged twice) are its ``EditError``.
    """


@dataclass(frozen=True)
class Outcome:
    """What one intent changed: span, group and article ids, and a line for the user.

    ``span_id`` and ``group_id`` name the span and the statement group the intent made or acted
    on (for the screen to select), when there is one.
    """

    spans: frozenset[str] = frozenset()
    groups: frozenset[str] = frozenset()
    articles: frozenset[str] = frozenset()
    message: str = ""
    span_id: str | None = None
    group_id: str | None = None
    stories: bool = False
    """True when the user's story corrections changed (``articles`` names their articles)."""
    story_id: str | None = None
    """The story a story correction made or acted on (for the screen to select)."""

    @property
    def changed(self) -> bool:
        """True when the intent changed anything in the store."""
        return bool(self.spans or self.groups or self.articles or self.stories)


@dataclass(frozen=True)
class Member:
    """One member of a statement group: the span, its relation, the article's outlet."""

    span: Span
    relation: str | None
    outlet: str


@dataclass(frozen=True)
class SuggestionAt:
    """A suggestion under the cursor: a detected quote, or a stored link suggestion."""

    kind: Literal["quote", "link"]
    here: Passage
    there: Passage | None = None
    speaker: str | None = None


@dataclass
class _ArticleSpans:
    """One article's spans sorted by (start, end, id), with the longest span's length."""

    entries: list[_Entry] = field(default_factory=list)
    longest: int = 0

    def add(self, entry: _Entry) -> None:
        insort(self.entries, entry)
        self.longest = max(self.longest, entry[1] - entry[0])

    def remove(self, entry: _Entry) -> None:
        index = bisect_right(self.entries, entry) - 1
        if index >= 0 and self.entries[index][2] == entry[2]:
            del self.entries[index]
            return
        # The stored record differed from ours (should not happen): fall back to a scan.
        self.entries = [e for e in self.entries if e[2] != entry[2]]

    def holding(self, offset: int) -> list[_Entry]:
        """The entries whose range holds ``offset``, looking back no further than the longest."""
        found: list[_Entry] = []
        index = bisect_right(self.entries, (offset, 1 << 62))
        while index > 0:
            index -= 1
            entry = self.entries[index]
            if entry[0] < offset - self.longest:
                break
            if entry[0] <= offset < entry[1] or entry[0] == entry[1] == offset:
                found.append(entry)
        return found


def _entry(record: dict[str, Any]) -> _Entry:
    orphaned = (record.get("anchor") or {}).get("state") == "orphaned"
    annotator = str(record.get("annotator") or "")
    return (record["start"], record["end"], record["id"], record["label"], orphaned, annotator)


class Workbench:
    """The store, the articles and the linking index, and every user intent on them.

    ``store`` may be None (reading without a store: every edit is refused with a message).
    Build the linking index with :meth:`build_linker` (in a worker: its cost grows with the
    corpus); until then :meth:`candidates` is refused and changes are queued for it.
    """

    def __init__(self, store: Store | None, documents: Iterable[Document]) -> None:
        self.store = store
        self.documents: list[Document] = list(documents)
        self.by_id: dict[str, Document] = {doc.id: doc for doc in self.documents}
        self.linker: Linker | None = None
        # The store's own lock guards these indices too: its listeners run inside it, so one
        # lock (never two in either order) keeps an edit and a query in a worker apart.
        self._lock: threading.RLock = store._lock if store is not None else threading.RLock()
        self._positions: dict[str, _ArticleSpans] = {}
        self._suggestions: dict[str, list[Suggestion]] | None = None
        self._queued: list[StoreChange] = []
        self._collected: list[StoreChange] | None = None
        self._listeners: list[Callable[[StoreChange], None]] = []
        self.view: str | None = None
        """Whose spans the article views show and :meth:`span_at` finds: None for everyone's."""
        self._by_annotator: Counter[str] | None = None
        self.grouping: list[Story] | None = None
        """The open articles' stories as computed (before the user's corrections), once
        :meth:`set_grouping` was told them."""
        if store is not None:
            store.subscribe(self._on_change)

    def close(self) -> None:
        """Stop following the store (it stays open: closing it is its owner's business)."""
        if self.store is not None:
            self.store.unsubscribe(self._on_change)

    def subscribe(self, listener: Callable[[StoreChange], None]) -> None:
        """Call ``listener`` with every store change after the indices took it in."""
        self._listeners.append(listener)

    # -- indices ---------------------------------------------------------------------------

    def _on_change(self, change: StoreChange) -> None:
        with self._lock:
            for table, _key, before, after in change.records:
                if table != "spans":
                    continue
                if before is not None and before["doc_id"] in self._positions:
                    self._positions[before["doc_id"]].remove(_entry(before))
                if after is not None and after["doc_id"] in self._positions:
                    self._positions[after["doc_id"]].add(_entry(after))
                if self._by_annotator is not None:
                    if before is not None:
                        self._by_annotator[str(before.get("annotator") or "")] -= 1
                    if after is not None:
                        self._by_annotator[str(after.get("annotator") or "")] += 1
            if change.suggestions:
                self._suggestions = None
            if self.linker is not None:
                self._feed_linker(change)
            else:
                self._queued.append(change)
            if self._collected is not None:
                self._collected.append(change)
        for listener in list(self._listeners):
            listener(change)

    def _feed_linker(self, change: StoreChange) -> None:
        assert self.linker is not None
        for table, _key, before, after in change.records:
            if table != "spans":
                continue
            if after is None:
                if before is not None:
                    self.linker.remove_span(before["id"])
            else:
                self.linker.add_span(Span.from_record(after))

    def build_linker(self, pause: Callable[[], object] | None = None) -> Linker:
        """Index every article and every stored span for linking (slow: call it in a worker).

        ``pause`` is called between small steps (an article, a few dozen spans): the app passes
        one that waits while the user is at work, so that building the index (whose cost grows
        with the store) never competes with an edit for the interpreter.
        """
        from .linking import Linker

        step = pause or _no_pause
        linker = Linker()
        for doc in self.documents:
            step()
            linker.add_document(doc)
        if self.store is not None:
            for doc_id in list(self.store.counts_by_document()):
                step()
                for i, span in enumerate(self.store.spans(doc_id), 1):
                    linker.add_span(span)
                    if i % _SPANS_PER_STEP == 0:
                        step()
        with self._lock:
            # Changes made while it was built (already in, or not yet): adding is idempotent.
            self.linker = linker
            queued, self._queued = self._queued, []
            for change in queued:
                self._feed_linker(change)
        return linker

    def _article(self, doc_id: str) -> _ArticleSpans:
        with self._lock:
            found = self._positions.get(doc_id)
            if found is None:
                found = _ArticleSpans()
                if self.store is not None:
                    for span in self.store.spans(doc_id):
                        found.add(
                            (
                                span.start,
                                span.end,
                                span.id,
                                span.label,
                                span.orphaned,
                                span.annotator,
                            )
                        )
                self._positions[doc_id] = found
            return found

    def _suggestions_of(self, doc_id: str) -> list[Suggestion]:
        with self._lock:
            if self._suggestions is None:
                by_doc: dict[str, list[Suggestion]] = {}
                for suggestion in self.store.suggestions() if self.store else []:
                    by_doc.setdefault(suggestion.source.doc_id, []).append(suggestion)
                    if suggestion.target.doc_id != suggestion.source.doc_id:
                        by_doc.setdefault(suggestion.target.doc_id, []).append(suggestion)
                self._suggestions = by_doc
            found = self._suggestions.get(doc_id, [])
        store = self.store
        return [s for s in found if store is None or not store.is_rejected_link(s.source, s.target)]

    # -- reading ---------------------------------------------------------------------------

    def counts(self) -> dict[str, int]:
        """The store's counts (``spans``, ``groups``, ...); zeros without a store."""
        return self.store.counts() if self.store else {"spans": 0, "groups": 0}

    def count_of(self, doc_id: str) -> int:
        """How many spans the article has."""
        return len(self._article(doc_id).entries) if self.store else 0

    def counts_by_document(self) -> dict[str, int]:
        """How many spans each article has."""
        return self.store.counts_by_document() if self.store else {}

    def spans_of(self, doc_id: str) -> list[Span]:
        """The article's spans in reading order."""
        return self.store.spans(doc_id) if self.store else []

    def span_at(
        self, doc_id: str, offset: int, selection: tuple[int, int] | None = None
    ) -> Span | None:
        """The span exactly selected, else the shortest (not orphaned) span holding ``offset``.

        Costs a bisection and the spans near the cursor, not the article's span count.
        """
        if self.store is None:
            return None
        article = self._article(doc_id)
        with self._lock:
            if selection is not None:
                for entry in article.holding(selection[0]):
                    if (entry[0], entry[1]) == selection and not entry[4] and self._shown(entry):
                        return self.store.span(entry[2])
            holding = [e for e in article.holding(offset) if not e[4] and self._shown(e)]
        if not holding:
            return None
        best = min(holding, key=lambda e: (e[1] - e[0], e[0], e[2]))
        return self.store.span(best[2])

    def group_of(self, span_id: str) -> Group | None:
        """The statement group of a span, or None."""
        return self.store.group_of(span_id) if self.store else None

    def members_in(self, group_id: str | None, doc_id: str) -> list[Span]:
        """The members of a statement group that are in one article."""
        if self.store is None or group_id is None:
            return []
        group = self.store.group(group_id)
        if group is None:
            return []
        found = [s for m in group.members if (s := self.store.span(m)) is not None]
        return [s for s in found if s.doc_id == doc_id]

    def detected_speaker(self, doc_id: str, start: int, end: int) -> str | None:
        """The speaker of the first detected quote overlapping ``start:end`` that names one."""
        doc = self.by_id.get(doc_id)
        if doc is None:
            return None
        quote = _overlapping_quote(doc.quotes, start, end)
        return (quote.speaker_name or quote.speaker) if quote else None

    def marks(self, doc_id: str, active_group: str | None = None) -> list[Mark]:
        """What to paint in an article: boilerplate, spans by kind, the active statement's
        members (``linked``), stored link suggestions and detected quotes not yet tagged or
        rejected (``suggest-link``, ``suggest-quote``)."""
        doc = self.by_id.get(doc_id)
        items: list[Mark] = [(s, e, "boilerplate") for s, e in doc.boilerplate] if doc else []
        tagged_quotes: set[tuple[int, int]] = set()
        if self.store is not None:
            with self._lock:
                entries = list(self._article(doc_id).entries)
            for start, end, _id, label, orphaned, annotator in entries:
                if orphaned or (self.view is not None and annotator != self.view):
                    continue
                kind = label if label in ("claim", "quote") else "other"
                items.append((start, end, kind))
                if label == "quote":
                    tagged_quotes.add((start, end))
            for member in self.members_in(active_group, doc_id):
                if not member.orphaned and self.shows(member):
                    items.append((member.start, member.end, "linked"))
            for suggestion in self._suggestions_of(doc_id):
                for passage in (suggestion.source, suggestion.target):
                    if passage.doc_id == doc_id:
                        items.append((passage.start, passage.end, "suggest-link"))
        if doc is not None:
            for quote in doc.quotes:
                if (quote.start, quote.end) in tagged_quotes:
                    continue
                if self.store is not None and self.store.is_rejected_quote(
                    Passage(doc_id, quote.start, quote.end)
                ):
                    continue
                items.append((quote.start, quote.end, "suggest-quote"))
        return items

    def suggestion_at(self, doc_id: str, offset: int) -> SuggestionAt | None:
        """The stored link suggestion, else the detected quote (not tagged, not rejected),
        under ``offset``."""
        for suggestion in self._suggestions_of(doc_id):
            for here, there in (
                (suggestion.source, suggestion.target),
                (suggestion.target, suggestion.source),
            ):
                if here.doc_id == doc_id and here.start <= offset < here.end:
                    return SuggestionAt("link", here, there)
        doc = self.by_id.get(doc_id)
        if doc is None:
            return None
        tagged = {(e[0], e[1]) for e in self._article(doc_id).holding(offset)}
        for quote in doc.quotes:
            if quote.start <= offset < quote.end and (quote.start, quote.end) not in tagged:
                passage = Passage(doc_id, quote.start, quote.end)
                if self.store is None or not self.store.is_rejected_quote(passage):
                    return SuggestionAt(
                        "quote", passage, speaker=quote.speaker_name or quote.speaker
                    )
        return None

    def candidates(self, span_id: str, top_k: int = 15) -> list[Candidate]:
        """The passages in other articles that may carry the span's statement, best first."""
        store = self._store()
        span = self._span(span_id)
        with self._lock:
            if self.linker is None:
                raise IntentRefused("Still indexing the articles; try again in a moment.")
            return self.linker.candidates(
                span.doc_id, span.start, span.end, top_k=top_k, store=store, span_id=span.id
            )

    # -- annotators, statements, the story --------------------------------------------------

    def annotators(self) -> list[str]:
        """The annotators with spans in the store, by name."""
        return sorted(name for name, count in self._annotator_counts().items() if count > 0)

    def annotator_counts(self) -> dict[str, int]:
        """How many spans each annotator with spans has in the store, by name."""
        return {name: n for name, n in sorted(self._annotator_counts().items()) if n > 0}

    def _annotator_counts(self) -> Counter[str]:
        with self._lock:
            if self._by_annotator is None:
                counts: Counter[str] = Counter()
                for record in self.store.span_records() if self.store else []:
                    counts[str(record.get("annotator") or "")] += 1
                self._by_annotator = counts
            return self._by_annotator

    def shows(self, span: Span) -> bool:
        """True when the view (:attr:`view`) shows ``span``."""
        return self.view is None or span.annotator == self.view

    def _shown(self, entry: _Entry) -> bool:
        return self.view is None or entry[5] == self.view

    def set_view(self, annotator: str | None) -> str:
        """Show only ``annotator``'s spans (None: everyone's); returns a line for the user."""
        self.view = annotator or None
        if self.view is None:
            return "Showing every annotator's spans."
        return f"Showing only {self.view}'s spans ({self.view_count()})."

    def cycle_view(self, me: str) -> str:
        """The next view: everyone's, mine (``me``), then each other annotator's in turn."""
        order: list[str | None] = [None, me]
        order += [name for name in self.annotators() if name != me]
        current = order.index(self.view) if self.view in order else 0
        return self.set_view(order[(current + 1) % len(order)])

    def view_count(self) -> int:
        """How many spans the view shows (the whole store's count without a filter)."""
        if self.view is None:
            return self.counts()["spans"]
        return self._annotator_counts().get(self.view, 0)

    def statement(self, group_id: str) -> list[Member]:
        """A statement group's members across outlets (by outlet, then position)."""
        store = self._store()
        group = store.group(group_id)
        if group is None:
            raise IntentRefused("There is no such statement group (it was dissolved).")
        members: list[Member] = []
        for span_id, relation in group.members.items():
            span = store.span(span_id)
            if span is None:
                continue
            doc = self.by_id.get(span.doc_id)
            outlet = (doc.outlet or doc.title or doc.id) if doc else span.doc_id
            members.append(Member(span, relation, outlet))
        members.sort(key=lambda m: (m.outlet.casefold(), m.span.doc_id, m.span.start))
        return members

    def statements(self, exclude: str | None = None) -> list[tuple[str, int, str]]:
        """(group id, member count, its first member's text) of every statement group but
        ``exclude``, by that text: what a merge can choose from."""
        store = self._store()
        found: list[tuple[str, int, str]] = []
        for group in store.groups():
            if group.id == exclude:
                continue
            first = next((s for m in group.members if (s := store.span(m)) is not None), None)
            text = " ".join(first.text.split()) if first else ""
            found.append((group.id, len(group.members), text))
        found.sort(key=lambda g: (g[2].casefold(), g[0]))
        return found

    def story_spans(
        self, doc_ids: Iterable[str], label: str | None = None, annotator: str | None = None
    ) -> list[tuple[str, list[Span]]]:
        """The spans of each article in ``doc_ids`` (each once, in that order), in reading
        order, limited to ``label`` and ``annotator`` when given."""
        found: list[tuple[str, list[Span]]] = []
        seen: set[str] = set()
        for doc_id in doc_ids:
            if doc_id in seen:
                continue
            seen.add(doc_id)
            spans = [
                s
                for s in self.spans_of(doc_id)
                if (label is None or s.label == label)
                and (annotator is None or s.annotator == annotator)
            ]
            found.append((doc_id, spans))
        return found

    # -- the intents -----------------------------------------------------------------------

    def tag(
        self,
        doc_id: str,
        start: int,
        end: int,
        label: str,
        attributes: dict[str, Any] | None = None,
    ) -> Outcome:
        """Tag ``start:end`` of an article with ``label``."""
        store = self.require_writable()
        made: list[Span] = []
        outcome = self._run(
            lambda: made.append(store.create_span(doc_id, start, end, label, attributes))
        )
        speaker = (attributes or {}).get("speaker")
        text = f"{label.capitalize()} tagged{f' ({speaker})' if speaker else ''}."
        return _with(outcome, text, span_id=made[0].id)

    def tag_quote(self, doc_id: str, start: int, end: int, speaker: str | None = None) -> Outcome:
        """Tag a quote with its speaker: the one given, else the one detected in the article
        (``""`` for none)."""
        if speaker is None:
            speaker = self.detected_speaker(doc_id, start, end) or ""
        return self.tag(doc_id, start, end, "quote", {"speaker": speaker} if speaker else {})

    def link(self, span_id: str, target: Candidate | Passage | str) -> Outcome:
        """Link a span to a target: a span id, a candidate or a passage.

        A passage (or a candidate that is not yet a span) is tagged with the span's label first,
        with the speaker detected there for a quote (else the span's own), and the link and the
        new span are one edit: undo takes both away.
        """
        store = self.require_writable()
        span = self._span(span_id)
        other: str | Passage
        if isinstance(target, (str, Passage)):
            other = target
        elif target.span_id is not None:
            other = target.span_id
        else:
            other = target.passage
        attributes: dict[str, Any] | None = None
        if isinstance(other, Passage) and span.label == "quote":
            speaker = self.detected_speaker(other.doc_id, other.start, other.end) or span.speaker
            attributes = {"speaker": speaker} if speaker else None
        found: list[Group] = []

        def do() -> None:
            group, _a, _b = store.link_passages(
                span.id, other, label=span.label, attributes=(None, attributes)
            )
            found.append(group)

        outcome = self._run(do)
        group = found[0]
        return _with(
            outcome,
            f"Linked: the statement is now in {len(group.members)} articles.",
            span_id=span.id,
            group_id=group.id,
        )

    def reject_link(self, span_id: str, target: Passage) -> Outcome:
        """Remember that the span's statement is not at ``target``: it is not offered again."""
        store = self.require_writable()
        span = self._span(span_id)
        here = Passage(span.doc_id, span.start, span.end)
        return _with(
            self._run(lambda: store.reject_link(here, target)),
            "Candidate rejected; it will not be offered again.",
        )

    def unlink(self, span_id: str) -> Outcome:
        """Take a span out of its statement group; the other members stay linked."""
        store = self.require_writable()
        return _with(self._run(lambda: store.unlink(span_id)), "Unlinked.", span_id=span_id)

    def set_relation(self, span_id: str, relation: str | None) -> Outcome:
        """Say how a group member differs from the statement (None: it says the same)."""
        store = self.require_writable()
        group = store.group_of(span_id)
        outcome = self._run(lambda: store.set_relation(span_id, relation))
        return _with(
            outcome,
            f"Marked as {relation or 'the same statement'}.",
            span_id=span_id,
            group_id=group.id if group else None,
        )

    def cycle_relation(self, span_id: str) -> Outcome:
        """Give a group member the next relation in the configured list (then none again)."""
        store = self.require_writable()
        group = store.group_of(span_id)
        if group is None:
            raise IntentRefused("This span is not linked to anything.")
        order: list[str | None] = [None, *store.relations]
        current = group.members.get(span_id)
        following = order[(order.index(current) + 1) % len(order)] if current in order else None
        return self.set_relation(span_id, following)

    def dissolve(self, group_id: str) -> Outcome:
        """Dissolve a statement group: its spans stay, linked to nothing."""
        store = self.require_writable()
        return _with(
            self._run(lambda: store.dissolve(group_id)), "The statement group is dissolved."
        )

    def merge(self, group_a: str, group_b: str) -> Outcome:
        """Merge statement group ``b`` into ``a`` (members keep their relations)."""
        store = self.require_writable()
        a, b = store.group(group_a), store.group(group_b)
        if a is None or b is None:
            raise IntentRefused("There is no such statement group.")
        if group_a == group_b:
            raise IntentRefused("These spans are already in one statement group.")
        first_a, first_b = next(iter(a.members)), next(iter(b.members))
        outcome = self._run(lambda: store.link(first_a, first_b, b.members[first_b]))
        merged = store.group_of(first_a)
        return _with(
            outcome,
            f"Merged: the statement has {len(merged.members) if merged else 0} members.",
            group_id=merged.id if merged else None,
        )

    def accept(self, doc_id: str, offset: int) -> Outcome:
        """Accept the suggestion under ``offset``: a detected quote becomes a quote with its
        speaker; a link suggestion becomes a link (tagging claims where needed; one edit)."""
        store = self.require_writable()
        found = self.suggestion_at(doc_id, offset)
        if found is None:
            raise IntentRefused("There is no suggestion under the cursor.")
        here = found.here
        if found.kind == "quote":
            speaker = found.speaker
            outcome = self.tag(
                here.doc_id, here.start, here.end, "quote", {"speaker": speaker} if speaker else {}
            )
            return _with(outcome, "Detected quote accepted.")
        assert found.there is not None
        there = found.there
        ids: list[str] = []
        for passage in (here, there):
            holding = [
                e
                for e in self._article(passage.doc_id).holding(passage.start)
                if (e[0], e[1]) == (passage.start, passage.end)
            ]
            ids.append(holding[0][2] if holding else "")
        sides: list[str | Passage] = [ids[0] or here, ids[1] or there]
        found_group: list[Group] = []
        outcome = self._run(
            lambda: found_group.append(store.link_passages(sides[0], sides[1], label="claim")[0])
        )
        return _with(outcome, "Suggested link accepted.", group_id=found_group[0].id)

    def store_suggestions(
        self, doc_ids: Sequence[str], suggestions: Iterable[Suggestion]
    ) -> Outcome:
        """Make ``suggestions`` the stored link suggestions from the articles ``doc_ids`` (what
        ``align`` found for them; ``a`` accepts one). Not an edit: not in the history."""
        store = self.require_writable()
        found = list(suggestions)
        count = store.replace_suggestions(doc_ids, found)
        with self._lock:
            self._suggestions = None
        touched = {s.source.doc_id for s in found} | {s.target.doc_id for s in found}
        return Outcome(
            articles=frozenset(touched | set(doc_ids)),
            message=f"{count} link suggestion{'s' if count != 1 else ''} for "
            f"{len(doc_ids)} articles: a accepts the one under the cursor, x rejects it.",
        )

    def reject(self, doc_id: str, offset: int) -> Outcome:
        """Reject the suggestion under ``offset`` for good."""
        store = self.require_writable()
        found = self.suggestion_at(doc_id, offset)
        if found is None:
            raise IntentRefused("There is no suggestion under the cursor.")
        if found.kind == "quote":
            outcome = self._run(lambda: store.reject_quote(found.here))
        else:
            assert found.there is not None
            there = found.there
            outcome = self._run(lambda: store.reject_link(found.here, there))
            outcome = _with(outcome, "", articles=frozenset({doc_id, there.doc_id}))
        return _with(outcome, "Suggestion rejected; it will not be offered again.")

    def edit(
        self, span_id: str, *, label: str | None = None, attributes: dict[str, Any] | None = None
    ) -> Outcome:
        """Change a span's label and/or replace its attributes."""
        store = self.require_writable()
        span = self._span(span_id)

        def do() -> None:
            if label is not None and label != span.label:
                store.relabel(span_id, label)
            if attributes is not None:
                store.set_attributes(span_id, attributes)

        return _with(self._run(do), "Saved.", span_id=span_id)

    def resize(self, span_id: str, start: int, end: int) -> Outcome:
        """Move a span's ends to ``start:end``."""
        store = self.require_writable()
        return _with(
            self._run(lambda: store.resize(span_id, start, end)), "Resized.", span_id=span_id
        )

    def resize_by_word(self, span_id: str, side: Literal["start", "end"], grow: bool) -> Outcome:
        """Grow or shrink a span by one word at its start or its end."""
        span = self._span(span_id)
        doc = self.by_id.get(span.doc_id)
        if doc is None:
            raise IntentRefused("The span's article is not loaded.")
        start, end = word_step(doc.text, span.start, span.end, side, grow)
        if (start, end) == (span.start, span.end):
            raise IntentRefused(
                "There is no word to add there." if grow else "A span keeps at least one word."
            )
        return self.resize(span_id, start, end)

    def delete(self, span_id: str) -> Outcome:
        """Delete a span (and take it out of its statement group)."""
        store = self.require_writable()
        span = self._span(span_id)
        return _with(
            self._run(lambda: store.delete_span(span_id)),
            f"Deleted the {span.label} (u brings it back).",
        )

    def undo(self) -> Outcome:
        """Undo the last edit wholly (a link with the span it made, an import, ...)."""
        store = self.require_writable()
        entries: list[Any] = []
        outcome = self._run(lambda: entries.append(store.undo()))
        if entries[0] is None:
            raise IntentRefused(
                "Nothing to undo." if not store.history() else "Nothing more to undo here."
            )
        return _with(outcome, f"Undone: {entries[0].label}")

    def redo(self) -> Outcome:
        """Redo the last undone edit."""
        store = self.require_writable()
        entries: list[Any] = []
        outcome = self._run(lambda: entries.append(store.redo()))
        if entries[0] is None:
            raise IntentRefused("Nothing to redo.")
        return _with(outcome, f"Redone: {entries[0].label}")

    def import_file(
        self, path: str | Path, fmt: str = "jsonl", *, skip_invalid: bool = False
    ) -> tuple[Outcome, Any]:
        """Import span annotations from ``path`` (newsreader JSONL or another tool's format);
        one edit, undone wholly. Returns the outcome and the importer's result (problems)."""
        store = self.require_writable()
        results: list[Any] = []
        if fmt == "jsonl":
            from .jsonl import import_jsonl

            outcome = self._run(
                lambda: results.append(import_jsonl(store, Path(path), skip_invalid=skip_invalid))
            )
        else:
            from .formats import import_file

            outcome = self._run(
                lambda: results.append(
                    import_file(
                        store, Path(path), fmt, corpus=self.documents, skip_invalid=skip_invalid
                    )
                )
            )
        return _with(outcome, f"Imported {len(outcome.spans)} annotations."), results[0]

    # -- stories ---------------------------------------------------------------------------

    def set_grouping(self, stories: Sequence[Story], by: str = "auto") -> None:
        """Take ``stories`` (the open articles grouped, before corrections) as the grouping
        the story intents correct. A writable store keeps it, so that ``export`` and
        ``coverage`` know each article's story."""
        from .story_edits import grouping_record

        self.grouping = list(stories)
        store = self.store
        if store is not None and not store.read_only and store.storage.error is None:
            store.record_grouping(grouping_record(self.grouping, self.by_id, by))

    def stories(self) -> CorrectedStories:
        """The open articles' stories with the user's corrections applied."""
        from .story_edits import CorrectedStories, apply_pins

        if self.grouping is None:
            raise IntentRefused("The articles are not grouped into stories yet.")
        if self.store is None:
            return CorrectedStories(list(self.grouping))
        return apply_pins(self.grouping, self.store.story_pins(), self.by_id)

    def move_to_story(self, doc_id: str, story_id: str) -> Outcome:
        """Move the article ``doc_id`` into the story ``story_id``; undone wholly."""
        from .story_edits import plan_move

        return self._correct(lambda now: (plan_move(now, doc_id, story_id), doc_id))

    def split_story(self, story_id: str, take_out: Iterable[str]) -> Outcome:
        """Take the articles ``take_out`` out of the story ``story_id`` into a new story."""
        from .story_edits import plan_split

        out = list(take_out)
        return self._correct(lambda now: (plan_split(now, story_id, out), out[0]))

    def merge_stories(self, story_id: str, other_id: str) -> Outcome:
        """Merge the story ``other_id`` into the story ``story_id``."""
        from .story_edits import plan_merge

        return self._correct(
            lambda now: (plan_merge(now, story_id, other_id), now.story(story_id).doc_ids[0])
        )

    def rename_story(self, story_id: str, name: str) -> Outcome:
        """Name the story ``story_id`` (a blank name gives it back its computed label)."""
        from .story_edits import plan_rename

        return self._correct(
            lambda now: (plan_rename(now, story_id, name), now.story(story_id).doc_ids[0])
        )

    def _correct(self, make: Callable[[CorrectedStories], tuple[Plan, str]]) -> Outcome:
        """Plan a story correction on the stories as they are and write it as one edit; the
        outcome names the story that holds the article ``make`` returns beside its plan."""
        from .story_edits import StoryEditError, correct

        store = self.require_writable()
        try:
            plan, anchor = make(self.stories())
        except StoryEditError as error:
            raise IntentRefused(str(error)) from None
        outcome = self._run(lambda: correct(store, plan))
        if not outcome.changed:
            raise IntentRefused("That changes nothing.")
        story_id = self.stories().story_of(anchor).id
        message = plan[0][:1].upper() + plan[0][1:] + " (u takes it back)."
        return _with(outcome, message, stories=True, story_id=story_id)

    # -- helpers ---------------------------------------------------------------------------

    def _store(self) -> Store:
        if self.store is None:
            raise IntentRefused("There is no store open, so nothing can be saved.")
        return self.store

    def require_writable(self) -> Store:
        """The store, when edits can be saved to it; else IntentRefused says why."""
        store = self._store()
        if store.read_only:
            raise IntentRefused("The store is open read-only: edits are not possible.")
        return store

    def _span(self, span_id: str) -> Span:
        span = self._store().span(span_id)
        if span is None:
            raise IntentRefused("There is no such span (it was deleted).")
        return span

    def _run(self, work: Callable[[], object]) -> Outcome:
        """Run ``work`` and gather the store changes it made into one outcome."""
        with self._lock:
            outer, self._collected = self._collected, []
        try:
            work()
        finally:
            with self._lock:
                changes, self._collected = self._collected or [], outer
                if outer is not None:
                    outer.extend(changes)
        return Outcome(
            spans=frozenset().union(*(c.spans for c in changes)),
            groups=frozenset().union(*(c.groups for c in changes)),
            articles=frozenset().union(*(c.documents for c in changes)),
            stories=any(c.stories for c in changes),
        )


def _with(outcome: Outcome, message: str, **changes: Any) -> Outcome:
    values = {
        "spans": outcome.spans,
        "groups": outcome.groups,
        "articles": outcome.articles | changes.pop("articles", frozenset()),
        "message": message or outcome.message,
        "span_id": outcome.span_id,
        "group_id": outcome.group_id,
        "stories": outcome.stories,
        "story_id": outcome.story_id,
    }
    values.update(changes)
    return Outcome(**values)


def _overlapping_quote(quotes: Sequence[Quote], start: int, end: int) -> Quote | None:
    return next((q for q in quotes if q.start < end and start < q.end and q.speaker), None)


def word_step(
    text: str, start: int, end: int, side: Literal["start", "end"], grow: bool
) -> tuple[int, int]:
    """``start:end`` grown or shrunk by one word at ``side`` (unchanged when it cannot)."""
    if side == "end":
        if grow:
            match = _WORD.search(text, end)
            return (start, match.end()) if match else (start, end)
        words = list(_WORD.finditer(text, start, end))
        if len(words) < 2:
            return (start, end)
        # Up to the last word, without the space before it (punctuation after a word stays).
        cut = words[-1].start()
        while cut > start and text[cut - 1].isspace():
            cut -= 1
        return (start, cut)
    if grow:
        before = list(_WORD.finditer(text, max(0, start - 200), start))
        before = [w for w in before if w.end() <= start]
        return (before[-1].start(), end) if before else (start, end)
    words = list(_WORD.finditer(text, start, end))
    if len(words) < 2:
        return (start, end)
    return (words[1].start(), end)


__all__ = ["IntentRefused", "Mark", "Member", "Outcome", "SuggestionAt", "Workbench", "word_step"]
