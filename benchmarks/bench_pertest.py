"""What a test that uses the plugin costs, as pytest sees it: set-up + call + teardown of tiny tests
(``claude_client`` and one ``messages.create``) against as many empty tests, in one pytest run.

Four kinds of test are interleaved in one file (empty, generated, scripted, floor), so a burst of
load from another process hits all alike; pytest's own report durations (set-up, call and
teardown phases) are summed per test. The figure is (tiny - empty) / tests, per test, in
milliseconds. The floor is what the SDK itself costs in a test: a fixture yielding an
``anthropic.Anthropic`` on ``httpx2.MockTransport`` that returns the fake's canned bytes, and one
create; no in-process fake can cost a test less.
Run alone: ``.venv/bin/python benchmarks/bench_pertest.py``.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _timing import Figure, emit, figure, median, runner_parser

PLUGIN = "claude_fake.pytest_plugin"
KINDS = ("empty", "generated", "scripted", "floor")
FAKES = ("generated", "scripted")
WARM = 5
TESTS = """
import json
from pathlib import Path

import anthropic
import pytest

from claude_fake.wire.http import http_module

HTTP = http_module()
CANNED = json.loads((Path(__file__).parent / "canned.json").read_text())

ARGS = {"model": "claude-sonnet-4-6", "max_tokens": 64,
        "messages": [{"role": "user", "content": "Hello"}]}


@pytest.mark.parametrize("n", range(%(count)d))
def test_empty(n):
    pass


@pytest.mark.parametrize("n", range(%(count)d))
def test_generated(n, claude_client):
    claude_client.messages.create(**ARGS)


@pytest.mark.parametrize("n", range(%(count)d))
def test_scripted(n, claude_fake, claude_client):
    claude_fake.reply("Hi there!")
    claude_client.messages.create(**ARGS)


@pytest.fixture
def floor_client():
    body, headers = CANNED["body"].encode(), CANNED["headers"]
    answer = lambda request: HTTP.Response(200, headers=headers, content=body)
    transport = HTTP.MockTransport(answer)
    with anthropic.Anthropic(api_key="k", http_client=HTTP.Client(transport=transport)) as client:
        yield client


@pytest.mark.parametrize("n", range(%(count)d))
def test_floor(n, floor_client):
    floor_client.messages.create(**ARGS)
"""
CONFTEST = """
import json, os
from collections import defaultdict

DURATIONS = defaultdict(lambda: defaultdict(float))  # kind -> test -> seconds


def pytest_collection_modifyitems(items):
    # interleave the kinds: empty 0, generated 0, scripted 0, empty 1, ...
    by_kind = defaultdict(list)
    for item in items:
        by_kind[item.originalname].append(item)
    items[:] = [i for trio in zip(*by_kind.values()) for i in trio]


def pytest_runtest_logreport(report):
    kind = report.nodeid.split("::")[1].split("[")[0].removeprefix("test_")
    DURATIONS[kind][report.nodeid] += report.duration


def pytest_sessionfinish(session):
    with open(os.environ["PERTEST_OUT"], "w") as out:
        json.dump({kind: list(tests.values()) for kind, tests in DURATIONS.items()}, out)
"""


def one_run(folder: Path, count: int) -> dict[str, float]:
    """Seconds per test of each kind (set-up, call and teardown), the mean over the tests after
    the first ``WARM`` of each kind: one-time costs (imports, the generator's first load) are
    start-up's, measured by bench_startup.py."""
    out = folder / "totals.json"
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST_")}
    env |= {"PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1", "PERTEST_OUT": str(out)}
    argv = [sys.executable, "-m", "pytest", "-q", "-p", PLUGIN, "-p", "no:cacheprovider"]
    done = subprocess.run(argv, cwd=folder, env=env, capture_output=True, timeout=300, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"pytest failed: {done.stdout[-800:]}{done.stderr[-800:]}")
    durations = json.loads(out.read_text())
    return {kind: sum(durations[kind][WARM:]) / (count - WARM) for kind in KINDS}


def _canned() -> dict[str, Any]:
    """The headers and body the fake answers the tests' request with (the floor's answer)."""
    from claude_fake import FakeClaude
    from claude_fake.model import FakeRequest

    fake = FakeClaude(seed=0)
    fake.reply("Hi there!")
    args = {
        "model": "claude-sonnet-4-6",
        "max_tokens": 64,
        "messages": [{"role": "user", "content": "Hello"}],
    }
    headers = {
        "anthropic-version": "2023-06-01",
        "x-api-key": "k",
        "content-type": "application/json",
    }
    raw = json.dumps(args).encode()
    answer = fake.handle(FakeRequest(method="POST", path="/v1/messages", headers=headers, raw=raw))
    return {"headers": dict(answer.headers), "body": answer.body.decode()}


def pertest_figures(rounds: int, count: int) -> list[Figure]:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        (folder / "test_tiny.py").write_text(TESTS % {"count": count})
        (folder / "conftest.py").write_text(CONFTEST)
        (folder / "canned.json").write_text(json.dumps(_canned()))
        runs = [one_run(folder, count) for _ in range(rounds)]
    added = {kind: median([run[kind] - run["empty"] for run in runs]) * 1e3 for kind in KINDS[1:]}
    empty = median([run["empty"] for run in runs]) * 1e3
    over = {
        kind: median([(run[kind] - run["empty"]) / (run["floor"] - run["empty"]) for run in runs])
        for kind in FAKES
    }
    return [
        figure("pertest.empty", empty, "ms", "pytest: an empty test (set-up + call + teardown)"),
        figure(
            "pertest.floor",
            added["floor"],
            "ms",
            "per-test cost of the SDK alone: client fixture + one create (MockTransport)",
        ),
        figure(
            "pertest.generated",
            added["generated"],
            "ms",
            "per-test cost: claude_client + one create (generator)",
            ratio=over["generated"],
            ratio_of="the SDK alone in a test",
        ),
        figure(
            "pertest.scripted",
            added["scripted"],
            "ms",
            "per-test cost: reply() + claude_client + one create",
            ratio=over["scripted"],
            ratio_of="the SDK alone in a test",
        ),
    ]


def main(argv: list[str] | None = None) -> int:
    parser = runner_parser(__doc__)
    args = parser.parse_args(argv)
    emit(pertest_figures(2 if args.quick else 5, 200), args.json)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
