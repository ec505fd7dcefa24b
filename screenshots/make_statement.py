"""Make the README's picture of the statement view (``g``) from a headless run of the app.

    python screenshots/make_statement.py      (the PNG copy needs cairosvg: pip install cairosvg)

Marie Harf's words in three outlets, by two annotators, with their relations; writes
statement.svg and statement.png into this folder.
"""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from make import HERE, STORE, at, demo_app, ready

from newsreader.annotations.store import Store
from newsreader.corpus import load_sample

SIZE = (150, 40)


async def shoot() -> Path:
    app = demo_app()  # the main picture's store, with Marie Harf's quote in Newsy
    documents = load_sample().documents
    docs = {d.outlet: d for d in documents}
    breitbart, portal = docs["Breitbart"], docs["Current events portal"]
    with Store.open(STORE, annotator="bo") as store:
        store.attach(documents)
        harf = next(s for s in store.spans(docs["Newsy"].id) if s.speaker == "Marie Harf")
        said = store.create_span(
            breitbart.id,
            *at(breitbart, "we won’t be coordinating military action with Iran"),
            "quote",
            {"speaker": "Marie Harf"},
        )
        store.link(harf.id, said.id, "paraphrase")
        told = store.create_span(
            portal.id, *at(portal, "it will not coordinate with Iran in the fight"), "claim"
        )
        store.link(harf.id, told.id, "partial")
    async with app.run_test(size=SIZE) as pilot:
        await ready(app, pilot)
        await pilot.press("slash", *"we are not coordinating", "enter", "g")
        await pilot.pause()
        await pilot.pause()
        return Path(app.save_screenshot("statement.svg", str(HERE)))


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
