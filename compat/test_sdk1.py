"""Smoke run on the old wire: x-api-key, anthropic-version 2023-06-01, `?beta=true` paths.

Run by `make compat` in virtualenvs with anthropic 1.17.0 (httpx2) and 0.121.0 (httpx).
"""

from __future__ import annotations

import anthropic

from claude_fake import FakeClaude

MODEL = "claude-haiku-4-5"
HELLO = [{"role": "user", "content": "Hello"}]


def test_sdk_is_the_old_generation() -> None:
    assert anthropic.__version__.split(".")[0] in ("0", "1")


def test_in_process_create_and_stream() -> None:
    fake = FakeClaude(seed=3)
    client = fake.client(_strict_response_validation=True)
    message = client.messages.create(model=MODEL, max_tokens=100, messages=HELLO)
    with client.messages.stream(model=MODEL, max_tokens=100, messages=HELLO) as stream:
        final = stream.get_final_message()
    assert final.content[0].text == message.content[0].text
    seen = fake.requests[0]
    assert seen.headers["anthropic-version"] == "2023-06-01"
    assert "x-api-key" in seen.headers
    assert type(client._client).__module__.split(".")[0] in ("httpx", "httpx2")


def test_beta_query_path_and_server() -> None:
    fake = FakeClaude()
    fake.reply("beta over http")
    with fake.serve() as url:
        client = anthropic.Anthropic(
            base_url=url, api_key="sk-ant-x", _strict_response_validation=True
        )
        message = client.beta.messages.create(
            model=MODEL, max_tokens=50, messages=HELLO, betas=["context-1m-2025-08-07"]
        )
        client.close()
    assert message.content[0].text == "beta over http"
    assert fake.requests[0].query == "beta=true"


async def test_async_stream() -> None:
    fake = FakeClaude()
    fake.reply("async old wire")
    client = fake.async_client(_strict_response_validation=True)
    async with client.messages.stream(model=MODEL, max_tokens=50, messages=HELLO) as stream:
        text = await stream.get_final_text()
    assert text == "async old wire"


def test_a_json_body_cut_is_retried_whatever_x_should_retry_says() -> None:
    # These SDKs read a JSON body inside ``self._client.send(..., stream=False)``: a read that
    # fails is an ``APIConnectionError`` like any other, retried without a look at the headers
    # (2.17 is the first to stop on ``x-should-retry: false``: tests/compat).
    fake = FakeClaude()
    fake.disconnect(after_bytes=40, should_retry=False)
    fake.reply("cut off")
    fake.reply("whole")
    message = fake.client(max_retries=1).messages.create(model=MODEL, max_tokens=50, messages=HELLO)
    assert message.content[0].text == "whole"
    assert [r.attempt for r in fake.requests] == [0, 1]
