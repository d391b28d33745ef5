"""claude-fake: a fake Claude Messages API, in-process or on a loopback server, and a pytest plugin.

The public names are in ``__all__``; the fixtures, markers and options live in the plugin.
"""

from __future__ import annotations

from ._version import __version__
from .blocks import compaction, redacted_thinking, server_tool_use, text, thinking, tool_use
from .config import FakeConfig, RecordMode, ValidateMode
from .engine import FakeClaude
from .errors import (
    CassetteCorrupt,
    CassetteMismatch,
    ClaudeFakeError,
    ConfigError,
    ScenarioExhausted,
    SchemaViolation,
    ScriptError,
    UnusedScript,
)
from .model import FakeRequest

__all__ = [
    "CassetteCorrupt",
    "CassetteMismatch",
    "ClaudeFakeError",
    "ConfigError",
    "FakeClaude",
    "FakeConfig",
    "FakeRequest",
    "RecordMode",
    "ScenarioExhausted",
    "SchemaViolation",
    "ScriptError",
    "UnusedScript",
    "ValidateMode",
    "__version__",
    "compaction",
    "redacted_thinking",
    "server_tool_use",
    "text",
    "thinking",
    "tool_use",
]
