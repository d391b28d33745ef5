"""A cassette's ``timing``: written compactly in both file forms, read back as written, optional
(older cassettes have none), refused when malformed; and how its times pace a replayed answer
whose events are not the recorded ones (a translated answer, a JSON answer asked as a stream)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from test_cassette_format import MESSAGE

from claude_fake.latency import Timing
from claude_fake.sources.cassette import format as fmt
from claude_fake.sources.cassette import store, transcript, yamltext
from claude_fake.wire import render

EVENTS = tuple(
    (name, data)
    for name, data in (
        ("message_start", {"type": "message_start", "message": {**MESSAGE, "content": []}}),
        ("content_block_start", {"type": "content_block_start", "index": 0, "content_block": {}}),
        ("content_block_delta", {"type": "content_block_delta", "index": 0, "delta": {}}),
        ("message_stop", {"type": "message_stop"}),
    )
)
TIMING = Timing(first_byte=0.12, total=0.9, events=(0.2, 0.2, 0.41, 0.9))


def _interaction(n: int, timing: Timing | None = TIMING) -> fmt.Interaction:
    request = fmt.RecordedRequest(
        method="POST", uri="https://api.anthropic.com/v1/messages", body={"n": n}
    )
    response = fmt.RecordedResponse(status=200, events=EVENTS, timing=timing)
    return fmt.Interaction(request=request, response=response)


@pytest.mark.parametrize("count", [1, yamltext.LARGE])  # block YAML, then one JSON line each
def test_timing_is_read_back_as_written(tmp_path: Path, count: int) -> None:
    path = tmp_path / "c.yaml"
    store.save(path, [_interaction(n) for n in range(count)])
    loaded = store.load(path)
    assert loaded is not None
    assert {i.response.timing for i in loaded} == {TIMING}
    assert store.open_cassette(path).timed == count  # type: ignore[union-attr]


def test_timing_is_one_flow_line_in_block_yaml(tmp_path: Path) -> None:
    path = tmp_path / "c.yaml"
    store.save(path, [_interaction(0)])
    lines = path.read_text().splitlines()
    assert "    timing: {first_byte: 0.12, total: 0.9, events: [0.2, 0.2, 0.41, 0.9]}" in lines


def test_a_cassette_without_timing_still_loads(tmp_path: Path) -> None:
    path = tmp_path / "c.yaml"
    store.save(path, [_interaction(0, timing=None)])
    assert "timing" not in path.read_text()
    loaded = store.load(path)
    assert loaded is not None
    assert loaded[0].response.timing is None
    assert store.open_cassette(path).timed == 0  # type: ignore[union-attr]


@pytest.mark.parametrize(
    "timing",
    ["fast", {"first_byte": -1}, {"total": "1"}, {"events": 0.2}, {"events": [0.1, None]}],
)
def test_a_malformed_timing_fails_the_check(tmp_path: Path, timing: Any) -> None:
    path = tmp_path / "c.yaml"
    store.save(path, [_interaction(0)])
    text = path.read_text()
    start = text.index("    timing: ")
    end = text.index("\n", start)
    path.write_text(text[:start] + f"    timing: {timing!r}".replace("'", '"') + text[end:])
    code, report = transcript.check([path])
    assert code == 1
    assert "timing" in report


def test_show_says_how_long_the_answer_took(tmp_path: Path) -> None:
    path = tmp_path / "c.yaml"
    store.save(path, [_interaction(0)])
    code, text = transcript.show(path)
    assert code == 0
    assert "; took 0.90 s, first delta at 0.41 s" in text


def test_a_schedule_spreads_the_recorded_times_over_other_events() -> None:
    assert TIMING.schedule(4) == TIMING.events  # the recorded events themselves
    spread = TIMING.schedule(7)  # a translated answer, rendered as more events
    assert spread[0] == 0.2
    assert spread[-1] == 0.9
    assert list(spread) == sorted(spread)
    assert TIMING.schedule(1) == (0.9,)
    whole = Timing(first_byte=0.3, total=1.5)  # a recorded JSON answer asked as a stream
    chunks = len(render.message_events(MESSAGE))
    assert whole.schedule(chunks) == (1.5,) * chunks
