"""``GET /_fake/requests``: the journal as JSON, whole or a page at a time (credential headers
replaced here; the server redacts every ``sk-ant-`` key in whatever ``/_fake/`` answers).

Without parameters the answer is the list of every kept request (as before). With ``after=ID``
and/or ``limit=N`` it is one page: ``{"requests": [...], "dropped": D, "next_after": ID|null,
"first_id": .., "last_id": ..}``; pass ``next_after`` back as ``after`` until it is null.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, Protocol, SupportsIndex, overload
from urllib.parse import parse_qsl

from claude_fake.errors import ClaudeFakeError
from claude_fake.journal import Journal, Page
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


EAGER = 50  # a page of up to this many records is built at once; a bigger one as it is written


class Records(list[Any]):
    """A big page's records as JSON, built a slice at a time as the server writes them.

    The server (``exchange.send_json_paced``) encodes a long list ``SLICE`` records at a time,
    returning to the event loop in between; building all 1,000 records of a page first (parsing
    the packed journal's JSON) would hold the loop for 50-100 ms. So ``records[a:b]`` builds
    those records only. The list underneath holds the ids (its length is the page's); read it
    through slices or indexes, never whole: ``json.dumps`` reads the list underneath.
    """

    def __init__(self, page: Page) -> None:
        super().__init__(page.ids)
        self._page = page

    @overload
    def __getitem__(self, index: SupportsIndex) -> Any: ...
    @overload
    def __getitem__(self, index: slice) -> list[Any]: ...
    def __getitem__(self, index: SupportsIndex | slice) -> Any:
        if isinstance(index, slice):
            start, stop, step = index.indices(len(self))
            if step != 1:
                return [self[i] for i in range(start, stop, step)]
            return [record_json(r, i) for i, r in self._page.part(start, stop)]
        position = range(len(self))[index]
        ((entry_id, record),) = self._page.part(position, position + 1)
        return record_json(record, entry_id)

    def __iter__(self) -> Iterator[Any]:
        for start in range(0, len(self), EAGER):
            yield from self[start : start + EAGER]


def _records(page: Page) -> list[Any]:
    """The page's records as JSON: built now when few, else as they are written."""
    if len(page) <= EAGER:
        return [record_json(r, i) for i, r in page.items]
    return Records(page)


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
        return 200, _records(journal.page(limit=max(1, len(journal))))
    after = _number(params, "after", 0, None)
    page = journal.page(after=after, limit=_number(params, "limit", PAGE_DEFAULT, PAGE_MAX))
    return 200, {
        "requests": _records(page),
        "dropped": page.dropped,
        "next_after": page.next_after,
        "first_id": page.first_id,
        "last_id": page.last_id,
    }
