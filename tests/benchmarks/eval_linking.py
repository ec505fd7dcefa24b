"""Statement matching on MRPC, as ../shared/EVAL.md defines it, beside brute-force rapidfuzz.

Article A holds every ``sentence1`` of ``mrpc/msr_paraphrase_train.txt``, one per paragraph;
article B every ``sentence2``, in the same order. R@1 and R@5: of the pairs labelled 1, the
share whose ``sentence2`` is the first candidate, or among the first five. Precision: of the
links proposed by default (the first candidate, when it scores at least the default
threshold), the share that join a pair labelled 1.

Two ways of asking are measured: ``Linker.candidates`` for each paragraph of A (the link panel),
and ``align`` over A and B (every sentence at once; a paragraph's candidates are those of its
sentences, best first).

MRPC repeats sentences: 197 of the pairs labelled 1 have a ``sentence2`` that also stands
elsewhere in B. A candidate counts as the pair when it is ``sentence2``'s place or the same text
elsewhere, for the linker and the baselines alike.

The baselines are measured in the same run: ``process.cdist`` over all 4,076 × 4,076 pairs with
``utils.default_process`` on both cores, with ``fuzz.ratio``, ``token_sort_ratio``,
``token_set_ratio`` and ``WRatio`` (``--fast``: ``fuzz.ratio`` only; the others take minutes).

Event sentences (sentences of other outlets reporting the same event) have no local gold: hit@1
and hit@5, the share of *every* pair (labelled 1 or 0: MRPC's pairs labelled 0 are still two
sentences about one event) whose ``sentence2`` is the first candidate or among the first five,
stand in for them.

    python -m tests.benchmarks.eval_linking [--shared ../shared] [--fast]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import numpy as np
from rapidfuzz import fuzz, process, utils

from newsreader.annotations.linking import DEFAULT_MIN_SCORE, Candidate, Linker, align
from newsreader.corpus import Document, load_paths

REPO = Path(__file__).resolve().parents[2]


def read_mrpc(path: Path) -> list[tuple[int, str, str]]:
    """(label, sentence1, sentence2) for every pair of the MRPC file."""
    pairs = []
    for line in path.read_text(encoding="utf-8-sig").splitlines():
        fields = line.split("\t")
        if len(fields) == 5 and fields[0] in "01":
            pairs.append((int(fields[0]), fields[3], fields[4]))
    return pairs


def make_articles(pairs: list[tuple[int, str, str]], folder: Path) -> tuple[Document, Document]:
    """Articles A and B, one sentence per paragraph, loaded as newsreader loads any article."""
    for name, column in (("a.txt", 1), ("b.txt", 2)):
        body = "\n\n".join(str(pair[column]) for pair in pairs)
        (folder / name).write_text(body + "\n", encoding="utf-8")
    result = load_paths([folder / "a.txt", folder / "b.txt"])
    assert not result.problems, result.problems
    a, b = result.documents
    assert len(a.paragraphs) == len(b.paragraphs) == len(pairs), "one paragraph per sentence"
    return a, b


def baseline(
    pairs: list[tuple[int, str, str]], scorer: object
) -> tuple[float, float, float, float, float]:
    """(R@1, R@5, seconds, hit@1, hit@5) of brute-force cdist with ``scorer`` (hit@k: over
    every pair, labelled 1 or 0)."""
    first = [p[1] for p in pairs]
    second = [p[2] for p in pairs]
    began = time.perf_counter()
    matrix = process.cdist(
        first, second, scorer=scorer, processor=utils.default_process, workers=-1
    )
    ranked = np.argsort(-matrix, axis=1, kind="stable")[:, :5]
    seconds = time.perf_counter() - began
    positives = [i for i, p in enumerate(pairs) if p[0] == 1]
    # The pair's place, or the same sentence elsewhere in B (MRPC repeats sentences).
    r1 = sum(1 for i in positives if second[ranked[i, 0]] == second[i]) / len(positives)
    r5 = sum(1 for i in positives if any(second[j] == second[i] for j in ranked[i])) / len(
        positives
    )
    every = sum(1 for i in range(len(pairs)) if second[ranked[i, 0]] == second[i]) / len(pairs)
    every5 = sum(
        1 for i in range(len(pairs)) if any(second[j] == second[i] for j in ranked[i])
    ) / len(pairs)
    return r1, r5, seconds, every, every5


def by_align(a: Document, b: Document, workers: int = 1) -> tuple[list[list[Candidate]], float]:
    """Each paragraph of A's candidates from ``align`` (its sentences', best first)."""
    began = time.perf_counter()
    found: list[list[Candidate]] = [[] for _ in a.paragraphs]
    paragraph = 0
    for row in align([a, b], top_k=5, min_score=0, workers=workers):
        if row.doc_id != a.id:
            continue
        while a.paragraphs[paragraph][1] < row.end:
            paragraph += 1
        found[paragraph].extend(row.candidates)
    for candidates in found:
        candidates.sort(key=lambda c: -c.score)
    return found, time.perf_counter() - began


def evaluate(
    pairs: list[tuple[int, str, str]],
    a: Document,
    b: Document,
    ranked: list[list[Candidate]] | None = None,
) -> dict[str, float]:
    """The linker's R@1, R@5, default-threshold precision, and time (index build included):
    of ``Linker.candidates``, or of the candidates given in ``ranked`` (time not measured)."""
    began = time.perf_counter()
    linker = Linker()
    if ranked is None:
        linker.add_documents([a, b])
    built = time.perf_counter() - began
    hits1 = hits5 = positives = proposed = proposed_right = every = every5 = 0
    firsts: list[tuple[float, bool]] = []  # (score of the first candidate, joins a pair 1)
    for i, (label, _, sentence2) in enumerate(pairs):
        start, end = a.paragraphs[i]
        if ranked is None:
            candidates = linker.candidates(a.id, start, end, top_k=5)
        else:
            candidates = ranked[i][:5]

        def is_pair(
            candidate_index: int,
            i: int = i,
            sentence2: str = sentence2,
            candidates: list[Candidate] = candidates,
        ) -> bool:
            c = candidates[candidate_index]
            p_start, p_end = b.paragraphs[i]
            return (p_start <= c.start and c.end <= p_end) or c.text == sentence2

        if candidates:
            firsts.append((candidates[0].score, label == 1 and is_pair(0)))
        if candidates and candidates[0].score >= DEFAULT_MIN_SCORE:
            proposed += 1
            proposed_right += int(label == 1 and is_pair(0))
        every += int(bool(candidates) and is_pair(0))
        every5 += int(any(is_pair(k) for k in range(len(candidates))))
        if label == 1:
            positives += 1
            hits1 += int(bool(candidates) and is_pair(0))
            hits5 += int(any(is_pair(k) for k in range(len(candidates))))
    seconds = time.perf_counter() - began
    return {
        "r1": hits1 / positives,
        "r5": hits5 / positives,
        "precision": proposed_right / proposed if proposed else 0.0,
        "proposed": proposed,
        "every": every / len(pairs),
        "every5": every5 / len(pairs),
        "seconds": seconds,
        "build": built,
        "firsts": firsts,  # type: ignore[dict-item]
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=REPO.parent / "shared")
    parser.add_argument(
        "--fast",
        action="store_true",
        help="only fuzz.ratio as a baseline (the others take minutes)",
    )
    args = parser.parse_args()
    pairs = read_mrpc(args.shared / "corpora" / "mrpc" / "msr_paraphrase_train.txt")
    with tempfile.TemporaryDirectory() as scratch:
        a, b = make_articles(pairs, Path(scratch))
    ours = evaluate(pairs, a, b)
    ranked, align_seconds = by_align(a, b, workers=2)
    batch = evaluate(pairs, a, b, ranked)
    print(f"MRPC train: {len(pairs)} pairs, {sum(p[0] for p in pairs)} labelled 1")
    print("R@k over the pairs labelled 1; hit@k over every pair (a pair labelled 0 is two")
    print("sentences about the same event: the proxy for event-sentence linking)")
    header = f"{'':34} {'hit@1':>6} {'hit@5':>6} {'R@1':>6} {'R@5':>6} {'time':>8}"
    print(header)
    print(
        f"{'newsreader Linker.candidates':34} {ours['every']:6.3f} {ours['every5']:6.3f} "
        f"{ours['r1']:6.3f} {ours['r5']:6.3f} {ours['seconds']:7.2f}s  (index {ours['build']:.2f}s)"
    )
    print(
        f"{'newsreader align (2 processes)':34} {batch['every']:6.3f} {batch['every5']:6.3f} "
        f"{batch['r1']:6.3f} {batch['r5']:6.3f} {align_seconds:7.2f}s",
        flush=True,
    )
    scorers = [("fuzz.ratio", fuzz.ratio)]
    if not args.fast:
        scorers.append(("fuzz.token_sort_ratio", fuzz.token_sort_ratio))
        scorers.append(("fuzz.token_set_ratio", fuzz.token_set_ratio))
        scorers.append(("fuzz.WRatio", fuzz.WRatio))
    best = {"hit@1": 0.0, "hit@5": 0.0, "R@1": 0.0}
    for name, scorer in scorers:
        r1, r5, seconds, every, every5 = baseline(pairs, scorer)
        best = {
            "hit@1": max(best["hit@1"], every),
            "hit@5": max(best["hit@5"], every5),
            "R@1": max(best["R@1"], r1),
        }
        print(
            f"{'brute-force cdist ' + name:34} {every:6.3f} {every5:6.3f} {r1:6.3f} {r5:6.3f} "
            f"{seconds:7.2f}s",
            flush=True,
        )
    for name, measured in (("Linker.candidates", ours), ("align", batch)):
        margins = (
            measured["every"] - best["hit@1"],
            measured["every5"] - best["hit@5"],
            measured["r1"] - best["R@1"],
        )
        print(
            f"{name}: margin over the best plain scorer: hit@1 {margins[0]:+.3f}, "
            f"hit@5 {margins[1]:+.3f}, R@1 {margins[2]:+.3f}"
        )
    for name, measured in (("Linker.candidates", ours), ("align", batch)):
        print(
            f"{name}: default-threshold links (score ≥ {DEFAULT_MIN_SCORE:g}): "
            f"{measured['proposed']} proposed, precision {measured['precision']:.3f}"
        )
    firsts = ours["firsts"]
    assert isinstance(firsts, list)
    print("precision of the first candidate at other thresholds:")
    for threshold in (25, 30, 35, 40, 45, 55, 65, 75):
        taken = [right for score, right in firsts if score >= threshold]
        if taken:
            print(
                f"   ≥ {threshold}: {len(taken):>5} proposed, precision "
                f"{sum(taken) / len(taken):.3f}, {sum(taken) / 2753:.3f} of the pairs labelled 1"
            )


if __name__ == "__main__":
    main()
