"""What the server writes to its log: one line per request with ``--log-requests`` (quiet by
default), and never an ``sk-ant-`` key, in its own lines or in uvicorn's."""

from __future__ import annotations

import logging
import sys
import time
from typing import Any

from claude_fake.wire.credentials import REDACTED, SECRET

LOGGER = "claude_fake.server"
# every logger that may write a request's data: ours, uvicorn's error log (tracebacks) and its
# access log (off here, but a user's logging config may turn it on)
REDACTED_LOGGERS = (LOGGER, "uvicorn.error", "uvicorn.access", "uvicorn")


class Redact(logging.Filter):
    """Replaces any ``sk-ant-`` key in a record's message and traceback."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if "sk-ant-" in message:
            record.msg, record.args = SECRET.sub(REDACTED, message), ()
        if record.exc_info and not record.exc_text:
            text = logging.Formatter().formatException(record.exc_info)
            record.exc_text = SECRET.sub(REDACTED, text) if "sk-ant-" in text else text
        return True


_REDACT = Redact()


def install_redaction() -> None:
    """Add the redacting filter to every logger that may carry a request's data (idempotent:
    a filter object is added once per logger)."""
    for name in REDACTED_LOGGERS:
        logging.getLogger(name).addFilter(_REDACT)


class _Stderr(logging.StreamHandler):  # type: ignore[type-arg]
    """Writes to whatever ``sys.stderr`` is when a line is logged (pytest swaps it per test)."""

    @property
    def stream(self) -> Any:
        return sys.stderr

    @stream.setter
    def stream(self, value: Any) -> None:
        pass


def request_logger() -> logging.Logger:
    """The logger of ``--log-requests``: one line per request, to stderr."""
    logger = logging.getLogger(LOGGER)
    if not logger.handlers:
        handler = _Stderr()
        handler.setFormatter(logging.Formatter("%(message)s"))
        logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    logger.propagate = False
    return logger


def line(
    *,
    started: float,
    method: str,
    path: str,
    query: str,
    status: int,
    source: str,
    client: str,
) -> str:
    """``2025-06-01T12:00:00.123Z POST /v1/messages 200 generated 3.1ms 127.0.0.1:50123``."""
    took = (time.perf_counter() - started) * 1000
    stamp = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime())
    millis = int(time.time() * 1000) % 1000
    target = f"{path}?{query}" if query else path
    text = f"{stamp}.{millis:03d}Z {method} {target} {status} {source} {took:.1f}ms {client}"
    return SECRET.sub(REDACTED, text) if "sk-ant-" in text else text
