"""Precedence, one rule per case: command line > marker (narrowest first) > ini > default."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from claude_fake.config import RecordMode, ValidateMode
from claude_fake.plugin import settings as pc
from claude_fake.wire.ids import stable_seed

TEST = pc.TestId(
    nodeid="tests/test_chat.py::test_greets",
    folder=Path("/p/tests"),
    module="test_chat",
    name="test_greets",
)


def plan(
    cli: dict[str, Any] | None = None,
    ini: dict[str, Any] | None = None,
    marks: list[dict[str, Any]] | None = None,
    cassette: list[dict[str, Any]] | None = None,
    env: dict[str, str] | None = None,
) -> pc.TestPlan:
    session = pc.session_settings(
        cli or {}, ini or {}, invocation_dir=Path("/cwd"), ini_dir=Path("/ini"), env=env or {}
    )
    cassette_marks = None if cassette is None else [((), kw) for kw in cassette]
    return pc.plan_test(
        session, TEST, fake_marks=[((), kw) for kw in marks or []], cassette_marks=cassette_marks
    )


@pytest.mark.parametrize(
    ("sources", "expected"),
    [
        pytest.param({}, ValidateMode.STRICT, id="default"),
        pytest.param({"ini": {"validate": "lenient"}}, ValidateMode.LENIENT, id="ini>default"),
        pytest.param(
            {"ini": {"validate": "lenient"}, "marks": [{"validate": "off"}]},
            ValidateMode.OFF,
            id="marker>ini",
        ),
        pytest.param(
            {"cli": {"validate": "strict"}, "marks": [{"validate": "off"}]},
            ValidateMode.STRICT,
            id="cli>marker",
        ),
        pytest.param(
            {"marks": [{"validate": "off"}, {"validate": "lenient"}]},
            ValidateMode.OFF,
            id="narrowest marker wins",
        ),
    ],
)
def test_validate(sources: dict[str, Any], expected: ValidateMode) -> None:
    assert plan(**sources).config.validate is expected


@pytest.mark.parametrize(
    ("sources", "expected"),
    [
        pytest.param({"cassette": [{}]}, RecordMode.NONE, id="default"),
        pytest.param(
            {"cassette": [{}], "ini": {"record_mode": "once"}}, RecordMode.ONCE, id="ini>default"
        ),
        pytest.param(
            {"cassette": [{"record_mode": "all"}], "ini": {"record_mode": "once"}},
            RecordMode.ALL,
            id="marker>ini",
        ),
        pytest.param(
            {"cassette": [{"record_mode": "all"}], "cli": {"record_mode": "new_episodes"}},
            RecordMode.NEW_EPISODES,
            id="cli>marker",
        ),
        pytest.param(
            {
                "cassette": [{"record_mode": "all"}],
                "cli": {"record_mode": "rewrite"},
                "env": {"CI": "true"},
            },
            RecordMode.NONE,
            id="CI>everything",
        ),
    ],
)
def test_record_mode(sources: dict[str, Any], expected: RecordMode) -> None:
    assert plan(**sources).config.record_mode is expected


def test_ci_forcing_is_reported_only_when_a_recording_was_asked_for() -> None:
    assert plan(cassette=[{"record_mode": "once"}], env={"CI": "1"}).recording_forced_off
    assert not plan(cassette=[{}], env={"CI": "1"}).recording_forced_off
    assert not plan(cassette=[{"record_mode": "once"}], env={"CI": "false"}).recording_forced_off


@pytest.mark.parametrize(
    ("sources", "expected"),
    [
        pytest.param({}, stable_seed(0, TEST.nodeid), id="default: 0 mixed with the node id"),
        pytest.param({"ini": {"seed": "7"}}, stable_seed(7, TEST.nodeid), id="ini>default"),
        pytest.param(
            {"ini": {"seed": "7"}, "marks": [{"seed": 5}]}, 5, id="marker>ini, used as given"
        ),
        pytest.param(
            {"cli": {"seed": "9"}, "marks": [{"seed": 5}]},
            stable_seed(9, TEST.nodeid),
            id="cli>marker",
        ),
    ],
)
def test_seed(sources: dict[str, Any], expected: int) -> None:
    assert plan(**sources).config.seed == expected


def test_assert_all_used_comes_from_the_closest_marker_only() -> None:
    assert plan().config.assert_all_used is True
    closest_first = [{"assert_all_used": False}, {"assert_all_used": True}]
    assert plan(marks=closest_first).config.assert_all_used is False


def test_marker_keys_merge_across_scopes() -> None:
    merged = plan(marks=[{"validate": "off"}, {"validate": "lenient", "seed": 3}]).config
    assert (merged.validate, merged.seed) == (ValidateMode.OFF, 3)


@pytest.mark.parametrize(
    ("cli", "ini", "expected"),
    [
        pytest.param({}, {}, "/p/tests/cassettes/test_chat/test_greets.yaml", id="default"),
        pytest.param(
            {},
            {"cassette_dir": "rec"},
            "/ini/rec/test_chat/test_greets.yaml",
            id="ini, relative to the ini file",
        ),
        pytest.param(
            {"cassette_dir": "cli"},
            {"cassette_dir": "rec"},
            "/cwd/cli/test_chat/test_greets.yaml",
            id="cli>ini, relative to the cwd",
        ),
    ],
)
def test_cassette_dir(cli: dict[str, Any], ini: dict[str, Any], expected: str) -> None:
    assert str(plan(cli=cli, ini=ini, cassette=[{}]).cassette) == expected


def test_marker_path_is_relative_to_the_module_folder_and_gets_yaml() -> None:
    assert (
        str(plan(cassette=[{"path": "shared"}]).cassette)
        == "/p/tests/cassettes/test_chat/shared.yaml"
    )
    assert str(plan(cassette=[{"path": "/abs/x.yml"}]).cassette) == "/abs/x.yml"


def test_upstream_comes_from_the_command_line() -> None:
    assert plan().config.upstream == "https://api.anthropic.com"
    assert plan(cli={"upstream": "http://127.0.0.1:9"}).config.upstream == "http://127.0.0.1:9"


def test_no_cassette_without_the_marker() -> None:
    assert plan(cli={"record_mode": "all"}).config.cassette is None
