"""``newsreader agree`` on real annotators (PolNeAR's several annotators per article), on the
store, and on bad input."""

from __future__ import annotations

import ast
import json
import re
import subprocess
import sys
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from newsreader.annotations.store import Store
from newsreader.corpus import Document
from newsreader.tui.cli import cli
from tests.benchmarks.eval_quotes import _basil_text

QUOTE_MARKS = ('"', "“", "‘", "'")


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.stdout, result.stderr


def polnear_lines(ann: Path, who: str, article: str, text_path: Path) -> list[dict[str, Any]]:
    """One PolNeAR ``.ann`` file as newsreader export lines by ``who``.

    Labels: a Content starting with a quotation mark is a ``quote`` (its Source is the
    speaker), another Content a ``claim``; Source and Cue keep their names. The spans of one
    attribution (an ``E`` record) form a statement group.
    """
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
    lines = []
    for tid, s in spans.items():
        if s["kind"] == "Attribution" or s["start"] >= s["end"]:
            continue
        if s["kind"] == "Content":
            label = "quote" if s["text"].startswith(QUOTE_MARKS) else "claim"
        else:
            label = s["kind"].lower()
        speaker = speaker_of.get(tid) if label == "quote" else None
        lines.append(
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
    return lines


def polnear_several(shared: Path) -> Iterator[tuple[str, Path, list[Path]]]:
    """(article, its text, its ``.ann`` files by annotator id) for every PolNeAR article that
    several annotators annotated (the four-hex suffix of an ``.ann`` file names its annotator)."""
    for split in ("train", "dev"):
        root = shared / "corpora" / "polnear" / "data" / split
        files: dict[str, list[Path]] = defaultdict(list)
        for ann in sorted((root / "attributions").glob("*.ann")):
            files[re.sub(r"_[0-9a-f]{4}$", "", ann.stem)].append(ann)
        for article, anns in sorted(files.items()):
            if len(anns) >= 2:
                yield article, root / "text" / f"{article}.txt", anns


def _write_by_annotator(lines: list[dict[str, Any]], out: Path) -> list[Path]:
    by_annotator: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for line in lines:
        by_annotator[line["annotator"]].append(line)
    paths = []
    for who, mine in sorted(by_annotator.items()):
        path = out / f"{who}.jsonl"
        path.write_text("".join(json.dumps(line) + "\n" for line in mine), encoding="utf-8")
        paths.append(path)
    return paths


def polnear_exports(shared: Path, out: Path) -> tuple[list[Path], int]:
    """One newsreader JSONL export per PolNeAR annotator, over every article that several
    annotators annotated. Returns the files and the articles."""
    lines: list[dict[str, Any]] = []
    articles = 0
    for article, text_path, anns in polnear_several(shared):
        articles += 1
        for ann in anns:
            who = "polnear-" + ann.stem.rsplit("_", 1)[1]
            lines += polnear_lines(ann, who, article, text_path)
    return _write_by_annotator(lines, out), articles


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


# -- two annotators over 33 real articles -----------------------------------------------------

PUBLISHED_TWICE = (
    "wash-post_2015-12-22_as-spotlight-shines-on-trump-and",
    "wash-post_2015-12-23_as-spotlight-shines-on-trump-and",
)
"""The one PolNeAR article in the corpus twice (the same text under two dates), annotated once
under each name by two different annotators (6b86 and d473)."""

BASIL_CHANGE = re.compile(r"(\d{4})/([0-9a-f-]+_\d)_ann/(\d+)\w* item: (.*)")
QUOTATION_MARKS = "\"'“”‘’"
BIAS = {"lex": "lexical", "inf": "informational"}


def basil_releases(shared: Path) -> tuple[list[dict[str, Any]], list[dict[str, Any]], int]:
    """BASIL's phrase annotations of the articles its authors corrected between their first and
    second releases (the 14 articles named in ``annotation_changes.txt``), as two annotators:
    ``first`` the annotations as first released, ``second`` as released now.

    A phrase is a ``quote`` (with BASIL's speaker) when BASIL says it is in a quote, else it is
    labelled with its bias type (``lexical`` or ``informational``). The first release is the
    second with each listed change undone (bias type, speaker, quote field; polarity is no
    label here) and without quotation marks at the ends of a quote's span (the second release
    added them, its README says). Phrases placed in no sentence are skipped, as EVAL.md says.
    """
    basil = shared / "corpora" / "basil"
    changes: dict[tuple[str, int], str] = {}
    for line in (basil / "annotation_changes.txt").read_text(encoding="utf-8").splitlines():
        if found := BASIL_CHANGE.match(line.strip()):
            changes[(f"{found[1]}/{found[2]}", int(found[3]) - 1)] = found[4]
    first: list[dict[str, Any]] = []
    second: list[dict[str, Any]] = []
    names = sorted({name for name, _ in changes})
    for name in names:
        year, stem = name.split("/")
        article = json.loads((basil / "articles" / year / f"{stem}.json").read_text("utf-8"))
        text, placed = _basil_text(article)
        annotations = json.loads((basil / "annotations" / year / f"{stem}_ann.json").read_text())
        for index, phrase in enumerate(annotations["phrase-level-annotations"]):
            start, end, txt = int(phrase["start"]), int(phrase["end"]), phrase["txt"]
            where = next((at for raw, at in placed if raw[start:end] == txt), None)
            if where is None or text[where + start : where + end] != txt:
                continue
            before = dict(phrase)
            change = changes.get((name, index), "")
            if found := re.search(r"change bias type from (\w+) to", change):
                before["bias"] = {"lexical": "lex", "informational": "inf"}[found[1]]
            if found := re.search(r"change the speaker from (?:from )?(\S+) to", change):
                before["speaker"] = found[1]
            if "change quote field from no to yes" in change:
                before["quote"], before["speaker"] = "no", ""
            for who, version, out in (("first", before, first), ("second", phrase, second)):
                a, b = where + start, where + end
                quoted = version["quote"] == "yes"
                if quoted and who == "first":
                    while a < b and text[a] in QUOTATION_MARKS:
                        a += 1
                    while b > a and text[b - 1] in QUOTATION_MARKS:
                        b -= 1
                speaker = version["speaker"].replace("_", " ") if quoted else ""
                out.append(
                    {
                        "id": f"s_{who}_{stem}_{index}",
                        "doc_id": stem,
                        "title": article["title"],
                        "start": a,
                        "end": b,
                        "label": "quote" if quoted else BIAS[version["bias"]],
                        "attributes": {"speaker": speaker} if speaker else {},
                        "annotator": who,
                    }
                )
    return first, second, len(names)


def thirty_real_articles(shared: Path, out: Path) -> tuple[Path, Path, list[str]]:
    """Two annotators' exports, ``first`` and ``second``, over 33 real articles:

    - the 18 PolNeAR articles that several annotators annotated: ``first`` is the work of the
      annotator whose id sorts first, ``second`` of the next one;
    - the PolNeAR article published twice (:data:`PUBLISHED_TWICE`): ``first`` is 6b86's
      annotation of the 2015-12-22 copy, ``second`` d473's of the 2015-12-23 copy;
    - the 14 BASIL articles corrected between BASIL's releases (:func:`basil_releases`).
    """
    lines: list[dict[str, Any]] = []
    articles: list[str] = []
    for article, text_path, anns in polnear_several(shared):
        articles.append(article)
        for who, ann in zip(("first", "second"), anns[:2], strict=True):
            lines += polnear_lines(ann, who, article, text_path)
    root = shared / "corpora" / "polnear" / "data" / "train"
    texts = [(root / "text" / f"{name}.txt").read_text("utf-8") for name in PUBLISHED_TWICE]
    assert texts[0] == texts[1]
    articles.append(PUBLISHED_TWICE[0])
    for who, name in zip(("first", "second"), PUBLISHED_TWICE, strict=True):
        [ann] = (root / "attributions").glob(f"{name}_*.ann")
        for line in polnear_lines(ann, who, name, root / "text" / f"{name}.txt"):
            lines.append({**line, "doc_id": PUBLISHED_TWICE[0]})
    basil_first, basil_second, _ = basil_releases(shared)
    lines += basil_first + basil_second
    articles += sorted({line["doc_id"] for line in basil_first})
    first, second = _write_by_annotator(lines, out)
    return first, second, articles


@pytest.mark.slow
def test_agree_on_two_annotators_over_33_real_articles(shared: Path, tmp_path: Path) -> None:
    first, second, articles = thirty_real_articles(shared, tmp_path)
    assert len(articles) == len(set(articles)) == 33
    code, out, err = run("agree", str(first), str(second), "--json")
    assert code == 0, err
    [pair] = json.loads(out)["pairs"]
    assert pair["annotators"] == ["first", "second"]
    # Every one of the 33 articles has spans by both, so every one counts.
    assert pair["articles"] == 33
    assert sorted(a["doc_id"] for a in pair["per_article"]) == sorted(articles)
    lines = [[json.loads(x) for x in p.read_text().splitlines()] for p in (first, second)]
    f1, kappa = straightforward(*lines)
    assert pair["exact_f1"] == pytest.approx(f1, abs=0.001)
    assert kappa is not None and pair["label_kappa"] == pytest.approx(kappa, abs=0.001)
    assert 0.3 < pair["exact_f1"] < 1 and 0 < pair["label_kappa"] < 1
    # The BASIL part alone: the releases differ where the listed changes and the quotation
    # marks are, so some spans and some labels differ.
    basil_first, basil_second, corrected = basil_releases(shared)
    assert corrected == 14
    f1, kappa = straightforward(basil_first, basil_second)
    assert 0 < f1 < 1 and kappa is not None and kappa < 1


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


def test_the_summary_fits_80_columns_with_names_and_figures_whole(tmp_path: Path) -> None:
    a = _write(tmp_path / "a.jsonl", *(_rec(n * 10, n * 10 + 5) for n in range(1500)))
    b = _write(tmp_path / "b.jsonl", *(_rec(n * 10, n * 10 + 5) for n in range(1400)))
    lines = [json.loads(x) | {"annotator": "polnear-4b22"} for x in a.read_text().splitlines()]
    _write(a, *lines)
    lines = [json.loads(x) | {"annotator": "polnear-4e07"} for x in b.read_text().splitlines()]
    _write(b, *lines)
    result = CliRunner().invoke(cli, ["agree", str(a), str(b)], env={"COLUMNS": "80"})
    assert result.exit_code == 0, result.stderr
    summary = result.stdout.split("by label")[0].splitlines()
    assert all(len(line) <= 80 for line in summary), summary
    row = next(line for line in summary if "polnear-4b22 ×" in line)
    assert "1500/1400" in row and "0.966" in row  # 2·1400 / 2900
    assert any(line.strip() == "polnear-4e07" for line in summary)
    assert any("speaker" in line for line in summary) and "…" not in "".join(summary)
