"""How long loading PolNeAR (train + dev, ~900 articles) with all structure takes, by stage.

Prints the whole load (``load_paths``) beside a baseline measured in the same run (reading and
decoding the same files, nothing else), then the time of each stage over the same texts, and how
the time grows when the corpus doubles. Best of three runs each.

    python tests/benchmarks/bench_load.py [--shared ../shared]
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from pathlib import Path

from newsreader.corpus import load_paths
from newsreader.corpus.boilerplate import find_boilerplate
from newsreader.corpus.loaders import find_title
from newsreader.corpus.paragraphs import find_paragraphs
from newsreader.corpus.quotes import find_quotes
from newsreader.corpus.sentences import split_sentences
from newsreader.corpus.text import content_hash, decode_text


def best_of(runs: int, work: Callable[[], object]) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=Path(__file__).parents[3] / "shared")
    args = parser.parse_args()
    data = args.shared / "corpora" / "polnear" / "data"
    folders = [data / "train" / "text", data / "dev" / "text"]
    files = sorted(p for folder in folders for p in folder.glob("*.txt"))
    if not files:
        raise SystemExit(f"PolNeAR not found under {data}")

    result = load_paths(folders)
    characters = sum(len(d.text) for d in result.documents)
    print(
        f"PolNeAR train+dev: {len(result.documents)} articles, {characters / 1e6:.1f} M characters,"
        f" {len(result.problems)} problems"
    )

    def read_only() -> None:
        for path in files:
            decode_text(path.read_bytes())

    baseline = best_of(3, read_only)
    whole = best_of(3, lambda: load_paths(folders))
    print(f"{'read and decode the files (baseline)':46}{baseline:8.3f} s")
    print(f"{'load_paths with all structure':46}{whole:8.3f} s   (target < 3 s)")

    texts = [decode_text(p.read_bytes()) for p in files]
    paragraphs = [find_paragraphs(t) for t in texts]
    sentences = [split_sentences(t, p) for t, p in zip(texts, paragraphs, strict=True)]
    stages: list[tuple[str, Callable[[], object]]] = [
        ("content hash", lambda: [content_hash(t) for t in texts]),
        ("title", lambda: [find_title(t) for t in texts]),
        ("paragraphs", lambda: [find_paragraphs(t) for t in texts]),
        (
            "sentences",
            lambda: [split_sentences(t, p) for t, p in zip(texts, paragraphs, strict=True)],
        ),
        (
            "boilerplate",
            lambda: [find_boilerplate(t, p) for t, p in zip(texts, paragraphs, strict=True)],
        ),
        (
            "quotes and speakers",
            lambda: [
                find_quotes(t, p, s) for t, p, s in zip(texts, paragraphs, sentences, strict=True)
            ],
        ),
    ]
    print("per stage, over the same texts:")
    for name, work in stages:
        print(f"  {name:44}{best_of(3, work):8.3f} s")

    print("growth as the corpus doubles:")
    for label, chosen in (("half the articles", files[: len(files) // 2]), ("all", files)):
        elapsed = best_of(3, lambda chosen=chosen: load_paths(chosen))
        print(f"  {label + f' ({len(chosen)})':44}{elapsed:8.3f} s")


if __name__ == "__main__":
    main()
