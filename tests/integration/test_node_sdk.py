"""A client that is not Python: the official TypeScript SDK, under Node's own test runner, against
this engine on a loopback server, scripted over ``/_fake/`` (tests/node/src/sdk.test.ts)."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from claude_fake import FakeClaude

NODE_DIR = Path(__file__).resolve().parents[1] / "node"
SDK_DIR = NODE_DIR / "node_modules" / "@anthropic-ai" / "sdk"


def _tail(text: str, lines: int = 25) -> str:
    return "\n".join(text.strip().splitlines()[-lines:])


def _npm() -> str:
    node, npm = shutil.which("node"), shutil.which("npm")
    if node is None or npm is None:
        pytest.skip("node and npm are not installed: the TypeScript SDK test needs them")
    return npm


def _install(npm: str) -> None:
    """``npm ci`` once, when node_modules is missing; skip when it cannot reach the registry."""
    if SDK_DIR.is_dir():
        return
    verb = "ci" if (NODE_DIR / "package-lock.json").is_file() else "install"
    try:
        done = subprocess.run(
            [npm, verb, "--no-audit", "--no-fund"],
            cwd=NODE_DIR,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
    except subprocess.TimeoutExpired:
        pytest.skip(f"npm {verb} in {NODE_DIR} took over 300 s (offline?)")
    if done.returncode != 0:
        pytest.skip(f"npm {verb} in {NODE_DIR} failed (offline?):\n{_tail(done.stderr)}")


def test_typescript_sdk_against_the_server(fake: FakeClaude) -> None:
    npm = _npm()
    _install(npm)
    with fake.serve() as url:
        done = subprocess.run(
            [npm, "test"],
            cwd=NODE_DIR,
            env={**os.environ, "CLAUDE_FAKE_URL": url},
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
    report = f"{_tail(done.stdout, 60)}\n{_tail(done.stderr)}"
    assert done.returncode == 0, report
    assert "# fail 0" in done.stdout, report
    assert "# pass 0" not in done.stdout, report
