"""Every Python block of README.md runs, read from the README at test time, so it cannot drift.

A block with test functions runs as a test file in a fresh project (pytester), as a user would
paste it; the others run as scripts, with ``fake`` (a ``FakeClaude``) and ``claude_fake`` (the
module) defined, as the snippets assume.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from cassette_text import cassette_yaml
from plugin_helpers import ini

import claude_fake
from claude_fake import FakeClaude

README = Path(claude_fake.__file__).parent.parent / "README.md"


def python_blocks() -> list[tuple[str, str]]:
    """(section heading, code) of every ```python block, in order."""
    text = README.read_text()
    blocks = []
    for match in re.finditer(r"```python\n(.*?)```", text, flags=re.S):
        headings = re.findall(r"^#+ (.+)$", text[: match.start()], flags=re.M)
        blocks.append((headings[-1] if headings else "top", match.group(1)))
    return blocks


BLOCKS = python_blocks()
TESTS = [(h, c) for h, c in BLOCKS if re.search(r"^def test_", c, flags=re.M)]
SNIPPETS = [(h, c) for h, c in BLOCKS if (h, c) not in TESTS]


def _id(heading: str, index: int) -> str:
    return f"{index}-{re.sub(r'[^a-z0-9]+', '-', heading.lower()).strip('-')}"


def test_the_readme_has_blocks_of_both_kinds() -> None:
    assert len(TESTS) >= 3
    assert len(SNIPPETS) >= 2


@pytest.mark.parametrize("code", [pytest.param(c, id=_id(h, i)) for i, (h, c) in enumerate(TESTS)])
def test_a_test_block_passes_as_pasted(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, code: str
) -> None:
    for name in ("CI", "ANTHROPIC_API_KEY", "ANTHROPIC_BASE_URL", "ANTHROPIC_AUTH_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    ini(pytester)
    pytester.makepyfile(test_pasted=code)
    for name in re.findall(r"@pytest\.mark\.claude_cassette.*\ndef (test_\w+)", code):
        # the README's cassette example replays what was recorded once
        cassette = Path(pytester.path, "cassettes", "test_pasted", f"{name}.yaml")
        cassette.parent.mkdir(parents=True, exist_ok=True)
        cassette.write_text(cassette_yaml("Capital of France?", "Paris"))
    result = pytester.runpytest("-p", "no:randomly")
    count = len(re.findall(r"^def test_", code, flags=re.M))
    result.assert_outcomes(passed=count)


@pytest.mark.parametrize(
    "code", [pytest.param(c, id=_id(h, i)) for i, (h, c) in enumerate(SNIPPETS)]
)
def test_a_snippet_runs(code: str) -> None:
    namespace = {"fake": FakeClaude(), "claude_fake": claude_fake, "__name__": "readme"}
    exec(compile(code, str(README), "exec"), namespace)
