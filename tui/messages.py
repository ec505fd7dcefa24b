"""Messages the app's workers post back to the app (data goes down, messages come up)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from textual.message import Message

if TYPE_CHECKING:
    from newsreader.annotations.journal import StoreError
    from newsreader.annotations.store import AnchorReport
    from newsreader.annotations.workbench import Workbench
    from newsreader.corpus import LoadResult


@dataclass
class DocumentsLoaded(Message):
    """The articles are loaded (with the problems met)."""

    result: LoadResult


@dataclass
class StoreOpened(Message):
    """The store is open (or could not be) and the articles' spans were found again.

    ``workbench`` holds the open store; its linking index is still being built.
    """

    workbench: Workbench | None
    report: AnchorReport | None
    problem: StoreError | None = None


@dataclass
class IndexBuilt(Message):
    """The workbench's linking index is built."""


@dataclass
class Saved(Message):
    """The store says its edits are on disk (posted from its writer thread)."""


@dataclass
class SaveFailed(Message):
    """The store could not write."""

    message: str
