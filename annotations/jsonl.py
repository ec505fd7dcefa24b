"""newsreader's own JSONL: one span annotation per line, out of a store and back in.

Each line is a JSON object with the fields in :data:`FIELDS`. For every line whose ``anchor`` is
not ``orphaned``, ``text`` equals the article text from ``start`` to ``end`` (offsets are Python
string indices into the text ``newsreader inspect --json`` prints).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, TextIO

from newsreader.corpus import Document, load_paths

from .anchoring import find_again
from .model import Anchor, DocumentRecord, Span, context, now
from .store import AnchorReport, Store, clean_attributes

FIELDS = (
    "id",
    "doc_id",
    "doc_path",
    "doc_hash",
    "outlet",
    "title",
    "start",
    "end",
    "text",
    "prefix",
    "suffix",
    "label",
    "attributes",
    "group",
    "relation",
    "annotator",
    "created",
    "modified",
    "anchor",
)
"""The fields of an exported line, in the order they are written."""

MAX_LINE_BYTES = 16 * 1024 * 1024
"""A line longer than this is refused (an annotation is a few kilobytes at most)."""


@dataclass
class Exported:
    """What an export wrote and what the user should know about it."""

    written: int = 0
    skipped_orphans: list[Span] = field(default_factory=list)
    missing_files: list[str] = field(default_factory=list)
    anchoring: AnchorReport = field(default_factory=AnchorReport)


def current_documents(store: Store) -> tuple[list[Document], list[str]]:
    """The articles the store's spans are on, read again from their files.

    Returns the documents found (with the ids the store knows them by) and the paths that could
    not be read. A file holding several articles (JSONL) is matched by content, then by id.
    """
    found: list[Document] = []
    missing: list[str] = []
    by_path: dict[str, list[DocumentRecord]] = {}
    for record in store.documents().values():
        by_path.setdefault(record.path, []).append(record)
    for path, records in sorted(by_path.items()):
        if not path or not Path(path).is_file():
            missing.append(path or "(no path)")
            continue
        loaded = load_paths([path]).documents
        for record in records:
            match = next((d for d in loaded if d.content_hash == record.content_hash), None)
            match = match or next((d for d in loaded if d.id == record.id), None)
            if match is None and len(loaded) == 1:
                match = loaded[0]
            if match is None:
                missing.append(f"{path} (article {record.id})")
                continue
            found.append(replace(match, id=record.id))
    return found, missing


def export_lines(store: Store, *, include_orphaned: bool = False) -> Iterator[dict[str, Any]]:
    """The store's spans as export records, by article (outlet, path) then offset.

    Orphaned spans are left out unless ``include_orphaned``.
    """
    documents = store.documents()
    groups = {g.id: g for g in store.groups()}
    member_of = {m: (g.id, rel) for g in groups.values() for m, rel in g.members.items()}

    def article_order(span: Span) -> tuple[str, str, int, int, str]:
        doc = documents.get(span.doc_id)
        return (
            (doc.outlet or "") if doc else "",
            doc.path if doc else "",
            span.start,
            span.end,
            span.id,
        )

    for span in sorted(store.spans(), key=article_order):
        if span.orphaned and not include_orphaned:
            continue
        doc = documents.get(span.doc_id)
        group, relation = member_of.get(span.id, (None, None))
        yield {
            "id": span.id,
            "doc_id": span.doc_id,
            "doc_path": doc.path if doc else None,
            "doc_hash": span.doc_hash,
            "outlet": doc.outlet if doc else None,
            "title": doc.title if doc else None,
            "start": span.start,
            "end": span.end,
            "text": span.text,
            "prefix": span.prefix,
            "suffix": span.suffix,
            "label": span.label,
            "attributes": span.attributes,
            "group": group,
            "relation": relation,
            "annotator": span.annotator,
            "created": span.created,
            "modified": span.modified,
            "anchor": span.anchor.state,
        }


def export_jsonl(store: Store, out: TextIO, *, include_orphaned: bool = False) -> Exported:
    """Write the store as JSONL to ``out``, after checking each span against its article's file.

    Articles whose file changed have their spans found again first (in memory when the store is
    read-only); the result says what moved, what was orphaned and which files are gone.
    """
    result = Exported()
    documents, result.missing_files = current_documents(store)
    result.anchoring = store.attach(documents)
    for record in export_lines(store, include_orphaned=True):
        if record["anchor"] == "orphaned" and not include_orphaned:
            span = store.span(record["id"])
            if span is not None:
                result.skipped_orphans.append(span)
            continue
        out.write(json.dumps(record, ensure_ascii=False) + "\n")
        result.written += 1
    return result


@dataclass(frozen=True)
class LineProblem:
    """A line of an import file that cannot be used, and why."""

    line: int
    reason: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.reason}"


@dataclass
class ImportResult:
    """What an import did (or would have done)."""

    counts: dict[str, int] = field(default_factory=dict)
    problems: list[LineProblem] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)
    """Lines that were used after adjusting them (e.g. found again in a changed article)."""
    imported: bool = False


def _check(record: Any, labels: Iterable[str], relations: Iterable[str]) -> str | None:
    """Why ``record`` is not a usable annotation line, or None when it is."""
    if not isinstance(record, dict):
        return f"expected a JSON object, found {type(record).__name__}"
    for name in ("id", "doc_id", "label", "start", "end", "text"):
        if name not in record:
            return f"missing field {name!r}"
    for name in ("id", "doc_id", "label"):
        if not isinstance(record[name], str) or not record[name]:
            return f"{name!r} must be non-empty text"
    if len(record["id"]) > 200:
        return "'id' is longer than 200 characters"
    for name in ("start", "end"):
        value = record[name]
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            return f"{name!r} must be a whole number ≥ 0, not {value!r}"
    if record["start"] >= record["end"]:
        return f"'start' ({record['start']}) must be less than 'end' ({record['end']})"
    if not isinstance(record["text"], str):
        return "'text' must be text"
    if record["end"] - record["start"] != len(record["text"]):
        return (
            f"'text' has {len(record['text'])} characters but start-end spans "
            f"{record['end'] - record['start']}"
        )
    for name in (
        "prefix",
        "suffix",
        "doc_path",
        "doc_hash",
        "outlet",
        "title",
        "group",
        "relation",
        "annotator",
        "created",
        "modified",
        "anchor",
    ):
        if record.get(name) is not None and not isinstance(record[name], str):
            return f"{name!r} must be text or null"
    labels = tuple(labels)
    if record["label"] not in labels:
        return (
            f"unknown label {record['label']!r} (the labels are {', '.join(labels)}; "
            "add more under `labels` in the configuration file)"
        )
    relation = record.get("relation")
    relations = tuple(relations)
    if relation is not None and relation not in relations:
        return f"unknown relation {relation!r} (the relations are {', '.join(relations)})"
    if relation is not None and record.get("group") is None:
        return "'relation' is set but 'group' is not"
    attributes = record.get("attributes", {})
    if attributes is None:
        attributes = {}
    if not isinstance(attributes, dict):
        return "'attributes' must be an object"
    try:
        clean_attributes(attributes)
    except ValueError as error:
        return str(error)
    anchor = record.get("anchor")
    if anchor is not None and anchor not in ("ok", "moved", "fuzzy", "orphaned"):
        return f"unknown anchor {anchor!r}"
    return None


def read_lines(source: Iterable[bytes]) -> Iterator[tuple[int, Any | LineProblem]]:
    """(line number, parsed JSON or the problem) for each non-blank line of ``source``."""
    for number, raw in enumerate(source, start=1):
        if len(raw) > MAX_LINE_BYTES:
            yield number, LineProblem(number, f"longer than {MAX_LINE_BYTES // 2**20} MB")
            continue
        if not raw.strip():
            continue
        try:
            yield number, json.loads(raw.decode("utf-8"))
        except UnicodeDecodeError as error:
            yield number, LineProblem(number, f"byte {error.start} is not UTF-8")
        except json.JSONDecodeError as error:
            yield number, LineProblem(number, f"not JSON ({error.msg} at column {error.colno})")
        except RecursionError:
            yield number, LineProblem(number, "nested too deeply")


def _bounded_lines(handle: Any) -> Iterator[bytes]:
    # Reads at most MAX_LINE_BYTES + 1 of a line; the rest of a huge line is skipped, unread.
    while True:
        line = handle.readline(MAX_LINE_BYTES + 1)
        if not line:
            return
        if len(line) > MAX_LINE_BYTES and not line.endswith(b"\n"):
            while True:
                more = handle.readline(MAX_LINE_BYTES)
                if not more or more.endswith(b"\n"):
                    break
        yield line


def import_jsonl(store: Store, path: Path, *, skip_invalid: bool = False) -> ImportResult:
    """Import the JSONL file at ``path`` into ``store``.

    Every line is checked first; when any line is bad nothing is imported unless
    ``skip_invalid``. A line whose text is not at its offsets in the article's current file is
    found again there (and noted), or refused when it cannot be found. Importing the same file
    twice changes nothing.
    """
    result = ImportResult()
    records: list[tuple[int, dict[str, Any]]] = []
    seen: dict[str, int] = {}
    with open(path, "rb") as handle:
        for number, item in read_lines(_bounded_lines(handle)):
            if isinstance(item, LineProblem):
                result.problems.append(item)
                continue
            reason = _check(item, store.labels, store.relations)
            if reason is None and item["id"] in seen:
                reason = f"id {item['id']!r} already appears on line {seen[item['id']]}"
            if reason is not None:
                result.problems.append(LineProblem(number, reason))
                continue
            seen[item["id"]] = number
            records.append((number, item))

    # Check each line against its article's current file, when that file is at hand.
    files: dict[str, list[Document]] = {}
    spans: list[Span] = []
    memberships: dict[str, tuple[str | None, str | None]] = {}
    documents: dict[str, DocumentRecord] = {}
    stamp = now()
    for number, item in records:
        doc_path = item.get("doc_path")
        doc = None
        if doc_path and item.get("anchor") != "orphaned":
            if doc_path not in files:
                files[doc_path] = (
                    load_paths([doc_path]).documents if Path(doc_path).is_file() else []
                )
            loaded = files[doc_path]
            doc = next((d for d in loaded if d.id == item["doc_id"]), None)
            doc = doc or next((d for d in loaded if d.content_hash == item.get("doc_hash")), None)
            if doc is None and len(loaded) == 1:
                doc = loaded[0]
        start, end, text = item["start"], item["end"], item["text"]
        prefix, suffix = item.get("prefix") or "", item.get("suffix") or ""
        doc_hash = item.get("doc_hash") or ""
        anchor = Anchor(item.get("anchor") or "ok")
        if doc is not None:
            doc_hash = doc.content_hash
            if doc.text[start:end] != text:
                found = find_again(doc.text, text, prefix, suffix, start, end)
                if found.state == "orphaned":
                    result.problems.append(
                        LineProblem(number, f"its text is not in {doc_path} any more")
                    )
                    continue
                result.notices.append(
                    f"line {number}: the text was not at {start}-{end} of {doc_path}; found "
                    f"{'with changed words ' if found.state == 'fuzzy' else ''}at "
                    f"{found.start}-{found.end}"
                )
                anchor = Anchor(
                    found.state,
                    score=found.score if found.state == "fuzzy" else None,
                    old_start=start,
                    old_end=end,
                    old_text=text if found.state == "fuzzy" else None,
                )
                start, end, text = found.start, found.end, doc.text[found.start : found.end]
            prefix, suffix = context(doc.text, start, end)
        existing = store.span(item["id"])
        span = Span(
            id=item["id"],
            doc_id=item["doc_id"],
            doc_hash=doc_hash,
            start=start,
            end=end,
            text=text,
            prefix=prefix,
            suffix=suffix,
            label=item["label"],
            attributes=clean_attributes(item.get("attributes") or {}),
            annotator=item.get("annotator")
            or (existing.annotator if existing else store.annotator),
            created=item.get("created") or (existing.created if existing else stamp),
            modified=item.get("modified") or (existing.modified if existing else stamp),
            anchor=anchor,
        )
        spans.append(span)
        memberships[span.id] = (item.get("group"), item.get("relation"))
        if item["doc_id"] not in documents:
            documents[item["doc_id"]] = DocumentRecord(
                id=item["doc_id"],
                path=doc_path or "",
                content_hash=doc.content_hash if doc else doc_hash,
                outlet=(doc.outlet if doc else None) or item.get("outlet"),
                title=(doc.title if doc else None) or item.get("title") or "",
            )
    if result.problems and not skip_invalid:
        return result
    result.counts = store.import_spans(
        spans, memberships, list(documents.values()), label=f"import {path.name}"
    )
    result.imported = True
    return result
