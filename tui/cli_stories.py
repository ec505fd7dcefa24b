"""``newsreader stories PATH... [--json] [--by text|metadata]``: the stories of a corpus.

A story is the articles that report one real-world event, across outlets (see
:mod:`newsreader.corpus.stories`). The command lists the articles without analysing them:
grouping reads only their text and metadata.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import Any

import click
from rich.console import Console
from rich.table import Table
from rich.text import Text

from newsreader.corpus.document import Document
from newsreader.corpus.loaders import LoadResult, list_paths
from newsreader.corpus.stories import Story, group_stories
from newsreader.tui.safe import inert_json, one_line, safe_console


def story_json(story: Story, by_id: dict[str, Document]) -> dict[str, Any]:
    """One story as the JSON object ``stories --json`` prints."""
    return {
        "story": story.id,
        "label": story.label,
        "outlets": list(story.outlets),
        "dates": [story.first, story.last] if story.first else None,
        "docs": [
            {
                "id": doc.id,
                "path": doc.path,
                "outlet": doc.outlet,
                "title": doc.title,
                "date": doc.date,
            }
            for doc in (by_id[i] for i in story.doc_ids)
        ],
    }


def _dates(story: Story) -> str:
    if not story.first:
        return ""
    return story.first if story.first == story.last else f"{story.first} – {story.last}"


def stories_table(stories: Sequence[Story], width: int) -> Table:
    """The stories as a table (label, articles, outlets, dates) that fits ``width`` columns."""
    label_width = max(16, min(80, width - 60))
    total = sum(len(s) for s in stories)
    table = Table(title=f"{len(stories)} stories, {total} articles", title_justify="left")
    table.add_column("story", no_wrap=True)
    table.add_column("articles", justify="right", no_wrap=True, min_width=8)
    table.add_column("outlets", style="cyan", max_width=40, no_wrap=True, overflow="ellipsis")
    table.add_column("dates", no_wrap=True, min_width=23)
    for story in stories:
        label = Text(" ".join(story.label.split()))
        label.truncate(label_width, overflow="ellipsis")
        table.add_row(label, str(len(story)), ", ".join(story.outlets), _dates(story))
    return table


def _report(result: LoadResult, err: Console) -> None:
    for problem in result.problems:
        err.print(Text(one_line(f"problem: {problem}")), soft_wrap=True, highlight=False)
    summary = result.skipped_summary()
    if summary:
        err.print(Text(summary, style="dim"), soft_wrap=True, highlight=False)


@click.command("stories")
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@click.option("--json", "as_json", is_flag=True, help="One JSON object per story per line.")
@click.option(
    "--by",
    type=click.Choice(["auto", "text", "metadata"]),
    default="auto",
    show_default=True,
    help="Group by the corpus's story ids (metadata), by text, or by metadata when every "
    "article has a story id (auto).",
)
@click.option(
    "--manifest", type=click.Path(), help="A manifest naming outlet, date, story per file."
)
def stories_command(paths: tuple[str, ...], as_json: bool, by: str, manifest: str | None) -> None:
    """Group the articles at PATHS into stories: the articles that report one event.

    Every article is in exactly one story; the largest stories come first. Problems go to
    stderr; the exit status is 1 when any file failed.
    """
    from newsreader.tui.cli_prepare import index_stories_for  # an index: its stories as made

    err = safe_console(stderr=True, soft_wrap=True)
    if (found := index_stories_for(paths, by)) is not None:
        stories, result = found
    else:
        result = list_paths(list(paths), manifest=manifest)
        stories = group_stories(result.documents, by=by)  # type: ignore[arg-type]
    by_id = {doc.id: doc for doc in result.documents}
    if as_json:
        out = sys.stdout
        for story in stories:
            out.write(inert_json(story_json(story, by_id)) + "\n")
        out.flush()
    else:
        console = safe_console()
        console.print(stories_table(stories, console.width))
    _report(result, err)
    if result.problems:
        sys.exit(1)
