"""Invalid requests of the corpus, one per rule of docs/API_RULES.md: shapes, bounds, models."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from corpus_base import NEW, OLD, TOOL, Case, bad, messages


def shapes() -> Iterator[Case]:
    rows: list[tuple[str, Any, str]] = [
        (
            "no-model",
            {k: v for k, v in messages().items() if k != "model"},
            r"^model: Field required$",
        ),
        (
            "no-max-tokens",
            {k: v for k, v in messages().items() if k != "max_tokens"},
            r"^max_tokens: Field required$",
        ),
        (
            "no-messages",
            {k: v for k, v in messages().items() if k != "messages"},
            r"^messages: Field required$",
        ),
        ("empty-messages", messages(messages=[]), r"^messages: List should have at least 1 item"),
        (
            "negative-max-tokens",
            messages(max_tokens=-1),
            r"^max_tokens: Input should be greater than or equal to 0$",
        ),
        (
            "max-tokens-string",
            messages(max_tokens="10"),
            r"^max_tokens: Input should be a valid integer$",
        ),
        (
            "max-tokens-float",
            messages(max_tokens=10.5),
            r"^max_tokens: Input should be a valid integer$",
        ),
        (
            "temperature-high",
            messages(temperature=1.5),
            r"^temperature: Input should be less than or equal to 1$",
        ),
        (
            "temperature-low",
            messages(temperature=-0.1),
            r"^temperature: Input should be greater than or equal to 0$",
        ),
        ("top-p-high", messages(top_p=2), r"^top_p: Input should be less than or equal to 1$"),
        (
            "top-k-negative",
            messages(top_k=-1),
            r"^top_k: Input should be greater than or equal to 0$",
        ),
        (
            "bad-role",
            messages(messages=[{"role": "bot", "content": "x"}]),
            r"^messages\.0\.role: Input tag 'bot'",
        ),
        ("no-role", messages(messages=[{"content": "x"}]), r"^messages\.0\.role: Field required$"),
        (
            "no-content",
            messages(messages=[{"role": "user"}]),
            r"^messages\.0\.user\.content: Field required$|^messages\.0\.content: Field required$",
        ),
        (
            "content-number",
            messages(messages=[{"role": "user", "content": 5}]),
            r"^messages\.0\.(user\.)?content: Input should be",
        ),
        (
            "bad-block-type",
            messages(messages=[{"role": "user", "content": [{"type": "nope"}]}]),
            r"^messages\.0\.(user\.)?content\.0\.type: Input tag 'nope'",
        ),
        (
            "text-block-no-text",
            messages(messages=[{"role": "user", "content": [{"type": "text"}]}]),
            r"^messages\.0\.(user\.)?content\.0\.text\.text: Field required$",
        ),
        (
            "empty-text-block",
            messages(messages=[{"role": "user", "content": [{"type": "text", "text": ""}]}]),
            r"^messages: text content blocks must be non-empty$",
        ),
        (
            "empty-message",
            messages(
                messages=[{"role": "user", "content": ""}, {"role": "assistant", "content": "x"}]
            ),
            r"^messages\.0: all messages must have non-empty content",
        ),
        (
            "bad-cache-ttl",
            messages(
                system=[
                    {
                        "type": "text",
                        "text": "s",
                        "cache_control": {"type": "ephemeral", "ttl": "2h"},
                    }
                ]
            ),
            r"^system\.0\.cache_control\.ttl: Input should be",
        ),
        (
            "bad-cache-type",
            messages(system=[{"type": "text", "text": "s", "cache_control": {"type": "forever"}}]),
            r"^system\.0\.cache_control\.type: Input should be 'ephemeral'$",
        ),
        (
            "bad-tool-choice",
            messages(tool_choice={"type": "sometimes"}),
            r"^tool_choice\.type: Input tag 'sometimes'",
        ),
        (
            "tool-choice-no-name",
            messages(tools=[TOOL], tool_choice={"type": "tool"}),
            r"^tool_choice\.tool\.name: Field required$",
        ),
        ("tool-no-schema", messages(tools=[{"name": "f"}]), r"input_schema: Field required$"),
        (
            "tool-bad-name",
            messages(tools=[{**TOOL, "name": "has space"}]),
            r"^tools\.0\.custom\.name: String should match pattern",
        ),
        (
            "bad-thinking-type",
            messages(thinking={"type": "sometimes"}),
            r"^thinking\.type: Input tag 'sometimes'",
        ),
        (
            "thinking-small-budget",
            messages(thinking={"type": "enabled", "budget_tokens": 100}),
            r"^thinking\.enabled\.budget_tokens: Input should be greater than or equal to 1024$",
        ),
        (
            "thinking-budget-over-max",
            messages(max_tokens=2000, thinking={"type": "enabled", "budget_tokens": 4000}),
            r"^`max_tokens` must be greater than `thinking\.budget_tokens`",
        ),
        (
            "bad-effort",
            messages(output_config={"effort": "extreme"}),
            r"^output_config\.effort: Input should be",
        ),
        ("bad-service-tier", messages(service_tier="premium"), r"^service_tier: Input should be"),
        ("bad-speed", messages(speed="ludicrous"), r"^speed: Input should be"),
        (
            "stop-sequences-string",
            messages(stop_sequences="END"),
            r"^stop_sequences: Input should be a valid list$",
        ),
        ("stream-string", messages(stream="yes"), r"^stream: Input should be a valid boolean$"),
        (
            "metadata-user-id-number",
            messages(metadata={"user_id": 5}),
            r"^metadata\.user_id: Input should be",
        ),
        (
            "image-bad-media-type",
            messages(
                messages=[
                    {
                        "role": "user",
                        "content": [
                            {
                                "type": "image",
                                "source": {
                                    "type": "base64",
                                    "media_type": "image/bmp",
                                    "data": "x",
                                },
                            }
                        ],
                    }
                ]
            ),
            r"media_type: Input should be",
        ),
        (
            "tool-use-input-list",
            messages(
                messages=[
                    {"role": "user", "content": "x"},
                    {
                        "role": "assistant",
                        "content": [{"type": "tool_use", "id": "t", "name": "f", "input": []}],
                    },
                ]
            ),
            r"input: Input should be a valid dictionary$",
        ),
        ("body-array", [messages()], r"^Input should be a valid dictionary$"),
        ("body-string", "hello", r"^Input should be a valid dictionary$"),
        (
            "sampling-new-version",
            messages(temperature=0.5),
            r"^temperature: Extra inputs are not permitted$",
        ),
    ]
    for name, body, pattern in rows:
        headers = dict(NEW) if name == "sampling-new-version" else dict(OLD)
        yield bad(name, body, pattern, headers=headers)
    batch = {
        "requests": [
            {"custom_id": "a", "params": messages()},
            {"custom_id": "a", "params": messages()},
        ]
    }
    yield bad(
        "batch-duplicate-id",
        batch,
        r"^requests\.1\.custom_id: Duplicate custom_id",
        path="/v1/messages/batches",
    )
    yield bad(
        "batch-empty",
        {"requests": []},
        r"^requests: List should have at least 1 item",
        path="/v1/messages/batches",
    )
    yield bad(
        "batch-bad-id",
        {"requests": [{"custom_id": "a b", "params": messages()}]},
        r"^requests\.0\.custom_id: String should match pattern",
        path="/v1/messages/batches",
    )
    yield bad(
        "batch-extra-in-params",
        {"requests": [{"custom_id": "a", "params": messages(x_extra=1)}]},
        r"^requests\.0\.params\.x_extra: Extra inputs are not permitted$",
        path="/v1/messages/batches",
    )
    yield bad(
        "batch-extra-in-request",
        {"requests": [{"custom_id": "a", "params": messages(), "x_extra": 1}]},
        r"^requests\.0\.x_extra: Extra inputs are not permitted$",
        path="/v1/messages/batches",
    )


def models() -> Iterator[Case]:
    for model in ("claude-does-not-exist", "gpt-4o", "claude-opus-9", "claude-sonnet-4-6-20990101"):
        yield bad(
            f"unknown-model-{model}",
            messages(model=model),
            f"^model: {model}$",
            status=404,
            error_type="not_found_error",
        )
        body = {"model": model, "messages": [{"role": "user", "content": "hi"}]}
        yield bad(
            f"unknown-model-count-{model}",
            body,
            f"^model: {model}$",
            path="/v1/messages/count_tokens",
            status=404,
            error_type="not_found_error",
        )
    for model, effort in (
        ("claude-opus-4-6", "xhigh"),
        ("claude-sonnet-4-6", "xhigh"),
        ("claude-opus-4-5", "max"),
        ("claude-mythos-preview", "xhigh"),
    ):
        yield bad(
            f"effort-{model}-{effort}",
            messages(model=model, output_config={"effort": effort}),
            rf"^This model does not support effort level '{effort}'\. Supported levels: ",
        )
    for model in ("claude-haiku-4-5", "claude-sonnet-4-5"):
        yield bad(
            f"effort-{model}",
            messages(model=model, output_config={"effort": "low"}),
            r"effort: This model does not support the effort parameter\.$",
        )
    for model, ceiling in (
        ("claude-haiku-4-5", 64000),
        ("claude-sonnet-4-5-20250929", 64000),
        ("claude-opus-5", 128000),
    ):
        wanted = ceiling + 1
        yield bad(
            f"max-tokens-over-{model}",
            messages(model=model, max_tokens=wanted, stream=True),
            rf"^max_tokens: {wanted} > {ceiling}, which is the maximum allowed number of output "
            rf"tokens for {model}$",
        )
