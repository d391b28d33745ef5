"""``allow_playback_repeats`` (vcrpy's name): a recorded interaction may answer again once every
one its request matches has played, in recorded order, round and round, so a load run over a
cassette never runs dry. As a setting, in a marker, and as ``serve --allow-playback-repeats``
(with ``--workers``). Without it, each interaction answers once (vcrpy's default)."""

from __future__ import annotations

import asyncio
from pathlib import Path

import anthropic
import pytest
from cassette_text import cassette_yaml
from serve_helpers import serving

from claude_fake import FakeClaude
from claude_fake.errors import ConfigError

MODEL = "claude-sonnet-4-6"
QUESTION = "What is the weather in Paris?"


def _ask(client: anthropic.Anthropic) -> str:
    message = client.messages.create(
        model=MODEL, max_tokens=64, messages=[{"role": "user", "content": QUESTION}]
    )
    assert message.content[0].type == "text"
    return message.content[0].text


def _cassette(folder: Path, *answers: str) -> Path:
    """A cassette of the same request recorded once per answer, in that order."""
    path = folder / "weather.yaml"
    path.write_text(cassette_yaml(QUESTION, *answers))
    return path


def test_each_interaction_answers_once_by_default(tmp_path: Path) -> None:
    fake = FakeClaude(cassette=str(_cassette(tmp_path, "Sunny", "Cloudy")))
    client = fake.client(max_retries=0)
    assert [_ask(client), _ask(client)] == ["Sunny", "Cloudy"]
    with pytest.raises(anthropic.InternalServerError) as caught:
        _ask(client)
    assert "answers once per session" in caught.value.message
    assert "allow_playback_repeats=True" in caught.value.message
    assert "--allow-playback-repeats" in caught.value.message


def test_with_repeats_the_matches_answer_again_in_recorded_order(tmp_path: Path) -> None:
    cassette = _cassette(tmp_path, "Sunny", "Cloudy", "Windy")
    fake = FakeClaude(cassette=str(cassette), allow_playback_repeats=True)
    client = fake.client(max_retries=0)
    answers = [_ask(client) for _ in range(7)]
    assert answers == ["Sunny", "Cloudy", "Windy", "Sunny", "Cloudy", "Windy", "Sunny"]
    assert fake.opened_cassette is not None
    assert fake.opened_cassette.stats == {"replayed": 7, "recorded": 0, "misses": 0}


def test_repeats_still_miss_a_request_nothing_matches(tmp_path: Path) -> None:
    fake = FakeClaude(cassette=str(_cassette(tmp_path, "Sunny")), allow_playback_repeats=True)
    client = fake.client(max_retries=0)
    with pytest.raises(anthropic.InternalServerError, match="no recorded interaction matches"):
        client.messages.create(
            model=MODEL, max_tokens=64, messages=[{"role": "user", "content": "Elsewhere?"}]
        )


def test_the_setting_is_checked() -> None:
    with pytest.raises(ConfigError, match=r"allow_playback_repeats=.yes. is not valid"):
        FakeClaude(allow_playback_repeats="yes")  # type: ignore[arg-type]


def test_the_marker_takes_it(pytester: pytest.Pytester) -> None:
    folder = pytester.path / "cassettes" / "test_weather"  # a marker's path is in the module's
    folder.mkdir(parents=True)
    _cassette(folder, "Sunny")
    pytester.makeini(
        "[pytest]\nfilterwarnings = error\naddopts = -p no:hypothesispytest -p no:randomly\n"
        "asyncio_default_fixture_loop_scope = function\n"
    )
    pytester.makepyfile(
        test_weather=f"""
        import pytest

        @pytest.mark.claude_cassette("weather.yaml", allow_playback_repeats=True)
        def test_three_times(claude_client):
            for _ in range(3):
                message = claude_client.messages.create(
                    model="{MODEL}", max_tokens=64,
                    messages=[{{"role": "user", "content": "{QUESTION}"}}],
                )
                assert message.content[0].text == "Sunny"
        """
    )
    pytester.runpytest().assert_outcomes(passed=1)


def test_serve_with_workers_answers_more_requests_than_were_recorded(tmp_path: Path) -> None:
    cassette = _cassette(tmp_path, "Sunny", "Cloudy")

    async def load(url: str) -> list[str]:
        async with anthropic.AsyncAnthropic(base_url=url, api_key="k", max_retries=0) as client:

            async def one() -> str:
                message = await client.messages.create(
                    model=MODEL, max_tokens=64, messages=[{"role": "user", "content": QUESTION}]
                )
                assert message.content[0].type == "text"
                return message.content[0].text

            return await asyncio.gather(*(one() for _ in range(40)))

    flags = ("--cassette", str(cassette), "--workers", "2", "--allow-playback-repeats")
    with serving(*flags) as (url, _):
        answers = asyncio.run(load(url))
    assert len(answers) == 40
    assert set(answers) == {"Sunny", "Cloudy"}
