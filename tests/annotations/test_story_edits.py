"""Story corrections: move, split, merge, rename; kept in the store, undone wholly, and still
holding after a new grouping (by text, by metadata, of a corpus with more articles)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from newsreader.annotations import journal
from newsreader.annotations.store import EditError, Store
from newsreader.annotations.story_edits import (
    StoryEditError,
    StoryPin,
    apply_pins,
    find_story,
    store_stories,
)
from newsreader.annotations.workbench import IntentRefused, Workbench
from newsreader.corpus import Document
from newsreader.corpus.stories import Story, group_stories, story_id

from .story_corpus import by_name, load_corpus, write_corpus


@pytest.fixture
def corpus(tmp_path: Path) -> list[Document]:
    return load_corpus(write_corpus(tmp_path / "corpus"))


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    s = Store.open(tmp_path / "store.json", annotator="tester")
    yield s
    s.close()


@pytest.fixture
def bench(store: Store, corpus: list[Document]) -> Workbench:
    wb = Workbench(store, corpus)
    wb.set_grouping(group_stories(corpus, by="metadata"), "metadata")
    return wb


def names(stories: list[Story], corpus: list[Document]) -> set[frozenset[str]]:
    """Each story as the set of its articles' file names (stems)."""
    stem = {d.id: Path(d.path).stem for d in corpus}
    return {frozenset(stem[i] for i in s.doc_ids) for s in stories}


AMBATO = {"quake-ambato-newsy", "quake-ambato-the-wire", "quake-ambato-daily-planet"}
SENDAI = {"quake-sendai-newsy", "quake-sendai-the-wire", "quake-sendai-daily-planet"}
DOE = {"arrest-doe-newsy", "arrest-doe-the-wire"}
COMPUTED = {frozenset(AMBATO), frozenset(SENDAI), frozenset(DOE)}


def story_named(bench: Workbench, stem: str) -> Story:
    doc = next(d for d in bench.documents if Path(d.path).stem == stem)
    return bench.stories().story_of(doc.id)


def doc(bench: Workbench, stem: str) -> str:
    return next(d.id for d in bench.documents if Path(d.path).stem == stem)


# ---- the intents, and undo of each ------------------------------------------------------------


def test_move_puts_the_article_in_the_other_story_and_undo_takes_it_back(
    bench: Workbench, corpus: list[Document]
) -> None:
    target = story_named(bench, "quake-ambato-newsy")
    outcome = bench.move_to_story(doc(bench, "quake-sendai-newsy"), target.id)
    assert outcome.stories and outcome.changed
    assert doc(bench, "quake-sendai-newsy") in outcome.articles
    moved = {*AMBATO, "quake-sendai-newsy"}
    assert names(bench.stories().stories, corpus) == {
        frozenset(moved),
        frozenset(SENDAI - {"quake-sendai-newsy"}),
        frozenset(DOE),
    }
    assert outcome.story_id == story_id(doc(bench, s) for s in moved)
    assert "u takes it back" in outcome.message
    undone = bench.undo()
    assert undone.stories
    assert names(bench.stories().stories, corpus) == COMPUTED
    bench.redo()
    assert frozenset(moved) in names(bench.stories().stories, corpus)


def test_split_takes_articles_out_into_a_new_story_and_undo_joins_them(
    bench: Workbench, corpus: list[Document]
) -> None:
    story = story_named(bench, "quake-ambato-newsy")
    out = [doc(bench, "quake-ambato-newsy"), doc(bench, "quake-ambato-the-wire")]
    outcome = bench.split_story(story.id, out)
    assert names(bench.stories().stories, corpus) == {
        frozenset({"quake-ambato-newsy", "quake-ambato-the-wire"}),
        frozenset({"quake-ambato-daily-planet"}),
        frozenset(SENDAI),
        frozenset(DOE),
    }
    assert outcome.story_id == story_id(out)
    bench.undo()
    assert names(bench.stories().stories, corpus) == COMPUTED


def test_merge_joins_two_stories_and_undo_parts_them(
    bench: Workbench, corpus: list[Document]
) -> None:
    a = story_named(bench, "quake-ambato-newsy")
    b = story_named(bench, "quake-sendai-newsy")
    outcome = bench.merge_stories(a.id, b.id)
    assert names(bench.stories().stories, corpus) == {frozenset(AMBATO | SENDAI), frozenset(DOE)}
    merged = bench.stories().story(outcome.story_id or "")
    assert len(merged) == 6 and merged.label in (a.label, b.label)  # a central title
    bench.undo()
    assert names(bench.stories().stories, corpus) == COMPUTED


def test_rename_names_the_story_and_undo_gives_back_its_label(bench: Workbench) -> None:
    story = story_named(bench, "arrest-doe-newsy")
    outcome = bench.rename_story(story.id, "  The Doe  arrest ")
    renamed = bench.stories().story(outcome.story_id or "")
    assert renamed.label == "The Doe arrest" and renamed.doc_ids == story.doc_ids
    assert renamed.id == story.id  # the same articles: the same id
    bench.undo()
    assert bench.stories().story(story.id).label == story.label
    bench.redo()
    assert bench.rename_story(story.id, "").story_id == story.id  # a blank name clears it
    assert bench.stories().story(story.id).label == story.label


def test_a_renamed_story_keeps_its_name_through_a_move_and_a_merge(bench: Workbench) -> None:
    ambato = story_named(bench, "quake-ambato-newsy")
    bench.rename_story(ambato.id, "Ambato quake")
    outcome = bench.move_to_story(doc(bench, "arrest-doe-newsy"), ambato.id)
    assert bench.stories().story(outcome.story_id or "").label == "Ambato quake"
    sendai = story_named(bench, "quake-sendai-newsy")
    outcome = bench.merge_stories(sendai.id, outcome.story_id or "")
    assert bench.stories().story(outcome.story_id or "").label == "Ambato quake"


def test_intents_that_change_nothing_or_name_nothing_are_refused(bench: Workbench) -> None:
    story = story_named(bench, "quake-ambato-newsy")
    with pytest.raises(IntentRefused, match="already in that story"):
        bench.move_to_story(doc(bench, "quake-ambato-newsy"), story.id)
    with pytest.raises(IntentRefused, match="at least one article"):
        bench.split_story(story.id, story.doc_ids)
    with pytest.raises(IntentRefused, match="Choose the articles"):
        bench.split_story(story.id, [])
    with pytest.raises(IntentRefused, match="Only articles of the story"):
        bench.split_story(story.id, [doc(bench, "arrest-doe-newsy")])
    with pytest.raises(IntentRefused, match="another story"):
        bench.merge_stories(story.id, story.id)
    with pytest.raises(IntentRefused, match="no name to clear"):
        bench.rename_story(story.id, " ")
    with pytest.raises(IntentRefused, match="no longer there"):
        bench.rename_story("st_0000000000000000", "x")
    assert bench.store is not None and bench.store.story_pins() == []


def test_story_intents_need_a_grouping_and_a_writable_store(
    tmp_path: Path, corpus: list[Document]
) -> None:
    with pytest.raises(IntentRefused, match="not grouped"):
        Workbench(None, corpus).stories()
    path = tmp_path / "ro.json"
    Store.open(path).close()
    with Store.open(path, read_only=True) as store:
        wb = Workbench(store, corpus)
        wb.set_grouping(group_stories(corpus, by="metadata"))  # not kept: read-only
        with pytest.raises(IntentRefused, match="read-only"):
            wb.rename_story(wb.stories().stories[0].id, "x")


# ---- surviving a new grouping -----------------------------------------------------------------


def _corrected(tmp_path: Path, store: Store, corpus: list[Document]) -> None:
    """Three corrections the groupings disagree with: a move, a split, a rename."""
    bench = Workbench(store, corpus)
    bench.set_grouping(group_stories(corpus, by="metadata"), "metadata")
    bench.move_to_story(doc(bench, "quake-sendai-newsy"), story_named(bench, "arrest-doe-newsy").id)
    ambato = story_named(bench, "quake-ambato-newsy")
    bench.split_story(ambato.id, [doc(bench, "quake-ambato-daily-planet")])
    bench.rename_story(story_named(bench, "quake-ambato-newsy").id, "Ambato, the first days")


EXPECTED = {
    frozenset({*DOE, "quake-sendai-newsy"}),
    frozenset(SENDAI - {"quake-sendai-newsy"}),
    frozenset({"quake-ambato-newsy", "quake-ambato-the-wire"}),
    frozenset({"quake-ambato-daily-planet"}),
}


@pytest.mark.parametrize("by", ["metadata", "text"])
def test_corrections_hold_after_a_new_grouping_and_a_restart(
    tmp_path: Path, corpus: list[Document], by: str
) -> None:
    path = tmp_path / "store.json"
    with Store.open(path) as store:
        _corrected(tmp_path, store, corpus)
    again = load_corpus(tmp_path / "corpus")
    with Store.open(path) as store:  # reopened: the corrections were journaled
        wb = Workbench(store, again)
        computed = group_stories(again, by=by)  # type: ignore[arg-type]
        assert names(computed, again) == COMPUTED
        wb.set_grouping(computed, by)
        stories = wb.stories().stories
        assert names(stories, again) == EXPECTED
        renamed = [s for s in stories if s.label == "Ambato, the first days"]
        assert len(renamed) == 1 and len(renamed[0]) == 2


def test_corrections_hold_on_a_corpus_with_more_articles(
    tmp_path: Path, store: Store, corpus: list[Document]
) -> None:
    _corrected(tmp_path, store, corpus)
    bigger = load_corpus(write_corpus(tmp_path / "corpus", extra=True))
    wb = Workbench(store, bigger)
    wb.set_grouping(group_stories(bigger, by="metadata"), "metadata")
    stories = wb.stories().stories
    # The new Ambato article joins the corrected Ambato story (which holds more of the
    # computed story than any other pin and than the new articles); every correction holds.
    assert names(stories, bigger) == {
        frozenset({*DOE, "quake-sendai-newsy"}),
        frozenset(SENDAI - {"quake-sendai-newsy"}),
        frozenset({"quake-ambato-newsy", "quake-ambato-the-wire", "quake-ambato-courier"}),
        frozenset({"quake-ambato-daily-planet"}),
    }
    assert sum(len(s) for s in stories) == len(bigger)


def test_corrections_hold_on_a_corpus_with_fewer_articles(
    tmp_path: Path, store: Store, corpus: list[Document]
) -> None:
    _corrected(tmp_path, store, corpus)
    fewer = [d for d in corpus if "arrest" not in d.path]
    wb = Workbench(store, fewer)
    wb.set_grouping(group_stories(fewer, by="metadata"), "metadata")
    assert names(wb.stories().stories, fewer) == {
        frozenset({"quake-sendai-newsy"}),
        frozenset(SENDAI - {"quake-sendai-newsy"}),
        frozenset({"quake-ambato-newsy", "quake-ambato-the-wire"}),
        frozenset({"quake-ambato-daily-planet"}),
    }


def test_unpinned_articles_join_the_pin_holding_most_of_their_story(
    corpus: list[Document],
) -> None:
    articles = {d.id: d for d in corpus}
    n = {Path(d.path).stem: d.id for d in corpus}
    computed = group_stories(corpus, by="metadata")
    # One Ambato article pinned elsewhere: the other two stay together, not dragged along.
    pin = StoryPin("sp_1", (n["quake-ambato-newsy"], n["arrest-doe-newsy"]))
    got = names(apply_pins(computed, [pin], articles).stories, corpus)
    assert frozenset(AMBATO - {"quake-ambato-newsy"}) in got
    assert frozenset({"quake-ambato-newsy", "arrest-doe-newsy"}) in got
    assert frozenset({"arrest-doe-the-wire"}) in got  # 1 pinned, 1 not: not dragged along
    # Two of three Sendai articles pinned: the third joins them.
    pin = StoryPin("sp_2", (n["quake-sendai-newsy"], n["quake-sendai-the-wire"]), "Sendai")
    corrected = apply_pins(computed, [pin], articles)
    (sendai,) = [s for s in corrected.stories if s.label == "Sendai"]
    assert names([sendai], corpus) == {frozenset(SENDAI)}
    assert corrected.pin_of[sendai.id] == "sp_2" and sendai.source == "corrected"


def test_the_store_refuses_an_article_in_two_pins(store: Store) -> None:
    store.correct_stories("one", {"sp_1": StoryPin("sp_1", ("a", "b"))})
    with pytest.raises(EditError, match="two stories"):
        store.correct_stories("two", {"sp_2": StoryPin("sp_2", ("b", "c"))})
    assert store.correct_stories("same", {"sp_1": StoryPin("sp_1", ("a", "b"))}) is False
    assert [p.docs for p in store.story_pins()] == [("a", "b")]


# ---- the kept grouping and finding a story by id or label -------------------------------------


def test_the_kept_grouping_gives_the_stories_with_corrections(
    tmp_path: Path, corpus: list[Document]
) -> None:
    path = tmp_path / "store.json"
    with Store.open(path) as store:
        assert store_stories(store) is None
        _corrected(tmp_path, store, corpus)
    with Store.open(path, read_only=True) as store:
        kept = store_stories(store)
        assert kept is not None and names(kept.stories, corpus) == EXPECTED
        plain = store_stories(store, corrections=False)
        assert plain is not None and names(plain.stories, corpus) == COMPUTED
        fresh = group_stories(corpus, by="metadata")
        assert [(s.id, s.label, s.doc_ids) for s in plain.stories] == [
            (s.id, s.label, s.doc_ids) for s in fresh
        ]


def test_find_story_by_id_or_unambiguous_label(corpus: list[Document]) -> None:
    stories = group_stories(corpus, by="metadata")
    first = stories[0]
    assert find_story(stories, first.id) is first
    assert find_story(stories, "  " + first.label.upper() + " ") is first
    twin = Story("st_twin", first.label, ("x",), (), None, None)
    with pytest.raises(StoryEditError, match="2 stories have the label"):
        find_story([*stories, twin], first.label)
    with pytest.raises(StoryEditError, match="newsreader stories PATH --json"):
        find_story(stories, "no such story")


# ---- the store's schema -----------------------------------------------------------------------


def test_a_schema_2_store_is_upgraded_keeping_a_copy(
    tmp_path: Path, corpus: list[Document]
) -> None:
    path = tmp_path / "old.json"
    doc0 = corpus[0]
    old = {
        "meta": {"1": {"schema": 2, "app": "newsreader", "seq": 0}},
        "documents": {},
        "spans": {
            "1": {
                "id": "s_00000000000000a1",
                "doc_id": doc0.id,
                "doc_hash": doc0.content_hash,
                "start": 0,
                "end": 5,
                "text": doc0.text[:5],
                "label": "claim",
                "attributes": {},
                "annotator": "old",
                "created": "t",
                "modified": "t",
                "anchor": None,
            }
        },
        "groups": {},
        "decisions": {},
        "suggestions": {},
        "history": {},
    }
    path.write_text(json.dumps(old))
    original = path.read_bytes()
    with Store.open(path) as store:
        assert store.storage.migrated_from == 2
        assert len(store.spans()) == 1 and store.story_pins() == []
        wb = Workbench(store, corpus)
        wb.set_grouping(group_stories(corpus, by="metadata"))
        wb.rename_story(wb.stories().stories[0].id, "named")
    assert (tmp_path / "old.json.schema2.bak").read_bytes() == original
    upgraded = json.loads(path.read_text())
    assert upgraded["meta"]["1"]["schema"] == journal.SCHEMA_VERSION == 3
    assert [r["label"] for r in upgraded["story_pins"].values()] == ["named"]


# ---- the export's story field -----------------------------------------------------------------


def test_export_lines_carry_the_corrected_story_and_import_checks_the_field(
    tmp_path: Path, store: Store, corpus: list[Document]
) -> None:
    from newsreader.annotations.jsonl import export_lines, import_jsonl

    named = by_name(corpus)
    doc0 = named["quake-sendai-newsy"]
    store.attach([doc0])
    store.create_span(doc0.id, *doc0.sentences[0], "claim")
    (line,) = export_lines(store)
    assert line["story"] is None  # no grouping kept yet
    _corrected(tmp_path, store, corpus)  # Sendai's Newsy article moved into the Doe story
    (line,) = export_lines(store)
    assert line["story"] == story_id(named[s].id for s in {*DOE, "quake-sendai-newsy"})
    bad = tmp_path / "bad.jsonl"
    bad.write_text(json.dumps({**line, "id": "s_00000000000000ff", "story": 5}) + "\n")
    result = import_jsonl(store, bad)
    assert [str(p) for p in result.problems] == ["line 1: 'story' must be text or null"]


def test_pins_apply_when_some_articles_are_not_at_hand(corpus: list[Document]) -> None:
    """An index lists stories whose articles are read on demand: a pinned article that is not
    loaded still gets its story (without title), never an error."""
    computed = group_stories(corpus, by="metadata")
    n = {Path(d.path).stem: d.id for d in corpus}
    at_hand = {d.id: d for d in corpus if "doe" not in d.path}
    pin = StoryPin("sp_1", (n["arrest-doe-newsy"], n["quake-ambato-newsy"]), "mixed")
    corrected = apply_pins(computed, [pin], at_hand)
    (mixed,) = [s for s in corrected.stories if s.label == "mixed"]
    assert set(mixed.doc_ids) == {n["arrest-doe-newsy"], n["quake-ambato-newsy"]}
    assert sum(len(s) for s in corrected.stories) == len(corpus)
