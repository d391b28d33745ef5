"""Token counts against what the real API answered, as recorded in cassettes/real.

The fake is not the tokenizer, but its estimate stays near the real count, and its cache figures
keep the relations the real API's keep. Each recorded request is sent again to a fresh generator
(no cassette), through the SDK.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from test_real_cassettes import call

from claude_fake import FakeClaude
from claude_fake.sources.cassette import format as fmt
from claude_fake.sources.cassette import store

ROOT = Path(__file__).resolve().parents[2] / "cassettes" / "real"
PYDANTIC_AI = ROOT / "pydantic-ai" / "tests" / "models" / "cassettes" / "test_anthropic"


def _counting(request: fmt.RecordedRequest) -> bool:
    return request.path.rstrip("/").endswith("/count_tokens")


def _recorded_counts() -> list[tuple[str, fmt.RecordedRequest, int]]:
    """Every successful count_tokens answer without tools (the API adds a tool-use system prompt
    of a few hundred tokens that the fake does not model)."""
    found = []
    for path in sorted(ROOT.rglob("*.yaml")):
        for n, interaction in enumerate(store.load(path)):
            request, response = interaction.request, interaction.response
            if _counting(request) and response.status == 200 and not request.body.get("tools"):
                name = f"{path.relative_to(ROOT).with_suffix('')}#{n}"
                found.append((name, request, response.body["input_tokens"]))
    return found


COUNTS = _recorded_counts()


def _usage_total(usage: Any) -> int:
    cached = usage.cache_creation_input_tokens + usage.cache_read_input_tokens
    return int(usage.input_tokens + cached)


def _replayed(path: Path) -> list[tuple[dict[str, Any], Any]]:
    """Each recorded (body, answer) of ``path``, beside the generator's answer to that request."""
    pairs = []
    with FakeClaude(seed=0).client(max_retries=0) as client:
        for interaction in store.load(path):
            assert interaction.response.status == 200
            pairs.append((interaction.response.body, call(client, interaction.request, False)))
    return pairs


def test_the_recordings_hold_plain_count_tokens_answers() -> None:
    assert len(COUNTS) == 5
    assert all(type(real) is int and real > 0 for _, _, real in COUNTS)


@pytest.mark.parametrize(("request_", "real"), [c[1:] for c in COUNTS], ids=[c[0] for c in COUNTS])
def test_the_estimate_is_within_a_factor_of_two_of_the_real_count(
    request_: fmt.RecordedRequest, real: int
) -> None:
    with FakeClaude(seed=0).client(max_retries=0) as client:
        counted = call(client, request_, stream=False)
    assert real / 2 <= counted.input_tokens <= real * 2, (counted.input_tokens, real)


def test_count_tokens_is_input_plus_cache_creation_plus_cache_read() -> None:
    """The same body counted, then sent with automatic caching (pydantic-ai recorded both)."""
    (real_count, fake_count), (real_message, fake_message) = _replayed(
        PYDANTIC_AI / "test_anthropic_cache_count_tokens.yaml"
    )
    real_usage = real_message["usage"]
    assert real_count == {"input_tokens": 1114}
    assert (real_usage["input_tokens"], real_usage["cache_read_input_tokens"]) == (3, 1111)
    assert real_usage["cache_creation_input_tokens"] == 0
    assert fake_count.input_tokens == _usage_total(fake_message.usage)


def test_the_next_turn_reads_what_the_last_turn_cached() -> None:
    """Two turns of one conversation: the second reads the first's cached prefix, and writes the
    new turn (about as many tokens as the real API counted for it)."""
    (real_first, fake_first), (real_second, fake_second) = _replayed(
        PYDANTIC_AI / "test_anthropic_cache_real_api.yaml"
    )
    real_1, real_2 = real_first["usage"], real_second["usage"]
    cached = real_1["cache_creation_input_tokens"] + real_1["cache_read_input_tokens"]
    assert real_2["cache_read_input_tokens"] == cached == 1111
    assert real_2["cache_creation_input_tokens"] == 418
    fake_1, fake_2 = fake_first.usage, fake_second.usage
    cached = fake_1.cache_creation_input_tokens + fake_1.cache_read_input_tokens
    assert fake_2.cache_read_input_tokens == cached > 0
    assert 418 / 2 <= fake_2.cache_creation_input_tokens <= 418 * 2
