"""``GET /_fake/requests`` on a served fake: bounded, paged, with the dropped count; every
``sk-ant-`` key redacted in what it shows, in error messages and in logs."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import anthropic
import httpx2
import pytest
from server_helpers import ASK, MODEL, served

from claude_fake import FakeClaude

SECRET = "sk-ant-api03-leaked-SECRET_value"


def _ask(client: anthropic.Anthropic, text: str) -> None:
    client.messages.create(model=MODEL, max_tokens=8, messages=[{"role": "user", "content": text}])


@pytest.fixture
def bounded() -> Iterator[tuple[FakeClaude, str]]:
    fake = FakeClaude(journal_size=5)
    with (
        served(fake) as url,
        anthropic.Anthropic(base_url=url, api_key="sk-ant-test", max_retries=0) as client,
    ):
        for n in range(12):
            _ask(client, f"question {n}")
        yield fake, url


def test_the_journal_keeps_the_last_n(bounded: tuple[FakeClaude, str]) -> None:
    fake, url = bounded
    listed = httpx2.get(f"{url}/_fake/requests").json()
    assert [r["text"] for r in listed] == [f"question {n}" for n in range(7, 12)]
    assert [r["id"] for r in listed] == [8, 9, 10, 11, 12]
    assert len(fake.requests) == 5


def test_pages_walk_it_and_say_how_many_were_dropped(bounded: tuple[FakeClaude, str]) -> None:
    _, url = bounded
    seen, after, pages = [], 0, 0
    while after is not None:
        page = httpx2.get(f"{url}/_fake/requests", params={"after": after, "limit": 2}).json()
        assert page["dropped"] == 7
        assert (page["first_id"], page["last_id"]) == (8, 12)
        seen += [r["text"] for r in page["requests"]]
        after, pages = page["next_after"], pages + 1
    assert seen == [f"question {n}" for n in range(7, 12)]
    assert pages == 3
    newest = httpx2.get(f"{url}/_fake/requests", params={"after": 12}).json()
    assert (newest["requests"], newest["next_after"]) == ([], None)


@pytest.mark.parametrize(
    ("query", "what"),
    [
        ({"after": "-1"}, "requests: after='-1' is not a whole number >= 0."),
        ({"limit": "0"}, "requests: limit='0' is not a whole number from 1 to 1000."),
        ({"limit": "5000"}, "requests: limit='5000' is not a whole number from 1 to 1000."),
        ({"since": "3"}, "requests: unknown parameter(s) since."),
    ],
)
def test_bad_paging_says_how_to_page(
    bounded: tuple[FakeClaude, str], query: dict[str, str], what: str
) -> None:
    _, url = bounded
    answer = httpx2.get(f"{url}/_fake/requests", params=query)
    assert answer.status_code == 400
    message = answer.json()["error"]["message"]
    assert message.startswith(f"claude_fake: {what}")
    assert "after=next_after" in message or "after and limit" in message


def test_journal_size_zero_keeps_none_but_counts() -> None:
    fake = FakeClaude(journal_size=0)
    with (
        served(fake) as url,
        anthropic.Anthropic(base_url=url, api_key="sk-ant-test") as client,
    ):
        _ask(client, "hi")
        assert httpx2.get(f"{url}/_fake/requests").json() == []
        page = httpx2.get(f"{url}/_fake/requests?after=0").json()
        assert (page["requests"], page["dropped"]) == ([], 1)


def test_reset_restarts_ids_and_the_dropped_count(bounded: tuple[FakeClaude, str]) -> None:
    _, url = bounded
    httpx2.post(f"{url}/_fake/reset").raise_for_status()
    page = httpx2.get(f"{url}/_fake/requests?limit=10").json()
    assert (page["requests"], page["dropped"], page["last_id"]) == ([], 0, None)


def test_keys_are_redacted_in_queries_bodies_and_headers(fake: FakeClaude) -> None:
    with (
        served(fake) as url,
        anthropic.Anthropic(
            base_url=url, api_key=SECRET, default_headers={"x-note": f"key={SECRET}"}
        ) as client,
    ):
        client.models.list(extra_query={"token": SECRET})
        client.messages.create(
            model=MODEL,
            max_tokens=8,
            messages=[{"role": "user", "content": f"my key {SECRET}"}],
        )
        for query in ("", "?after=0"):
            text = httpx2.get(f"{url}/_fake/requests{query}").text
            assert "sk-ant-api03" not in text
            assert "<redacted>" in text
        listed = httpx2.get(f"{url}/_fake/requests").json()
    assert listed[0]["query"] == "token=<redacted>"
    assert listed[1]["text"] == "my key <redacted>"
    assert listed[1]["headers"]["x-note"] == "key=<redacted>"
    assert fake.requests[1].text == f"my key {SECRET}"  # in-process, a test sees what it sent


def test_keys_are_redacted_in_what_an_upstream_answered(tmp_path: Path) -> None:
    upstream = FakeClaude(seed=1)
    upstream.reply(f"the upstream says {SECRET}")
    with upstream.serve() as upstream_url:
        recorder = FakeClaude(
            cassette=str(tmp_path / "c.yaml"), record_mode="all", upstream=upstream_url
        )
        with (
            served(recorder) as url,
            anthropic.Anthropic(base_url=url, api_key="sk-ant-test") as client,
        ):
            client.messages.create(**ASK)  # type: ignore[call-overload]
            text = httpx2.get(f"{url}/_fake/requests").text
        recorder.close()
    assert "sk-ant-api03" not in text
    assert "the upstream says <redacted>" in text


def test_keys_are_redacted_in_error_answers(fake: FakeClaude) -> None:
    with served(fake) as url:
        answer = httpx2.post(
            f"{url}/v1/messages",
            json={"model": SECRET, "max_tokens": "many", "messages": []},
            headers={"anthropic-version": "2023-06-01", "x-api-key": "k"},
        )
        script = httpx2.post(f"{url}/_fake/replies", json={"content": 3, "when": {SECRET: 1}})
    assert answer.status_code == 400
    assert script.status_code == 400
    for text in (answer.text, script.text):
        assert "sk-ant-api03" not in text


def test_keys_are_redacted_in_the_request_log(
    fake: FakeClaude, capsys: pytest.CaptureFixture[str]
) -> None:
    with served(fake, log_requests=True) as url:
        httpx2.get(f"{url}/_fake/health", params={"key": SECRET})
    lines = capsys.readouterr().err.splitlines()
    assert len(lines) == 1
    assert " GET /_fake/health?key=<redacted> 200 scripting " in lines[0]
    assert "sk-ant-api03" not in lines[0]


def test_a_long_journal_comes_in_slices_and_parses_whole(fake: FakeClaude) -> None:
    with (
        served(fake) as url,
        anthropic.Anthropic(base_url=url, api_key="sk-ant-test", max_retries=0) as client,
    ):
        for n in range(130):
            client.models.retrieve("claude-sonnet-4-6", extra_query={"n": str(n), "k": SECRET})
        listed = httpx2.get(f"{url}/_fake/requests")
        page = httpx2.get(f"{url}/_fake/requests", params={"after": 3, "limit": 120})
    assert "content-length" not in listed.headers  # written a slice at a time
    assert [r["id"] for r in listed.json()] == list(range(1, 131))
    assert "sk-ant-api03" not in listed.text + page.text
    body = page.json()
    assert [r["id"] for r in body["requests"]] == list(range(4, 124))
    assert (body["next_after"], body["dropped"], body["first_id"], body["last_id"]) == (
        123,
        0,
        1,
        130,
    )


def test_a_bounded_journal_shows_what_an_unbounded_one_shows() -> None:
    """A bounded journal packs its entries (JSON bytes, parsed when read): a big page, built a
    slice at a time as it is written, says what small pages and the in-process records say."""
    kept, whole = FakeClaude(seed=4, journal_size=500), FakeClaude(seed=4)
    answers = []
    for fake in (kept, whole):
        with (
            served(fake) as url,
            anthropic.Anthropic(base_url=url, api_key="sk-ant-test", max_retries=0) as client,
        ):
            for n in range(60):
                _ask(client, f"question {n} é ☃")
                with client.messages.stream(**ASK) as stream:  # type: ignore[call-overload]
                    stream.get_final_message()
            client.messages.count_tokens(model=MODEL, messages=[{"role": "user", "content": "x"}])
            big = httpx2.get(f"{url}/_fake/requests", params={"limit": 121}).json()["requests"]
            small = [
                record
                for after in range(0, 121, 10)
                for record in httpx2.get(
                    f"{url}/_fake/requests", params={"after": after, "limit": 10}
                ).json()["requests"]
            ]
            assert big == small == httpx2.get(f"{url}/_fake/requests").json()
            answers.append([{**r, "headers": None} for r in big])  # hosts differ by the port
    assert answers[0] == answers[1]
    assert [r["text"] for r in answers[0][:4:2]] == ["question 0 é ☃", "question 1 é ☃"]
    assert [r.body for r in kept.requests] == [r.body for r in whole.requests]
    assert [r.response for r in kept.requests] == [r.response for r in whole.requests]
