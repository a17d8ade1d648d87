"""A progress bar on stderr that follows a job's ``progress {done, total}`` (variants),
or a batch's (items).

On a terminal it redraws one line; in a log or a pipe it writes a line only when the
count changes, so captured output stays short and readable.
"""

from __future__ import annotations

import sys
from typing import TextIO

WIDTH = 30


class ProgressBar:
    def __init__(self, label: str, stream: TextIO | None = None, unit: str = "variants") -> None:
        self.label = label
        self.unit = unit
        self.stream = stream or sys.stderr
        self._last: tuple[int, int] | None = None
        self._interactive = self.stream.isatty()

    def __call__(self, done: int, total: int) -> None:
        if (done, total) == self._last:
            return
        self._last = (done, total)
        line = self.line(done, total)
        if self._interactive:
            self.stream.write("\r" + line)
        else:
            self.stream.write(line + "\n")
        self.stream.flush()

    def line(self, done: int, total: int) -> str:
        share = done / total if total else 0.0
        filled = round(share * WIDTH)
        bar = "#" * filled + "-" * (WIDTH - filled)
        return f"{self.label} [{bar}] {done}/{total or '?'} {self.unit}"

    def finish(self) -> None:
        if self._interactive and self._last is not None:
            self.stream.write("\n")
            self.stream.flush()
