"""Random stores — every shape of group, label and attribute — through every format and back
give the same JSONL and the same member order in every group."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from newsreader.annotations.formats import import_file
from newsreader.annotations.model import BUILTIN_RELATIONS
from newsreader.annotations.store import Store
from newsreader.corpus import SAMPLE_DIR, Document, load_paths

from .formats_support import FORMATS, lines, member_orders, write

DOCUMENTS: list[Document] = load_paths([SAMPLE_DIR]).documents
LABELS = ["claim", "quote", "background", "close call"]

names = st.sampled_from(["speaker", "note", "confidence", "source url", "ünïcode"])
values = st.one_of(
    st.text(min_size=1, max_size=12).map(str.strip).filter(bool),
    st.integers(min_value=-(10**12), max_value=10**12),
    st.floats(allow_nan=False, allow_infinity=False, width=32),
    st.booleans(),
)


@st.composite
def span_specs(draw: st.DrawFn) -> tuple[int, int, int, str, dict[str, Any]]:
    doc = draw(st.integers(0, len(DOCUMENTS) - 1))
    size = len(DOCUMENTS[doc].text)
    start = draw(st.integers(0, size - 2))
    end = draw(st.integers(start + 1, min(size, start + 300)))
    assume(DOCUMENTS[doc].text[start:end].strip())  # the store refuses a span of white space
    label = draw(st.sampled_from(LABELS))
    attributes = draw(st.dictionaries(names, values, max_size=3))
    return doc, start, end, label, attributes


@st.composite
def stores(draw: st.DrawFn) -> dict[str, Any]:
    # The store refuses the same passage tagged twice with one label.
    specs = draw(st.lists(span_specs(), min_size=1, max_size=8, unique_by=lambda s: s[:4]))
    order = draw(st.permutations(range(len(specs))))
    # Cut the shuffled spans into groups of one to four members; some spans stay alone.
    groups: list[list[tuple[int, str | None]]] = []
    at = 0
    while at < len(order):
        size = draw(st.integers(0, 4))
        if size:
            members = order[at : at + size]
            relations = draw(
                st.lists(
                    st.sampled_from([None, None, *BUILTIN_RELATIONS]),
                    min_size=len(members),
                    max_size=len(members),
                )
            )
            groups.append(list(zip(members, relations, strict=True)))
        at += max(size, 1)
    annotator = draw(st.sampled_from(["ana", "Bea Ö", "x@example.org"]))
    return {"specs": specs, "groups": groups, "annotator": annotator}


def build(path: Path, shape: dict[str, Any]) -> Store:
    store = Store.open(path, annotator=shape["annotator"], labels=LABELS[2:])
    store.attach(DOCUMENTS)
    made = []
    for doc, start, end, label, attributes in shape["specs"]:
        made.append(store.create_span(DOCUMENTS[doc].id, start, end, label, attributes))
    memberships: dict[str, tuple[str | None, str | None]] = {}
    for number, members in enumerate(shape["groups"]):
        for index, relation in members:
            memberships[made[index].id] = (f"g_{number:016x}", relation)
    if memberships:
        store.import_spans([], memberships, [])
    return store


@given(stores())
@settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
def test_every_format_round_trips_any_store(shape: dict[str, Any]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        where = Path(folder)
        with build(where / "store.json", shape) as store:
            before, orders = lines(store), member_orders(store)
            assert sorted(map(len, orders.values())) == sorted(map(len, shape["groups"]))
            written = {}
            for fmt in FORMATS:
                (where / fmt).mkdir()
                written[fmt] = write(store, fmt, where / fmt)[0]
        for fmt, path in written.items():
            with Store.open(where / f"{fmt}.json", labels=LABELS[2:]) as fresh:
                result = import_file(fresh, path, fmt, corpus=DOCUMENTS)
                assert result.problems == [], (fmt, [str(p) for p in result.problems])
                assert lines(fresh) == before, fmt
                assert member_orders(fresh) == orders, fmt
