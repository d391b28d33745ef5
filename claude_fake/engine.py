"""FakeClaude: the one stateful object. It answers requests from four sources, in order:
faults, scripted replies, a cassette, the seeded generator."""

from __future__ import annotations

import dataclasses
import itertools
import json
import os
import threading
from collections import Counter
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, Literal

from claude_fake.api import batches as batch_api
from claude_fake.api import routes as endpoints
from claude_fake.config import FakeConfig, merge
from claude_fake.errors import (
    CassetteMismatch,
    ClaudeFakeError,
    ScenarioExhausted,
    ScriptError,
    UnusedScript,
)
from claude_fake.model import NO_PLAN, FakeRequest, FakeResponse, StreamPlan
from claude_fake.sources import blocks as blocks_module
from claude_fake.sources import faults
from claude_fake.sources import replies as scenario
from claude_fake.state import batches, caching, signature, tokens, turn
from claude_fake.state.clock import Clock
from claude_fake.validation import validate
from claude_fake.wire import answer, ids

if TYPE_CHECKING:
    import anthropic

    from claude_fake.snapshot import RequestLog
    from claude_fake.sources.cassette.source import CassetteSource

FAKE_KEY = "sk-ant-fake-key"
FAKE_ORIGIN = "http://claude-fake.local"
OWN_ERROR_HEADERS = {"x-should-retry": "false"}
BODY_KINDS: dict[str, Literal["messages", "count_tokens", "batches"]] = {
    "messages": "messages",
    "count_tokens": "count_tokens",
    "batch_create": "batches",
}
CASSETTE_OPTIONS = ("match_on", "ignore_fields", "redact_headers", "retest_command")


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
        self._book = scenario.ReplyBook()
        self._faults: list[faults.Fault] = []
        self._log: list[tuple[FakeRequest, FakeResponse]] = []
        self._records: list[FakeRequest] = []
        self._ids = itertools.count(1)
        self._faker: Any = None
        self._cassette: CassetteSource | None = None
        self.problems: list[str] = []
        self.stats: Counter[str] = Counter()
        self.origin = FAKE_ORIGIN
        self.extensions: dict[str, Any] = {}
        key = os.environ.get("ANTHROPIC_API_KEY")
        self._upstream_key = key if key and key != FAKE_KEY else None  # before claude_env
        self.clock = Clock()
        self.cache = caching.PromptCache()
        self.secret = signature.secret_for(self.config.seed)
        self.batches = batches.BatchStore(delay=batches.configured_delay(self.config))
        self.extensions.update(batch_api.HANDLERS)
        self.clock.on_advance(lambda now: self.batches.process(self.handle, now))

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
    ) -> scenario.Reply:
        """Queue the next answer (or, with ``when``, answer every request the rule matches)."""
        blocks = scenario.flatten(content)
        blocks_module.check_blocks(blocks)
        reason = stop_reason or scenario.infer_stop_reason(blocks)
        scenario.check_stop_reason(reason)
        faults.check_times(times, "reply()")
        if when is not None and not callable(when):
            raise ScriptError(
                f"reply(when={when!r}): when must be a callable taking the request.",
                fix='e.g. when=lambda request: "weather" in request.text',
            )
        item = scenario.Reply(
            content=blocks,
            stop_reason=reason,
            stop_sequence=stop_sequence,
            stop_details=stop_details,
            usage=usage,
            when=when,
            times=times,
            where=scenario.call_site(),
        )
        with self._lock:
            self._book.add(item)
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
    ) -> faults.Fault:
        """Answer the next ``times`` requests with an error (mid-stream with ``after_events``)."""
        faults.check_times(times, "fail()")
        _check_seconds(retry_after, "fail(retry_after=...)")
        _check_count(after_events, "fail(after_events=...)")
        fault = faults.make_fault(
            status_or_error_type,
            times=times,
            retry_after=retry_after,
            error_code=error_code,
            after_events=after_events,
            message=message,
            should_retry=should_retry,
            where=scenario.call_site(),
        )
        return self._add_fault(fault)

    def disconnect(self, *, after_events: int | None = None, times: int | None = 1) -> faults.Fault:
        """Drop the connection: before any answer, or after ``after_events`` events of a stream."""
        faults.check_times(times, "disconnect()")
        _check_count(after_events, "disconnect(after_events=...)")
        fault = faults.Fault(
            disconnect=True, after_events=after_events, times=times, where=scenario.call_site()
        )
        return self._add_fault(fault)

    def latency(
        self, *, first_byte: float = 0.0, per_event: float = 0.0, times: int | None = 1
    ) -> faults.Fault:
        """Delay the next answers: before the first byte, and between stream events."""
        faults.check_times(times, "latency()")
        _check_seconds(first_byte, "latency(first_byte=...)")
        _check_seconds(per_event, "latency(per_event=...)")
        fault = faults.Fault(
            first_byte_delay=first_byte,
            event_delay=per_event,
            times=times,
            where=scenario.call_site(),
        )
        return self._add_fault(fault)

    def _add_fault(self, fault: faults.Fault) -> faults.Fault:
        with self._lock:
            self._faults.append(fault)
        return fault

    def reset(self) -> None:
        """Forget replies, faults, requests and problems."""
        with self._lock:
            self._book = scenario.ReplyBook()
            self._faults.clear()
            self._log.clear()
            self._records.clear()
            self.problems.clear()
            self.stats.clear()
            self.cache = caching.PromptCache()
            self.batches = batches.BatchStore(delay=self.batches.delay)

    def open_cassette(self) -> CassetteSource | None:
        """The cassette source, if a request has opened it; None otherwise."""
        with self._lock:
            return self._cassette

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
        from claude_fake.snapshot import RequestLog

        with self._lock:  # records are built once, on the first read after they were logged
            self._records.extend(
                dataclasses.replace(request, response=response.answer, source=response.source)
                for request, response in self._log[len(self._records) :]
            )
            return RequestLog(self._records)

    def unused(self) -> list[str]:
        """Scripted replies and faults that were not used up."""
        with self._lock:
            left = [
                f"{f.describe()}: used {f.used} of {f.times}"
                for f in self._faults
                if f.times is not None and f.used < f.times
            ]
            return self._book.unused() + left

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

    # -- clients ---------------------------------------------------------------------------
    def client(self, **options: Any) -> anthropic.Anthropic:
        """An ``anthropic.Anthropic`` wired to this engine in-process."""
        import anthropic

        from claude_fake.faces.transport import http_module, sync_transport

        http = http_module()
        options.setdefault("api_key", FAKE_KEY)
        options.setdefault("base_url", self.origin)
        return anthropic.Anthropic(
            http_client=http.Client(transport=sync_transport(self)), **options
        )

    def async_client(self, **options: Any) -> anthropic.AsyncAnthropic:
        """An ``anthropic.AsyncAnthropic`` wired to this engine in-process."""
        import anthropic

        from claude_fake.faces.transport import async_transport, http_module

        http = http_module()
        options.setdefault("api_key", FAKE_KEY)
        options.setdefault("base_url", self.origin)
        client = http.AsyncClient(transport=async_transport(self))
        return anthropic.AsyncAnthropic(http_client=client, **options)

    @contextmanager
    def serve(self, host: str = "127.0.0.1", port: int = 0) -> Iterator[str]:
        """Serve this engine on a loopback HTTP server; yields its base URL."""
        from claude_fake.faces.server import running_server

        with running_server(self, host=host, port=port) as base_url:
            yield base_url

    # -- answering -------------------------------------------------------------------------
    def new_id(self, kind: str) -> str:
        """The next id of ``kind`` (msg, toolu, req, ...) for this engine's seed."""
        return ids.make_id(kind, self.config.seed, next(self._ids))

    def handle(self, request: FakeRequest) -> FakeResponse:
        """Answer one HTTP request. Never raises: every failure is an HTTP answer."""
        request_id = self.new_id("req")
        try:
            request, response = self._dispatch(request, request_id)
        except ClaudeFakeError as exc:
            response = self._own_error(exc, request_id)
        except Exception as exc:  # a bug or a broken input of ours: answer it, never crash
            wrapped = ClaudeFakeError(
                f"the fake failed on {request.method} {request.path}: {type(exc).__name__}: {exc}",
                why="This is a claude-fake problem (or a damaged cassette), not your code's.",
                fix="Please report it with the request that caused it.",
            )
            response = self._own_error(wrapped, request_id)
        with self._lock:
            self.stats[response.source] += 1
            self._log.append((request, response))  # the record is built when it is read
        return response

    def _own_error(self, exc: ClaudeFakeError, request_id: str) -> FakeResponse:
        with self._lock:
            self.problems.append(str(exc).removeprefix("claude_fake: "))
        source = "miss" if isinstance(exc, CassetteMismatch) else "error"
        return answer.api_error(
            500, "api_error", str(exc), request_id, headers=OWN_ERROR_HEADERS, source=source
        )

    def _dispatch(self, request: FakeRequest, request_id: str) -> tuple[FakeRequest, FakeResponse]:
        found = endpoints.route(request.method, request.path)
        if found is None:
            return request, endpoints.not_found(request, request_id)
        if found == "method":
            return request, endpoints.method_not_allowed(request, request_id)
        assert isinstance(found, tuple)
        name, params = found
        request, problem = self._parse(request, name, request_id)
        if problem is not None:
            return request, problem
        return request, self._answer(name, params, request, request_id)

    def _parse(
        self, request: FakeRequest, name: str, request_id: str
    ) -> tuple[FakeRequest, FakeResponse | None]:
        mode = self.config.validate
        violation = validate.validate_headers(
            request.headers,
            body_size=len(request.raw),
            endpoint=name,
            require_api_key=self.config.require_api_key,
            mode=mode,
        )
        if violation is None and request.method in ("POST", "PUT", "PATCH") and request.raw:
            try:
                request = request.with_body(json.loads(request.raw))
            except (ValueError, UnicodeDecodeError) as exc:
                text = f"There was an error parsing the body of your request as JSON: {exc}"
                return request, answer.api_error(400, "invalid_request_error", text, request_id)
        kind = BODY_KINDS.get(name)
        if violation is None and kind is not None:
            violation = validate.validate_body(
                kind,
                request.body,
                api_version=request.api_version,
                betas=request.betas,
                beta=request.is_beta,
                mode=mode,
            )
        if violation is None:
            return request, None
        details = dict(violation.details or {})
        if violation.error_code:
            details["error_code"] = violation.error_code
        return request, answer.api_error(
            violation.status,
            violation.error_type,
            violation.message,
            request_id,
            details=details or None,
        )

    def _answer(
        self, name: str, params: Mapping[str, str], request: FakeRequest, request_id: str
    ) -> FakeResponse:
        fault = self._take_fault(request)
        if fault is not None and not fault.latency_only and not fault.mid_stream:
            if fault.disconnect:
                return FakeResponse(status=0, headers={}, source="fault")
            return faults.error_response(fault, request_id)
        plan = faults.stream_plan(fault, request_id) if fault is not None else NO_PLAN
        if name == "messages":
            if fault is None or not fault.mid_stream:
                return self._messages(request, request_id, plan)
            streamed = False
            try:
                answered = self._messages(request, request_id, plan)
                streamed = answered.chunks is not None
                return answered
            finally:
                if not streamed:  # no stream to break (a 400, a miss): the next stream gets it
                    with self._lock:
                        fault.used -= 1
        if name == "count_tokens":
            return answer.json_response(self._count(request), request_id, plan=plan)
        if name == "models":
            return endpoints.models_list(request, request_id)
        if name == "model":
            return endpoints.model_get(request, request_id, params["id"])
        handler = self.extensions.get(name)
        if handler is None:
            return endpoints.not_found(request, request_id)
        response: FakeResponse = handler(self, request, request_id, params)
        return response

    def _take_fault(self, request: FakeRequest) -> faults.Fault | None:
        with self._lock:
            for fault in self._faults:
                if fault.times is not None and fault.used >= fault.times:
                    continue
                if fault.mid_stream and not request.stream:
                    continue
                fault.used += 1
                return fault
        return None

    def _count(self, request: FakeRequest) -> dict[str, Any]:
        body = request.body if isinstance(request.body, dict) else {}
        out: dict[str, Any] = {"input_tokens": turn.count(body)}
        if body.get("context_management"):
            out["context_management"] = {"original_input_tokens": tokens.count(body)}
        return out

    def _messages(self, request: FakeRequest, request_id: str, plan: StreamPlan) -> FakeResponse:
        with self._lock:
            reply = self._book.take(request)
            scripted = self._book.scripted
        if reply is not None:
            return self._render(request, request_id, plan, reply=reply)
        if scripted:
            raise ScenarioExhausted(
                f"no scripted reply is left for request #{len(self._log) + 1} "
                f"(POST {request.path}, last user text {request.text[:60]!r}).",
                why="This test scripted replies, so the generator is off and every answer must "
                "be scripted.",
                fix="Script one more fake.reply(...), or use times=/when= to reuse replies.",
                anchor="scripting",
            )
        if self.config.cassette:
            response = self.cassette().answer(request, request_id)
            return (
                dataclasses.replace(response, plan=plan)
                if response.chunks is not None
                else response
            )
        return self._render(request, request_id, plan, reply=None)

    def _render(
        self,
        request: FakeRequest,
        request_id: str,
        plan: StreamPlan,
        *,
        reply: scenario.Reply | None,
    ) -> FakeResponse:
        body = request.body if isinstance(request.body, dict) else {}

        def generated(digest: bytes) -> turn.Answer:
            from claude_fake.sources.generator import draft as generate

            rng, faker = turn.draft_rng(self.config.seed, body, digest), self._words_faker()
            with self._lock:
                faker.seed_instance(rng.getrandbits(64))
                draft = generate.draft(body, request.text, rng, lambda n: faker.sentence(n))
            return turn.draft_answer(draft)

        outcome = turn.respond(
            request,
            scripted=turn.scripted_answer(reply),
            generate=generated,
            secret=self.secret,
            cache=self.cache,
            now=self.clock.now(),
            msg_id=self.new_id("msg"),
            new_id=self.new_id,
        )
        if outcome.keep_reply and reply is not None:
            with self._lock:
                self._book.give_back(reply)
        if outcome.problem is not None:
            code = outcome.problem.code
            return answer.api_error(
                400,
                "invalid_request_error",
                outcome.problem.message,
                request_id,
                details={"error_code": code} if code else None,
            )
        assert outcome.message is not None
        source = "scripted" if reply is not None else "generated"
        return answer.respond(request, outcome.message, request_id, source, plan)

    def _words_faker(self) -> Any:
        if self._faker is None:
            # lorem alone: the words Faker("en_US") draws, without loading its 25 other providers
            from faker.generator import Generator
            from faker.providers.lorem.en_US import Provider as Lorem

            words = Generator()
            words.add_provider(Lorem)
            self._faker = words
        return self._faker

    def cassette(self) -> CassetteSource:
        """The cassette source of this engine (created on first use)."""
        with self._lock:
            if self._cassette is None:
                from claude_fake.sources.cassette.source import CassetteSource

                assert self.config.cassette is not None
                extra = dict(self.config.extra)
                options: dict[str, Any] = {k: extra[k] for k in CASSETTE_OPTIONS if k in extra}
                self._cassette = CassetteSource(
                    self.config.cassette,
                    record_mode=self.config.record_mode,
                    upstream=self.config.upstream,
                    replay_timing=self.config.replay_timing,
                    api_key=self._upstream_key,
                    **options,
                )
            return self._cassette


def _check_seconds(value: float | None, what: str) -> None:
    if value is not None and (
        isinstance(value, bool) or not isinstance(value, int | float) or value < 0
    ):
        raise ScriptError(f"{what}: {value!r} must be a number of seconds >= 0.", fix="e.g. 0.05")


def _check_count(value: int | None, what: str) -> None:
    if value is not None and (isinstance(value, bool) or not isinstance(value, int) or value < 0):
        raise ScriptError(f"{what}: {value!r} must be a whole number >= 0.", fix="e.g. 3")
