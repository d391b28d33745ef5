"""pytest plugin: fixtures over FakeClaude. Thin glue; heavy imports happen inside fixtures."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from .engine import FakeClaude


@pytest.fixture
def claude_fake() -> Iterator[FakeClaude]:
    """This test's FakeClaude."""
    from .engine import FakeClaude

    fake = FakeClaude()
    yield fake
    fake.check()


@pytest.fixture
def claude_client(claude_fake: FakeClaude) -> Any:
    """An anthropic.Anthropic wired to ``claude_fake`` in-process."""
    return claude_fake.client()


@pytest.fixture
def claude_async_client(claude_fake: FakeClaude) -> Any:
    """An anthropic.AsyncAnthropic wired to ``claude_fake`` in-process."""
    return claude_fake.async_client()
