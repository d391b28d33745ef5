"""The checks a scripted reply passes when it is scripted: its stop reason, usage and stop
details against the SDK's own types, and its fields against each other."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import cache
from typing import Any, Protocol, get_args

from claude_fake.errors import ScriptError


class Scripted(Protocol):
    """The fields of a scripted reply the checks read."""

    stop_reason: str
    stop_sequence: str | None
    stop_details: Mapping[str, Any] | None
    usage: Mapping[str, Any] | None

    @property
    def content(self) -> Sequence[Mapping[str, Any]]: ...


@cache
def stop_reasons() -> tuple[str, ...]:
    """Every stop reason the installed SDK knows (GA and beta)."""
    from anthropic.types import StopReason
    from anthropic.types.beta import BetaStopReason

    return tuple(dict.fromkeys([*get_args(StopReason), *get_args(BetaStopReason)]))


# Stop reasons every SDK generation knows: checked without importing the SDK.
SURE_STOP_REASONS = frozenset({"end_turn", "max_tokens", "stop_sequence", "tool_use"})


def check_stop_reason(stop_reason: str) -> None:
    """Raise a ScriptError when the SDK does not know ``stop_reason``."""
    if stop_reason not in SURE_STOP_REASONS and stop_reason not in stop_reasons():
        raise ScriptError(
            f"unknown stop_reason {stop_reason!r}.",
            why="Strict SDK clients reject stop reasons outside their StopReason literal.",
            fix=f"Use one of: {', '.join(stop_reasons())}.",
        )


def _model_error(model: Any, value: Mapping[str, Any], what: str, fix: str) -> None:
    from pydantic import ValidationError

    try:
        model.model_validate(dict(value))
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise ScriptError(f"{what}: {where}: {first['msg']}.", fix=fix) from None


def check_usage(usage: object) -> None:
    """Raise a ScriptError for a usage override the SDK's ``Usage`` would not accept."""
    if usage is None:
        return
    from anthropic.types.beta import BetaUsage

    fields = sorted(BetaUsage.model_fields)
    if not isinstance(usage, Mapping) or set(usage) - set(fields):
        unknown = sorted(set(usage) - set(fields)) if isinstance(usage, Mapping) else usage
        raise ScriptError(
            f"reply(usage=...): {unknown!r} is not a usage field.",
            fix=f"Override any of: {', '.join(fields)}; e.g. usage={{'output_tokens': 5}}.",
        )
    base = {"input_tokens": 1, "output_tokens": 1}
    _model_error(
        BetaUsage, {**base, **usage}, "reply(usage=...)", "e.g. usage={'output_tokens': 5}"
    )


def check_stop_details(stop_reason: str, details: object) -> None:
    """Raise a ScriptError for stop details that do not fit the stop reason or the SDK's model."""
    if details is None:
        return
    from anthropic.types.beta import BetaRefusalStopDetails

    fix = "e.g. stop_details={'type': 'refusal', 'category': 'cyber', 'explanation': None}"
    if stop_reason != "refusal" or not isinstance(details, Mapping):
        raise ScriptError(
            f"reply(stop_details={details!r}) with stop_reason={stop_reason!r}.",
            why="The API sends stop_details only with stop_reason 'refusal', as a mapping.",
            fix=f"Pass stop_reason='refusal' and a dict, {fix}.",
        )
    _model_error(BetaRefusalStopDetails, {"type": "refusal", **details}, "reply(stop_details)", fix)


def check_consistency(reply: Scripted) -> None:
    """Raise a ScriptError when the stop reason and the other fields contradict each other."""
    kinds = [blk.get("type") for blk in reply.content]
    sequence = reply.stop_sequence
    if sequence is not None and (not isinstance(sequence, str) or not sequence):
        raise ScriptError(
            f"reply(stop_sequence={sequence!r}) must be a non-empty string.",
            fix="e.g. stop_sequence='###'",
        )
    if sequence is not None and reply.stop_reason != "stop_sequence":
        raise ScriptError(
            f"reply(stop_sequence={sequence!r}) with stop_reason={reply.stop_reason!r}.",
            why="The API names the stop sequence only when it stopped on it.",
            fix="Drop stop_reason (it is then 'stop_sequence') or drop stop_sequence.",
        )
    if reply.stop_reason == "tool_use" and "tool_use" not in kinds:
        raise ScriptError(
            "reply(stop_reason='tool_use') has no tool_use block.",
            why="Clients look for the tool_use block to run when the turn stops for a tool.",
            fix='Add one: fake.reply(claude_fake.tool_use("get_weather", {"city": "Paris"})).',
        )
    if reply.stop_reason == "compaction" and (not kinds or kinds[-1] != "compaction"):
        raise ScriptError(
            "reply(stop_reason='compaction') must end with a compaction block.",
            why="With pause_after_compaction the API stops right after the compaction block.",
            fix='e.g. fake.reply(claude_fake.compaction("summary"))',
        )
    check_usage(reply.usage)
    check_stop_details(reply.stop_reason, reply.stop_details)
