"""The names a test reaches through ``claude_fake``, on the engine too.

Inside a test, the ``claude_fake`` fixture hides the ``claude_fake`` module, so the README's
``claude_fake.tool_use(...)`` and ``claude_fake.snapshot.matcher`` must work on the engine as they
do on the module: ``FakeClaude`` inherits them from ``Builders``.
"""

from __future__ import annotations

from types import ModuleType

from claude_fake.sources import blocks


class Builders:
    """Block builders (``text``, ``tool_use``, ...) and the ``snapshot`` helpers."""

    __slots__ = ()

    text = staticmethod(blocks.text)
    tool_use = staticmethod(blocks.tool_use)
    thinking = staticmethod(blocks.thinking)
    redacted_thinking = staticmethod(blocks.redacted_thinking)
    server_tool_use = staticmethod(blocks.server_tool_use)
    compaction = staticmethod(blocks.compaction)

    @property
    def snapshot(self) -> ModuleType:
        """``claude_fake.snapshot``: ``serialize`` and ``matcher`` for your own snapshots."""
        from claude_fake import snapshot  # with the redactor: off the start-up path

        return snapshot
