"""A folder's first articles read for the app's first frame, as the full listing reads them,
without listing the rest; and the faster table and binary checks that the first frame uses."""

from __future__ import annotations

import csv
import io
import os
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newsreader.corpus import list_paths, loaders
from newsreader.corpus.text import looks_binary


def write(path: Path, content: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


def article(title: str) -> str:
    return f"{title} Made Headlines Today\n\nThe minister said the talks went well on Monday.\n"


def tricky_tree(root: Path) -> None:
    # Names whose order differs between a folder-by-folder walk sorted by plain names and the
    # listing's sorted relative paths ("a-b.txt" < "a/..." < "a.txt" only with "a/" as the key).
    for name in (
        "a.txt",
        "a-b.txt",
        "a/b.txt",
        "a/0.md",
        "a.txt.d/c.txt",
        "B.txt",
        "z/y/x.txt",
        "z/a.md",
        ".hidden.txt",
        ".hid/h.txt",
        "README.md",
        "notes_ann.json",
        "zz.json",
    ):
        write(root / name, article(name.replace("/", " ").replace(".", " ")))
    write(root / "skip.pdf", b"%PDF")


@pytest.mark.parametrize("count", [1, 2, 3, 4, 6, 9])
def test_the_first_articles_are_the_listings_first(tmp_path: Path, count: int) -> None:
    tricky_tree(tmp_path)
    listed = list_paths([tmp_path]).documents
    first = loaders.first_articles([tmp_path], count=count)
    want = [d for d in listed if d.path.endswith((".txt", ".md"))][:count]
    assert [(d.id, d.path, d.title, d.text) for d in first] == [
        (d.id, d.path, d.title, d.text) for d in want
    ]


def test_the_first_articles_of_several_paths_and_a_manifest(tmp_path: Path) -> None:
    write(tmp_path / "one" / "b.txt", article("Bee"))
    write(tmp_path / "one" / "a.txt", article("Ay"))
    single = write(tmp_path / "c.txt", article("Sea"))
    write(tmp_path / "one" / "metadata.csv", "filename,publisher,date\na.txt,nyt,2016-09-01\n")
    paths = [single, tmp_path / "one"]
    listed = list_paths(paths).documents
    first = loaders.first_articles(paths, count=3)
    assert [(d.id, d.outlet, d.date) for d in first] == [
        (d.id, d.outlet, d.date) for d in listed[:3]
    ]
    assert first[1].outlet == "The New York Times"


def test_it_lists_only_the_folders_on_the_way(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for folder in "abcdefgh":
        for number in range(5):
            write(tmp_path / folder / f"{number}.txt", article(f"{folder}{number}"))
    listed: list[str] = []
    scandir = os.scandir

    def counting(path: str) -> object:
        listed.append(os.path.relpath(path, tmp_path))
        return scandir(path)

    monkeypatch.setattr(loaders.os, "scandir", counting)
    first = loaders.first_articles([tmp_path], count=2)
    assert [Path(d.path).relative_to(tmp_path).as_posix() for d in first] == ["a/0.txt", "a/1.txt"]
    assert listed == [".", "a"]


def test_it_stops_where_the_full_listing_must_decide(tmp_path: Path) -> None:
    write(tmp_path / "a.txt", article("Ay"))
    write(tmp_path / "b.json", '{"text": "A record"}')
    write(tmp_path / "c.txt", article("Sea"))
    assert [Path(d.path).name for d in loaders.first_articles([tmp_path], count=3)] == ["a.txt"]
    write(tmp_path / "0.txt", b"\x00\x01 binary")
    assert loaders.first_articles([tmp_path], count=3) == []  # its problem is the listing's
    assert loaders.first_articles([tmp_path / "missing"], count=2) == []
    big = write(tmp_path / "big" / "a.txt", article("Big") * 100)
    assert loaders.first_articles([big.parent], count=1, limit=100) == []
    assert len(loaders.first_articles([big.parent], count=1)) == 1


def test_polnear_first_articles_match_the_listing(shared: Path) -> None:
    data = shared / "corpora" / "polnear" / "data"
    first = loaders.first_articles([data], count=2)
    listed = list_paths([data]).documents[:2]
    assert [(d.id, d.outlet, d.date, d.title, d.author) for d in first] == [
        (d.id, d.outlet, d.date, d.title, d.author) for d in listed
    ]
    assert first[0].outlet  # from metadata.tsv


cells = st.text(alphabet="ab,\t\"' \n", max_size=6)


@settings(max_examples=300, deadline=None)
@given(
    rows=st.lists(st.lists(cells, max_size=5), max_size=6),
    delimiter=st.sampled_from([",", "\t"]),
    blank=st.booleans(),
)
def test_a_metadata_table_is_read_as_csv_dictreader_reads_it(
    tmp_path_factory: pytest.TempPathFactory,
    rows: list[list[str]],
    delimiter: str,
    blank: bool,
) -> None:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\n")
    writer.writerow(["filename", "publisher", "date"])
    for row in rows:
        writer.writerow(row)
        if blank:
            out.write("\n")
    table = tmp_path_factory.mktemp("t") / ("metadata.tsv" if delimiter == "\t" else "m.csv")
    table.write_text(out.getvalue(), encoding="utf-8")
    manifest, problems = loaders.Manifest.read(table)
    expected: dict[str, dict[str | None, object]] = {}
    missing = 0
    for row in csv.DictReader(io.StringIO(out.getvalue()), delimiter=delimiter):
        key = loaders._file_key(row)
        if key is None:
            missing += 1
        else:
            expected[key] = row  # type: ignore[assignment]
    assert manifest is not None
    assert manifest._entries == expected
    assert len(problems) == missing


@settings(max_examples=500)
@given(st.binary(max_size=400))
def test_looks_binary_counts_control_bytes_as_before(data: bytes) -> None:
    head = data[:8192]
    controls = sum(1 for b in head if b < 32 and b not in (9, 10, 12, 13, 27))
    expected = b"\x00" in head or (bool(head) and controls / len(head) > 0.05)
    assert looks_binary(data) is expected
