"""One Messages answer with the API's state applied: compaction checks and blocks, context edits,
prompt caching, cache diagnostics, and the usage (with ``iterations``) that follows from them."""

from __future__ import annotations

import random
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from claude_fake.model import FakeRequest
from claude_fake.state import caching, compact, context_edit, summarize, tokens
from claude_fake.state import message as msg
from claude_fake.state.prompt import MAX_BREAKPOINTS, Prompt, breakpoint_problem, walk
from claude_fake.wire import ids
from claude_fake.wire.jsontext import canonical as _dumps

_PROMPT_KEYS = ("messages", "system", "tools", "stream", "cache_control", "diagnostics")


@dataclass(slots=True, kw_only=True)
class Outline:
    """The blocks of an answer and how it ends (a scripted reply or a generator draft)."""

    content: list[dict[str, Any]]
    stop_reason: str
    stop_sequence: str | None = None
    stop_details: Mapping[str, Any] | None = None
    usage: Mapping[str, Any] | None = None


def outline_of_reply(reply: Any) -> Outline | None:
    """The Outline of a scripted reply (a ``replies.Reply``), or None for no reply."""
    if reply is None:
        return None
    return Outline(
        content=reply.content,
        stop_reason=reply.stop_reason,
        stop_sequence=reply.stop_sequence,
        stop_details=reply.stop_details,
        usage=reply.usage,
    )


def outline_of_draft(draft: Any) -> Outline:
    """The Outline of a generator draft (a ``draft.Draft``)."""
    return Outline(
        content=draft.content, stop_reason=draft.stop_reason, stop_sequence=draft.stop_sequence
    )


@dataclass(slots=True, kw_only=True)
class Outcome:
    """A Message, or the 400 the request earned; ``keep_reply``: the scripted reply went unused."""

    message: dict[str, Any] | None = None
    rejection: compact.Rejection | None = None
    keep_reply: bool = False


@dataclass(slots=True, kw_only=True)
class View:
    """The request as the model reads it: compacted history dropped, clear edits applied."""

    body: dict[str, Any]
    applied: list[dict[str, Any]]


Generate = Callable[[bytes], Outline]
NewId = Callable[[str], str]


def scan_of(request: FakeRequest, body: Mapping[str, Any]) -> compact.Scan:
    """The compaction blocks and breakpoints of a request's messages. The raw body, searched at
    C speed, spares the walk over a long history: with at most four ``cache_control`` in it the
    breakpoints need no count, and without ``compaction`` there is no block to find."""
    messages = body.get("messages")
    if not isinstance(messages, list):
        return compact.Scan(found=[])
    raw = request.raw
    few_marks = bool(raw) and raw.count(b"cache_control") <= MAX_BREAKPOINTS
    if not few_marks or compact.is_strict(body, request.betas):
        return compact.scan(messages)
    if b"compaction" not in raw:
        return compact.Scan(found=[])
    return compact.scan_tail(messages)


def view_of(body: Mapping[str, Any], scanned: compact.Scan | None = None) -> View:
    """What is counted for ``body``: messages before the last compaction block dropped, then the
    clear edits applied."""
    messages = body.get("messages")
    if not isinstance(messages, list):
        return View(body=dict(body), applied=[])
    found = scanned.found if scanned is not None else None
    if found == [] and not body.get("context_management"):
        return View(body=dict(body), applied=[])  # nothing compacted, nothing to clear
    edited = context_edit.apply(body, compact.effective_messages(messages, found))
    return View(body={**body, "messages": edited.messages}, applied=edited.applied)


def count(body: Mapping[str, Any]) -> int:
    """Input tokens of a request as the model reads it (what ``count_tokens`` answers)."""
    return tokens.count(view_of(body).body)


def check(
    body: Mapping[str, Any], betas: tuple[str, ...], secret: bytes, scanned: compact.Scan
) -> compact.Rejection | None:
    """The 400 a request earns for its compaction blocks or cache breakpoints, if any."""
    too_many = breakpoint_problem(body, scanned.marks)
    if too_many is not None:
        return compact.Rejection(code="", message=too_many)
    return compact.check_request(body, betas, secret, scanned.found)


def draft_rng(seed: int, body: Mapping[str, Any], digest: bytes) -> random.Random:
    """The generator's rng for a request: from the seed, the prompt digest and the other params."""
    params = _dumps({k: v for k, v in body.items() if k not in _PROMPT_KEYS})
    return random.Random(ids.stable_seed(seed, digest.hex(), params))


def _kind(body: Mapping[str, Any], total: int, scripted: Outline | None) -> str:
    if isinstance(body.get("compaction"), dict):
        return "plain" if scripted is not None else "summarize"
    edit = compact.threshold_edit(body)
    if edit is None or total < compact.trigger_of(edit):
        return "plain"
    if scripted is not None and compact.has_block(scripted.content):
        return "plain"
    return "pause" if edit.get("pause_after_compaction") is True else "compact"


def _iteration(kind: str, inputs: Mapping[str, Any], output: int) -> dict[str, Any]:
    return {"type": kind, **inputs, "output_tokens": output}


def _block(body: Mapping[str, Any], secret: bytes, *, on_demand: bool) -> dict[str, Any]:
    config = body.get("compaction") if on_demand else compact.threshold_edit(body)
    return summarize.make_block(
        secret,
        body.get("messages") or [],
        tools=body.get("tools"),
        instructions=compact.instructions_of(config),
        with_tool_changes=on_demand,
    )


@dataclass(slots=True, kw_only=True)
class _Turn:
    """What one request needs while it is answered."""

    body: Mapping[str, Any]
    view: View
    prompt: Prompt
    cache: caching.PromptCache
    now: float
    secret: bytes
    new_id: NewId


def _plain(
    turn: _Turn, reply: Outline, inputs: Mapping[str, Any]
) -> tuple[list[Any], dict[str, Any]]:
    content = msg.materialize(reply.content, turn.new_id)
    return content, msg.usage_for(turn.body, content, inputs=inputs)


def _compacted(
    turn: _Turn, kind: str, inputs: Mapping[str, Any], rest: Callable[[], Outline]
) -> tuple[Outline, list[Any], dict[str, Any]]:
    block = _block(turn.view.body, turn.secret, on_demand=kind == "summarize")
    first = _iteration("compaction", inputs, tokens.block_tokens(block))
    if kind != "compact":
        usage = msg.usage_for(turn.body, [block], inputs=inputs)
        usage["iterations"] = [first]
        return Outline(content=[block], stop_reason="compaction"), [block], usage
    after = walk({**turn.view.body, "messages": [{"role": "assistant", "content": [block]}]})
    again = turn.cache.use(after, turn.now).usage(after.total)
    reply = rest()
    content, usage = _plain(turn, reply, again)
    usage["iterations"] = [first, _iteration("message", again, usage["output_tokens"])]
    return reply, [block, *content], usage


def _fields(turn: _Turn, use: caching.CacheUse, msg_id: str) -> dict[str, Any]:
    body, fields = turn.body, dict[str, Any]()
    other = caching.other_digest(body)
    if "diagnostics" in body:
        asked = body["diagnostics"]
        previous = asked.get("previous_message_id") if isinstance(asked, dict) else None
        reason = turn.cache.diagnose(previous, turn.prompt, other)
        fields["diagnostics"] = {"cache_miss_reason": reason} if asked is not None else None
    if body.get("context_management"):
        fields["context_management"] = {"applied_edits": turn.view.applied}
    turn.cache.remember(msg_id, turn.prompt, use, other)
    return fields


def respond(
    request: FakeRequest,
    *,
    scripted: Outline | None,
    generate: Generate,
    secret: bytes,
    cache: caching.PromptCache,
    now: float,
    msg_id: str,
    new_id: NewId,
) -> Outcome:
    """Answer a Messages request: a Message dict, or the problem that earns a 400."""
    body = request.body if isinstance(request.body, dict) else {}
    scanned = scan_of(request, body)
    problem = check(body, request.betas, secret, scanned)
    if problem is not None:
        return Outcome(rejection=problem, keep_reply=True)
    view = view_of(body, scanned)
    prompt = walk(view.body)
    turn = _Turn(
        body=body, view=view, prompt=prompt, cache=cache, now=now, secret=secret, new_id=new_id
    )
    kind = _kind(body, prompt.total, scripted)
    use = cache.use(prompt, now)
    inputs = use.usage(prompt.total)
    rest: Callable[[], Outline] = lambda: scripted or generate(prompt.digest)  # noqa: E731
    if kind == "plain":
        reply = rest()
        content, usage = _plain(turn, reply, inputs)
    else:
        reply, content, usage = _compacted(turn, kind, inputs, rest)
    message = msg.message(
        request,
        msg_id=msg_id,
        content=content,
        stop_reason=reply.stop_reason,
        stop_sequence=reply.stop_sequence,
        stop_details=reply.stop_details,
        usage=reply.usage,
        computed=usage,
        fields=_fields(turn, use, msg_id),
    )
    return Outcome(message=message, keep_reply=kind == "pause" and scripted is not None)
