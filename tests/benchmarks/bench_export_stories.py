"""What giving every exported span its story costs: ``export`` at N spans on PolNeAR, with the
stories grouped at export (no grouping kept, none cached) and from the grouping kept on disk,
beside TinyDB reading the same store (issue 11's baseline: export within 3x of it).

The store is made as ``bench_scale.py`` makes it (N claim spans on PolNeAR's sentences, imported
with ``newsreader import``); it keeps no grouping, so ``export`` groups PolNeAR's 924 articles by
text. A copy of the store that keeps a grouping (``newsreader stories CORPUS --db``) is exported
too: the export that groups nothing, as every export was before. Each figure is a fresh process
timed from start to exit (wall and CPU, user + system), in rounds that alternate the runs; the
median of the rounds is reported, with the load average.

    python tests/benchmarks/bench_export_stories.py [--size 100000] [--rounds 3] [--corpus PATH]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from bench_scale import POLNEAR, Run, newsreader, records_for

from newsreader.corpus import load_paths


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--corpus", type=Path, default=POLNEAR)
    args = parser.parse_args()
    docs = load_paths([args.corpus]).documents
    folder = Path(tempfile.mkdtemp(prefix="bench-export-stories-"))
    data = folder / "data"
    env = {
        **os.environ,
        "NEWSREADER_CONFIG": str(folder / "none.toml"),
        "XDG_DATA_HOME": str(data),
        "NEWSREADER_DB": str(folder / "store.json"),
    }
    try:
        big = folder / "big.jsonl"
        with open(big, "w", encoding="utf-8") as out:
            for record in records_for(docs, args.size):
                out.write(json.dumps(record) + "\n")
        store = folder / "store.json"
        Run(
            *newsreader("import", str(big), "--db", str(store), "--corpus", str(args.corpus)),
            env=env,
        )
        tiny = [
            sys.executable,
            "-c",
            "import sys\nfrom tinydb import TinyDB\n"
            "assert TinyDB(sys.argv[1]).table('spans').all()",
            str(store),
        ]
        # The same store with a grouping kept in it (`stories --db`): the export that needs no
        # grouping at all, as every export was before stories were grouped at export.
        kept_store = folder / "kept.json"
        shutil.copyfile(store, kept_store)
        Run(*newsreader("stories", str(args.corpus), "--db", str(kept_store)), env=env)
        in_store = newsreader(
            "export", "--db", str(kept_store), "-o", str(folder / "kept.jsonl"), "--force"
        )
        export = newsreader(
            "export", "--db", str(store), "-o", str(folder / "out.jsonl"), "--force"
        )

        def forget() -> None:  # no grouping kept on disk: the next export groups
            for kept in data.rglob("stories"):
                shutil.rmtree(kept, ignore_errors=True)

        runs: dict[str, list[Run]] = {"tiny": [], "grouped": [], "cached": [], "store": []}
        for _ in range(args.rounds):
            runs["tiny"].append(Run(*tiny, env=env))
            runs["store"].append(Run(*in_store, env=env))
            forget()
            runs["grouped"].append(Run(*export, env=env))
            runs["cached"].append(Run(*export, env=env))
        lines = (folder / "out.jsonl").read_text(encoding="utf-8").splitlines()
        with_story = sum(json.loads(line)["story"] is not None for line in lines)
        if not any(data.rglob("stories/*.json")):
            raise SystemExit(f"no grouping was kept under {data}")

        def median(name: str) -> tuple[float, float]:
            return (
                statistics.median(r.wall for r in runs[name]),
                statistics.median(r.cpu for r in runs[name]),
            )

        base_wall, base_cpu = median("tiny")
        print(f"{args.size:,} spans on {len(docs)} articles, median of {args.rounds} rounds")
        print(f"  load average {os.getloadavg()}")
        print(
            f"  TinyDB read of the store (baseline)   {base_wall:6.2f}s wall {base_cpu:6.2f}s CPU"
        )
        for name, what in (
            ("store", "export, grouping kept in the store"),
            ("grouped", "export, stories grouped now"),
            ("cached", "export, stories kept on disk"),
        ):
            wall, cpu = median(name)
            print(
                f"  {what:38}{wall:6.2f}s wall {cpu:6.2f}s CPU  ratio {wall / base_wall:4.1f} "
                f"wall, {cpu / base_cpu:4.1f} CPU (target <= 3)"
            )
        print(f"  {with_story:,} of {len(lines):,} exported spans carry a story")
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
