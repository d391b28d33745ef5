"""A latency profile, the setting (``--latency``, ``FakeClaude(latency=Latency(...))``,
``POST /_fake/latency``): a time to the first content event (``ttft``), a time between content
events (``itl``) and a ``jitter``, the fraction each wait may stray from its value; or
``recorded`` (``Latency(recorded=True)``, ``--latency recorded``): each replayed answer paced as
its cassette recorded it. How a profile paces an answer is ``sources.latency``.

``Timing`` is what a cassette keeps of an answer's pace, and ``TimedResponse`` a replayed answer
that carries it to the pacing."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from claude_fake.errors import ConfigError
from claude_fake.model import FakeResponse

FIELDS = ("ttft", "itl", "jitter", "recorded")
RECORDED = "recorded"


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


def _recorded(value: object, profile: Latency) -> bool:
    if not isinstance(value, bool):
        raise ConfigError(
            f"latency recorded={value!r} must be True or False.",
            fix='Latency(recorded=True), --latency recorded, or {"recorded": true}.',
            anchor="load-test-your-app",
        )
    if value and (profile.ttft or profile.itl or profile.jitter):
        raise ConfigError(
            "latency: recorded comes alone, without ttft, itl or jitter.",
            why="recorded paces each replayed answer as its cassette recorded it; a ttft or an "
            "itl would say otherwise.",
            fix="Give Latency(recorded=True), or a profile of ttft, itl and jitter.",
            anchor="load-test-your-app",
        )
    return value


@dataclass(frozen=True, slots=True, kw_only=True)
class Latency:
    """A latency profile: ``ttft`` and ``itl`` in seconds, ``jitter`` a fraction in [0, 1); or
    ``recorded=True``: replayed answers as long as their cassette recorded them taking."""

    ttft: float = 0.0
    itl: float = 0.0
    jitter: float = 0.0
    recorded: bool = False

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
        object.__setattr__(self, "recorded", _recorded(self.recorded, self))

    def as_json(self) -> dict[str, Any]:
        """The profile as ``POST /_fake/latency`` takes it."""
        if self.recorded:
            return {"recorded": True}
        return {"ttft": self.ttft, "itl": self.itl, "jitter": self.jitter}

    def __str__(self) -> str:
        """The profile as ``--latency`` takes it."""
        if self.recorded:
            return RECORDED
        return ",".join(f"{k}={v:g}" for k, v in self.as_json().items())


def parse(text: str) -> Latency:
    """A profile from ``ttft=0.4,itl=0.02[,jitter=0.25]``, or ``recorded`` (``--latency``)."""
    if text.strip().lower() == RECORDED:
        return Latency(recorded=True)
    values: dict[str, float] = {}
    for part in (p.strip() for p in text.split(",")):
        name, _, number = part.partition("=")
        name = name.strip().lower()
        if name not in FIELDS[:3] or not number.strip():
            raise ConfigError(
                f"--latency {text!r}: {part!r} is not NAME=SECONDS.",
                fix="e.g. --latency ttft=0.4,itl=0.02,jitter=0.25 (names: ttft, itl, jitter), "
                "or --latency recorded.",
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
    return Latency(
        ttft=values.get("ttft", 0.0), itl=values.get("itl", 0.0), jitter=values.get("jitter", 0.0)
    )


def from_json(body: Any) -> Latency | None:
    """A profile from a ``POST /_fake/latency`` body; ``{}`` or ``null`` turn pacing off."""
    if body is None or body == {}:
        return None
    if not isinstance(body, dict):
        raise ConfigError(
            "latency: the body must be a JSON object.",
            fix='e.g. {"ttft": 0.4, "itl": 0.02, "jitter": 0.25}, or {"recorded": true}; {} '
            "turns the profile off.",
        )
    unknown = sorted(set(body) - set(FIELDS))
    if unknown:
        raise ConfigError(
            f"latency: unknown field(s) {', '.join(unknown)}.",
            fix=f"Allowed fields: {', '.join(FIELDS)} (seconds; jitter a fraction; recorded "
            "true or false).",
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


@dataclass(frozen=True, slots=True)
class Timing:
    """When a recorded answer arrived, in seconds after its request went upstream: its headers
    (``first_byte``), each event of a stream (``events``, in order), and its last byte
    (``total``)."""

    first_byte: float
    total: float
    events: tuple[float, ...] = ()

    def schedule(self, count: int) -> tuple[float, ...]:
        """When each of ``count`` chunks is due: the recorded events' times when they are as
        many, else those times spread over the chunks (first to first, last to last); a recorded
        JSON answer (no events) comes whole at its ``total``."""
        events = self.events
        if len(events) == count:
            return events
        if not events or count < 1:
            return (self.total,) * count
        last = len(events) - 1
        if count == 1:
            return (events[last],)
        return tuple(events[round(i * last / (count - 1))] for i in range(count))


@dataclass(frozen=True, slots=True, kw_only=True)
class TimedResponse(FakeResponse):
    """A replayed answer, with the ``Timing`` its cassette recorded (None: it recorded none)."""

    timing: Timing | None = None
