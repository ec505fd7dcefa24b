"""How long ``newsreader agree`` takes on two annotators' exports of 100,000 spans each.

Two JSONL exports are made, shaped like real ones (every field, text included): annotator A
marks ``--spans`` spans over ``--articles`` articles; B keeps most of them, moves some ends by
a few characters, relabels some, drops some and adds others. Printed, in the same run: the
baseline of reading and parsing the two files as JSON and nothing else; ``agree``'s reading;
its computing (every figure, alpha_u per label included); and the whole command as a user runs
it (``newsreader agree A B --json``, process start included). Wall and CPU time are both
printed: on a shared machine the CPU time is the steadier figure.

    python tests/benchmarks/bench_agree.py [--spans 100000] [--articles 1000]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from newsreader.annotations.agreement import agreement, read_exports

LABELS = ("claim", "quote", "claim", "opinion")


def _record(who: str, doc: int, start: int, end: int, label: str, n: int) -> dict[str, Any]:
    return {
        "id": f"s_{who}{n:015x}",
        "doc_id": f"article-{doc:05d}",
        "doc_path": f"/corpus/article-{doc:05d}.txt",
        "doc_hash": f"{doc:064x}",
        "outlet": "Outlet",
        "title": f"Article {doc}",
        "start": start,
        "end": end,
        "text": "x" * (end - start),
        "prefix": "p" * 32,
        "suffix": "s" * 32,
        "label": label,
        "attributes": {"speaker": "John Kerry"} if label == "quote" else {},
        "group": f"g_{doc:x}_{start // 5000}" if start % 7 == 0 else None,
        "relation": None,
        "annotator": who,
        "created": "2026-11-27T06:00:00.000Z",
        "modified": "2026-11-27T06:00:00.000Z",
        "anchor": "ok",
    }


def make_exports(folder: Path, spans: int, articles: int, seed: int = 14) -> tuple[Path, Path]:
    """Two exports: A's spans, and B's version of them."""
    rng = random.Random(seed)
    per_article = spans // articles
    a_lines, b_lines = [], []
    n = 0
    for doc in range(articles):
        position = 0
        for _ in range(per_article):
            position += rng.randint(5, 60)
            length = rng.randint(20, 200)
            start, end = position, position + length
            position = end
            label = rng.choice(LABELS)
            n += 1
            a_lines.append(_record("a", doc, start, end, label, n))
            roll = rng.random()
            if roll < 0.70:
                b_lines.append(_record("b", doc, start, end, label, n))
            elif roll < 0.80:
                b_lines.append(_record("b", doc, start, end + rng.randint(-5, 5) or 1, label, n))
            elif roll < 0.88:
                b_lines.append(_record("b", doc, start, end, rng.choice(LABELS), n))
            elif roll < 0.95:
                b_lines.append(_record("b", doc, start + 2, end - 2, label, n))
            # else: B left it out
            if rng.random() < 0.05:
                b_lines.append(_record("b", doc, end + 1, end + 4, "claim", n + 10**9))
    paths = []
    for name, lines in (("a", a_lines), ("b", b_lines)):
        path = folder / f"{name}.jsonl"
        with open(path, "w", encoding="utf-8") as out:
            for line in lines:
                out.write(json.dumps(line) + "\n")
        paths.append(path)
    return paths[0], paths[1]


def best_of(runs: int, action: Any) -> tuple[float, float, Any]:
    """The best wall time and the best CPU time of ``runs`` runs, and the result."""
    walls, cpus, result = [], [], None
    for _ in range(runs):
        wall, cpu = time.perf_counter(), time.process_time()
        result = action()
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    return min(walls), min(cpus), result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--spans", type=int, default=100_000, help="spans per annotator")
    parser.add_argument("--articles", type=int, default=1_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        a, b = make_exports(Path(tmp), args.spans, args.articles)
        sizes = sum(p.stat().st_size for p in (a, b)) / 2**20

        def baseline() -> int:
            count = 0
            for path in (a, b):
                with open(path, "rb") as handle:
                    for line in handle:
                        json.loads(line)
                        count += 1
            return count

        base_wall, base_cpu, _ = best_of(3, baseline)
        read_wall, read_cpu, data = best_of(3, lambda: read_exports([a, b]))
        compute_wall, compute_cpu, pairs = best_of(3, lambda: agreement(data.spans))
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        started = time.perf_counter()
        done = subprocess.run(
            [sys.executable, "-m", "newsreader.tui", "agree", str(a), str(b), "--json"],
            capture_output=True,
            text=True,
            check=True,
        )
        command_wall = time.perf_counter() - started
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        command_cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
        [pair] = json.loads(done.stdout)["pairs"]
    counts = f"{pairs[0].spans[0]:,} and {pairs[0].spans[1]:,} spans"
    print(f"two exports, {counts} over {args.articles:,} articles ({sizes:.0f} MiB)")
    print(f"load average while measuring: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    print(f"{'':46} {'wall':>8} {'CPU':>8}")
    rows = [
        ("baseline: read and parse the files as JSON", base_wall, base_cpu),
        ("agree: read the exports", read_wall, read_cpu),
        ("agree: every figure of the pair", compute_wall, compute_cpu),
        ("newsreader agree A B --json (whole command)", command_wall, command_cpu),
    ]
    for name, wall, cpu in rows:
        print(f"  {name:44} {wall:7.2f}s {cpu:7.2f}s")
    print(
        f"  exact F1 {pair['exact_f1']:.3f}, overlap F1 {pair['overlap_f1']:.3f}, "
        f"kappa {pair['label_kappa']:.3f}, alpha_u "
        + ", ".join(f"{k} {v:.3f}" for k, v in sorted(pair["alpha_u"].items()))
    )


if __name__ == "__main__":
    main()
