"""Mutated real bodies, 8 at a time, over a loopback server and in-process: every answer is a 2xx,
or a 4xx in the API's envelope with a request-id; never a 5xx, never a dropped connection.

``CLAUDE_FAKE_FUZZ_EXAMPLES=650 CLAUDE_FAKE_FUZZ_SERVER_ONLY=1`` runs the long form by hand
(650 x 8 = 5,200 requests over the server); ``CLAUDE_FAKE_FUZZ_REPORT=FILE`` writes the figures
(requests, seconds, count per face and status) to FILE as JSON."""

from __future__ import annotations

import json
import os
import random
import threading
import time
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx2
import pytest
from corpus import VALID_BODIES
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from claude_fake import FakeClaude
from claude_fake.faces.server import running_server
from claude_fake.faces.transport import sync_transport

EXAMPLES = int(os.environ.get("CLAUDE_FAKE_FUZZ_EXAMPLES", "6"))
PARALLEL = 8
FACES = [1] if os.environ.get("CLAUDE_FAKE_FUZZ_SERVER_ONLY") else [0, 1]  # 1: the server
PATHS = (
    "/v1/messages",
    "/v1/messages?beta=true",
    "/v1/messages/count_tokens",
    "/v1/messages/batches",
    "/v1/models",
    "/v1/complete",
    "/_fake/replies",
    "/_fake/faults",
)
HEADERS = (
    {"anthropic-version": "2023-06-01", "x-api-key": "k", "content-type": "application/json"},
    {"anthropic-version": "2026-10-21", "authorization": "Bearer k"},
    {"anthropic-version": "2026-10-21", "anthropic-beta": "compact-2026-01-12,,  nope"},
    {"content-type": "text/plain"},
    {"anthropic-version": "1999-01-01", "content-type": "application/x-www-form-urlencoded"},
)
MUTATIONS = ("none", "drop", "swap", "nest", "big", "nan", "utf8", "truncate", "huge")


def mutate(body: dict[str, Any], how: str, rng: random.Random) -> bytes:
    """One mutation of a real body, as the bytes sent."""
    body = json.loads(json.dumps(body))
    if how == "drop" and body:
        body.pop(rng.choice(sorted(body)))
    elif how == "swap" and body:
        body[rng.choice(sorted(body))] = rng.choice([None, 1, "x", [], {}, True, -1.5])
    elif how == "big":
        body["messages"] = [{"role": "user", "content": "x" * rng.randint(50_000, 600_000)}]
    elif how == "huge":
        body["max_tokens"] = rng.choice([10**30, -(10**30), 2**63, 1e308])
    raw = json.dumps(body).encode()
    if how == "nest":
        depth = rng.choice([10, 255, 257, 1000, 100_000])
        raw = raw[:-1] + b', "metadata": ' + b"[" * depth + b"]" * depth + b"}"
    elif how == "nan":
        raw = raw[:-1] + rng.choice([b', "top_k": NaN}', b', "temperature": Infinity}'])
    elif how == "utf8":
        cut = rng.randrange(len(raw))
        raw = raw[:cut] + rng.choice([b"\xff", b"\xc3", b"\\ud800", b"\xed\xa0\x80"]) + raw[cut:]
    elif how == "truncate":
        raw = raw[: rng.randrange(len(raw))]
    return raw


REQUESTS = st.tuples(
    st.sampled_from(range(len(VALID_BODIES))),
    st.sampled_from(MUTATIONS),
    st.sampled_from(PATHS),
    st.sampled_from(HEADERS),
    st.integers(0, 2**32),
)


class Tally:
    """What each face answered, by status (thread-safe), for the long run's figures."""

    def __init__(self) -> None:
        self.lock, self.counts, self.started = threading.Lock(), Counter[str](), time.monotonic()

    def add(self, face: str, response: httpx2.Response) -> None:
        keys = [f"{face} {response.status_code}"]
        if response.status_code >= 400 and "request-id" not in response.headers:
            keys.append(f"{face} {response.status_code} without request-id")
        with self.lock:
            self.counts.update(keys)

    def write(self, path: str) -> None:
        figures = {
            "requests": sum(self.counts.values()),
            "seconds": round(time.monotonic() - self.started, 1),
            "by_face_and_status": dict(sorted(self.counts.items())),
        }
        Path(path).write_text(json.dumps(figures, indent=2) + "\n")


@pytest.fixture(scope="module")
def clients() -> Iterator[tuple[httpx2.Client, httpx2.Client, Tally]]:
    fake = FakeClaude(seed=3, journal_size=50)
    tally = Tally()
    with running_server(fake) as url:
        inprocess = httpx2.Client(transport=sync_transport(fake), base_url="http://fake")
        with inprocess, httpx2.Client(base_url=url, timeout=30) as server:
            yield inprocess, server, tally
    if os.environ.get("CLAUDE_FAKE_FUZZ_REPORT"):
        tally.write(os.environ["CLAUDE_FAKE_FUZZ_REPORT"])


def check(response: httpx2.Response) -> None:
    assert response.status_code < 500, response.text[:300]
    if response.status_code < 400:
        return
    payload = response.json()
    assert payload["type"] == "error"
    assert payload["error"]["type"]
    assert payload["error"]["message"]
    assert payload["request_id"] == response.headers["request-id"]  # /_fake/ errors too


def send(
    client: httpx2.Client, request: tuple[int, str, str, dict[str, str], int], tally: Tally
) -> None:
    index, how, path, headers, seed = request
    raw = mutate(VALID_BODIES[index], how, random.Random(seed))
    response = client.post(path, content=raw, headers=headers)
    tally.add("server" if client.base_url.host != "fake" else "in-process", response)
    check(response)


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
@given(batch=st.lists(REQUESTS, min_size=PARALLEL, max_size=PARALLEL), face=st.sampled_from(FACES))
def test_mutated_real_bodies_8_at_a_time(
    clients: tuple[httpx2.Client, httpx2.Client, Tally], batch: list[Any], face: int
) -> None:
    client, tally = clients[face], clients[2]
    with ThreadPoolExecutor(PARALLEL) as pool:
        for done in [pool.submit(send, client, request, tally) for request in batch]:
            done.result()
