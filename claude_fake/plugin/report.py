"""What the plugin tells users: the teardown failure of one test, and the session's summary line.

Pure values and formatting; the plugin feeds them and prints them.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

SOURCES = ("scripted", "replayed", "recorded", "generated", "fault", "error", "miss")


@dataclass(slots=True)
class Tally:
    """What this session's engines answered, for the summary line; summed across xdist workers."""

    tests: int = 0
    sources: Counter[str] = field(default_factory=Counter)
    written: int = 0
    forced_off: int = 0

    def as_dict(self) -> dict[str, Any]:
        """A JSON-able copy (xdist sends it from worker to controller)."""
        return {
            "tests": self.tests,
            "sources": dict(self.sources),
            "written": self.written,
            "forced_off": self.forced_off,
        }

    def add(self, data: Mapping[str, Any]) -> None:
        """Add another tally's ``as_dict()``."""
        self.tests += int(data.get("tests", 0))
        self.sources.update({str(k): int(v) for k, v in dict(data.get("sources", {})).items()})
        self.written += int(data.get("written", 0))
        self.forced_off += int(data.get("forced_off", 0))

    def lines(self, *, ci: bool) -> list[str]:
        """The summary: requests by source, cassettes written, and CI's note."""
        if not self.tests:
            return []
        order = [*SOURCES, *sorted(set(self.sources) - set(SOURCES))]
        counts = ", ".join(f"{self.sources[name]} {name}" for name in order)
        total = sum(self.sources.values())
        lines = [
            f"claude_fake: {plural(total, 'request')} ({counts}) in {plural(self.tests, 'test')}; "
            f"{plural(self.written, 'cassette')} written"
        ]
        if ci and self.forced_off:
            lines.append(
                f"claude_fake: CI is set, so recording was off: {plural(self.forced_off, 'test')} "
                "that asked to record ran with record mode none"
            )
        return lines


def plural(count: int, noun: str) -> str:
    """``1 test``, ``2 tests``."""
    return f"{count} {noun}{'' if count == 1 else 's'}"


def teardown_message(unused: list[str], problems: list[str]) -> str | None:
    """The teardown failure: every unused script and request problem, and how to fix them.

    A problem (a cassette miss, a request no script was left for, a bad script) carries its own
    why and fix; only unused scripts can be waved through with ``assert_all_used=False``."""
    if not unused and not problems:
        return None
    parts = []
    if unused:
        parts.append(f"{plural(len(unused), 'scripted item')} unused")
    if problems:
        parts.append(plural(len(problems), "request problem"))
    lines = [f"claude_fake: {' and '.join(parts)}:"]
    for item in [*unused, *problems]:
        first, *rest = item.splitlines() or [""]
        lines += [f"  - {first}", *(f"    {line}" for line in rest)]
    if problems:
        lines.append(
            "Each problem was answered with an HTTP 500 the SDK does not retry; its own lines "
            "above say how to fix it."
        )
    if unused:
        lines.append(
            "Every reply and fault a test scripts is expected to be used: remove the ones your "
            "code does not need, script a reply that may go unused with optional=True, or mark "
            "the test @pytest.mark.claude_fake(assert_all_used=False). See README#scripting."
        )
    return "\n".join(lines)


GENERATED_HINT = (
    "A generated answer is filler from the seeded generator: nothing scripted or recorded "
    "answered that request. Script what your code expects with claude_fake.reply(...), or set "
    "allow_generated=False (in @pytest.mark.claude_fake or claude_config) to make an unscripted "
    "request an error. See README#scripting."
)


def requests_section(records: Sequence[Any]) -> str | None:
    """The failure report's list of this test's requests and what answered each; None if none."""
    if not records:
        return None
    lines = [f"this test sent {plural(len(records), 'request')}:"]
    for number, record in enumerate(records, 1):
        asked = f"{record.method} {record.path}"
        text = _text_of(record)
        if text:
            asked += f" {_short(text)}"
        source = record.source.value if record.source is not None else "nothing"
        lines.append(f"  #{number} {asked} -> {source}: {answer_summary(record.response)}")
    if any(r.source is not None and r.source.value == "generated" for r in records):
        lines.append(GENERATED_HINT)
    return "\n".join(lines)


def _text_of(record: Any) -> str:
    """The last user text; from the raw body when the request never got parsed (it failed
    before that, e.g. no script was left for it)."""
    if record.body is not None or not record.raw:
        return str(record.text)
    try:
        body = json.loads(record.raw)
    except ValueError:
        return ""
    return str(record.with_body(body).text)


def _short(text: str, size: int = 50) -> str:
    text = " ".join(text.split())
    return repr(text if len(text) <= size else text[: size - 3] + "...")


def answer_summary(payload: Any) -> str:
    """A few words for an answer: its blocks and stop reason, or its error."""
    if not isinstance(payload, Mapping):
        return "no answer (the connection was dropped)" if payload is None else "an answer"
    if payload.get("type") == "error" and isinstance(payload.get("error"), Mapping):
        error = payload["error"]
        message = str(error.get("message", "")).removeprefix("claude_fake: ")
        return f"{error.get('type')} {_short(message.splitlines()[0] if message else '', 90)}"
    if payload.get("type") != "message":
        return str(payload.get("type") or "an answer")
    blocks = [_block(b) for b in payload.get("content") or [] if isinstance(b, Mapping)]
    return f"{', '.join(blocks) or 'no blocks'} (stop_reason {payload.get('stop_reason')})"


def _block(block: Mapping[str, Any]) -> str:
    kind = str(block.get("type"))
    if kind == "text":
        return f"text {_short(str(block.get('text', '')))}"
    if kind in ("tool_use", "server_tool_use"):
        return f"{kind} {block.get('name')}"
    return kind
