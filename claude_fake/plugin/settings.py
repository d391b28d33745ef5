"""The pytest plugin's settings: options, ini keys and markers, parsed and merged in one place.

Precedence, highest first: command line > marker (the narrowest scope wins) > ini > default.
Every value is parsed by ``parse_value`` and merged by ``config.merge``; nothing here does I/O.
"""

from __future__ import annotations

import dataclasses
import inspect
import os
import shlex
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from claude_fake import config as cfg
from claude_fake.errors import ConfigError
from claude_fake.wire.ids import stable_seed

Mark = tuple[tuple[Any, ...], Mapping[str, Any]]
CLI_SOURCE, MARKER_SOURCE, INI_SOURCE = "command line", "marker", "ini"


def flag_of(key: str) -> str:
    """The command-line flag of a setting: ``--claude-record-mode`` for ``record_mode``."""
    return "--claude-" + key.replace("_", "-")


def ini_of(key: str) -> str:
    """The ini key of a setting: ``claude_record_mode`` for ``record_mode``."""
    return "claude_" + key


@dataclass(frozen=True, slots=True)
class Option:
    """One setting users give as ``--claude-X`` and ``claude_X``."""

    key: str
    help: str
    noun: str
    choices: tuple[str, ...] = ()

    @property
    def flag(self) -> str:
        """The command-line flag."""
        return flag_of(self.key)

    @property
    def ini(self) -> str:
        """The ini key."""
        return ini_of(self.key)


def _values(kind: type[cfg.RecordMode] | type[cfg.ValidateMode]) -> tuple[str, ...]:
    return tuple(member.value for member in kind)


OPTIONS = (
    Option(
        "record_mode",
        "cassette record mode (default none)",
        "a record mode",
        _values(cfg.RecordMode),
    ),
    Option(
        "validate",
        "request validation (default strict)",
        "a validation mode",
        _values(cfg.ValidateMode),
    ),
    Option(
        "seed",
        "base seed of generated replies, mixed with each test id (default 0)",
        "a whole number",
    ),
    Option(
        "cassette_dir", "cassette folder (default: cassettes/ beside each test file)", "a folder"
    ),
)


def _claude_cassette(path: object = None, record_mode: object = None) -> None:
    """The claude_cassette marker's signature."""


def _claude_fake(
    seed: object = None, validate: object = None, assert_all_used: object = True
) -> None:
    """The claude_fake marker's signature."""


SIGNATURES = {
    "claude_cassette": inspect.signature(_claude_cassette),
    "claude_fake": inspect.signature(_claude_fake),
}


def signature_text(name: str) -> str:
    """``name(arg=default, ...)``, as the marker help shows it."""
    params = SIGNATURES[name].parameters.values()
    return f"{name}({', '.join(f'{p.name}={p.default!r}' for p in params)})"


MARKERS = (
    f"{signature_text('claude_cassette')}: replay this test's cassette, or record it when the "
    "record mode allows (default path <test dir>/cassettes/<module>/<test>.yaml).",
    f"{signature_text('claude_fake')}: settings of this test's claude_fake engine.",
    "claude_live: run against the live Claude API, only with --claude-live and "
    "ANTHROPIC_API_KEY; skipped otherwise.",
)


# -- parsing: one function for every source -----------------------------------------------------
def _shown(source: str, key: str, value: object) -> str:
    if source == CLI_SOURCE:
        return f"{flag_of(key)}={value}"
    if source == INI_SOURCE:
        return f"{ini_of(key)} = {value}"
    return f"{source} {key}={value!r}"


def parse_value(key: str, value: object, source: str) -> object:
    """``value`` of setting ``key`` as the engine wants it; ConfigError listing what is allowed."""
    option = next((o for o in OPTIONS if o.key == key), None)
    if option is not None and option.choices:
        text = value.value if isinstance(value, cfg.RecordMode | cfg.ValidateMode) else value
        if isinstance(text, str) and text.strip().lower() in option.choices:
            return text.strip().lower()
        allowed, wanted = ", ".join(option.choices), option.noun
    elif key == "seed":
        try:
            if not isinstance(value, bool | float):
                return int(value)  # type: ignore[call-overload]
        except (TypeError, ValueError):
            pass
        allowed, wanted = "any whole number, e.g. 42", "a whole number"
    elif key == "assert_all_used":
        if isinstance(value, bool):
            return value
        allowed, wanted = "True, False", "True or False"
    elif key == "path":
        if isinstance(value, str | os.PathLike) and os.fspath(value):
            return os.fspath(value)
        allowed, wanted = "a file path (str or pathlib.Path), or None", "a path"
    else:
        return value
    raise ConfigError(
        f"{_shown(source, key, value)} is not {wanted}.",
        why=f"Allowed values: {allowed}.",
        fix=_fix(source, key),
        anchor="options",
    )


def _fix(source: str, key: str) -> str:
    if source == CLI_SOURCE:
        return f"Pass one of them to {flag_of(key)}."
    if source == INI_SOURCE:
        return f"Set {ini_of(key)} to one of them in your pytest configuration."
    return "Fix the marker's argument."


# -- the session: command line and ini --------------------------------------------------------
@dataclass(frozen=True, slots=True, kw_only=True)
class SessionSettings:
    """What the command line and the ini file say, parsed; ``None``-free mappings."""

    cli: Mapping[str, object] = field(default_factory=dict)
    ini: Mapping[str, object] = field(default_factory=dict)
    cassette_dir: Path | None = None
    live: bool = False
    upstream: str | None = None
    ci: bool = False


def _given(raw: Mapping[str, object], source: str) -> dict[str, object]:
    out = {}
    for key, value in raw.items():
        if value is None or (isinstance(value, str) and not value.strip()):
            continue
        out[key] = parse_value(key, value, source)
    return out


def session_settings(
    cli: Mapping[str, object],
    ini: Mapping[str, object],
    *,
    invocation_dir: Path,
    ini_dir: Path,
    env: Mapping[str, str],
) -> SessionSettings:
    """Parse the raw option and ini values (``None`` or ``""`` = not given); ConfigError if bad."""
    given_cli, given_ini = _given(cli, CLI_SOURCE), _given(ini, INI_SOURCE)
    folder = given_cli.pop("cassette_dir", None), given_ini.pop("cassette_dir", None)
    cassette_dir = None
    if folder[0] is not None:
        cassette_dir = invocation_dir / str(folder[0])
    elif folder[1] is not None:
        cassette_dir = ini_dir / str(folder[1])
    return SessionSettings(
        cli={k: v for k, v in given_cli.items() if k not in ("live", "upstream")},
        ini=given_ini,
        cassette_dir=cassette_dir,
        live=bool(given_cli.get("live")),
        upstream=str(given_cli["upstream"]) if given_cli.get("upstream") else None,
        ci=ci_active(env),
    )


def ci_active(env: Mapping[str, str]) -> bool:
    """Whether ``CI`` is set to something other than an empty or false value."""
    value = env.get("CI")
    return value is not None and value.strip().lower() not in ("", "0", "false", "no", "off")


# -- one test: markers, then the merge --------------------------------------------------------
def marker_values(name: str, marks: Iterable[Mark]) -> dict[str, object]:
    """The arguments of ``name`` marks (closest first), merged so the narrowest scope wins."""
    merged: dict[str, object] = {}
    signature = SIGNATURES[name]
    for args, kwargs in marks:
        try:
            bound = signature.bind(*args, **kwargs)
        except TypeError as exc:
            raise ConfigError(
                f"@pytest.mark.{name}: {exc}.",
                why=f"The marker's signature is {signature_text(name)}.",
                fix="Fix the marker's arguments.",
                anchor="markers",
            ) from None
        for key, value in bound.arguments.items():
            merged.setdefault(key, parse_value(key, value, f"@pytest.mark.{name}"))
    return merged


@dataclass(frozen=True, slots=True, kw_only=True)
class TestPlan:
    """Everything the fixtures need for one test."""

    config: cfg.FakeConfig
    cassette: Path | None = None
    recording_forced_off: bool = False


@dataclass(frozen=True, slots=True, kw_only=True)
class TestId:
    """Where a test lives: its node id, file folder, module name and ``Class.test`` name."""

    nodeid: str
    folder: Path
    module: str
    name: str


def plan_test(
    session: SessionSettings,
    test: TestId,
    *,
    fake_marks: Iterable[Mark] = (),
    cassette_marks: Iterable[Mark] | None = None,
) -> TestPlan:
    """Merge the sources for one test; ``cassette_marks`` is None when it has no cassette."""
    marker = marker_values("claude_fake", fake_marks)
    cassette: Path | None = None
    if cassette_marks is not None:
        given = marker_values("claude_cassette", cassette_marks)
        marker["record_mode"] = given.get("record_mode")
        cassette = resolve_cassette(session, test, given.get("path"))
    chosen = cfg.merge(
        (CLI_SOURCE, session.cli),
        (MARKER_SOURCE, marker),
        (INI_SOURCE, session.ini),
    )
    seed_from_marker = "seed" not in session.cli and marker.get("seed") is not None
    seed = chosen.seed if seed_from_marker else stable_seed(chosen.seed, test.nodeid)
    forced = session.ci and cassette is not None and chosen.record_mode is not cfg.RecordMode.NONE
    final = dataclasses.replace(
        chosen,
        seed=seed,
        cassette=str(cassette) if cassette is not None else None,
        record_mode=cfg.RecordMode.NONE if session.ci else chosen.record_mode,
        upstream=session.upstream or chosen.upstream,
        retest_command=f"pytest {shlex.quote(test.nodeid)} --claude-record-mode=rewrite",
    )
    return TestPlan(config=final, cassette=cassette, recording_forced_off=forced)


def resolve_cassette(session: SessionSettings, test: TestId, given: object) -> Path:
    """The cassette file: as pytest-recording names it, or the marker's path below the folder."""
    base = session.cassette_dir or test.folder / "cassettes"
    if given is None:
        from claude_fake.sources.cassette.store import cassette_path

        return cassette_path(base, test.module, test.name)
    path = Path(str(given))
    if not path.is_absolute():
        path = base / test.module / path
    return path if path.suffix else path.with_suffix(".yaml")


def live_skip_reason(*, live: bool, api_key: str | None) -> str | None:
    """Why a ``claude_live`` test must be skipped, or None when it may run."""
    if not live:
        return "claude_live: runs against the live Claude API only with --claude-live"
    if not api_key:
        return "claude_live: --claude-live is given but ANTHROPIC_API_KEY is not set"
    return None
