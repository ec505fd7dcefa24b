"""``newsreader prepare`` on an archive made from the real corpora: articles per second per
worker, peak memory per worker, and the speedup from 1 to 2 Dask workers, with the arithmetic
for a cluster.

The archive is a CSV export of ``--size`` articles made by ``bench_stories.make_corpus`` (BASIL
and PolNeAR repeated, with names swapped, sentences dropped and shuffled, dates moved), without
story ids, so stories are found by text. Baseline, in the same run: the same articles analysed
one after another in this process (what ``newsreader inspect`` does), on a sample of them.
Each prepare run starts a local cluster (processes, one thread each) and writes a fresh index;
the per-worker peak is each worker process's peak resident size (``VmHWM``: not ``getrusage``,
whose ``ru_maxrss`` in a worker is at least the driver's resident size when it started the worker,
the fork before the exec counted as the worker's: 749 MB "per worker" at 100,000 articles was
the benchmark driver's own, as it held the generated archive). Per stage, it also prints the
largest resident size a task of the stage started from and peaked at (``StagePeaks``): what
grows with the archive shows there. Runs alternate (``--workers
1,2,1,2``) because other jobs share the machine's 2 cores: each run prints the load average at
its start and end, and the speedup is given on wall time and on CPU time (the 1-worker job's
CPU-seconds against the 2-worker job's busiest worker plus the driver: the wall time each would
take with a core per worker).

    python tests/benchmarks/bench_prepare.py [--shared ../shared] [--size 10000] [--workers 1,2,1,2]
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

from distributed import WorkerPlugin

from newsreader.corpus.stories import DEFAULTS

REPO = Path(__file__).resolve().parents[2]


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _cpu_s() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


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
    """Articles per CPU-second done serially in this process: analysis alone (``inspect``'s
    work), and analysis plus the story features (what ``inspect`` and ``stories`` compute)."""
    from newsreader.corpus.analysis import analyse
    from newsreader.corpus.grouping import count_terms

    sample = articles[:count]
    began = time.process_time()
    for a in sample:
        analyse(a.text)
    alone = time.process_time() - began
    began = time.process_time()
    count_terms(sample, DEFAULTS)
    features = time.process_time() - began
    return len(sample) / alone, len(sample) / (alone + features)


def _task_cpu(dask_worker: Any) -> dict[str, float]:
    """This worker's thread CPU seconds per task prefix (``analyse``, ``freq``, ``edges``...),
    as Dask's fine performance metrics count them."""
    out: dict[str, float] = {}
    for key, value in dask_worker.digests_total.items():
        if isinstance(key, tuple) and key[0] == "execute" and key[-2:] == ("thread-cpu", "seconds"):
            out[key[-3]] = out.get(key[-3], 0.0) + float(value)
    return out


STAGES = {
    "analyse": "analyse",
    "ids": "listing",
    "dups": "listing",
    "freq": "frequencies",
    "weigh": "weigh",
    "post": "buckets",
    "edges": "neighbours+edges",
    "avglink": "average-link",
    "assign": "stories",
    "build": "stories",
    "link": "link",
}
"""Task prefixes by stage (the grouping's stages as ``bench_group_stages`` names them)."""


class StagePeaks(WorkerPlugin):  # type: ignore[misc]
    """A worker plugin: each task's peak resident size (``VmHWM``, reset as the task starts
    through ``/proc/self/clear_refs``) and the resident size it starts from, the largest per
    task prefix. The start figure is what the worker holds between tasks (results not yet
    released, pages still mapped, memory the allocator kept), the peak that plus the task."""

    name = "stage-peaks"

    def __init__(self) -> None:
        self.peaks: dict[str, tuple[float, float]] = {}
        self._start = 0.0
        self.before = 0.0
        """The process's peak before the last reset (between tasks included)."""

    def setup(self, worker: Any) -> None:
        worker._stage_peaks = self

    @staticmethod
    def _status(field: str) -> float:
        with open("/proc/self/status", encoding="ascii") as handle:
            for line in handle:
                if line.startswith(field + ":"):
                    return int(line.split()[1]) / 1024
        return 0.0

    def transition(self, key: Any, start: str, finish: str, **kwargs: Any) -> None:
        if finish == "executing":
            self.before = max(self.before, self._status("VmHWM"))
            self._start = self._status("VmRSS")
            try:
                with open("/proc/self/clear_refs", "w", encoding="ascii") as handle:
                    handle.write("5")
            except OSError:  # not Linux: the peaks are then the process's so far
                pass
        elif start == "executing":
            prefix = str(key).split("-", 1)[0]
            peak = max(self._status("VmHWM"), self._start)
            old = self.peaks.get(prefix, (0.0, 0.0))
            self.peaks[prefix] = (max(old[0], self._start), max(old[1], peak))


def _worker_peak(dask_worker: Any) -> float:
    """The worker process's peak resident size (MB) since it started: the peaks before each of
    the plugin's resets and since the last."""
    plugin = getattr(dask_worker, "_stage_peaks", None)
    now = StagePeaks._status("VmHWM")
    return max(plugin.before, now) if plugin is not None else now


def _stage_peaks(dask_worker: Any) -> dict[str, tuple[float, float]]:
    plugin = getattr(dask_worker, "_stage_peaks", None)
    return dict(plugin.peaks) if plugin is not None else {}


def stage_peaks(
    per_worker: dict[str, dict[str, tuple[float, float]]],
) -> dict[str, tuple[float, float]]:
    """Per stage, the largest resident size a task of it started from and peaked at (MB)."""
    out: dict[str, tuple[float, float]] = {}
    for prefixes in per_worker.values():
        for prefix, (start, peak) in prefixes.items():
            stage = STAGES.get(prefix, prefix)
            old = out.get(stage, (0.0, 0.0))
            out[stage] = (max(old[0], start), max(old[1], peak))
    return out


def stage_cpu(per_worker: dict[str, dict[str, float]]) -> dict[str, float]:
    out: dict[str, float] = {}
    for prefixes in per_worker.values():
        for prefix, seconds in prefixes.items():
            stage = STAGES.get(prefix, prefix)
            out[stage] = out.get(stage, 0.0) + seconds
    return out


def run(
    export: Path, workers: int, partition_size: int, links: bool, keep: Path | None = None
) -> dict[str, Any]:
    from distributed import Client

    from newsreader.annotations.prepare.run import local_cluster, prepare

    out = keep if keep is not None else Path(tempfile.mkdtemp(prefix="bench-prepare-"))
    # The cluster ``newsreader prepare`` starts (``local_cluster``), with the plugin added.
    cluster = local_cluster(workers)
    client = Client(cluster)
    client.register_plugin(StagePeaks())
    try:
        load = os.getloadavg()[0]
        # The workers are new processes: what they used before the job is their start-up.
        cpu_before = client.run(_cpu_s)
        driver_before = _cpu_s()
        began = time.perf_counter()
        summary = prepare(
            [str(export)], out, client=client, partition_size=partition_size, links=links
        )
        wall = time.perf_counter() - began
        driver_cpu = _cpu_s() - driver_before
        cpu_after = client.run(_cpu_s)
        peaks = client.run(_worker_peak)
        stages = stage_cpu(client.run(_task_cpu))
        memory = stage_peaks(client.run(_stage_peaks))
    finally:
        client.close()
        cluster.close()
        if keep is None:
            shutil.rmtree(out, ignore_errors=True)
    cpu = [cpu_after[w] - cpu_before[w] for w in cpu_after]
    return {
        "workers": workers,
        "wall": wall,
        "seconds": summary.seconds,
        "driver_stages": summary.driver_cpu,
        "articles": summary.articles,
        "stories": summary.stories,
        "links": summary.links,
        "worker_peak_mb": max(peaks.values()),
        "stage_cpu": stages,
        "stage_memory": memory,
        "worker_cpu": cpu,
        "driver_cpu": driver_cpu,
        "load": (load, os.getloadavg()[0]),
    }


def _report(r: dict[str, Any]) -> None:
    workers = r["workers"]
    cpu = r["worker_cpu"]
    print(
        f"{workers} worker(s), load {r['load'][0]:.1f}->{r['load'][1]:.1f}: {r['wall']:.1f} s "
        "wall ("
        + ", ".join(f"{k} {v:.1f} s" for k, v in r["seconds"].items())
        + f"); {r['articles'] / r['wall']:.0f} articles/s end to end = "
        f"{r['articles'] / r['wall'] / workers:.0f} per worker; worker CPU "
        + " + ".join(f"{c:.0f}" for c in cpu)
        + f" s ({r['articles'] / sum(cpu):.0f} articles per worker CPU-second), driver CPU "
        f"{r['driver_cpu']:.1f} s ("
        + ", ".join(f"{k} {v:.1f}" for k, v in r["driver_stages"].items())
        + f"); peak {r['worker_peak_mb']:.0f} MB per worker; "
        f"{r['stories']} stories, {r['links']} link candidates",
        flush=True,
    )
    print(
        "  worker memory per stage (MB, a task's start -> its peak, the largest): "
        + ", ".join(f"{k} {a:.0f} -> {b:.0f}" for k, (a, b) in r["stage_memory"].items()),
        flush=True,
    )
    print(
        "  worker CPU per stage: "
        + ", ".join(
            f"{k} {v:.1f} s ({v / r['articles'] * 1000:.2f} ms/article)"
            for k, v in r["stage_cpu"].items()
        ),
        flush=True,
    )


def _median(values: list[float]) -> float:
    ordered = sorted(values)
    middle = len(ordered) // 2
    return ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=REPO.parent / "shared")
    parser.add_argument("--size", type=int, default=10000, help="articles (100000 for the goal)")
    parser.add_argument(
        "--workers", default="1,2,1,2", help="runs in this order (alternate them: the load moves)"
    )
    parser.add_argument("--partition-size", type=int, default=500)
    parser.add_argument("--no-links", action="store_true")
    parser.add_argument("--baseline-sample", type=int, default=500)
    parser.add_argument(
        "--keep-index",
        type=Path,
        help="write the (last) run's index here and keep it, to open or check it afterwards",
    )
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="bench-archive-"))
    export = folder / "archive.csv"
    try:
        articles = write_archive(args.shared, args.size, export)
        mb = export.stat().st_size / 1e6
        print(f"archive: {args.size} articles, {mb:.0f} MB CSV; load average {os.getloadavg()}")
        alone, with_features = baseline(articles, args.baseline_sample)
        print(
            f"baseline, serial in one process on {args.baseline_sample} of them, per CPU-second: "
            f"analysis {alone:.0f} articles; analysis and story features {with_features:.0f}",
            flush=True,
        )
        del articles
        results: dict[int, list[dict[str, Any]]] = {}
        for workers in (int(w) for w in args.workers.split(",")):
            r = run(export, workers, args.partition_size, not args.no_links, args.keep_index)
            results.setdefault(workers, []).append(r)
            _report(r)
        print(f"driver peak {_peak_mb():.0f} MB; load average after {os.getloadavg()}")
        if 1 in results and 2 in results:
            ones, twos = results[1], results[2]
            walls = [a["wall"] / b["wall"] for a, b in zip(ones, twos, strict=False)]
            medians = _median([r["wall"] for r in ones]) / _median([r["wall"] for r in twos])
            print(
                "speedup 1 -> 2 workers, wall: "
                + ", ".join(f"{w:.2f}x" for w in walls)
                + f" (pairs of alternated runs); ratio of the medians {medians:.2f}x"
            )
            # On CPU time: the 1-worker job's CPU (worker and driver) against the 2-worker
            # job's busiest worker plus the driver, i.e. the wall time each would take with a
            # core per worker and nothing else running.
            one_cpu = _median([sum(r["worker_cpu"]) + r["driver_cpu"] for r in ones])
            two_path = _median([max(r["worker_cpu"]) + r["driver_cpu"] for r in twos])
            two_sum = _median([sum(r["worker_cpu"]) for r in twos])
            print(
                f"speedup 1 -> 2 workers on CPU time: {one_cpu / two_path:.2f}x "
                f"({one_cpu:.0f} CPU-s in all with 1 worker; with 2 the busiest worker and the "
                f"driver {two_path:.0f} s; the two workers' CPU sum {two_sum:.0f} s)"
            )
            one = ones[0]
            per_worker = one["articles"] / sum(one["worker_cpu"])
            serial = _median([r["driver_cpu"] for r in twos])
            year = 300_000_000
            hours = year / per_worker / 3600
            print(
                f"cluster arithmetic: {per_worker:.0f} articles per worker CPU-second (all "
                f"stages), so 300M articles take {hours:.0f} worker-hours: {hours / 100:.1f} h "
                f"on 100 workers, {hours / 1000:.2f} h on 1,000; the driver's serial part "
                f"here is {serial:.1f} CPU-s for {one['articles']} articles"
            )
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
