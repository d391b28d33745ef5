"""Compaction (beta): where compaction blocks may stand, what they drop, and the 400s a request
earns with the blocks it sends back.

Threshold compaction is the ``compact_20260112`` edit of ``context_management``; on-demand
compaction is the top-level ``compaction`` parameter (beta ``compact-2026-09-04``).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from claude_fake.state.context_edit import edits_of, value_of
from claude_fake.state.signature import verify

COMPACT_EDIT = "compact_20260112"
ON_DEMAND_BETA = "compact-2026-09-04"
DEFAULT_TRIGGER = 150_000
_TOOL_CALLS = ("tool_use", "server_tool_use", "mcp_tool_use")


@dataclass(frozen=True, slots=True, kw_only=True)
class Rejection:
    """Why a request's compaction blocks are refused: the API's ``error_code`` and message."""

    code: str
    message: str


@dataclass(frozen=True, slots=True, kw_only=True)
class Found:
    """One compaction block in ``messages``: where it is and in which role's message."""

    index: int
    position: int
    role: str
    block: Mapping[str, Any]

    @property
    def path(self) -> str:
        """The block's path as the API words it, e.g. ``messages.0.content.0``."""
        return f"messages.{self.index}.content.{self.position}"


@dataclass(slots=True, kw_only=True)
class Scan:
    """One pass over ``messages``: its compaction blocks, and how many blocks carry a
    ``cache_control`` breakpoint."""

    found: list[Found]
    marks: int = 0


def scan(messages: Sequence[Any]) -> Scan:
    """Find the compaction blocks and count the breakpoints of ``messages`` in one pass."""
    found: list[Found] = []
    marks = 0
    for i, message in enumerate(messages):
        content = message.get("content") if type(message) is dict else None
        if type(content) is not list:
            continue
        for j, block in enumerate(content):
            if type(block) is not dict:
                continue
            if block.get("cache_control") is not None:
                marks += 1
            if block.get("type") == "compaction":
                role = str(message.get("role"))
                found.append(Found(index=i, position=j, role=role, block=block))
    return Scan(found=found, marks=marks)


def scan_tail(messages: Sequence[Any]) -> Scan:
    """The compaction blocks of the messages from the last one holding a block with content
    (everything before it is dropped, so it is not looked at). ``marks`` is not counted."""
    for i in range(len(messages) - 1, -1, -1):
        found = list(scan(messages[i : i + 1]).found)
        live = [f for f in found if f.block.get("content") is not None and f.role != "system"]
        if live:
            later = scan(messages[i + 1 :]).found
            head = [Found(index=i, position=f.position, role=f.role, block=f.block) for f in found]
            tail = [
                Found(index=f.index + i + 1, position=f.position, role=f.role, block=f.block)
                for f in later
            ]
            return Scan(found=head + tail)
    return scan(messages)


def locate(messages: Sequence[Any]) -> Iterator[Found]:
    """Every compaction block in ``messages``, in order."""
    yield from scan(messages).found


def effective_messages(messages: list[Any], found: Sequence[Found] | None = None) -> list[Any]:
    """``messages`` as the API reads them: everything before the last compaction block with
    content is dropped (a block with null content is a no-op). ``found``: from ``scan``."""
    last: Found | None = None
    for item in scan(messages).found if found is None else found:
        if item.block.get("content") is not None and item.role != "system":
            last = item
    if last is None:
        return messages
    head = messages[last.index]
    return [{**head, "content": head["content"][last.position :]}, *messages[last.index + 1 :]]


def threshold_edit(body: Mapping[str, Any]) -> Mapping[str, Any] | None:
    """The ``compact_20260112`` edit of the request, if it has one."""
    return next((e for e in edits_of(body) if e.get("type") == COMPACT_EDIT), None)


def trigger_of(edit: Mapping[str, Any]) -> int:
    """The input-token count at which the edit compacts (150,000 unless the request says)."""
    return value_of(edit.get("trigger"), DEFAULT_TRIGGER)


def instructions_of(config: Any) -> str | None:
    """The summarization instructions of an edit or ``compaction`` param (blank counts as none)."""
    value = config.get("instructions") if isinstance(config, dict) else None
    return value.strip() if isinstance(value, str) and value.strip() else None


def has_block(content: Sequence[Mapping[str, Any]]) -> bool:
    """Whether an answer already holds a compaction block."""
    return any(block.get("type") == "compaction" for block in content)


# -- checks on the blocks a request sends back ---------------------------------------------
def is_strict(body: Mapping[str, Any], betas: Sequence[str]) -> bool:
    """Whether on-demand placement rules apply: a ``compaction`` param or the on-demand beta,
    and no threshold edit (which lets blocks stand mid-conversation)."""
    on_demand = isinstance(body.get("compaction"), dict) or ON_DEMAND_BETA in betas
    return on_demand and threshold_edit(body) is None


def check_request(
    body: Mapping[str, Any],
    betas: Sequence[str],
    secret: bytes,
    found: list[Found] | None = None,
) -> Rejection | None:
    """The 400 a request earns with its compaction blocks or its ``compaction`` param, if any.
    ``found``: the compaction blocks, when a ``scan`` already found them."""
    messages = body.get("messages")
    if not isinstance(messages, list):
        return None
    found = scan(messages).found if found is None else found
    problem = _placement(found, strict=is_strict(body, betas)) or _signatures(found, secret)
    if problem is None and isinstance(body.get("compaction"), dict):
        problem = _nothing_to_summarize(messages) or _incomplete_turn(messages)
    return problem


def _placement(found: list[Found], *, strict: bool) -> Rejection | None:
    for item in found:
        if item.role == "system":
            return Rejection(
                code="compaction_block_misplaced",
                message=(
                    f"{item.path}: a `compaction` block cannot be in a `system` message; send it "
                    "first in `messages`, in the assistant message it was returned in."
                ),
            )
    live = [item for item in found if item.block.get("content") is not None]
    if not strict:
        return None
    if len(live) > 1:
        paths = ", ".join(item.path for item in live)
        return Rejection(
            code="compaction_block_ambiguous",
            message=(
                f"messages: {len(live)} `compaction` blocks have content ({paths}); send only the "
                "block the conversation returned last, first in `messages`."
            ),
        )
    for item in live:
        if (item.index, item.position) != (0, 0):
            return Rejection(
                code="compaction_block_misplaced",
                message=(
                    f"{item.path}: a `compaction` block must be the first block of the "
                    "conversation (messages.0.content.0), in place of the messages it "
                    "summarizes; drop the messages before it."
                ),
            )
    return None


_VERIFY_TEXT = {
    "compaction_signature_invalid": (
        "signature",
        "the `compaction` block's signature does not verify; send the block back "
        "exactly as it was returned.",
    ),
    "compaction_content_mismatch": (
        "content",
        "differs from the summary the block's signature recorded; send compaction "
        "blocks back unchanged.",
    ),
    "compaction_tool_changes_mismatch": (
        "tool_changes",
        "differ from the tool_changes returned with the block; send compaction "
        "blocks back unchanged.",
    ),
}


def _signatures(found: list[Found], secret: bytes) -> Rejection | None:
    for item in found:
        code = verify(secret, item.block)
        if code is not None:
            field, text = _VERIFY_TEXT[code]
            return Rejection(code=code, message=f"{item.path}.{field}: {text}")
    return None


def _has_content(message: Any) -> bool:
    if not isinstance(message, dict) or message.get("role") not in ("user", "assistant"):
        return False
    content = message.get("content")
    if isinstance(content, str):
        return bool(content.strip())
    return any(
        isinstance(b, dict) and not (b.get("type") == "compaction" and b.get("content") is None)
        for b in content or ()
    )


def _nothing_to_summarize(messages: list[Any]) -> Rejection | None:
    if any(_has_content(m) for m in messages):
        return None
    return Rejection(
        code="compaction_nothing_to_summarize",
        message=(
            "messages: there is no `user` or `assistant` content to summarize; send the "
            "conversation to compact together with `compaction`."
        ),
    )


def _incomplete_turn(messages: list[Any]) -> Rejection | None:
    last = messages[-1] if messages else None
    if not isinstance(last, dict) or last.get("role") != "assistant":
        return None
    content = [b for b in last.get("content") or () if isinstance(b, dict)]
    answered = {b.get("tool_use_id") for b in content if "tool_use_id" in b}
    for block in content:
        kind = block.get("type")
        if kind in _TOOL_CALLS and block.get("id") not in answered:
            return Rejection(
                code="compaction_incomplete_turn",
                message=(
                    f"messages.{len(messages) - 1}: the compaction request ends on an unfinished "
                    f"`assistant` turn ({kind} {block.get('id')!r} has no result); send the tool "
                    "results, or let the turn finish, before compacting."
                ),
            )
    return None
