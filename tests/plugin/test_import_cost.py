"""Importing the plugin is cheap: the SDK, servers, vcrpy, YAML and Faker load in fixtures."""

from __future__ import annotations

import subprocess
import sys

HEAVY = ("anthropic", "httpx2", "httpx", "uvicorn", "starlette", "faker", "vcr", "yaml", "syrupy")


def test_importing_the_plugin_loads_no_heavy_module() -> None:
    code = (
        "import sys, claude_fake.pytest_plugin\n"
        f"print(','.join(m for m in {HEAVY!r} if m in sys.modules))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert out.stdout.strip() == ""
