"""Scripted replies: what the test queued, in order, or matched by a ``when`` rule."""

from __future__ import annotations

import traceback
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache
from typing import Any, get_args

from . import blocks as b
from .errors import ScriptError
from .model import FakeRequest

Predicate = Callable[[FakeRequest], object]


@cache
def stop_reasons() -> tuple[str, ...]:
    """Every stop reason the installed SDK knows (GA and beta)."""
    from anthropic.types import StopReason
    from anthropic.types.beta import BetaStopReason

    return tuple(dict.fromkeys([*get_args(StopReason), *get_args(BetaStopReason)]))


@cache
def _block_adapter() -> Any:
    from anthropic.types.beta import BetaContentBlock
    from pydantic import TypeAdapter

    return TypeAdapter(BetaContentBlock)


def flatten(items: Iterable[object]) -> list[b.Block]:
    """Turn reply arguments (str, blocks, pairs of blocks) into a list of block dicts."""
    out: list[b.Block] = []
    for item in items:
        if isinstance(item, str):
            out.append(b.text(item))
        elif isinstance(item, tuple | list):
            out.extend(flatten(item))
        elif isinstance(item, Mapping):
            out.append(dict(item))
        else:
            raise ScriptError(
                f"reply() got a {type(item).__name__}, which is not a content block.",
                fix="Pass strings or blocks built with claude_fake.text/tool_use/thinking/...",
            )
    return out


def check_blocks(content: list[b.Block]) -> None:
    """Raise a ScriptError naming the first block the SDK's types would not accept."""
    from pydantic import ValidationError

    for index, block in enumerate(content):
        probe = {**block}
        if probe.get("type") in ("tool_use", "server_tool_use") and not probe.get("id"):
            probe["id"] = "toolu_check"
        if "tool_use_id" in probe and not probe["tool_use_id"]:
            probe["tool_use_id"] = "srvtoolu_check"
        if probe.get("type") == "tool_use" and not isinstance(probe.get("input"), dict):
            raise ScriptError(
                f"block {index} (tool_use {probe.get('name')!r}): input must be a dict.",
                why="The API always sends tool input as a JSON object.",
                fix="Pass a dict as the tool input.",
            )
        try:
            _block_adapter().validate_python(probe)
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(p) for p in first["loc"])
            raise ScriptError(
                f"block {index} ({probe.get('type')!r}) is not a valid content block: "
                f"{where}: {first['msg']}.",
                fix="Build blocks with claude_fake.text/tool_use/thinking/server_tool_use/...",
            ) from None


def infer_stop_reason(content: list[b.Block]) -> str:
    """The stop reason a reply implies: tool_use for a client tool call, else end_turn."""
    kinds = [blk.get("type") for blk in content]
    if "tool_use" in kinds:
        return "tool_use"
    if kinds and kinds[-1] == "compaction":
        return "compaction"
    return "end_turn"


def check_stop_reason(stop_reason: str) -> None:
    """Raise a ScriptError when the SDK does not know ``stop_reason``."""
    if stop_reason not in stop_reasons():
        raise ScriptError(
            f"unknown stop_reason {stop_reason!r}.",
            why="Strict SDK clients reject stop reasons outside their StopReason literal.",
            fix=f"Use one of: {', '.join(stop_reasons())}.",
        )


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

    def describe(self) -> str:
        """A one-line description for reports."""
        kinds = ", ".join(str(blk.get("type")) for blk in self.content) or "no blocks"
        rule = " (when rule)" if self.when else ""
        return f"reply [{kinds}] stop_reason={self.stop_reason}{rule}{self.where}"


def call_site() -> str:
    """' at file:line' of the first frame outside claude_fake, for messages."""
    for frame in reversed(traceback.extract_stack()[:-1]):
        if "/claude_fake/" not in frame.filename:
            return f" (scripted at {frame.filename}:{frame.lineno})"
    return ""


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

    def take(self, request: FakeRequest) -> Reply | None:
        """The reply for ``request``: the first matching rule, else the head of the queue."""
        for rule in self.rules:
            if rule.times is not None and rule.used >= rule.times:
                continue
            assert rule.when is not None
            try:
                matched = rule.when(request)
            except Exception as exc:
                raise ScriptError(
                    f"the when= rule of {rule.describe()} raised {type(exc).__name__}: {exc}",
                    why="A rule is called with each request (a claude_fake FakeRequest).",
                    fix="Fix the predicate; it may read request.text, .body, .messages, .headers.",
                ) from exc
            if matched:
                return self._use(rule)
        while self.queue:
            head = self.queue[0]
            if head.times is not None and head.used >= head.times:
                self.queue.pop(0)
                continue
            return self._use(head)
        return None

    @staticmethod
    def _use(reply: Reply) -> Reply:
        reply.used += 1
        return reply

    def unused(self) -> list[str]:
        """Descriptions of replies that were never used up."""
        return [
            f"{r.describe()}: used {r.used} of {r.times}"
            for r in [*self.rules, *self.queue]
            if r.times is not None and r.used < r.times
        ]
