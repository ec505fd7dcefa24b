"""Quote detection quality as ../shared/EVAL.md measures it, pinned so it cannot regress."""

from __future__ import annotations

from pathlib import Path

from newsreader.corpus import load_paths
from tests.benchmarks.eval_quotes import (
    Article,
    BasilQuote,
    GoldQuote,
    load_basil,
    load_gold,
    score,
    score_basil,
)


def test_scorer_counts_as_eval_md_says() -> None:
    text = 'He said "yes." She said "no." "Maybe," they said.'
    gold = Article(
        "a",
        text,
        quotes=[GoldQuote(8, 14, "He"), GoldQuote(24, 29, "Jane Doe")],
        contents=[(8, 14), (24, 29)],
    )
    predicted = {
        "a": [
            {"start": 8, "end": 14, "speaker": None},  # recalls gold 1
            {"start": 24, "end": 29, "speaker": "Doe"},  # recalls gold 2, speaker right
            {"start": 30, "end": 38, "speaker": None},  # overlaps no Content
        ]
    }
    figures = score([gold], predicted)
    assert figures["recall"] == 1.0
    assert figures["precision"] == 2 / 3
    assert figures["speaker_accuracy"] == 1.0  # "He" is a pronoun: not counted
    assert figures["named_recalled"] == 1


def test_polnear_dev_quality(shared: Path) -> None:
    dev = shared / "corpora" / "polnear" / "data" / "dev"
    articles = load_gold(dev)
    documents = load_paths([dev / "text"]).documents
    predictions = {Path(doc.path).stem: [q.to_json() for q in doc.quotes] for doc in documents}
    figures = score(articles, predictions)
    assert figures["f1"] >= 0.968  # measured 0.972
    assert figures["speaker_accuracy"] >= 0.89  # measured 0.902
    canonical = score(articles, predictions, speaker_field="speaker_name")
    assert canonical["speaker_accuracy"] >= 0.72  # measured 0.735 ("Mr. Trump" is gold here)


def test_basil_speakers(shared: Path) -> None:
    """BASIL names people in full ("Michael Steele"): the canonical name is what matches."""
    basil = shared / "corpora" / "basil"
    gold, skipped, _ = load_basil(basil)
    assert len(gold) > 700 and skipped == 0
    documents = load_paths([basil / "articles"]).documents
    predictions = {Path(doc.path).stem: [q.to_json() for q in doc.quotes] for doc in documents}
    assert score_basil(gold, predictions)["speaker_accuracy"] >= 0.59  # measured 0.607
    names = score_basil(gold, predictions, speaker_field="speaker_name")
    assert names["speaker_accuracy"] >= 0.60  # measured 0.615


def test_basil_scorer_counts_named_speakers_only() -> None:
    gold = [
        BasilQuote("a", 10, 20, "Michael Steele"),
        BasilQuote("a", 30, 40, "other_anti"),
        BasilQuote("a", 50, 60, "Barack Obama"),
        BasilQuote("a", 90, 95, "John Kerry"),  # covered by no quote: not counted
    ]
    predicted = {
        "a": [
            {"start": 5, "end": 25, "speaker": "Mr. Steele", "speaker_name": "Michael Steele"},
            {"start": 28, "end": 45, "speaker": "a critic", "speaker_name": "a critic"},
            {"start": 50, "end": 70, "speaker": "he", "speaker_name": "he"},
        ]
    }
    figures = score_basil(gold, predicted)
    assert (figures["covered"], figures["named"], figures["unnamed"]) == (3, 2, 1)
    assert figures["speaker_accuracy"] == 0.0
    assert score_basil(gold, predicted, speaker_field="speaker_name")["speaker_accuracy"] == 0.5
