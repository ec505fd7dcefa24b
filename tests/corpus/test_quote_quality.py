"""Quote detection quality as ../shared/EVAL.md measures it, pinned so it cannot regress."""

from __future__ import annotations

from pathlib import Path

from newsreader.corpus import load_paths
from tests.benchmarks.eval_quotes import Article, GoldQuote, load_gold, score


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
    assert figures["f1"] >= 0.95
    assert figures["speaker_accuracy"] >= 0.80
