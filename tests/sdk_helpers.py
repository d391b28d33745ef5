"""An SDK client whose transport hands each request straight to a function of the fake's."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import anthropic
import httpx2

from claude_fake.model import FakeRequest


def sdk_client(answer: Callable[[FakeRequest, str], Any], **options: Any) -> anthropic.Anthropic:
    """A strict SDK client whose transport hands each request to ``answer``; streams stay lazy."""
    counter = iter(range(1_000_000))

    def handler(request: httpx2.Request) -> httpx2.Response:
        raw = request.read()
        fake = FakeRequest(
            method=request.method,
            path=request.url.path,
            query=request.url.query.decode(),
            headers={k.lower(): v for k, v in request.headers.items()},
            raw=raw,
            body=json.loads(raw) if raw else None,
        )
        response = answer(fake, f"req_011CTEST{next(counter):012d}")
        content = iter(response.chunks) if response.chunks is not None else response.body
        return httpx2.Response(response.status, headers=dict(response.headers), content=content)

    return anthropic.Anthropic(
        api_key=options.pop("api_key", "sk-ant-test"),
        base_url="http://fake",
        http_client=httpx2.Client(transport=httpx2.MockTransport(handler)),
        max_retries=options.pop("max_retries", 0),
        _strict_response_validation=True,
        **options,
    )
