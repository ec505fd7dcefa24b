"""The store file on disk: journal recovery, broken and newer stores, locking, folding."""

from __future__ import annotations

import errno
import json
import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from newsreader.annotations import journal
from newsreader.annotations.journal import (
    JournalStorage,
    StoreCorrupt,
    StoreError,
    StoreLocked,
    StoreTooNew,
    StoreWriteError,
    journal_path,
)
from newsreader.annotations.store import Store
from newsreader.corpus import Document


@pytest.fixture
def docs(seeds: dict[str, Document]) -> list[Document]:
    return list(seeds.values())


def make_store(path: Path, docs: list[Document], n: int = 3) -> list[str]:
    """A store with ``n`` claims whose journal is left unfolded (as after a crash)."""
    store = Store.open(path, compact_every=10**9)
    store.attach(docs)
    ids = [store.create_span(docs[0].id, i * 10, i * 10 + 8, "claim").id for i in range(n)]
    store.flush()
    # Simulate a crash: stop without folding the journal into the base or releasing the lock.
    store.storage._closed = True
    store.storage._queue.put(None)
    store.storage._writer.join()  # type: ignore[union-attr]
    store.storage._journal_file.close()
    store.storage._lock.release()
    return ids


def files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def test_journal_is_replayed_after_a_crash(tmp_path: Path, docs: list[Document]) -> None:
    ids = make_store(tmp_path / "s.json", docs)
    assert journal_path(tmp_path / "s.json").stat().st_size > 0
    with Store.open(tmp_path / "s.json") as store:
        assert [s.id for s in store.spans()] == ids
    assert not journal_path(tmp_path / "s.json").exists()  # folded on close


def test_a_torn_last_line_is_dropped_and_cut(tmp_path: Path, docs: list[Document]) -> None:
    ids = make_store(tmp_path / "s.json", docs)
    with open(journal_path(tmp_path / "s.json"), "ab") as f:
        f.write(b'{"seq": 99, "ops": [["spans", "9", {"id": "half')
    with Store.open(tmp_path / "s.json", compact_every=10**9) as store:
        assert [s.id for s in store.spans()] == ids
        store.attach(docs)
        store.create_span(docs[0].id, 100, 120, "claim")
        store.flush()
        lines = journal_path(store.path).read_bytes().splitlines()
        assert all(json.loads(line) for line in lines)  # the new entry starts on its own line
    with Store.open(tmp_path / "s.json") as store:
        assert len(store.spans()) == len(ids) + 1


def test_a_broken_middle_line_stops_opening_and_changes_nothing(
    tmp_path: Path, docs: list[Document]
) -> None:
    make_store(tmp_path / "s.json", docs)
    jpath = journal_path(tmp_path / "s.json")
    lines = jpath.read_bytes().splitlines(keepends=True)
    lines[1] = b"garbage\n"
    jpath.write_bytes(b"".join(lines))
    before = files(tmp_path)
    with pytest.raises(StoreCorrupt, match=r"s\.json\.journal line 2 does not parse"):
        Store.open(tmp_path / "s.json")
    assert files(tmp_path) == before
    # Read-only shows what came before the broken line, and says so.
    with Store.open(tmp_path / "s.json", read_only=True) as store:
        assert len(store.spans()) == 0  # line 1 is the attach, line 2 the first span
        assert "line 2 does not parse" in store.warnings[0]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b'{"meta": {"1": {"schema": 1}}, "spans": {', "does not parse .line 1, column"),
        (b"\xff\xfe binary", "not UTF-8"),
        (b"[1, 2, 3]", "not a TinyDB database"),
        (b'{"_default": {"1": {"name": "x"}}}', "not a newsreader store"),
    ],
)
def test_a_store_that_does_not_parse_is_never_overwritten(
    tmp_path: Path, content: bytes, message: str
) -> None:
    path = tmp_path / "s.json"
    path.write_bytes(content)
    with pytest.raises(StoreCorrupt, match=message) as caught:
        Store.open(path)
    assert str(path) in str(caught.value) and "--move-aside" in str(caught.value)
    assert files(tmp_path) == {"s.json": content}


def test_an_empty_tinydb_file_becomes_a_store(tmp_path: Path) -> None:
    path = tmp_path / "s.json"
    path.write_text('{"_default": {}}')
    with Store.open(path) as store:
        assert store.spans() == []
    assert json.loads(path.read_text())["meta"]["1"]["schema"] == journal.SCHEMA_VERSION


def test_a_newer_store_is_refused_but_readable_read_only(
    tmp_path: Path, docs: list[Document]
) -> None:
    path = tmp_path / "s.json"
    make_store(path, docs)
    with Store.open(path):
        pass
    data = json.loads(path.read_text())
    data["meta"]["1"]["schema"] = 99
    path.write_text(json.dumps(data))
    before = files(tmp_path)
    with pytest.raises(StoreTooNew, match=r"newer newsreader .store schema 99"):
        Store.open(path)
    with Store.open(path, read_only=True, allow_newer=True) as store:
        assert len(store.spans()) == 3
        assert "written by a newer newsreader" in store.warnings[0]
    assert files(tmp_path) == before


def test_an_older_schema_is_migrated_with_a_backup(
    tmp_path: Path, docs: list[Document], monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "s.json"
    make_store(path, docs)
    with Store.open(path):
        pass
    old = json.loads(path.read_text())
    old["meta"]["1"]["schema"] = 0
    for record in old["spans"].values():  # schema 0 called labels "kind"
        record["kind"] = record.pop("label")
    path.write_text(json.dumps(old))

    def zero_to_one(tables: journal.Tables) -> journal.Tables:
        for key, record in list(tables["spans"].items()):
            record = dict(record)
            record["label"] = record.pop("kind")
            tables["spans"][key] = record
        return tables

    monkeypatch.setitem(journal.MIGRATIONS, 0, zero_to_one)
    with Store.open(path) as store:
        assert {s.label for s in store.spans()} == {"claim"}
        assert store.storage.migrated_from == 0
    assert json.loads((tmp_path / "s.json.schema0.bak").read_text()) == old
    assert json.loads(path.read_text())["meta"]["1"]["schema"] == journal.SCHEMA_VERSION


def test_a_second_process_is_told_the_store_is_locked(tmp_path: Path) -> None:
    path = tmp_path / "s.json"
    with Store.open(path):
        child = subprocess.run(
            [
                sys.executable,
                "-c",
                textwrap.dedent(
                    f"""
                    from newsreader.annotations.store import Store
                    from newsreader.annotations.journal import StoreLocked
                    try:
                        Store.open({str(path)!r})
                    except StoreLocked as error:
                        print("LOCKED", error)
                    with Store.open({str(path)!r}, read_only=True) as s:
                        print("READ", len(s.spans()))
                    """
                ),
            ],
            capture_output=True,
            text=True,
            check=True,
        )
        assert "LOCKED" in child.stdout and "open in another newsreader" in child.stdout
        assert "READ 0" in child.stdout
        with pytest.raises(StoreLocked):  # the same process, a second time, too
            Store.open(path)
    with Store.open(path):  # released on close
        pass


def test_the_journal_is_folded_in_the_background(tmp_path: Path, docs: list[Document]) -> None:
    path = tmp_path / "s.json"
    with Store.open(path, compact_every=20) as store:
        store.attach(docs)
        for i in range(120):
            store.create_span(docs[0].id, i, i + 5, "claim")
            store.flush()
        # Folded at least once: the journal holds only the recent entries. The fold runs in
        # the background, so a loaded machine may take a moment to get to it.
        deadline = time.monotonic() + 30
        while journal_path(path).read_bytes().count(b"\n") >= 60 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert journal_path(path).read_bytes().count(b"\n") < 60
        base = json.loads(path.read_text())
        assert base["meta"]["1"]["seq"] > 20
        reader = Store.open(path, read_only=True)
        assert len(reader.spans()) == 120  # base plus journal, read while the writer works
        reader.close()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["s.json"]


def test_a_disk_error_is_reported_not_swallowed(
    tmp_path: Path, docs: list[Document], monkeypatch: pytest.MonkeyPatch
) -> None:
    errors: list[StoreWriteError] = []
    store = Store.open(tmp_path / "s.json", on_error=errors.append)
    store.attach(docs)
    store.flush()

    def full(fd: int) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(journal, "_datasync", full)
    store.create_span(docs[0].id, 0, 10, "claim")
    with pytest.raises(StoreWriteError, match="No space left on device"):
        store.flush()
    assert errors and "could not save" in str(errors[0])
    with pytest.raises(StoreWriteError):
        store.create_span(docs[0].id, 20, 30, "claim")
    with pytest.raises(StoreWriteError):
        store.close()


# -- issue 15: data safety ---------------------------------------------------------------


def test_a_flipped_byte_in_a_journal_entry_is_reported_by_number_not_dropped(
    tmp_path: Path, docs: list[Document]
) -> None:
    path = tmp_path / "s.json"
    make_store(path, docs, n=4)
    jpath = journal_path(path)
    lines = jpath.read_bytes().splitlines(keepends=True)
    assert all(b'"crc":"' in line for line in lines)
    # Change one letter of a span's text in entry 3: the line still parses as JSON.
    at = lines[2].index(b'"text":"') + 9
    lines[2] = lines[2][:at] + bytes([lines[2][at] ^ 0x01]) + lines[2][at + 1 :]
    json.loads(lines[2])
    jpath.write_bytes(b"".join(lines))
    before = files(tmp_path)
    with pytest.raises(journal.StoreDamaged, match=r"line 3 fails its checksum") as caught:
        Store.open(path)
    assert "2 entries after it are not applied" in str(caught.value)
    assert files(tmp_path) == before  # nothing changed, nothing discarded
    with Store.open(path, read_only=True) as store:
        assert len(store.spans()) == 1  # entry 1 attached, entry 2 made the first span
        assert store.storage.damaged == 3
        assert "fails its checksum" in store.warnings[0]
    assert files(tmp_path) == before
    # The user decides: keep the edits before it; the journal and old file are kept aside.
    kept = journal.repair_store(path, "T")
    assert kept is not None and kept[0].read_bytes() == before["s.json.journal"]
    with Store.open(path) as store:
        assert len(store.spans()) == 1


def test_a_journal_written_before_checksums_is_still_read(
    tmp_path: Path, docs: list[Document]
) -> None:
    path = tmp_path / "s.json"
    ids = make_store(path, docs, n=3)
    jpath = journal_path(path)
    old_lines = []
    for line in jpath.read_bytes().splitlines():
        entry = json.loads(line)
        del entry["crc"]
        old_lines.append(json.dumps(entry).encode() + b"\n")
    jpath.write_bytes(b"".join(old_lines))
    with Store.open(path) as store:
        assert [s.id for s in store.spans()] == ids


def schema_1_store(path: Path, docs: list[Document]) -> dict[str, object]:
    """A store as newsreader wrote it before schema 2: history entries hold ``changes``."""
    doc = docs[0]
    span = {
        "id": "s_00000000000000a1",
        "doc_id": doc.id,
        "doc_hash": doc.content_hash,
        "start": 0,
        "end": 12,
        "text": doc.text[0:12],
        "prefix": "",
        "suffix": doc.text[12:44],
        "label": "claim",
        "attributes": {},
        "annotator": "old",
        "created": "2026-01-01T00:00:00.000Z",
        "modified": "2026-01-01T00:00:00.000Z",
        "anchor": None,
    }
    relabelled = {**span, "label": "quote"}
    data = {
        "meta": {"1": {"schema": 1, "app": "newsreader", "seq": 0}},
        "documents": {},
        "spans": {"1": relabelled},
        "groups": {},
        "decisions": {},
        "suggestions": {},
        "history": {
            "1": {
                "label": "tag",
                "at": "t",
                "annotator": "old",
                "undone": False,
                "changes": [["spans", "1", None, span]],
            },
            "2": {
                "label": "relabel",
                "at": "t",
                "annotator": "old",
                "undone": False,
                "changes": [["spans", "1", span, relabelled]],
            },
        },
    }
    path.write_text(json.dumps(data))
    return data


def test_a_schema_1_store_is_upgraded_keeping_a_copy_and_its_history_still_undoes(
    tmp_path: Path, docs: list[Document]
) -> None:
    path = tmp_path / "s.json"
    old = schema_1_store(path, docs)
    # A schema 1 journal (no checksums) holds one more edit: an undo of the relabel.
    undo = {
        "seq": 1,
        "ops": [
            ["spans", "1", old["spans"]["1"] | {"label": "claim"}],  # type: ignore[index]
            ["history", "2", old["history"]["2"] | {"undone": True}],
        ],
    }  # type: ignore[index]
    journal_path(path).write_text(json.dumps(undo) + "\n")
    original = path.read_bytes()
    with Store.open(path) as store:
        assert store.storage.migrated_from == 1
        assert [s.label for s in store.spans()] == ["claim"]
        assert store.redo() is not None  # the old undone entry redoes
        assert [s.label for s in store.spans()] == ["quote"]
        assert store.undo() is not None and store.undo() is not None
        assert store.spans() == []
        assert store.redo() is not None
        assert [s.label for s in store.spans()] == ["claim"]
    assert (tmp_path / "s.json.schema1.bak").read_bytes() == original
    upgraded = json.loads(path.read_text())
    assert upgraded["meta"]["1"]["schema"] == journal.SCHEMA_VERSION
    assert all("changes" not in entry for entry in upgraded["history"].values())


def test_a_store_from_a_newer_layout_is_refused_and_left_alone(tmp_path: Path) -> None:
    path = tmp_path / "s.json"
    path.write_text(json.dumps({"meta": {"1": {"schema": journal.SCHEMA_VERSION + 1}}}))
    before = files(tmp_path)
    with pytest.raises(StoreTooNew, match="newer newsreader"):
        Store.open(path)
    assert files(tmp_path) == before


def test_move_aside_gives_the_journal_to_the_moved_store(
    tmp_path: Path, docs: list[Document]
) -> None:
    path = tmp_path / "s.json"
    ids = make_store(path, docs, n=3)  # the spans are only in the journal
    moved = journal.move_aside(path, "T")
    assert [p.name for p in moved] == ["s.json.broken-T", "s.json.broken-T.journal"]
    with Store.open(tmp_path / "s.json.broken-T", read_only=True) as store:
        assert [s.id for s in store.spans()] == ids


LOCK_HOLDER = textwrap.dedent(
    """
    import sys, time
    from newsreader.annotations.store import Store
    store = Store.open(sys.argv[1])
    print("open", flush=True)
    time.sleep(60)
    """
)


def test_a_lock_left_by_a_killed_process_does_not_block_recovery(tmp_path: Path) -> None:
    path = tmp_path / "s.json"
    child = subprocess.Popen(
        [sys.executable, "-c", LOCK_HOLDER, str(path)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert child.stdout is not None and child.stdout.readline().strip() == "open"
        assert journal.describe(path)["locked_by"] == str(child.pid)  # held: reported
        with pytest.raises(StoreLocked):
            journal.move_aside(path, "T")
    finally:
        child.kill()  # kill -9: the lock file stays behind, but its lock is gone
        child.wait()
    assert journal.lock_path(path).exists()
    assert "locked_by" not in journal.describe(path)
    assert next(p.name for p in journal.move_aside(path, "T")) == "s.json.broken-T"


@pytest.mark.parametrize(
    ("damage", "message"),
    [
        (lambda r: r.pop("start"), "span record 1 has no 'start'"),
        (lambda r: r.update(start=-5), "offsets -5-"),
        (lambda r: r.update(end=10**40), "outside any article"),
    ],
)
def test_a_bad_span_record_is_a_clear_message_and_the_file_is_not_rewritten(
    tmp_path: Path, docs: list[Document], damage: object, message: str
) -> None:
    path = tmp_path / "s.json"
    with Store.open(path) as store:
        store.attach(docs)
        store.create_span(docs[0].id, 0, 10, "claim")
    data = json.loads(path.read_text())
    damage(data["spans"]["1"])  # type: ignore[operator]
    path.write_text(json.dumps(data, indent=1))
    before = files(tmp_path)
    for read_only in (False, True):
        with pytest.raises(StoreCorrupt, match=message):
            Store.open(path, read_only=read_only)
    assert files(tmp_path) == before


def test_a_store_nested_too_deeply_is_a_clear_message(tmp_path: Path) -> None:
    path = tmp_path / "s.json"
    path.write_text('{"meta": ' + "[" * 100_000 + "]" * 100_000 + "}")
    before = files(tmp_path)
    with pytest.raises(StoreCorrupt, match="nested too deeply"):
        Store.open(path)
    assert files(tmp_path) == before


def test_an_unwritable_place_is_a_clear_message_and_read_only_still_opens(
    tmp_path: Path, docs: list[Document]
) -> None:
    path = tmp_path / "s.json"
    with Store.open(path) as store:
        store.attach(docs)
        store.create_span(docs[0].id, 0, 10, "claim")
    # A folder that cannot be written (permissions, or as here a file where the folder is).
    (tmp_path / "nofolder").write_text("a file")
    with pytest.raises(journal.StoreUnwritable, match="read-only"):
        Store.open(tmp_path / "nofolder" / "s.json")
    if sys.platform != "win32" and os.geteuid() != 0:
        tmp_path.chmod(0o555)
        try:
            with pytest.raises(journal.StoreUnwritable, match="read-only"):
                Store.open(path)
        finally:
            tmp_path.chmod(0o755)
    with Store.open(path, read_only=True) as store:
        assert len(store.spans()) == 1


def _tinydb_text(tables: dict[str, dict[str, object]], indent: int | None) -> str:
    return json.dumps(tables, indent=indent, ensure_ascii=False)


def _records(n: int) -> dict[str, dict[str, object]]:
    spans = {
        str(i): {
            "id": f"s_{i:04x}",
            "doc_id": f"doc{i % 3}",
            "label": "claim",
            "annotator": "Zoë",
            "start": 10**12 + i,  # long numbers, so that some are cut by a chunk boundary
            "end": 10**12 + i + 7,
            "text": "«quoted» — " * (i % 5) + "ünïcode ✓",
            "attributes": {"w": [1.5, None, True]},
        }
        for i in range(1, n + 1)
    }
    return {"meta": {"1": {"schema": 2, "app": "newsreader", "seq": 0}}, "spans": spans}


@pytest.mark.parametrize("indent", [None, 2])
@pytest.mark.parametrize("chunk", [7, 64, 1 << 20])
def test_the_base_is_read_piece_by_piece_as_a_whole_parse_reads_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, chunk: int, indent: int | None
) -> None:
    monkeypatch.setattr(journal, "_CHUNK", chunk)
    path = tmp_path / "store.json"
    data = _records(60)
    path.write_text(_tinydb_text(data, indent) + "\n", encoding="utf-8")
    tables = journal.read_base(path)
    assert tables is not None
    assert tables["spans"] == data["spans"]
    assert tables["meta"] == data["meta"]
    a, b = tables["spans"]["1"], tables["spans"]["4"]
    # Repeated values and field names are one string each, not one per record.
    assert a["doc_id"] is b["doc_id"] and a["label"] is b["label"]
    assert next(k for k in a if k == "text") is next(k for k in b if k == "text")


@pytest.mark.parametrize(
    ("text", "where"),
    [
        ('{"meta": {"1": {"schema": 2}}, "spans": {"1": {"id": "x",}}}', "line 1, column"),
        ('{"meta": {"1": {"schema": 2}},\n "spans": {"1": 5 "2": 6}}', "line 2, column"),
        ('{"meta": {"1": {"schema": 2}}, "spans": [1, 2]}', "not a TinyDB database"),
        ('{"meta": {"1": {"schema": 2}}} trailing', "line 1, column"),
    ],
)
def test_a_broken_base_read_in_pieces_still_names_the_place(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, text: str, where: str
) -> None:
    monkeypatch.setattr(journal, "_CHUNK", 5)
    path = tmp_path / "store.json"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(StoreCorrupt, match=where):
        journal.read_base(path)
    assert path.read_text(encoding="utf-8") == text


def test_reading_the_base_does_not_hold_its_text_beside_its_records(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import tracemalloc

    monkeypatch.setattr(journal, "_CHUNK", 1 << 14)
    path = tmp_path / "store.json"
    path.write_text(_tinydb_text(_records(4000), None), encoding="utf-8")
    tracemalloc.start()
    try:
        tables = journal.read_base(path)
        held, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert tables is not None and len(tables["spans"]) == 4000
    # A whole parse holds the bytes, the text (two bytes a character here: "✓") and the
    # records at once: its peak is about 1.8 times what the records hold.
    assert peak < 1.2 * held


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="FIFOs are POSIX")
def test_a_fifo_or_folder_named_as_the_store_is_refused_not_waited_on(tmp_path: Path) -> None:
    fifo = tmp_path / "store.json"
    os.mkfifo(fifo)
    for read_only in (False, True):
        with pytest.raises(StoreError, match="not a regular file"):
            JournalStorage(fifo, read_only=read_only)
    folder = tmp_path / "folder.json"
    folder.mkdir()
    with pytest.raises(StoreError, match="is a folder"):
        JournalStorage(folder, read_only=True)
