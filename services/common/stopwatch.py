"""Timing of a use case's stages, for benchmarks only: business code calls ``watch.lap(name)``
at stage boundaries and is handed `NO_STOPWATCH` (which does nothing) everywhere but in a
benchmark, which passes a `Stopwatch` and reads its ``laps``."""

from __future__ import annotations

import time


class Stopwatch:
    """Seconds per stage: ``lap(name)`` records the time since the previous lap (or start)."""

    def __init__(self):
        self.laps: dict[str, float] = {}
        self.started = self._last = time.perf_counter()

    def lap(self, stage: str) -> None:
        now = time.perf_counter()
        self.laps[stage] = self.laps.get(stage, 0.0) + (now - self._last)
        self._last = now

    def add(self, stage: str, seconds: float) -> None:
        """Record time measured elsewhere (e.g. the part of a COPY spent producing rows)."""
        self.laps[stage] = self.laps.get(stage, 0.0) + seconds

    def total(self) -> float:
        return self._last - self.started


class _NoStopwatch:
    def lap(self, stage: str) -> None:
        pass

    def add(self, stage: str, seconds: float) -> None:
        pass


NO_STOPWATCH = _NoStopwatch()
