"""The action registry: bindings, help, palette and the README's key table all come from it."""

from __future__ import annotations

import importlib
import os
import pkgutil
import re
import sys
from pathlib import Path

import pytest
from textual.binding import Binding
from textual.screen import Screen
from textual.widget import Widget

import newsreader.tui.screens
import newsreader.tui.widgets
from newsreader.annotations.config import Config
from newsreader.annotations.store import Store
from newsreader.corpus import load_sample
from newsreader.tui import actions
from newsreader.tui.app import NewsreaderApp, make_app
from newsreader.tui.screens.dialogs import StoreProblemDialog
from newsreader.tui.widgets.article_view import ArticleView
from tests.tui.waiting import until

README = Path(__file__).resolve().parents[2] / "README.md"
SIZE = (160, 45)


def _classes_with_bindings() -> list[type]:
    found: list[type] = [NewsreaderApp]
    for package in (newsreader.tui.screens, newsreader.tui.widgets):
        for info in pkgutil.iter_modules(package.__path__):
            module = importlib.import_module(f"{package.__name__}.{info.name}")
            for value in vars(module).values():
                if (
                    isinstance(value, type)
                    and issubclass(value, Screen | Widget)
                    and value.__module__ == module.__name__
                ):
                    found.append(value)
    return found


def test_every_binding_names_a_registered_action_or_screen_key() -> None:
    known = set(actions.ACTIONS) | actions.SCREEN_KEY_IDS
    for cls in _classes_with_bindings():
        for binding in cls.__dict__.get("BINDINGS", []):
            assert isinstance(binding, Binding), cls
            assert binding.id in known, f"{cls.__name__} binds {binding.key} as {binding.id!r}"
            assert binding.description, binding.id


def test_app_and_view_bindings_are_the_registry() -> None:
    app_ids = [b.id for b in NewsreaderApp.BINDINGS if isinstance(b, Binding)]
    view_ids = [b.id for b in ArticleView.BINDINGS if isinstance(b, Binding)]
    assert sorted(app_ids) == sorted(a.id for a in actions.ACTIONS.values() if a.scope == "app")
    assert view_ids == [a.id for a in actions.ACTIONS.values() if a.scope == "view"]
    for binding in NewsreaderApp.BINDINGS:
        assert isinstance(binding, Binding)
        action = actions.ACTIONS[binding.id or ""]
        assert binding.action == action.run and binding.tooltip == action.sentence
        # Every app action has its method on the app.
        name = action.run.split("(")[0]
        assert callable(getattr(NewsreaderApp, f"action_{name}", None)), name


def test_the_readme_key_table_is_the_registrys() -> None:
    text = README.read_text(encoding="utf-8")
    found = re.search(r"<!-- keys:[^>]*-->\n(.*?)<!-- /keys -->", text, re.S)
    assert found, "the README lost its key table markers"
    assert found.group(1) == actions.readme_table(), (
        "the README's key table differs from tui/actions.py: paste actions.readme_table()"
    )


def test_help_rows_follow_the_keymap_and_unknown_ids_are_found() -> None:
    rows = actions.key_rows({"tag_claim": "C", "help": "question_mark,f1"})
    assert ("C", "Tag the selection as a claim", "tag_claim") in rows
    assert ("?, f1", "Every key", "help") in rows
    assert all("`" not in description for _, description, _ in rows)
    assert actions.unknown_ids(["tag_claim", "tag_clam", "link_reject", "cursor_vim"]) == [
        "tag_clam",
        "cursor_vim",
    ]


def test_the_palette_lists_the_registry() -> None:
    described = {a.description for a in actions.palette_actions()}
    assert {"Claim", "Link", "Undo", "Coverage", "Unlink", "Relation"} <= described
    assert "Quit" not in described


async def test_unknown_key_ids_in_the_keymap_are_warned_about(tmp_path: Path) -> None:
    app = make_app(
        load_sample(),
        store_path=tmp_path / "store.json",
        config=Config(keys={"tag_clam": "C"}),
        annotator="tester",
        cursor_blink=False,
    )
    async with app.run_test(size=SIZE) as pilot:

        def warned() -> bool:
            return any("tag_clam" in str(n.message) for n in app._notifications)

        await until(pilot, warned, seconds=30)


async def test_a_store_in_use_is_never_moved_aside(tmp_path: Path) -> None:
    path = tmp_path / "store.json"
    docs = load_sample().documents
    with Store.open(path) as other:  # another newsreader holds it
        other.attach(docs)
        other.create_span(docs[0].id, *docs[0].sentences[2], "claim")
        other.flush()
        app = make_app(
            load_sample(), store_path=path, config=Config(), annotator="t", cursor_blink=False
        )
        async with app.run_test(size=SIZE) as pilot:
            await until(pilot, lambda: isinstance(app.screen, StoreProblemDialog))
            dialog = app.screen
            assert isinstance(dialog, StoreProblemDialog)
            await until(pilot, lambda: bool(dialog.query("Static")))  # composed and mounted
            assert "open in another newsreader" in dialog.message
            assert not dialog.can_move and dialog.can_read
            shown = " ".join(str(s.render()) for s in dialog.query("Static"))
            assert "m: move" not in shown and "ctrl+q" in shown
            await pilot.press("m")
            await pilot.pause()
            assert isinstance(app.screen, StoreProblemDialog)  # m does nothing here
            await pilot.press("ctrl+q")
            await pilot.pause()
        assert not app.is_running
        assert not list(tmp_path.glob("*broken*"))
        other.create_span(docs[0].id, *docs[0].sentences[3], "claim")
    with Store.open(path, read_only=True) as again:
        assert again.counts()["spans"] == 2


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX advisory locks")
async def test_moving_aside_is_refused_while_the_store_is_locked(tmp_path: Path) -> None:
    # A broken store offers m; if another process takes the lock meanwhile, m refuses.
    path = tmp_path / "store.json"
    path.write_text('{"meta": {')
    app = make_app(
        load_sample(), store_path=path, config=Config(), annotator="t", cursor_blink=False
    )
    async with app.run_test(size=SIZE) as pilot:
        for _ in range(40):
            await pilot.pause()
            if isinstance(app.screen, StoreProblemDialog):
                break
        assert isinstance(app.screen, StoreProblemDialog) and app.screen.can_move
        import fcntl

        # Held as a newsreader holds it: an advisory lock on NAME.lock naming the process.
        with open(path.with_name(path.name + ".lock"), "w") as lock:
            lock.write(str(os.getpid()))
            lock.flush()
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
            await pilot.press("m")
            await pilot.pause()
        assert not list(tmp_path.glob("*broken*"))
        assert any("in use" in str(n.message) for n in app._notifications)
