"""A progress column that counts: ``done/total``, or ``done`` alone while the total is unknown
(``prepare`` streams its sources, so the partitions are counted before they are all known)."""

from __future__ import annotations

from rich.progress import ProgressColumn, Task
from rich.text import Text


class CountColumn(ProgressColumn):
    def render(self, task: Task) -> Text:
        done = f"{task.completed:.0f}"
        return Text(done if task.total is None else f"{done}/{task.total:.0f}")
