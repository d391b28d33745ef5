"""Living beside pytest-recording's ``--block-network``: it patches ``socket.connect`` for each
test, so the loopback server is out of reach unless 127.0.0.1 is an allowed host. Say so before
the test runs, instead of letting the SDK fail with a bare connection error."""

from __future__ import annotations

import socket
from urllib.parse import urlsplit

from claude_fake.errors import ConfigError

_CONNECT = socket.socket.connect  # as it is before any test blocks the network


def check_reachable(base_url: str) -> None:
    """Raise ConfigError when a network guard refuses connections to the loopback server.

    Costs nothing unless ``socket.socket.connect`` has been replaced (a guard is active)."""
    if socket.socket.connect is _CONNECT:
        return
    parts = urlsplit(base_url)
    host, port = parts.hostname or "127.0.0.1", parts.port or 80
    probe = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        probe.settimeout(2)
        probe.connect((host, port))
    except RuntimeError as exc:  # pytest-recording's guard: "Network is disabled for host ..."
        raise ConfigError(
            f"the loopback server at {host}:{port} cannot be reached: {exc}.",
            why="pytest-recording's --block-network (or block_network marker) blocks every "
            "connection but the allowed hosts, and claude_server, claude_env and a "
            "claude_cassette test's own clients talk to claude-fake on loopback.",
            fix=f"Allow it: pytest --block-network --allowed-hosts={host} (or "
            f'@pytest.mark.block_network(allowed_hosts=["{host}"]), or "allowed_hosts" in '
            "vcr_config). Recording a cassette also needs the upstream host allowed.",
            anchor="pytest-recording",
        ) from None
    except OSError:
        return  # not a guard: let the client meet and report it
    finally:
        probe.close()
