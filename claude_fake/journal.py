"""The request journal: the requests an engine saw, what answered each, and the problems met.

Unbounded by default (``FakeClaude()`` in a test keeps every request, as it got them); ``size=N``
keeps the last N (``claude-fake serve`` keeps 10,000) and counts the ones it let go, so a server
left running for hours holds a fixed amount of memory. Every entry has an id (1, 2, ... since the
last reset) that ``page(after=ID)`` pages by.

A bounded journal packs each entry: the body and the answer as JSON bytes, the rest in a tuple of
strings, parsed back into a record each time it is read. Packed entries hold no object the garbage
collector tracks, so a full journal adds nothing to a full collection (unpacked, the ~90,000
dicts and lists of 10,000 entries made each one stop the server for 40-170 ms).
"""

from __future__ import annotations

import dataclasses
import functools
import itertools
import json
import os
import threading
import time
from collections import Counter, deque
from collections.abc import Mapping
from typing import Any

from claude_fake.model import NO_PLAN, AnsweredBy, FakeRequest, FakeResponse, StreamPlan


@dataclasses.dataclass(frozen=True, slots=True)
class Outcome:
    """How answering one logged request went: the seconds the engine took (None: not timed),
    and what the traffic page shows beyond the answer's JSON: the status, when, and how it went
    out (a stream, its plan: delays and a fault's cut; a connection dropped before any byte)."""

    seconds: float | None = None
    status: int = 200
    at: float = 0.0  # wall-clock seconds (time.time()) when the answer was logged
    streamed: bool = False
    dropped: bool = False
    plan: StreamPlan = NO_PLAN

    @classmethod
    def of(cls, response: FakeResponse, seconds: float | None) -> Outcome:
        """The outcome of ``response``, logged now."""
        streamed = response.chunks is not None
        return cls(seconds, response.status, time.time(), streamed, response.dropped, response.plan)

    def packed(self) -> tuple[Any, ...]:
        """As a tuple of plain values (nothing the garbage collector tracks)."""
        plan = () if self.plan is NO_PLAN else dataclasses.astuple(self.plan)
        return (self.seconds, self.status, self.at, self.streamed, self.dropped, plan)

    @classmethod
    def unpacked(cls, packed: tuple[Any, ...]) -> Outcome:
        """The outcome ``packed()`` gave."""
        seconds, status, at, streamed, dropped, plan = packed
        names = (f.name for f in dataclasses.fields(StreamPlan))
        kept = StreamPlan(**dict(zip(names, plan, strict=True))) if plan else NO_PLAN
        return cls(seconds, status, at, streamed, dropped, kept)


class _Entry:
    """One logged request, unpacked (an unbounded journal). The journal keeps what its record
    needs (the request, the answer's JSON and source), not the response's bytes or stream chunks."""

    __slots__ = ("id", "outcome", "payload", "record", "request", "source")

    def __init__(
        self, entry_id: int, request: FakeRequest, response: FakeResponse, outcome: Outcome
    ) -> None:
        self.id, self.request, self.outcome = entry_id, request, outcome
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


# A packed entry: (id, method, path, query, headers, raw, body, response, source's value,
# root_path, provider, sent, then the outcome's values), headers as one string, JSON as bytes:
# strings, numbers and bytes only (a plan's values aside), so the collector stops tracking it at
# its first pass.
Packed = tuple[Any, ...]
_NONE = b""  # a packed None (no JSON text is empty)
_FROM_RAW = b"\x00"  # a packed body that is ``raw`` parsed, parsed again when read (no JSON)
_OUTCOME = 12  # where the outcome's values start
# Made once: ``json.dumps`` with options builds an encoder on every call, four per request here.
_encode = json.JSONEncoder(separators=(",", ":"), allow_nan=False).encode


def _pack_json(value: Any) -> Any:
    """JSON bytes of ``value`` (``_NONE`` for None); the value itself if it is not JSON."""
    if value is None:
        return _NONE
    try:
        return _encode(value).encode()
    except (TypeError, ValueError):
        return value


def _unpack_json(packed: Any) -> Any:
    if not isinstance(packed, bytes):
        return packed
    return None if packed == _NONE else json.loads(packed)


def _pack_headers(headers: Mapping[str, str]) -> Any:
    """Names and values in one NUL-joined string (no header holds a NUL); JSON bytes if one
    does."""
    flat = [part for pair in headers.items() for part in pair]
    joined = "\x00".join(flat)
    if joined.count("\x00") != max(len(flat) - 1, 0):
        return _pack_json(dict(headers))
    return joined


def _unpack_headers(packed: Any) -> dict[str, str]:
    if not isinstance(packed, str):
        return _unpack_json(packed)  # type: ignore[no-any-return]
    parts = packed.split("\x00") if packed else []
    return dict(zip(parts[::2], parts[1::2], strict=True))


def _pack(request: FakeRequest, response: FakeResponse, seconds: float | None) -> Packed:
    """A packed entry without its id. The headers go as one string; a body parsed from ``raw``
    as it came (not a thread's whole conversation) is parsed from ``raw`` again when read, not
    written out twice."""
    body = request.body
    from_raw = request.sent is None and bool(request.raw) and isinstance(body, dict | list)
    return (
        request.method,
        request.path,
        request.query,
        _pack_headers(request.headers),
        request.raw,
        _FROM_RAW if from_raw else _pack_json(body),
        _pack_json(response.payload),
        response.source.value,
        request.root_path,
        request.provider,
        _pack_json(request.sent),
        *Outcome.of(response, seconds).packed(),  # flat: no tuple inside to keep it tracked
    )


def _unpack(packed: Packed) -> FakeRequest:
    """The record of a packed entry, parsed anew (each read gets its own copy)."""
    _, method, path, query, headers, raw, body, response, source, root, provider, sent = packed[
        :_OUTCOME
    ]
    return FakeRequest(
        method=method,
        path=path,
        query=query,
        headers=_unpack_headers(headers),
        raw=raw,
        body=json.loads(raw) if body == _FROM_RAW else _unpack_json(body),
        response=_unpack_json(response),
        source=AnsweredBy(source),
        root_path=root,
        provider=provider,
        sent=_unpack_json(sent),
    )


def _id(entry: _Entry | Packed) -> int:
    return entry[0] if isinstance(entry, tuple) else entry.id


def _record(entry: _Entry | Packed) -> FakeRequest:
    return _unpack(entry) if isinstance(entry, tuple) else entry.built()


def _outcome(entry: _Entry | Packed) -> Outcome:
    return Outcome.unpacked(entry[_OUTCOME:]) if isinstance(entry, tuple) else entry.outcome


@dataclasses.dataclass(frozen=True, kw_only=True)
class Page:
    """One page of the journal, and how it sits in the whole. Its records are built when first
    read: ``items`` builds them all (once), ``part`` a slice (a server writes a big page a slice
    at a time, so parsing it never holds the event loop for long)."""

    entries: tuple[_Entry | Packed, ...] = dataclasses.field(default=(), repr=False)
    dropped: int  # requests let go because the journal was full (since the last reset)
    next_after: int | None  # pass as ``after`` for the next page; None when this one is the last
    first_id: int | None  # the oldest id still kept
    last_id: int | None  # the newest id

    def __len__(self) -> int:
        return len(self.entries)

    @functools.cached_property
    def items(self) -> list[tuple[int, FakeRequest]]:
        """``(id, record)`` pairs, oldest first."""
        return self.part(0, len(self.entries))

    @property
    def ids(self) -> list[int]:
        """The ids of the page's requests, oldest first (nothing built)."""
        return [_id(entry) for entry in self.entries]

    def part(self, start: int, stop: int) -> list[tuple[int, FakeRequest]]:
        """``items[start:stop]``, building only those."""
        return [(_id(entry), _record(entry)) for entry in self.entries[start:stop]]

    @functools.cached_property
    def outcomes(self) -> list[Outcome]:
        """How answering each request went, in the order of ``items``."""
        return [_outcome(entry) for entry in self.entries]


class Journal:
    """Requests in the order they were answered; the last ``size`` of them (None: all, as
    they were; a bounded journal packs them). Thread-safe."""

    def __init__(self, size: int | None = None) -> None:
        if size is not None and (isinstance(size, bool) or not isinstance(size, int) or size < 0):
            raise ValueError(f"journal size must be a whole number >= 0 or None, not {size!r}")
        self.size = size
        self._lock = threading.Lock()
        self._log: deque[_Entry | Packed] = deque(maxlen=size)
        self._next = 1
        self.problems: list[str] = []
        self.stats: Counter[str] = Counter()
        self.epoch = os.urandom(4).hex()  # changes on every reset: ids restart with it

    @property
    def packed(self) -> bool:
        """Whether entries are kept as JSON bytes and parsed when read (a bounded journal)."""
        return self.size is not None

    @property
    def next_id(self) -> int:
        """The id the next logged request gets (the number of requests since the last reset,
        plus one)."""
        return self._next

    @property
    def dropped(self) -> int:
        """How many requests were let go because the journal was full."""
        return self._next - 1 - len(self._log)

    def add(
        self, request: FakeRequest, response: FakeResponse, seconds: float | None = None
    ) -> None:
        """Log one answered request, and the seconds it took to answer (the oldest one goes when
        the journal is full)."""
        packed = _pack(request, response, seconds) if self.size else None  # outside the lock
        with self._lock:
            self.stats[response.source.value] += 1
            entry_id = self._next
            self._next += 1
            if packed is not None:
                self._log.append((entry_id, *packed))
            elif self.size is None:
                self._log.append(_Entry(entry_id, request, response, Outcome.of(response, seconds)))

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
            log = list(self._log)
        return [_record(entry) for entry in log]  # packed ones parsed outside the lock

    def page(self, *, after: int = 0, limit: int = 100) -> Page:
        """Up to ``limit`` kept requests with an id above ``after``, oldest first (their records
        are built when read, outside the lock)."""
        with self._lock:
            log = self._log
            first = _id(log[0]) if log else None
            # ids are consecutive in the deque: index straight to the first one wanted
            start = 0 if first is None else max(0, after + 1 - first)
            picked = tuple(itertools.islice(log, start, start + limit)) if start < len(log) else ()
            last = _id(log[-1]) if log else None
            dropped = self.dropped
        more = bool(picked) and last is not None and _id(picked[-1]) < last
        return Page(
            entries=picked,
            dropped=dropped,
            next_after=_id(picked[-1]) if more else None,
            first_id=first,
            last_id=last,
        )

    def entry(self, entry_id: int) -> tuple[FakeRequest, Outcome] | None:
        """The kept request ``entry_id`` (with its answer) and its Outcome; None if not kept."""
        with self._lock:
            index = entry_id - _id(self._log[0]) if self._log else -1
            if not 0 <= index < len(self._log):
                return None
            found = self._log[index]
        return _record(found), _outcome(found)

    def __len__(self) -> int:
        return len(self._log)

    def clear(self) -> None:
        """Forget every request, problem and count (the same objects, emptied); ids restart."""
        with self._lock:
            self._log.clear()
            self._next = 1
            self.problems.clear()
            self.stats.clear()
            self.epoch = os.urandom(4).hex()
