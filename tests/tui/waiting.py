"""Waiting in pilot tests by the clock, not by a count of pauses: on a loaded machine a worker
thread can take seconds of wall time while the app's message queue is long empty."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any


async def until(pilot: Any, ready: Callable[[], bool], seconds: float = 60.0) -> None:
    """Pause ``pilot`` until ``ready()`` holds; fail after ``seconds``."""
    deadline = time.monotonic() + seconds
    while not ready():
        if time.monotonic() > deadline:
            raise AssertionError(f"not ready after {seconds:.0f} s")
        await pilot.pause(0.02)
