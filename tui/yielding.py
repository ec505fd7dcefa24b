"""Background work that gives way to the user.

A worker that indexes the corpus or the store holds the interpreter for seconds (its cost grows
with the store); Python lets one thread run at a time, so while it runs, each step of a key's
handling and each frame waits its turn, and an edit on a big store takes longer than on an
empty one. The app notes each key, click and scroll in a :class:`UserActivity`; the worker's
long loops call :meth:`UserActivity.wait_quiet` between small steps, which returns at once when
the user has been idle for ``quiet`` seconds and otherwise waits until then.
"""

from __future__ import annotations

import time
from collections.abc import Callable

QUIET = 0.5
"""Seconds after the user's last input before background work goes on."""


class UserActivity:
    """When the user last did something; background steps wait until that is ``quiet`` ago."""

    def __init__(
        self,
        quiet: float = QUIET,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], object] = time.sleep,
    ) -> None:
        self.quiet = quiet
        self._clock = clock
        self._sleep = sleep
        self._last = float("-inf")
        self.waits = 0
        """How many times background work has waited (for tests)."""

    def touch(self) -> None:
        """The user did something now (called on the app's thread, for each input event)."""
        self._last = self._clock()

    def busy(self) -> bool:
        """True when the user did something less than ``quiet`` seconds ago."""
        return self._clock() - self._last < self.quiet

    def wait_quiet(self, cancelled: Callable[[], bool] | None = None) -> None:
        """Return once the user has been idle ``quiet`` seconds (or ``cancelled()`` is true)."""
        while (left := self.quiet - (self._clock() - self._last)) > 0:
            if cancelled is not None and cancelled():
                return
            self.waits += 1
            self._sleep(min(left, 0.05))


__all__ = ["QUIET", "UserActivity"]
