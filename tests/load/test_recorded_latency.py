"""``--latency recorded`` (DESIGN.md, "Load testing"): a cassette keeps when each answer came,
measured where the upstream's answer passes while recording (in-process and through the server),
and replays it at that pace. The upstream is a second fake on loopback with a known profile
(ttft 0.2 s, itl 0.02 s); the recording's figures are checked against that profile, then each
replay against the recording, through the real SDK, in-process and from ``claude-fake serve``."""

from __future__ import annotations

import asyncio
import statistics
import subprocess
import threading
import time
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import anthropic
import httpx2
import pytest
import yaml
from serve_helpers import serving

from claude_fake import FakeClaude, Latency
from claude_fake.errors import ConfigError
from claude_fake.sources.latency import UntimedAnswer

MODEL = "claude-sonnet-4-6"
TTFT, ITL = 0.2, 0.02
EARLY = 0.005  # a timer may fire this much before its time (clock granularity)
LATE = 0.25  # and this much after it, on a loaded two-core machine


def _ask(text: str, stream: bool = False) -> dict[str, Any]:
    body: dict[str, Any] = {
        "model": MODEL,
        "max_tokens": 120,
        "messages": [{"role": "user", "content": text}],
    }
    return {**body, "stream": True} if stream else body


@pytest.fixture(autouse=True)
def _no_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ANTHROPIC_API_KEY", raising=False)


@contextmanager
def _upstream() -> Iterator[str]:
    """A second fake on loopback standing in for the API, paced by a known profile."""
    fake = FakeClaude(seed=1, assert_all_used=False, latency=Latency(ttft=TTFT, itl=ITL))
    with fake.serve() as url:
        yield url


def _timed_stream(client: anthropic.Anthropic, text: str) -> tuple[float, float]:
    """(time to the first delta, total time) of one stream through the SDK."""
    start = time.monotonic()
    first = None
    with client.messages.stream(**_ask(text)) as stream:
        for event in stream:
            if event.type == "content_block_delta" and first is None:
                first = time.monotonic() - start
    assert first is not None
    return first, time.monotonic() - start


def _recorded(path: Path) -> list[dict[str, Any]]:
    return [item["response"] for item in yaml.safe_load(path.read_text())["interactions"]]


def _stream_times(response: dict[str, Any]) -> tuple[float, float]:
    """(recorded offset of the first delta, recorded offset of the last event) of a stream."""
    names = [event["event"] for event in response["events"]]
    times = response["timing"]["events"]
    assert len(times) == len(names)
    return times[names.index("content_block_delta")], times[-1]


def _record(path: Path, texts: tuple[str, ...] = ("stream one",)) -> None:
    """Record a stream per text and one JSON answer in-process, against the paced upstream."""
    with _upstream() as url:
        fake = FakeClaude(cassette=str(path), record_mode="once", upstream=url)
        client = fake.client(max_retries=0)
        for text in texts:
            _timed_stream(client, text)
        client.messages.create(**_ask("json one"))
        fake.close()


def test_recording_keeps_when_each_event_came(tmp_path: Path) -> None:
    cassette = tmp_path / "c.yaml"
    _record(cassette)
    stream, whole = _recorded(cassette)
    timing = stream["timing"]
    assert set(timing) == {"first_byte", "total", "events"}
    first, last = _stream_times(stream)
    assert TTFT - EARLY <= first <= TTFT + LATE
    pairs = zip(stream["events"], timing["events"], strict=True)
    deltas = [at for event, at in pairs if event["event"] == "content_block_delta"]
    assert len(deltas) >= 4
    for k, at in enumerate(deltas):  # the upstream's k-th delta is due at TTFT + k * ITL
        assert TTFT + k * ITL - EARLY <= at <= TTFT + k * ITL + LATE, deltas
    assert timing["events"] == sorted(timing["events"])
    assert all(round(t, 3) == t for t in timing["events"])  # to the millisecond
    assert timing["first_byte"] <= first <= last <= timing["total"]
    tokens = whole["json"]["usage"]["output_tokens"]
    expected = TTFT + ITL * tokens  # the upstream's JSON pace
    assert set(whole["timing"]) == {"first_byte", "total"}
    assert expected - EARLY <= whole["timing"]["total"] <= expected + LATE
    assert "timing: {first_byte: " in cassette.read_text()  # one compact line (or a few)


def test_recording_through_the_server_times_the_events_it_passes_on(tmp_path: Path) -> None:
    cassette = tmp_path / "c.yaml"
    with _upstream() as url:
        recorder = FakeClaude(cassette=str(cassette), record_mode="once", upstream=url)
        with (
            recorder.serve() as served,
            anthropic.Anthropic(base_url=served, api_key="k", max_retries=0) as client,
        ):
            _timed_stream(client, "stream one")
        recorder.close()
    first, _ = _stream_times(_recorded(cassette)[0])
    assert TTFT - EARLY <= first <= TTFT + LATE


def test_a_replay_in_process_keeps_the_recorded_pace(tmp_path: Path) -> None:
    cassette = tmp_path / "c.yaml"
    _record(cassette)
    stream, whole = _recorded(cassette)
    fake = FakeClaude(cassette=str(cassette), latency=Latency(recorded=True))
    client = fake.client(max_retries=0)
    first, total = _timed_stream(client, "stream one")
    recorded_first, recorded_last = _stream_times(stream)
    assert recorded_first - EARLY <= first <= recorded_first + LATE
    assert recorded_last - EARLY <= total <= recorded_last + LATE
    start = time.monotonic()
    client.messages.create(**_ask("json one"))
    took = time.monotonic() - start
    assert whole["timing"]["total"] - EARLY <= took <= whole["timing"]["total"] + LATE


def test_without_the_recorded_profile_a_timed_cassette_replays_at_once(tmp_path: Path) -> None:
    cassette = tmp_path / "c.yaml"
    _record(cassette)
    client = FakeClaude(cassette=str(cassette)).client(max_retries=0)
    _, total = _timed_stream(client, "stream one")
    assert total < TTFT  # no wait at all: the upstream's pace is only replayed when asked


def test_a_replay_from_the_server_keeps_the_recorded_pace_with_two_workers(
    tmp_path: Path,
) -> None:
    """``serve --latency recorded --workers 2 --allow-playback-repeats``: concurrent streams of
    the one recorded interaction, each at the recorded pace, counted from when the SDK sent it
    (an event hook), the end as far after the first delta as recorded (no drift)."""
    cassette = tmp_path / "c.yaml"
    _record(cassette)
    recorded_first, recorded_last = _stream_times(_recorded(cassette)[0])
    sent: dict[str, float] = {}

    async def stamp(request: httpx2.Request) -> None:
        sent[request.headers["x-n"]] = time.monotonic()

    async def run(url: str) -> list[tuple[float, float]]:
        http = anthropic.DefaultAsyncHttpxClient(event_hooks={"request": [stamp]})
        async with anthropic.AsyncAnthropic(
            base_url=url, api_key="k", max_retries=0, http_client=http
        ) as client:

            async def one(n: int) -> tuple[float, float]:
                first = None
                headers = {"x-n": str(n)}
                async with client.messages.stream(**_ask("stream one"), extra_headers=headers) as s:
                    async for event in s:
                        if event.type == "content_block_delta" and first is None:
                            first = time.monotonic()
                assert first is not None
                return first - sent[str(n)], time.monotonic() - sent[str(n)]

            await one(-1)
            return await asyncio.gather(*(one(n) for n in range(16)))

    flags = ("--cassette", str(cassette), "--latency", "recorded", "--workers", "2")
    with serving(*flags, "--allow-playback-repeats") as (url, _):
        timings = asyncio.run(run(url))
    assert len(timings) == 16
    shown = f"recorded {recorded_first}/{recorded_last}, replayed {sorted(timings)}"
    assert all(first >= recorded_first - EARLY for first, _ in timings), shown  # never early
    assert all(total >= recorded_last - EARLY for _, total in timings), shown
    # 16 SDK streams parsed in one client process beside the suite on two cores: generous bounds
    # (on a quiet machine the median first delta is ~20 ms late); no drift from first to last
    assert statistics.median(f for f, _ in timings) <= recorded_first + 6 * LATE, shown
    gaps = [total - first for first, total in timings]
    assert statistics.median(gaps) <= recorded_last - recorded_first + 2 * LATE, shown


def test_a_cassette_without_timings_replays_at_once_and_says_so(tmp_path: Path) -> None:
    cassette = tmp_path / "c.yaml"
    _record(cassette)
    doc = yaml.safe_load(cassette.read_text())
    for item in doc["interactions"]:
        del item["response"]["timing"]  # as a cassette recorded before timings were kept
    cassette.write_text(yaml.safe_dump(doc))
    fake = FakeClaude(cassette=str(cassette), latency="recorded")
    client = fake.client(max_retries=0)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        _, total = _timed_stream(client, "stream one")
        start = time.monotonic()
        client.messages.create(**_ask("json one"))
    assert total < TTFT
    assert time.monotonic() - start < TTFT
    said = [str(w.message) for w in caught if w.category is UntimedAnswer]
    assert len(said) == 1  # said once
    assert "its cassette holds no timings" in said[0]


def test_serve_says_how_much_of_the_cassette_has_timings(tmp_path: Path) -> None:
    cassette = tmp_path / "c.yaml"
    _record(cassette)
    with serving("--cassette", str(cassette), "--latency", "recorded") as (_, proc):
        said = _banner_line(proc, "latency")
    assert (
        said
        == "  latency recorded: each replayed answer as the cassette timed it (2 interactions)\n"
    )


def _banner_line(proc: subprocess.Popen[str], word: str) -> str:
    """The banner's line holding ``word`` ('' if none: the process is stopped after 20 s)."""
    assert proc.stderr is not None
    guard = threading.Timer(20, proc.terminate)
    guard.start()
    try:
        for line in proc.stderr:
            if word in line:
                return line
        return ""
    finally:
        guard.cancel()


def test_serve_refuses_recorded_without_a_cassette(capsys: pytest.CaptureFixture[str]) -> None:
    from claude_fake import cli

    assert cli.main(["serve", "--port", "0", "--latency", "recorded"]) == 2
    assert "--latency recorded needs a --cassette" in capsys.readouterr().err


@pytest.mark.parametrize("given", [Latency(recorded=True), "recorded", {"recorded": True}])
def test_the_recorded_profile_is_a_setting(given: Any) -> None:
    profile = FakeClaude(latency=given).config.latency
    assert profile == Latency(recorded=True)
    assert profile is not None
    assert profile.as_json() == {"recorded": True}


@pytest.mark.parametrize(
    ("given", "said"),
    [
        ({"recorded": True, "ttft": 0.2}, "recorded comes alone"),
        ({"recorded": "yes"}, "must be True or False"),
    ],
)
def test_a_wrong_recorded_profile_says_what_is_wrong(given: Any, said: str) -> None:
    with pytest.raises(ConfigError, match=said):
        FakeClaude(latency=given)


def test_post_latency_takes_recorded(fake: FakeClaude, base_url: str) -> None:
    with httpx2.Client(base_url=base_url) as http:
        answer = http.post("/_fake/latency", json={"recorded": True})
        assert answer.json() == {"latency": {"recorded": True}}
        assert fake.pacing.profile == Latency(recorded=True)
        assert http.get("/_fake/latency").json() == {"latency": {"recorded": True}}


def test_a_generated_answer_under_the_recorded_profile_comes_at_once() -> None:
    FakeClaude().client().messages.create(**_ask("hello"))  # the generator's first load, untimed
    fake = FakeClaude(latency=Latency(recorded=True))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        start = time.monotonic()
        fake.client().messages.create(**_ask("hello"))
    assert time.monotonic() - start < TTFT
    assert [str(w.message) for w in caught if w.category is UntimedAnswer] == [
        "claude_fake: latency 'recorded': an answer came at once: a generated answer has no "
        "recorded timing. Later answers without timings come at once too, without another "
        "warning."
    ]
