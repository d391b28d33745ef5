"""Compaction (beta): where compaction blocks may stand, what they drop, and the blocks the fake
issues, signed so it can tell when one comes back changed.

Threshold compaction is the ``compact_20260112`` edit of ``context_management``; on-demand
compaction is the top-level ``compaction`` parameter (beta ``compact-2026-09-04``).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

COMPACT_EDIT = "compact_20260112"
ON_DEMAND_BETA = "compact-2026-09-04"
DEFAULT_TRIGGER = 150_000
_SIG_PREFIX = b"\x12\x30"
_DIGEST = 16
_dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode
_TOOL_CALLS = {"tool_use": "tool_result", "server_tool_use": None, "mcp_tool_use": "mcp_tool_result"}


@dataclass(frozen=True, slots=True, kw_only=True)
class Problem:
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


def secret_for(seed: int | str) -> bytes:
    """The key an engine signs its compaction blocks with: the same for every engine of a seed."""
    return hashlib.blake2b(f"claude-fake compaction {seed}".encode(), digest_size=32).digest()


def locate(messages: Sequence[Any]) -> Iterator[Found]:
    """Every compaction block in ``messages``, in order."""
    for i, message in enumerate(messages):
        if not isinstance(message, dict):
            continue
        content = message.get("content")
        if not isinstance(content, list):
            continue
        for j, block in enumerate(content):
            if isinstance(block, dict) and block.get("type") == "compaction":
                yield Found(index=i, position=j, role=str(message.get("role")), block=block)


def effective_messages(messages: list[Any]) -> list[Any]:
    """``messages`` as the API reads them: everything before the last compaction block with
    content is dropped (a block with null content is a no-op)."""
    last: Found | None = None
    for found in locate(messages):
        if found.block.get("content") is not None and found.role != "system":
            last = found
    if last is None:
        return messages
    head = messages[last.index]
    return [{**head, "content": head["content"][last.position :]}, *messages[last.index + 1 :]]


def threshold_edit(body: Mapping[str, Any]) -> Mapping[str, Any] | None:
    """The ``compact_20260112`` edit of the request, if it has one."""
    config = body.get("context_management")
    edits = config.get("edits") if isinstance(config, dict) else None
    for edit in edits if isinstance(edits, list) else ():
        if isinstance(edit, dict) and edit.get("type") == COMPACT_EDIT:
            return edit
    return None


def trigger_of(edit: Mapping[str, Any]) -> int:
    """The input-token count at which the edit compacts (150,000 unless the request says)."""
    trigger = edit.get("trigger")
    value = trigger.get("value") if isinstance(trigger, dict) else None
    return value if isinstance(value, int) and not isinstance(value, bool) else DEFAULT_TRIGGER


def instructions_of(config: Any) -> str | None:
    """The summarization instructions of an edit or ``compaction`` param (blank counts as none)."""
    value = config.get("instructions") if isinstance(config, dict) else None
    return value.strip() if isinstance(value, str) and value.strip() else None


def has_block(content: Sequence[Mapping[str, Any]]) -> bool:
    """Whether an answer already holds a compaction block."""
    return any(block.get("type") == "compaction" for block in content)


# -- signing -------------------------------------------------------------------------------
def _digest(value: Any) -> bytes:
    raw = value.encode() if isinstance(value, str) else b"\x00" + _dumps(value).encode()
    return hashlib.blake2b(raw, digest_size=_DIGEST).digest()


def _changes_digest(changes: Any) -> bytes:
    if isinstance(changes, list):
        changes = [
            {k: v for k, v in c.items() if k != "cache_control"} if isinstance(c, dict) else c
            for c in changes
        ]
    return _digest(changes)


def _tag(secret: bytes, content_d: bytes, changes_d: bytes, encrypted: Any) -> bytes:
    data = content_d + changes_d + _digest(encrypted)
    return hmac.new(secret, data, hashlib.sha256).digest()[:_DIGEST]


def sign(secret: bytes, block: Mapping[str, Any]) -> str:
    """The signature of a block: a MAC over content, encrypted_content and tool_changes."""
    content_d, changes_d = _digest(block.get("content")), _changes_digest(block.get("tool_changes"))
    tag = _tag(secret, content_d, changes_d, block.get("encrypted_content"))
    return base64.b64encode(_SIG_PREFIX + tag + content_d + changes_d).decode()


def verify(secret: bytes, block: Mapping[str, Any]) -> str | None:
    """None when a returned block is as the fake issued it, else the API's error_code."""
    signature = block.get("signature")
    if signature is None:
        return None
    try:
        raw = base64.b64decode(str(signature), validate=True)
    except ValueError:
        return "compaction_signature_invalid"
    if len(raw) != len(_SIG_PREFIX) + 3 * _DIGEST or not raw.startswith(_SIG_PREFIX):
        return "compaction_signature_invalid"
    body = raw[len(_SIG_PREFIX) :]
    tag, content_d, changes_d = body[:_DIGEST], body[_DIGEST : 2 * _DIGEST], body[2 * _DIGEST :]
    if not hmac.compare_digest(tag, _tag(secret, content_d, changes_d, block.get("encrypted_content"))):
        return "compaction_signature_invalid"
    if _digest(block.get("content")) != content_d:
        return "compaction_content_mismatch"
    if _changes_digest(block.get("tool_changes")) != changes_d:
        return "compaction_tool_changes_mismatch"
    return None
