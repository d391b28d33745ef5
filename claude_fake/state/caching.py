"""Prompt caching: the prefixes written at ``cache_control`` breakpoints, read back while their
TTL lasts on the engine clock, the model's minimum cacheable length, and cache diagnostics."""

from __future__ import annotations

import functools
import hashlib
import threading
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, NamedTuple

from claude_fake.state.prompt import TTLS, Prompt
from claude_fake.wire.jsontext import canonical as _sorted_dumps

LOOKBACK = 20
MAX_ENTRIES = 4096
MAX_SEEN = 10_000

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


@functools.lru_cache(maxsize=256)
def min_tokens(model: str) -> int:
    """The shortest prefix ``model`` caches; below it nothing is written or read."""
    return next((n for prefix, n in MIN_TOKENS if model.startswith(prefix)), DEFAULT_MIN_TOKENS)


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


NO_USE = CacheUse()


class Fingerprint(NamedTuple):
    """What diagnostics compare a later request with (a tuple of atoms: the collector skips it,
    however many are kept)."""

    model: str
    tools: bytes
    system: bytes
    other: bytes
    end: bytes
    units: int
    cached: int


def _digest_of(params: list[Any]) -> bytes:
    return hashlib.blake2b(_sorted_dumps(params).encode(), digest_size=16).digest()


_NEITHER = _digest_of([None, None])


def other_digest(body: Mapping[str, Any]) -> bytes:
    """A digest of the other prompt-shaping params (thinking, tool_choice)."""
    params = [body.get("thinking"), body.get("tool_choice")]
    return _NEITHER if params == [None, None] else _digest_of(params)


class PromptCache:
    """Cached prefixes (digest -> expiry, ttl) and the prompts of earlier answers, by message id."""

    def __init__(self) -> None:
        self.entries: dict[bytes, tuple[float, float]] = {}
        self.seen: OrderedDict[str, Fingerprint] = OrderedDict()  # O(1) eviction of the oldest
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
        if not prompt.breakpoints:
            return NO_USE
        floor = min_tokens(prompt.name)
        points = sorted((i, t) for i, t in prompt.breakpoints.items() if prompt.cum[i] >= floor)
        if not points:
            return NO_USE
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
        if len(self.entries) <= MAX_ENTRIES:
            return
        live = sorted(((v, k) for k, v in self.entries.items() if v[0] > now), reverse=True)
        self.entries = {k: v for v, k in live[: MAX_ENTRIES // 2]}

    def remember(self, msg_id: str, prompt: Prompt, use: CacheUse, other: bytes) -> None:
        """Keep what diagnostics need about the prompt answered by ``msg_id``."""
        with self._lock:
            self.seen[msg_id] = self._fingerprint(prompt, use, other)
            if len(self.seen) > MAX_SEEN:
                self.seen.popitem(last=False)

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
