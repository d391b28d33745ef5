"""What the validation corpus is made of: a case, the real recordings it reads, the request it
varies, and the helper that builds a refusal (the cases themselves: corpus.py, corpus_shapes.py,
corpus_rules.py)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[2]
REAL = ROOT / "cassettes" / "real"
MODEL = "claude-sonnet-4-6"
OLD = {"anthropic-version": "2023-06-01", "x-api-key": "k"}
NEW = {"anthropic-version": "2026-10-21", "authorization": "Bearer k"}
EXTRA = "x_extra"


@dataclass(frozen=True)
class Case:
    """One request of the corpus and what the API answers it."""

    name: str
    path: str
    body: Any  # a JSON value, or bytes sent as they are
    headers: dict[str, str] = field(default_factory=lambda: dict(OLD))
    status: int = 200
    error_type: str | None = None
    pattern: str | None = None  # a regex the error message must match (re.search)

    def raw(self) -> bytes:
        return self.body if isinstance(self.body, bytes) else json.dumps(self.body).encode()


def recorded() -> Iterator[tuple[str, str, dict[str, Any], int, dict[str, Any]]]:
    """(name, path, body, recorded status, recorded error) for every real recorded request."""
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    for path in sorted(REAL.rglob("*.yaml")):
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=loader)
        for index, item in enumerate(data.get("interactions", [])):
            request, response = item["request"], item["response"]
            body = request.get("parsed_body")
            if body is None:
                raw = request.get("body")
                raw = raw.get("string") if isinstance(raw, dict) else raw
                body = json.loads(raw)
            uri = request["uri"].split("api.anthropic.com", 1)[1]
            status = response["status"]["code"]
            error = response.get("parsed_body") if status >= 400 else {}
            yield f"{path.relative_to(REAL)}#{index}", uri, body, status, error or {}


def messages(**changes: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "model": MODEL,
        "max_tokens": 1024,
        "messages": [{"role": "user", "content": "Hello"}],
    }
    return {**base, **changes}


TOOL = {
    "name": "get_weather",
    "description": "Weather in a city",
    "input_schema": {
        "type": "object",
        "properties": {"city": {"type": "string"}},
        "required": ["city"],
        "additionalProperties": False,
        "$defs": {"unit": {"enum": ["c", "f"]}},
    },
}


def bad(name: str, body: Any, pattern: str, **options: Any) -> Case:
    options.setdefault("path", "/v1/messages")
    options.setdefault("status", 400)
    options.setdefault("error_type", "invalid_request_error")
    return Case(f"invalid:{name}", body=body, pattern=pattern, **options)
