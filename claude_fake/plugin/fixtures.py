"""The plugin's fixtures; ``pytest_plugin`` (the ``pytest11`` entry point) exposes them.

Importing this is cheap: the engine, the SDK, the server and the cassette code load inside the
fixtures that need them.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

import pytest

from claude_fake.errors import ConfigError
from claude_fake.plugin import settings as pc
from claude_fake.plugin.network import check_reachable
from claude_fake.plugin.report import Tally, teardown_message

if TYPE_CHECKING:
    import anthropic

    from claude_fake.engine import FakeClaude
    from claude_fake.faces.server import Hub


@dataclass(slots=True)
class State:
    """The session's settings and the tally for the summary line."""

    settings: pc.SessionSettings
    tally: Tally


STATE = pytest.StashKey[State]()
CALL_DID_NOT_PASS = pytest.StashKey[bool]()
ENGINE = pytest.StashKey["FakeClaude"]()


def _test_id(request: pytest.FixtureRequest) -> pc.TestId:
    node = request.node
    name = f"{request.cls.__name__}.{node.name}" if request.cls else node.name
    return pc.TestId(nodeid=node.nodeid, folder=node.path.parent, module=node.path.stem, name=name)


def _fail(exc: ConfigError) -> NoReturn:
    __tracebackhide__ = True
    pytest.fail(str(exc), pytrace=False)


def _plan(request: pytest.FixtureRequest, config_fixture: object) -> pc.TestPlan:
    node = request.node
    cassette_marks = [(m.args, m.kwargs) for m in node.iter_markers("claude_cassette")]
    where = None
    if cassette_marks:
        folder = request.getfixturevalue("claude_cassette_dir")
        name = request.getfixturevalue("claude_cassette_name")
        where = pc.CassetteName(folder=Path(folder), name=str(name))
    try:
        return pc.plan_test(
            request.config.stash[STATE].settings,
            _test_id(request),
            fake_marks=[(m.args, m.kwargs) for m in node.iter_markers("claude_fake")],
            cassette_marks=cassette_marks or None,
            config_fixture=config_fixture,  # type: ignore[arg-type]  # checked in plan_test
            cassette_name=where,
        )
    except ConfigError as exc:
        problem = exc
    _fail(problem)  # outside the except: no "During handling" chain in the report


@pytest.fixture(scope="module")
def claude_config() -> dict[str, Any]:
    """``FakeClaude`` settings for the tests in its scope (as pytest-recording's ``vcr_config``):
    override it in a conftest, module or class. Markers and the command line win over it."""
    return {}


@pytest.fixture
def claude_cassette_dir(request: pytest.FixtureRequest) -> Path:
    """The folder of this test's cassette: ``<--claude-cassette-dir or cassettes/ beside the
    test file>/<module>`` (pytest-recording's ``vcr_cassette_dir``); override it to move them."""
    settings = request.config.stash[STATE].settings
    return pc.default_name(settings, _test_id(request)).folder


@pytest.fixture
def claude_cassette_name(request: pytest.FixtureRequest) -> str:
    """This test's cassette file name without ``.yaml``: ``Class.test``, made safe for the file
    system (pytest-recording's ``default_cassette_name``)."""
    settings = request.config.stash[STATE].settings
    return pc.default_name(settings, _test_id(request)).name


@pytest.fixture
def claude_fake(
    request: pytest.FixtureRequest, claude_config: dict[str, Any]
) -> Iterator[FakeClaude]:
    """This test's FakeClaude; unused scripts and request problems fail it at teardown."""
    state = request.config.stash[STATE]
    plan = _plan(request, claude_config)
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
    problem: ConfigError | None = None
    try:
        check_reachable(url)
    except ConfigError as exc:
        problem = exc
    if problem is not None:
        _fail(problem)
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


@pytest.fixture(autouse=True)
def _claude_cassette_marker(request: pytest.FixtureRequest) -> None:
    """The ``claude_cassette`` marker alone is enough: code that builds its own
    ``anthropic.Anthropic()`` in a marked test is served by the test's engine (through
    ``ANTHROPIC_BASE_URL``; a placeholder key when none is set, so CI runs keyless)."""
    if request.node.get_closest_marker("claude_cassette") is None or _live(request) is not None:
        return
    if "block_network" in request.fixturenames:  # pytest-recording's guard goes up first
        request.getfixturevalue("block_network")
    request.getfixturevalue("claude_fake")  # built first: it keeps the real key for recording
    url = request.getfixturevalue("claude_server")
    monkeypatch: pytest.MonkeyPatch = request.getfixturevalue("monkeypatch")
    monkeypatch.setenv("ANTHROPIC_BASE_URL", url)
    if not os.environ.get("ANTHROPIC_API_KEY") and not os.environ.get("ANTHROPIC_AUTH_TOKEN"):
        from claude_fake.engine import FAKE_KEY

        monkeypatch.setenv("ANTHROPIC_API_KEY", FAKE_KEY)
