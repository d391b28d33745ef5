"""Settings for one FakeClaude, and the pure merge of the places they can come from."""

from __future__ import annotations

import difflib
import enum
import os
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal, TypedDict
from urllib.parse import urlsplit

from claude_fake import checks
from claude_fake.errors import ConfigError

if TYPE_CHECKING:
    from claude_fake.latency import Latency


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
    allow_generated: bool = True
    replay_timing: ReplayTiming = ReplayTiming.INSTANT
    batch_delay: float = 0.0
    match_on: tuple[str, ...] | None = None
    ignore_paths: tuple[str, ...] = ()  # cassette matching: dotted JSON paths left out
    normalizers: tuple[str, ...] = ()  # cassette matching: regexes whose matches are ignored
    match_profile: str = "claude_code"  # cassette matching: "claude_code" or "none"
    filter_headers: tuple[str, ...] = ()  # cassettes: header names never stored
    filter_query: tuple[str, ...] = ()  # cassettes: query parameters never stored
    filter_body: tuple[str, ...] = ()  # cassettes: request body paths stored as <redacted>
    allow_playback_repeats: bool = False  # cassettes: a played interaction may answer again
    before_record_request: Callable[[Any], Any] | None = None  # vcrpy's hook, vcrpy's Request
    before_record_response: Callable[[Any], Any] | None = None  # vcrpy's hook, response dict
    retest_command: str | None = None
    journal_size: int | None = None  # keep the last N requests; None: every one (tests)
    models: tuple[str, ...] = ()  # model ids known beyond the catalogue (strict validation)
    latency: Latency | None = None  # a latency profile for answers (load tests)


class Settings(TypedDict, total=False):
    """``FakeClaude``'s keyword arguments: every field of ``FakeConfig`` but ``seed`` (the first
    positional argument), typed, so a type checker catches a misspelt or mistyped setting.
    A test keeps it in step with ``FakeConfig``."""

    validate: ValidateMode | Literal["strict", "lenient", "off"]
    record_mode: RecordMode | Literal["none", "once", "new_episodes", "all", "rewrite"]
    cassette: str | os.PathLike[str] | None
    upstream: str
    require_api_key: str | None
    assert_all_used: bool
    allow_generated: bool
    replay_timing: ReplayTiming | Literal["instant", "recorded"]
    batch_delay: float
    match_on: Sequence[str] | None
    ignore_paths: Sequence[str]
    normalizers: Sequence[str]
    match_profile: Literal["claude_code", "none"]
    filter_headers: Sequence[str]
    filter_query: Sequence[str]
    filter_body: Sequence[str]
    allow_playback_repeats: bool
    before_record_request: Callable[[Any], Any] | None
    before_record_response: Callable[[Any], Any] | None
    retest_command: str | None
    journal_size: int | None
    models: Sequence[str]
    latency: Latency | str | Mapping[str, float] | None


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


def _patterns(value: object, source: str) -> tuple[str, ...]:
    patterns = _names(value, source)
    for pattern in patterns:
        try:
            re.compile(pattern)
        except re.error as exc:
            raise ValueError(f"{source}: {pattern!r} is not a regular expression ({exc})") from None
    return patterns


def _latency(value: object, source: str) -> object:
    from claude_fake.latency import setting  # only when a profile is given

    return setting(value, source)


def _profile(value: object, source: str) -> str:
    chosen = str(value).strip().lower().replace("-", "_")
    chosen = "claude_code" if chosen in ("agent_sdk", "agent") else chosen
    if chosen not in ("claude_code", "none"):
        raise ValueError(f"{source} must be 'claude_code' (Claude Code / Agent SDK) or 'none'")
    return chosen


def _hook(value: object, source: str) -> Callable[[Any], Any]:
    if not callable(value):
        raise TypeError(f"{source} must be a function, as vcrpy's before_record_* hooks are")
    return value


def _flag(value: object, source: str) -> bool:
    if not isinstance(value, bool):
        raise TypeError(f"{source} must be True or False")
    return value


def _text(value: object, source: str) -> str:
    if not isinstance(value, str) or not value:
        raise TypeError(f"{source} must be a non-empty string")
    return value


def _path(value: object, source: str) -> str:
    if not isinstance(value, str | os.PathLike) or not os.fspath(value):
        raise TypeError(f"{source} must be a file path (a str or a pathlib.Path)")
    return str(os.fspath(value))


def _url(value: object, source: str) -> str:
    parts = urlsplit(value) if isinstance(value, str) else None
    if parts is None or parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f"{source} must be an http(s) URL such as https://api.anthropic.com")
    return str(value).rstrip("/")


_PARSERS: dict[str, Callable[[object, str], object]] = {
    "cassette": _path,
    "upstream": _url,
    "require_api_key": _text,
    "retest_command": _text,
    "assert_all_used": _flag,
    "allow_generated": _flag,
    "match_on": _names,
    "ignore_paths": _names,
    "normalizers": _patterns,
    "match_profile": _profile,
    "filter_headers": _names,
    "filter_query": _names,
    "filter_body": _names,
    "allow_playback_repeats": _flag,
    "before_record_request": _hook,
    "before_record_response": _hook,
    "replay_timing": lambda v, s: parse_enum(ReplayTiming, v, source=s),
    "batch_delay": _seconds,
    "journal_size": _journal_size,
    "models": _names,
    "latency": _latency,
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
                raise unknown_setting(name, key, known)
            if value is None or key in chosen:
                continue
            parse = _PARSERS.get(key)
            try:
                chosen[key] = parse(value, f"{name} {key}") if parse else value
            except (TypeError, ValueError) as exc:
                raise ConfigError(
                    f"{name}: {key}={value!r} is not valid.",
                    why=f"{exc}.",
                    fix="Pass a value of that kind, or leave the setting out for its default.",
                    anchor="options",
                ) from exc
    return FakeConfig(**chosen)  # type: ignore[arg-type]


_DEFAULTS = FakeConfig()


def override(base: FakeConfig, name: str, given: Mapping[str, object]) -> FakeConfig:
    """The settings ``given`` (when not None) over ``base``, every value checked and parsed."""
    values = {key: getattr(base, key) for key in FakeConfig.__dataclass_fields__}
    changed = {k: v for k, v in values.items() if v != getattr(_DEFAULTS, k)}  # the rest: default
    if not changed and all(v is None for v in given.values()):
        return base
    return merge((name, given), ("defaults", changed))


def unknown_setting(source: str, key: str, known: set[str]) -> ConfigError:
    """The error for a setting name that is not one: the known ones, and the closest."""
    close = difflib.get_close_matches(key, known, n=1)
    guess = f"Did you mean {close[0]!r}? " if close else ""
    return ConfigError(
        f"{source}: unknown setting {key!r}.",
        why=f"Known settings are: {', '.join(sorted(known))}.",
        fix=f"{guess}Check the spelling against the options table.",
        anchor="options",
    )
