"""Run the SDK's own ``tests/api_resources`` against ``claude-fake serve --validate lenient``.

The SDK is the one installed beside claude-fake in ``--python``'s environment; its tests come from
its sdist on PyPI, and run in a virtualenv of their own (the SDK at that version and its test
dependencies) under ``--workdir``, kept for the next run. Needs PyPI the first time; not part
of ``make test``. Exits with pytest's status."""

from __future__ import annotations

import argparse
import os
import re
import select
import subprocess
import sys
import tarfile
import threading
from pathlib import Path

TEST_DEPS = (
    "pytest",
    "pytest-asyncio",
    "pytest-xdist",
    "respx",
    "time-machine",
    "dirty-equals",
    "inline-snapshot",
    "http-snapshot[httpx]==0.1.9",
    "hypothesis",
    "opentelemetry-sdk",
    "importlib-metadata",
    "rich",
    "packaging",
    "httpx2",
)
EXTRAS = "aiohttp,webhooks,bedrock,vertex"


def sdk_version(python: str) -> str:
    code = "import anthropic; print(anthropic.__version__)"
    return subprocess.run([python, "-c", code], capture_output=True, text=True, check=True).stdout


def sources(version: str, workdir: Path) -> Path:
    """The SDK's sdist, unpacked (its tests are in it)."""
    tree = workdir / f"anthropic-{version}"
    if not tree.is_dir():
        pip = [sys.executable, "-m", "pip", "download", "-q", "--no-deps", "--no-binary", ":all:"]
        subprocess.run([*pip, f"anthropic=={version}", "-d", str(workdir)], check=True)
        with tarfile.open(workdir / f"anthropic-{version}.tar.gz") as sdist:
            safe = {"filter": "data"} if hasattr(tarfile, "data_filter") else {}
            sdist.extractall(workdir, **safe)  # type: ignore[arg-type]
    return tree


def test_venv(version: str, workdir: Path) -> Path:
    """A virtualenv with the SDK at ``version`` and what its tests import."""
    venv = workdir / f"venv-{version}"
    if not (venv / ".installed").exists():
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        pip = [str(venv / "bin" / "python"), "-m", "pip", "install", "-q"]
        subprocess.run([*pip, f"anthropic[{EXTRAS}]=={version}", *TEST_DEPS], check=True)
        (venv / ".installed").touch()
    return venv


def run(python: str, tree: Path, venv: Path) -> int:
    """Serve, run the suite against the server, stop the server."""
    serve = [python, "-m", "claude_fake.cli", "serve", "--port", "0", "--validate", "lenient"]
    server = subprocess.Popen(serve, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        assert server.stderr is not None
        ready, _, _ = select.select([server.stderr], [], [], 60)
        banner = server.stderr.readline() if ready else ""
        found = re.search(r"serving on (http://\S+)", banner)
        if found is None:
            print(f"claude-fake serve did not start: {banner!r}")
            return 2
        # keep reading what the server writes: a full pipe would stop it mid-suite
        threading.Thread(target=server.stderr.read, daemon=True).start()
        env = {**os.environ, "TEST_API_BASE_URL": found.group(1)}
        pytest = [str(venv / "bin" / "pytest"), "-q", "-p", "no:cacheprovider", "-n", "2"]
        return subprocess.run([*pytest, "tests/api_resources"], cwd=tree, env=env).returncode
    finally:
        server.terminate()
        server.wait(timeout=15)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--python", default=".venv/bin/python", help="serves claude-fake")
    parser.add_argument("--workdir", default="/tmp/claude-fake-sdk-suite", type=Path)
    args = parser.parse_args()
    version = sdk_version(args.python).strip()
    args.workdir.mkdir(parents=True, exist_ok=True)
    print(f"anthropic {version}: tests/api_resources against claude-fake serve --validate lenient")
    return run(args.python, sources(version, args.workdir), test_venv(version, args.workdir))


if __name__ == "__main__":
    raise SystemExit(main())
