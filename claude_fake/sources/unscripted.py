"""``allow_generated=False``: a Messages request nothing scripted answers is an error, not filler.

It stands where the generator stands in the chain (last), so it sees only what no fault, reply
or cassette claimed. Other endpoints (count_tokens, models, batches) still answer from the
fake's own state: they compute, they do not invent.
"""

from __future__ import annotations

from collections.abc import Callable

from claude_fake.errors import ScenarioExhausted
from claude_fake.model import FakeResponse
from claude_fake.sources.chain import Call, Source


class Unscripted:
    """Refuses the Messages requests the generator would answer; passes the rest to it."""

    def __init__(self, generator: Source, number: Callable[[], int]) -> None:
        self._generator, self._number = generator, number

    def claim(self, call: Call) -> FakeResponse | None:
        if call.endpoint != "messages":
            return self._generator.claim(call)
        request = call.request
        raise ScenarioExhausted(
            f"request #{self._number()} (POST {request.path}, last user text "
            f"{request.text[:60]!r}) was not scripted, and allow_generated=False forbids "
            "generated answers.",
            why="With allow_generated=False every Messages request must be answered by a "
            "scripted reply or a cassette, so a forgotten script cannot pass unnoticed.",
            fix="Script it before the call: claude_fake.reply(...) (or reply(function) to "
            "compute it from the request); or drop allow_generated=False.",
            anchor="scripting",
        )
