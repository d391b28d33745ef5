"""Issue 14, problems 1, 3, 4, 8 and the upstream's faults, through the real SDK: no recording
without a real key, no 401 on disk, keys scrubbed before matching and never printed, appended
writes, SDK headers dropped, user filters and vcrpy-shaped hooks."""

from __future__ import annotations

import gzip
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import anthropic
import pytest
import yaml
from cassette_helpers import MODEL, ask, strict, upstream

from claude_fake import FakeClaude

CANARY = "sk-ant-api03-CANARY0123456789abcdefXYZ"


@pytest.fixture(autouse=True)
def _no_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ANTHROPIC_API_KEY", raising=False)


def _doc(path: Path) -> Any:
    return yaml.safe_load(path.read_text())


# -- problem 1: a key is needed, and a 401 is never written ---------------------------------
@pytest.mark.parametrize("key", [None, "sk-ant-fake-key"])
def test_recording_against_the_real_api_without_a_real_key_is_refused_before_sending(
    key: str | None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    if key is not None:
        monkeypatch.setenv("ANTHROPIC_API_KEY", key)
    cassette = tmp_path / "c.yaml"
    fake = FakeClaude(cassette=str(cassette), record_mode="once")  # the real API's URL
    with pytest.raises(anthropic.InternalServerError) as caught:
        ask(strict(fake), "hello")
    assert "refusing to record: no API key for https://api.anthropic.com" in caught.value.message
    assert "Nothing was sent and nothing was written" in caught.value.message
    assert not cassette.exists()
    assert [r.source.value for r in fake.requests] == ["error"]
    assert fake.opened_cassette is not None
    assert fake.opened_cassette.stats["recorded"] == 0


def test_an_upstream_401_is_passed_on_as_an_error_and_never_written(tmp_path: Path) -> None:
    cassette = tmp_path / "c.yaml"
    with upstream("hi", require_api_key="sk-ant-api03-the-right-one") as url:
        fake = FakeClaude(cassette=str(cassette), record_mode="new_episodes", upstream=url)
        with pytest.raises(anthropic.InternalServerError) as caught:
            ask(strict(fake), "hello")
        fake.close()
    assert f"recording stopped: {url} answered 401" in caught.value.message
    assert "nothing was written" in caught.value.message
    assert not cassette.exists()
    assert fake.opened_cassette is not None
    assert (fake.opened_cassette.stats["recorded"], fake.opened_cassette.not_recorded) == (0, 1)


# -- problem 3: keys in a request; never printed --------------------------------------------
def test_a_request_holding_a_key_replays_and_a_miss_never_prints_it(tmp_path: Path) -> None:
    cassette = tmp_path / "c.yaml"
    with upstream("noted") as url:
        fake = FakeClaude(cassette=str(cassette), record_mode="once", upstream=url)
        assert ask(strict(fake), f"remember {CANARY}").content[0].text == "noted"  # type: ignore[union-attr]
        fake.close()
    assert CANARY not in cassette.read_text()
    replay = FakeClaude(cassette=str(cassette))
    assert ask(strict(replay), f"remember {CANARY}").content[0].text == "noted"  # type: ignore[union-attr]
    with pytest.raises(anthropic.InternalServerError) as caught:
        ask(strict(replay), f"forget {CANARY}")
    assert CANARY not in str(caught.value.body)
    assert "<redacted>" in caught.value.message
    assert all(CANARY not in problem for problem in replay.problems)


# -- problem 4: each recording appends ------------------------------------------------------
def test_each_recorded_interaction_is_appended_not_the_file_rewritten(tmp_path: Path) -> None:
    cassette = tmp_path / "c.yaml"
    with upstream() as url:
        fake = FakeClaude(cassette=str(cassette), record_mode="new_episodes", upstream=url)
        client = strict(fake)
        ask(client, "question 0")
        inode = cassette.stat().st_ino
        for n in range(1, 12):
            ask(client, f"question {n}")
            assert cassette.stat().st_ino == inode  # the same file, grown: no rewrite
        fake.close()
    assert len(_doc(cassette)["interactions"]) == 12
    replay = FakeClaude(cassette=str(cassette))
    for n in range(12):
        ask(strict(replay), f"question {n}")
    assert [r.source.value for r in replay.requests] == ["replayed"] * 12


# -- problem 8: SDK headers dropped, filters, hooks -----------------------------------------
def test_sdk_and_platform_headers_are_not_stored(tmp_path: Path) -> None:
    cassette = tmp_path / "c.yaml"
    with upstream("hi") as url:
        fake = FakeClaude(cassette=str(cassette), record_mode="once", upstream=url)
        ask(strict(fake), "hello")
        fake.close()
    headers = _doc(cassette)["interactions"][0]["request"]["headers"]
    assert "user-agent" not in headers
    assert not [h for h in headers if h.startswith("x-stainless-")]
    assert "anthropic-version" in headers


def test_user_filters_and_vcrpy_shaped_hooks(tmp_path: Path) -> None:
    cassette = tmp_path / "c.yaml"

    def scrub_request(request: Any) -> Any:  # vcrpy's shape: a vcr.request.Request
        request.body = request.body.replace(b"Alice", b"PERSON")
        return request

    def scrub_response(response: dict[str, Any]) -> dict[str, Any]:  # vcrpy's response dict
        response["headers"].pop("x-private", None)
        return response

    settings: dict[str, Any] = {
        "filter_headers": ["anthropic-beta"],
        "filter_query": ["trace"],
        "filter_body": ["metadata.user_id"],
        "before_record_request": scrub_request,
        "before_record_response": scrub_response,
    }
    extra: dict[str, Any] = {
        "metadata": {"user_id": "user-123"},
        "extra_query": {"trace": "t-1"},
    }
    with upstream("hello Alice") as url:
        fake = FakeClaude(cassette=str(cassette), record_mode="once", upstream=url, **settings)
        ask(strict(fake), "I am Alice", **extra)
        fake.close()
    stored = _doc(cassette)["interactions"][0]["request"]
    assert "Alice" not in str(stored["json"]["messages"])
    assert stored["json"]["metadata"] == {"user_id": "<redacted>"}
    assert "trace" not in stored["uri"]
    replay = FakeClaude(cassette=str(cassette), **settings)  # the live request cleaned alike
    ask(strict(replay), "I am Alice", **{**extra, "metadata": {"user_id": "other"}})
    assert [r.source.value for r in replay.requests] == ["replayed"]


# -- the upstream's faults are named as such ------------------------------------------------
class _Broken(BaseHTTPRequestHandler):
    def log_message(self, *args: Any) -> None:
        pass

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers["content-length"]))
        if self.server.mode == "gzip":  # type: ignore[attr-defined]
            body = gzip.compress(b'{"type": "message"}')[:-12] + b"garbage!"
            self.send_response(200)
            self.send_header("content-type", "application/json")
            self.send_header("content-encoding", "gzip")
            self.send_header("content-length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            return
        self.send_response(200)
        self.send_header("content-type", "text/event-stream")
        self.send_header("content-length", "100000")
        self.end_headers()
        message = {
            "id": "msg_01CUT",
            "type": "message",
            "role": "assistant",
            "model": MODEL,
            "content": [],
            "stop_reason": None,
            "stop_sequence": None,
            "usage": {"input_tokens": 3, "output_tokens": 1},
        }
        start = json.dumps({"type": "message_start", "message": message})
        self.wfile.write(b"event: message_start\ndata: " + start.encode() + b"\n\n")
        self.wfile.flush()
        self.connection.close()  # cut before the promised length


@pytest.fixture
def broken_upstream() -> Any:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Broken)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server
    server.shutdown()
    server.server_close()


@pytest.mark.parametrize(("mode", "stream"), [("gzip", False), ("cut", True)])
def test_upstream_faults_are_named_as_the_upstreams(
    mode: str, stream: bool, broken_upstream: Any, tmp_path: Path
) -> None:
    broken_upstream.mode = mode
    url = f"http://127.0.0.1:{broken_upstream.server_address[1]}"
    cassette = tmp_path / "c.yaml"
    fake = FakeClaude(cassette=str(cassette), record_mode="once", upstream=url)
    client = strict(fake)
    body: dict[str, Any] = {
        "model": MODEL,
        "max_tokens": 8,
        "messages": [{"role": "user", "content": "hi"}],
    }

    def call() -> None:
        if stream:
            with client.messages.stream(**body) as events:
                events.get_final_message()
        else:
            client.messages.create(**body)

    with pytest.raises(anthropic.APIError) as caught:
        call()
    fake.close()
    text = str(caught.value)
    assert f"recording failed: the upstream {url} broke off" in text
    assert "upstream's fault, not the fake's" in text
    assert "Traceback" not in text
    assert not cassette.exists()
