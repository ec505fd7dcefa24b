"""Keys that need the whole corpus (stories, the article list, corpus search), pressed while a
big folder is still being read: the user is told, and what they asked for opens once it is read."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from newsreader.annotations.config import Config
from newsreader.corpus import loaders
from newsreader.tui.app import make_app
from newsreader.tui.screens.picker import DocumentPicker
from newsreader.tui.screens.search import SearchScreen
from newsreader.tui.screens.stories import StoriesScreen

SIZE = (160, 45)


def _folder(tmp_path: Path) -> Path:
    folder = tmp_path / "articles"
    folder.mkdir()
    for i in range(6):
        (folder / f"a{i}.txt").write_text(
            f"Storm {i} hits the coast\n\nThe storm number {i} hit the coast on Monday.\n",
            encoding="utf-8",
        )
    return folder


@pytest.mark.parametrize(
    ("key", "screen"),
    [("t", StoriesScreen), ("o", DocumentPicker), ("F", SearchScreen)],
)
async def test_key_pressed_while_listing_opens_once_listed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, key: str, screen: type
) -> None:
    release = threading.Event()
    real = loaders.list_in_steps

    def slow(*args: object, **kwargs: object) -> Iterator[object]:
        for step in real(*args, **kwargs):  # type: ignore[arg-type]
            _, done, total = step
            if done == total:
                release.wait(10)  # the last file is "read" only when the test says so
            yield step

    monkeypatch.setattr(loaders, "list_in_steps", slow)
    app = make_app(
        paths=[_folder(tmp_path)],
        store_path=tmp_path / "store.json",
        config=Config(),
        cursor_blink=False,
    )
    async with app.run_test(size=SIZE) as pilot:
        for _ in range(200):
            await pilot.pause()
            if any(p.article is not None for p in app.panes):
                break
        assert app.result is None  # shown, still listing
        await pilot.press(key)
        await pilot.pause()
        assert not isinstance(app.screen, screen)
        messages = [n.message for n in app._notifications]
        assert any("Still reading the folder" in m for m in messages), messages
        release.set()
        for _ in range(200):
            await pilot.pause()
            if isinstance(app.screen, screen):
                break
        assert isinstance(app.screen, screen)
        assert len(app.documents) == 6
