"""The two JSON text forms the fake writes: compact in the order given (what goes on the wire),
and canonical with sorted keys (what is hashed, matched and counted)."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

compact: Callable[[Any], str] = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
canonical: Callable[[Any], str] = json.JSONEncoder(
    ensure_ascii=False, separators=(",", ":"), sort_keys=True
).encode
