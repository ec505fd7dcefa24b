"""Tag + undo in the app, in tmux at 180x50, on an empty store and on one of N claim spans.

``../shared/checks/edit_scaling.py`` starts editing one second after the store's count shows.
The store is read by then, but the worker that builds the linking index (the articles, then
every stored span: its work grows with the store) has just begun; whatever it does while a key
is handled competes with the key for the interpreter. This script makes the same store of N
spans over a copy of the PolNeAR articles, opens the app on it and on an empty store, waits
until the store is open plus one second, and presses ``s c u`` eight times (as the check does).
For each it prints, from ``/proc``:

- the CPU the app's process spent per edit (all threads: the keys' work and whatever ran beside),
- the CPU its main thread spent per edit (the keys' own work: drawing, the status bar),
- the median time from the key to the status bar's new count (wall time: noisy under load).

``--exe PATH`` (repeatable) measures other ``newsreader`` executables too, in turn, in the same
run (the one beside this Python first): e.g. one made from main's code, for a before/after.

    python tests/benchmarks/bench_edit_app.py [N=100000] [--exe PATH ...]
"""

from __future__ import annotations

import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

from bench_scale import records_for

from newsreader.corpus import load_paths

POLNEAR = Path(__file__).resolve().parents[2].parent / "shared" / "corpora" / "polnear" / "data"
COUNT = re.compile(r"([\d,]+) annotations?\W+[\d,]+ statement group")
ROUNDS = 8


def tmux(*args: str) -> str:
    return subprocess.run(["tmux", *args], capture_output=True, text=True).stdout


def shown(name: str) -> tuple[int | None, bool]:
    """The status bar's annotation count, and whether the store is still opening."""
    screen = tmux("capture-pane", "-p", "-t", name)
    found = COUNT.search(screen)
    count = int(found.group(1).replace(",", "")) if found else None
    return count, "opening…" in screen


def wait_count(name: str, count: int, limit: float = 60.0) -> float:
    began = time.perf_counter()
    while time.perf_counter() - began < limit:
        if shown(name) == (count, False):
            return time.perf_counter() - began
        time.sleep(0.02)
    return float("inf")


def cpu_ms(pid: str, thread: str | None = None) -> float:
    stat = Path(f"/proc/{pid}/task/{thread}/stat" if thread else f"/proc/{pid}/stat")
    fields = stat.read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) * 1000 / os.sysconf("SC_CLK_TCK")


def session(exe: str, store: Path, corpus: Path, count: int) -> tuple[float, float, float]:
    """(process CPU ms per edit, main thread CPU ms per edit, median latency ms)."""
    name = f"bench-edit-{uuid.uuid4().hex[:8]}"
    tmux("new-session", "-d", "-s", name, "-x", "180", "-y", "50", f"{exe} --db {store} {corpus}")
    try:
        if wait_count(name, count, 300) == float("inf"):
            raise SystemExit(f"{exe}: the status bar never showed {count} annotations")
        time.sleep(1.0)
        pid = tmux("display", "-p", "-t", name, "#{pane_pid}").strip()
        process, main = cpu_ms(pid), cpu_ms(pid, pid)
        latencies = []
        for _ in range(ROUNDS):
            tmux("send-keys", "-t", name, "s")
            time.sleep(0.3)
            for key, expect in (("c", count + 1), ("u", count)):
                began = time.perf_counter()
                tmux("send-keys", "-t", name, key)
                waited = wait_count(name, expect, 30)
                latencies.append(waited if waited == float("inf") else time.perf_counter() - began)
                time.sleep(0.2)
        edits = 2 * ROUNDS
        return (
            (cpu_ms(pid) - process) / edits,
            (cpu_ms(pid, pid) - main) / edits,
            statistics.median(latencies) * 1000,
        )
    finally:
        tmux("send-keys", "-t", name, "C-q")
        time.sleep(1.0)
        tmux("kill-session", "-t", name)


def main() -> None:
    args = sys.argv[1:]
    exes = [str(Path(sys.executable).parent / "newsreader")]
    while "--exe" in args:
        at = args.index("--exe")
        exes.append(args[at + 1])
        del args[at : at + 2]
    size = int(args[0]) if args else 100_000
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        corpus = folder / "polnear"
        shutil.copytree(POLNEAR, corpus, ignore=shutil.ignore_patterns("attributions"))
        docs = load_paths([corpus]).documents
        lines = folder / "spans.jsonl"
        with open(lines, "w", encoding="utf-8") as out:
            for record in records_for(docs, size):
                out.write(json.dumps(record) + "\n")
        made = folder / "made.json"
        subprocess.run(
            [exes[0], "import", str(lines), "--db", str(made), "--corpus", str(corpus)],
            check=True,
            capture_output=True,
        )
        print(f"load average {os.getloadavg()[0]:.1f}; {ROUNDS} × (s, c, u) per session")
        for exe in exes:
            for count in (0, size):
                store = folder / f"run{count}.json"
                for old in folder.glob(f"run{count}.json*"):
                    old.unlink()
                if count:
                    shutil.copy(made, store)
                process, main_thread, latency = session(exe, store, corpus, count)
                print(
                    f"{exe}: {count:>7,} spans: process CPU {process:5.1f} ms/edit, "
                    f"main thread {main_thread:5.1f} ms/edit, median latency {latency:4.0f} ms",
                    flush=True,
                )
        print(f"load average {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
