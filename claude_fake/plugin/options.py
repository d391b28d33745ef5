"""The ``--claude-X`` options and ``claude_X`` ini keys, and the one parser of every value
users give (options, ini keys, markers, ``claude_config``)."""

from __future__ import annotations

import os
from dataclasses import dataclass

from claude_fake import config as cfg
from claude_fake.errors import ConfigError

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
