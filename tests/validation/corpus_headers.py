"""Header values in the corpus: every ``anthropic-version`` real clients send is served, any other
is refused as the API refuses it; ``anthropic-beta`` is never refused (docs/API_RULES.md)."""

from __future__ import annotations

import re
from collections.abc import Iterator

from corpus_base import Case, bad, messages

PATHS = {
    "messages": ("/v1/messages", messages()),
    "count": (
        "/v1/messages/count_tokens",
        {"model": "claude-sonnet-4-6", "messages": [{"role": "user", "content": "Hello"}]},
    ),
    "batches": (
        "/v1/messages/batches",
        {"requests": [{"custom_id": "a", "params": messages()}]},
    ),
}
# The versions the API has published (platform.claude.com/docs/en/api/versioning); the SDKs send
# 2023-06-01 (1.x, TypeScript before 1.x) or 2026-10-21 (Python 2.x, TypeScript in tests/node).
SENT = ("2023-01-01", "2023-06-01", "2026-10-21")
# Versions the API refuses. The first two are quoted in public issues: a duplicated header
# (decolua/9router#1227, #1475, #2357) and an invented date (sseshachala/conductai#2179).
REFUSED = (
    "2023-06-01, 2023-06-01",
    "2024-10-22",
    "2023-06-02",
    "2025-01-01",
    "2022-12-31",
    "latest",
    "2023-6-1",
    "v1",
    "vertex-2023-10-16",
    "bedrock-2023-05-31",
)
# Betas the SDK lists and ones it does not (real clients send many; none is refused).
BETAS = (
    "prompt-caching-2024-07-31",
    "context-1m-2025-08-07",
    "claude-code-20250219,oauth-2025-04-20",  # Claude Code's (NousResearch/hermes-agent#1967)
    "some-future-beta-2099-01-01",
)


def valid_headers() -> Iterator[Case]:
    for version in SENT:
        for where, (path, body) in PATHS.items():
            headers = {"anthropic-version": version, "x-api-key": "k"}
            yield Case(f"header-version-{version}-{where}", path, body, headers=headers)
    for beta in BETAS:
        headers = {"anthropic-version": "2023-06-01", "x-api-key": "k", "anthropic-beta": beta}
        yield Case(f"header-beta-{beta}", "/v1/messages?beta=true", messages(), headers=headers)


def invalid_headers() -> Iterator[Case]:
    for version in REFUSED:
        quoted = re.escape(f'anthropic-version: "{version}" is not a valid version')
        for where, (path, body) in PATHS.items():
            headers = {"anthropic-version": version, "x-api-key": "k"}
            yield bad(
                f"header-version-{version}-{where}", body, f"^{quoted}$", path=path, headers=headers
            )
