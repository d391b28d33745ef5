"""What each SDK version of the 2.x generation makes of the fake's answers: run by the suite
against the pinned SDK, and by ``make compat`` against the newest release users install
(``.venv-sdk-2.17.0``: ``--noconftest``, so this file needs nothing from tests/conftest.py).

Each version's own semantics are asserted: from 2.17 a connection dropped mid-stream raises
``APIConnectionError`` (a raw ``httpx2`` error before), ``x-should-retry: false`` also stops the
retry of a JSON body cut after its headers (retried whatever the headers said before), and error
messages read
``"{status} {message} (error_code: ..., request_id: ..., path: ..., type: ...)"``; every
``(status, error_code)`` pair the installed SDK maps raises that SDK's subclass; requests from an
SDK newer than the fake's schemas are never refused for what the schemas do not know yet."""

from __future__ import annotations

import re
from typing import Any

import anthropic
import pytest
from anthropic._error_classes import ERROR_CLASSES  # the installed SDK's own table

from claude_fake import FakeClaude
from claude_fake.wire.clients import SCHEMA_SDK

VERSION = tuple(int(part) for part in re.findall(r"\d+", anthropic.__version__)[:3])
MODEL = "claude-sonnet-4-6"
HELLO = [{"role": "user", "content": "Hello"}]
PAIRS = sorted(ERROR_CLASSES.items(), key=lambda item: (item[0][0], item[0][1] or ""))


def test_the_sdk_is_the_2x_generation() -> None:
    assert VERSION[0] == 2


@pytest.fixture
def fake() -> FakeClaude:
    return FakeClaude(seed=0)


def strict(fake: FakeClaude, **options: Any) -> anthropic.Anthropic:
    return fake.client(_strict_response_validation=True, **options)


def test_every_error_code_the_sdk_maps_raises_its_subclass(fake: FakeClaude) -> None:
    client = strict(fake, max_retries=0)
    wrong = []
    for (status, code), expected in PAIRS:
        fake.fail(status, error_code=code)
        try:
            client.messages.create(model=MODEL, max_tokens=8, messages=HELLO)
        except anthropic.APIStatusError as error:
            if type(error) is not expected or error.status_code != status:
                wrong.append((status, code, type(error).__name__, expected.__name__))
        else:
            wrong.append((status, code, "no error", expected.__name__))
    assert wrong == []
    assert len(PAIRS) > 100  # 2.12 maps 117 pairs, 2.17 156


def test_the_error_message_reads_as_this_version_writes_it(fake: FakeClaude) -> None:
    fake.fail(429, error_code="ramp_limit_exceeded", message="Slow down.")
    with pytest.raises(anthropic.RateLimitError) as caught:
        strict(fake, max_retries=0).messages.create(model=MODEL, max_tokens=8, messages=HELLO)
    error = caught.value
    assert error.error_code == "ramp_limit_exceeded"
    request_id = error.request_id
    assert request_id
    if VERSION >= (2, 17, 0):
        assert str(error) == (
            f"429 Slow down. (error_code: ramp_limit_exceeded, request_id: {request_id}, "
            "path: /v1/messages, type: rate_limit_error)"
        )
    else:
        assert str(error).startswith("Error code: 429 - {")


def test_a_connection_dropped_mid_stream(fake: FakeClaude) -> None:
    fake.disconnect(after_events=3)
    client = strict(fake, max_retries=0)
    if VERSION >= (2, 17, 0):
        expected: Any = anthropic.APIConnectionError
    else:
        import httpx2  # the SDKs before 2.17 let the transport's own error through

        expected = httpx2.RemoteProtocolError
    with (
        pytest.raises(expected),
        client.messages.stream(model=MODEL, max_tokens=64, messages=HELLO) as stream,
    ):
        stream.until_done()


CUT_AT = 40  # bytes of a JSON body sent before the connection drops
CUT = re.compile(r"received 40 bytes, expected \d+\)$")  # h11's words, on any face


async def create(fake: FakeClaude, where: str, **options: Any) -> Any:
    """``messages.create`` through the SDK: sync or async in-process, or over a loopback server."""
    params: dict[str, Any] = {"model": MODEL, "max_tokens": 32, "messages": HELLO}
    if where == "async":
        aclient = fake.async_client(_strict_response_validation=True, **options)
        return await aclient.messages.create(**params)
    if where == "in-process":
        return strict(fake, **options).messages.create(**params)
    with fake.serve() as url, anthropic.Anthropic(base_url=url, api_key="sk-ant-x", **options) as c:
        return c.messages.create(**params)


@pytest.mark.parametrize("should_retry", [None, False, True])
@pytest.mark.parametrize("where", ["in-process", "async", "server"])
async def test_a_json_body_cut_after_its_headers(
    fake: FakeClaude, where: str, should_retry: bool | None
) -> None:
    # 2.17 reads a JSON body inside the attempt (``_attempt_request``: ``self._read(response)``)
    # and a failed read is retried unless its headers said ``x-should-retry: false``
    # (``_should_retry_failure``). Before, ``self._client.send(..., stream=False)`` read it: any
    # failure became an ``APIConnectionError``, always retried (``_should_retry_exception``).
    fake.disconnect(after_bytes=CUT_AT, should_retry=should_retry)
    fake.reply("cut off")  # the answer cut: it is used up
    fake.reply("Whole this time.")
    if VERSION >= (2, 17, 0) and should_retry is False:
        with pytest.raises(anthropic.APIConnectionError, match=CUT) as caught:
            await create(fake, where, max_retries=1)
        assert type(caught.value.__cause__).__name__ == "RemoteProtocolError"
        assert [r.attempt for r in fake.requests] == [0]
    else:
        message = await create(fake, where, max_retries=1)
        assert message.content[0].text == "Whole this time."
        assert [r.attempt for r in fake.requests] == [0, 1]


def test_a_json_body_cut_on_every_attempt_raises_a_connection_error(fake: FakeClaude) -> None:
    fake.disconnect(after_bytes=0, times=2)
    with pytest.raises(anthropic.APIConnectionError) as caught:
        strict(fake, max_retries=1).messages.create(model=MODEL, max_tokens=8, messages=HELLO)
    cause = caught.value.__cause__
    assert type(cause).__name__ == "RemoteProtocolError"
    assert re.search(r"\(received 0 bytes, expected \d+\)$", str(cause))
    assert [r.attempt for r in fake.requests] == [0, 1]


def test_the_default_tool_runner_threads(fake: FakeClaude) -> None:
    @anthropic.beta_tool
    def clock(city: str) -> str:
        """The time in a city."""
        return "12:00"

    fake.reply(fake.tool_use("clock", {"city": "Lima"}))
    fake.reply("Noon.")
    runner = strict(fake).beta.messages.tool_runner(
        model=MODEL, max_tokens=128, tools=[clock], messages=[{"role": "user", "content": "Time?"}]
    )
    replies = list(runner)
    assert [m.stop_reason for m in replies] == ["tool_use", "end_turn"]
    assert [(r.sent or r.body)["thread"]["type"] for r in fake.requests] == ["create", "continue"]
    assert replies[1].usage.input_tokens > replies[0].usage.input_tokens


def test_a_file_id_round_trip(fake: FakeClaude) -> None:
    client = strict(fake)
    uploaded = client.beta.files.upload(file=("a.txt", b"alpha", "text/plain"))
    source = {"type": "file", "file_id": uploaded.id}
    content = [{"type": "document", "source": source}, {"type": "text", "text": "Read it."}]
    reply = client.beta.messages.create(
        model=MODEL, max_tokens=32, messages=[{"role": "user", "content": content}]
    )
    assert reply.usage.input_tokens > 0
    assert fake.files[uploaded.id].content == b"alpha"


def test_claude_codes_thinking_display_updates(fake: FakeClaude) -> None:
    with strict(fake).beta.messages.stream(
        model=MODEL,
        max_tokens=2048,
        thinking={"type": "adaptive", "display": "updates"},  # type: ignore[typeddict-item]
        betas=["thinking-display-updates-2026-08-18"],
        messages=HELLO,
    ) as stream:
        assert stream.get_final_message().stop_reason == "end_turn"


def test_what_the_schemas_do_not_know_is_refused_only_from_their_own_sdk(
    fake: FakeClaude,
) -> None:
    client = strict(fake, max_retries=0)
    params: dict[str, Any] = {
        "model": MODEL,
        "max_tokens": 8,
        "messages": HELLO,
        "extra_body": {"a_parameter_of_a_later_sdk": {"on": True}},
    }
    if VERSION > SCHEMA_SDK:  # a newer SDK: whatever it sends is taken as the API would
        assert client.messages.create(**params).type == "message"
    else:
        with pytest.raises(anthropic.BadRequestError, match="Extra inputs are not permitted"):
            client.messages.create(**params)
    later = {"x-stainless-package-version": "9.0.0"}  # as a later SDK would say it
    assert client.messages.create(**params, extra_headers=later).type == "message"
