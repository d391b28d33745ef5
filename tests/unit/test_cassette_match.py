"""Match keys: what takes part in matching a request to a recording, and the miss wording."""

from __future__ import annotations

from typing import Any

import pytest

from claude_fake.sources.cassette import match

V = {"anthropic-version": "2023-06-01"}
BODY: dict[str, Any] = {
    "model": "claude-sonnet-4-5",
    "max_tokens": 1024,
    "messages": [{"role": "user", "content": "hi"}],
    "metadata": {"user_id": "u-1"},
}


def key(
    body: Any = BODY, path: str = "/v1/messages", query: str = "", headers: Any = V, **kw: Any
) -> match.Shape:
    return match.shape("POST", path, query, headers, body, **kw)


def test_key_order_stream_and_volatile_fields_are_ignored() -> None:
    reordered = dict(reversed(list(BODY.items())))
    other_user = {**BODY, "metadata": {"user_id": "u-2"}, "stream": True}
    assert key(reordered).key == key(BODY).key == key(other_user).key


@pytest.mark.parametrize(
    ("path", "query"),
    [("/v1/messages/", ""), ("/v1/messages", "beta=true"), ("/v1/messages//", "beta=true")],
)
def test_beta_query_and_trailing_slashes_are_ignored(path: str, query: str) -> None:
    assert key(path=path, query=query).key == key().key


def test_other_query_parameters_count_sorted() -> None:
    assert key(query="b=2&a=1").key == key(query="a=1&b=2").key
    assert key(query="a=1").key != key().key


def test_body_method_and_path_count() -> None:
    assert key({**BODY, "max_tokens": 5}).key != key().key
    assert key(path="/v1/messages/count_tokens").key != key().key
    assert match.shape("GET", "/v1/messages", "", V, BODY).key != key().key


def test_integral_floats_equal_ints() -> None:
    assert key({**BODY, "temperature": 1.0}).key == key({**BODY, "temperature": 1}).key
    assert key({**BODY, "temperature": 0.5}).key != key({**BODY, "temperature": 1}).key
    assert key({**BODY, "x": 1e20}).key == key({**BODY, "x": 10**20}).key


def test_beta_header_is_a_set() -> None:
    a = key(headers={**V, "anthropic-beta": "b1,b2"}).betas
    b = key(headers={**V, "anthropic-beta": "b2, b1"}).betas
    assert a == b == frozenset({"b1", "b2"})
    assert match.betas_match(a, b)
    assert not match.betas_match(frozenset(), a)


def test_recordings_without_api_headers_have_unknown_betas() -> None:
    unknown = key(headers={"content-type": "application/json"}).betas
    assert unknown is None
    assert match.betas_match(frozenset({"x"}), unknown)


def test_ignore_paths_are_dotted_paths_with_wildcards() -> None:
    body = {
        **BODY,
        "messages": [
            {"role": "user", "content": "hi", "id": 1},
            {"role": "user", "content": "x", "id": 2},
        ],
    }
    same = {
        **body,
        "messages": [
            {"role": "user", "content": "hi", "id": 8},
            {"role": "user", "content": "x", "id": 9},
        ],
    }
    assert key(body).key != key(same).key
    ignore = ("messages.*.id",)
    assert key(body, ignore_paths=ignore).key == key(same, ignore_paths=ignore).key
    assert match.comparable_body({"a": [1, 2, 3]}, ("a.1",)) == {"a": [1, 3]}
    assert match.comparable_body({"a": {"b": 1}}, ("x.y",)) == {"a": {"b": 1}}


def test_match_on_can_leave_parts_out() -> None:
    only = ("method", "path")
    assert key({"model": "a"}, match_on=only).key == key({"model": "b"}, match_on=only).key
    assert key(headers={**V, "anthropic-beta": "x"}, match_on=only).betas is None


def test_differences_are_json_paths_with_both_values() -> None:
    recorded = key()
    sent = key(
        {
            **BODY,
            "max_tokens": 2048,
            "messages": [*BODY["messages"], {"role": "assistant", "content": "ok"}],
        }
    )
    diffs = match.differences(recorded, sent)
    assert ("$.max_tokens", 1024, 2048) in diffs
    assert ("$.messages[1]", ..., {"role": "assistant", "content": "ok"}) in diffs
    text = match.describe(diffs)
    assert "$.max_tokens (1024 recorded, 2048 sent)" in text
    assert '$.messages[1] (absent recorded, {"content":"ok","role":"assistant"} sent)' in text


def test_differences_name_betas_and_paths() -> None:
    recorded = key(headers={**V, "anthropic-beta": "a"})
    sent = key(path="/v1/models", headers={**V, "anthropic-beta": "b"})
    names = [d[0] for d in match.differences(recorded, sent)]
    assert names[:2] == ["path", "header anthropic-beta"]


def test_long_values_are_truncated_and_lists_capped() -> None:
    assert match.short("x" * 500).endswith("…")
    assert len(match.short("x" * 500)) == 60
    many = [(f"$.k{i}", i, i + 1) for i in range(10)]
    assert match.describe(many).endswith("and 4 more")
    assert "already played" in match.describe([])


def test_nearest_prefers_same_method_and_path_then_fewest_differences() -> None:
    sent = key({**BODY, "max_tokens": 1})
    candidates = [
        match.shape("POST", "/v1/messages/count_tokens", "", V, {**BODY, "max_tokens": 1}),
        key({**BODY, "max_tokens": 7, "model": "other"}),
        key({**BODY, "max_tokens": 9}),
    ]
    found = match.nearest(sent, candidates)
    assert found is not None
    assert found[0] == 2
    assert found[1] == [("$.max_tokens", 9, 1)]
    assert match.nearest(sent, []) is None
