"""``newsreader prepare SOURCE... --out INDEX``: an archive's index, built on a Dask cluster.

Also the small hooks by which ``inspect`` and ``stories`` read an index as they read a folder
(:func:`index_result`, :func:`index_stories_for`). Dask and pyarrow are imported only when an
index is built or opened; without them both say how to install the ``scale`` extra.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import Any, NoReturn

import click
from rich.console import Console
from rich.text import Text

from newsreader.annotations.prepare import MissingExtra
from newsreader.annotations.prepare.index import IndexError_, is_index
from newsreader.corpus.loaders import LoadResult
from newsreader.corpus.stories import Story


def _fail(message: str, status: int = 2) -> NoReturn:
    Console(stderr=True, soft_wrap=True).print(
        Text(f"newsreader: {message}", style="bold red"), soft_wrap=True
    )
    sys.exit(status)


def _single_index(paths: Sequence[str]) -> str | None:
    return paths[0] if len(paths) == 1 and is_index(paths[0]) else None


def index_result(paths: Sequence[str]) -> LoadResult | None:
    """The articles of the index at ``paths`` (one path, an index), or None when it is not one."""
    path = _single_index(paths)
    if path is None:
        return None
    from newsreader.annotations.prepare.index import load_index

    try:
        return load_index(path)
    except (MissingExtra, IndexError_) as err:
        _fail(str(err))


def index_stories_for(paths: Sequence[str], by: str) -> tuple[list[Story], LoadResult] | None:
    """The stories of the index at ``paths`` (as prepared), or None when it is not one."""
    path = _single_index(paths)
    if path is None:
        return None
    from newsreader.annotations.prepare.index import index_stories

    try:
        return index_stories(path, by)
    except (MissingExtra, IndexError_) as err:
        _fail(str(err))


@click.command("prepare")
@click.argument("sources", nargs=-1, required=True, type=click.Path())
@click.option("--out", "out", required=True, type=click.Path(file_okay=False), help="The index.")
@click.option("--scheduler", help="A Dask scheduler, tcp://HOST:PORT (default: a local cluster).")
@click.option("--workers", type=click.IntRange(min=1), help="Local workers (default: cores).")
@click.option("--partition-size", default=500, show_default=True, type=click.IntRange(min=1))
@click.option("--text-column", default="text", show_default=True)
@click.option("--id-column", default="id", show_default=True)
@click.option("--outlet-column", default="outlet", show_default=True)
@click.option("--date-column", default="date", show_default=True)
@click.option("--title-column", default="title", show_default=True)
@click.option("--url-column", default="url", show_default=True)
@click.option(
    "--by",
    type=click.Choice(["auto", "text", "metadata"]),
    default="auto",
    show_default=True,
    help="How stories are found, as for `newsreader stories`.",
)
@click.option("--no-links", is_flag=True, help="Skip the link candidates within stories.")
def prepare_command(
    sources: tuple[str, ...],
    out: str,
    scheduler: str | None,
    workers: int | None,
    partition_size: int,
    text_column: str,
    id_column: str,
    outlet_column: str,
    date_column: str,
    title_column: str,
    url_column: str,
    by: str,
    no_links: bool,
) -> None:
    """Analyse the articles of SOURCES (folders, CSV/TSV/JSONL/Parquet exports) on a Dask
    cluster and write an index: analysis, stories and link candidates within stories.

    Rerun it to finish an interrupted job or to take in changed sources: finished partitions
    are not redone. Bad rows are reported by file and line and listed in INDEX/problems.jsonl.
    """
    from newsreader.annotations.prepare import require_scale

    try:
        require_scale("newsreader prepare")
    except MissingExtra as err:
        _fail(str(err))
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    from newsreader.annotations.prepare.run import prepare
    from newsreader.annotations.prepare.sources import Columns

    from .display import plural
    from .progress_count import CountColumn

    columns = Columns(text_column, id_column, outlet_column, date_column, title_column, url_column)
    err = Console(stderr=True, soft_wrap=True)
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        CountColumn(),
        TimeElapsedColumn(),
        console=err,
        disable=not err.is_terminal,
    ) as bar:
        tasks: dict[str, Any] = {}

        def progress(stage: str, done: int, total: int | None) -> None:
            if stage not in tasks:
                names = {"analyse": "partitions analysed", "link": "story batches linked"}
                # The grouping's stages name themselves ("group: neighbours", ...).
                tasks[stage] = bar.add_task(names.get(stage, stage), total=total)
            bar.update(tasks[stage], completed=done, total=total)

        try:
            summary = prepare(
                sources,
                out,
                scheduler=scheduler,
                workers=workers,
                columns=columns,
                partition_size=partition_size,
                by=by,
                links=not no_links,
                progress=progress,
            )
        except OSError as error:
            _fail(f"cannot write the index: {error}")
        except KeyboardInterrupt:
            bar.stop()
            _fail(
                f"interrupted: the partitions and link files finished so far are kept in {out}; "
                "run the same command again to go on from there",
                130,
            )
    for problem in summary.problems:
        err.print(Text(f"problem: {problem}"), soft_wrap=True, highlight=False)
    times = ", ".join(f"{k} {v:.1f} s" for k, v in summary.seconds.items())
    err.print(
        Text(
            f"{plural(summary.articles, 'article')} from {plural(summary.rows, 'row')} in "
            f"{plural(summary.partitions, 'partition')} ({summary.skipped} finished before), "
            f"{plural(summary.stories, 'story', 'stories')}, "
            f"{plural(summary.links, 'link candidate')}, "
            f"{plural(len(summary.problems), 'problem')}; {times}"
        ),
        soft_wrap=True,
        highlight=False,
    )
