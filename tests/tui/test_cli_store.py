"""The store on the command line: where it is, broken stores, locks, configuration mistakes."""

from __future__ import annotations

import json
import os
import shutil
import stat
import sys
import threading
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from newsreader.annotations.config import ConfigError, load_config
from newsreader.annotations.store import Store
from newsreader.corpus import SAMPLE_DIR, load_paths, load_sample
from newsreader.tui.cli import cli


def run(*args: str, env: dict[str, str] | None = None) -> tuple[int, str, str]:
    result = CliRunner(env=env).invoke(cli, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_store_command_shows_the_default_place_and_counts() -> None:
    code, out, _ = run("store")
    assert code == 0
    assert os.environ["NEWSREADER_DB"] in out and "not created yet" in out
    code, out, _ = run("open")  # opening the sample creates the store
    assert code == 0 and "0 annotations" in out
    code, out, _ = run("store", "--json")
    facts = json.loads(out)
    assert facts["exists"] and facts["counts"]["spans"] == 0


def test_default_store_is_in_the_platform_data_folder(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NEWSREADER_DB")
    code, out, _ = run("store")
    assert code == 0
    expected = Path(os.environ["XDG_DATA_HOME"]) / "newsreader" / "annotations.json"
    assert str(expected) in out


def test_a_broken_store_gets_a_plain_message_and_a_way_out(tmp_path: Path) -> None:
    db = tmp_path / "s.json"
    db.write_text('{"meta": {"1": {"schema": 1}}, "spans": {"1": ')
    for command in (["export"], ["import", str(db)], ["open"]):
        code, _, err = run(*command, "--db", str(db))
        assert code == 2, command
        assert f"{db} does not parse (line 1, column" in err
        assert "--move-aside" in err and "Traceback" not in err
    assert db.read_text() == '{"meta": {"1": {"schema": 1}}, "spans": {"1": '
    code, out, _ = run("store", "--db", str(db))
    assert code == 2 and "does not parse" in out
    code, out, _ = run("store", "--db", str(db), "--move-aside")
    assert code == 0 and "broken-" in out
    (moved,) = tmp_path.glob("s.json.broken-*")
    assert moved.read_text().startswith('{"meta"')  # nothing deleted
    code, out, _ = run("open", "--db", str(db))
    assert code == 0 and "0 annotations" in out


def test_a_locked_store_is_named_and_export_still_reads_it(tmp_path: Path) -> None:
    db = tmp_path / "s.json"
    docs = load_sample().documents
    with Store.open(db) as store:
        store.attach(docs)
        store.create_span(docs[0].id, 0, 30, "claim")
        store.flush()
        source = tmp_path / "in.jsonl"
        source.write_text("")
        code, _, err = run("import", str(source), "--db", str(db))
        assert code == 2 and "open in another newsreader" in err
        code, out, _ = run("export", "--db", str(db))
        assert code == 0 and len(out.splitlines()) == 1  # read while the other one writes


def test_configuration_labels_annotator_and_mistakes(tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    config.write_text('annotator = "ana"\nlabels = ["background"]\ndb = "stores/main.json"\n')
    loaded = load_config(config)
    assert loaded.annotator == "ana" and loaded.labels == ("background",)
    assert loaded.store_path() == Path(os.environ["NEWSREADER_DB"])  # the environment wins
    assert loaded.store_path("x.json") == Path("x.json")  # and --db wins over both
    os.environ.pop("NEWSREADER_DB")
    try:
        assert loaded.store_path() == tmp_path / "stores" / "main.json"
    finally:
        os.environ["NEWSREADER_DB"] = str(tmp_path / "env.json")
    for text, message in [
        ("labels = [1, 2]\n", "line 1: labels must be a list of names"),
        ('colour = "red"\n', "line 1: unknown setting 'colour'"),
        ('labels = ["two words"]\n', "'two words' is not a usable name"),
        ("annotator = \n", "Invalid value"),
    ]:
        config.write_text(text)
        with pytest.raises(ConfigError, match=message):
            load_config(config)
    config.write_text("labels = [1]\n")
    code, _, err = run("store", env={"NEWSREADER_CONFIG": str(config)})
    assert code == 2 and str(config) in err and "Traceback" not in err


# -- issues 11, 14, 15: the store's commands at the edges --------------------------------


def span_line(doc: Any, start: int, end: int, **extra: Any) -> dict[str, Any]:
    line = {
        "id": f"s_{start:016x}",
        "doc_id": doc.id,
        "doc_path": doc.path,
        "start": start,
        "end": end,
        "text": doc.text[start:end],
        "label": "claim",
    }
    line.update(extra)
    return line


def write_lines(path: Path, *lines: Any) -> Path:
    path.write_text("".join((x if isinstance(x, str) else json.dumps(x)) + "\n" for x in lines))
    return path


@pytest.fixture
def two_annotators(tmp_path: Path) -> Path:
    """A store holding ana's and ben's spans (ben's imported from his export)."""
    docs = load_sample().documents
    db = tmp_path / "s.json"
    with Store.open(db, annotator="ana") as store:
        store.attach(docs)
        store.create_span(docs[0].id, 0, 30, "claim")
        store.create_span(docs[1].id, 0, 20, "quote")
    source = write_lines(
        tmp_path / "ben.jsonl",
        span_line(docs[0], 40, 60, annotator="ben"),
        span_line(docs[1], 30, 50, annotator="ben", label="quote"),
    )
    code, _, err = run("import", str(source), "--db", str(db))
    assert code == 0, err
    return db


def exported(*args: str) -> list[dict[str, Any]]:
    code, out, err = run("export", *args)
    assert code == 0, err
    return [json.loads(line) for line in out.splitlines()]


def test_export_limits_itself_to_the_annotators_labels_and_articles_named(
    two_annotators: Path,
) -> None:
    db = str(two_annotators)
    docs = load_sample().documents
    assert len(exported("--db", db)) == 4
    assert {x["annotator"] for x in exported("--db", db, "--annotator", "ben")} == {"ben"}
    both = exported("--db", db, "--annotator", "ben", "--annotator", "ana")
    assert len(both) == 4
    assert {x["label"] for x in exported("--db", db, "--label", "quote")} == {"quote"}
    by_id = exported("--db", db, "--article", docs[0].id)
    assert {x["doc_id"] for x in by_id} == {docs[0].id} and len(by_id) == 2
    by_path = exported("--db", db, "--article", docs[1].path, "--annotator", "ben")
    assert [(x["doc_id"], x["annotator"]) for x in by_path] == [(docs[1].id, "ben")]
    code, _, err = run("export", "--db", db, "--format", "w3c", "--label", "quote")
    assert code == 2 and "limit a jsonl export only" in err  # never silently ignored


def test_importing_another_annotators_export_keeps_both_side_by_side(
    tmp_path: Path, two_annotators: Path
) -> None:
    db = str(two_annotators)
    ana = exported("--db", db, "--annotator", "ana")
    # Cara's export happens to reuse the ids of ana's spans (say, a copy of ana's store).
    cara = [{**line, "annotator": "cara", "start": line["start"]} for line in ana]
    source = write_lines(tmp_path / "cara.jsonl", *cara)
    code, _, err = run("import", str(source), "--db", db)
    assert code == 0 and "2 new" in err
    assert "given new ids, and both are kept" in err
    after = exported("--db", db)
    assert len(after) == 6
    assert [x for x in after if x["annotator"] == "ana"] == ana  # never overwritten
    assert {x["id"] for x in after if x["annotator"] == "cara"}.isdisjoint(x["id"] for x in ana)


def test_import_refuses_what_it_must_not_store(tmp_path: Path) -> None:
    docs = load_sample().documents
    doc = docs[0]
    source = write_lines(
        tmp_path / "in.jsonl",
        span_line(doc, 0, 10),
        span_line(doc, 10, 20, id="../../x"),
        span_line(doc, 20, 30, id="s_\x1b]0;pwned\x07"),
        span_line(doc, 30, 40, doc_path="/etc/passwd"),
        span_line(doc, 40, 50, doc_id="../../etc/passwd"),
        '{"id": "s_0000000000000099", "start": ' + "9" * 5000 + "}",
        {**span_line(doc, 60, 70), "end": 10**12},
    )
    db = tmp_path / "s.json"
    code, _, err = run("import", str(source), "--db", str(db))
    assert code == 1 and "nothing imported: 6 bad lines" in err
    for number, reason in [
        (2, "'id' must be 's_' and 16 hex digits"),
        (3, "'id' must be 's_' and 16 hex digits"),
        (4, "'doc_path' '/etc/passwd' is outside"),
        (5, "'doc_id' '../../etc/passwd' is not an article id"),
        (6, "not usable JSON"),
        (7, "'end' is 1000000000000, past the end of any article"),
    ]:
        assert f"line {number}: {reason}" in err, (number, err)
    assert "\x1b" not in err and "Traceback" not in err
    code, _, err = run("import", str(source), "--db", str(db), "--corpus", str(tmp_path / "nope"))
    assert code == 2 and "--corpus" in err and "no such file" in err


def test_a_bad_record_in_a_store_is_a_message_in_every_command(tmp_path: Path) -> None:
    docs = load_sample().documents
    db = tmp_path / "s.json"
    with Store.open(db) as store:
        store.attach(docs)
        store.create_span(docs[0].id, 0, 30, "claim")
    data = json.loads(db.read_text())
    del data["spans"]["1"]["end"]
    db.write_text(json.dumps(data))
    before = db.read_bytes()
    source = write_lines(tmp_path / "in.jsonl")
    for command in (
        ["export"],
        ["coverage"],
        ["import", str(source)],
        ["open"],
        ["store"],
    ):
        code, out, err = run(*command, "--db", str(db))
        assert code == 2, command
        assert "span record 1 has no 'end'" in out + err, command
        assert "Traceback" not in out + err
    assert db.read_bytes() == before


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_export_writes_into_a_fifo_and_refuses_a_folder(
    two_annotators: Path, tmp_path: Path
) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    got: list[bytes] = []
    reader = threading.Thread(target=lambda: got.append(fifo.read_bytes()))
    reader.start()
    code, _, err = run("export", "--db", str(two_annotators), "-o", str(fifo), "--force")
    reader.join(10)
    assert code == 0, err
    assert stat.S_ISFIFO(fifo.stat().st_mode)  # still a FIFO, not replaced by a file
    assert len(got[0].splitlines()) == 4
    code, _, err = run("export", "--db", str(two_annotators), "-o", str(tmp_path), "--force")
    assert code == 2 and "is a folder; name a file" in err


def test_move_aside_where_there_is_no_folder_is_a_message(tmp_path: Path) -> None:
    code, _, err = run("store", "--db", str(tmp_path / "no" / "s.json"), "--move-aside")
    assert code == 2 and "is not a folder" in err and "Traceback" not in err


def test_a_damaged_journal_entry_is_repaired_only_when_asked(tmp_path: Path) -> None:
    docs = load_sample().documents
    db = tmp_path / "s.json"
    store = Store.open(db, compact_every=10**9)
    store.attach(docs)
    for i in range(3):
        store.create_span(docs[0].id, i * 10, i * 10 + 8, "claim")
    store.flush()
    store.storage._closed = True  # a crash: the journal is not folded
    store.storage._queue.put(None)
    store.storage._writer.join()  # type: ignore[union-attr]
    store.storage._journal_file.close()
    store.storage._lock.release()
    journal = tmp_path / "s.json.journal"
    lines = journal.read_bytes().splitlines(keepends=True)
    lines[2] = lines[2].replace(b'"claim"', b'"clahm"', 1)
    journal.write_bytes(b"".join(lines))
    code, _, err = run("import", str(write_lines(tmp_path / "e.jsonl")), "--db", str(db))
    assert code == 2 and "line 3 fails its checksum" in err and "--repair" in err
    code, out, _ = run("store", "--db", str(db))
    assert "fails its checksum" in out
    code, out, err = run("store", "--db", str(db), "--repair")
    assert code == 0 and "damaged-" in out, err
    code, out, _ = run("store", "--db", str(db))
    assert code == 0 and "1 annotations" in out


def test_article_paths_are_stored_absolute_and_old_relative_ones_still_resolve(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    corpus = tmp_path / "corpus"
    shutil.copytree(SAMPLE_DIR, corpus)
    monkeypatch.chdir(tmp_path)
    docs = load_paths(["corpus"]).documents
    assert not Path(docs[0].path).is_absolute()
    db = tmp_path / "s.json"
    with Store.open(db) as store:
        store.attach(docs)
        store.create_span(docs[0].id, 0, 30, "claim")
    stored = json.loads(db.read_text())["documents"]
    assert all(Path(r["path"]).is_absolute() for r in stored.values())
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    (line,) = exported("--db", str(db))
    assert Path(line["doc_path"]).is_file()
    # A store written before paths were absolute: its paths are relative to where it ran.
    for record in stored.values():
        record["path"] = os.path.relpath(record["path"], tmp_path)
    data = json.loads(db.read_text())
    data["documents"] = stored
    db.write_text(json.dumps(data))
    (line,) = exported("--db", str(db))  # found beside the store
    assert line["anchor"] == "ok" and Path(line["doc_path"]).is_file()


def test_platform_folders_are_where_they_always_were(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from platformdirs.macos import MacOS
    from platformdirs.unix import Unix

    home = tmp_path / "home"
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.delenv("XDG_DATA_HOME")
    monkeypatch.delenv("XDG_CONFIG_HOME")
    unix = Unix("newsreader", appauthor=False, roaming=True)
    assert Path(unix.user_data_dir) == home / ".local" / "share" / "newsreader"
    assert Path(unix.user_config_dir) == home / ".config" / "newsreader"
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "d"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "c"))
    assert Path(unix.user_data_dir) == tmp_path / "d" / "newsreader"
    assert Path(unix.user_config_dir) == tmp_path / "c" / "newsreader"
    monkeypatch.delenv("XDG_DATA_HOME")
    monkeypatch.delenv("XDG_CONFIG_HOME")
    mac = MacOS("newsreader", appauthor=False, roaming=True)
    assert Path(mac.user_data_dir) == home / "Library" / "Application Support" / "newsreader"
    assert Path(mac.user_config_dir) == home / "Library" / "Application Support" / "newsreader"
    from newsreader.annotations import config

    real_platform = sys.platform
    monkeypatch.setattr(config.sys, "platform", "darwin")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "d"))  # macOS never followed it
    assert config.data_folder() == home / "Library" / "Application Support" / "newsreader"
    monkeypatch.setattr(config.sys, "platform", real_platform)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "d"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "c"))
    if real_platform == "linux":
        from newsreader.annotations.config import config_path, data_folder, platform_dirs

        assert type(platform_dirs()) is Unix
        assert data_folder() == tmp_path / "d" / "newsreader"
        monkeypatch.delenv("NEWSREADER_CONFIG")
        assert config_path() == tmp_path / "c" / "newsreader" / "config.toml"


def test_windows_folders_are_the_roaming_appdata(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from platformdirs import windows

    monkeypatch.setenv("APPDATA", str(tmp_path / "Roaming"))
    monkeypatch.setattr(windows, "get_win_folder", windows.get_win_folder_from_env_vars)
    dirs = windows.Windows("newsreader", appauthor=False, roaming=True)
    assert Path(dirs.user_data_dir) == tmp_path / "Roaming" / "newsreader"
    assert Path(dirs.user_config_dir) == tmp_path / "Roaming" / "newsreader"


def test_a_missing_configuration_file_that_was_named_is_reported(tmp_path: Path) -> None:
    named = tmp_path / "gone.toml"
    code, _, err = run("store", env={"NEWSREADER_CONFIG": str(named)})
    assert code == 0 and f"$NEWSREADER_CONFIG names {named}, which does not exist" in err
    named.write_text('annotator = "ana"\n')
    code, _, err = run("store", env={"NEWSREADER_CONFIG": str(named)})
    assert code == 0 and "does not exist" not in err
