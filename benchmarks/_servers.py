"""Starting, probing and stopping loopback servers (127.0.0.1 only) for the benchmarks."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx2

ROOT = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"
API_HEADERS = {"anthropic-version": "2023-06-01", "x-api-key": "sk-ant-bench"}
HELLO_BODY = json.dumps(
    {
        "model": "claude-sonnet-4-6",
        "max_tokens": 64,
        "messages": [{"role": "user", "content": "Hello"}],
    }
).encode()


def free_port() -> int:
    """A port free on 127.0.0.1 right now."""
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        port: int = sock.getsockname()[1]
        return port


def claude_fake_argv(port: int, *extra: str) -> list[str]:
    """``claude-fake serve`` on ``port`` from this project's virtualenv."""
    script = Path(sys.executable).with_name("claude-fake")
    return [str(script), "serve", "--host", HOST, "--port", str(port), *extra]


def spawn(argv: list[str], cwd: Path | None = None) -> subprocess.Popen[bytes]:
    """Start a server process in its own session (so the whole group can be stopped)."""
    return subprocess.Popen(
        argv,
        cwd=cwd,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )


def stop(proc: subprocess.Popen[bytes]) -> None:
    """Stop a server started by ``spawn`` and everything it started."""
    if proc.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=5)
    if proc.stderr is not None:
        proc.stderr.close()


def wait_answer(
    proc: subprocess.Popen[bytes], url: str, *, post: bool, started: float, limit: float = 30.0
) -> float:
    """Seconds from ``started`` to the first 2xx answer (GET url, or POST a short request)."""
    with httpx2.Client(headers=API_HEADERS, timeout=5.0) as client:
        while True:
            try:
                if post:
                    answer = client.post(
                        url, content=HELLO_BODY, headers={"content-type": "application/json"}
                    )
                else:
                    answer = client.get(url)
                if answer.is_success:
                    return time.perf_counter() - started
            except httpx2.TransportError:
                pass
            if proc.poll() is not None or time.perf_counter() - started > limit:
                err = proc.stderr.read().decode(errors="replace")[-400:] if proc.stderr else ""
                raise RuntimeError(f"server {proc.args!r} gave no answer at {url}: {err}")
            time.sleep(0.002)


@contextlib.contextmanager
def running(
    argv: list[str],
    probe: str,
    *,
    post: bool,
    cwd: Path | None = None,
) -> Iterator[tuple[subprocess.Popen[bytes], float]]:
    """A started server and its start-to-first-answer seconds; stopped on exit."""
    started = time.perf_counter()
    proc = spawn(argv, cwd)
    try:
        yield proc, wait_answer(proc, probe, post=post, started=started)
    finally:
        stop(proc)


def script(base_url: str, text: str) -> None:
    """Forget what a ``claude-fake serve`` saw and script it to answer ``text`` every time."""
    with httpx2.Client(timeout=10.0) as client:
        client.post(f"{base_url}/_fake/reset").raise_for_status()
        reply: dict[str, Any] = {"content": text, "times": None}
        client.post(f"{base_url}/_fake/replies", json=reply).raise_for_status()


def raw_post(port: int, body: bytes, path: str = "/v1/messages") -> bytes:
    """The whole HTTP/1.1 response, as bytes on the wire, to one ``POST`` of a JSON ``body``."""
    head = [f"POST {path} HTTP/1.1", f"host: {HOST}:{port}"]
    head += [f"{name}: {value}" for name, value in API_HEADERS.items()]
    head += ["content-type: application/json", f"content-length: {len(body)}", "", ""]
    data = b""
    with socket.create_connection((HOST, port), timeout=10.0) as sock:
        sock.sendall("\r\n".join(head).encode() + body)
        while (end := _response_end(data)) is None:
            more = sock.recv(65536)
            if not more:
                raise RuntimeError(f"connection closed mid-response: {data[:200]!r}")
            data += more
    if not data.startswith(b"HTTP/1.1 200 "):
        raise RuntimeError(f"not a 200 answer: {data[:200]!r}")
    return data[:end]


def _response_end(data: bytes) -> int | None:
    """Where a response (Content-Length or chunked body) ends in ``data``; None if not yet."""
    head_end = data.find(b"\r\n\r\n")
    if head_end < 0:
        return None
    headers = {}
    for line in data[:head_end].split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        headers[name.strip().lower()] = value.strip().lower()
    pos = head_end + 4
    if headers.get(b"transfer-encoding") != b"chunked":
        end = pos + int(headers.get(b"content-length", b"0"))
        return end if len(data) >= end else None
    while True:
        line_end = data.find(b"\r\n", pos)
        if line_end < 0:
            return None
        size = int(data[pos:line_end].split(b";")[0], 16)
        if size == 0:
            trailer_end = data.find(b"\r\n\r\n", line_end)  # no trailers: right here
            return None if trailer_end < 0 else trailer_end + 4
        pos = line_end + 2 + size + 2
        if pos > len(data):
            return None


def peak_rss_kib(pid: int) -> int | None:
    """The peak resident set size (VmHWM) of a process, in KiB."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except OSError:
        return None
    return None
