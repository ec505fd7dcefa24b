"""Story grouping at 1k, 10k and 100k articles: time and peak memory, beside a plain baseline.

The corpus is made from the real ones (BASIL's 300 articles, PolNeAR's 924): copy ``c`` of a
story is a new event of the same kind. Every copy swaps the story's names for names drawn from
other stories (the same swap for all of one copy's articles, so a copy stays one event), drops a
fifth of each article's sentences and shuffles the rest, and moves the dates by ``c`` x 45 days.
Copies are therefore not near-duplicates of each other. Gold: (original story, copy); a PolNeAR
article is a story of its own. With ``--hide-dates`` the articles are grouped without their
dates: the copies of one article then differ only in their names (and the sentences dropped).

Each size runs in a fresh process; memory is that process's peak resident size, beside the same
process's size after building the corpus (the articles themselves). Time is wall and CPU time
of the grouping alone (counting terms included), with the load average after each size. The
baseline, in the same run: plain TF-IDF (words and word pairs), a dense cosine matrix and
average-link (scipy) at distance 0.90. It needs n x n memory, so it runs up to ``--baseline-max``
articles only; at 100k the condensed matrix alone would take 40 GB.

    python tests/benchmarks/bench_stories.py [--shared ../shared] [--sizes 1000,10000,100000]
        [--baseline-max N] [--hide-dates] [--no-listing]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import resource
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
_SENTENCE = re.compile(r"(?<=[.!?])\s+")
_WORDS = re.compile(r"\w+")


def _source(shared: Path) -> list[dict[str, str]]:
    from newsreader.corpus import list_paths

    corpora = shared / "corpora"
    docs = list_paths([corpora / "basil" / "articles"]).documents
    docs += list_paths([corpora / "polnear"]).documents
    return [
        {
            "title": d.title,
            "text": d.text,
            "outlet": d.outlet or "",
            "date": (d.date or "2016-01-01")[:10],
            "story": d.story or f"single:{d.id}",
        }
        for d in docs
    ]


def make_corpus(shared: Path, size: int) -> tuple[list[object], list[str]]:
    """``size`` perturbed articles and their gold story names."""
    from dataclasses import dataclass
    from datetime import date, timedelta

    from newsreader.corpus.stories import names_and_numbers

    @dataclass(frozen=True)
    class Article:
        id: str
        title: str
        text: str
        outlet: str | None
        date: str | None
        story: str | None = None

    source = _source(shared)
    names_of: dict[str, list[str]] = {}
    for record in source:
        found = [t for t in names_and_numbers(record["text"]) if t.isalpha() and len(t) > 3]
        names_of.setdefault(record["story"], []).extend(found)
    pool = sorted({n for names in names_of.values() for n in names})
    articles: list[object] = []
    gold: list[str] = []
    copy = 0
    while len(articles) < size:
        for index, record in enumerate(source):
            if len(articles) >= size:
                break
            story = record["story"]
            rng = random.Random(f"{story}/{copy}")
            text, title = record["text"], record["title"]
            if copy:
                common = sorted(set(names_of.get(story, [])))
                swap = {n: rng.choice(pool) for n in common}
                if swap:
                    # A name is a whole word (letters only): every word found in the swap is
                    # replaced, as a pattern of the names between word boundaries would.
                    def swapped(m: re.Match[str], swap: dict[str, str] = swap) -> str:
                        word = m.group()
                        new = swap.get(word.lower())
                        return word if new is None else new.title()

                    text = _WORDS.sub(swapped, text)
                    title = _WORDS.sub(swapped, title)
                own = random.Random(f"{story}/{copy}/{index}")
                sentences = [s for s in _SENTENCE.split(text) if s.strip()]
                kept = [s for s in sentences if own.random() > 0.2] or sentences[:1]
                own.shuffle(kept)
                text = " ".join(kept)
            day = date.fromisoformat(record["date"]) + timedelta(days=45 * copy)
            articles.append(
                Article(f"{index}/{copy}", title, text, record["outlet"], day.isoformat())
            )
            gold.append(f"{story}/{copy}")
        copy += 1
    return articles, gold


def _plain(articles: list[object]) -> list[int]:
    import numpy as np
    from scipy.cluster.hierarchy import fcluster, linkage
    from sklearn.feature_extraction.text import TfidfVectorizer

    vectors = TfidfVectorizer(
        ngram_range=(1, 2), sublinear_tf=True, stop_words="english", dtype=np.float32
    ).fit_transform([f"{a.title}\n\n{a.text}" for a in articles])  # type: ignore[attr-defined]
    n = vectors.shape[0]
    condensed = np.empty(n * (n - 1) // 2, dtype=np.float64)
    at = 0
    for i in range(n - 1):  # row by row: the n x n square is never held, only its half
        row = (vectors[i + 1 :] @ vectors[i].T).toarray().ravel()
        condensed[at : at + len(row)] = 1.0 - row
        at += len(row)
    tree = linkage(condensed, method="average")
    return [int(x) for x in fcluster(tree, t=0.90, criterion="distance")]


def worker(shared: Path, size: int, method: str, hide_dates: bool = False) -> None:
    from dataclasses import replace

    from newsreader.corpus.stories import cluster_labels

    sys.path.insert(0, str(Path(__file__).parent))
    from eval_stories import bcubed

    articles, gold = make_corpus(shared, size)
    if hide_dates:  # names and words alone must tell the copies apart
        articles = [replace(a, date=None) for a in articles]  # type: ignore[type-var]
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    began, cpu = time.perf_counter(), time.process_time()
    labels = cluster_labels(articles) if method == "newsreader" else _plain(articles)  # type: ignore[arg-type]
    took, cpu = time.perf_counter() - began, time.process_time() - cpu
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    f1 = bcubed(gold, labels)[2]
    print(json.dumps({"seconds": took, "cpu": cpu, "peak_mb": peak, "corpus_mb": before, "f1": f1}))


def listing(shared: Path) -> None:
    """PolNeAR listed (text and metadata, analysis deferred) beside loaded with all structure."""
    from newsreader.corpus import list_paths, load_paths
    from newsreader.corpus.text import decode_text

    folder = shared / "corpora" / "polnear"
    files = sorted(folder.rglob("*.txt"))

    def best(work: object) -> float:
        times = []
        for _ in range(3):
            began = time.perf_counter()
            work()  # type: ignore[operator]
            times.append(time.perf_counter() - began)
        return min(times)

    read = best(lambda: [decode_text(f.read_bytes()) for f in files])
    listed = best(lambda: list_paths([folder]))
    loaded = best(lambda: load_paths([folder]))
    first = list_paths([folder]).documents[0]
    one = best(lambda: list_paths([folder]).documents[0].analyse())
    print(
        f"PolNeAR ({len(files)} files), best of 3: list_paths {listed:.2f} s, load_paths "
        f"{loaded:.2f} s, reading and decoding alone {read:.2f} s; listing then analysing the "
        f"first article {one:.2f} s ({first.outlet})\n"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=REPO.parent / "shared")
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--baseline-max", type=int, default=10000)
    parser.add_argument("--no-listing", action="store_true", help="skip the listing figures")
    parser.add_argument(
        "--hide-dates", action="store_true", help="group without the articles' dates"
    )
    parser.add_argument("--worker", nargs=2, metavar=("SIZE", "METHOD"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        worker(args.shared, int(args.worker[0]), args.worker[1], args.hide_dates)
        return
    if not args.no_listing:
        listing(args.shared)
    print(f"load average {os.getloadavg()}" + (", dates hidden" if args.hide_dates else ""))
    print(
        f"{'articles':>9}  {'method':28} {'time':>9} {'CPU':>9} {'peak MB':>9} {'corpus MB':>10}"
        f" {'F1':>6}"
    )
    for size in (int(s) for s in args.sizes.split(",")):
        for method in ("newsreader", "plain average-link @0.90"):
            if method != "newsreader" and size > args.baseline_max:
                need = size * (size - 1) // 2 * 8 / 1e9
                print(
                    f"{size:>9}  {method:28} {'-':>9} not run (--baseline-max): its condensed "
                    f"matrix alone needs {need:.1f} GB"
                )
                continue
            done = subprocess.run(
                [
                    *(sys.executable, __file__, "--shared", str(args.shared)),
                    *("--worker", str(size), method.split()[0]),
                    *(["--hide-dates"] if args.hide_dates else []),
                ],
                capture_output=True,
                text=True,
                check=False,
            )
            if done.returncode:
                print(f"{size:>9}  {method:28} failed: {done.stderr.strip().splitlines()[-1:]}")
                continue
            r = json.loads(done.stdout.strip().splitlines()[-1])
            print(
                f"{size:>9}  {method:28} {r['seconds']:8.1f}s {r['cpu']:8.1f}s "
                f"{r['peak_mb']:9.0f} {r['corpus_mb']:10.0f} {r['f1']:6.3f}  "
                f"(load {os.getloadavg()[0]:.1f})",
                flush=True,
            )


if __name__ == "__main__":
    main()
