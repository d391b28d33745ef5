"""The ``claude_fake(seed=None, validate=None, assert_all_used=True)`` marker."""

from __future__ import annotations

import pytest
from plugin_helpers import MODEL, ini

BAD_REQUEST = (
    f'claude_client.messages.create(model="{MODEL}", max_tokens=64, '
    'messages=[{"role": "user", "content": "hi"}], extra_body={"bogus_field": 1})'
)


def test_seed_is_used_as_given_and_otherwise_mixed_with_the_test_id(
    pytester: pytest.Pytester,
) -> None:
    ini(pytester)
    pytester.makepyfile(
        test_seeds="""
        import pytest
        from claude_fake.wire.ids import stable_seed

        @pytest.mark.claude_fake(seed=42)
        def test_given(claude_fake):
            assert claude_fake.config.seed == 42

        def test_derived(claude_fake, request):
            assert claude_fake.config.seed == stable_seed(0, request.node.nodeid)
        """
    )
    pytester.runpytest().assert_outcomes(passed=2)


def test_validate_off_lets_a_bad_request_through(pytester: pytest.Pytester) -> None:
    ini(pytester)
    pytester.makepyfile(
        f"""
        import anthropic
        import pytest

        def test_strict_by_default(claude_client):
            with pytest.raises(anthropic.BadRequestError, match="bogus_field"):
                {BAD_REQUEST}

        @pytest.mark.claude_fake(validate="off")
        def test_off(claude_client):
            {BAD_REQUEST}
        """
    )
    pytester.runpytest().assert_outcomes(passed=2)


def test_the_narrowest_marker_wins_key_by_key(pytester: pytest.Pytester) -> None:
    ini(pytester)
    pytester.makepyfile(
        """
        import pytest
        from claude_fake import ValidateMode

        pytestmark = pytest.mark.claude_fake(seed=1, validate="lenient")

        class TestScopes:
            pytestmark = pytest.mark.claude_fake(seed=2)

            @pytest.mark.claude_fake(validate="off")
            def test_merged(self, claude_fake):
                assert claude_fake.config.seed == 2
                assert claude_fake.config.validate is ValidateMode.OFF
        """
    )
    pytester.runpytest().assert_outcomes(passed=1)


def test_a_bad_marker_argument_errors_the_test_with_the_signature(
    pytester: pytest.Pytester,
) -> None:
    ini(pytester)
    pytester.makepyfile(
        """
        import pytest

        @pytest.mark.claude_fake(sed=1)
        def test_typo(claude_fake):
            pass

        @pytest.mark.claude_fake(validate="loose")
        def test_bad_value(claude_fake):
            pass

        @pytest.mark.claude_fake(1, 2, 3, 4, 5)
        def test_too_many(claude_fake):
            pass
        """
    )
    result = pytester.runpytest()
    result.assert_outcomes(errors=3)
    result.stdout.fnmatch_lines(
        [
            "claude_fake: @pytest.mark.claude_fake: unknown setting 'sed'.",
            "Known settings are: *",
            "Did you mean 'seed'? Check the spelling against the options table. "
            "See README#options.",
        ],
        consecutive=True,
    )
    result.stdout.fnmatch_lines(
        [
            "claude_fake: @pytest.mark.claude_fake: too many positional arguments.",
            "The marker's signature is claude_fake(seed=None, validate=None, "
            "assert_all_used=True, allow_generated=True, **settings).",
            "Fix the marker's arguments. See README#markers.",
        ],
        consecutive=True,
    )
    result.stdout.fnmatch_lines(
        [
            "claude_fake: @pytest.mark.claude_fake validate='loose' is not a validation mode.",
            "Allowed values: strict, lenient, off.",
            "Fix the marker's argument. See README#options.",
        ],
        consecutive=True,
    )
