"""A tool-use loop: script the model's tool call and its final answer, then check what was sent.

Run with ``pytest examples/test_tool_loop.py``. ``claude_fake`` is this test's fake API and
``claude_client`` an ``anthropic.Anthropic`` wired to it, in-process.
"""

from __future__ import annotations

from typing import Any

from claude_fake import tool_use

MODEL = "claude-sonnet-4-6"
TOOLS = [
    {
        "name": "get_weather",
        "description": "The current weather in a city.",
        "input_schema": {
            "type": "object",
            "properties": {"city": {"type": "string"}},
            "required": ["city"],
        },
    }
]


def get_weather(city: str) -> str:
    """The tool (a real app would call a weather service)."""
    return f"21 C and sunny in {city}"


def answer_with_tools(client: Any, question: str) -> str:
    """The code under test: run tools until the model gives a final answer."""
    messages: list[dict[str, Any]] = [{"role": "user", "content": question}]
    while True:
        response = client.messages.create(
            model=MODEL, max_tokens=1024, tools=TOOLS, messages=messages
        )
        if response.stop_reason != "tool_use":
            return "".join(block.text for block in response.content if block.type == "text")
        messages.append({"role": "assistant", "content": response.content})
        results = [
            {"type": "tool_result", "tool_use_id": block.id, "content": get_weather(**block.input)}
            for block in response.content
            if block.type == "tool_use"
        ]
        messages.append({"role": "user", "content": results})


def test_the_loop_runs_the_tool_and_returns_the_final_answer(claude_fake, claude_client):
    claude_fake.reply(tool_use("get_weather", {"city": "Paris"}))  # stop_reason tool_use
    claude_fake.reply("It is 21 C and sunny in Paris.")  # stop_reason end_turn

    answer = answer_with_tools(claude_client, "What's the weather in Paris?")

    assert answer == "It is 21 C and sunny in Paris."
    first, second = claude_fake.requests
    assert first.body["tools"][0]["name"] == "get_weather"
    tool_call = first.response["content"][0]
    tool_result = second.messages[-1]["content"][0]
    assert tool_result["tool_use_id"] == tool_call["id"]
    assert tool_result["content"] == "21 C and sunny in Paris"
