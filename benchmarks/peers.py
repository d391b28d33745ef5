"""The peers measured beside claude-fake, installed from PyPI into ``benchmarks/.venv-peers``.

In-process peers (respx, vcrpy) patch ``httpx``, which anthropic 2.x no longer uses, so that
virtualenv holds anthropic 0.125 (the last release on ``httpx``) and they are measured there
against that SDK's own floor (``peer_inprocess.py``). Loopback-server peers are started from that
virtualenv and driven by this project's SDK, exactly like ``claude-fake serve``.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
VENV = HERE / ".venv-peers"
STAMP = VENV / ".bench-requirements"
REQUIREMENTS = (
    "anthropic==0.125.0",
    "respx==0.23.1",
    "vcrpy==9.4.2",
    "fakellm==0.3.5",
    "llm-mock-api==0.1.2",
    "mock-ai-api==0.1.1",
    "llmock==0.2.2",
)

Argv = Callable[[int, Path, str], list[str]]


@dataclass(frozen=True)
class ServerPeer:
    """A loopback fake of the Anthropic API: how to start it answering ``text``."""

    name: str
    argv: Argv
    prefix: str = ""  # path under which its /v1/messages lives
    # words of the ~1,000-delta stream text; None: it cannot be told to stream a text of ours
    stream_words: int | None = 3_000


def _bin(name: str) -> str:
    return str(VENV / "bin" / name)


def _listen(port: int) -> list[str]:
    return ["--host", "127.0.0.1", "--port", str(port)]


def _fakellm(port: int, workdir: Path, text: str) -> list[str]:
    config = workdir / f"fakellm-{port}.yaml"
    rule = {"version": 1, "rules": [{"name": "all", "when": {}, "respond": {"content": text}}]}
    config.write_text(json.dumps(rule))  # JSON is YAML
    return [_bin("fakellm"), "serve", *_listen(port), "--config", str(config)]


def _llm_mock_api(port: int, workdir: Path, text: str) -> list[str]:
    # one SSE chunk per ~3 words, as the fake and the API do; no artificial latency
    chunk = max(1, round(len(text) / max(1, len(text.split()) / 3)))
    return [
        _bin("llm-mock-api"),
        "start",
        "-p",
        str(port),
        "-H",
        "127.0.0.1",
        "-l",
        "0",
        "-c",
        str(chunk),
        "-f",
        text,
        "--log-level",
        "none",
    ]


def _mock_ai_api(port: int, workdir: Path, text: str) -> list[str]:
    app = [_bin("python"), "-m", "uvicorn", "app.anthropic_app:app"]
    return [*app, *_listen(port), "--log-level", "warning"]


def _llmock(port: int, workdir: Path, text: str) -> list[str]:
    quiet = ["--log-level", "warning", "--latency-ms", "0", "--tool-mode", "off"]
    return [_bin("llmock"), "serve", *_listen(port), *quiet]


SERVER_PEERS = (
    ServerPeer("fakellm", _fakellm, stream_words=1_000),  # a delta per word
    ServerPeer("llm-mock-api", _llm_mock_api),  # ~3 words a delta, as claude-fake
    ServerPeer("mock-ai-api", _mock_ai_api, stream_words=None),
    ServerPeer("llmock", _llmock, prefix="/anthropic", stream_words=None),
)


def ensure_venv(log: Callable[[str], None]) -> str | None:
    """Create or update the peers' virtualenv; None when ready, else why it is not."""
    wanted = "\n".join(REQUIREMENTS)
    if STAMP.exists() and STAMP.read_text() == wanted:
        return None
    log(f"installing peers into {VENV.relative_to(HERE.parent)} (once) ...")
    try:
        if not Path(python()).exists():
            subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True, timeout=120)
        pip = [
            python(),
            "-m",
            "pip",
            "install",
            "-q",
            "--disable-pip-version-check",
        ]
        subprocess.run(
            [*pip, *REQUIREMENTS],
            check=True,
            timeout=900,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
    except (subprocess.SubprocessError, OSError) as exc:
        detail = getattr(exc, "stderr", b"") or b""
        return f"peers not installed: {exc} {detail.decode(errors='replace')[-300:]}".strip()
    STAMP.write_text(wanted)
    return None


def python() -> str:
    """The peers' interpreter."""
    return _bin("python")
