"""``newsreader INDEX``: the stories at once, paged from the index; articles read when opened."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from newsreader.annotations.config import Config
from newsreader.annotations.store import Store
from newsreader.tui.app import NewsreaderApp, make_app
from newsreader.tui.index_opening import PAGE, IndexStories, index_folder
from newsreader.tui.screens.stories_index import IndexStoriesScreen

pytest.importorskip("distributed")
pytest.importorskip("pyarrow")

STORIES = 250  # more than a page
PLACES = ("Lisbon", "Osaka", "Denver", "Nairobi", "Quito")


def write_archive(path: Path, changed: int | None = None) -> None:
    """Three articles per story, a ``story`` column; story ``changed`` gets a new first line."""
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "story", "title", "text", "outlet", "date"])
        for n in range(STORIES * 3):
            story = n // 3
            place = PLACES[story % len(PLACES)]
            lead = "An update came first. " if story == changed else ""
            text = (
                f"{lead}The council of {place} met about case {story}. "
                f'"We will act," the mayor said. Residents waited for news of case {story}.'
            )
            outlet = ("Daily", "Wire", "Post")[n % 3]
            writer.writerow(
                [f"a{n}", f"s{story}", f"Case {story} in {place}", text, outlet, "2024-03-01"]
            )


def build(archive: Path, out: Path) -> None:
    from distributed import Client, LocalCluster

    from newsreader.annotations.prepare.run import prepare

    cluster = LocalCluster(
        n_workers=1, threads_per_worker=1, processes=False, dashboard_address=":0"
    )
    client = Client(cluster)
    try:
        prepare([archive], out, client=client, links=False, partition_size=200)
    finally:
        client.close()
        cluster.close()


@pytest.fixture(scope="module")
def index(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    folder = tmp_path_factory.mktemp("index")
    write_archive(folder / "archive.csv")
    build(folder / "archive.csv", folder / "index")
    yield folder / "index"


def test_an_index_is_told_from_a_folder(index: Path, tmp_path: Path) -> None:
    assert index_folder([index]) == index
    assert index_folder([str(index)]) == index
    assert index_folder([index, index]) is None
    assert index_folder([tmp_path]) is None
    (tmp_path / "manifest.json").write_text('{"format": "something else"}')
    assert index_folder([tmp_path]) is None


def test_stories_are_read_a_page_at_a_time(index: Path) -> None:
    source = IndexStories(index)
    first = source.next_page(100)
    assert len(first) == 100 and source.total == STORIES and not source.complete
    assert all(len(s) == 3 for s in first)
    source.next_page(100)
    last = source.next_page(100)
    assert len(last) == STORIES - 200 and source.complete
    assert source.next_page(100) == []
    assert len({s.id for s in source.loaded}) == STORIES


def test_filtering_reads_labels_and_titles_not_articles(index: Path) -> None:
    source = IndexStories(index)
    found, count = source.matching("case 201 osaka", 10)
    assert count == 1 and len(found[0]) == 3
    found, count = source.matching("osaka", 5)
    assert count == STORIES // len(PLACES) and len(found) == 5


async def shows(app: NewsreaderApp, pilot: Any, test: Any, what: str) -> None:
    for _ in range(600):
        await pilot.pause()
        if test():
            return
    raise AssertionError(f"never: {what}")


async def test_the_app_lists_stories_at_once_and_reads_only_the_opened_one(
    index: Path, tmp_path: Path
) -> None:
    store = tmp_path / "store.json"
    app = make_app(paths=[index], store_path=store, config=Config(), cursor_blink=False)
    async with app.run_test(size=(160, 45)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, IndexStoriesScreen)
        await shows(app, pilot, lambda: len(screen.shown) == PAGE, "the first page")
        # Scrolling near the end of the list reads the next page, up to the end of the table.
        for _ in range(200):
            if len(screen.shown) == STORIES:
                break
            await pilot.press("pagedown")
            await pilot.pause()
        assert [s.id for s in screen.shown] == [s.id for s in screen.source.loaded]
        assert len({s.id for s in screen.shown}) == STORIES
        await shows(app, pilot, lambda: app.store is not None, "the store")
        await pilot.press(*"case 42 ")
        await shows(app, pilot, lambda: len(screen.shown) == 1, "the filtered story")
        await pilot.press("enter")
        await shows(
            app, pilot, lambda: all(p.article is not None for p in app.panes[:3]), "the story"
        )
        shown = [p.article for p in app.panes]
        assert [d.title for d in shown if d] == ["Case 42 in Denver"] * 3
        assert len(app.documents) == 3  # only the opened story's articles were read
        doc = shown[0]
        assert doc is not None and doc.sentences and doc.content_hash
        # Annotations go to the store as for any article.
        start, end = doc.sentences[0]
        app.workbench.tag(doc.id, start, end, "claim")
        await pilot.pause()
    with Store.open(store, read_only=True) as reopened:
        spans = reopened.spans(doc.id)
        assert [(s.start, s.end, s.doc_hash) for s in spans] == [(start, end, doc.content_hash)]


async def test_spans_are_found_again_when_the_index_changes(index: Path, tmp_path: Path) -> None:
    store = tmp_path / "store.json"
    app = make_app(paths=[index], store_path=store, config=Config(), cursor_blink=False)
    async with app.run_test(size=(160, 45)) as pilot:
        screen = app.screen
        assert isinstance(screen, IndexStoriesScreen)
        await shows(app, pilot, lambda: app.store is not None, "the store")
        await pilot.press(*"case 216 osaka")
        await shows(app, pilot, lambda: len(screen.shown) == 1, "the filtered story")
        await pilot.press("enter")
        await shows(app, pilot, lambda: len(app.documents) == 3, "the story")
        doc = app.documents[0]
        start = doc.text.index("the mayor said")
        app.workbench.tag(doc.id, start, start + len("the mayor said"), "claim")
        await pilot.pause()
    changed = tmp_path / "changed"
    write_archive(tmp_path / "archive.csv", changed=216)
    build(tmp_path / "archive.csv", changed)
    app = make_app(paths=[changed], store_path=store, config=Config(), cursor_blink=False)
    async with app.run_test(size=(160, 45)) as pilot:
        screen = app.screen
        await shows(app, pilot, lambda: app.store is not None, "the store")
        await pilot.press(*"case 216 osaka")
        await shows(app, pilot, lambda: len(screen.shown) == 1, "the filtered story")  # type: ignore[attr-defined]
        await pilot.press("enter")
        await shows(app, pilot, lambda: len(app.documents) == 3, "the story")
        new = app.workbench.by_id[doc.id]
        assert new.content_hash != doc.content_hash
        [span] = app.workbench.spans_of(doc.id)
        assert new.text[span.start : span.end] == "the mayor said"
        assert span.start == start + len("An update came first. ")
