"""CPU time of quote detection (``find_quotes``: quotes, speakers, canonical names, ranker) over
PolNeAR train + dev, against earlier versions of ``corpus/`` measured in the same run.

Each version runs in its own process (the working tree's, and each ``--against`` revision's
``corpus/`` taken out of git into a temporary folder), on the same texts, paragraphs and
sentences; the versions alternate, and the best of ``--runs`` CPU times is kept for each. The
working tree's time is also split by stage (the rules; person mentions; the ranker).

    python tests/benchmarks/bench_quotes.py [--shared ../shared] [--against REV ...] [--runs N]

The default revisions: ``ee7b005`` (before speakers were resolved to people) and ``e42c3eb``
(the start of session 6's quotes4 branch; ``22b5eb3``, the start of quotes3, before its speed
work, can be given with ``--against``).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

REPO = Path(__file__).parents[2]

WORKER = r"""
import sys, time
root = sys.argv[1]
if root:
    sys.path.insert(0, root)
from pathlib import Path
import newsreader.corpus.quotes as Q
from newsreader.corpus.paragraphs import find_paragraphs
from newsreader.corpus.sentences import split_sentences
data = Path(sys.argv[2])
texts = [p.read_text(encoding="utf-8") for f in ("train", "dev")
         for p in sorted((data / f / "text").glob("*.txt"))]
prepared = []
for text in texts:
    paragraphs = find_paragraphs(text)
    prepared.append((text, paragraphs, split_sentences(text, paragraphs)))
start = time.process_time()
count = sum(len(Q.find_quotes(t, p, s)) for t, p, s in prepared)
total = time.process_time() - start
stages = ""
if not root:  # the stages, each timed again over the same texts (the caches now warm)
    from newsreader.corpus.speakers import person_mentions
    def timed(work):
        start = time.process_time()
        for t, p, s in prepared:
            work(t, p, s)
        return time.process_time() - start
    ranked = timed(Q.find_quotes)
    rules = timed(Q._rule_quotes)
    mentions = timed(lambda t, p, s: person_mentions(t))
    no_ranker = timed(lambda t, p, s: Q.find_quotes(t, p, s, ranker=False))
    stages = f" {ranked:.3f} {rules:.3f} {mentions:.3f} {no_ranker:.3f}"
print(f"{total:.3f} {count}{stages}")
"""


def export(revision: str, into: Path) -> Path:
    """``corpus/`` at ``revision``, as ``newsreader/corpus`` under ``into``."""
    archive = into / f"{revision}.tar"
    with archive.open("wb") as handle:
        subprocess.run(
            ["git", "-C", str(REPO), "archive", revision, "corpus"], stdout=handle, check=True
        )
    target = into / revision / "newsreader"
    target.mkdir(parents=True)
    with tarfile.open(archive) as tar:
        tar.extractall(target, filter="data")
    return into / revision


def run(root: str, data: Path) -> list[str]:
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    done = subprocess.run(
        [sys.executable, "-c", WORKER, root, str(data)],
        capture_output=True,
        text=True,
        check=True,
        env=env,
    )
    return done.stdout.split()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=Path(__file__).parents[3] / "shared")
    parser.add_argument("--against", nargs="*", default=["ee7b005", "e42c3eb"])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    data = args.shared / "corpora" / "polnear" / "data"
    if not data.is_dir():
        raise SystemExit(f"PolNeAR not found at {data}")
    with tempfile.TemporaryDirectory() as tmp:
        roots = {"working tree": ""}
        for revision in args.against:
            roots[revision] = str(export(revision, Path(tmp)))
        best: dict[str, list[str]] = {}
        for _ in range(args.runs):
            for label, root in roots.items():
                figures = run(root, data)
                if label not in best or float(figures[0]) < float(best[label][0]):
                    best[label] = figures
    print(f"load average {os.getloadavg()[0]:.2f}; best of {args.runs} CPU times")
    print(f"{'version':16}{'find_quotes s':>14}{'quotes':>8}")
    for label, figures in best.items():
        print(f"{label:16}{float(figures[0]):>14.3f}{int(figures[1]):>8}")
    stages = best["working tree"]
    if len(stages) >= 6:
        ranked, rules, mentions, no_ranker = (float(x) for x in stages[2:6])
        print(
            f"working tree by stage, timed again (warm): all {ranked:.3f} s = rules "
            f"{rules:.3f} s + person mentions {mentions:.3f} s + canonical names "
            f"{no_ranker - rules - mentions:.3f} s + ranker {ranked - no_ranker:.3f} s"
        )


if __name__ == "__main__":
    main()
