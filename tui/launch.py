"""The ``newsreader`` console script: opening the app takes the short road.

Opening articles in a terminal is what a user does most, and the first frame should not wait for
the rest of the command line (formats, linking, coverage, the store: ``tui/cli.py`` imports them
all), nor for click. So ``main`` opens the app itself when the command line asks for it on a
terminal: the ``open`` options are declared once (``OPEN_OPTIONS``), ``parse_open`` reads a
well-formed command line of them without click, and anything else (``--help``, an unknown or
malformed option) goes to click's ``open`` command in ``cli.py``, which ``open_options`` builds
from the same declarations, so its messages stay click's. ``tests/tui/test_launch.py`` checks
that both read every command line alike. Every other command line goes to ``cli.main``.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

OTHER_COMMANDS = frozenset(
    {
        "inspect",
        "export",
        "import",
        "align",
        "coverage",
        "store",
        "agree",
        "stories",
        "curate",
        "prepare",
    }
)
"""Commands of ``cli.py`` besides ``open`` (a test checks every one of them is listed)."""


def opens_the_app(args: Sequence[str], *, terminal: bool) -> bool:
    """True when ``newsreader ARGS`` opens the app on a terminal (not another command)."""
    if not terminal:
        return False
    if not args:
        return True
    first = args[0]
    return first == "open" or (
        first not in OTHER_COMMANDS and first not in ("-h", "--help", "--version")
    )


@dataclass(frozen=True)
class OpenOption:
    """One option of ``open``: its flag, its parameter, whether it takes a value, its help."""

    flag: str
    name: str
    help: str
    takes_value: bool = True
    default: Any = None


PANES = (1, 4)
"""The fewest and most panes ``--panes`` accepts."""

OPEN_OPTIONS = (
    OpenOption("--manifest", "manifest", "A manifest naming outlet, date, url per file."),
    OpenOption(
        "--db",
        "db",
        "The annotation store (a TinyDB file); see `newsreader store` for the default.",
    ),
    OpenOption("--annotator", "annotator", "The name written on your annotations."),
    OpenOption(
        "--read-only",
        "read_only",
        "Open the store read-only (no edits saved).",
        takes_value=False,
        default=False,
    ),
    OpenOption("--panes", "panes", "Articles side by side.", default=2),
)
"""The ``open`` command's options, declared once for ``parse_open`` and for click."""


def open_options(function: Any) -> Any:
    """The ``open`` command's arguments and options as click decorators (for ``cli.py``)."""
    import click

    decorators = [click.argument("paths", nargs=-1, type=click.Path())]
    for option in OPEN_OPTIONS:
        if not option.takes_value:
            decorators.append(click.option(option.flag, is_flag=True, help=option.help))
        elif option.name == "panes":
            decorators.append(
                click.option(
                    option.flag,
                    type=click.IntRange(*PANES),
                    default=option.default,
                    show_default=True,
                    help=option.help,
                )
            )
        elif option.name == "db":
            decorators.append(
                click.option(option.flag, type=click.Path(dir_okay=False), help=option.help)
            )
        else:
            decorators.append(click.option(option.flag, type=click.Path(), help=option.help))
    for decorator in reversed(decorators):
        function = decorator(function)
    return function


def parse_open(args: Sequence[str]) -> dict[str, Any] | None:
    """The ``open`` parameters of a well-formed command line, as click would read them; None
    for anything click should answer (help, an unknown option, a missing or bad value)."""
    options = {option.flag: option for option in OPEN_OPTIONS}
    values: dict[str, Any] = {option.name: option.default for option in OPEN_OPTIONS}
    paths: list[str] = []
    rest = list(args)
    only_paths = False
    while rest:
        arg = rest.pop(0)
        if only_paths or arg == "-" or not arg.startswith("-"):
            paths.append(arg)
            continue
        if arg == "--":
            only_paths = True
            continue
        flag, equals, value = arg.partition("=")
        option = options.get(flag)
        if option is None:
            return None
        if not option.takes_value:
            if equals:
                return None
            values[option.name] = True
            continue
        if not equals:
            if not rest or rest[0].startswith("-"):
                return None
            value = rest.pop(0)
        if not value:
            return None
        values[option.name] = value
    try:
        panes = int(values["panes"])
    except ValueError:
        return None
    if not PANES[0] <= panes <= PANES[1]:
        return None
    values["panes"] = panes
    values["paths"] = tuple(paths)
    # click's Path checks: an existing path must be readable, and the store not a folder.
    named = [*paths, values["manifest"], values["db"]]
    if any(p is not None and os.path.exists(p) and not os.access(p, os.R_OK) for p in named):
        return None
    if values["db"] is not None and os.path.isdir(values["db"]):
        return None
    return values


def open_app(
    paths: Sequence[str],
    manifest: str | None,
    db: str | None,
    annotator: str | None,
    read_only: bool,
    panes: int,
) -> int:
    """Open the articles at PATHS side by side in the app (the sample corpus when none)."""
    from . import launch_gc

    launch_gc.pause()  # until the first text is drawn (the app resumes it): see launch_gc
    try:
        from newsreader.annotations.config import ConfigError, load_config

        try:
            config = load_config()
        except ConfigError as error:
            print(f"newsreader: {error}", file=sys.stderr)
            return 2
        from newsreader.corpus.loaders import SAMPLE_DIR

        from .app import make_app

        # A few files are read before the first frame, folders in a worker once it is up.
        make_app(
            paths=[str(SAMPLE_DIR)] if not paths else [str(Path(p)) for p in paths],
            manifest=manifest,
            store_path=config.store_path(db),
            config=config,
            annotator=annotator,
            panes=panes,
            read_only=read_only,
        ).run()
        return 0
    finally:
        launch_gc.resume()


def main(argv: Sequence[str] | None = None) -> Any:
    """Entry point of the ``newsreader`` console script."""
    args = list(sys.argv[1:] if argv is None else argv)
    if opens_the_app(args, terminal=sys.stdout.isatty() and sys.stdin.isatty()):
        rest = args[1:] if args and args[0] == "open" else args
        values = parse_open(rest)
        if values is not None:
            return open_app(**values)
        args = ["open", *rest]  # click says what is wrong, or prints the help
    elif args and args[0] == "agree":
        # ``agree`` on exports needs none of what ``cli.py`` imports (a benchmarked command).
        from .cli_agree import agree_command

        return agree_command.main(
            args=args[1:], prog_name="newsreader agree", help_option_names=["-h", "--help"]
        )
    from .cli import main as cli_main

    return cli_main(args)


__all__ = [
    "OPEN_OPTIONS",
    "OTHER_COMMANDS",
    "OpenOption",
    "main",
    "open_app",
    "open_options",
    "opens_the_app",
    "parse_open",
]
