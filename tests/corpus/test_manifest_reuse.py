"""A metadata table is read once when a corpus's files are loaded one call at a time (as import
and export do), and read again when it changes."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from newsreader.corpus import loaders
from newsreader.corpus.loaders import load_paths


def _corpus(tmp_path: Path, count: int) -> list[Path]:
    rows = ["file\tpublisher\ttitle"]
    files = []
    for i in range(count):
        f = tmp_path / f"a{i}.txt"
        f.write_text(f"Title {i}\n\nBody of article {i}.\n", encoding="utf-8")
        files.append(f)
        rows.append(f"a{i}.txt\tOutlet {i % 3}\tTitle {i}")
    (tmp_path / "metadata.tsv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    return files


def test_table_read_once_for_many_single_file_loads(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    files = _corpus(tmp_path, 20)
    reads = []
    real = loaders.Manifest.read.__func__  # type: ignore[attr-defined]

    def counting(cls: type, path: Path):  # type: ignore[no-untyped-def]
        reads.append(path)
        return real(cls, path)

    monkeypatch.setattr(loaders.Manifest, "read", classmethod(counting))
    outlets = [load_paths([f]).documents[0].outlet for f in files]
    assert outlets == [f"Outlet {i % 3}" for i in range(20)]
    assert len(reads) == 1


def test_changed_table_is_read_again(tmp_path: Path) -> None:
    files = _corpus(tmp_path, 2)
    assert load_paths([files[0]]).documents[0].outlet == "Outlet 0"
    table = tmp_path / "metadata.tsv"
    table.write_text("file\tpublisher\ttitle\na0.txt\tChanged Outlet\tTitle 0\n", encoding="utf-8")
    later = table.stat().st_mtime_ns + 1_000_000_000
    os.utime(table, ns=(later, later))
    assert load_paths([files[0]]).documents[0].outlet == "Changed Outlet"


def test_problems_of_a_kept_table_are_reported_each_time(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("Title\n\nBody.\n", encoding="utf-8")
    (tmp_path / "metadata.tsv").write_text("publisher\ttitle\nX\tY\n", encoding="utf-8")
    for _ in range(2):
        problems = load_paths([tmp_path / "a.txt"]).problems
        assert any("metadata.tsv" in p.path and "file" in p.reason for p in problems)
