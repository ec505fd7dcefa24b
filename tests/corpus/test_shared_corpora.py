"""Real corpora from ../shared: PolNeAR and BASIL load with correct structure (skipped without)."""

from __future__ import annotations

import json
import re
from pathlib import Path

from click.testing import CliRunner

from newsreader.corpus import load_paths
from newsreader.tui.cli import cli


def test_polnear_dev_inspect_json(shared: Path) -> None:
    dev = shared / "corpora" / "polnear" / "data" / "dev" / "text"
    result = CliRunner().invoke(cli, ["inspect", "--json", str(dev)])
    assert result.exit_code == 0, result.stderr
    documents = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(documents) == len(list(dev.glob("*.txt")))
    quotes = 0
    for doc in documents:
        text = doc["text"]
        assert text == (dev / Path(doc["path"]).name).read_text(encoding="utf-8")
        for start, end in doc["sentences"]:
            assert text[start:end].strip() == text[start:end] != ""
        for quote in doc["quotes"]:
            quotes += 1
            assert text[quote["start"]] in "\"“‘'`”"
    assert quotes > 500


def test_polnear_manifest_gives_outlets(shared: Path) -> None:
    data = shared / "corpora" / "polnear" / "data"
    result = load_paths([data / "dev" / "text"], manifest=data / "metadata.tsv")
    outlets = {doc.outlet for doc in result.documents}
    assert outlets == {
        "Breitbart",
        "HuffPost",
        "The New York Times",
        "Politico",
        "USA Today",
        "The Washington Post",
        "Western Journalism",
    }
    assert all(re.fullmatch(r"\d{4}-\d{2}-\d{2}", doc.date or "") for doc in result.documents)


def test_polnear_sentences_respect_abbreviations(shared: Path) -> None:
    dev = shared / "corpora" / "polnear" / "data" / "dev" / "text"
    result = load_paths([dev])
    ends = [doc.text[e - 5 : e] for doc in result.documents for _, e in doc.sentences]
    for abbreviation in (" Mr.", " Mrs.", " Ms.", " Dr.", " Sen.", " Gov.", " Rep."):
        assert not any(end.endswith(abbreviation) for end in ends), abbreviation


def test_basil_event_has_three_outlets(shared: Path) -> None:
    folder = shared / "corpora" / "basil" / "articles" / "2010"
    result = load_paths([folder])
    assert result.problems == []
    assert len(result.documents) == len(list(folder.glob("*.json")))
    event = sorted(folder.glob("*.json"))[0].name.rsplit("_", 1)[0]
    outlets = {doc.outlet for doc in result.documents if Path(doc.path).name.startswith(event)}
    assert outlets == {"The New York Times", "Fox News", "HuffPost"}
    for doc in result.documents:
        record = json.loads(Path(doc.path).read_text(encoding="utf-8"))
        sentences = [s.strip() for p in record["body-paragraphs"] for s in p if s.strip()]
        assert [doc.slice(s) for s in doc.sentences] == sentences
        assert doc.title == record["title"].strip()
