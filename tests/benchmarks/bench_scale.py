"""The store at the size of real work: import, coverage, export and memory at 10k, 100k, 200k.

On the PolNeAR corpus (``../shared/corpora/polnear/data``, 924 articles), N claim spans are made
from its sentences the way ``../shared/checks/edit_scaling.py`` makes them (windows of words in
each sentence, ids ``s_`` + 16 hex digits) and written as a newsreader JSONL file. Then, each as
a user runs it (a fresh process, timed from start to exit), beside a baseline from the same run:

- ``newsreader import FILE --db STORE --corpus POLNEAR`` against a process that writes the same
  records with TinyDB's own ``insert_multiple`` (start-up, reading and parsing the file, writing
  the TinyDB file). Target: at most 10x.
- ``newsreader coverage --db STORE --format json`` and ``newsreader export --db STORE -o OUT``
  against a process that reads the same store with TinyDB (``TinyDB(path).table('spans').all()``:
  start-up, importing TinyDB, parsing the file). Target: at most 3x. ``export`` runs with the
  data folder the import used (its cache knows which article files are unchanged) and again
  with a fresh data folder (every article file read again).
- wall and CPU time (user + system: a fairer figure on a busy machine) and peak RSS
  (``ru_maxrss``) of each process, the size of the import's history entry, and the
  memory an opened store holds (tracemalloc, and RSS growth) in this process.

    python tests/benchmarks/bench_scale.py [--sizes 10000 100000 200000] [--corpus PATH]
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path
from typing import Any

from newsreader.corpus import Document, load_paths

REPO = Path(__file__).resolve().parents[2]
POLNEAR = REPO.parent / "shared" / "corpora" / "polnear" / "data"
WINDOWS = [(0, None), (0, 5), (-4, None), (1, 7), (2, 9), (-7, -1), (0, 3), (3, 12), (-3, None)]
WINDOWS += [(4, 8), (1, None), (0, -1), (2, 6), (5, 11), (-5, -2), (1, 4)]

_RUN = (
    "import resource, subprocess, sys, time\n"
    "t = time.perf_counter()\n"
    "r = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)\n"
    "took = time.perf_counter() - t\n"
    "u = resource.getrusage(resource.RUSAGE_CHILDREN)\n"
    "sys.stderr.buffer.write(r.stderr[-400:])\n"
    "print(took, u.ru_maxrss, u.ru_utime + u.ru_stime, r.returncode)\n"
)


def records_for(docs: list[Document], count: int) -> list[dict[str, Any]]:
    """``count`` distinct claim spans on the sentences of ``docs`` (as edit_scaling.py does)."""
    records: dict[tuple[str, int, int], dict[str, Any]] = {}
    for w0, w1 in WINDOWS:
        for doc in docs:
            for s, e in doc.sentences[3:]:
                words = [m.span() for m in re.finditer(r"\S+", doc.text[s:e])]
                part = words[w0:w1]
                if len(part) < 2 or len(records) >= count:
                    continue
                a, b = s + part[0][0], s + part[-1][1]
                if (doc.id, a, b) not in records:
                    records[(doc.id, a, b)] = {
                        "id": f"s_{len(records) + 1:016x}",
                        "doc_id": doc.id,
                        "doc_path": doc.path,
                        "doc_hash": doc.content_hash,
                        "start": a,
                        "end": b,
                        "text": doc.text[a:b],
                        "label": "claim",
                        "annotator": "bulk",
                    }
    if len(records) < count:
        raise SystemExit(f"only {len(records)} distinct spans could be made")
    return list(records.values())


class Run:
    """One process run to its end: wall seconds, CPU seconds (user + system), peak RSS MiB."""

    def __init__(self, *argv: str, env: dict[str, str]) -> None:
        done = subprocess.run(
            [sys.executable, "-c", _RUN, *argv], capture_output=True, text=True, env=env
        )
        if done.returncode != 0 or not done.stdout.strip():
            raise SystemExit(f"{' '.join(argv[:3])} failed: {done.stderr}")
        took, rss, cpu, code = done.stdout.split()
        if code != "0":
            raise SystemExit(f"{' '.join(argv[:3])} failed ({code}): {done.stderr}")
        self.wall, self.cpu, self.rss = float(took), float(cpu), int(rss) / 1024

    def __str__(self) -> str:
        return f"{self.wall:6.2f}s wall {self.cpu:6.2f}s CPU peak {self.rss:4.0f} MiB"

    def ratio(self, base: Run) -> str:
        return f"ratio {self.wall / base.wall:4.1f} wall, {self.cpu / base.cpu:4.1f} CPU"


def newsreader(*args: str) -> list[str]:
    return [str(Path(sys.executable).parent / "newsreader"), *args]


def opened_memory(store_path: Path) -> tuple[float, float, float]:
    """(seconds to open, MiB held by tracemalloc, MiB of RSS growth) of Store.open, writable
    as the app opens it."""
    from newsreader.annotations.store import Store

    gc.collect()
    rss0 = _rss()
    began = time.perf_counter()
    store = Store.open(store_path)
    took = time.perf_counter() - began
    grown = _rss() - rss0
    store.close()
    del store
    gc.collect()
    tracemalloc.start()
    store = Store.open(store_path)
    gc.collect()
    held, _ = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    store.close()
    return took, held / 2**20, grown


def _rss() -> float:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def history_bytes(store_path: Path) -> int:
    data = json.loads(store_path.read_text(encoding="utf-8"))
    return sum(len(json.dumps(entry)) for entry in data.get("history", {}).values())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000, 200_000])
    parser.add_argument("--corpus", type=Path, default=POLNEAR)
    args = parser.parse_args()
    docs = load_paths([args.corpus]).documents
    print(f"{len(docs)} articles in {args.corpus}")
    for size in args.sizes:
        folder = Path(tempfile.mkdtemp(prefix="bench-scale-"))
        env = {
            **os.environ,
            "NEWSREADER_CONFIG": str(folder / "none.toml"),
            "XDG_DATA_HOME": str(folder / "data"),
            "NEWSREADER_DB": str(folder / "store.json"),
        }
        try:
            bench_one(size, docs, args.corpus, folder, env)
        finally:
            shutil.rmtree(folder, ignore_errors=True)


def bench_one(
    size: int, docs: list[Document], corpus: Path, folder: Path, env: dict[str, str]
) -> None:
    big = folder / "big.jsonl"
    with open(big, "w", encoding="utf-8") as out:
        for record in records_for(docs, size):
            out.write(json.dumps(record) + "\n")
    store = folder / "store.json"
    tiny_write = Run(
        sys.executable,
        "-c",
        "import json, sys\nfrom tinydb import TinyDB\ndb = TinyDB(sys.argv[1])\n"
        "db.insert_multiple(json.loads(line) for line in open(sys.argv[2]))\ndb.close()",
        str(folder / "tiny.json"),
        str(big),
        env=env,
    )
    ours = Run(
        *newsreader("import", str(big), "--db", str(store), "--corpus", str(corpus)), env=env
    )
    print(f"\n{size:,} annotations")
    print(f"  import      {ours} | {ours.ratio(tiny_write)} (target <= 10)")
    print(f"    baseline: TinyDB insert_multiple {tiny_write}")
    print(f"  history of the import: {history_bytes(store):,} bytes in the store file")
    tiny_read = Run(
        sys.executable,
        "-c",
        "import sys\nfrom tinydb import TinyDB\nassert TinyDB(sys.argv[1]).table('spans').all()",
        str(store),
        env=env,
    )
    print(f"    baseline: TinyDB read of the store {tiny_read}")
    for name, argv in (
        ("coverage", newsreader("coverage", "--db", str(store), "--format", "json")),
        ("export", newsreader("export", "--db", str(store), "-o", str(folder / "o1.jsonl"))),
    ):
        took = Run(*argv, env=env)
        print(f"  {name:<11} {took} | {took.ratio(tiny_read)} to the TinyDB read (target <= 3)")
    # An export whose analysis cache is cold (a fresh data folder: every article is read).
    cold = {**env, "XDG_DATA_HOME": str(folder / "cold")}
    argv = newsreader("export", "--db", str(store), "-o", str(folder / "o2.jsonl"))
    took = Run(*argv, env=cold)
    print(f"  export, cold cache {took} | {took.ratio(tiny_read)}")
    seconds, held, grown = opened_memory(store)
    print(
        f"  an opened store (writable, as the app opens it): {seconds:.2f}s to open, "
        f"{held:.0f} MiB held (tracemalloc), "
        f"RSS +{grown:.0f} MiB; file {store.stat().st_size / 2**20:.0f} MiB"
    )


if __name__ == "__main__":
    main()
