"""Latency profiles: how long answers take, as a load test wants them to (``--latency``,
``FakeClaude(latency=Latency(...))``, ``POST /_fake/latency``).

A profile is a time to the first content event (``ttft``), a time between content events
(``itl``) and a ``jitter``, the fraction each wait may stray from its value (drawn uniformly in
``[1 - jitter, 1 + jitter]``, seeded by the engine's seed and the request's id). A stream's
events up to and with its first ``content_block_delta`` are due at ``ttft``; each later delta
``itl`` after the one before, and the events between deltas (block stops and starts,
``message_delta``, ``message_stop``) travel with the delta before them. A JSON answer comes whole
after ``ttft + itl * output_tokens``. The plan holds when each event is due, counted from the
stream's start (``model.pace``), so waits never add up into drift under load.

A profile paces successful Messages answers (generated, scripted, replayed); faults, errors and
other endpoints answer at once, and a ``fake.latency()`` script on a request wins over it.
"""

from __future__ import annotations

import dataclasses
import math
import random
from dataclasses import dataclass
from typing import Any

from claude_fake.errors import ConfigError
from claude_fake.model import AnsweredBy, FakeResponse
from claude_fake.wire.ids import stable_seed

FIELDS = ("ttft", "itl", "jitter")
_DELTA = b"event: content_block_delta"


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


class Pacing:
    """The engine's current profile (``POST /_fake/latency`` changes it; a reset restores the
    one it started with) and how it paces an answer."""

    def __init__(self, profile: Latency | None, seed: int) -> None:
        self.initial = self.profile = profile
        self._seed = seed

    def set(self, profile: Latency | None) -> None:
        """Pace answers from now on with ``profile`` (None: at once)."""
        self.profile = profile

    def reset(self) -> None:
        """Back to the profile the engine started with."""
        self.profile = self.initial

    def apply(self, response: FakeResponse, request_id: str) -> FakeResponse:
        """``response`` with the profile's waits in its plan (unchanged when nothing applies)."""
        profile = self.profile
        plan = response.plan
        if (
            profile is None
            or not (profile.ttft or profile.itl)
            or response.status >= 400
            or response.dropped
            or response.source is AnsweredBy.RECORDED  # the upstream's own pace
            or plan.first_byte_delay
            or plan.event_delay
        ):
            return response
        draw = _draw(profile.jitter, stable_seed(self._seed, request_id))
        if response.chunks is None:
            due = draw(profile.ttft) + draw(profile.itl * _output_tokens(response.payload))
            return dataclasses.replace(
                response, plan=dataclasses.replace(plan, first_byte_delay=due)
            )
        if not isinstance(response.chunks, list):
            return response
        timed = schedule(response.chunks, profile, draw)
        return dataclasses.replace(response, plan=dataclasses.replace(plan, schedule=timed))


def _draw(jitter: float, seed: int) -> Any:
    if not jitter:
        return lambda value: value
    rng = random.Random(seed)
    return lambda value: value * (1.0 + jitter * (2.0 * rng.random() - 1.0))


def schedule(chunks: list[bytes], profile: Latency, draw: Any) -> tuple[float, ...]:
    """When each chunk is due (seconds after the stream starts): the first content event at
    ``ttft``, each later delta ``itl`` after the one before, other events with the one before."""
    due = draw(profile.ttft)
    out: list[float] = []
    seen_delta = False
    for chunk in chunks:
        if chunk.startswith(_DELTA):
            if seen_delta:
                due += draw(profile.itl)
            seen_delta = True
        out.append(due)
    return tuple(out)


def _output_tokens(payload: Any) -> int:
    usage = payload.get("usage") if isinstance(payload, dict) else None
    tokens = usage.get("output_tokens") if isinstance(usage, dict) else None
    return tokens if isinstance(tokens, int) and tokens > 0 else 0
