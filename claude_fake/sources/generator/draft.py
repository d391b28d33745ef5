"""The seeded default answer, used when nothing is scripted and no cassette is set up."""

from __future__ import annotations

import json
import random
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from claude_fake.sources import blocks
from claude_fake.sources.generator.schema_instance import instance
from claude_fake.state import tokens

Words = Callable[[int], str]


@dataclass(frozen=True, slots=True, kw_only=True)
class Draft:
    """What the generator decided: blocks and how the turn ended."""

    content: list[dict[str, Any]]
    stop_reason: str
    stop_sequence: str | None = None


def _last_turn_is_tool_result(body: Mapping[str, Any]) -> bool:
    messages = body.get("messages") or []
    last = messages[-1] if messages else {}
    content = last.get("content") if isinstance(last, dict) else None
    return isinstance(content, list) and any(
        isinstance(b, dict) and b.get("type") == "tool_result" for b in content
    )


def _custom_tools(body: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    tools = body.get("tools") or []
    return [t for t in tools if isinstance(t, dict) and "input_schema" in t and "name" in t]


def choose_tool(body: Mapping[str, Any], user_text: str) -> Mapping[str, Any] | None:
    """The tool to call: the one ``tool_choice`` names, the first for ``any``, or for ``auto``
    the first whose name the last user text mentions (never right after a tool result)."""
    tools = _custom_tools(body)
    choice = body.get("tool_choice") or {"type": "auto"}
    kind = choice.get("type") if isinstance(choice, dict) else "auto"
    if not tools or kind == "none":
        return None
    if kind == "tool":
        return next((t for t in tools if t["name"] == choice.get("name")), None)
    if kind == "any":
        return tools[0]
    if _last_turn_is_tool_result(body):
        return None
    lowered = user_text.lower()
    return next((t for t in tools if str(t["name"]).lower() in lowered), None)


def _format_schema(body: Mapping[str, Any]) -> Mapping[str, Any] | None:
    config = body.get("output_config") or {}
    fmt = config.get("format") if isinstance(config, dict) else None
    if not isinstance(fmt, dict):
        fmt = body.get("output_format")
    if isinstance(fmt, dict) and fmt.get("type") == "json_schema":
        schema = fmt.get("schema")
        return schema if isinstance(schema, dict) else {}
    return None


def _thinking_budget(body: Mapping[str, Any]) -> int | None:
    config = body.get("thinking")
    if not isinstance(config, dict) or config.get("type") not in ("enabled", "adaptive"):
        return None
    budget = config.get("budget_tokens")
    return budget if isinstance(budget, int) else 256


def _cut(text: str, max_tokens: int) -> str:
    return text[: max(0, max_tokens) * 4]


def _stop_at(text: str, stops: list[str]) -> tuple[str, str | None]:
    hits = [(text.find(s), s) for s in stops if s and s in text]
    if not hits:
        return text, None
    at, seq = min(hits)
    return text[:at], seq


def draft(body: Mapping[str, Any], user_text: str, rng: random.Random, words: Words) -> Draft:
    """Decide the blocks and stop reason for ``body``; deterministic for the given rng."""
    content: list[dict[str, Any]] = []
    budget = _thinking_budget(body)
    max_tokens = body.get("max_tokens")
    if budget is not None:
        thought = words(min(40, max(4, budget // 8)))
        if isinstance(max_tokens, int) and tokens.text_tokens(thought) >= max_tokens:
            # thinking counts toward max_tokens: the turn ends inside it
            content.append(blocks.thinking(_cut(thought, max_tokens)))
            return Draft(content=content, stop_reason="max_tokens")
        content.append(blocks.thinking(thought))
    tool = choose_tool(body, user_text)
    if tool is not None:
        schema = tool.get("input_schema") or {"type": "object"}
        content.append(blocks.tool_use(str(tool["name"]), instance(schema, rng, words=words)))
        return Draft(content=content, stop_reason="tool_use")
    schema = _format_schema(body)
    text = json.dumps(instance(schema, rng, words=words)) if schema is not None else words(24)
    stops = [s for s in body.get("stop_sequences") or [] if isinstance(s, str) and s]
    if stops and schema is None:
        text = f"{text} {stops[0]} {words(6)}"
    text, sequence = _stop_at(text, stops)
    used = sum(tokens.block_tokens(b) for b in content)
    if isinstance(max_tokens, int) and used + tokens.text_tokens(text) > max_tokens:
        text = _cut(text, max_tokens - used)
        content.append(blocks.text(text))
        return Draft(
            content=[b for b in content if b.get("text", True) != ""], stop_reason="max_tokens"
        )
    content.append(blocks.text(text))
    if sequence is not None:
        return Draft(content=content, stop_reason="stop_sequence", stop_sequence=sequence)
    return Draft(content=content, stop_reason="end_turn")
