"""``newsreader prepare`` on an archive made from the real corpora: articles per second per
worker, peak memory per worker, and the speedup from 1 to 2 Dask workers, with the arithmetic
for a cluster.

The archive is a CSV export of ``--size`` articles made by ``bench_stories.make_corpus`` (BASIL
and PolNeAR repeated, with names swapped, sentences dropped and shuffled, dates moved), without
story ids, so stories are found by text. Baseline, in the same run: the same articles analysed
one after another in this process (what ``newsreader inspect`` does), on a sample of them.
Each prepare run starts a local cluster (processes, one thread each) and writes a fresh index;
the per-worker peak is each worker process's peak resident size. The machine's load average is
printed before and after: other jobs share its 2 cores.

    python tests/benchmarks/bench_prepare.py [--shared ../shared] [--size 10000] [--workers 1,2]
"""

from __future__ import annotations

import argparse
import csv
import os
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from newsreader.corpus.stories import DEFAULTS

REPO = Path(__file__).resolve().parents[2]


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def write_archive(shared: Path, size: int, path: Path) -> list[Any]:
    sys.path.insert(0, str(Path(__file__).parent))
    from bench_stories import make_corpus

    articles, _ = make_corpus(shared, size)
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "title", "text", "outlet", "date"])
        for a in articles:
            writer.writerow([a.id, a.title, a.text, a.outlet, a.date])  # type: ignore[attr-defined]
    return articles


def baseline(articles: list[Any], count: int) -> tuple[float, float]:
    """Articles per second done serially in this process: analysis alone (``inspect``'s work),
    and analysis plus the story features (what ``inspect`` and ``stories`` compute)."""
    from newsreader.annotations.prepare.work import _vectorisers
    from newsreader.corpus.analysis import analyse

    sample = articles[:count]
    began = time.perf_counter()
    for a in sample:
        analyse(a.text)
    alone = time.perf_counter() - began
    words, names = _vectorisers(DEFAULTS)
    began = time.perf_counter()
    words.transform([f"{a.title}\n\n{a.text}" for a in sample])
    names.transform([a.text for a in sample])
    features = time.perf_counter() - began
    return len(sample) / alone, len(sample) / (alone + features)


def run(export: Path, workers: int, partition_size: int, links: bool) -> dict[str, Any]:
    from distributed import Client, LocalCluster

    from newsreader.annotations.prepare.run import prepare

    out = Path(tempfile.mkdtemp(prefix="bench-prepare-"))
    cluster = LocalCluster(
        n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=":0"
    )
    client = Client(cluster)
    try:
        began = time.perf_counter()
        summary = prepare(
            [str(export)], out, client=client, partition_size=partition_size, links=links
        )
        wall = time.perf_counter() - began
        peaks = client.run(_peak_mb)
    finally:
        client.close()
        cluster.close()
        shutil.rmtree(out, ignore_errors=True)
    return {
        "wall": wall,
        "seconds": summary.seconds,
        "articles": summary.articles,
        "stories": summary.stories,
        "links": summary.links,
        "worker_peak_mb": max(peaks.values()),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=REPO.parent / "shared")
    parser.add_argument("--size", type=int, default=10000, help="articles (100000 for the goal)")
    parser.add_argument("--workers", default="1,2")
    parser.add_argument("--partition-size", type=int, default=500)
    parser.add_argument("--no-links", action="store_true")
    parser.add_argument("--baseline-sample", type=int, default=1000)
    args = parser.parse_args()
    load_before = os.getloadavg()
    folder = Path(tempfile.mkdtemp(prefix="bench-archive-"))
    export = folder / "archive.csv"
    try:
        articles = write_archive(args.shared, args.size, export)
        mb = export.stat().st_size / 1e6
        print(f"archive: {args.size} articles, {mb:.0f} MB CSV; load average {load_before}")
        alone, with_features = baseline(articles, args.baseline_sample)
        print(
            f"baseline, serial in one process on {args.baseline_sample} of them: analysis "
            f"{alone:.0f} articles/s; analysis and story features {with_features:.0f} articles/s"
        )
        del articles
        results = {}
        for workers in (int(w) for w in args.workers.split(",")):
            r = run(export, workers, args.partition_size, not args.no_links)
            results[workers] = r
            # Pass 1 is analysis and story features: compare with the second baseline.
            analyse_rate = r["articles"] / r["seconds"]["analyse"] / workers
            total_rate = r["articles"] / r["wall"]
            print(
                f"{workers} worker(s): {r['wall']:.1f} s in all ("
                + ", ".join(f"{k} {v:.1f} s" for k, v in r["seconds"].items())
                + f"); {total_rate:.0f} articles/s end to end, analysis+features "
                f"{analyse_rate:.0f} articles/s per worker; "
                f"peak {r['worker_peak_mb']:.0f} MB per worker; "
                f"{r['stories']} stories, {r['links']} link candidates"
            )
        print(f"driver peak {_peak_mb():.0f} MB; load average after {os.getloadavg()}")
        if 1 in results and 2 in results:
            one, two = results[1], results[2]
            print(
                f"speedup 1 -> 2 workers: {one['wall'] / two['wall']:.2f}x end to end, "
                f"{one['seconds']['analyse'] / two['seconds']['analyse']:.2f}x analysis, "
                f"{one['seconds']['link'] / max(two['seconds']['link'], 1e-9):.2f}x links "
                f"(grouping is serial: {two['seconds']['group']:.1f} s)"
            )
            per_worker = one["articles"] / (one["seconds"]["analyse"] + one["seconds"]["link"])
            year = 300_000_000
            print(
                f"cluster arithmetic: at {per_worker:.0f} articles/s per worker (analysis and "
                f"links), 300M articles take {year / per_worker / 3600:.0f} worker-hours: "
                f"{year / per_worker / 3600 / 100:.1f} h on 100 workers, "
                f"{year / per_worker / 3600 / 1000:.2f} h on 1,000, plus the serial grouping"
            )
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
