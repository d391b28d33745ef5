"""What the plugin adds to pytest's start-up: ``pytest --co -q`` in an empty folder with other
plugins' autoloading off (faker's and hypothesis's own plugins cost seconds and would hide ours),
with ``-p claude_fake.pytest_plugin`` and without, interleaved. Both wall time and the CPU time of
the pytest process are reported; CPU time is what the plugin costs, and it does not move with load
from other processes on a shared machine.
Run alone: ``.venv/bin/python benchmarks/bench_startup.py``.
"""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _timing import Figure, emit, figure, median, runner_parser

PLUGIN = "claude_fake.pytest_plugin"


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def collect_once(folder: Path, *extra: str) -> tuple[float, float]:
    """(wall, cpu) seconds of one ``pytest --co -q`` in ``folder``."""
    argv = [sys.executable, "-m", "pytest", "--co", "-q", "-p", "no:cacheprovider", *extra]
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST_")}
    env["PYTEST_DISABLE_PLUGIN_AUTOLOAD"] = "1"
    cpu, start = _children_cpu(), time.perf_counter()
    done = subprocess.run(argv, cwd=folder, env=env, capture_output=True, timeout=120)
    wall = time.perf_counter() - start
    if done.returncode not in (0, 5):  # 5: no tests collected, as expected in an empty folder
        raise RuntimeError(f"pytest failed: {done.stdout.decode()[-400:]}{done.stderr.decode()}")
    return wall, _children_cpu() - cpu


def plugin_figures(rounds: int) -> list[Figure]:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        collect_once(folder)  # warm the file cache
        runs: dict[str, list[tuple[float, float]]] = {"with": [], "without": []}
        for round_no in range(rounds):
            order = ("with", "without") if round_no % 2 else ("without", "with")
            for name in order:
                extra = ("-p", PLUGIN) if name == "with" else ()
                runs[name].append(collect_once(folder, *extra))
    wall = {k: [w for w, _ in v] for k, v in runs.items()}
    cpu = {k: [c for _, c in v] for k, v in runs.items()}
    added_wall = median([a - b for a, b in zip(wall["with"], wall["without"], strict=True)])
    added_cpu = median([a - b for a, b in zip(cpu["with"], cpu["without"], strict=True)])
    return [
        figure(
            "pytest.without", median(wall["without"]) * 1e3, "ms", "pytest --co, no plugins (wall)"
        ),
        figure("pytest.with", median(wall["with"]) * 1e3, "ms", f"pytest --co, -p {PLUGIN} (wall)"),
        figure("pytest.added_wall", added_wall * 1e3, "ms", "plugin adds to start-up (wall)"),
        figure("pytest.added_cpu", added_cpu * 1e3, "ms", "plugin adds to start-up (CPU time)"),
    ]


def main(argv: list[str] | None = None) -> int:
    parser = runner_parser(__doc__)
    args = parser.parse_args(argv)
    emit(plugin_figures(4 if args.quick else 10), args.json)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
