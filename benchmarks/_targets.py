"""The performance targets (issue 8, with the foundation's, validation's and cassettes'), judged
on the figures of one run. A target whose figures are missing is reported as n/a, never PASS.

Rows marked ``info`` are no targets: they put the loopback targets beside the loopback floor (a
server doing no work, measured in the same run), and never pass or fail."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

Figures = Mapping[str, dict[str, Any]]
Verdict = dict[str, Any]


def _value(figs: Figures, name: str, key: str = "value") -> float | None:
    found = figs.get(name)
    value = found.get(key) if found else None
    return float(value) if isinstance(value, int | float) else None


def _peer_figures(figs: Figures, kind: str) -> list[dict[str, Any]]:
    """The loopback peers' figures of one kind (never claude-fake's nor the floor's)."""
    return [
        f
        for f in figs.values()
        if f.get("face") == "server"
        and f.get("peer")
        and not f.get("floor")
        and f.get("kind") == kind
        and isinstance(f.get("value"), int | float)
    ]


def _fastest_peer(figs: Figures, kind: str) -> tuple[str, float] | None:
    peers = [(f["peer"], float(f["value"])) for f in _peer_figures(figs, kind)]
    return min(peers, key=lambda p: p[1]) if peers else None


def result(verdict: Verdict) -> str:
    """PASS, FAIL, n/a (figures missing), or info (a row beside a target, never judged)."""
    if verdict.get("info") and verdict["value"] is not None:
        return "info"
    return {True: "PASS", False: "FAIL", None: "n/a"}[verdict["pass"]]


def _verdict(label: str, value: float | None, limit: float, shown: str, basis: str) -> Verdict:
    ok = None if value is None else value <= limit
    return {
        "target": label,
        "value": value,
        "limit": limit,
        "shown": shown,
        "basis": basis,
        "pass": ok,
    }


def _info(label: str, value: float | None, basis: str) -> Verdict:
    """A row that is no target: shown beside the targets, never PASS nor FAIL."""
    shown = "n/a" if value is None else f"{value:.2f}x"
    return {**_verdict(label, value, 0.0, shown, basis), "limit": None, "pass": None, "info": True}


def _ratio(label: str, figs: Figures, name: str, limit: float, basis: str) -> Verdict:
    value = _value(figs, name, "ratio")
    shown = "n/a" if value is None else f"{value:.2f}x"
    return _verdict(label, value, limit, shown, basis)


def _against_peers(label: str, figs: Figures, kind: str, fallback: str) -> Verdict:
    ours = _value(figs, f"server.{kind}")
    fastest = _fastest_peer(figs, kind)
    if ours is None or fastest is None:
        return _ratio(
            label + " (no peer: ≤ 2x in-process)", figs, fallback, 2.0, "fake.serve() / in-process"
        )
    value = ours / fastest[1]
    return _verdict(label, value, 0.7, f"{value:.2f}x", f"claude-fake serve / {fastest[0]}")


def _against_floor(figs: Figures, kind: str) -> list[Verdict]:
    """claude-fake serve / the floor, and whether 0.7x the fastest peer is under the floor."""
    ours = _value(figs, f"server.{kind}", "ratio")
    rows = [
        _info(
            f"server {kind} vs loopback floor",
            ours,
            "claude-fake serve / canned bytes (asyncio), same client, per round",
        )
    ]
    fastest = _fastest_peer(figs, kind)
    peer = next((f for f in _peer_figures(figs, kind) if fastest and f["peer"] == fastest[0]), None)
    to_floor = peer.get("ratio") if peer else None  # the peer / the floor, per round
    floor = 1 / to_floor if isinstance(to_floor, int | float) and to_floor > 0 else None
    if floor is None or fastest is None:
        basis = "loopback floor / fastest peer (needs both, measured in the same run)"
    elif floor > 0.7:
        basis = (
            f"loopback floor / {fastest[0]}: 0.7x {fastest[0]} is BELOW the floor, "
            "which no server reaches with this client"
        )
    else:
        basis = f"loopback floor / {fastest[0]}: 0.7x {fastest[0]} is above the floor"
    rows.append(_info(f"  0.7x fastest peer vs loopback floor ({kind})", floor, basis))
    return rows


def loopback(figs: Figures) -> list[Verdict]:
    """The loopback targets of issue 8, each followed by its rows against the floor."""
    out: list[Verdict] = []
    for kind in ("create", "stream"):
        label = f"server {kind} ≤ 0.7x fastest LLM-fake peer"
        out.append(_against_peers(label, figs, kind, f"serve.{kind}"))
        out += _against_floor(figs, kind)
    return out


def _start(figs: Figures) -> list[Verdict]:
    models = _value(figs, "start.models")
    out = [
        _verdict(
            "start to first answer < 0.2 s",
            models,
            0.2,
            "n/a" if models is None else f"{models:.3f} s",
            "GET /v1/models",
        )
    ]
    ours, fastest = _value(figs, "start.messages"), _fastest_peer(figs, "start")
    if ours is not None and fastest is not None:
        value = ours / fastest[1]
        out.append(
            _verdict(
                "start ≤ half the fastest peer's",
                value,
                0.5,
                f"{value:.2f}x",
                f"first POST /v1/messages, vs {fastest[0]}; each started with its text",
            )
        )
    beside = (
        ("start.uvicorn_floor", "bare uvicorn app", "an ASGI app that only answers, under uvicorn"),
        ("start.generated", "start with the generator", "no --reply: the first POST loads Faker"),
    )
    for name, label, what in beside:
        value = _value(figs, name)
        if value is not None and fastest is not None:
            basis = f"{what}; vs {fastest[0]}"
            out.append(_info(f"  {label} vs the fastest peer", value / fastest[1], basis))
    return out


def _concurrency(figs: Figures) -> list[Verdict]:
    errors = _value(figs, "concurrent.errors")
    return [
        _verdict(
            "64 concurrent streams: no error",
            errors,
            0.0,
            "n/a" if errors is None else f"{errors:.0f} errors",
            "failed or cut streams",
        ),
        _ratio(
            "64 concurrent streams: slowest ≤ 3x median",
            figs,
            "concurrent.slowest",
            3.0,
            "slowest / median stream",
        ),
    ]


def _cassette(figs: Figures) -> list[Verdict]:
    out: list[Verdict] = []
    for name, fig in figs.items():
        if not name.startswith("cassette."):
            continue
        words = f"{name} {fig.get('label', '')}".lower()
        value = fig.get("value")
        if not isinstance(value, int | float):
            continue
        if "ratio" in words:
            out.append(
                _verdict(
                    "replay independent of cassette size (≤ 1.2x)",
                    value,
                    1.2,
                    f"{value:.2f}x",
                    "10,000 vs 10 interactions, per request",
                )
            )
        elif "load" in words and fig.get("unit") == "s":
            out.append(
                _verdict(
                    "10,000-interaction cassette loads < 2 s",
                    value,
                    2.0,
                    f"{value:.2f} s",
                    "bench_cassette.py",
                )
            )
    return out


def _scripts(figs: Figures) -> list[Verdict]:
    return [
        _verdict(
            f"{f['script']} budgets",
            f["value"],
            0.0,
            f"exit {f['value']:.0f}",
            "the script's own checks",
        )
        for name, f in figs.items()
        if name.endswith(".exit") and "script" in f
    ]


def _inprocess(figs: Figures) -> list[Verdict]:
    """Issue 21: create on both paths at most 1.2x the SDK floor, the stream at most 1.1x."""
    return [
        _ratio(
            "in-process create ≤ 1.2x SDK floor (scripted)",
            figs,
            "inproc.create",
            1.2,
            "scripted reply / MockTransport",
        ),
        _ratio(
            "in-process create ≤ 1.2x SDK floor (generated)",
            figs,
            "inproc.create_generated",
            1.2,
            "generator / MockTransport",
        ),
        _ratio(
            "in-process 1,000-delta stream ≤ 1.1x floor",
            figs,
            "inproc.stream",
            1.1,
            "messages.stream() / canned SSE",
        ),
    ]


def _pertest(figs: Figures) -> list[Verdict]:
    """Issue 21: what a test with ``claude_client`` and one create adds, as pytest times it."""
    out = []
    for kind in ("generated", "scripted"):
        value = _value(figs, f"pertest.{kind}")
        out.append(
            _verdict(
                f"per test (fixture + one create, {kind}) < 0.8 ms",
                value,
                0.8,
                "n/a" if value is None else f"{value:.2f} ms",
                "set-up + call + teardown - an empty test's, 200 of each",
            )
        )
    floor = _value(figs, "pertest.floor")
    shown = "n/a" if floor is None else f"{floor:.2f} ms"
    basis = "a fixture with an SDK client on MockTransport + one create: below it, none can go"
    alone = _verdict("per test, the SDK alone", floor, 0.0, shown, basis)
    out.append({**alone, "limit": None, "pass": None, "info": True})
    for kind in ("generated", "scripted"):
        out.append(
            _info(
                f"per test ({kind}) / the SDK alone",
                _value(figs, f"pertest.{kind}", "ratio"),
                "same run, same pytest, interleaved",
            )
        )
    return out


def _loopback_floor(figs: Figures) -> list[Verdict]:
    """Issue 21: a loopback create at most 1.3x the do-nothing floor server."""
    return [
        _ratio(
            "server create ≤ 1.3x the loopback floor",
            figs,
            "server.create",
            1.3,
            "claude-fake serve / canned bytes (asyncio), same client, per round",
        )
    ]


RULES: tuple[Callable[[Figures], list[Verdict]], ...] = (
    _inprocess,
    _pertest,
    _loopback_floor,
    loopback,
    lambda f: [
        _ratio(
            "fake.serve() create ≤ 2x in-process", f, "serve.create", 2.0, "same process as the SDK"
        ),
        _ratio(
            "fake.serve() stream ≤ 2x in-process", f, "serve.stream", 2.0, "same process as the SDK"
        ),
    ],
    _start,
    lambda f: [
        _verdict(
            "plugin adds < 30 ms to pytest start-up",
            _value(f, "pytest.added_cpu"),
            30.0,
            "n/a"
            if _value(f, "pytest.added_cpu") is None
            else f"{_value(f, 'pytest.added_cpu'):.0f} ms",
            "CPU time",
        )
    ],
    _concurrency,
    lambda f: [
        _ratio(
            "validation adds ≤ 20% to create",
            f,
            "inproc.create_50msg_strict",
            1.2,
            "strict / off, 50 messages + 10 tools",
        )
    ],
    _cassette,
    _scripts,
)


def judge(figs: Figures) -> list[Verdict]:
    """Every target's verdict on these figures."""
    return [verdict for rule in RULES for verdict in rule(figs)]
