"""What a test that uses the plugin costs, as pytest sees it: set-up + call + teardown of tiny tests
(``claude_client`` and one ``messages.create``) against as many empty tests, in one pytest run.

Three kinds of test are interleaved in one file (empty, generated, scripted), so a burst of load
from another process hits all alike; pytest's own report durations (set-up, call and teardown
phases) are summed per test. The figure is (tiny - empty) / tests, per test, in milliseconds.
Run alone: ``.venv/bin/python benchmarks/bench_pertest.py``.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _timing import Figure, emit, figure, median

PLUGIN = "claude_fake.pytest_plugin"
KINDS = ("empty", "generated", "scripted")
WARM = 5
TESTS = """
import pytest

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


def pertest_figures(rounds: int, count: int) -> list[Figure]:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        (folder / "test_tiny.py").write_text(TESTS % {"count": count})
        (folder / "conftest.py").write_text(CONFTEST)
        runs = [one_run(folder, count) for _ in range(rounds)]
    added = {kind: median([run[kind] - run["empty"] for run in runs]) * 1e3 for kind in KINDS[1:]}
    empty = median([run["empty"] for run in runs]) * 1e3
    return [
        figure("pertest.empty", empty, "ms", "pytest: an empty test (set-up + call + teardown)"),
        figure(
            "pertest.generated",
            added["generated"],
            "ms",
            "per-test cost: claude_client + one create (generator)",
        ),
        figure(
            "pertest.scripted",
            added["scripted"],
            "ms",
            "per-test cost: reply() + claude_client + one create",
        ),
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--json", action="store_true", help="one JSON line for benchmarks/run.py")
    parser.add_argument("--quick", action="store_true", help="fewer rounds (a smoke run)")
    args = parser.parse_args(argv)
    emit(pertest_figures(2 if args.quick else 5, 200), args.json)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
