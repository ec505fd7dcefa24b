"""``newsreader INDEX`` on a big index: time to the first frame showing its stories, in tmux,
against a bare Textual app showing two articles (the baseline of
``../shared/checks/big_startup.py``).

An index of ``--size`` articles is built once with ``newsreader prepare`` from a generated CSV
archive (short articles of a few sentences, three outlets per story, a ``story`` column so that
grouping is by metadata: the time measured is opening the index, not preparing it); ``--index``
keeps it for the next run. Every story's titles carry a marker word; the bare app shows two of the
archive's articles, each holding the marker. Runs alternate (newsreader, bare), a warm-up pair
first, then ``--runs`` timed pairs; the figure is the median ratio. The target is 1.5x.

``--cpu`` times the same three launches with ``bench_launch.py``'s harness instead of tmux: each
runs in a pseudo-terminal and notes its own CPU time (all threads) and wall time when the marker
reaches the terminal, then exits. CPU time is what a loaded machine disturbs least.

    python tests/benchmarks/bench_index_startup.py [--size 100000] [--index /tmp/idx] [--runs 5]
        [--cpu]
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

MARK = "Zqxmark"
PACKAGES = ("tui", "corpus", "annotations")
OUTLETS = ("Daily Ledger", "Harbor Times", "Northern Post", "Valley Courier", "Metro Wire")
PLACES = ("Lisbon", "Osaka", "Denver", "Nairobi", "Quito", "Tromso", "Perth", "Tbilisi")
EVENTS = ("flood", "strike", "election", "merger", "trial", "storm", "summit", "recall")
NAMES = ("Ana Ruiz", "Tom Okafor", "Lena Berg", "Raj Mehta", "Kim Sato", "Ola Nowak")


def write_archive(path: Path, size: int, seed: int = 7) -> None:
    """A CSV archive of ``size`` short articles, three per story, with a marker in each title."""
    rng = random.Random(seed)
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "story", "title", "text", "outlet", "date"])
        for n in range(size):
            story = n // 3
            place, event, name = (
                PLACES[story % len(PLACES)],
                EVENTS[(story // 8) % len(EVENTS)],
                NAMES[story % len(NAMES)],
            )
            day = 1 + story % 28
            title = f"{MARK} {event} in {place} number {story}"
            text = (
                f"{MARK} {name} spoke about the {event} in {place} on Monday. "
                f'"We are watching closely," {name} said. '
                f"Officials counted {rng.randint(2, 900)} people near the site. "
                f"The {event} was the {story}th of its kind this year."
            )
            writer.writerow(
                [
                    f"a{n}",
                    f"s{story}",
                    title,
                    text,
                    OUTLETS[n % 3 + story % 3],
                    f"2024-03-{day:02d}",
                ]
            )


def build_index(newsreader: str, size: int, index: Path) -> float:
    """Build the index with ``newsreader prepare`` unless it is there; seconds taken (0 if kept)."""
    if (index / "manifest.json").exists():
        return 0.0
    archive = index.with_name(index.name + "-archive.csv")
    write_archive(archive, size)
    began = time.perf_counter()
    subprocess.run(
        [newsreader, "prepare", str(archive), "--out", str(index), "--no-links"],
        check=True,
    )
    return time.perf_counter() - began


SOCKET = "bench-index-startup"
"""A tmux server of its own: sessions of other programs on the default server come and go."""


def _tmux(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["tmux", "-L", SOCKET, *args], capture_output=True, text=True, check=False
    )


def first_frame(command: str, session: str) -> float:
    """Seconds from starting ``command`` in tmux until the marker is on the screen."""
    name = f"{session}-{uuid.uuid4().hex[:6]}"
    began = time.perf_counter()
    started = _tmux("new-session", "-d", "-s", name, "-x", "180", "-y", "50", command)
    if started.returncode:
        raise RuntimeError(f"tmux could not start {command!r}: {started.stderr.strip()}")
    screen = ""
    try:
        while time.perf_counter() - began < 120:
            screen = _tmux("capture-pane", "-p", "-t", name).stdout
            if MARK in screen:
                return time.perf_counter() - began
            time.sleep(0.01)
        print(f"{command!r} never showed {MARK}; its screen:\n{screen}", file=sys.stderr)
        return float("inf")
    finally:
        _tmux("kill-session", "-t", name)


def bare_app(folder: Path, python: str) -> str:
    """The command of a bare Textual app showing two articles holding the marker."""
    texts = []
    for n in range(2):
        article = folder / f"article{n}.txt"
        article.write_text(
            f"Article {n}\n\n{MARK} " + "The council met on Monday to discuss the flood. " * 40,
            encoding="utf-8",
        )
        texts.append(str(article))
    script = folder / "bare.py"
    script.write_text(
        f"""
from pathlib import Path
from textual.app import App
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Static, Header, Footer
class Bare(App):
    def compose(self):
        yield Header()
        with Horizontal():
            for p in {texts!r}:
                with VerticalScroll():
                    yield Static(Path(p).read_text(), markup=False)
        yield Footer()
Bare().run()
""",
        encoding="utf-8",
    )
    return f"{python} {script}"


def cpu_runs(newsreader_args: list[str], bare_files: list[str], two: list[str], runs: int) -> None:
    """Alternated launches in a pseudo-terminal, timed by the child (``bench_launch.launch``)."""
    sys.path.insert(0, str(Path(__file__).parent))
    from bench_launch import launch

    ours, bare, twos = [], [], []
    print(f"load average before: {os.getloadavg()}")
    with tempfile.TemporaryDirectory() as folder:
        for n in range(runs + 1):
            db = str(Path(folder) / f"s{n}.json")
            ours.append(launch("newsreader", [MARK], ["--db", db, *newsreader_args]))
            bare.append(launch("bare", [MARK], bare_files))
            twos.append(launch("newsreader", [MARK], ["--db", db + ".two", *two]))
    print(f"load average after: {os.getloadavg()}")
    ours, bare, twos = ours[1:], bare[1:], twos[1:]
    for k, what in ((0, "CPU"), (1, "wall")):
        ratio = statistics.median(o[k] / b[k] for o, b in zip(ours, bare, strict=True))
        floor = statistics.median(o[k] / b[k] for o, b in zip(twos, bare, strict=True))
        print(
            f"  {what:<4}: index {statistics.median(o[k] for o in ours):.3f} s, bare Textual "
            f"{statistics.median(b[k] for b in bare):.3f} s, ratio {ratio:.2f}; newsreader on "
            f"the 2 articles {statistics.median(t[k] for t in twos):.3f} s, ratio {floor:.2f}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", type=int, default=100_000)
    parser.add_argument("--index", type=Path, help="where to build (or find) the index")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--most", type=float, default=1.5)
    parser.add_argument("--cpu", action="store_true", help="pty and CPU time instead of tmux")
    args = parser.parse_args()
    venv = Path(sys.executable).parent
    newsreader = str(venv / "newsreader")
    work = Path(tempfile.mkdtemp(prefix="bench-index-startup-"))
    index = args.index or work / "index"
    try:
        took = build_index(newsreader, args.size, index)
        if took:
            print(f"built the index of {args.size} articles in {took:.0f} s")
        # An installed package has its bytecode compiled; a worktree run with
        # PYTHONDONTWRITEBYTECODE=1 would otherwise compile newsreader's modules on every launch.
        from newsreader import tui

        package = Path(tui.__file__).resolve().parents[1]
        subprocess.run(
            [sys.executable, "-m", "compileall", "-q", *(str(package / p) for p in PACKAGES)],
            check=True,
            capture_output=True,
        )
        bare = bare_app(work, sys.executable)
        if args.cpu:
            files = sorted(str(f) for f in work.glob("article*.txt"))
            two = work / "two"
            two.mkdir()
            for article in files:
                shutil.copy(article, two)
            print(f"first frame with the stories of an index of {args.size} articles (pty)")
            cpu_runs([str(index)], files, [str(two)], args.runs)
            return
        # A second baseline: newsreader itself opening the bare app's two articles (what the
        # app costs before any index is read).
        two = work / "two"
        two.mkdir()
        for article in work.glob("article*.txt"):
            shutil.copy(article, two / article.name)
        ours_runs, bare_runs, two_runs = [], [], []
        # One session lives throughout, so that the server never exits between two runs (a new
        # session on a server that is exiting fails).
        _tmux("new-session", "-d", "-s", "keep", "-x", "80", "-y", "10", "sleep 100000")
        print(f"load average before: {os.getloadavg()}")
        for n in range(args.runs + 1):
            db = work / f"store{n}.json"
            ours_runs.append(first_frame(f"{newsreader} --db {db} {index}", "index"))
            bare_runs.append(first_frame(bare, "bare"))
            two_runs.append(first_frame(f"{newsreader} --db {db}.two {two}", "two"))
        print(f"load average after: {os.getloadavg()}")
        ours_runs, bare_runs, two_runs = ours_runs[1:], bare_runs[1:], two_runs[1:]
        ratio = statistics.median(o / b for o, b in zip(ours_runs, bare_runs, strict=True))
        floor = statistics.median(o / b for o, b in zip(two_runs, bare_runs, strict=True))
        print(
            f"stories shown from an index of {args.size} articles: newsreader median "
            f"{statistics.median(ours_runs):.2f} s, bare Textual on 2 articles "
            f"{statistics.median(bare_runs):.2f} s, ratio {ratio:.2f} (target <= {args.most}); "
            f"newsreader on the same 2 articles {statistics.median(two_runs):.2f} s, "
            f"ratio {floor:.2f}"
        )
    finally:
        _tmux("kill-server")
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
