"""How fast the linker is, and how it grows when the corpus doubles, beside brute force.

1. MRPC: every candidate for all 4,076 sentences of article A in article B (index build
   included), beside brute-force ``process.cdist`` with ``fuzz.ratio`` on both cores, for half
   and all of the pairs.
2. One query over 50k and 100k sentences (PolNeAR train + dev, BASIL and MRPC; copies of the
   corpus as further articles beyond the ~45k real sentences, as a corpus of syndicated stories
   would hold): median and 90th percentile of 200 queries, beside a brute-force
   ``process.extract`` scan with ``fuzz.ratio`` over the same sentences (20 queries).
3. Memory of the index of 100k sentences (tracemalloc: what building the index allocated).
4. ``align`` over the PolNeAR train and dev articles (index build included; loading the files is
   timed apart), for half and all of them, in one process and in one per CPU.

    python tests/benchmarks/bench_linking.py [--shared ../shared]
"""

from __future__ import annotations

import argparse
import gc
import os
import random
import statistics
import tempfile
import time
import tracemalloc
from dataclasses import replace
from pathlib import Path

from rapidfuzz import fuzz, process, utils

from newsreader.annotations.linking import Linker, align, statement_sentences
from newsreader.corpus import Document, load_paths

from .eval_linking import baseline, evaluate, make_articles, read_mrpc

REPO = Path(__file__).resolve().parents[2]


def timed(work: object) -> tuple[object, float]:
    began = time.perf_counter()
    result = work()  # type: ignore[operator]
    return result, time.perf_counter() - began


def mrpc(shared: Path) -> None:
    pairs = read_mrpc(shared / "corpora" / "mrpc" / "msr_paraphrase_train.txt")
    print("1. MRPC train, all candidates (index build included)")
    for share in (0.5, 1.0):
        subset = pairs[: int(len(pairs) * share)]
        with tempfile.TemporaryDirectory() as scratch:
            a, b = make_articles(subset, Path(scratch))
        ours = evaluate(subset, a, b)
        r1, r5, seconds = baseline(subset, fuzz.ratio)
        print(
            f"   {len(subset):>5} × {len(subset):<5} linker {ours['seconds']:5.2f}s "
            f"(R@1 {ours['r1']:.3f}, R@5 {ours['r5']:.3f})   brute-force cdist fuzz.ratio "
            f"{seconds:5.2f}s (R@1 {r1:.3f}, R@5 {r5:.3f})"
        )


def corpus(shared: Path) -> tuple[list[Document], list[Document], float]:
    """PolNeAR (train + dev) and the rest (BASIL, MRPC as two articles); and PolNeAR load time."""
    polnear = shared / "corpora" / "polnear" / "data"
    (result, seconds) = timed(
        lambda: load_paths([polnear / "train" / "text", polnear / "dev" / "text"])
    )
    basil = load_paths([shared / "corpora" / "basil" / "articles"]).documents
    pairs = read_mrpc(shared / "corpora" / "mrpc" / "msr_paraphrase_train.txt")
    with tempfile.TemporaryDirectory() as scratch:
        a, b = make_articles(pairs, Path(scratch))
    return result.documents, [*basil, a, b], seconds  # type: ignore[attr-defined]


def grow(documents: list[Document], sentences: int) -> list[Document]:
    """Articles holding about ``sentences`` statement sentences: the corpus, then copies of it."""
    out: list[Document] = []
    count = copy = 0
    while count < sentences:
        for doc in documents:
            out.append(doc if copy == 0 else replace(doc, id=f"{doc.id}~{copy}"))
            count += len(statement_sentences(doc))
            if count >= sentences:
                break
        copy += 1
    return out


def queries(documents: list[Document], size: int) -> None:
    print("2. one query (top 10 candidates)")
    rng = random.Random(11)
    for target in (size // 2, size):
        docs = grow(documents, target)
        index = Linker()
        _, built = timed(lambda docs=docs, index=index: index.add_documents(docs))
        picks = []
        while len(picks) < 200:
            doc = rng.choice(docs)
            sentences = statement_sentences(doc)
            if sentences:
                picks.append((doc, rng.choice(sentences)))
        times = []
        for doc, (start, end) in picks:
            began = time.perf_counter()
            index.candidates(doc.id, start, end, top_k=10)
            times.append(time.perf_counter() - began)
        texts = [
            utils.default_process(doc.text[s:e])
            for doc in docs
            for s, e in statement_sentences(doc)
        ]
        brute = []
        for doc, (start, end) in picks[:20]:
            query = utils.default_process(doc.text[start:end])
            began = time.perf_counter()
            process.extract(query, texts, scorer=fuzz.ratio, processor=None, limit=10)
            brute.append(time.perf_counter() - began)
        print(
            f"   {len(index):>7,} sentences and quotes ({len(docs):,} articles, index built in "
            f"{built:.1f}s): p50 {statistics.median(times) * 1000:6.1f} ms, p90 "
            f"{sorted(times)[179] * 1000:6.1f} ms   brute-force extract fuzz.ratio p50 "
            f"{statistics.median(brute) * 1000:6.1f} ms"
        )


def memory(documents: list[Document], size: int) -> None:
    docs = grow(documents, size)
    gc.collect()
    tracemalloc.start()
    index = Linker()
    index.add_documents(docs)
    gc.collect()
    held, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(
        f"3. memory of the index of {len(index):,} sentences and quotes: {held / 2**20:.0f} MiB "
        f"(peak while building {peak / 2**20:.0f} MiB)"
    )


def align_polnear(polnear: list[Document], load_seconds: float) -> None:
    print(f"4. align over PolNeAR train + dev (loading the files took {load_seconds:.1f}s apart)")
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    for workers in sorted({1, cpus or 1}):
        for share in (0.5, 1.0):
            docs = polnear[: int(len(polnear) * share)]
            began = time.perf_counter()
            rows = list(align(docs, top_k=3, workers=workers))
            seconds = time.perf_counter() - began
            pairs = sum(len(r.candidates) for r in rows)
            print(
                f"   {workers} process{'es' if workers > 1 else ''}, {len(docs):>4} articles, "
                f"{len(rows):,} sentences: {seconds:5.1f}s ({pairs:,} candidate pairs at the "
                "default threshold)"
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=REPO.parent / "shared")
    parser.add_argument("--size", type=int, default=100_000)
    args = parser.parse_args()
    mrpc(args.shared)
    polnear, others, load_seconds = corpus(args.shared)
    everything = [*polnear, *others]
    queries(everything, args.size)
    memory(everything, args.size)
    align_polnear(polnear, load_seconds)


if __name__ == "__main__":
    main()
