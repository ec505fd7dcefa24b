"""``newsreader agree`` on real annotators (PolNeAR's several annotators per article), on the
store, and on bad input."""

from __future__ import annotations

import ast
import json
import re
import subprocess
import sys
from collections import defaultdict
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from newsreader.annotations.store import Store
from newsreader.corpus import Document
from newsreader.tui.cli import cli

QUOTE_MARKS = ('"', "“", "‘", "'")


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.stdout, result.stderr


def polnear_exports(shared: Path, out: Path) -> tuple[list[Path], int]:
    """One newsreader JSONL export per PolNeAR annotator, over every article that several
    annotators annotated (the four-hex suffix of an ``.ann`` file names its annotator).

    Labels: a Content starting with a quotation mark is a ``quote`` (its Source is the
    speaker), another Content a ``claim``; Source and Cue keep their names. The spans of one
    attribution (an ``E`` record) form a statement group. Returns the files and the articles.
    """
    by_annotator: dict[str, list[dict[str, Any]]] = defaultdict(list)
    articles = 0
    for split in ("train", "dev"):
        root = shared / "corpora" / "polnear" / "data" / split
        files: dict[str, list[Path]] = defaultdict(list)
        for ann in sorted((root / "attributions").glob("*.ann")):
            files[re.sub(r"_[0-9a-f]{4}$", "", ann.stem)].append(ann)
        for article, anns in sorted(files.items()):
            if len(anns) < 2:
                continue
            articles += 1
            text_path = root / "text" / f"{article}.txt"
            for ann in anns:
                who = "polnear-" + ann.stem.rsplit("_", 1)[1]
                spans: dict[str, dict[str, Any]] = {}
                events: list[tuple[str, dict[str, str]]] = []
                for line in ann.read_text(encoding="utf-8").splitlines():
                    fields = line.split("\t")
                    if line.startswith("T") and len(fields) >= 2:
                        kind, *places = fields[1].replace(";", " ").split()
                        offsets = [int(p) for p in places]
                        spans[fields[0]] = {
                            "kind": kind,
                            "start": min(offsets),
                            "end": max(offsets),
                            "text": fields[2] if len(fields) > 2 else "",
                        }
                    elif line.startswith("E") and len(fields) >= 2:
                        roles = dict(part.split(":", 1) for part in fields[1].split())
                        events.append((fields[0], roles))
                group_of: dict[str, str] = {}
                speaker_of: dict[str, str] = {}
                for event, roles in events:
                    for role, tid in roles.items():
                        if role != "Attribution":
                            group_of.setdefault(tid, f"{who}:{article}:{event}")
                    if "Content" in roles and roles.get("Source") in spans:
                        speaker_of[roles["Content"]] = spans[roles["Source"]]["text"]
                for tid, s in spans.items():
                    if s["kind"] == "Attribution" or s["start"] >= s["end"]:
                        continue
                    if s["kind"] == "Content":
                        quoted = s["text"].startswith(QUOTE_MARKS)
                        label = "quote" if quoted else "claim"
                    else:
                        label = s["kind"].lower()
                    speaker = speaker_of.get(tid) if label == "quote" else None
                    by_annotator[who].append(
                        {
                            "id": f"s_{who}_{article}_{tid}",
                            "doc_id": article,
                            "doc_path": str(text_path),
                            "start": s["start"],
                            "end": s["end"],
                            "label": label,
                            "attributes": {"speaker": speaker} if speaker else {},
                            "group": group_of.get(tid),
                            "annotator": who,
                        }
                    )
    paths = []
    for who, lines in sorted(by_annotator.items()):
        path = out / f"{who}.jsonl"
        path.write_text("".join(json.dumps(line) + "\n" for line in lines), encoding="utf-8")
        paths.append(path)
    return paths, articles


def straightforward(first: list[dict[str, Any]], second: list[dict[str, Any]]) -> tuple[float, Any]:
    """Exact-span F1 and label kappa from the definitions, written out plainly."""
    a: dict[tuple[str, int, int], str] = {}
    b: dict[tuple[str, int, int], str] = {}
    for line in first:
        a.setdefault((line["doc_id"], line["start"], line["end"]), line["label"])
    for line in second:
        b.setdefault((line["doc_id"], line["start"], line["end"]), line["label"])
    both = {k[0] for k in a} & {k[0] for k in b}
    a = {k: v for k, v in a.items() if k[0] in both}
    b = {k: v for k, v in b.items() if k[0] in both}
    matched = sorted(a.keys() & b.keys())
    f1 = 2 * len(matched) / (len(a) + len(b))
    labels = sorted({a[k] for k in matched} | {b[k] for k in matched})
    table = [[sum(1 for k in matched if a[k] == x and b[k] == y) for y in labels] for x in labels]
    n = len(matched)
    observed = sum(table[i][i] for i in range(len(labels))) / n
    expected = sum(sum(table[i]) * sum(row[i] for row in table) for i in range(len(labels))) / n**2
    kappa = None if expected == 1 else (observed - expected) / (1 - expected)
    return f1, kappa


@pytest.mark.slow
def test_agree_on_real_polnear_annotators(shared: Path, tmp_path: Path) -> None:
    paths, articles = polnear_exports(shared, tmp_path)
    assert articles == 18  # every PolNeAR article that more than one annotator annotated
    assert len(paths) == 6
    code, out, err = run("agree", *map(str, paths), "--json")
    assert code == 0, err
    pairs = json.loads(out)["pairs"]
    assert len(pairs) == 15
    assert [p["annotators"] for p in pairs] == sorted(p["annotators"] for p in pairs)
    lines = {p.stem: [json.loads(x) for x in p.read_text().splitlines()] for p in paths}
    for pair in pairs:
        first, second = pair["annotators"]
        f1, kappa = straightforward(lines[first], lines[second])
        assert pair["exact_f1"] == pytest.approx(f1, abs=0.001)
        assert kappa is not None and pair["label_kappa"] == pytest.approx(kappa, abs=0.001)
        assert 0 < pair["exact_f1"] < 1 and pair["articles"] >= 17
        assert {"claim", "cue", "quote", "source"} <= set(pair["alpha_u"])
        assert all(-1 <= v <= 1 for v in pair["alpha_u"].values())
        assert 0 <= pair["group_b3_f1"] <= 1 and 0 <= pair["speaker_agreement"] <= 1
    # The same work twice agrees fully.
    twin = tmp_path / "twin.jsonl"
    twin.write_text(
        "".join(json.dumps({**line, "annotator": "twin"}) + "\n" for line in lines[paths[0].stem])
    )
    code, out, _ = run("agree", str(paths[0]), str(twin), "--json")
    [same] = json.loads(out)["pairs"]
    assert same["exact_f1"] == same["overlap_f1"] == same["label_kappa"] == 1.0
    assert same["group_b3_f1"] == same["speaker_agreement"] == 1.0
    assert set(same["alpha_u"].values()) == {1.0}


def test_agree_kappa_matches_scikit_learn_when_it_is_installed() -> None:
    metrics = pytest.importorskip("sklearn.metrics")
    from newsreader.annotations.agreement import cohen_kappa

    pairs = [("claim", "claim"), ("quote", "claim"), ("quote", "quote"), ("cue", "quote")] * 3
    pairs += [("claim", "cue"), ("cue", "cue")]
    expected = metrics.cohen_kappa_score([a for a, _ in pairs], [b for _, b in pairs])
    assert cohen_kappa(pairs) == pytest.approx(expected, abs=1e-12)


def _write(path: Path, *records: dict[str, Any]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


def _rec(start: int, end: int, label: str = "claim", **extra: Any) -> dict[str, Any]:
    return {"id": f"s_{start}", "doc_id": "d1", "start": start, "end": end, "label": label, **extra}


def test_agree_prints_tables_per_pair_label_and_article(tmp_path: Path) -> None:
    a = _write(tmp_path / "ana.jsonl", _rec(0, 4, title="Iran talks"), _rec(5, 9, "quote"))
    b = _write(tmp_path / "bo.jsonl", _rec(0, 4), _rec(5, 9))
    code, out, _ = run("agree", str(a), str(b))
    assert code == 0
    assert "ana × bo" in out and "by label" in out and "by article" in out
    assert "Iran talks" in out and "0.667" in out  # exact F1 of label claim: 2·1 / (1 + 2)


def test_agree_refuses_bad_lines_naming_file_and_line(tmp_path: Path) -> None:
    a = _write(tmp_path / "ana.jsonl", _rec(0, 4))
    bad = tmp_path / "bo.jsonl"
    bad.write_text(json.dumps(_rec(0, 4)) + "\n" + json.dumps(_rec(4, 2)) + "\n")
    code, out, err = run("agree", str(a), str(bad))
    assert code == 1 and not out
    assert f"{bad}: line 2:" in err and "nothing was measured" in err
    assert "Traceback" not in err


def test_agree_needs_two_annotators(tmp_path: Path) -> None:
    a = _write(tmp_path / "ana.jsonl", _rec(0, 4))
    code, _, err = run("agree", str(a))
    assert code == 1 and "needs two annotators; found ana" in err
    code, _, err = run("agree", str(a), str(a), "--annotator", "zed")
    assert code == 1 and "no spans by zed" in err


def test_agree_reads_the_store(tmp_path: Path, seeds: dict[str, Document]) -> None:
    doc = next(iter(seeds.values()))
    db = tmp_path / "s.json"
    (s1, e1), (s2, e2) = doc.sentences[0], doc.sentences[1]
    with Store.open(db, annotator="ana") as store:
        store.attach([doc])
        store.create_span(doc.id, s1, e1, "claim")
        store.create_span(doc.id, s2, e2, "claim")
        store.annotator = "bo"
        store.create_span(doc.id, s1, e1 - 1, "claim")
    code, out, _ = run("agree", "--db", str(db), "--json")
    assert code == 0
    [pair] = json.loads(out)["pairs"]
    assert pair["annotators"] == ["ana", "bo"]
    assert pair["exact_f1"] == 0 and pair["overlap_f1"] == pytest.approx(2 / 3)


def test_two_stores_exported_imported_and_compared(
    tmp_path: Path, seeds: dict[str, Document]
) -> None:
    doc = next(iter(seeds.values()))
    (s1, e1), (s2, e2) = doc.sentences[0], doc.sentences[1]
    for who, label in (("ana", "claim"), ("bo", "quote")):
        with Store.open(tmp_path / f"{who}.json", annotator=who) as store:
            store.attach([doc])
            store.create_span(doc.id, s1, e1, "claim")
            store.create_span(doc.id, s2, e2, label)
        code, _, err = run(
            "export", "--db", str(tmp_path / f"{who}.json"), "-o", str(tmp_path / f"{who}.jsonl")
        )
        assert code == 0, err
    code, out, _ = run("agree", str(tmp_path / "ana.jsonl"), str(tmp_path / "bo.jsonl"), "--json")
    [from_files] = json.loads(out)["pairs"]
    assert from_files["exact_f1"] == 1.0 and from_files["label_kappa"] == 0.0
    team = str(tmp_path / "team.json")
    for who in ("ana", "bo"):
        code, _, err = run("import", str(tmp_path / f"{who}.jsonl"), "--db", team)
        assert code == 0, err
    code, out, _ = run("agree", "--db", team, "--json")
    [from_store] = json.loads(out)["pairs"]
    assert from_store == from_files


def test_agree_starts_without_the_rest_of_the_command_line(tmp_path: Path) -> None:
    # The console script hands `agree` to its own module: cli.py, the formats and the app stay
    # unimported (a benchmarked command), and the output is the one `cli` gives.
    a = _write(tmp_path / "ana.jsonl", _rec(0, 4), _rec(5, 9, "quote"))
    b = _write(tmp_path / "bo.jsonl", _rec(0, 4), _rec(5, 9))
    script = (
        "import sys\n"
        "from newsreader.tui.launch import main\n"
        "try:\n"
        f"    main(['agree', {str(a)!r}, {str(b)!r}, '--json'])\n"
        "except SystemExit:\n"
        "    pass\n"
        "print(sorted(m for m in sys.modules if m.startswith('newsreader.tui.')))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    )
    output, last = done.stdout.strip().rsplit("\n", 1)
    modules = ast.literal_eval(last)
    assert "newsreader.tui.cli" not in modules and "newsreader.tui.app" not in modules
    assert "newsreader.tui.cli_agree" in modules
    code, out, _ = run("agree", str(a), str(b), "--json")
    assert code == 0 and json.loads(output) == json.loads(out)
