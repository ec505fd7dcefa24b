"""Corpus-wide search (``F``) on PolNeAR's 924 articles: how long the app's main thread is busy.

For each query, a headless app's search screen runs the search in its worker; we record the
longest time the main thread spent at once on the search (adding a batch of results to the list)
and the time until the count was final. Baseline, in the same run: the same search done in one go
(``search()`` over every article), which is how long the screen would freeze if it searched on
the main thread. The machine's load average is printed: other jobs share its 2 cores.

    python tests/benchmarks/bench_search.py [--shared ../shared]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import time
from pathlib import Path
from typing import Any

from textual.app import App

from newsreader.corpus.loaders import list_paths
from newsreader.tui.screens.search import SearchScreen, search

QUERIES = ("the", "clinton said", "trump campaign", "email server", "zzqx")


class Host(App[None]):
    def __init__(self, docs: list[Any], query: str) -> None:
        super().__init__()
        self.docs, self.query_text = docs, query

    def on_mount(self) -> None:
        self.push_screen(Timed(self.docs, self.query_text))


class Timed(SearchScreen):
    """The search screen, timing each batch it takes in on the main thread."""

    def __init__(self, docs: list[Any], query: str) -> None:
        super().__init__(docs, query)
        self.began = time.perf_counter()
        self.longest = 0.0
        self.finished = 0.0

    def _add(self, run: int, batch: list[Any], total: int, articles: int, done: bool) -> None:
        began = time.perf_counter()
        super()._add(run, batch, total, articles, done)
        self.longest = max(self.longest, time.perf_counter() - began)
        if done:
            self.finished = time.perf_counter() - self.began


async def measure(docs: list[Any], query: str) -> Timed:
    app = Host(docs, query)
    async with app.run_test(size=(160, 45)) as pilot:
        screen = app.screen
        assert isinstance(screen, Timed)
        while not screen.done:
            await pilot.pause(0.01)
        return screen


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--shared", type=Path, default=Path(__file__).parents[3] / "shared")
    args = parser.parse_args()
    docs = list_paths([args.shared / "corpora" / "polnear" / "data"]).documents
    print(f"{len(docs)} articles; load average {os.getloadavg()}")
    header = f"{'query':<16} {'results':>8} {'main thread, longest':>21} {'done':>8}"
    print(f"{header} {'in one go':>10}")
    for query in QUERIES:
        began = time.perf_counter()
        count = sum(1 for _ in search(docs, query))
        whole = time.perf_counter() - began
        screen = asyncio.run(measure(docs, query))
        assert screen.total == count
        print(
            f"{query:<16} {count:>8} {screen.longest * 1000:>18.0f} ms "
            f"{screen.finished:>6.2f} s {whole:>8.2f} s"
        )
    print(f"load average after: {os.getloadavg()}")


if __name__ == "__main__":
    main()
