"""Cassettes written as text, in claude-fake's readable form, for tests that need one on disk."""

from __future__ import annotations

MODEL = "claude-sonnet-4-6"


def interaction_yaml(question: str, answer: str, number: int = 0) -> str:
    """One recorded ``messages.create``: ``question`` asked (max_tokens 64), ``answer`` given."""
    return f"""\
- request:
    method: POST
    uri: https://api.anthropic.com/v1/messages
    headers:
      content-type: [application/json]
    json:
      max_tokens: 64
      messages:
      - role: user
        content: {question}
      model: {MODEL}
  response:
    status: {{code: 200, message: OK}}
    headers:
      content-type: [application/json]
    json:
      id: msg_01XFDUDYJgAACzvnptvVoY{number:02d}
      type: message
      role: assistant
      model: {MODEL}
      content:
      - type: text
        text: {answer}
      stop_reason: end_turn
      stop_sequence: null
      usage: {{input_tokens: 14, output_tokens: 7}}
"""


def cassette_yaml(question: str, *answers: str) -> str:
    """A cassette of ``question`` recorded once per answer, in that order."""
    played = "".join(interaction_yaml(question, a, n) for n, a in enumerate(answers))
    return "version: 1\ninteractions:\n" + played
