"""What each model takes: the API's answers to an unknown model, an effort level the model does
not have, and ``max_tokens`` over its output ceiling. Sources: docs/API_RULES.md ("Models")."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from typing import Any

from claude_fake.api import catalogue

ALL_EFFORTS = ("low", "medium", "high", "xhigh", "max")
_NO_XHIGH = frozenset({"low", "medium", "high", "max"})
# platform.claude.com/docs/en/build-with-claude/effort: which models take effort, max and xhigh.
# A model missing here (a newer one, or a user's own id) is not checked.
EFFORTS: Mapping[str, frozenset[str]] = {
    **dict.fromkeys(
        (
            "claude-fable-5",
            "claude-mythos-5",
            "claude-opus-5",
            "claude-opus-4-8",
            "claude-opus-4-7",
            "claude-sonnet-5",
        ),
        frozenset(ALL_EFFORTS),
    ),
    **dict.fromkeys(("claude-mythos-preview", "claude-opus-4-6", "claude-sonnet-4-6"), _NO_XHIGH),
    "claude-opus-4-5-20251101": frozenset({"low", "medium", "high"}),
    **dict.fromkeys(
        (
            "claude-sonnet-4-5-20250929",
            "claude-haiku-4-5-20251001",
            "claude-opus-4-1-20250805",
            "claude-opus-4-20250514",
            "claude-sonnet-4-20250514",
        ),
        frozenset(),
    ),
}
# Betas that raise a model's output ceiling (the ceiling check is skipped with them).
OUTPUT_BETAS = ("output-",)


def check(
    body: Mapping[str, Any], *, endpoint: str, extra: Collection[str], betas: Sequence[str]
) -> tuple[int, str, str] | None:
    """(status, error type, message) when the API refuses the body for its model, else None."""
    model = body.get("model")
    if not isinstance(model, str) or model in extra:
        return None
    info = catalogue.find(model)
    if info is None:
        return 404, "not_found_error", f"model: {model}"
    if endpoint != "messages":
        return None
    problem = _effort(body, str(info["id"])) or _ceiling(body, model, info, betas)
    return None if problem is None else (400, "invalid_request_error", problem)


def _effort(body: Mapping[str, Any], model_id: str) -> str | None:
    config = body.get("output_config")
    effort = config.get("effort") if isinstance(config, dict) else None
    allowed = EFFORTS.get(model_id)
    if not isinstance(effort, str) or allowed is None or effort in allowed:
        return None
    if not allowed:
        return "output_config.effort: This model does not support the effort parameter."
    levels = ", ".join(sorted(allowed))
    return f"This model does not support effort level '{effort}'. Supported levels: {levels}."


def _ceiling(
    body: Mapping[str, Any], model: str, info: Mapping[str, Any], betas: Sequence[str]
) -> str | None:
    wanted, ceiling = body.get("max_tokens"), info.get("max_tokens")
    if any(beta.startswith(OUTPUT_BETAS) for beta in betas):
        return None
    if isinstance(wanted, bool) or not isinstance(wanted, int) or not isinstance(ceiling, int):
        return None
    if wanted <= ceiling:
        return None
    return (
        f"max_tokens: {wanted} > {ceiling}, which is the maximum allowed number of output "
        f"tokens for {model}"
    )
