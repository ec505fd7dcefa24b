"""Quote detection on PolNeAR dev, exactly as ../shared/EVAL.md defines it.

Runs ``newsreader inspect --json`` on the dev articles, compares its quotes with the gold
attributions, and prints precision, recall, F1 and speaker accuracy beside the baseline (a regex
that takes every span between two double quotation marks), measured in the same run.

    python tests/benchmarks/eval_quotes.py [--shared ../shared] [--errors N]
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

QUOTE_MARKS = ('"', "\u201c", "\u2018", "'")
PRONOUNS = {
    "he", "she", "they", "it", "i", "we", "you", "him", "her", "them", "who", "which", "that",
    "his", "its", "their", "this", "these", "those", "me", "us",
}  # fmt: skip


@dataclass
class GoldQuote:
    start: int
    end: int
    source: str | None


@dataclass
class Article:
    name: str
    text: str
    quotes: list[GoldQuote]
    contents: list[tuple[int, int]]


def _extent(offsets: str) -> tuple[int, int]:
    parts = offsets.split(";")
    return int(parts[0].split()[0]), int(parts[-1].split()[1])


def load_gold(dev: Path) -> list[Article]:
    """Gold direct quotes and all Content spans per dev article, as EVAL.md specifies."""
    ann_names = sorted(p.name for p in (dev / "attributions").iterdir())
    articles = []
    for text_path in sorted((dev / "text").glob("*.txt")):
        name = text_path.stem
        ann = next((a for a in ann_names if a.startswith(name)), None)
        if ann is None:
            continue
        text = text_path.read_text(encoding="utf-8")
        spans: dict[str, tuple[str, int, int]] = {}
        quotes: list[GoldQuote] = []
        contents: list[tuple[int, int]] = []
        for line in (dev / "attributions" / ann).read_text(encoding="utf-8").splitlines():
            fields = line.split("\t")
            if fields[0].startswith("T"):
                label, _, offsets = fields[1].partition(" ")
                start, end = _extent(offsets)
                spans[fields[0]] = (label, start, end)
                if label == "Content":
                    contents.append((start, end))
            elif fields[0].startswith("E"):
                roles = dict(part.split(":", 1) for part in fields[1].split())
                if "Content" not in roles:
                    continue
                _, c_start, c_end = spans[roles["Content"]]
                if text[c_start:c_end].startswith(QUOTE_MARKS):
                    source = spans.get(roles.get("Source", ""))
                    quotes.append(
                        GoldQuote(c_start, c_end, text[source[1] : source[2]] if source else None)
                    )
        articles.append(Article(name, text, quotes, contents))
    return articles


def _overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def _is_name(source: str | None) -> bool:
    return source is not None and source.strip().lower() not in PRONOUNS


def _speaker_matches(predicted: str | None, gold: str) -> bool:
    if not predicted:
        return False
    p, g = predicted.strip().lower(), gold.strip().lower()
    if p in PRONOUNS:
        return False
    return p in g or g in p


def score(
    articles: list[Article], predictions: dict[str, list[dict]], show_errors: int = 0
) -> dict[str, float]:
    """Precision, recall, F1 and speaker accuracy of ``predictions`` (quotes per article)."""
    gold_total = recalled = predicted_total = predicted_correct = 0
    named = named_correct = 0
    errors: list[str] = []
    for article in articles:
        predicted = predictions.get(article.name, [])
        predicted_total += len(predicted)
        for quote in predicted:
            span = (quote["start"], quote["end"])
            if any(_overlaps(span, c) for c in article.contents):
                predicted_correct += 1
            elif len(errors) < show_errors:
                errors.append(f"FP {article.name}: {article.text[span[0] : span[1]][:100]!r}")
        for gold in article.quotes:
            gold_total += 1
            hits = [
                q for q in predicted if _overlaps((q["start"], q["end"]), (gold.start, gold.end))
            ]
            if not hits:
                if len(errors) < show_errors:
                    errors.append(
                        f"FN {article.name}: {article.text[gold.start : gold.end][:100]!r}"
                    )
                continue
            recalled += 1
            if _is_name(gold.source):
                named += 1
                if any(_speaker_matches(q.get("speaker"), gold.source or "") for q in hits):
                    named_correct += 1
                elif len(errors) < show_errors:
                    errors.append(
                        f"SPK {article.name}: gold {gold.source!r} predicted "
                        f"{[q.get('speaker') for q in hits]} for "
                        f"{article.text[gold.start : gold.end][:60]!r}"
                    )
    for line in errors:
        print(line)
    precision = predicted_correct / predicted_total if predicted_total else 0.0
    recall = recalled / gold_total if gold_total else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {
        "gold": gold_total,
        "predicted": predicted_total,
        "precision": precision,
        "recall": recall,
        "f1": f1,
        "speaker_accuracy": named_correct / named if named else 0.0,
        "named_recalled": named,
    }


_BASELINE = re.compile(r"[\"\u201c][^\"\u201c\u201d]*[\"\u201d]")


def baseline(articles: list[Article]) -> dict[str, list[dict]]:
    """Every span between two double quotation marks (EVAL.md's baseline)."""
    return {
        a.name: [
            {"start": m.start(), "end": m.end(), "speaker": None}
            for m in _BASELINE.finditer(a.text)
        ]
        for a in articles
    }


def newsreader_predictions(dev: Path) -> dict[str, list[dict]]:
    """The quotes ``newsreader inspect --json`` reports for each dev article."""
    command = [sys.executable, "-m", "newsreader.tui", "inspect", "--json", str(dev / "text")]
    run = subprocess.run(command, capture_output=True, text=True, check=False)
    if run.returncode not in (0, 1) or not run.stdout:
        raise SystemExit(f"newsreader inspect failed ({run.returncode}):\n{run.stderr}")
    predictions: dict[str, list[dict]] = {}
    for line in run.stdout.splitlines():
        document = json.loads(line)
        predictions[Path(document["path"]).stem] = document["quotes"]
    return predictions


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=Path(__file__).parents[3] / "shared")
    parser.add_argument("--errors", type=int, default=0, help="print up to N errors")
    args = parser.parse_args()
    dev = args.shared / "corpora" / "polnear" / "data" / "dev"
    if not dev.is_dir():
        raise SystemExit(f"PolNeAR dev not found at {dev}")
    articles = load_gold(dev)
    base = score(articles, baseline(articles))
    ours = score(articles, newsreader_predictions(dev), args.errors)
    print(f"PolNeAR dev: {len(articles)} articles, {base['gold']} gold direct quotes")
    print(f"{'':12}{'precision':>10}{'recall':>8}{'F1':>7}{'speaker acc':>13}{'quotes':>8}")
    for label, figures in (("baseline", base), ("newsreader", ours)):
        print(
            f"{label:12}{figures['precision']:>10.3f}{figures['recall']:>8.3f}"
            f"{figures['f1']:>7.3f}"
            + (f"{figures['speaker_accuracy']:>13.3f}" if label != "baseline" else f"{'-':>13}")
            + f"{int(figures['predicted']):>8}"
        )
    print(
        f"speaker accuracy over {int(ours['named_recalled'])} recalled quotes with a named source"
    )


if __name__ == "__main__":
    main()
