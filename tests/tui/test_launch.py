"""The console script's short road to the app, and that it agrees with the full command line."""

from __future__ import annotations

import subprocess
import sys

import click
import pytest

from newsreader.tui import cli, launch


def _params(command: click.Command) -> list[tuple[str | None, tuple[str, ...], bool]]:
    return sorted(
        (p.name, tuple(p.opts), bool(getattr(p, "is_flag", False))) for p in command.params
    )


def test_the_short_road_takes_the_same_options_as_open() -> None:
    assert _params(launch.open_app) == _params(cli.cli.commands["open"])


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


def test_opening_the_app_does_not_import_the_rest_of_the_command_line() -> None:
    code = (
        "import sys; import newsreader.tui.launch, newsreader.tui.app; "
        "print(sorted(m for m in sys.modules if m.startswith('newsreader')))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    for heavy in ("cli", "formats", "store", "linking", "coverage", "journal", "jsonl"):
        assert f"'newsreader.annotations.{heavy}'" not in out.stdout, heavy
        assert f"'newsreader.tui.{heavy}'" not in out.stdout, heavy
