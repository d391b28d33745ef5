"""What the plugin tells users: the teardown failure of one test, and the session's summary line.

Pure values and formatting; the plugin feeds them and prints them.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
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
            f"claude_fake: {total} requests ({counts}) in {self.tests} tests; "
            f"{self.written} cassettes written"
        ]
        if ci and self.forced_off:
            lines.append(
                f"claude_fake: CI is set, so recording was off: {self.forced_off} tests that asked "
                "to record ran with record mode none"
            )
        return lines


def teardown_message(unused: list[str], problems: list[str]) -> str | None:
    """The teardown failure: every unused script and request problem, and how to fix them."""
    if not unused and not problems:
        return None
    parts = []
    if unused:
        parts.append(f"{len(unused)} scripted item(s) unused")
    if problems:
        parts.append(f"{len(problems)} request problem(s)")
    lines = [f"claude_fake: {' and '.join(parts)}:"]
    for item in [*unused, *problems]:
        first, *rest = item.splitlines() or [""]
        lines += [f"  - {first}", *(f"    {line}" for line in rest)]
    if unused:
        lines.append("Every reply and fault a test scripts is expected to be used.")
    if problems:
        lines.append("Each problem was answered with an HTTP 500 the SDK does not retry.")
    lines.append(
        "Fix the cause above, or mark the test @pytest.mark.claude_fake(assert_all_used=False) "
        "to skip this check. See README#scripting."
    )
    return "\n".join(lines)
