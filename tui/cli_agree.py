"""``newsreader agree``: how far annotators agree, from JSONL exports or from the store."""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from typing import NoReturn

import click
from rich import box
from rich.table import Table
from rich.text import Text

from newsreader.annotations.agreement import (
    AgreementInput,
    PairAgreement,
    agreement,
    article_lengths,
    from_store,
    read_exports,
    to_json,
)

from .safe import inert, inert_json, safe_console

DB_HELP = "The annotation store (a TinyDB file); see `newsreader store` for the default."


def _fail(message: str, status: int = 1) -> NoReturn:
    # As ``cli._fail``. This module does without ``cli.py`` (and the formats, linking and app
    # it imports) unless it reads the store, so that ``agree`` on exports starts sooner.
    safe_console(stderr=True, soft_wrap=True).print(
        Text(f"newsreader: {message}", style="bold red"), soft_wrap=True
    )
    sys.exit(status)


def _figure(value: float | None) -> Text:
    return Text("—", style="dim") if value is None else Text(f"{value:.3f}")


def _summary(pairs: Sequence[PairAgreement]) -> Table:
    table = Table(
        title=f"Agreement of {len(pairs)} pair{'s' if len(pairs) != 1 else ''} of annotators",
        title_justify="left",
        caption="— : undefined (nothing to compare)",
        caption_justify="left",
        box=box.SIMPLE_HEAVY,
        padding=(0, 1, 0, 0),
    )
    # At 80 columns the names fold, and the figures keep whole (no rules between columns).
    table.add_column("annotators", overflow="fold", min_width=10)
    table.add_column("articles", justify="right", no_wrap=True)
    table.add_column("spans", justify="right", no_wrap=True)
    for header in (
        "exact\nF1",
        "overlap\nF1",
        "label\nκ",
        "same\nspeaker",
        "groups\nB³",
    ):
        table.add_column(header, justify="right", min_width=5)
    for pair in pairs:
        table.add_row(
            inert(f"{pair.annotators[0]} ×\n{pair.annotators[1]}"),
            str(pair.articles),
            f"{pair.spans[0]}/{pair.spans[1]}",
            _figure(pair.exact_f1),
            _figure(pair.overlap_f1),
            _figure(pair.label_kappa),
            _figure(pair.speaker_agreement),
            _figure(pair.group_b3_f1),
        )
    return table


def _labels(pair: PairAgreement) -> Table:
    a, b = (inert(name) for name in pair.annotators)
    table = Table(title=f"{a} × {b}, by label", title_justify="left")
    table.add_column("label", no_wrap=True)
    table.add_column(f"spans of {a}", justify="right")
    table.add_column(f"spans of {b}", justify="right")
    table.add_column("exact F1", justify="right")
    table.add_column("alpha_u", justify="right")
    for row in pair.labels:
        table.add_row(
            inert(row.label),
            str(row.spans[0]),
            str(row.spans[1]),
            _figure(row.exact_f1),
            _figure(row.alpha_u),
        )
    return table


def _articles(pair: PairAgreement, width: int) -> Table:
    a, b = (inert(name) for name in pair.annotators)
    table = Table(title=f"{a} × {b}, by article", title_justify="left")
    table.add_column("article", no_wrap=True, max_width=max(20, width - 50))
    table.add_column("spans", justify="right", no_wrap=True)
    table.add_column("exact", justify="right")
    table.add_column("exact F1", justify="right")
    table.add_column("overlap F1", justify="right")
    for row in pair.per_article:
        name = Text(inert(row.title or row.doc_id))
        name.truncate(max(20, width - 50), overflow="ellipsis")
        table.add_row(
            name,
            f"{row.spans[0]} / {row.spans[1]}",
            str(row.exact_matches),
            _figure(row.exact_f1),
            _figure(row.overlap_f1),
        )
    return table


@click.command("agree")
@click.argument("files", nargs=-1, type=click.Path())
@click.option("--db", type=click.Path(dir_okay=False), help=DB_HELP)
@click.option(
    "--annotator",
    "annotators",
    multiple=True,
    help="Only these annotators (repeat it); e.g. --annotator curated --annotator ana.",
)
@click.option("--json", "as_json", is_flag=True, help="One JSON object with a `pairs` list.")
def agree_command(
    files: tuple[str, ...], db: str | None, annotators: tuple[str, ...], as_json: bool
) -> None:
    """How far every pair of annotators agree, from newsreader JSONL exports (FILES, any
    number of annotators in each) or from the store when no file is given.

    Over the articles both annotated: exact-span F1, overlap F1, Cohen's kappa of labels on
    matched spans, speaker agreement on matched quotes, B-cubed F1 of statement groups, and
    Krippendorff's unitizing alpha per label.
    """
    err = safe_console(stderr=True, soft_wrap=True)
    data = AgreementInput()
    if files:
        data = read_exports(files)
        if data.problems:
            for problem in data.problems:
                err.print(Text(inert(problem), style="red"), soft_wrap=True, highlight=False)
            _fail(f"{len(data.problems)} unusable lines; nothing was measured", status=1)
    if db is not None or not files:
        from .cli import _open_store

        with _open_store(db, read_only=True) as store:
            stored = from_store(store)
        data.spans.extend(stored.spans)
        data.skipped_orphans += stored.skipped_orphans
        for name in ("titles", "paths", "hashes"):
            for key, value in getattr(stored, name).items():
                getattr(data, name).setdefault(key, value)
    names = sorted({s.annotator for s in data.spans})
    if annotators:
        unknown = sorted(set(annotators) - set(names))
        if unknown:
            known = ", ".join(names) or "none"
            _fail(f"no spans by {', '.join(unknown)}; the annotators are {known}", status=1)
        names = sorted(set(annotators))
    if len(names) < 2:
        _fail(
            f"agreement needs two annotators; found {', '.join(inert(n) for n in names) or 'none'}",
            status=1,
        )
    pairs = agreement(
        data.spans, lengths=article_lengths(data), titles=data.titles, annotators=names
    )
    if data.skipped_orphans:
        err.print(
            Text(
                f"note: {data.skipped_orphans} orphaned spans (their words are gone from the "
                "article) were left out",
                style="yellow",
            ),
            soft_wrap=True,
        )
    if as_json:
        sys.stdout.write(inert_json(json.loads(to_json(pairs))) + "\n")
        sys.stdout.flush()
        return
    console = safe_console()
    console.print(_summary(pairs))
    for pair in pairs:
        if not pair.articles:
            continue
        console.print()
        console.print(_labels(pair))
        console.print(_articles(pair, console.width))
    if any(not pair.articles for pair in pairs):
        console.print(
            Text("Pairs with no article in common have no figures.", style="dim"),
            highlight=False,
        )
