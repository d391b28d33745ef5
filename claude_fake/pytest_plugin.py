"""The pytest plugin (the ``pytest11`` entry point): options, markers, hooks and a summary line;
thin glue over the engine. The fixtures live in ``plugin/fixtures.py`` and are exposed here.

Importing it is cheap: the SDK, the server and the cassette code load inside the fixtures that
need them. Settings are parsed and merged in ``plugin/settings.py``; per-session data lives in
``config.stash``; xdist workers send their counts to the controller through ``workeroutput``.
"""

from __future__ import annotations

import os
from collections.abc import Generator
from typing import Any

import pytest

from claude_fake.errors import ConfigError
from claude_fake.plugin import settings as pc
from claude_fake.plugin.fixtures import (
    CALL_DID_NOT_PASS,
    ENGINE,
    STATE,
    State,
    _claude_cassette_marker,
    _claude_hub,
    claude_async_client,
    claude_cassette_dir,
    claude_cassette_name,
    claude_client,
    claude_config,
    claude_env,
    claude_fake,
    claude_server,
)
from claude_fake.plugin.markers import MARKERS
from claude_fake.plugin.options import OPTIONS
from claude_fake.plugin.report import Tally, requests_section, teardown_message

__all__ = [  # the fixtures pytest finds here
    "_claude_cassette_marker",
    "_claude_hub",
    "claude_async_client",
    "claude_cassette_dir",
    "claude_cassette_name",
    "claude_client",
    "claude_config",
    "claude_env",
    "claude_fake",
    "claude_server",
]
WORKER_KEY = "claude_fake"


# -- hooks ----------------------------------------------------------------------------------
def pytest_addoption(parser: pytest.Parser) -> None:
    """``--claude-*`` options and ``claude_*`` ini keys; every default is None (not given)."""
    group = parser.getgroup("claude_fake", "claude-fake: a fake Claude API")
    for option in OPTIONS:
        allowed = f" ({', '.join(option.choices)})" if option.choices else ""
        dest = f"claude_{option.key}"
        group.addoption(option.flag, dest=dest, default=None, help=option.help + allowed)
        parser.addini(option.ini, option.help + allowed, type="string", default="")
    group.addoption(
        "--claude-live",
        action="store_true",
        default=None,
        help="run tests marked claude_live against the live API (needs ANTHROPIC_API_KEY)",
    )
    group.addoption(
        "--claude-upstream",
        default=None,
        metavar="URL",
        help="the API that live tests and recordings talk to (default https://api.anthropic.com)",
    )


def pytest_configure(config: pytest.Config) -> None:
    """Register the markers; parse options and ini keys (a bad value is a usage error)."""
    for line in MARKERS:
        config.addinivalue_line("markers", line)
    cli: dict[str, object] = {o.key: config.getoption(f"claude_{o.key}") for o in OPTIONS}
    cli["live"] = config.getoption("claude_live")
    cli["upstream"] = config.getoption("claude_upstream")
    ini = {o.key: config.getini(o.ini) for o in OPTIONS}
    ini_dir = config.inipath.parent if config.inipath else config.rootpath
    try:
        settings = pc.session_settings(
            cli, ini, invocation_dir=config.invocation_params.dir, ini_dir=ini_dir, env=os.environ
        )
    except ConfigError as exc:
        raise pytest.UsageError(str(exc)) from None
    config.stash[STATE] = State(settings=settings, tally=Tally())


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Skip ``claude_live`` tests unless ``--claude-live`` and a key are given."""
    live = config.stash[STATE].settings.live
    reason = pc.live_skip_reason(live=live, api_key=os.environ.get("ANTHROPIC_API_KEY"))
    if reason is None:
        return
    for item in items:
        if item.get_closest_marker("claude_live") is not None:
            item.add_marker(pytest.mark.skip(reason=reason))


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    """A test body that did not pass (failed, skipped, xfailed) gets no teardown check; when it
    failed, its report lists the requests it sent, what answered each, and its engine's
    problems."""
    report = yield
    fake = item.stash.get(ENGINE, None)
    if report.when == "call" and not report.passed and fake is not None:
        item.stash[CALL_DID_NOT_PASS] = True
        if report.failed:
            parts = [
                requests_section(fake.requests),
                teardown_message(fake.unused(), list(fake.problems)),
            ]
            text = "\n".join(part for part in parts if part)
            if text:
                report.sections.append(("claude_fake: requests and scripts", text))
    return report


def pytest_sessionfinish(session: pytest.Session) -> None:
    """On an xdist worker, hand this worker's tally to the controller."""
    state = session.config.stash.get(STATE, None)
    workeroutput = getattr(session.config, "workeroutput", None)
    if state is not None and workeroutput is not None:
        workeroutput[WORKER_KEY] = state.tally.as_dict()


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node: Any, error: object) -> None:
    """On the xdist controller, add a finished worker's tally."""
    data = getattr(node, "workeroutput", {}).get(WORKER_KEY)
    state = node.config.stash.get(STATE, None)
    if data and state is not None:
        state.tally.add(data)


def pytest_terminal_summary(terminalreporter: Any, config: pytest.Config) -> None:
    """One line: requests answered by source, and cassettes written."""
    state = config.stash.get(STATE, None)
    if state is None or hasattr(config, "workeroutput"):
        return
    for line in state.tally.lines(ci=state.settings.ci):
        terminalreporter.write_line(line)
