"""``cassette show`` and ``cassette check``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from claude_fake.sources.cassette import format as fmt
from claude_fake.sources.cassette import store, transcript, yamltext

REAL = Path(__file__).resolve().parents[2] / "cassettes" / "real"
REAL_FILES = sorted(REAL.rglob("*.yaml"))
MESSAGE: dict[str, Any] = {
    "id": "msg_01A",
    "type": "message",
    "role": "assistant",
    "model": "claude-sonnet-4-6",
    "content": [
        {"type": "thinking", "thinking": "hmm", "signature": "s"},
        {"type": "text", "text": "Sunny."},
        {"type": "tool_use", "id": "toolu_1", "name": "weather", "input": {"city": "Paris"}},
    ],
    "stop_reason": "tool_use",
    "stop_sequence": None,
    "usage": {"input_tokens": 12, "output_tokens": 6},
}


def write(path: Path, body: Any, status: int = 200, headers: Any = None) -> Path:
    request = fmt.RecordedRequest(
        method="POST",
        uri="https://api.anthropic.com/v1/messages",
        headers={"anthropic-version": "2023-06-01"},
        body={
            "model": "claude-sonnet-4-6",
            "max_tokens": 9,
            "tools": [{"name": "weather"}],
            "messages": [{"role": "user", "content": "Weather in Paris?"}],
        },
    )
    response = fmt.RecordedResponse(status=status, headers=headers or {}, body=body)
    store.save(path, [fmt.Interaction(request=request, response=response)])
    return path


def test_show_is_a_readable_transcript(tmp_path: Path) -> None:
    code, text = transcript.show(write(tmp_path / "c.yaml", MESSAGE))
    assert code == 0
    assert text.splitlines() == [
        f"{tmp_path / 'c.yaml'}: 1 interaction(s)",
        "#1 -> POST /v1/messages claude-sonnet-4-6 'Weather in Paris?' tools=[weather]",
        "  <- 200 json tool_use usage in=12 out=6",
        "     [thinking] 'hmm'",
        "     [text] 'Sunny.'",
        '     [tool_use] weather {"city": "Paris"}',
    ]
    assert transcript.show(tmp_path / "absent.yaml") == (
        2,
        f"{tmp_path / 'absent.yaml'}: no such cassette file",
    )
    (tmp_path / "broken.yaml").write_text("interactions: [")
    code, text = transcript.show(tmp_path / "broken.yaml")
    assert code == 1
    assert text.startswith(f"cannot read the cassette {tmp_path / 'broken.yaml'}.")


def test_show_errors_and_streams() -> None:
    _, error = transcript.show(
        REAL
        / "pydantic-ai/tests/models/cassettes/test_anthropic/test_anthropic_count_tokens_error.yaml"
    )
    assert "<- 404 not_found_error: model: claude-does-not-exist" in error
    _, stream = transcript.show(
        REAL / "llm-anthropic/tests/cassettes/test_anthropic/test_prompt.yaml"
    )
    assert "<- 200 stream end_turn usage" in stream


def test_check_passes_a_clean_cassette(tmp_path: Path) -> None:
    code, report = transcript.check([write(tmp_path / "c.yaml", MESSAGE)])
    assert code == 0
    assert report.splitlines() == [f"ok: {tmp_path / 'c.yaml'}", "1 of 1 cassette(s) passed"]


def test_check_fails_on_malformed_answers(tmp_path: Path) -> None:
    broken = {**MESSAGE, "content": [{"type": "text"}], "stop_reason": "because"}
    code, report = transcript.check([write(tmp_path / "c.yaml", broken)])
    assert code == 1
    assert "does not parse as the SDK's types" in report
    no_usage = {k: v for k, v in MESSAGE.items() if k != "usage"}
    assert transcript.check([write(tmp_path / "d.yaml", no_usage)])[0] == 1
    bad_error = {"type": "error", "error": {"message": "no type"}}
    assert transcript.check([write(tmp_path / "e.yaml", bad_error, status=500)])[0] == 1


def test_check_fails_on_secrets_and_account_headers(tmp_path: Path) -> None:
    leaky = {**MESSAGE, "content": [{"type": "text", "text": "sk-ant-api03-LEAK"}]}
    code, report = transcript.check([write(tmp_path / "c.yaml", leaky)])
    assert code == 1
    assert "an 'sk-ant-' string is present" in report
    headers = {"anthropic-organization-id": "6f1c1a2e-real"}
    code, report = transcript.check([write(tmp_path / "d.yaml", MESSAGE, headers=headers)])
    assert code == 1
    assert "header 'anthropic-organization-id' has a value" in report


@pytest.mark.parametrize("text", ["interactions: [", "interactions: []\n", "{}", "- a\n- b\n"])
def test_check_fails_on_unreadable_or_versionless_files(text: str, tmp_path: Path) -> None:
    (tmp_path / "c.yaml").write_text(text)
    code, report = transcript.check([tmp_path / "c.yaml"])
    assert code == 1
    assert "0 of 1 cassette(s) passed" in report


def test_check_takes_folders_and_says_when_there_is_nothing_to_check(tmp_path: Path) -> None:
    write(tmp_path / "a" / "one.yaml", MESSAGE)
    write(tmp_path / "a" / "deeper" / "two.yml", MESSAGE)
    code, report = transcript.check([tmp_path / "a"])
    assert (code, report.splitlines()[-1]) == (0, "2 of 2 cassette(s) passed")
    (tmp_path / "empty").mkdir()
    code, report = transcript.check([tmp_path / "empty", tmp_path / "a"])
    assert code == 2
    assert f"{tmp_path / 'empty'}: the folder holds no .yaml or .yml cassette" in report
    code, report = transcript.check([tmp_path / "absent.yaml"])
    assert code == 2
    assert report.splitlines() == [
        f"{tmp_path / 'absent.yaml'}: no such file or folder",
        "0 of 0 cassette(s) passed",
    ]
    write(tmp_path / "a" / "bad.yaml", {**MESSAGE, "stop_reason": "because"})
    assert transcript.check([tmp_path / "a", tmp_path / "empty"])[0] == 1


def test_every_bundled_real_cassette_passes_its_own_check() -> None:
    # The llm-anthropic and pydantic-ai recorders kept Cloudflare's _cfuvid cookies (visitor ids)
    # in 10 files; they are scrubbed to <redacted>, as claude-fake's own recorder drops them.
    code, report = transcript.check([REAL])
    assert report.splitlines()[-1] == f"{len(REAL_FILES)} of {len(REAL_FILES)} cassette(s) passed"
    assert code == 0


def test_check_reads_gzip_bodies_for_secrets(tmp_path: Path) -> None:
    import gzip

    doc = {
        "version": 1,
        "interactions": [
            {
                "request": {
                    "method": "GET",
                    "uri": "https://x/v1/models",
                    "body": None,
                    "headers": {},
                },
                "response": {
                    "status": {"code": 200, "message": "OK"},
                    "headers": {"Content-Encoding": ["gzip"]},
                    "body": {"string": gzip.compress(json.dumps({"k": "sk-ant-hidden"}).encode())},
                },
            }
        ],
    }
    (tmp_path / "c.yaml").write_text(yamltext.dump_yaml(doc))
    code, report = transcript.check([tmp_path / "c.yaml"])
    assert code == 1
    assert "sk-ant-" in report
