"""Redaction: credentials and account ids never reach disk; behaviour headers stay."""

from __future__ import annotations

from claude_fake.sources.cassette import format as fmt
from claude_fake.sources.cassette import redact

KEY = "sk-ant-api03-CANARY_abc-123"


def interaction() -> fmt.Interaction:
    return fmt.Interaction(
        request=fmt.RecordedRequest(
            method="POST",
            uri="https://api.anthropic.com/v1/messages",
            headers={
                "x-api-key": KEY,
                "authorization": f"Bearer {KEY}",
                "anthropic-version": "2023-06-01",
                "host": "api.anthropic.com",
                "x-stainless-retry-count": "1",
                "x-custom": f"token {KEY}",
                "x-tenant": "acme",
            },
            body={"messages": [{"role": "user", "content": f"my key is {KEY}"}], KEY: 1},
        ),
        response=fmt.RecordedResponse(
            status=429,
            headers={
                "anthropic-organization-id": "6f1c1a2e-real",
                "anthropic-workspace-id": "wrkspc_01Real",
                "request-id": "req_011CReal",
                "cf-ray": "abc-SJC",
                "set-cookie": "_cfuvid=x",
                "date": "Sun, 05 Apr 2026",
                "x-envoy-upstream-service-time": "12",
                "retry-after": "20",
                "anthropic-ratelimit-requests-remaining": "0",
                "x-should-retry": "true",
                "content-type": "application/json",
                "content-length": "99",
            },
            events=(("error", {"type": "error", "error": {"message": f"bad key {KEY}"}}),),
        ),
    )


def test_credentials_and_account_headers_are_dropped() -> None:
    clean = redact.redact(interaction(), redact.Filters.of(["X-Tenant"], (), ()))
    assert set(clean.request.headers) == {"anthropic-version", "x-custom"}
    assert set(clean.response.headers) == {
        "retry-after",
        "anthropic-ratelimit-requests-remaining",
        "x-should-retry",
        "content-type",
    }


def test_every_sk_ant_string_is_replaced() -> None:
    clean = redact.redact(interaction())
    text = repr(fmt.readable(clean))
    assert "sk-ant-" not in text
    assert "CANARY" not in text
    assert clean.request.headers["x-custom"] == "token <redacted>"
    assert clean.request.body["messages"][0]["content"] == "my key is <redacted>"
    assert redact.REDACTED in clean.request.body


def test_scrub_leaves_other_values_alone() -> None:
    assert redact.scrub_json({"a": [1, None, "x"]}) == {"a": [1, None, "x"]}
    assert redact.scrub_text("no secret here") == "no secret here"


def test_problems_name_unmasked_headers_and_keys() -> None:
    raw = interaction()
    problems = list(redact.header_problems(raw.request.headers, "req"))
    assert any("'x-api-key'" in p for p in problems)
    assert any("'authorization'" in p for p in problems)
    problems = list(redact.header_problems(raw.response.headers, "resp"))
    assert {p.split("'")[1] for p in problems} == {
        "anthropic-organization-id",
        "anthropic-workspace-id",
        "set-cookie",
    }
    masked = {
        "anthropic-organization-id": "00000000-0000-0000-0000-000000000000",
        "anthropic-workspace-id": "wrkspc_00000000000000000000000000",
        "x-api-key": "<redacted>",
    }
    assert list(redact.header_problems(masked, "x")) == []
    found = list(redact.secret_problems(f"a {KEY} b", "f"))
    assert len(found) == 1
    assert "CANARY" not in found[0]
