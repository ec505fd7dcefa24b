"""Launch to the first frame showing article text, in CPU time and wall time, beside bare Textual.

What ``../shared/checks/startup_ratio.py`` (two seed articles) and ``big_startup.py`` (the whole
PolNeAR folder) time in tmux, measured so that the load of a shared machine matters less: each
launch runs in a pseudo-terminal of 180x50 with Textual's real driver, and the child process
itself notes its CPU time (all threads) and wall time the moment the text reaches the terminal
(the bytes written, escape sequences removed, hold the check's marker words), then exits. The
baseline is the checks' own bare Textual app (a header, two Statics, a footer), launched the same
way and alternated with newsreader. Median over the runs after a warm-up pair.

    python tests/benchmarks/bench_launch.py [--runs 7] [--big] [--profile] [--instructions]

``--big`` launches on ``../shared/corpora/polnear/data`` (a copy with a marker word at the start of
each article's first paragraph, as ``big_startup.py`` makes) instead of two seed articles.
``--profile`` runs newsreader, then the bare app, once each under cProfile timed in CPU time, and
prints where it went until the first text (``--sort tottime``, ``--lines N``).
``--instructions`` runs newsreader, then the bare app, once each under valgrind's cachegrind and
prints the instructions each executed until its first text: the same from run to run whatever
the machine's load (about a minute each; valgrind must be installed).
"""

from __future__ import annotations

import argparse
import fcntl
import os
import pty
import select
import shutil
import statistics
import struct
import subprocess
import sys
import tempfile
import termios
import time
from pathlib import Path

SHARED = Path(__file__).resolve().parents[2].parent / "shared"
SEEDS = SHARED / "corpora" / "seeds"
POLNEAR = SHARED / "corpora" / "polnear" / "data"
BIG_MARK = "Zqxmark"

CHILD = r"""
import os, re, resource, sys, time
began = time.perf_counter()
kind, out, markers = sys.argv[1], sys.argv[2], sys.argv[3].split(",")
args = sys.argv[4:]
profile = os.environ.get("BENCH_LAUNCH_PROFILE")
if profile:
    import cProfile
    profiler = cProfile.Profile(time.process_time)
    profiler.enable()
from textual.drivers.linux_driver import LinuxDriver
written = []
CSI = re.compile(r"\x1b\[[0-9;?<>=]*[ -/]*[@-~]|\x1b[\]P_^][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b.")
plain = write = LinuxDriver.write
def write(self, data):
    plain(self, data)
    written.append(CSI.sub("", data))
    seen = "".join(written)
    if all(m in seen for m in markers):
        usage = resource.getrusage(resource.RUSAGE_SELF)
        if profile:
            profiler.disable()
            profiler.dump_stats(profile)
        with open(out, "w") as handle:
            handle.write(f"{usage.ru_utime + usage.ru_stime} {time.perf_counter() - began}")
        os._exit(0)
LinuxDriver.write = write
if kind == "bare":
    from pathlib import Path
    from textual.app import App
    from textual.containers import Horizontal, VerticalScroll
    from textual.widgets import Static, Header, Footer
    class Bare(App):
        def compose(self):
            yield Header()
            with Horizontal():
                for p in args:
                    with VerticalScroll():
                        yield Static(Path(p).read_text(), markup=False)
            yield Footer()
    Bare().run()
else:
    sys.argv = ["newsreader", *args]
    from newsreader.tui.launch import main
    main()
"""


def launch(
    kind: str, markers: list[str], args: list[str], profile: str = "", counted: str = ""
) -> tuple[float, float]:
    """(CPU seconds, wall seconds) from the child's start to its first text on the terminal;
    with ``counted``, run under cachegrind, which writes its count there."""
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "out"
        prefix = (
            ["valgrind", "--tool=cachegrind", "--cache-sim=no", f"--cachegrind-out-file={counted}"]
            if counted
            else []
        )
        master, slave = pty.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 50, 180, 0, 0))
        env = {**os.environ, "TERM": "xterm-256color", "COLUMNS": "180", "LINES": "50"}
        if profile:
            env["BENCH_LAUNCH_PROFILE"] = profile
        child = subprocess.Popen(
            [*prefix, sys.executable, "-c", CHILD, kind, str(out), ",".join(markers), *args],
            stdin=slave,
            stdout=slave,
            stderr=slave,
            env=env,
            start_new_session=True,
        )
        os.close(slave)
        deadline = time.monotonic() + (600 if counted else 120)
        while child.poll() is None and time.monotonic() < deadline:
            ready, _, _ = select.select([master], [], [], 0.05)
            if ready:
                try:
                    os.read(master, 1 << 16)
                except OSError:
                    break
        if child.poll() is None:
            child.kill()
            child.wait()
        os.close(master)
        if not out.exists():
            raise SystemExit(f"{kind}: no text on the terminal within 120 s")
        cpu, wall = out.read_text().split()
        return float(cpu), float(wall)


def big_corpus(folder: Path) -> tuple[Path, list[Path]]:
    """A copy of PolNeAR with a marker word in each article, as big_startup.py makes it."""
    corpus = folder / "polnear"
    shutil.copytree(POLNEAR, corpus, ignore=shutil.ignore_patterns("attributions"))
    files = sorted(corpus.rglob("*.txt"))
    for f in files:
        lines = f.read_text(encoding="utf-8").split("\n")
        i = next((k for k in range(1, len(lines)) if lines[k].strip()), 0)
        lines[i] = BIG_MARK + " " + lines[i]
        f.write_text("\n".join(lines), encoding="utf-8")
    return corpus, files


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--big", action="store_true")
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--instructions", action="store_true")
    parser.add_argument("--sort", default="cumulative", help="the profile's order (pstats)")
    parser.add_argument("--lines", type=int, default=60, help="the profile's length")
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        if options.big:
            corpus, files = big_corpus(Path(folder))
            markers = [BIG_MARK]
            bare_args = [str(files[0]), str(files[1])]
            ours_args = [str(corpus)]
            what = f"the whole PolNeAR folder ({len(files)} articles)"
        else:
            a, b = next(SEEDS.glob("002_*.txt")), next(SEEDS.glob("000_*.txt"))
            markers = ["Invited", "Iran"]
            bare_args = ours_args = [str(a), str(b)]
            what = "two seed articles"
        if options.instructions:
            counts = {}
            db = Path(folder) / "i.json"
            for kind, args in (("newsreader", ["--db", str(db), *ours_args]), ("bare", bare_args)):
                counted = Path(folder) / f"{kind}.cachegrind"
                launch(kind, markers, args, counted=str(counted))
                summary = next(
                    line for line in counted.read_text().splitlines() if line.startswith("summary:")
                )
                counts[kind] = int(summary.split()[1])
            print(f"launch to the first text, {what}, instructions (valgrind cachegrind)")
            print(
                f"  newsreader {counts['newsreader'] / 1e6:,.1f} M, bare Textual "
                f"{counts['bare'] / 1e6:,.1f} M, ratio {counts['newsreader'] / counts['bare']:.3f}"
            )
            return
        if options.profile:
            import pstats

            stats = Path(folder) / "profile"
            db = Path(folder) / "p.json"
            for kind, args in (("newsreader", ["--db", str(db), *ours_args]), ("bare", bare_args)):
                launch(kind, markers, args, str(stats))
                print(f"== {kind}")
                pstats.Stats(str(stats)).sort_stats(options.sort).print_stats(options.lines)
            return
        ours: list[tuple[float, float]] = []
        bare: list[tuple[float, float]] = []
        for i in range(options.runs + 1):
            db = Path(folder) / f"s{i}.json"
            ours.append(launch("newsreader", markers, ["--db", str(db), *ours_args]))
            bare.append(launch("bare", markers, bare_args))
        ours, bare = ours[1:], bare[1:]  # the first pair warms the file cache
        cpu = statistics.median(o[0] / b[0] for o, b in zip(ours, bare, strict=True))
        wall = statistics.median(o[1] / b[1] for o, b in zip(ours, bare, strict=True))
        load = os.getloadavg()[0]
        print(f"launch to the first text, {what}, median of {options.runs} alternated runs")
        print(
            f"  CPU:  newsreader {statistics.median(o[0] for o in ours):.3f} s, bare Textual "
            f"{statistics.median(b[0] for b in bare):.3f} s, ratio {cpu:.2f}"
        )
        print(
            f"  wall: newsreader {statistics.median(o[1] for o in ours):.3f} s, bare Textual "
            f"{statistics.median(b[1] for b in bare):.3f} s, ratio {wall:.2f}  (load {load:.1f})"
        )


if __name__ == "__main__":
    main()
