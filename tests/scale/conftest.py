"""Fixtures for the archive tests: Dask clusters of this machine (1 and 2 workers) and a small
archive (the sample folder and a CSV export made from it, with bad rows)."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from newsreader.corpus import SAMPLE_DIR, load_sample

pytest.importorskip("distributed")
pytest.importorskip("pyarrow")


def _cluster(workers: int) -> Iterator[Any]:
    from distributed import Client

    from newsreader.annotations.prepare.run import local_cluster

    cluster = local_cluster(workers)
    client = Client(cluster)
    try:
        yield client
    finally:
        client.close()
        cluster.close()


@pytest.fixture(scope="module")
def one_worker() -> Iterator[Any]:
    yield from _cluster(1)


@pytest.fixture(scope="module")
def two_workers() -> Iterator[Any]:
    yield from _cluster(2)


SWAPS = (("Iran", "Cuba"), ("ISIS", "the cartel"), ("Kerry", "Lopez"), ("Syria", "Mexico"))


def write_archive(folder: Path, bad: bool = True) -> tuple[Path, Path]:
    """A copy of the sample folder and ``export.csv``: every sample article again under another
    outlet, and once more with its names swapped (another event), plus bad rows."""
    import shutil

    articles = folder / "articles"
    shutil.copytree(SAMPLE_DIR, articles)
    rows: list[dict[str, str]] = []
    for number, doc in enumerate(load_sample().documents):
        rows.append(
            {
                "id": f"copy-{number}",
                "text": doc.text,
                "outlet": f"Copy {number}",
                "date": doc.date or "",
                "title": doc.title,
            }
        )
        swapped = doc.text
        for old, new in SWAPS:
            swapped = swapped.replace(old, new)
        rows.append(
            {
                "id": f"swap-{number}",
                "text": swapped,
                "outlet": f"Swap {number}",
                "date": "2015-03-01",
                "title": "",
            }
        )
    if bad:
        rows.insert(3, {"id": "empty", "text": "  ", "outlet": "X", "date": "", "title": ""})
    export = folder / "export.csv"
    with export.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=["id", "text", "outlet", "date", "title"])
        writer.writeheader()
        writer.writerows(rows)
    if bad:
        with export.open("a", encoding="utf-8") as handle:
            handle.write("short,row\n")
    return articles, export


@pytest.fixture
def archive(tmp_path: Path) -> tuple[Path, Path]:
    return write_archive(tmp_path)
