"""The SDK version the fake compares clients against is the one the schemas came from, and the
headers decide which clients count as newer."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import claude_fake
from claude_fake.wire import clients

SOURCE = Path(claude_fake.__file__).parent / "validation" / "schemas" / "SOURCE.md"


def test_the_schema_sdk_is_the_one_source_md_names() -> None:
    found = re.search(r"\*\*anthropic (\d+)\.(\d+)\.(\d+)\*\*", SOURCE.read_text())
    assert found is not None
    assert tuple(int(part) for part in found.groups()) == clients.SCHEMA_SDK


PY = {"x-stainless-lang": "python", "user-agent": "Anthropic/Python 2.17.0"}


@pytest.mark.parametrize(
    ("headers", "newer"),
    [
        ({**PY, "x-stainless-package-version": "2.17.0"}, True),
        ({**PY, "x-stainless-package-version": "3.0.0b1"}, True),
        ({**PY, "x-stainless-package-version": "2.12.0"}, False),
        ({**PY, "x-stainless-package-version": "1.17.0"}, False),
        ({**PY, "x-stainless-lang": "js", "x-stainless-package-version": "9.0.0"}, False),
        (
            {**PY, "user-agent": "OpenAI/Python 3.63.0", "x-stainless-package-version": "3.63.0"},
            False,
        ),
        (PY, False),
        ({}, False),
    ],
)
def test_which_clients_are_newer(headers: dict[str, str], newer: bool) -> None:
    assert clients.newer_than_schemas(headers) is newer
