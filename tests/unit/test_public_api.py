"""The public API is what ``__all__`` lists: sorted, complete, importable, cheap to import."""

from __future__ import annotations

import subprocess
import sys

import claude_fake


def test_all_is_sorted_and_every_name_resolves() -> None:
    assert claude_fake.__all__ == sorted(claude_fake.__all__)
    for name in claude_fake.__all__:
        assert getattr(claude_fake, name) is not None


def test_importing_the_package_does_not_import_the_sdk_or_the_server() -> None:
    code = (
        "import sys, claude_fake, claude_fake.pytest_plugin; "
        "print(sorted(m for m in ('anthropic', 'uvicorn', 'starlette', 'vcr', 'faker', "
        "'jsonschema', 'httpx2') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
