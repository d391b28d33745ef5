"""How a server is set up: the engines it serves (Hub), its options, and uvicorn's settings."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

from claude_fake.faces.delivery import QuietDrops
from claude_fake.faces.guard import Guard
from claude_fake.faces.limits import Connections, Limits, guarded_protocol
from claude_fake.faces.scripting import Scriptable

RECORDING_THREADS = 128  # requests that may wait on an upstream at once (threads start lazily)


class Hub:
    """Engines served by one server: one at the root, others under ``/_t/<key>``."""

    def __init__(self, default: Scriptable | None = None) -> None:
        self.default = default
        self.engines: dict[str, Scriptable] = {}
        self._keys = iter(range(1, 1 << 62))

    def mount(self, engine: Scriptable) -> str:
        """Serve ``engine`` under a fresh prefix; returns the prefix."""
        key = str(next(self._keys))
        self.engines[key] = engine
        return f"/_t/{key}"

    def unmount(self, prefix: str) -> None:
        """Stop serving the engine under ``prefix``."""
        self.engines.pop(prefix.rsplit("/", 1)[-1], None)

    def resolve(self, path: str) -> tuple[Scriptable | None, str]:
        """The engine for ``path`` and the path below its prefix."""
        if path.startswith("/_t/"):
            key, _, rest = path[4:].partition("/")
            return self.engines.get(key), "/" + rest
        return self.default, path


@dataclass(frozen=True, slots=True, kw_only=True)
class ServerOptions:
    """What ``claude-fake serve``'s flags set (``running_server`` takes the same)."""

    allow_hosts: tuple[str, ...] = ()
    api_key: str | None = None  # guards /_fake/* too (an engine's require_api_key does as well)
    limits: Limits = field(default_factory=Limits)
    log_requests: bool = False
    recording_threads: int = RECORDING_THREADS
    workers: int = 1  # processes serving the port (``--workers``): above 1, scripting is off

    def guard(self, bound: str) -> Guard:
        """The Host/Origin/key checks for a server bound to ``bound``."""
        return Guard.build(bound, self.allow_hosts, self.api_key)


_QUIET = QuietDrops()


def uvicorn_options() -> dict[str, Any]:
    """The uvicorn settings of every server here (``running_server`` and ``claude-fake serve``).

    ``loop`` stays ``"auto"`` (uvloop; no uvloop on Windows) and the HTTP protocol is uvicorn's
    ``auto`` one (httptools, else h11) wrapped by ``faces.limits``: against h11 and asyncio they
    cut the server's CPU time per ``messages.create`` by 40-50%. Off: ``lifespan`` (no start-up
    work), websockets (none served), proxy headers (nothing stands in front of the fake) and
    uvicorn's ``server`` header (the real API sends ``server: cloudflare``); ``date`` stays on, as
    the real API sends it. Installs the filter that keeps scripted drops out of the error log."""
    logging.getLogger("uvicorn.error").addFilter(_QUIET)
    return {
        "log_level": "warning",
        "access_log": False,
        "lifespan": "off",
        "ws": "none",
        "proxy_headers": False,
        "server_header": False,
    }


def uvicorn_config(app: Any, limits: Limits) -> Any:
    """A ``uvicorn.Config`` for ``app`` with the protocol that enforces ``limits``."""
    import uvicorn

    connections = Connections(limits.connections())
    return uvicorn.Config(
        app,
        http=guarded_protocol(limits, connections),
        timeout_keep_alive=limits.keep_alive,  # type: ignore[arg-type]  # a float works
        timeout_graceful_shutdown=1,
        **uvicorn_options(),
    )
