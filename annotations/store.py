"""The annotation store: spans, statement groups and decisions, with undo that survives restarts.

A :class:`Store` is one TinyDB file (written through :class:`~.journal.JournalStorage`). Every
edit is a method here; each one checks its input, changes the in-memory state at once, records
an entry in the history (the records before and after), and queues one journal line, so the
caller never waits on the disk. ``flush()`` waits until the edits are durable.

History is data in the store: undo and redo are edits like any other, so they are as durable as
the rest and still work after a restart.
"""

from __future__ import annotations

import getpass
import os
import threading
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .anchoring import find_again
from .journal import (
    COMPACT_EVERY,
    JournalStorage,
    Op,
    Record,
    StoreCorrupt,
    StoreError,
    StoreReadOnly,
    StoreWriteError,
)
from .model import (
    BUILTIN_LABELS,
    BUILTIN_RELATIONS,
    Anchor,
    Decision,
    DocumentRecord,
    Group,
    Passage,
    Span,
    Suggestion,
    context,
    link_key,
    new_id,
    now,
)

if TYPE_CHECKING:
    from newsreader.corpus import Document

    from .story_edits import StoryPin

HISTORY_LIMIT = 10_000
"""How many edits the history keeps (older ones are dropped when a store is opened)."""

Change = tuple[str, str, Record | None, Record | None]
"""One record's change in an edit: table, key, before, after."""


class EditError(ValueError):
    """An edit that cannot be made; the message says why in the user's words."""


@dataclass(frozen=True)
class StoreChange:
    """What one edit (or undo, redo, import, suggestion update) changed, for indices and repaints.

    ``spans`` and ``groups`` are the ids of the records created, changed or deleted;
    ``documents`` the articles whose spans, group memberships or suggestions changed (both the
    old and the new article of a span); ``records`` the raw changes (table, key, before, after).
    """

    spans: frozenset[str]
    groups: frozenset[str]
    documents: frozenset[str]
    suggestions: bool
    decisions: bool
    records: tuple[Change, ...]
    stories: bool = False
    """True when the user's story corrections changed (``documents`` then holds their articles)."""


@dataclass(frozen=True)
class HistoryEntry:
    """One edit in the history, as the user would name it (``label``)."""

    n: int
    label: str
    at: str
    undone: bool
    barrier: bool = False


@dataclass
class AnchorReport:
    """What happened to the spans of articles whose text changed since they were made."""

    moved: list[tuple[Span, Span]] = field(default_factory=list)
    """(before, after) for spans found again at another place or with changed words."""
    orphaned: list[Span] = field(default_factory=list)
    """Spans whose words are no longer in their article; they keep their old place."""
    rechecked: int = 0
    """Spans whose article changed but whose words are still where they were."""

    def __bool__(self) -> bool:
        return bool(self.moved or self.orphaned)

    def lines(self, documents: dict[str, DocumentRecord] | None = None) -> list[str]:
        """One plain sentence per moved or orphaned span."""
        out = []

        def where(span: Span) -> str:
            doc = (documents or {}).get(span.doc_id)
            return f"{doc.outlet or doc.path}" if doc else span.doc_id

        for before, after in self.moved:
            how = (
                "found with changed words"
                if after.anchor.state == "fuzzy"
                else "found at another place"
            )
            score = f", match {after.anchor.score:.0f}/100" if after.anchor.state == "fuzzy" else ""
            out.append(
                f"{after.label} {_clip(before.text)!r} in {where(after)}: {how} "
                f"({before.start}-{before.end} → {after.start}-{after.end}{score}); "
                f"now {_clip(after.text)!r}"
            )
        for span in self.orphaned:
            out.append(
                f"{span.label} {_clip(span.text)!r} in {where(span)}: its words are no longer "
                "in the article; kept at its old place and marked orphaned"
            )
        return out


def _clip(text: str, width: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


_TABLE_OF = {
    "spans": Span,
    "groups": Group,
    "decisions": Decision,
    "documents": DocumentRecord,
    "suggestions": Suggestion,
    "story_pins": dict,  # records of annotations.story_edits.StoryPin
}


class _Edit:
    """The records one edit changes, so that a record changed twice keeps its first 'before'."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.changes: dict[tuple[str, str], list[Record | None]] = {}

    def get(self, table: str, record_id: str) -> Record | None:
        key = self.store._key_of(table, record_id)
        if key is None:
            key = self.store._pending_key(table, record_id)
        if key is not None and (table, key) in self.changes:
            return self.changes[(table, key)][1]
        return self.store._record(table, record_id)

    def put(self, table: str, record_id: str, record: Record | None) -> None:
        key = self.store._key_of(table, record_id) or self.store._pending_key(table, record_id)
        if key is None:
            if record is None:
                return
            key = self.store._new_key(table, record_id)
        if (table, key) in self.changes:
            self.changes[(table, key)][1] = record
        else:
            before = self.store.storage.table(table).get(key)
            self.changes[(table, key)] = [before, record]

    def list(self) -> list[Change]:
        return [
            (table, key, before, after)
            for (table, key), (before, after) in self.changes.items()
            if before != after
        ]


class Store:
    """Spans, statement groups and decisions of one project, kept in one TinyDB file.

    Open it with :meth:`Store.open`. Every edit method returns at once; ``flush()`` waits until
    the edits are on disk (``saved`` says whether they are). Methods are safe to call from
    several threads.
    """

    def __init__(
        self,
        storage: JournalStorage,
        *,
        annotator: str | None = None,
        labels: Sequence[str] = (),
        relations: Sequence[str] = (),
    ) -> None:
        self.storage = storage
        self.path = storage.path
        self.read_only = storage.read_only
        self.annotator = annotator or _default_annotator()
        self._labels = list(dict.fromkeys([*BUILTIN_LABELS, *labels]))
        self.relations = tuple(dict.fromkeys([*BUILTIN_RELATIONS, *relations]))
        self._lock = threading.RLock()
        self._docs: dict[str, Document] = {}
        self._ids: dict[str, dict[str, str]] = {name: {} for name in _TABLE_OF}
        self._pending: dict[str, dict[str, str]] = {name: {} for name in _TABLE_OF}
        self._next_key: dict[str, int] = {}
        self._by_doc: dict[str, set[str]] = {}
        self._group_of: dict[str, str] = {}
        self._same: dict[tuple[str, int, int, str], str] = {}
        self._label_count: dict[str, int] = {}
        self._orphans: set[str] = set()
        self._decided: set[tuple[str, str]] = set()
        self._history: list[int] = []
        self._done = 0
        self._listeners: list[Callable[[StoreChange], None]] = []
        self._rebuild()
        if not self.read_only:
            self._trim_history()

    @classmethod
    def open(
        cls,
        path: str | Path,
        *,
        read_only: bool = False,
        annotator: str | None = None,
        labels: Sequence[str] = (),
        relations: Sequence[str] = (),
        compact_every: int = COMPACT_EVERY,
        on_durable: Callable[[int], None] | None = None,
        on_error: Callable[[StoreWriteError], None] | None = None,
        allow_newer: bool = False,
    ) -> Store:
        """Open (or create) the store at ``path``.

        Raises StoreCorrupt (does not parse), StoreTooNew (newer schema; ``allow_newer`` with
        ``read_only`` reads it anyway), or StoreLocked (another process writes it). The file is
        never changed when opening fails.
        """
        storage = JournalStorage(
            path,
            read_only=read_only,
            compact_every=compact_every,
            on_durable=on_durable,
            on_error=on_error,
            allow_newer=allow_newer,
        )
        try:
            return cls(storage, annotator=annotator, labels=labels, relations=relations)
        except StoreError:
            storage.abandon()
            raise
        except (KeyError, TypeError, ValueError, AttributeError, RecursionError) as error:
            storage.abandon()
            raise StoreCorrupt(
                storage.path,
                f"{storage.path} holds a record newsreader cannot read "
                f"({type(error).__name__}: {str(error)[:200]}). It has not been changed. Move it "
                f"aside with `newsreader store --db {storage.path} --move-aside`, or name "
                "another store with --db.",
            ) from None
        except BaseException:
            storage.abandon()
            raise

    def close(self) -> None:
        """Save everything, fold the journal into the TinyDB file and release the lock."""
        self.storage.close()

    def flush(self, timeout: float | None = None) -> None:
        """Wait until every edit made so far is on disk."""
        self.storage.flush(timeout)

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def saved(self) -> bool:
        """True when every edit made so far is on disk."""
        return self.storage.durable_seq >= self.storage.seq

    @property
    def warnings(self) -> list[str]:
        """What the user should know about how the store was read."""
        return list(self.storage.warnings)

    # -- indexes -------------------------------------------------------------------------

    def _rebuild(self) -> None:
        for name in _TABLE_OF:
            ids = self._ids[name]
            ids.clear()
            if name == "spans":
                continue  # indexed below, with the checks, in one pass
            for key, record in self.storage.table(name).items():
                ids[record["id"]] = key
        for name in (*_TABLE_OF, "history"):
            keys = self.storage.table(name).keys()
            self._next_key[name] = max((int(k) for k in keys), default=0) + 1
        self._by_doc.clear()
        self._same.clear()
        self._label_count.clear()
        self._orphans.clear()
        # One pass over the spans, with everything looked up once: at 100k spans this loop is
        # a good part of the time to open a store.
        span_ids, by_doc, same = self._ids["spans"], self._by_doc, self._same
        label_count: dict[str, int] = {}
        for key, record in self.storage.table("spans").items():
            try:
                start, end = record["start"], record["end"]
                span_id, doc_id, label = record["id"], record["doc_id"], record["label"]
                usable = (
                    start.__class__ is int
                    and end.__class__ is int
                    and 0 <= start < end <= MAX_OFFSET
                    and span_id.__class__ is str
                    and doc_id.__class__ is str
                    and label.__class__ is str
                    and record["text"].__class__ is str
                )
            except (KeyError, TypeError):
                usable = False
            if not usable:
                _check_span_record(self.path, key, record)
            span_ids[span_id] = key
            members = by_doc.get(doc_id)
            if members is None:
                members = by_doc[doc_id] = set()
            members.add(span_id)
            same[(doc_id, start, end, label)] = span_id
            label_count[label] = label_count.get(label, 0) + 1
            anchor = record.get("anchor")
            if anchor and anchor.get("state") == "orphaned":
                self._orphans.add(span_id)
        self._label_count.update(label_count)
        self._group_of.clear()
        for record in self.storage.table("groups").values():
            for span_id in record["members"]:
                self._group_of[span_id] = record["id"]
        self._decided = {(r["kind"], r["key"]) for r in self.storage.table("decisions").values()}
        entries = sorted(self.storage.table("history").items(), key=lambda kv: int(kv[0]))
        self._history = [int(k) for k, _ in entries]
        self._done = sum(1 for _, r in entries if not r.get("undone"))

    def _index_span(self, record: Record, *, add: bool) -> None:
        same = (record["doc_id"], record["start"], record["end"], record["label"])
        label = record["label"]
        if (record.get("anchor") or {}).get("state") == "orphaned":
            (self._orphans.add if add else self._orphans.discard)(record["id"])
        if add:
            self._by_doc.setdefault(record["doc_id"], set()).add(record["id"])
            self._same[same] = record["id"]
            self._label_count[label] = self._label_count.get(label, 0) + 1
        else:
            self._by_doc.get(record["doc_id"], set()).discard(record["id"])
            if self._same.get(same) == record["id"]:
                del self._same[same]
            self._label_count[label] -= 1
            if not self._label_count[label]:
                del self._label_count[label]

    def subscribe(self, listener: Callable[[StoreChange], None]) -> None:
        """Call ``listener`` with a :class:`StoreChange` after every change to the store.

        It runs on the thread that made the change, inside the store's lock: keep it short
        (update an index, post a message), and do not edit the store from it.
        """
        with self._lock:
            self._listeners.append(listener)

    def unsubscribe(self, listener: Callable[[StoreChange], None]) -> None:
        """Stop calling ``listener``."""
        with self._lock:
            if listener in self._listeners:
                self._listeners.remove(listener)

    def _notify(self, changes: Sequence[Change]) -> None:
        if not self._listeners or not changes:
            return
        spans: set[str] = set()
        groups: set[str] = set()
        documents: set[str] = set()
        suggestions = decisions = stories = False
        for table, _key, before, after in changes:
            if table == "spans":
                for record in (before, after):
                    if record is not None:
                        spans.add(record["id"])
                        documents.add(record["doc_id"])
            elif table == "groups":
                for record in (before, after):
                    if record is None:
                        continue
                    groups.add(record["id"])
                    for span_id in record["members"]:
                        member = self._record("spans", span_id)
                        if member is not None:
                            documents.add(member["doc_id"])
            elif table == "suggestions":
                suggestions = True
                for record in (before, after):
                    if record is not None:
                        documents.add(record["source"]["doc"])
                        documents.add(record["target"]["doc"])
            elif table == "decisions":
                decisions = True
            elif table == "story_pins":
                stories = True
                for record in (before, after):
                    if record is not None:
                        documents.update(record["docs"])
        change = StoreChange(
            frozenset(spans),
            frozenset(groups),
            frozenset(documents),
            suggestions,
            decisions,
            tuple(changes),
            stories,
        )
        for listener in list(self._listeners):
            listener(change)

    def _reindex(self, changes: Sequence[Change]) -> None:
        self._reindex_records(changes)
        self._notify(changes)

    def _reindex_records(self, changes: Iterable[Change]) -> None:
        for table, _key, before, after in changes:
            if table in _TABLE_OF:
                if before is not None:
                    self._ids[table].pop(before["id"], None)
                if after is not None:
                    self._ids[table][after["id"]] = _key
                self._pending[table].pop((after or before or {}).get("id", ""), None)
            if table == "spans":
                if before is not None:
                    self._index_span(before, add=False)
                if after is not None:
                    self._index_span(after, add=True)
            elif table == "groups":
                if before is not None:
                    for span_id in before["members"]:
                        if self._group_of.get(span_id) == before["id"]:
                            del self._group_of[span_id]
                if after is not None:
                    for span_id in after["members"]:
                        self._group_of[span_id] = after["id"]
            elif table == "decisions":
                if before is not None:
                    self._decided.discard((before["kind"], before["key"]))
                if after is not None:
                    self._decided.add((after["kind"], after["key"]))

    def _key_of(self, table: str, record_id: str) -> str | None:
        return self._ids[table].get(record_id)

    def _pending_key(self, table: str, record_id: str) -> str | None:
        return self._pending[table].get(record_id)

    def _new_key(self, table: str, record_id: str) -> str:
        key = str(self._next_key[table])
        self._next_key[table] += 1
        if table in self._pending:
            self._pending[table][record_id] = key
        return key

    def _record(self, table: str, record_id: str) -> Record | None:
        key = self._ids[table].get(record_id)
        return None if key is None else self.storage.table(table).get(key)

    # -- reading -------------------------------------------------------------------------

    @property
    def labels(self) -> tuple[str, ...]:
        """The labels a span may have: claim, quote, the configured ones and any in the store."""
        with self._lock:
            return tuple(dict.fromkeys([*self._labels, *sorted(self._label_count)]))

    def span(self, span_id: str) -> Span | None:
        """The span with this id, or None."""
        with self._lock:
            record = self._record("spans", span_id)
            return Span.from_record(record) if record else None

    def spans(self, doc_id: str | None = None) -> list[Span]:
        """The spans of one article (or all), in reading order: by start, then end."""
        with self._lock:
            if doc_id is None:
                records = list(self.storage.table("spans").values())
            else:
                records = [
                    r for i in self._by_doc.get(doc_id, ()) if (r := self._record("spans", i))
                ]
        spans = [Span.from_record(r) for r in records]
        spans.sort(key=lambda s: (s.doc_id, s.start, s.end, s.label, s.id))
        return spans

    def span_records(self) -> list[Record]:
        """Every span as its stored record (a dict with the fields of ``Span.to_record``), in
        no particular order: for reading a whole store fast (export). Do not modify them."""
        with self._lock:
            return list(self.storage.table("spans").values())

    def membership(self) -> dict[str, tuple[str, str | None]]:
        """Each linked span's (group id, relation)."""
        with self._lock:
            return {
                member: (record["id"], relation)
                for record in self.storage.table("groups").values()
                for member, relation in record["members"].items()
            }

    def group(self, group_id: str) -> Group | None:
        """The statement group with this id, or None."""
        with self._lock:
            record = self._record("groups", group_id)
            return Group.from_record(record) if record else None

    def group_of(self, span_id: str) -> Group | None:
        """The statement group the span belongs to, or None."""
        with self._lock:
            group_id = self._group_of.get(span_id)
            return self.group(group_id) if group_id else None

    def groups(self) -> list[Group]:
        """Every statement group, oldest first."""
        with self._lock:
            items = sorted(self.storage.table("groups").items(), key=lambda kv: int(kv[0]))
        return [Group.from_record(record) for _, record in items]

    def documents(self) -> dict[str, DocumentRecord]:
        """What the store knows of each article it has annotations on, by document id."""
        with self._lock:
            records = list(self.storage.table("documents").values())
        return {r["id"]: DocumentRecord.from_record(r) for r in records}

    def decisions(self, kind: str | None = None) -> list[Decision]:
        """The user's rejections of suggestions (of one kind, or all)."""
        with self._lock:
            records = list(self.storage.table("decisions").values())
        return [Decision.from_record(r) for r in records if kind is None or r["kind"] == kind]

    def is_rejected_link(self, a: Passage, b: Passage) -> bool:
        """True when the user rejected linking these two passages."""
        return ("link", link_key(a, b)) in self._decided

    def is_rejected_quote(self, passage: Passage) -> bool:
        """True when the user rejected this detected quote."""
        return ("quote", passage.key) in self._decided

    def history(self) -> list[HistoryEntry]:
        """The edits in the history, oldest first (undone ones last)."""
        with self._lock:
            table = self.storage.table("history")
            return [
                HistoryEntry(
                    n=int(k),
                    label=table[str(k)]["label"],
                    at=table[str(k)]["at"],
                    undone=bool(table[str(k)].get("undone")),
                    barrier=bool(table[str(k)].get("barrier")),
                )
                for k in self._history
            ]

    @property
    def can_undo(self) -> bool:
        """True when there is an edit to undo."""
        with self._lock:
            return self._undo_target() is not None

    @property
    def can_redo(self) -> bool:
        """True when there is an undone edit to redo."""
        with self._lock:
            return self._done < len(self._history)

    def counts(self) -> dict[str, int]:
        """How many spans (by label), groups, orphaned spans and rejections the store holds."""
        with self._lock:
            counts: dict[str, int] = {"spans": len(self.storage.table("spans"))}
            counts.update(self._label_count)
            counts["orphaned"] = len(self._orphans)
            counts["groups"] = len(self.storage.table("groups"))
            counts["rejected"] = len(self.storage.table("decisions"))
            return counts

    def counts_by_document(self) -> dict[str, int]:
        """How many spans each article has (articles with none left out)."""
        with self._lock:
            return {doc_id: len(ids) for doc_id, ids in self._by_doc.items() if ids}

    def document(self, doc_id: str) -> Document | None:
        """The attached article with this id (its current text), or None."""
        return self._docs.get(doc_id)

    # -- committing ----------------------------------------------------------------------

    def _commit(
        self, label: str, edit: _Edit, *, extra: Sequence[Op] = (), barrier: bool = False
    ) -> bool:
        """Record ``edit`` in the history and the journal; False when it changed nothing."""
        changes = edit.list()
        if not changes:
            self._clear_pending()
            return False
        ops: list[Op] = [(t, k, after) for t, k, _before, after in changes]
        history_ops: list[Op] = []
        # A new edit after undo drops the undone edits: history stays a line.
        for key in self._history[self._done :]:
            history_ops.append(("history", str(key), None))
        del self._history[self._done :]
        n = self._next_key["history"]
        self._next_key["history"] += 1
        entry: Record = {
            "label": label,
            "at": now(),
            "annotator": self.annotator,
            **compact_saved([(t, k, before) for t, k, before, _after in changes]),
            "undone": False,
        }
        if barrier:
            entry["barrier"] = True
        history_ops.append(("history", str(n), entry))
        self.storage.append([*ops, *history_ops, *extra])
        self._history.append(n)
        self._done = len(self._history)
        self._reindex(changes)
        self._clear_pending()
        return True

    def _clear_pending(self) -> None:
        for pending in self._pending.values():
            pending.clear()

    def _writable(self) -> None:
        if self.read_only:
            raise StoreReadOnly(self.path, f"{self.path} is open read-only; edits are not saved")
        error = self.storage.error
        if error is not None:
            raise error

    def _trim_history(self) -> None:
        excess = len(self._history) - HISTORY_LIMIT
        if excess <= 0:
            return
        dropped = self._history[:excess]
        self.storage.append([("history", str(k), None) for k in dropped])
        del self._history[:excess]
        self._done = max(0, self._done - excess)

    # -- articles and anchoring ----------------------------------------------------------

    def attach(self, documents: Iterable[Document]) -> AnchorReport:
        """Tell the store the current text of these articles; find their spans again if needed.

        Spans made on another version of an article (a different content hash) are found
        again (see :mod:`.anchoring`) and moved, or marked orphaned; the report says which.
        Moves are one edit in the history, which undo does not go back past.
        """
        report = AnchorReport()
        with self._lock:
            doc_ops: list[Op] = []
            edit = _Edit(self)
            for doc in documents:
                self._docs[doc.id] = doc
                record = DocumentRecord(
                    id=doc.id,
                    # Absolute, so that a command run from another folder finds the article.
                    path=os.path.abspath(doc.path) if doc.path else "",
                    content_hash=doc.content_hash,
                    outlet=doc.outlet,
                    title=doc.title,
                    date=doc.date,
                    url=doc.url,
                ).to_record()
                key = self._key_of("documents", doc.id)
                if key is None or self.storage.table("documents")[key] != record:
                    if key is None:
                        key = self._new_key("documents", doc.id)
                    doc_ops.append(("documents", key, record))
                for span_id in sorted(self._by_doc.get(doc.id, ())):
                    old = self._record("spans", span_id)
                    if old is None or old["doc_hash"] == doc.content_hash:
                        continue
                    span = Span.from_record(old)
                    moved = self._reanchor(span, doc)
                    edit.put("spans", span.id, moved.to_record())
                    if moved.anchor.state == "orphaned":
                        report.orphaned.append(moved)
                    elif moved.anchor.state in ("moved", "fuzzy"):
                        report.moved.append((span, moved))
                    else:
                        report.rechecked += 1
            if self.read_only:
                self.storage.apply_in_memory(doc_ops)
                changes = edit.list()
                self.storage.apply_in_memory([(t, k, a) for t, k, _b, a in changes])
                self._reindex([("documents", k, None, r) for _, k, r in doc_ops])
                self._reindex(changes)
                self._clear_pending()
            else:
                label = "find spans again in changed articles"
                if not self._commit(label, edit, extra=doc_ops, barrier=True) and doc_ops:
                    self.storage.append(doc_ops)
                self._reindex([("documents", k, None, r) for _, k, r in doc_ops])
                self._clear_pending()
        return report

    def _reanchor(self, span: Span, doc: Document) -> Span:
        found = find_again(doc.text, span.text, span.prefix, span.suffix, span.start, span.end)
        if found.state == "orphaned":
            if span.anchor.state == "orphaned":
                return span
            return replace(
                span,
                anchor=Anchor("orphaned", old_start=span.start, old_end=span.end),
            )
        prefix, suffix = context(doc.text, found.start, found.end)
        if found.state == "ok":
            anchor = Anchor()
        else:
            anchor = Anchor(
                found.state,
                score=found.score if found.state == "fuzzy" else None,
                old_start=span.start,
                old_end=span.end,
                old_text=span.text if found.state == "fuzzy" else None,
            )
        return replace(
            span,
            doc_hash=doc.content_hash,
            start=found.start,
            end=found.end,
            text=doc.text[found.start : found.end],
            prefix=prefix,
            suffix=suffix,
            anchor=anchor,
            modified=now() if found.state != "ok" else span.modified,
        )

    # -- edits ---------------------------------------------------------------------------

    def _attached(self, doc_id: str) -> Document:
        doc = self._docs.get(doc_id)
        if doc is None:
            raise EditError(f"article {doc_id} is not open in this store")
        return doc

    def _check_range(self, doc: Document, start: int, end: int) -> None:
        if not (isinstance(start, int) and isinstance(end, int)):
            raise EditError("offsets must be whole numbers")
        if start < 0 or end > len(doc.text):
            raise EditError(
                f"offsets {start}-{end} run outside the article (it has {len(doc.text)} characters)"
            )
        if start >= end:
            raise EditError(f"the span {start}-{end} is empty")
        if not doc.text[start:end].strip():
            raise EditError("the span holds only white space")

    def _check_label(self, label: str) -> None:
        if label not in self.labels:
            raise EditError(
                f"unknown label {label!r}; the labels are {', '.join(self.labels)} "
                "(add more under `labels` in the configuration file)"
            )

    def _existing(self, span_id: str) -> Span:
        span = self.span(span_id)
        if span is None:
            raise EditError(f"there is no span {span_id}")
        return span

    def _new_span(
        self, doc_id: str, start: int, end: int, label: str, attributes: dict[str, Any] | None
    ) -> Span:
        doc = self._attached(doc_id)
        self._check_range(doc, start, end)
        self._check_label(label)
        existing = self._same.get((doc_id, start, end, label))
        if existing is not None:
            raise EditError(f"this passage is already tagged as {label}")
        stamp = now()
        prefix, suffix = context(doc.text, start, end)
        return Span(
            id=new_id("s"),
            doc_id=doc_id,
            doc_hash=doc.content_hash,
            start=start,
            end=end,
            text=doc.text[start:end],
            prefix=prefix,
            suffix=suffix,
            label=label,
            attributes=clean_attributes(attributes or {}),
            annotator=self.annotator,
            created=stamp,
            modified=stamp,
        )

    def create_span(
        self,
        doc_id: str,
        start: int,
        end: int,
        label: str,
        attributes: dict[str, Any] | None = None,
    ) -> Span:
        """Tag ``start:end`` of an attached article with ``label``; returns the new span."""
        with self._lock:
            self._writable()
            span = self._new_span(doc_id, start, end, label, attributes)
            edit = _Edit(self)
            edit.put("spans", span.id, span.to_record())
            self._commit(f"tag {label} {_clip(span.text, 40)!r}", edit)
            return span

    def delete_span(self, span_id: str) -> None:
        """Delete a span (and take it out of its statement group)."""
        with self._lock:
            self._writable()
            span = self._existing(span_id)
            edit = _Edit(self)
            self._leave_group(edit, span_id)
            edit.put("spans", span_id, None)
            self._commit(f"delete {span.label} {_clip(span.text, 40)!r}", edit)

    def relabel(self, span_id: str, label: str) -> Span:
        """Give a span another label."""
        with self._lock:
            self._writable()
            span = self._existing(span_id)
            self._check_label(label)
            if label == span.label:
                return span
            if self._same.get((span.doc_id, span.start, span.end, label)):
                raise EditError(f"this passage is already tagged as {label}")
            new = replace(span, label=label, modified=now())
            edit = _Edit(self)
            edit.put("spans", span_id, new.to_record())
            self._commit(f"relabel {span.label} → {label}", edit)
            return new

    def set_attributes(self, span_id: str, attributes: dict[str, Any]) -> Span:
        """Replace a span's attributes (``speaker``, ``note``, free keys; empty values drop)."""
        with self._lock:
            self._writable()
            span = self._existing(span_id)
            cleaned = clean_attributes(attributes)
            if cleaned == span.attributes:
                return span
            new = replace(span, attributes=cleaned, modified=now())
            edit = _Edit(self)
            edit.put("spans", span_id, new.to_record())
            self._commit(f"edit attributes of {_clip(span.text, 40)!r}", edit)
            return new

    def resize(self, span_id: str, start: int, end: int) -> Span:
        """Move a span's ends to ``start:end`` in its (attached) article."""
        with self._lock:
            self._writable()
            span = self._existing(span_id)
            doc = self._attached(span.doc_id)
            self._check_range(doc, start, end)
            if (start, end) == (span.start, span.end) and span.doc_hash == doc.content_hash:
                return span
            other = self._same.get((span.doc_id, start, end, span.label))
            if other is not None and other != span_id:
                raise EditError(f"this passage is already tagged as {span.label}")
            prefix, suffix = context(doc.text, start, end)
            new = replace(
                span,
                doc_hash=doc.content_hash,
                start=start,
                end=end,
                text=doc.text[start:end],
                prefix=prefix,
                suffix=suffix,
                anchor=Anchor(),
                modified=now(),
            )
            edit = _Edit(self)
            edit.put("spans", span_id, new.to_record())
            self._commit(f"resize {span.label} to {_clip(new.text, 40)!r}", edit)
            return new

    def link(self, a_id: str, b_id: str, relation: str | None = None) -> Group:
        """Put span ``b`` in span ``a``'s statement group (merging groups when both have one).

        ``relation`` says how ``b`` differs from the statement (None: it says the same).
        """
        with self._lock:
            self._writable()
            if a_id == b_id:
                raise EditError("a span cannot be linked to itself")
            a, b = self._existing(a_id), self._existing(b_id)
            self._check_relation(relation)
            edit = _Edit(self)
            group_id = self._link_into(edit, a_id, b_id, relation)
            if group_id is not None:
                self._commit(f"link {_clip(a.text, 30)!r} ↔ {_clip(b.text, 30)!r}", edit)
            else:
                group_id = self._group_of[a_id]
            group = self.group(group_id)
            assert group is not None
            return group

    def link_passages(
        self,
        a: str | Passage,
        b: str | Passage,
        *,
        label: str = "claim",
        attributes: tuple[dict[str, Any] | None, dict[str, Any] | None] = (None, None),
        relation: str | None = None,
    ) -> tuple[Group, str, str]:
        """Link ``a`` and ``b`` (span ids, or passages to tag first), as ONE edit.

        A passage is tagged ``label`` (with its ``attributes``) unless a span with that label
        already covers exactly it, which is then used. Undo takes the link and the spans it
        made away together. Returns the group and the two span ids.
        """
        with self._lock:
            self._writable()
            self._check_relation(relation)
            try:
                return self._link_passages(a, b, label, attributes, relation)
            finally:
                self._clear_pending()

    def _link_passages(
        self,
        a: str | Passage,
        b: str | Passage,
        label: str,
        attributes: tuple[dict[str, Any] | None, dict[str, Any] | None],
        relation: str | None,
    ) -> tuple[Group, str, str]:
        edit = _Edit(self)
        ids: list[str] = []
        texts: list[str] = []
        for side, extra in zip((a, b), attributes, strict=True):
            if isinstance(side, str):
                span = self._existing(side)
            else:
                same = self._same.get((side.doc_id, side.start, side.end, label))
                if same is not None:
                    span = self._existing(same)
                else:
                    span = self._new_span(side.doc_id, side.start, side.end, label, extra)
                    edit.put("spans", span.id, span.to_record())
            ids.append(span.id)
            texts.append(span.text)
        if ids[0] == ids[1]:
            raise EditError("a span cannot be linked to itself")
        group_id = self._link_into(edit, ids[0], ids[1], relation)
        if group_id is None:
            group_id = self._group_of[ids[0]]
        else:
            self._commit(f"link {_clip(texts[0], 30)!r} ↔ {_clip(texts[1], 30)!r}", edit)
        group = self.group(group_id)
        assert group is not None
        return group, ids[0], ids[1]

    def dissolve(self, group_id: str) -> None:
        """Take every member out of a statement group (one edit; the spans stay)."""
        with self._lock:
            self._writable()
            if self._record("groups", group_id) is None:
                raise EditError(f"there is no statement group {group_id}")
            edit = _Edit(self)
            edit.put("groups", group_id, None)
            self._commit("dissolve a statement group", edit)

    def _link_into(self, edit: _Edit, a_id: str, b_id: str, relation: str | None) -> str | None:
        """Put the link of ``b`` into ``a``'s group in ``edit``; None when already linked so."""
        stamp = now()
        group_a, group_b = self._group_of.get(a_id), self._group_of.get(b_id)
        if group_a is None and group_b is not None:
            # Join the group that exists; ``b`` keeps (or gets) the relation.
            record = dict(edit.get("groups", group_b) or {})
            members = dict(record["members"])
            members[a_id] = None
            if relation is not None:
                members[b_id] = relation
            group_id = group_b
        elif group_a is None:
            group_id = new_id("g")
            record = Group(group_id, {}, self.annotator, stamp, stamp).to_record()
            members = {a_id: None, b_id: relation}
        else:
            group_id = group_a
            record = dict(edit.get("groups", group_a) or {})
            members = dict(record["members"])
            if group_b is not None and group_b != group_a:
                other = edit.get("groups", group_b) or {"members": {}}
                for member, member_relation in other["members"].items():
                    members.setdefault(member, member_relation)
                edit.put("groups", group_b, None)
            elif b_id in members and (relation is None or members[b_id] == relation):
                return None  # already linked as asked
            if b_id not in members or relation is not None:
                members[b_id] = relation
        record["members"] = members
        record["modified"] = stamp
        edit.put("groups", group_id, record)
        return group_id

    def unlink(self, span_id: str) -> None:
        """Take a span out of its statement group; the other members stay linked."""
        with self._lock:
            self._writable()
            span = self._existing(span_id)
            if span_id not in self._group_of:
                raise EditError("this span is not linked to anything")
            edit = _Edit(self)
            self._leave_group(edit, span_id)
            self._commit(f"unlink {_clip(span.text, 40)!r}", edit)

    def set_relation(self, span_id: str, relation: str | None) -> None:
        """Say how a group member differs from the statement (None: it says the same)."""
        with self._lock:
            self._writable()
            self._existing(span_id)
            self._check_relation(relation)
            group_id = self._group_of.get(span_id)
            if group_id is None:
                raise EditError("this span is not linked to anything")
            edit = _Edit(self)
            record = dict(edit.get("groups", group_id) or {})
            if record["members"].get(span_id) == relation:
                return
            record["members"] = {**record["members"], span_id: relation}
            record["modified"] = now()
            edit.put("groups", group_id, record)
            self._commit(f"mark as {relation or 'the same statement'}", edit)

    def _check_relation(self, relation: str | None) -> None:
        if relation is not None and relation not in self.relations:
            raise EditError(
                f"unknown relation {relation!r}; the relations are {', '.join(self.relations)}"
            )

    def _leave_group(self, edit: _Edit, span_id: str) -> None:
        group_id = self._group_of.get(span_id)
        if group_id is None:
            return
        record = dict(edit.get("groups", group_id) or {})
        members = {k: v for k, v in record["members"].items() if k != span_id}
        if len(members) < 2:
            edit.put("groups", group_id, None)
        else:
            edit.put("groups", group_id, {**record, "members": members, "modified": now()})

    def reject_link(self, a: Passage, b: Passage) -> None:
        """Remember that the user rejected linking passages ``a`` and ``b``."""
        self._reject("link", link_key(a, b))

    def reject_quote(self, passage: Passage) -> None:
        """Remember that the user rejected the detected quote at ``passage``."""
        self._reject("quote", passage.key)

    def _reject(self, kind: str, key: str) -> None:
        with self._lock:
            self._writable()
            if (kind, key) in self._decided:
                return
            decision = Decision(new_id("d"), kind, key, "rejected", self.annotator, now())
            edit = _Edit(self)
            edit.put("decisions", decision.id, decision.to_record())
            self._commit(f"reject {kind} suggestion", edit)

    # -- suggestions ---------------------------------------------------------------------

    def replace_suggestions(self, doc_ids: Iterable[str], suggestions: Iterable[Suggestion]) -> int:
        """Make ``suggestions`` the stored link suggestions from the articles ``doc_ids``.

        Suggestions are what ``newsreader align`` found, for the app to offer; they are not the
        user's edits, so they are not in the history. Returns how many are stored.
        """
        with self._lock:
            self._writable()
            sources = set(doc_ids)
            ops: list[Op] = []
            changes: list[Change] = []
            table = self.storage.table("suggestions")
            for key, record in list(table.items()):
                if record["source"]["doc"] in sources:
                    ops.append(("suggestions", key, None))
                    changes.append(("suggestions", key, record, None))
            best: dict[str, Suggestion] = {}
            for suggestion in suggestions:  # A→B and B→A are one suggestion
                kept = best.get(suggestion.id)
                if kept is None or suggestion.score > kept.score:
                    best[suggestion.id] = suggestion
            deleted = {key for _, key, _ in ops}
            for suggestion in best.values():
                found = self._key_of("suggestions", suggestion.id)
                before = None
                if found is None or found in deleted:
                    key = self._new_key("suggestions", suggestion.id)
                else:
                    key, before = found, table[found]
                record = suggestion.to_record()
                ops.append(("suggestions", key, record))
                changes.append(("suggestions", key, before, record))
            count = len(best)
            if ops:
                self.storage.append(ops)
                self._reindex(changes)
            self._clear_pending()
            return count

    def suggestions(self, doc_id: str | None = None) -> list[Suggestion]:
        """Stored link suggestions from one article (or all), best first; rejected ones left out."""
        with self._lock:
            records = list(self.storage.table("suggestions").values())
        found = [Suggestion.from_record(r) for r in records]
        found = [
            s
            for s in found
            if (doc_id is None or s.source.doc_id == doc_id)
            and not self.is_rejected_link(s.source, s.target)
        ]
        found.sort(key=lambda s: (-s.score, s.source.doc_id, s.source.start, s.target.doc_id))
        return found

    # -- history -------------------------------------------------------------------------

    def _undo_target(self) -> int | None:
        if self._done == 0:
            return None
        key = self._history[self._done - 1]
        if self.storage.table("history")[str(key)].get("barrier"):
            return None
        return key

    def undo(self) -> HistoryEntry | None:
        """Undo the last edit; returns it, or None when there is nothing to undo.

        Undo stops at the point where spans were moved because their article changed.
        """
        with self._lock:
            self._writable()
            key = self._undo_target()
            if key is None:
                return None
            entry = self.storage.table("history")[str(key)]
            self._swap(key, entry, undone=True)
            self._done -= 1
            return HistoryEntry(key, entry["label"], entry["at"], True)

    def redo(self) -> HistoryEntry | None:
        """Redo the last undone edit; returns it, or None when there is nothing to redo."""
        with self._lock:
            self._writable()
            if self._done >= len(self._history):
                return None
            key = self._history[self._done]
            entry = self.storage.table("history")[str(key)]
            self._swap(key, entry, undone=False)
            self._done += 1
            return HistoryEntry(key, entry["label"], entry["at"], False)

    def _swap(self, key: int, entry: Record, *, undone: bool) -> None:
        """Put back the records ``entry`` saved, and save in it the ones they replace.

        A history entry keeps only what is not in the live tables: the records as they were
        before the edit while it is done, and as the edit left them while it is undone. So an
        import of 100k new spans keeps one range of keys, not 100k records.
        """
        saved = expand_saved(entry)
        if undone:
            saved.reverse()
        changes: list[Change] = []
        replaced: list[tuple[str, str, Record | None]] = []
        for table, record_key, record in saved:
            current = self.storage.table(table).get(record_key)
            changes.append((table, record_key, current, record))
            replaced.append((table, record_key, current))
        if undone:
            replaced.reverse()
        ops: list[Op] = [(t, k, after) for t, k, _before, after in changes]
        rest = {k: v for k, v in entry.items() if k not in ("saved", "absent", "changes")}
        ops.append(("history", str(key), {**rest, **compact_saved(replaced), "undone": undone}))
        self.storage.append(ops)
        for table, record_key, _before, _after in changes:
            if table in self._next_key:
                self._next_key[table] = max(self._next_key[table], int(record_key) + 1)
        self._reindex(changes)

    # -- stories -------------------------------------------------------------------------

    def story_pins(self) -> list[StoryPin]:
        """The user's story corrections: groups of articles pinned into one story (with the
        name the user gave it, if any), oldest first. No article is in two."""
        from .story_edits import StoryPin

        with self._lock:
            items = sorted(self.storage.table("story_pins").items(), key=lambda kv: int(kv[0]))
        return [StoryPin.from_record(record) for _, record in items]

    def correct_stories(self, label: str, pins: Mapping[str, StoryPin | None]) -> bool:
        """Put these story pins (by pin id; None deletes one) as one edit, which undo takes
        back wholly. False when nothing changed. Refused (EditError) when an article would be
        pinned into two stories."""
        with self._lock:
            self._writable()
            owner: dict[str, str] = {}
            for record in self.storage.table("story_pins").values():
                if record["id"] not in pins:
                    for doc_id in record["docs"]:
                        owner[doc_id] = record["id"]
            for pin_id, pin in pins.items():
                for doc_id in pin.docs if pin is not None else ():
                    if owner.setdefault(doc_id, pin_id) != pin_id:
                        raise EditError(f"the article {doc_id} would be in two stories")
            edit = _Edit(self)
            stamp = now()
            for pin_id, pin in pins.items():
                if pin is None:
                    edit.put("story_pins", pin_id, None)
                    continue
                plain = pin.to_record()
                before = edit.get("story_pins", pin_id)
                if before is not None and {k: before.get(k) for k in plain} == plain:
                    continue  # the same pin: no edit
                edit.put(
                    "story_pins",
                    pin_id,
                    {**plain, "annotator": self.annotator, "modified": stamp},
                )
            return self._commit(label, edit)

    def record_grouping(self, grouping: Record) -> None:
        """Keep ``grouping`` (the stories last computed for a corpus, with what export needs
        of its articles; see :func:`~.story_edits.grouping_record`) in place of the one kept
        before. It is what the program computed, not the user's edit: not in the history."""
        with self._lock:
            self._writable()
            self.storage.append([("story_groups", "1", dict(grouping))])

    def recorded_grouping(self) -> Record | None:
        """The grouping :meth:`record_grouping` kept last, or None."""
        with self._lock:
            record = self.storage.table("story_groups").get("1")
            return dict(record) if record is not None else None

    # -- import --------------------------------------------------------------------------

    def import_spans(
        self,
        spans: Iterable[Span],
        memberships: dict[str, tuple[str | None, str | None]],
        documents: Sequence[DocumentRecord],
        label: str = "import",
    ) -> dict[str, int]:
        """Add or update whole spans (with their ids) as one edit; used by the importers.

        ``spans`` may be a generator (it is read once). ``memberships`` maps span id to
        (group id, relation); a group id of None takes the span out of any group. Returns counts
        of ``new``, ``updated`` and ``unchanged`` spans. Linear in the number of spans.
        """
        with self._lock:
            self._writable()
            counts = {"new": 0, "updated": 0, "unchanged": 0}
            edit = _Edit(self)
            total = 0
            for span in spans:
                total += 1
                record = span.to_record()
                old = edit.get("spans", span.id)
                if old is None:
                    counts["new"] += 1
                elif old == record:
                    counts["unchanged"] += 1
                    continue
                else:
                    counts["updated"] += 1
                edit.put("spans", span.id, record)
            stamp = now()
            # The group each span is in after the memberships handled so far, and this edit's
            # own copies of the groups it changes (so a big group costs one copy, not one each).
            now_in: dict[str, str | None] = {}
            working: dict[str, Record] = {}

            def group_record(group_id: str) -> Record | None:
                if group_id not in working:
                    stored = edit.get("groups", group_id)
                    if stored is None:
                        return None
                    working[group_id] = {**stored, "members": dict(stored["members"])}
                return working[group_id]

            for span_id, (group_id, relation) in memberships.items():
                current = now_in[span_id] if span_id in now_in else self._group_of.get(span_id)
                if current is not None and current != group_id:
                    left = group_record(current)
                    if left is not None:
                        left["members"].pop(span_id, None)
                    now_in[span_id] = None
                if group_id is None:
                    continue
                joined = group_record(group_id)
                if joined is None:
                    joined = working[group_id] = Group(
                        group_id, {}, self.annotator, stamp, stamp
                    ).to_record()
                if joined["members"].get(span_id, "absent") != relation:
                    joined["members"][span_id] = relation
                now_in[span_id] = group_id
            for group_id, record in working.items():
                edit.put("groups", group_id, record if record["members"] else None)
            doc_ops: list[Op] = []
            for doc in documents:
                key = self._key_of("documents", doc.id)
                if key is None:
                    doc_ops.append(
                        ("documents", self._new_key("documents", doc.id), doc.to_record())
                    )
            self._commit(f"{label} ({total} annotations)", edit, extra=doc_ops)
            self._reindex([("documents", k, None, r) for _, k, r in doc_ops])
            self._clear_pending()
            return counts


MAX_OFFSET = 2**26
"""No article is longer than this many characters (the loader refuses files over 32 MiB)."""

_SPAN_FIELDS = ("id", "doc_id", "start", "end", "label", "text")


def _check_span_record(path: Path, key: str, record: Any) -> None:
    """Refuse a stored span that no command could use, naming it (StoreCorrupt)."""
    problem = None
    if not isinstance(record, dict):
        problem = f"is {type(record).__name__}, not an object"
    else:
        missing = [name for name in _SPAN_FIELDS if name not in record]
        if missing:
            problem = f"has no {', '.join(repr(m) for m in missing)}"
        else:
            start, end = record["start"], record["end"]
            if not all(type(v) is int and 0 <= v <= MAX_OFFSET for v in (start, end)):
                problem = f"has offsets {str(start)[:30]}-{str(end)[:30]} outside any article"
            elif start >= end:
                problem = f"has an empty range {start}-{end}"
            elif not all(isinstance(record[n], str) for n in ("id", "doc_id", "label", "text")):
                problem = "has an id, article, label or text that is not text"
    if problem is not None:
        raise StoreCorrupt(
            path,
            f"{path}: span record {key} {problem}. It has not been changed. Fix or remove that "
            f"record by hand, or move the store aside with `newsreader store --db {path} "
            "--move-aside`.",
        )


def compact_saved(saved: Sequence[tuple[str, str, Record | None]]) -> Record:
    """The records a history entry keeps, compactly: ``saved`` lists the records, ``absent``
    gives, per table, the ranges of keys that had no record (``[[first, last], ...]``)."""
    kept: list[list[Any]] = []
    absent: dict[str, list[list[int]]] = {}
    for table, key, record in saved:
        if record is None and key.isdigit():
            ranges = absent.setdefault(table, [])
            number = int(key)
            if ranges and ranges[-1][1] + 1 == number:
                ranges[-1][1] = number
            else:
                ranges.append([number, number])
        else:
            kept.append([table, key, record])
    return {"saved": kept, "absent": absent}


def expand_saved(entry: Record) -> list[tuple[str, str, Record | None]]:
    """The (table, key, record) a history entry keeps, in the order they were saved.

    Entries written before schema 2 hold ``changes`` (table, key, before, after): while done,
    the befores are what it keeps; while undone, the afters.
    """
    if "changes" in entry:
        side = 3 if entry.get("undone") else 2
        return [(str(c[0]), str(c[1]), c[side]) for c in entry["changes"]]
    saved: list[tuple[str, str, Record | None]] = [
        (str(t), str(k), r) for t, k, r in entry.get("saved", [])
    ]
    for table, ranges in (entry.get("absent") or {}).items():
        for first, last in ranges:
            saved.extend((table, str(n), None) for n in range(int(first), int(last) + 1))
    return saved


def clean_attributes(attributes: dict[str, Any]) -> dict[str, Any]:
    """Attributes as stored: string keys, JSON scalar values, empty values dropped.

    Raises EditError naming the first key or value that cannot be kept.
    """
    cleaned: dict[str, Any] = {}
    for key, value in attributes.items():
        if not isinstance(key, str) or not key.strip():
            raise EditError(f"attribute names must be non-empty text, not {key!r}")
        if value is None or (isinstance(value, str) and not value.strip()):
            continue
        if isinstance(value, float) and value != value:
            raise EditError(f"attribute {key!r} is not a number (NaN)")
        if not isinstance(value, str | int | float | bool):
            raise EditError(f"attribute {key!r} must be text, a number or true/false")
        cleaned[key.strip()] = value.strip() if isinstance(value, str) else value
    return cleaned


def _default_annotator() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no user name on this system
        return "anonymous"


__all__ = [
    "AnchorReport",
    "EditError",
    "HistoryEntry",
    "Store",
    "StoreError",
    "clean_attributes",
]
