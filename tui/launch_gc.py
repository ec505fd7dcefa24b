"""The garbage collector rests while the app launches, until the first article text is shown.

Launching imports Textual and newsreader and builds the first screen: hundreds of thousands of
objects, nearly all of them kept for the life of the process (modules, classes, styles). The
collector's passes over them, triggered by that very growth, found no garbage worth having and
cost about 4% of the launch (instructions until the first text, counted by
``tests/benchmarks/bench_launch.py --instructions``: 1,200 M with the collector, 1,154 M
without). Textual itself pauses the collector the same way while it scrolls. So the console script
pauses it (``pause``) before it imports the app, and the app resumes it (``resume``) once its
first frame with article text is drawn, or after a few seconds whatever happens; reference
counting frees everything else as usual meanwhile. Only the console script pauses: an app made
by a test or a script runs with the collector as it found it.
"""

from __future__ import annotations

import gc

RESUME_AFTER = 3.0
"""Seconds after the app is mounted when the collector runs again even if no text was shown
(an index, an empty folder, a failed load)."""

_paused = False


def pause() -> None:
    """Stop automatic collection until :func:`resume` (nothing when it is already off)."""
    global _paused
    if gc.isenabled():
        gc.disable()
        _paused = True


def resume() -> None:
    """Collect automatically again, if :func:`pause` stopped it (idempotent)."""
    global _paused
    if _paused:
        _paused = False
        gc.enable()


def paused() -> bool:
    """True while the launch holds the collector."""
    return _paused
