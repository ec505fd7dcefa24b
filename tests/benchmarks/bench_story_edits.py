"""What the user's story corrections cost the commands that read stories from the store.

``export`` and ``coverage --story`` rebuild each article's story from the grouping the store
keeps and apply the user's pins (``annotations/story_edits.py``). For 1k, 10k and 100k articles
in stories of three, with no pins and with 1% of the articles moved by pins, this prints the CPU
time of that step (``kept_stories`` + ``apply_pins`` + ``story_ids``) beside a baseline measured
in the same run: decoding the kept grouping's JSON record (what reading it from the store costs
at least), and the CPU time of one export line per article (``json.dumps`` of an export-sized
record), the least an export of one span per article does.

    python tests/benchmarks/bench_story_edits.py [--sizes 1000 10000 100000]
"""

from __future__ import annotations

import argparse
import json
import os
import time

from newsreader.annotations.story_edits import (
    KeptArticle,
    StoryPin,
    apply_pins,
    grouping_record,
    kept_stories,
)
from newsreader.corpus.stories import make_story


def cpu() -> float:
    return time.process_time()


def run(n: int) -> None:
    articles = {
        f"d{i:07d}": KeptArticle(
            f"d{i:07d}",
            f"Title {i} about event {i // 3}",
            f"Outlet{i % 7}",
            f"2016-0{1 + i % 9}-1{i % 10}",
        )
        for i in range(n)
    }
    ids = list(articles)
    stories = [make_story([articles[d] for d in ids[i : i + 3]], "text") for i in range(0, n, 3)]
    encoded = json.dumps(grouping_record(stories, articles, "text"))
    start = cpu()
    record = json.loads(encoded)
    decode = cpu() - start
    line = {
        "id": "s_0123456789abcdef",
        "doc_id": "d0000001",
        "doc_path": "/corpus/" + "x" * 40 + ".txt",
        "doc_hash": "f" * 64,
        "outlet": "Outlet",
        "title": "A title of some words",
        "story": "st_0123456789abcdef",
        "text": "A sentence of a dozen words or so, as a claim is. " * 2,
        "label": "claim",
    }
    start = cpu()
    for _ in range(n):
        json.dumps(line)
    lines = cpu() - start
    moved = [StoryPin(f"sp_{k}", (ids[k * 100], ids[k * 100 + 4])) for k in range(n // 200)]
    for name, pins in (("no pins", []), (f"{len(moved) * 2} articles pinned", moved)):
        start = cpu()
        got, at_hand = kept_stories(record)
        story_of = apply_pins(got, pins, at_hand).story_ids()
        took = cpu() - start
        assert len(story_of) == n
        print(
            f"{n:>7} articles, {name:<22} {took:6.3f} s CPU | decode the record {decode:6.3f} s "
            f"({took / decode:4.1f}x) | one export line per article {lines:6.3f} s "
            f"({took / lines:4.1f}x)"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000, 100000])
    args = parser.parse_args()
    print(f"load average {os.getloadavg()[0]:.1f}")
    for n in args.sizes:
        run(n)


if __name__ == "__main__":
    main()
