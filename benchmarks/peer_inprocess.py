"""In-process peers, run inside ``benchmarks/.venv-peers`` (anthropic 0.125: the last on ``httpx``).

Measures that SDK's own floor (``httpx.MockTransport``), respx and vcrpy replay answering the same
bytes claude-fake answers (read from the fixture file the runner writes), interleaved.
Usage: ``.venv-peers/bin/python peer_inprocess.py FIXTURE.json [--quick]``; prints one JSON line.
"""

from __future__ import annotations

import json
import sys
import tempfile
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any

import anthropic
import httpx
import respx
import vcr
import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _timing import Figure, figure, interleaved, median, ratio

URL = "https://api.anthropic.com/v1/messages"


def floor_client(headers: dict[str, str], body: bytes) -> anthropic.Anthropic:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, headers=headers, content=body)

    client = httpx.Client(transport=httpx.MockTransport(handler))
    return anthropic.Anthropic(api_key="k", http_client=client)


@contextmanager
def respx_mocked(headers: dict[str, str], body: bytes) -> Iterator[anthropic.Anthropic]:
    with respx.mock(assert_all_called=False) as router:
        router.post(URL).mock(return_value=httpx.Response(200, headers=headers, content=body))
        yield anthropic.Anthropic(api_key="k")


def write_cassette(folder: Path, headers: dict[str, str], body: bytes) -> Path:
    """A plain vcrpy cassette holding one POST /v1/messages answered with ``body``."""
    path = folder / "peer.yaml"
    interaction = {
        "request": {"method": "POST", "uri": URL, "body": None, "headers": {}},
        "response": {
            "status": {"code": 200, "message": "OK"},
            "headers": {k: [v] for k, v in headers.items()},
            "body": {"string": body.decode()},
        },
    }
    path.write_text(yaml.safe_dump({"version": 1, "interactions": [interaction]}))
    return path


@contextmanager
def vcr_replaying(headers: dict[str, str], body: bytes) -> Iterator[anthropic.Anthropic]:
    with tempfile.TemporaryDirectory() as tmp:
        path = write_cassette(Path(tmp), headers, body)
        with vcr.use_cassette(str(path), record_mode="none", allow_playback_repeats=True):
            yield anthropic.Anthropic(api_key="k")


def consume(client: anthropic.Anthropic, args: dict[str, Any]) -> None:
    with client.messages.stream(**args) as stream:
        for _ in stream:
            pass
        stream.get_final_message()


def measure(kind: str, fixture: dict[str, Any], rounds: int) -> dict[str, list[float]]:
    headers, body = fixture[f"{kind}_headers"], fixture[f"{kind}_body"].encode()
    args = fixture["args"]
    with ExitStack() as stack:
        clients = {
            "floor": floor_client(headers, body),
            "respx": stack.enter_context(respx_mocked(headers, body)),
            "vcrpy": stack.enter_context(vcr_replaying(headers, body)),
        }
        call: Callable[[anthropic.Anthropic], object]
        if kind == "json":
            call = lambda c: c.messages.create(**args)  # noqa: E731
        else:
            call = lambda c: consume(c, args)  # noqa: E731
        cases = {name: (lambda c=client: call(c)) for name, client in clients.items()}
        batch = 25 if kind == "json" else 1
        return interleaved(cases, batch=batch, rounds=rounds, warmup=3)


def figures(fixture: dict[str, Any], quick: bool) -> list[Figure]:
    out: list[Figure] = []
    version = anthropic.__version__
    for kind, what, rounds in (("json", "create", 30), ("sse", "stream", 12)):
        times = measure(kind, fixture, rounds // (4 if quick else 1))
        out.append(
            figure(
                f"peer.floor_{version}.{what}",
                median(times["floor"]) * 1e3,
                "ms",
                f"SDK {version} floor: {what} via httpx.MockTransport",
            )
        )
        for peer in ("respx", "vcrpy"):
            out.append(
                figure(
                    f"peer.{peer}.{what}",
                    median(times[peer]) * 1e3,
                    "ms",
                    f"{peer} {what} (SDK {version})",
                    ratio=ratio(times[peer], times["floor"]),
                    ratio_of="its SDK's floor",
                    peer=peer,
                    kind=what,
                    face="inprocess",
                )
            )
    return out


def main(argv: list[str]) -> int:
    fixture = json.loads(Path(argv[0]).read_text())
    sys.stdout.write(json.dumps(figures(fixture, "--quick" in argv)) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
