"""The errors claude-fake raises itself. Each says what happened, why, and how to fix it."""

from __future__ import annotations


class ClaudeFakeError(Exception):
    """Base of every claude-fake error; the message has three parts: what, why, how to fix."""

    def __init__(self, what: str, *, why: str = "", fix: str = "", anchor: str = "") -> None:
        self.what, self.why, self.fix, self.anchor = what, why, fix, anchor
        parts = [f"claude_fake: {what}"]
        if why:
            parts.append(why)
        if fix:
            parts.append(fix + (f" See README#{anchor}." if anchor else ""))
        super().__init__("\n".join(parts))


class ConfigError(ClaudeFakeError):
    """A setting has a value claude-fake cannot use."""


class ScriptError(ClaudeFakeError, ValueError):
    """A scripted reply or fault is malformed; raised at the call that scripted it."""


class ScenarioExhausted(ClaudeFakeError):
    """A request arrived, the test scripted replies, and none is left for it."""


class UnusedScript(ClaudeFakeError, AssertionError):
    """Replies or faults the test scripted were never used."""


class CassetteMismatch(ClaudeFakeError):
    """No recorded interaction matches a request, and the record mode forbids recording it."""


class CassetteCorrupt(ClaudeFakeError):
    """A cassette file cannot be read."""
