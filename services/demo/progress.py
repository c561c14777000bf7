"""A plain-text progress bar per phase, on stderr (so `--json` keeps stdout for the JSON)."""

from __future__ import annotations

import sys
import time


class Progress:
    WIDTH = 30

    def __init__(self, stream=None, quiet: bool = False):
        self.stream = stream or sys.stderr
        self.quiet = quiet
        self._tty = hasattr(self.stream, "isatty") and self.stream.isatty()

    def phase(self, name: str, total: int) -> Bar:
        return Bar(self, name, max(total, 1))


class Bar:
    def __init__(self, progress: Progress, name: str, total: int):
        self.progress, self.name, self.total, self.done = progress, name, total, 0
        self.started = time.monotonic()
        self._shown = -1

    def advance(self, n: int = 1) -> None:
        self.done = min(self.total, self.done + n)
        tenth = self.done * 10 // self.total
        if self.progress._tty or tenth != self._shown:  # not a tty: a line per tenth, not per step
            self._shown = tenth
            self._draw(end="\r" if self.progress._tty else "\n")

    def finish(self, note: str = "") -> None:
        shown_full = self._shown == 10 and not self.progress._tty
        self.done = self.total
        if note or not shown_full:  # a full bar already printed as a line needs no second line
            self._draw(end="\n", note=note)

    def _draw(self, end: str, note: str = "") -> None:
        if self.progress.quiet:
            return
        filled = self.done * Progress.WIDTH // self.total
        bar = "#" * filled + "." * (Progress.WIDTH - filled)
        seconds = time.monotonic() - self.started
        text = f"{self.name:<22} [{bar}] {self.done}/{self.total} {seconds:5.1f}s"
        if note:
            text += f"  {note}"
        self.progress.stream.write(text + end)
        self.progress.stream.flush()
