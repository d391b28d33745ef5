"""API rules a JSON Schema cannot say. Each check takes a schema-valid body, returns a Problem."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator, Mapping
from typing import Any, TypeGuard

from claude_fake.state.prompt import breakpoint_problem

Path = tuple[str | int, ...]
Problem = tuple[Path, str]
"""A rule's finding: the JSON path (dotted in the message) and what is wrong there."""

NEW_API_VERSION = "2026-10-21"
SAMPLING_PARAMS = ("temperature", "top_p", "top_k")
MIN_THINKING_BUDGET = 1024
MAX_BATCH_REQUESTS = 100_000
BUDGET_ABOVE_MAX_TOKENS = (
    "`max_tokens` must be greater than `thinking.budget_tokens`. Please consult our documentation "
    "at https://docs.claude.com/en/docs/build-with-claude/extended-thinking"
    "#max-tokens-and-context-window-size"
)
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
# platform.claude.com/docs/en/api/versioning: every version the API has published.
API_VERSIONS = ("2023-01-01", "2023-06-01", NEW_API_VERSION)


def api_version_problem(value: str) -> str | None:
    """The API's refusal of an ``anthropic-version`` it does not know, else None. A date after the
    newest version known here passes: a client newer than the fake must never get a false 400."""
    if value in API_VERSIONS or (_DATE.fullmatch(value) and value > API_VERSIONS[-1]):
        return None
    return f"anthropic-version: {json.dumps(value, ensure_ascii=False)} is not a valid version"


def is_new_api_version(api_version: str | None) -> bool:
    """True for `anthropic-version` 2026-10-21 or later (the stricter wire generation)."""
    return (
        api_version is not None
        and _DATE.fullmatch(api_version) is not None
        and api_version >= NEW_API_VERSION
    )


def thinking_budget(body: Mapping[str, Any]) -> Problem | None:
    """`thinking.budget_tokens` is at least 1024 and below `max_tokens` (when there is one)."""
    thinking = body.get("thinking")
    if not isinstance(thinking, dict) or thinking.get("type") != "enabled":
        return None
    budget = thinking.get("budget_tokens")
    if not _is_int(budget):
        return None
    if budget < MIN_THINKING_BUDGET:
        path: Path = ("thinking", "enabled", "budget_tokens")
        return path, f"Input should be greater than or equal to {MIN_THINKING_BUDGET}"
    max_tokens = body.get("max_tokens")
    if _is_int(max_tokens) and budget >= max_tokens:
        return (), BUDGET_ABOVE_MAX_TOKENS
    return None


def compaction_with_context_management(body: Mapping[str, Any]) -> Problem | None:
    """On-demand `compaction` cannot be combined with `context_management`."""
    if body.get("compaction") is not None and body.get("context_management") is not None:
        return ("compaction",), "Cannot be combined with `context_management`; send only one."
    return None


def assistant_documents(body: Mapping[str, Any]) -> Problem | None:
    """API 2026-10-21: no `document` block directly in an assistant message."""
    for path, block in _blocks(body, role="assistant"):
        if block.get("type") == "document":
            return path, (
                f"`document` blocks are not allowed in `assistant` messages with "
                f"anthropic-version {NEW_API_VERSION}; move the document into a `user` message."
            )
    return None


def user_citations(body: Mapping[str, Any]) -> Problem | None:
    """API 2026-10-21: no non-empty `citations` on user text blocks (incl. inside search_result)."""
    for path, block in _blocks(body, role="user"):
        for text_path, text in _user_texts(path, block):
            if text.get("citations"):
                return (*text_path, "citations"), (
                    f"`citations` are not allowed on `user` text blocks with anthropic-version "
                    f"{NEW_API_VERSION}; only assistant text blocks may carry citations."
                )
    return None


EMPTY_MESSAGE = (
    "all messages must have non-empty content except for the optional final assistant message"
)
EMPTY_TEXT = "text content blocks must be non-empty"


def non_empty_content(body: Mapping[str, Any]) -> Problem | None:
    """Messages and text blocks are not empty (real 400s quoted in anthropics/claude-code#59812,
    aliasrobotics/cai#182); only a final assistant message may be empty (a prefill)."""
    messages = body.get("messages")
    if not isinstance(messages, list):
        return None
    last = len(messages) - 1
    for i, message in enumerate(messages):
        content = message.get("content") if isinstance(message, dict) else None
        if not content:
            if content in ("", []) and not (i == last and message.get("role") == "assistant"):
                return ("messages", i), EMPTY_MESSAGE
        elif type(content) is list:
            for block in content:  # a plain loop: this runs on every strict request
                if type(block) is dict and block.get("text") == "" and block.get("type") == "text":
                    return ("messages",), EMPTY_TEXT
    return None


def batch_size(body: object) -> Problem | None:
    """At most 100 000 requests in a batch (the schema says so too; this answers fast)."""
    requests = body.get("requests") if isinstance(body, dict) else None
    if isinstance(requests, list) and len(requests) > MAX_BATCH_REQUESTS:
        message = f"List should have at most {MAX_BATCH_REQUESTS} items after validation, not "
        return ("requests",), message + str(len(requests))
    return None


def unique_custom_ids(body: Mapping[str, Any]) -> Problem | None:
    """Batch `custom_id`s are unique within the batch."""
    seen: dict[str, int] = {}
    for index, request in enumerate(body.get("requests") or ()):
        custom_id = request.get("custom_id") if isinstance(request, dict) else None
        if not isinstance(custom_id, str):
            continue
        if custom_id in seen:
            return ("requests", index, "custom_id"), (
                f"Duplicate custom_id {custom_id!r} (also used by requests.{seen[custom_id]}); "
                "each custom_id must be unique within the batch."
            )
        seen[custom_id] = index
    return None


def cache_breakpoints(body: Mapping[str, Any]) -> Problem | None:
    """At most four blocks may carry cache_control (messages and count_tokens alike)."""
    problem = breakpoint_problem(body)
    return None if problem is None else ((), problem)


Rule = Callable[[Mapping[str, Any]], Problem | None]
MESSAGES_ONLY: tuple[Rule, ...] = (compaction_with_context_management,)  # count_tokens ignores it
ALWAYS: tuple[Rule, ...] = (thinking_budget, non_empty_content, cache_breakpoints)
NEW_VERSION_ONLY: tuple[Rule, ...] = (assistant_documents, user_citations)


def check_params(body: Mapping[str, Any], *, endpoint: str, new_version: bool) -> Problem | None:
    """Run the Messages / count_tokens rules in order; the first problem wins."""
    checks = ALWAYS + (MESSAGES_ONLY if endpoint == "messages" else ())
    checks += NEW_VERSION_ONLY if new_version else ()
    for check in checks:
        problem = check(body)
        if problem is not None:
            return problem
    return None


def _is_int(value: object) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool)


def _blocks(body: Mapping[str, Any], *, role: str) -> Iterator[tuple[Path, Mapping[str, Any]]]:
    """(path, block) for every content block directly in a message with this role."""
    messages = body.get("messages")
    if not isinstance(messages, list):
        return
    for i, message in enumerate(messages):
        if not isinstance(message, dict) or message.get("role") != role:
            continue
        content = message.get("content")
        if not isinstance(content, list):
            continue
        for j, block in enumerate(content):
            if isinstance(block, dict):
                yield ("messages", i, "content", j), block


def _user_texts(path: Path, block: Mapping[str, Any]) -> Iterator[tuple[Path, Mapping[str, Any]]]:
    """Text blocks in a user block: itself, inside search_result, inside tool_result's results."""
    kind = block.get("type")
    if kind == "text":
        yield path, block
    elif kind == "search_result":
        yield from _texts_in(path, block)
    elif kind == "tool_result" and isinstance(block.get("content"), list):
        for k, inner in enumerate(block["content"]):
            if isinstance(inner, dict) and inner.get("type") == "search_result":
                yield from _texts_in((*path, "content", k), inner)


def _texts_in(path: Path, search_result: Mapping[str, Any]) -> Iterator[tuple[Path, Any]]:
    content = search_result.get("content")
    if not isinstance(content, list):
        return
    for k, text in enumerate(content):
        if isinstance(text, dict):
            yield (*path, "content", k), text
