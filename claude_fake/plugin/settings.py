"""The pytest plugin's settings for the session and for each test, merged in one place.

Precedence, highest first: command line > marker (the narrowest scope wins) > ``claude_config``
> ini > default. Every value is parsed by ``options.parse_value`` and merged by
``config.merge``; nothing here does I/O.
"""

from __future__ import annotations

import dataclasses
import shlex
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from claude_fake import config as cfg
from claude_fake.errors import ConfigError
from claude_fake.plugin.markers import Mark, fixture_values, marker_values
from claude_fake.plugin.options import CLI_SOURCE, INI_SOURCE, MARKER_SOURCE, parse_value
from claude_fake.wire.ids import stable_seed


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
    base: cfg.FakeConfig | None = None  # command line over ini, merged once for the session


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
    chosen_cli = {k: v for k, v in given_cli.items() if k not in ("live", "upstream")}
    try:
        base: cfg.FakeConfig | None = cfg.merge((CLI_SOURCE, chosen_cli), (INI_SOURCE, given_ini))
    except ConfigError:
        base = None  # each test says why, as it would without this shortcut
    return SessionSettings(
        cli=chosen_cli,
        ini=given_ini,
        base=base,
        cassette_dir=cassette_dir,
        live=bool(given_cli.get("live")),
        upstream=str(given_cli["upstream"]) if given_cli.get("upstream") else None,
        ci=ci_active(env),
    )


def ci_active(env: Mapping[str, str]) -> bool:
    """Whether ``CI`` is set to something other than an empty or false value."""
    value = env.get("CI")
    return value is not None and value.strip().lower() not in ("", "0", "false", "no", "off")


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


@dataclass(frozen=True, slots=True, kw_only=True)
class CassetteName:
    """Where this test's cassette lives by default: ``claude_cassette_dir`` (a folder) and
    ``claude_cassette_name`` (the file name without ``.yaml``), as the fixtures give them."""

    folder: Path
    name: str


def plan_test(
    session: SessionSettings,
    test: TestId,
    *,
    fake_marks: Iterable[Mark] = (),
    cassette_marks: Iterable[Mark] | None = None,
    config_fixture: Mapping[str, object] | None = None,
    cassette_name: CassetteName | None = None,
) -> TestPlan:
    """Merge the sources for one test; ``cassette_marks`` is None when it has no cassette.

    Precedence: command line > marker (narrowest first) > ``claude_config`` > ini > default."""
    marker = marker_values("claude_fake", fake_marks)
    cassette: Path | None = None
    if cassette_marks is not None:
        given = marker_values("claude_cassette", cassette_marks)
        path = given.pop("path", None)
        marker.update({k: v for k, v in given.items() if k not in marker or v is not None})
        cassette = resolve_cassette(cassette_name or default_name(session, test), path)
    fixture = fixture_values(config_fixture or {})
    chosen = session.base if not marker and not fixture else None
    chosen = chosen or cfg.merge(
        (CLI_SOURCE, session.cli),
        (MARKER_SOURCE, marker),
        ("claude_config", fixture),
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
        retest_command=retest_command(test.nodeid, ci=session.ci),
    )
    return TestPlan(config=final, cassette=cassette, recording_forced_off=forced)


def retest_command(nodeid: str, *, ci: bool) -> str:
    """How to re-record this test's cassette; under CI, where recording is forced off, on a
    developer's machine instead."""
    command = f"pytest {shlex.quote(nodeid)} --claude-record-mode=rewrite"
    if not ci:
        return command
    return (
        f"not here (CI is set, which forces record mode none) but on your machine: {command}, "
        "then commit the cassette"
    )


def default_name(session: SessionSettings, test: TestId) -> CassetteName:
    """pytest-recording's layout: ``<cassette dir or test dir/cassettes>/<module>/<Class.test>``,
    each part made safe for the file system."""
    from claude_fake.sources.cassette.store import cassette_path

    base = session.cassette_dir or test.folder / "cassettes"
    path = cassette_path(base, test.module, test.name)
    return CassetteName(folder=path.parent, name=path.stem)


def resolve_cassette(where: CassetteName, given: object) -> Path:
    """The cassette file: ``<folder>/<name>.yaml``, or the marker's path (relative: below the
    folder)."""
    if given is None:
        return where.folder / f"{where.name}.yaml"
    path = Path(str(given))
    if not path.is_absolute():
        path = where.folder / path
    return path if path.suffix else path.with_suffix(".yaml")


def live_skip_reason(*, live: bool, api_key: str | None) -> str | None:
    """Why a ``claude_live`` test must be skipped, or None when it may run."""
    if not live:
        return "claude_live: runs against the live Claude API only with --claude-live"
    if not api_key:
        return "claude_live: --claude-live is given but ANTHROPIC_API_KEY is not set"
    return None
