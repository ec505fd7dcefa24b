"""brat standoff: a folder of ``.txt`` and ``.ann`` files, one pair per article.

Every line written is brat syntax: ``T`` lines (a span that crosses lines is written as brat
writes it, in fragments ``start end;start end`` whose texts are joined by a space), ``R`` lines
for a group member with a relation, ``*\tEquiv`` lines for one without, and ``AnnotatorNotes``
lines that start ``newsreader `` and carry, as JSON, what brat has no place for (the span's id,
label, attributes, group, relation, position, annotator and times; the first span's note also
names the article). Files written before this had a header line ``# newsreader: {...}``
instead; they are still read.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from newsreader.annotations.model import DocumentRecord, Span
from newsreader.corpus import Document

from . import Format
from .common import (
    MAX_DEPTH,
    MAX_FILE_BYTES,
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
    span_extras,
    text_or_none,
    too_deep,
)

NOTE = "newsreader "
OLD_HEADER = "# newsreader: "
_BREAKS = re.compile(r"[\r\n\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]+")
_T = re.compile(r"^(T\d+)\t(\S+) (\d+ \d+(?:;\d+ \d+)*)\t(.*)$")


def _name(record: DocumentRecord, taken: set[str]) -> str:
    stem = re.sub(r"[^\w.-]+", "_", Path(record.path).stem or record.id)[:60] or record.id
    stem = re.sub(r"[^\w.-]+", "_", stem)
    name, n = stem, 2
    while name in taken:
        name, n = f"{stem}-{n}", n + 1
    taken.add(name)
    return name


def brat_type(label: str) -> str:
    """A label or relation as a brat type (no spaces or punctuation brat reserves)."""
    return re.sub(r"[^\w-]", "_", label) or "span"


def fragments(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """A span as brat's fragments: split where a run of line breaks falls inside it."""
    pieces = []
    at = start
    for run in _BREAKS.finditer(text, start, end):
        if run.start() > at and run.end() < end:
            pieces.append((at, run.start()))
            at = run.end()
    pieces.append((at, end))
    return pieces


def _t_line(ident: str, span: Span, text: str) -> str:
    parts = fragments(text, span.start, span.end)
    offsets = ";".join(f"{a} {b}" for a, b in parts)
    shown = " ".join(_BREAKS.sub(lambda run: " " * len(run.group()), text[a:b]) for a, b in parts)
    return f"{ident}\t{brat_type(span.label)} {offsets}\t{shown}"


def write(data: Bundle, folder: Path) -> None:
    """One ``.txt`` (the article's text as it is) and one ``.ann`` per article."""
    folder.mkdir(parents=True, exist_ok=True)
    taken: set[str] = set()
    for record, text, spans in data.articles:
        name = _name(record, taken)
        (folder / f"{name}.txt").write_text(text, encoding="utf-8", newline="")
        lines = []
        t_of = {s.id: f"T{n}" for n, s in enumerate(spans, start=1)}
        for note, s in enumerate(spans, start=1):
            lines.append(_t_line(t_of[s.id], s, text))
            extras = {**span_extras(s, data.member_of), "label": s.label}
            if note == 1:
                extras["article"] = doc_extras(record)
            lines.append(
                f"#{note}\tAnnotatorNotes {t_of[s.id]}\t{NOTE}"
                + json.dumps(extras, ensure_ascii=False)
            )
        r = 0
        for a, b, relation in groups_within(spans, data):
            if relation:
                r += 1
                lines.append(f"R{r}\t{brat_type(relation)} Arg1:{t_of[a.id]} Arg2:{t_of[b.id]}")
            else:
                lines.append(f"*\tEquiv {t_of[a.id]} {t_of[b.id]}")
        (folder / f"{name}.ann").write_text("\n".join(lines) + "\n", encoding="utf-8", newline="\n")


def read(folder: Path, known: dict[str, Document]) -> Parsed:
    """A brat folder: only ``.ann``/``.txt`` files directly inside it, none followed out of it
    by a symlink."""
    parsed = Parsed()
    root = folder.resolve()
    if not root.is_dir():
        raise FormatError(
            f"{folder} is not a folder (brat keeps one .ann and one .txt per article in a folder)"
        )
    for ann in sorted(root.iterdir()):
        if ann.suffix != ".ann":
            continue
        txt = ann.with_suffix(".txt")
        for path in (ann, txt):
            if path.is_symlink() and not path.resolve().is_relative_to(root):
                parsed.problems.append(Problem(path.name, f"links outside {folder}; not read"))
                break
        else:
            if not txt.is_file():
                parsed.problems.append(Problem(ann.name, f"has no {txt.name} beside it"))
                continue
            if ann.stat().st_size > MAX_FILE_BYTES or txt.stat().st_size > MAX_FILE_BYTES:
                parsed.problems.append(Problem(ann.name, f"{ann.name} or {txt.name} is too large"))
                continue
            _read_ann(ann, txt, parsed)
    return parsed


def _json(text: str) -> object:
    """``text`` as JSON, or None when it is not JSON or nests too deeply."""
    try:
        value = json.loads(text)
    except (ValueError, RecursionError):
        return None
    return None if too_deep(value, MAX_DEPTH) else value


def _read_ann(ann: Path, txt: Path, parsed: Parsed) -> None:
    try:
        text = txt.read_bytes().decode("utf-8")
        lines = ann.read_bytes().decode("utf-8").split("\n")
    except UnicodeDecodeError as error:
        parsed.problems.append(Problem(ann.name, f"byte {error.start} is not UTF-8"))
        return
    header: object = None
    if lines and lines[0].startswith(OLD_HEADER):
        header = _json(lines[0][len(OLD_HEADER) :])
    article = article_of(ann.name, text, header)
    assert article is not None
    marks: dict[str, Mark] = {}
    for line_number, raw in enumerate(lines, start=1):
        line = raw.rstrip("\r")
        where = f"{ann.name} line {line_number}"
        if not line.strip() or line.startswith("# "):
            continue
        if line.startswith("T"):
            match = _T.match(line)
            if match is None:
                parsed.problems.append(
                    Problem(where, "not a T line (T1<tab>Label start end<tab>text)")
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
                if not note.startswith(NOTE):
                    noted.attributes["note"] = note
                    continue
                extras = _json(note[len(NOTE) :])
                if not isinstance(extras, dict):
                    parsed.problems.append(Problem(where, "a newsreader note that is not JSON"))
                    continue
                read_extras(noted, extras)
                if text_or_none(extras.get("label")):
                    noted.label = extras["label"]
                named = article_of(ann.name, text, extras.get("article"))
                if named is not None and named.doc_id:
                    article.doc_id, article.path = named.doc_id, named.path
                    article.outlet, article.title = named.outlet, named.title
        elif line.startswith("R"):
            parts = line.split("\t")
            fields = parts[1].split() if len(parts) > 1 else []
            if len(fields) != 3:
                parsed.problems.append(Problem(where, "not an R line"))
                continue
            a, b = marks.get(fields[1].split(":", 1)[-1]), marks.get(fields[2].split(":", 1)[-1])
            if a is None or b is None:
                parsed.problems.append(Problem(where, "names a T that is not there"))
                continue
            parsed.links.append((a, b, b.relation or fields[0]))
        elif line.startswith("*"):
            parts = line.split("\t")
            fields = parts[1].split() if len(parts) > 1 else []
            members = [marks.get(f) for f in fields[1:]]
            present = [m for m in members if m is not None]
            if len(members) < 2 or len(present) < len(members):
                parsed.problems.append(Problem(where, "names a T that is not there"))
                continue
            for other in present[1:]:
                parsed.links.append((present[0], other, None))
        # A and N lines (attributes, normalisations) carry nothing newsreader keeps.


def sniff(file: Sniffed) -> bool:
    """A folder with ``.ann`` files in it."""
    return file.folder and any(file.path.glob("*.ann"))


FORMAT = Format(
    name="brat",
    write=write,
    read=read,
    sniff=sniff,
    carries={
        "spans": "yes",
        "labels": "yes",
        "speaker": "in `AnnotatorNotes`",
        "notes": "in `AnnotatorNotes`",
        "groups within an article": "yes (`R` lines)",
        "groups across articles": "in `AnnotatorNotes`",
        "annotator": "in `AnnotatorNotes`",
    },
    hatch="`AnnotatorNotes` lines",
    folder=True,
    rank=50,
)
