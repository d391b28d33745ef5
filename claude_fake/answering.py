"""The engine's request path as plain functions: route, admit (validation), then the chain of
sources; and the errors the engine raises about its own scripts. ``FakeClaude`` holds the state
and calls these."""

from __future__ import annotations

from collections.abc import Sequence

from claude_fake.api import held, routes
from claude_fake.config import FakeConfig, ValidateMode
from claude_fake.errors import CassetteMismatch, ClaudeFakeError, UnusedScript
from claude_fake.model import AnsweredBy, FakeRequest, FakeResponse
from claude_fake.sources import chain
from claude_fake.validation import gate
from claude_fake.wire.responses import api_error

OWN_ERROR_HEADERS = {"x-should-retry": "false"}


def answer(
    request: FakeRequest,
    request_id: str,
    config: FakeConfig,
    sources: tuple[chain.FaultSource, Sequence[chain.Source]],
    holder: held.Holder,
) -> tuple[FakeRequest, FakeResponse]:
    """The request as admitted (its body parsed) and its answer; raises ClaudeFakeError."""
    found = routes.route(request.method, request.path)
    if found is None:
        return request, _unknown(request, request_id, config)
    if found == "method":
        return request, routes.method_not_allowed(request, request_id)
    assert isinstance(found, tuple)
    endpoint, params = found
    request, refused = gate.admit(
        request,
        endpoint,
        request_id,
        mode=held.mode_for(request, config.validate),  # a newer SDK: never a false 400
        require_api_key=config.require_api_key,
        models=None if config.cassette else config.models,  # a cassette may replay any model
    )
    if refused is not None:
        return request, refused
    fault_source, rest = sources

    def decide(admitted: FakeRequest) -> FakeResponse:
        call = chain.Call(request=admitted, endpoint=endpoint, params=params, request_id=request_id)
        return chain.decide(call, fault_source, rest)

    return held.answer(holder, request, endpoint, request_id, decide, config.validate)


def _unknown(request: FakeRequest, request_id: str, config: FakeConfig) -> FakeResponse:
    """404 for a path the fake does not serve; in lenient mode, when the installed SDK calls it,
    the placeholder the SDK's own mock server answers (``api.sdk_surface``)."""
    if config.validate is not ValidateMode.LENIENT:
        return routes.not_found(request, request_id)
    from claude_fake.api import sdk_surface  # lenient only: spares every other start 6 ms

    refused = gate.admit_headers(
        request,
        "sdk",
        request_id,
        mode=ValidateMode.LENIENT,
        require_api_key=config.require_api_key,
    )
    if refused is not None:
        return refused
    return sdk_surface.answer(request, request_id) or routes.not_found(request, request_id)


def unexpected(request: FakeRequest, exc: Exception) -> ClaudeFakeError:
    """A bug of the fake (or a broken input of ours), as an error the client is answered with."""
    return ClaudeFakeError(
        f"the fake failed on {request.method} {request.path}: {type(exc).__name__}: {exc}",
        why="This is a claude-fake problem (or a damaged cassette), not your code's.",
        fix="Please report it with the request that caused it.",
    )


def own_error(exc: ClaudeFakeError, request_id: str) -> FakeResponse:
    """The answer to a request the fake could not serve: a 500 the SDK does not retry."""
    source = AnsweredBy.MISS if isinstance(exc, CassetteMismatch) else AnsweredBy.ERROR
    return api_error(
        500, "api_error", str(exc), request_id, headers=OWN_ERROR_HEADERS, source=source
    )


def unused_error(unused: list[str], problems: list[str]) -> UnusedScript | None:
    """What ``fake.check()`` raises: every unused script and request problem; None if none."""
    if not unused and not problems:
        return None
    lines = [f"  - {u}" for u in unused] + [f"  - {p}" for p in problems]
    return UnusedScript(
        f"{len(unused)} scripted item(s) unused, {len(problems)} request problem(s):\n"
        + "\n".join(lines),
        why="Every reply and fault a test scripts is expected to be used, and every request "
        "answered.",
        fix="Fix the problems above; remove the extra scripts, or script them with "
        "optional=True (replies) when they may go unused.",
        anchor="scripting",
    )


def summary(config: FakeConfig, requests: int, unused: int) -> str:
    """``repr(FakeClaude)``: the settings that differ from the defaults, and the counts."""
    default = FakeConfig()
    changed = [
        f"{name}={getattr(getattr(config, name), 'value', getattr(config, name))!r}"
        for name in ("seed", "validate", "cassette", "record_mode", "allow_generated")
        if getattr(config, name) != getattr(default, name)
    ]
    counts = f"{requests} request" + ("s" if requests != 1 else "")
    counts += f", {unused} unused script" + ("s" if unused != 1 else "") if unused else ""
    return f"<FakeClaude {' '.join(changed) + '; ' if changed else ''}{counts}>"
