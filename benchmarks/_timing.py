"""Timing helpers shared by the benchmark scripts: interleaved batches, medians, figure records.

Every comparison is measured interleaved (A, B, A, B, ...) in small batches, so a burst of load
from another process hits both sides alike; a ratio is the median of the per-round ratios.
"""

from __future__ import annotations

import argparse
import gc
import json
import statistics
import sys
import time
from collections.abc import Callable, Mapping
from typing import Any

Figure = dict[str, Any]


def figure(name: str, value: float | None, unit: str, label: str, **extra: Any) -> Figure:
    """One measured figure, as it goes into the JSON copy of the results."""
    return {"name": name, "value": value, "unit": unit, "label": label, **extra}


def interleaved(
    cases: Mapping[str, Callable[[], object]],
    *,
    batch: int,
    rounds: int,
    warmup: int = 3,
    after_round: Callable[[], object] | None = None,
) -> dict[str, list[float]]:
    """Seconds per call of each case, one entry per round (a batch mean), cases interleaved."""
    for fn in cases.values():
        for _ in range(warmup):
            fn()
    names = list(cases)
    out: dict[str, list[float]] = {name: [] for name in names}
    for round_no in range(rounds):
        shift = round_no % len(names)
        for name in names[shift:] + names[:shift]:
            fn = cases[name]
            gc.collect(0)
            start = time.perf_counter()
            for _ in range(batch):
                fn()
            out[name].append((time.perf_counter() - start) / batch)
        if after_round is not None:
            after_round()
    return out


def median(values: list[float]) -> float:
    """The median (0.0 for no values)."""
    return statistics.median(values) if values else 0.0


def ratio(top: list[float], bottom: list[float]) -> float:
    """Median of the per-round ratios ``top[i] / bottom[i]``."""
    return statistics.median(a / b for a, b in zip(top, bottom, strict=True) if b > 0)


def emit(figures: list[Figure], as_json: bool) -> None:
    """Print the figures: one JSON line for the runner, or a readable list."""
    if as_json:
        sys.stdout.write(json.dumps(figures) + "\n")
        return
    for item in figures:
        value = item["value"]
        shown = "n/a" if value is None else f"{value:,.3f}"
        extra = f"  ({item['ratio']:.2f}x)" if item.get("ratio") is not None else ""
        sys.stdout.write(f"{item['label']:<62} {shown:>12} {item['unit']}{extra}\n")


def runner_parser(doc: str, quick: str = "fewer rounds (a smoke run)") -> argparse.ArgumentParser:
    """The flags every figure script shares: ``--json`` (one line for ``run.py``) and ``--quick``
    (``quick`` says what it makes smaller); a script adds its own before parsing."""
    parser = argparse.ArgumentParser(description=doc)
    parser.add_argument("--json", action="store_true", help="one JSON line for benchmarks/run.py")
    parser.add_argument("--quick", action="store_true", help=quick)
    return parser


def ratio_script(
    doc: str, figures: Callable[[int], list[Figure]], target: float, rounds: int
) -> int:
    """``main()`` of a script whose last figure is a ratio judged against ``target``: its flags
    (``--rounds``, ``--json`` for the runner, ``--check``), the figures, the exit code."""
    parser = argparse.ArgumentParser(description=doc.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=rounds)
    parser.add_argument("--json", action="store_true", help="one JSON line for the runner")
    parser.add_argument("--check", action="store_true", help=f"exit 1 when the ratio > {target}")
    args = parser.parse_args()
    results = figures(args.rounds)
    emit(results, args.json)
    return 1 if args.check and results[-1]["value"] > target else 0
