"""``make bench``: every benchmark figure in one process tree, a table of medians, ratios and
PASS/FAIL per target, and a JSON copy in ``benchmarks/results/latest.json``.

Usage: ``.venv/bin/python benchmarks/run.py [--quick] [--no-peers] [--only GROUP ...]``.
Peers are installed once from PyPI into ``benchmarks/.venv-peers`` (see ``peers.py``).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import _targets  # noqa: E402
import peers  # noqa: E402

ROOT = HERE.parent
RESULTS = HERE / "results" / "latest.json"
GROUPS = ("inprocess", "pertest", "server", "loopback", "startup", "memory", "peers", "scripts")
OWN = {  # group -> script printing one JSON line of figures with --json
    "inprocess": "bench_inprocess.py",
    "pertest": "bench_pertest.py",
    "server": "bench_server.py",
    "loopback": "bench_loopback.py",
    "startup": "bench_startup.py",
    "memory": "bench_memory.py",
}
SCRIPTS = (
    "bench_cassette.py",
    "bench_stateful.py",
    "bench_providers.py",
    "bench_load.py",
)  # written beside ours; run when present
_LINE = re.compile(r"^\s*(?P<label>[^:]+?)\s*:\s*(?P<value>-?[\d.,]+)\s*(?P<unit>[A-Za-zµ/%]*)")


def log(text: str) -> None:
    sys.stderr.write(f"[bench] {text}\n")
    sys.stderr.flush()


def machine() -> dict[str, Any]:
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    import anthropic

    return {
        "nproc": os.cpu_count(),
        "cpu": cpu,
        "python": platform.python_version(),
        "anthropic": anthropic.__version__,
        "platform": platform.platform(),
        "load_before": os.getloadavg()[0],
    }


def run_json(argv: list[str], timeout: float) -> tuple[list[dict[str, Any]], str | None]:
    """Run one benchmark script; its figures, or why there are none."""
    start = time.perf_counter()
    try:
        done = subprocess.run(argv, cwd=ROOT, capture_output=True, timeout=timeout, text=True)
    except subprocess.TimeoutExpired:
        return [], f"{Path(argv[1]).name}: timed out after {timeout:.0f} s"
    log(f"{Path(argv[1]).name}: {time.perf_counter() - start:.1f} s")
    lines = [line for line in done.stdout.splitlines() if line.strip()]
    if done.returncode != 0 or not lines:
        return [], f"{Path(argv[1]).name} failed ({done.returncode}): {done.stderr[-600:]}"
    return json.loads(lines[-1]), None


def run_script(name: str) -> tuple[list[dict[str, Any]], str | None]:
    """A benchmark written by another part of the project: JSON if it offers ``--json``, else
    its printed ``label: value unit`` lines; its exit code is its own verdict."""
    path = HERE / name
    source = path.read_text()
    argv = [sys.executable, str(path)] + (["--json"] if "--json" in source else [])
    try:
        done = subprocess.run(argv, cwd=ROOT, capture_output=True, timeout=300, text=True)
    except subprocess.TimeoutExpired:
        return [], f"{name}: timed out after 300 s"
    stem = name.removeprefix("bench_").removesuffix(".py")
    figures = _parse_script(stem, done.stdout)
    figures.append(
        {
            "name": f"{stem}.exit",
            "value": float(done.returncode),
            "unit": "",
            "label": f"{name} exit code",
            "script": name,
        }
    )
    note = (
        None if done.returncode == 0 else f"{name} exited {done.returncode}: {done.stderr[-400:]}"
    )
    return figures, note


def _parse_script(stem: str, out: str) -> list[dict[str, Any]]:
    lines = [line for line in out.splitlines() if line.strip()]
    if lines:
        try:
            data = json.loads(lines[-1])
        except ValueError:
            data = None
        if isinstance(data, list):
            return [{**f, "name": f"{stem}.{f.get('name', i)}"} for i, f in enumerate(data)]
    figures = []
    for line in lines:
        match = _LINE.match(line)
        if match:
            label = match["label"]
            slug = re.sub(r"[^a-z0-9]+", "_", label.lower()).strip("_")
            value = float(match["value"].replace(",", ""))
            figures.append(
                {
                    "name": f"{stem}.{slug}",
                    "value": value,
                    "unit": match["unit"],
                    "label": f"{stem}: {label}",
                }
            )
    return figures


def peer_fixture(folder: Path) -> Path:
    """The bytes claude-fake answers (JSON and the 1,000-delta SSE), for the in-process peers."""
    import _payloads as P
    from bench_inprocess import canned, scripted

    args = P.create_args()
    fixture: dict[str, Any] = {"args": args}
    for kind, text, stream in (("json", P.SHORT_REPLY, False), ("sse", P.long_text(), True)):
        fake, _ = scripted(text)
        headers, body = canned(fake, {**args, "stream": stream})
        fixture[f"{kind}_headers"], fixture[f"{kind}_body"] = headers, body.decode()
    path = folder / "fixture.json"
    path.write_text(json.dumps(fixture))
    return path


def collect(
    groups: list[str], quick: bool, with_peers: bool
) -> tuple[list[dict[str, Any]], list[str]]:
    figures: list[dict[str, Any]] = []
    notes: list[str] = []
    flags = ["--json"] + (["--quick"] if quick else [])
    for group in groups:
        found: list[dict[str, Any]] = []
        note: str | None = None
        if group in OWN:
            extra = ["--no-peers"] if group == "loopback" and not with_peers else []
            found, note = run_json([sys.executable, str(HERE / OWN[group]), *flags, *extra], 600)
        elif group == "peers" and with_peers:
            with tempfile.TemporaryDirectory() as tmp:
                argv = [
                    peers.python(),
                    str(HERE / "peer_inprocess.py"),
                    str(peer_fixture(Path(tmp))),
                ]
                found, note = run_json(argv + (["--quick"] if quick else []), 600)
        elif group == "scripts":
            for name in SCRIPTS:
                if (HERE / name).exists():
                    more, more_note = run_script(name)
                    found += more
                    notes += [more_note] if more_note else []
                else:
                    notes.append(f"{name} not present: its figures are missing")
        figures += found
        notes += [note] if note else []
    return figures, notes


def _number(value: Any, unit: str) -> str:
    if not isinstance(value, int | float):
        return "n/a"
    digits = 0 if abs(value) >= 1000 else 3 if abs(value) < 10 else 1
    return f"{value:,.{digits}f} {unit}".rstrip()


def table(figures: list[dict[str, Any]], verdicts: list[dict[str, Any]], notes: list[str]) -> str:
    rows = [f"{'figure':<66} {'median':>16}  ratio", "-" * 94]
    for fig in figures:
        ratio = fig.get("ratio")
        shown = (
            f"{ratio:.2f}x {fig.get('ratio_of', '')}".rstrip() if isinstance(ratio, float) else ""
        )
        rows.append(f"{fig['label'][:66]:<66} {_number(fig['value'], fig['unit']):>16}  {shown}")
    rows += ["", f"{'target':<52} {'result':<6} {'measured':>10}  basis", "-" * 94]
    for verdict in verdicts:
        result = _targets.result(verdict)
        rows.append(
            f"{verdict['target']:<52} {result:<6} {verdict['shown']:>10}  {verdict['basis']}"
        )
    rows += [f"note: {note.strip()}" for note in notes]
    return "\n".join(rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="fewer rounds: a smoke run")
    parser.add_argument("--no-peers", action="store_true", help="skip installing/running peers")
    parser.add_argument("--only", nargs="+", choices=GROUPS, help="run only these groups")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    info = machine()
    subprocess.run(
        [sys.executable, "-m", "compileall", "-q", str(ROOT / "claude_fake")],
        check=False,
        stdout=subprocess.DEVNULL,
    )  # as installed from a wheel
    problem = None if args.no_peers else peers.ensure_venv(log)
    with_peers = not args.no_peers and problem is None
    figures, notes = collect(list(args.only or GROUPS), args.quick, with_peers)
    notes = ([problem] if problem else []) + notes
    verdicts = _targets.judge({f["name"]: f for f in figures})
    info["load_after"] = os.getloadavg()[0]
    sys.stdout.write(table(figures, verdicts, notes) + "\n")
    seconds = time.perf_counter() - started
    sys.stdout.write(
        f"\n{len(figures)} figures in {seconds:.0f} s on {info['nproc']} x "
        f"{info['cpu']}, Python {info['python']}, anthropic {info['anthropic']}; "
        f"load average {info['load_before']:.1f} -> {info['load_after']:.1f}\n"
    )
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(
        json.dumps(
            {
                "when": datetime.now(timezone.utc).isoformat(timespec="seconds"),
                "command": " ".join(
                    ["benchmarks/run.py", *(argv if argv is not None else sys.argv[1:])]
                ),
                "seconds": round(seconds, 1),
                "machine": info,
                "figures": figures,
                "targets": verdicts,
                "notes": notes,
            },
            indent=1,
        )
        + "\n"
    )
    return 1 if any(v["pass"] is False for v in verdicts) else 0


if __name__ == "__main__":
    raise SystemExit(main())
