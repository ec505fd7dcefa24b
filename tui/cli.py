"""The ``newsreader`` command line.

``newsreader [PATH...]`` opens articles (the bundled sample corpus when none are given);
``newsreader inspect PATH... [--json]`` shows how newsreader reads them.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from typing import Any

import click
from rich.console import Console
from rich.table import Table
from rich.text import Text

from newsreader.corpus import SAMPLE_DIR, LoadResult, load_paths


class _DefaultGroup(click.Group):
    """A group whose first argument, when it is not a command, is a path for ``open``."""

    default_command = "open"

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if not args or args[0] not in (*self.commands, "--help", "-h", "--version"):
            args = [self.default_command, *args]
        return super().parse_args(ctx, args)


@click.group(cls=_DefaultGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="newsreader")
def cli() -> None:
    """A keyboard-first workbench for comparing how news outlets tell the same story."""


def _load(paths: Sequence[str], manifest: str | None) -> LoadResult:
    return load_paths(list(paths) if paths else [SAMPLE_DIR], manifest=manifest)


def _print_problems(result: LoadResult, console: Console) -> None:
    for problem in result.problems:
        console.print(Text(f"problem: {problem}", style="bold red"), soft_wrap=True)


def _documents_table(result: LoadResult, width: int) -> Table:
    """The documents as a table that fits ``width`` columns (titles are shortened to fit)."""
    title_width = max(10, min(64, width - 72))
    table = Table(
        title=f"{len(result.documents)} documents",
        title_justify="left",
        caption="sents: sentences; named: quotes with a speaker; boiler: share of boilerplate",
        caption_justify="left",
    )
    table.add_column("outlet", style="cyan", no_wrap=True, max_width=16)
    table.add_column("title", no_wrap=True)
    table.add_column("date", no_wrap=True, min_width=10)
    for header in ("sents", "quotes", "named", "boiler"):
        table.add_column(header, justify="right", no_wrap=True, min_width=len(header))
    for doc in result.documents:
        table.add_row(
            Text(doc.outlet or "unknown", style="" if doc.outlet else "dim italic"),
            _shorten(doc.title, title_width),
            doc.date or "",
            str(len(doc.sentences)),
            str(len(doc.quotes)),
            str(sum(1 for q in doc.quotes if q.speaker)),
            f"{doc.boilerplate_share:.0%}",
        )
    return table


def _shorten(value: str, width: int) -> Text:
    text = Text(value)
    text.truncate(width, overflow="ellipsis")
    return text


@cli.command("inspect")
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@click.option("--json", "as_json", is_flag=True, help="One JSON object per document per line.")
@click.option("--manifest", type=click.Path(), help="A manifest naming outlet, date, url per file.")
def inspect_command(paths: tuple[str, ...], as_json: bool, manifest: str | None) -> None:
    """Show how newsreader reads the articles at PATHS (files or folders).

    Problems go to stderr, one line per file; the exit status is 1 when any file failed.
    """
    result = _load(paths, manifest)
    err = Console(stderr=True)
    if as_json:
        out = sys.stdout
        for doc in result.documents:
            out.write(json.dumps(doc.to_json(), ensure_ascii=False) + "\n")
        out.flush()
        for problem in result.problems:
            err.print(Text(str(problem)), soft_wrap=True, highlight=False)
    else:
        console = Console()
        console.print(_documents_table(result, console.width))
        _print_problems(result, console)
    if result.problems:
        sys.exit(1)


@cli.command("open")
@click.argument("paths", nargs=-1, type=click.Path())
@click.option("--manifest", type=click.Path(), help="A manifest naming outlet, date, url per file.")
def open_command(paths: tuple[str, ...], manifest: str | None) -> None:
    """Open the articles at PATHS (the bundled sample corpus when none are given)."""
    result = _load(paths, manifest)
    console = Console()
    console.print(_documents_table(result, console.width))
    _print_problems(result, console)
    console.print(
        Text(
            "The side-by-side reading and annotation screen is not built yet; "
            "`newsreader inspect PATH --json` shows each document's structure.",
            style="yellow",
        )
    )
    if result.problems and not result.documents:
        sys.exit(1)


def main(argv: Sequence[str] | None = None) -> Any:
    """Entry point of the ``newsreader`` console script."""
    return cli.main(args=list(argv) if argv is not None else None, prog_name="newsreader")
