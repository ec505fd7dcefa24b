"""Prodigy: JSONL tasks with ``tokens``, ``spans`` (``token_start``/``token_end``),
``relations`` (``head``/``child``), ``_input_hash``, ``_task_hash`` and ``answer``; only accepted
tasks are read. The escape hatch is ``meta.newsreader``."""

from __future__ import annotations

import hashlib
import json
import re
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
    text_or_none,
)

_WORD = re.compile(r"\w+|[^\w\s]")
_RUN = re.compile(r"\S+|\s+")


def tokens(text: str) -> list[dict[str, Any]]:
    """Prodigy's tokens (``text``, ``start``, ``end``, ``id``, ``ws``), whitespace kept as
    spaCy keeps it: one space after a token is its ``ws``; any other whitespace (a second
    space, a newline) is a token of its own. So the tokens' texts, each followed by a space
    when ``ws``, give back the text exactly, as a spaCy ``Doc(words, spaces)`` does."""
    out: list[dict[str, Any]] = []

    def add(start: int, end: int) -> None:
        out.append(
            {"text": text[start:end], "start": start, "end": end, "id": len(out), "ws": False}
        )

    for run in _RUN.finditer(text):
        start, end = run.span()
        if not text[start].isspace():
            for word in _WORD.finditer(text, start, end):
                add(word.start(), word.end())
            continue
        if text[start] == " " and out:
            out[-1]["ws"] = True
            start += 1
        if start < end:
            add(start, end)
    return out


def _hash32(*parts: str) -> int:
    digest = hashlib.sha1("\x1f".join(parts).encode()).digest()
    return int.from_bytes(digest[:4], "big", signed=True)


def write(data: Bundle, out: TextIO) -> None:
    """One accepted task per article."""
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
        for a, b, relation in groups_within(spans, data):
            head, child = by_id[a.id], by_id[b.id]
            if "token_end" in head and "token_end" in child:
                relations.append(
                    {
                        "head": head["token_end"],
                        "child": child["token_end"],
                        "label": relation or SAME,
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
                    **doc_extras(record),
                    "spans": [span_extras(s, data.member_of) for s in spans],
                },
            },
            "_input_hash": input_hash,
            "_task_hash": _hash32(str(input_hash), json.dumps(items, sort_keys=True)),
            "answer": "accept",
        }
        out.write(json.dumps(line, ensure_ascii=False) + "\n")


def _token_problem(span: dict[str, Any], toks: list[Any]) -> str | None:
    """Why a span's token indices do not fit the task's tokens, or None."""
    if "token_start" not in span and "token_end" not in span:
        return None
    first, last = span.get("token_start"), span.get("token_end")
    for name, value in (("token_start", first), ("token_end", last)):
        if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value < len(toks):
            return f"{name} {value!r} is not a token of the task ({len(toks)} tokens)"
    assert isinstance(first, int) and isinstance(last, int)
    if first > last:
        return f"token_start ({first}) is after token_end ({last})"
    a, b = toks[first], toks[last]
    if not (isinstance(a, dict) and isinstance(b, dict)):
        return "a token is not an object"
    if (a.get("start"), b.get("end")) != (span.get("start"), span.get("end")):
        return (
            f"tokens {first}-{last} cover {a.get('start')}-{b.get('end')}, "
            f"not the span's {span.get('start')}-{span.get('end')}"
        )
    return None


def read(path: Path, known: dict[str, Document]) -> Parsed:
    """Prodigy's JSONL: the accepted tasks' spans and relations."""
    parsed = Parsed()
    for number, item in json_lines(path):
        if isinstance(item, Problem):
            parsed.problems.append(item)
            continue
        where = f"line {number}"
        if not isinstance(item, dict):
            parsed.problems.append(Problem(where, "expected a JSON object"))
            continue
        if item.get("answer", "accept") != "accept":
            continue  # rejected or ignored examples carry no annotations
        raw_meta = item.get("meta")
        meta: dict[str, Any] = raw_meta if isinstance(raw_meta, dict) else {}
        hatch = meta.get("newsreader")
        article = article_of(
            where,
            item.get("text"),
            hatch,
            outlet=meta.get("outlet") or meta.get("source"),
            title=meta.get("title"),
        )
        if article is None:
            parsed.problems.append(Problem(where, "no 'text'"))
            continue
        extras = hatch.get("spans") if isinstance(hatch, dict) else None
        toks = item.get("tokens")
        if toks is not None and not isinstance(toks, list):
            parsed.problems.append(Problem(where, "'tokens' must be a list"))
            continue
        spans = item.get("spans") or []
        if not isinstance(spans, list):
            parsed.problems.append(Problem(where, "'spans' must be a list"))
            continue
        marks: list[tuple[Mark, dict[str, Any]]] = []
        for index, span in enumerate(spans):
            place = f"{where}, span {index + 1}"
            if not isinstance(span, dict):
                parsed.problems.append(Problem(place, "not an object"))
                continue
            problem = _token_problem(span, toks) if toks is not None else None
            if problem:
                parsed.problems.append(Problem(place, problem))
                continue
            mark = Mark(
                article,
                place,
                span.get("start"),
                span.get("end"),
                span.get("label"),
                text=text_or_none(span.get("text")),
            )
            if isinstance(extras, list) and index < len(extras):
                read_extras(mark, extras[index])
            parsed.marks.append(mark)
            marks.append((mark, span))
        relations = item.get("relations") or []
        for relation in relations if isinstance(relations, list) else []:
            if not isinstance(relation, dict):
                continue
            found = [
                next(
                    (
                        m
                        for m, s in marks
                        if isinstance(end, dict)
                        and (s.get("start"), s.get("end"), s.get("label"))
                        == (end.get("start"), end.get("end"), end.get("label", s.get("label")))
                    ),
                    None,
                )
                for end in (relation.get("head_span"), relation.get("child_span"))
            ]
            head, child = found
            if head is None or child is None:
                parsed.problems.append(
                    Problem(where, "a relation names a span that is not among the spans")
                )
                continue
            parsed.links.append((head, child, relation_of(relation.get("label"))))
    return parsed


def sniff(file: Sniffed) -> bool:
    """A JSON object per line with ``_input_hash``, or ``tokens`` and ``spans``."""
    first = file.first
    if isinstance(first, dict):
        return "_input_hash" in first or ("tokens" in first and "spans" in first)
    if first is None and file.head.startswith(b"{"):
        line = file.head.split(b"\n", 1)[0]
        return b'"_input_hash"' in line or (b'"spans"' in line and b'"tokens"' in line)
    return False


FORMAT = Format(
    name="prodigy",
    write=write,
    read=read,
    sniff=sniff,
    carries={
        "spans": "yes",
        "labels": "yes",
        "speaker": "in `meta`",
        "notes": "in `meta`",
        "groups within an article": "yes (relations)",
        "groups across articles": "in `meta`",
        "annotator": "in `meta`",
    },
    hatch="each span's `meta.newsreader`",
    rank=20,
)
