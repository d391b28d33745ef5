"""A bare ASGI app under uvicorn: what any uvicorn server costs to start, before its own work.

``bench_loopback.py`` times it from spawn to its first answer beside ``claude-fake serve`` and
the peers. Run alone: ``.venv/bin/python -m uvicorn uvicorn_floor:app --app-dir benchmarks``.
"""

from __future__ import annotations

from typing import Any

BODY = b'{"type":"message","role":"assistant","content":[]}'
HEADERS = [(b"content-type", b"application/json"), (b"content-length", str(len(BODY)).encode())]


async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
    """Answer every HTTP request with the same small JSON body."""
    if scope["type"] != "http":
        return
    while (await receive()).get("more_body"):
        pass
    await send({"type": "http.response.start", "status": 200, "headers": HEADERS})
    await send({"type": "http.response.body", "body": BODY})
