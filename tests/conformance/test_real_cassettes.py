"""Every real cassette in cassettes/real replays through the fake to the real SDK, strictly.

Each interaction's recorded request is sent again through ``anthropic.Anthropic`` (GA or beta
resources as recorded), with ``stream`` as recorded and flipped; the SDK parses the replay with
strict response validation and the content block types and stop reason must be the recorded ones.
Recorded errors must raise the SDK exception class of their status.
"""

from __future__ import annotations

import inspect
import warnings
from pathlib import Path
from typing import Any

import anthropic
import pytest
from sdk_helpers import sdk_client

from claude_fake.config import RecordMode
from claude_fake.sources.cassette import format as fmt
from claude_fake.sources.cassette import replay, store
from claude_fake.sources.cassette.source import CassetteSource

ROOT = Path(__file__).resolve().parents[2] / "cassettes" / "real"
CASSETTES = sorted(ROOT.rglob("*.yaml"))
ERRORS: dict[int, type[anthropic.APIStatusError]] = {
    400: anthropic.BadRequestError,
    401: anthropic.AuthenticationError,
    403: anthropic.PermissionDeniedError,
    404: anthropic.NotFoundError,
    429: anthropic.RateLimitError,
    500: anthropic.InternalServerError,
    529: anthropic.OverloadedError,
}


def expected(response: fmt.RecordedResponse) -> Any:
    """The recorded answer: the Message (a stream folded), or the JSON body."""
    return replay.accumulate(response.events) if response.events is not None else response.body


def call(client: anthropic.Anthropic, rec: fmt.RecordedRequest, stream: bool) -> Any:
    """Send the recorded request through the SDK's own resource methods."""
    body = {k: v for k, v in rec.body.items() if k != "stream"}
    betas = [b for b in rec.headers.get("anthropic-beta", "").split(",") if b]
    beta = "beta=true" in rec.query or bool(betas)
    resource: Any = client.beta.messages if beta else client.messages
    counting = rec.path.rstrip("/").endswith("/count_tokens")
    method = resource.count_tokens if counting else resource.create
    known = set(inspect.signature(method).parameters) - {"extra_body", "extra_headers"}
    kwargs: dict[str, Any] = {k: v for k, v in body.items() if k in known}
    extra = {k: v for k, v in body.items() if k not in known}
    if extra:
        kwargs["extra_body"] = extra
    if betas:
        kwargs["betas"] = betas
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # deprecated-model and thinking-type warnings
        if counting:
            return method(**kwargs)
        if stream:
            with resource.stream(**kwargs, timeout=600) as events:
                return events.get_final_message()
        return method(**kwargs, timeout=600)


def check(result: Any, recorded: Any) -> None:
    if "input_tokens" in recorded and "content" not in recorded:
        assert result.input_tokens == recorded["input_tokens"]
        return
    assert [b.type for b in result.content] == [b["type"] for b in recorded["content"]]
    assert result.stop_reason == recorded["stop_reason"]
    assert result.id == recorded["id"]


@pytest.mark.parametrize("flip", [False, True], ids=["as-recorded", "stream-flipped"])
@pytest.mark.parametrize("path", CASSETTES, ids=lambda p: str(p.relative_to(ROOT)))
def test_replays_through_sdk(path: Path, flip: bool) -> None:
    interactions = store.load(path)
    assert interactions
    source = CassetteSource(path, record_mode=RecordMode.NONE)
    client = sdk_client(source.claim)
    for interaction in interactions:
        rec = interaction.request
        stream = rec.body.get("stream") is True
        recorded = expected(interaction.response)
        status = interaction.response.status
        if status >= 400:
            with pytest.raises(ERRORS[status]) as caught:
                call(client, rec, stream != flip)
            assert caught.value.status_code == status
            assert caught.value.type == recorded["error"]["type"]
            continue
        check(call(client, rec, stream != flip), recorded)
    assert source.stats == {"replayed": len(interactions), "recorded": 0, "misses": 0}


def test_all_cassettes_are_present() -> None:
    assert len(CASSETTES) == 57
