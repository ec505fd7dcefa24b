"""Snapshots of the main screen, the link panel, the coverage screen and the help screen.

Run ``pytest tests/tui/test_snapshots.py --snapshot-update`` after an intended change of look,
and look at the report before committing the new pictures.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from newsreader.annotations.config import Config
from newsreader.annotations.store import Store
from newsreader.corpus import Document, load_sample
from newsreader.tui.app import NewsreaderApp, make_app

SIZE = (150, 42)
# The status bar shows the store's path, so every run uses the same one.
STORES = Path("/tmp/newsreader-snapshots")


def at(doc: Document, words: str) -> tuple[int, int]:
    start = doc.text.index(words)
    return start, start + len(words)


def prepared_app(name: str) -> NewsreaderApp:
    """The sample corpus with a claim linked across two outlets and a quote with its speaker."""
    folder = STORES / name
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    result = load_sample()
    docs = {d.outlet: d for d in result.documents}
    newsy, wire, focus = docs["Newsy"], docs["The Wire"], docs["Iran Media Focus"]
    with Store.open(folder / "store.json", annotator="tester") as store:
        store.attach(result.documents)
        claim = store.create_span(
            newsy.id, *at(newsy, "Ayatollah Ali Khamenei, ruled out any cooperation"), "claim"
        )
        other = store.create_span(
            wire.id, *at(wire, "Ayatollah Ali Khamenei, rejected a U.S. bid"), "claim"
        )
        store.link(claim.id, other.id, "paraphrase")
        kerry = store.create_span(
            newsy.id,
            *at(newsy, "it would not be right for any number of reasons"),
            "quote",
            {"speaker": "John Kerry"},
        )
        version = store.create_span(
            focus.id,
            *at(focus, "“It would not be appropriate”, stated Kerry, “for any number of reasons”"),
            "quote",
            {"speaker": "Kerry"},
        )
        store.link(kerry.id, version.id, "misquote")
    return make_app(
        result,
        store_path=folder / "store.json",
        config=Config(),
        annotator="tester",
        cursor_blink=False,
    )


async def ready(pilot: Any) -> None:
    app = pilot.app
    for _ in range(50):
        await app.workers.wait_for_complete()
        await pilot.pause()
        if app.linker is not None and not app.busy:
            break
    app.clear_notifications()
    await pilot.pause()


async def on_the_linked_claim(pilot: Any) -> None:
    await ready(pilot)
    await pilot.press("slash", *"ruled out any", "enter")
    await pilot.pause()
    pilot.app.clear_notifications()
    await pilot.pause()


def test_main_screen(snap_compare: Any) -> None:
    assert snap_compare(prepared_app("main"), terminal_size=SIZE, run_before=on_the_linked_claim)


def test_link_panel(snap_compare: Any) -> None:
    async def open_panel(pilot: Any) -> None:
        await ready(pilot)
        await pilot.press("slash", *"right for any number", "enter", "l")
        await ready(pilot)

    assert snap_compare(prepared_app("link"), terminal_size=SIZE, run_before=open_panel)


def test_coverage_screen(snap_compare: Any) -> None:
    async def open_coverage(pilot: Any) -> None:
        await ready(pilot)
        await pilot.press("v")
        await ready(pilot)  # the matrix is built in a worker
        await pilot.press("down")
        await pilot.pause()

    assert snap_compare(prepared_app("coverage"), terminal_size=SIZE, run_before=open_coverage)


def test_help_screen(snap_compare: Any) -> None:
    async def open_help(pilot: Any) -> None:
        await ready(pilot)
        await pilot.press("question_mark")
        await pilot.pause()

    assert snap_compare(prepared_app("help"), terminal_size=SIZE, run_before=open_help)
