"""Fault rates: each matching request fails with the rate's probability, seeded, without end, with
the headers a one-shot fault sends; several rates share one draw, so each keeps its own share.
Shares are checked against binomial bounds (five standard deviations: a false failure about once
in 3.5 million runs) over a few hundred requests through the real SDK."""

from __future__ import annotations

import math
from collections import Counter
from typing import Any

import anthropic
import httpx2
import pytest

from claude_fake import FakeClaude
from claude_fake.errors import ScriptError

ASK: dict[str, Any] = {
    "model": "claude-sonnet-4-6",
    "max_tokens": 8,
    "messages": [{"role": "user", "content": "hi"}],
}


def _statuses(fake: FakeClaude, count: int) -> list[int]:
    client = fake.client(max_retries=0)
    out = []
    for _ in range(count):
        try:
            client.messages.create(**ASK)
            out.append(200)
        except anthropic.APIStatusError as exc:
            out.append(exc.status_code)
    return out


def _within(hits: int, n: int, p: float) -> bool:
    spread = 5 * math.sqrt(n * p * (1 - p))
    return n * p - spread <= hits <= n * p + spread


def test_a_rate_fails_about_its_share_and_never_runs_out() -> None:
    fake = FakeClaude(seed=1)
    fake.fail(529, rate=0.1)
    statuses = _statuses(fake, 400)
    assert _within(statuses.count(529), 400, 0.1)
    assert set(statuses) == {200, 529}
    assert fake.unused() == []  # a rate is never "left unused"


def test_several_rates_each_keep_their_share() -> None:
    fake = FakeClaude(seed=2)
    fake.fail(529, rate=0.05)
    fake.fail(429, rate=0.15)
    fake.fail("api_error", rate=0.1)
    counts = Counter(_statuses(fake, 600))
    assert _within(counts[529], 600, 0.05)
    assert _within(counts[429], 600, 0.15)
    assert _within(counts[500], 600, 0.1)
    assert _within(counts[200], 600, 0.7)


def test_the_same_seed_fails_the_same_requests() -> None:
    runs = []
    for seed in (7, 7, 8):
        fake = FakeClaude(seed=seed)
        fake.fail(529, rate=0.2)
        fake.fail(429, rate=0.1)
        runs.append(_statuses(fake, 200))
    assert runs[0] == runs[1]
    assert runs[0] != runs[2]


def test_a_one_shot_fault_goes_first_then_the_rates() -> None:
    fake = FakeClaude()
    fake.fail(529, rate=1.0)
    fake.fail(400, times=2)
    assert _statuses(fake, 4) == [400, 400, 529, 529]


def test_rate_faults_send_the_retry_headers_of_one_shot_faults() -> None:
    def headers(fake: FakeClaude) -> dict[str, str]:
        with pytest.raises(anthropic.APIStatusError) as caught:
            fake.client(max_retries=0).messages.create(**ASK)
        got = dict(caught.value.response.headers)
        return {k: v for k, v in got.items() if k not in ("request-id", "content-length")}

    for status, retry_after in ((529, None), (429, None), (429, 2.5), (500, 0.25)):
        one_shot, rated = FakeClaude(), FakeClaude()
        one_shot.fail(status, retry_after=retry_after)
        rated.fail(status, retry_after=retry_after, rate=1.0)
        assert headers(rated) == headers(one_shot)


def test_the_sdk_recovers_from_a_rate_with_its_retries() -> None:
    fake = FakeClaude(seed=5)
    fake.fail(529, rate=0.3)
    client = fake.client(max_retries=6)
    for _ in range(60):
        assert client.messages.create(**ASK).content


def test_a_rate_can_aim_at_another_endpoint_or_cut_streams() -> None:
    fake = FakeClaude()
    fake.fail(529, rate=1.0, endpoint="count_tokens")
    client = fake.client(max_retries=0)
    assert client.messages.create(**ASK).content
    with pytest.raises(anthropic.InternalServerError):
        client.messages.count_tokens(model=ASK["model"], messages=ASK["messages"])
    cut = FakeClaude()
    cut.fail("overloaded_error", after_events=2, rate=1.0)
    assert cut.client().messages.create(**ASK).content  # no stream to cut
    with (
        pytest.raises(anthropic.APIStatusError, match="Overloaded"),
        cut.client().messages.stream(**ASK) as stream,
    ):
        stream.until_done()


@pytest.mark.parametrize(
    ("options", "said"),
    [
        ({"rate": 0}, "must be a probability above 0"),
        ({"rate": 1.5}, "must be a probability above 0"),
        ({"rate": float("nan")}, "must be a probability above 0"),
        ({"rate": "0.1"}, "must be a probability above 0"),
        ({"rate": 0.1, "times": 3}, "cannot go together"),
    ],
)
def test_a_wrong_rate_says_why(options: dict[str, Any], said: str) -> None:
    with pytest.raises(ScriptError, match=said):
        FakeClaude().fail(529, **options)


def test_rates_adding_up_past_one_are_refused() -> None:
    fake = FakeClaude()
    fake.fail(529, rate=0.6)
    with pytest.raises(ScriptError, match=r"add up to 1\.1, more than 1"):
        fake.fail(429, rate=0.5)


def test_rates_over_http(fake: FakeClaude, base_url: str) -> None:
    with httpx2.Client(base_url=base_url) as http:
        made = http.post("/_fake/faults", json={"status": 529, "rate": 1})
        assert made.status_code == 201
        assert "at rate 1" in made.json()["queued"]
        with anthropic.Anthropic(base_url=base_url, api_key="k", max_retries=0) as client:
            for _ in range(3):
                with pytest.raises(anthropic.InternalServerError):
                    client.messages.create(**ASK)
        for body in ({"disconnect": True, "rate": 0.1}, {"event_delay": 0.1, "rate": 0.1}):
            refused = http.post("/_fake/faults", json=body)
            assert refused.status_code == 400
            assert "rate goes with an error fault only" in refused.json()["error"]["message"]
        assert http.post("/_fake/faults", json={"status": 529, "rate": 2}).status_code == 400
