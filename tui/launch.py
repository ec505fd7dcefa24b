"""The ``newsreader`` console script: opening the app takes the short road.

Opening articles in a terminal is what a user does most, and the first frame should not wait for
the rest of the command line (formats, linking, coverage, the store: ``tui/cli.py`` imports them
all). So ``main`` opens the app itself when the command line asks for it on a terminal, parsing
the same ``open`` options as ``cli.py`` declares (``tests/tui/test_launch.py`` checks that both
agree), and hands every other command line to ``cli.main``.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import click

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


def open_options(function: Any) -> Any:
    """The ``open`` command's arguments and options, declared once for ``main`` and ``cli.py``."""
    decorators = [
        click.argument("paths", nargs=-1, type=click.Path()),
        click.option(
            "--manifest", type=click.Path(), help="A manifest naming outlet, date, url per file."
        ),
        click.option(
            "--db",
            type=click.Path(dir_okay=False),
            help="The annotation store (a TinyDB file); see `newsreader store` for the default.",
        ),
        click.option("--annotator", help="The name written on your annotations."),
        click.option(
            "--read-only", is_flag=True, help="Open the store read-only (no edits saved)."
        ),
        click.option(
            "--panes",
            type=click.IntRange(1, 4),
            default=2,
            show_default=True,
            help="Articles side by side.",
        ),
    ]
    for decorator in reversed(decorators):
        function = decorator(function)
    return function


@click.command("open", context_settings={"help_option_names": ["-h", "--help"]})
@open_options
def open_app(
    paths: tuple[str, ...],
    manifest: str | None,
    db: str | None,
    annotator: str | None,
    read_only: bool,
    panes: int,
) -> None:
    """Open the articles at PATHS side by side in the app (the sample corpus when none)."""
    from newsreader.annotations.config import ConfigError, load_config

    try:
        config = load_config()
    except ConfigError as error:
        click.echo(f"newsreader: {error}", err=True)
        sys.exit(2)
    from newsreader.corpus import SAMPLE_DIR

    from .app import make_app

    # The articles load in a worker once the first frame is up.
    make_app(
        paths=[str(SAMPLE_DIR)] if not paths else [str(Path(p)) for p in paths],
        manifest=manifest,
        store_path=config.store_path(db),
        config=config,
        annotator=annotator,
        panes=panes,
        read_only=read_only,
    ).run()


def main(argv: Sequence[str] | None = None) -> Any:
    """Entry point of the ``newsreader`` console script."""
    args = list(sys.argv[1:] if argv is None else argv)
    if opens_the_app(args, terminal=sys.stdout.isatty() and sys.stdin.isatty()):
        rest = args[1:] if args and args[0] == "open" else args
        return open_app.main(args=rest, prog_name="newsreader")
    if args and args[0] == "agree":
        # ``agree`` on exports needs none of what ``cli.py`` imports (a benchmarked command).
        from .cli_agree import agree_command

        return agree_command.main(
            args=args[1:], prog_name="newsreader agree", help_option_names=["-h", "--help"]
        )
    from .cli import main as cli_main

    return cli_main(args)


__all__ = ["OTHER_COMMANDS", "main", "open_app", "open_options", "opens_the_app"]
