"""The two JSON text forms the fake writes: compact in the order given (what goes on the wire),
and canonical with sorted keys (what is hashed, matched and counted); and ``compact_parsed``,
compact for a value parsed from JSON, straight from the C encoder."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

compact: Callable[[Any], str] = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
canonical: Callable[[Any], str] = json.JSONEncoder(
    ensure_ascii=False, separators=(",", ":"), sort_keys=True
).encode


def _c_compact() -> Callable[[Any], str]:
    """``compact`` straight from the C encoder, without the Python layers of
    ``JSONEncoder.encode`` (a third of its cost on a small body); ``compact`` without it.
    For parsed JSON only: no check for circles, no ``default``."""
    make = getattr(json.encoder, "c_make_encoder", None)
    if make is None:  # pragma: no cover - CPython has it
        return compact
    encode = make(None, None, json.encoder.encode_basestring, None, ":", ",", False, False, True)
    return lambda value: "".join(encode(value, 0))


compact_parsed = _c_compact()
