"""ids, catalogue, config, endpoints: pure functions, table-driven."""

from __future__ import annotations

import subprocess
import sys
from urllib.parse import urlencode

import pytest

from claude_fake import config
from claude_fake.api import catalogue, models, routes
from claude_fake.errors import ConfigError
from claude_fake.model import FakeRequest
from claude_fake.wire import ids


def test_ids_have_the_api_shapes_and_are_stable() -> None:
    assert ids.make_id("msg", 0, 1).startswith("msg_01")
    assert len(ids.make_id("msg", 0, 1)) == len("msg_01XFDUDYJgAACzvnptvVoYEL")
    assert len(ids.make_id("req", 0, 1)) == len("req_011CSLsW7mFqvHHnzrKdKjAE")
    assert ids.make_id("toolu", 5, 9) == ids.make_id("toolu", 5, 9)
    assert ids.make_id("toolu", 5, 9) != ids.make_id("toolu", 6, 9)


def test_stable_seed_is_the_same_in_another_process() -> None:
    code = "from claude_fake.wire import ids; print(ids.stable_seed('a', 1))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert int(out.stdout) == ids.stable_seed("a", 1)


def test_catalogue_entries_parse_strictly() -> None:
    from anthropic.types import ModelInfo

    for entry in catalogue.catalogue():
        assert ModelInfo.model_validate(entry).lifecycle in ("active", "deprecated", "retired")


@pytest.mark.parametrize(
    ("after", "before", "limit", "first", "count", "more"),
    [
        (None, None, 2, "claude-fable-5-2", 2, True),
        ("claude-fable-5-2", None, 1, "claude-mythos-5-2", 1, True),
        (None, "claude-mythos-5-2", 5, "claude-fable-5-2", 1, False),
        (None, None, 1000, "claude-fable-5-2", 20, False),
    ],
)
def test_model_pages(
    after: str | None, before: str | None, limit: int, first: str, count: int, more: bool
) -> None:
    asked = {"after_id": after, "before_id": before, "limit": limit}
    query = urlencode({k: v for k, v in asked.items() if v is not None})
    page = models.listing(FakeRequest(method="GET", path="/v1/models", query=query), "r").payload
    assert (page["first_id"], len(page["data"]), page["has_more"]) == (first, count, more)


@pytest.mark.parametrize(
    ("method", "path", "expected"),
    [
        ("POST", "/v1/messages", ("messages", {})),
        ("POST", "/v1/messages/", ("messages", {})),
        ("POST", "/v1/messages/count_tokens", ("count_tokens", {})),
        ("GET", "/v1/models/claude-x", ("models.get", {"id": "claude-x"})),
        ("DELETE", "/v1/messages/batches/b1", ("batches.delete", {"id": "b1"})),
        ("GET", "/v1/messages", "method"),
        ("GET", "/v2/anything", None),
    ],
)
def test_routes(method: str, path: str, expected: object) -> None:
    assert routes.route(method, path) == expected


def test_merge_takes_the_first_source_that_gives_a_value() -> None:
    merged = config.merge(
        ("cli", {"validate": None, "seed": 7}),
        ("marker", {"validate": "lenient", "seed": 3}),
        ("ini", {"validate": "off", "record_mode": "once"}),
    )
    assert merged.seed == 7
    assert merged.validate is config.ValidateMode.LENIENT
    assert merged.record_mode is config.RecordMode.ONCE


@pytest.mark.parametrize(
    ("source", "match"),
    [
        ({"validate": "strictest"}, "strict, lenient, off"),
        ({"record_mode": "sometimes"}, "none, once, new_episodes, all, rewrite"),
        ({"seeds": 1}, "unknown setting 'seeds'"),
        ({"seed": "x"}, "seed='x' is not valid"),
    ],
)
def test_merge_rejects_bad_values_saying_what_is_allowed(source: dict, match: str) -> None:
    with pytest.raises(ConfigError, match=match):
        config.merge(("marker", source))


def test_recording_on_an_open_host_needs_a_required_key(capsys: pytest.CaptureFixture[str]) -> None:
    from claude_fake import cli

    code = cli.main(["serve", "--host", "0.0.0.0", "--record-mode", "once", "--cassette", "x.yaml"])
    assert code == 2
    assert "refusing to record on 0.0.0.0" in capsys.readouterr().err


def test_server_joins_repeated_headers() -> None:
    from claude_fake.faces.exchange import headers_of

    raw = [(b"Anthropic-Beta", b"a"), (b"anthropic-beta", b"b"), (b"X-Api-Key", b"k")]
    assert headers_of(raw) == {"anthropic-beta": "a, b", "x-api-key": "k"}


@pytest.mark.parametrize(
    "body",
    [
        {"model": "m", "messages": [{"role": "user", "content": "hi"}]},
        {
            "model": "m",
            "system": [{"type": "text", "text": "sys", "cache_control": {"type": "ephemeral"}}],
            "tools": [{"name": "t", "input_schema": {"type": "object", "properties": {"b": {}}}}],
            "messages": [
                {"role": "user", "content": [{"type": "text", "text": "a"}, {"type": "image"}]},
                {
                    "role": "assistant",
                    "content": [
                        {"type": "tool_use", "id": "x", "name": "t", "input": {"z": 1, "a": 2}}
                    ],
                },
            ],
        },
    ],
)
def test_the_prompt_walk_counts_what_count_tokens_counts(body: dict) -> None:
    from claude_fake.state import prompt, tokens

    assert prompt.walk(body).total == tokens.count(body)


def test_with_body_copies_every_other_field() -> None:
    import dataclasses

    from claude_fake.model import FakeRequest

    values = {f.name: f"value of {f.name}" for f in dataclasses.fields(FakeRequest)}
    request = FakeRequest(**values)
    assert request.with_body({"new": 1}) == dataclasses.replace(request, body={"new": 1})


def test_ids_from_int_and_bool_seeds_differ() -> None:
    assert ids.make_id("msg", 1, 0) != ids.make_id("msg", True, 0)
    assert ids.make_id("msg", 1, 0) == ids.make_id("msg", 1, 0)


def test_a_scripted_text_answer_imports_neither_the_sdk_nor_faker() -> None:
    # `claude-fake serve --reply` and POST /_fake/replies answer without these slow imports
    code = (
        "import json, sys\n"
        "from claude_fake import FakeClaude\n"
        "from claude_fake.model import FakeRequest\n"
        "fake = FakeClaude()\n"
        "fake.reply('hi', times=None)\n"
        "body = {'model': 'claude-sonnet-4-6', 'max_tokens': 9, 'messages': "
        "[{'role': 'user', 'content': 'Hello'}]}\n"
        "headers = {'anthropic-version': '2023-06-01', 'x-api-key': 'k'}\n"
        "request = FakeRequest(method='POST', path='/v1/messages', headers=headers, "
        "raw=json.dumps(body).encode())\n"
        "assert fake.handle(request).status == 200\n"
        "print(sorted(m for m in ('anthropic', 'pydantic', 'faker', 'jsonschema') "
        "if m in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


@pytest.mark.parametrize("seed", [0, 1, 12345, 2**64 - 1])
def test_the_generator_words_are_faker_en_us_sentences(seed: int) -> None:
    from faker import Faker

    from claude_fake.sources.generator.drafter import Drafter

    ours, theirs = Drafter(0).words(), Faker("en_US")
    ours.seed(seed)
    theirs.seed_instance(seed)
    sizes = [0, 1, 2, 3, 6, 8, 20, 24, 40, 1, 1, 2]  # one word: choice(); more: choices()
    assert [ours.sentence(n) for n in sizes] == [theirs.sentence(n) for n in sizes]
    assert ours.random.random() == theirs.random.random()  # the same draws used, no more
