"""Issue 14, problem 10: a Claude Code-shaped multi-step tool session recorded in one folder
replays in another (another working directory, HOME, date and platform), with default settings.

The agent streams through the real SDK, runs its tools in its own folder, and sends what they
printed (absolute paths included) back; the upstream 'model' answers with absolute paths, as
Claude does. On replay the recorded answers are translated into the new folder.
"""

from __future__ import annotations

from pathlib import Path

import anthropic
import pytest
from cassette_helpers import agent_session, model_step, strict, upstream

from claude_fake import FakeClaude


@pytest.fixture(autouse=True)
def _no_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ANTHROPIC_API_KEY", raising=False)


def _machine(root: Path) -> tuple[Path, Path]:
    cwd, home = root / "project", root / "home"
    cwd.mkdir(parents=True)
    (home / ".claude").mkdir(parents=True)
    (cwd / "notes.txt").write_text("ship on Friday\nwrite the changelog\n")
    return cwd, home


def _record(cassette: Path, root: Path) -> list[anthropic.types.Message]:
    cwd, home = _machine(root)
    with upstream(model_step) as url:
        fake = FakeClaude(cassette=str(cassette), record_mode="once", upstream=url)
        try:
            return agent_session(strict(fake), cwd, home, "2025-06-12", "darwin")
        finally:
            fake.close()


def test_a_recorded_agent_session_replays_in_another_folder_on_another_day(
    tmp_path: Path,
) -> None:
    cassette = tmp_path / "cassettes" / "agent.yaml"
    recorded = _record(cassette, tmp_path / "recorded-on-a-mac")
    assert [a.stop_reason for a in recorded] == ["tool_use", "tool_use", "end_turn"]

    cwd, home = _machine(tmp_path / "ci" / "elsewhere")
    fake = FakeClaude(cassette=str(cassette))  # record mode none: no upstream, no network
    replayed = agent_session(strict(fake), cwd, home, "2026-01-30", "linux")

    assert [r.source.value for r in fake.requests] == ["replayed"] * 3
    assert not fake.problems
    assert [a.id for a in replayed] == [a.id for a in recorded]  # the recorded answers
    read = next(b for b in replayed[0].content if b.type == "tool_use")
    assert read.input == {"file_path": f"{cwd}/notes.txt"}  # told in the new folder
    final = replayed[-1].content[0]
    assert final.type == "text"
    assert str(cwd) in final.text
    assert "recorded-on-a-mac" not in final.text


def test_with_the_profile_off_the_other_folder_misses_and_says_where(tmp_path: Path) -> None:
    cassette = tmp_path / "agent.yaml"
    _record(cassette, tmp_path / "one")
    cwd, home = _machine(tmp_path / "two")
    fake = FakeClaude(cassette=str(cassette), match_profile="none")
    with pytest.raises(anthropic.InternalServerError) as caught:
        agent_session(strict(fake), cwd, home, "2025-06-12", "darwin")
    message = caught.value.body["error"]["message"]  # type: ignore[index]
    assert "no recorded interaction matches POST /v1/messages" in message
    assert "$.system[1].text (from character " in message  # where the prompts part
    assert "/one/project\\nIs directory a git repo" in message
    assert "/two/project\\nIs directory a git repo" in message
