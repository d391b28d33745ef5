"""Binding the server's socket before anything is printed, so the banner shows the address
actually bound (``--port 0`` shows the port chosen) and a port in use is one clear line."""

from __future__ import annotations

import errno
import socket
import sys

from claude_fake.errors import ConfigError


def bind(host: str, port: int) -> socket.socket:
    """A listening TCP socket on ``host``:``port``; a one-line ConfigError says why it cannot be."""
    if not 0 <= port <= 65535:
        raise ConfigError(f"--port {port} is not a TCP port: give 1-65535, or 0 for a free one.")
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except socket.gaierror as exc:
        raise ConfigError(
            f"--host {host}: no such address ({exc.strerror}); use an address of this machine, "
            "e.g. 127.0.0.1 (this machine only) or 0.0.0.0 (every interface)."
        ) from None
    family, kind, proto, _, address = infos[0]
    sock = socket.socket(family, kind, proto)
    try:
        if sys.platform != "win32":  # as uvicorn: restart at once on a port in TIME_WAIT
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(address)
        sock.listen(2048)  # connections wait in the backlog from now on, even before uvicorn runs
    except OSError as exc:
        sock.close()
        raise _bind_error(host, port, exc) from None
    sock.set_inheritable(True)
    return sock


def _bind_error(host: str, port: int, exc: OSError) -> ConfigError:
    """One line: what went wrong and what to do."""
    if exc.errno == errno.EADDRINUSE:
        reason = "the port is in use (another process listens on it)"
        fix = "stop it, or pick another port (--port 0 picks a free one)"
    elif exc.errno == errno.EACCES:
        reason, fix = "permission denied", "use a port above 1023, e.g. --port 8787"
    else:
        reason = exc.strerror or str(exc)
        fix = "check --host is an address of this machine, or use 127.0.0.1"
    return ConfigError(f"cannot serve on {host}:{port}: {reason}; {fix}.")


def base_url(sock: socket.socket) -> str:
    """``http://host:port`` of a bound socket (IPv6 in brackets)."""
    host, port = sock.getsockname()[:2]
    return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"


def banner(version: str, url: str, hosts: list[str], *, keyed: bool) -> str:
    """What ``claude-fake serve`` prints once it is listening."""
    lines = [f"claude-fake {version} serving on {url}"]
    lines.append(f"  answers to Host: {', '.join(hosts)} (more with --allow-host NAME)")
    lines.append(f"  traffic page: {url}/_fake/ui")
    if keyed:
        lines.append("  /v1 and /_fake/ need the API key (GET /_fake/health is open)")
    return "\n".join(lines) + "\n"
