"""What every format shares: the intermediate shape, the escape hatch, bounded JSON reading.

Every format goes through one intermediate shape. Exporting builds a :class:`Bundle` (the
store's spans, article by article, with each article's current text); importing parses a file
into :class:`Parsed` (spans on articles as the file carries them, links between them, and the
problems found), which :mod:`.importing` checks and hands to the store.

What a format cannot carry travels in its escape hatch as the object :func:`span_extras` makes
(and :func:`read_extras` reads back): the span's id, attributes, statement group, relation, its
position in the group, annotator and times.
"""

from __future__ import annotations

import codecs
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from newsreader.annotations.jsonl import MAX_LINE_BYTES, bounded_lines, current_documents
from newsreader.annotations.model import DocumentRecord, Span
from newsreader.annotations.store import Store

MAX_FILE_BYTES = 256 * 1024 * 1024
"""An import file (or a brat folder's file) larger than this is refused."""

MAX_DEPTH = 64
"""JSON nested deeper than this is refused (no annotation format needs it)."""

SAME = "same_statement"
"""The relation name written for a member that says the same as the statement."""


class FormatError(ValueError):
    """A file that is not in the format asked for (or any format newsreader reads)."""


@dataclass(frozen=True)
class Problem:
    """Something in an import file that cannot be used: where it is and why.

    ``where`` names the place as the file has it: ``line 3`` (a real line of the file),
    ``task 2``, ``annotation 32``, ``x.ann line 4``; empty when the problem has no one place.
    """

    where: str
    reason: str

    def __str__(self) -> str:
        return f"{self.where}: {self.reason}" if self.where else self.reason


@dataclass
class Article:
    """An article as a file carries it: its text, and what names it."""

    where: str
    text: str
    doc_id: str | None = None
    path: str | None = None
    outlet: str | None = None
    title: str | None = None


@dataclass
class Mark:
    """A span as a file carries it, before it is checked."""

    article: Article
    where: str
    start: Any
    end: Any
    label: Any
    text: str | None = None
    attributes: dict[str, Any] = field(default_factory=dict)
    id: str | None = None
    group: str | None = None
    relation: str | None = None
    position: int | None = None
    """Its place among its group's members (the first member is 0), when the file says."""
    annotator: str | None = None
    created: str | None = None
    modified: str | None = None
    prefix: str | None = None
    suffix: str | None = None


@dataclass
class Parsed:
    """What a file holds: spans on articles, links between spans, and problems found."""

    marks: list[Mark] = field(default_factory=list)
    links: list[tuple[Mark, Mark, str | None]] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


# -- exporting ------------------------------------------------------------------------------


@dataclass
class Bundle:
    """The store, article by article, with each article's current text.

    ``member_of`` maps a span id to (group id, relation, its position among the members);
    ``groups`` lists each group's members in the group's own order.
    """

    articles: list[tuple[DocumentRecord, str, list[Span]]]
    member_of: dict[str, tuple[str, str | None, int]]
    groups: dict[str, list[str]] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)

    def cross_groups(self) -> set[str]:
        """Statement groups whose members are in more than one article."""
        where: dict[str, set[str]] = {}
        for record, _, spans in self.articles:
            for span in spans:
                if span.id in self.member_of:
                    where.setdefault(self.member_of[span.id][0], set()).add(record.id)
        return {group for group, docs in where.items() if len(docs) > 1}


def bundle(store: Store) -> Bundle:
    """The store's spans with their articles' current texts (re-anchored in memory first)."""
    documents, missing = current_documents(store)
    store.attach(documents)
    texts = {d.id: d.text for d in documents}
    records = store.documents()
    member_of: dict[str, tuple[str, str | None, int]] = {}
    groups: dict[str, list[str]] = {}
    articles = []
    warnings = [f"{path} is not there; its annotations are left out" for path in missing]
    kept: set[str] = set()
    for doc_id in sorted(texts, key=lambda d: (records[d].outlet or "", records[d].path)):
        spans = [s for s in store.spans(doc_id) if not s.orphaned]
        orphans = [s for s in store.spans(doc_id) if s.orphaned]
        if orphans:
            warnings.append(
                f"{len(orphans)} orphaned annotations in {records[doc_id].path} are "
                "left out (their words are no longer in the article)"
            )
        if spans:
            articles.append((records[doc_id], texts[doc_id], spans))
            kept.update(s.id for s in spans)
    for group in store.groups():
        members = [m for m in group.members if m in kept]
        if not members:
            continue
        groups[group.id] = members
        for position, member in enumerate(members):
            member_of[member] = (group.id, group.members[member], position)
    return Bundle(articles, member_of, groups, warnings)


def span_extras(span: Span, member_of: dict[str, tuple[str, str | None, int]]) -> dict[str, Any]:
    """What a format without room for it carries about a span in its escape hatch."""
    group, relation, position = member_of.get(span.id, (None, None, None))
    return {
        "id": span.id,
        "attributes": span.attributes,
        "group": group,
        "relation": relation,
        "position": position,
        "annotator": span.annotator,
        "created": span.created,
        "modified": span.modified,
    }


def doc_extras(record: DocumentRecord) -> dict[str, Any]:
    """What names an article in an escape hatch."""
    return {
        "doc_id": record.id,
        "doc_path": record.path,
        "outlet": record.outlet,
        "title": record.title,
    }


def groups_within(spans: list[Span], data: Bundle) -> list[tuple[Span, Span, str | None]]:
    """Links within one article: each member of a group to the group's first member here,
    in the group's order."""
    here = {span.id: span for span in spans}
    links = []
    for members in data.groups.values():
        present = [here[m] for m in members if m in here]
        for other in present[1:]:
            links.append((present[0], other, data.member_of[other.id][1]))
    return links


# -- importing ------------------------------------------------------------------------------


def too_deep(value: Any, limit: int = MAX_DEPTH) -> bool:
    """True when ``value`` nests deeper than ``limit``."""
    stack = [(value, 0)]
    while stack:
        item, level = stack.pop()
        if level > limit:
            return True
        if isinstance(item, dict):
            stack.extend((v, level + 1) for v in item.values())
        elif isinstance(item, list):
            stack.extend((v, level + 1) for v in item)
    return False


def check_size(path: Path) -> None:
    """Refuse a file over :data:`MAX_FILE_BYTES` before reading it."""
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        raise FormatError(
            f"{path} is {size // 2**20} MB, over the {MAX_FILE_BYTES // 2**20} MB "
            "an annotation file may have"
        )


def read_json(path: Path) -> Any:
    """The one JSON document in ``path``; FormatError (naming line and column) when it is not
    JSON, is too large or nests too deeply."""
    check_size(path)
    raw = path.read_bytes()
    try:
        if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            text = raw.decode("utf-16")
        else:
            text = raw.decode("utf-8-sig")
        data = json.loads(text)
    except UnicodeDecodeError as error:
        raise FormatError(f"{path}: byte {error.start} is not UTF-8") from None
    except json.JSONDecodeError as error:
        raise FormatError(
            f"{path}: not JSON (line {error.lineno}, column {error.colno}: {error.msg})"
        ) from None
    except (RecursionError, ValueError) as error:
        raise FormatError(f"{path}: cannot be read as JSON ({error})") from None
    if too_deep(data):
        raise FormatError(f"{path}: nested deeper than {MAX_DEPTH} levels")
    return data


def json_lines(path: Path) -> Iterator[tuple[int, Any | Problem]]:
    """(line number, parsed JSON or the problem) for each non-blank line of a JSONL file."""
    check_size(path)
    with open(path, "rb") as handle:
        for number, raw in enumerate(bounded_lines(handle), start=1):
            where = f"line {number}"
            if len(raw) > MAX_LINE_BYTES:
                yield number, Problem(where, f"longer than {MAX_LINE_BYTES // 2**20} MB")
                continue
            if number == 1 and raw.startswith(b"\xef\xbb\xbf"):
                raw = raw[3:]  # a UTF-8 byte order mark
            if not raw.strip():
                continue
            try:
                item = json.loads(raw.decode("utf-8"))
            except UnicodeDecodeError as error:
                yield number, Problem(where, f"byte {error.start} is not UTF-8")
            except json.JSONDecodeError as error:
                yield number, Problem(where, f"not JSON ({error.msg} at column {error.colno})")
            except (ValueError, RecursionError) as error:
                # Integers over Python's digit limit; nesting past the parser's stack.
                reason = str(error).split(" while ")[0][:80]
                yield number, Problem(where, f"cannot be read as JSON ({reason})")
            else:
                if too_deep(item):
                    yield number, Problem(where, f"nested deeper than {MAX_DEPTH} levels")
                else:
                    yield number, item


def text_or_none(value: Any) -> str | None:
    """``value`` when it is non-empty text, else None."""
    return value if isinstance(value, str) and value else None


def read_extras(mark: Mark, extras: Any) -> None:
    """Fill ``mark`` from an escape-hatch object that :func:`span_extras` wrote."""
    if not isinstance(extras, dict):
        return
    mark.id = text_or_none(extras.get("id"))
    attributes = extras.get("attributes")
    if isinstance(attributes, dict):
        mark.attributes.update(attributes)
    mark.group = text_or_none(extras.get("group"))
    mark.relation = text_or_none(extras.get("relation"))
    position = extras.get("position")
    if isinstance(position, int) and not isinstance(position, bool) and position >= 0:
        mark.position = position
    mark.annotator = text_or_none(extras.get("annotator"))
    mark.created = text_or_none(extras.get("created"))
    mark.modified = text_or_none(extras.get("modified"))


def article_of(where: str, text: Any, extras: Any, **names: Any) -> Article | None:
    """The article a record carries (None when its text is not text), named by the escape
    hatch's ``doc_id``/``doc_path`` and the outlet and title the record gives."""
    if not isinstance(text, str):
        return None
    extras = extras if isinstance(extras, dict) else {}
    return Article(
        where=where,
        text=text,
        doc_id=text_or_none(extras.get("doc_id")),
        path=text_or_none(extras.get("doc_path")),
        outlet=text_or_none(extras.get("outlet")) or text_or_none(names.get("outlet")),
        title=text_or_none(extras.get("title")) or text_or_none(names.get("title")),
    )


def relation_of(name: Any) -> str | None:
    """A relation as a file names it: None for the plain "same statement" link."""
    kind = text_or_none(name)
    return None if kind in (None, SAME) else kind


@dataclass(frozen=True)
class Sniffed:
    """What guessing a file's format may look at: its start, and its first line parsed."""

    path: Path
    head: bytes
    first: Any = None
    """The first line as JSON when it is a whole JSON value (else None)."""
    folder: bool = False
