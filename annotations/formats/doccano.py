"""doccano: sequence-labelling JSONL (``label: [[start, end, "LABEL"]]``) and its relation form
(``entities`` with ``start_offset``/``end_offset``, ``relations`` with ``from_id``/``to_id``);
newsreader writes the relation form, with a ``newsreader`` object as the escape hatch."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, TextIO

from newsreader.corpus import Document

from . import Format
from .common import (
    SAME,
    Bundle,
    Mark,
    Parsed,
    Problem,
    Sniffed,
    article_of,
    doc_extras,
    groups_within,
    json_lines,
    read_extras,
    relation_of,
    span_extras,
)


def write(data: Bundle, out: TextIO) -> None:
    """One line per article: its text, its spans as entities, its groups as relations."""
    for record, text, spans in data.articles:
        numbers = {span.id: n for n, span in enumerate(spans, start=1)}
        relations = [
            {
                "id": n,
                "from_id": numbers[a.id],
                "to_id": numbers[b.id],
                "type": relation or SAME,
            }
            for n, (a, b, relation) in enumerate(groups_within(spans, data), start=1)
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
                    "newsreader": span_extras(s, data.member_of),
                }
                for s in spans
            ],
            "relations": relations,
            "newsreader": doc_extras(record),
        }
        out.write(json.dumps(line, ensure_ascii=False) + "\n")


def read(path: Path, known: dict[str, Document]) -> Parsed:
    """doccano's JSONL, in either form."""
    parsed = Parsed()
    for number, item in json_lines(path):
        if isinstance(item, Problem):
            parsed.problems.append(item)
            continue
        where = f"line {number}"
        if not isinstance(item, dict):
            parsed.problems.append(Problem(where, "expected a JSON object"))
            continue
        article = article_of(where, item.get("text"), item.get("newsreader") or item.get("meta"))
        if article is None:
            parsed.problems.append(Problem(where, "no 'text' (doccano needs one per record)"))
            continue
        if "entities" in item:
            if not isinstance(item["entities"], list):
                parsed.problems.append(Problem(where, "'entities' must be a list"))
                continue
            by_number: dict[Any, Mark] = {}
            for entity in item["entities"]:
                if not isinstance(entity, dict):
                    parsed.problems.append(Problem(where, "an entity is not an object"))
                    continue
                mark = Mark(
                    article,
                    f"{where}, entity {entity.get('id')}",
                    entity.get("start_offset"),
                    entity.get("end_offset"),
                    entity.get("label"),
                )
                read_extras(mark, entity.get("newsreader"))
                parsed.marks.append(mark)
                by_number[json.dumps(entity.get("id"))] = mark
            relations = item.get("relations") or []
            for relation in relations if isinstance(relations, list) else []:
                if not isinstance(relation, dict):
                    continue
                a = by_number.get(json.dumps(relation.get("from_id")))
                b = by_number.get(json.dumps(relation.get("to_id")))
                if a is None or b is None:
                    parsed.problems.append(
                        Problem(
                            where,
                            f"relation {relation.get('id')} names an entity that is not there",
                        )
                    )
                    continue
                parsed.links.append((a, b, relation_of(relation.get("type"))))
        elif "label" in item:
            labels = item["label"]
            if not isinstance(labels, list):
                parsed.problems.append(
                    Problem(where, "'label' must be a list of [start, end, label]")
                )
                continue
            for index, triple in enumerate(labels):
                if not (isinstance(triple, list) and len(triple) == 3):
                    parsed.problems.append(
                        Problem(where, f"label {index + 1} is not [start, end, label]")
                    )
                    continue
                parsed.marks.append(Mark(article, f"{where}, label {index + 1}", *triple))
        else:
            parsed.problems.append(
                Problem(
                    where,
                    "neither 'entities' nor 'label': not doccano's sequence-labelling format",
                )
            )
    return parsed


def sniff(file: Sniffed) -> bool:
    """A JSON object per line with ``text`` and ``entities`` or a list under ``label``."""
    first = file.first
    if isinstance(first, dict):
        return (
            "text" in first
            and (isinstance(first.get("entities"), list) or isinstance(first.get("label"), list))
            and "tokens" not in first
            and "_input_hash" not in first
        )
    if first is None and file.head.startswith(b"{"):
        line = file.head.split(b"\n", 1)[0]
        return b'"entities"' in line or b'"label": [' in line or b'"label":[' in line
    return False


FORMAT = Format(
    name="doccano",
    write=write,
    read=read,
    sniff=sniff,
    carries={
        "spans": "yes",
        "labels": "yes",
        "speaker": "in `newsreader`",
        "notes": "in `newsreader`",
        "groups within an article": "yes (relations)",
        "groups across articles": "in `newsreader`",
        "annotator": "in `newsreader`",
    },
    hatch="each entity's `newsreader` object",
    rank=10,
)
