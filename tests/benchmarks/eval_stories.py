"""Story grouping on BASIL, as ../shared/EVAL.md defines it, beside plain baselines, and a
look-alike check built from BASIL and PolNeAR.

1. BASIL by text (``group_stories(..., by="text")``, the code behind ``newsreader stories --by
   text``; the event id is ignored): B-cubed precision, recall, F1 against ``triplet-uuid``,
   with the articles' dates and with them hidden (text alone). Baselines in the same run:
   TF-IDF over words and word pairs (sublinear tf, English stop words), cosine average-link at
   distance 0.90 and complete-link at 0.92 (their best thresholds, per EVAL.md).
2. Look-alike events (BASIL): the events that share a main person or group (``main-entities``:
   31 Donald Trump events, 21 Barack Obama events, ...) are grouped on their own, one entity at a
   time, so every event has same-topic neighbours; B-cubed F1 averaged over articles.
3. PolNeAR (924 articles on the 2016 election from 7 outlets, no gold stories): grouped with the
   dates hidden. Same-topic articles abound; a story that joins articles published far apart is
   most likely two events. Reported: how many pairs of articles end up in one story, the share of
   them published within 4 days of each other, and the largest story. A method that merges the
   election wholesale shows many pairs, a low share and a large story.
4. BASIL and PolNeAR together (dates known): B-cubed F1 over all articles, a PolNeAR article
   counting as a story of its own (distractors must not swallow BASIL's events).

    python tests/benchmarks/eval_stories.py [--shared ../shared]
"""

from __future__ import annotations

import argparse
import json
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path

import numpy as np

from newsreader.corpus import Document, list_paths
from newsreader.corpus.stories import cluster_labels

REPO = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class Article:
    id: str
    title: str
    text: str
    outlet: str | None
    date: str | None
    story: str | None = None


def as_article(doc: Document, keep_date: bool = True) -> Article:
    return Article(doc.id, doc.title, doc.text, doc.outlet, doc.date if keep_date else None)


def bcubed(gold: Sequence[object], predicted: Sequence[object]) -> tuple[float, float, float]:
    """B-cubed precision, recall and F1 averaged over articles."""
    pairs = Counter(zip(gold, predicted, strict=True))
    g, p = Counter(gold), Counter(predicted)
    n = len(gold)
    precision = sum(pairs[(a, b)] / p[b] for a, b in zip(gold, predicted, strict=True)) / n
    recall = sum(pairs[(a, b)] / g[a] for a, b in zip(gold, predicted, strict=True)) / n
    return precision, recall, 2 * precision * recall / (precision + recall)


def plain(method: str, threshold: float) -> Callable[[Sequence[Article]], list[int]]:
    """The EVAL.md baseline: TF-IDF words and word pairs, cosine, ``method``-link clustering."""

    def run(articles: Sequence[Article]) -> list[int]:
        from scipy.cluster.hierarchy import fcluster, linkage
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.metrics.pairwise import cosine_distances

        if len(articles) < 2:
            return [0] * len(articles)
        vectors = TfidfVectorizer(
            ngram_range=(1, 2), sublinear_tf=True, stop_words="english"
        ).fit_transform([f"{a.title}\n\n{a.text}" for a in articles])
        distances = np.clip(cosine_distances(vectors), 0, 2)
        np.fill_diagonal(distances, 0)
        from scipy.spatial.distance import squareform

        tree = linkage(squareform(distances, checks=False), method=method)
        return [int(x) for x in fcluster(tree, t=threshold, criterion="distance")]

    return run


def ours(articles: Sequence[Article]) -> list[int]:
    return cluster_labels(articles)


def lookalike(
    articles: Sequence[Article], entities: dict[str, list[str]], method: Callable[..., list[int]]
) -> float:
    """B-cubed F1 over the events sharing a main entity, each entity's events grouped alone."""
    events_of: dict[str, set[str]] = defaultdict(set)
    for a in articles:
        for entity in entities[a.id]:
            events_of[entity].add(a.story or "")
    total = weighted = 0.0
    for _entity, events in sorted(events_of.items()):
        if len(events) < 3:
            continue
        subset = [a for a in articles if a.story in events]
        f1 = bcubed([a.story for a in subset], method(subset))[2]
        total += len(subset)
        weighted += f1 * len(subset)
    return weighted / total


def polnear_check(
    articles: Sequence[Article], dates: Sequence[str], labels: Sequence[int]
) -> tuple[int, float, int]:
    days = [date.fromisoformat(d[:10]).toordinal() for d in dates]
    members: dict[int, list[int]] = defaultdict(list)
    for index, label in enumerate(labels):
        members[label].append(index)
    pairs = close = 0
    for group in members.values():
        for x in range(len(group)):
            for y in range(x + 1, len(group)):
                pairs += 1
                close += abs(days[group[x]] - days[group[y]]) <= 4
    return pairs, close / pairs if pairs else 1.0, max(len(g) for g in members.values())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=REPO.parent / "shared")
    args = parser.parse_args()
    corpora = args.shared / "corpora"

    basil_docs = list_paths([corpora / "basil" / "articles"]).documents
    gold = [d.story for d in basil_docs]
    assert len(basil_docs) == 300 and all(gold), "BASIL's articles with their triplet-uuid"
    entities = {
        d.id: json.loads(Path(d.path).read_text(encoding="utf-8")).get("main-entities") or []
        for d in basil_docs
    }
    dated = [replace(as_article(d), story=d.story) for d in basil_docs]
    undated = [replace(as_article(d, keep_date=False), story=d.story) for d in basil_docs]

    methods: list[tuple[str, Callable[[Sequence[Article]], list[int]]]] = [
        ("plain TF-IDF, average-link @0.90", plain("average", 0.90)),
        ("plain TF-IDF, complete-link @0.92", plain("complete", 0.92)),
        ("newsreader (defaults)", ours),
    ]
    print("1. BASIL by text: B-cubed precision / recall / F1 (target F1 >= 0.97)")
    for name, method in methods:
        for label, articles in (("dates known", dated), ("dates hidden", undated)):
            began = time.perf_counter()
            p, r, f = bcubed(gold, method(articles))
            took = time.perf_counter() - began
            print(f"   {name:36} {label:13} {p:.3f} / {r:.3f} / {f:.3f}   ({took:.1f} s)")

    print("\n2. Look-alike events in BASIL (events sharing a main entity, grouped alone): F1")
    for name, method in methods:
        for label, articles in (("dates known", dated), ("dates hidden", undated)):
            print(f"   {name:36} {label:13} {lookalike(articles, entities, method):.3f}")

    polnear_docs = list_paths([corpora / "polnear"]).documents
    true_dates = [d.date or "" for d in polnear_docs]
    hidden = [as_article(d, keep_date=False) for d in polnear_docs]
    print(
        f"\n3. PolNeAR, {len(hidden)} election articles, dates hidden: pairs joined, share "
        "published within 4 days, largest story"
    )
    for name, method in methods:
        pairs, close, largest = polnear_check(hidden, true_dates, method(hidden))
        print(f"   {name:36} {pairs:6d} pairs  {close:.2f} close  largest {largest}")

    mixed = dated + [as_article(d) for d in polnear_docs]
    mixed_gold = gold + [f"polnear:{d.id}" for d in polnear_docs]
    print(
        "\n4. BASIL among PolNeAR's articles (dates known): B-cubed F1 over all (a PolNeAR "
        "article a story of its own), and precision among BASIL's articles"
    )
    for name, method in methods:
        labels = method(mixed)
        f = bcubed(mixed_gold, labels)
        basil_only = bcubed(gold, labels[: len(gold)])[0]
        print(f"   {name:36} F1 {f[2]:.3f} (all)  precision within BASIL {basil_only:.3f}")


if __name__ == "__main__":
    main()
