"""Latency profiles (DESIGN.md, "Load testing"): a stream's first content event after about ttft,
then a delta every itl; a JSON answer after ttft + itl * output_tokens; seeded jitter; set from
the constructor, the settings, ``--latency`` and ``POST /_fake/latency``. Measured through the real
SDK, in-process and over loopback, with generous tolerances (never early, at most a little late)."""

from __future__ import annotations

import asyncio
import itertools
import json
import statistics
import time
from typing import Any

import anthropic
import httpx2
import pytest
from serve_helpers import serving

import claude_fake
from claude_fake import FakeClaude, Latency
from claude_fake.errors import ConfigError
from claude_fake.model import FakeRequest

MODEL = "claude-sonnet-4-6"
ASK: dict[str, Any] = {
    "model": MODEL,
    "max_tokens": 200,
    "messages": [{"role": "user", "content": "Tell me about the weather in Paris in spring."}],
}
EARLY = 0.005  # a timer may fire this much before its time (clock granularity)
LATE = 0.25  # and this much after it, on a loaded two-core machine


def _timed_stream(client: anthropic.Anthropic) -> tuple[float, float, int, int]:
    """(time to the first delta, total time, deltas, output tokens) of one stream."""
    start = time.monotonic()
    first, deltas = None, 0
    with client.messages.stream(**ASK) as stream:
        for event in stream:
            if event.type == "content_block_delta":
                deltas += 1
                first = first if first is not None else time.monotonic() - start
        tokens = stream.get_final_message().usage.output_tokens
    assert first is not None
    return first, time.monotonic() - start, deltas, tokens


def test_a_stream_keeps_the_profile(fake: FakeClaude, client: anthropic.Anthropic) -> None:
    fake.pacing.set(Latency(ttft=0.3, itl=0.03))
    client.messages.create(**ASK)  # warm: the first call builds the SDK's parsers
    first, total, deltas, _ = _timed_stream(client)
    assert deltas >= 3
    assert 0.3 - EARLY <= first <= 0.3 + LATE
    expected = 0.3 + 0.03 * (deltas - 1)
    assert expected - EARLY <= total <= expected + LATE


def test_a_json_answer_takes_ttft_plus_itl_per_output_token(
    fake: FakeClaude, client: anthropic.Anthropic
) -> None:
    fake.pacing.set(Latency(ttft=0.2, itl=0.004))
    client.messages.create(**ASK)
    start = time.monotonic()
    message = client.messages.create(**ASK)
    took = time.monotonic() - start
    expected = 0.2 + 0.004 * message.usage.output_tokens
    assert message.usage.output_tokens > 10
    assert expected - EARLY <= took <= expected + LATE


def test_faults_and_other_endpoints_answer_at_once(fake: FakeClaude) -> None:
    fake.pacing.set(Latency(ttft=5.0, itl=1.0))
    client = fake.client(max_retries=0)
    start = time.monotonic()
    fake.fail(529)
    with pytest.raises(anthropic.InternalServerError):
        client.messages.create(**ASK)
    client.messages.count_tokens(model=MODEL, messages=ASK["messages"])
    client.models.list()
    assert time.monotonic() - start < 1.0


def test_a_scripted_latency_wins_over_the_profile(fake: FakeClaude) -> None:
    fake.pacing.set(Latency(ttft=5.0))
    fake.latency(first_byte=0.05)
    start = time.monotonic()
    fake.client().messages.create(**ASK)
    assert time.monotonic() - start < 1.0


def test_no_drift_under_64_concurrent_streams() -> None:
    """64 streams at once from ``claude-fake serve --latency`` (its own process): each first delta
    and end keep to the profile, counted from when the SDK sent the request (an event hook), and
    lateness does not grow from the first delta to the end, as each event is due at a time
    counted from the request's arrival, never by summing sleeps."""
    sent: dict[str, float] = {}

    async def stamp(request: httpx2.Request) -> None:
        sent[json.loads(request.content)["messages"][0]["content"]] = time.monotonic()

    async def run(url: str) -> list[tuple[float, float]]:
        http = anthropic.DefaultAsyncHttpxClient(event_hooks={"request": [stamp]})
        async with anthropic.AsyncAnthropic(
            base_url=url, api_key="k", max_retries=0, http_client=http
        ) as client:

            async def one(n: int) -> tuple[float, float]:
                text, first, deltas = f"stream {n}", None, 0
                body = {**ASK, "messages": [{"role": "user", "content": text}]}
                async with client.messages.stream(**body) as stream:
                    async for event in stream:
                        if event.type == "content_block_delta":
                            deltas += 1
                            first = first if first is not None else time.monotonic()
                end = time.monotonic()
                assert first is not None
                start = sent[text]
                return first - start - 0.4, end - start - (0.4 + 0.02 * (deltas - 1))

            await one(-1)
            return await asyncio.gather(*(one(n) for n in range(64)))

    with serving("--latency", "ttft=0.4,itl=0.02") as (url, _):
        errors = asyncio.run(run(url))
    firsts, totals = [e[0] for e in errors], [e[1] for e in errors]
    shown = f"first delta late by {sorted(firsts)}, end late by {sorted(totals)}"
    assert min(firsts) >= -EARLY, shown  # never early
    assert min(totals) >= -EARLY, shown
    # 64 SDK streams parsed in one client process, beside the rest of the suite under xdist on
    # two cores: generous bounds (on a quiet machine the first delta comes about 40 ms late here,
    # the end no later); what summed sleeps would add grows with every delta of every stream
    assert statistics.median(firsts) <= 6 * LATE, shown
    assert statistics.median(totals) <= 6 * LATE, shown
    assert statistics.median(t - f for f, t in errors) <= 2 * LATE, shown  # no drift


def _plan(fake: FakeClaude, stream: bool = True) -> Any:
    body = {**ASK, "stream": stream}
    request = FakeRequest(
        method="POST",
        path="/v1/messages",
        headers={"x-api-key": "k", "anthropic-version": "2023-06-01"},
        raw=json.dumps(body).encode(),
    )
    return fake.handle(request).plan


def test_jitter_is_seeded_and_within_its_fraction() -> None:
    profile = Latency(ttft=0.4, itl=0.02, jitter=0.25)
    first, again = FakeClaude(seed=3, latency=profile), FakeClaude(seed=3, latency=profile)
    other = FakeClaude(seed=4, latency=profile)
    schedule = _plan(first).schedule
    assert schedule == _plan(again).schedule  # the same seed and request: the same waits
    assert schedule != _plan(other).schedule
    assert 0.3 <= schedule[0] <= 0.5
    steps = [b - a for a, b in itertools.pairwise(schedule) if b > a]
    assert steps
    assert all(0.015 - 1e-9 <= step <= 0.025 + 1e-9 for step in steps)
    assert len(set(steps)) > 1
    json_delay = _plan(first, stream=False).first_byte_delay
    assert json_delay == _plan(again, stream=False).first_byte_delay > 0.3


@pytest.mark.parametrize(
    "given",
    [
        Latency(ttft=0.1, itl=0.01, jitter=0.2),
        "ttft=0.1,itl=0.01,jitter=0.2",
        {"ttft": 0.1, "itl": 0.01, "jitter": 0.2},
    ],
)
def test_the_setting_takes_a_latency_its_text_or_a_dict(given: Any) -> None:
    assert FakeClaude(latency=given).config.latency == Latency(ttft=0.1, itl=0.01, jitter=0.2)


@pytest.mark.parametrize(
    ("given", "said"),
    [
        ("ttft=0.4,itl", "'itl' is not NAME=SECONDS"),
        ("ttft=fast", "'fast' is not a number"),
        ("wait=1", "'wait=1' is not NAME=SECONDS"),
        ({"ttft": -1}, "is negative"),
        ({"ttft": 0.1, "jitter": 1.5}, "must be below 1"),
        ({"ttft": "1"}, "must be a finite number of seconds"),
        ({"tfft": 0.1}, "unknown field"),
    ],
)
def test_a_wrong_profile_says_what_is_wrong(given: Any, said: str) -> None:
    with pytest.raises(ConfigError, match=said):
        FakeClaude(latency=given)


def test_latency_is_public() -> None:
    assert claude_fake.Latency is Latency
    assert "Latency" in claude_fake.__all__


def test_post_latency_sets_shows_and_turns_off_the_profile(fake: FakeClaude, base_url: str) -> None:
    with httpx2.Client(base_url=base_url) as http:
        assert http.get("/_fake/latency").json() == {"latency": None}
        set_ = http.post("/_fake/latency", json={"ttft": 0.2, "itl": 0.01, "jitter": 0.1})
        assert set_.status_code == 200
        assert set_.json() == {"latency": {"ttft": 0.2, "itl": 0.01, "jitter": 0.1}}
        assert fake.pacing.profile == Latency(ttft=0.2, itl=0.01, jitter=0.1)
        bad = http.post("/_fake/latency", json={"ttft": 0.2, "jitter": 2})
        assert bad.status_code == 400
        assert "must be below 1" in bad.json()["error"]["message"]
        assert http.post("/_fake/latency", json={}).json() == {"latency": None}
        http.post("/_fake/latency", json={"ttft": 0.2})
        http.post("/_fake/reset")
        assert http.get("/_fake/latency").json() == {"latency": None}  # back to the start's
