"""How fast the app starts and how much a cursor key costs, beside bare Textual.

1. Launch to first frame: a fresh Python process starts, imports, loads two articles of the
   sample corpus and draws its first frame (Textual's ``Ready`` event), headless; the same for a
   bare Textual app showing the same two texts in Statics (with a header and a footer, as the
   baseline of ``../shared/checks/startup_ratio.py``) in the same run. Median of 7 launches
   each; target: newsreader no more than 1.3 times the bare app.
2. CPU time per cursor key (down, up, alternating, within the first screen so that neither
   article scrolls) in a 10-line and a 2,000-line article (every line a paragraph that wraps over
   several rows), in newsreader and in a plain soft-wrapped Textual TextArea, in the same run.
   Target: newsreader the same within 20% at 10 and 2,000 lines.

    python tests/benchmarks/bench_tui.py
"""

from __future__ import annotations

import asyncio
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from textual.app import App, ComposeResult
from textual.widgets import TextArea

from newsreader.annotations.config import Config
from newsreader.corpus import SAMPLE_DIR, Document, LoadResult, analyse, content_hash
from newsreader.tui.app import make_app

CHILD = """
import sys, tempfile
from pathlib import Path
kind = sys.argv[1]
seeds = sorted(Path(sys.argv[2]).glob("*.txt"))[:2]
if kind == "bare":
    # As ../shared/checks/startup_ratio.py's baseline: the same two texts, a header, a footer.
    from textual.app import App
    from textual.containers import Horizontal, VerticalScroll
    from textual.widgets import Footer, Header, Static

    class Bare(App):
        def compose(self):
            yield Header()
            with Horizontal():
                for path in seeds:
                    with VerticalScroll():
                        yield Static(path.read_text(), markup=False)
            yield Footer()

        def on_ready(self):
            print("ready", flush=True)
            print("shown", flush=True)
            self.exit()

    Bare().run(headless=True)
else:
    from newsreader.annotations.config import Config
    from newsreader.corpus import load_sample
    from newsreader.tui import app as tui

    class Timed(tui.NewsreaderApp):
        CSS_PATH = str(Path(tui.__file__).with_name("newsreader.tcss"))

        # Textual calls the handler of every class in the MRO that defines one, so these must
        # not call super(): the app's own handler runs after them anyway (calling it here ran
        # it twice, loading the articles and opening the store twice in the timed run).
        def on_ready(self):
            print("ready", flush=True)  # the first frame
            if self.documents:  # a few files load before the first frame
                self.call_after_refresh(self.shown)

        def on_documents_loaded(self, message):  # a folder loads in a worker
            self.call_after_refresh(self.shown)

        def shown(self):
            print("shown", flush=True)  # the first frame with the seeds' text
            self.exit()

    folder = tempfile.mkdtemp()
    # As the command line does with two article files.
    Timed(None, paths=seeds, store_path=Path(folder) / "s.json", config=Config()).run(
        headless=True
    )
"""


def launch(kind: str) -> tuple[float, float]:
    """(seconds to the first frame, seconds to the first frame showing the articles)."""
    began = time.perf_counter()
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, kind, str(SAMPLE_DIR)], stdout=subprocess.PIPE, text=True
    )
    assert child.stdout is not None
    first = child.stdout.readline()
    ready = time.perf_counter() - began
    second = child.stdout.readline()
    shown = time.perf_counter() - began
    child.wait()
    assert (first.strip(), second.strip()) == ("ready", "shown"), (kind, first, second)
    return ready, shown


def article(lines: int) -> Document:
    paragraph = (
        "The quick brown fox jumps over the lazy dog while the outlets argue about who said "
        "what, and when, and whether the words were the same in every version of the story. "
    )
    # Every line wraps over five or six rows, so that even 10 lines fill the screen: the two
    # articles then draw the same amount, and only their length differs.
    text = "\n".join(f"{i}. {paragraph * 4}" for i in range(lines))
    return Document(
        id=f"a{lines}",
        path=f"/virtual/{lines}.txt",
        text=text,
        content_hash=content_hash(text),
        title=f"{lines} lines",
        outlet="Bench",
        date=None,
        url=None,
        structure=analyse(text, 0),
    )


def cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


async def keys_in(app: App[None], view_query: str, presses: int = 150) -> float:
    async with app.run_test(size=(120, 40)) as pilot:
        for _ in range(30):
            await app.workers.wait_for_complete()
            await pilot.pause()
        view = app.query_one(view_query, TextArea)
        view.focus()
        await pilot.press("down", "down", "down")
        await pilot.pause()
        began = cpu()
        for _ in range(presses):
            await pilot.press("down", "up")
        await pilot.pause()
        return (cpu() - began) / (2 * presses) * 1000


class Plain(App[None]):
    def __init__(self, text: str) -> None:
        super().__init__()
        self.text = text

    def compose(self) -> ComposeResult:
        yield TextArea(self.text, read_only=True, soft_wrap=True, id="plain")


def main() -> None:
    print("1. launch to first frame (median of 7, headless)")
    for kind in ("bare", "newsreader"):
        launch(kind)  # warm the file cache
    bare = statistics.median(launch("bare")[0] for _ in range(7))
    runs = [launch("newsreader") for _ in range(7)]
    ours = statistics.median(r[0] for r in runs)
    shown = statistics.median(r[1] for r in runs)
    print(
        f"   bare Textual app {bare * 1000:4.0f} ms   newsreader on the seeds: first frame "
        f"{ours * 1000:4.0f} ms (ratio {ours / bare:.2f}, target ≤ 1.3), first frame showing the "
        f"articles {shown * 1000:4.0f} ms (ratio {shown / bare:.2f})"
    )
    print("2. CPU time per cursor key")
    for lines in (10, 2000):
        doc = article(lines)
        with tempfile.TemporaryDirectory() as folder:
            app = make_app(
                LoadResult(documents=[doc]),
                store_path=Path(folder) / "s.json",
                config=Config(),
                panes=1,
                cursor_blink=False,
            )
            ours_key = asyncio.run(keys_in(app, "#article-1"))
        plain_key = asyncio.run(keys_in(Plain(doc.text), "#plain"))
        print(
            f"   {lines:>5} lines: newsreader {ours_key:5.2f} ms   plain soft-wrapped TextArea "
            f"{plain_key:5.2f} ms"
        )


if __name__ == "__main__":
    main()
