"""The console script's short road to the app, and that it agrees with the full command line."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import click
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newsreader.tui import cli, launch


def _params(command: click.Command) -> list[tuple[str | None, tuple[str, ...], bool]]:
    return sorted(
        (p.name, tuple(p.opts), bool(getattr(p, "is_flag", False))) for p in command.params
    )


def test_the_short_road_takes_the_same_options_as_open() -> None:
    declared = [(o.name, (o.flag,), not o.takes_value) for o in launch.OPEN_OPTIONS] + [
        ("paths", ("paths",), False)
    ]
    assert sorted(declared) == _params(cli.cli.commands["open"])


def _click_reads(args: list[str]) -> dict[str, object] | None:
    """What click's ``open`` command makes of ``args`` (None when it refuses them or prints
    its help)."""
    command = cli.cli.commands["open"]
    try:
        with command.make_context("open", list(args)) as context:
            return dict(context.params)
    except (click.exceptions.ClickException, click.exceptions.Exit):
        return None


TOKENS = [
    "a.txt",
    "some folder/b.md",
    "-",
    "--",
    "--db",
    "x.json",
    "--db=y.json",
    "--panes",
    "3",
    "0",
    "5",
    "two",
    "--panes=4",
    "--read-only",
    "--read-only=yes",
    "--manifest",
    "m.csv",
    "--annotator",
    "ana",
    "--annotator=",
    "-h",
    "--help",
    "--bogus",
    "--pan",
    "-x",
]


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(TOKENS), max_size=7))
def test_the_short_road_reads_a_command_line_as_click_does(args: list[str]) -> None:
    # Either both read the same parameters, or the short road leaves the line to click (which
    # prints its help or says what is wrong); it never opens what click would refuse.
    ours = launch.parse_open(args)
    if ours is not None:
        assert ours == _click_reads(args)


@pytest.mark.parametrize(
    "args",
    [
        [],
        ["folder"],
        ["a.txt", "b.txt", "--db", "s.json"],
        ["--panes", "3", "folder", "--read-only"],
        ["--db=s.json", "--annotator", "ana", "--manifest", "m.csv", "--", "-odd name.txt"],
    ],
)
def test_the_short_road_reads_the_usual_command_lines_itself(args: list[str]) -> None:
    ours = launch.parse_open(args)
    assert ours is not None and ours == _click_reads(args)


def test_a_folder_as_the_store_is_left_to_click(tmp_path: Path) -> None:
    # click refuses a folder for --db ("is a directory"): the short road does not open it.
    assert _click_reads(["--db", str(tmp_path)]) is None
    assert launch.parse_open(["--db", str(tmp_path)]) is None


def test_every_other_command_is_known_to_the_launcher() -> None:
    others = set(cli.cli.commands) - {"open"}
    missing = others - launch.OTHER_COMMANDS
    assert not missing, f"add {sorted(missing)} to launch.OTHER_COMMANDS"


@pytest.mark.parametrize(
    ("args", "terminal", "expected"),
    [
        ([], True, True),
        (["some/folder", "--panes", "3"], True, True),
        (["--db", "x.json"], True, True),
        (["open", "a.txt"], True, True),
        (["export", "--db", "x.json"], True, False),
        (["store"], True, False),
        (["--help"], True, False),
        (["--version"], True, False),
        ([], False, False),  # no terminal: the full command line prints instead
    ],
)
def test_which_command_lines_open_the_app(args: list[str], terminal: bool, expected: bool) -> None:
    assert launch.opens_the_app(args, terminal=terminal) is expected


def test_the_console_script_still_runs_every_command() -> None:
    # Not on a terminal: the full command line, as before.
    out = subprocess.run(
        [sys.executable, "-m", "newsreader.tui", "store", "--json"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert '"path"' in out.stdout


FIRST_FRAME = """
import sys, tempfile
from pathlib import Path
import textual.app
from newsreader.tui import launch

plain = textual.app.App.run

def run(app, **_):
    def on_ready(self):  # the first frame is drawn: what has been imported for it?
        watched = ("newsreader", "click", "textual.widgets._text_area")
        print(sorted(m for m in sys.modules if m.startswith(watched)))
        self.exit()
    type(app).on_ready = on_ready
    return plain(app, headless=True)

textual.app.App.run = run
seeds = sorted(Path(sys.argv[1]).glob("*.txt"))[:2]
db = Path(tempfile.mkdtemp()) / "s.json"
launch.open_app(**launch.parse_open([*map(str, seeds), "--db", str(db)]))
"""


def test_the_first_frame_waits_for_no_analysis_workbench_text_area_or_click() -> None:
    from newsreader.corpus import SAMPLE_DIR

    out = subprocess.run(
        [sys.executable, "-c", FIRST_FRAME, str(SAMPLE_DIR)],
        capture_output=True,
        text=True,
        check=True,
        stdin=subprocess.DEVNULL,
    )
    loaded = out.stdout
    assert "'newsreader.tui.app'" in loaded  # the app did start
    for late in (
        "click",
        "textual.widgets._text_area",
        "newsreader.annotations.workbench",
        "newsreader.annotations.model",
        "newsreader.corpus.quotes",
        "newsreader.corpus.analysis",
        "newsreader.tui.messages",
        "newsreader.tui.widgets.article_view",
        "newsreader.tui.widgets.footer",
    ):
        assert f"'{late}'" not in loaded, late


def test_opening_the_app_does_not_import_the_rest_of_the_command_line() -> None:
    code = (
        "import sys; import newsreader.tui.launch, newsreader.tui.app; "
        "print(sorted(m for m in sys.modules if m.startswith('newsreader')))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    for heavy in ("cli", "formats", "store", "linking", "coverage", "journal", "jsonl"):
        assert f"'newsreader.annotations.{heavy}'" not in out.stdout, heavy
        assert f"'newsreader.tui.{heavy}'" not in out.stdout, heavy


FOLDER_FIRST_FRAME = """
import gc, sys, tempfile, time
from pathlib import Path
import textual.app
from newsreader.tui import launch

plain = textual.app.App.run
seen = {"gc_at_start": None}

def run(app, **_):
    seen["gc_at_start"] = gc.isenabled()  # paused by the console script's open_app

    def on_ready(self):  # the first frame is drawn: what does it show, and what is imported?
        seen["shown"] = [Path(p.article.path).name if p.article else None for p in self.panes]
        seen["framed"] = [p.has_class("-framed") for p in self.panes]
        seen["listed"] = self.result is not None
        seen["modules"] = sorted(m for m in sys.modules if m.startswith("newsreader"))
        seen["json"] = "json" in sys.modules

        def later():  # once the views are in (at most 20 s: the machine may be busy)
            seen["framed_later"] = [p.has_class("-framed") for p in self.panes]
            if all(seen["framed_later"]) or time.monotonic() > began + 20:
                seen["gc_later"] = gc.isenabled()
                self.exit()

        began = time.monotonic()
        self.set_interval(0.05, later)

    type(app).on_ready = on_ready
    return plain(app, headless=True)

textual.app.App.run = run
db = Path(tempfile.mkdtemp()) / "s.json"
launch.open_app(**launch.parse_open([sys.argv[1], "--db", str(db)]))
seen["gc_after"] = gc.isenabled()
import json  # not before: the first frame must not need it
print(json.dumps(seen))
"""


def test_a_folders_first_frame_shows_its_first_articles_and_nothing_of_the_rest(
    tmp_path: Path,
) -> None:
    import json

    folder = tmp_path / "corpus"
    for sub in ("b", "a"):
        for n in range(30):
            path = folder / sub / f"{n:02}.txt"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(f"Article {sub}{n} Made Headlines\n\nThe text of article {n}.\n")
    (folder / "metadata.csv").write_text("filename,publisher\n00.txt,nyt\n", encoding="utf-8")
    out = subprocess.run(
        [sys.executable, "-c", FOLDER_FIRST_FRAME, str(folder)],
        capture_output=True,
        text=True,
        check=True,
        stdin=subprocess.DEVNULL,
    )
    seen = json.loads(out.stdout.strip().splitlines()[-1])
    # Read at once for the first frame (not by the listing's worker, a frame later).
    assert seen["shown"] == ["00.txt", "01.txt"]
    assert not seen["listed"]
    # The pane borders, the article views and the footer come after the first frame.
    assert seen["framed"] == [False, False] and seen["framed_later"] == [True, True]
    for late in ("newsreader.tui.widgets.article_view", "newsreader.tui.widgets.footer"):
        assert late not in seen["modules"], late
    assert not seen["json"]  # no manifest.json, index or store read before the first frame
    # The collector rests during the launch, and runs again once the text is drawn.
    assert seen["gc_at_start"] is False
    assert seen["gc_later"] is True and seen["gc_after"] is True
