"""newsreader's own JSONL: one span annotation per line, out of a store and back in.

Each line is a JSON object with the fields in :data:`FIELDS`. For every line whose ``anchor`` is
not ``orphaned``, ``text`` equals the article text from ``start`` to ``end`` (offsets are Python
string indices into the text ``newsreader inspect --json`` prints).
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, TextIO

from newsreader.corpus import Document, load_paths
from newsreader.corpus.analysis import without_analysis

from . import analysis_cache
from .anchoring import find_again
from .model import Anchor, DocumentRecord, Span, context, new_id, now
from .store import MAX_OFFSET, AnchorReport, Store, clean_attributes

SPAN_ID = re.compile(r"s_[0-9a-f]{16}")
"""What a span id looks like: ``s_`` and 16 hex digits."""

FIELDS = (
    "id",
    "doc_id",
    "doc_path",
    "doc_hash",
    "outlet",
    "title",
    "story",
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


def resolve_article(path: str, store_path: Path | None = None) -> Path | None:
    """The file an article record names: an absolute path as it is; a relative one (stores
    written before paths were absolute) from the current folder, else from the store's."""
    if not path:
        return None
    candidate = Path(path)
    if candidate.is_absolute():
        return candidate if candidate.is_file() else None
    for base in (Path.cwd(), store_path.parent if store_path else None):
        if base is not None and (base / candidate).is_file():
            return (base / candidate).resolve()
    return None


def load_texts(path: Path) -> list[Document]:
    """The articles in the file at ``path`` with their text and metadata but no analysis (no
    sentences or quotes): what import and export need, at a fraction of the cost. With an
    analysis cache installed, it remembers which content hashes the file held."""
    cache = analysis_cache.installed()
    try:
        stat = path.stat()
    except OSError:
        return []
    with without_analysis():
        documents = load_paths([path]).documents
    if cache is not None:
        cache.saw_file(path, stat.st_size, stat.st_mtime_ns, [d.content_hash for d in documents])
    return documents


def _unchanged(path: Path, records: list[DocumentRecord]) -> bool:
    """True when the file is known (from the cache) to still hold these records' texts."""
    cache = analysis_cache.installed()
    if cache is None:
        return False
    hashes = cache.file_hashes(path)
    return hashes is not None and all(r.content_hash in hashes for r in records)


def current_documents(
    store: Store, *, changed_only: bool = False
) -> tuple[list[Document], list[str]]:
    """The articles the store's spans are on, read again from their files.

    Returns the documents found (with the ids the store knows them by) and the paths that could
    not be read. A file holding several articles (JSONL) is matched by content, then by id.
    With ``changed_only``, only articles whose text may differ from the one their spans were
    made on are returned, read without analysis (what re-anchoring needs): a file the analysis
    cache knows to be unchanged is not read at all.
    """
    found: list[Document] = []
    missing: list[str] = []
    by_path: dict[str, list[DocumentRecord]] = {}
    for record in store.documents().values():
        by_path.setdefault(record.path, []).append(record)
    for path, records in sorted(by_path.items()):
        file = resolve_article(path, store.path)
        if file is None:
            missing.append(path or "(no path)")
            continue
        if changed_only and _unchanged(file, records):
            continue  # the spans on it were made on this text: nothing to find again
        loaded = load_texts(file) if changed_only else load_paths([file]).documents
        for record in records:
            match = next((d for d in loaded if d.content_hash == record.content_hash), None)
            match = match or next((d for d in loaded if d.id == record.id), None)
            if match is None and len(loaded) == 1:
                match = loaded[0]
            if match is None:
                missing.append(f"{path} (article {record.id})")
                continue
            found.append(replace(match, id=record.id, path=str(file)))
    cache = analysis_cache.installed()
    if cache is not None:
        cache.commit()
    return found, missing


@dataclass(frozen=True)
class ExportFilter:
    """What an export limits itself to (empty: everything): annotators, labels, articles
    named by id or by file path, and the articles (ids) of the stories named (None: any)."""

    annotators: frozenset[str] = frozenset()
    labels: frozenset[str] = frozenset()
    articles: frozenset[str] = frozenset()
    story_articles: frozenset[str] | None = None

    def keeps(self, record: dict[str, Any], doc: DocumentRecord | None) -> bool:
        """Whether the span (as its stored record) on article ``doc`` is exported."""
        if self.annotators and record.get("annotator", "") not in self.annotators:
            return False
        if self.labels and record["label"] not in self.labels:
            return False
        if self.story_articles is not None and record["doc_id"] not in self.story_articles:
            return False
        if self.articles:
            names = {record["doc_id"]}
            if doc is not None and doc.path:
                names.add(doc.path)
                names.add(os.path.abspath(doc.path))
            return not names.isdisjoint(self.articles)
        return True


def export_lines(
    store: Store,
    *,
    include_orphaned: bool = False,
    only: ExportFilter | None = None,
    stories: Mapping[str, str] | None = None,
) -> Iterator[dict[str, Any]]:
    """The store's spans as export records, by article (outlet, path) then offset.

    Orphaned spans are left out unless ``include_orphaned``; ``only`` limits what is written.
    ``story`` is each article's story id from ``stories`` (article id → story id), by default
    from the grouping the store keeps, with the user's corrections (null for an article it does
    not hold). Works on the stored records, without making a Span of each (a 100k store exports
    in a second or two).
    """
    if stories is None:
        from .story_edits import store_stories

        kept = store_stories(store)
        stories = kept.story_ids() if kept is not None else {}
    documents = store.documents()
    member_of = store.membership()
    for doc_id, known in list(documents.items()):
        if known.path and not Path(known.path).is_absolute():  # stored before paths were absolute
            found = resolve_article(known.path, store.path)
            if found is not None:
                documents[doc_id] = replace(known, path=str(found))
    order = {doc_id: ((d.outlet or ""), d.path) for doc_id, d in documents.items()}
    blank = ("", "")

    def article_order(record: dict[str, Any]) -> tuple[tuple[str, str], int, int, str]:
        return (order.get(record["doc_id"], blank), record["start"], record["end"], record["id"])

    for record in sorted(store.span_records(), key=article_order):
        state = (record.get("anchor") or {}).get("state", "ok")
        if state == "orphaned" and not include_orphaned:
            continue
        doc = documents.get(record["doc_id"])
        if only is not None and not only.keeps(record, doc):
            continue
        group, relation = member_of.get(record["id"], (None, None))
        yield {
            "id": record["id"],
            "doc_id": record["doc_id"],
            "doc_path": doc.path if doc else None,
            "doc_hash": record["doc_hash"],
            "outlet": doc.outlet if doc else None,
            "title": doc.title if doc else None,
            "story": stories.get(record["doc_id"]),
            "start": record["start"],
            "end": record["end"],
            "text": record["text"],
            "prefix": record.get("prefix", ""),
            "suffix": record.get("suffix", ""),
            "label": record["label"],
            "attributes": dict(record.get("attributes") or {}),
            "group": group,
            "relation": relation,
            "annotator": record.get("annotator", ""),
            "created": record.get("created", ""),
            "modified": record.get("modified", ""),
            "anchor": state,
        }


def _line_encoder() -> Callable[[dict[str, Any]], str]:
    """JSON for one export line, as ``json.dumps(record, ensure_ascii=False)`` writes it.

    CPython's C encoder is made once and called directly: ``JSONEncoder.encode`` makes a new one
    for every call, which is a fifth of the cost of writing 100k short lines.
    """
    plain = json.JSONEncoder(ensure_ascii=False).encode
    make = getattr(json.encoder, "c_make_encoder", None)
    if make is None:  # pragma: no cover - Python without the C accelerator
        return plain
    # Arguments: markers, default, encoder, indent, key and item separators, sort_keys,
    # skipkeys, allow_nan (records hold only JSON types, so no default and no markers).
    try:
        fast = make(
            None, None, json.encoder.encode_basestring, None, ": ", ", ", False, False, True
        )

        def encode(record: dict[str, Any]) -> str:
            return "".join(fast(record, 0))

        sample = {"a": ["é\n\x1b", 1.5, None, True], "b": {"c": -(2**70)}}
        if encode(sample) != plain(sample):  # pragma: no cover - another Python's signature
            return plain
    except (TypeError, ValueError):  # pragma: no cover
        return plain
    return encode


_encode = _line_encoder()


def export_jsonl(
    store: Store,
    out: TextIO,
    *,
    include_orphaned: bool = False,
    only: ExportFilter | None = None,
    stories: Mapping[str, str] | None = None,
) -> Exported:
    """Write the store as JSONL to ``out``, after checking each span against its article's file.

    Articles whose file changed have their spans found again first (in memory when the store is
    read-only); the result says what moved, what was orphaned and which files are gone.
    ``only`` limits what is written (annotators, labels, articles, stories); ``stories`` gives
    each article's story id (see :func:`export_lines`).
    """
    result = Exported()
    documents, result.missing_files = current_documents(store, changed_only=True)
    result.anchoring = store.attach(documents)
    batch: list[str] = []
    for record in export_lines(store, include_orphaned=True, only=only, stories=stories):
        if record["anchor"] == "orphaned" and not include_orphaned:
            span = store.span(record["id"])
            if span is not None:
                result.skipped_orphans.append(span)
            continue
        batch.append(_encode(record))
        if len(batch) >= 1000:
            out.write("\n".join(batch) + "\n")
            batch.clear()
        result.written += 1
    if batch:
        out.write("\n".join(batch) + "\n")
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
    if not SPAN_ID.fullmatch(record["id"]):
        return (
            "'id' must be 's_' and 16 hex digits (as newsreader makes them), "
            f"not {_show(record['id'])}"
        )
    if not _safe_doc_id(record["doc_id"]):
        return (
            f"'doc_id' {_show(record['doc_id'])} is not an article id "
            "(no control characters, no '..', not absolute)"
        )
    for name in ("start", "end"):
        value = record[name]
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            return f"{name!r} must be a whole number ≥ 0, not {_show(value)}"
        if value > MAX_OFFSET:
            return f"{name!r} is {_show(value)}, past the end of any article"
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
        "story",
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


def _show(value: Any) -> str:
    """A value for a message: its repr, clipped, with control characters escaped by repr."""
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def _safe_doc_id(doc_id: str) -> bool:
    if len(doc_id) > 1000 or _CONTROL.search(doc_id):
        return False
    if doc_id.startswith(("/", "\\")) or re.match(r"[A-Za-z]:", doc_id):
        return False
    return ".." not in re.split(r"[/\\]", doc_id)


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
        except ValueError as error:  # an integer of more than 4,300 digits
            yield number, LineProblem(number, f"not usable JSON ({str(error)[:120]})")


def bounded_lines(handle: Any) -> Iterator[bytes]:
    """The lines of a binary ``handle``; of a line over :data:`MAX_LINE_BYTES`, only that much
    (plus one byte) is read and the rest is skipped unread, so that the caller can refuse it."""
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


class ArticleRoots:
    """Where the articles an import may read are: the folders named with ``--corpus``, the
    folders of the articles the store already knows, and the bundled sample. A ``doc_path``
    anywhere else (``/etc/passwd``) is refused, so no import makes a later export read it."""

    def __init__(self, store: Store, corpus: Sequence[str | Path] = ()) -> None:
        from newsreader.corpus import SAMPLE_DIR

        self.named = [Path(c).resolve() for c in corpus]
        roots = {*self.named, Path(SAMPLE_DIR).resolve()}
        for record in store.documents().values():
            file = resolve_article(record.path, store.path)
            if file is not None:
                roots.add(file.resolve().parent)
        self.roots = roots
        self._verdicts: dict[str, Path | None] = {}

    def place(self, doc_path: str) -> Path | None:
        """The absolute path ``doc_path`` names when it is inside a root, else None."""
        if doc_path in self._verdicts:
            return self._verdicts[doc_path]
        path = Path(os.path.abspath(doc_path))
        resolved = path.resolve()
        inside = any(p in self.roots for p in (resolved, *resolved.parents))
        verdict = path if inside else None
        self._verdicts[doc_path] = verdict
        return verdict

    def describe(self) -> str:
        if self.named:
            return "the --corpus folders (" + ", ".join(str(p) for p in self.named) + ")"
        return "the articles the store knows; name the articles' folder with --corpus"


def _drain(items: list[Span]) -> Iterator[Span]:
    # Hands the spans over one by one and lets go of each, so they are not held twice.
    items.reverse()
    while items:
        yield items.pop()


def import_jsonl(
    store: Store,
    path: Path,
    *,
    skip_invalid: bool = False,
    corpus: Sequence[str | Path] = (),
) -> ImportResult:
    """Import the JSONL file at ``path`` into ``store``, reading it once, line by line.

    Every line is checked; when any line is bad nothing is imported unless ``skip_invalid``.
    A line whose text is not at its offsets in the article's current file is found again there
    (and noted), or refused when it cannot be found. A ``doc_path`` outside the corpus
    (``corpus`` folders, the articles the store knows) is refused. A span whose id is already
    another annotator's span in the store gets a new id (and a notice): both are kept. Importing
    the same file twice changes nothing. Time and memory grow linearly with the file.
    """
    result = ImportResult()
    roots = ArticleRoots(store, corpus)
    labels, relations = store.labels, store.relations
    seen: dict[str, int] = {}
    files: dict[Path, list[Document]] = {}
    spans: list[Span] = []
    memberships: dict[str, tuple[str | None, str | None]] = {}
    documents: dict[str, DocumentRecord] = {}
    renamed = 0
    stamp = now()
    with open(path, "rb") as handle:
        for number, item in read_lines(bounded_lines(handle)):
            if isinstance(item, LineProblem):
                result.problems.append(item)
                continue
            reason = _check(item, labels, relations)
            if reason is None and item["id"] in seen:
                reason = f"id {item['id']!r} already appears on line {seen[item['id']]}"
            doc_path = item.get("doc_path") if reason is None else None
            place: Path | None = None
            if doc_path:
                place = roots.place(doc_path)
                if place is None:
                    reason = f"'doc_path' {_show(doc_path)} is outside {roots.describe()}"
            if reason is not None:
                result.problems.append(LineProblem(number, reason))
                continue
            seen[item["id"]] = number
            made = _line_span(store, item, number, place, files, result, stamp)
            if made is None:
                continue
            span, doc = made
            existing = store.span(span.id)
            if existing is not None and existing.annotator != span.annotator:
                # Another annotator's span has this id: keep both, side by side.
                span = replace(span, id=new_id("s"))
                renamed += 1
            spans.append(span)
            memberships[span.id] = (item.get("group"), item.get("relation"))
            if span.doc_id not in documents:
                documents[span.doc_id] = DocumentRecord(
                    id=span.doc_id,
                    path=str(place) if place else (doc_path or ""),
                    content_hash=doc.content_hash if doc else span.doc_hash,
                    outlet=(doc.outlet if doc else None) or item.get("outlet"),
                    title=(doc.title if doc else None) or item.get("title") or "",
                )
    cache = analysis_cache.installed()
    if cache is not None:
        cache.commit()
    if renamed:
        result.notices.append(
            f"{renamed} annotations had the id of another annotator's annotation in the store; "
            "they were given new ids, and both are kept"
        )
    if result.problems and not skip_invalid:
        return result
    result.counts = store.import_spans(
        _drain(spans), memberships, list(documents.values()), label=f"import {path.name}"
    )
    result.imported = True
    return result


def _line_span(
    store: Store,
    item: dict[str, Any],
    number: int,
    place: Path | None,
    files: dict[Path, list[Document]],
    result: ImportResult,
    stamp: str,
) -> tuple[Span, Document | None] | None:
    """The span a checked line gives, checked against its article's file when that is at hand
    (None, with the problem noted, when its text is no longer in the article)."""
    doc = None
    if place is not None and item.get("anchor") != "orphaned":
        if place not in files:
            files[place] = load_texts(place) if place.is_file() else []
        loaded = files[place]
        doc = next((d for d in loaded if d.id == item["doc_id"]), None)
        doc = doc or next((d for d in loaded if d.content_hash == item.get("doc_hash")), None)
        if doc is None and len(loaded) == 1:
            doc = loaded[0]
    start, end, text = item["start"], item["end"], item["text"]
    prefix, suffix = item.get("prefix") or "", item.get("suffix") or ""
    doc_hash = item.get("doc_hash") or ""
    anchor = Anchor(item.get("anchor") or "ok")
    doc_path = item.get("doc_path")
    if doc is not None:
        doc_hash = doc.content_hash
        if doc.text[start:end] != text:
            found = find_again(doc.text, text, prefix, suffix, start, end)
            if found.state == "orphaned":
                result.problems.append(
                    LineProblem(number, f"its text is not in {doc_path} any more")
                )
                return None
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
    annotator = item.get("annotator") or store.annotator
    same = existing is not None and existing.annotator == annotator
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
        annotator=annotator,
        created=item.get("created") or (existing.created if same and existing else stamp),
        modified=item.get("modified") or (existing.modified if same and existing else stamp),
        anchor=anchor,
    )
    return span, doc
