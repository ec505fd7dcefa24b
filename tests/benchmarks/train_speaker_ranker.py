"""Train the speaker-candidate ranker on PolNeAR train, and measure it against the rules.

For every gold direct quote of PolNeAR's *train* split with a named Source that a detected quote
recalls, the candidates near that quote (``quotes.speaker_candidates``) are labelled: a candidate
is right when it overlaps the gold Source. A logistic regression (scikit-learn, liblinear, fixed
C: deterministic) is fitted on them, and its weights are written as JSON. Then speaker accuracy
on PolNeAR dev and train and on BASIL (EVAL.md's protocols) is printed for the rules alone and
for the ranker, measured in the same run. Only train is used for fitting; dev and BASIL only
measure.

    python tests/benchmarks/train_speaker_ranker.py [--shared ../shared] [--out FILE] [--c C]
"""

from __future__ import annotations

import argparse
import json
import re
from pathlib import Path

from newsreader.corpus import load_paths, speaker_ranker
from newsreader.corpus.quotes import find_quotes, speaker_candidates
from tests.benchmarks.eval_quotes import (
    _overlaps,
    load_basil,
    load_gold,
    score,
    score_basil,
)

DEFAULT_OUT = Path(__file__).parents[2] / "corpus" / "speaker_ranker.json"


def training_rows(
    data: Path, unattributed_only: bool = False
) -> tuple[list[list[float]], list[int], int, int]:
    """Feature rows and labels from the split at ``data``; also how many gold quotes had a
    candidate overlapping their Source, out of how many recalled ones with a Source (a name or
    a pronoun: trained on names alone, the ranker would learn never to pick "he")."""
    articles = {a.name: a for a in load_gold(data)}
    rows: list[list[float]] = []
    labels: list[int] = []
    reachable = total = 0
    for doc in load_paths([data / "text"]).documents:
        article = articles.get(Path(doc.path).stem)
        if article is None:
            continue
        found = speaker_candidates(doc.text, list(doc.paragraphs), list(doc.sentences))
        for gold in article.quotes:
            if gold.source is None:
                continue  # (pronoun Sources are kept: the ranker must learn to pick "he" too)
            source = _source_span(article.text, gold)
            hits = [c for q, c in found if _overlaps((q.start, q.end), (gold.start, gold.end))]
            if not hits or source is None:
                continue
            total += 1
            if unattributed_only and any(q.speaker for q, c in found if c is hits[0]):
                continue
            candidates = hits[0]
            marks = [int(_overlaps((c.start, c.end), source)) for c in candidates]
            if not any(marks):
                continue  # no candidate can be right: nothing to learn from this quote
            reachable += 1
            for candidate, mark in zip(candidates, marks, strict=True):
                rows.append([candidate.features[name] for name in speaker_ranker.FEATURES])
                labels.append(mark)
    return rows, labels, reachable, total


def _source_span(text: str, gold: object) -> tuple[int, int] | None:
    """Where the gold Source lies: the occurrence of its text nearest the quote."""
    source = getattr(gold, "source", None)
    start = getattr(gold, "start", 0)
    if not source:
        return None
    best: tuple[int, int] | None = None
    for match in re.finditer(r"(?<!\w)" + re.escape(source) + r"(?!\w)", text):
        if best is None or abs(match.start() - start) < abs(best[0] - start):
            best = (match.start(), match.end())
    return best


def predictions(folder: Path, ranker: bool) -> dict[str, list[dict[str, object]]]:
    """Quotes per article stem, as ``inspect --json`` reports them (boilerplate included)."""
    result: dict[str, list[dict[str, object]]] = {}
    for doc in load_paths([folder]).documents:
        quotes = find_quotes(doc.text, list(doc.paragraphs), list(doc.sentences), ranker=ranker)
        result[Path(doc.path).stem] = [q.to_json() for q in quotes]
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=Path(__file__).parents[3] / "shared")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    parser.add_argument("--c", type=float, default=1.0, help="inverse regularisation strength")
    parser.add_argument("--no-write", action="store_true", help="measure without writing")
    parser.add_argument(
        "--unattributed-only",
        action="store_true",
        help="train on the quotes the rules leave without a speaker only",
    )
    args = parser.parse_args()
    from sklearn.linear_model import LogisticRegression

    data = args.shared / "corpora" / "polnear" / "data"
    rows, labels, reachable, total = training_rows(data / "train", args.unattributed_only)
    print(
        f"train: {len(rows)} candidates for {reachable} quotes "
        f"({total} recalled with a Source; {total - reachable} with no right candidate)"
    )
    model = LogisticRegression(C=args.c, solver="liblinear", max_iter=1000)
    model.fit(rows, labels)
    weights = {
        name: round(float(w), 6)
        for name, w in zip(speaker_ranker.FEATURES, model.coef_[0], strict=True)
    }
    payload = {
        "about": "speaker-candidate ranker, trained on PolNeAR train by "
        "tests/benchmarks/train_speaker_ranker.py",
        "features": list(speaker_ranker.FEATURES),
        "weights": weights,
        "intercept": round(float(model.intercept_[0]), 6),
    }
    if not args.no_write:
        args.out.write_text(json.dumps(payload, indent=1) + "\n", encoding="utf-8")
        print(f"wrote {args.out}")
    for name, weight in sorted(weights.items(), key=lambda kv: -abs(kv[1])):
        print(f"  {name:20}{weight:+.3f}")
    speaker_ranker.load_model.cache_clear()
    if args.no_write or args.out != DEFAULT_OUT:
        return
    print(f"{'speaker accuracy':24}{'rules':>8}{'ranker':>8}")
    for split in ("dev", "train"):
        articles = load_gold(data / split)
        for label, field in ((f"PolNeAR {split}", "speaker"),):
            rules = score(articles, predictions(data / split / "text", False), speaker_field=field)
            ranked = score(articles, predictions(data / split / "text", True), speaker_field=field)
            print(f"{label:24}{rules['speaker_accuracy']:>8.3f}{ranked['speaker_accuracy']:>8.3f}")
    basil = args.shared / "corpora" / "basil"
    gold, _, _ = load_basil(basil)
    rules_basil = predictions(basil / "articles", False)
    ranked_basil = predictions(basil / "articles", True)
    for field in ("speaker", "speaker_name"):
        a = score_basil(gold, rules_basil, speaker_field=field)["speaker_accuracy"]
        b = score_basil(gold, ranked_basil, speaker_field=field)["speaker_accuracy"]
        print(f"{'BASIL ' + field:24}{a:>8.3f}{b:>8.3f}")


if __name__ == "__main__":
    main()
