"""Which SDK sent a request, from the headers every Stainless SDK sends
(``x-stainless-lang``, ``x-stainless-package-version``), and whether it is newer than the SDK the
request schemas were generated from.

The decision for a newer SDK: its requests are checked as ``--validate lenient`` checks (the body's
shape only) instead of strictly. The schemas know only the fields and values of the SDK they came
from (``validation/schemas/SOURCE.md``), and a newer SDK legitimately sends more (a new
parameter, a new ``thinking`` mode, a new model id): the fake must never answer such a request
with a 400 the API would not give. Re-generating the schemas (``make schemas``) after upgrading
the pinned SDK brings strict checking back for that version.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping

SCHEMA_SDK = (2, 12, 0)  # the anthropic (Python) version the schemas came from; SOURCE.md
_VERSION = re.compile(r"(\d+)\.(\d+)\.(\d+)")


def sdk_version(headers: Mapping[str, str]) -> tuple[int, int, int] | None:
    """The version of the anthropic Python SDK that sent the request, or None (another client,
    such as another Stainless SDK (openai) sending the same ``x-stainless-*`` headers)."""
    return _version_of(
        headers.get("x-stainless-lang", ""),
        headers.get("user-agent", ""),
        headers.get("x-stainless-package-version", ""),
    )


@functools.lru_cache(maxsize=64)  # a pure function of three headers a client sends unchanged
def _version_of(lang: str, agent: str, version: str) -> tuple[int, int, int] | None:
    if lang.lower() != "python" or not agent.startswith("Anthropic/Python"):
        return None
    found = _VERSION.match(version)
    if found is None:
        return None
    major, minor, patch = (int(part) for part in found.groups())
    return major, minor, patch


def newer_than_schemas(headers: Mapping[str, str]) -> bool:
    """Whether the request came from a Python SDK newer than the one the schemas came from."""
    version = sdk_version(headers)
    return version is not None and version > SCHEMA_SDK
