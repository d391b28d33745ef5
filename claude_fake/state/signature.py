"""Signatures of the compaction blocks the fake issues: a MAC over content, encrypted_content and
tool_changes, keyed by a secret derived from the seed, so every engine of a seed verifies them
(cassettes and snapshots stay stable) and a block sent back changed is told apart."""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Mapping
from typing import Any

from claude_fake.wire.jsontext import canonical as _dumps

_SIG_PREFIX = b"\x12\x30"
_DIGEST = 16


def secret_for(seed: int | str) -> bytes:
    """The key an engine signs its compaction blocks with: the same for every engine of a seed."""
    return hashlib.blake2b(f"claude-fake compaction {seed}".encode(), digest_size=32).digest()


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
    if not hmac.compare_digest(
        tag, _tag(secret, content_d, changes_d, block.get("encrypted_content"))
    ):
        return "compaction_signature_invalid"
    if _digest(block.get("content")) != content_d:
        return "compaction_content_mismatch"
    if _changes_digest(block.get("tool_changes")) != changes_d:
        return "compaction_tool_changes_mismatch"
    return None
