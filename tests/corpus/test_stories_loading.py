"""Loading for stories and big corpora: metadata tables, non-articles skipped, lazy analysis."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from newsreader.corpus import LazyStructure, list_paths, load_paths

ARTICLE = (
    "Storm floods the coast\n\nHeavy rain flooded the coast on Monday, officials said. "
    '"We have never seen water this high," said Mayor Ana Ruiz. Roads were closed.\n'
)


def _polnear_like(root: Path) -> Path:
    """Texts two folders below a metadata table that names them without their extension."""
    text = root / "data" / "dev" / "text"
    text.mkdir(parents=True)
    (text / "wapo_2016-09-01_storm.txt").write_text(ARTICLE, encoding="utf-8")
    (text / "nyt_2016-09-02_storm.txt").write_text(ARTICLE.replace("Monday", "Tuesday"))
    (root / "data" / "metadata.tsv").write_text(
        "filename\tpublisher\tpublication_date\tauthor\ttitle\tstory\n"
        "wapo_2016-09-01_storm\twash-post\t2016-09-01\tJane Doe\tThe storm\tstorm-1\n"
        "nyt_2016-09-02_storm.txt\tnyt\t2016-09-02\tNone\tStorm again\tstorm-1\n",
        encoding="utf-8",
    )
    return text


def test_metadata_table_above_the_articles_gives_outlet_date_author_title_story(
    tmp_path: Path,
) -> None:
    text = _polnear_like(tmp_path)
    for opened in (tmp_path, text):  # the corpus root or the text folder itself
        result = load_paths([opened])
        assert not result.problems
        docs = {Path(d.path).name: d for d in result.documents}
        wapo = docs["wapo_2016-09-01_storm.txt"]
        assert (wapo.outlet, wapo.date, wapo.author, wapo.title, wapo.story) == (
            "The Washington Post",
            "2016-09-01",
            "Jane Doe",
            "The storm",
            "storm-1",
        )
        nyt = docs["nyt_2016-09-02_storm.txt"]  # matched by its name with the extension
        assert (nyt.outlet, nyt.author) == ("The New York Times", None)


def test_the_nearest_table_naming_the_file_wins(tmp_path: Path) -> None:
    text = _polnear_like(tmp_path)
    (text / "metadata.csv").write_text("filename,publisher\nwapo_2016-09-01_storm,Local Paper\n")
    docs = {Path(d.path).name: d for d in load_paths([text]).documents}
    assert docs["wapo_2016-09-01_storm.txt"].outlet == "Local Paper"
    # The nearer table does not name the other file: the one above still does.
    assert docs["nyt_2016-09-02_storm.txt"].outlet == "The New York Times"


def test_files_that_are_not_articles_are_skipped_with_one_summary(tmp_path: Path) -> None:
    (tmp_path / "articles").mkdir()
    (tmp_path / "articles" / "a.txt").write_text(ARTICLE)
    (tmp_path / "annotations").mkdir()
    for n in range(3):
        (tmp_path / "annotations" / f"abc_{n}_ann.json").write_text(json.dumps({"phrase": []}))
    (tmp_path / "README.md").write_text("# About this corpus\n\nIt has articles.\n")
    (tmp_path / "annotation_changes.txt").write_text("I. Bias type fix (2)\n")
    (tmp_path / "LICENSE.txt").write_text("Some licence text here for all.\n")
    result = load_paths([tmp_path])
    assert [Path(d.path).name for d in result.documents] == ["a.txt"]
    assert not result.problems
    assert len(result.skipped) == 6
    assert result.skipped_summary() == (
        "skipped 6 files that are not articles: 4 annotation files, LICENSE.txt, README.md"
    )
    # A file named on purpose is read, whatever its name.
    named = load_paths([tmp_path / "README.md"])
    assert len(named.documents) == 1 and not named.skipped
    assert load_paths([tmp_path / "articles"]).skipped_summary() is None


def test_listing_defers_analysis_and_gives_the_same_documents(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(ARTICLE)
    (tmp_path / "b.json").write_text(
        json.dumps({"title": "T", "body-paragraphs": [["One sentence.", "Two, he said."]]})
    )
    listed = list_paths([tmp_path])
    loaded = load_paths([tmp_path])
    assert all(isinstance(d.structure, LazyStructure) for d in listed.documents)
    assert not any(d.analysed for d in listed.documents)
    assert all(d.analysed for d in loaded.documents)
    first = listed.documents[0]
    structure = first.analyse()
    assert first.analysed and not listed.documents[1].analysed
    assert structure == loaded.documents[0].structure
    # Used as it is, a listed document is the same document, given sentences included.
    assert [d.to_json() for d in listed.documents] == [d.to_json() for d in loaded.documents]


def test_lazy_structure_computes_once() -> None:
    from newsreader.corpus.analysis import analyse

    calls: list[int] = []

    def compute():  # type: ignore[no-untyped-def]
        calls.append(1)
        return analyse(ARTICLE)

    lazy = LazyStructure(compute)
    assert not lazy.ready and "not analysed" in repr(lazy)
    assert lazy.sentences and lazy.quotes and lazy.paragraphs is not None
    assert lazy.boilerplate == analyse(ARTICLE).boilerplate
    assert calls == [1] and lazy.ready


def test_basil_record_story_id(tmp_path: Path) -> None:
    record = {
        "title": "T",
        "source": "fox",
        "triplet-uuid": "ev-1",
        "body-paragraphs": [["A sentence."]],
    }
    (tmp_path / "x_1.json").write_text(json.dumps(record))
    (doc,) = load_paths([tmp_path]).documents
    assert (doc.story, doc.outlet) == ("ev-1", "Fox News")


def test_polnear_outlets_come_from_its_metadata_table(shared: Path) -> None:
    result = list_paths([shared / "corpora" / "polnear"])
    assert len(result.documents) == 924 and not result.problems
    assert result.skipped_summary() == "skipped 1 file that is not an article: README.md"
    outlets = Counter(d.outlet for d in result.documents)
    assert None not in outlets and len(outlets) == 7
    assert all(d.date and d.date[:4] in ("2015", "2016") for d in result.documents)


@pytest.mark.slow
def test_basil_folder_skips_its_annotations(shared: Path) -> None:
    result = list_paths([shared / "corpora" / "basil"])
    assert len(result.documents) == 300 and not result.problems
    assert len(result.skipped) == 302
    assert all(d.story for d in result.documents)


def test_listing_in_steps_gives_the_first_articles_before_reading_the_rest(
    tmp_path: Path,
) -> None:
    from newsreader.corpus.loaders import list_in_steps

    text = _polnear_like(tmp_path)
    for n in range(5):
        (text / f"zz_{n}.txt").write_text(ARTICLE.replace("coast", f"coast {n}"))
    (text / "README.md").write_text("Not an article.\n")
    steps = list_in_steps([tmp_path / "data"])
    result, done, total = next(steps)
    assert (done, total, result.documents) == (0, 7, [])  # found, none read yet
    result, done, total = next(steps)
    # One file read: the first article is ready, with its metadata from the table.
    assert (done, len(result.documents)) == (1, 1)
    assert result.documents[0].outlet == "The New York Times"
    assert isinstance(result.documents[0].structure, LazyStructure)
    *_, (final, done, total) = steps
    assert done == total == 7
    whole = list_paths([tmp_path / "data"])
    assert [d.to_json() for d in final.documents] == [d.to_json() for d in whole.documents]
    assert final.skipped == whole.skipped and final.skipped_summary() is not None


def test_listing_in_steps_reports_problems_in_the_order_they_are_met(tmp_path: Path) -> None:
    from newsreader.corpus.loaders import list_in_steps

    (tmp_path / "empty.txt").write_text("")
    (tmp_path / "good.txt").write_text(ARTICLE)
    paths = [
        tmp_path / "empty.txt",
        tmp_path / "missing",
        tmp_path / "good.txt",
        tmp_path / "x.pdf",
    ]
    *_, (final, _, _) = list_in_steps(paths)
    assert [str(p) for p in final.problems] == [str(p) for p in load_paths(paths).problems]
    assert len(final.problems) == 3
    *_, (nothing, done, total) = list_in_steps([tmp_path / "missing"])
    assert (done, total, len(nothing.problems)) == (0, 0, 1)
