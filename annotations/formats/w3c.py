"""W3C Web Annotation: an ``AnnotationPage`` (part of an ``AnnotationCollection``) of
annotations whose targets carry a ``TextQuoteSelector`` and a ``TextPositionSelector``; a
statement group is an annotation with motivation ``linking`` whose targets are its members, in
the group's order. An empty store is an ``AnnotationCollection`` with ``total: 0`` (a page must
not be empty). newsreader's own keys use the ``newsreader:`` prefix, declared in the second
``@context`` entry."""

from __future__ import annotations

import hashlib
import json
from dataclasses import replace
from pathlib import Path
from typing import Any, TextIO

from newsreader.annotations.anchoring import find_again
from newsreader.annotations.model import DocumentRecord
from newsreader.corpus import Document, load_paths

from . import Format
from .common import (
    Article,
    Bundle,
    FormatError,
    Mark,
    Parsed,
    Problem,
    Sniffed,
    read_json,
    text_or_none,
)

W3C_CONTEXT = "http://www.w3.org/ns/anno.jsonld"
NAMESPACE = "urn:newsreader:vocab:"
"""What the ``newsreader:`` prefix stands for."""
CONTEXT: list[Any] = [W3C_CONTEXT, {"newsreader": NAMESPACE}]

SPAN = "urn:newsreader:span:"
GROUP = "urn:newsreader:group:"


def _source(record: DocumentRecord) -> str:
    return (
        Path(record.path).resolve().as_uri() if record.path else f"urn:newsreader:doc:{record.id}"
    )


def _annotation(record: DocumentRecord, s: Any) -> dict[str, Any]:
    body: list[dict[str, Any]] = [{"type": "TextualBody", "purpose": "tagging", "value": s.label}]
    if s.speaker:
        body.append(
            {
                "type": "TextualBody",
                "purpose": "identifying",
                "value": s.speaker,
                "newsreader:role": "speaker",
            }
        )
    note = s.attributes.get("note")
    if isinstance(note, str):
        body.append({"type": "TextualBody", "purpose": "commenting", "value": note})
    # Anything else (a speaker or a note that is not text, too) as one JSON body.
    other = {
        k: v
        for k, v in s.attributes.items()
        if not (k in ("speaker", "note") and isinstance(v, str))
    }
    if other:
        body.append(
            {
                "type": "TextualBody",
                "purpose": "describing",
                "format": "application/json",
                "value": json.dumps(other),
            }
        )
    item: dict[str, Any] = {
        "id": f"{SPAN}{s.id}",
        "type": "Annotation",
        "motivation": "classifying" if s.label != "quote" else "identifying",
    }
    if s.annotator:
        item["creator"] = {"type": "Person", "name": s.annotator}
    item.update(
        {
            "created": s.created,
            "modified": s.modified,
            "body": body,
            "target": {
                "source": _source(record),
                "newsreader:doc_id": record.id,
                "newsreader:outlet": record.outlet,
                "selector": [
                    {
                        "type": "TextQuoteSelector",
                        "exact": s.text,
                        "prefix": s.prefix,
                        "suffix": s.suffix,
                    },
                    {"type": "TextPositionSelector", "start": s.start, "end": s.end},
                ],
            },
        }
    )
    return item


def write(data: Bundle, out: TextIO) -> None:
    """The store as one page of its collection; an empty store as an empty collection."""
    items: list[dict[str, Any]] = []
    for record, _text, spans in data.articles:
        items.extend(_annotation(record, s) for s in spans)
    for group, members in data.groups.items():
        link: dict[str, Any] = {
            "id": f"{GROUP}{group}",
            "type": "Annotation",
            "motivation": "linking",
            "target": [f"{SPAN}{member}" for member in members],
        }
        body = [
            {
                "type": "TextualBody",
                "purpose": "describing",
                "value": f"{member} {relation}",
                "newsreader:member": member,
                "newsreader:relation": relation,
            }
            for member in members
            if (relation := data.member_of[member][1])
        ]
        if body:
            link["body"] = body
        items.append(link)
    digest = hashlib.sha1("\n".join(str(item["id"]) for item in items).encode()).hexdigest()[:16]
    collection = f"urn:newsreader:collection:{digest}"
    label = "newsreader annotations"
    page: dict[str, Any]
    if items:
        page = {
            "@context": CONTEXT,
            "id": f"{collection}:page:0",
            "type": "AnnotationPage",
            "partOf": {
                "id": collection,
                "type": "AnnotationCollection",
                "label": label,
                "total": len(items),
            },
            "startIndex": 0,
            "items": items,
        }
    else:
        page = {
            "@context": CONTEXT,
            "id": collection,
            "type": "AnnotationCollection",
            "label": label,
            "total": 0,
        }
    json.dump(page, out, ensure_ascii=False, indent=1)
    out.write("\n")


def _items(path: Path, data: Any) -> list[Any]:
    """The annotations of a page, of a collection with its first page embedded, of a single
    annotation, or of a plain list."""
    if isinstance(data, list):
        return data
    if not isinstance(data, dict):
        raise FormatError(f"{path}: expected an Annotation, an AnnotationPage or a list")
    kind = data.get("type")
    if kind == "Annotation" or "target" in data:
        return [data]
    if kind == "AnnotationCollection" or ("first" in data and "items" not in data):
        first = data.get("first")
        if first is None:
            if data.get("total", 0) in (0, None):
                return []
            raise FormatError(f"{path}: a collection of {data.get('total')} with no first page")
        if isinstance(first, str):
            raise FormatError(
                f"{path}: the collection's first page is elsewhere ({first[:80]}); newsreader "
                "reads a page, or a collection with its pages in the file"
            )
        pages: list[Any] = []
        page: Any = first
        seen = 0
        while isinstance(page, dict) and seen < 10_000:
            page_items = page.get("items")
            if not isinstance(page_items, list):
                raise FormatError(f"{path}: page {seen + 1} of the collection has no 'items' list")
            pages.extend(page_items)
            page, seen = page.get("next"), seen + 1
        return pages
    items = data.get("items")
    if not isinstance(items, list):
        raise FormatError(f"{path}: an AnnotationPage needs an 'items' list")
    return items


def _context_match(text: str, start: int, end: int, prefix: str, suffix: str) -> int:
    """How many characters of ``prefix`` and ``suffix`` stand right before and after."""
    before = 0
    while (
        before < len(prefix) and before < start and text[start - 1 - before] == prefix[-1 - before]
    ):
        before += 1
    after = 0
    while after < len(suffix) and end + after < len(text) and text[end + after] == suffix[after]:
        after += 1
    return before + after


def locate(
    text: str, exact: str, prefix: str, suffix: str, hint: int = 0
) -> tuple[int, int] | None:
    """Where a ``TextQuoteSelector`` points in ``text``: of the places holding ``exact``, the
    one whose surroundings match ``prefix`` and ``suffix`` best (the nearest to ``hint`` among
    equals); else the best close match of words and context; None when there is none."""
    if not exact:
        return None
    occurrences = []
    at = text.find(exact)
    while at != -1:
        occurrences.append(at)
        at = text.find(exact, at + 1)
    if occurrences:
        best = max(
            occurrences,
            key=lambda at: (
                _context_match(text, at, at + len(exact), prefix, suffix),
                -abs(at - hint),
            ),
        )
        return best, best + len(exact)
    found = find_again(text, exact, prefix, suffix, hint, hint + len(exact))
    return None if found.state == "orphaned" else (found.start, found.end)


def _selector(selectors: list[Any], kind: str) -> dict[str, Any] | None:
    return next((s for s in selectors if isinstance(s, dict) and s.get("type") == kind), None)


def _document(target: dict[str, Any], known: dict[str, Document]) -> tuple[str, Document | None]:
    source = str(target.get("source") or "")
    doc_id = text_or_none(target.get("newsreader:doc_id"))
    doc = known.get(doc_id or "") or next(
        (d for d in known.values() if Path(d.path).resolve().as_uri() == source), None
    )
    if doc is None and source.startswith("file://"):
        candidate = Path(source[len("file://") :])
        doc = next((d for d in known.values() if d.path == str(candidate)), None)
        if doc is None and candidate.is_file():
            loaded = load_paths([candidate]).documents
            if len(loaded) == 1:
                doc = replace(loaded[0], id=doc_id) if doc_id else loaded[0]
                known[doc.id] = doc
    return source, doc


def read(path: Path, known: dict[str, Document]) -> Parsed:
    """A page, a collection with its pages, a list of annotations or one annotation."""
    parsed = Parsed()
    items = _items(path, read_json(path))
    by_id: dict[str, Mark] = {}
    articles: dict[str, Article] = {}
    linking = []
    for number, item in enumerate(items, start=1):
        where = f"annotation {number}"
        if not isinstance(item, dict):
            parsed.problems.append(Problem(where, "not an object"))
            continue
        if item.get("motivation") == "linking":
            linking.append((where, item))
            continue
        target = item.get("target")
        if isinstance(target, list) and len(target) == 1:
            target = target[0]
        if not isinstance(target, dict):
            parsed.problems.append(Problem(where, "no target with selectors"))
            continue
        selectors = target.get("selector")
        selectors = selectors if isinstance(selectors, list) else [selectors]
        quote, position = (
            _selector(selectors, "TextQuoteSelector"),
            _selector(selectors, "TextPositionSelector"),
        )
        source, doc = _document(target, known)
        if doc is None:
            parsed.problems.append(
                Problem(
                    where,
                    f"its source {source[:200] or '(none)'} is not an article newsreader knows "
                    "(give the articles with --corpus)",
                )
            )
            continue
        article = articles.setdefault(
            doc.id, Article(f"source {source}", doc.text, doc.id, doc.path, doc.outlet, doc.title)
        )
        bodies = item.get("body") or []
        bodies = bodies if isinstance(bodies, list) else [bodies]
        label = next(
            (
                b.get("value")
                for b in bodies
                if isinstance(b, dict) and b.get("purpose") == "tagging"
            ),
            None,
        )
        exact = text_or_none((quote or {}).get("exact"))
        prefix = (quote or {}).get("prefix")
        suffix = (quote or {}).get("suffix")
        mark = Mark(
            article,
            where,
            (position or {}).get("start"),
            (position or {}).get("end"),
            label,
            text=exact,
            prefix=prefix if isinstance(prefix, str) else "",
            suffix=suffix if isinstance(suffix, str) else "",
        )
        for body in bodies:
            if not isinstance(body, dict):
                continue
            if body.get("newsreader:role") == "speaker":
                mark.attributes["speaker"] = body.get("value")
            elif body.get("purpose") == "commenting":
                mark.attributes["note"] = body.get("value")
            elif body.get("purpose") == "describing" and body.get("format") == "application/json":
                try:
                    extra = json.loads(str(body.get("value")))
                except (ValueError, RecursionError):
                    extra = None
                if isinstance(extra, dict):
                    mark.attributes.update(extra)
        ident = str(item.get("id") or "")
        if ident.startswith(SPAN):
            mark.id = ident.removeprefix(SPAN)
        creator = item.get("creator")
        if isinstance(creator, dict):
            mark.annotator = text_or_none(creator.get("name"))
        mark.created, mark.modified = (
            text_or_none(item.get("created")),
            text_or_none(item.get("modified")),
        )
        if exact is not None:
            start, end = mark.start, mark.end
            at_position = (
                isinstance(start, int) and isinstance(end, int) and doc.text[start:end] == exact
            )
            if not at_position:
                # No position, or one that no longer holds the quote: the quote decides.
                hint = start if isinstance(start, int) else 0
                found = locate(doc.text, exact, mark.prefix or "", mark.suffix or "", hint)
                if found is None:
                    parsed.problems.append(Problem(where, f"{exact[:40]!r} is not in {doc.path}"))
                    continue
                mark.start, mark.end = found
                mark.text = doc.text[found[0] : found[1]]
        parsed.marks.append(mark)
        if ident:
            by_id[ident] = mark
    for where, item in linking:
        _read_link(where, item, by_id, parsed)
    return parsed


def _read_link(where: str, item: dict[str, Any], by_id: dict[str, Mark], parsed: Parsed) -> None:
    """A ``linking`` annotation: its targets (one or more) are a group's members, in order."""
    targets = item.get("target")
    targets = targets if isinstance(targets, list) else [targets]
    names = [t if isinstance(t, str) else str((t or {}).get("id")) for t in targets]
    missing = [name for name in names if name not in by_id]
    if not names or missing:
        parsed.problems.append(
            Problem(
                where,
                "a linking annotation's targets must be annotations in this file; not found: "
                + ", ".join(m[:80] for m in missing or ["(no target)"]),
            )
        )
        return
    relations = {}
    bodies = item.get("body") or []
    for body in bodies if isinstance(bodies, list) else [bodies]:
        if isinstance(body, dict) and isinstance(body.get("newsreader:member"), str):
            relations[body["newsreader:member"]] = text_or_none(body.get("newsreader:relation"))
    ident = str(item.get("id") or "")
    # Another tool's linking annotation is named by its IRI: a group id is made from it.
    group = (
        ident.removeprefix(GROUP)
        if ident.startswith(GROUP)
        else "g_" + hashlib.sha1((ident or where).encode()).hexdigest()[:16]
    )
    for position, name in enumerate(names):
        member = by_id[name]
        member.group = group
        member.position = position
        member.relation = relations.get(member.id or "")


def sniff(file: Sniffed) -> bool:
    """JSON with ``@context`` (a page, a collection, an annotation or a list of them)."""
    first = file.first
    if isinstance(first, dict):
        return "@context" in first
    if isinstance(first, list):
        return bool(first) and isinstance(first[0], dict) and "@context" in first[0]
    return file.head[:1] in (b"{", b"[") and b'"@context"' in file.head[:2000]


FORMAT = Format(
    name="w3c",
    write=write,
    read=read,
    sniff=sniff,
    carries={
        "spans": "yes",
        "labels": "yes (tagging body)",
        "speaker": "yes (body)",
        "notes": "yes (commenting body)",
        "groups within an article": "yes (linking)",
        "groups across articles": "yes (linking)",
        "annotator": "yes (creator)",
    },
    rank=40,
)
