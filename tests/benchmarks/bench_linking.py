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
5. ``newsreader align A B --json > /dev/null`` over the MRPC articles (4,076 sentences each), as
   a user runs it, wall time of the whole process (start, imports, loading, output), beside a
   process that reads the same two files, splits them into their 4,076 paragraphs and runs
   brute-force ``process.cdist(..., scorer=fuzz.ratio, processor=utils.default_process,
   workers=-1)`` over every pair, then takes each sentence's best three (it writes nothing).
   Best of three runs each, alternated.
6. Bounded memory: ``align`` over 1, 2 and 4 copies of MRPC's two articles (8,152 sentences;
   each copy as further articles, read lazily: a sequence that makes an article when asked and
   keeps none), in pieces of at most ``--piece-units`` target units, beside the same corpus
   indexed in one piece. Each run in its own process; peak resident memory (``ru_maxrss``) and
   the resident memory once the articles are loaded, before ``align``; results are counted as
   they stream, not kept.

    python -m tests.benchmarks.bench_linking [--shared ../shared] [--only mrpc,align,cli,pieces]
"""

from __future__ import annotations

import argparse
import gc
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Sequence
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
        r1, r5, seconds, _ = baseline(subset, fuzz.ratio)
        print(
            f"   {len(subset):>5} × {len(subset):<5} Linker.candidates {ours['seconds']:5.2f}s "
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
            before = os.times()
            began = time.perf_counter()
            rows = list(align(docs, top_k=3, workers=workers))
            seconds = time.perf_counter() - began
            after = os.times()
            cpu = sum(after[:4]) - sum(before[:4])  # this process and its workers
            pairs = sum(len(r.candidates) for r in rows)
            print(
                f"   {workers} process{'es' if workers > 1 else ''}, {len(docs):>4} articles, "
                f"{len(rows):,} sentences: {seconds:5.1f}s (CPU {cpu:5.1f}s; {pairs:,} candidate "
                "pairs at the default threshold)",
                flush=True,
            )


BRUTE_FORCE = """
import sys
import numpy as np
from rapidfuzz import fuzz, process, utils
a, b = (open(p, encoding="utf-8").read().split("\\n\\n") for p in sys.argv[1:3])
a, b = [s.strip() for s in a if s.strip()], [s.strip() for s in b if s.strip()]
scores = process.cdist(a, b, scorer=fuzz.ratio, processor=utils.default_process, workers=-1)
best = np.argpartition(-scores, 3, axis=1)[:, :3]
print(len(a), len(b), best.shape, file=sys.stderr)
"""


def align_cli(shared: Path) -> None:
    """``newsreader align A B --json`` end to end, beside brute force in its own process."""
    pairs = read_mrpc(shared / "corpora" / "mrpc" / "msr_paraphrase_train.txt")
    newsreader = Path(sys.executable).with_name("newsreader")
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        make_articles(pairs, folder)
        a, b = str(folder / "a.txt"), str(folder / "b.txt")
        commands = {
            "newsreader align A B --json > /dev/null": [str(newsreader), "align", a, b, "--json"],
            "brute-force cdist fuzz.ratio, both cores": [sys.executable, "-c", BRUTE_FORCE, a, b],
        }
        best: dict[str, tuple[float, float]] = {}
        for _ in range(3):
            for name, command in commands.items():
                before = os.times()
                began = time.perf_counter()
                subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
                seconds = time.perf_counter() - began
                after = os.times()
                cpu = (after.children_user - before.children_user) + (
                    after.children_system - before.children_system
                )
                if name not in best or seconds < best[name][0]:
                    best[name] = (seconds, cpu)
    print(
        f"5. two articles of {len(pairs):,} sentences, whole process, best of 3 "
        "(wall time; CPU time of all its processes and threads)"
    )
    for name, (seconds, cpu) in best.items():
        print(f"   {name:45} {seconds:5.2f}s  (CPU {cpu:5.2f}s)")


class Copies(Sequence[Document]):
    """``copies`` copies of ``documents`` as further articles, made when asked, none kept."""

    def __init__(self, documents: list[Document], copies: int) -> None:
        self.documents = documents
        self.copies = copies

    def __len__(self) -> int:
        return len(self.documents) * self.copies

    def __getitem__(self, position: int) -> Document:  # type: ignore[override]
        if not 0 <= position < len(self):
            raise IndexError(position)  # iteration stops here
        copy, index = divmod(position, len(self.documents))
        doc = self.documents[index]
        return doc if copy == 0 else replace(doc, id=f"{doc.id}~{copy}")


def rss_mib() -> float:
    """This process's peak resident memory so far, in MiB (Linux reports KiB)."""
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def piece_run(shared: Path, copies: int, piece_units: int) -> None:
    """One run of part 6, in this process: prints one line of figures."""
    from newsreader.annotations.aligning import align_documents

    pairs = read_mrpc(shared / "corpora" / "mrpc" / "msr_paraphrase_train.txt")
    with tempfile.TemporaryDirectory() as scratch:
        base = list(make_articles(pairs, Path(scratch)))
    for doc in base:  # analysed once, shared by the copies
        statement_sentences(doc)
        _ = doc.quotes, doc.boilerplate
    gc.collect()
    loaded = rss_mib()
    corpus = Copies(base, copies)
    began = time.perf_counter()
    rows = pairs = 0
    for row in align_documents(
        corpus, top_k=3, min_score=45, progress=None, workers=1, piece_units=piece_units
    ):
        rows += 1
        pairs += len(row.candidates)
    seconds = time.perf_counter() - began
    print(f"{rows} {pairs} {seconds:.1f} {loaded:.0f} {rss_mib():.0f}")


def pieces(shared: Path, piece_units: int) -> None:
    print(
        f"6. align in pieces of at most {piece_units:,} target units, beside one piece "
        "(peak resident memory of the whole process; the articles loaded and analysed before align)"
    )
    for copies in (1, 2, 4):
        for units, name in ((piece_units, "pieces"), (10**9, "one piece")):
            command = [
                sys.executable,
                "-m",
                "tests.benchmarks.bench_linking",
                "--shared",
                str(shared),
                "--piece-run",
                str(copies),
                str(units),
            ]
            out = subprocess.run(
                command, check=True, capture_output=True, text=True, cwd=REPO
            ).stdout.split()
            rows, pairs, seconds, loaded, peak = out[-5:]
            print(
                f"   {copies} × MRPC ({int(rows):>6,} sentences), {name:9}: peak {peak:>5} MiB "
                f"(loaded {loaded} MiB, align +{int(peak) - int(loaded)} MiB), {seconds:>6}s, "
                f"{int(pairs):,} candidate pairs",
                flush=True,
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=REPO.parent / "shared")
    parser.add_argument("--size", type=int, default=100_000)
    parser.add_argument("--only", default="mrpc,queries,memory,align,cli,pieces")
    parser.add_argument("--piece-units", type=int, default=8_000)
    parser.add_argument("--piece-run", nargs=2, type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.piece_run:
        piece_run(args.shared, *args.piece_run)
        return
    parts = set(args.only.split(","))
    if "mrpc" in parts:
        mrpc(args.shared)
    if parts & {"queries", "memory", "align"}:
        polnear, others, load_seconds = corpus(args.shared)
        everything = [*polnear, *others]
        if "queries" in parts:
            queries(everything, args.size)
        if "memory" in parts:
            memory(everything, args.size)
        if "align" in parts:
            align_polnear(polnear, load_seconds)
    if "cli" in parts:
        align_cli(args.shared)
    if "pieces" in parts:
        pieces(args.shared, args.piece_units)


if __name__ == "__main__":
    main()
