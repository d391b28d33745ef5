"""caching.py: the prompt walk counts what tokens.py counts, and the cache reads, writes and
expires prefixes as the API does."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from claude_fake.errors import ScriptError
from claude_fake.state import caching, tokens
from claude_fake.state.clock import Clock
from claude_fake.state.prompt import breakpoint_problem, walk

EPHEMERAL = {"type": "ephemeral"}
LONG = "word " * 2_000  # 2,500 tokens
BODIES: list[dict[str, Any]] = [
    {"model": "m", "messages": [{"role": "user", "content": "hi"}]},
    {"model": "m", "system": "plain system", "messages": [{"role": "user", "content": []}]},
    {
        "model": "m",
        "tools": [{"name": "t", "input_schema": {"type": "object"}, "cache_control": EPHEMERAL}],
        "system": [{"type": "text", "text": LONG, "cache_control": EPHEMERAL}],
        "messages": [
            {
                "role": "user",
                "content": [{"type": "text", "text": "a"}, {"type": "image", "source": {}}],
            },
            {
                "role": "assistant",
                "content": [
                    {"type": "thinking", "thinking": "hmm", "signature": "s"},
                    {"type": "tool_use", "id": "toolu_1", "name": "t", "input": {"é": 1}},
                ],
            },
            {
                "role": "user",
                "content": [{"type": "tool_result", "tool_use_id": "toolu_1", "content": "ok"}],
            },
        ],
    },
]


@pytest.mark.parametrize("body", BODIES)
def test_the_walk_counts_what_count_tokens_counts(body: dict[str, Any]) -> None:
    assert walk(body).total == tokens.count(body)


def test_the_walk_leaves_the_body_alone() -> None:
    body = copy.deepcopy(BODIES[2])
    walk(body)
    assert body == BODIES[2]


def _body(*texts: str, auto: bool = False, ttl: str | None = None) -> dict[str, Any]:
    control = {**EPHEMERAL, "ttl": ttl} if ttl else EPHEMERAL
    blocks = [{"type": "text", "text": t} for t in texts]
    body: dict[str, Any] = {
        "model": "claude-sonnet-4-6",
        "system": [{"type": "text", "text": LONG, "cache_control": control}],
        "messages": [{"role": "user", "content": blocks}],
    }
    if auto:
        body["cache_control"] = control
    return body


def test_write_then_read_then_expire() -> None:
    cache, prompt = caching.PromptCache(), walk(_body("hello"))
    first = cache.use(prompt, now=0.0)
    assert first.read == 0
    assert first.write_5m == prompt.cum[0]
    assert cache.use(prompt, now=299.0).read == prompt.cum[0]
    assert cache.use(prompt, now=598.0).read == prompt.cum[0]  # the read refreshed it
    assert cache.use(prompt, now=899.0).read == 0  # 301 s idle: expired


def test_the_automatic_breakpoint_reads_back_through_the_lookback() -> None:
    cache = caching.PromptCache()
    cache.use(walk(_body("a", auto=True)), now=0.0)
    longer = walk(_body("a", "b", "c", auto=True))
    use = cache.use(longer, now=1.0)
    assert use.read == longer.cum[1]  # system + "a", written by the first request
    assert use.write_5m == longer.cum[-1] - longer.cum[1]
    assert use.usage(longer.total)["input_tokens"] == 0


def test_ttls_are_split() -> None:
    body = _body("tail", auto=True, ttl="1h")
    body["messages"][0]["content"][0]["cache_control"] = EPHEMERAL
    prompt = walk(body)
    use = caching.PromptCache().use(prompt, now=0.0)
    assert use.write_1h == prompt.cum[0]
    assert use.write_5m == prompt.cum[1] - prompt.cum[0]


@pytest.mark.parametrize(
    ("model", "minimum"),
    [
        ("claude-opus-5-5", 512),
        ("claude-sonnet-4-6", 1024),
        ("claude-opus-4-7", 2048),
        ("claude-haiku-4-5", 4096),
        ("claude-opus-4-5-20251101", 4096),
        ("unknown", 1024),
    ],
)
def test_minimum_cacheable_lengths(model: str, minimum: int) -> None:
    assert caching.min_tokens(model) == minimum


def test_below_the_minimum_nothing_is_written() -> None:
    body = _body("x")
    body["system"][0]["text"] = "short"
    assert caching.PromptCache().use(walk(body), now=0.0) == caching.CacheUse()


def test_five_breakpoints_are_one_too_many() -> None:
    body = _body(*"abcd")
    for block in body["messages"][0]["content"]:
        block["cache_control"] = EPHEMERAL
    assert breakpoint_problem(body) == (
        "A maximum of 4 blocks with cache_control may be provided. Found 5."
    )
    body["messages"][0]["content"][0].pop("cache_control")
    assert breakpoint_problem(body) is None


def test_the_clock_moves_forward_only() -> None:
    clock, seen = Clock(start=1_000.0), []
    clock.on_advance(seen.append)
    assert clock.advance(60) >= 1_060.0
    assert len(seen) == 1
    with pytest.raises(ScriptError, match="only moves forward"):
        clock.advance(-1)
