"""Fault rates: faults that never run out and answer each matching request with a probability
(``fake.fail(529, rate=0.1)``, ``POST /_fake/faults {"status": 529, "rate": 0.1}``,
``claude-fake serve --fault 529:0.1``).

Every request a rate could answer draws one seeded number in [0, 1); the rates (in the order
they were scripted) share that interval out, so 5% overloaded and 1% rate-limited give 5% and 1%
of the requests, never less because one hides the other. The same seed and the same order of
requests give the same faults.
"""

from __future__ import annotations

import math
import random
from typing import TYPE_CHECKING, Protocol

from claude_fake.api import routes
from claude_fake.errors import ScriptError
from claude_fake.wire.ids import stable_seed

if TYPE_CHECKING:
    from collections.abc import Sequence


class Rated(Protocol):
    """A fault with a rate (``faults.Fault``)."""

    rate: float | None
    endpoint: str

    @property
    def mid_stream(self) -> bool: ...


def check(rate: object, times: object, what: str = "fail()") -> float:
    """A rate in (0, 1]; ScriptError otherwise, or when a count of times is given with it."""
    if (
        isinstance(rate, bool)
        or not isinstance(rate, int | float)
        or not math.isfinite(rate)
        or not 0 < rate <= 1
    ):
        raise ScriptError(
            f"{what}: rate={rate!r} must be a probability above 0 and at most 1.",
            fix="e.g. rate=0.05 fails about one request in twenty.",
            anchor="load-test-your-app",
        )
    if times not in (None, 1):
        raise ScriptError(
            f"{what}: rate={rate} and times={times!r} cannot go together.",
            why="A fault with a rate never runs out: it answers each matching request with that "
            "probability, for as long as it is scripted.",
            fix="Drop times (or script a one-shot fault without rate).",
            anchor="load-test-your-app",
        )
    return float(rate)


class Rates:
    """The rate faults of one FaultBook and its seeded draws. Not thread-safe: the engine locks
    around it."""

    def __init__(self, seed: int) -> None:
        self.faults: list[Rated] = []
        self._seed = seed
        self._random: random.Random | None = None  # made on the first draw: most tests draw none

    def add(self, fault: Rated, describe: str) -> None:
        """Add ``fault``; a ScriptError when the rates would add up to more than 1."""
        total = sum(f.rate or 0.0 for f in self.faults) + (fault.rate or 0.0)
        if total > 1 + 1e-9:
            raise ScriptError(
                f"{describe}: the fault rates would add up to {total:g}, more than 1.",
                why="Each request draws one number that the rates share out, so together they "
                "can cover every request at most.",
                fix="Lower the rates, or POST /_fake/reset (fake.reset()) and script them again.",
                anchor="load-test-your-app",
            )
        self.faults.append(fault)

    def pick(self, endpoint: str, stream: bool) -> Rated | None:
        """The rate fault that answers this request, if the draw lands in one's share."""
        if not self.faults:
            return None
        if self._random is None:
            self._random = random.Random(stable_seed(self._seed, "fault-rates"))
        return _landed(self.faults, self._random.random(), endpoint, stream)


def _landed(faults: Sequence[Rated], draw: float, endpoint: str, stream: bool) -> Rated | None:
    edge = 0.0
    for fault in faults:
        edge += fault.rate or 0.0
        if draw < edge:
            if not routes.targets(endpoint, fault.endpoint) or (fault.mid_stream and not stream):
                return None
            return fault
    return None
