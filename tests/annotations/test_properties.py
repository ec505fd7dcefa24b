"""Random sequences of edits, undo, redo and restarts leave the store equal to a simple model."""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import hypothesis.strategies as st
from hypothesis import HealthCheck, settings
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    initialize,
    invariant,
    multiple,
    rule,
)

from newsreader.annotations.model import BUILTIN_RELATIONS, Passage, link_key
from newsreader.annotations.store import EditError, Store
from newsreader.corpus import Document, load_sample

DOCS: list[Document] = load_sample().documents
LABELS = ("claim", "quote", "extra")
RELATIONS = (None, *BUILTIN_RELATIONS)


@dataclass
class Model:
    """What the store should hold, kept the simplest way: plain dicts and whole snapshots."""

    spans: dict[str, tuple[str, int, int, str, tuple[tuple[str, Any], ...]]] = field(
        default_factory=dict
    )
    groups: list[dict[str, str | None]] = field(default_factory=list)
    rejected: set[str] = field(default_factory=set)

    def copy(self) -> Model:
        return Model(dict(self.spans), [dict(g) for g in self.groups], set(self.rejected))

    def canonical(self) -> tuple[object, ...]:
        return (
            frozenset(self.spans.items()),
            frozenset(frozenset(g.items()) for g in self.groups),
            frozenset(self.rejected),
        )

    def group_of(self, span_id: str) -> dict[str, str | None] | None:
        return next((g for g in self.groups if span_id in g), None)

    def leave(self, span_id: str) -> None:
        group = self.group_of(span_id)
        if group is not None:
            del group[span_id]
            if len(group) < 2:
                self.groups.remove(group)


def observed(store: Store) -> tuple[object, ...]:
    spans = {
        s.id: (s.doc_id, s.start, s.end, s.label, tuple(sorted(s.attributes.items())))
        for s in store.spans()
    }
    groups = [g.members for g in store.groups()]
    return (
        frozenset(spans.items()),
        frozenset(frozenset(g.items()) for g in groups),
        frozenset(d.key for d in store.decisions()),
    )


class StoreMachine(RuleBasedStateMachine):
    spans = Bundle("spans")

    def __init__(self) -> None:
        super().__init__()
        self.folder = Path(tempfile.mkdtemp(prefix="newsreader-prop-"))
        self.model = Model()
        self.done: list[Model] = []
        self.undone: list[Model] = []
        self.store: Store | None = None

    @initialize()
    def open_store(self) -> None:
        self.store = self._open()

    def _open(self) -> Store:
        # Fold often, so that folding races the edits as it would in a long session.
        store = Store.open(self.folder / "s.json", labels=["extra"], compact_every=7)
        store.attach(DOCS)
        return store

    def _edit(self, change: Any) -> None:
        """Apply ``change`` to a copy of the model; the store must agree on whether it fails."""
        assert self.store is not None
        before = self.model.copy()
        after = self.model.copy()
        try:
            expected_error = change(after, None)
        except EditError:
            expected_error = True
        try:
            change(after.copy(), self.store)
        except EditError:
            assert expected_error, "the store refused an edit the model allows"
            return
        assert not expected_error, "the store allowed an edit the model refuses"
        if after.canonical() != before.canonical():
            self.done.append(before)
            self.undone.clear()
            self.model = after

    @rule(
        target=spans,
        doc=st.integers(0, len(DOCS) - 1),
        where=st.floats(0, 1),
        length=st.integers(1, 120),
        label=st.sampled_from(LABELS),
        speaker=st.sampled_from(["", "Kerry", "Harf"]),
    )
    def create(self, doc: int, where: float, length: int, label: str, speaker: str) -> Any:
        document = DOCS[doc]
        start = min(int(where * len(document.text)), len(document.text) - 1)
        end = min(start + length, len(document.text))
        attributes = {"speaker": speaker} if speaker else {}
        assert self.store is not None
        refused = not document.text[start:end].strip() or any(
            v[:4] == (document.id, start, end, label) for v in self.model.spans.values()
        )
        try:
            made = self.store.create_span(document.id, start, end, label, attributes).id
        except EditError:
            assert refused, "the store refused an edit the model allows"
            return multiple()
        assert not refused, "the store allowed an edit the model refuses"
        self.done.append(self.model.copy())
        self.undone.clear()
        self.model.spans[made] = (
            document.id,
            start,
            end,
            label,
            tuple(sorted(attributes.items())),
        )
        return made

    @rule(span=spans)
    def delete(self, span: str) -> None:
        def change(model: Model, store: Store | None) -> bool:
            if store is not None:
                store.delete_span(span)
                return False
            if span not in model.spans:
                return True
            model.leave(span)
            del model.spans[span]
            return False

        self._edit(change)

    @rule(span=spans, label=st.sampled_from(LABELS))
    def relabel(self, span: str, label: str) -> None:
        def change(model: Model, store: Store | None) -> bool:
            if store is not None:
                store.relabel(span, label)
                return False
            if span not in model.spans:
                return True
            doc, start, end, old, attrs = model.spans[span]
            if old != label and any(
                v[:4] == (doc, start, end, label) for v in model.spans.values()
            ):
                return True
            model.spans[span] = (doc, start, end, label, attrs)
            return False

        self._edit(change)

    @rule(span=spans, note=st.sampled_from(["", "check", "ünïcode"]))
    def annotate(self, span: str, note: str) -> None:
        def change(model: Model, store: Store | None) -> bool:
            if store is not None:
                current = store.span(span)
                attrs = {**(current.attributes if current else {}), "note": note}
                store.set_attributes(span, attrs)
                return False
            if span not in model.spans:
                return True
            doc, start, end, label, attrs = model.spans[span]
            new = {k: v for k, v in attrs if k != "note"}
            if note:
                new["note"] = note
            model.spans[span] = (doc, start, end, label, tuple(sorted(new.items())))
            return False

        self._edit(change)

    @rule(span=spans, grow=st.integers(-20, 20))
    def resize(self, span: str, grow: int) -> None:
        def change(model: Model, store: Store | None) -> bool:
            current = model.spans.get(span)
            if store is not None:
                assert current is not None or store.span(span) is None
                old = store.span(span)
                store.resize(span, old.start if old else 0, (old.end if old else 1) + grow)
                return False
            if current is None:
                return True
            doc, start, end, label, attrs = current
            text = next(d.text for d in DOCS if d.id == doc)
            new_end = end + grow
            if new_end <= start or new_end > len(text) or not text[start:new_end].strip():
                return True
            if new_end != end and any(
                v[:4] == (doc, start, new_end, label) for v in model.spans.values()
            ):
                return True
            model.spans[span] = (doc, start, new_end, label, attrs)
            return False

        self._edit(change)

    @rule(a=spans, b=spans, relation=st.sampled_from(RELATIONS))
    def link(self, a: str, b: str, relation: str | None) -> None:
        def change(model: Model, store: Store | None) -> bool:
            if store is not None:
                store.link(a, b, relation)
                return False
            if a == b or a not in model.spans or b not in model.spans:
                return True
            ga, gb = model.group_of(a), model.group_of(b)
            if ga is None and gb is not None:
                gb[a] = None
                if relation is not None:
                    gb[b] = relation
            elif ga is None:
                model.groups.append({a: None, b: relation})
            else:
                if gb is not None and gb is not ga:
                    for member, member_relation in gb.items():
                        ga.setdefault(member, member_relation)
                    model.groups.remove(gb)
                if b not in ga or relation is not None:
                    ga[b] = relation
            return False

        self._edit(change)

    @rule(span=spans)
    def unlink(self, span: str) -> None:
        def change(model: Model, store: Store | None) -> bool:
            if store is not None:
                store.unlink(span)
                return False
            if span not in model.spans or model.group_of(span) is None:
                return True
            model.leave(span)
            return False

        self._edit(change)

    @rule(a=st.integers(0, 20), b=st.integers(0, 20))
    def reject(self, a: int, b: int) -> None:
        first = Passage(DOCS[0].id, a, a + 5)
        second = Passage(DOCS[1].id, b, b + 5)

        def change(model: Model, store: Store | None) -> bool:
            if store is not None:
                store.reject_link(second, first)
                return False
            model.rejected.add(link_key(first, second))
            return False

        self._edit(change)

    @rule()
    def undo(self) -> None:
        assert self.store is not None
        entry = self.store.undo()
        if self.done:
            assert entry is not None
            self.undone.append(self.model)
            self.model = self.done.pop()
        else:
            assert entry is None

    @rule()
    def redo(self) -> None:
        assert self.store is not None
        entry = self.store.redo()
        if self.undone:
            assert entry is not None
            self.done.append(self.model)
            self.model = self.undone.pop()
        else:
            assert entry is None

    @rule()
    def reopen(self) -> None:
        assert self.store is not None
        self.store.close()
        self.store = self._open()

    @invariant()
    def store_equals_model(self) -> None:
        if self.store is not None:
            assert observed(self.store) == self.model.canonical()
            assert self.store.can_undo == bool(self.done)
            assert self.store.can_redo == bool(self.undone)

    def teardown(self) -> None:
        if self.store is not None:
            self.store.close()
            # After a clean close, the file alone holds everything.
            with Store.open(self.folder / "s.json", read_only=True) as again:
                assert observed(again) == self.model.canonical()
        shutil.rmtree(self.folder, ignore_errors=True)


StoreMachine.TestCase.settings = settings(
    max_examples=150,
    stateful_step_count=50,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
TestStoreMachine = StoreMachine.TestCase
