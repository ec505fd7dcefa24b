"""The learned speaker-candidate ranker: its shipped weights, and where it names a speaker."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from newsreader.corpus import speaker_ranker
from newsreader.corpus.paragraphs import find_paragraphs
from newsreader.corpus.quotes import find_quotes, speaker_candidates
from newsreader.corpus.sentences import split_sentences

TEXT = (
    "Vice President Joe Biden met Paul Ryan on Thursday.\n\n"
    "Biden was quick to retort: “With all due respect, that is just a bunch of malarkey.”"
)


def _speakers(text: str, ranker: bool) -> list[str | None]:
    paragraphs = find_paragraphs(text)
    sentences = split_sentences(text, paragraphs)
    return [q.speaker_name for q in find_quotes(text, paragraphs, sentences, ranker=ranker)]


def test_the_shipped_model_has_a_weight_for_every_feature() -> None:
    model = speaker_ranker.load_model()
    assert model is not None
    assert set(model.weights) == set(speaker_ranker.FEATURES)
    assert 0.0 < model.probability(dict.fromkeys(speaker_ranker.FEATURES, 0.0)) < 1.0


def test_the_ranker_names_a_speaker_the_rules_leave_unknown() -> None:
    # "was quick to retort —" is no cue of ours. (With a colon, "retort:", the rules now take
    # the sentence's subject themselves: see the second assertion.)
    text = TEXT.replace("retort:", "retort \u2014")
    assert _speakers(text, ranker=False) == [None]
    assert _speakers(text, ranker=True) == ["Joe Biden"]
    assert _speakers(TEXT, ranker=False) == ["Joe Biden"]


def test_the_ranker_keeps_the_rules_pick() -> None:
    text = "Joe Biden spoke first.\n\n“It is over,” Paul Ryan said after Biden left."
    assert _speakers(text, ranker=True) == _speakers(text, ranker=False) == ["Paul Ryan"]


def test_candidates_are_the_mentions_near_the_quote_outside_quotes() -> None:
    paragraphs = find_paragraphs(TEXT)
    [(quote, found)] = speaker_candidates(TEXT, paragraphs, split_sentences(TEXT, paragraphs))
    words = {TEXT[c.start : c.end] for c in found}
    assert {"Joe Biden", "Paul Ryan", "Biden"} <= words
    biden = next(c for c in found if TEXT[c.start : c.end] == "Biden")
    assert biden.features["same_sentence"] == 1.0 and biden.features["before"] == 1.0
    assert biden.features["subject"] == 1.0
    ryan = next(c for c in found if TEXT[c.start : c.end] == "Paul Ryan")
    assert ryan.features["previous_sentence"] == 1.0 and ryan.features["same_sentence"] == 0.0
    assert all(c.end <= quote.start or c.start >= quote.end for c in found)


def test_new_ranker_weights_invalidate_cached_analyses(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import newsreader.corpus as corpus_package
    from newsreader.annotations import analysis_cache

    folder = tmp_path / "corpus"
    source = Path(corpus_package.__file__).parent
    shutil.copytree(source, folder, ignore=shutil.ignore_patterns("__pycache__", "sample"))
    monkeypatch.setattr(corpus_package, "__file__", str(folder / "__init__.py"))
    before = analysis_cache.code_fingerprint()
    weights = folder / "speaker_ranker.json"
    weights.write_text(weights.read_text(encoding="utf-8").replace('"rule"', '"rule" '))
    assert analysis_cache.code_fingerprint() != before
