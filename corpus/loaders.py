"""Loading articles from files and folders into documents, reporting every file that fails.

Supported inputs:

- ``.txt`` and ``.md`` files: the title is the first heading or the first headline-like line.
- ``.html``/``.htm`` files: the main text and metadata are extracted (trafilatura); offsets then
  index the extracted text.
- ``.json`` (one record, or a list of records) and ``.jsonl`` (a record per line): a record has a
  text field (``text``, ``body``, ``content``, or BASIL's ``body-paragraphs``) and optional
  metadata (``title``, ``outlet``/``source``/``publisher``, ``date``, ``url``).
- A manifest or metadata table (``manifest.json``, ``manifest.csv``, ``manifest.tsv``,
  ``metadata.csv`` or ``metadata.tsv``) in an article's folder or up to three folders above it
  (PolNeAR keeps ``metadata.tsv`` two folders above its texts), or one named explicitly, gives
  outlet (``outlet``/``publisher``/``source``), date, author, url, title and story per file: a
  CSV/TSV row is matched to a file by its ``file``/``filename``/``path``/``name`` column, which
  may give the name with or without its extension. The nearest table naming the file wins.
- Files that are not articles are skipped with one summary (``LoadResult.skipped``): READMEs,
  licences, change logs, annotation files (BASIL's ``*_ann.json``, ``annotation_changes.txt``).

A file that cannot be loaded becomes a :class:`Problem` naming it and the reason; the rest load.
"""

from __future__ import annotations

import codecs
import contextvars
import io
import os
import re
import stat
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from hashlib import sha256
from pathlib import Path
from typing import Any

from .document import Document, LazyStructure, Range, Structure
from .outlets import normalise_outlet, outlet_named_in_text
from .text import DecodeError, content_hash, decode_text, normalise_newlines

TEXT_SUFFIXES = (".txt", ".md", ".markdown")
HTML_SUFFIXES = (".html", ".htm")
JSON_SUFFIXES = (".json", ".jsonl")
SUPPORTED_SUFFIXES = TEXT_SUFFIXES + HTML_SUFFIXES + JSON_SUFFIXES
MANIFEST_NAMES = ("manifest.json", "manifest.csv", "manifest.tsv", "metadata.csv", "metadata.tsv")
MANIFEST_LEVELS = 3
"""How many folders above an article's own a manifest or metadata table is looked for."""
# Patterns are kept as strings and compiled (by ``re``, once) when first used: the app's first
# frame lists a few files and should not wait for patterns only folders or JSON need.
_NOT_ARTICLE = (
    r"^(readme|licen[cs]e|copying|changelog|changes|history|notice|authors|contributing)\b"
    r"|annotation|_ann$|\.ann$"
)
_ANNOTATION = r"annotation|_ann$|\.ann$"

MAX_ARTICLE_BYTES = 32 * 1024 * 1024
"""A single article larger than this is refused: no news article is that long."""
MAX_JSON_BYTES = 256 * 1024 * 1024
"""A ``.json`` file is read whole; above this size, JSONL (read line by line) is the way."""
MAX_JSON_DEPTH = 64

SAMPLE_DIR = Path(__file__).parent / "sample"
"""The bundled sample corpus: one 2014 story told by four outlets, and a portal entry."""


@dataclass(frozen=True, slots=True)
class Problem:
    """A file (or one line of it) that could not be loaded, and why, in plain words."""

    path: str
    reason: str
    line: int | None = None

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line is not None else self.path
        return f"{where}: {self.reason}"


@dataclass
class LoadResult:
    """The documents that loaded, in a stable order, and the problems met on the way."""

    documents: list[Document] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    """Files in the folders walked that are not articles (READMEs, annotation files)."""

    def skipped_summary(self) -> str | None:
        """One line saying which files were skipped as not articles, or ``None``."""
        if not self.skipped:
            return None
        annotations = [
            p for p in self.skipped if re.search(_ANNOTATION, Path(p).stem, re.IGNORECASE)
        ]
        names = sorted({Path(p).name for p in self.skipped if p not in set(annotations)})
        parts = [f"{len(annotations)} annotation files"] if len(annotations) > 1 else []
        parts += [Path(p).name for p in annotations] if len(annotations) == 1 else []
        parts += names[:5] + ([f"{len(names) - 5} more"] if len(names) > 5 else [])
        count = len(self.skipped)
        what = "files that are not articles" if count > 1 else "file that is not an article"
        return f"skipped {count} {what}: {', '.join(parts)}"


@dataclass(frozen=True, slots=True)
class Meta:
    """Metadata for one article, from a manifest, a record or the file itself."""

    title: str | None = None
    outlet: str | None = None
    date: str | None = None
    url: str | None = None
    author: str | None = None
    story: str | None = None

    def over(self, other: Meta) -> Meta:
        """These values, with ``other``'s filling the gaps."""
        return Meta(
            title=self.title or other.title,
            outlet=self.outlet or other.outlet,
            date=self.date or other.date,
            url=self.url or other.url,
            author=self.author or other.author,
            story=self.story or other.story,
        )


_ALIASES = {
    "title": ("title", "headline"),
    "outlet": ("outlet", "publisher", "source", "site", "sitename", "site_name"),
    "date": ("date", "publication_date", "published", "pubdate", "date_published"),
    "url": ("url", "link", "source_url"),
    "author": ("author", "authors", "byline"),
    "story": ("story", "story_id", "event", "event_id", "triplet-uuid"),
}
_FILE_KEYS = ("file", "filename", "path", "name")


MANIFEST_FIELD_LIMIT = 128 * 1024
"""The longest field a manifest CSV may hold (csv's own default)."""


def _meta_from(record: dict[str, Any]) -> Meta:
    values: dict[str, str | None] = {}
    for target, keys in _ALIASES.items():
        value = next((record[k] for k in keys if isinstance(record.get(k), str | int)), None)
        values[target] = str(value).strip() or None if value is not None else None
    return Meta(
        title=values["title"],
        outlet=normalise_outlet(values["outlet"]),
        date=values["date"],
        url=values["url"],
        author=values["author"] if values["author"] not in ("None", "") else None,
        story=values["story"],
    )


class Manifest:
    """Per-file metadata read from a manifest file; looked up by file name or by stem."""

    def __init__(self, path: Path, entries: dict[str, dict[str, Any]]) -> None:
        self.path = path
        # The records as read; each becomes a Meta when first asked for (a table of a thousand
        # rows is read before the first article is shown).
        self._entries = entries
        self._metas: dict[str, Meta] = {}
        self._folder: Path | None = None

    def get(self, file: Path) -> Meta | None:
        """The entry for ``file``: by name relative to the manifest, by file name, or by stem."""
        if self._folder is None:
            self._folder = self.path.parent.resolve()
        try:
            relative = file.resolve().relative_to(self._folder).as_posix()
        except ValueError:
            relative = file.name
        for key in (relative, file.name, file.stem):
            if key in self._entries:
                meta = self._metas.get(key)
                if meta is None:
                    meta = self._metas[key] = _meta_from(self._entries[key])
                return meta
        return None

    @classmethod
    def read(cls, path: Path) -> tuple[Manifest | None, list[Problem]]:
        """Read a manifest; a bad one is a problem, never an exception."""
        try:
            raw = decode_text(_read_bytes(path, MAX_JSON_BYTES))
        except (OSError, DecodeError) as err:
            return None, [Problem(str(path), f"manifest cannot be read: {_reason(err)}")]
        entries: dict[str, dict[str, Any]] = {}
        problems: list[Problem] = []
        if path.suffix == ".json":
            try:
                data = _parse_json(raw)
            except _LineError as err:
                return None, [Problem(str(path), f"manifest is {err}", err.line)]
            except DecodeError as err:
                return None, [Problem(str(path), f"manifest: {err}", getattr(err, "line", None))]
            if isinstance(data, dict) and isinstance(data.get("files"), dict):
                data = data["files"]
            if isinstance(data, dict):
                for key, value in data.items():
                    if isinstance(value, dict):
                        entries[str(key)] = value
                    else:
                        problems.append(Problem(str(path), f"entry {key!r} is not an object"))
            elif isinstance(data, list):
                for number, value in enumerate(data, 1):
                    key = _file_key(value)
                    if key is None:
                        problems.append(Problem(str(path), f"entry {number} has no 'file' field"))
                    else:
                        entries[key] = value
            else:
                return None, [Problem(str(path), "manifest must be an object or a list")]
        else:
            import csv  # imported here, as json below: listing plain text files needs neither

            delimiter = "\t" if path.suffix == ".tsv" else ","
            # The limit is global to the process (an archive reader may have raised it for
            # article texts); a manifest's fields are short, so a huge one is a problem.
            csv.field_size_limit(MANIFEST_FIELD_LIMIT)
            reader = csv.reader(io.StringIO(raw), delimiter=delimiter)
            try:
                # The rows as csv.DictReader makes them (the table is read before the first
                # article is shown, and DictReader costs twice as much): the first row names
                # the columns, blank rows are passed over, a short row's missing cells are
                # None, a long row's extra cells are a list under None.
                read = 0  # the last line read whole (what DictReader's line_num says)
                header: list[str] = next(reader, [])
                read = reader.line_num
                for values in reader:
                    read = reader.line_num
                    if not values:
                        continue
                    row: dict[str | None, Any] = dict(zip(header, values, strict=False))
                    if len(values) > len(header):
                        row[None] = values[len(header) :]
                    else:
                        row.update(dict.fromkeys(header[len(values) :]))
                    key = _file_key(row)
                    if key is None:
                        problems.append(
                            Problem(str(path), "row has no file/filename column", reader.line_num)
                        )
                        continue
                    entries[key] = row  # type: ignore[assignment]
            except csv.Error as err:  # a field over 128 KB, a stray quote in strict mode
                problems.append(Problem(str(path), f"not valid CSV: {err}", read + 1))
                return None, problems
        return cls(path, entries), problems


def _file_key(record: object) -> str | None:
    if not isinstance(record, dict):
        return None
    for key in _FILE_KEYS:
        value = record.get(key)
        if isinstance(value, str) and value.strip():
            return value.strip()
    return None


def _reason(err: BaseException) -> str:
    if isinstance(err, PermissionError):
        return "permission denied"
    if isinstance(err, IsADirectoryError):
        return "is a directory"
    if isinstance(err, FileNotFoundError):
        return "no such file"
    if isinstance(err, OSError):
        return err.strerror or str(err)
    return str(err)


_LAZY: contextvars.ContextVar[bool] = contextvars.ContextVar("newsreader_lazy", default=False)


def stable_id(key: str) -> str:
    """A short, stable document id derived from the file's name within its corpus."""
    return sha256(key.encode("utf-8")).hexdigest()[:16]


# ---- titles -------------------------------------------------------------------------------

_MD_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
_MD_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")


def _plain(line: str) -> str:
    """A Markdown line as plain words: links become their text, emphasis marks go."""
    return re.sub(r"[*`]+|(?<!\w)_+|_+(?!\w)", "", _MD_LINK.sub(r"\1", line)).strip(" #")


def find_title(text: str) -> tuple[str, Range | None]:
    """The title of a plain-text or Markdown article, and where its line lies in the text.

    The first level-one Markdown heading wins; else the first line among the first ten that reads
    like a headline (three words or more), skipping navigation crumbs such as "World"; else the
    first non-empty line.
    """
    lines: list[tuple[int, int, str]] = []
    pos = 0
    for line in text.split("\n"):
        if line.strip():
            lines.append((pos, pos + len(line), line))
        pos += len(line) + 1
        if len(lines) >= 40:
            break
    if not lines:
        return "", None
    for start, end, line in lines:
        heading = _MD_HEADING.match(line)
        if heading and len(heading.group(1)) == 1 and _plain(heading.group(2)):
            return _plain(heading.group(2)), (start, end)
    for start, end, line in lines[:10]:
        plain = _plain(line)
        if len(plain.split()) >= 3:
            return plain[:300], (start, end)
    start, end, line = lines[0]
    return _plain(line)[:300], (start, end)


# ---- discovery ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Source:
    path: Path
    key: str  # the name that makes the id: relative to the folder given, or the file name


def _discover(
    paths: Sequence[str | Path], problems: list[Problem], skipped: list[str] | None = None
) -> Iterator[_Source]:
    for given in paths:
        path = Path(given)
        if path.is_symlink() and not path.exists():
            problems.append(
                Problem(str(path), f"broken symbolic link (points to {os.readlink(path)})")
            )
            continue
        if not path.exists():
            problems.append(Problem(str(path), "no such file or folder"))
            continue
        if path.is_dir():
            found = list(_walk(path, problems, skipped))
            if not found:
                problems.append(
                    Problem(
                        str(path),
                        "no articles in this folder (newsreader reads "
                        + ", ".join(SUPPORTED_SUFFIXES)
                        + ")",
                    )
                )
            yield from found
        elif path.suffix.lower() in SUPPORTED_SUFFIXES:
            yield _Source(path, path.name)
        else:
            problems.append(
                Problem(
                    str(path),
                    f"unsupported file type {path.suffix or '(none)'!r}; newsreader reads "
                    + ", ".join(SUPPORTED_SUFFIXES),
                )
            )


def _walk(
    root: Path, problems: list[Problem], skipped: list[str] | None = None
) -> Iterator[_Source]:
    # As os.walk (top down, links to folders not followed, hidden names left out), on the
    # entries' cached types and plain strings: a folder of thousands of files is listed in a
    # few milliseconds, before the first article can be shown.
    found: list[tuple[str, str]] = []
    pending = [(str(root), "")]
    while pending:
        folder, prefix = pending.pop()
        try:
            with os.scandir(folder) as listing:
                entries = list(listing)
        except OSError as err:
            where = str(err.filename or root)
            problems.append(Problem(where, f"cannot list folder: {_reason(err)}"))
            continue
        folders: list[tuple[str, str]] = []
        for entry in entries:
            name = entry.name
            if name.startswith("."):
                continue
            try:
                is_folder = entry.is_dir()
            except OSError:
                is_folder = False
            if is_folder:
                if not entry.is_symlink():
                    folders.append((entry.path, f"{prefix}{name}/"))
                continue
            if name in MANIFEST_NAMES:
                continue
            stem, suffix = os.path.splitext(name)
            if suffix.lower() not in SUPPORTED_SUFFIXES:
                continue
            if re.search(_NOT_ARTICLE, stem, re.IGNORECASE):
                if skipped is not None:
                    skipped.append(entry.path)
                continue
            if entry.is_symlink() and not os.path.exists(entry.path):
                problems.append(
                    Problem(
                        entry.path, f"broken symbolic link (points to {os.readlink(entry.path)})"
                    )
                )
                continue
            found.append((prefix + name, entry.path))
        pending.extend(reversed(folders))
    for key, path in sorted(found):
        yield _Source(Path(path), key)


class _LineError(DecodeError):
    """A decoding problem at a known line of the file."""

    def __init__(self, message: str, line: int) -> None:
        super().__init__(message)
        self.line = line


# ---- reading ------------------------------------------------------------------------------


def _check_regular(path: Path) -> os.stat_result:
    """The file's status; a pipe, socket or device is refused before it is opened (reading a
    pipe would wait for ever)."""
    status = path.stat()
    if not stat.S_ISREG(status.st_mode) and not stat.S_ISDIR(status.st_mode):
        raise DecodeError("not a regular file (a pipe, socket or device)")
    return status


def _read_bytes(path: Path, limit: int) -> bytes:
    size = _check_regular(path).st_size
    if size > limit:
        raise DecodeError(
            f"too large: {size / 1e6:.0f} MB, more than the {limit / 1e6:.0f} MB an article may be"
            + ("; use JSONL for large collections" if path.suffix == ".json" else "")
        )
    with path.open("rb") as handle:
        return handle.read(limit + 1)


def _from_text(text: str) -> tuple[Meta, int]:
    """What the text itself says: its title and self-named outlet, and where the title ends."""
    title, title_range = find_title(text)
    meta = Meta(title=title or None, outlet=outlet_named_in_text(text))
    return meta, title_range[1] if title_range else 0


def _text_document(source: _Source, data: bytes, meta: Meta) -> Document:
    text = decode_text(data)
    if not text.strip():
        raise DecodeError("empty file" if not text else "no text (only whitespace)")
    inferred, title_end = _from_text(text)
    return _make(source, text, meta.over(inferred), title_end)


def _html_document(source: _Source, data: bytes, meta: Meta) -> Document:
    html = decode_text(data)
    if not html.strip():
        raise DecodeError("empty file")
    import trafilatura  # imported here: it is slow to import and only HTML needs it

    extracted = trafilatura.bare_extraction(
        html, with_metadata=True, include_comments=False, output_format="python"
    )
    if extracted is None:
        raise DecodeError("no article text found in this HTML page")
    fields = extracted.as_dict() if hasattr(extracted, "as_dict") else dict(extracted)
    text = normalise_newlines(fields.get("text") or "")
    if not text.strip():
        raise DecodeError("no article text found in this HTML page")
    page = Meta(
        title=fields.get("title"),
        outlet=normalise_outlet(fields.get("sitename")),
        date=fields.get("date"),
        url=fields.get("url"),
    )
    inferred, _ = _from_text(text)
    return _make(source, text, meta.over(page).over(inferred), 0)


def _make(source: _Source, text: str, meta: Meta, title_end: int, **kw: Any) -> Document:
    return Document(
        id=stable_id(source.key),
        path=str(source.path),
        text=text,
        content_hash=content_hash(text),
        title=meta.title or source.path.stem,
        outlet=meta.outlet,
        date=meta.date,
        url=meta.url,
        structure=_structure(text, title_end, kw.get("sentences")),
        author=meta.author,
        story=meta.story,
    )


def _structure(text: str, title_end: int, sentences: list[Range] | None) -> Structure:
    if _LAZY.get():
        return LazyStructure(lambda: _analyse(text, title_end, sentences))
    return _analyse(text, title_end, sentences)


def _analyse(text: str, title_end: int, sentences: list[Range] | None) -> Structure:
    # Imported when first used: listing articles (the app's first frame) does not compile the
    # detectors' patterns.
    from .analysis import analyse

    return analyse(text, title_end, sentences=sentences)


def _record_text(record: dict[str, Any]) -> tuple[str, list[Range] | None] | None:
    """The text of a JSON record and, when the record splits them, its sentence offsets."""
    for key in ("text", "body", "content", "article", "maintext"):
        value = record.get(key)
        if isinstance(value, str) and value.strip():
            return normalise_newlines(value), None
    paragraphs = record.get("body-paragraphs", record.get("paragraphs"))
    if isinstance(paragraphs, list) and paragraphs:
        parts: list[str] = []
        sentences: list[Range] = []
        pos = 0
        for paragraph in paragraphs:
            pieces = paragraph if isinstance(paragraph, list) else [paragraph]
            pieces = [normalise_newlines(p).strip() for p in pieces if isinstance(p, str)]
            pieces = [p for p in pieces if p]
            if not pieces:
                continue
            if parts:
                parts.append("\n\n")
                pos += 2
            for index, sentence in enumerate(pieces):
                if index:
                    parts.append(" ")
                    pos += 1
                parts.append(sentence)
                sentences.append((pos, pos + len(sentence)))
                pos += len(sentence)
        if parts:
            return "".join(parts), sentences
    return None


def _json_depth(value: Any, depth: int = 0) -> int:
    if depth > MAX_JSON_DEPTH:
        return depth
    if isinstance(value, dict):
        return max((_json_depth(v, depth + 1) for v in value.values()), default=depth + 1)
    if isinstance(value, list):
        return max((_json_depth(v, depth + 1) for v in value), default=depth + 1)
    return depth


_LONG_NUMBER = r"\d{4301}"


def _parse_json(raw: str) -> Any:
    """Parse JSON text, refusing what is invalid or nested too deeply with a plain reason."""
    import json

    try:
        value = json.loads(raw)
    except json.JSONDecodeError as err:
        raise _LineError(f"not valid JSON: {err.msg} (column {err.colno})", err.lineno) from None
    except RecursionError:
        raise DecodeError(f"JSON nested more than {MAX_JSON_DEPTH} levels deep") from None
    except ValueError:  # Python refuses to read integers of more than 4,300 digits
        found = re.search(_LONG_NUMBER, raw)
        reason = "a number has more than 4,300 digits"
        if found is None:
            raise DecodeError(reason) from None
        raise _LineError(reason, raw.count("\n", 0, found.start()) + 1) from None
    if _json_depth(value) > MAX_JSON_DEPTH:
        raise DecodeError(f"JSON nested more than {MAX_JSON_DEPTH} levels deep")
    return value


def _record_document(
    source: _Source, record: Any, number: int, meta: Meta, problems: list[Problem], line: int | None
) -> Document | None:
    if not isinstance(record, dict):
        got = type(record).__name__
        problems.append(
            Problem(str(source.path), f"record {number} is not a JSON object ({got})", line)
        )
        return None
    found = _record_text(record)
    if found is None:
        problems.append(
            Problem(
                str(source.path),
                f"record {number} has no text (expected a 'text', 'body', 'content' or "
                "'body-paragraphs' field)",
                line,
            )
        )
        return None
    text, sentences = found
    record_key = next(
        (str(record[k]) for k in ("id", "uuid", "_id", "doc_id") if record.get(k) is not None),
        str(number),
    )
    key = source.key if number == 0 else f"{source.key}#{record_key}"
    record_meta = _meta_from(record)
    inferred, title_end = _from_text(text)
    if record_meta.title:
        title_end = 0  # the title is metadata, not a line of the text
    merged = record_meta.over(meta).over(inferred)
    return _make(_Source(source.path, key), text, merged, title_end, sentences=sentences)


def record_document(
    path: str | Path,
    key: str,
    record: Any,
    number: int,
    problems: list[Problem],
    line: int | None = None,
) -> Document | None:
    """One record (a JSON object, or a row of a table) as the folder loader makes a document
    of it: its id from ``key`` (the file's name) and the record's ``id`` or ``number``, its text
    and metadata from the record's fields. ``None``, with a problem added, when it has no text.
    """
    return _record_document(_Source(Path(path), key), record, number, Meta(), problems, line)


def _json_documents(source: _Source, meta: Meta, problems: list[Problem]) -> Iterable[Document]:
    path = source.path
    if path.suffix.lower() == ".jsonl":
        yield from _jsonl_documents(source, meta, problems)
        return
    data = _read_bytes(path, MAX_JSON_BYTES)
    raw = decode_text(data)
    if not raw.strip():
        raise DecodeError("empty file")
    value = _parse_json(raw)
    if isinstance(value, list):
        for number, record in enumerate(value, 1):
            doc = _record_document(source, record, number, meta, problems, None)
            if doc is not None:
                yield doc
    else:
        doc = _record_document(source, value, 0, meta, problems, None)
        if doc is not None:
            yield doc


def _jsonl_documents(source: _Source, meta: Meta, problems: list[Problem]) -> Iterable[Document]:
    path = source.path
    _check_regular(path)
    with path.open("rb") as handle:
        head = handle.read(4)
        if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            raise DecodeError(
                "JSONL is read line by line and must be UTF-8; this file starts with a UTF-16 or "
                "UTF-32 byte order mark: convert it (for example with iconv -t UTF-8)"
            )
        handle.seek(0)
        number = 0
        for line_number, line in enumerate(_bounded_lines(handle, MAX_ARTICLE_BYTES), 1):
            if line is None:
                problems.append(Problem(str(path), "line longer than 32 MB, skipped", line_number))
                continue
            if not line.strip():
                continue
            number += 1
            try:
                value = _parse_json(decode_text(line))
            except DecodeError as err:  # the reason names the line; its column stays in it
                problems.append(Problem(str(path), str(err), line_number))
                continue
            doc = _record_document(source, value, number, meta, problems, line_number)
            if doc is not None:
                yield doc
        if number == 0 and not any(p.path == str(path) for p in problems):
            raise DecodeError("empty file")


def _bounded_lines(handle: io.BufferedReader, limit: int) -> Iterator[bytes | None]:
    """Lines of a binary file; a line over ``limit`` bytes yields ``None`` and is skipped whole."""
    while True:
        line = handle.readline(limit + 1)
        if not line:
            return
        if len(line) > limit and not line.endswith(b"\n"):
            while True:
                rest = handle.readline(1 << 20)
                if not rest or rest.endswith(b"\n"):
                    break
            yield None
            continue
        yield line


# ---- entry points -------------------------------------------------------------------------


def list_paths(paths: Sequence[str | Path], manifest: str | Path | None = None) -> LoadResult:
    """The articles under ``paths`` with their text and metadata, not analysed yet.

    Each document's paragraphs, sentences, boilerplate and quotes are computed on first use, or
    at once by ``document.analyse()`` (a worker can analyse them in the background while the
    first article is already shown). Everything else is as :func:`load_paths`.
    """
    token = _LAZY.set(True)
    try:
        return load_paths(paths, manifest)
    finally:
        _LAZY.reset(token)


def load_paths(paths: Sequence[str | Path], manifest: str | Path | None = None) -> LoadResult:
    """Load every article under ``paths`` (files or folders).

    ``manifest`` names a manifest file to use for all files; otherwise the nearest manifest or
    metadata table (see the module's notes) that names the file is used. Documents come back in
    the order the paths were given, folders walked in name order; each failure is a
    :class:`Problem`; files that are not articles are listed in ``skipped``.
    """
    result = LoadResult()
    for _ in _loading(paths, manifest, result, lazy=_LAZY.get()):
        pass
    return result


def list_in_steps(
    paths: Sequence[str | Path], manifest: str | Path | None = None
) -> Iterator[tuple[LoadResult, int, int]]:
    """:func:`list_paths`, one file at a time, so that the first articles can be shown while
    the rest are read: after each file (and once before the first), the result so far (one
    object, growing), how many files have been read and how many were found.

    The folders are walked before the first step; the result is complete after the last.
    """
    result = LoadResult()
    for done, total in _loading(paths, manifest, result, lazy=True):
        yield result, done, total


def _loading(
    paths: Sequence[str | Path], manifest: str | Path | None, result: LoadResult, *, lazy: bool
) -> Iterator[tuple[int, int]]:
    explicit: Manifest | None = None
    if manifest is not None:
        explicit, manifest_problems = Manifest.read(Path(manifest))
        result.problems.extend(manifest_problems)
    folder_manifests: dict[Path, Manifest | None] = {}
    seen_ids: dict[str, str] = {}
    # Everything is found first (to count it); the problems met on the way are reported in the
    # order they were met among the files' own.
    found: list[Problem] = []
    sources = [(s, len(found)) for s in _discover(paths, found, result.skipped)]
    reported = 0
    if not sources:
        result.problems.extend(found)
    yield 0, len(sources)
    for done, (source, met) in enumerate(sources, 1):
        result.problems.extend(found[reported:met])
        reported = met
        meta = _meta_for(source.path, explicit, folder_manifests, result.problems)
        # Set and reset around each file: between steps the caller's context is its own.
        token = _LAZY.set(lazy)
        try:
            documents = _load_one(source, meta, result.problems)
        finally:
            _LAZY.reset(token)
        for document in documents:
            if document.id in seen_ids:
                result.problems.append(
                    Problem(
                        document.path,
                        f"same name as {seen_ids[document.id]} within its corpus; loaded once",
                    )
                )
                continue
            seen_ids[document.id] = document.path
            result.documents.append(document)
        if done == len(sources):
            result.problems.extend(found[reported:])
            reported = len(found)
        yield done, len(sources)


def first_articles(
    paths: Sequence[str | Path],
    manifest: str | Path | None = None,
    count: int = 2,
    *,
    limit: int = 1 << 20,
) -> list[Document]:
    """The first ``count`` articles that :func:`list_in_steps` gives for ``paths``, read without
    listing the rest of a folder (for the app's first frame): the same ids, text and metadata,
    not analysed. Folders are walked lazily in the listing's order, so a big corpus costs only
    the folders on the way to its first files and their metadata tables.

    Only plain text and Markdown files are read, ``limit`` bytes at most together: it stops
    (with the articles it has, maybe none) at the first JSON or HTML file, a bigger file, or a
    file that fails to load; its problems are left to the full listing, which reports them.
    """
    explicit = Manifest.read(Path(manifest))[0] if manifest is not None else None
    folder_manifests: dict[Path, Manifest | None] = {}
    found: list[Document] = []
    seen: set[str] = set()
    budget = limit
    if count <= 0:
        return found
    for source in _first_sources(paths):
        if source.path.suffix.lower() not in TEXT_SUFFIXES:
            break
        try:
            size = source.path.stat().st_size
        except OSError:
            break
        budget -= size
        if budget < 0:
            break
        meta = _meta_for(source.path, explicit, folder_manifests, [])
        problems: list[Problem] = []
        token = _LAZY.set(True)
        try:
            documents = _load_one(source, meta, problems)
        finally:
            _LAZY.reset(token)
        if problems or not documents:
            break
        document = documents[0]
        if document.id in seen:  # the listing keeps the first of the same name
            continue
        seen.add(document.id)
        found.append(document)
        if len(found) >= count:
            break
    return found


def _first_sources(paths: Sequence[str | Path]) -> Iterator[_Source]:
    """The articles :func:`_discover` finds, in its order, found lazily: a folder's entries are
    sorted with a folder's name read as ``name/`` (so that walking them depth first gives the
    order of the listing's sorted relative names). Bad paths are passed over."""
    for given in paths:
        path = Path(given)
        if path.is_dir():
            yield from _walk_in_order(str(path), "")
        elif path.is_file() and path.suffix.lower() in SUPPORTED_SUFFIXES:
            yield _Source(path, path.name)


def _walk_in_order(folder: str, prefix: str) -> Iterator[_Source]:
    """:func:`_walk`'s articles under ``folder``, in its order, one folder listed at a time."""
    try:
        with os.scandir(folder) as listing:
            entries = list(listing)
    except OSError:
        return
    keyed: list[tuple[str, os.DirEntry[str], bool]] = []
    for entry in entries:
        if entry.name.startswith("."):
            continue
        try:
            is_folder = entry.is_dir()
        except OSError:
            is_folder = False
        if is_folder and entry.is_symlink():
            continue
        keyed.append((entry.name + "/" if is_folder else entry.name, entry, is_folder))
    for key, entry, is_folder in sorted(keyed, key=lambda item: item[0]):
        if is_folder:
            yield from _walk_in_order(entry.path, prefix + key)
            continue
        stem, suffix = os.path.splitext(entry.name)
        if entry.name in MANIFEST_NAMES or suffix.lower() not in SUPPORTED_SUFFIXES:
            continue
        if re.search(_NOT_ARTICLE, stem, re.IGNORECASE):
            continue
        if entry.is_symlink() and not os.path.exists(entry.path):
            continue
        yield _Source(Path(entry.path), prefix + entry.name)


def _meta_for(
    path: Path,
    explicit: Manifest | None,
    folder_manifests: dict[Path, Manifest | None],
    problems: list[Problem],
) -> Meta:
    """The metadata of the article at ``path``: from the manifest given for all files, else from
    the nearest manifest or metadata table naming it (none: empty)."""
    if explicit is not None:
        return explicit.get(path) or Meta()
    return _nearest_meta(path, folder_manifests, problems) or Meta()


def _nearest_meta(
    path: Path, cache: dict[Path, Manifest | None], problems: list[Problem]
) -> Meta | None:
    """The entry for ``path`` in the nearest manifest or metadata table that names it."""
    folder = path.parent
    for _ in range(MANIFEST_LEVELS + 1):
        if folder not in cache:
            cache[folder] = _folder_manifest(folder, problems)
        found = cache[folder]
        entry = found.get(path) if found is not None else None
        if entry is not None:
            return entry
        if folder.parent == folder:
            break
        folder = folder.parent
    return None


# Manifests read lately, by path, size and modification time: loading a corpus's files one call
# at a time (import and export read each article's file on its own) reads its metadata table
# once, not once per file. A changed table has a new size or time and is read again.
_MANIFESTS: dict[tuple[Path, int, int], tuple[Manifest | None, list[Problem]]] = {}
_MANIFESTS_KEPT = 16


def _folder_manifest(folder: Path, problems: list[Problem]) -> Manifest | None:
    for name in MANIFEST_NAMES:
        candidate = folder / name
        try:
            info = candidate.stat()
        except OSError:
            continue
        if not stat.S_ISREG(info.st_mode):
            continue
        key = (candidate, info.st_size, info.st_mtime_ns)
        read = _MANIFESTS.get(key)
        if read is None:
            read = Manifest.read(candidate)
            if len(_MANIFESTS) >= _MANIFESTS_KEPT:
                _MANIFESTS.pop(next(iter(_MANIFESTS)), None)
            _MANIFESTS[key] = read
        found, manifest_problems = read
        problems.extend(manifest_problems)
        return found
    return None


def _load_one(source: _Source, meta: Meta, problems: list[Problem]) -> list[Document]:
    path = source.path
    suffix = path.suffix.lower()
    try:
        if suffix in JSON_SUFFIXES:
            return list(_json_documents(source, meta, problems))
        data = _read_bytes(path, MAX_ARTICLE_BYTES)
        if suffix in HTML_SUFFIXES:
            return [_html_document(source, data, meta)]
        return [_text_document(source, data, meta)]
    except _LineError as err:
        problems.append(Problem(str(path), str(err), err.line))
    except (OSError, DecodeError) as err:
        problems.append(Problem(str(path), _reason(err)))
    return []


def load_sample() -> LoadResult:
    """The bundled sample corpus (the five seed documents with their manifest)."""
    return load_paths([SAMPLE_DIR])
