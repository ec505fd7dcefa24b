"""Loading folders, Markdown, HTML, JSON, JSONL and manifests; and every kind of bad input."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from newsreader.corpus import load_paths
from newsreader.corpus import loaders as loaders_module

ARTICLE = "A Headline About Talks\n\nKerry said the talks went well. “We are hopeful,” he said.\n"


def write(path: Path, content: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


def reasons(result: loaders_module.LoadResult) -> dict[str, str]:
    return {Path(p.path).name: p.reason for p in result.problems}


def test_bad_files_are_named_and_the_rest_loads(tmp_path: Path) -> None:
    write(tmp_path / "good.txt", ARTICLE)
    write(tmp_path / "binary.txt", b"\x00\x01\x02PNG\x00" * 20)
    write(tmp_path / "empty.txt", "")
    write(tmp_path / "blank.md", "  \n\n ")
    write(tmp_path / "latin1.txt", "Caf\xe9 society\n".encode("latin-1"))
    (tmp_path / "broken.txt").symlink_to(tmp_path / "missing.txt")
    huge = tmp_path / "huge.txt"
    with huge.open("wb") as handle:  # a sparse file: large on paper, instant to make
        handle.truncate(300 * 1024 * 1024)
    result = load_paths([tmp_path])
    assert [Path(d.path).name for d in result.documents] == ["good.txt"]
    found = reasons(result)
    assert found["binary.txt"] == "binary file, not text"
    assert found["empty.txt"] == "empty file"
    assert found["blank.md"] == "no text (only whitespace)"
    assert found["latin1.txt"].startswith("not UTF-8: byte 0xe9 at offset 3 (line 1)")
    assert found["broken.txt"].startswith("broken symbolic link")
    assert found["huge.txt"].startswith("too large: 315 MB")


def test_unreadable_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = write(tmp_path / "secret.txt", ARTICLE)
    write(tmp_path / "fine.txt", ARTICLE)
    real_open = Path.open

    def deny(self: Path, *args, **kwargs):  # type: ignore[no-untyped-def]
        if self.name == "secret.txt":
            raise PermissionError(13, "Permission denied", str(self))
        return real_open(self, *args, **kwargs)

    monkeypatch.setattr(Path, "open", deny)
    result = load_paths([tmp_path])
    assert reasons(result) == {"secret.txt": "permission denied"}
    assert [Path(d.path).name for d in result.documents] == ["fine.txt"]
    assert path.exists()


def test_missing_path_and_unsupported_type(tmp_path: Path) -> None:
    pdf = write(tmp_path / "article.pdf", b"%PDF-1.4")
    result = load_paths([tmp_path / "nope", pdf])
    assert result.documents == []
    found = reasons(result)
    assert found["nope"] == "no such file or folder"
    assert found["article.pdf"].startswith("unsupported file type '.pdf'")


def test_jsonl_bad_lines_are_reported_by_line(tmp_path: Path) -> None:
    lines = [
        json.dumps({"id": "a", "title": "First", "text": "One sentence here.", "outlet": "nyt"}),
        "{not json",
        json.dumps({"id": "b", "title": "No text"}),
        json.dumps([1, 2]),
        "",
        json.dumps({"id": "c", "text": "Second record.", "source": "Fox News"}),
        "[" * 200 + "]" * 200,
    ]
    path = write(tmp_path / "records.jsonl", "\n".join(lines) + "\n")
    result = load_paths([path])
    assert [(d.title, d.outlet) for d in result.documents] == [
        ("First", "The New York Times"),
        ("Second record.", "Fox News"),
    ]
    problems = {p.line: p.reason for p in result.problems}
    assert problems[2].startswith("not valid JSON")
    assert "has no text" in problems[3]
    assert problems[4] == "record 4 is not a JSON object (list)"
    assert "nested" in problems[7]
    assert all(p.path == str(path) for p in result.problems)


def test_record_ids_are_stable_and_distinct(tmp_path: Path) -> None:
    path = write(
        tmp_path / "r.jsonl",
        json.dumps({"id": "x", "text": "A."}) + "\n" + json.dumps({"id": "y", "text": "B."}),
    )
    first = [d.id for d in load_paths([path]).documents]
    second = [d.id for d in load_paths([str(path)]).documents]
    assert first == second and len(set(first)) == 2


def test_ids_do_not_depend_on_where_the_corpus_lives(tmp_path: Path) -> None:
    write(tmp_path / "a" / "corpus" / "story.txt", ARTICLE)
    write(tmp_path / "b" / "corpus" / "story.txt", ARTICLE + "An edit.\n")
    one = load_paths([tmp_path / "a" / "corpus"]).documents[0]
    two = load_paths([tmp_path / "b" / "corpus"]).documents[0]
    assert one.id == two.id
    assert one.content_hash != two.content_hash


def test_basil_shaped_json_uses_its_sentences(tmp_path: Path) -> None:
    record = {
        "title": "Steele Criticized",
        "source": "hpo",
        "date": "2010-07-02",
        "url": "http://example.org/a",
        "uuid": "u-1",
        "body-paragraphs": [
            ["WASHINGTON \u2014 Michael Steele drew fierce criticism.", "He said no."],
            ["\u201cThis is not something we wanted,\u201d Mr. Steele said."],
        ],
    }
    doc = load_paths([write(tmp_path / "u-1_1.json", json.dumps(record))]).documents[0]
    assert (doc.outlet, doc.title, doc.date, doc.url) == (
        "HuffPost",
        "Steele Criticized",
        "2010-07-02",
        "http://example.org/a",
    )
    assert [doc.slice(s) for s in doc.sentences] == [
        "WASHINGTON \u2014 Michael Steele drew fierce criticism.",
        "He said no.",
        "\u201cThis is not something we wanted,\u201d Mr. Steele said.",
    ]
    assert len(doc.paragraphs) == 2
    assert doc.quotes[0].speaker == "Steele"  # the name, its title left out


def test_malformed_json_file_names_its_line(tmp_path: Path) -> None:
    path = write(tmp_path / "bad.json", '{\n  "text": "x",\n  oops\n}')
    result = load_paths([path])
    assert result.documents == []
    assert result.problems[0].line == 3
    assert result.problems[0].reason.startswith("not valid JSON")


def test_markdown_title_from_heading(tmp_path: Path) -> None:
    path = write(tmp_path / "post.md", "### [2014-09-6](/x)\n\n# The *Real* Title\n\nBody text.\n")
    doc = load_paths([path]).documents[0]
    assert doc.title == "The Real Title"
    assert doc.text == path.read_text(encoding="utf-8")


def test_manifest_beside_articles_and_explicit(tmp_path: Path) -> None:
    write(tmp_path / "one.txt", ARTICLE)
    write(tmp_path / "two.txt", ARTICLE)
    write(
        tmp_path / "manifest.csv",
        "file,outlet,date,url\none.txt,Reuters,2014-09-24,https://example.org/1\n",
    )
    docs = {Path(d.path).name: d for d in load_paths([tmp_path]).documents}
    assert (docs["one.txt"].outlet, docs["one.txt"].date) == ("Reuters", "2014-09-24")
    assert docs["two.txt"].outlet is None
    explicit = write(
        tmp_path / "meta" / "metadata.tsv",
        "filename\tpublisher\tpublication_date\ttitle\ntwo\twash-post\t2016-09-08\tA Title\n",
    )
    docs = {Path(d.path).name: d for d in load_paths([tmp_path], manifest=explicit).documents}
    assert docs["two.txt"].outlet == "The Washington Post"
    assert docs["two.txt"].title == "A Title"


def test_bad_manifest_is_a_problem_not_a_crash(tmp_path: Path) -> None:
    write(tmp_path / "one.txt", ARTICLE)
    write(tmp_path / "manifest.json", '{"files": {"one.txt": ')
    result = load_paths([tmp_path])
    assert len(result.documents) == 1
    assert result.problems[0].path.endswith("manifest.json")
    assert "not valid JSON" in result.problems[0].reason


def test_html_main_text_and_metadata(tmp_path: Path) -> None:
    body = " ".join(["The talks in Geneva went on for hours, officials said."] * 6)
    html = f"""<!doctype html><html><head><title>Talks Resume | Example News</title>
    <meta property="og:site_name" content="Example News">
    <meta property="article:published_time" content="2014-09-24">
    <meta property="og:url" content="https://example.org/talks"></head>
    <body><nav><a href="/">Home</a> <a href="/world">World</a></nav>
    <article><h1>Talks Resume</h1><p>{body}</p>
    <p>\u201cWe communicated our intentions,\u201d the official told Reuters.</p></article>
    <footer>Share on Facebook. Cookie policy.</footer></body></html>"""
    doc = load_paths([write(tmp_path / "page.html", html)]).documents[0]
    assert doc.outlet == "Example News"
    assert doc.date == "2014-09-24"
    assert "officials said" in doc.text and "Home" not in doc.text
    assert doc.quotes and doc.quotes[0].speaker == "the official"


def test_html_without_article_text(tmp_path: Path) -> None:
    result = load_paths([write(tmp_path / "empty.html", "<html><body></body></html>")])
    assert reasons(result) == {"empty.html": "no article text found in this HTML page"}


def test_crlf_files_keep_offsets_meaningful(tmp_path: Path) -> None:
    path = write(tmp_path / "crlf.txt", ARTICLE.replace("\n", "\r\n").encode())
    doc = load_paths([path]).documents[0]
    assert "\r" not in doc.text
    quote = doc.quotes[0]
    assert doc.text[quote.start : quote.end] == "“We are hopeful,”"


def test_folder_walk_is_sorted_and_skips_hidden(tmp_path: Path) -> None:
    write(tmp_path / "b.txt", ARTICLE)
    write(tmp_path / "a" / "c.md", ARTICLE)
    write(tmp_path / ".hidden.txt", ARTICLE)
    write(tmp_path / "notes.ann", "T1\tContent 0 1\tx")
    names = [os.path.relpath(d.path, tmp_path) for d in load_paths([tmp_path]).documents]
    assert names == [os.path.join("a", "c.md"), "b.txt"]
