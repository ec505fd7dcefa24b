"""W3C Web Annotation as the model and JSON-LD read it: pages, collections, the prefix,
groups of one, quotes that appear twice; and PyLD's expansion with the W3C context."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from newsreader.annotations.formats import FormatError, export, guess_format, import_file
from newsreader.annotations.formats.w3c import NAMESPACE, W3C_CONTEXT, locate
from newsreader.annotations.store import Store
from newsreader.corpus import Document

from .formats_support import at, lines, member_orders, sample_copy

CONTEXT_FILE = Path(__file__).resolve().parents[1] / "data" / "w3c" / "anno.jsonld"


@pytest.fixture
def corpus(tmp_path: Path) -> list[Document]:
    return sample_copy(tmp_path)


def page_of(store: Store) -> dict[str, Any]:
    out = io.StringIO()
    export(store, "w3c", out)
    page: dict[str, Any] = json.loads(out.getvalue())
    return page


def one_member_store(path: Path, corpus: list[Document]) -> Store:
    store = Store.open(path, annotator="ana")
    store.attach(corpus)
    newsy, wire = corpus[0], corpus[1]
    a = store.create_span(newsy.id, *at(newsy, "Iran"), "claim")
    b = store.create_span(wire.id, *at(wire, "Iran"), "claim")
    c = store.create_span(wire.id, *at(wire, "Khamenei"), "quote", {"speaker": "Khamenei"})
    store.link(b.id, a.id, "paraphrase")
    store.import_spans([c], {c.id: ("g_0000000000000001", None)}, [])
    return store


def test_a_group_of_one_member_round_trips(tmp_path: Path, corpus: list[Document]) -> None:
    with one_member_store(tmp_path / "s.json", corpus) as store:
        before, orders = lines(store), member_orders(store)
        assert sorted(len(m) for m in orders.values()) == [1, 2]
        page = page_of(store)
    links = [i for i in page["items"] if i["motivation"] == "linking"]
    assert sorted(len(link["target"]) for link in links) == [1, 2]
    path = tmp_path / "w3c.json"
    path.write_text(json.dumps(page))
    with Store.open(tmp_path / "fresh.json") as fresh:
        result = import_file(fresh, path, "w3c", corpus=corpus)
        assert result.problems == [] and result.imported
        assert lines(fresh) == before
        assert member_orders(fresh) == orders


def test_the_page_has_an_id_a_collection_and_a_declared_prefix(
    tmp_path: Path, corpus: list[Document]
) -> None:
    with one_member_store(tmp_path / "s.json", corpus) as store:
        page = page_of(store)
    assert page["@context"] == [W3C_CONTEXT, {"newsreader": NAMESPACE}]
    assert page["type"] == "AnnotationPage" and page["items"]
    assert page["id"] and page["id"] != page["partOf"]["id"]
    assert page["partOf"]["type"] == "AnnotationCollection"
    assert page["partOf"]["total"] == len(page["items"]) and page["startIndex"] == 0


def test_an_empty_store_is_an_empty_collection_that_imports(tmp_path: Path) -> None:
    with Store.open(tmp_path / "empty.json") as store:
        page = page_of(store)
    assert page["type"] == "AnnotationCollection" and page["total"] == 0
    assert "items" not in page and "first" not in page and page["id"]
    path = tmp_path / "empty-w3c.json"
    path.write_text(json.dumps(page))
    assert guess_format(path) == "w3c"
    # What newsreader wrote before (a page with no items) is read too: there is nothing in it.
    older = tmp_path / "older.json"
    older.write_text(json.dumps({"@context": W3C_CONTEXT, "type": "AnnotationPage", "items": []}))
    with Store.open(tmp_path / "fresh.json") as fresh:
        for file in (path, older):
            result = import_file(fresh, file, "w3c")
            assert result.problems == [] and result.imported
            assert result.counts["new"] == 0
        assert fresh.spans() == []


def test_a_collection_with_its_pages_is_read(tmp_path: Path, corpus: list[Document]) -> None:
    with one_member_store(tmp_path / "s.json", corpus) as store:
        before = lines(store)
        page = page_of(store)
    items = page["items"]
    collection = {
        "@context": page["@context"],
        "id": "http://example.org/c",
        "type": "AnnotationCollection",
        "total": len(items),
        "first": {
            "id": "http://example.org/c/1",
            "type": "AnnotationPage",
            "items": items[:2],
            "next": {"id": "http://example.org/c/2", "type": "AnnotationPage", "items": items[2:]},
        },
    }
    path = tmp_path / "collection.json"
    path.write_text(json.dumps(collection))
    with Store.open(tmp_path / "fresh.json") as fresh:
        assert import_file(fresh, path, "w3c", corpus=corpus).problems == []
        assert lines(fresh) == before
    elsewhere = tmp_path / "elsewhere.json"
    elsewhere.write_text(json.dumps({**collection, "first": "http://example.org/c/1"}))
    with (
        Store.open(tmp_path / "fresh2.json") as fresh,
        pytest.raises(FormatError, match="first page is elsewhere"),
    ):
        import_file(fresh, elsewhere, "w3c", corpus=corpus)


def quote_only(doc: Document, start: int, end: int, **extra: Any) -> dict[str, Any]:
    return {
        "@context": W3C_CONTEXT,
        "id": f"http://example.org/anno/{start}",
        "type": "Annotation",
        "body": {"type": "TextualBody", "purpose": "tagging", "value": "claim"},
        "target": {
            "source": Path(doc.path).resolve().as_uri(),
            "selector": {
                "type": "TextQuoteSelector",
                "exact": doc.text[start:end],
                "prefix": doc.text[max(0, start - 32) : start],
                "suffix": doc.text[end : end + 32],
                **extra,
            },
        },
    }


def test_a_quote_that_appears_twice_lands_where_prefix_and_suffix_say(
    tmp_path: Path, corpus: list[Document]
) -> None:
    doc = next(d for d in corpus if Path(d.path).name.startswith("003"))
    assert doc.text.count(doc.title or "") == 2  # the seed repeats its title
    first, second = at(doc, doc.title or "", 0), at(doc, doc.title or "", 1)
    path = tmp_path / "quotes.json"
    path.write_text(json.dumps([quote_only(doc, *second), quote_only(doc, *first)]))
    with Store.open(tmp_path / "s.json") as store:
        result = import_file(store, path, "w3c", corpus=corpus)
        assert result.problems == []
        assert sorted((s.start, s.end) for s in store.spans()) == [first, second]


def test_locate_prefers_the_context_then_the_nearest() -> None:
    text = "ab X cd. ef X gh. ij X kl."
    assert locate(text, "X", "ef ", " gh") == (12, 13)
    assert locate(text, "X", "", "", hint=20) == (21, 22)
    assert locate(text, "X", "zz", "zz") == (3, 4)  # no context matches: the first
    assert locate(text, "missing words entirely", "", "") is None


def test_a_position_that_no_longer_holds_the_quote_yields_to_it(
    tmp_path: Path, corpus: list[Document]
) -> None:
    newsy = corpus[0]
    start, end = at(newsy, "we are not coordinating with")
    annotation = quote_only(newsy, start, end)
    annotation["target"]["selector"] = [
        annotation["target"]["selector"],
        {"type": "TextPositionSelector", "start": start + 40, "end": end + 40},
    ]
    path = tmp_path / "moved.json"
    path.write_text(json.dumps(annotation))
    with Store.open(tmp_path / "s.json") as store:
        assert import_file(store, path, "w3c", corpus=corpus).problems == []
        (span,) = store.spans()
        assert (span.start, span.end) == (start, end)


def test_problems_are_named_by_annotation_number_not_line(
    tmp_path: Path, corpus: list[Document]
) -> None:
    newsy = corpus[0]
    good = quote_only(newsy, *at(newsy, "Iran"))
    broken_link = {"type": "Annotation", "motivation": "linking", "target": ["urn:x:nothing"]}
    page = {"@context": W3C_CONTEXT, "type": "AnnotationPage", "items": [good, 7, broken_link]}
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(page, indent=1))
    with Store.open(tmp_path / "s.json") as store:
        result = import_file(store, path, "w3c", corpus=corpus)
    assert [str(p) for p in result.problems] == [
        "annotation 2: not an object",
        "annotation 3: a linking annotation's targets must be annotations in this file; "
        "not found: urn:x:nothing",
    ]
    runner = CliRunner()
    out = runner.invoke(
        cli_main(), ["import", str(path), "--db", str(tmp_path / "c.json"), "--format", "w3c"]
    )
    assert out.exit_code == 1
    assert "bad.json: annotation 3: a linking" in out.stderr and "line 3" not in out.stderr


def cli_main() -> Any:
    from newsreader.tui.cli import cli

    return cli


# -- PyLD: the export as a JSON-LD processor reads it -------------------------------------


def expanded(document: dict[str, Any]) -> list[Any]:
    """``document`` expanded by PyLD, the W3C context served from the copy in tests/data."""
    jsonld = pytest.importorskip("pyld.jsonld")
    context = json.loads(CONTEXT_FILE.read_text(encoding="utf-8"))

    def loader(url: str, options: Any = None) -> dict[str, Any]:
        if url.rstrip("/") != W3C_CONTEXT:
            raise AssertionError(f"the test asked for {url}; only the W3C context is served")
        return {
            "contentType": "application/ld+json",
            "contextUrl": None,
            "documentUrl": url,
            "document": context,
        }

    result: list[Any] = jsonld.expand(document, {"documentLoader": loader})
    return result


def keys(value: Any) -> set[str]:
    found: set[str] = set()
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            found.update(item)
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return found


AS = "http://www.w3.org/ns/activitystreams#"
OA = "http://www.w3.org/ns/oa#"


def test_pyld_expands_every_key_of_the_export(tmp_path: Path, corpus: list[Document]) -> None:
    with one_member_store(tmp_path / "s.json", corpus) as store:
        page = page_of(store)
    (node,) = expanded(page)
    assert node["@type"] == [f"{AS}OrderedCollectionPage"] and node["@id"] == page["id"]
    assert node[f"{AS}partOf"][0]["@id"] == page["partOf"]["id"]
    items = node[f"{AS}items"][0]["@list"]
    assert len(items) == len(page["items"])
    found = keys(node)
    # Every key is a full IRI: newsreader's own ones under the declared namespace.
    assert not [k for k in found if k.startswith("newsreader:")]
    assert {f"{NAMESPACE}doc_id", f"{NAMESPACE}outlet", f"{NAMESPACE}role"} <= found
    assert {f"{NAMESPACE}member", f"{NAMESPACE}relation"} <= found
    motivations = {m["@id"] for item in items for m in item.get(f"{OA}motivatedBy", [])}
    assert motivations == {f"{OA}classifying", f"{OA}identifying", f"{OA}linking"}
    # Without the declaration the same keys stay unexpanded (what the old export did).
    old = expanded({**page, "@context": W3C_CONTEXT})
    assert [k for k in keys(old) if k.startswith("newsreader:")]


def test_pyld_reads_the_empty_collection(tmp_path: Path) -> None:
    with Store.open(tmp_path / "empty.json") as store:
        page = page_of(store)
    (node,) = expanded(page)
    assert node["@type"] == [f"{AS}OrderedCollection"]
    assert node[f"{AS}totalItems"][0]["@value"] in (0, "0")


def test_another_tools_linking_annotation_makes_a_group(
    tmp_path: Path, corpus: list[Document]
) -> None:
    newsy, wire = corpus[0], corpus[1]
    a, b = quote_only(newsy, *at(newsy, "Iran")), quote_only(wire, *at(wire, "Khamenei"))
    link = {
        "id": "http://example.org/links/1",
        "type": "Annotation",
        "motivation": "linking",
        "target": [b["id"], a["id"]],
    }
    path = tmp_path / "linked.json"
    path.write_text(
        json.dumps({"@context": W3C_CONTEXT, "type": "AnnotationPage", "items": [a, b, link]})
    )
    with Store.open(tmp_path / "s.json") as store:
        assert import_file(store, path, "w3c", corpus=corpus).problems == []
        (group,) = store.groups()
        texts = [s.text for s in (store.span(m) for m in group.members) if s is not None]
        assert texts == ["Khamenei", "Iran"]
