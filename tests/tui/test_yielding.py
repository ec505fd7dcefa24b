"""Background indexing gives way to the user (tui/yielding.py): a key is never handled while a
worker holds the interpreter for a long step of indexing a big store."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import pytest

from newsreader.annotations.linking import Linker
from newsreader.annotations.workbench import Workbench
from newsreader.tui.yielding import UserActivity

from .test_app import app_for
from .waiting import until


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0
        self.slept: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


def test_wait_quiet_returns_at_once_when_the_user_is_idle() -> None:
    clock = FakeClock()
    activity = UserActivity(0.5, clock=clock, sleep=clock.sleep)
    activity.wait_quiet()
    assert not activity.busy() and clock.slept == [] and activity.waits == 0
    activity.touch()
    clock.now += 0.6
    activity.wait_quiet()
    assert clock.slept == []


def test_wait_quiet_waits_until_the_user_has_been_idle_long_enough() -> None:
    clock = FakeClock()
    activity = UserActivity(0.5, clock=clock, sleep=clock.sleep)
    activity.touch()
    clock.now += 0.2
    assert activity.busy()
    activity.wait_quiet()
    assert not activity.busy() and 100.49 < clock.now < 100.56  # no longer than needed
    assert all(s <= 0.05 for s in clock.slept) and activity.waits == len(clock.slept)


def test_wait_quiet_stops_waiting_when_cancelled() -> None:
    clock = FakeClock()
    activity = UserActivity(10.0, clock=clock, sleep=clock.sleep)
    activity.touch()
    activity.wait_quiet(lambda: len(clock.slept) >= 3)
    assert len(clock.slept) == 3 and activity.busy()


async def test_keys_hold_the_index_back_until_the_user_pauses(tmp_path: Path) -> None:
    app = app_for(tmp_path)
    app.activity = UserActivity(3600.0)  # a user at work who never stops (until told)
    app.activity.touch()
    async with app.run_test(size=(160, 45)) as pilot:
        await until(pilot, lambda: app.store is not None and app.activity.waits > 2)
        assert app.linker is None and app.busy.startswith("indexing")
        app.activity.quiet = 0.0  # the user pauses: the index is built
        await until(pilot, lambda: app.linker is not None and not app.busy)
        app.activity = UserActivity(3600.0)
        assert not app.activity.busy()
        await pilot.press("j")  # each key marks the user at work
        assert app.activity.busy()


async def test_closing_the_app_stops_an_index_that_waits(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    outcomes: list[str] = []
    build = Workbench.build_linker

    def spy(self: Workbench, pause: Callable[[], object] | None = None) -> Linker:
        try:
            linker = build(self, pause)
        except Exception as error:
            outcomes.append(type(error).__name__)
            raise
        outcomes.append("built")
        return linker

    monkeypatch.setattr(Workbench, "build_linker", spy)
    app = app_for(tmp_path)
    app.activity = UserActivity(3600.0)
    app.activity.touch()
    async with app.run_test(size=(160, 45)) as pilot:
        await until(pilot, lambda: app.store is not None and app.activity.waits > 0)
    # The waiting worker was cancelled with the app: it stops without building the index.
    deadline = time.monotonic() + 60
    while not outcomes and time.monotonic() < deadline:
        time.sleep(0.02)
    assert outcomes == ["IndexCancelled"]
