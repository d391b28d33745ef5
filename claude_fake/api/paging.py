"""One pager for the list endpoints (models, batches): ``limit``, ``after_id``, ``before_id``."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any, TypeVar

Item = TypeVar("Item")


def limit_param(params: Mapping[str, list[str]]) -> int | str:
    """The ``limit`` of a list endpoint (default 20), or the API's message for a bad one."""
    values = params.get("limit")
    if not values:
        return 20
    try:
        limit = int(values[-1])
    except ValueError:
        return "limit: Input should be a valid integer, unable to parse string as an integer"
    if not 1 <= limit <= 1000:
        return f"limit: Input should be between 1 and 1000, got {limit}"
    return limit


def page(
    items: Sequence[Item], params: Mapping[str, list[str]], limit: int, id_of: Callable[[Item], str]
) -> tuple[list[Item], bool]:
    """The items of one page, and whether more follow in the direction paged."""
    ids = [id_of(item) for item in items]
    after, before = params.get("after_id"), params.get("before_id")
    if after:
        start = ids.index(after[-1]) + 1 if after[-1] in ids else len(ids)
        return list(items[start : start + limit]), start + limit < len(items)
    if before:
        end = ids.index(before[-1]) if before[-1] in ids else 0
        return list(items[max(0, end - limit) : end]), end - limit > 0
    return list(items[:limit]), limit < len(items)


def listing(chosen: Sequence[Item], has_more: bool, shown: Callable[[Item], Any]) -> dict[str, Any]:
    """The API's list envelope: ``data``, ``has_more``, ``first_id``, ``last_id``."""
    data = [shown(item) for item in chosen]
    return {
        "data": data,
        "has_more": has_more,
        "first_id": data[0]["id"] if data else None,
        "last_id": data[-1]["id"] if data else None,
    }
