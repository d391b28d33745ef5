"""Scripted replies: what the test queued, in order, or matched by a ``when`` rule.

A reply is checked against the SDK's own types when it is scripted, so a bad script fails at the
call; what depends on the request (its stop sequences, its betas) is settled when one takes it.
"""

from __future__ import annotations

import dataclasses
import sys
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from types import FrameType
from typing import Any

from claude_fake import checks
from claude_fake.errors import ScriptError
from claude_fake.model import FakeRequest
from claude_fake.sources import blocks as b
from claude_fake.sources import reply_checks

Predicate = Callable[[FakeRequest], object]
Compute = Callable[[FakeRequest], object]


def flatten(items: Iterable[object]) -> list[b.Block]:
    """Turn reply arguments (str, blocks, pairs of blocks) into a list of block dicts."""
    out: list[b.Block] = []
    for item in items:
        if isinstance(item, str):
            out.append(b.text(item))
        elif isinstance(item, tuple | list):
            out.extend(flatten(item))
        elif isinstance(item, Mapping):
            out.append(b.completed(dict(item)))
        else:
            raise ScriptError(
                f"reply() got a {type(item).__name__}, which is not a content block.",
                fix=f"Pass strings or blocks. {b.BUILDERS}",
            )
    return out


def infer_stop_reason(content: list[b.Block]) -> str:
    """The stop reason a reply implies: tool_use for a client tool call, else end_turn."""
    kinds = [blk.get("type") for blk in content]
    if "tool_use" in kinds:
        return "tool_use"
    if kinds and kinds[-1] == "compaction":
        return "compaction"
    return "end_turn"


@dataclass(slots=True, kw_only=True)
class Reply:
    """One scripted answer; ``times`` counts down as it answers (None: forever)."""

    content: list[b.Block]
    stop_reason: str
    stop_sequence: str | None = None
    stop_details: Mapping[str, Any] | None = None
    usage: Mapping[str, Any] | None = None
    when: Predicate | None = None
    times: int | None = 1
    where: str = ""
    used: int = 0
    label: str = ""
    compute: Compute | None = None  # reply(function): the content is computed per request
    optional: bool = False  # never reported unused

    def __post_init__(self) -> None:
        if self.stop_sequence is not None and self.stop_reason == "end_turn":
            self.stop_reason = "stop_sequence"  # a stop sequence implies its stop reason
        if self.compute is not None:
            return  # checked once computed, against the request (``computed``)
        reply_checks.check_consistency(self)
        if self.stop_details is not None:
            self.stop_details = {"type": "refusal", **self.stop_details}

    @property
    def left(self) -> bool:
        """Whether it still has answers to give."""
        return self.times is None or self.used < self.times

    def describe(self) -> str:
        """A one-line description for reports."""
        kinds = ", ".join(str(blk.get("type")) for blk in self.content) or "no blocks"
        reason = f" stop_reason={self.stop_reason}"
        if self.compute is not None:
            kinds = f"computed by {getattr(self.compute, '__qualname__', repr(self.compute))}"
            reason = f" stop_reason={self.stop_reason}" if self.stop_reason else ""
        rule = " (when rule)" if self.when else ""
        return f"reply [{kinds}]{reason}{rule}{self.where}"


def make_reply(
    content: tuple[object, ...],
    *,
    stop_reason: str | None,
    when: Predicate | None,
    times: int | None,
    **fields: Any,
) -> Reply:
    """A checked Reply from ``fake.reply(...)``'s arguments; a ScriptError says what is wrong."""
    if len(content) == 1 and callable(content[0]):
        return computing(content[0], stop_reason=stop_reason, when=when, times=times, **fields)
    blocks = flatten(content)
    b.check_blocks(blocks)
    checks.sendable(blocks, "reply(...)")
    for name in ("stop_sequence", "stop_details", "usage"):
        checks.sendable(fields.get(name), f"reply({name}=...)")
    reason = stop_reason or infer_stop_reason(blocks)
    reply_checks.check_stop_reason(reason)
    _check_reuse(when, times)
    return Reply(
        content=blocks, stop_reason=reason, when=when, times=times, where=call_site(), **fields
    )


def _check_reuse(when: Predicate | None, times: int | None) -> None:
    """A ScriptError for a ``times`` or ``when`` that could never be honoured."""
    checks.times(times, "reply()")
    if when is not None and not callable(when):
        raise ScriptError(
            f"reply(when={when!r}): when must be a callable taking the request.",
            fix='e.g. when=lambda request: "weather" in request.text',
        )


def computing(
    function: Compute,
    *,
    stop_reason: str | None,
    when: Predicate | None,
    times: int | None,
    **fields: Any,
) -> Reply:
    """The Reply of ``fake.reply(function)``: ``function(request)`` gives the content later."""
    if stop_reason is not None:
        reply_checks.check_stop_reason(stop_reason)
    _check_reuse(when, times)
    return Reply(
        content=[],
        stop_reason=stop_reason or "",
        compute=function,
        when=when,
        times=times,
        where=call_site(),
        **fields,
    )


def computed(reply: Reply, request: FakeRequest) -> Reply:
    """A ``reply(function)`` made concrete for ``request``: the function's answer, checked."""
    assert reply.compute is not None
    try:
        answer = reply.compute(request)
    except Exception as exc:
        raise ScriptError(
            f"the function of {reply.describe()} raised {type(exc).__name__}: {exc}",
            why="reply(function) calls the function with each request it answers.",
            fix="Fix the function; it may read request.text, .body, .messages, .headers.",
            anchor="scripting",
        ) from exc
    try:
        blocks = flatten(answer if isinstance(answer, tuple | list) else (answer,))
    except ScriptError:
        raise ScriptError(
            f"the function of {reply.describe()} returned {answer!r}.",
            why="It must return what fake.reply() takes: a str, a block, or a list of them.",
            fix='e.g. fake.reply(lambda request: f"You said: {request.text}")',
            anchor="scripting",
        ) from None
    b.check_blocks(blocks)
    reason = reply.stop_reason or infer_stop_reason(blocks)
    return Reply(
        content=blocks,
        stop_reason=reason,
        stop_sequence=reply.stop_sequence,
        stop_details=reply.stop_details,
        usage=reply.usage,
        where=reply.where,
    )


def call_site() -> str:
    """' (scripted at file:line)' of the first frame outside claude_fake, for messages. Walks the
    frames themselves: ``traceback.extract_stack`` reads every frame's source line, which cost a
    test under pytest's deep stack some 40 us per scripted reply."""
    frame: FrameType | None = sys._getframe(1)
    outside: FrameType | None = None
    while frame is not None:
        filename = frame.f_code.co_filename
        if filename.endswith("claude_fake/faces/scripting.py"):
            return " (scripted over HTTP)"
        if outside is None and "/claude_fake/" not in filename:
            outside = frame
        frame = frame.f_back
    if outside is None:
        return ""
    return f" (scripted at {outside.f_code.co_filename}:{outside.f_lineno})"


def _is_compaction_request(request: FakeRequest) -> bool:
    return any(beta.startswith("compact-") for beta in request.betas)


def _check_beta_blocks(reply: Reply, request: FakeRequest) -> None:
    kinds = [str(blk.get("type")) for blk in reply.content]
    if "compaction" in kinds or reply.stop_reason == "compaction":
        if not _is_compaction_request(request):
            raise ScriptError(
                f"{reply.describe()} holds a compaction, but the request is not a compaction "
                f"request (anthropic-beta: {', '.join(request.betas) or 'none'}).",
                why="The API compacts only for the compact-2026-01-12 (or compact-2026-09-04) "
                "beta; GA clients cannot parse a compaction block or stop reason.",
                fix="Send it with client.beta.messages.create(..., betas=['compact-2026-01-12']), "
                "or script this reply without compaction.",
            )
        return
    beta_only = [kind for kind in kinds if not b.is_ga(kind)]
    if beta_only and not request.is_beta:
        raise ScriptError(
            f"{reply.describe()} holds {', '.join(beta_only)}, which only beta requests get.",
            why="GA clients (client.messages) cannot parse beta-only blocks.",
            fix="Send it with client.beta.messages.create(..., betas=[...]), "
            "or script this reply without them.",
        )


def resolve(reply: Reply, request: FakeRequest) -> Reply:
    """``reply`` as it answers ``request``: its stop sequence filled from the request's first
    one (null when it sent none); checked. ``reply(function)`` is computed first."""
    if reply.compute is not None:
        reply = computed(reply, request)
    _check_beta_blocks(reply, request)
    if reply.stop_reason != "stop_sequence" or reply.stop_sequence is not None:
        return reply
    asked = request.body.get("stop_sequences") if isinstance(request.body, dict) else None
    if not isinstance(asked, list) or not asked or not isinstance(asked[0], str):
        return reply  # the request named none: the answer's stop_sequence is null
    return dataclasses.replace(reply, stop_sequence=asked[0])


@dataclass(slots=True)
class ReplyBook:
    """The queue and the ``when`` rules of one engine. Not thread-safe: the engine locks."""

    queue: list[Reply] = field(default_factory=list)
    rules: list[Reply] = field(default_factory=list)
    scripted: bool = False

    def add(self, reply: Reply) -> None:
        """Queue a reply, or add it as a rule when it has a ``when``."""
        self.scripted = True
        (self.rules if reply.when else self.queue).append(reply)

    def peek(self, request: FakeRequest) -> Reply | None:
        """The reply that would answer ``request`` (the first matching rule, else the head of
        the queue), not yet used: ``use`` it once it has answered."""
        for rule in self.rules:
            if rule.left and _matches(rule, request):
                return rule
        while self.queue and not self.queue[0].left:
            self.queue.pop(0)
        return self.queue[0] if self.queue else None

    @staticmethod
    def use(reply: Reply) -> None:
        """Count one answer given by ``reply``."""
        reply.used += 1

    def unused(self) -> list[str]:
        """Descriptions of replies that were never used up."""
        return [
            f"{r.describe()}: used {r.used} of {r.times}"
            for r in [*self.rules, *self.queue]
            if r.times is not None and r.used < r.times and not r.optional
        ]


def _matches(rule: Reply, request: FakeRequest) -> bool:
    assert rule.when is not None
    try:
        return bool(rule.when(request))
    except Exception as exc:
        raise ScriptError(
            f"the when= rule of {rule.describe()} raised {type(exc).__name__}: {exc}",
            why="A rule is called with each request (a claude_fake FakeRequest).",
            fix="Fix the predicate; it may read request.text, .body, .messages, .headers.",
        ) from exc
