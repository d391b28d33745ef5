"""Message Batches: the batch objects, their timeline on the engine clock, and the results.

Request ``i`` of ``n`` finishes ``delay * (i + 1) / n`` seconds after creation (``delay`` 0: at
once). It is answered by the engine itself, when the batch is next looked at after that time:
scripted replies, cassettes, the generator and faults all apply, and an error answer is an
``errored`` result. Requests not finished when the batch is canceled, or 24 hours after creation,
are ``canceled`` or ``expired``.
"""

from __future__ import annotations

import itertools
import json
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

from claude_fake.model import FakeRequest, FakeResponse
from claude_fake.wire.jsontext import compact
from claude_fake.wire.render import error_body

DAY = 24 * 3600.0
_FORWARDED = (
    "anthropic-version",
    "anthropic-beta",
    "x-api-key",
    "authorization",
    "anthropic-workspace-id",
)

Handle = Callable[[FakeRequest], FakeResponse]


def timestamp(seconds: float) -> str:
    """RFC 3339 with microseconds and ``Z``, as the API writes times."""
    moment = datetime.fromtimestamp(seconds, tz=timezone.utc)
    return moment.isoformat(timespec="microseconds").replace("+00:00", "Z")


@dataclass(slots=True, kw_only=True)
class Batch:
    """One batch: its requests, the results so far, and when it was canceled or ended."""

    id: str
    order: int
    created_at: float
    delay: float
    requests: list[tuple[str, Any]]
    headers: dict[str, str]
    results: dict[int, dict[str, Any]] = field(default_factory=dict)
    cancel_at: float | None = None
    ended_at: float | None = None

    @property
    def expires_at(self) -> float:
        """24 hours after creation."""
        return self.created_at + DAY

    def due(self, index: int) -> float:
        """When request ``index`` finishes processing."""
        return self.created_at + self.delay * (index + 1) / max(1, len(self.requests))

    @property
    def status(self) -> str:
        """``in_progress``, ``canceling`` or ``ended``."""
        if self.ended_at is not None:
            return "ended"
        return "in_progress" if self.cancel_at is None else "canceling"

    def ready(self, now: float) -> list[int]:
        """Requests due by ``now`` (and before a cancel or the expiry) that have no result yet."""
        limit = min(now, self.cancel_at if self.cancel_at is not None else now)
        return [
            i
            for i in range(len(self.requests))
            if i not in self.results and self.due(i) <= limit and self.due(i) < self.expires_at
        ]

    def settle(self, now: float) -> None:
        """End the batch when every request has a result, it was canceled, or it expired."""
        if self.ended_at is not None:
            return
        left = [i for i in range(len(self.requests)) if i not in self.results]
        if not left:
            self.ended_at = max(self.due(len(self.requests) - 1), self.created_at)
        elif self.cancel_at is not None:
            self.results.update({i: {"type": "canceled"} for i in left})
            self.ended_at = now
        elif now >= self.expires_at:
            self.results.update({i: {"type": "expired"} for i in left})
            self.ended_at = self.expires_at

    def counts(self) -> dict[str, int]:
        """``request_counts``: every request is in exactly one of the five."""
        out = dict.fromkeys(("processing", "succeeded", "errored", "canceled", "expired"), 0)
        for i in range(len(self.requests)):
            out[self.results[i]["type"] if i in self.results else "processing"] += 1
        return out

    def to_json(self, origin: str) -> dict[str, Any]:
        """The ``MessageBatch`` object; ``results_url`` on ``origin`` once the batch has ended."""
        ended = self.ended_at is not None
        return {
            "id": self.id,
            "type": "message_batch",
            "processing_status": self.status,
            "request_counts": self.counts(),
            "created_at": timestamp(self.created_at),
            "expires_at": timestamp(self.expires_at),
            "ended_at": timestamp(self.ended_at) if self.ended_at is not None else None,
            "archived_at": None,
            "cancel_initiated_at": timestamp(self.cancel_at)
            if self.cancel_at is not None
            else None,
            "results_url": f"{origin}/v1/messages/batches/{self.id}/results" if ended else None,
        }

    def jsonl(self) -> bytes:
        """The results file: one JSON object per line, no blank lines."""
        lines = [
            json.dumps({"custom_id": custom_id, "result": self.results[i]}, separators=(",", ":"))
            for i, (custom_id, _) in enumerate(self.requests)
            if i in self.results
        ]
        return ("\n".join(lines) + "\n").encode() if lines else b""


def inner_request(batch: Batch, params: Any) -> FakeRequest:
    """The Messages request a batch entry stands for, with the batch's version, beta and key."""
    headers = {k: v for k, v in batch.headers.items() if k in _FORWARDED}
    headers["content-type"] = "application/json"
    raw = compact(params).encode()
    return FakeRequest(method="POST", path="/v1/messages", headers=headers, raw=raw)


def result_of(response: FakeResponse) -> dict[str, Any]:
    """A batch result from the engine's answer: ``succeeded`` with the Message, else ``errored``."""
    payload = response.payload
    if payload is None and response.body:
        try:
            payload = json.loads(response.body)
        except ValueError:
            payload = None
    if response.status == 200 and isinstance(payload, dict) and payload.get("type") == "message":
        usage = {**payload.get("usage", {}), "service_tier": "batch"}
        return {"type": "succeeded", "message": {**payload, "usage": usage}}
    if isinstance(payload, dict) and payload.get("type") == "error":
        return {"type": "errored", "error": payload}
    request_id = response.headers.get("request-id", "")
    return {
        "type": "errored",
        "error": error_body("api_error", "Internal server error", request_id),
    }


class BatchStore:
    """The batches of one engine, newest last. Thread-safe."""

    def __init__(self, delay: float = 0.0) -> None:
        self.delay = delay
        self._batches: dict[str, Batch] = {}
        self._order = itertools.count()
        self._lock = threading.RLock()

    def add(
        self, batch_id: str, body: Mapping[str, Any], headers: Mapping[str, str], now: float
    ) -> Batch:
        """Store a new batch created at ``now`` from a create request's body."""
        requests = [(str(r.get("custom_id")), r.get("params")) for r in body.get("requests") or ()]
        batch = Batch(
            id=batch_id,
            order=next(self._order),
            created_at=now,
            delay=self.delay,
            requests=requests,
            headers=dict(headers),
        )
        with self._lock:
            self._batches[batch_id] = batch
        return batch

    def get(self, batch_id: str) -> Batch | None:
        """The batch with this id (None once deleted or never created)."""
        with self._lock:
            return self._batches.get(batch_id)

    def remove(self, batch_id: str) -> None:
        """Forget a batch."""
        with self._lock:
            self._batches.pop(batch_id, None)

    def cancel(self, batch: Batch, now: float) -> None:
        """Start canceling ``batch`` (no-op once it has ended or is already canceling)."""
        with self._lock:
            if batch.ended_at is None and batch.cancel_at is None:
                batch.cancel_at = now

    def newest_first(self) -> list[Batch]:
        """Every batch, the most recently created first."""
        with self._lock:
            return sorted(self._batches.values(), key=lambda b: b.order, reverse=True)

    def process(self, answer: Handle, now: float) -> None:
        """Answer (with ``answer``) every request due by ``now``; end the batches that are done."""
        with self._lock:
            for batch in list(self._batches.values()):
                if batch.ended_at is not None:  # every result is in; nothing can change
                    continue
                for index in batch.ready(now):
                    _, params = batch.requests[index]
                    batch.results[index] = result_of(answer(inner_request(batch, params)))
                batch.settle(now)
