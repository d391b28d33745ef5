"""Scripted replies and block builders: every builder's output parses under the SDK's strict
types field for field, and every bad script fails at the call with a fix."""

from __future__ import annotations

import typing
from typing import Any

import pytest
from anthropic.types import ContentBlock, StopReason
from anthropic.types.beta import BetaContentBlock, BetaStopReason
from pydantic import BaseModel, TypeAdapter

import claude_fake
from claude_fake import FakeClaude, FakeRequest, ScriptError
from claude_fake.sources import blocks, reply_checks
from claude_fake.sources import replies as scenario
from claude_fake.sources.blocks import SERVER_TOOL_RESULTS

GA = TypeAdapter(ContentBlock)
CITATION = {
    "type": "char_location",
    "cited_text": "c",
    "document_index": 0,
    "start_char_index": 0,
    "end_char_index": 1,
}
BETA = TypeAdapter(BetaContentBlock)


def extras(value: object, where: str = "$") -> list[str]:
    """Paths of fields the SDK's models did not declare (they would be silently kept)."""
    out: list[str] = []
    if isinstance(value, BaseModel):
        out += [f"{where}.{name}" for name in value.model_extra or {}]
        for name in type(value).model_fields:
            out += extras(getattr(value, name), f"{where}.{name}")
    elif isinstance(value, list):
        for index, item in enumerate(value):
            out += extras(item, f"{where}[{index}]")
    return out


def ids(block: dict[str, Any]) -> dict[str, Any]:
    """A block with the ids the engine fills in at answer time."""
    filled = dict(block)
    if "id" in filled:
        filled["id"] = filled["id"] or "srvtoolu_1"
    if "tool_use_id" in filled:
        filled["tool_use_id"] = filled["tool_use_id"] or "srvtoolu_1"
    return filled


def request(text: str = "hi", **body: Any) -> FakeRequest:
    headers = body.pop("headers", {})
    return FakeRequest(
        method="POST",
        path="/v1/messages",
        headers=headers,
        body={"messages": [{"role": "user", "content": text}], **body},
    )


# -- builders ------------------------------------------------------------------------------
@pytest.mark.parametrize("name", sorted(SERVER_TOOL_RESULTS))
@pytest.mark.parametrize("adapter", [GA, BETA], ids=["ga", "beta"])
def test_server_tool_defaults_parse_strictly(name: str, adapter: TypeAdapter[Any]) -> None:
    call, result = blocks.server_tool_use(name, {"query": "x"})
    parsed_call, parsed = adapter.validate_python(ids(call)), adapter.validate_python(ids(result))
    assert parsed.type == SERVER_TOOL_RESULTS[name]
    assert parsed_call.name == name
    content = parsed.content[0] if isinstance(parsed.content, list) else parsed.content
    assert not content.type.endswith("_error")
    assert extras(parsed) == []


@pytest.mark.parametrize("name", sorted(SERVER_TOOL_RESULTS))
def test_server_tool_errors_use_the_sdk_codes(name: str) -> None:
    kind = SERVER_TOOL_RESULTS[name]
    code = blocks.error_codes(kind)[0]
    _, result = blocks.server_tool_use(name, error=code)
    parsed = GA.validate_python(ids(result))
    assert (parsed.content.type, parsed.content.error_code) == (f"{kind}_error", code)
    assert extras(parsed) == []


def test_server_tool_bad_error_code_names_the_right_ones() -> None:
    with pytest.raises(ScriptError, match="query_too_long"):
        blocks.server_tool_use("web_search", error="file_not_found")


@pytest.mark.parametrize(
    "block",
    [
        blocks.text("hi"),
        blocks.text("cited", citations=[CITATION]),
        blocks.tool_use("f", {"a": 1}, id="toolu_1"),
        blocks.thinking("hmm"),
        blocks.redacted_thinking(),
    ],
    ids=["text", "citations", "tool_use", "thinking", "redacted_thinking"],
)
def test_ga_builders_parse_strictly(block: dict[str, Any]) -> None:
    assert extras(GA.validate_python(block)) == []


def test_compaction_builder_parses_under_beta() -> None:
    block = blocks.compaction("summary", signature="sig", tool_changes=[])
    parsed = BETA.validate_python(block)
    assert (parsed.content, parsed.signature, parsed.tool_changes) == ("summary", "sig", [])
    assert extras(parsed) == []
    assert BETA.validate_python(blocks.compaction(None)).content is None


@pytest.mark.parametrize(
    ("build", "message"),
    [
        (lambda: blocks.text(3), "text\\(\\) takes a string"),
        (lambda: blocks.text("x", citations={"type": "char_location"}), "list of citation"),
        (lambda: blocks.tool_use("f", [1, 2]), "input must be a dict"),
        (lambda: blocks.tool_use(7), "tool_use\\(name"),
        (lambda: blocks.thinking(None), "thinking\\(\\) takes a string"),
        (lambda: blocks.server_tool_use("browser"), "unknown server tool"),
        (lambda: blocks.server_tool_use("web_search", "q"), "input must be a dict"),
        (lambda: blocks.compaction(5), "compaction\\(\\) takes a string"),
    ],
)
def test_bad_builder_calls_fail_with_a_fix(build: Any, message: str) -> None:
    with pytest.raises(ScriptError, match=message):
        build()


# -- stop reasons and inference ------------------------------------------------------------
def test_stop_reasons_are_the_sdks() -> None:
    sdk = {*typing.get_args(StopReason), *typing.get_args(BetaStopReason)}
    assert set(reply_checks.stop_reasons()) == sdk


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ([], "end_turn"),
        ([blocks.text("x")], "end_turn"),
        ([blocks.text("x"), blocks.tool_use("f")], "tool_use"),
        ([blocks.compaction("s")], "compaction"),
        ([blocks.compaction("s"), blocks.text("x")], "end_turn"),
        (list(blocks.server_tool_use("web_search")), "end_turn"),
    ],
)
def test_stop_reason_inference(content: list[dict[str, Any]], expected: str) -> None:
    assert scenario.infer_stop_reason(content) == expected


def test_a_stop_sequence_implies_its_stop_reason() -> None:
    reply = FakeClaude().reply("one two", stop_sequence="three")
    assert (reply.stop_reason, reply.stop_sequence) == ("stop_sequence", "three")


# -- bad scripts fail at the call ----------------------------------------------------------
BAD_REPLIES: list[tuple[tuple[Any, ...], dict[str, Any], str]] = [
    (("x",), {"stop_reason": "finished"}, "unknown stop_reason 'finished'.*Use one of: end_turn"),
    ((claude_fake.tool_use("f"),), {}, ""),  # fine: here to keep the table honest
    (({"type": "tool_use", "name": "f", "input": [1]},), {}, "input must be a dict"),
    (({"type": "tool_use", "name": "f", "input": "x"},), {}, "input must be a dict"),
    (({"type": "mystery"},), {}, "not a content block the SDK accepts"),
    ((42,), {}, "reply\\(\\) got a int"),
    (("x",), {"when": "weather"}, "when must be a callable"),
    (("x",), {"times": 0}, "times=0 must be a positive integer"),
    (("x",), {"times": "2"}, "times='2' must be a positive integer"),
    (("x",), {"times": True}, "times=True"),
    (("x",), {"stop_reason": "tool_use"}, "has no tool_use block"),
    (("x",), {"stop_reason": "compaction"}, "must end with a compaction block"),
    (("x",), {"stop_sequence": ""}, "non-empty string"),
    (("x",), {"stop_sequence": "#", "stop_reason": "max_tokens"}, "only when it stopped on it"),
    (("x",), {"stop_details": {"category": "cyber"}}, "only with stop_reason 'refusal'"),
    (("x",), {"stop_reason": "refusal", "stop_details": {"category": "x"}}, "category"),
    (("x",), {"usage": {"output_tokens": "many"}}, "output_tokens"),
    (("x",), {"usage": {"tokens": 3}}, "'tokens'.*not a usage field"),
    (("x",), {"usage": 5}, "not a usage field"),
]


@pytest.mark.parametrize(("args", "options", "message"), BAD_REPLIES)
def test_bad_replies_fail_at_the_call(args: Any, options: Any, message: str) -> None:
    fake = FakeClaude()
    if not message:
        fake.reply(*args, **options)
        return
    with pytest.raises(ScriptError, match=f"(?s){message}") as caught:
        fake.reply(*args, **options)
    assert "claude_fake:" in str(caught.value)
    assert caught.value.fix, "every script error says how to fix it"
    assert fake.unused() == []


# -- the book: order, rules, resolution ----------------------------------------------------
def make(*content: Any, **options: Any) -> scenario.Reply:
    blocks_ = scenario.flatten(content)
    reason = options.pop("stop_reason", None) or scenario.infer_stop_reason(blocks_)
    return scenario.Reply(content=blocks_, stop_reason=reason, **options)


def take(book: scenario.ReplyBook, sent: FakeRequest) -> scenario.Reply | None:
    """What the reply source does: the reply that answers, counted as used, then resolved."""
    reply = book.peek(sent)
    if reply is None:
        return None
    book.use(reply)
    return scenario.resolve(reply, sent)


def test_queue_in_order_rules_first_times_counted() -> None:
    book = scenario.ReplyBook()
    book.add(make("a", times=2))
    book.add(make("b"))
    book.add(make("rule", when=lambda r: "x" in r.text))
    texts = [take(book, request(t)) for t in ("1", "x", "2", "3", "x")]
    assert [r.content[0]["text"] if r else None for r in texts] == ["a", "rule", "a", "b", None]
    assert book.unused() == []


def test_a_raising_rule_is_a_script_error_naming_it() -> None:
    book = scenario.ReplyBook()
    book.add(make("x", when=lambda r: 1 / 0))
    with pytest.raises(ScriptError, match="raised ZeroDivisionError"):
        take(book, request())


def test_stop_sequence_resolved_from_the_request() -> None:
    book = scenario.ReplyBook()
    book.add(make("x", stop_reason="stop_sequence"))
    book.add(make("y", stop_reason="stop_sequence"))
    taken = take(book, request(stop_sequences=["END", "STOP"]))
    assert taken is not None
    assert taken.stop_sequence == "END"
    bare = take(book, request())  # the request named none: stop_sequence null, as the API says
    assert bare is not None
    assert bare.stop_sequence is None
    assert book.unused() == []


def test_compaction_needs_a_compaction_request() -> None:
    book = scenario.ReplyBook()
    book.add(make(blocks.compaction("s")))
    book.add(make(blocks.compaction("s")))
    with pytest.raises(ScriptError, match="not a compaction request"):
        take(book, request())
    beta = request(headers={"anthropic-beta": "compact-2026-01-12"})
    taken = take(book, beta)
    assert taken is not None
    assert taken.stop_reason == "compaction"


def test_describe_names_the_call_site() -> None:
    reply = FakeClaude().reply("x", when=lambda r: True)
    assert "test_scenario.py" in reply.describe()
    assert "(when rule)" in reply.describe()


MCP_CALL = {"type": "mcp_tool_use", "name": "search", "server_name": "docs", "input": {}}


def test_beta_only_blocks_need_a_beta_request() -> None:
    book = scenario.ReplyBook()
    book.add(make(MCP_CALL, times=2))
    with pytest.raises(ScriptError, match="mcp_tool_use, which only beta requests get"):
        take(book, request())
    beta = FakeRequest(method="POST", path="/v1/messages", query="beta=true", body={})
    taken = take(book, beta)
    assert taken is not None
    assert taken.content[0]["type"] == "mcp_tool_use"
