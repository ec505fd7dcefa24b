"""``newsreader INDEX`` on a big index: time to the first frame showing its stories, in tmux,
against a bare Textual app showing two articles (the baseline of
``../shared/checks/big_startup.py``).

An index of ``--size`` articles is built once with ``newsreader prepare`` from a generated CSV
archive (short articles of a few sentences, three outlets per story, a ``story`` column so that
grouping is by metadata: the time measured is opening the index, not preparing it); ``--index``
keeps it for the next run. Every story's titles carry a marker word; the bare app shows two of the
archive's articles, each holding the marker. Runs alternate (newsreader on the index, bare,
newsreader on the bare app's two articles), a warm-up run first, then ``--runs`` timed runs, each
printed; the figure is the median of the run-by-run ratios to the bare app. The target is 1.5x.

``--v1`` adds a launch of the same index as version 1 had it (no first page: pyarrow reads the
first page of stories from the table). ``--cpu`` times the launches with ``bench_launch.py``'s
harness instead of tmux: each runs in a pseudo-terminal and notes its own CPU time (all threads)
and wall time when the marker reaches the terminal, then exits. CPU time is what a loaded
machine disturbs least.

    python tests/benchmarks/bench_index_startup.py [--size 100000] [--index /tmp/idx] [--runs 5]
        [--cpu] [--v1]
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
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


def first_frame(command: str, session: str, mark: str = MARK) -> float:
    """Seconds from starting ``command`` in tmux until ``mark`` is on the screen."""
    name = f"{session}-{uuid.uuid4().hex[:6]}"
    began = time.perf_counter()
    started = _tmux("new-session", "-d", "-s", name, "-x", "180", "-y", "50", command)
    if started.returncode:
        raise RuntimeError(f"tmux could not start {command!r}: {started.stderr.strip()}")
    screen = ""
    try:
        while time.perf_counter() - began < 120:
            screen = _tmux("capture-pane", "-p", "-t", name).stdout
            if mark in screen:
                return time.perf_counter() - began
            time.sleep(0.01)
        print(f"{command!r} never showed {mark!r}; its screen:\n{screen}", file=sys.stderr)
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


def version_1(index: Path, folder: Path) -> Path:
    """The index as version 1 had it (no first page): its files linked, its manifest without
    ``first_page`` (the app then reads the first page from the table with pyarrow)."""
    old = folder / "index-v1"
    old.mkdir()
    for entry in index.iterdir():
        if entry.name not in ("manifest.json", "first_page.json"):
            (old / entry.name).symlink_to(entry.resolve())
    manifest = json.loads((index / "manifest.json").read_text("utf-8"))
    manifest.pop("first_page", None)
    manifest["version"] = 1
    (old / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    return old


def timed_runs(launches: dict[str, Callable[[int], float]], runs: int) -> dict[str, list[float]]:
    """Each launch once per run, alternated, a warm-up run first (dropped); prints every run."""
    times: dict[str, list[float]] = {name: [] for name in launches}
    print(f"load average before: {os.getloadavg()}")
    for n in range(runs + 1):
        for name, launch in launches.items():
            times[name].append(launch(n))
        if n:
            print(
                f"  run {n}: "
                + ", ".join(
                    f"{name} {times[name][-1]:.3f} s ({times[name][-1] / times['bare'][-1]:.2f})"
                    for name in launches
                )
            )
    print(f"load average after: {os.getloadavg()}")
    return {name: values[1:] for name, values in times.items()}


def report(times: dict[str, list[float]], what: str, most: float) -> None:
    """Median seconds of each launch and its median ratio to the bare app's, run by run."""
    bare = times["bare"]
    parts = []
    for name, values in times.items():
        ratio = statistics.median(v / b for v, b in zip(values, bare, strict=True))
        parts.append(f"{name} {statistics.median(values):.3f} s (ratio {ratio:.2f})")
    print(f"  {what}: " + ", ".join(parts) + f"; target for the index <= {most}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", type=int, default=100_000)
    parser.add_argument("--index", type=Path, help="where to build (or find) the index")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--most", type=float, default=1.5)
    parser.add_argument("--cpu", action="store_true", help="pty and CPU time instead of tmux")
    parser.add_argument(
        "--v1", action="store_true", help="also time the index without its first page"
    )
    parser.add_argument(
        "--mark",
        default=MARK,
        help="text the index's first screen shows (an index built elsewhere, e.g. by "
        "bench_prepare.py --keep-index, has no marker in its labels: give a word of its first "
        "story's label); the two-article baselines always show the marker",
    )
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
        files = sorted(str(f) for f in work.glob("article*.txt"))
        # A second baseline: newsreader itself opening the bare app's two articles (what the
        # app costs before any index is read); with --v1, a third: the index without its
        # first page.
        two = work / "two"
        two.mkdir()
        for article in files:
            shutil.copy(article, two)
        targets = {"index": index, "two": two}
        if args.v1:
            targets["index v1"] = version_1(index, work)
        print(f"first frame with the stories of an index of {args.size} articles")
        if args.cpu:
            sys.path.insert(0, str(Path(__file__).parent))
            from bench_launch import launch

            timed: dict[str, list[tuple[float, float]]] = {}

            def pty(name: str, target: Path | None) -> Callable[[int], float]:
                def run(n: int) -> float:
                    if target is None:
                        result = launch("bare", [MARK], files)
                    else:
                        db = str(work / f"store-{name}-{n}.json")
                        mark = args.mark if name.startswith("index") else MARK
                        result = launch("newsreader", [mark], ["--db", db, str(target)])
                    timed.setdefault(name, []).append(result)
                    return result[0]

                return run

            launches = {"index": pty("index", index), "bare": pty("bare", None)}
            launches.update({k: pty(k, v) for k, v in targets.items() if k != "index"})
            print("in a pseudo-terminal; CPU seconds (all threads) to the first frame:")
            cpu = timed_runs(launches, args.runs)
            report(cpu, "CPU ", args.most)
            wall = {k: [w for _, w in v[1:]] for k, v in timed.items()}
            report({k: wall[k] for k in cpu}, "wall", args.most)
            return
        # One session lives throughout, so that the server never exits between two runs (a new
        # session on a server that is exiting fails).
        _tmux("new-session", "-d", "-s", "keep", "-x", "80", "-y", "10", "sleep 100000")

        def in_tmux(name: str, target: Path | None) -> Callable[[int], float]:
            def run(n: int) -> float:
                if target is None:
                    return first_frame(bare, "bare")
                db = work / f"store-{name.replace(' ', '-')}-{n}.json"
                mark = args.mark if name.startswith("index") else MARK
                return first_frame(f"{newsreader} --db {db} {target}", "index", mark)

            return run

        launches = {"index": in_tmux("index", index), "bare": in_tmux("bare", None)}
        launches.update({k: in_tmux(k, v) for k, v in targets.items() if k != "index"})
        print("in tmux; wall seconds to the first frame:")
        report(timed_runs(launches, args.runs), "wall", args.most)
    finally:
        _tmux("kill-server")
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
