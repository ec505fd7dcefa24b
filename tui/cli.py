"""The ``newsreader`` command line.

``newsreader [PATH...]`` opens articles (the bundled sample corpus when none are given);
``newsreader inspect PATH... [--json]`` shows how newsreader reads them;
``newsreader export`` / ``import`` move annotations out of and into a store as JSONL;
``newsreader store`` says where the store is and what it holds.
"""

from __future__ import annotations

import contextlib
import math
import os
import subprocess
import sys
from collections.abc import Iterator, Sequence
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, NoReturn

import click
from rich.console import Console
from rich.table import Table
from rich.text import Text

from newsreader.annotations import analysis_cache
from newsreader.annotations.config import Config, ConfigError, data_folder, load_config
from newsreader.annotations.coverage import coverage
from newsreader.annotations.formats import FORMATS, FormatError, guess_format, import_file
from newsreader.annotations.formats import export as export_formats
from newsreader.annotations.integrity import render
from newsreader.annotations.journal import StoreError, describe, move_aside, repair_store
from newsreader.annotations.jsonl import ExportFilter, export_jsonl, import_jsonl
from newsreader.annotations.linking import DEFAULT_MIN_SCORE, align
from newsreader.annotations.model import Passage, Suggestion
from newsreader.annotations.store import Store
from newsreader.corpus import SAMPLE_DIR, LoadResult, load_paths
from newsreader.tui.cli_stories import stories_command
from newsreader.tui.launch import open_options
from newsreader.tui.safe import (
    inert_json,
    inert_json_stream,
    one_line,
    safe_console,
    write_csv,
)

DB_HELP = "The annotation store (a TinyDB file); see `newsreader store` for the default."


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
    from newsreader.tui.cli_prepare import index_result  # an index reads as a folder does

    if (found := index_result(paths)) is not None:
        return found
    return load_paths(list(paths) if paths else [SAMPLE_DIR], manifest=manifest)


def _print_problems(result: LoadResult, console: Console) -> None:
    for problem in result.problems:
        console.print(Text(one_line(f"problem: {problem}"), style="bold red"), soft_wrap=True)


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
    err = safe_console(stderr=True, soft_wrap=True)
    if as_json:
        out = sys.stdout
        for doc in result.documents:
            out.write(inert_json(doc.to_json()) + "\n")
        out.flush()
        for problem in result.problems:
            err.print(Text(one_line(str(problem))), soft_wrap=True, highlight=False)
    else:
        console = safe_console()
        console.print(_documents_table(result, console.width))
        _print_problems(result, err)
    summary = result.skipped_summary()
    if summary:  # one line for the files that are not articles (not an error)
        err.print(Text(one_line(summary), style="dim"), soft_wrap=True, highlight=False)
    if result.problems:
        sys.exit(1)


def _fail(message: str, status: int = 2) -> NoReturn:
    safe_console(stderr=True, soft_wrap=True).print(
        Text(f"newsreader: {message}", style="bold red"), soft_wrap=True
    )
    sys.exit(status)


def _config() -> Config:
    try:
        config = load_config()
    except ConfigError as error:
        _fail(str(error))
    for warning in config.warnings:
        Console(stderr=True, soft_wrap=True).print(
            Text(f"warning: {warning}", style="yellow"), soft_wrap=True
        )
    return config


@contextlib.contextmanager
def _open_store(
    db: str | None, *, read_only: bool = False, annotator: str | None = None
) -> Iterator[Store]:
    """The store for a command; problems opening it end the command with a plain message."""
    config = _config()
    path = config.store_path(db)
    try:
        store = Store.open(
            path,
            read_only=read_only,
            annotator=annotator or config.annotator,
            labels=config.labels,
            relations=config.relations,
            allow_newer=read_only,
        )
    except StoreError as error:
        _fail(str(error))
    try:
        for warning in store.warnings:
            safe_console(stderr=True, soft_wrap=True).print(
                Text(f"warning: {warning}", style="yellow"), soft_wrap=True
            )
        yield store
    finally:
        try:
            store.close()
        except StoreError as error:
            _fail(str(error))


@cli.command("open")
@open_options
def open_command(
    paths: tuple[str, ...],
    manifest: str | None,
    db: str | None,
    annotator: str | None,
    read_only: bool,
    panes: int,
) -> None:
    """Open the articles at PATHS side by side (the bundled sample corpus when none are given).

    Without a terminal (output piped or redirected), prints what would be opened instead.
    """
    config = _config()
    store_path = config.store_path(db)
    if sys.stdout.isatty() and sys.stdin.isatty():
        from newsreader.tui.app import make_app

        # The articles load in a worker once the first frame is up.
        app = make_app(
            paths=[str(SAMPLE_DIR)] if not paths else list(paths),
            manifest=manifest,
            store_path=store_path,
            config=config,
            annotator=annotator,
            panes=panes,
            read_only=read_only,
        )
        app.run()
        return
    result = _load(paths, manifest)
    console = safe_console()
    console.print(_documents_table(result, console.width))
    _print_problems(result, safe_console(stderr=True, soft_wrap=True))
    with _open_store(db, annotator=annotator, read_only=read_only) as store:
        report = store.attach(result.documents)
        for line in report.lines(store.documents()):
            console.print(Text(f"anchoring: {line}", style="yellow"), soft_wrap=True)
        counts = store.counts()
        console.print(
            f"store {store.path}: {counts['spans']} annotations, {counts['groups']} statement "
            "groups",
            soft_wrap=True,
            highlight=False,
        )
    console.print(
        Text("(not a terminal: run newsreader in a terminal to read and annotate)", style="dim")
    )
    if result.problems and not result.documents:
        sys.exit(1)


@cli.command("export")
@click.option("--db", type=click.Path(dir_okay=False), help=DB_HELP)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(list(FORMATS)),
    default="jsonl",
    show_default=True,
    help="The output format (brat writes a folder, named with -o).",
)
@click.option("-o", "--output", type=click.Path(), help="Write here, not stdout.")
@click.option("--force", is_flag=True, help="Replace the output file if it exists.")
@click.option(
    "--include-orphaned",
    is_flag=True,
    help="Also write spans whose words are no longer in their article (anchor: orphaned).",
)
@click.option(
    "--annotator",
    "annotators",
    multiple=True,
    help="Only this annotator's spans (repeatable).",
)
@click.option("--label", "labels", multiple=True, help="Only spans with this label (repeatable).")
@click.option(
    "--article",
    "articles",
    multiple=True,
    help="Only spans on this article, by id or file path (repeatable).",
)
@click.option(
    "--story",
    "stories",
    multiple=True,
    help="Only spans on this story's articles, by story id or label (repeatable).",
)
def export_command(
    db: str | None,
    fmt: str,
    output: str | None,
    force: bool,
    include_orphaned: bool,
    annotators: tuple[str, ...],
    labels: tuple[str, ...],
    articles: tuple[str, ...],
    stories: tuple[str, ...],
) -> None:
    """Write every span annotation as one JSON object per line (the README gives the schema).

    Each span is checked against its article's file first; spans of a changed article are found
    again, and what moved or could not be found is reported on stderr. --annotator, --label,
    --article and --story limit the export to what they name.
    """
    err = safe_console(stderr=True, soft_wrap=True)
    if fmt != "jsonl":
        if annotators or labels or articles or stories:
            _fail("--annotator, --label, --article and --story limit a jsonl export only (for now)")
        _export_other(db, fmt, output, force, err)
        return
    analysis_cache.install(data_folder())  # files known unchanged are not read again
    only = ExportFilter(
        frozenset(annotators),
        frozenset(labels),
        frozenset(a for name in articles for a in (name, os.path.abspath(name))),
    )
    with _open_store(db, read_only=True) as store:
        story_of, chosen = _story_choice(store, stories)
        if chosen is not None:
            only = replace(only, story_articles=chosen)
        if output is None:
            result = export_jsonl(
                store,
                inert_json_stream(sys.stdout),
                include_orphaned=include_orphaned,
                only=only,
                stories=story_of,
            )
            sys.stdout.flush()
        else:
            target = Path(output)
            with _output_file(target, force) as out:
                result = export_jsonl(
                    store, out, include_orphaned=include_orphaned, only=only, stories=story_of
                )
            err.print(f"wrote {result.written} annotations to {target}", highlight=False)
        documents = store.documents()
    for line in result.anchoring.lines(documents):
        err.print(Text(f"anchoring: {line}", style="yellow"), soft_wrap=True)
    for path in result.missing_files:
        err.print(
            Text(
                f"warning: {path} is not there; its annotations are written as stored",
                style="yellow",
            ),
            soft_wrap=True,
        )
    if result.skipped_orphans:
        err.print(
            Text(
                f"warning: {len(result.skipped_orphans)} orphaned annotations were not written "
                "(their words are no longer in their article); --include-orphaned writes them",
                style="yellow",
            ),
            soft_wrap=True,
        )


def _story_choice(
    store: Store, keys: Sequence[str]
) -> tuple[dict[str, str], frozenset[str] | None]:
    """Each article's story id (with the store's corrections), and the articles of the
    stories ``keys`` names (by id or unambiguous label; None when none is named). A key that
    names no story ends the command with a message saying how to list the ids.

    The stories are those of the grouping the store keeps; the articles it does not hold are
    grouped with the other articles of their folders, as ``newsreader stories FOLDER`` would,
    and that grouping is kept in the data folder for the next export (grouping costs seconds
    on a big corpus; a kept one, a few milliseconds)."""
    from newsreader.annotations.story_edits import StoryEditError, find_story
    from newsreader.tui.cli_stories import stories_of_store

    corrected = stories_of_store(store, cache_folder=data_folder())
    chosen: set[str] = set()
    for key in keys:
        try:
            chosen.update(find_story(corrected.stories, key).doc_ids)
        except StoryEditError as error:
            _fail(f"--story {key}: {error}")
    return corrected.story_ids(), frozenset(chosen) if keys else None


@contextlib.contextmanager
def _output_file(target: Path, force: bool) -> Iterator[Any]:
    """A text file to write an export to. A regular file is written under a temporary name and
    renamed over ``target`` at the end (so it is whole or untouched); anything else that exists
    (a FIFO, a device such as /dev/null) is written directly with --force; a folder is refused."""
    if target.is_dir():
        _fail(f"{target} is a folder; name a file to write (-o FILE)")
    exists = target.exists() or target.is_symlink()
    if exists and not force:
        _fail(f"{target} exists; pass --force to replace it")
    if exists and not target.is_file():
        try:
            with open(target, "w", encoding="utf-8", newline="\n") as out:
                yield out
        except OSError as error:
            _fail(f"cannot write {target}: {error.strerror}")
        return
    tmp = target.with_name(f".{target.name}.tmp-{os.getpid()}")
    try:
        with open(tmp, "w", encoding="utf-8", newline="\n") as out:
            yield out
        os.replace(tmp, target)
    except OSError as error:
        with contextlib.suppress(OSError):
            tmp.unlink()
        where = "" if target.parent.is_dir() else f" (the folder {target.parent} does not exist)"
        _fail(f"cannot write {target}: {error.strerror}{where}")
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise


def _export_other(db: str | None, fmt: str, output: str | None, force: bool, err: Console) -> None:
    """Export in another tool's format; warnings say what the format could not carry."""
    with _open_store(db, read_only=True) as store:
        if fmt == "brat":
            if output is None:
                _fail("brat writes a folder of .txt and .ann files: name it with -o FOLDER")
            folder = Path(output)
            if folder.exists() and (not folder.is_dir() or any(folder.iterdir())) and not force:
                _fail(f"{folder} exists and is not an empty folder; pass --force to write into it")
            try:
                warnings = export_formats(store, fmt, folder)
            except OSError as error:
                _fail(f"cannot write {folder}: {error.strerror}")
            err.print(f"wrote {fmt} files to {folder}", highlight=False)
        elif output is None:
            warnings = export_formats(store, fmt, inert_json_stream(sys.stdout))
            sys.stdout.flush()
        else:
            target = Path(output)
            if target.exists() and not force:
                _fail(f"{target} exists; pass --force to replace it")
            tmp = target.with_name(f".{target.name}.tmp-{os.getpid()}")
            try:
                with open(tmp, "w", encoding="utf-8", newline="\n") as out:
                    warnings = export_formats(store, fmt, out)
                os.replace(tmp, target)
            except OSError as error:
                with contextlib.suppress(OSError):
                    tmp.unlink()
                _fail(f"cannot write {target}: {error.strerror}")
            err.print(f"wrote {target} ({fmt})", highlight=False)
    for warning in warnings:
        err.print(Text(f"warning: {warning}", style="yellow"), soft_wrap=True)


@cli.command("import")
@click.argument("file", type=click.Path())
@click.option("--db", type=click.Path(dir_okay=False), help=DB_HELP)
@click.option("--skip-invalid", is_flag=True, help="Import the good lines even if some are bad.")
@click.option("--annotator", help="The name for lines that carry none.")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(list(FORMATS)),
    default=None,
    help="The file's format (guessed when unambiguous; newsreader's JSONL otherwise).",
)
@click.option(
    "--corpus",
    multiple=True,
    type=click.Path(),
    help="Articles the file's texts belong to (besides those the store knows); repeatable.",
)
def import_command(
    file: str,
    db: str | None,
    skip_invalid: bool,
    annotator: str | None,
    fmt: str | None,
    corpus: tuple[str, ...],
) -> None:
    """Read span annotations from FILE (newsreader JSONL) into the store.

    Every bad line is reported with its number; nothing is imported when any line is bad unless
    --skip-invalid. Importing the same file twice changes nothing.
    """
    path = Path(file)
    if not path.exists():
        _fail(f"{path}: no such file or folder")
    for folder in corpus:
        if not Path(folder).exists():
            _fail(f"--corpus {folder}: no such file or folder")
    if fmt is None:
        # newsreader's own JSONL unless the file is clearly another tool's.
        fmt = guess_format(path) or ("jsonl" if path.is_file() else None)
        if fmt is None:
            _fail(f"{path}: cannot tell its format; name it with --format ({', '.join(FORMATS)})")
    err = safe_console(stderr=True, soft_wrap=True)
    if fmt != "jsonl":
        _import_other(path, fmt, db, skip_invalid, annotator, corpus, err)
        return
    if not path.is_file():
        _fail(f"{path}: not a file")
    analysis_cache.install(data_folder())  # so a later export need not read the articles again
    grouping = _group_in_background(corpus)
    with _open_store(db, annotator=annotator) as store:
        try:
            result = import_jsonl(store, path, skip_invalid=skip_invalid, corpus=corpus)
        except OSError as error:
            _fail(f"{path}: cannot be read: {error.strerror}")
        except StoreError as error:
            _fail(str(error))
        store.flush()
        for problem in result.problems:
            err.print(
                Text(one_line(f"{path}: {problem}"), style="red"), soft_wrap=True, highlight=False
            )
        for notice in result.notices:
            err.print(Text(f"{path}: {notice}", style="yellow"), soft_wrap=True, highlight=False)
        if not result.imported:
            _fail(
                f"nothing imported: {len(result.problems)} bad lines in {path} "
                "(--skip-invalid imports the rest)",
                1,
            )
        c = result.counts
        err.print(
            f"{path}: {c['new']} new, {c['updated']} updated, {c['unchanged']} unchanged"
            + (f", {len(result.problems)} bad lines skipped" if result.problems else "")
            + f" → {store.path}",
            highlight=False,
        )
        # The import never waits for the grouping: while the second process works, the
        # first export groups whatever it has not kept yet itself.
        if (c["new"] or c["updated"]) and (grouping is None or grouping.poll() is not None):
            _group_for_export(store)


def _group_for_export(store: Store) -> None:
    """Group the imported articles into stories now and keep the grouping in the data folder:
    the next ``export`` then gives every span its story without grouping (seconds on a corpus
    of a thousand articles). Nothing to do when the store's kept grouping holds them, or the
    kept folder grouping is still valid (as it is when :func:`_group_in_background` made it)."""
    from newsreader.tui.cli_stories import stories_of_store

    stories_of_store(store, corrections=False, cache_folder=data_folder())


def _group_in_background(corpus: Sequence[str]) -> subprocess.Popen[bytes] | None:
    """Group the ``--corpus`` folders into stories in a second process, started before the
    import and never waited for (it outlives this one if it must), which keeps the grouping in
    the data folder, where the first ``export`` finds it. None when there is no folder to
    group. A failed or interrupted grouping is only a missed shortcut: the export groups what
    it does not find kept."""
    folders = [str(Path(f).resolve()) for f in corpus if Path(f).is_dir()]
    if not folders:
        return None
    code = (
        "import sys; from pathlib import Path; "
        "from newsreader.annotations.story_cache import keep_grouping; "
        "keep_grouping([Path(f) for f in sys.argv[2:]], Path(sys.argv[1]))"
    )
    try:
        return subprocess.Popen(
            [sys.executable, "-c", code, str(data_folder()), *sorted(set(folders))],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,  # a Ctrl-C of the import does not stop it half-way
        )
    except OSError:
        return None


def _import_other(
    path: Path,
    fmt: str,
    db: str | None,
    skip_invalid: bool,
    annotator: str | None,
    corpus: tuple[str, ...],
    err: Console,
) -> None:
    loaded = load_paths(list(corpus)) if corpus else LoadResult()
    for problem in loaded.problems:
        err.print(Text(one_line(f"problem: {problem}"), style="yellow"), soft_wrap=True)
    documents = loaded.documents
    with _open_store(db, annotator=annotator) as store:
        try:
            result = import_file(store, path, fmt, corpus=documents, skip_invalid=skip_invalid)
        except FormatError as error:
            _fail(f"{path}: {error}" if str(path) not in str(error) else str(error))
        except OSError as error:
            _fail(f"{path}: cannot be read: {error.strerror}")
        store.flush()
    for problem in result.problems:
        err.print(Text(one_line(f"{path}: {problem}"), style="red"), highlight=False)
    for notice in result.notices:
        err.print(Text(f"{path}: {notice}", style="yellow"), highlight=False)
    if not result.imported:
        _fail(
            f"nothing imported: {len(result.problems)} problems in {path} "
            "(--skip-invalid imports the rest)",
            1,
        )
    c = result.counts
    err.print(
        f"{path}: {c['new']} new, {c['updated']} updated, {c['unchanged']} unchanged ({fmt})"
        + (f", {len(result.problems)} problems skipped" if result.problems else ""),
        highlight=False,
    )


@cli.command("store")
@click.option("--db", type=click.Path(dir_okay=False), help=DB_HELP)
@click.option(
    "--move-aside",
    "move",
    is_flag=True,
    help="Rename a broken store (and its journal) to NAME.broken-TIME and start a fresh one.",
)
@click.option(
    "--repair",
    is_flag=True,
    help="Keep the edits before a damaged journal entry and set the journal aside.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the facts as one JSON object.")
def store_command(db: str | None, move: bool, repair: bool, as_json: bool) -> None:
    """Show where the annotation store is and what it holds (or move a broken one aside).

    Nothing is ever deleted: a store moved aside keeps its contents under its new name.
    """
    config = _config()
    path = config.store_path(db)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    if repair:
        try:
            kept = repair_store(path, stamp)
        except (StoreError, OSError) as error:
            _fail(str(error) if isinstance(error, StoreError) else f"{path}: {error.strerror}")
        if kept is None:
            safe_console(soft_wrap=True).print(
                f"nothing to repair: {path} has no damaged journal entry"
            )
        else:
            safe_console(soft_wrap=True).print(
                f"kept the edits before the damaged entry in {path}; the journal as it was is "
                f"{kept[0]}, the store file as it was is {kept[1]}"
            )
        return
    if move:
        try:
            moved = move_aside(path, stamp)
        except StoreError as error:
            _fail(str(error))
        except OSError as error:
            _fail(f"cannot move {path} aside: {error.strerror or error}")
        for target in moved:
            safe_console(soft_wrap=True).print(
                f"moved {target.name.rsplit('.broken-', 1)[0]} → {target}"
            )
        if not moved:
            safe_console(soft_wrap=True).print(f"nothing to move: {path} does not exist")
        return
    facts = describe(path)
    facts["config"] = str(config.source) if config.source else None
    try:
        with Store.open(path, read_only=True, allow_newer=True) as store:
            facts["counts"] = store.counts()
            facts["history"] = len(store.history())
            facts["warnings"] = store.warnings
    except StoreError as error:
        facts["problem"] = str(error)
    if as_json:
        print(inert_json(facts))
    else:
        console = safe_console(soft_wrap=True)
        console.print(f"store: {facts['path']}" + ("" if facts["exists"] else " (not created yet)"))
        if facts.get("config"):
            console.print(f"configuration: {facts['config']}")
        if "locked_by" in facts:
            console.print(f"open in process {facts['locked_by']}")
        if "counts" in facts:
            c = facts["counts"]
            console.print(
                f"{c['spans']} annotations ({c.get('claim', 0)} claims, {c.get('quote', 0)} "
                f"quotes), {c['groups']} statement groups, {c['orphaned']} orphaned, "
                f"{c['rejected']} rejected suggestions; {facts['history']} edits to undo or redo"
            )
        for warning in facts.get("warnings", []):
            console.print(Text(f"warning: {warning}", style="yellow"), soft_wrap=True)
        if "problem" in facts:
            console.print(Text(facts["problem"], style="bold red"), soft_wrap=True)
    if "problem" in facts:
        sys.exit(2)


def _cpus() -> int:
    try:
        return max(1, min(8, len(os.sched_getaffinity(0))))
    except AttributeError:  # not Linux
        return max(1, min(8, os.cpu_count() or 1))


def _clip(text: str, width: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


@cli.command("align")
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@click.option("--manifest", type=click.Path(), help="A manifest naming outlet, date, url per file.")
@click.option("--db", type=click.Path(dir_okay=False), help=DB_HELP + " Stores the suggestions.")
@click.option(
    "--top-k",
    type=click.IntRange(1, 100),
    default=3,
    show_default=True,
    help="Candidates per sentence.",
)
@click.option(
    "--min-score",
    type=click.FloatRange(0, 100),
    default=DEFAULT_MIN_SCORE,
    show_default=True,
    help="Leave out candidates scoring less (0-100).",
)
@click.option(
    "--json", "as_json", is_flag=True, help="One JSON object per candidate pair per line."
)
@click.option(
    "--workers",
    type=click.IntRange(1, 64),
    default=None,
    help="Processes to share the work (default: one per CPU).",
)
def align_command(
    paths: tuple[str, ...],
    manifest: str | None,
    db: str | None,
    top_k: int,
    min_score: float,
    as_json: bool,
    workers: int | None,
) -> None:
    """For every sentence of every article at PATHS, its best candidates in the other articles.

    With --db, the pairs found are stored as link suggestions for the app to offer.
    """
    if math.isnan(min_score):
        _fail("--min-score must be a number from 0 to 100, not nan")
    err = safe_console(stderr=True, soft_wrap=True)
    result = _load(paths, manifest)
    for problem in result.problems:
        err.print(Text(one_line(f"problem: {problem}"), style="red"), highlight=False)
    documents = result.documents
    if len(documents) < 2:
        _fail("align needs at least two articles")
    names = {d.id: d.outlet or d.title or Path(d.path).name for d in documents}
    # Results are written as they come, so memory holds the index, not every pair found.
    suggestions: list[Suggestion] = []
    pairs = sentences = linked = 0
    out = sys.stdout
    console = safe_console(soft_wrap=True)
    width = max(40, console.width - 24)
    current = None
    from rich.progress import BarColumn, Progress, TaskProgressColumn, TextColumn

    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        TaskProgressColumn(),
        console=err,
        transient=True,
        disable=not err.is_terminal,
    ) as progress:
        tasks: dict[str, Any] = {}

        def report(stage: str, done: int, total: int) -> None:
            if stage not in tasks:
                label = "indexing articles" if stage == "index" else "aligning sentences"
                tasks[stage] = progress.add_task(label, total=total)
            progress.update(tasks[stage], completed=done)

        if workers is None:
            workers = _cpus()
        for a in align(
            documents, top_k=top_k, min_score=min_score, progress=report, workers=workers
        ):
            sentences += 1
            if not a.candidates:
                continue
            linked += 1
            pairs += len(a.candidates)
            if db is not None:
                source = Passage(a.doc_id, a.start, a.end)
                suggestions.extend(Suggestion(source, c.passage, c.score) for c in a.candidates)
            if as_json:
                for c in a.candidates:
                    record = {
                        "source": {"doc": a.doc_id, "start": a.start, "end": a.end, "text": a.text},
                        "target": {"doc": c.doc_id, "start": c.start, "end": c.end, "text": c.text},
                        "score": c.score,
                    }
                    out.write(inert_json(record) + "\n")
                continue
            if a.doc_id != current:
                current = a.doc_id
                console.print(Text(f"\n{names[a.doc_id]}", style="bold cyan"))
            console.print(f"  {_clip(a.text, width + 12)}")
            for c in a.candidates:
                console.print(
                    Text.assemble(
                        (f"    {c.score:5.1f}  ", "green"),
                        (f"{names[c.doc_id]}: ", "cyan"),
                        _clip(c.text, width - len(names[c.doc_id])),
                    )
                )
    if as_json:
        out.flush()
    else:
        console.print(
            f"\n{pairs} candidate pairs scoring {min_score:g} or more, for "
            f"{linked} of {sentences} sentences"
        )
    if db is not None:
        with _open_store(db) as store:
            store.attach(documents)
            stored = store.replace_suggestions([d.id for d in documents], suggestions)
            store.flush()
            err.print(f"stored {stored} link suggestions in {store.path}", highlight=False)


@cli.command("coverage")
@click.option("--db", type=click.Path(dir_okay=False), help=DB_HELP)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "csv", "json"]),
    default="table",
    show_default=True,
    help="How to print the matrix.",
)
@click.option(
    "--diff",
    "show_diff",
    is_flag=True,
    help="Also print, word by word, how outlets' versions of a quote differ.",
)
@click.option(
    "--all",
    "include_unlinked",
    is_flag=True,
    help="Also list spans linked to nothing (statements one outlet carries).",
)
@click.option(
    "--story",
    "stories",
    multiple=True,
    help="Only this story's articles, by story id or label (repeatable).",
)
def coverage_command(
    db: str | None, fmt: str, show_diff: bool, include_unlinked: bool, stories: tuple[str, ...]
) -> None:
    """The statements × outlets matrix: which outlet carries each statement group, as a claim
    or as a quote, and with what relation; an empty cell is what that outlet left out.
    --story limits it to one story's articles."""
    with _open_store(db, read_only=True) as store:
        chosen = _story_choice(store, stories)[1] if stories else None
        matrix = coverage(store, include_unlinked=include_unlinked, articles=chosen)
    if fmt == "json":
        data = matrix.to_json()
        if show_diff:
            for row, statement in zip(data["statements"], matrix.statements, strict=True):
                row["quote_versions"] = [
                    {
                        "speaker": comparison.speaker,
                        "reference": {
                            "outlet": comparison.reference_outlet,
                            "span": comparison.reference.id,
                            "text": comparison.reference.text,
                        },
                        "versions": [
                            {
                                "outlet": v.outlet,
                                "span": v.span.id,
                                "text": v.span.text,
                                "identical": v.identical,
                                "diff": render(v.changes),
                            }
                            for v in comparison.versions
                        ],
                    }
                    for comparison in statement.comparisons
                ]
        print(inert_json(data))
        return
    if fmt == "csv":
        rows: list[list[str]] = [["statement", "text", *matrix.outlets]]
        for statement in matrix.statements:
            rows.append(
                [
                    statement.id,
                    statement.text,
                    *(
                        "; ".join(m.describe() for m in statement.outlets.get(outlet, []))
                        for outlet in matrix.outlets
                    ),
                ]
            )
        write_csv(sys.stdout, rows)
        return
    console = safe_console(soft_wrap=False)
    if not matrix.statements:
        console.print(
            "No statement groups yet: link spans across outlets in the app "
            "(or --all to list unlinked spans).",
            highlight=False,
        )
        return
    table = Table(
        title=f"{len(matrix.statements)} statements × {len(matrix.outlets)} outlets",
        title_justify="left",
        caption="— : the outlet does not carry the statement",
        caption_justify="left",
    )
    table.add_column("statement", ratio=3, overflow="fold")
    for outlet in matrix.outlets:
        table.add_column(outlet, ratio=1, overflow="fold")
    for statement in matrix.statements:
        cells: list[Text | str] = [_clip(statement.text, 90)]
        for outlet in matrix.outlets:
            mentions = statement.outlets.get(outlet)
            if not mentions:
                cells.append(Text("—", style="dim"))
            else:
                style = "yellow" if any(m.relation for m in mentions) else "green"
                cells.append(Text(", ".join(m.describe() for m in mentions), style=style))
        table.add_row(*cells)
    console.print(table)
    if show_diff:
        any_diff = False
        for statement in matrix.statements:
            for comparison in statement.comparisons:
                any_diff = True
                console.print(
                    Text(
                        f"\n{comparison.speaker}, as {comparison.reference_outlet} quotes it:",
                        style="bold",
                    ),
                    soft_wrap=True,
                )
                console.print(f"  {comparison.reference.text}", soft_wrap=True, highlight=False)
                for version in comparison.versions:
                    label = "the same words" if version.identical else render(version.changes)
                    console.print(
                        Text.assemble(
                            (f"  {version.outlet}: ", "cyan"),
                            _diff_text(version.changes)
                            if not version.identical
                            else (label, "green"),
                        ),
                        soft_wrap=True,
                    )
        if not any_diff:
            console.print(
                "\nNo statement group holds quotes of one speaker from two outlets.",
                highlight=False,
            )


def _diff_text(changes: Sequence[Any]) -> Text:
    from newsreader.tui.screens.coverage import diff_text

    return diff_text(list(changes))


from newsreader.tui.cli_agree import agree_command  # noqa: E402 - one hunk with its registration

cli.add_command(agree_command)
cli.add_command(stories_command)
from newsreader.tui.cli_prepare import prepare_command  # noqa: E402 - with its registration

cli.add_command(prepare_command)


def main(argv: Sequence[str] | None = None) -> Any:
    """Entry point of the ``newsreader`` console script."""
    return cli.main(args=list(argv) if argv is not None else None, prog_name="newsreader")
