"""CPU time of each stage of the story grouping, at several archive sizes, to see which grows
faster than the archive.

The archive is ``bench_stories.make_corpus`` (BASIL and PolNeAR repeated with perturbations: at
``n`` articles each original has about ``n / 1,224`` near-copies, so stories get big and rare
terms are not rare). Each size runs in a fresh process, the stages of ``corpus.grouping.cluster``
one after another, each timed on CPU (``time.process_time``), with what drives its cost: the
postings read by the neighbour search, the score matrix's entries, the largest component and
the average-link work (sum of the squared component sizes). ``--baseline`` runs, in the same
process and on the same rows, the grouping without the postings budget of ``prepare4``
(``row_postings=0``: a row reads every posting of its candidate terms), and prints whether the
two give the same stories, and the B-cubed F1 of each against the archive's gold stories.

    python tests/benchmarks/bench_group_stages.py [--shared ../shared] [--sizes 3000,10000,30000]
        [--baseline]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]


def stages(articles: list[Any], options: Any) -> tuple[dict[str, float], dict[str, int], list[int]]:
    """Each stage of ``cluster``, timed: CPU seconds per stage, cost drivers, the labels."""
    import numpy as np

    from newsreader.corpus import grouping as g

    cpu: dict[str, float] = {}
    facts: dict[str, int] = {}
    clock = time.process_time()

    def lap(name: str) -> None:
        nonlocal clock
        now = time.process_time()
        cpu[name] = cpu.get(name, 0.0) + now - clock
        clock = now

    total = len(articles)
    counts = g.count_terms(articles, options)
    lap("features")
    freq = g.frequencies(counts, options)
    lap("frequencies")
    weighted = g.weigh(counts, freq, options)
    del counts
    lap("weigh")
    pruned = g.candidates(weighted, freq, options)
    postings = g.MemoryPostings(pruned)
    lengths = np.diff(postings.transposed.indptr)
    facts["candidate entries"] = int(pruned.nnz)
    facts["longest posting list"] = int(lengths.max()) if len(lengths) else 0
    # The neighbour search's work: every candidate entry reads its term's postings.
    facts["postings read"] = int(lengths[pruned.indices].sum())
    lap("buckets")
    rows = g._MemoryRows(weighted)
    found = []
    pairs = 0
    for start in range(0, total, options.block):
        stop = min(total, start + options.block)
        low, high = g.neighbours(pruned[start:stop], start, total, postings, options)
        pairs += len(low)
        lap("neighbours")
        found.append(g.edges(low, high, rows, options))
        lap("edges")
    facts["candidate pairs"] = pairs
    low = np.concatenate([f[0] for f in found])
    high = np.concatenate([f[1] for f in found])
    sims = np.concatenate([f[2] for f in found])
    facts["edges"] = len(low)
    parts = g.components(total, low, high, sims, options)
    lap("components")
    clusters = []
    for members in parts:
        clusters.extend(g.average_link(members, weighted.take(members), options))
    lap("average-link")
    facts["largest component"] = max(len(p) for p in parts)
    facts["average-link n^2"] = sum(len(p) ** 2 for p in parts if len(p) > 1)
    sizes = [len(c) for c in clusters]
    facts["largest story"] = max(sizes)
    facts["link cost (pairs in stories)"] = sum(s * (s - 1) for s in sizes)
    return cpu, facts, g.labels_of(total, clusters)


def worker(shared: Path, size: int, baseline: bool) -> None:
    from dataclasses import replace

    from newsreader.corpus import grouping as g

    sys.path.insert(0, str(Path(__file__).parent))
    from bench_stories import make_corpus
    from eval_stories import bcubed

    articles, gold = make_corpus(shared, size)
    out: dict[str, Any] = {"size": size}
    began = time.process_time()
    cpu, facts, labels = stages(articles, g.DEFAULTS)
    out["cpu"], out["facts"], out["total"] = cpu, facts, time.process_time() - began
    out["peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    out["f1"] = bcubed(gold, labels)[2]
    if baseline:
        old = replace(g.DEFAULTS, row_postings=0)
        began = time.process_time()
        cpu, facts, old_labels = stages(articles, old)
        out["base_cpu"], out["base_facts"] = cpu, facts
        out["base_total"] = time.process_time() - began
        out["same"] = _partition(labels) == _partition(old_labels)
        out["base_f1"] = bcubed(gold, old_labels)[2]
    print(json.dumps(out))


def _partition(labels: list[int]) -> set[frozenset[int]]:
    groups: dict[int, set[int]] = {}
    for row, label in enumerate(labels):
        groups.setdefault(label, set()).add(row)
    return {frozenset(g) for g in groups.values()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=REPO.parent / "shared")
    parser.add_argument("--sizes", default="3000,10000,30000")
    parser.add_argument("--baseline", action="store_true", help="also the uncapped grouping")
    parser.add_argument("--worker", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        worker(args.shared, args.worker, args.baseline)
        return
    print(f"load average {os.getloadavg()}", flush=True)
    previous: dict[str, Any] | None = None
    for size in (int(s) for s in args.sizes.split(",")):
        done = subprocess.run(
            [sys.executable, __file__, "--shared", str(args.shared), "--worker", str(size)]
            + (["--baseline"] if args.baseline else []),
            capture_output=True,
            text=True,
            check=False,
        )
        if done.returncode:
            print(f"{size}: failed: {done.stderr.strip().splitlines()[-3:]}", flush=True)
            continue
        r = json.loads(done.stdout.strip().splitlines()[-1])
        print(
            f"\n{size} articles (load {os.getloadavg()[0]:.1f}): all stages {r['total']:.1f} "
            f"CPU-s, peak {r['peak_mb']:.0f} MB, B-cubed F1 {r['f1']:.3f}",
            flush=True,
        )
        for name, seconds in r["cpu"].items():
            line = f"  {name:14} {seconds:8.2f} s  {seconds / size * 1000:6.2f} ms/article"
            if "base_cpu" in r:
                line += f"   no budget {r['base_cpu'].get(name, 0.0):8.2f} s"
            if previous is not None:
                grew = seconds / max(previous["cpu"].get(name, 1e-9), 1e-9)
                line += f"   x{grew:.1f} for x{size / previous['size']:.1f} articles"
            print(line)
        for name, value in r["facts"].items():
            line = f"  {name:30} {value:>14,}"
            if "base_facts" in r:
                line += f"   no budget {r['base_facts'].get(name, 0):>14,}"
            print(line)
        if "same" in r:
            print(
                f"  same stories without the budget: {r['same']} (without: {r['base_total']:.1f}"
                f" CPU-s, F1 {r['base_f1']:.3f})"
            )
        previous = r


if __name__ == "__main__":
    main()
