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

The ``recorded`` profile paces replayed answers as their cassette recorded them (``Timing``): a
stream's events each at its recorded time after the stream's start, a JSON answer whole at its
recorded total. An answer with no recorded timing (a cassette recorded before timings were kept,
a generated or scripted answer) comes at once, and the first one says so in an
``UntimedAnswer`` warning.
"""

from __future__ import annotations

import contextlib
import dataclasses
import random
import warnings
from typing import Any

from claude_fake.latency import Latency, Timing
from claude_fake.model import AnsweredBy, FakeResponse
from claude_fake.wire.ids import stable_seed

_DELTA = b"event: content_block_delta"


class UntimedAnswer(UserWarning):
    """The ``recorded`` latency profile met an answer with no recorded timing: it came at once."""


class Pacing:
    """The engine's current profile (``POST /_fake/latency`` changes it; a reset restores the
    one it started with) and how it paces an answer."""

    def __init__(self, profile: Latency | None, seed: int) -> None:
        self.initial = self.profile = profile
        self._seed = seed
        self._warned = False  # an untimed answer under the recorded profile was told of

    def set(self, profile: Latency | None) -> None:
        """Pace answers from now on with ``profile`` (None: at once)."""
        self.profile = profile

    def reset(self) -> None:
        """Back to the profile the engine started with (an untimed answer is told of again)."""
        self.profile = self.initial
        self._warned = False

    def apply(self, response: FakeResponse, request_id: str) -> FakeResponse:
        """``response`` with the profile's waits in its plan (unchanged when nothing applies)."""
        profile = self.profile
        plan = response.plan
        if (
            profile is None
            or not (profile.ttft or profile.itl or profile.recorded)
            or response.status >= 400
            or response.dropped
            or response.source is AnsweredBy.RECORDED  # the upstream's own pace
            or plan.first_byte_delay
            or plan.event_delay
        ):
            return response
        if profile.recorded:
            return self._as_recorded(response)
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

    def _as_recorded(self, response: FakeResponse) -> FakeResponse:
        """``response`` paced as its cassette recorded it (at once when it recorded nothing)."""
        timing: Timing | None = getattr(response, "timing", None)  # a TimedResponse's
        if timing is None:
            self._untimed(response)
            return response
        plan = response.plan
        if response.chunks is None:
            due = dataclasses.replace(plan, first_byte_delay=timing.total)
            return dataclasses.replace(response, plan=due)
        if not isinstance(response.chunks, list):
            return response
        timed = timing.schedule(len(response.chunks))
        return dataclasses.replace(response, plan=dataclasses.replace(plan, schedule=timed))

    def _untimed(self, response: FakeResponse) -> None:
        if self._warned:
            return
        self._warned = True
        if response.source is AnsweredBy.REPLAYED:
            why = (
                "its cassette holds no timings (recorded before claude-fake kept them, or "
                "written by hand); record it again to replay its pace"
            )
        else:
            why = f"a {response.source.value} answer has no recorded timing"
        with contextlib.suppress(Warning):  # a note never breaks the answer ("error" filters)
            warnings.warn(
                f"claude_fake: latency 'recorded': an answer came at once: {why}. Later answers "
                "without timings come at once too, without another warning.",
                UntimedAnswer,
                stacklevel=2,
            )


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
