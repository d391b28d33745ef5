"""State must not make the fake quadratic: answering turn 200 of a long conversation.

A 200-turn beta conversation with prompt caching (a cached system prompt and tools, plus the
top-level automatic breakpoint) and threshold compaction (``compact_20260112``) is played through
the engine, the client sending the whole history each turn as the API expects. Then the time the
engine takes to answer turn 200 (``FakeClaude.handle``: parse, validate, compaction, caching,
generation, rendering) is compared with the time to parse and validate that turn's body alone
(``json.loads`` + ``validation.validate.validate_body``). The target is a ratio of at most 2.

Run alone: ``.venv/bin/python benchmarks/bench_stateful.py`` (``--json`` for the runner,
``--check`` to exit 1 when the ratio is above the target).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import _payloads as P
from _timing import Figure, figure, interleaved, median, ratio, ratio_script

from claude_fake import FakeClaude
from claude_fake.config import ValidateMode
from claude_fake.model import FakeRequest
from claude_fake.validation.validate import validate_body

TURNS = 200
TARGET = 2.0
TRIGGER = 20_000
BETAS = "compact-2026-01-12"
HEADERS = {
    "anthropic-version": "2026-10-21",
    "authorization": "Bearer sk-ant-bench",
    "anthropic-beta": BETAS,
    "content-type": "application/json",
}


def base_body() -> dict[str, Any]:
    """Every field of the conversation's requests except ``messages``."""
    tools = P.tools(5)
    tools[-1] = {**tools[-1], "cache_control": {"type": "ephemeral", "ttl": "1h"}}
    return {
        "model": P.MODEL,
        "max_tokens": 1024,
        "system": [
            {"type": "text", "text": P.long_text(2_000), "cache_control": {"type": "ephemeral"}}
        ],
        "tools": tools,
        "cache_control": {"type": "ephemeral"},
        "context_management": {
            "edits": [
                {"type": "compact_20260112", "trigger": {"type": "input_tokens", "value": TRIGGER}}
            ]
        },
    }


def user_turn(n: int) -> dict[str, Any]:
    """The user's n-th message: about 150 words."""
    return {"role": "user", "content": [{"type": "text", "text": f"Turn {n}. " + P.long_text(150)}]}


def ask(fake: FakeClaude, body: dict[str, Any]) -> tuple[FakeRequest, dict[str, Any]]:
    """The request for ``body`` and the Message the engine answers it with."""
    raw = json.dumps(body, separators=(",", ":")).encode()
    request = FakeRequest(method="POST", path="/v1/messages", headers=HEADERS, raw=raw)
    response = fake.handle(request)
    assert response.status == 200, response.body[:300]
    return request, response.payload


def conversation(fake: FakeClaude, turns: int) -> tuple[FakeRequest, int]:
    """Play ``turns - 1`` turns; the request of the last turn, and how many turns compacted."""
    body, messages, compactions = base_body(), [], 0
    for n in range(1, turns):
        messages.append(user_turn(n))
        _, message = ask(fake, {**body, "messages": messages})
        compactions += message["content"][0]["type"] == "compaction"
        messages.append({"role": "assistant", "content": message["content"]})
        fake.reset()  # keep the request log short, as a test would
    messages.append(user_turn(turns))
    raw = json.dumps({**body, "messages": messages}, separators=(",", ":")).encode()
    return FakeRequest(method="POST", path="/v1/messages", headers=HEADERS, raw=raw), compactions


def figures(rounds: int) -> list[Figure]:
    """Turn 200 answered vs parsed and validated."""
    fake = FakeClaude(seed=0)
    request, compactions = conversation(fake, TURNS)

    def answer() -> None:
        fake.handle(request)

    def parse_and_validate() -> None:
        body = json.loads(request.raw)
        validate_body(
            "messages",
            body,
            api_version=HEADERS["anthropic-version"],
            betas=(BETAS,),
            mode=ValidateMode.STRICT,
        )

    times = interleaved(
        {"answer": answer, "parse": parse_and_validate},
        batch=5,
        rounds=rounds,
        after_round=fake.reset,
    )
    share = ratio(times["answer"], times["parse"])
    usage = fake.handle(request).payload["usage"]
    extra = {"turns": TURNS, "body_bytes": len(request.raw), "compactions": compactions}
    return [
        figure(
            "stateful.parse_validate_ms",
            median(times["parse"]) * 1e3,
            "ms",
            f"turn {TURNS}: json.loads + validate_body ({len(request.raw):,} bytes)",
            **extra,
        ),
        figure(
            "stateful.answer_ms",
            median(times["answer"]) * 1e3,
            "ms",
            f"turn {TURNS}: FakeClaude.handle (cache read {usage['cache_read_input_tokens']:,})",
            ratio=share,
        ),
        figure(
            "stateful.ratio",
            share,
            "x",
            f"answer / parse+validate (target <= {TARGET})",
            target=TARGET,
            compactions=compactions,
        ),
    ]


def main() -> int:
    """Run the benchmark and print its figures."""
    return ratio_script(__doc__ or "", figures, TARGET, rounds=15)


if __name__ == "__main__":
    raise SystemExit(main())
