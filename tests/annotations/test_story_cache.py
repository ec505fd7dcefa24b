"""Stories grouped at export time, kept on disk by the grouped articles' content hashes."""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

import pytest

import newsreader.annotations.story_cache as story_cache
from newsreader.annotations.story_cache import grouped_folders
from newsreader.corpus.stories import ArticleLike, Story, group_stories

from .story_corpus import write_corpus


class Counting:
    """group_stories, counting its calls."""

    def __init__(self) -> None:
        self.calls = 0

    def __call__(self, articles: Sequence[ArticleLike]) -> list[Story]:
        self.calls += 1
        return group_stories(articles)


def ids(stories: Sequence[Story]) -> set[tuple[str, tuple[str, ...]]]:
    return {(s.id, s.doc_ids) for s in stories}


def test_grouped_once_then_kept_until_an_article_changes(tmp_path: Path) -> None:
    folder = write_corpus(tmp_path / "corpus")
    cache = tmp_path / "data"
    group = Counting()
    first = grouped_folders([folder], cache, group=group)
    assert first.how == "grouped" and group.calls == 1
    assert len(first.stories) == 3 and all(a.title for a in first.articles.values())
    again = grouped_folders([folder], cache, group=group)
    assert again.how == "stat" and group.calls == 1
    assert ids(again.stories) == ids(first.stories)
    assert {k: (a.title, a.outlet, a.date) for k, a in again.articles.items()} == {
        k: (a.title, a.outlet, a.date) for k, a in first.articles.items()
    }
    # Touched but not changed: listed again, not grouped again.
    some = sorted(folder.glob("*.txt"))[0]
    later = some.stat().st_mtime_ns + 5_000_000_000
    os.utime(some, ns=(later, later))
    touched = grouped_folders([folder], cache, group=group)
    assert touched.how == "content" and group.calls == 1
    assert grouped_folders([folder], cache, group=group).how == "stat"
    # Changed: grouped again, and the new text is what the stories hold.
    (folder / "quake-ambato-newsy.txt").write_text(
        "Parliament passes a budget\n\nLawmakers in the capital passed the annual budget after "
        "a long night of debate, the speaker said.\n",
        encoding="utf-8",
    )
    changed = grouped_folders([folder], cache, group=group)
    assert changed.how == "grouped" and group.calls == 2
    assert any("budget" in a.title for a in changed.articles.values())


@pytest.mark.parametrize("above", [False, True])
def test_a_changed_metadata_table_is_a_change(tmp_path: Path, above: bool) -> None:
    folder = write_corpus(tmp_path / "corpus")
    table = folder / "metadata.tsv"
    if above:  # the table of a folder above the articles (the loader reads it too)
        rows = table.read_text(encoding="utf-8").splitlines()
        table.unlink()
        table = tmp_path / "metadata.tsv"
        table.write_text("\n".join([rows[0]] + [f"corpus/{r}" for r in rows[1:]]) + "\n")
    cache = tmp_path / "data"
    group = Counting()
    assert "Newsy" in {
        a.outlet for a in grouped_folders([folder], cache, group=group).articles.values()
    }
    table.write_text(table.read_text(encoding="utf-8").replace("Newsy", "Newsy Daily"), "utf-8")
    changed = grouped_folders([folder], cache, group=group)
    assert changed.how == "grouped" and group.calls == 2
    assert "Newsy Daily" in {a.outlet for a in changed.articles.values()}


def test_excluded_articles_are_another_grouping(tmp_path: Path) -> None:
    folder = write_corpus(tmp_path / "corpus")
    cache = tmp_path / "data"
    group = Counting()
    every = grouped_folders([folder], cache, group=group)
    some_id = sorted(every.articles)[0]
    fewer = grouped_folders([folder], cache, exclude={some_id}, group=group)
    assert fewer.how == "grouped" and some_id not in fewer.articles
    assert sum(len(s) for s in fewer.stories) == len(every.articles) - 1


def test_a_broken_or_unwritable_cache_is_ignored(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = write_corpus(tmp_path / "corpus")
    cache = tmp_path / "data"
    group = Counting()
    first = grouped_folders([folder], cache, group=group)
    (entry,) = (cache / story_cache.FOLDER_NAME).glob("*.json")
    entry.write_text('{"version": 1, "files": {', encoding="utf-8")
    again = grouped_folders([folder], cache, group=group)
    assert again.how == "grouped" and ids(again.stories) == ids(first.stories)
    blocked = tmp_path / "file"
    blocked.write_text("not a folder", encoding="utf-8")
    kept = grouped_folders([folder], blocked, group=group)
    assert kept.how == "grouped" and ids(kept.stories) == ids(first.stories)
    assert grouped_folders([folder], None, group=group).how == "grouped"


def test_other_grouping_code_does_not_use_the_kept_stories(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = write_corpus(tmp_path / "corpus")
    cache = tmp_path / "data"
    group = Counting()
    grouped_folders([folder], cache, group=group)
    monkeypatch.setattr(story_cache, "code_fingerprint", lambda: "other code")
    assert grouped_folders([folder], cache, group=group).how == "grouped"


def test_the_folder_an_article_was_loaded_from_gives_it_the_same_id(tmp_path: Path) -> None:
    from newsreader.annotations.story_cache import loaded_from, outermost
    from newsreader.corpus.loaders import list_paths

    root = tmp_path / "corpus"
    write_corpus(root / "dev" / "text")
    for doc in list_paths([root]).documents:  # ids relative to corpus/, files two levels down
        folder = loaded_from(doc.id, Path(doc.path))
        assert folder == root
        assert doc.id in {d.id for d in list_paths([folder]).documents}
    loose = list_paths([root / "dev" / "text" / "quake-ambato-newsy.txt"]).documents[0]
    assert loaded_from(loose.id, Path(loose.path)) == root / "dev" / "text"
    assert outermost([root / "dev", root, tmp_path / "other", root / "dev" / "text"]) == [
        root,
        tmp_path / "other",
    ]
