"""Shared pieces of the cassette behaviour tests: a local upstream (a second FakeClaude on
loopback: tests never reach the internet), strict SDK clients, and a Claude Code-shaped agent."""

from __future__ import annotations

import re
import subprocess
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import anthropic

from claude_fake import FakeClaude
from claude_fake.model import FakeRequest

MODEL = "claude-sonnet-4-6"


@contextmanager
def upstream(*replies: Any, **settings: Any) -> Iterator[str]:
    """A second fake on 127.0.0.1 standing in for the API while a test records."""
    fake = FakeClaude(seed=1, assert_all_used=False, **settings)
    for reply in replies:
        fake.reply(reply, times=None) if callable(reply) else fake.reply(reply)
    with fake.serve() as url:
        yield url


def strict(fake: FakeClaude) -> anthropic.Anthropic:
    """A strict SDK client on ``fake`` that does not retry."""
    return fake.client(_strict_response_validation=True, max_retries=0)


def ask(client: anthropic.Anthropic, text: str, **extra: Any) -> anthropic.types.Message:
    """One Messages call with ``text`` as the user's turn."""
    return client.messages.create(
        model=MODEL, max_tokens=64, messages=[{"role": "user", "content": text}], **extra
    )


# -- a Claude Code-shaped agent: its system prompt carries the machine it runs on -------------
TOOLS = [
    {
        "name": "Read",
        "description": "Reads a file from the local filesystem. file_path must be absolute.",
        "input_schema": {
            "type": "object",
            "properties": {"file_path": {"type": "string"}},
            "required": ["file_path"],
        },
    },
    {
        "name": "Bash",
        "description": "Executes a bash command in the working directory.",
        "input_schema": {
            "type": "object",
            "properties": {"command": {"type": "string"}},
            "required": ["command"],
        },
    },
]


def system_prompt(cwd: Path, today: str, platform: str) -> list[dict[str, Any]]:
    """The system blocks as Claude Code builds them (identity, then the environment)."""
    env = (
        "You are an interactive CLI tool that helps users with software engineering tasks.\n\n"
        "Here is useful information about the environment you are running in:\n<env>\n"
        f"Working directory: {cwd}\nIs directory a git repo: Yes\nPlatform: {platform}\n"
        f"OS Version: {platform.title()} 6.{len(today)}.0\nToday's date: {today}\n</env>\n"
        "You are powered by the model named Sonnet 4.6. The exact model ID is "
        f"{MODEL}.\n\ngitStatus: This is the git status at the start of the conversation. "
        f"Note that this status is a snapshot in time.\nCurrent branch: work-{today}\n\n"
        "Status:\n?? notes.txt\n\nRecent commits:\n1a2b3c4 Start"
    )
    return [
        {"type": "text", "text": "You are Claude Code, Anthropic's official CLI for Claude."},
        {"type": "text", "text": env, "cache_control": {"type": "ephemeral"}},
    ]


def first_turn(home: Path, today: str) -> dict[str, Any]:
    """The first user turn, with the memory and date reminders Claude Code adds."""
    reminder = (
        "<system-reminder>\nAs you answer the user's questions, you can use the following "
        f"context:\n# claudeMd\nContents of {home}/.claude/CLAUDE.md (user's private global "
        "instructions for all projects):\n\nBe brief.\n\n# currentDate\n"
        f"Today's date is {today}.\n</system-reminder>"
    )
    return {
        "role": "user",
        "content": [
            {"type": "text", "text": reminder},
            {"type": "text", "text": "What do the notes say, and what is in this folder?"},
        ],
    }


def run_tool(name: str, tool_input: dict[str, Any], cwd: Path, home: Path) -> str:
    """Run a tool call as Claude Code would, in ``cwd`` with ``HOME=home``."""
    if name == "Read":
        lines = Path(tool_input["file_path"]).read_text().splitlines()
        return "\n".join(f"{n:>6}\t{line}" for n, line in enumerate(lines, 1))
    done = subprocess.run(
        ["/bin/sh", "-c", tool_input["command"]],
        cwd=cwd,
        env={"HOME": str(home), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout


def agent_session(
    client: anthropic.Anthropic, cwd: Path, home: Path, today: str, platform: str
) -> list[anthropic.types.Message]:
    """A multi-step streamed tool loop, as Claude Code runs one; every answer it got."""
    messages: list[dict[str, Any]] = [first_turn(home, today)]
    answers = []
    session = f"user_{'0' * 8}_account__session_{uuid.uuid4()}"
    for _ in range(6):
        with client.messages.stream(
            model=MODEL,
            max_tokens=1024,
            system=system_prompt(cwd, today, platform),  # type: ignore[arg-type]
            messages=messages,  # type: ignore[arg-type]
            tools=TOOLS,  # type: ignore[arg-type]
            metadata={"user_id": session},
        ) as stream:
            answer = stream.get_final_message()
        answers.append(answer)
        messages.append({"role": "assistant", "content": [b.model_dump() for b in answer.content]})
        if answer.stop_reason != "tool_use":
            return answers
        results = [
            {
                "type": "tool_result",
                "tool_use_id": block.id,
                "content": run_tool(block.name, dict(block.input), cwd, home),  # type: ignore[arg-type]
            }
            for block in answer.content
            if block.type == "tool_use"
        ]
        messages.append({"role": "user", "content": results})
    raise AssertionError("the agent did not finish")


def model_step(request: FakeRequest) -> list[Any]:
    """The upstream's 'model': reads the working directory from the prompt, as Claude does,
    and answers with absolute paths: read the notes, list the folder, then sum up."""
    from claude_fake import text, tool_use

    cwd = re.search(r"Working directory: (.+)", request.system)
    assert cwd is not None
    steps = sum(
        1
        for m in request.messages
        if isinstance(m.get("content"), list)
        and any(b.get("type") == "tool_result" for b in m["content"])
    )
    if steps == 0:
        return [
            text("I'll read the notes."),
            tool_use("Read", {"file_path": f"{cwd[1]}/notes.txt"}),
        ]
    if steps == 1:
        return [tool_use("Bash", {"command": f"pwd; ls {cwd[1]}"})]
    last = request.messages[-1]["content"][0]["content"]
    return [text(f"Done. Listing:\n{last}")]
