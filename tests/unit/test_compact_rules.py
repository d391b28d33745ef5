"""compact.py and summarize.py: signatures, what a compaction block drops, where blocks may
stand, and the tool changes a compacted range records."""

from __future__ import annotations

from typing import Any

import pytest

from claude_fake.state import compact, signature, summarize

SECRET = signature.secret_for(0)
USER = {"role": "user", "content": "hello"}


def issued(**fields: Any) -> dict[str, Any]:
    block = summarize.make_block(SECRET, [USER], with_tool_changes=True)
    return {**block, **fields}


def test_the_secret_depends_only_on_the_seed() -> None:
    assert signature.secret_for(0) == signature.secret_for("0")
    assert signature.secret_for(0) != signature.secret_for(1)


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({}, None),
        ({"signature": None}, None),
        ({"signature": "not base64!"}, "compaction_signature_invalid"),
        ({"encrypted_content": "other"}, "compaction_signature_invalid"),
        ({"content": "edited"}, "compaction_content_mismatch"),
        (
            {
                "tool_changes": [
                    {"type": "tool_removal", "tool": {"type": "tool_reference", "name": "x"}}
                ]
            },
            "compaction_tool_changes_mismatch",
        ),
        ({"cache_control": {"type": "ephemeral"}}, None),
    ],
)
def test_verify(change: dict[str, Any], code: str | None) -> None:
    assert signature.verify(SECRET, issued(**change)) == code


def test_another_seed_does_not_verify() -> None:
    assert signature.verify(signature.secret_for(1), issued()) == "compaction_signature_invalid"


def test_everything_before_the_last_block_with_content_is_dropped() -> None:
    block = issued()
    messages = [
        USER,
        {
            "role": "assistant",
            "content": [{"type": "text", "text": "old"}, block, {"type": "text", "text": "new"}],
        },
        {"role": "user", "content": "next"},
        {"role": "assistant", "content": [{"type": "compaction", "content": None}]},
    ]
    kept = compact.effective_messages(messages)
    assert kept[0]["content"] == [block, {"type": "text", "text": "new"}]
    assert kept[1:] == messages[2:]
    assert compact.effective_messages([USER]) == [USER]


def test_the_tail_scan_finds_what_the_full_scan_keeps() -> None:
    block = issued()
    messages = [
        {"role": "assistant", "content": [block]},
        USER,
        {"role": "assistant", "content": [block]},
        USER,
        {"role": "assistant", "content": [{"type": "compaction", "content": None}]},
    ]
    tail = compact.scan_tail(messages).found
    assert [(f.index, f.position) for f in tail] == [(2, 0), (4, 0)]
    assert compact.effective_messages(messages, tail) == compact.effective_messages(messages)


@pytest.mark.parametrize(
    ("body", "betas", "strict"),
    [
        ({"compaction": {"type": "summarize"}}, (), True),
        ({}, (compact.ON_DEMAND_BETA,), True),
        ({}, (), False),
        (
            {"context_management": {"edits": [{"type": "compact_20260112"}]}},
            (compact.ON_DEMAND_BETA,),
            False,
        ),
    ],
)
def test_when_placement_rules_are_strict(
    body: dict[str, Any], betas: tuple[str, ...], strict: bool
) -> None:
    assert compact.is_strict(body, betas) is strict


def test_threshold_settings() -> None:
    edit = {
        "type": "compact_20260112",
        "trigger": {"type": "input_tokens", "value": 5},
        "instructions": "  ",
    }
    body = {"context_management": {"edits": [{"type": "clear_thinking_20251015"}, edit]}}
    assert compact.threshold_edit(body) == edit
    assert compact.trigger_of(edit) == 5
    assert compact.trigger_of({"type": "compact_20260112"}) == compact.DEFAULT_TRIGGER
    assert compact.instructions_of(edit) is None


def _ref(name: str) -> dict[str, Any]:
    return {"type": "tool_reference", "name": name}


@pytest.mark.parametrize(
    ("blocks", "expected"),
    [
        ([], []),
        ([{"type": "tool_removal", "tool": _ref("a")}], [("tool_removal", "a")]),
        ([{"type": "tool_addition", "tool": _ref("c")}], [("tool_addition", "c")]),
        (
            [
                {"type": "tool_addition", "tool": _ref("c")},
                {"type": "tool_removal", "tool": _ref("c")},
            ],
            [],
        ),
        (
            [
                {"type": "tool_removal", "tool": _ref("a")},
                {"type": "tool_addition", "tool": _ref("a")},
            ],
            [],
        ),
        ([{"type": "tool_addition", "tool": _ref("b")}], [("tool_addition", "b")]),  # b is deferred
    ],
)
def test_tool_changes_are_the_net_change(
    blocks: list[Any], expected: list[tuple[str, str]]
) -> None:
    tools = [{"name": "a"}, {"name": "b", "defer_loading": True}]
    changes = summarize.tool_changes(tools, [{"role": "user", "content": blocks}])
    assert [(c["type"], c["tool"]["name"]) for c in changes] == expected


def test_a_tool_definition_is_returned_without_cache_control() -> None:
    definition = {
        "name": "d",
        "input_schema": {"type": "object"},
        "cache_control": {"type": "ephemeral"},
    }
    block = {"type": "tool_addition", "tool": {"type": "tool_definition", "definition": definition}}
    (change,) = summarize.tool_changes([], [{"role": "user", "content": [block]}])
    assert "cache_control" not in change["tool"]["definition"]


def test_summaries_are_short_and_follow_instructions() -> None:
    text = summarize.summary([USER, {"role": "assistant", "content": "hi"}] * 50, "Keep names.")
    assert text.startswith("Summary of the conversation so far (100 messages).")
    assert "Keep names." in text
    assert len(text) < 600
