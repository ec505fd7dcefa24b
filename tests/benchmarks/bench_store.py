"""How long one edit takes to become durable, at 1k, 10k and 100k annotations.

For each size, a store holding that many annotations is opened and 200 edits are made one at a
time, each followed by ``flush()`` (which returns once the edit is fsync-ed to the journal).
Printed: the median and 90th/99th percentile time to durable, the time the calling (UI) thread
spends in the edit call itself, the time to open and to close (fold) the store. Beside it, in the
same run: plain TinyDB with its default JSONStorage, one ``insert`` per edit, at the same size.
Then the memory the open store takes at 100k annotations.

    python tests/benchmarks/bench_store.py [--sizes 1000 10000 100000] [--edits 200]
"""

from __future__ import annotations

import argparse
import gc
import random
import statistics
import tempfile
import time
import tracemalloc
from pathlib import Path
from typing import Any

from tinydb import TinyDB

from newsreader.annotations.journal import empty_tables, write_tables
from newsreader.annotations.model import Span, context, new_id, now
from newsreader.corpus import Document, load_sample


def synthetic_spans(docs: list[Document], count: int, seed: int = 3) -> list[dict[str, Any]]:
    """``count`` span records shaped like real ones (sentences of the seeds, with context)."""
    rng = random.Random(seed)
    stamp = now()
    records = []
    for _ in range(count):
        doc = rng.choice(docs)
        start, end = rng.choice(doc.sentences)
        prefix, suffix = context(doc.text, start, end)
        label = rng.choice(["claim", "quote"])
        records.append(
            Span(
                id=new_id("s"),
                doc_id=doc.id,
                doc_hash=doc.content_hash,
                start=start,
                end=end,
                text=doc.text[start:end],
                prefix=prefix,
                suffix=suffix,
                label=label,
                attributes={"speaker": "John Kerry"} if label == "quote" else {},
                annotator="bench",
                created=stamp,
                modified=stamp,
            ).to_record()
        )
    return records


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def bench_newsreader(
    folder: Path, docs: list[Document], records: list[dict[str, Any]], edits: int
) -> dict[str, float]:
    from newsreader.annotations.store import Store

    path = folder / "store.json"
    tables = empty_tables()
    tables["spans"] = {str(i + 1): r for i, r in enumerate(records)}
    write_tables(path, tables)
    gc.collect()
    began = time.perf_counter()
    store = Store.open(path)
    opened = time.perf_counter() - began
    store.attach(docs)
    store.flush()
    rng = random.Random(5)
    durable, call = [], []
    for _ in range(edits):
        doc = rng.choice(docs)
        start = rng.randrange(0, len(doc.text) - 60)
        t0 = time.perf_counter()
        store.create_span(doc.id, start, start + rng.randrange(10, 60), "claim")
        t1 = time.perf_counter()
        store.flush()
        t2 = time.perf_counter()
        call.append(t1 - t0)
        durable.append(t2 - t0)
    began = time.perf_counter()
    store.close()
    closed = time.perf_counter() - began
    leftovers = [p.name for p in folder.iterdir() if p.name != "store.json"]
    assert not leftovers, leftovers
    return {
        "p50": statistics.median(durable),
        "p90": percentile(durable, 0.9),
        "p99": percentile(durable, 0.99),
        "call_p50": statistics.median(call),
        "open": opened,
        "close": closed,
    }


def bench_tinydb(folder: Path, records: list[dict[str, Any]], edits: int) -> float:
    path = folder / "plain.json"
    with TinyDB(path) as db:
        db.table("spans").insert_multiple(records)
    extra = synthetic_spans(load_sample().documents, edits, seed=9)
    times = []
    with TinyDB(path) as db:
        table = db.table("spans")
        for record in extra:
            t0 = time.perf_counter()
            table.insert(record)
            times.append(time.perf_counter() - t0)
    return statistics.median(times)


def memory_at(docs: list[Document], count: int) -> tuple[int, int, int]:
    """(bytes of the store file, bytes the open store holds in memory, and the most it held
    while opening, traced by tracemalloc)."""
    from newsreader.annotations.store import Store

    with tempfile.TemporaryDirectory() as scratch:
        path = Path(scratch) / "store.json"
        tables = empty_tables()
        tables["spans"] = {str(i + 1): r for i, r in enumerate(synthetic_spans(docs, count))}
        write_tables(path, tables)
        del tables
        gc.collect()
        tracemalloc.start()
        store = Store.open(path)
        gc.collect()
        held, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        size = path.stat().st_size
        store.close()
    return size, held, peak


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10_000, 100_000])
    parser.add_argument("--edits", type=int, default=200)
    args = parser.parse_args()
    docs = load_sample().documents
    print(
        f"{'annotations':>11}  {'durable p50':>11} {'p90':>8} {'p99':>8}  {'in call':>8}  "
        f"{'open':>7} {'close':>7}  | {'TinyDB JSONStorage insert p50':>30}"
    )
    for size in args.sizes:
        records = synthetic_spans(docs, size)
        with tempfile.TemporaryDirectory() as scratch:
            ours = bench_newsreader(Path(scratch), docs, records, args.edits)
        plain_edits = max(3, min(args.edits, 2_000_000 // size))
        with tempfile.TemporaryDirectory() as scratch:
            plain = bench_tinydb(Path(scratch), records, plain_edits)
        print(
            f"{size:>11,}  {ours['p50'] * 1000:>9.2f}ms {ours['p90'] * 1000:>6.2f}ms "
            f"{ours['p99'] * 1000:>6.2f}ms  {ours['call_p50'] * 1000:>6.3f}ms  "
            f"{ours['open']:>6.2f}s {ours['close']:>6.2f}s  | {plain * 1000:>26.1f}ms "
            f"({plain_edits} inserts)"
        )
    size, memory, peak = memory_at(docs, max(args.sizes))
    print(
        f"memory of an open store with {max(args.sizes):,} annotations: {memory / 2**20:.0f} MiB "
        f"held, {peak / 2**20:.0f} MiB at the peak of opening (file {size / 2**20:.0f} MiB)"
    )


if __name__ == "__main__":
    main()
