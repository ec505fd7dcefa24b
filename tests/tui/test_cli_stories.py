"""``newsreader stories``: the table, the JSON lines, --by, problems and exit status."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from newsreader.tui.cli import cli


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.stdout, result.stderr


def _article(event: str, outlet_words: str) -> str:
    if event == "quake":
        body = (
            "A magnitude 7.1 earthquake struck near Ambato in Tungurahua, killing 212 people. "
            "Maria Quispe of the Civil Defense Office said teams searched the rubble in Ambato."
        )
    else:
        body = (
            "Police in Tulsa arrested Jonas Whitfield on fraud charges. Dale Brooks, a Tulsa "
            "police spokesman, said Whitfield was held. Erin Vance, his lawyer, denied it."
        )
    return f"{outlet_words} {event} report\n\n{body} {outlet_words} reported.\n"


def _corpus(root: Path, with_stories: bool) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    rows = ["filename,publisher,date" + (",story" if with_stories else "")]
    for n, (event, outlet, day) in enumerate(
        [
            ("quake", "Herald", "2021-03-02"),
            ("quake", "Daily", "2021-03-01"),
            ("quake", "Wire", "2021-03-01"),
            ("arrest", "Herald", "2021-05-09"),
            ("arrest", "Daily", "2021-05-09"),
        ]
    ):
        (root / f"{n}.txt").write_text(_article(event, outlet), encoding="utf-8")
        # The metadata story ids pair the articles differently from their text.
        story = ",s-odd" if n % 2 else ",s-even"
        rows.append(f"{n},{outlet},{day}" + (story if with_stories else ""))
    (root / "metadata.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    return root


def test_json_lines_as_issue_12_specifies(tmp_path: Path) -> None:
    folder = _corpus(tmp_path / "c", with_stories=False)
    code, out, _ = run("stories", "--json", str(folder))
    assert code == 0
    lines = [json.loads(line) for line in out.splitlines()]
    assert [len(line["docs"]) for line in lines] == [3, 2]
    quake = lines[0]
    assert set(quake) == {"story", "label", "outlets", "dates", "docs"}
    assert quake["story"].startswith("st_")
    assert quake["outlets"] == ["Daily", "Herald", "Wire"]
    assert quake["dates"] == ["2021-03-01", "2021-03-02"]
    assert [(d["date"], d["outlet"]) for d in quake["docs"]] == [
        ("2021-03-01", "Daily"),
        ("2021-03-01", "Wire"),
        ("2021-03-02", "Herald"),
    ]
    assert set(quake["docs"][0]) == {"id", "path", "outlet", "title", "date"}
    assert "quake report" in quake["label"]
    ids = [d["id"] for line in lines for d in line["docs"]]
    assert len(ids) == len(set(ids)) == 5
    # The same set of articles, the same story id, run after run.
    again = [json.loads(line) for line in run("stories", "--json", str(folder))[1].splitlines()]
    assert [line["story"] for line in again] == [line["story"] for line in lines]


def test_metadata_story_ids_by_default_and_by_text_ignores_them(tmp_path: Path) -> None:
    folder = _corpus(tmp_path / "c", with_stories=True)
    by_default = [json.loads(x) for x in run("stories", "--json", str(folder))[1].splitlines()]
    assert [sorted(Path(d["path"]).name for d in s["docs"]) for s in by_default] == [
        ["0.txt", "2.txt", "4.txt"],
        ["1.txt", "3.txt"],
    ]
    by_text = [
        json.loads(x) for x in run("stories", "--json", "--by", "text", str(folder))[1].splitlines()
    ]
    assert [sorted(Path(d["path"]).name for d in s["docs"]) for s in by_text] == [
        ["0.txt", "1.txt", "2.txt"],
        ["3.txt", "4.txt"],
    ]


def test_plain_text_folder_without_metadata_and_undated_stories(tmp_path: Path) -> None:
    folder = tmp_path / "plain"
    folder.mkdir()
    (folder / "a.txt").write_text("Quake kills 212\n\n" + _article("quake", "").split("\n\n")[1])
    (folder / "b.txt").write_text("Tulsa arrest\n\n" + _article("arrest", "").split("\n\n")[1])
    code, out, _ = run("stories", "--json", str(folder))
    assert code == 0
    lines = [json.loads(x) for x in out.splitlines()]
    assert len(lines) == 2 and all(line["dates"] is None for line in lines)
    assert all(line["outlets"] == [] for line in lines)
    # Equal sizes: ordered by label.
    assert [line["label"] for line in lines] == sorted(line["label"] for line in lines)


def test_table_and_problems(tmp_path: Path) -> None:
    folder = _corpus(tmp_path / "c", with_stories=False)
    (folder / "empty.txt").write_text("")
    (folder / "README.md").write_text("# About\n\nThis corpus.\n")
    code, out, err = run("stories", str(folder))
    assert code == 1
    assert "2 stories, 5 articles" in out
    assert "Daily, Herald, Wire" in out and "2021-03-01 – 2021-03-02" in out
    assert "empty.txt" in err and "empty file" in err
    assert "skipped 1 file that is not an article: README.md" in err


def test_unknown_by_is_refused(tmp_path: Path) -> None:
    code, _, err = run("stories", "--by", "words", str(_corpus(tmp_path / "c", False)))
    assert code == 2 and "words" in err
