"""The cassette file shapes (readable, plain vcrpy, pydantic-ai) and the stream accumulator."""

from __future__ import annotations

import gzip
import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from claude_fake.sources.cassette import format as fmt
from claude_fake.sources.cassette import replay, store, yamltext
from claude_fake.wire import render, sse

REAL = Path(__file__).resolve().parents[2] / "cassettes" / "real"
MESSAGE: dict[str, Any] = {
    "id": "msg_01A",
    "type": "message",
    "role": "assistant",
    "model": "claude-sonnet-4-5",
    "content": [{"type": "text", "text": "Hello!"}],
    "stop_reason": "end_turn",
    "stop_sequence": None,
    "usage": {"input_tokens": 12, "output_tokens": 6},
}
SSE_TEXT = b"".join(render.message_events(MESSAGE)).decode()
REQUEST = {
    "model": "claude-sonnet-4-5",
    "max_tokens": 10,
    "messages": [{"role": "user", "content": "hi"}],
}


def vcr_doc(response_body: dict[str, Any], headers: dict[str, Any]) -> dict[str, Any]:
    return {
        "interactions": [
            {
                "request": {
                    "method": "POST",
                    "uri": "https://api.anthropic.com/v1/messages?beta=true",
                    "body": json.dumps(REQUEST),
                    "headers": {"Content-Type": ["application/json"], "X-Api-Key": ["k"]},
                },
                "response": {
                    "status": {"code": 200, "message": "OK"},
                    "headers": headers,
                    "body": response_body,
                },
            }
        ],
        "version": 1,
    }


def test_plain_vcrpy_json_body_string() -> None:
    doc = vcr_doc({"string": json.dumps(MESSAGE)}, {"Content-Type": ["application/json"]})
    [got] = fmt.interactions_from_doc(doc)
    assert got.request.body == REQUEST
    assert got.request.headers["x-api-key"] == "k"
    assert got.request.path == "/v1/messages"
    assert got.request.query == "beta=true"
    assert got.response.body == MESSAGE
    assert got.response.events is None


def test_plain_vcrpy_gzip_binary_sse_body() -> None:
    headers = {"Content-Type": ["text/event-stream"], "Content-Encoding": ["gzip"]}
    [got] = fmt.interactions_from_doc(
        vcr_doc({"string": gzip.compress(SSE_TEXT.encode())}, headers)
    )
    assert "content-encoding" not in got.response.headers
    assert got.response.events is not None
    assert got.response.events[0][0] == "message_start"
    assert replay.accumulate(got.response.events) == MESSAGE


def test_gzip_yaml_binary_tag_loads() -> None:
    text = yamltext.dump_yaml(vcr_doc({"string": gzip.compress(b'{"input_tokens": 3}')}, {}))
    assert "!!binary" in text
    [got] = fmt.interactions_from_doc(yamltext.load_yaml(text))
    assert got.response.body == {"input_tokens": 3}


def test_pydantic_ai_parsed_body() -> None:
    raw = {
        "request": {"method": "post", "uri": "https://x/v1/messages", "parsed_body": REQUEST},
        "response": {"status": {"code": 404}, "parsed_body": {"type": "error"}},
    }
    got = fmt.interaction_from_dict(raw)
    assert got.request.method == "POST"
    assert got.request.body == REQUEST
    assert got.response.status == 404
    assert got.response.body == {"type": "error"}


def test_non_json_bodies_stay_text() -> None:
    raw = {
        "request": {"method": "GET", "uri": "https://x/v1/models", "body": None},
        "response": {"status": 502, "body": {"string": "<html>bad gateway</html>"}},
    }
    got = fmt.interaction_from_dict(raw)
    assert got.request.body is None
    assert got.request.text is None
    assert got.response.text == "<html>bad gateway</html>"
    assert fmt.readable(got)["response"]["body"] == {"string": "<html>bad gateway</html>"}


@pytest.mark.parametrize(
    "doc",
    [
        None,
        [],
        {"interactions": "x"},
        {"interactions": [{"request": {}}]},
        {"interactions": [{"request": {"method": "GET"}, "response": {"status": 200}}]},
        {"interactions": [{"request": {"method": "GET", "uri": "/"}, "response": {}}]},
    ],
)
def test_malformed_documents_raise(doc: Any) -> None:
    with pytest.raises(fmt.FormatError):
        fmt.interactions_from_doc(doc)


def test_readable_form_is_mappings_and_event_lists() -> None:
    events = tuple(sse.decode(SSE_TEXT))
    interaction = fmt.Interaction(
        request=fmt.RecordedRequest(method="POST", uri="https://x/v1/messages", body=REQUEST),
        response=fmt.RecordedResponse(status=200, reason="OK", events=events),
    )
    doc = fmt.readable_doc([interaction])
    assert next(iter(doc)) == "version"
    item = doc["interactions"][0]
    assert item["request"]["json"] == REQUEST
    assert item["response"]["events"][0]["event"] == "message_start"
    text = yamltext.dump_yaml(doc)
    assert text.startswith("version: 1\n")
    assert "json:\n      model: claude-sonnet-4-5" in text
    assert fmt.interactions_from_doc(yamltext.load_yaml(text)) == [interaction]


@pytest.mark.parametrize("path", sorted(REAL.rglob("*.yaml")), ids=lambda p: p.name)
def test_real_cassettes_survive_a_rewrite(path: Path, tmp_path: Path) -> None:
    interactions = store.load(path)
    assert interactions
    store.save(tmp_path / "c.yaml", interactions)
    assert store.load(tmp_path / "c.yaml") == interactions


def test_large_cassettes_are_written_one_json_line_per_interaction_which_is_yaml(
    tmp_path: Path,
) -> None:
    one = fmt.Interaction(
        request=fmt.RecordedRequest(method="POST", uri="https://x/v1/messages", body=REQUEST),
        response=fmt.RecordedResponse(status=200, reason="OK", body=MESSAGE),
    )
    many = [one] * yamltext.LARGE
    store.save(tmp_path / "big.yaml", many)
    text = (tmp_path / "big.yaml").read_text()
    head, *lines = text.split("\ninteractions:\n")[1].splitlines()
    assert text.startswith("version: 1\ninteractions:\n- {")
    assert all(line.startswith("- {") for line in [head, *lines])
    assert yaml.safe_load(text) == fmt.readable_doc(many)
    assert store.load(tmp_path / "big.yaml") == many


def test_an_older_indented_json_cassette_still_loads(tmp_path: Path) -> None:
    one = fmt.Interaction(
        request=fmt.RecordedRequest(method="POST", uri="https://x/v1/messages", body=REQUEST),
        response=fmt.RecordedResponse(status=200, reason="OK", body=MESSAGE),
    )
    (tmp_path / "old.yaml").write_text(json.dumps(fmt.readable_doc([one]), indent=1))
    assert store.load(tmp_path / "old.yaml") == [one]


def delta(index: int, payload: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    return "content_block_delta", {"type": "content_block_delta", "index": index, "delta": payload}


def test_accumulator_follows_the_sdk_rules() -> None:
    start = {
        **MESSAGE,
        "content": [],
        "stop_reason": None,
        "usage": {"input_tokens": 5, "output_tokens": 1, "service_tier": "standard"},
    }
    events = [
        ("message_start", {"type": "message_start", "message": start}),
        (
            "content_block_start",
            {
                "type": "content_block_start",
                "index": 0,
                "content_block": {"type": "thinking", "thinking": "", "signature": ""},
            },
        ),
        delta(0, {"type": "thinking_delta", "thinking": "Let me "}),
        delta(0, {"type": "thinking_delta", "thinking": "think."}),
        delta(0, {"type": "signature_delta", "signature": "first"}),
        delta(0, {"type": "signature_delta", "signature": "SIG"}),
        (
            "content_block_start",
            {
                "type": "content_block_start",
                "index": 1,
                "content_block": {"type": "text", "text": ""},
            },
        ),
        delta(
            1, {"type": "citations_delta", "citation": {"type": "char_location", "cited_text": "x"}}
        ),
        delta(1, {"type": "text_delta", "text": "Hi"}),
        delta(1, {"type": "input_json_delta", "partial_json": "{"}),
        (
            "content_block_start",
            {
                "type": "content_block_start",
                "index": 2,
                "content_block": {"type": "tool_use", "id": "toolu_1", "name": "f", "input": {}},
            },
        ),
        delta(2, {"type": "input_json_delta", "partial_json": ""}),
        delta(2, {"type": "input_json_delta", "partial_json": '{"city": "Pa'}),
        delta(2, {"type": "input_json_delta", "partial_json": 'ris"}'}),
        (
            "content_block_start",
            {
                "type": "content_block_start",
                "index": 3,
                "content_block": {"type": "compaction", "content": None, "encrypted_content": None},
            },
        ),
        delta(3, {"type": "compaction_delta", "content": "old", "encrypted_content": None}),
        delta(3, {"type": "compaction_delta", "content": "summary", "encrypted_content": "enc"}),
        ("ping", {"type": "ping"}),
        (
            "message_delta",
            {
                "type": "message_delta",
                "delta": {"stop_reason": "tool_use", "stop_sequence": None, "container": None},
                "usage": {"output_tokens": 40, "input_tokens": None},
            },
        ),
        ("message_stop", {"type": "message_stop"}),
    ]
    got = replay.accumulate(events)
    assert got is not None
    thinking, text, tool, compaction = got["content"]
    assert thinking == {"type": "thinking", "thinking": "Let me think.", "signature": "SIG"}
    assert text == {
        "type": "text",
        "text": "Hi",
        "citations": [{"type": "char_location", "cited_text": "x"}],
    }
    assert tool["input"] == {"city": "Paris"}
    assert compaction == {"type": "compaction", "content": "summary", "encrypted_content": "enc"}
    assert got["stop_reason"] == "tool_use"
    assert "container" not in got
    assert got["usage"] == {"input_tokens": 5, "output_tokens": 40, "service_tier": "standard"}
    assert start["content"] == []  # the recording itself is not changed


def test_accumulator_without_message_start_and_fallback_model() -> None:
    assert replay.accumulate([("ping", {"type": "ping"})]) is None
    events = [
        ("message_start", {"type": "message_start", "message": {**MESSAGE, "content": []}}),
        (
            "content_block_start",
            {
                "type": "content_block_start",
                "index": 0,
                "content_block": {"type": "fallback", "from": {"model": "a"}, "to": {"model": "b"}},
            },
        ),
    ]
    got = replay.accumulate(events)
    assert got is not None
    assert got["model"] == "b"


def test_rendered_streams_accumulate_back_to_the_message() -> None:
    assert replay.accumulate(sse.decode(SSE_TEXT)) == MESSAGE


JSON_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=12,
)


@settings(max_examples=150, deadline=None, database=None)
@given(body=st.dictionaries(st.text(), JSON_VALUES, max_size=5), text=st.text())
def test_any_json_and_text_survive_the_yaml_round_trip(body: dict[str, Any], text: str) -> None:
    events = (("content_block_delta", {"type": "content_block_delta", "delta": {"text": text}}),)
    interaction = fmt.Interaction(
        request=fmt.RecordedRequest(method="POST", uri="https://x/v1/messages", body=body),
        response=fmt.RecordedResponse(
            status=200, reason="OK", headers={"x-h": text}, events=events
        ),
    )
    loaded = fmt.interactions_from_doc(
        yamltext.load_yaml(yamltext.dump_yaml(fmt.readable_doc([interaction])))
    )
    assert loaded == [interaction]
