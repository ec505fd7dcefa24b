"""From a parsed file to the store: each article matched, each span checked, one undoable edit.

An article is found among the ones newsreader knows by the id newsreader wrote, else by the
article file a newsreader export names, else by identical text, else by a close copy (90%
alike), whose spans are then found again as the store does when an article changes.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path

from rapidfuzz import fuzz

from newsreader.annotations.anchoring import find_again
from newsreader.annotations.jsonl import current_documents
from newsreader.annotations.model import Anchor, DocumentRecord, Span, context, now
from newsreader.annotations.store import Store, clean_attributes
from newsreader.corpus import Document, load_paths

from .common import Article, Mark, Parsed, Problem

SPAN_ID = re.compile(r"s_[0-9a-f]{16}")
"""A span id as newsreader makes it; an escape hatch's id of another shape is refused."""

GROUP_ID = re.compile(r"[\w.:-]{1,100}")
"""A statement group id an escape hatch may carry."""


@dataclass
class Imported:
    """What an import did."""

    counts: dict[str, int] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)
    imported: bool = False


def _alike(a: str, b: str) -> bool:
    """The same article, or a close copy (90% alike at the start)."""
    return a == b or fuzz.ratio(a[:2000], b[:2000]) >= 90


def _from_path(article: Article, known: dict[str, Document]) -> None:
    """Load the article file a newsreader export names, when it is there and not yet known.

    Only a file whose text is the record's own (or a close copy) is taken, so that a file can
    never bring into the store an article it does not already carry.
    """
    if not article.path or (article.doc_id and article.doc_id in known):
        return
    path = Path(article.path)
    if not path.is_file():
        return
    text = article.text.replace("\r\n", "\n")
    loaded = [doc for doc in load_paths([path]).documents if _alike(doc.text, text)]
    for doc in loaded:
        if article.doc_id and (doc.text == text or len(loaded) == 1):
            doc = replace(doc, id=article.doc_id)
        known.setdefault(doc.id, doc)


def match(article: Article, known: dict[str, Document]) -> Document | None:
    """The known article ``article`` is (a copy of): by id, by content, by a close text."""
    _from_path(article, known)
    if article.doc_id and article.doc_id in known:
        return known[article.doc_id]
    text = article.text.replace("\r\n", "\n")
    for doc in known.values():
        if doc.text == text:
            return doc
    best, best_score = None, 0.0
    for doc in known.values():
        score = fuzz.ratio(doc.text[:2000], text[:2000])
        if score > best_score:
            best, best_score = doc, score
    return best if best_score >= 90 else None


def _deterministic_id(doc_id: str, start: int, end: int, label: str) -> str:
    return "s_" + hashlib.sha1(f"{doc_id}:{start}:{end}:{label}".encode()).hexdigest()[:16]


def _check_mark(mark: Mark, labels: dict[str, str]) -> str | None:
    for name in ("start", "end"):
        value = getattr(mark, name)
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            return f"{name} must be a whole number ≥ 0, not {value!r}"
    if mark.start >= mark.end:
        return f"start ({mark.start}) must be less than end ({mark.end})"
    if mark.end > len(mark.article.text):
        return (
            f"offsets {mark.start}-{mark.end} run past the end of the text "
            f"({len(mark.article.text)} characters)"
        )
    if not isinstance(mark.label, str) or str(mark.label).lower() not in labels:
        return (
            f"unknown label {mark.label!r} (the labels are {', '.join(labels.values())}; "
            "add more under `labels` in the configuration file)"
        )
    if mark.id is not None and not SPAN_ID.fullmatch(mark.id):
        return f"span id {mark.id[:40]!r} is not s_ and 16 hex digits"
    if mark.group is not None and not GROUP_ID.fullmatch(mark.group):
        return f"group id {mark.group[:40]!r} is not a group id"
    return None


def import_parsed(
    store: Store,
    parsed: Parsed,
    known: dict[str, Document],
    *,
    skip_invalid: bool = False,
    label: str = "import",
) -> Imported:
    """Check what ``parsed`` holds against the articles in ``known`` and import it into
    ``store`` as one edit (nothing when a problem is found, unless ``skip_invalid``)."""
    result = Imported(problems=list(parsed.problems))
    matches: dict[int, Document | None] = {}
    spans: dict[int, Span] = {}
    stamp = now()
    labels = {name.lower(): name for name in store.labels}
    for mark in parsed.marks:
        key = id(mark.article)
        if key not in matches:
            matches[key] = match(mark.article, known)
            if matches[key] is None:
                result.problems.append(
                    Problem(
                        mark.article.where,
                        "its text is not an article newsreader knows "
                        "(give the articles with --corpus)",
                    )
                )
        doc = matches[key]
        if doc is None:
            continue
        problem = _check_mark(mark, labels)
        if problem:
            result.problems.append(Problem(mark.where, problem))
            continue
        start, end = int(mark.start), int(mark.end)
        words = mark.article.text[start:end]
        if mark.text is not None and mark.text != words:
            result.problems.append(
                Problem(
                    mark.where,
                    f"its text {mark.text[:40]!r} is not what the file's article has there",
                )
            )
            continue
        anchor = Anchor()
        if doc.text[start:end] != words:
            around = context(mark.article.text, start, end)
            prefix = mark.prefix if mark.prefix is not None else around[0]
            suffix = mark.suffix if mark.suffix is not None else around[1]
            found = find_again(doc.text, words, prefix, suffix, start, end)
            if found.state == "orphaned":
                result.problems.append(
                    Problem(
                        mark.where,
                        f"{words[:40]!r} is not in {doc.path} (its copy of the article differs)",
                    )
                )
                continue
            result.notices.append(
                f"{mark.where}: the article differs from {doc.path}; found "
                f"at {found.start}-{found.end} ({found.state})"
            )
            anchor = Anchor(
                found.state,
                score=found.score if found.state == "fuzzy" else None,
                old_start=start,
                old_end=end,
            )
            start, end = found.start, found.end
        try:
            attributes = clean_attributes(mark.attributes)
        except ValueError as error:
            result.problems.append(Problem(mark.where, str(error)))
            continue
        name = labels[str(mark.label).lower()]
        prefix, suffix = context(doc.text, start, end)
        existing = store.span(mark.id) if mark.id else None
        spans[id(mark)] = Span(
            id=mark.id or _deterministic_id(doc.id, start, end, name),
            doc_id=doc.id,
            doc_hash=doc.content_hash,
            start=start,
            end=end,
            text=doc.text[start:end],
            prefix=prefix,
            suffix=suffix,
            label=name,
            attributes=attributes,
            annotator=mark.annotator or (existing.annotator if existing else store.annotator),
            created=mark.created or (existing.created if existing else stamp),
            modified=mark.modified or (existing.modified if existing else stamp),
            anchor=anchor,
        )
    memberships = _memberships(parsed, spans, store, result)
    if result.problems and not skip_invalid:
        return result
    unique = list({s.id: s for s in spans.values()}.values())
    matched: dict[str, Document] = {}
    for mark in parsed.marks:
        article_doc = matches.get(id(mark.article))
        if article_doc is not None:
            matched[article_doc.id] = article_doc
    documents = [
        DocumentRecord(d.id, d.path, d.content_hash, d.outlet, d.title, d.date, d.url)
        for d in matched.values()
    ]
    store.attach([known[d.id] for d in documents if d.id in known])
    result.counts = store.import_spans(unique, memberships, documents, label=label)
    result.imported = True
    return result


def _memberships(
    parsed: Parsed, spans: dict[int, Span], store: Store, result: Imported
) -> dict[str, tuple[str | None, str | None]]:
    """Span id -> (group, relation), in each group's member order: the escape hatch's groups
    first (ordered by the positions it gives), then the file's own links."""
    entries: dict[str, tuple[str, str | None, float, int]] = {}
    for index, mark in enumerate(parsed.marks):
        span = spans.get(id(mark))
        if span is not None and mark.group:
            position = float(mark.position) if mark.position is not None else float("inf")
            entries[span.id] = (mark.group, mark.relation, position, index)
    linked = len(parsed.marks)
    for a, b, relation in parsed.links:
        first, second = spans.get(id(a)), spans.get(id(b))
        if first is None or second is None:
            continue
        if a.group and b.group:
            continue  # the escape hatch already says where both belong, and in which order
        if relation is not None and relation not in store.relations:
            relation = None
            result.notices.append(f"{b.where}: relation kept as a plain link")
        group = (
            entries[first.id][0]
            if first.id in entries
            else entries[second.id][0]
            if second.id in entries
            else "g_" + hashlib.sha1(first.id.encode()).hexdigest()[:16]
        )
        if first.id not in entries:
            entries[first.id] = (group, None, float("inf"), linked)
            linked += 1
        if second.id not in entries or relation is not None:
            kept = entries.get(second.id)
            entries[second.id] = (
                group,
                relation,
                kept[2] if kept else float("inf"),
                kept[3] if kept else linked,
            )
            linked += 1
    first_seen: dict[str, int] = {}
    for _, (group, _, _, index) in sorted(entries.items(), key=lambda e: e[1][3]):
        first_seen.setdefault(group, index)
    ordered = sorted(entries.items(), key=lambda e: (first_seen[e[1][0]], e[1][2], e[1][3]))
    return {span_id: (group, relation) for span_id, (group, relation, _, _) in ordered}


def known_articles(store: Store, corpus: Iterable[Document]) -> dict[str, Document]:
    """The articles an import may match: the store's (read again from their files) and
    ``corpus``."""
    known = {d.id: d for d in current_documents(store)[0]}
    for given in corpus:
        known[given.id] = given
    return known
