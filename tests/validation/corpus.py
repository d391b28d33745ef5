"""The validation corpus: requests real clients send (every one must be served), and requests the
API refuses (each with its status, error type and a message pattern), from docs/API_RULES.md.
Its parts: corpus_base.py (the case), corpus_shapes.py (client-shaped bodies), corpus_rules.py."""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from typing import Any

from corpus_base import EXTRA, NEW, OLD, Case, bad, messages, recorded
from corpus_headers import invalid_headers, valid_headers
from corpus_rules import models, shapes
from corpus_shapes import NESTED, NESTED_BASE, SHAPED

__all__ = ["VALID_BODIES", "Case", "invalid", "valid"]


def valid() -> list[Case]:
    """Every recorded request the real API served, and the shaped bodies, on both versions."""
    cases = []
    for name, path, body, status, _ in recorded():
        if status < 400:
            cases.append(Case(f"real:{name}", path, body))
    for name, body in SHAPED.items():
        cases.append(Case(f"shaped:{name}", "/v1/messages", body))
        if "temperature" not in body:
            cases.append(Case(f"shaped-new:{name}", "/v1/messages", body, headers=dict(NEW)))
        counted = {
            k: v
            for k, v in body.items()
            if k not in ("max_tokens", "stream", "metadata", "stop_sequences", "service_tier")
        }
        cases.append(Case(f"shaped-count:{name}", "/v1/messages/count_tokens", counted))
    return [*cases, *valid_headers()]


def invalid() -> list[Case]:
    """Requests the API refuses, with the answer each gets."""
    found = [*_recorded_refusals(), *_extra_everywhere(), *_json_level(), *shapes(), *models()]
    return [*found, *invalid_headers()]


def _recorded_refusals() -> Iterator[Case]:
    for name, path, body, status, error in recorded():
        if status >= 400:
            inner = error["error"]
            pattern = "^" + _escape(inner["message"]) + "$"
            yield Case(
                f"real:{name}", path, body, status=status, error_type=inner["type"], pattern=pattern
            )


def _escape(text: str) -> str:
    import re

    return re.escape(text)


def _extra_everywhere() -> Iterator[Case]:
    for version, headers in (("old", OLD), ("new", NEW)):
        for endpoint, path in (
            ("messages", "/v1/messages"),
            ("count", "/v1/messages/count_tokens"),
        ):
            for where, pick in NESTED:
                body = copy.deepcopy(NESTED_BASE)
                if endpoint == "count":
                    body = {k: v for k, v in body.items() if k not in ("max_tokens", "metadata")}
                    if where == "metadata":
                        continue
                    body["thinking"] = (
                        {"type": "adaptive"} if where != "thinking" else body["thinking"]
                    )
                pick(body)[EXTRA] = 1
                pattern = rf"(^|\.){EXTRA}: Extra inputs are not permitted$"
                for beta in (False, True):
                    url = path + ("?beta=true" if beta else "")
                    yield bad(
                        f"extra-{where}-{endpoint}-{version}-{'beta' if beta else 'ga'}",
                        body,
                        pattern,
                        path=url,
                        headers=dict(headers),
                    )


def _json_level() -> Iterator[Case]:
    good = json.dumps(messages()).encode()
    raws = {
        "nan": good.replace(b'"max_tokens": 1024', b'"max_tokens": NaN'),
        "infinity": good.replace(b'"max_tokens": 1024', b'"max_tokens": Infinity'),
        "minus-infinity": good.replace(b'"max_tokens": 1024', b'"max_tokens": -Infinity'),
        "overflow": good.replace(b'"max_tokens": 1024', b'"max_tokens": 1e999'),
        "lone-high-surrogate": good.replace(b'"Hello"', b'"He\\ud800llo"'),
        "lone-low-surrogate": good.replace(b'"Hello"', b'"He\\udc00llo"'),
        "invalid-utf8": good.replace(b'"Hello"', b'"He\xff\xfello"'),
        "bom": b"\xef\xbb\xbf" + good,
        "truncated": good[:-5],
        "trailing-garbage": good + b"}",
        "trailing-comma": good[:-1] + b",}",
        "single-quotes": b"{'model': 'x'}",
        "deep-array": good[:-1] + b', "metadata": ' + b"[" * 300 + b"]" * 300 + b"}",
        "deep-object": good[:-1]
        + b', "metadata": '
        + b'{"a":' * 100_000
        + b"1"
        + b"}" * 100_000
        + b"}",
        "very-deep": b"[" * 100_000 + b"]" * 100_000,
    }
    problem = r"^The request body is not valid JSON: .+: line \d+ column \d+ \(char \d+\)$"
    for name, raw in raws.items():
        for where in ("/v1/messages", "/v1/messages/count_tokens", "/v1/messages/batches"):
            yield bad(f"json-{name}{where.replace('/', '-')}", raw, problem, path=where)


VALID_BODIES: list[dict[str, Any]] = [
    case.body for case in valid() if isinstance(case.body, dict) and "messages" in case.body
]
