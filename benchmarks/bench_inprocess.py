"""In-process figures: the SDK's own floor, the fake through its transport, and validation.

The floor is the same SDK call through ``httpx2.MockTransport`` returning the very bytes the fake
answers, so the two sides differ only by what the fake does. Run alone:
``.venv/bin/python benchmarks/bench_inprocess.py`` (``--json`` for the runner).
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import anthropic

sys.path.insert(0, str(Path(__file__).resolve().parent))

import _payloads as P
from _timing import Figure, emit, figure, interleaved, median, ratio, runner_parser

from claude_fake import FakeClaude
from claude_fake.config import ValidateMode
from claude_fake.model import FakeRequest
from claude_fake.wire.http import http_module

HEADERS = {"anthropic-version": "2023-06-01", "x-api-key": "k", "content-type": "application/json"}


def canned(fake: FakeClaude, body: dict[str, Any]) -> tuple[dict[str, str], bytes]:
    """The headers and the whole body the fake answers for ``body``."""
    raw = json.dumps(body).encode()
    answer = fake.handle(FakeRequest(method="POST", path="/v1/messages", headers=HEADERS, raw=raw))
    data = b"".join(answer.chunks) if answer.chunks is not None else answer.body
    fake.reset()
    return dict(answer.headers), data


def floor_client(headers: dict[str, str], body: bytes) -> anthropic.Anthropic:
    """An SDK client whose every request gets ``body`` back from ``httpx2.MockTransport``."""
    http = http_module()

    def handler(request: Any) -> Any:
        return http.Response(200, headers=headers, content=body)

    transport = http.MockTransport(handler)
    return anthropic.Anthropic(api_key="k", http_client=http.Client(transport=transport))


def scripted(text: str | None, **settings: Any) -> tuple[FakeClaude, Callable[[], None]]:
    """A fake answering every request with ``text`` (or the generator), and its reset hook."""
    fake = FakeClaude(seed=0, **settings)

    def reset() -> None:
        fake.reset()  # keep the request log short, as in a test
        if text is not None:
            fake.reply(text, times=None)

    reset()
    return fake, reset


def consume(client: anthropic.Anthropic, args: dict[str, Any]) -> None:
    """Read a whole stream the way an application does: every event, then the final Message."""
    with client.messages.stream(**args) as stream:
        for _ in stream:
            pass
        stream.get_final_message()


def create_figures(rounds: int) -> list[Figure]:
    """Floor, scripted and generated ``messages.create`` (a short exchange)."""
    args = P.create_args()
    fake, reset = scripted(P.SHORT_REPLY)
    gen, reset_gen = scripted(None)
    floor = floor_client(*canned(fake, {**args, "stream": False}))
    reset()
    fake_client, gen_client = fake.client(), gen.client()
    times = interleaved(
        {
            "floor": lambda: floor.messages.create(**args),
            "scripted": lambda: fake_client.messages.create(**args),
            "generated": lambda: gen_client.messages.create(**args),
        },
        batch=25,
        rounds=rounds,
        warmup=20,
        after_round=lambda: (reset(), reset_gen()),
    )
    ms = {k: median(v) * 1e3 for k, v in times.items()}
    return [
        figure("floor.create", ms["floor"], "ms", "SDK floor: create via httpx2.MockTransport"),
        figure(
            "inproc.create",
            ms["scripted"],
            "ms",
            "in-process create (scripted reply)",
            ratio=ratio(times["scripted"], times["floor"]),
            ratio_of="SDK floor",
        ),
        figure(
            "inproc.create_generated",
            ms["generated"],
            "ms",
            "in-process create (generator)",
            ratio=ratio(times["generated"], times["floor"]),
            ratio_of="SDK floor",
        ),
    ]


def stream_figures(rounds: int) -> list[Figure]:
    """Floor and fake ``messages.stream()`` of 1,000 text deltas."""
    args = P.create_args()
    fake, reset = scripted(P.long_text())
    headers, body = canned(fake, {**args, "stream": True})
    deltas = body.count(b"event: content_block_delta")
    floor = floor_client(headers, body)
    reset()
    client = fake.client()
    times = interleaved(
        {"floor": lambda: consume(floor, args), "fake": lambda: consume(client, args)},
        batch=1,
        rounds=rounds,
        warmup=2,
        after_round=reset,
    )
    return [
        figure(
            "floor.stream",
            median(times["floor"]) * 1e3,
            "ms",
            f"SDK floor: stream of {deltas} deltas, canned SSE bytes",
        ),
        figure(
            "inproc.stream",
            median(times["fake"]) * 1e3,
            "ms",
            f"in-process stream of {deltas} deltas",
            ratio=ratio(times["fake"], times["floor"]),
            ratio_of="SDK floor",
        ),
    ]


def validation_figures(rounds: int) -> list[Figure]:
    """``validate_body`` on 50 messages and 10 tools, and what strict mode adds to a create."""
    from claude_fake.validation import validate

    body = P.big_request()
    check = validate.validate_body
    assert (
        check("messages", body, api_version="2023-06-01", betas=(), mode=ValidateMode.STRICT)
        is None
    ), "the benchmark request must be valid"
    args = {k: v for k, v in body.items()}
    strict, reset_strict = scripted(P.SHORT_REPLY, validate="strict")
    off, reset_off = scripted(P.SHORT_REPLY, validate="off")
    strict_client, off_client = strict.client(), off.client()
    times = interleaved(
        {
            "validate": lambda: check(
                "messages", body, api_version="2023-06-01", betas=(), mode=ValidateMode.STRICT
            ),
            "strict": lambda: strict_client.messages.create(**args),
            "off": lambda: off_client.messages.create(**args),
        },
        batch=10,
        rounds=rounds,
        warmup=5,
        after_round=lambda: (reset_strict(), reset_off()),
    )
    return [
        figure(
            "validate.body",
            median(times["validate"]) * 1e6,
            "us",
            "validate_body: 50 messages, 10 tools (strict)",
        ),
        figure(
            "inproc.create_50msg_off",
            median(times["off"]) * 1e3,
            "ms",
            "in-process create, 50 messages + 10 tools, validate=off",
        ),
        figure(
            "inproc.create_50msg_strict",
            median(times["strict"]) * 1e3,
            "ms",
            "in-process create, 50 messages + 10 tools, validate=strict",
            ratio=ratio(times["strict"], times["off"]),
            ratio_of="validate=off",
        ),
    ]


def main(argv: list[str] | None = None) -> int:
    parser = runner_parser(__doc__)
    args = parser.parse_args(argv)
    scale = 4 if args.quick else 1
    figures = create_figures(40 // scale) + stream_figures(16 // scale)
    figures += validation_figures(30 // scale)
    emit(figures, args.json)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
