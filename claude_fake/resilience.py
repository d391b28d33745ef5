"""The resilience report (``fake.resilience()``, ``GET /_fake/resilience``): for each fault the
fake served, what the client did next, and one verdict line per client.

The engine notes every fault it answered (an error status or a dropped connection) and every
retry (an ``x-stainless-retry-count`` above 0), nothing else. A retry is matched to the fault it
follows by the client (its ``User-Agent``), the request (method, path and body bytes) and the
attempt number (one more); identical concurrent requests pair oldest first. A fault's wait is the
time from its answer to the retry's arrival, set against the ``retry-after`` it gave (the SDK
reads ``retry-after-ms`` first). A client hammers when it retries sooner than it was asked to
(under 90% of the wait, less 2 ms), or retries an answer that said not to (``x-should-retry:
false``, or a status the SDK never retries). A fault with no retry is a give-up (read the
report once the clients are done: one still waiting for its retry counts as given up).
"""

from __future__ import annotations

import statistics
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from typing import Any

from claude_fake.model import AnsweredBy, FakeRequest, FakeResponse

KEPT = 50_000  # faults and retries noted at most (the oldest go first)
RETRIED_STATUSES = frozenset({0, 408, 409, 429})  # and every 5xx; 0: a dropped connection


@dataclass(slots=True, kw_only=True, eq=False)
class _Seen:
    at: float
    client: str
    key: int
    attempt: int
    status: int  # 0: the connection was dropped; 200..: what the retry got
    asked: float | None  # the retry-after a fault gave, in seconds
    told_not: bool  # x-should-retry: false, or a status the SDK does not retry

    @property
    def fault(self) -> bool:
        return self.status == 0 or self.status >= 400


def _asked(headers: Any) -> float | None:
    for name, scale in (("retry-after-ms", 0.001), ("retry-after", 1.0)):
        value = headers.get(name)
        if value is not None:
            try:
                return float(value) * scale
            except ValueError:
                continue
    return None


def _cut(response: FakeResponse) -> bool:
    """Whether a scripted drop cuts the answer part-way (a stream's events, a JSON body)."""
    return response.plan.disconnect and response.plan.cut_after is not None


def _seen(request: FakeRequest, response: FakeResponse, attempt: int) -> _Seen:
    status = 0 if response.dropped or _cut(response) else response.status
    headers = response.headers
    told_not = headers.get("x-should-retry") == "false" or (
        400 <= status < 500 and status not in RETRIED_STATUSES
    )
    return _Seen(
        at=time.monotonic(),
        client=request.headers.get("user-agent") or "a client with no User-Agent",
        key=hash((request.method, request.path, request.raw)),
        attempt=attempt,
        status=status,
        asked=_asked(headers),
        told_not=told_not,
    )


class Tracker:
    """Faults and retries an engine answered, for the report. Thread-safe; bounded."""

    def __init__(self, size: int = KEPT) -> None:
        self._seen: deque[_Seen] = deque(maxlen=size)
        self._lock = threading.Lock()

    def note(self, request: FakeRequest, response: FakeResponse) -> None:
        """Note ``response`` when it is a fault, or ``request`` when it is a retry."""
        fault = _cut(response) or (
            response.source is AnsweredBy.FAULT and (response.dropped or response.status >= 400)
        )
        count = request.headers.get("x-stainless-retry-count")
        if not fault and (count is None or count == "0"):
            return
        attempt = int(count) if count is not None and count.isdigit() else 0
        seen = _seen(request, response, attempt)
        with self._lock:
            self._seen.append(seen)

    def clear(self) -> None:
        """Forget every fault and retry."""
        with self._lock:
            self._seen.clear()

    def report(self) -> Report:
        """What each client did after each fault, and a verdict per client."""
        with self._lock:
            seen = list(self._seen)
        return build(seen)


@dataclass(frozen=True, slots=True, kw_only=True)
class FaultOutcome:
    """One fault served and what followed: ``outcome`` is ``retried``, ``retried too soon``,
    ``retried against advice`` or ``gave up``."""

    client: str
    status: int  # 0: a dropped connection
    attempt: int  # the attempt it answered (0: the first)
    retry_after: float | None  # seconds the answer asked the client to wait
    waited: float | None  # seconds until the retry came (None: none came)
    outcome: str


@dataclass(frozen=True, slots=True, kw_only=True)
class ClientVerdict:
    """One client's behaviour over every fault it was served."""

    client: str
    faults: int
    requests: int  # requests that met at least one fault
    recovered: int  # of those, answered in the end
    gave_up: int
    retries: int
    too_soon: int
    against_advice: int
    waits: tuple[float, ...] = field(repr=False)
    ok: bool
    verdict: str


@dataclass(frozen=True, slots=True, kw_only=True)
class Report:
    """The resilience report: one verdict per client, and the faults (the last 1,000) in order."""

    clients: tuple[ClientVerdict, ...]
    faults: tuple[FaultOutcome, ...]

    def __str__(self) -> str:
        if not self.clients:
            return "No fault was served: nothing to report."
        return "\n".join(c.verdict for c in self.clients)

    @property
    def ok(self) -> bool:
        """Whether every client waited as asked and never retried what it was told not to."""
        return all(c.ok for c in self.clients)

    def as_json(self) -> dict[str, Any]:
        """The report as ``GET /_fake/resilience`` answers it."""
        clients = [{k: v for k, v in _fields(c).items() if k != "waits"} for c in self.clients]
        return {
            "ok": self.ok,
            "verdicts": [c.verdict for c in self.clients],
            "clients": clients,
            "faults": [_fields(f) for f in self.faults[-1000:]],
        }


def _fields(value: Any) -> dict[str, Any]:
    return {name: getattr(value, name) for name in value.__slots__}


def _follow(seen: list[_Seen]) -> dict[int, _Seen]:
    """Each fault's retry (by ``id`` of the fault): same client and request, next attempt."""
    waiting: dict[tuple[str, int, int], deque[_Seen]] = {}
    following: dict[int, _Seen] = {}
    for item in seen:
        if item.attempt > 0:
            queue = waiting.get((item.client, item.key, item.attempt))
            if queue:
                following[id(queue.popleft())] = item
        if item.fault:
            waiting.setdefault((item.client, item.key, item.attempt + 1), deque()).append(item)
    return following


def _outcome(fault: _Seen, after: _Seen | None) -> FaultOutcome:
    waited = None if after is None else after.at - fault.at
    if after is None:
        outcome = "gave up"
    elif fault.told_not:
        outcome = "retried against advice"
    elif fault.asked is not None and waited is not None and waited < fault.asked * 0.9 - 0.002:
        outcome = "retried too soon"
    else:
        outcome = "retried"
    return FaultOutcome(
        client=fault.client,
        status=fault.status,
        attempt=fault.attempt,
        retry_after=fault.asked,
        waited=waited,
        outcome=outcome,
    )


def build(seen: list[_Seen]) -> Report:
    """The report over ``seen`` (in the order answered)."""
    following = _follow(seen)
    continued = {id(item) for item in following.values()}
    outcomes = [_outcome(s, following.get(id(s))) for s in seen if s.fault]
    ends: dict[str, list[str]] = {}  # per client: how each request that met a fault ended
    for item in seen:
        if not item.fault or id(item) in continued:
            continue
        last = item
        while last.fault and id(last) in following:
            last = following[id(last)]
        ends.setdefault(item.client, []).append("gave up" if last.fault else "recovered")
    clients = sorted({o.client for o in outcomes})
    verdicts = tuple(
        _verdict(c, [o for o in outcomes if o.client == c], ends.get(c, [])) for c in clients
    )
    return Report(clients=verdicts, faults=tuple(outcomes))


def _verdict(client: str, outcomes: list[FaultOutcome], ends: list[str]) -> ClientVerdict:
    retried = [o for o in outcomes if o.waited is not None]
    too_soon = sum(o.outcome == "retried too soon" for o in outcomes)
    against = sum(o.outcome == "retried against advice" for o in outcomes)
    recovered, gave_up = ends.count("recovered"), ends.count("gave up")
    counts = dict(
        faults=len(outcomes),
        requests=len(ends),
        recovered=recovered,
        gave_up=gave_up,
        retries=len(retried),
        too_soon=too_soon,
        against_advice=against,
    )
    ok = not too_soon and not against
    return ClientVerdict(
        client=client,
        waits=tuple(o.waited for o in retried if o.waited is not None),
        ok=ok,
        verdict=_line(client, outcomes, retried, counts, ok),
        **counts,
    )


def _line(
    client: str,
    outcomes: list[FaultOutcome],
    retried: list[FaultOutcome],
    counts: dict[str, int],
    ok: bool,
) -> str:
    head = f"{client}: {counts['faults']} fault(s) met by {counts['requests']} request(s); "
    head += f"{counts['recovered']} recovered, {counts['gave_up']} gave up"
    head += f"; {counts['retries']} retries"
    if retried:
        waits = [o.waited for o in retried if o.waited is not None]
        asked = [o.retry_after for o in retried if o.retry_after is not None]
        head += f", median wait {statistics.median(waits):.3g} s"
        head += f" (asked {statistics.median(asked):.3g} s)" if asked else ""
    if not ok:
        problems = []
        if counts["too_soon"]:
            problems.append(f"{counts['too_soon']} retried sooner than the retry-after given")
        if counts["against_advice"]:
            problems.append(f"{counts['against_advice']} retried an answer that said not to")
        return f"HAMMERS - {head}; {'; '.join(problems)}."
    if not retried and counts["gave_up"]:
        retryable = sum(
            o.outcome == "gave up" and (o.status in RETRIED_STATUSES or o.status >= 500)
            for o in outcomes
        )
        if retryable:
            return f"NO RETRIES - {head}; it gave up on {retryable} retryable fault(s) at once."
    return f"OK - {head}; it waited as asked and never retried what it was told not to."
