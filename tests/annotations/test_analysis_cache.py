"""Analyses kept by content hash, and article files not read again when they have not changed."""

from __future__ import annotations

import io
import os
import shutil
from pathlib import Path

import pytest

from newsreader.annotations import analysis_cache, jsonl
from newsreader.annotations.store import Store
from newsreader.corpus import SAMPLE_DIR, analysis, load_paths
from newsreader.corpus.analysis import use_analysis_cache


@pytest.fixture(autouse=True)
def no_cache_left_behind() -> object:
    yield
    use_analysis_cache(None)
    analysis_cache._installed = None


def test_an_article_seen_before_is_not_analysed_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = analysis_cache.install(tmp_path)
    plain = load_paths([SAMPLE_DIR]).documents
    assert first.misses == len(plain) and first.hits == 0
    first.close()
    # Another process (a new cache on the same file): every analysis comes from the disk.
    second = analysis_cache.install(tmp_path)
    calls = []
    real = analysis._analyse
    monkeypatch.setattr(analysis, "_analyse", lambda *a: calls.append(a) or real(*a))
    again = load_paths([SAMPLE_DIR]).documents
    assert calls == [] and second.hits == len(plain)
    assert [d.structure for d in again] == [d.structure for d in plain]
    # A changed text is a new content hash: analysed afresh.
    copy = tmp_path / "one.txt"
    copy.write_text(Path(plain[0].path).read_text(encoding="utf-8") + "\nOne more line.\n")
    load_paths([copy])
    assert len(calls) == 1


def test_analyses_from_other_code_are_not_used(tmp_path: Path) -> None:
    cache = analysis_cache.AnalysisCache(tmp_path / "a.sqlite3")
    doc = load_paths([SAMPLE_DIR]).documents[0]
    cache.put(doc.text, 0, None, doc.structure)
    assert cache.get(doc.text, 0, None) == doc.structure
    other = analysis_cache.AnalysisCache(tmp_path / "a.sqlite3")
    other.fingerprint = "someoneelse"
    assert other.get(doc.text, 0, None) is None


def test_export_does_not_read_an_unchanged_article_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    corpus = tmp_path / "corpus"
    shutil.copytree(SAMPLE_DIR, corpus)
    docs = load_paths([corpus]).documents
    db = tmp_path / "s.json"
    with Store.open(db) as store:
        store.attach(docs)
        store.create_span(docs[0].id, 0, 30, "claim")
    # Files modified long before they are read (as articles are).
    for path in corpus.iterdir():
        os.utime(path, ns=(10**18, 10**18))
    analysis_cache.install(tmp_path / "data")
    read: list[Path] = []
    real = jsonl.load_texts
    monkeypatch.setattr(jsonl, "load_texts", lambda p: read.append(p) or real(p))
    with Store.open(db, read_only=True) as store:
        jsonl.export_jsonl(store, io.StringIO())
    assert sorted(read) == sorted(Path(d.path).resolve() for d in docs)
    with Store.open(db, read_only=True) as store:
        out = io.StringIO()
        jsonl.export_jsonl(store, out)
    assert len(read) == len(docs) and out.getvalue().count("\n") == 1  # none read again
    # An edit changes the size or the time: the file is read again, its span found again.
    article = Path(docs[0].path)
    article.write_text("Added first. " + article.read_text(encoding="utf-8"), encoding="utf-8")
    with Store.open(db, read_only=True) as store:
        result = jsonl.export_jsonl(store, io.StringIO())
    assert read[len(docs) :] == [article.resolve()] and len(result.anchoring.moved) == 1
