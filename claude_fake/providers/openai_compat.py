"""The Claude API's OpenAI SDK compatibility layer: ``POST /v1/chat/completions`` in, a Messages
request to the engine, the answer back as a ``chat.completion`` (or its chunks).

Request fields as the compatibility page documents them (platform.claude.com, "OpenAI SDK
compatibility"): system and developer messages hoisted into one system prompt joined by ``\\n``;
``max_completion_tokens`` or ``max_tokens``; ``stop`` (whitespace-only sequences dropped);
``temperature`` capped at 1; ``n`` must be 1; ``tools``/``functions`` with ``strict`` ignored;
``tool_choice``, ``parallel_tool_calls``; audio input stripped; ``thinking`` through
``extra_body``; the rest (``logprobs``, ``metadata``, ``response_format``, ``seed``, ``user``,
...) ignored. Errors come in OpenAI's envelope ``{"error": {"message", "type", "param",
"code"}}`` with the API's status.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from claude_fake.model import FakeRequest, FakeResponse
from claude_fake.providers import openai_answer
from claude_fake.providers.base import MESSAGES_PATH, Translation, json_body, messages_request

NAME = "openai"
PATH = "/v1/chat/completions"
API_VERSION = "2023-06-01"  # the generation that takes temperature and top_p
DEFAULT_MAX_TOKENS = 4096
TOOL_CHOICES: Mapping[str, dict[str, str]] = {
    "auto": {"type": "auto"},
    "none": {"type": "none"},
    "required": {"type": "any"},
}


class Refused(ValueError):
    """A chat completion request the compatibility layer answers with a 400."""


def translate(request: FakeRequest) -> Translation | FakeResponse | None:
    """The Messages form of a chat completion request; None for any other path."""
    if request.path != PATH:
        return None
    if request.method != "POST":
        return openai_answer.error(405, "invalid_request_error", "Method Not Allowed")
    body = json_body(request.raw)
    try:
        if not isinstance(body, dict):
            raise Refused("The request body is not a JSON object.")
        messages_body = to_messages(body)
    except Refused as exc:
        return openai_answer.error(400, "invalid_request_error", str(exc))
    headers = {"anthropic-version": API_VERSION}
    out = messages_request(
        request, provider=NAME, path=MESSAGES_PATH, body=messages_body, headers=headers
    )
    usage = isinstance(body.get("stream_options"), dict) and bool(
        body["stream_options"].get("include_usage")
    )
    return Translation(out, lambda response: openai_answer.answer(response, include_usage=usage))


def to_messages(body: Mapping[str, Any]) -> dict[str, Any]:
    """A Messages API body from a chat completion body; raises Refused."""
    if body.get("n", 1) != 1:
        raise Refused("n: only 1 is supported")
    out: dict[str, Any] = {"model": body.get("model")}
    limit = body.get("max_completion_tokens") or body.get("max_tokens") or DEFAULT_MAX_TOKENS
    out["max_tokens"] = limit
    system, out["messages"] = conversation(body.get("messages"))
    if system:
        out["system"] = system
    tools = _tools(body)
    if tools:
        out["tools"] = tools
    choice = _tool_choice(body, bool(tools))
    if choice is not None:
        out["tool_choice"] = choice
    stop = body.get("stop")
    stops = [stop] if isinstance(stop, str) else stop if isinstance(stop, list) else []
    if [s for s in stops if isinstance(s, str) and s.strip()]:
        out["stop_sequences"] = [s for s in stops if isinstance(s, str) and s.strip()]
    if isinstance(body.get("temperature"), int | float):
        out["temperature"] = min(float(body["temperature"]), 1.0)
    for name in ("top_p", "thinking"):
        if name in body:
            out[name] = body[name]
    if body.get("stream") is True:
        out["stream"] = True
    return out


def conversation(messages: Any) -> tuple[str, list[dict[str, Any]]]:
    """(hoisted system prompt, Messages API messages) of chat completion ``messages``."""
    if not isinstance(messages, list) or not messages:
        raise Refused("messages: at least one message is required")
    system: list[str] = []
    out: list[dict[str, Any]] = []
    for index, message in enumerate(messages):
        if not isinstance(message, dict):
            raise Refused(f"messages.{index}: expected an object")
        role = message.get("role")
        if role in ("system", "developer"):
            system.append(_text(message.get("content")))
        elif role == "user":
            _append(out, "user", _user_blocks(message.get("content")))
        elif role == "assistant":
            _append(out, "assistant", _assistant_blocks(message))
        elif role in ("tool", "function"):
            _append(out, "user", [_tool_result(message)])
        else:
            raise Refused(f"messages.{index}.role: unknown role {role!r}")
    return "\n".join(system), out


def _append(out: list[dict[str, Any]], role: str, content: str | list[dict[str, Any]]) -> None:
    """Add a turn, merged into the last one when it has the same role (the API alternates)."""
    if out and out[-1]["role"] == role:
        out[-1]["content"] = _blocks(out[-1]["content"]) + _blocks(content)
    else:
        out.append({"role": role, "content": content})


def _blocks(content: str | list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{"type": "text", "text": content}] if isinstance(content, str) else content


def _text(content: Any) -> str:
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return "".join(
            p.get("text", "") for p in content if isinstance(p, dict) and p.get("type") == "text"
        )
    return ""


def _user_blocks(content: Any) -> str | list[dict[str, Any]]:
    if isinstance(content, str):
        return content  # kept as the string it is: the same request as the Messages API's
    blocks: list[dict[str, Any]] = []
    for part in content if isinstance(content, list) else []:
        kind = part.get("type") if isinstance(part, dict) else None
        if kind == "text":
            blocks.append({"type": "text", "text": part.get("text", "")})
        elif kind == "image_url":
            blocks.append(_image(part.get("image_url")))
        # input_audio and file parts are stripped, as the compatibility layer does
    return blocks


def _image(image: Any) -> dict[str, Any]:
    url = image.get("url", "") if isinstance(image, dict) else ""
    if url.startswith("data:") and ";base64," in url:
        media_type, _, data = url[5:].partition(";base64,")
        source = {"type": "base64", "media_type": media_type, "data": data}
        return {"type": "image", "source": source}
    return {"type": "image", "source": {"type": "url", "url": url}}


def _assistant_blocks(message: Mapping[str, Any]) -> list[dict[str, Any]]:
    text = _text(message.get("content"))
    blocks: list[dict[str, Any]] = [{"type": "text", "text": text}] if text else []
    calls = message.get("tool_calls")
    legacy = message.get("function_call")
    if isinstance(legacy, dict):
        calls = [{"id": f"call_{legacy.get('name', '')}", "function": legacy}]
    for call in calls if isinstance(calls, list) else []:
        function = call.get("function", {}) if isinstance(call, dict) else {}
        blocks.append(
            {
                "type": "tool_use",
                "id": call.get("id", ""),
                "name": function.get("name", ""),
                "input": _arguments(function.get("arguments")),
            }
        )
    return blocks


def _arguments(arguments: Any) -> Any:
    if not isinstance(arguments, str):
        return arguments if isinstance(arguments, dict) else {}
    try:
        parsed = json.loads(arguments) if arguments.strip() else {}
    except ValueError as exc:
        raise Refused(f"tool_calls: arguments are not valid JSON: {arguments[:80]!r}") from exc
    return parsed if isinstance(parsed, dict) else {}


def _tool_result(message: Mapping[str, Any]) -> dict[str, Any]:
    call_id = message.get("tool_call_id") or f"call_{message.get('name', '')}"
    return {"type": "tool_result", "tool_use_id": call_id, "content": _text(message.get("content"))}


def _tools(body: Mapping[str, Any]) -> list[dict[str, Any]]:
    functions = [
        tool.get("function")
        for tool in body.get("tools") or []
        if isinstance(tool, dict) and tool.get("type", "function") == "function"
    ] + list(body.get("functions") or [])
    tools = []
    for function in functions:
        if not isinstance(function, dict):
            raise Refused("tools: each tool needs a function object")
        tool = {"name": function.get("name"), "input_schema": _schema(function.get("parameters"))}
        if function.get("description"):
            tool["description"] = function["description"]
        tools.append(tool)
    return tools


def _schema(parameters: Any) -> dict[str, Any]:
    if isinstance(parameters, dict) and parameters:
        return {"type": "object", **parameters}
    return {"type": "object", "properties": {}}


def _tool_choice(body: Mapping[str, Any], has_tools: bool) -> dict[str, Any] | None:
    given = body.get("tool_choice", body.get("function_call"))
    choice: dict[str, Any] | None = None
    if isinstance(given, str):
        choice = dict(TOOL_CHOICES.get(given, {"type": "auto"}))
    elif isinstance(given, dict):
        name = given.get("function", {}).get("name") if "function" in given else given.get("name")
        choice = {"type": "tool", "name": name}
    if body.get("parallel_tool_calls") is False and has_tools:
        choice = choice or {"type": "auto"}
        if choice["type"] != "none":
            choice["disable_parallel_tool_use"] = True
    return choice if has_tools else None
