"""The prompt of a request as a chain of prefix digests: tools, then system, then messages, one
unit per tool or block, each with its cumulative tokens and any ``cache_control`` breakpoint.

One pass hashes the prompt incrementally, so a request costs time linear in its size however many
breakpoints and earlier turns there are.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from claude_fake.state import tokens
from claude_fake.wire.jsontext import compact as _dumps

TTLS = {"5m": 300.0, "1h": 3600.0}
MAX_BREAKPOINTS = 4
_NOT_CACHEABLE = {"thinking", "redacted_thinking"}


def _ttl(control: Any) -> float | None:
    if not isinstance(control, dict) or control.get("type") != "ephemeral":
        return None
    return TTLS.get(str(control.get("ttl") or "5m"), TTLS["5m"])


@dataclass(slots=True, kw_only=True)
class Prompt:
    """A request's prompt, unit by unit (a tool, a system block, a message block)."""

    model: str
    name: str = ""
    chain: list[bytes] = field(default_factory=list)
    cum: list[int] = field(default_factory=list)
    cacheable: list[bool] = field(default_factory=list)
    breakpoints: dict[int, float] = field(default_factory=dict)
    sections: dict[str, bytes] = field(default_factory=dict)
    total: int = tokens.MESSAGE_OVERHEAD

    @property
    def digest(self) -> bytes:
        """A digest of the whole prompt."""
        return self.chain[-1] if self.chain else hashlib.blake2b(self.model.encode()).digest()


class _Walker:
    def __init__(self, prompt: Prompt) -> None:
        self.prompt = prompt
        self.hasher = hashlib.blake2b(prompt.model.encode(), digest_size=16)

    def add(self, key: bytes, count: int, *, control: Any = None, cacheable: bool = True) -> None:
        prompt = self.prompt
        self.hasher.update(key)
        self.hasher.update(b"\x1f")
        prompt.total += count
        prompt.chain.append(self.hasher.copy().digest())
        prompt.cum.append(prompt.total)
        prompt.cacheable.append(cacheable)
        ttl = _ttl(control) if cacheable and control is not None else None
        if ttl is not None:
            prompt.breakpoints[len(prompt.chain) - 1] = ttl

    def section(self, name: str) -> None:
        self.hasher.update(b"\x1e" + name.encode())
        self.prompt.sections[name] = self.hasher.copy().digest()


def _key(block: Any) -> bytes:
    """The bytes a unit is hashed by: its JSON without cache_control, in the order sent (the
    API matches prefixes byte for byte); the same length as tokens.py's sorted JSON."""
    if isinstance(block, str):
        return b"s" + block.encode()
    if not isinstance(block, dict):
        return b"j" + _dumps(block).encode()
    if block.get("type") == "text" and len(block) <= 2 + ("cache_control" in block):
        return b"t" + str(block.get("text", "")).encode()
    return b"j" + _dumps({k: v for k, v in block.items() if k != "cache_control"}).encode()


def _content(walker: _Walker, content: Any, overhead: int, role: bytes) -> None:
    walker.hasher.update(b"\x1d" + role)
    if not isinstance(content, list) or not content:
        walker.add(
            _key(content if isinstance(content, str) else ""),
            overhead + tokens.content_tokens(content),
        )
        return
    for index, block in enumerate(content):
        count = tokens.block_tokens(block) + (overhead if index == 0 else 0)
        if not isinstance(block, dict):
            walker.add(_key(block), count, cacheable=False)
            continue
        cacheable = block.get("type") not in _NOT_CACHEABLE
        walker.add(_key(block), count, control=block.get("cache_control"), cacheable=cacheable)


def walk(body: Mapping[str, Any]) -> Prompt:
    """The prompt of ``body`` (its ``messages`` as counted), hashed prefix by prefix."""
    model = f"{body.get('model')}|{body.get('speed')}"
    walker = _Walker(Prompt(model=model, name=str(body.get("model") or "")))
    for tool in body.get("tools") or ():
        if isinstance(tool, dict):
            key = _key(tool)  # the tool's JSON without cache_control, as tokens.tool_tokens counts
            count = tokens.TOOL_OVERHEAD + tokens.text_tokens(key[1:].decode())
            walker.add(key, count, control=tool.get("cache_control"))
    walker.section("tools")
    system = body.get("system")
    if system:
        _content(walker, system, tokens.SYSTEM_OVERHEAD, b"system")
    walker.section("system")
    for message in body.get("messages") or ():
        if isinstance(message, dict):
            role = str(message.get("role")).encode()
            _content(walker, message.get("content"), tokens.MESSAGE_OVERHEAD, role)
    _automatic(walker.prompt, body.get("cache_control"))
    return walker.prompt


def _automatic(prompt: Prompt, control: Any) -> None:
    ttl = _ttl(control)
    if ttl is None:
        return
    last = next((i for i in range(len(prompt.chain) - 1, -1, -1) if prompt.cacheable[i]), None)
    if last is not None:
        prompt.breakpoints.setdefault(last, ttl)


def breakpoint_problem(body: Mapping[str, Any], message_marks: int | None = None) -> str | None:
    """The API's 400 message when a request marks more than four blocks with cache_control.
    ``message_marks``: the breakpoints in ``messages``, when already counted."""
    found = 0
    for tool in body.get("tools") or ():
        found += isinstance(tool, dict) and tool.get("cache_control") is not None
    sources = [body.get("system")]
    if message_marks is None:
        sources += [m.get("content") for m in body.get("messages") or () if isinstance(m, dict)]
    else:
        found += message_marks
    for content in sources:
        if isinstance(content, list):
            found += sum(
                isinstance(b, dict) and b.get("cache_control") is not None for b in content
            )
    if found <= MAX_BREAKPOINTS:
        return None
    return (
        f"A maximum of {MAX_BREAKPOINTS} blocks with cache_control may be provided. Found {found}."
    )
