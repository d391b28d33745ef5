"""The engine's clock: real time plus whatever a test adds with ``advance``.

Cache TTLs and batch processing run on it, so a test can expire a 5-minute cache entry or finish
a batch at once with ``fake.clock.advance(301)`` instead of sleeping.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from claude_fake import checks

Listener = Callable[[float], None]


class Clock:
    """Seconds since the epoch: the wall time at creation, plus elapsed time, plus advances."""

    def __init__(self, start: float | None = None) -> None:
        self._start = time.time() if start is None else start
        self._mono = time.monotonic()
        self._offset = 0.0
        self._lock = threading.Lock()
        self._listeners: list[Listener] = []

    def now(self) -> float:
        """The current time on this clock (epoch seconds)."""
        with self._lock:
            return self._start + (time.monotonic() - self._mono) + self._offset

    def advance(self, seconds: float) -> float:
        """Move the clock forward by ``seconds`` (>= 0); returns the new time."""
        step = checks.seconds(seconds, "clock.advance() only moves forward:")
        with self._lock:
            self._offset += step
            listeners = list(self._listeners)
        now = self.now()
        for listener in listeners:
            listener(now)
        return now

    def on_advance(self, listener: Listener) -> None:
        """Call ``listener(now)`` after every ``advance``."""
        with self._lock:
            self._listeners.append(listener)
