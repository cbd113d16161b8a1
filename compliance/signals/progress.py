"""A progress bar on stderr while logs are read: bytes done, records, records per second.

Shown only when stderr is a terminal and `CI` is not set; piped, redirected or in CI nothing is
written, so reports on stdout and logs in CI stay clean. rich is imported only when shown.
"""

from __future__ import annotations

import os
import sys
import time
from typing import Any


def wanted(enabled: bool | None = None) -> bool:
    """The default: a terminal on stderr and no CI variable."""
    if enabled is not None:
        return enabled
    if os.environ.get("CI"):
        return False
    return bool(getattr(sys.stderr, "isatty", lambda: False)())


class Progress:
    def __init__(self, total_bytes: int, enabled: bool | None = None) -> None:
        self.total = max(total_bytes, 1)
        self.enabled = wanted(enabled)
        self.records = 0
        self.done = 0
        self.started = time.perf_counter()
        self._bar: Any = None
        self._task: Any = None

    def __enter__(self) -> "Progress":
        if self.enabled:
            from rich.console import Console
            from rich.progress import BarColumn, Progress as Bar, TextColumn, TimeElapsedColumn

            self._bar = Bar(TextColumn("reading logs"), BarColumn(), TextColumn("{task.percentage:>3.0f}%"),
                            TextColumn("{task.fields[records]} records · {task.fields[rate]} rec/s"), TimeElapsedColumn(),
                            console=Console(file=sys.stderr), transient=True)
            self._bar.__enter__()
            self._task = self._bar.add_task("logs", total=self.total, records="0", rate="-")
        return self

    def __exit__(self, *exc: Any) -> None:
        if self._bar is not None:
            self._refresh()
            self._bar.__exit__(*exc)
            self._bar = None

    def advance_records(self, n: int) -> None:
        self.records += n
        if self._bar is not None:
            self._refresh()

    def advance_bytes(self, n: int) -> None:
        self.done = min(self.total, self.done + n)
        if self._bar is not None:
            self._refresh()

    def _refresh(self) -> None:
        elapsed = max(time.perf_counter() - self.started, 1e-6)
        self._bar.update(self._task, completed=self.done, records=f"{self.records:,}", rate=f"{self.records / elapsed:,.0f}")
