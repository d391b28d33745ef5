"""Settings for one FakeClaude, and the pure merge of the places they can come from."""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

from claude_fake import checks
from claude_fake.errors import ConfigError


class RecordMode(str, enum.Enum):
    """vcrpy's record modes, plus ``rewrite`` (pytest-recording's name for a fresh recording)."""

    NONE = "none"
    ONCE = "once"
    NEW_EPISODES = "new_episodes"
    ALL = "all"
    REWRITE = "rewrite"


class ValidateMode(str, enum.Enum):
    """How strictly requests are checked before they are answered."""

    STRICT = "strict"
    LENIENT = "lenient"
    OFF = "off"


class ReplayTiming(str, enum.Enum):
    """How a cassette replays: at once (recorded waits shortened), or with its recorded waits."""

    INSTANT = "instant"
    RECORDED = "recorded"


def parse_enum(kind: type[enum.Enum], value: object, *, source: str) -> enum.Enum:
    """One of ``kind``'s members from a user-given string; a ConfigError names the allowed ones."""
    if isinstance(value, kind):
        return value
    allowed = [m.value for m in kind]
    if isinstance(value, str) and value.strip().lower() in allowed:
        return kind(value.strip().lower())
    raise ConfigError(
        f"{source}: {value!r} is not a valid value.",
        why=f"It must be one of: {', '.join(allowed)}.",
        fix=f"Use one of {', '.join(allowed)}.",
    )


def record_mode(value: object, *, source: str = "record_mode") -> RecordMode:
    """Parse a record mode."""
    mode = parse_enum(RecordMode, value, source=source)
    assert isinstance(mode, RecordMode)
    return mode


def validate_mode(value: object, *, source: str = "validate") -> ValidateMode:
    """Parse a validation mode."""
    mode = parse_enum(ValidateMode, value, source=source)
    assert isinstance(mode, ValidateMode)
    return mode


@dataclass(frozen=True, slots=True, kw_only=True)
class FakeConfig:
    """Every setting of one engine. Frozen: build a new one with ``merge``."""

    seed: int = 0
    validate: ValidateMode = ValidateMode.STRICT
    record_mode: RecordMode = RecordMode.NONE
    cassette: str | None = None
    upstream: str = "https://api.anthropic.com"
    require_api_key: str | None = None
    assert_all_used: bool = True
    replay_timing: ReplayTiming = ReplayTiming.INSTANT
    batch_delay: float = 0.0
    match_on: tuple[str, ...] | None = None
    ignore_fields: tuple[str, ...] = ()
    redact_headers: tuple[str, ...] = ()
    retest_command: str | None = None
    journal_size: int | None = None  # keep the last N requests; None: every one (tests)


def _seed(value: object, source: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise TypeError(f"{source} must be an integer")
    return int(value)


def _seconds(value: object, source: str) -> float:
    number = float(value) if isinstance(value, str) else value
    return checks.seconds(number, source, ConfigError)


def _journal_size(value: object, source: str) -> int:
    number = int(value) if isinstance(value, str) else value
    return checks.count(number, source, ConfigError)


def _names(value: object, source: str) -> tuple[str, ...]:
    if isinstance(value, str) or not isinstance(value, Iterable):
        raise TypeError(f"{source} must be a list of strings")
    names = tuple(value)
    if not all(isinstance(name, str) for name in names):
        raise TypeError(f"{source} must be a list of strings")
    return names


_PARSERS: dict[str, Callable[[object, str], object]] = {
    "match_on": _names,
    "ignore_fields": _names,
    "redact_headers": _names,
    "replay_timing": lambda v, s: parse_enum(ReplayTiming, v, source=s),
    "batch_delay": _seconds,
    "journal_size": _journal_size,
    "seed": _seed,
    "validate": lambda v, s: validate_mode(v, source=s),
    "record_mode": lambda v, s: record_mode(v, source=s),
}


def merge(*sources: tuple[str, Mapping[str, object]]) -> FakeConfig:
    """Merge named sources, highest precedence first; a ``None`` value means "not given"."""
    chosen: dict[str, object] = {}
    known = set(FakeConfig.__dataclass_fields__)
    for name, values in sources:
        for key, value in values.items():
            if key not in known:
                raise ConfigError(
                    f"{name}: unknown setting {key!r}.",
                    why=f"Known settings are: {', '.join(sorted(known))}.",
                    fix="Check the spelling against the README's options table.",
                )
            if value is None or key in chosen:
                continue
            parse = _PARSERS.get(key)
            try:
                chosen[key] = parse(value, f"{name} {key}") if parse else value
            except (TypeError, ValueError) as exc:
                raise ConfigError(
                    f"{name}: {key}={value!r} is not valid.",
                    why=str(exc),
                    fix="See the README's options table for the allowed values.",
                ) from exc
    return FakeConfig(**chosen)  # type: ignore[arg-type]
