"""Where newsreader keeps things, and the user's configuration file.

The store: ``--db FILE`` on any command; else ``$NEWSREADER_DB``; else ``db`` in the
configuration file; else ``annotations.json`` in the platform's data folder
(``$XDG_DATA_HOME/newsreader`` or ``~/.local/share/newsreader`` on Linux,
``~/Library/Application Support/newsreader`` on macOS, ``%APPDATA%\\newsreader`` on Windows).
The data folder is the default because article folders are often read-only or shared, and the
sample corpus lives inside the installed package; a project names its own store with ``--db``.

The configuration file: ``$NEWSREADER_CONFIG``, else ``config.toml`` in the platform's
configuration folder (``$XDG_CONFIG_HOME/newsreader`` or ``~/.config/newsreader``; macOS and
Windows as above). It is optional. Its keys::

    annotator = "ana"                 # the name written on annotations (default: login name)
    db = "~/projects/iran/store.json" # the default store
    labels = ["background", "opinion"]  # labels beside claim and quote
    relations = ["exaggerates"]        # relations beside paraphrase, contradicts, misquote, partial

    [keys]                             # remap keys by binding id (the README lists them)
    tag_claim = "C"
"""

from __future__ import annotations

import os
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from platformdirs.api import PlatformDirsABC

# What the app's first frame needs of this module is kept light: TOML and the annotation model
# are imported when a configuration file is read.

_NAME = r"^[A-Za-z][A-Za-z0-9_-]{0,39}$"  # compiled when a file names labels


class ConfigError(Exception):
    """The configuration file cannot be used; the message names the file and the line."""


def platform_dirs() -> PlatformDirsABC:
    """The platform's folders for newsreader (roaming on Windows: ``%APPDATA%``), as they have
    always been: ``$XDG_DATA_HOME/newsreader`` or ``~/.local/share/newsreader`` and
    ``$XDG_CONFIG_HOME/newsreader`` or ``~/.config/newsreader`` on Linux,
    ``~/Library/Application Support/newsreader`` on macOS, ``%APPDATA%\\newsreader`` on Windows."""
    if sys.platform == "win32":
        from platformdirs.windows import Windows

        return Windows("newsreader", appauthor=False, roaming=True)
    if sys.platform == "darwin":
        from platformdirs.macos import MacOS

        return MacOS("newsreader", appauthor=False, roaming=True)
    from platformdirs.unix import Unix

    return Unix("newsreader", appauthor=False, roaming=True)


_XDG = ("XDG_DATA_HOME", "XDG_CONFIG_HOME")


def _platform_dir(kind: str) -> Path:
    dirs = platform_dirs()
    if sys.platform == "darwin" and any(os.environ.get(name) for name in _XDG):
        # Newer platformdirs follow $XDG_* on macOS too; newsreader never has, and a user's
        # store must not move, so macOS keeps its Application Support folder.
        return Path.home() / "Library" / "Application Support" / "newsreader"
    return Path(dirs.user_data_dir if kind == "data" else dirs.user_config_dir)


def data_folder() -> Path:
    """The platform's data folder for newsreader (the default store and the analysis cache)."""
    return _platform_dir("data")


def default_store_path() -> Path:
    """The store used when neither --db, $NEWSREADER_DB nor the configuration names one."""
    return _platform_dir("data") / "annotations.json"


def config_path() -> Path:
    """Where the configuration file is read from."""
    override = os.environ.get("NEWSREADER_CONFIG")
    return Path(override).expanduser() if override else _platform_dir("config") / "config.toml"


@dataclass(frozen=True)
class Config:
    """The user's settings; every field has a default, so the file is optional."""

    annotator: str | None = None
    db: Path | None = None
    labels: tuple[str, ...] = ()
    relations: tuple[str, ...] = ()
    keys: dict[str, str] = field(default_factory=dict)
    """Key bindings by binding id (``[keys]`` in the file), e.g. ``tag_claim = "C"``."""
    source: Path | None = None
    """The file the settings came from (None when there was none)."""
    warnings: tuple[str, ...] = ()
    """What the user should know about how the settings were read (a missing named file)."""

    def store_path(self, db: str | os.PathLike[str] | None = None) -> Path:
        """The store to use: ``db`` (from --db), else $NEWSREADER_DB, else ``db`` here, else
        the default."""
        if db:
            return Path(db).expanduser()
        env = os.environ.get("NEWSREADER_DB")
        if env:
            return Path(env).expanduser()
        return self.db or default_store_path()


def load_config(path: Path | None = None) -> Config:
    """Read the configuration file (the default place unless ``path``); missing means defaults.

    Raises ConfigError naming the file and line for TOML errors, unknown keys and wrong types.
    """
    named = path is None and bool(os.environ.get("NEWSREADER_CONFIG"))
    path = path or config_path()
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        if named:
            return Config(
                warnings=(
                    f"$NEWSREADER_CONFIG names {path}, which does not exist; "
                    "using the default settings",
                )
            )
        return Config()
    except IsADirectoryError:
        raise ConfigError(f"{path}: is a folder, not a configuration file") from None
    except OSError as error:
        raise ConfigError(f"{path}: cannot be read: {error.strerror}") from None
    import tomllib

    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as error:
        raise ConfigError(f"{path}: byte {error.start} is not UTF-8") from None
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{path}: {error}") from None
    return _read(path, data, raw.decode("utf-8"))


def _line_of(text: str, key: str) -> str:
    for number, line in enumerate(text.splitlines(), start=1):
        if re.match(rf"\s*{re.escape(key)}\s*=", line):
            return f"line {number}: "
    return ""


def _read(path: Path, data: dict[str, Any], text: str) -> Config:
    from .model import BUILTIN_LABELS, BUILTIN_RELATIONS

    known = {"annotator", "db", "labels", "relations", "keys"}
    for key in data:
        if key not in known:
            raise ConfigError(
                f"{path}: {_line_of(text, key)}unknown setting {key!r} "
                f"(the settings are {', '.join(sorted(known))})"
            )

    def names(key: str, builtin: tuple[str, ...]) -> tuple[str, ...]:
        value = data.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise ConfigError(f"{path}: {_line_of(text, key)}{key} must be a list of names")
        for name in value:
            if not re.match(_NAME, name):
                raise ConfigError(
                    f"{path}: {_line_of(text, key)}{name!r} is not a usable name in {key} "
                    "(a letter, then letters, digits, _ or -, at most 40)"
                )
        return tuple(v for v in dict.fromkeys(value) if v not in builtin)

    annotator = data.get("annotator")
    if annotator is not None and (not isinstance(annotator, str) or not annotator.strip()):
        raise ConfigError(f"{path}: {_line_of(text, 'annotator')}annotator must be a name")
    db = data.get("db")
    if db is not None and (not isinstance(db, str) or not db.strip()):
        raise ConfigError(f"{path}: {_line_of(text, 'db')}db must be a file path")
    keys = data.get("keys", {})
    if not isinstance(keys, dict) or not all(
        isinstance(k, str) and isinstance(v, str) and v.strip() for k, v in keys.items()
    ):
        raise ConfigError(
            f"{path}: {_line_of(text, 'keys')}[keys] must map binding ids to keys, "
            'e.g. tag_claim = "C" (the README lists the ids)'
        )
    return Config(
        keys=dict(keys),
        annotator=annotator.strip() if annotator else None,
        # A relative path is relative to the configuration file's folder.
        db=(path.parent / Path(db).expanduser()) if db else None,
        labels=names("labels", BUILTIN_LABELS),
        relations=names("relations", BUILTIN_RELATIONS),
        source=path,
    )
