"""The pytest plugin: options, markers, fixtures and a summary line; thin glue over the engine.

Importing it is cheap: the SDK, the server and the cassette code load inside the fixtures that
need them. Settings are parsed and merged in ``plugin_config``; per-session data lives in
``config.stash``; xdist workers send their counts to the controller through ``workeroutput``.
"""

from __future__ import annotations

import os
from collections.abc import Generator, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pytest

from claude_fake.errors import ConfigError
from claude_fake.plugin import settings as pc
from claude_fake.plugin.report import Tally, teardown_message

if TYPE_CHECKING:
    import anthropic

    from claude_fake.engine import FakeClaude
    from claude_fake.faces.server import Hub

WORKER_KEY = "claude_fake"


@dataclass(slots=True)
class _State:
    settings: pc.SessionSettings
    tally: Tally


STATE = pytest.StashKey[_State]()
CALL_DID_NOT_PASS = pytest.StashKey[bool]()
ENGINE = pytest.StashKey["FakeClaude"]()


# -- hooks ----------------------------------------------------------------------------------
def pytest_addoption(parser: pytest.Parser) -> None:
    """``--claude-*`` options and ``claude_*`` ini keys; every default is None (not given)."""
    group = parser.getgroup("claude_fake", "claude-fake: a fake Claude API")
    for option in pc.OPTIONS:
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
    for line in pc.MARKERS:
        config.addinivalue_line("markers", line)
    cli: dict[str, object] = {o.key: config.getoption(f"claude_{o.key}") for o in pc.OPTIONS}
    cli["live"] = config.getoption("claude_live")
    cli["upstream"] = config.getoption("claude_upstream")
    ini = {o.key: config.getini(o.ini) for o in pc.OPTIONS}
    ini_dir = config.inipath.parent if config.inipath else config.rootpath
    try:
        settings = pc.session_settings(
            cli, ini, invocation_dir=config.invocation_params.dir, ini_dir=ini_dir, env=os.environ
        )
    except ConfigError as exc:
        raise pytest.UsageError(str(exc)) from None
    config.stash[STATE] = _State(settings=settings, tally=Tally())


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
    failed, its engine's problems are shown beside the failure instead."""
    report = yield
    fake = item.stash.get(ENGINE, None)
    if report.when == "call" and not report.passed and fake is not None:
        item.stash[CALL_DID_NOT_PASS] = True
        message = teardown_message(fake.unused(), list(fake.problems)) if report.failed else None
        if message:
            report.sections.append(("claude_fake", message))
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


# -- fixtures -------------------------------------------------------------------------------
def _plan(request: pytest.FixtureRequest) -> pc.TestPlan:
    node = request.node
    name = f"{request.cls.__name__}.{node.name}" if request.cls else node.name
    test = pc.TestId(nodeid=node.nodeid, folder=node.path.parent, module=node.path.stem, name=name)
    cassette_marks = [(m.args, m.kwargs) for m in node.iter_markers("claude_cassette")]
    fake_marks = [(m.args, m.kwargs) for m in node.iter_markers("claude_fake")]
    try:
        return pc.plan_test(
            request.config.stash[STATE].settings,
            test,
            fake_marks=fake_marks,
            cassette_marks=cassette_marks or None,
        )
    except ConfigError as exc:
        problem = str(exc)
    pytest.fail(problem, pytrace=False)


@pytest.fixture
def claude_fake(request: pytest.FixtureRequest) -> Iterator[FakeClaude]:
    """This test's FakeClaude; unused scripts and request problems fail it at teardown."""
    state = request.config.stash[STATE]
    plan = _plan(request)
    from claude_fake.engine import FakeClaude

    fake = FakeClaude(config=plan.config)
    state.tally.tests += 1
    state.tally.forced_off += plan.recording_forced_off
    request.node.stash[ENGINE] = fake
    yield fake
    del request.node.stash[ENGINE]  # items live all session; their engines need not
    _tally(fake, state.tally)
    if plan.config.assert_all_used and not request.node.stash.get(CALL_DID_NOT_PASS, False):
        message = teardown_message(fake.unused(), list(fake.problems))
        if message:
            pytest.fail(message, pytrace=False)


def _tally(fake: FakeClaude, tally: Tally) -> None:
    tally.sources.update(fake.stats)
    source = fake.opened_cassette  # only a cassette this test actually opened
    if source is not None:
        tally.written += bool(source.written)
    fake.close()


def _live(request: pytest.FixtureRequest) -> dict[str, str] | None:
    """Client options for the live API when this test runs live, else None."""
    settings = request.config.stash[STATE].settings
    if not settings.live or request.node.get_closest_marker("claude_live") is None:
        return None
    from claude_fake.config import FakeConfig

    key = os.environ.get("ANTHROPIC_API_KEY", "")
    return {"api_key": key, "base_url": settings.upstream or FakeConfig().upstream}


@pytest.fixture
def claude_client(
    request: pytest.FixtureRequest, claude_fake: FakeClaude
) -> Iterator[anthropic.Anthropic]:
    """An ``anthropic.Anthropic`` wired to ``claude_fake`` in-process (live: the real API)."""
    live = _live(request)
    if live is None:
        client = claude_fake.client()
    else:
        import anthropic

        client = anthropic.Anthropic(**live)  # type: ignore[arg-type]
    with client:
        yield client


@pytest.fixture
def claude_async_client(
    request: pytest.FixtureRequest, claude_fake: FakeClaude
) -> anthropic.AsyncAnthropic:
    """An ``anthropic.AsyncAnthropic`` wired to ``claude_fake`` in-process (live: the real API)."""
    live = _live(request)
    if live is None:
        return claude_fake.async_client()
    import anthropic

    return anthropic.AsyncAnthropic(**live)  # type: ignore[arg-type]


@pytest.fixture(scope="session")
def _claude_hub() -> Iterator[tuple[Hub, str]]:
    """One loopback server per session (per xdist worker); each test mounts its engine on it."""
    from claude_fake.faces.server import Hub, running_server

    hub = Hub()
    with running_server(None, hub=hub) as url:
        yield hub, url


@pytest.fixture
def claude_server(request: pytest.FixtureRequest, claude_fake: FakeClaude) -> Iterator[str]:
    """The base URL of ``claude_fake`` on the session's loopback server (the live API when live)."""
    live = _live(request)
    if live is not None:
        yield live["base_url"]
        return
    hub, url = request.getfixturevalue("_claude_hub")
    prefix = hub.mount(claude_fake)
    yield url + prefix
    hub.unmount(prefix)


@pytest.fixture
def claude_env(
    request: pytest.FixtureRequest, claude_server: str, monkeypatch: pytest.MonkeyPatch
) -> dict[str, str]:
    """Point ``ANTHROPIC_BASE_URL`` and ``ANTHROPIC_API_KEY`` at ``claude_server``; returns them."""
    from claude_fake.engine import FAKE_KEY

    live = _live(request)
    env = {
        "ANTHROPIC_BASE_URL": claude_server,
        "ANTHROPIC_API_KEY": live["api_key"] if live else FAKE_KEY,
    }
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("ANTHROPIC_AUTH_TOKEN", raising=False)
    return env
