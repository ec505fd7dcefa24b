"""``newsreader prepare``: the index is the same whatever the workers and partitions, resumes
after a crash, takes in changed sources, lists bad rows, and reads as a folder does."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from newsreader.annotations.prepare.index import Index, is_index
from newsreader.annotations.prepare.run import prepare
from newsreader.corpus import group_stories, load_paths
from newsreader.corpus.loaders import stable_id
from newsreader.tui.cli import cli


def _stories(index: Path) -> list[tuple[str, tuple[str, ...]]]:
    return [(s.id, s.doc_ids) for s in Index(index).stories]


def _quotes(index: Path) -> dict[str, Any]:
    return {d.id: (d.quotes, d.sentences, d.boilerplate) for d in Index(index).load_all().documents}


def test_same_stories_and_quotes_whatever_workers_and_partitions(
    archive: tuple[Path, Path], tmp_path: Path, one_worker: Any, two_workers: Any
) -> None:
    sources = [str(p) for p in archive]
    runs = {
        "1 worker, 1 partition": (one_worker, 1000),
        "1 worker, many": (one_worker, 2),
        "2 workers, many": (two_workers, 3),
        "2 workers, 1 partition": (two_workers, 1000),
    }
    results = {}
    for name, (client, size) in runs.items():
        out = tmp_path / name.replace(" ", "_").replace(",", "")
        summary = prepare(sources, out, client=client, partition_size=size, links=False)
        assert summary.articles == 5 + 10
        results[name] = (_stories(out), _quotes(out), summary.partitions)
    first = next(iter(results.values()))
    assert any(len(ids) > 1 for _, ids in first[0]), "the archive must hold multi-article stories"
    assert len({r[2] for r in results.values()}) > 1, "the partitionings must differ"
    for name, result in results.items():
        assert result[0] == first[0], name
        assert result[1] == first[1], name
    # The same stories as grouping the same articles in one process, as `stories` does.
    out = tmp_path / "1_worker_1_partition"
    documents = Index(out).load_all().documents
    assert [(s.id, s.doc_ids) for s in group_stories(documents)] == first[0]


def test_index_reads_as_the_folder_does(tmp_path: Path, one_worker: Any) -> None:
    from newsreader.corpus import SAMPLE_DIR

    out = tmp_path / "index"
    prepare([str(SAMPLE_DIR)], out, client=one_worker, partition_size=2)
    assert is_index(out) and not is_index(SAMPLE_DIR)
    runner = CliRunner()
    for command in ("inspect", "stories"):
        folder = runner.invoke(cli, [command, str(SAMPLE_DIR), "--json"])
        index = runner.invoke(cli, [command, str(out), "--json"])
        assert folder.exit_code == 0, folder.output
        assert index.exit_code == 0, index.output
        assert index.stdout == folder.stdout, command
        assert folder.stdout.strip()
    # One story's articles, without the rest, equal to the folder's own.
    loaded = {d.id: d for d in load_paths([SAMPLE_DIR]).documents}
    story = Index(out).stories[0]
    opened = Index(out).story_documents(story.id)
    assert [d.id for d in opened] == list(story.doc_ids)
    for doc in opened:
        assert doc.to_json() == loaded[doc.id].to_json()


def test_bad_rows_are_listed_and_do_not_stop_the_job(
    archive: tuple[Path, Path], tmp_path: Path, one_worker: Any
) -> None:
    _, export = archive
    jsonl = tmp_path / "more.jsonl"
    jsonl.write_text(
        json.dumps({"id": "j1", "text": "Lopez said on Monday that talks would resume."})
        + "\n{not json\n"
        + json.dumps({"id": "j3", "body": ""})
        + "\n",
        encoding="utf-8",
    )
    out = tmp_path / "index"
    summary = prepare(
        [str(export), str(jsonl)], out, client=one_worker, partition_size=4, links=False
    )
    assert summary.articles == 11
    listed = [json.loads(line) for line in (out / "problems.jsonl").read_text().splitlines()]
    places = {(Path(p["file"]).name, p["line"]) for p in listed}
    # The empty row is data row 4 of export.csv; the short row the file's last line.
    lines = export.read_text(encoding="utf-8").count("\n")
    assert ("export.csv", lines) in places
    assert any(p["file"].endswith("export.csv") and "no text" in p["reason"] for p in listed)
    assert ("more.jsonl", 2) in places and ("more.jsonl", 3) in places
    assert all(p["reason"] for p in listed)
    assert json.loads((out / "manifest.json").read_text())["counts"]["problems"] == len(listed)


def test_rerun_after_a_crash_redoes_only_what_was_unfinished(
    archive: tuple[Path, Path], tmp_path: Path, one_worker: Any
) -> None:
    sources = [str(p) for p in archive]
    out = tmp_path / "index"
    first = prepare(sources, out, client=one_worker, partition_size=3, links=False)
    before = _stories(out), _quotes(out)
    # A crash: one partition in flight (its done record not written, its Parquet a temp file).
    victim = sorted((out / "done").glob("part-*.json"))[0]
    name = victim.stem
    victim.unlink()
    parquet = out / "articles" / f"{name}.parquet"
    parquet.rename(parquet.with_name(f".{parquet.name}.999.tmp"))
    finished = {p.name: p.stat().st_mtime_ns for p in (out / "done").glob("part-*.json")}
    again = prepare(sources, out, client=one_worker, partition_size=3, links=False)
    assert again.skipped == first.partitions - 1
    assert not list((out / "articles").glob(".*.tmp"))
    for path in (out / "done").glob("part-*.json"):
        if path.name in finished:
            assert path.stat().st_mtime_ns == finished[path.name], "a finished one was redone"
    assert (_stories(out), _quotes(out)) == before


def test_rerun_on_a_changed_source_takes_in_new_rows(
    archive: tuple[Path, Path], tmp_path: Path, one_worker: Any
) -> None:
    articles, export = archive
    out = tmp_path / "index"
    first = prepare([str(export)], out, client=one_worker, partition_size=4, links=False)
    text = next(iter(load_paths([articles]).documents)).text
    with export.open("a", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerow(["late", text, "Latecomer", "2014-09-16", "Late copy"])
    again = prepare([str(export)], out, client=one_worker, partition_size=4, links=False)
    assert again.articles == first.articles + 1
    assert 0 < again.skipped < again.partitions
    # The stories were grouped anew: the new row joined the story of the text it repeats.
    story_of = {d: s.id for s in Index(out).stories for d in s.doc_ids}
    assert story_of[stable_id("export.csv#late")] == story_of[stable_id("export.csv#copy-0")]
    # Partitions of the old rows no longer named by the manifest are gone.
    named = set(json.loads((out / "manifest.json").read_text())["partitions"])
    assert {p.name for p in (out / "articles").glob("part-*.parquet")} == named


def test_links_within_stories_are_in_the_index(
    archive: tuple[Path, Path], tmp_path: Path, two_workers: Any
) -> None:
    out = tmp_path / "index"
    summary = prepare([str(p) for p in archive], out, client=two_workers, partition_size=4)
    assert summary.links > 0
    index = Index(out)
    story_of = {d: s.id for s in index.stories for d in s.doc_ids}
    big = index.stories[0]
    links = index.links(big.id)
    assert links
    docs = {d.id: d for d in index.story_documents(big.id)}
    for link in links:
        assert story_of[link["source_doc"]] == story_of[link["target_doc"]] == big.id
        assert link["source_doc"] != link["target_doc"]
        source = docs[link["source_doc"]].text[link["source_start"] : link["source_end"]]
        assert source.strip()


def test_prepare_command_end_to_end(archive: tuple[Path, Path], tmp_path: Path) -> None:
    out = tmp_path / "index"
    result = CliRunner().invoke(
        cli,
        ["prepare", *map(str, archive), "--out", str(out), "--workers", "1", "--no-links"],
    )
    assert result.exit_code == 0, result.output
    assert "15 articles" in result.output and "problem: " in result.output
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["format"] == "newsreader-index" and manifest["version"] == 2
    assert manifest["counts"]["articles"] == 15


@pytest.mark.parametrize("command", [["prepare", "x", "--out", "y"], ["inspect", "INDEX"]])
def test_without_the_extra_it_says_how_to_install(
    command: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch, one_worker: Any
) -> None:
    from newsreader.corpus import SAMPLE_DIR

    index = tmp_path / "index"
    prepare([str(SAMPLE_DIR)], index, client=one_worker, links=False)
    command = [str(index) if c == "INDEX" else c for c in command]
    for module in ("dask", "distributed", "pyarrow"):
        monkeypatch.setitem(__import__("sys").modules, module, None)
    result = CliRunner().invoke(cli, command)
    assert result.exit_code == 2
    assert "pip install 'newsreader[scale]'" in result.output
    assert "Traceback" not in result.output


def test_opening_a_story_reads_only_its_partitions(tmp_path: Path, one_worker: Any) -> None:
    from newsreader.corpus import SAMPLE_DIR

    out = tmp_path / "index"
    prepare([str(SAMPLE_DIR)], out, client=one_worker, partition_size=1, links=False)
    index = Index(out)
    big, *rest = index.stories
    assert len(big) > 1 and rest
    # The other stories' partitions gone: the listing and the big story still open.
    located = index._located
    for story in rest:
        for doc_id in story.doc_ids:
            (out / "articles" / located[doc_id]).unlink()
    reopened = Index(out)
    assert len(reopened.listing) == sum(len(s) for s in index.stories)
    assert [d.id for d in reopened.story_documents(big.id)] == list(big.doc_ids)


def test_scheduler_address_runs_on_that_cluster(tmp_path: Path, one_worker: Any) -> None:
    from newsreader.corpus import SAMPLE_DIR

    address = one_worker.scheduler.address
    assert address.startswith("tcp://")
    out = tmp_path / "index"
    result = CliRunner().invoke(
        cli, ["prepare", str(SAMPLE_DIR), "--out", str(out), "--scheduler", address, "--no-links"]
    )
    assert result.exit_code == 0, result.output
    assert len(Index(out).listing) == len(load_paths([SAMPLE_DIR]).documents)
    # The cluster is still there for others: the command closed only its own client.
    assert one_worker.submit(sum, [1, 2]).result() == 3


def test_the_local_cluster_runs_without_the_profiler(one_worker: Any) -> None:
    # Its history of a profile a second grows with the job's length (``WORKER_CONFIG``).
    def profiling(dask_worker: Any) -> bool:
        return "profile" in dask_worker.periodic_callbacks

    assert list(one_worker.run(profiling).values()) == [False]


def test_rerun_after_a_crash_in_the_link_pass_keeps_the_finished_link_files(
    archive: tuple[Path, Path], tmp_path: Path, one_worker: Any
) -> None:
    import pyarrow.parquet as pq

    sources = [str(p) for p in archive]
    out = tmp_path / "index"
    first = prepare(sources, out, client=one_worker, partition_size=4)
    files = sorted((out / "links").glob("links-*.parquet"))
    assert len(files) > 1 and first.links > 0
    before = {p.name: pq.read_table(p).to_pylist() for p in files}
    # A crash in the link pass: one link task had not finished (no file), the others had.
    files[0].unlink()
    kept = {p.name: p.stat().st_mtime_ns for p in files[1:]}
    again = prepare(sources, out, client=one_worker, partition_size=4)
    assert again.links == first.links
    after = {p.name: pq.read_table(p).to_pylist() for p in (out / "links").glob("*.parquet")}
    assert after == before  # the missing one made again, the same
    for name, mtime in kept.items():
        assert (out / "links" / name).stat().st_mtime_ns == mtime, f"{name} was redone"


def test_a_changed_article_gets_its_story_linked_again(
    archive: tuple[Path, Path], tmp_path: Path, one_worker: Any
) -> None:
    _, export = archive
    out = tmp_path / "index"
    prepare([str(export)], out, client=one_worker, partition_size=100)
    names = {p.name for p in (out / "links").glob("links-*.parquet")}
    assert names
    rows = list(csv.reader(export.open(encoding="utf-8")))
    rows[1][1] = rows[1][1].replace("Kerry", "Secretary Kerry", 1)  # copy-0, in a story
    with export.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows(rows)
    prepare([str(export)], out, client=one_worker, partition_size=100)
    # One partition, changed: every link file is made anew (their names say what from).
    again = {p.name for p in (out / "links").glob("links-*.parquet")}
    assert again and not again & names


def test_ctrl_c_stops_the_workers_quietly_and_says_how_to_go_on(
    tmp_path: Path, one_worker: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    import signal

    # The workers ignore the terminal's Ctrl-C (no traceback from each); the driver still takes it.
    def interrupt() -> Any:
        return signal.getsignal(signal.SIGINT)

    assert list(one_worker.run(interrupt).values()) == [signal.SIG_IGN]
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler

    def stopped(*args: Any, **kwargs: Any) -> Any:
        raise KeyboardInterrupt

    monkeypatch.setattr("newsreader.annotations.prepare.run.prepare", stopped)
    out = tmp_path / "index"
    result = CliRunner().invoke(cli, ["prepare", "x.csv", "--out", str(out)])
    assert result.exit_code == 130
    assert "interrupted" in result.output and "run the same command again" in result.output
    assert "Traceback" not in result.output
