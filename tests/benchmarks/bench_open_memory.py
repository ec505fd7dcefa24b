"""Peak memory of opening a store the way the app does, beside an empty store (same run).

Each measurement runs in a fresh process that loads the corpus, then does what the app's store
worker does (``tui/opening.py``): ``Store.open`` (writable), ``attach`` the articles, build the
``Workbench`` and its linking index. It prints the peak RSS (``VmHWM``) after each step, so the
step that sets the peak is visible. Baselines from the same run: the same store read the way it
was before (the whole file as bytes, then as text, then parsed), and an empty store.

    python tests/benchmarks/bench_open_memory.py STORE [--corpus PATH]

STORE is left as it was (the run works on a copy). ``bench_scale.py`` and
``../shared/checks/edit_scaling.py`` make large stores.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
POLNEAR = REPO.parent / "shared" / "corpora" / "polnear" / "data"

_CHILD = r"""
import json, sys, time
from pathlib import Path

def hwm():
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(("VmHWM", "VmRSS")):
            yield line.split()[0][:-1], int(line.split()[1]) / 1024

def mark(step, out, t0):
    out.append({"step": step, "s": round(time.perf_counter() - t0, 2), **dict(hwm())})

from newsreader.corpus import load_paths
from newsreader.annotations import journal
from newsreader.annotations.store import Store
if sys.argv[3] == "whole":  # the read before the streaming one: bytes, then text, then records
    def whole(path):
        raise journal._NotTables
    journal._read_streaming = whole
from newsreader.annotations.workbench import Workbench
out = []
t0 = time.perf_counter()
docs = load_paths([sys.argv[2]]).documents
mark("corpus loaded", out, t0)
store = Store.open(sys.argv[1], annotator="bench")
mark("Store.open", out, t0)
store.attach(docs)
mark("attach", out, t0)
bench = Workbench(store, docs)
bench.build_linker()
mark("workbench + linker", out, t0)
store.close()
mark("close", out, t0)
print(json.dumps(out))
"""


def measure(store: Path, corpus: Path, read: str = "streaming") -> list[dict[str, float]]:
    done = subprocess.run(
        [sys.executable, "-c", _CHILD, str(store), str(corpus), read],
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("store", type=Path)
    parser.add_argument("--corpus", type=Path, default=POLNEAR)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / "store.json"
        shutil.copy2(args.store, copy)
        size = copy.stat().st_size / 2**20
        empty = measure(Path(tmp) / "empty.json", args.corpus)
        big = measure(copy, args.corpus)
        old = measure(copy, args.corpus, "whole")
    print(f"store {args.store} ({size:.0f} MiB file); peak RSS (VmHWM) and RSS after each step:")
    for e, b, o in zip(empty, big, old, strict=True):
        print(
            f"  {b['step']:<20} {b['VmHWM']:5.0f} MiB peak, {b['VmRSS']:5.0f} MiB now, "
            f"{b['s']:6.2f} s | whole-file read: {o['VmHWM']:5.0f} peak, {o['VmRSS']:5.0f} now, "
            f"{o['s']:6.2f} s | empty store: {e['VmHWM']:4.0f} peak, {e['VmRSS']:4.0f} now"
        )


if __name__ == "__main__":
    main()
