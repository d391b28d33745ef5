"""The model catalogue served by ``GET /v1/models``: current ids with every field the SDK reads."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any


@dataclass(frozen=True, slots=True)
class _Model:
    id: str
    name: str
    created: str
    line: str
    context: int = 1_000_000
    output: int = 128_000
    lifecycle: str = "active"
    deprecated_at: str | None = None
    retires_at: str | None = None


# Newest first, as the API lists them.
_MODELS = (
    _Model("claude-fable-5-2", "Claude Fable 5.2", "2026-11-10T00:00:00Z", "fable"),
    _Model("claude-mythos-5-2", "Claude Mythos 5.2", "2026-11-10T00:00:00Z", "mythos"),
    _Model(
        "claude-haiku-5-5", "Claude Haiku 5.5", "2026-10-28T00:00:00Z", "haiku", 400_000, 64_000
    ),
    _Model("claude-sonnet-5-5", "Claude Sonnet 5.5", "2026-10-14T00:00:00Z", "sonnet"),
    _Model("claude-opus-5-5", "Claude Opus 5.5", "2026-10-14T00:00:00Z", "opus"),
    _Model("claude-fable-5-1", "Claude Fable 5.1", "2026-09-03T00:00:00Z", "fable"),
    _Model("claude-mythos-5-1", "Claude Mythos 5.1", "2026-09-03T00:00:00Z", "mythos"),
    _Model("claude-sonnet-5", "Claude Sonnet 5", "2026-08-05T00:00:00Z", "sonnet"),
    _Model("claude-fable-5", "Claude Fable 5", "2026-07-15T00:00:00Z", "fable"),
    _Model("claude-mythos-5", "Claude Mythos 5", "2026-07-15T00:00:00Z", "mythos"),
    _Model("claude-opus-5", "Claude Opus 5", "2026-07-15T00:00:00Z", "opus"),
    _Model("claude-opus-4-8", "Claude Opus 4.8", "2026-05-20T00:00:00Z", "opus"),
    _Model("claude-mythos-preview", "Claude Mythos Preview", "2026-04-07T00:00:00Z", "mythos"),
    _Model("claude-opus-4-7", "Claude Opus 4.7", "2026-03-18T00:00:00Z", "opus"),
    _Model("claude-sonnet-4-6", "Claude Sonnet 4.6", "2026-02-17T00:00:00Z", "sonnet"),
    _Model("claude-opus-4-6", "Claude Opus 4.6", "2026-02-05T00:00:00Z", "opus"),
    _Model(
        "claude-opus-4-5-20251101",
        "Claude Opus 4.5",
        "2025-11-24T00:00:00Z",
        "opus",
        200_000,
        64_000,
    ),
    _Model(
        "claude-haiku-4-5-20251001",
        "Claude Haiku 4.5",
        "2025-10-15T00:00:00Z",
        "haiku",
        200_000,
        64_000,
    ),
    _Model(
        "claude-sonnet-4-5-20250929",
        "Claude Sonnet 4.5",
        "2025-09-29T00:00:00Z",
        "sonnet",
        1_000_000,
        64_000,
        "deprecated",
        "2026-08-13T00:00:00Z",
        "2026-11-30T00:00:00Z",
    ),
    _Model(
        "claude-opus-4-1-20250805",
        "Claude Opus 4.1",
        "2025-08-05T00:00:00Z",
        "opus",
        200_000,
        32_000,
        "deprecated",
        "2026-06-01T00:00:00Z",
        "2027-01-05T00:00:00Z",
    ),
    _Model(
        "claude-sonnet-4-20250514",
        "Claude Sonnet 4",
        "2025-05-22T00:00:00Z",
        "sonnet",
        1_000_000,
        64_000,
        "retired",
        "2026-02-10T00:00:00Z",
        "2026-05-14T00:00:00Z",
    ),
    _Model(
        "claude-3-7-sonnet-20250219",
        "Claude Sonnet 3.7",
        "2025-02-24T00:00:00Z",
        "sonnet",
        200_000,
        64_000,
        "retired",
        "2025-10-28T00:00:00Z",
        "2026-02-19T00:00:00Z",
    ),
)


def _old(model_id: str, name: str, created: str, retired: str, output: int = 4096) -> _Model:
    line = next(word for word in ("haiku", "sonnet", "opus", "instant", "") if word in model_id)
    return _Model(
        model_id,
        name,
        f"{created}T00:00:00Z",
        {"instant": "haiku", "": "sonnet"}.get(line, line),
        200_000 if model_id.startswith("claude-3") else 100_000,
        output,
        "retired",
        None,
        f"{retired}T00:00:00Z",
    )


# Every other id an SDK's Model literal or DEPRECATED_MODELS has listed (anthropic-sdk-python's
# git history of types/model_param.py and resources/messages/messages.py): retired, so never
# listed by default, but known, so a request naming one is not refused as an unknown model.
_RETIRED = (
    _old("claude-opus-4-20250514", "Claude Opus 4", "2025-05-22", "2026-06-15", 32_000),
    _old("claude-3-5-haiku-20241022", "Claude Haiku 3.5", "2024-10-22", "2026-02-19", 8192),
    _old("claude-3-5-sonnet-20241022", "Claude Sonnet 3.5 (new)", "2024-10-22", "2025-10-22", 8192),
    _old("claude-3-5-sonnet-20240620", "Claude Sonnet 3.5", "2024-06-20", "2025-10-22", 8192),
    _old("claude-3-haiku-20240307", "Claude Haiku 3", "2024-03-07", "2026-04-20"),
    _old("claude-3-opus-20240229", "Claude Opus 3", "2024-02-29", "2026-01-05"),
    _old("claude-3-sonnet-20240229", "Claude Sonnet 3", "2024-02-29", "2025-07-21"),
    _old("claude-2.1", "Claude 2.1", "2023-11-21", "2025-07-21"),
    _old("claude-2.0", "Claude 2.0", "2023-07-11", "2025-07-21"),
    _old("claude-instant-1.2", "Claude Instant 1.2", "2023-08-09", "2024-11-06"),
    _old("claude-instant-1.1", "Claude Instant 1.1", "2023-05-01", "2024-11-06"),
    _old("claude-instant-1.1-100k", "Claude Instant 1.1 100k", "2023-05-11", "2024-11-06"),
    _old("claude-instant-1.0", "Claude Instant 1.0", "2023-03-14", "2024-11-06"),
    _old("claude-1.3", "Claude 1.3", "2023-04-18", "2024-11-06"),
    _old("claude-1.3-100k", "Claude 1.3 100k", "2023-05-11", "2024-11-06"),
    _old("claude-1.2", "Claude 1.2", "2023-03-14", "2024-11-06"),
    _old("claude-1.0", "Claude 1.0", "2023-03-14", "2024-11-06"),
)

ALIASES: Mapping[str, str] = {
    "claude-opus-4-5": "claude-opus-4-5-20251101",
    "claude-haiku-4-5": "claude-haiku-4-5-20251001",
    "claude-sonnet-4-5": "claude-sonnet-4-5-20250929",
    "claude-opus-4-1": "claude-opus-4-1-20250805",
    "claude-sonnet-4-0": "claude-sonnet-4-20250514",
    "claude-4-sonnet-20250514": "claude-sonnet-4-20250514",
    "claude-opus-4-0": "claude-opus-4-20250514",
    "claude-4-opus-20250514": "claude-opus-4-20250514",
    "claude-3-7-sonnet-latest": "claude-3-7-sonnet-20250219",
    "claude-3-5-haiku-latest": "claude-3-5-haiku-20241022",
    "claude-3-5-sonnet-latest": "claude-3-5-sonnet-20241022",
    "claude-3-opus-latest": "claude-3-opus-20240229",
    "claude-2": "claude-2.0",
    "claude-instant-1": "claude-instant-1.2",
    "claude-instant-1-100k": "claude-instant-1.1-100k",
    "claude-1": "claude-1.3",
    "claude-1-100k": "claude-1.3-100k",
}
DEFAULT_LIFECYCLES = ("active", "deprecated")


def _yes(value: bool = True) -> dict[str, bool]:
    return {"supported": value}


def _capabilities(model: _Model) -> dict[str, Any]:
    small = model.line == "haiku"
    return {
        "batch": _yes(),
        "citations": _yes(),
        "code_execution": _yes(),
        "context_management": {
            "supported": True,
            "clear_tool_uses_20250919": _yes(),
            "clear_thinking_20251015": _yes(),
            "compact_20260112": _yes(not small),
        },
        "effort": {
            "supported": not small,
            **{level: _yes(not small) for level in ("low", "medium", "high", "max", "xhigh")},
        },
        "image_input": _yes(),
        "pdf_input": _yes(),
        "server_tools": {"supported": True, "web_search": _yes(), "code_execution": _yes()},
        "structured_outputs": _yes(),
        "thinking": {
            "supported": True,
            "types": {
                "adaptive": _yes(),
                "between_tools": _yes(False),
                "disabled": _yes(),
                "enabled": _yes(),
            },
        },
        "compaction": {"supported": not small, "summarize": _yes(not small)},
    }


def _info(model: _Model) -> dict[str, Any]:
    return {
        "type": "model",
        "id": model.id,
        "display_name": model.name,
        "created_at": model.created,
        "lifecycle": model.lifecycle,
        "deprecated_at": model.deprecated_at,
        "retires_at": model.retires_at,
        "line": model.line,
        "max_input_tokens": model.context,
        "max_tokens": model.output,
        "capabilities": _capabilities(model),
        "allowed_fallback_models": None,
    }


@cache
def catalogue() -> tuple[Mapping[str, Any], ...]:
    """Every model the fake knows, newest first (built once)."""
    return tuple(_info(m) for m in (*_MODELS, *_RETIRED))


@cache
def _by_id() -> Mapping[str, Mapping[str, Any]]:
    return {m["id"]: m for m in catalogue()}


def listed(lifecycles: Sequence[str]) -> list[Mapping[str, Any]]:
    """The models ``GET /v1/models`` lists for these lifecycles (active ones when none given)."""
    wanted = set(lifecycles or DEFAULT_LIFECYCLES)
    return [m for m in catalogue() if m["lifecycle"] in wanted]


def find(model_id: str) -> Mapping[str, Any] | None:
    """The entry for an id or alias, or None."""
    return _by_id().get(ALIASES.get(model_id, model_id))
