"""How the grouping's options were chosen: B-cubed F1 of settings of ``Options`` on the dev
proxies, side by side, each row in the same run.

For each setting (a JSON object of ``Options`` fields; ``{}`` is the defaults):

- ``basil``: BASIL by text, dates known; ``basil_nodate``: dates hidden (``eval_stories.py`` 1);
- ``lookalike_nodate``: BASIL's events that share a main entity, grouped one entity at a time,
  dates hidden (``eval_stories.py`` 2);
- ``pert``, ``pert_nodate``: the perturbed corpus of ``bench_stories.py`` (copies of BASIL's and
  PolNeAR's stories with swapped names, dropped and shuffled sentences, dates moved 45 days a
  copy) at ``--size`` articles, with dates and without.

The term counts do not depend on the options compared here, so they are made once per corpus.

    python tests/benchmarks/eval_story_options.py [--size 4896] '{}' '{"name_gate_power": 0.5}'
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))

from bench_stories import make_corpus
from eval_stories import as_article, bcubed, lookalike

from newsreader.corpus import grouping as G
from newsreader.corpus import list_paths

REPO = Path(__file__).resolve().parents[2]


@dataclass
class _Rows:
    weighted: G.Weighted

    def take(self, rows: Any) -> G.Weighted:
        return self.weighted.take(rows)


def labels(counts: G.TermCounts, options: G.Options) -> list[int]:
    """``grouping.cluster`` from stage 2 on (the counts made once)."""
    import numpy as np

    total = len(counts)
    freq = G.frequencies(counts, options)
    weighted = G.weigh(counts, freq, options)
    pruned = G.candidates(weighted, freq, options)
    postings = G.MemoryPostings(pruned)
    found = []
    for start in range(0, total, options.block):
        low, high = G.neighbours(
            pruned[start : start + options.block], start, total, postings, options
        )
        found.append(G.edges(low, high, _Rows(weighted), options))
    low = np.concatenate([f[0] for f in found])
    high = np.concatenate([f[1] for f in found])
    sims = np.concatenate([f[2] for f in found])
    clusters = []
    for members in G.components(total, low, high, sims, options):
        clusters.extend(G.average_link(members, weighted.take(members), options))
    return G.labels_of(total, clusters)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=REPO.parent / "shared")
    parser.add_argument("--size", type=int, default=4896)
    parser.add_argument("settings", nargs="*", default=["{}"])
    args = parser.parse_args()
    basil = list_paths([args.shared / "corpora" / "basil" / "articles"]).documents
    gold = [d.story for d in basil]
    entities = {
        d.id: json.loads(Path(d.path).read_text(encoding="utf-8")).get("main-entities") or []
        for d in basil
    }
    dated = [replace(as_article(d), story=d.story) for d in basil]
    undated = [replace(as_article(d, keep_date=False), story=d.story) for d in basil]
    perturbed, perturbed_gold = make_corpus(args.shared, args.size)
    hidden = [replace(a, date=None) for a in perturbed]  # type: ignore[type-var]
    corpora = {
        "basil": (dated, gold),
        "basil_nodate": (undated, gold),
        "pert": (perturbed, perturbed_gold),
        "pert_nodate": (hidden, perturbed_gold),
    }
    counts = {name: G.count_terms(arts) for name, (arts, _) in corpora.items()}  # type: ignore[arg-type]
    print(f"perturbed corpus: {len(perturbed)} articles")
    for setting in args.settings:
        options = G.Options(**json.loads(setting))
        began = time.perf_counter()
        scores = {
            name: bcubed(g, labels(counts[name], options))[2] for name, (_, g) in corpora.items()
        }
        scores["lookalike_nodate"] = lookalike(
            undated, entities, lambda arts, o=options: G.cluster(arts, o)
        )
        shown = " ".join(f"{name} {value:.3f}" for name, value in scores.items())
        print(f"{setting:60} {shown}  ({time.perf_counter() - began:.0f} s)", flush=True)


if __name__ == "__main__":
    main()
