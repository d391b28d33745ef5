"""Cassettes record and replay every provider path: the provider request is translated to the
Messages form before the chain, so the cassette holds ``POST /v1/messages`` and replays to any
client, a provider's or the first-party one."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from provider_clients import ASK, MODEL, PROVIDERS, openai_sdk, provider_client

from claude_fake import FakeClaude


@pytest.fixture(autouse=True)
def _no_ci(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CI", raising=False)  # CI turns recording off
    monkeypatch.delenv("ANTHROPIC_API_KEY", raising=False)


def _record(cassette: Path, provider: str) -> None:
    upstream = FakeClaude(seed=0)
    upstream.reply("Recorded through a provider.")
    upstream.reply("A recorded stream.")
    with upstream.serve() as url:
        fake = FakeClaude(cassette=str(cassette), record_mode="once", upstream=url)
        with provider_client(fake, provider, None) as sdk:
            sdk.messages.create(**ASK)
            with sdk.messages.stream(**{**ASK, "max_tokens": 100}) as stream:
                stream.get_final_message()
        fake.close()


@pytest.mark.parametrize("provider", PROVIDERS)
def test_recorded_through_a_provider_replays_through_it(tmp_path: Path, provider: str) -> None:
    cassette = tmp_path / "provider.yaml"
    _record(cassette, provider)

    replay = FakeClaude(cassette=str(cassette))
    with provider_client(replay, provider, None) as sdk:
        message = sdk.messages.create(**ASK)
        with sdk.messages.stream(**{**ASK, "max_tokens": 100}) as stream:
            streamed = "".join(stream.text_stream)

    assert message.content[0].text == "Recorded through a provider."
    assert streamed == "A recorded stream."
    assert [str(r.source) for r in replay.requests] == ["replayed", "replayed"]
    saved = yaml.safe_load(cassette.read_text())
    uris = {item["request"]["uri"].split("/", 3)[-1] for item in saved["interactions"]}
    assert uris == {"v1/messages"}  # the Messages form, whatever the provider


def test_a_bedrock_recording_replays_to_a_vertex_and_an_openai_client(tmp_path: Path) -> None:
    cassette = tmp_path / "bedrock.yaml"
    _record(cassette, "bedrock")

    replay = FakeClaude(cassette=str(cassette))
    with provider_client(replay, "vertex", None) as vertex:
        assert vertex.messages.create(**ASK).content[0].text == "Recorded through a provider."
    with openai_sdk(replay, None) as client:
        completion = client.chat.completions.create(
            model=MODEL, messages=ASK["messages"], max_tokens=100
        )
    assert completion.choices[0].message.content == "A recorded stream."
