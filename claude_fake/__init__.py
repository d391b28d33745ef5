"""claude-fake: a fake Claude Messages API, in-process or on a loopback server, and a pytest plugin.

The public names are in ``__all__``; the fixtures, markers and options live in the plugin.
Names are imported on first use, so ``import claude_fake`` (and pytest's start-up) stays cheap.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

from claude_fake._version import __version__

if TYPE_CHECKING:
    from claude_fake import snapshot
    from claude_fake.config import FakeConfig, RecordMode, ValidateMode
    from claude_fake.engine import FakeClaude
    from claude_fake.errors import (
        CassetteCorrupt,
        CassetteMismatch,
        ClaudeFakeError,
        ConfigError,
        ScenarioExhausted,
        ScriptError,
        UnusedScript,
    )
    from claude_fake.latency import Latency
    from claude_fake.model import FakeRequest
    from claude_fake.sources.blocks import (
        compaction,
        redacted_thinking,
        server_tool_use,
        text,
        thinking,
        tool_use,
    )

_WHERE = {
    "CassetteCorrupt": "errors",
    "CassetteMismatch": "errors",
    "ClaudeFakeError": "errors",
    "ConfigError": "errors",
    "FakeClaude": "engine",
    "FakeConfig": "config",
    "FakeRequest": "model",
    "Latency": "latency",
    "RecordMode": "config",
    "ScenarioExhausted": "errors",
    "ScriptError": "errors",
    "UnusedScript": "errors",
    "ValidateMode": "config",
    "compaction": "sources.blocks",
    "snapshot": "snapshot",
    "redacted_thinking": "sources.blocks",
    "server_tool_use": "sources.blocks",
    "text": "sources.blocks",
    "thinking": "sources.blocks",
    "tool_use": "sources.blocks",
}

__all__ = [
    "CassetteCorrupt",
    "CassetteMismatch",
    "ClaudeFakeError",
    "ConfigError",
    "FakeClaude",
    "FakeConfig",
    "FakeRequest",
    "Latency",
    "RecordMode",
    "ScenarioExhausted",
    "ScriptError",
    "UnusedScript",
    "ValidateMode",
    "__version__",
    "compaction",
    "redacted_thinking",
    "server_tool_use",
    "snapshot",
    "text",
    "thinking",
    "tool_use",
]


def __getattr__(name: str) -> Any:
    """Import a public name on first use."""
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module 'claude_fake' has no attribute {name!r}")
    if module == name:  # a public submodule
        return import_module(f".{module}", __name__)
    value = getattr(import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)
