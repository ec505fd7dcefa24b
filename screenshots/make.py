"""Make the README's screenshots from a headless run of the app on the sample corpus.

    python screenshots/make.py        (PNG copies need cairosvg: pip install cairosvg)

Writes main.svg (spans, a quote with its speaker, and a statement linked across two outlets),
link-panel.svg and coverage.svg, and a PNG of each, into this folder; and stories.svg, the
stories screen (``t``) on BASIL's articles when ``../shared`` (or ``$NEWSREADER_SHARED``) is
there, else on the sample corpus.
"""

from __future__ import annotations

import asyncio
import os
import shutil
from pathlib import Path

from newsreader.annotations.config import Config
from newsreader.annotations.store import Store
from newsreader.corpus import Document, load_sample
from newsreader.tui.app import NewsreaderApp, make_app

HERE = Path(__file__).resolve().parent
SHARED = Path(os.environ.get("NEWSREADER_SHARED", HERE.parents[1] / "shared"))
STORE = Path("/tmp/newsreader-demo/annotations.json")
SIZE = (150, 60)


def at(doc: Document, words: str) -> tuple[int, int]:
    start = doc.text.index(words)
    return start, start + len(words)


def demo_app() -> NewsreaderApp:
    """The sample corpus with claims and quotes, two of them linked across outlets."""
    shutil.rmtree(STORE.parent, ignore_errors=True)
    result = load_sample()
    docs = {d.outlet: d for d in result.documents}
    newsy, wire, focus = docs["Newsy"], docs["The Wire"], docs["Iran Media Focus"]
    with Store.open(STORE, annotator="ana") as store:
        store.attach(result.documents)
        claim = store.create_span(
            newsy.id, *at(newsy, "Ayatollah Ali Khamenei, ruled out any cooperation"), "claim"
        )
        other = store.create_span(
            wire.id, *at(wire, "Ayatollah Ali Khamenei, rejected a U.S. bid"), "claim"
        )
        store.link(claim.id, other.id, "paraphrase")
        store.create_span(
            newsy.id,
            *at(newsy, "we are not coordinating with, we do not want to coordinate with"),
            "quote",
            {"speaker": "Marie Harf"},
        )
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
    return make_app(result, store_path=STORE, config=Config(), annotator="ana", cursor_blink=False)


async def ready(app: NewsreaderApp, pilot: object) -> None:
    for _ in range(50):
        await app.workers.wait_for_complete()
        await pilot.pause()  # type: ignore[attr-defined]
        if app.linker is not None and not app.busy:
            break
    app.clear_notifications()
    await pilot.pause()  # type: ignore[attr-defined]


async def shoot() -> list[Path]:
    written = []
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await ready(app, pilot)
        await pilot.press("slash", *"ruled out any", "enter")
        await pilot.pause()
        app.clear_notifications()
        await pilot.pause()
        written.append(Path(app.save_screenshot("main.svg", str(HERE))))
        await pilot.press("slash", *"right for any number", "enter", "l")
        await ready(app, pilot)
        written.append(Path(app.save_screenshot("link-panel.svg", str(HERE))))
        await pilot.press("escape", "v")
        await ready(app, pilot)  # the matrix is built in a worker
        await pilot.press("down")
        await pilot.pause()
        written.append(Path(app.save_screenshot("coverage.svg", str(HERE))))
    return written


async def shoot_stories() -> Path:
    """The stories screen: BASIL's events with their outlets and dates (else the sample's)."""
    from newsreader.tui.screens.stories import StoriesScreen

    basil = SHARED / "corpora" / "basil" / "articles"
    paths = [basil] if basil.is_dir() else []
    store = STORE.parent / "stories.json"
    app = make_app(paths=paths, store_path=store, config=Config(), cursor_blink=False)
    async with app.run_test(size=SIZE) as pilot:
        for _ in range(200):
            await pilot.pause()
            if app.documents:
                break
        await ready(app, pilot)
        await pilot.press("t")
        for _ in range(400):
            await pilot.pause()
            if isinstance(app.screen, StoriesScreen):
                break
        await pilot.press(*"trump")
        await pilot.pause()
        app.clear_notifications()
        await pilot.pause()
        return Path(app.save_screenshot("stories.svg", str(HERE)))


def main() -> None:
    svgs = asyncio.run(shoot())
    svgs.append(asyncio.run(shoot_stories()))
    try:
        import cairosvg  # type: ignore[import-not-found]
    except ImportError:
        print("wrote", ", ".join(p.name for p in svgs), "(pip install cairosvg for PNG copies)")
        return
    for svg in svgs:
        png = svg.with_suffix(".png")
        cairosvg.svg2png(url=str(svg), write_to=str(png), output_width=1500)
        print("wrote", svg.name, "and", png.name)


if __name__ == "__main__":
    main()
