"""The public API is what ``__all__`` lists: sorted, complete, importable, cheap to import, and each
name the kind of thing the README says it is, with the signature it documents."""

from __future__ import annotations

import dataclasses
import enum
import importlib.metadata
import inspect
import subprocess
import sys
import types
from typing import Any

import pydantic
import pytest
from anthropic.types import ContentBlock

import claude_fake
from claude_fake import ClaudeFakeError

KINDS = {
    "CassetteCorrupt": "exception",
    "CassetteMismatch": "exception",
    "ClaudeFakeError": "exception",
    "ConfigError": "exception",
    "FakeClaude": "class",
    "FakeConfig": "dataclass",
    "FakeRequest": "dataclass",
    "Latency": "dataclass",
    "RecordMode": "enum",
    "ScenarioExhausted": "exception",
    "ScriptError": "exception",
    "UnusedScript": "exception",
    "ValidateMode": "enum",
    "__version__": "str",
    "compaction": "function",
    "redacted_thinking": "function",
    "server_tool_use": "function",
    "snapshot": "module",
    "text": "function",
    "thinking": "function",
    "tool_use": "function",
}
# Every error is a ClaudeFakeError; a misused script is also a ValueError and unused scripts an
# AssertionError, so plain ``except ValueError`` and pytest's failure reporting treat them so.
BASES: dict[str, tuple[type, ...]] = {
    "ClaudeFakeError": (Exception,),
    "CassetteCorrupt": (ClaudeFakeError,),
    "CassetteMismatch": (ClaudeFakeError,),
    "ConfigError": (ClaudeFakeError,),
    "ScenarioExhausted": (ClaudeFakeError,),
    "ScriptError": (ClaudeFakeError, ValueError),
    "UnusedScript": (ClaudeFakeError, AssertionError),
}
# The block builders: their parameters, and the SDK content block each builds.
BLOCKS: dict[str, str] = {
    "compaction": "(summary, *, encrypted_content=None, signature=None, tool_changes=None)",
    "redacted_thinking": "(data=None)",
    "server_tool_use": "(name, input=None, *, result=None, error=None, id=None)",
    "text": "(value, *, citations=None)",
    "thinking": "(value, *, signature=None)",
    "tool_use": "(name, input=None, *, id=None)",
}
# FakeClaude's methods and the parameters the README shows them with.
METHODS: dict[str, set[str]] = {
    "reply": {"content", "stop_reason", "usage", "when", "times", "optional"},
    "fail": {"status_or_error_type", "times", "retry_after", "error_code", "after_events"},
    "disconnect": {"after_events", "times"},
    "latency": {"first_byte", "per_event", "times"},
    "client": {"options"},
    "async_client": {"options"},
    "serve": {"host", "port"},
    "check": set(),
    "unused": set(),
    "reset": set(),
    "close": set(),
}


def kind(value: Any) -> str:
    if inspect.isclass(value):
        if issubclass(value, BaseException):
            return "exception"
        if issubclass(value, enum.Enum):
            return "enum"
        return "dataclass" if dataclasses.is_dataclass(value) else "class"
    if isinstance(value, types.ModuleType):
        return "module"
    if inspect.isfunction(value):
        return "function"
    return type(value).__name__


def bare(signature: inspect.Signature) -> str:
    """A signature without its annotations: ``(value, *, citations=None)``."""
    unannotated = [p.replace(annotation=p.empty) for p in signature.parameters.values()]
    return str(signature.replace(parameters=unannotated, return_annotation=signature.empty))


def test_all_is_sorted_and_every_name_is_its_kind() -> None:
    assert claude_fake.__all__ == sorted(claude_fake.__all__)
    assert {name: kind(getattr(claude_fake, name)) for name in claude_fake.__all__} == KINDS
    assert sorted(dir(claude_fake)) == sorted(claude_fake.__all__)


def test_the_errors_and_their_bases() -> None:
    errors = {name: getattr(claude_fake, name) for name, k in KINDS.items() if k == "exception"}
    assert {name: cls.__bases__ for name, cls in errors.items()} == BASES


def test_the_version_is_the_installed_distributions() -> None:
    assert claude_fake.__version__ == importlib.metadata.version("claude-fake")


def test_the_modes_are_the_documented_strings() -> None:
    # pytest-recording's (vcrpy's) record modes; the three validation modes.
    modes = [m.value for m in claude_fake.RecordMode]
    assert modes == ["none", "once", "new_episodes", "all", "rewrite"]
    assert [m.value for m in claude_fake.ValidateMode] == ["strict", "lenient", "off"]
    assert claude_fake.RecordMode("once") == "once"  # str enums: a plain string compares equal
    assert claude_fake.ValidateMode("off") == "off"


@pytest.mark.parametrize("name", BLOCKS)
def test_each_block_builder_has_its_signature(name: str) -> None:
    assert bare(inspect.signature(getattr(claude_fake, name))) == BLOCKS[name]


def test_the_block_builders_build_what_the_sdk_parses() -> None:
    adapter: pydantic.TypeAdapter[Any] = pydantic.TypeAdapter(ContentBlock)
    built = [
        claude_fake.text("hi"),
        claude_fake.thinking("hmm"),
        claude_fake.redacted_thinking(),
        claude_fake.tool_use("get_weather", {"city": "Paris"}, id="toolu_01"),
        *claude_fake.server_tool_use("web_search", {"query": "x"}, id="srvtoolu_01"),
    ]
    parsed = [type(adapter.validate_python(block)).__name__ for block in built]
    assert parsed == [
        "TextBlock",
        "ThinkingBlock",
        "RedactedThinkingBlock",
        "ToolUseBlock",
        "ServerToolUseBlock",
        "WebSearchToolResultBlock",
    ]
    assert claude_fake.compaction("summary")["type"] == "compaction"  # beta only


@pytest.mark.parametrize("method", METHODS)
def test_fake_claude_methods_take_the_documented_parameters(method: str) -> None:
    found = getattr(claude_fake.FakeClaude, method)
    assert inspect.isfunction(found)
    names = set(inspect.signature(found).parameters) - {"self"}
    assert METHODS[method] <= names


def test_fake_claude_is_built_from_a_seed_and_keyword_settings() -> None:
    seed, *settings = inspect.signature(claude_fake.FakeClaude).parameters.values()
    assert (seed.name, seed.default) == ("seed", None)
    assert all(p.kind in (p.KEYWORD_ONLY, p.VAR_KEYWORD) for p in settings)
    assert isinstance(inspect.getattr_static(claude_fake.FakeClaude, "requests"), property)
    assert {"seed", "validate", "record_mode", "cassette", "upstream"} <= {
        f.name for f in dataclasses.fields(claude_fake.FakeConfig)
    }


def test_the_snapshot_module_has_a_serializer_and_a_syrupy_matcher() -> None:
    assert bare(inspect.signature(claude_fake.snapshot.serialize)) == "(value)"
    assert bare(inspect.signature(claude_fake.snapshot.matcher)) == "(*, data, path)"  # syrupy's


def test_importing_the_package_does_not_import_the_sdk_or_the_server() -> None:
    code = (
        "import sys, claude_fake, claude_fake.pytest_plugin; "
        "print(sorted(m for m in ('anthropic', 'uvicorn', 'starlette', 'vcr', 'faker', "
        "'jsonschema', 'httpx2') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
