"""Tag + undo through the workbench alone (no app), on an empty store and on one of N spans.

``../shared/checks/edit_scaling.py`` times tag + undo in the app, from the key to the new count in
the status bar. This script times the same intents without Textual, on the PolNeAR articles, with
what the app asks after each (the counts, the article's count and its marks), so that growth with
the store's size can be told apart from the screen's: median of 10 pairs after 5 warm-up pairs,
the empty store measured in the same run. ``--profile`` prints where the time goes at N.

    python tests/benchmarks/bench_edit_intents.py [N=200000] [--profile]
"""

from __future__ import annotations

import cProfile
import gc
import json
import pstats
import statistics
import sys
import tempfile
import time
from pathlib import Path

from bench_scale import records_for

from newsreader.annotations.jsonl import import_jsonl
from newsreader.annotations.store import Store
from newsreader.annotations.workbench import Workbench
from newsreader.corpus import Document, load_paths

POLNEAR = Path(__file__).resolve().parents[2].parent / "shared" / "corpora" / "polnear" / "data"


def opened(folder: Path, docs: list[Document], size: int) -> Store:
    store = Store.open(folder / f"store{size}.json", annotator="bench")
    store.attach(docs)
    if size:
        lines = folder / f"spans{size}.jsonl"
        with open(lines, "w", encoding="utf-8") as out:
            for record in records_for(docs, size):
                out.write(json.dumps(record) + "\n")
        import_jsonl(store, lines)
    return store


def pairs(bench: Workbench, doc: Document, profiler: cProfile.Profile | None) -> float:
    start, end = doc.sentences[1]
    times = []
    for i in range(15):
        began = time.perf_counter()
        if profiler is not None and i >= 5:
            profiler.enable()
        for intent in (lambda: bench.tag(doc.id, start, end, "claim"), bench.undo):
            intent()
            bench.counts()
            bench.count_of(doc.id)
            bench.marks(doc.id, None)
        if profiler is not None and i >= 5:
            profiler.disable()
        times.append(time.perf_counter() - began)
    return statistics.median(times[5:])


def main() -> None:
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    size = int(args[0]) if args else 200_000
    docs = load_paths([POLNEAR]).documents
    results = {}
    with tempfile.TemporaryDirectory() as folder:
        for n in (0, size):
            store = opened(Path(folder), docs, n)
            bench = Workbench(store, docs)
            bench.build_linker()
            gc.collect()
            profiler = cProfile.Profile() if "--profile" in sys.argv and n else None
            results[n] = pairs(bench, docs[5], profiler)
            if profiler is not None:
                pstats.Stats(profiler).sort_stats("cumulative").print_stats(25)
            bench.close()
            store.close()
    print(
        f"tag + undo through the workbench, median: {size:,} spans {results[size] * 1000:.1f} ms, "
        f"empty store {results[0] * 1000:.1f} ms, ratio {results[size] / results[0]:.2f}"
    )


if __name__ == "__main__":
    main()
