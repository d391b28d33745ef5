"""Cassette files: safe names, safe loading, atomic saving, and vcrpy compatibility."""

from __future__ import annotations

import hashlib
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
import yaml

from claude_fake.errors import CassetteCorrupt
from claude_fake.sources.cassette import format as fmt
from claude_fake.sources.cassette import store, vcr_backend, yamltext

ROOT = Path(__file__).resolve().parents[2]


def interaction(n: int = 0) -> fmt.Interaction:
    return fmt.Interaction(
        request=fmt.RecordedRequest(
            method="POST",
            uri="https://api.anthropic.com/v1/messages",
            headers={"anthropic-version": "2023-06-01"},
            body={"model": "m", "max_tokens": n, "messages": [{"role": "user", "content": "hi"}]},
        ),
        response=fmt.RecordedResponse(
            status=200,
            reason="OK",
            headers={"content-type": "application/json"},
            body={"type": "message", "content": [], "n": n},
        ),
    )


def _h(name: str) -> str:
    return "-" + hashlib.sha256(name.encode()).hexdigest()[:10]


@pytest.mark.parametrize(
    ("module", "test", "expected"),
    [
        ("test_chat", "TestChat.test_greets", "test_chat/TestChat.test_greets.yaml"),
        ("test_chat", "test_x[a_b=1,c+d@e]", "test_chat/test_x[a_b=1,c+d@e].yaml"),
        ("test_chat", "test_x[a:b/c]", f"test_chat/test_x[a_b_c]{_h('test_x[a:b/c]')}.yaml"),
        ("../../etc", "..", f"____etc{_h('../../etc')}/_{_h('..')}.yaml"),
        ("m", "../../../passwd", f"m/______passwd{_h('../../../passwd')}.yaml"),
        ("m", "x y\\z\x00", "m/x_y_z_" + _h("x y\\z\x00") + ".yaml"),
        ("", "", "module/test.yaml"),
    ],
)
def test_cassette_path_is_sanitised(module: str, test: str, expected: str, tmp_path: Path) -> None:
    path = store.cassette_path(tmp_path, module, test)
    assert path.relative_to(tmp_path).as_posix() == expected
    assert tmp_path.resolve() in path.resolve().parents


def test_distinct_test_ids_never_share_a_file(tmp_path: Path) -> None:
    ids = ["test_x[a/b]", "test_x[a..b]", "test_x[a_b]", "test_x[a:b]", "test_x[a b]"]
    paths = {store.cassette_path(tmp_path, "test_m", name) for name in ids}
    assert len(paths) == len(ids)
    assert store.cassette_path(tmp_path, "test_m", "test_x[a_b]").name == "test_x[a_b].yaml"


def test_long_names_are_capped_with_a_hash(tmp_path: Path) -> None:
    a = store.cassette_path(tmp_path, "m", "test_" + "x" * 300 + "[1]")
    b = store.cassette_path(tmp_path, "m", "test_" + "x" * 300 + "[2]")
    assert a != b
    assert len(a.name) <= store.MAX_NAME + len(".yaml")


def test_missing_and_empty_files_load_as_none(tmp_path: Path) -> None:
    assert store.load(tmp_path / "absent.yaml") is None
    (tmp_path / "empty.yaml").write_text("  \n")
    assert store.load(tmp_path / "empty.yaml") is None


@pytest.mark.parametrize(
    "text",
    [
        "interactions: [",
        "just a string",
        "interactions:\n- request: {}\n",
        "{bad json and bad yaml: [",
    ],
)
def test_corrupt_files_raise_cassette_corrupt(text: str, tmp_path: Path) -> None:
    path = tmp_path / "c.yaml"
    path.write_text(text)
    with pytest.raises(CassetteCorrupt, match="cannot read the cassette") as caught:
        store.load(path)
    assert "rewrite" in str(caught.value)


def test_hostile_yaml_never_runs_code(tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    path = tmp_path / "evil.yaml"
    path.write_text(
        textwrap.dedent(
            f"""\
            version: 1
            interactions:
            - request: !!python/object/apply:os.system ["touch {marker}"]
              response: !!python/object/apply:subprocess.check_output [["touch", "{marker}"]]
            """
        )
    )
    with pytest.raises(CassetteCorrupt):
        store.load(path)
    with pytest.raises(yaml.YAMLError):
        yamltext.load_yaml(path.read_text())
    assert not marker.exists()


def test_save_is_atomic_and_keeps_the_mode(tmp_path: Path) -> None:
    path = tmp_path / "deep" / "c.yaml"
    store.save(path, [interaction(1)])
    assert oct(path.stat().st_mode & 0o777) == oct(0o644)
    path.chmod(0o600)
    store.save(path, [interaction(2)])
    assert oct(path.stat().st_mode & 0o777) == oct(0o600)
    assert store.load(path) == [interaction(2)]
    assert sorted(p.name for p in path.parent.iterdir()) == ["c.yaml"]


def test_a_failed_write_leaves_the_old_file_and_no_temp(tmp_path: Path) -> None:
    path = tmp_path / "c.yaml"
    store.save(path, [interaction(1)])
    with pytest.raises(TypeError):
        yamltext.atomic_write(path, object())  # type: ignore[arg-type]
    assert store.load(path) == [interaction(1)]
    assert [p.name for p in tmp_path.iterdir()] == ["c.yaml"]


WRITER = """
import os, sys, time
from claude_fake.sources.cassette import format as fmt, store
path = sys.argv[1]
if sys.argv[2] == "slow-disk":  # the data is written but the flush to disk never ends
    os.fsync = lambda fd: time.sleep(60)
one = fmt.Interaction(
    request=fmt.RecordedRequest(method="POST", uri="https://x/v1/messages", body={"x": "y" * 99}),
    response=fmt.RecordedResponse(status=200, body={"type": "message", "t": "z" * 4000}),
)
print("ready", flush=True)
n = 0
while True:
    n += 1
    store.save(path, [one] * 400)
"""


@pytest.mark.parametrize("disk", ["slow-disk", "fast-disk"])
def test_sigkill_mid_write_leaves_the_earlier_cassette_loadable(disk: str, tmp_path: Path) -> None:
    path = tmp_path / "c.yaml"
    store.save(path, [interaction(7)])
    proc = subprocess.Popen(
        [sys.executable, "-c", WRITER, str(path), disk],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    try:
        assert proc.stdout is not None
        assert proc.stdout.readline().strip() == b"ready"
        deadline = time.monotonic() + 20
        while not list(tmp_path.glob(".c.yaml.*.tmp")) and time.monotonic() < deadline:
            time.sleep(0.001)  # wait until a write is under way
        assert list(tmp_path.glob(".c.yaml.*.tmp")), "the writer never started a save"
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        if proc.stdout is not None:
            proc.stdout.close()
    loaded = store.load(path)
    assert loaded is not None
    if disk == "slow-disk":
        assert loaded == [interaction(7)]
        assert list(tmp_path.glob(".c.yaml.*.tmp")), "killed before the rename"
    else:
        assert loaded == [interaction(7)] or len(loaded) == 400


def test_vcrpy_reads_our_cassettes_with_our_serializer(tmp_path: Path) -> None:
    import vcr
    from vcr import matchers
    from vcr.cassette import Cassette
    from vcr.request import Request

    path = tmp_path / "c.yaml"
    store.save(path, [interaction(1), interaction(2)])
    cassette = Cassette.load(
        path=str(path),
        serializer=vcr_backend.SERIALIZER,
        persister=vcr_backend.AtomicPersister,
        match_on=[matchers.method, matchers.uri, matchers.body],
    )
    assert len(cassette) == 2
    body = fmt.vcr_form(interaction(2))[0]["body"]
    response = cassette.play_response(
        Request("POST", "https://api.anthropic.com/v1/messages", body, {})
    )
    assert b'"n":2' in response["body"]["string"]
    my_vcr = vcr.VCR()
    my_vcr.register_serializer("claude", vcr_backend.SERIALIZER)
    my_vcr.register_persister(vcr_backend.AtomicPersister)
    assert my_vcr.serializers["claude"] is vcr_backend.SERIALIZER


def test_vcrpy_saves_through_our_serializer(tmp_path: Path) -> None:
    from vcr.cassette import Cassette
    from vcr.request import Request

    path = tmp_path / "c.yaml"
    cassette = Cassette(
        path=str(path), serializer=vcr_backend.SERIALIZER, persister=vcr_backend.AtomicPersister
    )
    req, resp = fmt.vcr_form(interaction(3))
    cassette.append(Request(**req), resp)
    cassette._save()
    assert path.read_text().startswith("version: 1\n")
    assert store.load(path) == [interaction(3)]


def test_responses_are_parsed_on_first_use(tmp_path: Path) -> None:
    path = tmp_path / "c.yaml"
    store.save(path, [interaction(1), interaction(2)])
    text = path.read_text().replace("code: 200", "code: not-a-number", 1)
    path.write_text(text)
    opened = store.open_cassette(path)
    assert opened is not None
    assert len(opened) == 2
    assert opened.requests[1] == interaction(2).request
    assert opened.interaction(1) == interaction(2)
    with pytest.raises(CassetteCorrupt, match="ValueError"):
        opened.interaction(0)
    with pytest.raises(CassetteCorrupt):
        store.load(path)
