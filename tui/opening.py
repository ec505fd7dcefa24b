"""Opening the store in a worker, and what the app does when it cannot be opened.

The worker opens the store, finds the articles' spans again and builds the workbench; the app
shows the annotations as soon as that is posted back, while the same worker goes on to build the
linking index. Nothing on the main thread grows with the size of the store.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING

from textual import work

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

    from newsreader.annotations.config import Config
    from newsreader.annotations.workbench import Workbench

    from .messages import IndexBuilt, Saved, SaveFailed, StoreOpened
    from .yielding import UserActivity


class IndexCancelled(Exception):
    """The index worker was cancelled between two steps: the index is dropped."""


class StoreOpening:
    """Mixed into the app: the store's worker and the messages it posts."""

    # The app provides ``workbench``, ``store_path``, ``config``, ``annotator``, ``state``,
    # ``busy``, ``activity``, ``refresh_status`` and ``refresh_all``, besides Textual's own.
    workbench: Workbench
    activity: UserActivity
    store_path: Path | None
    config: Config
    annotator: str | None
    state: str
    busy: str

    @work(thread=True, exclusive=True, group="store")
    def _open_store(self, read_only: bool = False) -> None:
        from newsreader.annotations.journal import StoreError
        from newsreader.annotations.store import Store
        from newsreader.annotations.workbench import Workbench

        from .messages import IndexBuilt, Saved, SaveFailed, StoreOpened

        documents = self.documents
        if self.store_path is None:
            self.post_message(StoreOpened(None, None))
            return
        try:
            store = Store.open(
                self.store_path,
                read_only=read_only,
                annotator=self.annotator,
                labels=self.config.labels,
                relations=self.config.relations,
                on_durable=lambda _seq: self.post_message(Saved()),
                on_error=lambda error: self.post_message(SaveFailed(str(error))),
                allow_newer=read_only,
            )
        except StoreError as error:
            self.post_message(StoreOpened(None, None, error))
            return
        report = store.attach(documents)
        workbench = Workbench(store, documents)
        self.post_message(StoreOpened(workbench, report))
        # The annotations show as soon as the store is read; linking waits for the index,
        # which is built while the user is not at work (it would slow each key: yielding.py).
        try:
            workbench.build_linker(self._index_pause())
        except IndexCancelled:
            return
        self.post_message(IndexBuilt())

    @work(thread=True, exclusive=True, group="index")
    def _build_index(self) -> None:
        from .messages import IndexBuilt

        try:
            self.workbench.build_linker(self._index_pause())
        except IndexCancelled:
            return
        self.post_message(IndexBuilt())

    def _index_pause(self) -> Callable[[], None]:
        """What the index worker calls between steps: wait while the user is at work; stop
        (``IndexCancelled``) once the worker is cancelled (the app is closing)."""
        from textual.worker import get_current_worker

        worker = get_current_worker()
        activity = self.activity

        def pause() -> None:
            activity.wait_quiet(lambda: worker.is_cancelled)
            if worker.is_cancelled:
                raise IndexCancelled

        return pause

    def on_store_opened(self, message: StoreOpened) -> None:
        if message.problem is not None:
            self._store_problem(message.problem)
            return
        if message.workbench is not None:
            self.workbench = message.workbench
        store = self.store
        self.state = "no store" if store is None else "read-only" if store.read_only else "saved"
        for warning in store.warnings if store else []:
            self.notify(warning, title="Store", severity="warning", timeout=12)
        report = message.report
        if report:
            lines = report.lines(store.documents() if store else None)
            self.notify(
                "\n".join(lines[:6]) + (f"\n… and {len(lines) - 6} more" if len(lines) > 6 else ""),
                title=f"{len(report.moved)} annotations moved, {len(report.orphaned)} orphaned "
                "because their articles changed",
                severity="warning",
                timeout=20,
            )
        self.busy = "indexing articles for linking…"
        if message.workbench is None:
            self._build_index()
        self.refresh_all()

    def _store_problem(self, problem: Exception) -> None:
        from newsreader.annotations.journal import StoreCorrupt, StoreLocked, StoreTooNew

        from .screens.dialogs import StoreProblemDialog

        self.busy = ""
        self.state = "no store"
        self.refresh_status()
        can_read = isinstance(problem, StoreTooNew) or not isinstance(problem, StoreCorrupt)
        # A store in use by another newsreader is healthy: it is never offered to move aside.
        can_move = not isinstance(problem, StoreLocked)
        self.push_screen(
            StoreProblemDialog(str(problem), can_read=can_read, can_move=can_move),
            self._store_problem_chosen,
        )
        self._build_index()

    def _store_problem_chosen(self, choice: str | None) -> None:
        if choice == "read-only":
            self.busy = "opening the store read-only…"
            self._open_store(read_only=True)
        elif choice == "move-aside" and self.store_path is not None:
            from newsreader.annotations.journal import describe, move_aside

            if "locked_by" in describe(self.store_path):
                self.notify(
                    f"{self.store_path} is in use by another newsreader; it is not moved.",
                    severity="error",
                    timeout=15,
                )
                return
            stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
            try:
                moved = move_aside(self.store_path, stamp)
            except OSError as error:
                self.notify(f"Could not move the store aside: {error}", severity="error")
                return
            self.notify("Moved aside: " + ", ".join(str(p) for p in moved), timeout=12)
            self.busy = "starting a fresh store…"
            self._open_store()
        elif choice is not None:
            self.notify(
                "Reading without a store: annotations will not be saved.",
                severity="warning",
                timeout=10,
            )

    def on_index_built(self, _: IndexBuilt) -> None:
        self.busy = ""
        self.refresh_status()

    def on_saved(self, _: Saved) -> None:
        if self.store is not None and self.store.saved and self.state == "saving…":
            self.state = "saved"
            self.refresh_status()

    def on_save_failed(self, message: SaveFailed) -> None:
        self.state = "NOT SAVED"
        self.refresh_status()
        self.notify(message.message, title="Saving failed", severity="error", timeout=30)


__all__ = ["IndexCancelled", "StoreOpening"]
