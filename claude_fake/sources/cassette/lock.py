"""A lock between processes around a cassette's read-merge-write, so pytest-xdist workers that
share a cassette and record at the same time merge their interactions instead of overwriting each
other's. POSIX: ``flock`` on the cassette's folder (no file is left behind); Windows:
``msvcrt.locking`` on a ``.<name>.lock`` file beside it. Held only while one write happens."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


@contextmanager
def cassette_lock(path: Path) -> Iterator[None]:
    """Hold the inter-process lock of the cassette at ``path`` (blocking) within the block."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = _open(path)
    try:
        _acquire(fd)
        try:
            yield
        finally:
            _release(fd)
    finally:
        os.close(fd)


if sys.platform == "win32":  # pragma: no cover - exercised on Windows only
    import msvcrt
    import time

    def _open(path: Path) -> int:
        return os.open(path.with_name(f".{path.name}.lock"), os.O_RDWR | os.O_CREAT, 0o644)

    def _acquire(fd: int) -> None:
        deadline = time.monotonic() + 60.0
        while True:
            try:
                msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
                return
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.01)

    def _release(fd: int) -> None:
        os.lseek(fd, 0, os.SEEK_SET)
        msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)

else:
    import fcntl

    def _open(path: Path) -> int:
        return os.open(path.parent, os.O_RDONLY)

    def _acquire(fd: int) -> None:
        fcntl.flock(fd, fcntl.LOCK_EX)

    def _release(fd: int) -> None:
        fcntl.flock(fd, fcntl.LOCK_UN)
