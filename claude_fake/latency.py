"""A latency profile, the setting (``--latency``, ``FakeClaude(latency=Latency(...))``,
``POST /_fake/latency``): a time to the first content event (``ttft``), a time between content
events (``itl``) and a ``jitter``, the fraction each wait may stray from its value. How a profile
paces an answer is ``sources.latency``."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from claude_fake.errors import ConfigError

FIELDS = ("ttft", "itl", "jitter")


def _seconds(value: object, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise ConfigError(
            f"latency {name}={value!r} must be a finite number of seconds >= 0.",
            fix="e.g. Latency(ttft=0.4, itl=0.02), or --latency ttft=0.4,itl=0.02.",
            anchor="load-test-your-app",
        )
    if value < 0:
        raise ConfigError(
            f"latency {name}={value!r} is negative.",
            fix="Give seconds >= 0 (0 for none).",
            anchor="load-test-your-app",
        )
    return float(value)


@dataclass(frozen=True, slots=True, kw_only=True)
class Latency:
    """A latency profile: ``ttft`` and ``itl`` in seconds, ``jitter`` a fraction in [0, 1)."""

    ttft: float = 0.0
    itl: float = 0.0
    jitter: float = 0.0

    def __post_init__(self) -> None:
        object.__setattr__(self, "ttft", _seconds(self.ttft, "ttft"))
        object.__setattr__(self, "itl", _seconds(self.itl, "itl"))
        jitter = _seconds(self.jitter, "jitter")
        if jitter >= 1:
            raise ConfigError(
                f"latency jitter={jitter!r} must be below 1.",
                why="Jitter is the fraction a wait may stray from its value either way: 0.25 "
                "draws each wait between 75% and 125% of it; 1 or more could make it negative.",
                fix="Give a fraction such as 0.25.",
                anchor="load-test-your-app",
            )
        object.__setattr__(self, "jitter", jitter)

    def as_json(self) -> dict[str, float]:
        """The profile as ``POST /_fake/latency`` takes it."""
        return {"ttft": self.ttft, "itl": self.itl, "jitter": self.jitter}


def parse(text: str) -> Latency:
    """A profile from ``ttft=0.4,itl=0.02[,jitter=0.25]`` (``--latency``)."""
    values: dict[str, float] = {}
    for part in (p.strip() for p in text.split(",")):
        name, _, number = part.partition("=")
        name = name.strip().lower()
        if name not in FIELDS or not number.strip():
            raise ConfigError(
                f"--latency {text!r}: {part!r} is not NAME=SECONDS.",
                fix="e.g. --latency ttft=0.4,itl=0.02,jitter=0.25 (names: ttft, itl, jitter).",
                anchor="load-test-your-app",
            )
        try:
            values[name] = float(number)
        except ValueError:
            raise ConfigError(
                f"--latency {text!r}: {number.strip()!r} is not a number.",
                fix="Give seconds as numbers, e.g. ttft=0.4.",
                anchor="load-test-your-app",
            ) from None
    return Latency(**values)


def from_json(body: Any) -> Latency | None:
    """A profile from a ``POST /_fake/latency`` body; ``{}`` or ``null`` turn pacing off."""
    if body is None or body == {}:
        return None
    if not isinstance(body, dict):
        raise ConfigError(
            "latency: the body must be a JSON object.",
            fix='e.g. {"ttft": 0.4, "itl": 0.02, "jitter": 0.25}; {} turns the profile off.',
        )
    unknown = sorted(set(body) - set(FIELDS))
    if unknown:
        raise ConfigError(
            f"latency: unknown field(s) {', '.join(unknown)}.",
            fix=f"Allowed fields: {', '.join(FIELDS)} (seconds; jitter a fraction).",
        )
    return Latency(**body)


def setting(value: object, source: str) -> Latency | None:
    """The ``latency`` setting: a Latency, its text form, or a dict of its fields."""
    if isinstance(value, Latency):
        return value
    if isinstance(value, str):
        return parse(value)
    if isinstance(value, dict):
        return from_json(value)
    raise TypeError(f"{source} must be claude_fake.Latency(ttft=..., itl=..., jitter=...)")
