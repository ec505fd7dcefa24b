"""Label Studio: the JSON task export (``labels`` results, per-region ``textarea`` results named
``speaker`` and ``note``, ``relation`` results), and the converter's ``JSON_MIN`` (one flat
record per annotation: the task's data, each control's regions under its name). The escape
hatch is ``data.newsreader``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, TextIO

from newsreader.corpus import Document

from . import Format
from .common import (
    SAME,
    Bundle,
    FormatError,
    Mark,
    Parsed,
    Problem,
    Sniffed,
    article_of,
    doc_extras,
    groups_within,
    read_extras,
    read_json,
    relation_of,
    span_extras,
    text_or_none,
)

MIN_KEYS = ("annotation_id", "annotator", "lead_time", "created_at", "updated_at")
"""Keys the converter adds to every ``JSON_MIN`` record."""


def write(data: Bundle, out: TextIO) -> None:
    """A list of tasks, one per article, each with one annotation."""
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
                if isinstance(s.attributes.get(name), str):
                    result.append(
                        {
                            "id": region[s.id],
                            "from_name": name,
                            "to_name": "text",
                            "type": "textarea",
                            "value": {**value, "text": [str(s.attributes[name])]},
                        }
                    )
        for a, b, relation in groups_within(spans, data):
            result.append(
                {
                    "from_id": region[a.id],
                    "to_id": region[b.id],
                    "type": "relation",
                    "direction": "right",
                    "labels": [relation or SAME],
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
                        **doc_extras(record),
                        "regions": {
                            region[s.id]: {
                                **span_extras(s, data.member_of),
                                "start": s.start,
                                "end": s.end,
                                "label": s.label,
                            }
                            for s in spans
                        },
                    },
                },
                "annotations": [{"id": len(tasks) + 1, "result": result}],
            }
        )
    json.dump(tasks, out, ensure_ascii=False, indent=1)
    out.write("\n")


def _text_of(info: dict[str, Any]) -> Any:
    text = info.get("text")
    if isinstance(text, str):
        return text
    return next((v for v in info.values() if isinstance(v, str) and len(v) > 40), None)


def _is_min(task: Any) -> bool:
    return isinstance(task, dict) and "data" not in task and any(k in task for k in MIN_KEYS)


def read(path: Path, known: dict[str, Document]) -> Parsed:
    """A Label Studio JSON export (a list of tasks, or one task), or a ``JSON_MIN`` export."""
    data = read_json(path)
    if isinstance(data, dict):
        data = [data]
    if not isinstance(data, list):
        raise FormatError(f"{path}: Label Studio exports a list of tasks")
    parsed = Parsed()
    for number, task in enumerate(data, start=1):
        if _is_min(task):
            _read_min(task, f"record {number}", parsed)
        else:
            _read_task(task, f"task {number}", parsed)
    return parsed


def _read_task(task: Any, where: str, parsed: Parsed) -> None:
    if not isinstance(task, dict) or not isinstance(task.get("data"), dict):
        parsed.problems.append(
            Problem(
                where,
                "no 'data' object (Label Studio's JSON export has one per task; "
                "its JSON_MIN export has the converter's 'annotation_id' in each record)",
            )
        )
        return
    info = task["data"]
    hatch = info.get("newsreader")
    article = article_of(
        where, _text_of(info), hatch, outlet=info.get("outlet"), title=info.get("title")
    )
    if article is None:
        parsed.problems.append(Problem(where, "no text in 'data'"))
        return
    regions_extra = hatch.get("regions") if isinstance(hatch, dict) else None
    annotations = task.get("annotations") or task.get("completions") or []
    for annotation in annotations if isinstance(annotations, list) else []:
        if not isinstance(annotation, dict) or annotation.get("was_cancelled"):
            continue
        regions: dict[str, Mark] = {}
        results = annotation.get("result") or []
        results = [r for r in results if isinstance(r, dict)] if isinstance(results, list) else []
        for result in results:
            if result.get("type") != "labels":
                continue
            value = result.get("value") if isinstance(result.get("value"), dict) else {}
            labels = value.get("labels") or []
            mark = Mark(
                article,
                f"{where}, region {result.get('id')}",
                value.get("start"),
                value.get("end"),
                labels[0] if isinstance(labels, list) and labels else None,
                text=text_or_none(value.get("text")),
            )
            if isinstance(regions_extra, dict):
                read_extras(mark, regions_extra.get(str(result.get("id"))))
            regions[str(result.get("id"))] = mark
            parsed.marks.append(mark)
        for result in results:
            if result.get("type") == "textarea" and str(result.get("id")) in regions:
                value = result.get("value") if isinstance(result.get("value"), dict) else {}
                texts = value.get("text") or []
                name = result.get("from_name")
                if isinstance(texts, list) and texts and name in ("speaker", "note"):
                    attributes = regions[str(result["id"])].attributes
                    if str(attributes.get(name)) != str(texts[0]):  # keep a typed value
                        attributes[name] = str(texts[0])
            if result.get("type") == "relation":
                a, b = (
                    regions.get(str(result.get("from_id"))),
                    regions.get(str(result.get("to_id"))),
                )
                if a is None or b is None:
                    parsed.problems.append(
                        Problem(where, "a relation names a region that is not there")
                    )
                    continue
                kinds = result.get("labels") or []
                parsed.links.append((a, b, relation_of(kinds[0] if kinds else None)))


def _read_min(record: dict[str, Any], where: str, parsed: Parsed) -> None:
    """A ``JSON_MIN`` record: regions under each control's name, each ``start``, ``end``,
    ``text`` and ``labels``. It keeps no region ids and no relations, so spans are matched to
    the escape hatch by offsets and label, and groups come only from the escape hatch."""
    hatch = record.get("newsreader")
    article = article_of(
        where, _text_of(record), hatch, outlet=record.get("outlet"), title=record.get("title")
    )
    if article is None:
        parsed.problems.append(Problem(where, "no text among the record's fields"))
        return
    extras: list[dict[str, Any]] = []
    if isinstance(hatch, dict) and isinstance(hatch.get("regions"), dict):
        extras = [e for e in hatch["regions"].values() if isinstance(e, dict)]
    annotator = record.get("annotator")
    number = 0
    for name, value in record.items():
        regions = value if isinstance(value, list) else []
        for region in regions:
            if not (isinstance(region, dict) and isinstance(region.get("labels"), list)):
                continue
            number += 1
            labels = region["labels"]
            mark = Mark(
                article,
                f"{where}, {name} region {number}",
                region.get("start"),
                region.get("end"),
                labels[0] if labels else None,
                text=text_or_none(region.get("text")),
            )
            extra = next(
                (
                    e
                    for e in extras
                    if (e.get("start"), e.get("end"), e.get("label"))
                    == (mark.start, mark.end, mark.label)
                ),
                None,
            )
            if extra is not None:
                extras.remove(extra)
                read_extras(mark, extra)
            elif isinstance(annotator, str | int) and not isinstance(annotator, bool):
                mark.annotator = str(annotator)
            parsed.marks.append(mark)


def sniff(file: Sniffed) -> bool:
    """A JSON list of tasks with ``data`` (or ``annotations``), or of ``JSON_MIN`` records."""
    first = file.first
    if isinstance(first, list) and first:
        item = first[0]
        return (
            isinstance(item, dict)
            and ("data" in item or "annotations" in item or _is_min(item))
            and "@context" not in item
        )
    if file.head.startswith(b"[") and b'"@context"' not in file.head[:2000]:
        head = file.head
        return b'"annotations"' in head or b'"data"' in head or b'"annotation_id"' in head
    return False


FORMAT = Format(
    name="labelstudio",
    write=write,
    read=read,
    sniff=sniff,
    carries={
        "spans": "yes",
        "labels": "yes",
        "speaker": "yes (per-region text)",
        "notes": "yes (per-region text)",
        "groups within an article": "yes (relations)",
        "groups across articles": "in `data.newsreader`",
        "annotator": "in `data.newsreader`",
    },
    hatch="each task's `data.newsreader`",
    rank=30,
)
