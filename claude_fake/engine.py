"""FakeClaude: the one stateful object. It holds the scripts, the conversation state and the
request journal; every API request goes through the gate (validation) and then the chain of
sources (``sources.chain``): a fault, a scripted reply, the cassette, the generator."""

from __future__ import annotations

import dataclasses
import itertools
import os
import threading
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from claude_fake.api import routes
from claude_fake.api.messages import Messages
from claude_fake.config import FakeConfig, merge
from claude_fake.errors import CassetteMismatch, ClaudeFakeError, UnusedScript
from claude_fake.journal import Journal
from claude_fake.model import AnsweredBy, FakeRequest, FakeResponse
from claude_fake.sources import chain, faults, replies
from claude_fake.sources.generator.drafter import Drafter
from claude_fake.state.batches import BatchStore
from claude_fake.state.clock import Clock
from claude_fake.validation import gate
from claude_fake.wire import ids
from claude_fake.wire.responses import api_error

if TYPE_CHECKING:
    import anthropic

    from claude_fake.snapshot import RequestLog
    from claude_fake.sources.cassette.source import CassetteSource

FAKE_KEY = "sk-ant-fake-key"
FAKE_ORIGIN = "http://claude-fake.local"
OWN_ERROR_HEADERS = {"x-should-retry": "false"}


class FakeClaude:
    """A fake Claude Messages API. One per test; thread-safe; never global."""

    def __init__(
        self, seed: int | None = None, *, config: FakeConfig | None = None, **settings: Any
    ):
        given = {"seed": seed, **settings}
        self.config = merge(
            ("FakeClaude()", given), ("defaults", dataclasses.asdict(config or FakeConfig()))
        )
        self._lock = threading.RLock()
        self._ids = itertools.count(1)
        self._cassette: CassetteSource | None = None
        self.journal = Journal(self.config.journal_size)
        self.problems, self.stats = self.journal.problems, self.journal.stats
        self.origin = FAKE_ORIGIN
        key = os.environ.get("ANTHROPIC_API_KEY")
        self._upstream_key = key if key and key != FAKE_KEY else None  # before claude_env
        self.clock = Clock()
        self.batches = BatchStore(delay=self.config.batch_delay)
        self.clock.on_advance(lambda now: self.batches.process(self.handle, now))
        self._messages = Messages(seed=self.config.seed, clock=self.clock, new_id=self.new_id)
        self._replies = replies.ReplyBook()
        self._faults = faults.FaultBook()
        self._sources = self._chain()

    def _chain(self) -> tuple[chain.FaultSource, tuple[chain.Source, ...]]:
        opened = self.cassette if self.config.cassette else None
        number: Callable[[], int] = lambda: self.journal.next_id  # noqa: E731
        return chain.FaultSource(self._faults, self._lock), (
            chain.ReplySource(self._replies, self._lock, self._messages, number),
            chain.CassetteClaim(opened),
            chain.Generator(self._messages, self, Drafter(self.config.seed)),
        )

    # -- scripting -------------------------------------------------------------------------
    def reply(
        self,
        *content: object,
        stop_reason: str | None = None,
        stop_sequence: str | None = None,
        stop_details: Mapping[str, Any] | None = None,
        usage: Mapping[str, Any] | None = None,
        when: Callable[[FakeRequest], object] | None = None,
        times: int | None = 1,
    ) -> replies.Reply:
        """Queue the next answer (or, with ``when``, answer every request the rule matches)."""
        item = replies.make_reply(
            content,
            stop_reason=stop_reason,
            stop_sequence=stop_sequence,
            stop_details=stop_details,
            usage=usage,
            when=when,
            times=times,
        )
        with self._lock:
            self._replies.add(item)
        return item

    def fail(
        self,
        status_or_error_type: int | str,
        *,
        times: int | None = 1,
        retry_after: float | None = None,
        error_code: str | None = None,
        after_events: int | None = None,
        message: str | None = None,
        should_retry: bool | None = None,
        endpoint: str = "messages",
    ) -> faults.Fault:
        """Answer the next ``times`` requests with an error (mid-stream with ``after_events``)."""
        fault = faults.make_error(
            status_or_error_type,
            times=times,
            retry_after=retry_after,
            error_code=error_code,
            after_events=after_events,
            message=message,
            should_retry=should_retry,
            endpoint=endpoint,
        )
        return self._add_fault(fault)

    def disconnect(
        self, *, after_events: int | None = None, times: int | None = 1, endpoint: str = "messages"
    ) -> faults.Fault:
        """Drop the connection: before any answer, or after ``after_events`` events of a stream."""
        fault = faults.make_disconnect(after_events=after_events, times=times, endpoint=endpoint)
        return self._add_fault(fault)

    def latency(
        self,
        *,
        first_byte: float = 0.0,
        per_event: float = 0.0,
        times: int | None = 1,
        endpoint: str = "messages",
    ) -> faults.Fault:
        """Delay the next answers: before the first byte, and between stream events."""
        fault = faults.make_latency(
            first_byte=first_byte, per_event=per_event, times=times, endpoint=endpoint
        )
        return self._add_fault(fault)

    def _add_fault(self, fault: faults.Fault) -> faults.Fault:
        with self._lock:
            return self._faults.add(fault)

    def reset(self) -> None:
        """Forget replies, faults, requests and problems."""
        with self._lock:
            self._replies = replies.ReplyBook()
            self._faults = faults.FaultBook()
            self._sources = self._chain()
            self.journal.clear()
            self._messages.forget()
            self.batches = BatchStore(delay=self.batches.delay)

    def close(self) -> None:
        """Release what the engine holds open (the cassette's upstream client, when recording)."""
        with self._lock:
            if self._cassette is not None:
                self._cassette.close()

    # -- inspection ------------------------------------------------------------------------
    @property
    def requests(self) -> RequestLog:
        """Every request seen, in order, each with the ``response`` it got.

        A list; ``== snapshot`` (syrupy) compares its stable form (ids, dates, SDK headers masked).
        """
        from claude_fake.snapshot import RequestLog  # with the redactor: off the start-up path

        return RequestLog(self.journal.records())

    def unused(self) -> list[str]:
        """Scripted replies and faults that were not used up."""
        with self._lock:
            return self._replies.unused() + self._faults.unused()

    def check(self) -> None:
        """Raise UnusedScript when scripts were left unused or requests hit problems."""
        unused, problems = self.unused(), list(self.problems)
        if not unused and not problems:
            return
        lines = [f"  - {u}" for u in unused] + [f"  - {p}" for p in problems]
        raise UnusedScript(
            f"{len(unused)} scripted item(s) unused, {len(problems)} request problem(s):\n"
            + "\n".join(lines),
            why="Every reply and fault a test scripts is expected to be used.",
            fix="Remove the extra scripts, or pass assert_all_used=False to allow leftovers.",
            anchor="scripting",
        )

    @property
    def opened_cassette(self) -> CassetteSource | None:
        """The cassette source if a request has opened it (None before that, or with none)."""
        with self._lock:
            return self._cassette

    def cassette(self) -> CassetteSource:
        """The cassette source of this engine (opened on first use)."""
        with self._lock:
            if self._cassette is None:
                from claude_fake.sources.cassette.source import CassetteSource

                self._cassette = CassetteSource.from_config(self.config, self._upstream_key)
            return self._cassette

    # -- clients ---------------------------------------------------------------------------
    def client(self, **options: Any) -> anthropic.Anthropic:
        """An ``anthropic.Anthropic`` wired to this engine in-process."""
        from claude_fake.faces.transport import sdk_client

        return sdk_client(self, self._client_options(options))

    def async_client(self, **options: Any) -> anthropic.AsyncAnthropic:
        """An ``anthropic.AsyncAnthropic`` wired to this engine in-process."""
        from claude_fake.faces.transport import async_sdk_client

        return async_sdk_client(self, self._client_options(options))

    def _client_options(self, options: dict[str, Any]) -> dict[str, Any]:
        return {"api_key": FAKE_KEY, "base_url": self.origin, **options}

    @contextmanager
    def serve(self, host: str = "127.0.0.1", port: int = 0) -> Iterator[str]:
        """Serve this engine on a loopback HTTP server; yields its base URL."""
        from claude_fake.faces.server import running_server

        with running_server(self, host=host, port=port) as base_url:
            yield base_url

    # -- answering -------------------------------------------------------------------------
    @property
    def may_block(self) -> bool:
        """Whether answering may wait on the network (a cassette that records)."""
        return bool(self.config.cassette) and self.config.record_mode.value != "none"

    def new_id(self, kind: str) -> str:
        """The next id of ``kind`` (msg, toolu, req, ...) for this engine's seed."""
        return ids.make_id(kind, self.config.seed, next(self._ids))

    def handle(self, request: FakeRequest) -> FakeResponse:
        """Answer one HTTP request. Never raises: every failure is an HTTP answer."""
        request_id = self.new_id("req")
        try:
            request, response = self._answer(request, request_id)
        except ClaudeFakeError as exc:
            response = self._own_error(exc, request_id)
        except Exception as exc:  # a bug or a broken input of ours: answer it, never crash
            wrapped = ClaudeFakeError(
                f"the fake failed on {request.method} {request.path}: {type(exc).__name__}: {exc}",
                why="This is a claude-fake problem (or a damaged cassette), not your code's.",
                fix="Please report it with the request that caused it.",
            )
            response = self._own_error(wrapped, request_id)
        self.journal.add(request, response)
        return response

    def _own_error(self, exc: ClaudeFakeError, request_id: str) -> FakeResponse:
        self.journal.problem(str(exc).removeprefix("claude_fake: "))
        source = AnsweredBy.MISS if isinstance(exc, CassetteMismatch) else AnsweredBy.ERROR
        return api_error(
            500, "api_error", str(exc), request_id, headers=OWN_ERROR_HEADERS, source=source
        )

    def _answer(self, request: FakeRequest, request_id: str) -> tuple[FakeRequest, FakeResponse]:
        found = routes.route(request.method, request.path)
        if found is None:
            return request, routes.not_found(request, request_id)
        if found == "method":
            return request, routes.method_not_allowed(request, request_id)
        assert isinstance(found, tuple)
        endpoint, params = found
        config = self.config
        request, refused = gate.admit(
            request,
            endpoint,
            request_id,
            mode=config.validate,
            require_api_key=config.require_api_key,
        )
        if refused is not None:
            return request, refused
        call = chain.Call(request=request, endpoint=endpoint, params=params, request_id=request_id)
        fault_source, sources = self._sources
        return request, chain.decide(call, fault_source, sources)
