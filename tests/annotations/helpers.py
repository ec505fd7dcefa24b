"""Making stores full of annotations of every kind, for the store's tests."""

from __future__ import annotations

import contextlib
import random
from collections.abc import Sequence

from newsreader.annotations.model import Passage
from newsreader.annotations.store import EditError, Store
from newsreader.corpus import Document


def populate(store: Store, documents: Sequence[Document], count: int, seed: int = 7) -> None:
    """Make about ``count`` edits of every kind: claims, quotes with speakers, notes, free
    attributes, user labels, cross-outlet groups with relations, and rejections."""
    rng = random.Random(seed)
    store.attach(documents)
    made: list[str] = []
    labels = [label for label in store.labels]
    for _ in range(count):
        doc = rng.choice(documents)
        roll = rng.random()
        if roll < 0.55 or len(made) < 4:
            sentence = rng.choice(doc.sentences)
            start = sentence[0] + rng.randrange(0, max(1, (sentence[1] - sentence[0]) // 3))
            end = sentence[1] - rng.randrange(0, max(1, (sentence[1] - sentence[0]) // 3))
            label = rng.choice(labels)
            attributes: dict[str, object] = {}
            if label == "quote":
                attributes["speaker"] = rng.choice(["John Kerry", "Marie Harf", "Barack Obama"])
            if rng.random() < 0.3:
                attributes["note"] = rng.choice(["check source", "ünïcode — note", "dup?"])
            if rng.random() < 0.1:
                attributes["confidence"] = rng.choice([1, 2.5, True])
            with contextlib.suppress(EditError):
                made.append(store.create_span(doc.id, start, end, label, attributes).id)
        elif roll < 0.8:
            a, b = rng.sample(made, 2)
            with contextlib.suppress(EditError):
                store.link(a, b, rng.choice([None, None, *store.relations]))
        elif roll < 0.87:
            victim = rng.choice(made)
            if store.span(victim) is not None:
                store.delete_span(victim)
        elif roll < 0.93:
            span = store.span(rng.choice(made))
            if span is not None:
                store.set_attributes(span.id, {**span.attributes, "note": "edited"})
        else:
            other = rng.choice(documents)
            sentence = rng.choice(other.sentences)
            store.reject_link(
                Passage(doc.id, *rng.choice(doc.sentences)), Passage(other.id, *sentence)
            )
