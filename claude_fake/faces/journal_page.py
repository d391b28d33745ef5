"""``GET /_fake/requests``: the journal as JSON, whole or a page at a time (credential headers
replaced here; the server redacts every ``sk-ant-`` key in whatever ``/_fake/`` answers).

Without parameters the answer is the list of every kept request (as before). With ``after=ID``
and/or ``limit=N`` it is one page: ``{"requests": [...], "dropped": D, "next_after": ID|null,
"first_id": .., "last_id": ..}``; pass ``next_after`` back as ``after`` until it is null.
"""

from __future__ import annotations

from typing import Any, Protocol
from urllib.parse import parse_qsl

from claude_fake.errors import ClaudeFakeError
from claude_fake.journal import Journal
from claude_fake.model import FakeRequest
from claude_fake.wire.credentials import CREDENTIAL_HEADERS, REDACTED

PAGE_DEFAULT = 100
PAGE_MAX = 1000


class Journaled(Protocol):
    """An engine with a journal."""

    journal: Journal


class BadPage(ClaudeFakeError):
    """Paging parameters that cannot be used."""


def record_json(request: FakeRequest, entry_id: int | None = None) -> dict[str, Any]:
    """One logged request as JSON (credential headers replaced; keys are redacted later)."""
    return {
        **({} if entry_id is None else {"id": entry_id}),
        "method": request.method,
        "path": request.path,
        "query": request.query,
        "headers": {
            k: (REDACTED if k in CREDENTIAL_HEADERS else v) for k, v in request.headers.items()
        },
        "body": request.body,
        "text": request.text,
        "stream": request.stream,
        "attempt": request.attempt,
        "source": request.source,
        "provider": request.provider,
        "response": request.response,
    }


def _number(params: dict[str, str], name: str, default: int, top: int | None) -> int:
    raw = params.get(name)
    if raw is None:
        return default
    if not raw.isdigit() or (top is not None and not 1 <= int(raw) <= top):
        limits = f"a whole number from 1 to {top}" if top else "a whole number >= 0"
        raise BadPage(
            f"requests: {name}={raw!r} is not {limits}.",
            why="after is the id of the last request already read (0 for the start); "
            "limit is how many to return.",
            fix=f"e.g. GET /_fake/requests?after=0&limit={PAGE_DEFAULT}, then after=next_after.",
        )
    return int(raw)


def requests_answer(engine: Journaled, query: str) -> tuple[int, Any]:
    """``GET /_fake/requests[?after=ID&limit=N]``."""
    params = dict(parse_qsl(query, keep_blank_values=True))
    unknown = sorted(set(params) - {"after", "limit"})
    if unknown:
        raise BadPage(
            f"requests: unknown parameter(s) {', '.join(unknown)}.",
            why="GET /_fake/requests takes after and limit only.",
            fix=f"e.g. GET /_fake/requests?after=0&limit={PAGE_DEFAULT}.",
        )
    journal = engine.journal
    if not params:
        page = journal.page(limit=max(1, len(journal)))
        return 200, [record_json(r, i) for i, r in page.items]
    after = _number(params, "after", 0, None)
    page = journal.page(after=after, limit=_number(params, "limit", PAGE_DEFAULT, PAGE_MAX))
    return 200, {
        "requests": [record_json(r, i) for i, r in page.items],
        "dropped": page.dropped,
        "next_after": page.next_after,
        "first_id": page.first_id,
        "last_id": page.last_id,
    }
