"""What a user of ``FakeClaude`` touches first: its settings (typed, checked when it is built),
the block builders on the engine, ``reply(function)``, ``optional=True``,
``allow_generated=False`` and the reprs. Through the real SDK client."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import anthropic
import pytest

import claude_fake
from claude_fake import FakeClaude
from claude_fake.config import FakeConfig, Settings
from claude_fake.errors import ConfigError, ScriptError, UnusedScript
from claude_fake.model import AnsweredBy

MODEL = "claude-sonnet-4-6"


def ask(fake: FakeClaude, text: str = "What is the weather in Paris?") -> Any:
    client = fake.client(_strict_response_validation=True, max_retries=0)
    return client.messages.create(
        model=MODEL, max_tokens=64, messages=[{"role": "user", "content": text}]
    )


# -- settings -----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("settings", "said"),
    [
        ({"sede": 1}, "unknown setting 'sede'"),
        ({"replay_timing": "bogus"}, "'bogus' is not a valid value"),
        ({"upstream": "not a url"}, "must be an http(s) URL"),
        ({"upstream": "ftp://example.com"}, "must be an http(s) URL"),
        ({"cassette": 123}, "must be a file path"),
        ({"assert_all_used": "no"}, "must be True or False"),
        ({"allow_generated": 0}, "must be True or False"),
        ({"require_api_key": ""}, "must be a non-empty string"),
        ({"validate": "loose"}, "'loose' is not a valid value"),
        ({"batch_delay": -1}, "must be a finite number of seconds"),
    ],
)
def test_wrong_names_and_values_are_refused_when_the_engine_is_built(
    settings: dict[str, Any], said: str
) -> None:
    with pytest.raises(ConfigError, match=r"(?s)" + said.replace("(", r"\(").replace(")", r"\)")):
        FakeClaude(**settings)


def test_a_misspelt_setting_names_the_closest_one() -> None:
    with pytest.raises(ConfigError, match="Did you mean 'seed'") as caught:
        FakeClaude(sede=1)  # type: ignore[call-arg]  # the point: mypy catches it too
    assert str(caught.value).endswith("See README#options.")


def test_paths_and_urls_are_normalised() -> None:
    fake = FakeClaude(cassette=Path("c.yaml"), upstream="http://127.0.0.1:9/")
    assert (fake.config.cassette, fake.config.upstream) == ("c.yaml", "http://127.0.0.1:9")


def test_settings_lists_every_field_but_seed() -> None:
    """``Settings`` (the typed keyword arguments) must follow ``FakeConfig``: a field added to one
    and not the other is a setting mypy would refuse, or one it would not check."""
    fields = set(FakeConfig.__dataclass_fields__) - {"seed"}
    missing = sorted(fields - set(Settings.__annotations__))
    extra = sorted(set(Settings.__annotations__) - fields)
    assert not missing, f"add {missing} to config.Settings (FakeClaude's typed keyword arguments)"
    assert not extra, f"{extra} in config.Settings are not FakeConfig fields"


@pytest.mark.skipif(
    shutil.which("mypy", path=str(Path(sys.executable).parent)) is None,
    reason="mypy is not installed",
)
def test_mypy_catches_a_misspelt_or_mistyped_setting(tmp_path: Path) -> None:
    user = tmp_path / "user_code.py"
    user.write_text(
        "from claude_fake import FakeClaude\n"
        "FakeClaude(seed=1, validate='lenient', allow_generated=False)\n"
        "FakeClaude(sede=1)\n"
        "FakeClaude(replay_timing='bogus')\n"
    )
    mypy = Path(sys.executable).parent / "mypy"
    run = subprocess.run(
        [str(mypy), "--no-error-summary", "--follow-imports=silent", str(user)],
        capture_output=True,
        text=True,
        cwd=Path(claude_fake.__file__).parent.parent,
        timeout=300,
    )
    lines = run.stdout.splitlines()
    assert any(':3: error: Unexpected keyword argument "sede"' in line for line in lines), lines
    assert any(':4: error: Argument "replay_timing"' in line for line in lines), lines
    assert not any(":2:" in line for line in lines), lines


# -- the names of the module, on the engine ------------------------------------------------------
@pytest.mark.parametrize(
    "name",
    ["text", "tool_use", "thinking", "redacted_thinking", "server_tool_use", "compaction"],
)
def test_every_block_builder_is_on_the_engine_too(fake: FakeClaude, name: str) -> None:
    assert getattr(fake, name) is getattr(claude_fake, name)


def test_the_snapshot_helpers_are_on_the_engine_too(fake: FakeClaude) -> None:
    assert fake.snapshot is claude_fake.snapshot
    assert callable(fake.snapshot.matcher)
    assert callable(fake.snapshot.serialize)


def test_the_readme_tool_loop_works_with_the_engine_named_like_the_module() -> None:
    claude_fake = FakeClaude()  # what the fixture does inside a test
    claude_fake.reply(claude_fake.tool_use("get_weather", {"city": "Paris"}))
    answer = ask(claude_fake)
    assert answer.stop_reason == "tool_use"
    assert answer.content[0].input == {"city": "Paris"}


# -- reply(function) ----------------------------------------------------------------------------
def test_a_reply_computed_from_the_request(fake: FakeClaude) -> None:
    fake.reply(lambda request: f"You said: {request.text}", times=2)
    assert ask(fake, "hello").content[0].text == "You said: hello"
    assert ask(fake, "bye").content[0].text == "You said: bye"
    assert fake.unused() == []
    assert [r.source for r in fake.requests] == [AnsweredBy.SCRIPTED] * 2


def test_a_computed_reply_may_return_blocks_and_keeps_its_stop_reason(fake: FakeClaude) -> None:
    fake.reply(lambda request: [fake.tool_use("lookup", {"q": request.text})])
    fake.reply(lambda request: "cut", stop_reason="max_tokens")
    first = ask(fake, "Paris")
    assert (first.stop_reason, first.content[0].input) == ("tool_use", {"q": "Paris"})
    assert ask(fake).stop_reason == "max_tokens"


@pytest.mark.parametrize(
    ("function", "said"),
    [
        (lambda request: 42, "returned 42"),
        (lambda request: 1 / 0, "raised ZeroDivisionError"),
    ],
)
def test_a_bad_computed_reply_is_a_clear_error(fake: FakeClaude, function: Any, said: str) -> None:
    fake.reply(function)
    with pytest.raises(anthropic.InternalServerError, match=said):
        ask(fake)
    assert "README#scripting" in fake.problems[0]


def test_a_computed_reply_with_an_unknown_stop_reason_fails_at_the_call(fake: FakeClaude) -> None:
    with pytest.raises(ScriptError, match="unknown stop_reason 'sleepy'"):
        fake.reply(lambda request: "x", stop_reason="sleepy")


def test_times_counts_on_the_reply_even_when_it_is_resolved_per_request(fake: FakeClaude) -> None:
    fake.reply("x", stop_reason="stop_sequence", times=2)
    client = fake.client(max_retries=0)
    for _ in range(2):
        client.messages.create(
            model=MODEL,
            max_tokens=5,
            stop_sequences=["##"],
            messages=[{"role": "user", "content": "hi"}],
        )
    assert fake.unused() == []


# -- optional=True and allow_generated=False -----------------------------------------------------
def test_an_optional_reply_is_never_reported_unused(fake: FakeClaude) -> None:
    maybe = fake.reply("maybe", optional=True)
    surely = fake.reply("surely")
    with pytest.raises(UnusedScript, match="1 scripted item"):
        fake.check()
    assert fake.unused() == [f"{surely.describe()}: used 0 of 1"]
    assert maybe.optional
    ask(fake)  # takes "maybe"
    ask(fake)
    fake.check()


def test_allow_generated_false_makes_an_unscripted_request_an_error() -> None:
    fake = FakeClaude(allow_generated=False)
    with pytest.raises(anthropic.InternalServerError) as caught:
        ask(fake)
    message = caught.value.body["error"]["message"]  # type: ignore[index]
    assert "was not scripted, and allow_generated=False forbids generated answers" in message
    assert "claude_fake.reply(...)" in message
    assert fake.requests[0].source is AnsweredBy.ERROR
    count = fake.client().messages.count_tokens(
        model=MODEL, messages=[{"role": "user", "content": "hi"}]
    )
    assert count.input_tokens > 0  # other endpoints compute, they do not invent


def test_allow_generated_false_still_answers_what_is_scripted() -> None:
    fake = FakeClaude(allow_generated=False)
    fake.reply("Sunny")
    assert ask(fake).content[0].text == "Sunny"


# -- reprs ---------------------------------------------------------------------------------------
def test_reprs_are_one_short_line(fake: FakeClaude) -> None:
    assert repr(fake) == "<FakeClaude 0 requests>"
    fake.reply("Sunny")
    fake.reply("spare")
    ask(fake, "What is the weather in Paris today, tomorrow and the day after?")
    assert repr(FakeClaude(seed=3, validate="off")) == (
        "<FakeClaude seed=3 validate='off'; 0 requests>"
    )
    assert repr(fake) == "<FakeClaude 1 request, 1 unused script>"
    assert repr(fake.requests[0]) == (
        "FakeRequest(POST /v1/messages, model='claude-sonnet-4-6', "
        "text='What is the weather in Paris today, tomo...', source=scripted)"
    )
    assert fake.requests[0].source is AnsweredBy.SCRIPTED
