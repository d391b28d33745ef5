"""Prompt caching: the prompt as a chain of prefix digests (tools, then system, then messages),
the cache of prefixes written at ``cache_control`` breakpoints, and cache diagnostics.

One pass hashes the prompt incrementally, so a request costs time linear in its size however many
breakpoints and earlier turns there are.
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from . import tokens

TTLS = {"5m": 300.0, "1h": 3600.0}
MAX_BREAKPOINTS = 4
LOOKBACK = 20
MAX_ENTRIES = 4096
_NOT_CACHEABLE = {"thinking", "redacted_thinking"}
_dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
_sorted_dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode
# Minimum cacheable prefix, by model id prefix (WIRE.md §8); the first match wins.
MIN_TOKENS: tuple[tuple[str, int], ...] = (
    ("claude-opus-4-8", 1024),
    ("claude-opus-4-7", 2048),
    ("claude-opus-4-6", 4096),
    ("claude-opus-4-5", 4096),
    ("claude-opus-4", 1024),
    ("claude-opus-5", 512),
    ("claude-fable", 512),
    ("claude-mythos", 512),
    ("claude-sonnet", 1024),
    ("claude-haiku-4-5", 4096),
    ("claude-haiku-5", 4096),
    ("claude-3-haiku", 2048),
    ("claude-3-5-haiku", 2048),
    ("claude-haiku", 2048),
)
DEFAULT_MIN_TOKENS = 1024


def min_tokens(model: str) -> int:
    """The shortest prefix ``model`` caches; below it nothing is written or read."""
    return next((n for prefix, n in MIN_TOKENS if model.startswith(prefix)), DEFAULT_MIN_TOKENS)


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
    explicit: int = 0
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
            prompt.explicit += 1

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


@dataclass(frozen=True, slots=True, kw_only=True)
class CacheUse:
    """What one request read from and wrote to the cache, in tokens."""

    read: int = 0
    write_5m: int = 0
    write_1h: int = 0

    @property
    def creation(self) -> int:
        """Tokens written, either TTL."""
        return self.write_5m + self.write_1h

    def usage(self, total: int) -> dict[str, Any]:
        """The usage fields of a prompt of ``total`` tokens: input is the uncached remainder."""
        return {
            "input_tokens": total - self.read - self.creation,
            "cache_creation_input_tokens": self.creation,
            "cache_read_input_tokens": self.read,
            "cache_creation": {
                "ephemeral_5m_input_tokens": self.write_5m,
                "ephemeral_1h_input_tokens": self.write_1h,
            },
        }


@dataclass(frozen=True, slots=True, kw_only=True)
class Fingerprint:
    """What diagnostics compare a later request with."""

    model: str
    tools: bytes
    system: bytes
    other: bytes
    end: bytes
    units: int
    cached: int


def other_digest(body: Mapping[str, Any]) -> bytes:
    """A digest of the other prompt-shaping params (thinking, tool_choice)."""
    raw = _sorted_dumps([body.get("thinking"), body.get("tool_choice")]).encode()
    return hashlib.blake2b(raw, digest_size=16).digest()


class PromptCache:
    """Cached prefixes (digest -> expiry, ttl) and the prompts of earlier answers, by message id."""

    def __init__(self) -> None:
        self.entries: dict[bytes, tuple[float, float]] = {}
        self.seen: dict[str, Fingerprint] = {}
        self._lock = threading.Lock()

    def _hit(self, prompt: Prompt, points: list[tuple[int, float]], now: float) -> int:
        hit = -1
        for index, _ in points:
            for k in range(index, max(-1, index - LOOKBACK, hit), -1):
                entry = self.entries.get(prompt.chain[k])
                if entry is not None and entry[0] > now:
                    hit = k
                    break
        return hit

    def use(self, prompt: Prompt, now: float) -> CacheUse:
        """Read the longest cached prefix, write the breakpoints after it, refresh what was read."""
        floor = min_tokens(prompt.name)
        points = sorted((i, t) for i, t in prompt.breakpoints.items() if prompt.cum[i] >= floor)
        if not points:
            return CacheUse()
        with self._lock:
            return self._use(prompt, points, now)

    def _use(self, prompt: Prompt, points: list[tuple[int, float]], now: float) -> CacheUse:
        hit = self._hit(prompt, points, now)
        written = {TTLS["5m"]: 0, TTLS["1h"]: 0}
        before = prompt.cum[hit] if hit >= 0 else 0
        for index, ttl in points:
            if index <= hit:
                continue
            written[ttl] += prompt.cum[index] - before
            before = prompt.cum[index]
            self.entries[prompt.chain[index]] = (now + ttl, ttl)
        if hit >= 0:
            _, ttl = self.entries[prompt.chain[hit]]
            self.entries[prompt.chain[hit]] = (now + ttl, ttl)
        self._prune(now)
        read = prompt.cum[hit] if hit >= 0 else 0
        return CacheUse(read=read, write_5m=written[TTLS["5m"]], write_1h=written[TTLS["1h"]])

    def _prune(self, now: float) -> None:
        if len(self.entries) > MAX_ENTRIES:
            self.entries = {k: v for k, v in self.entries.items() if v[0] > now}

    def remember(self, msg_id: str, prompt: Prompt, use: CacheUse, other: bytes) -> None:
        """Keep what diagnostics need about the prompt answered by ``msg_id``."""
        with self._lock:
            self.seen[msg_id] = self._fingerprint(prompt, use, other)

    @staticmethod
    def _fingerprint(prompt: Prompt, use: CacheUse, other: bytes) -> Fingerprint:
        return Fingerprint(
            model=prompt.model,
            tools=prompt.sections.get("tools", b""),
            system=prompt.sections.get("system", b""),
            other=other,
            end=prompt.digest,
            units=len(prompt.chain),
            cached=use.read + use.creation,
        )

    def diagnose(self, previous_id: Any, prompt: Prompt, other: bytes) -> dict[str, Any] | None:
        """``cache_miss_reason`` for a request that names the message it follows (None: no miss)."""
        if previous_id is None:
            return None
        with self._lock:
            before = self.seen.get(str(previous_id))
        if before is None:
            return {"type": "previous_message_not_found"}
        changed = _first_change(before, prompt, other)
        if changed in (None, "unavailable"):
            return None if changed is None else {"type": "unavailable"}
        return {"type": changed, "cache_missed_input_tokens": before.cached}


def _first_change(before: Fingerprint, prompt: Prompt, other: bytes) -> str | None:
    if before.model != prompt.model:
        return "model_changed"
    if before.tools != prompt.sections.get("tools"):
        return "tools_changed"
    if before.system != prompt.sections.get("system"):
        return "system_changed"
    units = before.units
    if units and (units > len(prompt.chain) or prompt.chain[units - 1] != before.end):
        return "messages_changed"
    return "unavailable" if before.other != other else None
