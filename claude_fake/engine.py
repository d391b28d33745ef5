"""FakeClaude: the one stateful object. It holds the scripts, the conversation state and the
request journal; every API request goes through the gate (validation) and then the chain of
sources (``sources.chain``): a fault, a scripted reply, the cassette, the generator."""

from __future__ import annotations

import itertools
import os
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from claude_fake import answering
from claude_fake.api.messages import Messages
from claude_fake.builders import Builders
from claude_fake.config import FakeConfig, override
from claude_fake.errors import ClaudeFakeError
from claude_fake.journal import Journal
from claude_fake.model import FakeRequest, FakeResponse
from claude_fake.resilience import Report, Tracker
from claude_fake.sources import chain, faults, latency, replies
from claude_fake.sources.generator.drafter import Drafter
from claude_fake.sources.unscripted import Unscripted
from claude_fake.state.batches import BatchStore
from claude_fake.state.clock import Clock
from claude_fake.state.files import FileStore
from claude_fake.state.threads import Threads
from claude_fake.wire import ids

if TYPE_CHECKING:
    import anthropic
    from typing_extensions import Unpack

    from claude_fake.config import Settings
    from claude_fake.snapshot import RequestLog
    from claude_fake.sources.cassette.source import CassetteSource

FAKE_KEY = "sk-ant-fake-key"
FAKE_ORIGIN = "http://claude-fake.local"


class FakeClaude(Builders):
    """A fake Claude Messages API. One per test; thread-safe; never global.

    Keyword arguments are ``FakeConfig``'s fields (``config.Settings``), checked here: a wrong
    name or value raises ConfigError. The block builders are here too (``fake.tool_use(...)``).
    """

    def __init__(
        self,
        seed: int | None = None,
        *,
        config: FakeConfig | None = None,
        **settings: Unpack[Settings],
    ):
        given = {"seed": seed, **settings}
        self.config = override(config or FakeConfig(), "FakeClaude()", given)
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
        self.threads, self.files = Threads(), FileStore(self.new_id, self.clock.now)
        self.clock.on_advance(lambda now: self.batches.process(self.handle, now))
        self._messages = Messages(seed=self.config.seed, clock=self.clock, new_id=self.new_id)
        self._replies, self._faults = replies.ReplyBook(), faults.FaultBook(self.config.seed)
        self._drafter = Drafter(self.config.seed)  # kept across resets: Faker loads once
        self.pacing, self.retries = latency.Pacing(self.config.latency, self.config.seed), Tracker()
        self._sources = self._chain()

    def _chain(self) -> tuple[chain.FaultSource, tuple[chain.Source, ...]]:
        opened = self.cassette if self.config.cassette else None
        number: Callable[[], int] = lambda: self.journal.next_id  # noqa: E731
        generator: chain.Source = chain.Generator(self._messages, self, self._drafter)
        if not self.config.allow_generated:
            generator = Unscripted(generator, number)
        return chain.FaultSource(self._faults, self._lock, self.pacing), (
            chain.ReplySource(self._replies, self._lock, self._messages, number),
            chain.CassetteClaim(opened),
            generator,
        )

    def __repr__(self) -> str:
        return answering.summary(self.config, len(self.journal), len(self.unused()))

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
        optional: bool = False,
    ) -> replies.Reply:
        """Queue the next answer (or, with ``when``, answer every request the rule matches).

        ``content`` may be one function of the request returning what ``reply`` takes;
        ``optional=True``: never reported unused."""
        item = replies.make_reply(
            content,
            stop_reason=stop_reason,
            stop_sequence=stop_sequence,
            stop_details=stop_details,
            usage=usage,
            when=when,
            times=times,
            optional=optional,
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
        rate: float | None = None,
    ) -> faults.Fault:
        """Fail the next ``times`` requests (mid-stream: ``after_events``), or each at ``rate``."""
        fault = faults.make_error(
            status_or_error_type,
            times=times,
            retry_after=retry_after,
            error_code=error_code,
            after_events=after_events,
            message=message,
            should_retry=should_retry,
            endpoint=endpoint,
            rate=rate,
        )
        return self._add_fault(fault)

    def disconnect(
        self, *, after_events: int | None = None, times: int | None = 1, **cut: Unpack[faults.Drop]
    ) -> faults.Fault:
        """Drop the connection: at once, after ``after_events`` events, or after ``after_bytes``."""
        fault = faults.make_disconnect(after_events=after_events, times=times, **cut)
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
            self._faults = faults.FaultBook(self.config.seed)
            self._sources = self._chain()
            self.pacing.reset()
            self.retries.clear()
            self.journal.clear()
            self._messages.forget()
            self.batches = BatchStore(delay=self.batches.delay)
            self.threads.forget()
            self.files.clear()

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

    def resilience(self) -> Report:
        """How clients retried after each fault served (``str()``: one verdict per client)."""
        return self.retries.report()

    def unused(self) -> list[str]:
        """Scripted replies and faults that were not used up."""
        with self._lock:
            return self._replies.unused() + self._faults.unused()

    def check(self) -> None:
        """Raise UnusedScript when scripts were left unused or requests hit problems."""
        error = answering.unused_error(self.unused(), list(self.problems))
        if error is not None:
            raise error

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
    def client(self, provider: str | None = None, **options: Any) -> anthropic.Anthropic:
        """An ``anthropic.Anthropic`` wired to this engine in-process (or ``provider``'s)."""
        from claude_fake.faces import provider_clients as clients
        from claude_fake.faces.transport import sdk_client

        if provider:
            return clients.client(self, provider, options)
        return sdk_client(self, self._client_options(options))

    def async_client(self, provider: str | None = None, **options: Any) -> anthropic.AsyncAnthropic:
        """An ``anthropic.AsyncAnthropic`` wired to this engine in-process (or ``provider``'s)."""
        from claude_fake.faces import provider_clients as clients
        from claude_fake.faces.transport import async_sdk_client

        if provider:
            return clients.async_client(self, provider, options)
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
        started, request_id = time.perf_counter(), self.new_id("req")
        try:
            request, response = answering.answer(
                request, request_id, self.config, self._sources, self
            )
        except Exception as exc:  # ours (a script, a miss) or a bug: answer it, never crash
            error = exc if isinstance(exc, ClaudeFakeError) else answering.unexpected(request, exc)
            request = getattr(exc, "request", None) or request  # a miss: the body as parsed
            self.journal.problem(str(error).removeprefix("claude_fake: "))
            response = answering.own_error(error, request_id)
        self.journal.add(request, response, time.perf_counter() - started)
        self.retries.note(request, response)
        return response
