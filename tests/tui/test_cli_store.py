"""The store on the command line: where it is, broken stores, locks, configuration mistakes."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from newsreader.annotations.config import ConfigError, load_config
from newsreader.annotations.store import Store
from newsreader.corpus import load_sample
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
