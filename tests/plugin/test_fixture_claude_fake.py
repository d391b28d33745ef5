"""The ``claude_fake`` fixture: one engine per test, and the teardown check users see."""

from __future__ import annotations

import pytest
from plugin_helpers import ASK, ini


def test_each_test_gets_its_own_engine(pytester: pytest.Pytester) -> None:
    ini(pytester)
    pytester.makepyfile(
        f"""
        seen = []

        def test_first(claude_fake, claude_client):
            claude_fake.reply("Sunny")
            assert {ASK}.content[0].text == "Sunny"
            seen.append(claude_fake)
            assert len(claude_fake.requests) == 1

        def test_second(claude_fake):
            assert claude_fake is not seen[0]
            assert claude_fake.requests == []
        """
    )
    pytester.runpytest("-p", "no:randomly").assert_outcomes(passed=2)


def test_an_unused_reply_fails_the_test_at_teardown(pytester: pytest.Pytester) -> None:
    ini(pytester)
    pytester.makepyfile(
        test_leftover="""
        def test_leftover(claude_fake):
            claude_fake.reply("never asked")
            claude_fake.fail(529)
        """
    )
    result = pytester.runpytest()
    result.assert_outcomes(passed=1, errors=1)
    result.stdout.fnmatch_lines(
        [
            "*_ ERROR at teardown of test_leftover _*",
            "claude_fake: 2 scripted items unused:",
            "  - reply [[]text[]] stop_reason=end_turn (scripted at *test_leftover.py:2): "
            "used 0 of 1",
            "  - fault 529 overloaded_error (scripted at *test_leftover.py:3): used 0 of 1",
            "Every reply and fault a test scripts is expected to be used: remove the ones your "
            "code does not need, script a reply that may go unused with optional=True, or mark "
            "the test @pytest.mark.claude_fake(assert_all_used=False). See README#scripting.",
        ],
        consecutive=True,
    )
    result.stdout.no_fnmatch_line("*traceback entries are hidden*")


def test_a_swallowed_request_problem_fails_the_test_at_teardown(pytester: pytest.Pytester) -> None:
    ini(pytester)
    pytester.makepyfile(
        test_swallowed=f"""
        import anthropic

        def test_swallowed(claude_fake, claude_client):
            claude_fake.reply("only one")
            {ASK}
            try:
                {ASK}
            except anthropic.InternalServerError:
                pass  # code under test that hides API errors
        """
    )
    result = pytester.runpytest()
    result.assert_outcomes(passed=1, errors=1)
    result.stdout.fnmatch_lines(
        [
            "claude_fake: 1 request problem:",
            "  - no scripted reply is left for request #2 (POST /v1/messages, last user text "
            "'What is the weather in Paris?').",
            "    This test scripted replies, so the generator is off and every answer must be "
            "scripted.",
            "    Script one more fake.reply(...), or use times=/when= to reuse replies. "
            "See README#scripting.",
            "Each problem was answered with an HTTP 500 the SDK does not retry; its own lines "
            "above say how to fix it.",
        ],
        consecutive=True,
    )


def test_a_failing_test_shows_the_problems_beside_its_failure(pytester: pytest.Pytester) -> None:
    ini(pytester)
    pytester.makepyfile(
        f"""
        def test_fails(claude_fake, claude_client):
            claude_fake.reply("only one")
            {ASK}
            {ASK}  # the SDK raises InternalServerError: no reply is left
        """
    )
    result = pytester.runpytest()
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "*- claude_fake: requests and scripts -*",
            "this test sent 2 requests:",
            "  #1 POST /v1/messages 'What is the weather in Paris?' -> scripted: text 'only one' "
            "(stop_reason end_turn)",
            "  #2 POST /v1/messages 'What is the weather in Paris?' -> error: api_error *no "
            "scripted reply is left for request #2 *",
            "claude_fake: 1 request problem:",
            "  - no scripted reply *",
        ],
        consecutive=True,
    )


def test_assert_all_used_false_turns_the_check_off(pytester: pytest.Pytester) -> None:
    ini(pytester)
    pytester.makepyfile(
        """
        import pytest

        @pytest.mark.claude_fake(assert_all_used=False)
        def test_leftover(claude_fake):
            claude_fake.reply("spare")
        """
    )
    pytester.runpytest().assert_outcomes(passed=1)


def test_a_skipped_or_xfailed_body_gets_no_teardown_check(pytester: pytest.Pytester) -> None:
    ini(pytester, "xfail_strict = true")
    pytester.makepyfile(
        """
        import pytest

        @pytest.mark.xfail(reason="known bug")
        def test_xfail(claude_fake):
            claude_fake.reply("spare")
            raise AssertionError

        def test_skipped_midway(claude_fake):
            claude_fake.reply("spare")
            pytest.skip("not today")
        """
    )
    pytester.runpytest().assert_outcomes(xfailed=1, skipped=1)
