"""The request journal: bounded or not, ids, paging, the dropped count, problems kept bounded."""

from __future__ import annotations

import gc

import pytest

from claude_fake.journal import Journal
from claude_fake.model import AnsweredBy, FakeRequest, FakeResponse


def _fill(journal: Journal, count: int) -> None:
    for n in range(count):
        request = FakeRequest(method="POST", path=f"/v1/messages/{n}")
        journal.add(request, FakeResponse(status=200, headers={}, payload={"n": n}))


def test_unbounded_keeps_every_request_with_its_answer() -> None:
    journal = Journal()
    _fill(journal, 50)
    records = journal.records()
    assert len(journal) == 50
    assert [r.response for r in records] == [{"n": n} for n in range(50)]
    assert {r.source for r in records} == {AnsweredBy.GENERATED}
    assert journal.dropped == 0
    assert journal.next_id == 51


def test_bounded_keeps_the_last_n_and_counts_the_rest() -> None:
    journal = Journal(10)
    _fill(journal, 25)
    assert [r.response["n"] for r in journal.records()] == list(range(15, 25))
    assert journal.dropped == 15
    assert journal.stats["generated"] == 25  # counts cover every request, kept or not


def test_size_zero_keeps_none() -> None:
    journal = Journal(0)
    _fill(journal, 5)
    assert journal.records() == []
    page = journal.page()
    assert (page.items, page.dropped, page.next_after, page.last_id) == ([], 5, None, None)


def test_pages_walk_every_kept_request_once() -> None:
    journal = Journal(100)
    _fill(journal, 130)
    seen: list[int] = []
    after = 0
    while True:
        page = journal.page(after=after, limit=7)
        seen += [entry_id for entry_id, _ in page.items]
        assert page.dropped == 30
        if page.next_after is None:
            break
        after = page.next_after
    assert seen == list(range(31, 131))  # ids 1-30 were dropped: paging starts at the oldest kept


def test_page_after_the_newest_is_empty_and_final() -> None:
    journal = Journal()
    _fill(journal, 3)
    page = journal.page(after=3)
    assert (page.items, page.next_after, page.first_id, page.last_id) == ([], None, 1, 3)


def test_clear_restarts_ids_and_the_dropped_count() -> None:
    journal = Journal(2)
    _fill(journal, 5)
    journal.clear()
    _fill(journal, 1)
    assert journal.page().items[0][0] == 1
    assert journal.dropped == 0


def test_problems_stay_bounded_in_the_same_list() -> None:
    journal = Journal(10)
    problems = journal.problems
    for n in range(1000):
        journal.problem(f"p{n}")
    assert journal.problems is problems
    assert len(problems) <= 2 * 10 + 16
    assert problems[-1] == "p999"


@pytest.mark.parametrize("size", [-1, 1.5, True, "3"])
def test_bad_sizes_are_refused(size: object) -> None:
    with pytest.raises(ValueError, match="journal size"):
        Journal(size)  # type: ignore[arg-type]


def _request(n: int) -> FakeRequest:
    body = {
        "model": "m",
        "messages": [{"role": "user", "content": [{"type": "text", "text": "é"}]}],
    }
    return FakeRequest(
        method="POST",
        path="/v1/messages",
        query=f"n={n}",
        headers={"x-n": str(n), "anthropic-version": "2023-06-01"},
        raw=b"{}",
        body={**body, "n": n, "temperature": 0.5},
        root_path="/mount",
        provider="vertex",
        sent={"continue": n},
    )


def _answer(n: int) -> FakeResponse:
    payload = {"content": [{"type": "text", "text": f"answer {n}"}], "usage": {"n": n}}
    return FakeResponse(status=200, headers={}, payload=payload, source=AnsweredBy.SCRIPTED)


def test_a_bounded_journal_gives_back_what_it_was_given() -> None:
    bounded, whole = Journal(10), Journal()
    for journal in (bounded, whole):
        for n in range(3):
            journal.add(_request(n), _answer(n), 0.25)
    assert bounded.records() == whole.records()
    assert [repr(r) for r in bounded.records()] == [repr(r) for r in whole.records()]
    assert [o.seconds for o in bounded.page().outcomes] == [0.25] * 3
    kept = bounded.records()[1]
    assert (kept.body["n"], kept.response["usage"], kept.sent) == (1, {"n": 1}, {"continue": 1})
    assert (kept.root_path, kept.provider, kept.source) == ("/mount", "vertex", AnsweredBy.SCRIPTED)


def test_a_bounded_journal_keeps_nothing_the_garbage_collector_walks() -> None:
    journal = Journal(2000)
    journal.add(_request(0), _answer(0))  # what the first one brings to life (caches)
    gc.collect()
    before = len(gc.get_objects())
    for n in range(4000):
        journal.add(_request(n), _answer(n))
    gc.collect()
    assert len(gc.get_objects()) - before < 50  # unpacked: about 15 per entry


def test_each_read_of_a_bounded_journal_is_its_own_copy() -> None:
    journal = Journal(5)
    journal.add(_request(0), _answer(0))
    journal.records()[0].body["n"] = "changed"
    assert journal.records()[0].body["n"] == 0


def test_a_body_that_is_not_json_is_kept_as_it_is() -> None:
    journal = Journal(5)
    odd = {"when": {1, 2}}  # not JSON: kept as the object itself
    journal.add(FakeRequest(method="POST", path="/x", body=odd), _answer(0))
    assert journal.records()[0].body == odd


def test_a_page_builds_only_the_slice_read() -> None:
    journal = Journal(100)
    for n in range(30):
        journal.add(_request(n), _answer(n))
    page = journal.page(after=5, limit=20)
    assert (len(page), page.ids, page.next_after) == (20, list(range(6, 26)), 25)
    assert [entry_id for entry_id, _ in page.part(3, 5)] == [9, 10]
    assert page.items is page.items  # built once
    assert page.part(3, 5) == page.items[3:5]


def test_a_bounded_journal_gives_back_headers_and_bodies_as_they_were_logged() -> None:
    journal = Journal(5)
    raw = b'{"model": "m", "messages": [{"role": "user", "content": "hi"}]}'
    plain = FakeRequest(
        method="POST",
        path="/v1/messages",
        raw=raw,
        body={"model": "m", "messages": [{"role": "user", "content": "hi"}]},
        headers={"x-api-key": "k", "anthropic-beta": "a, b"},
    )
    expanded = {
        "model": "m",
        "messages": [{"role": "user", "content": "earlier"}, {"role": "user", "content": "hi"}],
    }
    threaded = FakeRequest(
        method="POST",
        path="/v1/messages",
        raw=raw,
        body=expanded,
        sent={"model": "m"},
        headers={"odd": "a\x00b"},
    )
    empty = FakeRequest(method="GET", path="/v1/models", headers={})
    for request in (plain, threaded, empty):
        journal.add(request, FakeResponse(status=200, headers={}, payload={}))
    kept = journal.records()
    assert [(r.headers, r.body, r.sent) for r in kept] == [
        (plain.headers, plain.body, None),
        (threaded.headers, expanded, {"model": "m"}),  # a thread's whole conversation, not raw
        ({}, None, None),
    ]
