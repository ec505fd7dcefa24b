"""A TinyDB storage that makes each edit durable with one journal append.

TinyDB's own ``JSONStorage`` rewrites the whole file on every write, which costs about a
second per edit at 100k annotations and can leave a half-written file when the process is
killed. ``JournalStorage`` keeps the TinyDB file as the *base* and puts every edit on an
append-only *journal* beside it (``NAME.journal``, one JSON line per edit, ``fdatasync``-ed
before the edit is reported durable). Now and then, and when the store is closed, the journal
is folded into the base by writing a temporary file, syncing it and ``os.replace``-ing it over
the base, so the base is always either the old file or the new one, never a mixture.

Each journal line carries a sequence number and the base records the last sequence it holds,
so replaying the journal after a crash at any moment applies every edit exactly once. A
torn last line (the process died while writing it, so it was never acknowledged) is dropped.
Each line also carries a CRC-32 of the rest of it (``"crc"``, schema 2): a line that fails it
is reported by number and nothing after it is applied silently (:class:`StoreDamaged`; opening
read-only shows the edits before it, :func:`repair_store` keeps them when the user asks).

The writing happens on a background thread: :meth:`JournalStorage.append` applies an edit
to the in-memory state and queues it, and never touches the disk itself, so a user interface
never waits on the disk. :meth:`JournalStorage.flush` waits until everything queued is on disk.

A lock file (``NAME.lock``) keeps a second process from writing the same store.
"""

from __future__ import annotations

import contextlib
import json
import os
import queue
import re
import secrets
import shutil
import stat
import sys
import threading
import zlib
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

import msgspec
from tinydb.storages import Storage

SCHEMA_VERSION = 3
"""The layout of the store that this version of newsreader writes and reads.

1: history entries hold each change's record before and after (``changes``).
2: a history entry holds only the records that are not live (``saved``, ``absent``: the
   records before the edit while it is done, after it while it is undone); journal entries carry
   a checksum (``crc``). Schema 1 stores are upgraded on open, keeping a copy.
3: the user's story corrections (``story_pins``: articles pinned together into one story, with
   the name the user gave it) and the last grouping into stories (``story_groups``). Older
   stores are upgraded on open, keeping a copy.
"""

TABLES = (
    "meta",
    "documents",
    "spans",
    "groups",
    "decisions",
    "suggestions",
    "history",
    "story_pins",
    "story_groups",
)
"""The tables of a newsreader store; ``meta`` holds one record (key "1")."""

COMPACT_EVERY = 2000
"""Fold the journal into the base after this many journal entries."""

Record = dict[str, Any]
Tables = dict[str, dict[str, Record]]
Op = tuple[str, str, Record | None]
"""A change to one record: table name, TinyDB document key, and the new record (None deletes)."""


class StoreError(Exception):
    """A store that cannot be used as asked; the message names the file and the way out."""

    def __init__(self, path: Path | str, message: str) -> None:
        super().__init__(message)
        self.path = Path(path)


class StoreCorrupt(StoreError):
    """The store file (or its journal) does not parse. It is left exactly as it is."""


class StoreDamaged(StoreCorrupt):
    """An entry of the journal is damaged (checksum or syntax); ``damaged`` is its number.

    Opening read-only shows the edits before it; nothing is changed until the user decides."""


class StoreTooNew(StoreError):
    """The store was written by a newer newsreader. It is left exactly as it is."""


class StoreLocked(StoreError):
    """Another process is writing to the store."""


class StoreUnwritable(StoreError):
    """The store's folder (or file) cannot be written: it can still be opened read-only."""


class StoreWriteError(StoreError):
    """Writing to the disk failed (disk full, permissions, I/O error)."""


class StoreReadOnly(StoreError):
    """An edit was asked of a store opened read-only."""


def journal_path(path: Path) -> Path:
    """Where the journal of the store at ``path`` lives."""
    return path.with_name(path.name + ".journal")


def lock_path(path: Path) -> Path:
    """Where the lock file of the store at ``path`` lives."""
    return path.with_name(path.name + ".lock")


def _temp_path(path: Path) -> Path:
    return path.with_name(f"{path.name}.tmp-{os.getpid()}-{secrets.token_hex(4)}")


def _fsync_dir(directory: Path) -> None:
    # Makes a rename or a new file durable; not possible (nor needed) on Windows.
    if os.name == "nt":
        return
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _datasync(fd: int) -> None:
    if hasattr(os, "fdatasync"):
        os.fdatasync(fd)
    else:  # pragma: no cover - macOS and Windows
        os.fsync(fd)


def entry_line(seq: int, ops: list[Op]) -> bytes:
    """One journal entry as its line: JSON with a CRC-32 of the rest of the line (``crc``)."""
    payload = msgspec.json.encode({"seq": seq, "ops": ops})
    return payload[:-1] + b',"crc":"%08x"}\n' % zlib.crc32(payload)


_CRC = b',"crc":"'


def _checked(line: bytes) -> tuple[bytes, str | None]:
    """(the entry's JSON without its checksum, why it is damaged or None).

    Lines written before checksums existed have no ``crc``; they are taken as they are.
    """
    at = line.rfind(_CRC)
    if at < 0 or not line.endswith(b'"}') or len(line) != at + len(_CRC) + 10:
        if b'"crc"' in line[-40:]:
            return line, "has a malformed checksum"
        return line, None
    payload = line[:at] + b"}"
    try:
        expected = int(line[at + len(_CRC) : at + len(_CRC) + 8], 16)
    except ValueError:
        return line, "has a malformed checksum"
    if zlib.crc32(payload) != expected:
        return payload, "fails its checksum (a byte of it has changed)"
    return payload, None


def empty_tables() -> Tables:
    """The tables of a new, empty store."""
    tables: Tables = {name: {} for name in TABLES}
    tables["meta"]["1"] = {"schema": SCHEMA_VERSION, "app": "newsreader", "seq": 0}
    return tables


def _history_1_to_2(tables: Tables) -> Tables:
    """Schema 1 → 2: history entries keep only the records that are not live."""
    history = tables.get("history", {})
    for key, entry in list(history.items()):
        changes = entry.get("changes")
        if not isinstance(changes, list):
            continue
        side = 3 if entry.get("undone") else 2
        saved = [[c[0], c[1], c[side]] for c in changes if c[side] is not None]
        absent: dict[str, list[list[int]]] = {}
        for change in changes:
            if change[side] is None:
                absent.setdefault(change[0], []).append([int(change[1]), int(change[1])])
        rest = {k: v for k, v in entry.items() if k != "changes"}
        history[key] = {**rest, "saved": saved, "absent": absent}
    return tables


def _stories_2_to_3(tables: Tables) -> Tables:
    """Schema 2 → 3: the story tables, empty (no story was corrected before)."""
    tables.setdefault("story_pins", {})
    tables.setdefault("story_groups", {})
    return tables


# Migrations from one schema to the next: ``MIGRATIONS[n]`` turns schema ``n`` tables into
# schema ``n + 1`` tables. A future layout change adds its step here.
MIGRATIONS: dict[int, Callable[[Tables], Tables]] = {1: _history_1_to_2, 2: _stories_2_to_3}


def write_tables(path: Path, tables: Mapping[str, Mapping[str, Record]]) -> None:
    """Write ``tables`` as a TinyDB JSON file at ``path``, atomically and durably.

    The file is written to a temporary name, synced and renamed over ``path``; a crash at any
    moment leaves either the old file or the new one. Records are encoded one at a time so that
    other threads keep running while a large store is written.
    """
    tmp = _temp_path(path)
    # msgspec writes the same compact JSON as json.dumps(ensure_ascii=False) at a fraction of
    # the cost (a 100k store: seconds of the import); UTF-8 bytes, so the file is binary here.
    dumps = msgspec.json.Encoder().encode
    try:
        with open(tmp, "wb") as out:
            out.write(b"{")
            for t, (name, table) in enumerate(tables.items()):
                out.write((b"," if t else b"") + dumps(name) + b":{")
                first = True
                for key, record in table.items():
                    out.write((b"" if first else b",") + dumps(key) + b":" + dumps(record))
                    first = False
                out.write(b"}")
            out.write(b"}\n")
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise
    _fsync_dir(path.parent)


class _Lock:
    """An exclusive, advisory lock on ``NAME.lock`` that is released when the process dies."""

    def __init__(self, store: Path) -> None:
        self.store = store
        self.path = lock_path(store)
        self._fd: int | None = None

    def acquire(self) -> None:
        while True:
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
            try:
                _lock_fd(fd)
            except BlockingIOError:
                holder = _read_holder(fd)
                os.close(fd)
                raise StoreLocked(
                    self.store,
                    f"{self.store} is open in another newsreader"
                    + (f" (process {holder})" if holder else "")
                    + ". Close that one first, or open this store read-only.",
                ) from None
            # The file may have been removed by a process that released it just now; the lock
            # is only ours if it is on the file that is at the path.
            try:
                same = os.path.samestat(os.fstat(fd), os.stat(self.path))
            except FileNotFoundError:
                same = False
            if same:
                os.ftruncate(fd, 0)
                os.write(fd, str(os.getpid()).encode())
                self._fd = fd
                return
            os.close(fd)

    def release(self) -> None:
        if self._fd is None:
            return
        with contextlib.suppress(OSError):
            self.path.unlink()
        os.close(self._fd)
        self._fd = None


def _lock_fd(fd: int) -> None:
    if sys.platform == "win32":  # pragma: no cover - exercised on Windows only
        import msvcrt

        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        except OSError as error:
            raise BlockingIOError(str(error)) from error
    else:
        import fcntl

        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)


def _read_holder(fd: int) -> str:
    try:
        return os.pread(fd, 32, 0).decode("ascii", "replace").strip()
    except (OSError, AttributeError):
        return ""


def _json_error(path: Path, error: json.JSONDecodeError | UnicodeDecodeError, what: str) -> str:
    if isinstance(error, json.JSONDecodeError):
        where = f"line {error.lineno}, column {error.colno}: {error.msg}"
    else:
        where = f"byte {error.start}: not UTF-8"
    return f"{path} {what} ({where})"


def read_base(path: Path) -> Tables | None:
    """The tables of the base file at ``path``, or None when there is none yet (or it is empty).

    Raises StoreCorrupt when the file does not parse or is not a newsreader store.
    """
    try:
        data = _read_streaming(path)
    except _NotTables:
        data = _read_whole(path)
    except FileNotFoundError:
        return None
    except IsADirectoryError:
        raise StoreCorrupt(path, f"{path} is a folder, not a store file") from None
    except OSError as error:
        raise StoreCorrupt(path, f"{path} cannot be read: {error.strerror}") from None
    if data is None:
        return None
    way_out = _way_out(path)
    if "meta" not in data:
        if any(data.get(name) for name in data if name != "_default") or data.get("_default"):
            raise StoreCorrupt(
                path, f"{path} is a TinyDB database but not a newsreader store.{way_out}"
            )
        return None  # an empty TinyDB file: start a store in it
    meta = data["meta"].get("1")
    if not isinstance(meta, dict) or not isinstance(meta.get("schema"), int):
        raise StoreCorrupt(path, f"{path} has no schema version in its meta table.{way_out}")
    tables: Tables = {name: {} for name in TABLES}
    tables.update(data)
    return tables


def _way_out(path: Path) -> str:
    return (
        " It has not been changed. Move it aside and start a fresh store with "
        f"`newsreader store --db {path} --move-aside`, or name another store with --db."
    )


def _read_whole(path: Path) -> Tables | None:
    """Parse the whole file at once: the way to find out exactly where a broken file breaks."""
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise StoreCorrupt(path, f"{path} cannot be read: {error.strerror}") from None
    if not raw.strip():
        return None
    way_out = _way_out(path)
    try:
        data = json.loads(raw.decode("utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        message = _json_error(path, error, "does not parse") + "." + way_out
        raise StoreCorrupt(path, message) from None
    except RecursionError:
        raise StoreCorrupt(path, f"{path} is nested too deeply to be a store.{way_out}") from None
    except ValueError as error:  # e.g. an integer of more than 4,300 digits
        raise StoreCorrupt(path, f"{path} does not parse ({error}).{way_out}") from None
    if not isinstance(data, dict) or not all(isinstance(t, dict) for t in data.values()):
        raise StoreCorrupt(path, f"{path} is JSON but not a TinyDB database.{way_out}")
    return data


class _NotTables(Exception):
    """A file that _read_streaming does not take apart table by table."""


_CHUNK = 1 << 20
_SPACE = re.compile(r"[ \t\n\r]*")


def _read_streaming(path: Path) -> Tables | None:
    """Parse a TinyDB file one record at a time, sharing the strings that repeat.

    Reading the whole file and then parsing it holds its bytes, its text (up to four bytes a
    character when one character of it is not Latin-1) and the records at once: for a store of
    100k spans, more than the records themselves. This holds the records and a piece of text of
    ``_CHUNK`` characters. Returns None for an empty file; anything it does not take apart (not
    UTF-8, not JSON, not an object of objects) raises ``_NotTables``, and the caller then parses
    the file whole, which says exactly what is wrong.
    """
    decode = json.JSONDecoder().raw_decode
    skip = _SPACE.match
    seen: dict[str, str] = {}
    share = seen.setdefault
    with open(path, encoding="utf-8", newline="") as f:
        buf = ""
        pos = 0
        eof = False

        def fill(size: int = _CHUNK) -> None:
            nonlocal buf, pos, eof
            more = f.read(size)
            eof = not more
            buf = buf[pos:] + more
            pos = 0

        def space() -> str:
            # The next character that is not white space ("" at the end of the file).
            nonlocal pos
            while True:
                pos = skip(buf, pos).end()  # type: ignore[union-attr]  # [ \t\n\r]* matches
                if pos < len(buf) or eof:
                    return buf[pos : pos + 1]
                fill()

        def value() -> Any:
            # The next JSON value; a value that reaches the end of the text read so far may
            # be cut short (a number), so it is parsed again with more text.
            # A value longer than a chunk (a history entry of an old store can hold tens of
            # megabytes) is read to the end of the file, so that it is parsed twice at most.
            nonlocal pos
            size = _CHUNK
            while True:
                try:
                    found, end = decode(buf, pos)
                except json.JSONDecodeError:
                    if eof:
                        raise
                    fill(size)
                    size = -1
                    continue
                if end >= len(buf) and not eof:
                    fill(size)
                    size = -1
                    continue
                pos = end
                return found

        try:
            if space() == "":
                return None
            if space() != "{":
                raise _NotTables
            pos += 1
            data: Tables = {}
            if space() == "}":
                pos += 1
            else:
                while True:
                    if space() != '"':
                        raise _NotTables
                    name = value()
                    if space() != ":":
                        raise _NotTables
                    pos += 1
                    if space() != "{":
                        raise _NotTables
                    pos += 1
                    table: dict[str, Any] = {}
                    if space() == "}":
                        pos += 1
                    else:
                        while True:
                            if space() != '"':
                                raise _NotTables
                            key = value()
                            if space() != ":":
                                raise _NotTables
                            pos += 1
                            space()
                            record = value()
                            if record.__class__ is dict:
                                record = {share(k, k): v for k, v in record.items()}
                                for field in _REPEATED:
                                    shared = record.get(field)
                                    if shared.__class__ is str:
                                        record[field] = share(shared, shared)
                            table[key] = record
                            following = space()
                            pos += 1
                            if following == "}":
                                break
                            if following != ",":
                                raise _NotTables
                    data[name] = table
                    following = space()
                    pos += 1
                    if following == "}":
                        break
                    if following != ",":
                        raise _NotTables
            if space() != "":
                raise _NotTables
        except (ValueError, UnicodeDecodeError, RecursionError):  # JSONDecodeError included
            raise _NotTables from None
    return data


class JournalStorage(Storage):
    """TinyDB storage: a base file plus an append-only journal, written on a background thread.

    Open it through TinyDB (``TinyDB(path, storage=JournalStorage)``) or directly. ``read()``
    gives the current state (base plus journal) for TinyDB queries; edits go through
    :meth:`append`, not through TinyDB's write path, because TinyDB rewrites the whole
    database on every write. ``write()`` replaces the whole state (a full, synchronous fold).
    """

    def __init__(
        self,
        path: str | os.PathLike[str],
        *,
        read_only: bool = False,
        compact_every: int = COMPACT_EVERY,
        on_durable: Callable[[int], None] | None = None,
        on_error: Callable[[StoreWriteError], None] | None = None,
        allow_newer: bool = False,
    ) -> None:
        self.path = Path(path).expanduser()
        self.journal = journal_path(self.path)
        for place in (self.path, self.journal):
            # A FIFO or device named as the store would block the open forever or be replaced.
            with contextlib.suppress(OSError):
                mode = place.stat().st_mode
                if not stat.S_ISREG(mode):
                    kind = "a folder" if stat.S_ISDIR(mode) else "not a regular file"
                    raise StoreError(
                        place, f"{place} is {kind}; a store is a file. Name another with --db."
                    )
        self.read_only = read_only
        self.compact_every = compact_every
        self.on_durable = on_durable
        self.on_error = on_error
        self.warnings: list[str] = []
        """Things the user should know about what was read (read-only recoveries)."""
        self.migrated_from: int | None = None
        self.damaged: int | None = None
        """The number of the first damaged journal entry (read-only opens only)."""
        self._lock = _Lock(self.path)
        self._state_lock = threading.Lock()
        self._cond = threading.Condition()
        self._queue: queue.SimpleQueue[tuple[int, bytes, list[Op]] | None] = queue.SimpleQueue()
        self._seq = 0  # the last sequence number handed out
        self._durable_seq = 0
        self._error: StoreWriteError | None = None
        self._closed = False
        self._writer: threading.Thread | None = None
        self._compactor: threading.Thread | None = None
        self._journal_file: Any = None
        try:
            if not read_only:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                self._lock.acquire()
            try:
                self._live, self._journal_end = self._load(allow_newer=allow_newer)
            except BaseException:
                self._lock.release()
                raise
            if not read_only:
                try:
                    self._start_writing()
                except BaseException:
                    self._lock.release()
                    raise
        except OSError as error:
            raise StoreUnwritable(
                self.path,
                f"cannot write the store {self.path}: {error.strerror or error}"
                + (f" ({error.filename})" if error.filename else "")
                + ". Open it read-only (--read-only; export, coverage and store only read), "
                "or name a store in a folder you can write with --db.",
            ) from None

    # -- reading -------------------------------------------------------------------------

    def _load(self, *, allow_newer: bool) -> tuple[Tables, int]:
        if not self.read_only:
            for stale in self.path.parent.glob(f"{self.path.name}.tmp-*"):
                with contextlib.suppress(OSError):
                    stale.unlink()
            for stale in self.path.parent.glob(f"{self.journal.name}.tmp-*"):
                with contextlib.suppress(OSError):
                    stale.unlink()
        # A reader racing a writer's fold may see a new journal with an old base; read again.
        for _attempt in range(50):
            base = read_base(self.path)
            tables = base if base is not None else empty_tables()
            schema = tables["meta"]["1"]["schema"]
            if schema > SCHEMA_VERSION and not (self.read_only and allow_newer):
                raise StoreTooNew(
                    self.path,
                    f"{self.path} was written by a newer newsreader (store schema {schema}; "
                    f"this version reads schema {SCHEMA_VERSION}). It has not been changed. "
                    "Upgrade newsreader, open it read-only, or name another store with --db.",
                )
            if schema > SCHEMA_VERSION:
                self.warnings.append(
                    f"{self.path} was written by a newer newsreader (store schema {schema}); "
                    "it is shown as far as this version understands it, and not changed"
                )
            base_seq = int(tables["meta"]["1"].get("seq", 0))
            end, last_seq, gap = self._replay(tables, base_seq)
            if not gap:
                break
            if not self.read_only:
                raise StoreCorrupt(
                    self.journal,
                    f"{self.journal} starts after edit {base_seq} that {self.path} holds; "
                    "edits are missing. Neither file has been changed.",
                )
            self.warnings.clear()
        else:  # pragma: no cover - a writer folding fifty times during one read
            raise StoreError(self.path, f"{self.path} kept changing while being read; try again")
        self._seq = self._durable_seq = last_seq
        tables["meta"]["1"] = {**tables["meta"]["1"], "seq": last_seq}
        if base is None and not self.read_only:
            write_tables(self.path, tables)
        if schema < SCHEMA_VERSION:
            tables = self._migrate(tables, schema)
            if not self.read_only:
                end = 0  # the journal is folded into the upgraded file and removed
        if not self.read_only:  # a long-lived, writable store: worth sharing the strings
            _intern(tables)
        return tables, end

    def _replay(self, tables: Tables, base_seq: int) -> tuple[int, int, bool]:
        """Apply the journal's entries after ``base_seq``; returns (good end, last seq, gap).

        Only lines ending in a newline count: an entry is acknowledged after its whole line,
        newline included, is on disk, so anything after the last newline was never
        acknowledged. A last line that does not parse was torn the same way.
        """
        try:
            raw = self.journal.read_bytes()
        except FileNotFoundError:
            return 0, base_seq, False
        except OSError as error:
            raise StoreCorrupt(
                self.journal, f"{self.journal} cannot be read: {error.strerror}"
            ) from None
        lines = raw[: raw.rfind(b"\n") + 1].split(b"\n")[:-1]
        last = base_seq
        good_end = 0
        offset = 0
        for number, line in enumerate(lines, start=1):
            offset += len(line) + 1
            try:
                payload, damaged = _checked(line)
                entry = json.loads(payload.decode("utf-8"))
                seq = int(entry["seq"])
                ops = [(str(t), str(k), r) for t, k, r in entry["ops"]]
            except (ValueError, KeyError, TypeError, UnicodeDecodeError, RecursionError):
                damaged = "does not parse"
            if damaged:
                if number == len(lines) and damaged == "does not parse" and b"crc" not in line:
                    break  # torn by a crash while it was written: never acknowledged
                after = len(lines) - number
                message = (
                    f"{self.journal} line {number} {damaged} (journal entry {number}); "
                    + (
                        f"the {after} entries after it are not applied. "
                        if after
                        else "it is the last entry. "
                    )
                    + "Neither file has been changed."
                )
                self.damaged = number
                if self.read_only:
                    self.warnings.append(message + " Showing the edits before it.")
                    break
                raise StoreDamaged(
                    self.journal,
                    message + " Open the store read-only to see the edits before it; "
                    f"`newsreader store --db {self.path} --repair` keeps them and sets the "
                    "journal aside (nothing is deleted), or `--move-aside` moves both aside.",
                ) from None
            if seq > base_seq:
                if seq != last + 1:
                    return good_end, last, True
                _apply(tables, ops)
                last = seq
            good_end = offset
        return good_end, last, False

    def _migrate(self, tables: Tables, schema: int) -> Tables:
        original = schema
        while schema < SCHEMA_VERSION:
            step = MIGRATIONS.get(schema)
            if step is None:
                raise StoreCorrupt(
                    self.path,
                    f"{self.path} has store schema {schema}, which this newsreader cannot "
                    "upgrade. It has not been changed.",
                )
            tables = step(tables)
            schema += 1
            tables["meta"]["1"] = {**tables["meta"]["1"], "schema": schema}
        if not self.read_only:
            # Keep the old file as it was; then write the upgraded one in its place.
            backup = self.path.with_name(f"{self.path.name}.schema{original}.bak")
            n = 1
            while backup.exists():
                backup = self.path.with_name(f"{self.path.name}.schema{original}.{n}.bak")
                n += 1
            shutil.copy2(self.path, backup)
            write_tables(self.path, tables)
            with contextlib.suppress(FileNotFoundError):
                self.journal.unlink()
            _fsync_dir(self.path.parent)
        self.migrated_from = original
        return tables

    def read(self) -> Tables:
        """The current state, base plus every edit appended so far (TinyDB's read)."""
        with self._state_lock:
            return {name: dict(table) for name, table in self._live.items()}

    def table(self, name: str) -> dict[str, Record]:
        """The live records of one table, keyed by TinyDB document key. Do not modify."""
        return self._live.setdefault(name, {})

    # -- writing -------------------------------------------------------------------------

    @property
    def seq(self) -> int:
        """The sequence number of the last edit appended."""
        return self._seq

    @property
    def durable_seq(self) -> int:
        """The sequence number of the last edit known to be on disk."""
        return self._durable_seq

    @property
    def error(self) -> StoreWriteError | None:
        """The write error that stopped the journal, if any."""
        return self._error

    def append(self, ops: list[Op]) -> int:
        """Apply ``ops`` to the state now and queue them for the journal; returns their seq.

        Records passed in must not be modified afterwards (they are shared, not copied).
        The edit is durable once :attr:`durable_seq` reaches the returned number.
        """
        if self.read_only:
            raise StoreReadOnly(self.path, f"{self.path} is open read-only")
        if self._error is not None:
            raise self._error
        if self._closed:
            raise StoreError(self.path, f"{self.path} is closed")
        with self._state_lock:
            self._seq += 1
            seq = self._seq
            line = entry_line(seq, ops)
            _apply(self._live, ops)
            self._queue.put((seq, line, ops))
        return seq

    def apply_in_memory(self, ops: list[Op]) -> None:
        """Change the in-memory state only (read-only stores: a view, never written)."""
        with self._state_lock:
            _apply(self._live, ops)

    def write(self, data: Mapping[str, Mapping[str, Record]]) -> None:
        """Replace the whole state with ``data`` and fold it into the base (TinyDB's write)."""
        if self.read_only:
            raise StoreReadOnly(self.path, f"{self.path} is open read-only")
        copy: Tables = json.loads(json.dumps(data))
        ops: list[Op] = []
        for name in set(self._live) | set(copy):
            old, new = self._live.get(name, {}), copy.get(name, {})
            ops.extend((name, k, None) for k in old if k not in new)
            ops.extend((name, k, r) for k, r in new.items() if old.get(k) != r)
        if ops:
            self.append(ops)
        self.flush()

    def flush(self, timeout: float | None = None) -> None:
        """Wait until every appended edit is on disk; raises StoreWriteError if writing failed."""
        if self.read_only:
            return
        target = self._seq
        with self._cond:
            self._cond.wait_for(
                lambda: self._durable_seq >= target or self._error is not None, timeout
            )
        if self._error is not None:
            raise self._error
        if self._durable_seq < target:
            raise StoreWriteError(self.path, f"{self.path}: saving took longer than {timeout}s")

    def _start_writing(self) -> None:
        if self._journal_end != _size(self.journal):
            # Cut a torn last line so that new entries start on a line of their own.
            with open(self.journal, "r+b") as f:
                f.truncate(self._journal_end)
                f.flush()
                os.fsync(f.fileno())
        existed = self._journal_existed = self.journal.exists()
        self._journal_file = open(self.journal, "ab")  # noqa: SIM115 - held open while in use
        if not existed:
            _fsync_dir(self.path.parent)
        self._durable: Tables = {name: dict(table) for name, table in self._live.items()}
        self._entries = 0
        self._fold_result: queue.SimpleQueue[tuple[int, BaseException | None]] = queue.SimpleQueue()
        self._writer = threading.Thread(
            target=self._write_loop, name=f"newsreader-store-writer:{self.path.name}", daemon=True
        )
        self._writer.start()

    def _write_loop(self) -> None:
        stop = False
        while not stop:
            batch = [self._queue.get()]
            with contextlib.suppress(queue.Empty):
                while len(batch) < 4096:
                    batch.append(self._queue.get_nowait())
            stop = None in batch
            # seq -1 is the fold thread's wake-up call, not an edit.
            entries = [item for item in batch if item is not None and item[0] > 0]
            if entries and self._error is None:
                try:
                    self._journal_file.write(b"".join(line for _, line, _ in entries))
                    self._journal_file.flush()
                    _datasync(self._journal_file.fileno())
                except OSError as error:
                    self._fail(error)
                    continue
                for _, _, ops in entries:
                    _apply(self._durable, ops)
                self._entries += len(entries)
                with self._cond:
                    self._durable_seq = entries[-1][0]
                    self._cond.notify_all()
                if self.on_durable is not None:
                    self.on_durable(self._durable_seq)
            if self._error is None:
                self._maybe_fold()

    def _fail(self, error: OSError) -> None:
        self._error = StoreWriteError(
            self.path,
            f"could not save to {self.journal}: {error.strerror or error}. "
            "Edits since the last save are kept in memory only.",
        )
        with self._cond:
            self._cond.notify_all()
        if self.on_error is not None:
            self.on_error(self._error)

    def _maybe_fold(self) -> None:
        # A fold that finished: the base now holds everything up to ``base_seq``, so the
        # journal can be cut down to the entries after it.
        with contextlib.suppress(queue.Empty):
            base_seq, failure = self._fold_result.get_nowait()
            self._compactor = None
            if failure is None:
                self._rewrite_journal(base_seq)
            else:
                self.warnings.append(f"folding the journal into {self.path} failed: {failure}")
        if self._compactor is None and self._entries >= self.compact_every:
            snapshot = {name: dict(table) for name, table in self._durable.items()}
            seq = self._durable_seq
            snapshot["meta"] = {"1": {**snapshot["meta"].get("1", {}), "seq": seq}}
            self._fold_offset = self._journal_file.tell()
            self._compactor = threading.Thread(
                target=self._fold, args=(snapshot, seq), name="newsreader-store-fold", daemon=True
            )
            self._compactor.start()

    def _fold(self, snapshot: Tables, seq: int) -> None:
        try:
            write_tables(self.path, snapshot)
        except BaseException as error:
            self._fold_result.put((seq, error))
        else:
            self._fold_result.put((seq, None))
        # Wake the writer so that it cuts the journal even when no edit comes.
        self._queue.put((-1, b"", []))

    def _rewrite_journal(self, base_seq: int) -> None:
        try:
            self._journal_file.flush()
            with open(self.journal, "rb") as f:
                f.seek(self._fold_offset)
                tail = f.read()
            tmp = _temp_path(self.journal)
            with open(tmp, "wb") as out:
                out.write(tail)
                out.flush()
                os.fsync(out.fileno())
            os.replace(tmp, self.journal)
            _fsync_dir(self.path.parent)
            self._journal_file.close()
            self._journal_file = open(self.journal, "ab")  # noqa: SIM115
            self._entries = tail.count(b"\n")
        except OSError as error:
            self._fail(error)

    def abandon(self) -> None:
        """Stop without writing anything (an open that failed half way): the files stay as
        they were, except a journal this open created empty, which is removed."""
        if self._closed:
            return
        self._closed = True
        if self._writer is not None:
            self._queue.put(None)
            self._writer.join()
            with contextlib.suppress(OSError, ValueError):
                self._journal_file.close()
            if not self._journal_existed and _size(self.journal) == 0:
                with contextlib.suppress(OSError):
                    self.journal.unlink()
        self._lock.release()

    def close(self) -> None:
        """Write everything, fold the journal into the base, and release the lock."""
        if self._closed:
            return
        self._closed = True
        if self.read_only or self._writer is None:
            self._lock.release()
            return
        self._queue.put(None)
        self._writer.join()
        compactor = self._compactor
        if compactor is not None:
            compactor.join()
        try:
            if self._error is None:
                self._journal_file.close()
                final = {name: dict(table) for name, table in self._durable.items()}
                final["meta"] = {"1": {**final["meta"].get("1", {}), "seq": self._durable_seq}}
                write_tables(self.path, final)
                with contextlib.suppress(FileNotFoundError):
                    self.journal.unlink()
                _fsync_dir(self.path.parent)
        finally:
            with contextlib.suppress(OSError, ValueError):
                self._journal_file.close()
            self._lock.release()
        if self._error is not None:
            raise self._error


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except FileNotFoundError:
        return 0


_REPEATED = ("doc_id", "doc_hash", "label", "annotator", "created", "modified")


def _intern(tables: Tables) -> None:
    """Share the strings that repeat across records (ids of articles, labels, names): a store
    of 100k spans holds only a few distinct values of each. Done once, before anyone shares the
    records."""
    seen: dict[str, str] = {}
    share = seen.setdefault
    for record in tables.get("spans", {}).values():
        for name in _REPEATED:
            value = record.get(name)
            if value.__class__ is str:
                record[name] = share(value, value)


def _apply(tables: Tables, ops: Iterable[Op]) -> None:
    for name, key, record in ops:
        table = tables.setdefault(name, {})
        if record is None:
            table.pop(key, None)
        else:
            table[key] = record


def describe(path: Path) -> dict[str, Any]:
    """Facts about the store at ``path`` for ``newsreader store``, without locking it."""
    facts: dict[str, Any] = {"path": str(path), "exists": path.exists()}
    facts["journal_bytes"] = _size(journal_path(path))
    facts["bytes"] = _size(path)
    holder = lock_holder(path)
    if holder is not None:
        facts["locked_by"] = holder or "?"
    return facts


def lock_holder(path: Path) -> str | None:
    """The process holding the store's lock ("" when it is held but the file names none), or
    None when no process holds it. A lock file left by a process that died (kill -9) is not
    held: the operating system released its lock."""
    try:
        fd = os.open(lock_path(path), os.O_RDONLY)
    except OSError:
        return None
    try:
        if sys.platform == "win32":  # pragma: no cover - exercised on Windows only
            return _read_holder(fd)  # msvcrt locks need write access; be careful
        import fcntl

        try:
            fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except BlockingIOError:
            return _read_holder(fd)
        except OSError:
            return None
        fcntl.flock(fd, fcntl.LOCK_UN)
        return None
    finally:
        os.close(fd)


def move_aside(path: Path, stamp: str) -> list[Path]:
    """Rename the store at ``path`` to ``NAME.broken-STAMP`` and its journal to that store's
    journal (``NAME.broken-STAMP.journal``), so opening the moved store keeps its unmerged
    edits; returns the new names. Refuses (StoreLocked) while a process holds the store.

    Nothing is deleted: the user can still recover what the files hold by hand.
    """
    holder = lock_holder(path)
    if holder is not None:
        raise StoreLocked(
            path,
            f"{path} is open in another newsreader"
            + (f" (process {holder})" if holder else "")
            + "; a store in use is never moved. Close that one first.",
        )
    if not path.parent.is_dir():
        raise StoreError(path, f"{path.parent} is not a folder; there is no store to move")
    target = path.with_name(f"{path.name}.broken-{stamp}")
    moved = []
    for source, dest in ((path, target), (journal_path(path), journal_path(target))):
        if source.exists():
            os.replace(source, dest)
            moved.append(dest)
    _fsync_dir(path.parent)
    return moved


def repair_store(path: Path, stamp: str) -> tuple[Path, Path] | None:
    """Keep the edits before the first damaged journal entry: the store file gets them, and
    the journal and the store file as they were are kept as ``NAME.journal.damaged-STAMP`` and
    ``NAME.before-repair-STAMP``. Returns those two names, or None when nothing is damaged."""
    holder = lock_holder(path)
    if holder is not None:
        raise StoreLocked(
            path, f"{path} is open in another newsreader; close it before repairing it"
        )
    storage = JournalStorage(path, read_only=True)
    try:
        if storage.damaged is None:
            return None
        tables = storage.read()
    finally:
        storage.close()
    journal = journal_path(path)
    kept_journal = journal.with_name(f"{journal.name}.damaged-{stamp}")
    kept_base = path.with_name(f"{path.name}.before-repair-{stamp}")
    if path.exists():
        shutil.copy2(path, kept_base)
    os.replace(journal, kept_journal)
    write_tables(path, tables)
    return kept_journal, kept_base
