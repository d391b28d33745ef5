"""What every provider face shares: the translation a face hands back (the Messages form of the
request, and how to put the engine's answer back into the provider's wire form), and the small
pieces they all use: JSON bodies, the Messages request, error parts, SSE events, stream mapping."""

from __future__ import annotations

import json
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping
from dataclasses import replace
from typing import Any, NamedTuple

from claude_fake.model import FakeRequest, FakeResponse, StreamPlan
from claude_fake.wire.jsontext import compact, compact_parsed

# Headers that carry behaviour (retries, ids, limits) from the engine's answer to every provider's.
CARRIED = ("retry-after", "retry-after-ms", "x-should-retry", "request-id")
MESSAGES_PATH = "/v1/messages"
COUNT_TOKENS_PATH = "/v1/messages/count_tokens"

Adapt = Callable[[FakeResponse], FakeResponse]
Event = tuple[str, bytes]  # (SSE event name, its data bytes)


class Translation(NamedTuple):
    """A provider request as the engine sees it, and how its answer goes back on the wire."""

    request: FakeRequest
    adapt: Adapt


def same(response: FakeResponse) -> FakeResponse:
    """The answer unchanged: providers that proxy the first-party wire form."""
    return response


def json_body(raw: bytes) -> Any:
    """The parsed JSON of ``raw``; None when it is absent or not JSON. A UTF-8 document with
    nothing around it is decoded without ``json.loads``'s encoding detection (half its cost on
    a small body); anything else is left to ``json.loads``."""
    if not raw:
        return None
    try:
        text = raw.decode()
        value, end = _DECODER.raw_decode(text)
        if end == len(text):
            return value
    except (ValueError, UnicodeDecodeError):
        pass
    try:
        return json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        return None


def json_bytes(body: Any) -> bytes:
    """``body`` as compact UTF-8 JSON; a lone surrogate (``"\\ud800"`` in the provider's body)
    stays an escape, for the Messages API's parser to refuse as the API does."""
    try:
        return compact_parsed(body).encode()
    except UnicodeEncodeError:
        return json.dumps(body, separators=(",", ":")).encode()


_DECODER = json.JSONDecoder()


def messages_request(
    request: FakeRequest,
    *,
    provider: str,
    path: str,
    body: Any = None,
    headers: Mapping[str, str] | None = None,
    drop: Collection[str] = (),
    query: str = "",
) -> FakeRequest:
    """``request`` re-addressed to the Messages API: its path, body (re-encoded) and headers."""
    merged = (
        {k: v for k, v in request.headers.items() if k not in drop} if drop else {**request.headers}
    )
    if headers:
        merged.update(headers)
    raw = request.raw if body is None else json_bytes(body)
    return FakeRequest(
        method=request.method,
        path=path,
        query=query,
        headers=merged,
        raw=raw,
        root_path=request.root_path,
        provider=provider,
    )


def rerouted(
    request: FakeRequest, provider: str, path: str, headers: Mapping[str, str] | None = None
) -> Translation:
    """A first-party request under a provider's prefix: the same body at ``path``, answered
    in the first-party wire form."""
    out = messages_request(
        request, provider=provider, path=path, headers=headers, query=request.query
    )
    return Translation(out, same)


def error_parts(response: FakeResponse) -> tuple[str, str] | None:
    """(error type, message) of an error answer in the API's envelope; None for a success."""
    if response.status < 400:
        return None
    payload = response.payload
    error = payload.get("error") if isinstance(payload, dict) else None
    if not isinstance(error, dict):
        return "api_error", f"Error code: {response.status}"
    return str(error.get("type", "api_error")), str(error.get("message", ""))


def carried(response: FakeResponse) -> dict[str, str]:
    """The behaviour headers of ``response``: retry hints, request id, and on an error the rate
    limits."""
    headers = response.headers
    out = {name: headers[name] for name in CARRIED if name in headers}
    if response.status >= 400:
        out.update((k, v) for k, v in headers.items() if k.startswith("anthropic-ratelimit-"))
    return out


def json_answer(
    response: FakeResponse, status: int, payload: Any, headers: Mapping[str, str]
) -> FakeResponse:
    """``response`` with a new status, JSON body and headers (source, plan and drop kept)."""
    return replace(
        response,
        status=status,
        headers={"content-type": "application/json", **headers},
        body=compact(payload).encode(),
        chunks=None,
    )


def sse_event(chunk: bytes) -> Event | None:
    """The (name, data) of one whole SSE event as the engine writes it; None for none."""
    name, data = b"", b""
    for line in chunk.split(b"\n"):
        if line.startswith(b"event:"):
            name = line[6:].strip()
        elif line.startswith(b"data:"):
            data = line[5:].strip() if not data else data + b"\n" + line[5:].strip()
    if not data:
        return None
    return name.decode() or "message", data


def whole_event(chunk: bytes) -> list[Event]:
    """The events of a chunk holding whole events; one as the engine writes it
    (``event: NAME\ndata: JSON\n\n``) is taken apart without a scan."""
    end = chunk.find(b"\n")
    if (
        chunk[:7] == b"event: "
        and chunk[end : end + 7] == b"\ndata: "
        and chunk.find(b"\n", end + 1) == len(chunk) - 2
        and chunk[-1:] == b"\n"
    ):
        return [(chunk[7:end].decode(), chunk[end + 7 : -2])]
    return SseSplitter().feed(chunk)


class SseSplitter:
    """SSE events out of byte chunks cut anywhere (a recording passes upstream bytes through)."""

    def __init__(self) -> None:
        self._pending = b""

    def feed(self, chunk: bytes) -> list[Event]:
        """The events completed by ``chunk``."""
        text = (self._pending + chunk).replace(b"\r\n", b"\n")
        *whole, self._pending = text.split(b"\n\n")
        return [event for block in whole if (event := sse_event(block)) is not None]


def map_stream(
    response: FakeResponse,
    convert: Callable[[list[Event]], bytes],
    headers: Mapping[str, str],
    convert_all: Callable[[list[bytes]], list[bytes]] | None = None,
) -> FakeResponse:
    """``response``'s stream with each chunk's events converted by ``convert`` (one chunk out
    per chunk in, so ``after_events`` still counts the events on the wire); a mid-stream error
    event of the plan is converted too. ``convert_all``, when given, converts the engine's own
    list of chunks (one whole event each) in one pass, as ``convert`` would chunk by chunk."""
    assert response.chunks is not None
    chunks: Iterable[bytes]
    if isinstance(response.chunks, list):  # the engine's own: one whole event per chunk
        if convert_all is not None:
            chunks = convert_all(response.chunks)
        else:
            chunks = [convert(whole_event(chunk)) for chunk in response.chunks]
    else:
        chunks = _mapped(response.chunks, convert)
    plan = response.plan
    if plan.error_event is not None:
        plan = replace(plan, error_event=convert(SseSplitter().feed(plan.error_event)))
    return restreamed(response, headers, chunks, plan)


def restreamed(
    response: FakeResponse, headers: Mapping[str, str], chunks: Iterable[bytes], plan: StreamPlan
) -> FakeResponse:
    """``response`` with new headers, chunks and plan, built directly (``dataclasses.replace``
    costs four times as much, on every streamed answer)."""
    return FakeResponse(
        status=response.status,
        headers=headers,
        body=response.body,
        chunks=chunks,
        plan=plan,
        source=response.source,
        payload=response.payload,
        dropped=response.dropped,
    )


def _mapped(chunks: Iterable[bytes], convert: Callable[[list[Event]], bytes]) -> Iterator[bytes]:
    splitter = SseSplitter()
    for chunk in chunks:
        yield convert(splitter.feed(chunk))
