"""``claude-fake serve --model ID``: a model id beyond the catalogue, accepted over the real SDK."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import anthropic
import pytest
from serve_helpers import serving

OWN_MODEL = "claude-inhouse-finetune-1"


@contextmanager
def _serving(*flags: str) -> Iterator[anthropic.Anthropic]:
    """``claude-fake serve --port 0 FLAGS`` in its own process, and an SDK client on it."""
    with (
        serving(*flags) as (url, _),
        anthropic.Anthropic(
            base_url=url, api_key="k", max_retries=0, _strict_response_validation=True
        ) as client,
    ):
        yield client


def _ask(client: anthropic.Anthropic, model: str) -> anthropic.types.Message:
    return client.messages.create(
        model=model, max_tokens=16, messages=[{"role": "user", "content": "hi"}]
    )


def test_an_unknown_model_is_refused_without_the_flag() -> None:
    with _serving() as client:
        with pytest.raises(anthropic.NotFoundError) as caught:
            _ask(client, OWN_MODEL)
        assert caught.value.body == {
            "type": "error",
            "error": {"type": "not_found_error", "message": f"model: {OWN_MODEL}"},
            "request_id": caught.value.request_id,
        }
        assert caught.value.request_id
        assert _ask(client, "claude-sonnet-4-6").model == "claude-sonnet-4-6"  # the catalogue


def test_model_flag_adds_ids_the_server_accepts() -> None:
    with _serving("--model", OWN_MODEL, "--model", "my-other-model") as client:
        assert _ask(client, OWN_MODEL).model == OWN_MODEL
        assert _ask(client, "my-other-model").model == "my-other-model"
        counted = client.messages.count_tokens(
            model=OWN_MODEL, messages=[{"role": "user", "content": "hi"}]
        )
        assert counted.input_tokens > 0
        with pytest.raises(anthropic.NotFoundError):
            _ask(client, "claude-not-listed-9")
