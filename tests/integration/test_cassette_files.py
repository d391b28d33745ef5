"""Issue 14, problems 2, 5, 6, 7, 9 and 11: parallel recording merges, bounded loading, distinct
file names, vcrpy reads what we export, ``cassette check`` on folders, the miss report."""

from __future__ import annotations

import json
import urllib.request
from pathlib import Path

import anthropic
import pytest
import yaml
from cassette_helpers import MODEL, ask, strict, upstream

from claude_fake import FakeClaude
from claude_fake.cli import main
from claude_fake.sources.cassette import yamltext

INI = (
    "[pytest]\nfilterwarnings = error\naddopts = -p no:hypothesispytest -p no:randomly\n"
    "asyncio_default_fixture_loop_scope = function\n"
)


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CI", raising=False)
    monkeypatch.delenv("ANTHROPIC_API_KEY", raising=False)


# -- problem 2: parallel workers share a cassette -------------------------------------------
def test_four_workers_recording_into_one_cassette_keep_every_interaction(
    pytester: pytest.Pytester,
) -> None:
    pytester.makeini(INI)
    pytester.makepyfile(
        test_shared=f"""
        import pytest

        @pytest.mark.claude_cassette("shared")
        @pytest.mark.parametrize("n", range(24))
        def test_one(claude_client, n):
            answer = claude_client.messages.create(
                model="{MODEL}", max_tokens=16,
                messages=[{{"role": "user", "content": f"question {{n}}"}}])
            assert answer.content
        """
    )
    with upstream() as url:
        first = pytester.runpytest_subprocess(
            "-n", "4", "--claude-record-mode=new_episodes", f"--claude-upstream={url}"
        )
    first.assert_outcomes(passed=24)
    cassette = Path(pytester.path, "cassettes", "test_shared", "shared.yaml")
    asked = sorted(
        i["request"]["json"]["messages"][0]["content"]
        for i in yaml.safe_load(cassette.read_text())["interactions"]
    )
    assert asked == sorted(f"question {n}" for n in range(24))
    again = pytester.runpytest_subprocess("-n", "4")  # mode none: the upstream is gone
    again.assert_outcomes(passed=24)


# -- problem 1 (summary) and problem 6: names ---------------------------------------------------
def test_distinct_ids_record_distinct_files_and_the_summary_counts_refusals(
    pytester: pytest.Pytester,
) -> None:
    pytester.makeini(INI)
    pytester.makepyfile(
        test_ids=f"""
        import pytest

        @pytest.mark.claude_cassette
        @pytest.mark.parametrize("x", ["a/b", "a..b", "a_b"])
        def test_x(claude_client, x):
            answer = claude_client.messages.create(
                model="{MODEL}", max_tokens=16, messages=[{{"role": "user", "content": x}}])
            assert answer.content
        """
    )
    with upstream() as url:
        pytester.runpytest("--claude-record-mode=once", f"--claude-upstream={url}").assert_outcomes(
            passed=3
        )
    files = sorted(p.name for p in Path(pytester.path, "cassettes", "test_ids").glob("*.yaml"))
    assert len(files) == 3
    assert "test_x[a_b].yaml" in files
    pytester.runpytest().assert_outcomes(passed=3)  # each replays its own file

    with upstream(require_api_key="sk-ant-api03-the-right-one") as url:
        refused = pytester.runpytest("--claude-record-mode=all", f"--claude-upstream={url}")
    refused.assert_outcomes(failed=3)
    refused.stdout.fnmatch_lines(["*answered 401*nothing was written*"])
    refused.stdout.fnmatch_lines(["claude_fake: 3 requests (*0 recorded*3 error*; 0 cassettes*"])


# -- problem 5: bounded loading ---------------------------------------------------------------
BOMB = "\n".join(
    ["version: 1", "a: &a [x, x, x, x, x, x, x, x, x, x]"]
    + [
        f"{c}: &{c} [*{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}]"
        for p, c in zip("abcdefgh", "bcdefghi", strict=True)
    ]
    + [
        "interactions: [{request: {method: POST, uri: 'https://x/v1/messages', body: *i},"
        " response: {status: 200, body: *i}}]"
    ]
)


def test_an_alias_bomb_is_refused_at_once(tmp_path: Path) -> None:
    assert len(BOMB.encode()) < 1024
    cassette = tmp_path / "bomb.yaml"
    cassette.write_text(BOMB)
    with pytest.raises(anthropic.InternalServerError) as caught:
        ask(strict(FakeClaude(cassette=str(cassette))), "hello")
    assert f"cannot read the cassette {cassette}" in caught.value.message
    assert "anchors and aliases expand to more than" in caught.value.message
    assert main(["cassette", "check", str(cassette)]) == 1


def test_a_cassette_over_the_size_limit_is_refused_before_it_is_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(yamltext, "MAX_BYTES", 100)
    cassette = tmp_path / "big.yaml"
    cassette.write_text("version: 1\ninteractions: []\n# " + "x" * 200)
    with pytest.raises(anthropic.InternalServerError) as caught:
        ask(strict(FakeClaude(cassette=str(cassette))), "hello")
    assert "the limit is 100" in caught.value.message


# -- problem 7: vcrpy reads the export ----------------------------------------------------------
def _recorded(tmp_path: Path) -> Path:
    cassette = tmp_path / "c.yaml"
    with upstream("Paris", "Lyon") as url:
        fake = FakeClaude(cassette=str(cassette), record_mode="once", upstream=url)
        client = strict(fake)
        ask(client, "capital?")
        with client.messages.stream(
            model=MODEL, max_tokens=16, messages=[{"role": "user", "content": "second?"}]
        ) as stream:
            assert stream.get_final_text() == "Lyon"
        fake.close()
    return cassette


def test_vcrpy_loads_and_replays_the_export(tmp_path: Path) -> None:
    import vcr
    from vcr.cassette import Cassette

    exported = tmp_path / "plain.yaml"
    assert main(["cassette", "export", str(_recorded(tmp_path)), str(exported)]) == 0
    requests, responses = Cassette.load(path=str(exported)).data[0]  # vcrpy's own loader
    assert requests.method == "POST"
    assert json.loads(requests.body)["messages"][0]["content"] == "capital?"
    assert json.loads(responses["body"]["string"])["content"][0]["text"] == "Paris"
    body = json.loads(requests.body)
    with vcr.use_cassette(str(exported), record_mode="none", match_on=["method", "path"]):
        req = urllib.request.Request(
            "https://api.anthropic.com/v1/messages", data=json.dumps(body).encode(), method="POST"
        )
        with urllib.request.urlopen(req) as answer:  # vcrpy answers; no network
            assert json.loads(answer.read())["content"][0]["text"] == "Paris"


# -- problem 9: check takes folders; exit codes -------------------------------------------------
def test_cassette_check_takes_folders_and_exits_by_outcome(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _recorded(tmp_path / "folder")
    assert main(["cassette", "check", str(tmp_path / "folder")]) == 0
    assert "1 of 1 cassette(s) passed" in capsys.readouterr().out
    assert main(["cassette", "check", str(tmp_path / "nothing-here")]) == 2
    assert main(["cassette", "show", str(tmp_path / "missing.yaml")]) == 2
    assert "no such cassette file" in capsys.readouterr().err
    (tmp_path / "folder" / "leak.yaml").write_text(
        (tmp_path / "folder" / "c.yaml").read_text().replace("Paris", "sk-ant-api03-LEAKED")
    )
    assert main(["cassette", "check", str(tmp_path / "folder")]) == 1
    bundled = Path(__file__).resolve().parents[2] / "cassettes"
    assert main(["cassette", "check", str(bundled)]) == 0


# -- problem 11: the miss report --------------------------------------------------------------
def test_a_miss_shows_where_long_prompts_part_and_the_hint_of_the_face(tmp_path: Path) -> None:
    prompt = "You are a careful assistant. " * 5 + "The code word is {}. Answer in French."
    cassette = tmp_path / "c.yaml"
    with upstream("Bonjour") as url:
        fake = FakeClaude(cassette=str(cassette), record_mode="once", upstream=url)
        ask(strict(fake), "hi", system=prompt.format("ALPHA"))
        fake.close()
    replay = FakeClaude(cassette=str(cassette))
    with (
        replay.serve() as base_url,
        anthropic.Anthropic(base_url=base_url, api_key="sk-ant-x", max_retries=0) as client,
        pytest.raises(anthropic.InternalServerError) as caught,
    ):
        ask(client, "hi", system=prompt.format("OMEGA"))
    message = caught.value.body["error"]["message"]  # type: ignore[index]
    assert "$.system (from character 162 of 186 recorded, 186 sent: " in message
    assert "'…careful assistant. The code word is ALPHA. Answer in French.' recorded" in message
    assert "'…careful assistant. The code word is OMEGA. Answer in French.' sent" in message
    assert f"To re-record: FakeClaude(cassette={str(cassette)!r}" in message
    [missed] = replay.requests
    assert missed.body["system"] == prompt.format("OMEGA")  # the journal keeps what was sent
