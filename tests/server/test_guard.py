"""Who may talk to a served fake: Host and Origin on every path (403), the key on /_fake/* (401),
JSON-only scripting (415). Driven over a real loopback server with real HTTP clients."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import anthropic
import httpx2
import pytest
from server_helpers import API_HEADERS, ASK, MODEL, served

from claude_fake import FakeClaude

PATHS = [
    ("POST", "/v1/messages"),
    ("GET", "/v1/models"),
    ("GET", "/_fake/requests"),
    ("POST", "/_fake/reset"),
    ("GET", "/_fake/health"),
    ("GET", "/nowhere"),
]


@pytest.fixture
def url(fake: FakeClaude) -> Iterator[str]:
    with served(fake, allow_hosts=("fake.internal",)) as base:
        yield base


def _call(url: str, method: str, path: str, **headers: str) -> httpx2.Response:
    body = ASK if path == "/v1/messages" else None
    return httpx2.request(method, url + path, json=body, headers={**API_HEADERS, **headers})


@pytest.mark.parametrize(("method", "path"), PATHS)
def test_a_host_the_server_does_not_answer_to_gets_403_on_every_path(
    url: str, fake: FakeClaude, method: str, path: str
) -> None:
    answer = _call(url, method, path, host="attacker.example:8787")
    assert answer.status_code == 403
    error = answer.json()["error"]
    assert error["type"] == "permission_error"
    assert "attacker.example" in error["message"]
    assert "--allow-host attacker.example" in error["message"]
    if path.startswith("/_fake/"):  # our own envelope: what, why and fix apart
        assert error["what"].startswith("Host 'attacker.example:8787'")
        assert "DNS-rebinding" in error["why"]
    else:  # the API's envelope, with its request id
        assert answer.json()["request_id"] == answer.headers["request-id"]
    assert fake.requests == []  # nothing reached the engine


@pytest.mark.parametrize(
    "host", ["127.0.0.1", "localhost", "LOCALHOST:1234", "[::1]:80", "fake.internal:9"]
)
def test_the_names_it_answers_to(url: str, host: str) -> None:
    assert _call(url, "GET", "/_fake/health", host=host).status_code == 200


def test_the_sdk_through_an_allowed_name(fake: FakeClaude, url: str) -> None:
    port = url.rsplit(":", 1)[1]
    with anthropic.Anthropic(
        base_url=url,
        api_key="sk-ant-test",
        default_headers={"host": f"fake.internal:{port}"},
        _strict_response_validation=True,
    ) as client:
        assert client.messages.create(**ASK).model == MODEL  # type: ignore[call-overload]
        assert fake.requests[0].headers["host"] == f"fake.internal:{port}"


@pytest.mark.parametrize(("method", "path"), PATHS)
def test_a_cross_site_origin_gets_403_on_every_path(
    url: str, fake: FakeClaude, method: str, path: str
) -> None:
    answer = _call(url, method, path, origin="https://evil.example")
    assert answer.status_code == 403
    assert "Origin 'https://evil.example' is not this server's own" in answer.text
    assert fake.requests == []


def test_its_own_origin_is_served(url: str) -> None:
    own = url  # http://127.0.0.1:PORT: what a page the fake served (/_fake/ui) sends
    answer = _call(url, "POST", "/_fake/replies", origin=own)  # no body: a 400, not a 403
    assert answer.status_code == 400
    assert _call(url, "GET", "/_fake/requests", origin=own).status_code == 200


def test_a_text_plain_post_from_a_page_neither_scripts_nor_resets(
    url: str, fake: FakeClaude
) -> None:
    fake.reply("kept")
    # what a cross-site <form> or fetch(no-cors) can send: no preflight, text/plain
    for origin in ("https://evil.example", None):
        headers = {"content-type": "text/plain"} | ({"origin": origin} if origin else {})
        reset = httpx2.post(f"{url}/_fake/reset", content=b"{}", headers=headers)
        added = httpx2.post(f"{url}/_fake/replies", content=b'{"content": "x"}', headers=headers)
        assert (reset.status_code, added.status_code) == ((403, 403) if origin else (415, 415))
    assert len(fake.unused()) == 1


@pytest.mark.parametrize(
    "content_type", ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data"]
)
def test_scripting_takes_json_only(url: str, fake: FakeClaude, content_type: str) -> None:
    answer = httpx2.post(
        f"{url}/_fake/replies", content=b'{"content": "x"}', headers={"content-type": content_type}
    )
    assert answer.status_code == 415
    error = answer.json()["error"]
    assert error["what"] == f"POST /_fake/replies takes JSON; the body was sent as {content_type}."
    assert "application/json" in error["fix"]
    assert fake.unused() == []


def test_json_with_a_charset_and_a_bodyless_post_are_fine(url: str, fake: FakeClaude) -> None:
    headers = {"content-type": "application/json; charset=utf-8"}
    added = httpx2.post(f"{url}/_fake/replies", content=b'{"content": "x"}', headers=headers)
    assert added.status_code == 201
    assert httpx2.post(f"{url}/_fake/reset").status_code == 200  # curl -X POST: no body at all


@pytest.fixture
def keyed(fake: FakeClaude) -> Iterator[str]:
    with served(fake, api_key="sk-ant-server-key") as base:
        yield base


@pytest.mark.parametrize(
    ("method", "path"),
    [("GET", "/_fake/requests"), ("POST", "/_fake/reset"), ("GET", "/_fake/unused")],
)
def test_the_key_guards_the_scripting_api(
    keyed: str, fake: FakeClaude, method: str, path: str
) -> None:
    fake.reply("kept")
    for headers in ({}, {"x-api-key": "wrong"}, {"authorization": "Bearer wrong"}):
        answer = httpx2.request(method, keyed + path, headers=headers)
        assert answer.status_code == 401
        error = answer.json()["error"]
        assert error["type"] == "authentication_error"
        assert "--require-api-key" in error["why"]
        assert "sk-ant-server-key" not in answer.text
    assert len(fake.unused()) == 1  # the reset was refused
    for headers in (
        {"x-api-key": "sk-ant-server-key"},
        {"authorization": "Bearer sk-ant-server-key"},
    ):
        assert httpx2.request(method, keyed + path, headers=headers).status_code == 200


def test_scripting_with_the_key(keyed: str, fake: FakeClaude) -> None:
    refused = httpx2.post(f"{keyed}/_fake/replies", json={"content": "x"})
    assert refused.status_code == 401
    added = httpx2.post(
        f"{keyed}/_fake/replies", json={"content": "x"}, headers={"x-api-key": "sk-ant-server-key"}
    )
    assert added.status_code == 201
    assert len(fake.unused()) == 1


def test_health_stays_open(keyed: str) -> None:
    assert httpx2.get(f"{keyed}/_fake/health").json() == {"status": "ok"}


def test_an_engine_that_requires_a_key_guards_its_scripting_api_too() -> None:
    fake = FakeClaude(require_api_key="sk-ant-engine-key")
    with fake.serve() as url:
        assert httpx2.get(f"{url}/_fake/requests").status_code == 401
        ok = httpx2.get(f"{url}/_fake/requests", headers={"x-api-key": "sk-ant-engine-key"})
        assert ok.status_code == 200
        with anthropic.Anthropic(
            base_url=url, api_key="sk-ant-engine-key", max_retries=0
        ) as client:
            assert client.messages.create(**ASK).model == MODEL  # type: ignore[call-overload]


def test_a_cross_site_post_is_never_forwarded_upstream(tmp_path: Path) -> None:
    upstream = FakeClaude(seed=1)
    with upstream.serve() as upstream_url:
        recorder = FakeClaude(
            validate="off",
            cassette=str(tmp_path / "c.yaml"),
            record_mode="all",
            upstream=upstream_url,
        )
        with served(recorder) as url:
            answer = httpx2.post(
                f"{url}/v1/messages",
                content=b'{"model": "x", "max_tokens": 1, "messages": []}',
                headers={"content-type": "text/plain", "origin": "https://evil.example"},
            )
        recorder.close()
    assert answer.status_code == 403
    assert upstream.requests == []
    assert not (tmp_path / "c.yaml").exists()
