"""Snapshots: ``assert claude_fake.requests == snapshot`` holds across runs, seeds and machines."""

from __future__ import annotations

from pathlib import Path

import pytest
from plugin_helpers import MODEL, ini

from claude_fake.model import FakeRequest
from claude_fake.snapshot import RequestLog, matcher, serialize

SUITE = f"""
import anthropic
import claude_fake as cf

TOOLS = [{{"name": "get_weather", "input_schema": {{"type": "object",
          "properties": {{"city": {{"type": "string"}}}}}}}}]

def loop(client):
    messages = [{{"role": "user", "content": "Weather in Paris?"}}]
    first = client.messages.create(model="{MODEL}", max_tokens=64, tools=TOOLS, messages=messages)
    call = first.content[0]
    messages += [
        {{"role": "assistant", "content": first.content}},
        {{"role": "user", "content": [{{"type": "tool_result", "tool_use_id": call.id,
                                       "content": "21 C"}}]}},
    ]
    return client.messages.create(model="{MODEL}", max_tokens=64, tools=TOOLS, messages=messages)

def test_in_process(claude_fake, claude_client, snapshot):
    claude_fake.reply(cf.tool_use("get_weather", {{"city": "Paris"}}))
    claude_fake.reply("Sunny, 21 C")
    loop(claude_client)
    assert claude_fake.requests == snapshot

def test_over_the_server(claude_fake, claude_server, snapshot):
    claude_fake.reply(cf.tool_use("get_weather", {{"city": "Paris"}}))
    claude_fake.reply("Sunny, 21 C")
    with anthropic.Anthropic(base_url=claude_server, api_key="sk-ant-other-machine") as client:
        loop(client)
    assert claude_fake.requests == snapshot
"""


def test_requests_snapshot_is_stable_across_runs_seeds_and_faces(
    pytester: pytest.Pytester,
) -> None:
    ini(pytester)
    pytester.makepyfile(test_snap=SUITE)
    pytester.runpytest("--snapshot-update").assert_outcomes(passed=2)
    stored = Path(pytester.path, "__snapshots__", "test_snap.ambr").read_text()
    for volatile in ("msg_01", "toolu_01", "req_01", "x-stainless", "user-agent", "sk-ant", "host"):
        assert volatile not in stored
    assert "'tool_use_id': '<toolu_1>'" in stored
    assert "'id': '<toolu_1>'" in stored
    in_process, over_server = stored.split("# name: ")[1:]
    assert in_process.split("\n", 1)[1] == over_server.split("\n", 1)[1]
    pytester.runpytest().assert_outcomes(passed=2)
    pytester.runpytest("--claude-seed=99").assert_outcomes(passed=2)


def test_the_matcher_makes_any_value_stable(pytester: pytest.Pytester) -> None:
    ini(pytester)
    pytester.makepyfile(
        f"""
        from claude_fake.snapshot import matcher

        def test_message(claude_client, snapshot):
            message = claude_client.messages.create(
                model="{MODEL}", max_tokens=32, messages=[{{"role": "user", "content": "hi"}}]
            )
            assert message == snapshot(matcher=matcher)
            assert message.model_dump()["id"] != "<msg_1>"
        """
    )
    pytester.runpytest("--snapshot-update").assert_outcomes(passed=1)
    pytester.runpytest().assert_outcomes(passed=1)
    pytester.runpytest("--claude-seed=3", "--snapshot-details").assert_outcomes(failed=1)


def _request(**fields: object) -> FakeRequest:
    headers = {
        "user-agent": "Anthropic/Python 9.9",
        "x-stainless-os": "Darwin",
        "host": "127.0.0.1:5555",
        "x-api-key": "sk-ant-api03-secret",
        "anthropic-version": "2023-06-01",
    }
    return FakeRequest(method="POST", path="/v1/messages", headers=headers, **fields)  # type: ignore[arg-type]


def test_serialize_masks_ids_in_order_dates_secrets_and_sdk_headers() -> None:
    body = {
        "messages": [{"content": "toolu_01AbCdEfGhIjKlMnOpQrStUv at 2026-01-02T03:04:05Z"}],
        "signature": "EqQBCkgIARABGAIiQL",
    }
    response = {
        "id": "msg_01XFDUDYJgAACzvnptvVoYEL",
        "content": [
            {"type": "tool_use", "id": "toolu_01AbCdEfGhIjKlMnOpQrStUv"},
            {"type": "tool_use", "id": "toolu_01ZZZZZZZZZZZZZZZZZZZZZZ"},
        ],
    }
    out = serialize([_request(body=body, response=response, source="scripted")])
    assert out == [
        {
            "method": "POST",
            "path": "/v1/messages",
            "headers": {"anthropic-version": "2023-06-01", "x-api-key": "<redacted>"},
            "body": {
                "messages": [{"content": "<toolu_1> at <datetime>"}],
                "signature": "<signature>",
            },
            "response": {
                "id": "<msg_1>",
                "content": [
                    {"type": "tool_use", "id": "<toolu_1>"},
                    {"type": "tool_use", "id": "<toolu_2>"},
                ],
            },
            "source": "scripted",
        }
    ]


def test_serialize_keeps_a_body_that_is_not_json_as_text() -> None:
    out = serialize(_request(raw=b"not json sk-ant-abc"))
    assert out["raw"] == "not json <redacted>"


def test_matcher_converts_at_the_root_only() -> None:
    request = _request(body={"a": 1})
    assert matcher(data=[request], path=())[0]["body"] == {"a": 1}
    assert matcher(data="msg_01XFDUDYJgAACzvnptvVoYEL", path=(("x", str),)) == (
        "msg_01XFDUDYJgAACzvnptvVoYEL"
    )


def test_request_log_is_a_list() -> None:
    log = RequestLog([_request()])
    assert isinstance(log, list)
    assert log == [_request()]
    assert log != []
