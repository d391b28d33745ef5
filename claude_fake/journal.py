"""The request journal: every request an engine saw, what answered it, and the problems met."""

from __future__ import annotations

import dataclasses
import threading
from collections import Counter

from claude_fake.model import FakeRequest, FakeResponse


class Journal:
    """Requests in the order they were answered. Thread-safe. The record a test reads (the
    request with its ``response`` and ``source``) is built once, on the first read after it was
    logged, so logging stays cheap on the request path."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._log: list[tuple[FakeRequest, FakeResponse]] = []
        self._records: list[FakeRequest] = []
        self.problems: list[str] = []
        self.stats: Counter[str] = Counter()

    def add(self, request: FakeRequest, response: FakeResponse) -> None:
        """Log one answered request."""
        with self._lock:
            self.stats[response.source.value] += 1
            self._log.append((request, response))

    def problem(self, text: str) -> None:
        """Note a problem a request met (a miss, a bad script, a bug of the fake)."""
        with self._lock:
            self.problems.append(text)

    def records(self) -> list[FakeRequest]:
        """Every logged request, each with the ``response`` and ``source`` it got."""
        with self._lock:
            self._records.extend(
                dataclasses.replace(request, response=response.payload, source=response.source)
                for request, response in self._log[len(self._records) :]
            )
            return list(self._records)

    def __len__(self) -> int:
        return len(self._log)

    def clear(self) -> None:
        """Forget every request, problem and count (the same objects, emptied)."""
        with self._lock:
            self._log.clear()
            self._records.clear()
            self.problems.clear()
            self.stats.clear()
