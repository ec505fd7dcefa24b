"""``newsreader stories PATH... [--json] [--by text|metadata] [--db STORE]``: a corpus's stories.

A story is the articles that report one real-world event, across outlets (see
:mod:`newsreader.corpus.stories`). The command lists the articles without analysing them:
grouping reads only their text and metadata. The store's story corrections (moves, splits,
merges, names: :mod:`newsreader.annotations.story_edits`) are applied unless
``--ignore-corrections``, and the grouping is kept in the store, so that ``export`` and
``coverage --story`` know each article's story.
"""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

import click
from rich.console import Console
from rich.table import Table
from rich.text import Text

from newsreader.corpus.document import Document
from newsreader.corpus.loaders import LoadResult, list_paths
from newsreader.corpus.stories import Story, group_stories, story_order
from newsreader.tui.safe import inert_json, one_line, safe_console

if TYPE_CHECKING:
    from newsreader.annotations.store import Store
    from newsreader.annotations.story_edits import CorrectedStories


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


def _warn(err: Console, message: str) -> None:
    err.print(Text(f"warning: {message}", style="yellow"), soft_wrap=True, highlight=False)


@contextlib.contextmanager
def _corrections_store(db: str | None, err: Console) -> Iterator[Store | None]:
    """The store whose corrections apply: ``--db``, else the default store when it exists.
    Opened for writing (to keep the grouping) unless another newsreader has it open; then
    read-only. None when there is no store to read."""
    from newsreader.annotations.config import ConfigError, load_config
    from newsreader.annotations.journal import StoreError, StoreLocked
    from newsreader.annotations.store import Store

    try:
        config = load_config()
    except ConfigError as error:
        _fail(str(error))
    path = config.store_path(db)
    if db is None and not path.exists():
        yield None
        return
    try:
        try:
            store = Store.open(path, annotator=config.annotator)
        except StoreLocked:
            store = Store.open(path, read_only=True, allow_newer=True)
    except StoreError as error:
        if db is not None:
            _fail(str(error))
        _warn(err, f"{error} The stories are shown without its corrections.")
        yield None
        return
    try:
        for warning in store.warnings:
            _warn(err, warning)
        yield store
    finally:
        try:
            store.close()
        except StoreError as error:
            _fail(str(error))


def _fail(message: str) -> NoReturn:
    safe_console(stderr=True, soft_wrap=True).print(
        Text(f"newsreader: {message}", style="bold red"), soft_wrap=True
    )
    sys.exit(2)


def stories_of_store(
    store: Store,
    *,
    corrections: bool = True,
    group_missing: bool = True,
    cache_folder: Path | None = None,
) -> CorrectedStories:
    """The stories of ``store``'s articles, as ``export`` and ``coverage --story`` see them.

    The grouping the store keeps (the last ``newsreader stories --db`` or stories screen),
    with the store's corrections (unless ``corrections`` is False). With ``group_missing``,
    articles of the store it does not hold are grouped now, with the other articles of their
    folders, as ``newsreader stories FOLDER`` would (else they are in no story); with a
    ``cache_folder``, that grouping is kept there and used again while the folders' articles
    are unchanged (:mod:`newsreader.annotations.story_cache`).
    """
    from newsreader.annotations.jsonl import resolve_article
    from newsreader.annotations.story_cache import grouped_folders, loaded_from, outermost
    from newsreader.annotations.story_edits import apply_pins, kept_stories

    record = store.recorded_grouping()
    stories, articles = kept_stories(record) if record is not None else ([], {})
    known: dict[str, Any] = dict(articles)
    missing = [d for d in store.documents().values() if d.id not in known and group_missing]
    folders: set[Path] = set()
    for doc in missing:
        found = resolve_article(doc.path, store.path) if doc.path else None
        if found is not None:
            folders.add(loaded_from(doc.id, found))
    if folders:
        grouped = grouped_folders(outermost(folders), cache_folder, exclude=set(known))
        stories = story_order([*stories, *grouped.stories])
        known.update(grouped.articles)
    pins = store.story_pins() if corrections else []
    return apply_pins(stories, pins, known)


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
@click.option(
    "--db",
    type=click.Path(dir_okay=False),
    help="The store whose story corrections apply, and which keeps the grouping for export "
    "(default: the default store, when there is one).",
)
@click.option(
    "--ignore-corrections",
    is_flag=True,
    help="The stories as computed, without the store's corrections.",
)
def stories_command(
    paths: tuple[str, ...],
    as_json: bool,
    by: str,
    manifest: str | None,
    db: str | None,
    ignore_corrections: bool,
) -> None:
    """Group the articles at PATHS into stories: the articles that report one event.

    Every article is in exactly one story; the largest stories come first. The store's
    story corrections apply unless --ignore-corrections. Problems go to stderr; the exit
    status is 1 when any file failed.
    """
    from newsreader.annotations.story_edits import apply_pins, grouping_record
    from newsreader.tui.cli_prepare import index_stories_for  # an index: its stories as made

    err = safe_console(stderr=True, soft_wrap=True)
    if (found := index_stories_for(paths, by)) is not None:
        stories, result = found
    else:
        result = list_paths(list(paths), manifest=manifest)
        stories = group_stories(result.documents, by=by)  # type: ignore[arg-type]
    by_id = {doc.id: doc for doc in result.documents}
    with _corrections_store(db, err) as store:
        complete = all(i in by_id for s in stories for i in s.doc_ids)
        if store is not None and complete:
            if not store.read_only:
                store.record_grouping(grouping_record(stories, by_id, by))  # type: ignore[arg-type]
            if not ignore_corrections:
                stories = apply_pins(stories, store.story_pins(), by_id).stories  # type: ignore[arg-type]
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
