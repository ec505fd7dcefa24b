"""Make the README's screenshot of the curation screen from a headless run.

    python screenshots/make_curation.py        (the PNG copy needs cairosvg)

Two annotators, ana and bo, annotate the sample corpus's Newsy article differently (as their
exports, imported into one store, would hold it); the screen has accepted their agreements,
and ana's version of the first disagreement has been taken with `a` (`p` goes back to it).
Writes curation.svg (and curation.png) into this folder.
"""

from __future__ import annotations

import asyncio
import shutil
from pathlib import Path

from textual.app import App

from newsreader.annotations.model import Span, context, new_id, now
from newsreader.annotations.store import Store
from newsreader.corpus import Document, load_sample
from newsreader.tui.screens.curation import CurationScreen, curation_screen

HERE = Path(__file__).resolve().parent
STORE = Path("/tmp/newsreader-curation-demo/annotations.json")
SIZE = (150, 34)


def tag(store: Store, doc: Document, who: str, words: str, label: str, **attrs: str) -> None:
    """``who``'s span on ``words``, put in as an import of their export puts it."""
    start = doc.text.index(words)
    end = start + len(words)
    prefix, suffix = context(doc.text, start, end)
    stamp = now()
    span = Span(
        new_id("s"),
        doc.id,
        doc.content_hash,
        start,
        end,
        words,
        prefix,
        suffix,
        label,
        dict(attrs),
        who,
        stamp,
        stamp,
    )
    store.import_spans([span], {}, [])


class Host(App[None]):
    def __init__(self, screen: CurationScreen) -> None:
        super().__init__()
        self.curation = screen

    def on_mount(self) -> None:
        self.push_screen(self.curation)


async def shoot() -> Path:
    shutil.rmtree(STORE.parent, ignore_errors=True)
    docs = {d.outlet: d for d in load_sample().documents}
    newsy = docs["Newsy"]
    store = Store.open(STORE, annotator="ana")
    store.attach([newsy])
    khamenei = "Ayatollah Ali Khamenei, ruled out any cooperation"
    harf = "we are not coordinating with, we do not want to coordinate with"
    kerry = "it would not be right for any number of reasons"
    for who in ("ana", "bo"):
        tag(store, newsy, who, khamenei, "claim")
    tag(store, newsy, "ana", harf, "quote", speaker="Marie Harf")
    tag(store, newsy, "bo", harf, "claim")
    tag(store, newsy, "ana", kerry, "quote", speaker="John Kerry")
    tag(store, newsy, "bo", kerry[:-12], "quote", speaker="Kerry")
    screen = curation_screen(store, newsy)
    app = Host(screen)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("a", "p")
        await pilot.pause()
        path = Path(app.save_screenshot("curation.svg", str(HERE)))
    store.close()
    return path


def main() -> None:
    svg = asyncio.run(shoot())
    try:
        import cairosvg  # type: ignore[import-not-found]
    except ImportError:
        print("wrote", svg.name, "(pip install cairosvg for a PNG copy)")
        return
    png = svg.with_suffix(".png")
    cairosvg.svg2png(url=str(svg), write_to=str(png), output_width=1500)
    print("wrote", svg.name, "and", png.name)


if __name__ == "__main__":
    main()
