"""doccano, Prodigy, Label Studio, W3C Web Annotation and brat, both ways."""

from __future__ import annotations

import io
import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from newsreader.annotations.formats import FormatError, export, guess_format, import_file
from newsreader.annotations.jsonl import export_lines
from newsreader.annotations.store import Store
from newsreader.corpus import SAMPLE_DIR, Document, load_paths

from .helpers import populate

FORMATS = ["doccano", "prodigy", "labelstudio", "w3c", "brat"]


@pytest.fixture
def corpus(tmp_path: Path) -> list[Document]:
    target = tmp_path / "corpus"
    shutil.copytree(SAMPLE_DIR, target)
    return load_paths([target]).documents


@pytest.fixture
def full(tmp_path: Path, corpus: list[Document]) -> Path:
    path = tmp_path / "full.json"
    with Store.open(path, annotator="ana", labels=["background"]) as store:
        populate(store, corpus, 300)
    return path


def lines(store: Store) -> list[dict[str, Any]]:
    return list(export_lines(store, include_orphaned=True))


def write(store: Store, fmt: str, where: Path) -> tuple[Path, list[str]]:
    if fmt == "brat":
        target = where / "brat"
        return target, export(store, fmt, target)
    target = where / f"out.{fmt}"
    with open(target, "w", encoding="utf-8") as out:
        warnings = export(store, fmt, out)
    return target, warnings


@pytest.mark.parametrize("fmt", FORMATS)
def test_round_trip_gives_the_same_annotations(tmp_path: Path, full: Path, fmt: str) -> None:
    with Store.open(full, read_only=True) as store:
        before = lines(store)
        written, warnings = write(store, fmt, tmp_path)
    assert before and guess_format(written) == fmt
    if fmt != "w3c":  # W3C links across articles natively
        assert any("across articles" in w for w in warnings)
    with Store.open(tmp_path / "fresh.json", labels=["background"]) as fresh:
        result = import_file(fresh, written, fmt)
        assert result.problems == [] and result.counts["new"] == len(before)
        assert lines(fresh) == before
        history = len(fresh.history())
        again = import_file(fresh, written, fmt)
        assert again.counts["new"] == 0 and again.counts["updated"] == 0
        assert len(fresh.history()) == history  # the same file twice changes nothing


def at(doc: Document, words: str) -> tuple[int, int]:
    start = doc.text.index(words)
    return start, start + len(words)


KERRY = "it would not be right for any number of reasons"
HARF = "we are not coordinating with"
KHAMENEI = "Ayatollah Ali Khamenei, ruled out any cooperation"


def test_doccano_files_as_doccano_writes_them(tmp_path: Path, corpus: list[Document]) -> None:
    newsy = corpus[0]
    # Sequence labelling, as doccano's docs show it: text, label: [[start, end, label]].
    seq = {
        "id": 7,
        "text": newsy.text,
        "label": [[*at(newsy, KERRY), "QUOTE"], [*at(newsy, KHAMENEI), "Claim"]],
        "Comments": [],
    }
    # Relation extraction: entities with start_offset/end_offset, relations from_id/to_id/type.
    rel = {
        "id": 8,
        "text": newsy.text,
        "entities": [
            {
                "id": 1,
                "label": "quote",
                "start_offset": at(newsy, HARF)[0],
                "end_offset": at(newsy, HARF)[1],
            },
            {
                "id": 2,
                "label": "claim",
                "start_offset": at(newsy, KHAMENEI)[0],
                "end_offset": at(newsy, KHAMENEI)[1],
            },
        ],
        "relations": [{"id": 1, "from_id": 1, "to_id": 2, "type": "paraphrase"}],
    }
    path = tmp_path / "doccano.jsonl"
    path.write_text(json.dumps(seq) + "\n" + json.dumps(rel) + "\n")
    assert guess_format(path) == "doccano"
    with Store.open(tmp_path / "s.json") as store:
        result = import_file(store, path, "doccano", corpus=corpus)
        assert result.problems == []
        assert sorted((s.label, s.text) for s in store.spans()) == [
            ("claim", KHAMENEI),
            ("quote", KERRY),
            ("quote", HARF),
        ]
        (group,) = store.groups()
        assert sorted(group.members.values(), key=str) == [None, "paraphrase"]  # type: ignore[arg-type]


def test_prodigy_files_as_prodigy_writes_them(tmp_path: Path, corpus: list[Document]) -> None:
    wire = corpus[1]
    start, end = at(wire, "Iran's supreme leader, Ayatollah Ali Khamenei, rejected a U.S. bid")
    task = {
        "text": wire.text,
        "meta": {"source": "The Wire"},
        "_input_hash": -1234,
        "_task_hash": 5678,
        "_view_id": "spans_manual",
        "answer": "accept",
        "_timestamp": 1700000000,
        "spans": [
            {"start": start, "end": end, "label": "CLAIM", "token_start": 0, "token_end": 12}
        ],
    }
    rejected = {**task, "answer": "reject"}
    path = tmp_path / "prodigy.jsonl"
    path.write_text(json.dumps(task) + "\n" + json.dumps(rejected) + "\n")
    assert guess_format(path) == "prodigy"
    with Store.open(tmp_path / "s.json") as store:
        result = import_file(store, path, "prodigy", corpus=corpus)
        assert result.problems == []
        (span,) = store.spans()  # the rejected example adds nothing
        assert (span.start, span.end, span.label) == (start, end, "claim")


def test_label_studio_export_as_label_studio_writes_it(
    tmp_path: Path, corpus: list[Document]
) -> None:
    newsy = corpus[0]
    k, h = at(newsy, KERRY), at(newsy, HARF)
    tasks = [
        {
            "id": 1,
            "data": {"text": newsy.text},
            "annotations": [
                {
                    "id": 1,
                    "completed_by": 1,
                    "was_cancelled": False,
                    "lead_time": 12.5,
                    "created_at": "2024-01-01T00:00:00Z",
                    "result": [
                        {
                            "id": "a1",
                            "from_name": "label",
                            "to_name": "text",
                            "type": "labels",
                            "origin": "manual",
                            "value": {
                                "start": k[0],
                                "end": k[1],
                                "text": KERRY,
                                "labels": ["Quote"],
                            },
                        },
                        {
                            "id": "a1",
                            "from_name": "speaker",
                            "to_name": "text",
                            "type": "textarea",
                            "value": {"start": k[0], "end": k[1], "text": ["John Kerry"]},
                        },
                        {
                            "id": "b2",
                            "from_name": "label",
                            "to_name": "text",
                            "type": "labels",
                            "value": {
                                "start": h[0],
                                "end": h[1],
                                "text": HARF,
                                "labels": ["Quote"],
                            },
                        },
                        {
                            "from_id": "a1",
                            "to_id": "b2",
                            "type": "relation",
                            "direction": "right",
                            "labels": ["contradicts"],
                        },
                    ],
                }
            ],
        }
    ]
    path = tmp_path / "ls.json"
    path.write_text(json.dumps(tasks))
    assert guess_format(path) == "labelstudio"
    with Store.open(tmp_path / "s.json") as store:
        result = import_file(store, path, "labelstudio", corpus=corpus)
        assert result.problems == []
        kerry = next(s for s in store.spans() if s.text == KERRY)
        assert kerry.speaker == "John Kerry"
        group = store.group_of(kerry.id)
        assert group is not None and "contradicts" in group.members.values()


def test_w3c_annotations_with_a_quote_selector_only(tmp_path: Path, corpus: list[Document]) -> None:
    newsy = corpus[0]
    start, end = at(newsy, KERRY)
    page = [
        {
            "@context": "http://www.w3.org/ns/anno.jsonld",
            "id": "http://example.org/anno1",
            "type": "Annotation",
            "body": {"type": "TextualBody", "purpose": "tagging", "value": "quote"},
            "target": {
                "source": Path(newsy.path).resolve().as_uri(),
                "selector": {
                    "type": "TextQuoteSelector",
                    "exact": KERRY,
                    "prefix": newsy.text[start - 20 : start],
                    "suffix": newsy.text[end : end + 20],
                },
            },
        }
    ]
    path = tmp_path / "w3c.json"
    path.write_text(json.dumps(page))
    with Store.open(tmp_path / "s.json") as store:
        result = import_file(store, path, "w3c", corpus=corpus)
        assert result.problems == []
        (span,) = store.spans()
        assert (span.start, span.end, span.label) == (start, end, "quote")


def test_brat_standoff_as_brat_writes_it(tmp_path: Path, corpus: list[Document]) -> None:
    newsy = corpus[0]
    folder = tmp_path / "brat"
    folder.mkdir()
    (folder / "newsy.txt").write_text(newsy.text, encoding="utf-8")
    k, h, c = at(newsy, KERRY), at(newsy, HARF), at(newsy, KHAMENEI)
    (folder / "newsy.ann").write_text(
        f"T1\tQuote {k[0]} {k[1]}\t{KERRY}\n"
        f"T2\tQuote {h[0]} {h[1]}\t{HARF}\n"
        f"T3\tClaim {c[0]} {c[0] + 10};{c[0] + 11} {c[1]}\t{KHAMENEI}\n"
        "A1\tNegated T2\n"
        "#1\tAnnotatorNotes T1\tcheck the transcript\n"
        "R1\tparaphrase Arg1:T1 Arg2:T2\n"
        "*\tEquiv T1 T3\n",
        encoding="utf-8",
    )
    assert guess_format(folder) == "brat"
    with Store.open(tmp_path / "s.json") as store:
        result = import_file(store, folder, "brat", corpus=corpus)
        assert result.problems == []
        spans = {s.text: s for s in store.spans()}
        assert spans[KERRY].attributes == {"note": "check the transcript"}
        (group,) = store.groups()
        assert set(group.members) == {s.id for s in spans.values()}


def test_bad_files_are_reported_with_their_location(tmp_path: Path, corpus: list[Document]) -> None:
    newsy = corpus[0]
    k = at(newsy, KERRY)
    records = [
        {"text": newsy.text, "label": [[k[0], len(newsy.text) + 50, "quote"]]},
        {"text": newsy.text, "label": [["10", 20, "claim"]]},
        {"text": newsy.text, "label": [[k[0], k[1], "PERSON"]]},
        {"text": "a text that is in no article at all", "label": [[0, 6, "claim"]]},
        {"text": newsy.text, "entities": "not a list"},
    ]
    path = tmp_path / "bad.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in records) + "\n" + "[" * 200 + "]" * 200 + "\n")
    with Store.open(tmp_path / "s.json") as store:
        result = import_file(store, path, "doccano", corpus=corpus)
        text = "\n".join(str(p) for p in result.problems)
        assert "line 1, label 1: offsets" in text and "run past the end of the text" in text
        assert "line 2, label 1: start must be a whole number" in text
        assert "line 3, label 1: unknown label 'PERSON'" in text
        assert "line 4: its text is not an article newsreader knows" in text
        assert "'entities' must be a list" in text
        assert "line 6" in text and "nested" in text
        assert not result.imported and store.spans() == []
    # A Label Studio file read as doccano: every record is reported, nothing imported.
    ls = tmp_path / "ls.json"
    ls.write_text(json.dumps([{"data": {"text": newsy.text}, "annotations": []}]))
    with Store.open(tmp_path / "s.json") as store:
        result = import_file(store, ls, "doccano", corpus=corpus)
        assert result.problems and not result.imported
        with pytest.raises(FormatError, match="only brat is read from a folder"):
            import_file(store, tmp_path, "doccano")


def test_a_changed_copy_of_the_article_is_re_anchored(
    tmp_path: Path, corpus: list[Document]
) -> None:
    newsy = corpus[0]
    older = "A paragraph the outlet later cut.\n\n" + newsy.text  # the annotator's copy
    start = older.index(KERRY)
    record = {"text": older, "label": [[start, start + len(KERRY), "quote"]]}
    path = tmp_path / "old.jsonl"
    path.write_text(json.dumps(record) + "\n")
    with Store.open(tmp_path / "s.json") as store:
        result = import_file(store, path, "doccano", corpus=corpus)
        assert result.problems == [] and "found at" in result.notices[0]
        (span,) = store.spans()
        assert (span.start, span.end) == at(newsy, KERRY) and span.anchor.state == "moved"


def test_brat_never_reads_outside_its_folder(tmp_path: Path, corpus: list[Document]) -> None:
    outside = tmp_path / "secret.txt"
    outside.write_text("the contents of a file outside the folder")
    folder = tmp_path / "brat"
    folder.mkdir()
    (folder / "x.txt").symlink_to(outside)
    (folder / "x.ann").write_text("T1\tclaim 0 3\tthe\n")
    (folder / "sub").mkdir()
    (folder / "sub" / "y.ann").write_text("T1\tclaim 0 3\tthe\n")
    with Store.open(tmp_path / "s.json") as store:
        result = import_file(store, folder, "brat", corpus=corpus)
        assert any("links outside" in p.reason for p in result.problems)
        assert store.spans() == []


def test_exports_name_what_they_cannot_carry(tmp_path: Path, full: Path) -> None:
    with Store.open(full, read_only=True) as store:
        out = io.StringIO()
        warnings = export(store, "w3c", out)
        page = json.loads(out.getvalue())
    assert page["type"] == "AnnotationPage" and not any("across" in w for w in warnings)
    spans = [a for a in page["items"] if a.get("motivation") != "linking"]
    links = [a for a in page["items"] if a.get("motivation") == "linking"]
    assert spans and links
    selectors = {s["type"] for s in spans[0]["target"]["selector"]}
    assert selectors == {"TextQuoteSelector", "TextPositionSelector"}


def test_the_command_line_speaks_every_format(tmp_path: Path, full: Path) -> None:
    from click.testing import CliRunner

    from newsreader.tui.cli import cli

    runner = CliRunner(env={"NEWSREADER_CONFIG": str(tmp_path / "config.toml")})
    (tmp_path / "config.toml").write_text('labels = ["background"]\n')
    result = runner.invoke(cli, ["export", "--db", str(full), "--format", "brat"])
    assert result.exit_code == 2 and "name it with -o FOLDER" in result.stderr
    (tmp_path / "busy").mkdir()
    (tmp_path / "busy" / "mine.txt").write_text("keep me")
    result = runner.invoke(
        cli, ["export", "--db", str(full), "--format", "brat", "-o", str(tmp_path / "busy")]
    )
    assert result.exit_code == 2 and "not an empty folder" in result.stderr
    assert (tmp_path / "busy" / "mine.txt").read_text() == "keep me"
    for fmt in FORMATS:
        target = tmp_path / f"x-{fmt}"
        result = runner.invoke(
            cli, ["export", "--db", str(full), "--format", fmt, "-o", str(target)]
        )
        assert result.exit_code == 0, result.stderr
        db = tmp_path / f"{fmt}.json"
        result = runner.invoke(cli, ["import", str(target), "--db", str(db)])  # guessed
        assert result.exit_code == 0, result.stderr
        assert f"({fmt})" in result.stderr and "new" in result.stderr
    unknown = tmp_path / "what.txt"
    unknown.write_text("hello")
    result = runner.invoke(cli, ["import", str(unknown), "--db", str(tmp_path / "u.json")])
    assert result.exit_code == 1 and "line 1: not JSON" in result.stderr  # read as JSONL
    (tmp_path / "empty").mkdir()
    result = runner.invoke(
        cli, ["import", str(tmp_path / "empty"), "--db", str(tmp_path / "u.json")]
    )
    assert result.exit_code == 2 and "cannot tell its format" in result.stderr


def test_a_huge_line_is_refused_without_reading_it_whole(
    tmp_path: Path, corpus: list[Document]
) -> None:
    path = tmp_path / "huge.jsonl"
    with open(path, "w", encoding="utf-8") as out:
        out.write('{"text": "' + "x" * (17 * 2**20) + '", "label": []}\n')
        out.write(json.dumps({"text": corpus[0].text, "label": [[0, 5, "claim"]]}) + "\n")
    with Store.open(tmp_path / "s.json") as store:
        result = import_file(store, path, "doccano", corpus=corpus)
        assert [str(p) for p in result.problems] == ["line 1: longer than 16 MB"]
        assert not result.imported
