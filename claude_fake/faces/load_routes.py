"""The load-testing part of the scripting API: ``POST``/``GET /_fake/latency`` (the latency
profile), ``GET /_fake/resilience`` (how clients retried), the checks of a fault's ``rate``, and
the answer every scripting route but health gives while several workers serve one port."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Protocol

from claude_fake import latency
from claude_fake.errors import ScriptError
from claude_fake.validation import jsonbody
from claude_fake.wire import render

if TYPE_CHECKING:
    from claude_fake.resilience import Report

Answer = tuple[int, Any]


class Pacing(Protocol):
    """The engine's latency profile, as these routes set and read it."""

    profile: latency.Latency | None

    def set(self, profile: latency.Latency | None) -> None: ...


class Paced(Protocol):
    """What these routes use of the engine (a Protocol: no import of it)."""

    @property
    def pacing(self) -> Pacing: ...

    def resilience(self) -> Report: ...


def _profile(profile: latency.Latency | None) -> Answer:
    return 200, {"latency": None if profile is None else profile.as_json()}


def set_latency(engine: Paced, raw: bytes) -> Answer:
    """``POST /_fake/latency {"ttft": s, "itl": s, "jitter": fraction}``; ``{}`` turns it off."""
    body = jsonbody.parse(raw) if raw.strip() else {}
    if isinstance(body, jsonbody.BadJson):
        raise ScriptError(
            f"latency: the body is not JSON: {body.problem}.",
            fix='Send e.g. {"ttft": 0.4, "itl": 0.02, "jitter": 0.25}, or {} for no latency.',
        )
    profile = latency.from_json(body)
    engine.pacing.set(profile)
    return _profile(profile)


def get_latency(engine: Paced, _: bytes) -> Answer:
    """``GET /_fake/latency``: the profile in force (``null``: answers come at once)."""
    return _profile(engine.pacing.profile)


def resilience(engine: Paced, _: bytes) -> Answer:
    """``GET /_fake/resilience``: a verdict per client, and each fault with what followed."""
    return 200, engine.resilience().as_json()


def check_rate(body: dict[str, Any]) -> None:
    """A ScriptError when ``rate`` comes with a fault that cannot have one."""
    if body.get("rate") is None:
        return
    if body.get("disconnect") or (body.get("status") is None and body.get("error") is None):
        raise ScriptError(
            "faults: rate goes with an error fault only.",
            why="A rate answers each matching request with an error at that probability.",
            fix='e.g. {"status": 529, "rate": 0.1}.',
            anchor="load-test-your-app",
        )


def several_workers(path: str, workers: int) -> dict[str, Any]:
    """The 409 answer to a scripting call while ``workers`` processes serve the port."""
    text = (
        f"claude_fake: {path} is off: {workers} worker processes serve this port, each with its "
        "own engine, so a script or a reset would reach one of them only, and requests, unused "
        "scripts and the resilience report would show one worker's share. Script the start "
        "instead (--reply, --replies with times null, --cassette, --latency, --fault), or serve "
        "with --workers 1 to script over HTTP. GET /_fake/health still answers."
    )
    return render.error_body("invalid_request_error", text, "")
