"""The ``/_fake/`` scripting API on a loopback server, driven over HTTP the way a client in another
language drives it, answered through the real SDK. Bad scripts get clear 400s."""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request
from typing import Any

import anthropic
import pytest
from sdk_modes import MODES, send

from claude_fake.wire.http import http_module

PARAMS: dict[str, Any] = {
    "model": "claude-sonnet-4-6",
    "max_tokens": 256,
    "messages": [{"role": "user", "content": "What is the weather in Paris?"}],
}


def script(base_url: str, method: str, path: str, body: Any = None) -> tuple[int, Any]:
    """Call the scripting API; returns (status, parsed JSON)."""
    data = body if isinstance(body, bytes | None) else json.dumps(body).encode()
    request = urllib.request.Request(
        f"{base_url}/_fake/{path}",
        data=data,
        method=method,
        headers={"content-type": "application/json"},
    )
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        with error:
            return error.code, json.loads(error.read())


@pytest.fixture
def http(base_url: str) -> Any:
    """``http(method, path, body)`` against this test's fake on the loopback server."""
    return lambda method, path, body=None: script(base_url, method, path, body)


def ok(answer: tuple[int, Any]) -> Any:
    status, payload = answer
    assert status in (200, 201), payload
    return payload


@pytest.fixture
def face() -> str:
    """Every test here talks to the loopback server (the conftest clients follow this face)."""
    return "server"


@pytest.fixture
def sdk(client: anthropic.Anthropic) -> anthropic.Anthropic:
    """A strict sync SDK client on the server."""
    return client


@pytest.fixture
def asdk(aclient: anthropic.AsyncAnthropic) -> anthropic.AsyncAnthropic:
    """A strict async SDK client on the server."""
    return aclient


@pytest.fixture(params=MODES[:3])
def ask(
    request: pytest.FixtureRequest, sdk: anthropic.Anthropic, asdk: anthropic.AsyncAnthropic
) -> Any:
    """``await ask(**params)``: one SDK call, sync, async or streamed."""
    mode = str(request.param)

    async def call(**params: Any) -> Any:
        return await send(mode, sdk.messages, asdk.messages, {**PARAMS, **params})

    return call


def tool_result(tool_use_id: str, content: str) -> dict[str, Any]:
    return {"type": "tool_result", "tool_use_id": tool_use_id, "content": content}


# -- replies -------------------------------------------------------------------------------
async def test_health(http: Any) -> None:
    assert http("GET", "health") == (200, {"status": "ok"})


async def test_a_text_reply(http: Any, ask: Any) -> None:
    answer = ok(http("POST", "replies", {"content": "Sunny, 22C"}))
    assert answer["stop_reason"] == "end_turn"
    message = await ask()
    assert message.content[0].text == "Sunny, 22C"


async def test_a_tool_loop_over_http(http: Any, ask: Any) -> None:
    tool = {"type": "tool_use", "name": "get_weather", "input": {"city": "Paris"}}
    assert ok(http("POST", "replies", {"content": [tool]}))["stop_reason"] == "tool_use"
    ok(http("POST", "replies", {"content": "It is sunny."}))
    first = await ask()
    call = first.content[0]
    assert (first.stop_reason, call.name) == ("tool_use", "get_weather")
    assert call.input == {"city": "Paris"}
    history = [
        *PARAMS["messages"],
        {"role": "assistant", "content": [call.model_dump(exclude_none=True)]},
        {"role": "user", "content": [tool_result(call.id, "22C")]},
    ]
    final = await ask(messages=history)
    assert final.content[0].text == "It is sunny."
    logged = ok(http("GET", "requests"))
    assert [entry["source"] for entry in logged] == ["scripted", "scripted"]
    assert logged[1]["body"]["messages"][-1]["content"][0]["tool_use_id"] == call.id


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        ({"content": "cut", "stop_reason": "max_tokens"}, "max_tokens"),
        ({"content": "one two", "stop_sequence": "three"}, "stop_sequence"),
        ({"content": [], "stop_reason": "refusal"}, "refusal"),
        ({"content": "long", "stop_reason": "model_context_window_exceeded"}, None),
        (
            {
                "content": [
                    {"type": "server_tool_use", "name": "web_search", "input": {"query": "q"}},
                    {"type": "web_search_tool_result", "content": []},
                ],
                "stop_reason": "pause_turn",
            },
            "pause_turn",
        ),
    ],
)
async def test_stop_reasons_over_http(http: Any, ask: Any, body: Any, reason: str | None) -> None:
    ok(http("POST", "replies", body))
    message = await ask()
    assert message.stop_reason == (reason or body["stop_reason"])
    if reason == "stop_sequence":
        assert message.stop_sequence == "three"
    if reason == "refusal":
        assert message.stop_details.type == "refusal"
    if reason == "pause_turn":
        assert message.content[1].tool_use_id == message.content[0].id


async def test_when_contains_and_times(http: Any, ask: Any) -> None:
    ok(http("POST", "replies", {"content": "Rain", "when": {"contains": "London"}, "times": 2}))
    ok(http("POST", "replies", {"content": "Queued"}))
    london = [{"role": "user", "content": "Weather in London?"}]
    texts = [(await ask(messages=m)).content[0].text for m in (london, PARAMS["messages"], london)]
    assert texts == ["Rain", "Queued", "Rain"]
    assert ok(http("GET", "unused")) == {"unused": [], "problems": []}


async def test_usage_and_stop_details(http: Any, ask: Any) -> None:
    details = {"type": "refusal", "category": "bio", "explanation": None}
    body = {
        "content": [],
        "stop_reason": "refusal",
        "stop_details": details,
        "usage": {"output_tokens": 9},
    }
    ok(http("POST", "replies", body))
    message = await ask()
    assert (message.stop_details.category, message.usage.output_tokens) == ("bio", 9)


# -- faults --------------------------------------------------------------------------------
async def test_overloads_then_answer(http: Any, ask: Any) -> None:
    ok(http("POST", "faults", {"status": 529, "times": 2}))
    ok(http("POST", "replies", {"content": "finally"}))
    assert (await ask()).content[0].text == "finally"
    assert [r["attempt"] for r in ok(http("GET", "requests"))] == [0, 1, 2]


async def test_error_type_and_code(http: Any, sdk: anthropic.Anthropic) -> None:
    body = {"error": "overloaded_error", "error_code": "compaction_unavailable", "times": 3}
    ok(http("POST", "faults", body))
    with pytest.raises(anthropic.OverloadedError) as caught:
        sdk.messages.create(**PARAMS)
    assert type(caught.value).__name__ == "CompactionUnavailableError"


async def test_rate_limit_retry_after(http: Any, sdk: anthropic.Anthropic) -> None:
    ok(http("POST", "faults", {"status": 429, "retry_after": 0.05}))
    ok(http("POST", "replies", {"content": "ok"}))
    start = time.monotonic()
    assert sdk.messages.create(**PARAMS).content[0].text == "ok"
    assert time.monotonic() - start < 0.4


async def test_should_retry_false(http: Any, sdk: anthropic.Anthropic) -> None:
    ok(http("POST", "faults", {"status": 500, "should_retry": False}))
    with pytest.raises(anthropic.InternalServerError):
        sdk.messages.create(**PARAMS)
    assert len(ok(http("GET", "requests"))) == 1


async def test_mid_stream_error(http: Any, sdk: anthropic.Anthropic) -> None:
    ok(http("POST", "faults", {"status": 529, "after_events": 2}))
    ok(http("POST", "replies", {"content": "one two three four five six"}))
    seen: list[str] = []
    with pytest.raises(anthropic.APIStatusError) as caught:  # noqa: PT012
        for event in sdk.messages.create(**PARAMS, stream=True):
            seen.append(event.type)
    assert (caught.value.status_code, seen) == (200, ["message_start", "content_block_start"])


async def test_disconnect_mid_stream(http: Any, sdk: anthropic.Anthropic) -> None:
    ok(http("POST", "faults", {"disconnect": True, "after_events": 3}))
    ok(http("POST", "replies", {"content": "one two three four five six"}))
    with (
        pytest.raises((anthropic.APIConnectionError, http_module().TransportError)),
        sdk.messages.stream(**PARAMS) as stream,
    ):
        stream.get_final_message()


async def test_latency(http: Any, sdk: anthropic.Anthropic) -> None:
    ok(http("POST", "faults", {"first_byte_delay": 1.0}))
    with pytest.raises(anthropic.APITimeoutError):
        sdk.with_options(timeout=0.1, max_retries=0).messages.create(**PARAMS)


async def test_reset_forgets_everything(http: Any, sdk: anthropic.Anthropic) -> None:
    ok(http("POST", "replies", {"content": "used"}))
    ok(http("POST", "replies", {"content": "left over"}))
    ok(http("POST", "faults", {"status": 529, "after_events": 1}))
    sdk.messages.create(**PARAMS)
    unused = ok(http("GET", "unused"))["unused"]
    assert len(unused) == 2
    assert all("(scripted over HTTP)" in line for line in unused)
    assert ok(http("POST", "reset")) == {"status": "reset"}
    assert ok(http("GET", "requests")) == []
    assert ok(http("GET", "unused")) == {"unused": [], "problems": []}


async def test_requests_as_json(http: Any, sdk: anthropic.Anthropic) -> None:
    ok(http("POST", "replies", {"content": "Bonjour"}))
    sdk.messages.create(**PARAMS)
    (entry,) = ok(http("GET", "requests"))
    assert (entry["method"], entry["path"]) == ("POST", "/v1/messages")
    assert (entry["stream"], entry["attempt"], entry["source"]) == (False, 0, "scripted")
    assert entry["text"] == "What is the weather in Paris?"
    headers = entry["headers"]
    assert headers.get("x-api-key", headers.get("authorization")) == "<redacted>"  # never echoed
    assert entry["response"]["content"] == [{"type": "text", "text": "Bonjour"}]


async def test_a_when_rule_problem_is_listed(http: Any, sdk: anthropic.Anthropic) -> None:
    ok(http("POST", "replies", {"content": "Hi", "when": {"contains": "nothing like this"}}))
    with pytest.raises(anthropic.InternalServerError, match="no scripted reply is left"):
        sdk.messages.create(**PARAMS)
    report = ok(http("GET", "unused"))
    assert len(report["unused"]) == 1
    assert "no scripted reply" in report["problems"][0]


# -- bad scripts ---------------------------------------------------------------------------
BAD: list[tuple[str, Any, str]] = [
    ("replies", b"{not json", "not JSON"),
    ("replies", [1, 2], "must be a JSON object"),
    ("replies", {"content": "x", "colour": "red"}, "unknown field(s) colour"),
    ("replies", {}, "content is required"),
    ("replies", {"content": 5}, "content must be a string or a list"),
    ("replies", {"content": "x", "stop_reason": "done"}, "unknown stop_reason 'done'"),
    ("replies", {"content": "x", "stop_reason": 3}, "stop_reason must be a string"),
    (
        "replies",
        {"content": [{"type": "tool_use", "name": "f", "input": [1, 2]}]},
        "input must be a dict",
    ),
    ("replies", {"content": [{"type": "nonsense"}]}, "not a content block"),
    ("replies", {"content": "x", "times": 0}, "must be a positive integer"),
    ("replies", {"content": "x", "times": "twice"}, "must be a positive integer"),
    ("replies", {"content": "x", "when": "London"}, "when must be an object"),
    ("replies", {"content": "x", "when": {"regex": "L.*"}}, "is not a rule"),
    ("replies", {"content": "x", "when": {"contains": 5}}, "when.contains must be a string"),
    ("replies", {"content": "x", "usage": {"output_tokens": "lots"}}, "output_tokens"),
    ("replies", {"content": "x", "stop_reason": "tool_use"}, "has no tool_use block"),
    ("faults", {}, "say what should go wrong"),
    ("faults", {"status": 200}, "must be an error status"),
    ("faults", {"status": "529"}, "status must be an integer"),
    ("faults", {"error": "oops_error"}, "unknown error type"),
    ("faults", {"status": 529, "error": "overloaded_error"}, "cannot be combined"),
    ("faults", {"status": 529, "times": -1}, "must be a positive integer"),
    ("faults", {"status": 529, "retry_after": "soon"}, "number of seconds"),
    ("faults", {"status": 529, "error_code": "image_dimensions_too_large"}, "goes with status 400"),
    ("faults", {"status": 529, "after_events": 1.5}, "whole number"),
    ("faults", {"disconnect": "yes"}, "disconnect must be true or false"),
    ("faults", {"first_byte_delay": -1}, "number of seconds"),
]


@pytest.mark.parametrize(("path", "body", "message"), BAD)
async def test_bad_scripts_get_a_clear_400(http: Any, path: str, body: Any, message: str) -> None:
    status, payload = http("POST", path, body)
    assert status == 400, payload
    assert payload["type"] == "error"
    assert payload["error"]["type"] == "invalid_request_error"
    assert message in payload["error"]["message"]
    assert ok(http("GET", "unused"))["unused"] == []  # nothing half-scripted


async def test_wrong_method_and_unknown_route(http: Any) -> None:
    status, payload = http("GET", "replies")
    assert status == 405
    assert "use POST" in payload["error"]["message"]
    status, payload = http("GET", "nothing")
    assert status == 404
    assert "POST /_fake/replies" in payload["error"]["message"]
