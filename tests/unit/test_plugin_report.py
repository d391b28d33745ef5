"""plugin.report: the session's summary line (a tally summed across xdist workers) and the
teardown failure of one test (what was left unused, what went wrong, how to fix it)."""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

import pytest

from claude_fake.model import AnsweredBy, FakeRequest
from claude_fake.plugin.report import (
    GENERATED_HINT,
    SOURCES,
    Tally,
    answer_summary,
    requests_section,
    teardown_message,
)

ZEROS = ", ".join(f"0 {name}" for name in SOURCES)


def tally(tests: int = 0, written: int = 0, forced_off: int = 0, **sources: int) -> Tally:
    return Tally(tests=tests, sources=Counter(sources), written=written, forced_off=forced_off)


def test_an_empty_session_prints_nothing() -> None:
    assert Tally().lines(ci=False) == []
    assert tally(scripted=3).lines(ci=True) == []  # no test used the fake: no line


@pytest.mark.parametrize(
    ("counts", "line"),
    [
        pytest.param(
            tally(tests=1),
            f"claude_fake: 0 requests ({ZEROS}) in 1 test; 0 cassettes written",
            id="no-requests",
        ),
        pytest.param(
            tally(tests=7, written=1, scripted=9, replayed=3),
            "claude_fake: 12 requests (9 scripted, 3 replayed, 0 recorded, 0 generated, "
            "0 fault, 0 error, 0 miss) in 7 tests; 1 cassette written",
            id="the-readme-example",
        ),
        pytest.param(
            tally(tests=2, generated=1, fault=2, error=1, miss=1, recorded=4),
            "claude_fake: 9 requests (0 scripted, 0 replayed, 4 recorded, 1 generated, "
            "2 fault, 1 error, 1 miss) in 2 tests; 0 cassettes written",
            id="every-source-in-order",
        ),
        pytest.param(
            tally(tests=1, batch=2, scripted=1, alpha=1),
            f"claude_fake: 4 requests (1 scripted, {ZEROS[len('0 scripted, ') :]}, 1 alpha, "
            "2 batch) in 1 test; 0 cassettes written",
            id="other-sources-after-the-known-ones-sorted",
        ),
    ],
)
def test_the_summary_line(counts: Tally, line: str) -> None:
    assert counts.lines(ci=False) == [line]


def test_ci_adds_a_line_when_recording_was_forced_off() -> None:
    lines = tally(tests=3, forced_off=2, replayed=3).lines(ci=True)
    assert len(lines) == 2
    assert lines[1] == (
        "claude_fake: CI is set, so recording was off: 2 tests that asked to record ran with "
        "record mode none"
    )


@pytest.mark.parametrize(("ci", "forced_off"), [(False, 2), (True, 0)])
def test_no_ci_line_otherwise(ci: bool, forced_off: int) -> None:
    assert len(tally(tests=1, forced_off=forced_off).lines(ci=ci)) == 1


def test_worker_tallies_add_up_through_json() -> None:
    """xdist hands each worker's ``as_dict()`` to the controller as JSON; the sum is exact."""
    controller = Tally()
    workers = [
        tally(tests=2, written=1, scripted=2, fault=1),
        tally(tests=3, forced_off=1, scripted=1, generated=4),
        Tally(),
    ]
    for worker in workers:
        controller.add(json.loads(json.dumps(worker.as_dict())))
    assert controller.as_dict() == {
        "tests": 5,
        "sources": {"scripted": 3, "fault": 1, "generated": 4},
        "written": 1,
        "forced_off": 1,
    }


def test_add_takes_a_partial_dict() -> None:
    counts = tally(tests=1, scripted=1)
    counts.add({"sources": {"scripted": "2"}})
    assert (counts.tests, counts.sources["scripted"]) == (1, 3)


def test_as_dict_is_a_copy() -> None:
    counts = tally(tests=1, scripted=1)
    data: dict[str, Any] = counts.as_dict()
    data["sources"]["scripted"] = 99
    assert counts.sources["scripted"] == 1


# -- teardown ------------------------------------------------------------------------------
UNUSED_FIX = (
    "Every reply and fault a test scripts is expected to be used: remove the ones your code does "
    "not need, script a reply that may go unused with optional=True, or mark the test "
    "@pytest.mark.claude_fake(assert_all_used=False). See README#scripting."
)
PROBLEM_NOTE = (
    "Each problem was answered with an HTTP 500 the SDK does not retry; its own lines above say "
    "how to fix it."
)


def test_nothing_to_report_is_no_failure() -> None:
    assert teardown_message([], []) is None


def test_unused_scripts() -> None:
    message = teardown_message(["reply 'Paris' (end_turn)", "fault 529 x2"], [])
    assert message == "\n".join(
        [
            "claude_fake: 2 scripted items unused:",
            "  - reply 'Paris' (end_turn)",
            "  - fault 529 x2",
            UNUSED_FIX,
        ]
    )


def test_request_problems_keep_their_own_fix_and_never_suggest_skipping_the_check() -> None:
    problem = "no recorded interaction matches POST /v1/messages.\nWhy it happened.\nTo re-record."
    message = teardown_message([], [problem])
    assert message == "\n".join(
        [
            "claude_fake: 1 request problem:",
            "  - no recorded interaction matches POST /v1/messages.",
            "    Why it happened.",
            "    To re-record.",
            PROBLEM_NOTE,
        ]
    )
    assert "assert_all_used" not in message


def test_both_kinds_unused_first() -> None:
    message = teardown_message(["reply 'a'"], ["problem b", ""])
    assert message is not None
    lines = message.splitlines()
    assert lines[0] == "claude_fake: 1 scripted item unused and 2 request problems:"
    assert lines[1:4] == ["  - reply 'a'", "  - problem b", "  - "]
    assert lines[-2:] == [PROBLEM_NOTE, UNUSED_FIX]


# -- the failure report's list of requests ---------------------------------------------------
def _record(source: AnsweredBy | None, response: Any, text: str = "Hi") -> FakeRequest:
    body = {"messages": [{"role": "user", "content": text}]}
    return FakeRequest(
        method="POST", path="/v1/messages", body=body, response=response, source=source
    )


MESSAGE = {
    "type": "message",
    "content": [
        {"type": "text", "text": "Sunny in Paris"},
        {"type": "tool_use", "id": "toolu_1", "name": "get_weather", "input": {}},
    ],
    "stop_reason": "tool_use",
}
ERROR = {"type": "error", "error": {"type": "api_error", "message": "claude_fake: a miss.\nWhy."}}


def test_no_requests_no_section() -> None:
    assert requests_section([]) is None


def test_each_request_with_what_answered_it() -> None:
    records = [
        _record(AnsweredBy.SCRIPTED, MESSAGE),
        _record(AnsweredBy.MISS, ERROR, text="x" * 80),
        _record(AnsweredBy.FAULT, None),
    ]
    assert requests_section(records) == "\n".join(
        [
            "this test sent 3 requests:",
            "  #1 POST /v1/messages 'Hi' -> scripted: text 'Sunny in Paris', tool_use get_weather "
            "(stop_reason tool_use)",
            f"  #2 POST /v1/messages '{'x' * 47}...' -> miss: api_error 'a miss.'",
            "  #3 POST /v1/messages 'Hi' -> fault: no answer (the connection was dropped)",
        ]
    )


def test_a_generated_answer_gets_the_hint() -> None:
    section = requests_section([_record(AnsweredBy.GENERATED, MESSAGE)])
    assert section is not None
    assert section.splitlines()[-1] == GENERATED_HINT
    assert "allow_generated=False" in GENERATED_HINT
    assert "claude_fake.reply(" in GENERATED_HINT


@pytest.mark.parametrize(
    ("payload", "summary"),
    [
        ({"type": "message_batch", "id": "b"}, "message_batch"),
        ({"input_tokens": 3}, "an answer"),
        (
            {"type": "message", "content": [], "stop_reason": "end_turn"},
            "no blocks (stop_reason end_turn)",
        ),
        ("text", "an answer"),
    ],
)
def test_answer_summaries(payload: Any, summary: str) -> None:
    assert answer_summary(payload) == summary
