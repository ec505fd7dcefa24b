"""``newsreader INDEX``: the stories at once, paged from the index; articles read when opened."""

from __future__ import annotations

import csv
import json
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from textual.widgets import OptionList

from newsreader.annotations.config import Config
from newsreader.annotations.prepare import first_page
from newsreader.annotations.store import Store
from newsreader.tui.app import NewsreaderApp, make_app
from newsreader.tui.index_opening import PAGE, IndexStories, index_folder, index_manifest
from newsreader.tui.screens.stories_index import IndexStoriesScreen

pytest.importorskip("distributed")
pytest.importorskip("pyarrow")

STORIES = 250  # more than a page
FIRST_PAGE = 100  # the index's first page, shorter than the list (several screen pages)
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
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(first_page, "STORIES", FIRST_PAGE)
        build(folder / "archive.csv", folder / "index")
    yield folder / "index"


@pytest.fixture(scope="module")
def old_index(index: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The index as version 1 wrote it: no first page."""
    old = tmp_path_factory.mktemp("old") / "index"
    shutil.copytree(index, old)
    (old / first_page.FILE).unlink()
    manifest = json.loads((old / "manifest.json").read_text())
    del manifest["first_page"]
    manifest["version"] = 1
    (old / "manifest.json").write_text(json.dumps(manifest))
    return old


def manifest_of(index: Path) -> dict[str, Any]:
    value: dict[str, Any] = json.loads((index / "manifest.json").read_text())
    return value


def test_prepare_writes_a_first_page_that_agrees_with_the_stories_table(index: Path) -> None:
    import pyarrow.parquet as pq

    manifest = manifest_of(index)
    assert manifest["version"] == 2
    assert manifest["first_page"]["stories"] == FIRST_PAGE
    found = first_page.read_first_page(index, manifest)
    assert found is not None
    stories, total = found
    rows = pq.read_table(index / "stories.parquet").to_pylist()
    assert total == len(rows) == STORIES
    assert len(stories) == FIRST_PAGE
    for story, row in zip(stories, rows, strict=False):
        assert (
            story.id,
            story.label,
            list(story.doc_ids),
            list(story.outlets),
            story.first,
            story.last,
            story.source,
        ) == (
            row["story"],
            row["label"],
            row["docs"],
            row["outlets"],
            row["first"],
            row["last"],
            row["source"],
        )


def test_a_first_page_from_another_table_is_not_read(index: Path, tmp_path: Path) -> None:
    copy = tmp_path / "index"
    shutil.copytree(index, copy)
    manifest = manifest_of(copy)
    assert first_page.read_first_page(copy, manifest) is not None
    assert first_page.read_first_page(copy, {**manifest, "first_page": None}) is None
    # stories.parquet rewritten by another run (its size differs from the manifest's).
    with (copy / "stories.parquet").open("ab") as handle:
        handle.write(b"\0")
    assert first_page.read_first_page(copy, manifest) is None
    shutil.copy(index / "stories.parquet", copy / "stories.parquet")
    (copy / first_page.FILE).write_text("{not json")
    assert first_page.read_first_page(copy, manifest) is None
    (copy / first_page.FILE).unlink()
    assert first_page.read_first_page(copy, manifest) is None


READ_WITHOUT_PYARROW = """
import json, sys
from pathlib import Path
sys.modules["pyarrow"] = None  # importing it would fail
from newsreader.tui.index_opening import IndexStories, index_manifest
root, manifest = index_manifest([sys.argv[1]])
source = IndexStories(root)
assert source.read_first_page(manifest)
page = source.next_page(int(sys.argv[2]))
heavy = sorted(
    m for m, module in sys.modules.items()
    if module is not None and m.split(".")[0] in ("numpy", "pyarrow", "dask")
)
print(json.dumps({"ids": [s.id for s in page], "total": source.total, "heavy": heavy}))
"""


def test_the_first_page_is_read_without_pyarrow(index: Path) -> None:
    import pyarrow.parquet as pq

    out = subprocess.run(
        [sys.executable, "-c", READ_WITHOUT_PYARROW, str(index), str(PAGE)],
        capture_output=True,
        text=True,
        check=True,
    )
    shown = json.loads(out.stdout)
    table = pq.read_table(index / "stories.parquet", columns=["story"])
    assert shown["ids"] == table.column("story").to_pylist()[:PAGE]
    assert shown["total"] == STORIES
    assert shown["heavy"] == []


@pytest.mark.parametrize("size", [PAGE, 30, 7])
def test_the_table_takes_over_after_the_first_page(index: Path, size: int) -> None:
    import pyarrow.parquet as pq

    source = IndexStories(index)
    assert source.read_first_page(manifest_of(index))
    assert source.total == STORIES and source.in_memory
    pages = []
    while page := source.next_page(size):
        pages.append(page)
        if len(source.loaded) < FIRST_PAGE:
            assert source.in_memory and source._batches is None  # no table read yet
    assert source.complete and not source.in_memory
    assert max(len(p) for p in pages) == size
    table = pq.read_table(index / "stories.parquet", columns=["story"])
    assert [s.id for s in source.loaded] == table.column("story").to_pylist()


def test_the_table_opened_while_the_first_page_is_handed_out_starts_after_it(
    index: Path,
) -> None:
    import pyarrow.parquet as pq

    source = IndexStories(index)
    assert source.read_first_page(manifest_of(index))
    source.next_page(30)
    source.open_table()  # as the app's worker does once the first frame is up
    while source.next_page(40):
        pass
    table = pq.read_table(index / "stories.parquet", columns=["story"])
    assert [s.id for s in source.loaded] == table.column("story").to_pylist()


def test_a_first_page_and_a_table_that_disagree_are_said(index: Path, tmp_path: Path) -> None:
    copy = tmp_path / "index"
    shutil.copytree(index, copy)
    page = json.loads((copy / first_page.FILE).read_text())
    page["total"] += 1
    (copy / first_page.FILE).write_text(json.dumps(page))
    manifest = manifest_of(copy)
    manifest["first_page"]["total"] += 1
    source = IndexStories(copy)
    assert source.read_first_page(manifest)
    for _ in range(FIRST_PAGE // PAGE + 1):
        if not source.in_memory:
            break
        source.next_page()
    with pytest.raises(ValueError, match="first page"):
        source.next_page()


def test_an_index_is_told_from_a_folder(index: Path, tmp_path: Path) -> None:
    assert index_folder([index]) == index
    found = index_manifest([index])
    assert found is not None and found[0] == index and found[1]["format"] == "newsreader-index"
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


@pytest.mark.parametrize("which", ["index", "old_index"])
async def test_the_app_lists_stories_at_once_and_reads_only_the_opened_one(
    which: str, request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    index = request.getfixturevalue(which)  # with a first page, and without (version 1)
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


async def test_the_first_page_is_in_the_first_frame_and_the_table_opens_after_it(
    index: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import threading

    read_in_worker: list[int] = []
    monkeypatch.setattr(IndexStoriesScreen, "_next_page", lambda self: read_in_worker.append(1))
    opened = threading.Event()
    table_may_open = threading.Event()
    plain_open = IndexStories.open_table

    def open_table(self: IndexStories, size: int = PAGE) -> None:
        table_may_open.wait(30)
        plain_open(self, size)
        opened.set()

    monkeypatch.setattr(IndexStories, "open_table", open_table)
    app = make_app(paths=[index], store_path=tmp_path / "s.json", config=Config())
    async with app.run_test(size=(160, 45)) as pilot:
        screen = app.screen
        assert isinstance(screen, IndexStoriesScreen)
        # Shown as the screen mounted, from the first page: no worker read it.
        assert len(screen.shown) == PAGE and not read_in_worker
        # Drawn as plain lines in the first frame; the list takes their place after it.
        await shows(app, pilot, lambda: not screen.query("#stories-preview"), "the list")
        options = screen.query_one(OptionList)
        assert options.display and options.option_count == PAGE and options.highlighted == 0
        # A filter typed before the table is open works all the same.
        await pilot.press(*"case 42 ")
        await shows(app, pilot, lambda: len(screen.shown) == 1, "the filtered story")
        assert screen.shown[0].id == "s42" or "42" in screen.shown[0].label
        assert not opened.is_set()
        table_may_open.set()
        await shows(app, pilot, opened.is_set, "the table opened")


FIRST_FRAME = """
import sys, tempfile
from pathlib import Path
import textual.app
from newsreader.tui import launch

plain = textual.app.App.run

def run(app, **_):
    def on_ready(self):  # the first frame is drawn: what has been imported for it?
        watched = ("numpy", "pyarrow", "dask", "distributed", "newsreader")
        print(sorted(m for m in sys.modules if m.startswith(watched)))
        print("shown", len(self.screen.shown))
        self.exit()
    type(app).on_ready = on_ready
    return plain(app, headless=True)

textual.app.App.run = run
db = Path(tempfile.mkdtemp()) / "s.json"
launch.open_app(**launch.parse_open([sys.argv[1], "--db", str(db)]))
"""


def test_the_first_frame_of_an_index_imports_no_pyarrow(index: Path) -> None:
    out = subprocess.run(
        [sys.executable, "-c", FIRST_FRAME, str(index)],
        capture_output=True,
        text=True,
        check=True,
        stdin=subprocess.DEVNULL,
    )
    loaded, shown = out.stdout.strip().splitlines()[-2:]
    assert shown == f"shown {PAGE}"
    assert "'newsreader.tui.screens.stories_index'" in loaded  # the index did open
    for late in (
        "numpy",
        "pyarrow",
        "dask",
        "distributed",
        "newsreader.annotations.prepare.index",
        "newsreader.annotations.prepare.work",
        "newsreader.annotations.prepare.run",
        "newsreader.annotations.workbench",
        "newsreader.annotations.store",
    ):
        assert f"'{late}'" not in loaded, late
