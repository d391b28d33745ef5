"""The traffic page's routes over a real loopback server, without a browser: the live feed
(``GET /_fake/events``) as any tool reads it, one request in full (``GET /_fake/requests/ID``),
the page's files and headers, and the key as a browser presents it (the session cookie)."""

from __future__ import annotations

import asyncio
import json
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import anthropic
import httpx2
import pytest

from claude_fake import FakeClaude
from claude_fake.faces.server import Hub, ServerOptions, build_app, running_server
from claude_fake.faces.ui import feed

MODEL = "claude-sonnet-4-6"
KEY = "sk-ant-ui-key"


def sdk(url: str, key: str = "sk-ant-test") -> anthropic.Anthropic:
    return anthropic.Anthropic(
        base_url=url, api_key=key, max_retries=0, _strict_response_validation=True
    )


def ask(client: anthropic.Anthropic, text: str) -> Any:
    return client.messages.create(
        model=MODEL, max_tokens=64, messages=[{"role": "user", "content": text}]
    )


class Events:
    """A feed read in a thread: the events it got so far, as (name, id, data)."""

    def __init__(self, url: str, **headers: str) -> None:
        self.got: list[tuple[str, str | None, Any]] = []
        self.status = 0
        self._lock = threading.Condition()
        self._client = httpx2.Client(timeout=httpx2.Timeout(10, read=None))
        self._thread = threading.Thread(target=self._read, args=(url, headers), daemon=True)
        self._thread.start()

    def _read(self, url: str, headers: dict[str, str]) -> None:
        name, event_id, data = "message", None, ""
        try:
            with self._client.stream("GET", url, headers=headers) as answer:
                self.status = answer.status_code
                for line in answer.iter_lines():
                    if line.startswith("event: "):
                        name = line[7:]
                    elif line.startswith("id: "):
                        event_id = line[4:]
                    elif line.startswith("data: "):
                        data = line[6:]
                    elif not line and data:
                        with self._lock:
                            self.got.append((name, event_id, json.loads(data)))
                            self._lock.notify_all()
                        name, event_id, data = "message", None, ""
        except httpx2.HTTPError:
            pass
        finally:
            with self._lock:
                self._lock.notify_all()

    def wait(self, name: str, count: int = 1) -> list[Any]:
        """The data of the first ``count`` events called ``name`` (waits up to 10 s)."""
        with self._lock:
            self._lock.wait_for(lambda: len(self.named(name)) >= count, timeout=10)
            found = self.named(name)
        assert len(found) >= count, f"{count} {name} event(s) expected, got {self.got}"
        return found

    def named(self, name: str) -> list[Any]:
        return [data for kind, _, data in self.got if kind == name]

    def close(self) -> None:
        self._client.close()
        self._thread.join(timeout=5)


@pytest.fixture
def opened() -> Iterator[list[Events]]:
    """The feeds a test opened, closed after its server stopped (which ends them)."""
    feeds: list[Events] = []
    yield feeds
    for each in feeds:
        each.close()


@pytest.fixture
def served(fake: FakeClaude, opened: list[Events]) -> Iterator[str]:
    with fake.serve() as url:
        yield url


@pytest.fixture
def events(served: str, opened: list[Events]) -> Any:
    def open_feed(path: str = "/_fake/events", **headers: str) -> Events:
        opened.append(Events(served + path, **headers))
        return opened[-1]

    return open_feed


def test_each_request_arrives_as_it_is_answered_with_what_the_list_shows(
    fake: FakeClaude, served: str, events: Any
) -> None:
    fake.reply("Sunny.")
    fake.reply("Spare.", when=lambda r: "never" in r.text)
    feed_ = events()
    hello = feed_.wait("hello")[0]
    assert hello["last_id"] == 0
    assert feed_.wait("state")[0]["unused_count"] == 2
    with sdk(served) as client:
        ask(client, "Weather in Paris? sk-ant-api03-secret")
    (row,) = feed_.wait("request")
    assert row["id"] == 1
    assert (row["method"], row["path"], row["model"]) == ("POST", "/v1/messages", MODEL)
    assert row["text"] == "Weather in Paris? <redacted>"  # no key leaves the server
    assert (row["source"], row["status"], row["stream"], row["cut"]) == (
        "scripted",
        200,
        False,
        False,
    )
    assert row["took_ms"] >= 0
    assert row["stop_reason"] == "end_turn"
    state = feed_.wait("state", 2)[-1]
    assert state["unused_count"] == 1
    assert state["count"] == 1
    ids = [event_id for kind, event_id, _ in feed_.got if kind == "request"]
    assert ids == [f"{hello['epoch']}/1"]


def test_a_feed_starts_where_asked_and_resumes_from_last_event_id(
    fake: FakeClaude, served: str, events: Any
) -> None:
    with sdk(served) as client:
        for n in range(5):
            ask(client, f"question {n}")
    assert [r["id"] for r in events().wait("request", 5)] == [1, 2, 3, 4, 5]
    assert [r["id"] for r in events("/_fake/events?after=3").wait("request", 2)] == [4, 5]
    assert [r["id"] for r in events("/_fake/events?tail=1").wait("request")] == [5]
    epoch = fake.journal.epoch
    resumed = events("/_fake/events?after=0", **{"last-event-id": f"{epoch}/4"})
    assert [r["id"] for r in resumed.wait("request")] == [5]
    stale = events(**{"last-event-id": "another-epoch/4"})  # a server restarted: all again
    assert [r["id"] for r in stale.wait("request", 5)][:2] == [1, 2]


def test_a_reset_is_announced_and_ids_restart(fake: FakeClaude, served: str, events: Any) -> None:
    feed_ = events()
    feed_.wait("hello")
    with sdk(served) as client:
        ask(client, "before")
        feed_.wait("request")
        httpx2.post(served + "/_fake/reset")
        ask(client, "after")
    assert feed_.wait("reset")[0]["epoch"] == fake.journal.epoch
    rows = feed_.wait("request", 2)
    assert [(r["id"], r["text"]) for r in rows] == [(1, "before"), (1, "after")]


def test_bad_feed_parameters_say_what_it_takes(served: str) -> None:
    answer = httpx2.get(served + "/_fake/events?since=3")
    assert answer.status_code == 400
    error = answer.json()["error"]
    assert "since" in error["what"]
    assert "tail=500" in error["fix"]
    assert httpx2.get(served + "/_fake/events?after=x").status_code == 400


@pytest.mark.parametrize("size", [None, 100], ids=["unbounded", "bounded-packed"])
def test_one_request_in_full(size: int | None) -> None:
    fake = FakeClaude(seed=0, journal_size=size)
    with fake.serve() as served:
        _one_request_in_full(fake, served)


def _one_request_in_full(fake: FakeClaude, served: str) -> None:
    fake.fail("overloaded_error", after_events=3)
    fake.reply("Hello there, this is long enough for several deltas.")
    with sdk(served) as client:
        with (
            pytest.raises(anthropic.APIStatusError),
            client.messages.stream(
                model=MODEL, max_tokens=64, messages=[{"role": "user", "content": "hi"}]
            ) as stream,
        ):
            stream.until_done()
        fake.disconnect()
        with pytest.raises(anthropic.APIConnectionError):
            ask(client, "dropped")
    one = httpx2.get(served + "/_fake/requests/1").json()
    assert one["id"] == 1
    assert one["body"]["messages"] == [{"role": "user", "content": "hi"}]
    assert one["response"]["content"][0]["text"].startswith("Hello there")
    assert "sk-ant-test" not in json.dumps(one["headers"])  # credentials replaced
    view = one["stream_view"]
    assert view["events"][:3] == ["message_start", "content_block_start", "ping"]
    assert view["events"][-1] == "message_stop"
    assert (view["cut_after"], view["then"]) == (3, "error")
    assert view["error_event"]["error"]["type"] == "overloaded_error"
    dropped = httpx2.get(served + "/_fake/requests/2").json()
    assert (dropped["source"], dropped["cut"], dropped["response"]) == ("fault", True, None)
    assert dropped["stream_view"]["then"] == "disconnect"
    missing = httpx2.get(served + "/_fake/requests/9")
    assert missing.status_code == 404
    assert "no request 9 is kept" in missing.json()["error"]["message"]


def test_a_cassette_miss_names_the_nearest_recording(tmp_path: Path) -> None:
    cassette = tmp_path / "c.yaml"
    upstream = FakeClaude(seed=0)  # a second fake as the upstream the cassette is recorded from
    with upstream.serve() as up:
        recorder = FakeClaude(seed=0, cassette=str(cassette), record_mode="all", upstream=up)
        with recorder.serve() as url, sdk(url) as client:
            ask(client, "recorded question")
        recorder.close()
    player = FakeClaude(seed=0, cassette=str(cassette))
    with player.serve() as url, sdk(url) as client:
        with pytest.raises(anthropic.InternalServerError):
            ask(client, "another question")
        one = httpx2.get(url + "/_fake/requests/1").json()
    assert one["source"] == "miss"
    assert one["miss"]["what"].startswith("no recorded interaction matches POST /v1/messages")
    assert one["miss"]["nearest"].startswith("Closest entry #1 (POST /v1/messages) differs at")
    assert "recorded question" in one["miss"]["nearest"]
    assert one["miss"]["fix"].startswith("To re-record")


def test_the_page_and_its_files_are_served_with_a_strict_policy(served: str) -> None:
    page = httpx2.get(served + "/_fake/ui")
    assert page.status_code == 200
    assert page.headers["content-type"] == "text/html; charset=utf-8"
    policy = page.headers["content-security-policy"]
    assert "default-src 'none'" in policy
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert page.headers["x-content-type-options"] == "nosniff"
    assert '<script src="ui/app.js"' in page.text
    assert (
        httpx2.get(served + "/_fake/ui/app.js")
        .headers["content-type"]
        .startswith("text/javascript")
    )
    assert httpx2.get(served + "/_fake/ui/app.css").status_code == 200
    slash = httpx2.get(served + "/_fake/ui/")
    assert (slash.status_code, slash.headers["location"]) == (308, "/_fake/ui")
    wrong = httpx2.post(served + "/_fake/ui", json={})
    assert wrong.status_code == 405
    assert "use GET" in wrong.json()["error"]["message"]


def test_the_page_of_a_mounted_engine_reads_that_engine() -> None:
    hub = Hub()
    first, second = FakeClaude(seed=0), FakeClaude(seed=0)
    with running_server(None, hub=hub) as url:
        one, two = url + hub.mount(first), url + hub.mount(second)
        with sdk(two) as client:
            ask(client, "to the second")
        assert httpx2.get(one + "/_fake/requests/1").status_code == 404
        assert httpx2.get(two + "/_fake/requests/1").json()["text"] == "to the second"
        assert httpx2.get(two + "/_fake/ui").status_code == 200


def test_a_keyed_server_opens_the_feed_to_the_key_or_the_page_cookie(fake: FakeClaude) -> None:
    with running_server(fake, options=ServerOptions(api_key=KEY)) as url:
        assert httpx2.get(url + "/_fake/ui").status_code == 200  # holds no data
        assert httpx2.get(url + "/_fake/ui/session").json() == {
            "keyed": True,
            "authorized": False,
            "workers": 1,
        }
        refused = httpx2.get(url + "/_fake/requests/1")
        assert refused.status_code == 401
        assert httpx2.get(url + "/_fake/events").status_code == 401
        assert (
            httpx2.post(url + "/_fake/ui/session", headers={"x-api-key": "no"}).status_code == 401
        )

        with sdk(url, KEY) as client:
            ask(client, "hello")
        opened = httpx2.post(url + "/_fake/ui/session", headers={"x-api-key": KEY})
        assert opened.status_code == 200
        cookie = opened.headers["set-cookie"]
        assert "HttpOnly" in cookie
        assert "SameSite=Strict" in cookie
        assert KEY not in cookie
        jar = {"cookie": cookie.split(";")[0]}
        assert httpx2.get(url + "/_fake/requests/1", headers=jar).status_code == 200
        assert httpx2.get(url + "/_fake/ui/session", headers=jar).json()["authorized"] is True
        with httpx2.stream("GET", url + "/_fake/events", headers=jar) as answer:
            assert answer.status_code == 200
        with httpx2.stream("GET", url + "/_fake/events", headers={"x-api-key": KEY}) as answer:
            assert answer.status_code == 200
        # the cookie opens the page's reads only: scripting still needs the key itself
        scripted = httpx2.post(url + "/_fake/replies", json={"content": "x"}, headers=jar)
        assert scripted.status_code == 401
        assert httpx2.get(url + "/_fake/requests", headers=jar).status_code == 401


def test_with_several_workers_the_feed_is_off_as_scripting_is(fake: FakeClaude) -> None:
    with running_server(fake, options=ServerOptions(workers=2)) as url:
        assert httpx2.get(url + "/_fake/ui/session").json()["workers"] == 2
        assert httpx2.get(url + "/_fake/ui").status_code == 200
        for path in ("/_fake/events", "/_fake/requests/1"):
            answer = httpx2.get(url + path)
            assert answer.status_code == 409
            assert "2 worker processes serve this port" in answer.json()["error"]["message"]


def test_a_foreign_origin_cannot_read_the_feed(served: str) -> None:
    answer = httpx2.get(served + "/_fake/events", headers={"origin": "http://evil.example"})
    assert answer.status_code == 403
    assert httpx2.get(served + "/_fake/ui", headers={"host": "evil.example"}).status_code == 403


async def test_a_feed_ends_when_its_client_leaves_and_never_holds_the_loop() -> None:
    fake = FakeClaude(seed=0, journal_size=5000)
    client = fake.client()
    for n in range(3 * feed.BATCH):
        ask(client, f"n{n}")
    app = build_app(Hub(fake))
    left = asyncio.Event()
    sent: list[bytes] = []
    turns = 0

    async def receive() -> dict[str, Any]:
        await left.wait()
        return {"type": "http.disconnect"}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message.get("body", b""))

    async def other_work() -> None:  # runs between the feed's batches
        nonlocal turns
        while not left.is_set():
            turns += 1
            await asyncio.sleep(0)

    scope = {
        "type": "http",
        "method": "GET",
        "path": "/_fake/events",
        "query_string": b"",
        "headers": [(b"host", b"127.0.0.1")],
    }
    serving = asyncio.ensure_future(app(scope, receive, send))
    other = asyncio.ensure_future(other_work())
    while b"".join(sent).count(b"event: request") < 3 * feed.BATCH:
        await asyncio.sleep(0.01)
    assert turns >= 3  # the backlog went out a batch at a time, the loop free in between
    left.set()
    await asyncio.wait_for(serving, timeout=2)  # it ends: nothing left behind
    await other
    client.close()
