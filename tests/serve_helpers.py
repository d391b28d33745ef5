"""A ``claude-fake serve`` in its own process, for tests whose subject is the command."""

from __future__ import annotations

import re
import resource
import select
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def serving(*flags: str, nofile: int | None = None) -> Iterator[tuple[str, subprocess.Popen[str]]]:
    """``claude-fake serve --port 0 FLAGS`` in its own process (at most ``nofile`` open files when
    given): the base URL its banner shows, and the process."""

    def limit() -> None:
        if nofile is not None:
            resource.setrlimit(resource.RLIMIT_NOFILE, (nofile, nofile))

    proc = subprocess.Popen(
        [sys.executable, "-m", "claude_fake.cli", "serve", "--port", "0", *flags],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=limit if nofile is not None else None,
    )
    try:
        assert proc.stderr is not None
        ready, _, _ = select.select([proc.stderr], [], [], 30)
        first = proc.stderr.readline() if ready else ""
        found = re.fullmatch(r"claude-fake \S+ serving on (http://127\.0\.0\.1:(\d+))\n", first)
        assert found, f"no banner: {first!r}"
        assert found.group(2) != "0"
        yield found.group(1), proc
    finally:
        proc.terminate()
        proc.wait(timeout=15)
        if proc.stderr is not None:
            proc.stderr.close()
