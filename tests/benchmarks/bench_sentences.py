"""Sentence splitting: the same boundaries as the old splitter, in linear time up to 32 MiB.

First, both splitters run on every article of the seeds, PolNeAR (train + dev) and BASIL, and
every article whose sentences differ is printed (the count should be 0). Then each splitter
splits paragraphs of growing size made of real news sentences, and the time per size is printed:
the old splitter (``sentences_v1.py``, the code before the fix) is the baseline, measured only at
the sizes where it ends in reasonable time. Last, hostile paragraphs (one huge run of full stops,
one huge word, a huge initialism) at the 32 MiB article limit.

    python tests/benchmarks/bench_sentences.py [--shared ../shared] [--max-mib 32]
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from pathlib import Path

from newsreader.corpus import load_paths
from newsreader.corpus.paragraphs import find_paragraphs
from newsreader.corpus.sentences import split_sentences

sys.path.insert(0, str(Path(__file__).parent))
from sentences_v1 import split_sentences as split_v1

Splitter = Callable[[str, list[tuple[int, int]]], list[tuple[int, int]]]


def timed(split: Splitter, text: str) -> tuple[float, int]:
    start = time.perf_counter()
    count = len(split(text, [(0, len(text))]))
    return time.perf_counter() - start, count


def corpora(shared: Path) -> dict[str, list[Path]]:
    base = shared / "corpora"
    return {
        "seeds": [base / "seeds"],
        "PolNeAR": [base / "polnear" / "data" / "train" / "text", base / "polnear/data/dev/text"],
        "BASIL": [base / "basil" / "articles"],
    }


def compare(shared: Path) -> str:
    """Old against new on every article; returns a sample paragraph of real prose."""
    prose = ""
    for name, folders in corpora(shared).items():
        if not all(folder.is_dir() for folder in folders):
            print(f"{name}: not found, skipped")
            continue
        documents = load_paths(folders).documents
        differ = 0
        sentences = 0
        old_time = new_time = 0.0
        for doc in documents:
            paragraphs = find_paragraphs(doc.text)
            began = time.perf_counter()
            old = split_v1(doc.text, paragraphs)
            middle = time.perf_counter()
            new = split_sentences(doc.text, paragraphs)
            old_time += middle - began
            new_time += time.perf_counter() - middle
            sentences += len(new)
            if old != new:
                differ += 1
                print(f"  {doc.path}: {sorted(set(old) ^ set(new))[:6]}")
            if name == "PolNeAR" and len(prose) < 20_000:
                prose += " ".join(doc.text[s:e] for s, e in paragraphs if len(doc.text[s:e]) > 200)
        print(
            f"{name:8} {len(documents):4} articles, {sentences:6} sentences: "
            f"{differ} articles split differently by the old and the new splitter; "
            f"{new_time:.3f} s (old: {old_time:.3f} s)"
        )
    return prose or (
        "Gen. Martin Dempsey told the U.S. Senate on Tuesday that Iran had refused. "
        '"We will not cooperate," he said. Mr. Obama and John F. Kennedy Jr. were named. '
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=Path(__file__).parents[3] / "shared")
    parser.add_argument("--max-mib", type=int, default=32)
    args = parser.parse_args()
    prose = compare(args.shared)

    print("\none paragraph of real news sentences, split whole:")
    print(f"{'size':>10} {'new':>10} {'old (baseline)':>16} {'sentences':>10}")
    size = 10_000
    old_slow = False
    limit = args.max_mib * 1024 * 1024
    while size <= limit:
        text = (prose * (size // len(prose) + 1))[:size]
        new_time, count = timed(split_sentences, text)
        if old_slow:
            old = "(not run)"
        else:
            old_time, old_count = timed(split_v1, text)
            assert old_count == count, (old_count, count)
            old = f"{old_time:.3f} s"
            old_slow = old_time > 5
        print(f"{size / 1024:8.0f} K {new_time:8.3f} s {old:>16} {count:10}")
        size = size * 4 if size * 4 <= limit or size == limit else limit

    print(f"\nhostile paragraphs of {args.max_mib} MiB:")
    hostile = {
        "full stops, no space": "." * limit,
        "full stops, then a space": "." * (limit - 2) + " A",
        "one word": "a" * limit,
        "one initialism": "A." * (limit // 2),
        "'U.S. A' repeated": "U.S. A " * (limit // 7),
        "whitespace": "A. " + " " * (limit - 3),
        "'. ' repeated": ". " * (limit // 2),
    }
    for name, text in hostile.items():
        new_time, count = timed(split_sentences, text)
        print(f"{name:26} {new_time:8.3f} s {count:10} sentences")


if __name__ == "__main__":
    main()
