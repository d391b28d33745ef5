"""context_edit.py: the clear edits, on copies, with the entries the response reports."""

from __future__ import annotations

import copy
from typing import Any

from claude_fake.state import context_edit, tokens


def history(calls: int, names: tuple[str, ...] = ("read",)) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = [{"role": "user", "content": "go"}]
    for n in range(calls):
        name = names[n % len(names)]
        use = {"type": "tool_use", "id": f"t{n}", "name": name, "input": {"path": f"/f{n}" * 20}}
        result = {"type": "tool_result", "tool_use_id": f"t{n}", "content": "data " * 200}
        out += [{"role": "assistant", "content": [use]}, {"role": "user", "content": [result]}]
    return out


def edit(**options: Any) -> dict[str, Any]:
    return {
        "context_management": {
            "edits": [
                {
                    "type": "clear_tool_uses_20250919",
                    "trigger": {"type": "tool_uses", "value": 2},
                    **options,
                }
            ]
        }
    }


def test_clearing_keeps_the_latest_and_reports_what_it_saved() -> None:
    messages = history(5)
    before = copy.deepcopy(messages)
    body = {**edit(), "messages": messages}
    edited = context_edit.apply(body, messages)
    assert messages == before  # the request is never changed
    (entry,) = edited.applied
    assert entry["cleared_tool_uses"] == 2  # 5 uses, keep the default 3
    saved = tokens.count(body) - tokens.count({**body, "messages": edited.messages})
    assert entry["cleared_input_tokens"] == saved
    results = [
        b
        for m in edited.messages
        for b in m["content"]
        if isinstance(b, dict) and b.get("type") == "tool_result"
    ]
    assert [r["content"] == context_edit.PLACEHOLDER for r in results] == [
        True,
        True,
        False,
        False,
        False,
    ]


def test_clearing_inputs_of_named_tools_only() -> None:
    messages = history(4, names=("read", "write"))
    body = {
        **edit(keep={"type": "tool_uses", "value": 0}, clear_tool_inputs=["write"]),
        "messages": messages,
    }
    edited = context_edit.apply(body, messages)
    inputs = [
        b["input"]
        for m in edited.messages
        for b in m["content"]
        if isinstance(b, dict) and b.get("type") == "tool_use"
    ]
    assert [bool(i) for i in inputs] == [True, False, True, False]


def test_a_cleared_result_is_not_cleared_twice() -> None:
    messages = history(4)
    body = {**edit(keep={"type": "tool_uses", "value": 1}), "messages": messages}
    once = context_edit.apply(body, messages).messages
    assert context_edit.apply(body, once).applied == []


def test_under_the_tool_use_trigger_nothing_happens() -> None:
    messages = history(1)
    assert context_edit.apply({**edit(), "messages": messages}, messages).messages is messages


def test_thinking_is_cleared_from_older_turns() -> None:
    thought = {"type": "thinking", "thinking": "hmm " * 50, "signature": "s"}
    messages = [
        {"role": "assistant", "content": [thought, {"type": "text", "text": str(n)}]}
        for n in range(3)
    ]
    body = {
        "context_management": {"edits": [{"type": "clear_thinking_20251015"}]},
        "messages": messages,
    }
    edited = context_edit.apply(body, messages)
    assert [len(m["content"]) for m in edited.messages] == [1, 1, 2]  # keeps 1 turn by default
    (entry,) = edited.applied
    assert entry == {
        "type": "clear_thinking_20251015",
        "cleared_thinking_turns": 2,
        "cleared_input_tokens": 2 * tokens.block_tokens(thought),
    }
