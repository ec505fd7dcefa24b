"""Quote detection on PolNeAR dev and speakers on BASIL, exactly as ../shared/EVAL.md defines them.

Runs ``newsreader inspect --json`` on the PolNeAR articles, compares its quotes with the gold
attributions, and prints precision, recall, F1 and speaker accuracy beside the baseline (a regex
that takes every span between two double quotation marks), measured in the same run. Then runs it
on BASIL's 300 articles and prints speaker accuracy on BASIL's quote annotations beside the
PolNeAR figure, with the gap between them.

    python tests/benchmarks/eval_quotes.py [--shared ../shared] [--split dev|train] [--errors N]
        [--basil-errors N]
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
        lines = (dev / "attributions" / ann).read_text(encoding="utf-8").splitlines()
        for line in lines:
            fields = line.split("\t")
            # A span text that holds a line break goes on over the next line: skip that part.
            if len(fields) >= 2 and re.fullmatch(r"T\d+", fields[0]):
                label, _, offsets = fields[1].partition(" ")
                start, end = _extent(offsets)
                spans[fields[0]] = (label, start, end)
                if label == "Content":
                    contents.append((start, end))
        for line in lines:  # E records may name spans defined after them (train has some)
            fields = line.split("\t")
            if len(fields) >= 2 and re.fullmatch(r"E\d+", fields[0]):
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
    articles: list[Article],
    predictions: dict[str, list[dict]],
    show_errors: int = 0,
    speaker_field: str = "speaker",
) -> dict[str, float]:
    """Precision, recall, F1 and speaker accuracy of ``predictions`` (quotes per article), the
    speaker read from ``speaker_field`` of each quote."""
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
                if any(_speaker_matches(q.get(speaker_field), gold.source or "") for q in hits):
                    named_correct += 1
                elif len(errors) < show_errors:
                    errors.append(
                        f"SPK {article.name}: gold {gold.source!r} predicted "
                        f"{[q.get(speaker_field) for q in hits]} for "
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


def newsreader_predictions(folder: Path) -> dict[str, list[dict]]:
    """The quotes ``newsreader inspect --json`` reports for each article under ``folder``."""
    command = [sys.executable, "-m", "newsreader.tui", "inspect", "--json", str(folder)]
    run = subprocess.run(command, capture_output=True, text=True, check=False)
    if run.returncode not in (0, 1) or not run.stdout:
        raise SystemExit(f"newsreader inspect failed ({run.returncode}):\n{run.stderr}")
    predictions: dict[str, list[dict]] = {}
    for line in run.stdout.splitlines():
        document = json.loads(line)
        predictions[Path(document["path"]).stem] = document["quotes"]
    return predictions


@dataclass
class BasilQuote:
    """One BASIL phrase inside a quote: where it lies in the article's text, and who said it."""

    article: str
    start: int
    end: int
    speaker: str  # BASIL's name with spaces for underscores, or "other_..." for unnamed people


def _basil_text(record: dict) -> tuple[str, list[tuple[str, int]]]:
    """The article text as newsreader's JSON loader builds it (stripped sentences, one space
    between sentences, a blank line between paragraphs), with each raw sentence and the offset
    at which its stripped text starts."""
    parts: list[str] = []
    placed: list[tuple[str, int]] = []
    pos = 0
    for paragraph in record.get("body-paragraphs", []):
        pieces = paragraph if isinstance(paragraph, list) else [paragraph]
        pieces = [p.replace("\r\n", "\n").replace("\r", "\n") for p in pieces]
        pieces = [p for p in pieces if p.strip()]
        if not pieces:
            continue
        if parts:
            parts.append("\n\n")
            pos += 2
        for index, raw in enumerate(pieces):
            if index:
                parts.append(" ")
                pos += 1
            stripped = raw.strip()
            placed.append((raw, pos - (len(raw) - len(raw.lstrip()))))
            parts.append(stripped)
            pos += len(stripped)
    return "".join(parts), placed


def load_basil(basil: Path) -> tuple[list[BasilQuote], int, dict[str, str]]:
    """BASIL's quote phrases placed in the article texts; also the count of phrases found in no
    sentence (skipped, as EVAL.md says) and each article's text."""
    quotes: list[BasilQuote] = []
    skipped = 0
    texts: dict[str, str] = {}
    for ann_path in sorted((basil / "annotations").glob("*/*_ann.json")):
        name = ann_path.name.removesuffix("_ann.json")
        article_path = basil / "articles" / ann_path.parent.name / f"{name}.json"
        if not article_path.exists():
            continue
        text, placed = _basil_text(json.loads(article_path.read_text(encoding="utf-8")))
        texts[name] = text
        annotations = json.loads(ann_path.read_text(encoding="utf-8"))
        for phrase in annotations.get("phrase-level-annotations", []):
            if phrase.get("quote") != "yes":
                continue
            start, end, txt = int(phrase["start"]), int(phrase["end"]), phrase["txt"]
            where = next((offset for raw, offset in placed if raw[start:end] == txt), None)
            if where is None or text[where + start : where + end] != txt:
                skipped += 1
                continue
            speaker = phrase.get("speaker", "").replace("_", " ").strip()
            quotes.append(BasilQuote(name, where + start, where + end, speaker))
    return quotes, skipped, texts


def score_basil(
    gold: list[BasilQuote],
    predictions: dict[str, list[dict]],
    texts: dict[str, str] | None = None,
    show_errors: int = 0,
    speaker_field: str = "speaker",
) -> dict[str, float]:
    """Speaker accuracy on BASIL: of the phrases with a named speaker that a predicted quote
    covers, the share whose predicted speaker matches (EVAL.md's PolNeAR rule). Phrases whose
    speaker BASIL leaves unnamed (``other_...``) are counted apart: no name can match them."""
    covered = named = correct = unnamed = 0
    errors: list[str] = []
    for phrase in gold:
        hits = [
            q
            for q in predictions.get(phrase.article, [])
            if _overlaps((q["start"], q["end"]), (phrase.start, phrase.end))
        ]
        if not hits:
            continue
        covered += 1
        if not phrase.speaker or phrase.speaker.lower().startswith("other"):
            unnamed += 1
            continue
        named += 1
        if any(_speaker_matches(q.get(speaker_field), phrase.speaker) for q in hits):
            correct += 1
        elif len(errors) < show_errors:
            context = ""
            if texts is not None:
                context = texts[phrase.article][max(0, phrase.start - 80) : phrase.end + 80]
            errors.append(
                f"BASIL {phrase.article}: gold {phrase.speaker!r} predicted "
                f"{[q.get(speaker_field) for q in hits]} in {context!r}"
            )
    for line in errors:
        print(line)
    return {
        "phrases": len(gold),
        "covered": covered,
        "named": named,
        "unnamed": unnamed,
        "speaker_accuracy": correct / named if named else 0.0,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=Path(__file__).parents[3] / "shared")
    parser.add_argument("--split", choices=("dev", "train"), default="dev")
    parser.add_argument("--errors", type=int, default=0, help="print up to N PolNeAR errors")
    parser.add_argument("--basil-errors", type=int, default=0, help="print up to N BASIL errors")
    args = parser.parse_args()
    dev = args.shared / "corpora" / "polnear" / "data" / args.split
    if not dev.is_dir():
        raise SystemExit(f"PolNeAR {args.split} not found at {dev}")
    articles = load_gold(dev)
    base = score(articles, baseline(articles))
    predicted = newsreader_predictions(dev / "text")
    ours = score(articles, predicted, args.errors)
    names = score(articles, predicted, speaker_field="speaker_name")
    print(f"PolNeAR {args.split}: {len(articles)} articles, {base['gold']} gold direct quotes")
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
        f" ({names['speaker_accuracy']:.3f} with the canonical speaker_name instead)"
    )
    basil = args.shared / "corpora" / "basil"
    if not basil.is_dir():
        print(f"BASIL not found at {basil}: no second opinion on speakers")
        return
    gold, skipped, texts = load_basil(basil)
    basil_predicted = newsreader_predictions(basil / "articles")
    figures = score_basil(gold, basil_predicted, texts, args.basil_errors)
    canonical = score_basil(gold, basil_predicted, texts, speaker_field="speaker_name")
    print(
        f"BASIL: {len(gold)} quote phrases placed ({skipped} found in no sentence, skipped), "
        f"{int(figures['covered'])} covered by a detected quote, of which "
        f"{int(figures['unnamed'])} have no named speaker in BASIL (other_...)"
    )
    print(f"{'speaker accuracy':20}{'PolNeAR ' + args.split:>14}{'BASIL':>8}{'gap':>8}")
    for label, polnear, second in (
        ("speaker", ours, figures),
        ("speaker_name", names, canonical),
    ):
        gap = polnear["speaker_accuracy"] - second["speaker_accuracy"]
        print(
            f"{label:20}{polnear['speaker_accuracy']:>14.3f}"
            f"{second['speaker_accuracy']:>8.3f}{gap:>+8.3f}"
        )
    print(f"(BASIL over {int(figures['named'])} phrases with a named speaker)")


if __name__ == "__main__":
    main()
