"""The stories screen in the app: from launch to a story's outlets side by side, keys counted."""

from __future__ import annotations

from pathlib import Path

from newsreader.annotations.config import Config
from newsreader.corpus import LoadResult, load_sample
from newsreader.tui.app import NewsreaderApp, make_app
from newsreader.tui.screens.picker import DocumentPicker
from newsreader.tui.screens.stories import StoriesScreen

from .waiting import until

SIZE = (160, 45)


class Keys:
    """Presses keys through the pilot and counts them; typed words are counted apart."""

    def __init__(self, pilot: object) -> None:
        self.pilot = pilot
        self.keys = 0
        self.typed = 0

    async def press(self, *keys: str) -> None:
        self.keys += len(keys)
        await self.pilot.press(*keys)  # type: ignore[attr-defined]

    async def type(self, word: str) -> None:
        self.typed += len(word)
        await self.pilot.press(*word)  # type: ignore[attr-defined]


async def loaded(app: NewsreaderApp, pilot: object) -> None:
    await until(pilot, lambda: bool(app.documents))


async def until_screen(app: NewsreaderApp, pilot: object, kind: type) -> None:
    await until(pilot, lambda: isinstance(app.screen, kind))


async def test_basil_event_side_by_side_in_at_most_six_keys(tmp_path: Path, shared: Path) -> None:
    folder = shared / "corpora" / "basil" / "articles"
    app = make_app(
        paths=[folder], store_path=tmp_path / "store.json", config=Config(), cursor_blink=False
    )
    async with app.run_test(size=SIZE) as pilot:
        await loaded(app, pilot)
        steele = [d for d in app.documents if "Steele Criticized for Afghanistan" in d.title]
        assert steele and steele[0].story
        event = {d.id for d in app.documents if d.story == steele[0].story}
        assert len(event) == 3
        keys = Keys(pilot)
        await keys.press("t")
        await until_screen(app, pilot, StoriesScreen)
        await keys.type("steele afghanistan")
        await keys.press("enter")
        for _ in range(20):
            await pilot.pause()
        shown = [p.article for p in app.panes]
        assert {d.id for d in shown if d is not None} == event
        assert len({d.outlet for d in shown if d is not None}) == 3
        assert keys.keys <= 6, keys.keys


def three_stories() -> LoadResult:
    """The sample corpus with every article in one of two stories (story ids set)."""
    from dataclasses import replace

    docs = load_sample().documents
    assert len(docs) >= 3
    stories = ["big"] * (len(docs) - 1) + ["small"]
    return LoadResult(documents=[replace(d, story=s) for d, s in zip(docs, stories, strict=True)])


async def test_a_story_larger_than_the_panes_puts_the_rest_first_in_the_picker(
    tmp_path: Path,
) -> None:
    result = three_stories()
    big = [d for d in result.documents if d.story == "big"]
    app = make_app(
        result, store_path=tmp_path / "store.json", config=Config(), cursor_blink=False, panes=1
    )
    async with app.run_test(size=SIZE) as pilot:
        await loaded(app, pilot)
        app.open_story(tuple(d.id for d in big))
        for _ in range(10):
            await pilot.pause()
        wanted = min(len(big), 4)
        assert len(app.panes) == wanted
        assert [p.article.id for p in app.panes if p.article] == [d.id for d in big[:wanted]]
        await pilot.press("o")
        await until_screen(app, pilot, DocumentPicker)
        picker = app.screen
        assert isinstance(picker, DocumentPicker)
        rest = [d.id for d in big[wanted:]]
        assert [d.id for d in picker.documents[: len(rest)]] == rest


async def test_a_small_story_closes_the_extra_panes(tmp_path: Path) -> None:
    result = three_stories()
    small = [d for d in result.documents if d.story == "small"]
    app = make_app(
        result, store_path=tmp_path / "store.json", config=Config(), cursor_blink=False, panes=3
    )
    async with app.run_test(size=SIZE) as pilot:
        await loaded(app, pilot)
        await pilot.press("t")
        await until_screen(app, pilot, StoriesScreen)
        screen = app.screen
        assert isinstance(screen, StoriesScreen)
        assert {len(s) for s in screen.stories} == {len(result.documents) - 1, 1}
        assert len(screen.shown[1]) == 1  # largest first: the small story is second
        await pilot.press("down", "enter")
        for _ in range(10):
            await pilot.pause()
        assert [p.article.id for p in app.panes if p.article] == [small[0].id]


def corpus_with_annotation_files(folder: Path, count: int = 12) -> Path:
    """Two articles, ``count`` annotation JSON files and a README beside them."""
    (folder / "one.txt").write_text("Quake hits Ambato\n\nThe earthquake near Ambato killed 212.\n")
    (folder / "two.txt").write_text("Budget passes\n\nThe Senate passed the budget on Friday.\n")
    for number in range(count):
        (folder / f"{number:03d}_ann.json").write_text('{"annotations": []}')
    (folder / "README.md").write_text("# About this corpus\n")
    return folder


def test_inspect_prints_the_skipped_summary_once_on_stderr(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from newsreader.tui.cli import cli

    folder = corpus_with_annotation_files(tmp_path)
    for extra in ([], ["--json"]):
        result = CliRunner().invoke(cli, ["inspect", *extra, str(folder)])
        assert result.exit_code == 0, result.stderr
        lines = [line for line in result.stderr.splitlines() if "skipped" in line]
        assert len(lines) == 1 and "13" in lines[0], result.stderr


async def test_launch_on_a_folder_lists_without_analysing_and_notices_skips_once(
    tmp_path: Path,
) -> None:
    (tmp_path / "corpus").mkdir()
    folder = corpus_with_annotation_files(tmp_path / "corpus")
    app = make_app(paths=[folder], store_path=None, config=Config(), cursor_blink=False, panes=1)
    app._open_store = lambda **_: None  # type: ignore[method-assign]  # nothing in the background
    async with app.run_test(size=SIZE) as pilot:
        await loaded(app, pilot)
        assert len(app.documents) == 2
        # Listed lazily: the article not shown is analysed only when asked.
        assert not app.documents[1].analysed
        notices = [n.message for n in app._notifications]
        assert sum("skipped" in m.lower() for m in notices) == 1, notices
        assert not any("could not be loaded" in m for m in notices)


def shown(app: NewsreaderApp) -> list[str]:
    return [Path(p.article.path).name if p.article else "" for p in app.panes]


async def test_a_big_folder_shows_its_first_articles_while_the_rest_is_read(
    tmp_path: Path, monkeypatch: object
) -> None:
    import threading

    from newsreader.corpus import loaders
    from newsreader.tui.widgets.article_view import ArticleView

    folder = tmp_path / "corpus"
    folder.mkdir()
    for n in range(12):
        (folder / f"{n:02}.txt").write_text(f"Article {n}\n\nFirst paragraph of article {n}.\n")
    (folder / "README.md").write_text("About this corpus.\n")
    release = threading.Event()
    read: list[str] = []
    plain = loaders._load_one

    def slow(source, meta, problems):  # type: ignore[no-untyped-def]
        if len(read) >= 2:
            release.wait(10)  # the rest of the folder waits until the test has looked
        read.append(source.key)
        return plain(source, meta, problems)

    monkeypatch.setattr(loaders, "_load_one", slow)  # type: ignore[attr-defined]
    app = make_app(paths=[folder], store_path=None, config=Config(), cursor_blink=False)
    app._open_store = lambda **_: None  # type: ignore[method-assign]  # nothing in the background
    try:
        async with app.run_test(size=SIZE) as pilot:
            for _ in range(200):
                await pilot.pause()
                if all(p.article is not None for p in app.panes) and app.query(ArticleView):
                    break
            # The first two articles are on the screen, in their views, while the listing goes on.
            assert shown(app) == ["00.txt", "01.txt"]
            assert len(app.query(ArticleView)) == 2
            assert app.result is None and app.documents == []
            assert app.busy.startswith("reading articles")
            assert not any("skipped" in n.message for n in app._notifications)
            release.set()
            for _ in range(200):
                await pilot.pause()
                if app.result is not None:
                    break
            assert len(app.documents) == 12
            assert shown(app) == ["00.txt", "01.txt"]
            notices = [n.message for n in app._notifications]
            assert sum("skipped" in m.lower() for m in notices) == 1, notices
    finally:
        release.set()
