"""The record path of a cassette: forward a request upstream, pass its answer on, and write the
interaction, cleaned, into the cassette (``writer.py``).

What is not written: an answer the upstream refused for want of a valid key (401), an answer
the user's ``before_record_*`` hook dropped, and a stream the upstream cut short. Each is counted
in ``not_recorded``; the first and the last reach the client as an error that says why.

Each answer is written with its timing (``latency.Timing``), to the millisecond: seconds from
sending the request upstream to its headers and to its end, and to each stream event as it came
off the wire (``recorder.Arrivals``), whatever pace the client keeps reading it.
"""

from __future__ import annotations

import dataclasses
import json
import threading
from collections.abc import Callable, Hashable, Iterator
from pathlib import Path
from typing import Any

from claude_fake.config import RecordMode
from claude_fake.errors import ClaudeFakeError
from claude_fake.latency import Timing
from claude_fake.model import AnsweredBy, FakeRequest, FakeResponse
from claude_fake.sources.cassette import format as fmt
from claude_fake.sources.cassette import redact, replay
from claude_fake.sources.cassette.recorder import Recorder, Upstream, UpstreamFault
from claude_fake.sources.cassette.writer import CassetteWriter
from claude_fake.wire import sse
from claude_fake.wire.sse import split_events

Hook = Callable[[Any], Any]


class Recording:
    """One session's recordings into one cassette. Thread-safe."""

    def __init__(
        self,
        path: Path,
        *,
        mode: RecordMode,
        existed: bool,
        upstream: str,
        api_key: str | None,
        filters: redact.Filters,
        hooks: tuple[Hook | None, Hook | None],
        key_of: Callable[[fmt.RecordedRequest], Hashable],
        loaded_keys: frozenset[Hashable],
        count: int,
    ) -> None:
        self.path, self.mode, self.upstream = path, mode, upstream
        self._api_key, self._filters, self._hooks = api_key, filters, hooks
        self._key_of, self._loaded_keys = key_of, loaded_keys
        fresh = mode is RecordMode.REWRITE or (mode is RecordMode.ONCE and not existed)
        self.writer = CassetteWriter(path, fresh=fresh, count=count, key_of=key_of)
        self._replaced: set[Hashable] = set()
        self._lock = threading.Lock()
        self._recorder: Recorder | None = None
        self.recorded = self.not_recorded = 0
        self.written = False

    def _forwarder(self) -> Recorder:
        with self._lock:
            if self._recorder is None:
                self._recorder = Recorder(self.upstream, api_key=self._api_key)
            return self._recorder

    def record(self, request: FakeRequest, request_id: str) -> FakeResponse:
        """Forward ``request`` and answer with what the upstream said, recording it."""
        recorder = self._forwarder()
        upstream = recorder.forward(request)
        if upstream.status == 401:
            with self._lock:
                self.not_recorded += 1
            raise self._refused(upstream)
        headers = {**upstream.headers, "request-id": request_id}
        rec_request = fmt.RecordedRequest(
            method=request.method,
            uri=recorder.url(request),
            headers=dict(request.headers),
            body=request.body,
            text=None if request.body is not None else _text(request.raw),
        )
        if upstream.events is None:
            status = {"code": upstream.status, "message": upstream.reason}
            raw = {"status": status, "headers": upstream.headers, "body": upstream.body}
            response = dataclasses.replace(
                fmt.response_from_dict(raw),
                timing=Timing(_ms(upstream.first_byte), _ms(upstream.total)),
            )
            self._keep(fmt.Interaction(request=rec_request, response=response))
            answer = response.body if response.body is not None else response.text
            return FakeResponse(
                status=upstream.status,
                headers=headers,
                body=upstream.body,
                source=AnsweredBy.RECORDED,
                payload=answer,
            )
        answer_box: dict[str, Any] = {}
        return FakeResponse(
            status=upstream.status,
            headers=headers,
            chunks=self._pass_through(rec_request, upstream, answer_box),
            source=AnsweredBy.RECORDED,
            payload=answer_box,
        )

    def _refused(self, upstream: Upstream) -> ClaudeFakeError:
        try:
            message = json.loads(upstream.body)["error"]["message"]
        except (ValueError, KeyError, TypeError):
            message = upstream.body[:200].decode("utf-8", errors="replace")
        return ClaudeFakeError(
            f"recording stopped: {self.upstream} answered 401 ({redact.scrub_text(message)}).",
            why=f"The key sent upstream was refused. An authentication failure is never "
            f"recorded: nothing was written to {self.path}.",
            fix="Set ANTHROPIC_API_KEY to a valid key, then record again.",
            anchor="recording",
        )

    def _pass_through(
        self, rec_request: fmt.RecordedRequest, upstream: Upstream, answer_box: dict[str, Any]
    ) -> Iterator[bytes]:
        events: list[fmt.Event] = []
        times: list[float] = []
        assert upstream.events is not None
        try:
            for at, chunk in upstream.events:
                decoded = _decode(chunk)
                events.extend(decoded)
                times.extend([_ms(at)] * len(decoded))
                yield chunk
        except UpstreamFault as fault:  # the client learns why its stream ended; nothing kept
            with self._lock:
                self.not_recorded += 1
            error = {"type": "error", "error": {"type": "api_error", "message": str(fault)}}
            yield sse.encode("error", error)
            return
        finally:  # the consumer may stop early: release the upstream connection either way
            upstream.events.close()
        response = fmt.RecordedResponse(
            status=upstream.status,
            reason=upstream.reason,
            headers=upstream.headers,
            events=tuple(events),
            timing=Timing(_ms(upstream.first_byte), _ms(upstream.events.total), tuple(times)),
        )
        self._keep(fmt.Interaction(request=rec_request, response=response))
        answer_box.update(replay.accumulate(events) or {})

    def _keep(self, interaction: fmt.Interaction) -> None:
        clean: fmt.Interaction | None = redact.redact(interaction, self._filters)
        if clean is not None and any(self._hooks):
            from claude_fake.sources.cassette.vcr_backend import apply_hooks

            clean = apply_hooks(clean, *self._hooks)  # vcrpy's form: the timing goes back on
            clean = (
                None if clean is None else redact.redact(_timed(clean, interaction), self._filters)
            )
        with self._lock:
            if clean is None:
                self.not_recorded += 1
                return
            key = self._key_of(clean.request)
            replaces = None
            if self.mode is RecordMode.ALL and key in self._loaded_keys:
                replaces = None if key in self._replaced else key
                self._replaced.add(key)
            self.writer.write(clean, replaces=replaces)
            self.recorded += 1
            self.written = True

    def close(self) -> None:
        """Close the upstream HTTP client, if one was opened."""
        with self._lock:
            recorder, self._recorder = self._recorder, None
        if recorder is not None:
            recorder.close()


def _ms(seconds: float) -> float:
    return round(max(seconds, 0.0), 3)


def _timed(clean: fmt.Interaction, recorded: fmt.Interaction) -> fmt.Interaction:
    """``clean`` (what the user's hooks left) with the timing ``recorded`` had."""
    response = dataclasses.replace(clean.response, timing=recorded.response.timing)
    return dataclasses.replace(clean, response=response)


def _text(raw: bytes) -> str | None:
    return raw.decode("utf-8", errors="replace") if raw else None


def _decode(chunk: bytes) -> list[fmt.Event]:
    out: list[fmt.Event] = []
    for name, data in split_events(chunk):
        try:
            parsed: Any = json.loads(data) if data else None
        except ValueError:
            parsed = data
        if parsed is not None:
            kind = parsed.get("type") if isinstance(parsed, dict) else None
            out.append((name or kind or "message", parsed))
    return out
