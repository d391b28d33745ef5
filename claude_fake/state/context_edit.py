"""Context editing (beta ``context-management-2025-06-27``): the clear edits, applied to what the
fake counts, and the ``applied_edits`` the response reports. Pure: the request is never changed."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from claude_fake.state import tokens

CLEAR_TOOL_USES = "clear_tool_uses_20250919"
CLEAR_THINKING = "clear_thinking_20251015"
PLACEHOLDER = "[Tool result cleared to save context]"
DEFAULT_TOOL_TRIGGER = 100_000
DEFAULT_KEEP_TOOL_USES = 3
DEFAULT_KEEP_THINKING_TURNS = 1
_THINKING = ("thinking", "redacted_thinking")

Entry = dict[str, Any]


@dataclass(slots=True, kw_only=True)
class Edited:
    """Messages after the clear edits, and the ``applied_edits`` entries they earned."""

    messages: list[Any]
    applied: list[Entry] = field(default_factory=list)


def edits_of(body: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    """The ``context_management.edits`` of a request ([] when none)."""
    config = body.get("context_management")
    edits = config.get("edits") if isinstance(config, dict) else None
    return [e for e in edits if isinstance(e, dict)] if isinstance(edits, list) else []


def apply(body: Mapping[str, Any], messages: list[Any]) -> Edited:
    """Apply the request's clear edits, in order, to ``messages``."""
    applied: list[Entry] = []
    for edit in edits_of(body):
        entry: Entry | None = None
        if edit.get("type") == CLEAR_THINKING:
            messages, entry = clear_thinking(messages, edit)
        elif edit.get("type") == CLEAR_TOOL_USES:
            messages, entry = clear_tool_uses(body, messages, edit)
        if entry is not None:
            applied.append(entry)
    return Edited(messages=messages, applied=applied)


def value_of(config: Any, default: int) -> int:
    """The ``value`` of a ``{"type": ..., "value": n}`` setting, or ``default``."""
    value = config.get("value") if isinstance(config, dict) else None
    return value if isinstance(value, int) and not isinstance(value, bool) else default


def _blocks(message: Any) -> list[Any]:
    content = message.get("content") if isinstance(message, dict) else None
    return content if isinstance(content, list) else []


def clear_thinking(messages: list[Any], edit: Mapping[str, Any]) -> tuple[list[Any], Entry | None]:
    """Drop thinking from all but the last ``keep`` assistant turns that have some."""
    keep = edit.get("keep")
    if keep == "all" or (isinstance(keep, dict) and keep.get("type") == "all"):
        return messages, None
    n = value_of(keep, DEFAULT_KEEP_THINKING_TURNS)
    turns = [
        i
        for i, m in enumerate(messages)
        if isinstance(m, dict)
        and m.get("role") == "assistant"
        and any(isinstance(b, dict) and b.get("type") in _THINKING for b in _blocks(m))
    ]
    chosen = turns[: len(turns) - n] if n > 0 else turns
    if not chosen:
        return messages, None
    out, cleared = list(messages), 0
    for i in chosen:
        blocks = _blocks(messages[i])
        gone = [b for b in blocks if isinstance(b, dict) and b.get("type") in _THINKING]
        cleared += sum(tokens.block_tokens(b) for b in gone)
        kept = [b for b in blocks if not (isinstance(b, dict) and b.get("type") in _THINKING)]
        out[i] = {**messages[i], "content": kept}
    entry = {
        "type": CLEAR_THINKING,
        "cleared_thinking_turns": len(chosen),
        "cleared_input_tokens": cleared,
    }
    return out, entry


def _tool_uses(
    messages: list[Any],
) -> tuple[list[tuple[int, int, Any]], dict[Any, tuple[int, int]]]:
    uses: list[tuple[int, int, Any]] = []
    results: dict[Any, tuple[int, int]] = {}
    for i, message in enumerate(messages):
        for j, block in enumerate(_blocks(message)):
            if not isinstance(block, dict):
                continue
            if block.get("type") == "tool_use":
                uses.append((i, j, block))
            elif block.get("type") == "tool_result":
                results[block.get("tool_use_id")] = (i, j)
    return uses, results


def _fires(
    body: Mapping[str, Any], messages: list[Any], edit: Mapping[str, Any], uses: int
) -> bool:
    trigger = edit.get("trigger")
    if isinstance(trigger, dict) and trigger.get("type") == "tool_uses":
        return uses >= value_of(trigger, 0)
    value = value_of(trigger, DEFAULT_TOOL_TRIGGER)
    return tokens.count({**body, "messages": messages}) >= value


def _clears_input(edit: Mapping[str, Any], name: Any) -> bool:
    setting = edit.get("clear_tool_inputs")
    return setting is True or (isinstance(setting, list) and name in setting)


def clear_tool_uses(
    body: Mapping[str, Any], messages: list[Any], edit: Mapping[str, Any]
) -> tuple[list[Any], Entry | None]:
    """Past the trigger, replace the results of all but the last ``keep`` tool uses."""
    uses, results = _tool_uses(messages)
    if not _fires(body, messages, edit, len(uses)):
        return messages, None
    keep = value_of(edit.get("keep"), DEFAULT_KEEP_TOOL_USES)
    excluded = set(edit.get("exclude_tools") or ())
    changed: dict[int, list[Any]] = {}
    cleared, saved = 0, 0
    for i, j, use in uses[: max(0, len(uses) - keep)]:
        where = results.get(use.get("id"))
        if use.get("name") in excluded or where is None:
            continue
        ri, rj = where
        row = changed.setdefault(ri, list(_blocks(messages[ri])))
        if row[rj].get("content") == PLACEHOLDER:
            continue
        new = {**row[rj], "content": PLACEHOLDER}
        saved += tokens.block_tokens(row[rj]) - tokens.block_tokens(new)
        row[rj], cleared = new, cleared + 1
        if _clears_input(edit, use.get("name")):
            calls = changed.setdefault(i, list(_blocks(messages[i])))
            emptied = {**calls[j], "input": {}}
            saved += tokens.block_tokens(calls[j]) - tokens.block_tokens(emptied)
            calls[j] = emptied
    if not cleared or saved < value_of(edit.get("clear_at_least"), 0):
        return messages, None
    out = [{**m, "content": changed[i]} if i in changed else m for i, m in enumerate(messages)]
    entry = {"type": CLEAR_TOOL_USES, "cleared_tool_uses": cleared, "cleared_input_tokens": saved}
    return out, entry
