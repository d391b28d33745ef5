"""Code that builds its own client, even in another process: ``claude_env`` points it at the fake.

``claude_env`` sets ``ANTHROPIC_BASE_URL`` (this test's fake on a loopback server) and a fake
``ANTHROPIC_API_KEY`` for the test's duration; child processes inherit them. Any client that
honours those variables works: the Python or TypeScript SDK, the Claude Code CLI, curl.
"""

from __future__ import annotations

import subprocess
import sys

# The program under test: a small command-line tool that builds its own client.
TRANSLATE = """
import sys
import anthropic

client = anthropic.Anthropic()  # reads ANTHROPIC_BASE_URL and ANTHROPIC_API_KEY
reply = client.messages.create(
    model="claude-sonnet-4-6",
    max_tokens=256,
    messages=[{"role": "user", "content": "Translate to French: " + sys.argv[1]}],
)
print(reply.content[0].text)
"""


def test_a_command_line_tool_talks_to_the_fake(claude_fake, claude_env):
    claude_fake.reply("Bonjour le monde")

    run = subprocess.run(
        [sys.executable, "-c", TRANSLATE, "Hello world"],
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )

    assert run.stdout.strip() == "Bonjour le monde"
    assert claude_fake.requests[0].text == "Translate to French: Hello world"
