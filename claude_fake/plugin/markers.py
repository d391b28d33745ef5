"""The markers (``claude_fake``, ``claude_cassette``) and the ``claude_config`` fixture's dict:
their signatures, help lines and checked values."""

from __future__ import annotations

import inspect
from collections.abc import Iterable, Mapping
from typing import Any

from claude_fake import config as cfg
from claude_fake.errors import ConfigError
from claude_fake.plugin.options import parse_value

Mark = tuple[tuple[Any, ...], Mapping[str, Any]]


def _claude_cassette(path: object = None, record_mode: object = None, **settings: object) -> None:
    """The claude_cassette marker's signature (``settings``: any other FakeClaude setting, such
    as the cassette's matching and filtering ones)."""


def _claude_fake(
    seed: object = None,
    validate: object = None,
    assert_all_used: object = True,
    allow_generated: object = True,
    **settings: object,
) -> None:
    """The claude_fake marker's signature (``settings``: any other FakeClaude setting)."""


SIGNATURES = {
    "claude_cassette": inspect.signature(_claude_cassette),
    "claude_fake": inspect.signature(_claude_fake),
}


def signature_text(name: str) -> str:
    """``name(arg=default, ...)``, as the marker help shows it."""
    params = SIGNATURES[name].parameters.values()
    shown = [
        f"**{p.name}" if p.kind is p.VAR_KEYWORD else f"{p.name}={p.default!r}" for p in params
    ]
    return f"{name}({', '.join(shown)})"


MARKERS = (
    f"{signature_text('claude_cassette')}: replay this test's cassette, or record it when the "
    "record mode allows (default path <test dir>/cassettes/<module>/<test>.yaml).",
    f"{signature_text('claude_fake')}: settings of this test's claude_fake engine (any "
    "FakeClaude keyword argument).",
    "claude_live: run against the live Claude API, only with --claude-live and "
    "ANTHROPIC_API_KEY; skipped otherwise.",
)


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
        given = dict(bound.arguments)
        given.update(given.pop("settings", {}))
        also = ("path",) if "path" in signature.parameters else ()
        _check_names(given, f"@pytest.mark.{name}", also)
        for key, value in given.items():
            merged.setdefault(key, parse_value(key, value, f"@pytest.mark.{name}"))
    return merged


# Settings the plugin sets itself for each test: a marker or claude_config cannot give them.
MANAGED = {
    "cassette": "@pytest.mark.claude_cassette(path=...) names the cassette",
    "retest_command": "the plugin builds it from the test's id",
}


def _check_names(given: Mapping[str, object], source: str, also: Iterable[str] = ()) -> None:
    """ConfigError for a name that is not a FakeClaude setting, or one the plugin sets itself."""
    known = set(cfg.FakeConfig.__dataclass_fields__) - set(MANAGED) | set(also)
    for key in given:
        if key not in known and key not in MANAGED:
            raise cfg.unknown_setting(source, key, known)
    for key, how in MANAGED.items():
        if key in given:
            raise ConfigError(
                f"{source}: {key}= cannot be set here.",
                why=f"The plugin sets {key} for each test: {how}.",
                fix=f"Remove {key}=.",
                anchor="markers",
            )


def fixture_values(given: object) -> dict[str, object]:
    """The ``claude_config`` fixture's dict, checked: a dict of FakeClaude settings."""
    source = "the claude_config fixture"
    if not isinstance(given, Mapping) or not all(isinstance(k, str) for k in given):
        raise ConfigError(
            f"{source} returned {type(given).__name__}, not a dict of settings.",
            why="claude_config gives FakeClaude settings for the tests in its scope.",
            fix='Return a dict, e.g. {"validate": "lenient", "allow_generated": False}.',
            anchor="claude-config",
        )
    _check_names(given, source)
    return {key: parse_value(key, value, source) for key, value in given.items()}
