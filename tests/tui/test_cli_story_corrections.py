"""Story corrections on the command line: ``stories --db`` applies them, ``export`` carries
each span's ``story``, ``export --story`` and ``coverage --story`` limit themselves to one."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from newsreader.annotations.store import Store
from newsreader.annotations.workbench import Workbench
from newsreader.corpus.stories import group_stories
from newsreader.tui.cli import cli

from ..annotations.story_corpus import by_name, load_corpus, write_corpus


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.stdout, result.stderr


def stories_json(*args: str) -> list[dict[str, object]]:
    code, out, err = run("stories", "--json", *args)
    assert code == 0, err
    return [json.loads(line) for line in out.splitlines()]


@pytest.fixture
def setup(tmp_path: Path) -> tuple[Path, Path]:
    """A corpus, and a store with a claim on two articles of each quake (linked across
    outlets) and one story correction: Sendai's Newsy article moved into the Doe story."""
    folder = write_corpus(tmp_path / "corpus")
    db = tmp_path / "store.json"
    docs = load_corpus(folder)
    named = by_name(docs)
    with Store.open(db, annotator="ann") as store:
        store.attach(docs)
        ids = {}
        for stem in ("quake-ambato-newsy", "quake-ambato-the-wire", "quake-sendai-newsy"):
            doc = named[stem]
            start, end = doc.sentences[1]
            ids[stem] = store.create_span(doc.id, start, end, "claim").id
        store.link(ids["quake-ambato-newsy"], ids["quake-ambato-the-wire"])
        wb = Workbench(store, docs)
        wb.set_grouping(group_stories(docs, by="metadata"), "metadata")
        doe = wb.stories().story_of(named["arrest-doe-newsy"].id)
        wb.move_to_story(named["quake-sendai-newsy"].id, doe.id)
    return folder, db


def test_stories_applies_the_store_corrections_unless_told_not_to(
    setup: tuple[Path, Path],
) -> None:
    folder, db = setup
    corrected = stories_json(str(folder), "--db", str(db))
    assert sorted(len(s["docs"]) for s in corrected) == [2, 3, 3]  # type: ignore[arg-type]
    doe = next(s for s in corrected if "Doe" in str(s["label"]))
    assert {d["path"].split("/")[-1] for d in doe["docs"]} == {  # type: ignore[union-attr, index]
        "arrest-doe-newsy.txt",
        "arrest-doe-the-wire.txt",
        "quake-sendai-newsy.txt",
    }
    plain = stories_json(str(folder), "--db", str(db), "--ignore-corrections")
    assert sorted(len(s["docs"]) for s in plain) == [2, 3, 3]  # type: ignore[arg-type]
    assert {s["story"] for s in plain} == {s.id for s in group_stories(load_corpus(folder))}
    assert {s["story"] for s in plain} != {s["story"] for s in corrected}


def test_export_carries_each_span_story_as_stories_gives_it(setup: tuple[Path, Path]) -> None:
    folder, db = setup
    code, out, err = run("export", "--db", str(db))
    assert code == 0, err
    lines = [json.loads(line) for line in out.splitlines()]
    stories = stories_json(str(folder), "--db", str(db))
    story_of = {d["id"]: s["story"] for s in stories for d in s["docs"]}  # type: ignore[union-attr, index]
    assert len(lines) == 3
    assert all(line["story"] == story_of[line["doc_id"]] for line in lines)
    assert list(lines[0]).index("story") == list(lines[0]).index("title") + 1


def test_without_a_kept_grouping_export_groups_the_folder_and_keeps_that_grouping(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = write_corpus(tmp_path / "corpus")
    docs = by_name(load_corpus(folder))
    db = tmp_path / "store.json"
    with Store.open(db) as store:
        doc = docs["arrest-doe-the-wire"]
        store.attach([doc])
        store.create_span(doc.id, *doc.sentences[0], "claim")
    # No grouping kept: the export groups the store's folders, as `newsreader stories FOLDER`.
    expected = {d["id"]: s["story"] for s in stories_json(str(folder)) for d in s["docs"]}  # type: ignore[union-attr, index]
    code, out, err = run("export", "--db", str(db))
    assert code == 0, err
    (line,) = [json.loads(x) for x in out.splitlines()]
    assert line["story"] == expected[doc.id] is not None
    # The second export uses the grouping kept on disk: it neither lists nor groups.
    import newsreader.annotations.story_cache as story_cache

    def fail(*_: object, **__: object) -> None:
        raise AssertionError("grouped again")

    monkeypatch.setattr(story_cache, "list_paths", fail)
    code, out, err = run("export", "--db", str(db))
    assert code == 0, err
    assert json.loads(out)["story"] == expected[doc.id]
    code, out, err = run("export", "--db", str(db), "--story", expected[doc.id])  # type: ignore[arg-type]
    assert code == 0, err
    (line,) = [json.loads(x) for x in out.splitlines()]
    assert line["story"] == expected[doc.id]


def test_export_groups_the_folder_the_articles_were_loaded_from(tmp_path: Path) -> None:
    root = tmp_path / "corpus"
    write_corpus(root / "dev" / "text")  # ids are made relative to corpus/, as PolNeAR's
    docs = load_corpus(root)
    db = tmp_path / "store.json"
    with Store.open(db) as store:
        store.attach(docs)
        for doc in docs:
            store.create_span(doc.id, *doc.sentences[0], "claim")
    expected = {d["id"]: s["story"] for s in stories_json(str(root)) for d in s["docs"]}  # type: ignore[union-attr, index]
    code, out, err = run("export", "--db", str(db))
    assert code == 0, err
    lines = [json.loads(x) for x in out.splitlines()]
    assert len(lines) == len(docs) and all(x["story"] == expected[x["doc_id"]] for x in lines)


def test_export_applies_corrections_over_a_grouping_made_at_export(tmp_path: Path) -> None:
    folder = write_corpus(tmp_path / "corpus")
    docs = load_corpus(folder)
    named = by_name(docs)
    db = tmp_path / "store.json"
    sendai = named["quake-sendai-newsy"]
    with Store.open(db) as store:
        store.attach([sendai])
        store.create_span(sendai.id, *sendai.sentences[0], "claim")
        # The user moved the article into the Doe story; the store keeps no grouping.
        doe = group_stories(docs, by="metadata")
        doe_story = next(s for s in doe if named["arrest-doe-newsy"].id in s.doc_ids)
        wb = Workbench(store, docs)
        wb.set_grouping(doe, "metadata")
        wb.move_to_story(sendai.id, doe_story.id)
        store.record_grouping({"by": "text", "stories": [], "articles": {}})  # pin kept
    for _ in range(2):  # grouped at export, then from the kept grouping
        code, out, err = run("export", "--db", str(db))
        assert code == 0, err
        story = json.loads(out)["story"]
        corrected = stories_json(str(folder), "--db", str(db))
        holding = next(s for s in corrected if any(d["id"] == sendai.id for d in s["docs"]))  # type: ignore[union-attr, index]
        assert story == holding["story"]
        assert any("arrest-doe" in d["path"] for d in holding["docs"])  # type: ignore[union-attr, index]


def test_export_story_by_id_or_label_limits_the_export(setup: tuple[Path, Path]) -> None:
    folder, db = setup
    stories = stories_json(str(folder), "--db", str(db))
    ambato = next(s for s in stories if "Ambato" in str(s["label"]))
    for key in (str(ambato["story"]), str(ambato["label"]).upper()):
        code, out, err = run("export", "--db", str(db), "--story", key)
        assert code == 0, err
        lines = [json.loads(line) for line in out.splitlines()]
        assert len(lines) == 2 and {x["story"] for x in lines} == {ambato["story"]}
    doe = next(s for s in stories if "Doe" in str(s["label"]))
    code, out, _ = run("export", "--db", str(db), "--story", str(doe["story"]))
    assert [json.loads(x)["doc_id"] for x in out.splitlines()] == [
        d["id"]
        for d in doe["docs"]  # type: ignore[union-attr]
        if "sendai" in d["path"]  # type: ignore[index]
    ]


def test_a_bad_story_says_how_to_find_ids(setup: tuple[Path, Path]) -> None:
    _, db = setup
    for command in ("export", "coverage"):
        code, out, err = run(command, "--db", str(db), "--story", "st_nonesuch")
        assert code == 2 and out == ""
        assert "--story st_nonesuch" in err and "newsreader stories PATH --json" in err
        assert "Traceback" not in err


def test_coverage_story_limits_the_matrix(setup: tuple[Path, Path]) -> None:
    folder, db = setup
    code, out, _ = run("coverage", "--db", str(db), "--all", "--format", "json")
    whole = json.loads(out)
    assert len(whole["statements"]) == 2  # the linked Ambato claims, the Sendai claim
    stories = stories_json(str(folder), "--db", str(db))
    ambato = next(s for s in stories if "Ambato" in str(s["label"]))
    code, out, err = run(
        "coverage", "--db", str(db), "--all", "--format", "json", "--story", str(ambato["story"])
    )
    assert code == 0, err
    limited = json.loads(out)
    assert len(limited["statements"]) == 1 and limited["outlets"] == ["Newsy", "The Wire"]
    doe = next(s for s in stories if "Doe" in str(s["label"]))
    code, out, _ = run(
        "coverage", "--db", str(db), "--format", "json", "--story", str(doe["story"])
    )
    assert json.loads(out)["statements"] == []  # the Sendai claim is linked to nothing


def test_a_broken_store_fails_with_db_and_is_passed_over_as_the_default(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = write_corpus(tmp_path / "corpus")
    broken = tmp_path / "broken.json"
    broken.write_text("{not json")
    code, out, err = run("stories", str(folder), "--db", str(broken))
    assert code == 2 and out == "" and "broken.json" in err and "Traceback" not in err
    monkeypatch.setenv("NEWSREADER_DB", str(broken))
    code, out, err = run("stories", str(folder), "--json")
    assert code == 0 and len(out.splitlines()) == 3
    assert "without its corrections" in err
    assert broken.read_text() == "{not json"  # never changed


def test_import_groups_for_export_so_the_first_export_need_not(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = write_corpus(tmp_path / "corpus")
    docs = by_name(load_corpus(folder))
    doc = docs["arrest-doe-the-wire"]
    start, end = doc.sentences[0]
    spans = tmp_path / "spans.jsonl"
    spans.write_text(
        json.dumps(
            {
                "id": "s_" + "0" * 15 + "1",
                "doc_id": doc.id,
                "doc_path": doc.path,
                "start": start,
                "end": end,
            }
            | {"label": "claim", "text": doc.text[start:end]}
        )
        + "\n",
        encoding="utf-8",
    )
    db = tmp_path / "store.json"
    with Store.open(db) as store:
        store.attach(list(docs.values()))
    # Into a store that knows the articles, without --corpus: the import groups them itself.
    code, _, err = run("import", str(spans), "--db", str(db))
    assert code == 0, err
    expected = {d["id"]: s["story"] for s in stories_json(str(folder)) for d in s["docs"]}  # type: ignore[union-attr, index]
    import newsreader.annotations.story_cache as story_cache

    def fail(*_: object, **__: object) -> None:
        raise AssertionError("export grouped the articles")

    monkeypatch.setattr(story_cache, "list_paths", fail)
    code, out, err = run("export", "--db", str(db))
    assert code == 0, err
    (line,) = [json.loads(x) for x in out.splitlines()]
    assert line["story"] == expected[doc.id] is not None


def test_import_groups_the_corpus_in_a_second_process(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With --corpus, the grouping is made by a second process while the import runs (and not
    waited for): the import and the export, which cannot list articles here, group nothing."""
    folder = write_corpus(tmp_path / "corpus")
    doc = by_name(load_corpus(folder))["quake-sendai-newsy"]
    start, end = doc.sentences[0]
    spans = tmp_path / "spans.jsonl"
    record = {"id": "s_" + "0" * 15 + "2", "doc_id": doc.id, "doc_path": doc.path}
    record |= {"start": start, "end": end, "label": "claim", "text": doc.text[start:end]}
    spans.write_text(json.dumps(record) + "\n", encoding="utf-8")
    import newsreader.annotations.story_cache as story_cache

    def fail(*_: object, **__: object) -> None:
        raise AssertionError("the importing process grouped the articles itself")

    listing = story_cache.list_paths
    monkeypatch.setattr(story_cache, "list_paths", fail)
    db = tmp_path / "store.json"
    code, _, err = run("import", str(spans), "--db", str(db), "--corpus", str(folder))
    assert code == 0, err
    kept = Path(os.environ["XDG_DATA_HOME"]) / "newsreader" / "stories"
    for _ in range(600):  # the import did not wait for it
        if list(kept.glob("*.json")):
            break
        time.sleep(0.1)
    assert list(kept.glob("*.json")), "the second process kept no grouping"
    monkeypatch.setattr(story_cache, "list_paths", listing)
    expected = {d["id"]: s["story"] for s in stories_json(str(folder)) for d in s["docs"]}  # type: ignore[union-attr, index]
    monkeypatch.setattr(story_cache, "list_paths", fail)
    code, out, err = run("export", "--db", str(db))
    assert code == 0, err
    assert json.loads(out)["story"] == expected[doc.id] is not None
