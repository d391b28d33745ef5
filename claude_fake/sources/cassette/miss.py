"""The error for a request no recorded interaction answers: what was sent, the closest entry and
where the two differ (the window of a long text where they part), and how to record it again in
the face in use (pytest, ``claude-fake serve``, or ``FakeClaude`` in code). Keys never show."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Protocol

from claude_fake.config import RecordMode
from claude_fake.errors import CassetteMismatch
from claude_fake.model import FakeRequest
from claude_fake.sources.cassette import match, redact
from claude_fake.sources.cassette.store import LoadedCassette


class Recorded(Protocol):
    """What a miss report reads of the cassette source (a Protocol: no import of it)."""

    record_mode: RecordMode
    retest_command: str | None
    existed: bool

    @property
    def path(self) -> Path: ...

    @property
    def cassette(self) -> LoadedCassette: ...


def rerecord_hint(source: Recorded) -> str:
    """How to record this cassette again; the face sets ``retest_command``."""
    if source.retest_command:
        return source.retest_command
    return f"FakeClaude(cassette={str(source.path)!r}, record_mode='new_episodes')"


def _why(source: Recorded, sent: match.Shape | None, shapes: Sequence[match.Shape]) -> str:
    cassette = source.cassette
    if sent is None:
        return "The before_record_request hook dropped this request, so it matches nothing."
    if not source.existed:
        return "The cassette file does not exist."
    if not len(cassette):
        return "The cassette has no interactions."
    index, diffs = match.nearest(sent, shapes) or (0, [])
    rec = cassette.requests[index]
    why = f"Closest entry #{index + 1} ({rec.method} {rec.path}) differs at "
    why += match.describe(diffs) + "."
    if not diffs:
        why += " Each recorded interaction answers once per session, so a repeated request"
        why += " needs a recording of its own (or allow_playback_repeats=True, serve's"
        why += " --allow-playback-repeats, to answer it again)."
    return why


def mismatch(
    source: Recorded,
    request: FakeRequest,
    sent: match.Shape | None,
    shapes: Sequence[match.Shape],
) -> CassetteMismatch:
    """The miss error; it carries the request (body parsed) as ``request`` for the journal."""
    error = CassetteMismatch(
        f"no recorded interaction matches {request.method} {request.path} in {source.path} "
        f"(record mode: {source.record_mode.value}).",
        why=redact.scrub_text(_why(source, sent, shapes)),
        fix=f"To re-record: {rerecord_hint(source)} (needs ANTHROPIC_API_KEY).",
        anchor="recording",
    )
    error.request = request  # type: ignore[attr-defined]  # read by the engine's journal
    return error
