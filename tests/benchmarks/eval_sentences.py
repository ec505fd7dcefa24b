"""newsreader's sentence splitter against pysbd and syntok: boundaries on BASIL and PolNeAR, speed.

Every splitter gets the same paragraphs and is scored on where it starts sentences inside them
(the start of a paragraph is not counted: every splitter gets it right).

- BASIL (300 articles): each paragraph is a list of sentences. The paragraph is those sentences
  joined by a space, as newsreader loads it; a gold boundary is the start of every sentence but
  the first. Precision, recall and F1 of the predicted starts. (BASIL's own sentences come from
  a tool too, and it splits some headlines and bylines oddly, so 1.0 is not reachable.)
- PolNeAR dev (84 articles): no sentences are marked, but annotators start most Content spans
  (what was said) at a sentence start. A gold start is a Content span start that follows,
  across spaces only, a ``. ! ?`` or ellipsis (with closing quotes or brackets after it), and
  that opens with a capital letter or an opening quotation mark: a place where a sentence may
  end, which an annotator confirmed by starting a statement there. Recall of those. (Source
  spans are left out: after ``?" `` they start the attribution of the same sentence, and after
  "Sen." a name.) For
  precision, false splits: predicted starts strictly inside a Source or Cue span (a speaker's
  name, "Gen. John Allen", or a cue is never cut by a sentence end), per 1,000 predicted starts.
- Speed: all paragraphs of both corpora; then one paragraph of PolNeAR prose of growing size,
  to see how each grows (a splitter above 60 s at one size is not run at the next).

    pip install pysbd syntok   # not dependencies of newsreader: only for this comparison
    python tests/benchmarks/eval_sentences.py [--shared ../shared]
"""

from __future__ import annotations

import argparse
import json
import re
import time
from collections.abc import Callable
from pathlib import Path

from newsreader.corpus.paragraphs import find_paragraphs
from newsreader.corpus.sentences import split_sentences
from newsreader.corpus.text import decode_text

Starts = Callable[[str], list[int]]
"""A splitter: the offsets in a paragraph where its sentences start."""


def newsreader_starts(paragraph: str) -> list[int]:
    return [start for start, _ in split_sentences(paragraph, [(0, len(paragraph))])]


def _skip_space(text: str, offset: int) -> int:
    while offset < len(text) and text[offset].isspace():
        offset += 1
    return offset


def make_pysbd() -> Starts | None:
    try:
        import pysbd
    except ImportError:
        return None
    segmenter = pysbd.Segmenter(language="en", clean=False, char_span=True)

    def starts(paragraph: str) -> list[int]:
        return [_skip_space(paragraph, span.start) for span in segmenter.segment(paragraph)]

    return starts


def make_syntok() -> Starts | None:
    try:
        import syntok.segmenter as segmenter
    except ImportError:
        return None

    def starts(paragraph: str) -> list[int]:
        return [sentence[0].offset for part in segmenter.analyze(paragraph) for sentence in part]

    return starts


def basil(shared: Path) -> list[tuple[str, set[int]]]:
    """Paragraphs of BASIL with their gold sentence starts (all but the first)."""
    out = []
    for path in sorted((shared / "corpora" / "basil" / "articles").rglob("*.json")):
        record = json.loads(path.read_text(encoding="utf-8"))
        for paragraph in record.get("body-paragraphs", []):
            pieces = [p.strip() for p in paragraph if isinstance(p, str) and p.strip()]
            if not pieces:
                continue
            gold, pos = set(), 0
            for index, piece in enumerate(pieces):
                if index:
                    gold.add(pos)
                pos += len(piece) + 1
            out.append((" ".join(pieces), gold))
    return out


_ENDS = re.compile(r"(?:[.!?]|\u2026)[\"'\u201d\u2019)\]]*[ \t\u00a0]+$")


def polnear(shared: Path) -> list[tuple[str, set[int], list[tuple[int, int]]]]:
    """Paragraphs of PolNeAR dev with gold starts and the Source and Cue spans inside them."""
    dev = shared / "corpora" / "polnear" / "data" / "dev"
    out = []
    for path in sorted((dev / "text").glob("*.txt")):
        text = decode_text(path.read_bytes())
        ann = next(iter(sorted((dev / "attributions").glob(path.stem + "*.ann"))), None)
        if ann is None:
            continue
        starts: set[int] = set()
        names: list[tuple[int, int]] = []
        for line in ann.read_text(encoding="utf-8").splitlines():
            parts = line.split("\t")
            if len(parts) < 2 or not parts[0].startswith("T"):
                continue
            kind, _, where = parts[1].partition(" ")
            pieces = [tuple(map(int, piece.split())) for piece in where.split(";")]
            start, end = pieces[0][0], pieces[-1][1]
            if kind == "Content" and (text[start].isupper() or text[start] in "\"\u201c'\u2018"):
                starts.add(start)
            if kind in ("Source", "Cue"):
                names.append((start, end))
        for p_start, p_end in find_paragraphs(text):
            paragraph = text[p_start:p_end]
            gold = {
                s - p_start
                for s in starts
                if p_start < s < p_end and _ENDS.search(text, max(p_start, s - 12), s)
            }
            inside = [(s - p_start, e - p_start) for s, e in names if p_start <= s < e <= p_end]
            out.append((paragraph, gold, inside))
    return out


def prf(predicted: int, gold: int, hits: int) -> tuple[float, float, float]:
    p = hits / predicted if predicted else 0.0
    r = hits / gold if gold else 0.0
    return p, r, 2 * p * r / (p + r) if p + r else 0.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=Path(__file__).parents[3] / "shared")
    parser.add_argument("--no-growth", action="store_true", help="Skip the growing paragraph.")
    args = parser.parse_args()
    splitters: dict[str, Starts] = {"newsreader": newsreader_starts}
    for name, make in (("pysbd 0.3.4", make_pysbd), ("syntok 1.4.4", make_syntok)):
        made = make()
        if made is None:
            print(f"{name.split()[0]} is not installed: pip install {name.split()[0]}")
        else:
            splitters[name] = made
    basil_paragraphs = basil(args.shared)
    polnear_paragraphs = polnear(args.shared)
    print(
        f"BASIL: {len(basil_paragraphs)} paragraphs, "
        f"{sum(len(g) for _, g in basil_paragraphs)} gold boundaries; PolNeAR dev: "
        f"{len(polnear_paragraphs)} paragraphs, {sum(len(g) for _, g, _ in polnear_paragraphs)}"
        " gold starts"
    )
    print(
        f"\n{'splitter':14} {'BASIL P':>8} {'R':>6} {'F1':>6} {'PolNeAR R':>10} "
        f"{'false splits/1k':>16} {'time (both)':>12}"
    )
    for name, starts in splitters.items():
        began = time.perf_counter()
        predicted = hits = gold_total = 0
        for paragraph, gold in basil_paragraphs:
            found = set(starts(paragraph)) - {0}
            predicted += len(found)
            gold_total += len(gold)
            hits += len(found & gold)
        p, r, f = prf(predicted, gold_total, hits)
        recall_hits = recall_total = false_splits = polnear_predicted = 0
        for paragraph, gold, inside in polnear_paragraphs:
            found = set(starts(paragraph)) - {0}
            polnear_predicted += len(found)
            recall_total += len(gold)
            recall_hits += len(found & gold)
            false_splits += sum(1 for s in found if any(a < s < b for a, b in inside))
        elapsed = time.perf_counter() - began
        print(
            f"{name:14} {p:8.3f} {r:6.3f} {f:6.3f} {recall_hits / recall_total:10.3f} "
            f"{1000 * false_splits / max(1, polnear_predicted):16.1f} {elapsed:10.2f} s"
        )

    if args.no_growth:
        return
    prose = " ".join(p for p, _, _ in polnear_paragraphs if len(p) > 200)
    print("\none paragraph of PolNeAR prose, split whole (seconds):")
    sizes = [16_384, 65_536, 262_144, 1_048_576, 4_194_304, 33_554_432]
    print(f"{'splitter':14}" + "".join(f"{s // 1024:>9} K" for s in sizes))
    for name, starts in splitters.items():
        row = f"{name:14}"
        slow = False
        for size in sizes:
            if slow:
                row += f"{'-':>11}"
                continue
            text = (prose * (size // len(prose) + 1))[:size]
            began = time.perf_counter()
            starts(text)
            elapsed = time.perf_counter() - began
            row += f"{elapsed:11.2f}"
            slow = elapsed > 60
        print(row, flush=True)


if __name__ == "__main__":
    main()
