"""state.turn: one Messages answer with the API's state applied: compaction (threshold and
on demand, WIRE.md §7), the 400s a request earns, prompt caching and diagnostics (§8), and usage
consistent with what ``count`` (count_tokens) answers."""

from __future__ import annotations

import itertools
import json
from typing import Any

import anthropic
import pytest

from claude_fake.model import FakeRequest
from claude_fake.state import caching, compact, signature, tokens, turn

SECRET = signature.secret_for(0)
MODEL = "claude-sonnet-4-6"
THRESHOLD = "compact-2026-01-12"
ON_DEMAND = "compact-2026-09-04"
LONG = "word " * 2_000  # 2,500 tokens: past the 1,024 Sonnet caches at least
EPHEMERAL = {"type": "ephemeral"}
GENERATED = turn.Outline(content=[{"type": "text", "text": "Generated."}], stop_reason="end_turn")


def body(*messages: Any, **params: Any) -> dict[str, Any]:
    chosen = list(messages) or [{"role": "user", "content": "Hello"}]
    return {"model": MODEL, "max_tokens": 256, "messages": chosen, **params}


def user(content: Any) -> dict[str, Any]:
    return {"role": "user", "content": content}


def compact_edit(trigger: int = 100, **extra: Any) -> dict[str, Any]:
    edit = {"type": "compact_20260112", "trigger": {"type": "input_tokens", "value": trigger}}
    return {"edits": [{**edit, **extra}]}


def respond(
    payload: dict[str, Any],
    *,
    betas: tuple[str, ...] = (),
    scripted: turn.Outline | None = None,
    cache: caching.PromptCache | None = None,
    now: float = 1_000.0,
    msg_id: str = "msg_1",
) -> turn.Outcome:
    headers = {"anthropic-beta": ",".join(betas)} if betas else {}
    raw = json.dumps(payload).encode()
    request = FakeRequest(
        method="POST", path="/v1/messages", headers=headers, raw=raw, body=payload
    )
    numbers = itertools.count(1)
    return turn.respond(
        request,
        scripted=scripted,
        generate=lambda digest: GENERATED,
        secret=SECRET,
        cache=cache or caching.PromptCache(),
        now=now,
        msg_id=msg_id,
        new_id=lambda prefix: f"{prefix}_{next(numbers):024d}",
    )


def answered(outcome: turn.Outcome, *, beta: bool = False) -> dict[str, Any]:
    """The Message, checked against the SDK's own type (beta: BetaMessage)."""
    assert outcome.rejection is None
    assert outcome.message is not None
    kind = anthropic.types.beta.BetaMessage if beta else anthropic.types.Message
    kind.model_validate(outcome.message)
    return outcome.message


def test_count_of_a_known_body() -> None:
    # request overhead + message overhead + "Hello" (5 characters: 2 tokens at ~4 a token)
    expected = tokens.MESSAGE_OVERHEAD + tokens.MESSAGE_OVERHEAD + 2
    assert turn.count(body()) == expected == 8
    assert turn.count(body(user("Hello" * 4))) == expected + 3  # 20 characters: 5 tokens


def test_a_plain_answer_reports_what_count_tokens_answers() -> None:
    payload = body(system="Be brief.")
    message = answered(respond(payload))
    assert (message["id"], message["model"], message["type"]) == ("msg_1", MODEL, "message")
    assert message["content"] == GENERATED.content
    assert message["stop_reason"] == "end_turn"
    assert message["usage"]["input_tokens"] == turn.count(payload)
    assert message["usage"]["output_tokens"] >= 1
    assert "iterations" not in message["usage"]


def test_a_scripted_answer_wins_and_its_tool_call_gets_an_id() -> None:
    call = {"type": "tool_use", "id": None, "name": "get_weather", "input": {"city": "Paris"}}
    scripted = turn.Outline(content=[call], stop_reason="tool_use")
    message = answered(respond(body(), scripted=scripted))
    (block,) = message["content"]
    assert block["id"].startswith("toolu_")
    assert (block["name"], message["stop_reason"]) == ("get_weather", "tool_use")


def test_past_the_threshold_the_answer_starts_with_a_compaction_block() -> None:
    payload = body(user(LONG), context_management=compact_edit(trigger=1_000))
    message = answered(respond(payload, betas=(THRESHOLD,)), beta=True)
    block, text = message["content"]
    assert block["type"] == "compaction"
    assert isinstance(block["content"], str)
    assert block["content"].strip()
    assert block["encrypted_content"]
    assert signature.verify(SECRET, block) is None
    assert text == GENERATED.content[0]
    assert message["stop_reason"] == "end_turn"
    first, second = message["usage"]["iterations"]
    assert (first["type"], second["type"]) == ("compaction", "message")
    assert first["input_tokens"] == turn.count(payload)  # the summary read everything
    # the compaction iteration is not in the top-level counts (WIRE.md §3.3)
    usage = message["usage"]
    assert (usage["input_tokens"], usage["output_tokens"]) == (
        second["input_tokens"],
        second["output_tokens"],
    )
    assert usage["input_tokens"] < first["input_tokens"]


@pytest.mark.parametrize(
    "edits",
    [
        pytest.param(compact_edit(trigger=100_000), id="trigger-100000"),
        pytest.param({"edits": [{"type": "compact_20260112"}]}, id="default-trigger-150000"),
    ],
)
def test_below_the_threshold_nothing_is_compacted(edits: dict[str, Any]) -> None:
    message = answered(respond(body(user(LONG), context_management=edits), betas=(THRESHOLD,)))
    assert [b["type"] for b in message["content"]] == ["text"]
    assert "iterations" not in message["usage"]


def test_pause_after_compaction_stops_with_the_block_and_keeps_the_reply() -> None:
    payload = body(user(LONG), context_management=compact_edit(pause_after_compaction=True))
    scripted = turn.Outline(content=[{"type": "text", "text": "later"}], stop_reason="end_turn")
    outcome = respond(payload, betas=(THRESHOLD,), scripted=scripted)
    message = answered(outcome, beta=True)
    assert [b["type"] for b in message["content"]] == ["compaction"]
    assert message["stop_reason"] == "compaction"
    assert [i["type"] for i in message["usage"]["iterations"]] == ["compaction"]
    assert outcome.keep_reply is True  # the scripted reply answers the next request


def test_on_demand_compaction_answers_only_the_block() -> None:
    payload = body(user("Plan a trip."), compaction={"type": "summarize", "instructions": " "})
    message = answered(respond(payload, betas=(ON_DEMAND,)), beta=True)
    (block,) = message["content"]
    assert block["type"] == "compaction"
    assert block["tool_changes"] == []
    assert message["stop_reason"] == "compaction"
    assert [i["type"] for i in message["usage"]["iterations"]] == ["compaction"]


def test_a_block_sent_back_drops_what_it_summarizes() -> None:
    first = body(user(LONG), context_management=compact_edit(trigger=1_000))
    block = answered(respond(first, betas=(THRESHOLD,)), beta=True)["content"][0]
    rest = [{"role": "assistant", "content": [block]}, user("And now?")]
    later = body(user(LONG), *rest, context_management=compact_edit(trigger=1_000))
    view = turn.view_of(later)
    assert view.body["messages"] == rest
    assert turn.count(later) == turn.count(body(*rest))
    assert turn.count(later) < tokens.count(later)
    message = answered(respond(later, betas=(THRESHOLD,)), beta=True)
    assert [b["type"] for b in message["content"]] == ["text"]  # below the trigger again


def tampered() -> dict[str, Any]:
    first = body(user(LONG), context_management=compact_edit(trigger=1_000))
    block = answered(respond(first, betas=(THRESHOLD,)), beta=True)["content"][0]
    return {**block, "content": "An edited summary."}


@pytest.mark.parametrize(
    ("messages", "params", "betas", "code", "words"),
    [
        pytest.param(
            lambda: [{"role": "assistant", "content": [tampered()]}, user("next")],
            {"context_management": compact_edit()},
            (THRESHOLD,),
            "compaction_content_mismatch",
            "messages.0.content.0.content: differs from the summary",
            id="content-changed",
        ),
        pytest.param(
            lambda: [{"role": "system", "content": [tampered()]}, user("next")],
            {"context_management": compact_edit()},
            (THRESHOLD,),
            "compaction_block_misplaced",
            "cannot be in a `system` message",
            id="in-a-system-message",
        ),
        pytest.param(
            lambda: [user("   ")],
            {"compaction": {"type": "summarize"}},
            (ON_DEMAND,),
            "compaction_nothing_to_summarize",
            "no `user` or `assistant` content to summarize",
            id="nothing-to-summarize",
        ),
        pytest.param(
            lambda: [
                user("Weather?"),
                {
                    "role": "assistant",
                    "content": [{"type": "tool_use", "id": "toolu_1", "name": "w", "input": {}}],
                },
            ],
            {"compaction": {"type": "summarize"}},
            (ON_DEMAND,),
            "compaction_incomplete_turn",
            "messages.1: the compaction request ends on an unfinished `assistant` turn",
            id="unfinished-turn",
        ),
    ],
)
def test_compaction_problems_are_400s_with_the_error_code(
    messages: Any, params: dict[str, Any], betas: tuple[str, ...], code: str, words: str
) -> None:
    outcome = respond(body(*messages(), **params), betas=betas)
    assert outcome.message is None
    assert outcome.keep_reply is True
    assert outcome.rejection is not None
    assert outcome.rejection.code == code
    assert words in outcome.rejection.message


def test_five_breakpoints_are_the_apis_400() -> None:
    marked = [{"type": "text", "text": f"part {n}", "cache_control": EPHEMERAL} for n in range(5)]
    payload = body(user(marked))
    outcome = respond(payload)
    expected = "A maximum of 4 blocks with cache_control may be provided. Found 5."
    assert outcome.rejection == compact.Rejection(code="", message=expected)
    scanned = compact.scan(payload["messages"])
    assert turn.check(payload, (), SECRET, scanned) == outcome.rejection
    assert turn.check(body(user(marked[:4])), (), SECRET, compact.scan([user(marked[:4])])) is None


def test_a_breakpoint_is_written_then_read_then_expires() -> None:
    payload = body(system=[{"type": "text", "text": LONG, "cache_control": EPHEMERAL}])
    cache, total = caching.PromptCache(), turn.count(payload)
    usages = [
        answered(respond(payload, cache=cache, now=now))["usage"] for now in (0.0, 60.0, 400.0)
    ]
    written, read, expired = usages
    assert written["cache_creation_input_tokens"] > 0
    assert written["cache_read_input_tokens"] == 0
    assert (
        written["cache_creation"]["ephemeral_5m_input_tokens"]
        == (written["cache_creation_input_tokens"])
    )
    assert read["cache_read_input_tokens"] == written["cache_creation_input_tokens"]
    assert read["cache_creation_input_tokens"] == 0
    assert expired["cache_creation_input_tokens"] == written["cache_creation_input_tokens"]
    for usage in usages:  # total input = input + cache writes + cache reads (WIRE.md §3.3)
        parts = ("input_tokens", "cache_creation_input_tokens", "cache_read_input_tokens")
        assert sum(usage[k] for k in parts) == total


@pytest.mark.parametrize(
    ("previous", "system", "reason"),
    [
        ("msg_1", "Be brief.", None),
        ("msg_1", "Be verbose.", {"type": "system_changed", "cache_missed_input_tokens": 0}),
        ("msg_unknown", "Be brief.", {"type": "previous_message_not_found"}),
        (None, "Be verbose.", None),
    ],
)
def test_diagnostics_name_why_the_cache_missed(
    previous: str | None, system: str, reason: dict[str, Any] | None
) -> None:
    cache = caching.PromptCache()
    answered(respond(body(system="Be brief."), cache=cache, msg_id="msg_1"))
    asked = body(system=system, diagnostics={"previous_message_id": previous})
    message = answered(respond(asked, cache=cache, msg_id="msg_2"))
    assert message["diagnostics"] == {"cache_miss_reason": reason}


def test_clear_edits_are_counted_and_reported() -> None:
    calls = []
    for n in range(4):
        tool_id = f"toolu_{n}"
        calls += [
            {
                "role": "assistant",
                "content": [{"type": "tool_use", "id": tool_id, "name": "t", "input": {}}],
            },
            user([{"type": "tool_result", "tool_use_id": tool_id, "content": LONG[:400]}]),
        ]
    edit = {"type": "clear_tool_uses_20250919", "trigger": {"type": "input_tokens", "value": 1}}
    payload = body(user("Go."), *calls, context_management={"edits": [edit]})
    view = turn.view_of(payload)
    (applied,) = view.applied
    assert applied["type"] == "clear_tool_uses_20250919"
    assert applied["cleared_tool_uses"] == 1  # all but the last three (the default keep)
    assert turn.count(payload) == tokens.count(payload) - applied["cleared_input_tokens"]
    message = answered(respond(payload, betas=("context-management-2025-06-27",)), beta=True)
    assert message["context_management"] == {"applied_edits": [applied]}
    assert message["usage"]["input_tokens"] == turn.count(payload)
