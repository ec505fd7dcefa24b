"""Other tools' formats, both ways: doccano, Prodigy, Label Studio, W3C Web Annotation, brat.

Every format goes through one intermediate shape: the articles (their text as the file carries
it) and the spans on them. Exporting builds it from the store and the articles' current files;
importing parses a file into it, finds each article among the ones newsreader knows (by the id
newsreader wrote, else by content, else by a close copy whose spans are found again), checks
every span, and hands the result to the store as one undoable edit.

What a format cannot carry travels in its own escape hatch, named in :data:`CARRIES`: a
``newsreader`` object in doccano's and Label Studio's records and Prodigy's ``meta``, extra
bodies in W3C annotations, ``AnnotatorNotes`` lines in brat. Statement groups that span
articles are listed in a warning when a format has no native way to hold them.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, TextIO

from rapidfuzz import fuzz

from newsreader.corpus import Document, load_paths

from .anchoring import find_again
from .jsonl import LineProblem, current_documents, read_lines
from .model import Anchor, DocumentRecord, Span, context, now
from .store import Store, clean_attributes

FORMATS = ("jsonl", "doccano", "prodigy", "labelstudio", "w3c", "brat")

CARRIES: dict[str, dict[str, str]] = {
    "doccano": {
        "spans": "yes",
        "labels": "yes",
        "speaker": "in `newsreader`",
        "notes": "in `newsreader`",
        "groups within an article": "yes (relations)",
        "groups across articles": "in `newsreader`",
        "annotator": "in `newsreader`",
    },
    "prodigy": {
        "spans": "yes",
        "labels": "yes",
        "speaker": "in `meta`",
        "notes": "in `meta`",
        "groups within an article": "yes (relations)",
        "groups across articles": "in `meta`",
        "annotator": "in `meta`",
    },
    "labelstudio": {
        "spans": "yes",
        "labels": "yes",
        "speaker": "yes (per-region text)",
        "notes": "yes (per-region text)",
        "groups within an article": "yes (relations)",
        "groups across articles": "in `data.newsreader`",
        "annotator": "in `data.newsreader`",
    },
    "w3c": {
        "spans": "yes",
        "labels": "yes (tagging body)",
        "speaker": "yes (body)",
        "notes": "yes (commenting body)",
        "groups within an article": "yes (linking)",
        "groups across articles": "yes (linking)",
        "annotator": "yes (creator)",
    },
    "brat": {
        "spans": "yes",
        "labels": "yes",
        "speaker": "in `AnnotatorNotes`",
        "notes": "in `AnnotatorNotes`",
        "groups within an article": "yes (`R` lines)",
        "groups across articles": "in `AnnotatorNotes`",
        "annotator": "in `AnnotatorNotes`",
    },
}
"""For the README's table: what each format carries natively, or in which escape hatch."""

MAX_FILE_BYTES = 256 * 1024 * 1024
"""An import file (or a brat folder's file) larger than this is refused."""

MAX_DEPTH = 64
"""JSON nested deeper than this is refused (no annotation format needs it)."""


class FormatError(ValueError):
    """A file that is not in the format asked for (or any format newsreader reads)."""


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
    annotator: str | None = None
    created: str | None = None
    modified: str | None = None


@dataclass
class Parsed:
    """What a file holds: spans on articles, links between spans, and problems found."""

    marks: list[Mark] = field(default_factory=list)
    links: list[tuple[Mark, Mark, str | None]] = field(default_factory=list)
    problems: list[LineProblem] = field(default_factory=list)


# -- exporting ------------------------------------------------------------------------------


@dataclass
class Bundle:
    """The store, article by article, with each article's current text."""

    articles: list[tuple[DocumentRecord, str, list[Span]]]
    member_of: dict[str, tuple[str, str | None]]
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
    member_of = {m: (g.id, rel) for g in store.groups() for m, rel in g.members.items()}
    articles = []
    warnings = [f"{path} is not there; its annotations are left out" for path in missing]
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
    return Bundle(articles, member_of, warnings)


def _extras(span: Span, member_of: dict[str, tuple[str, str | None]]) -> dict[str, Any]:
    group, relation = member_of.get(span.id, (None, None))
    return {
        "id": span.id,
        "attributes": span.attributes,
        "group": group,
        "relation": relation,
        "annotator": span.annotator,
        "created": span.created,
        "modified": span.modified,
    }


def _doc_extras(record: DocumentRecord) -> dict[str, Any]:
    return {
        "doc_id": record.id,
        "doc_path": record.path,
        "outlet": record.outlet,
        "title": record.title,
    }


def export(store: Store, fmt: str, out: TextIO | Path) -> list[str]:
    """Write the store in ``fmt`` to ``out`` (a text stream; a folder for brat); returns the
    warnings (what the format could not carry natively, what was left out)."""
    data = bundle(store)
    if fmt == "brat":
        if not isinstance(out, Path):
            raise FormatError("brat writes a folder: give one with -o")
        _export_brat(data, out)
    else:
        if isinstance(out, Path):
            raise FormatError(f"{fmt} writes one file")
        {
            "doccano": _export_doccano,
            "prodigy": _export_prodigy,
            "labelstudio": _export_labelstudio,
            "w3c": _export_w3c,
        }[fmt](data, out)
    crossing = data.cross_groups()
    if crossing and fmt in ("doccano", "prodigy", "labelstudio", "brat"):
        hatch = {
            "doccano": "each entity's `newsreader` object",
            "prodigy": "each span's `meta.newsreader`",
            "labelstudio": "each task's `data.newsreader`",
            "brat": "`AnnotatorNotes` lines",
        }[fmt]
        data.warnings.append(
            f"{len(crossing)} statement groups link spans across articles, which {fmt} cannot "
            f"express; they are written in {hatch} (newsreader reads them back): "
            + ", ".join(sorted(crossing))
        )
    return data.warnings


def _groups_within(
    spans: list[Span], member_of: dict[str, tuple[str, str | None]]
) -> list[tuple[Span, Span, str | None]]:
    """Links within one article: each member of a group to the group's first member here."""
    first: dict[str, Span] = {}
    links = []
    for span in spans:
        if span.id not in member_of:
            continue
        group, relation = member_of[span.id]
        if group in first:
            links.append((first[group], span, relation))
        else:
            first[group] = span
    return links


def _export_doccano(data: Bundle, out: TextIO) -> None:
    for record, text, spans in data.articles:
        numbers = {span.id: n for n, span in enumerate(spans, start=1)}
        relations = [
            {
                "id": n,
                "from_id": numbers[a.id],
                "to_id": numbers[b.id],
                "type": relation or "same_statement",
            }
            for n, (a, b, relation) in enumerate(_groups_within(spans, data.member_of), start=1)
        ]
        line = {
            "id": record.id,
            "text": text,
            "entities": [
                {
                    "id": numbers[s.id],
                    "label": s.label,
                    "start_offset": s.start,
                    "end_offset": s.end,
                    "newsreader": _extras(s, data.member_of),
                }
                for s in spans
            ],
            "relations": relations,
            "newsreader": _doc_extras(record),
        }
        out.write(json.dumps(line, ensure_ascii=False) + "\n")


_TOKEN = re.compile(r"\w+|[^\w\s]")


def tokens(text: str) -> list[dict[str, Any]]:
    """Prodigy-style tokens: ``text``, ``start``, ``end``, ``id``, ``ws``."""
    out = []
    for i, m in enumerate(_TOKEN.finditer(text)):
        out.append(
            {
                "text": m.group(),
                "start": m.start(),
                "end": m.end(),
                "id": i,
                "ws": m.end() < len(text) and text[m.end()].isspace(),
            }
        )
    return out


def _hash32(*parts: str) -> int:
    digest = hashlib.sha1("\x1f".join(parts).encode()).digest()
    return int.from_bytes(digest[:4], "big", signed=True)


def _export_prodigy(data: Bundle, out: TextIO) -> None:
    for record, text, spans in data.articles:
        toks = tokens(text)
        starts = {t["start"]: t["id"] for t in toks}
        ends = {t["end"]: t["id"] for t in toks}
        items = []
        for s in spans:
            item: dict[str, Any] = {
                "start": s.start,
                "end": s.end,
                "label": s.label,
                "text": s.text,
            }
            if s.start in starts and s.end in ends:
                item["token_start"], item["token_end"] = starts[s.start], ends[s.end]
            items.append(item)
        by_id = dict(zip((s.id for s in spans), items, strict=True))
        relations = []
        for a, b, relation in _groups_within(spans, data.member_of):
            head, child = by_id[a.id], by_id[b.id]
            if "token_end" in head and "token_end" in child:
                relations.append(
                    {
                        "head": head["token_end"],
                        "child": child["token_end"],
                        "label": relation or "same_statement",
                        "head_span": head,
                        "child_span": child,
                    }
                )
        input_hash = _hash32(text)
        line = {
            "text": text,
            "tokens": toks,
            "spans": items,
            "relations": relations,
            "meta": {
                "outlet": record.outlet,
                "title": record.title,
                "newsreader": {
                    **_doc_extras(record),
                    "spans": [_extras(s, data.member_of) for s in spans],
                },
            },
            "_input_hash": input_hash,
            "_task_hash": _hash32(str(input_hash), json.dumps(items, sort_keys=True)),
            "answer": "accept",
        }
        out.write(json.dumps(line, ensure_ascii=False) + "\n")


def _export_labelstudio(data: Bundle, out: TextIO) -> None:
    tasks: list[dict[str, Any]] = []
    for record, text, spans in data.articles:
        result: list[dict[str, Any]] = []
        region = {s.id: f"r{n}" for n, s in enumerate(spans, start=1)}
        for s in spans:
            value = {"start": s.start, "end": s.end, "text": s.text}
            result.append(
                {
                    "id": region[s.id],
                    "from_name": "label",
                    "to_name": "text",
                    "type": "labels",
                    "value": {**value, "labels": [s.label]},
                }
            )
            for name in ("speaker", "note"):
                if s.attributes.get(name):
                    result.append(
                        {
                            "id": region[s.id],
                            "from_name": name,
                            "to_name": "text",
                            "type": "textarea",
                            "value": {**value, "text": [str(s.attributes[name])]},
                        }
                    )
        for a, b, relation in _groups_within(spans, data.member_of):
            result.append(
                {
                    "from_id": region[a.id],
                    "to_id": region[b.id],
                    "type": "relation",
                    "direction": "right",
                    "labels": [relation or "same_statement"],
                }
            )
        tasks.append(
            {
                "id": len(tasks) + 1,
                "data": {
                    "text": text,
                    "outlet": record.outlet,
                    "title": record.title,
                    "newsreader": {
                        **_doc_extras(record),
                        "regions": {region[s.id]: _extras(s, data.member_of) for s in spans},
                    },
                },
                "annotations": [{"id": len(tasks) + 1, "result": result}],
            }
        )
    json.dump(tasks, out, ensure_ascii=False, indent=1)
    out.write("\n")


W3C_CONTEXT = "http://www.w3.org/ns/anno.jsonld"


def _source(record: DocumentRecord) -> str:
    return (
        Path(record.path).resolve().as_uri() if record.path else f"urn:newsreader:doc:{record.id}"
    )


def _export_w3c(data: Bundle, out: TextIO) -> None:
    items: list[dict[str, Any]] = []
    groups: dict[str, list[tuple[str, str | None]]] = {}
    for record, _text, spans in data.articles:
        for s in spans:
            body: list[dict[str, Any]] = [
                {"type": "TextualBody", "purpose": "tagging", "value": s.label}
            ]
            if s.speaker:
                body.append(
                    {
                        "type": "TextualBody",
                        "purpose": "identifying",
                        "value": s.speaker,
                        "newsreader:role": "speaker",
                    }
                )
            if s.attributes.get("note"):
                body.append(
                    {
                        "type": "TextualBody",
                        "purpose": "commenting",
                        "value": str(s.attributes["note"]),
                    }
                )
            other = {k: v for k, v in s.attributes.items() if k not in ("speaker", "note")}
            if other:
                body.append(
                    {
                        "type": "TextualBody",
                        "purpose": "describing",
                        "format": "application/json",
                        "value": json.dumps(other),
                    }
                )
            items.append(
                {
                    "id": f"urn:newsreader:span:{s.id}",
                    "type": "Annotation",
                    "motivation": "classifying" if s.label != "quote" else "identifying",
                    "creator": {"type": "Person", "name": s.annotator} if s.annotator else None,
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
            if s.id in data.member_of:
                group, relation = data.member_of[s.id]
                groups.setdefault(group, []).append((s.id, relation))
    for group, members in groups.items():
        items.append(
            {
                "id": f"urn:newsreader:group:{group}",
                "type": "Annotation",
                "motivation": "linking",
                "body": [
                    {
                        "type": "TextualBody",
                        "purpose": "describing",
                        "value": f"{member} {relation}",
                        "newsreader:member": member,
                        "newsreader:relation": relation,
                    }
                    for member, relation in members
                    if relation
                ],
                "target": [f"urn:newsreader:span:{member}" for member, _ in members],
            }
        )
    for item in items:
        if item.get("creator") is None:
            item.pop("creator", None)
        if not item.get("body"):
            item.pop("body", None)
    json.dump(
        {"@context": W3C_CONTEXT, "type": "AnnotationPage", "items": items},
        out,
        ensure_ascii=False,
        indent=1,
    )
    out.write("\n")


def _brat_name(record: DocumentRecord, taken: set[str]) -> str:
    stem = re.sub(r"[^\w.-]+", "_", Path(record.path).stem or record.id)[:60] or record.id
    name, n = stem, 2
    while name in taken:
        name, n = f"{stem}-{n}", n + 1
    taken.add(name)
    return name


def _export_brat(data: Bundle, folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    taken: set[str] = set()
    for record, text, spans in data.articles:
        name = _brat_name(record, taken)
        (folder / f"{name}.txt").write_text(text, encoding="utf-8", newline="")
        lines = []
        t_of = {s.id: f"T{n}" for n, s in enumerate(spans, start=1)}
        for note, s in enumerate(spans, start=1):
            shown = s.text.replace("\n", " ")
            lines.append(f"{t_of[s.id]}\t{_brat_type(s.label)} {s.start} {s.end}\t{shown}")
            extras = _extras(s, data.member_of)
            lines.append(
                f"#{note}\tAnnotatorNotes {t_of[s.id]}\tnewsreader "
                + json.dumps(extras, ensure_ascii=False)
            )
        r = 0
        for a, b, relation in _groups_within(spans, data.member_of):
            if relation:
                r += 1
                lines.append(f"R{r}\t{_brat_type(relation)} Arg1:{t_of[a.id]} Arg2:{t_of[b.id]}")
            else:
                lines.append(f"*\tEquiv {t_of[a.id]} {t_of[b.id]}")
        header = ["# newsreader: " + json.dumps(_doc_extras(record), ensure_ascii=False)]
        (folder / f"{name}.ann").write_text("\n".join(header + lines) + "\n", encoding="utf-8")


def _brat_type(label: str) -> str:
    return re.sub(r"[^\w-]", "_", label) or "span"


# -- importing -------------------------------------------------------------------------------


def guess_format(path: Path) -> str | None:
    """The format of ``path`` when it is unambiguous, else None."""
    if path.is_dir():
        return "brat" if any(path.glob("*.ann")) else None
    try:
        with open(path, "rb") as handle:
            head = handle.read(65536)
    except OSError:
        return None
    stripped = head.lstrip()
    if stripped.startswith(b"{") and b'"@context"' in head[:2000]:
        return "w3c"
    if stripped.startswith(b"["):
        return "labelstudio" if b'"annotations"' in head or b'"data"' in head else None
    if stripped.startswith(b"{"):
        first = stripped.split(b"\n", 1)[0]
        if b'"_input_hash"' in first or (b'"spans"' in first and b'"tokens"' in first):
            return "prodigy"
        if b'"doc_id":' in first and b'"start":' in first and b'"entities"' not in first:
            return "jsonl"
        if b'"entities"' in first or (b'"label"' in first and b'"text"' in first):
            return "doccano"
    return None


def _depth(value: Any, limit: int = MAX_DEPTH) -> bool:
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


def _read_json(path: Path) -> Any:
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        raise FormatError(
            f"{path} is {size // 2**20} MB, over the {MAX_FILE_BYTES // 2**20} MB "
            "an annotation file may have"
        )
    try:
        data = json.loads(path.read_bytes().decode("utf-8"))
    except UnicodeDecodeError as error:
        raise FormatError(f"{path}: byte {error.start} is not UTF-8") from None
    except json.JSONDecodeError as error:
        raise FormatError(
            f"{path}: not JSON (line {error.lineno}, column {error.colno}: {error.msg})"
        ) from None
    except RecursionError:
        raise FormatError(f"{path}: nested too deeply") from None
    if _depth(data):
        raise FormatError(f"{path}: nested deeper than {MAX_DEPTH} levels")
    return data


def _json_lines(path: Path) -> Iterator[tuple[int, Any | LineProblem]]:
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        raise FormatError(
            f"{path} is {size // 2**20} MB, over the {MAX_FILE_BYTES // 2**20} MB "
            "an annotation file may have"
        )
    from .jsonl import _bounded_lines

    with open(path, "rb") as handle:
        for number, item in read_lines(_bounded_lines(handle)):
            if not isinstance(item, LineProblem) and _depth(item):
                item = LineProblem(number, f"nested deeper than {MAX_DEPTH} levels")
            yield number, item


def _str(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def _meta_attrs(mark: Mark, extras: Any) -> None:
    """Fill ``mark`` from a ``newsreader`` escape-hatch object."""
    if not isinstance(extras, dict):
        return
    mark.id = _str(extras.get("id"))
    attributes = extras.get("attributes")
    if isinstance(attributes, dict):
        mark.attributes.update(attributes)
    mark.group = _str(extras.get("group"))
    mark.relation = _str(extras.get("relation"))
    mark.annotator = _str(extras.get("annotator"))
    mark.created = _str(extras.get("created"))
    mark.modified = _str(extras.get("modified"))


def _article(where: str, text: Any, extras: Any, **names: Any) -> Article | None:
    if not isinstance(text, str):
        return None
    extras = extras if isinstance(extras, dict) else {}
    return Article(
        where=where,
        text=text,
        doc_id=_str(extras.get("doc_id")),
        path=_str(extras.get("doc_path")),
        outlet=_str(extras.get("outlet")) or _str(names.get("outlet")),
        title=_str(extras.get("title")) or _str(names.get("title")),
    )


def parse_doccano(path: Path) -> Parsed:
    parsed = Parsed()
    for number, item in _json_lines(path):
        if isinstance(item, LineProblem):
            parsed.problems.append(item)
            continue
        where = f"line {number}"
        if not isinstance(item, dict):
            parsed.problems.append(LineProblem(number, "expected a JSON object"))
            continue
        article = _article(where, item.get("text"), item.get("newsreader") or item.get("meta"))
        if article is None:
            parsed.problems.append(LineProblem(number, "no 'text' (doccano needs one per record)"))
            continue
        if "entities" in item:
            if not isinstance(item["entities"], list):
                parsed.problems.append(LineProblem(number, "'entities' must be a list"))
                continue
            by_number: dict[Any, Mark] = {}
            for entity in item["entities"]:
                if not isinstance(entity, dict):
                    parsed.problems.append(LineProblem(number, "an entity is not an object"))
                    continue
                mark = Mark(
                    article,
                    f"{where}, entity {entity.get('id')}",
                    entity.get("start_offset"),
                    entity.get("end_offset"),
                    entity.get("label"),
                )
                _meta_attrs(mark, entity.get("newsreader"))
                parsed.marks.append(mark)
                by_number[entity.get("id")] = mark
            for relation in item.get("relations") or []:
                if not isinstance(relation, dict):
                    continue
                a, b = by_number.get(relation.get("from_id")), by_number.get(relation.get("to_id"))
                if a is None or b is None:
                    parsed.problems.append(
                        LineProblem(
                            number,
                            f"relation {relation.get('id')} names an entity that is not there",
                        )
                    )
                    continue
                kind = _str(relation.get("type"))
                parsed.links.append((a, b, None if kind == "same_statement" else kind))
        elif "label" in item:
            labels = item["label"]
            if not isinstance(labels, list):
                parsed.problems.append(
                    LineProblem(number, "'label' must be a list of [start, end, label]")
                )
                continue
            for index, triple in enumerate(labels):
                if not (isinstance(triple, list) and len(triple) == 3):
                    parsed.problems.append(
                        LineProblem(number, f"label {index + 1} is not [start, end, label]")
                    )
                    continue
                parsed.marks.append(Mark(article, f"{where}, label {index + 1}", *triple))
        else:
            parsed.problems.append(
                LineProblem(
                    number,
                    "neither 'entities' nor 'label': not doccano's sequence-labelling format",
                )
            )
    return parsed


def parse_prodigy(path: Path) -> Parsed:
    parsed = Parsed()
    for number, item in _json_lines(path):
        if isinstance(item, LineProblem):
            parsed.problems.append(item)
            continue
        if not isinstance(item, dict):
            parsed.problems.append(LineProblem(number, "expected a JSON object"))
            continue
        if item.get("answer", "accept") != "accept":
            continue  # rejected or ignored examples carry no annotations
        raw_meta = item.get("meta")
        meta: dict[str, Any] = raw_meta if isinstance(raw_meta, dict) else {}
        article = _article(
            f"line {number}",
            item.get("text"),
            meta.get("newsreader"),
            outlet=meta.get("outlet") or meta.get("source"),
            title=meta.get("title"),
        )
        if article is None:
            parsed.problems.append(LineProblem(number, "no 'text'"))
            continue
        extras = (
            (meta.get("newsreader") or {}).get("spans")
            if isinstance(meta.get("newsreader"), dict)
            else None
        )
        spans = item.get("spans") or []
        if not isinstance(spans, list):
            parsed.problems.append(LineProblem(number, "'spans' must be a list"))
            continue
        marks = []
        for index, span in enumerate(spans):
            if not isinstance(span, dict):
                parsed.problems.append(LineProblem(number, f"span {index + 1} is not an object"))
                continue
            mark = Mark(
                article,
                f"line {number}, span {index + 1}",
                span.get("start"),
                span.get("end"),
                span.get("label"),
                text=_str(span.get("text")),
            )
            if isinstance(extras, list) and index < len(extras):
                _meta_attrs(mark, extras[index])
            parsed.marks.append(mark)
            marks.append(mark)
        for relation in item.get("relations") or []:
            if not isinstance(relation, dict):
                continue
            ends = [relation.get("head_span"), relation.get("child_span")]
            found = [
                next(
                    (
                        m
                        for m, s in zip(marks, spans, strict=False)
                        if isinstance(e, dict)
                        and (s.get("start"), s.get("end")) == (e.get("start"), e.get("end"))
                    ),
                    None,
                )
                for e in ends
            ]
            if None in found:
                parsed.problems.append(
                    LineProblem(number, "a relation names a span that is not among the spans")
                )
                continue
            kind = _str(relation.get("label"))
            parsed.links.append(
                (
                    found[0],
                    found[1],  # type: ignore[arg-type]
                    None if kind == "same_statement" else kind,
                )
            )
    return parsed


def parse_labelstudio(path: Path) -> Parsed:
    parsed = Parsed()
    data = _read_json(path)
    if isinstance(data, dict):
        data = [data]
    if not isinstance(data, list):
        raise FormatError(f"{path}: Label Studio exports a list of tasks")
    for number, task in enumerate(data, start=1):
        where = f"task {number}"
        if not isinstance(task, dict) or not isinstance(task.get("data"), dict):
            parsed.problems.append(LineProblem(number, f"{where}: no 'data' object"))
            continue
        info = task["data"]
        text = info.get("text")
        if not isinstance(text, str):
            text = next((v for v in info.values() if isinstance(v, str) and len(v) > 40), None)
        article = _article(
            where, text, info.get("newsreader"), outlet=info.get("outlet"), title=info.get("title")
        )
        if article is None:
            parsed.problems.append(LineProblem(number, f"{where}: no text in 'data'"))
            continue
        regions_extra = (
            (info.get("newsreader") or {}).get("regions")
            if isinstance(info.get("newsreader"), dict)
            else None
        )
        for annotation in task.get("annotations") or task.get("completions") or []:
            if not isinstance(annotation, dict) or annotation.get("was_cancelled"):
                continue
            regions: dict[str, Mark] = {}
            results = annotation.get("result") or []
            for result in results:
                if not isinstance(result, dict) or result.get("type") != "labels":
                    continue
                value = result.get("value") or {}
                labels = value.get("labels") or []
                mark = Mark(
                    article,
                    f"{where}, region {result.get('id')}",
                    value.get("start"),
                    value.get("end"),
                    labels[0] if labels else None,
                    text=_str(value.get("text")),
                )
                if isinstance(regions_extra, dict):
                    _meta_attrs(mark, regions_extra.get(result.get("id")))
                regions[str(result.get("id"))] = mark
                parsed.marks.append(mark)
            for result in results:
                if not isinstance(result, dict):
                    continue
                if result.get("type") == "textarea" and str(result.get("id")) in regions:
                    texts = (result.get("value") or {}).get("text") or []
                    if texts and result.get("from_name") in ("speaker", "note"):
                        regions[str(result["id"])].attributes[result["from_name"]] = str(texts[0])
                if result.get("type") == "relation":
                    a, b = (
                        regions.get(str(result.get("from_id"))),
                        regions.get(str(result.get("to_id"))),
                    )
                    if a is None or b is None:
                        parsed.problems.append(
                            LineProblem(
                                number, f"{where}: a relation names a region that is not there"
                            )
                        )
                        continue
                    kinds = result.get("labels") or []
                    kind = kinds[0] if kinds else None
                    parsed.links.append((a, b, None if kind in (None, "same_statement") else kind))
    return parsed


def parse_w3c(path: Path, known: dict[str, Document]) -> Parsed:
    parsed = Parsed()
    data = _read_json(path)
    items = (
        data.get("items") or data.get("first", {}).get("items")
        if isinstance(data, dict) and data.get("type") != "Annotation"
        else [data]
    )
    if isinstance(data, list):
        items = data
    if not isinstance(items, list):
        raise FormatError(f"{path}: expected an Annotation, an AnnotationPage or a list")
    by_urn: dict[str, Mark] = {}
    articles: dict[str, Article] = {}
    linking = []
    for number, item in enumerate(items, start=1):
        where = f"annotation {number}"
        if not isinstance(item, dict):
            parsed.problems.append(LineProblem(number, f"{where} is not an object"))
            continue
        if item.get("motivation") == "linking":
            linking.append((number, item))
            continue
        target = item.get("target")
        if not isinstance(target, dict):
            parsed.problems.append(LineProblem(number, f"{where}: no target with selectors"))
            continue
        selectors = target.get("selector")
        selectors = selectors if isinstance(selectors, list) else [selectors]
        quote = next(
            (s for s in selectors if isinstance(s, dict) and s.get("type") == "TextQuoteSelector"),
            None,
        )
        position = next(
            (
                s
                for s in selectors
                if isinstance(s, dict) and s.get("type") == "TextPositionSelector"
            ),
            None,
        )
        source = str(target.get("source") or "")
        doc_id = _str(target.get("newsreader:doc_id"))
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
        if doc is None:
            parsed.problems.append(
                LineProblem(
                    number,
                    f"{where}: its source {source or '(none)'} is not an article newsreader "
                    "knows (give the articles with --corpus)",
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
        mark = Mark(
            article,
            where,
            (position or {}).get("start"),
            (position or {}).get("end"),
            label,
            text=_str((quote or {}).get("exact")),
        )
        mark.attributes["__prefix"] = (quote or {}).get("prefix") or ""
        mark.attributes["__suffix"] = (quote or {}).get("suffix") or ""
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
                except json.JSONDecodeError:
                    extra = None
                if isinstance(extra, dict):
                    mark.attributes.update(extra)
        urn = str(item.get("id") or "")
        if urn.startswith("urn:newsreader:span:"):
            mark.id = urn.removeprefix("urn:newsreader:span:")
        creator = item.get("creator")
        if isinstance(creator, dict):
            mark.annotator = _str(creator.get("name"))
        mark.created, mark.modified = _str(item.get("created")), _str(item.get("modified"))
        if quote is not None and position is None:
            # Only a quote selector: find it in the article.
            found = find_again(
                doc.text,
                mark.text or "",
                mark.attributes["__prefix"],
                mark.attributes["__suffix"],
                0,
                0,
            )
            mark.start, mark.end = (
                (found.start, found.end) if found.state != "orphaned" else (None, None)
            )
        parsed.marks.append(mark)
        by_urn[urn] = mark
    for number, item in linking:
        targets = item.get("target")
        targets = targets if isinstance(targets, list) else [targets]
        members = [
            by_urn.get(t if isinstance(t, str) else str((t or {}).get("id"))) for t in targets
        ]
        if len(members) < 2 or None in members:
            parsed.problems.append(
                LineProblem(
                    number, f"annotation {number}: a linking target is not among the annotations"
                )
            )
            continue
        relations = {}
        for body in item.get("body") or []:
            if isinstance(body, dict) and body.get("newsreader:member"):
                relations[body["newsreader:member"]] = body.get("newsreader:relation")
        group = str(item.get("id") or "").removeprefix("urn:newsreader:group:") or None
        for member in members:
            assert member is not None
            member.group = group or f"w3c-{number}"
            member.relation = relations.get(member.id or "")
    return parsed


_BRAT_T = re.compile(r"^(T\d+)\t(\S+) (\d+(?: \d+)*(?:;\d+ \d+)*)\t(.*)$")


def parse_brat(folder: Path) -> Parsed:
    """Read a brat folder: only ``.ann``/``.txt`` files directly inside it, none followed out of
    it by a symlink."""
    parsed = Parsed()
    root = folder.resolve()
    if not root.is_dir():
        raise FormatError(
            f"{folder} is not a folder (brat keeps one .ann and one .txt per article in a folder)"
        )
    number = 0
    for ann in sorted(root.iterdir()):
        if ann.suffix != ".ann":
            continue
        number += 1
        txt = ann.with_suffix(".txt")
        for path in (ann, txt):
            if path.is_symlink() and not path.resolve().is_relative_to(root):
                parsed.problems.append(
                    LineProblem(number, f"{path.name} links outside {folder}; not read")
                )
                break
        else:
            if not txt.is_file():
                parsed.problems.append(
                    LineProblem(number, f"{ann.name} has no {txt.name} beside it")
                )
                continue
            if ann.stat().st_size > MAX_FILE_BYTES or txt.stat().st_size > MAX_FILE_BYTES:
                parsed.problems.append(
                    LineProblem(number, f"{ann.name} or {txt.name} is too large")
                )
                continue
            _parse_ann(ann, txt, number, parsed)
    return parsed


def _parse_ann(ann: Path, txt: Path, number: int, parsed: Parsed) -> None:
    try:
        text = txt.read_bytes().decode("utf-8")
        lines = ann.read_bytes().decode("utf-8").splitlines()
    except UnicodeDecodeError as error:
        parsed.problems.append(LineProblem(number, f"{ann.name}: byte {error.start} is not UTF-8"))
        return
    header: dict[str, Any] = {}
    if lines and lines[0].startswith("# newsreader: "):
        try:
            header = json.loads(lines[0][len("# newsreader: ") :])
        except json.JSONDecodeError:
            header = {}
    article = _article(ann.name, text, header)
    assert article is not None
    marks: dict[str, Mark] = {}
    for line_number, line in enumerate(lines, start=1):
        where = f"{ann.name} line {line_number}"
        if not line.strip() or line.startswith("# "):
            continue
        if line.startswith("T"):
            match = _BRAT_T.match(line)
            if match is None:
                parsed.problems.append(
                    LineProblem(
                        line_number, f"{where}: not a T line (T1<tab>Label start end<tab>text)"
                    )
                )
                continue
            ident, label, offsets, _shown = match.groups()
            numbers = [int(n) for n in re.split(r"[ ;]", offsets)]
            mark = Mark(article, where, numbers[0], numbers[-1], label)
            marks[ident] = mark
            parsed.marks.append(mark)
        elif line.startswith("#"):
            parts = line.split("\t", 2)
            if len(parts) == 3 and parts[1].startswith("AnnotatorNotes "):
                noted = marks.get(parts[1].split(" ", 1)[1])
                if noted is None:
                    continue
                note = parts[2]
                if note.startswith("newsreader "):
                    try:
                        _meta_attrs(noted, json.loads(note[len("newsreader ") :]))
                    except json.JSONDecodeError:
                        parsed.problems.append(
                            LineProblem(line_number, f"{where}: a newsreader note that is not JSON")
                        )
                else:
                    noted.attributes["note"] = note
        elif line.startswith("R"):
            parts = line.split("\t")
            fields = parts[1].split() if len(parts) > 1 else []
            if len(fields) != 3:
                parsed.problems.append(LineProblem(line_number, f"{where}: not an R line"))
                continue
            a, b = marks.get(fields[1].split(":", 1)[-1]), marks.get(fields[2].split(":", 1)[-1])
            if a is None or b is None:
                parsed.problems.append(
                    LineProblem(line_number, f"{where}: names a T that is not there")
                )
                continue
            parsed.links.append((a, b, fields[0]))
        elif line.startswith("*"):
            parts = line.split("\t")
            fields = parts[1].split() if len(parts) > 1 else []
            members = [marks.get(f) for f in fields[1:]]
            if len(members) < 2 or None in members:
                parsed.problems.append(
                    LineProblem(line_number, f"{where}: names a T that is not there")
                )
                continue
            for other in members[1:]:
                parsed.links.append((members[0], other, None))  # type: ignore[arg-type]
        # A and N lines (attributes, normalisations) carry nothing newsreader keeps.


# -- checking and importing -----------------------------------------------------------------


@dataclass
class Imported:
    """What an import did."""

    counts: dict[str, int] = field(default_factory=dict)
    problems: list[LineProblem] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)
    imported: bool = False


def parse(path: Path, fmt: str, known: dict[str, Document]) -> Parsed:
    """Parse ``path`` as ``fmt``; raises FormatError when the file is not that format at all."""
    if fmt != "brat" and path.is_dir():
        raise FormatError(f"{path} is a folder; only brat is read from a folder")
    if fmt == "doccano":
        return parse_doccano(path)
    if fmt == "prodigy":
        return parse_prodigy(path)
    if fmt == "labelstudio":
        return parse_labelstudio(path)
    if fmt == "w3c":
        return parse_w3c(path, known)
    if fmt == "brat":
        return parse_brat(path)
    raise FormatError(f"unknown format {fmt!r}; the formats are {', '.join(FORMATS)}")


def _from_path(article: Article, known: dict[str, Document]) -> None:
    """Load the article file a newsreader export names, when it is there and not yet known."""
    if not article.path or (article.doc_id and article.doc_id in known):
        return
    path = Path(article.path)
    if not path.is_file():
        return
    loaded = load_paths([path]).documents
    for doc in loaded:
        if article.doc_id and (doc.text == article.text or len(loaded) == 1):
            doc = replace(doc, id=article.doc_id)
        known.setdefault(doc.id, doc)


def _match(article: Article, known: dict[str, Document]) -> Document | None:
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


def import_file(
    store: Store,
    path: Path,
    fmt: str,
    *,
    corpus: Iterable[Document] = (),
    skip_invalid: bool = False,
) -> Imported:
    """Import ``path`` (in ``fmt``) into ``store``: every span checked, nothing imported when any
    is bad unless ``skip_invalid``; importing the same file twice changes nothing.

    The articles are matched against ``corpus`` and the articles the store already knows.
    """
    result = Imported()
    known = {d.id: d for d in current_documents(store)[0]}
    for given in corpus:
        known[given.id] = given
    parsed = parse(path, fmt, known)
    result.problems.extend(parsed.problems)
    matches: dict[int, Document | None] = {}
    spans: dict[int, Span] = {}
    stamp = now()
    labels = {label.lower(): label for label in store.labels}
    for mark in parsed.marks:
        key = id(mark.article)
        if key not in matches:
            matches[key] = _match(mark.article, known)
            if matches[key] is None:
                result.problems.append(
                    LineProblem(
                        0,
                        f"{mark.article.where}: its text is not an article newsreader knows "
                        "(give the articles with --corpus)",
                    )
                )
        doc = matches[key]
        if doc is None:
            continue
        problem = _check_mark(mark, labels)
        if problem:
            result.problems.append(LineProblem(0, f"{mark.where}: {problem}"))
            continue
        start, end = int(mark.start), int(mark.end)
        words = mark.article.text[start:end]
        if mark.text is not None and mark.text != words:
            result.problems.append(
                LineProblem(
                    0,
                    f"{mark.where}: its text {mark.text[:40]!r} "
                    "is not what the file's article has there",
                )
            )
            continue
        anchor = Anchor()
        if doc.text[start:end] != words:
            prefix = mark.attributes.get("__prefix") or context(mark.article.text, start, end)[0]
            suffix = mark.attributes.get("__suffix") or context(mark.article.text, start, end)[1]
            found = find_again(doc.text, words, str(prefix), str(suffix), start, end)
            if found.state == "orphaned":
                result.problems.append(
                    LineProblem(
                        0,
                        f"{mark.where}: {words[:40]!r} is not in "
                        f"{doc.path} (its copy of the article "
                        "differs)",
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
        attributes = {k: v for k, v in mark.attributes.items() if not k.startswith("__")}
        try:
            attributes = clean_attributes(attributes)
        except ValueError as error:
            result.problems.append(LineProblem(0, f"{mark.where}: {error}"))
            continue
        label = labels[str(mark.label).lower()]
        prefix, suffix = context(doc.text, start, end)
        existing = store.span(mark.id) if mark.id else None
        spans[id(mark)] = Span(
            id=mark.id or _deterministic_id(doc.id, start, end, label),
            doc_id=doc.id,
            doc_hash=doc.content_hash,
            start=start,
            end=end,
            text=doc.text[start:end],
            prefix=prefix,
            suffix=suffix,
            label=label,
            attributes=attributes,
            annotator=mark.annotator or (existing.annotator if existing else store.annotator),
            created=mark.created or (existing.created if existing else stamp),
            modified=mark.modified or (existing.modified if existing else stamp),
            anchor=anchor,
        )
    # Groups: the escape hatch's group ids first, then the file's own links.
    memberships: dict[str, tuple[str | None, str | None]] = {}
    for mark in parsed.marks:
        span = spans.get(id(mark))
        if span is not None and mark.group:
            memberships[span.id] = (mark.group, mark.relation)
    for a, b, relation in parsed.links:
        first, second = spans.get(id(a)), spans.get(id(b))
        if first is None or second is None:
            continue
        if relation is not None and relation not in store.relations:
            relation = None
            result.notices.append(f"{b.where}: relation kept as a plain link")
        group = (
            memberships.get(first.id, (None, None))[0]
            or memberships.get(second.id, (None, None))[0]
            or "g_" + hashlib.sha1(first.id.encode()).hexdigest()[:16]
        )
        memberships.setdefault(first.id, (group, None))
        if second.id not in memberships or relation is not None:
            memberships[second.id] = (group, relation)
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
    result.counts = store.import_spans(
        unique, memberships, documents, label=f"import {path.name} ({fmt})"
    )
    result.imported = True
    return result


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
    return None


__all__ = [
    "CARRIES",
    "FORMATS",
    "FormatError",
    "Imported",
    "export",
    "guess_format",
    "import_file",
]
