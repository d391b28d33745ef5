"""A Bedrock stream costs the fake about what the same stream costs on the Messages path.

The same generated answer (a ~300-token story, streamed) is asked for twice, interleaved: as
``POST /v1/messages`` with ``stream: true``, and as Bedrock's
``POST /model/{id}/invoke-with-response-stream`` (the body translated to the Messages form, the
SSE events re-framed as AWS event-stream messages with their CRCs and base64 chunks). Each side
is the fake's whole work for one request: ``ProviderHandler.handle`` and every byte of the
stream. The target is a ratio of at most 1.3. For reference (not judged), the same two streams
read through the SDK's own clients in-process, where the Bedrock client's botocore decoder is
the client's cost, not the fake's.

Run alone: ``.venv/bin/python benchmarks/bench_providers.py`` (``--json`` for the runner,
``--check`` to exit 1 when the ratio is above the target).
"""

from __future__ import annotations

import json
import sys
import warnings
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _timing import Figure, figure, interleaved, median, ratio, ratio_script

from claude_fake import FakeClaude
from claude_fake.model import FakeRequest
from claude_fake.providers import ProviderHandler

TARGET = 1.3
MODEL = "claude-sonnet-4-5"
BODY: dict[str, Any] = {
    "max_tokens": 300,
    "messages": [{"role": "user", "content": "Tell me a long story about a lighthouse."}],
}
MESSAGES = FakeRequest(
    method="POST",
    path="/v1/messages",
    headers={"anthropic-version": "2023-06-01", "x-api-key": "sk-ant-bench"},
    raw=json.dumps({"model": MODEL, **BODY, "stream": True}).encode(),
)
BEDROCK = FakeRequest(
    method="POST",
    path=f"/model/anthropic.{MODEL}-v1:0/invoke-with-response-stream",
    headers={"authorization": "Bearer bench-key", "content-type": "application/json"},
    raw=json.dumps({**BODY, "anthropic_version": "bedrock-2023-05-31"}).encode(),
)


def served(handler: ProviderHandler, request: FakeRequest) -> int:
    """Answer ``request`` and produce every byte of its stream; the byte count."""
    response = handler.handle(request)
    assert response.status == 200, response.body[:300]
    assert response.chunks is not None
    return sum(len(chunk) for chunk in response.chunks)


def sdk_figures(fake: FakeClaude, rounds: int) -> tuple[list[float], list[float]]:
    """The two streams read through ``fake.client()`` and ``fake.client(provider="bedrock")``."""
    clients = {"messages": fake.client(), "bedrock": fake.client(provider="bedrock")}
    body = {"model": MODEL, **BODY, "stream": True}

    def read(name: str) -> None:
        for _ in clients[name].messages.create(**body):
            pass

    times = interleaved(
        {name: (lambda name=name: read(name)) for name in clients},  # type: ignore[misc]
        batch=5,
        rounds=rounds,
        after_round=fake.reset,
    )
    return times["messages"], times["bedrock"]


def figures(rounds: int) -> list[Figure]:
    """The fake's cost of a Bedrock stream against the Messages one."""
    warnings.simplefilter("ignore", DeprecationWarning)  # the model's deprecation notice
    fake = FakeClaude(seed=0)
    handler = ProviderHandler(fake)
    sizes = {"messages": served(handler, MESSAGES), "bedrock": served(handler, BEDROCK)}
    times = interleaved(
        {
            "messages": lambda: served(handler, MESSAGES),
            "bedrock": lambda: served(handler, BEDROCK),
        },
        batch=20,
        rounds=rounds,
        after_round=fake.reset,
    )
    share = ratio(times["bedrock"], times["messages"])
    sdk_messages, sdk_bedrock = sdk_figures(fake, max(5, rounds // 2))
    return [
        figure(
            "providers.messages_stream_us",
            median(times["messages"]) * 1e6,
            "us",
            f"Messages stream served ({sizes['messages']:,} bytes of SSE)",
        ),
        figure(
            "providers.bedrock_stream_us",
            median(times["bedrock"]) * 1e6,
            "us",
            f"Bedrock stream served ({sizes['bedrock']:,} bytes of event-stream)",
            ratio=share,
        ),
        figure(
            "providers.sdk_ratio",
            ratio(sdk_bedrock, sdk_messages),
            "x",
            "info: read through the SDK clients (Bedrock: botocore decoding)",
            messages_ms=median(sdk_messages) * 1e3,
            bedrock_ms=median(sdk_bedrock) * 1e3,
        ),
        figure(
            "providers.ratio",
            share,
            "x",
            f"Bedrock stream / Messages stream, served (target <= {TARGET})",
            target=TARGET,
        ),
    ]


def main() -> int:
    """Run the benchmark and print its figures."""
    return ratio_script(__doc__ or "", figures, TARGET, rounds=30)


if __name__ == "__main__":
    raise SystemExit(main())
