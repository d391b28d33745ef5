"""A throwaway user project, with claude-fake installed from its wheel (not editable), exercising
what a newcomer meets: the README's tests as pasted, the builders and snapshot helpers through the
fixture, the marker alone with a client the code builds, ``claude_config``, ``reply(function)``,
``optional=True``, ``allow_generated=False``, checked settings, pytest-recording's
``--block-network``, and the report of a failing test.

The wheel goes into a fresh virtualenv; its dependencies come from this one's site-packages
through a path entry (whose own ``.pth`` files, this checkout's editable install among them, are
not processed), so nothing is downloaded and the code under test is the wheel's.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest
from cassette_text import cassette_yaml

import claude_fake

ROOT = Path(claude_fake.__file__).parent.parent

pytest.importorskip("hatchling", reason="building the wheel offline needs hatchling (dev extra)")

POINTS = """
import anthropic
import pytest

import claude_fake as claude_fake_module
from claude_fake import ConfigError, FakeClaude


def test_installed_from_the_wheel():
    assert "site-packages" in claude_fake_module.__file__
    assert "{root}" not in claude_fake_module.__file__


def test_builders_and_snapshot_through_the_fixture(claude_fake, claude_client):
    claude_fake.reply(claude_fake.text("Hi"), claude_fake.tool_use("f", {{"x": 1}}))
    assert callable(claude_fake.snapshot.matcher)
    answer = claude_client.messages.create(
        model="claude-sonnet-4-6", max_tokens=64, messages=[{{"role": "user", "content": "Hi"}}]
    )
    assert answer.stop_reason == "tool_use"


def test_reply_function_and_optional(claude_fake, claude_client):
    claude_fake.reply(lambda request: "echo: " + request.text)
    claude_fake.reply("spare", optional=True)
    answer = claude_client.messages.create(
        model="claude-sonnet-4-6", max_tokens=64, messages=[{{"role": "user", "content": "Hi"}}]
    )
    assert answer.content[0].text == "echo: Hi"


@pytest.mark.claude_fake(allow_generated=False, assert_all_used=False)
def test_allow_generated_false(claude_client):
    with pytest.raises(anthropic.InternalServerError, match="allow_generated=False"):
        claude_client.messages.create(
            model="claude-sonnet-4-6", max_tokens=64, messages=[{{"role": "user", "content": "x"}}]
        )


def test_settings_are_checked():
    with pytest.raises(ConfigError, match="Did you mean 'seed'"):
        FakeClaude(sede=1)
    with pytest.raises(ConfigError, match="http"):
        FakeClaude(upstream="not a url")


def test_the_server_under_block_network(claude_fake, claude_env):
    claude_fake.reply("Sunny")
    with anthropic.Anthropic() as client:
        answer = client.messages.create(
            model="claude-sonnet-4-6", max_tokens=64, messages=[{{"role": "user", "content": "x"}}]
        )
    assert answer.content[0].text == "Sunny"
"""

INI = """\
[pytest]
filterwarnings = error
asyncio_default_fixture_loop_scope = function
addopts = -p no:randomly -p no:cacheprovider -p no:hypothesispytest
"""

FAILING = """
def test_forgot_to_script(claude_client):
    answer = claude_client.messages.create(
        model="claude-sonnet-4-6", max_tokens=64, messages=[{"role": "user", "content": "Hi"}]
    )
    assert answer.content[0].text == "Sunny"
"""


def _run(*args: object, cwd: Path, env: dict[str, str] | None = None) -> str:
    done = subprocess.run(
        [str(a) for a in args], cwd=cwd, env=env, capture_output=True, text=True, timeout=300
    )
    output = done.stdout + done.stderr
    if done.returncode not in (0, 1):  # 1: pytest's "tests failed", read by the caller
        raise AssertionError(f"{args} exited {done.returncode}:\n{output}")
    return output


def _install(tmp: Path) -> Path:
    """A virtualenv with the wheel installed; returns its python."""
    _run(
        sys.executable,
        "-m",
        "build",
        "--wheel",
        "--no-isolation",
        "-o",
        tmp / "dist",
        ROOT,
        cwd=tmp,
    )
    (wheel,) = (tmp / "dist").glob("claude_fake-*.whl")
    venv = tmp / "venv"
    _run(sys.executable, "-m", "venv", "--without-pip", venv, cwd=tmp)
    python = venv / "bin" / "python"
    site = Path(
        _run(
            python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])", cwd=tmp
        ).strip()
    )
    (site / "_deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    _run(
        sys.executable,
        "-m",
        "pip",
        "install",
        "-q",
        "--no-deps",
        "--no-index",
        "--target",
        site,
        wheel,
        cwd=tmp,
    )
    return python


def _project(tmp: Path) -> Path:
    """The user's project: the README's test blocks as pasted, and a file per point."""
    project = tmp / "project"
    project.mkdir()
    (project / "pytest.ini").write_text(INI)
    readme = (ROOT / "README.md").read_text()
    blocks = re.findall(r"```python\n(.*?)```", readme, flags=re.S)
    tests = [b for b in blocks if re.search(r"^def test_", b, flags=re.M)]
    for number, code in enumerate(tests):
        (project / f"test_readme_{number}.py").write_text(code)
        for name in re.findall(r"@pytest\.mark\.claude_cassette.*\ndef (test_\w+)", code):
            cassette = project / "cassettes" / f"test_readme_{number}" / f"{name}.yaml"
            cassette.parent.mkdir(parents=True)
            cassette.write_text(cassette_yaml("Capital of France?", "Paris"))
    (project / "test_points.py").write_text(POINTS.format(root=ROOT))
    (project / "failing").mkdir()
    (project / "failing" / "test_failing.py").write_text(FAILING)
    return project


def test_a_fresh_project_with_the_wheel_installed(tmp_path: Path) -> None:
    python = _install(tmp_path)
    project = _project(tmp_path)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ANTHROPIC_", "PYTEST_"))}
    env.pop("CI", None)
    env.pop("PYTHONPATH", None)

    out = _run(
        python,
        "-m",
        "pytest",
        "--block-network",
        "--allowed-hosts=127.0.0.1",
        "--ignore=failing",
        cwd=project,
        env=env,
    )
    assert re.search(r"^=+ \d+ passed in [\d.]+s =+$", out, flags=re.M), out  # nothing else
    assert "claude_fake: " in out, out

    out = _run(python, "-m", "pytest", "failing", cwd=project, env=env)
    assert "1 failed" in out, out
    assert "claude_fake: requests and scripts" in out, out
    assert "#1 POST /v1/messages 'Hi' -> generated: text" in out, out
    assert "allow_generated=False" in out, out
