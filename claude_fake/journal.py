"""The request journal: the requests an engine saw, what answered each, and the problems met.

Unbounded by default (``FakeClaude()`` in a test keeps every request); ``size=N`` keeps the last
N (``claude-fake serve`` keeps 10,000) and counts the ones it let go, so a server left running
for hours holds a fixed amount of memory. Every entry has an id (1, 2, ... since the last reset)
that ``page(after=ID)`` pages by.
"""

from __future__ import annotations

import dataclasses
import itertools
import threading
from collections import Counter, deque
from typing import Any

from claude_fake.model import AnsweredBy, FakeRequest, FakeResponse


class _Entry:
    """One logged request. The journal keeps what its record needs (the request, the answer's
    JSON and source), not the response's bytes or stream chunks."""

    __slots__ = ("id", "payload", "record", "request", "source")

    def __init__(self, entry_id: int, request: FakeRequest, response: FakeResponse) -> None:
        self.id, self.request = entry_id, request
        self.payload: Any = response.payload
        self.source: AnsweredBy = response.source
        self.record: FakeRequest | None = None

    def built(self) -> FakeRequest:
        """The request with its ``response`` and ``source``: built on the first read only."""
        if self.record is None:
            self.record = dataclasses.replace(
                self.request, response=self.payload, source=self.source
            )
        return self.record


@dataclasses.dataclass(frozen=True, slots=True, kw_only=True)
class Page:
    """One page of the journal: ``(id, record)`` pairs, and how the page sits in the whole."""

    items: list[tuple[int, FakeRequest]]
    dropped: int  # requests let go because the journal was full (since the last reset)
    next_after: int | None  # pass as ``after`` for the next page; None when this one is the last
    first_id: int | None  # the oldest id still kept
    last_id: int | None  # the newest id


class Journal:
    """Requests in the order they were answered; the last ``size`` of them (None: all).
    Thread-safe."""

    def __init__(self, size: int | None = None) -> None:
        if size is not None and (isinstance(size, bool) or not isinstance(size, int) or size < 0):
            raise ValueError(f"journal size must be a whole number >= 0 or None, not {size!r}")
        self.size = size
        self._lock = threading.Lock()
        self._log: deque[_Entry] = deque(maxlen=size)
        self._next = 1
        self.problems: list[str] = []
        self.stats: Counter[str] = Counter()

    @property
    def next_id(self) -> int:
        """The id the next logged request gets (the number of requests since the last reset,
        plus one)."""
        return self._next

    @property
    def dropped(self) -> int:
        """How many requests were let go because the journal was full."""
        return self._next - 1 - len(self._log)

    def add(self, request: FakeRequest, response: FakeResponse) -> None:
        """Log one answered request (the oldest one goes when the journal is full)."""
        with self._lock:
            self.stats[response.source.value] += 1
            entry_id = self._next
            self._next += 1
            if self.size != 0:
                self._log.append(_Entry(entry_id, request, response))

    def problem(self, text: str) -> None:
        """Note a problem a request met (a miss, a bad script, a bug of the fake); a bounded
        journal keeps the last ``size`` problems too (trimmed in batches: the same list object)."""
        with self._lock:
            self.problems.append(text)
            limit = self.size
            if limit is not None and len(self.problems) > 2 * limit + 16:
                del self.problems[: len(self.problems) - limit]

    def records(self) -> list[FakeRequest]:
        """Every kept request, each with the ``response`` and ``source`` it got."""
        with self._lock:
            return [entry.built() for entry in self._log]

    def page(self, *, after: int = 0, limit: int = 100) -> Page:
        """Up to ``limit`` kept requests with an id above ``after``, oldest first."""
        with self._lock:
            log = self._log
            first = log[0].id if log else None
            # ids are consecutive in the deque: index straight to the first one wanted
            start = 0 if first is None else max(0, after + 1 - first)
            picked = list(itertools.islice(log, start, start + limit)) if start < len(log) else []
            items = [(entry.id, entry.built()) for entry in picked]
            last = log[-1].id if log else None
            more = bool(items) and last is not None and items[-1][0] < last
            return Page(
                items=items,
                dropped=self.dropped,
                next_after=items[-1][0] if more else None,
                first_id=first,
                last_id=last,
            )

    def __len__(self) -> int:
        return len(self._log)

    def clear(self) -> None:
        """Forget every request, problem and count (the same objects, emptied); ids restart."""
        with self._lock:
            self._log.clear()
            self._next = 1
            self.problems.clear()
            self.stats.clear()
