"""The ``claude_config`` fixture (pytest-recording's ``vcr_config``) and the cassette folder and
name fixtures (``vcr_cassette_dir``, ``default_cassette_name``): overridable per conftest,
module and class; precedence command line > marker > claude_config > ini > default."""

from __future__ import annotations

from pathlib import Path

import pytest
from cassette_text import cassette_yaml
from plugin_helpers import ASK, ini

QUESTION = "What is the weather in Paris?"


@pytest.fixture(autouse=True)
def _no_ci(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CI", raising=False)


def test_claude_config_is_overridden_per_conftest_module_and_class(
    pytester: pytest.Pytester,
) -> None:
    ini(pytester, "claude_validate = off")
    pytester.makeconftest(
        """
        import pytest

        @pytest.fixture(scope="module")
        def claude_config():
            return {"validate": "lenient", "allow_generated": False}
        """
    )
    pytester.makepyfile(
        test_scopes="""
        import pytest
        from claude_fake import ValidateMode

        def test_from_the_conftest(claude_fake):
            assert claude_fake.config.validate is ValidateMode.LENIENT
            assert claude_fake.config.allow_generated is False

        @pytest.mark.claude_fake(validate="strict")
        def test_the_marker_wins(claude_fake):
            assert claude_fake.config.validate is ValidateMode.STRICT
            assert claude_fake.config.allow_generated is False

        class TestOverride:
            @pytest.fixture
            def claude_config(self):
                return {"assert_all_used": False}

            def test_the_class_fixture_wins(self, claude_fake):
                assert claude_fake.config.validate is ValidateMode.OFF  # from the ini
                assert claude_fake.config.assert_all_used is False
                claude_fake.reply("spare")  # no teardown failure
        """
    )
    pytester.runpytest().assert_outcomes(passed=3)


def test_the_command_line_wins_over_claude_config(pytester: pytest.Pytester) -> None:
    ini(pytester)
    pytester.makepyfile(
        """
        import pytest
        from claude_fake import ValidateMode

        @pytest.fixture
        def claude_config():
            return {"validate": "lenient"}

        def test_cli(claude_fake):
            assert claude_fake.config.validate is ValidateMode.OFF
        """
    )
    pytester.runpytest("--claude-validate=off").assert_outcomes(passed=1)


def test_claude_config_passes_any_engine_setting_through(pytester: pytest.Pytester) -> None:
    ini(pytester)
    pytester.makepyfile(
        """
        import pytest

        @pytest.fixture
        def claude_config():
            return {"models": ["claude-custom-1"], "batch_delay": 2, "journal_size": 5}

        def test_passed(claude_fake):
            assert claude_fake.config.models == ("claude-custom-1",)
            assert claude_fake.config.batch_delay == 2.0
            assert claude_fake.config.journal_size == 5
        """
    )
    pytester.runpytest().assert_outcomes(passed=1)


def test_a_bad_claude_config_errors_the_test_with_what_why_and_fix(
    pytester: pytest.Pytester,
) -> None:
    ini(pytester)
    pytester.makepyfile(
        """
        import pytest

        class TestTypo:
            @pytest.fixture
            def claude_config(self):
                return {"valdiate": "off"}

            def test_typo(self, claude_fake):
                pass

        class TestManaged:
            @pytest.fixture
            def claude_config(self):
                return {"cassette": "x.yaml"}

            def test_managed(self, claude_fake):
                pass

        class TestNotADict:
            @pytest.fixture
            def claude_config(self):
                return ["validate", "off"]

            def test_list(self, claude_fake):
                pass
        """
    )
    result = pytester.runpytest()
    result.assert_outcomes(errors=3)
    result.stdout.fnmatch_lines(
        [
            "claude_fake: the claude_config fixture: unknown setting 'valdiate'.",
            "Known settings are: *",
            "Did you mean 'validate'? Check the spelling against the options table. "
            "See README#options.",
        ],
        consecutive=True,
    )
    result.stdout.fnmatch_lines(
        [
            "claude_fake: the claude_config fixture: cassette= cannot be set here.",
            "The plugin sets cassette for each test: @pytest.mark.claude_cassette(path=...) "
            "names the cassette.",
            "Remove cassette=. See README#markers.",
        ],
        consecutive=True,
    )
    result.stdout.fnmatch_lines(
        ["claude_fake: the claude_config fixture returned list, not a dict of settings."]
    )


def test_the_cassette_folder_and_name_fixtures_move_the_cassette(
    pytester: pytest.Pytester,
) -> None:
    ini(pytester)
    shared = Path(pytester.path, "recorded", "weather.yaml")
    shared.parent.mkdir()
    shared.write_text(cassette_yaml(QUESTION, "Sunny"))
    pytester.makeconftest(
        """
        import pathlib
        import pytest

        @pytest.fixture
        def claude_cassette_dir(request):
            return pathlib.Path(request.config.rootpath, "recorded")

        @pytest.fixture
        def claude_cassette_name():
            return "weather"
        """
    )
    pytester.makepyfile(
        test_moved=f"""
        import pytest

        @pytest.mark.claude_cassette
        def test_default_name(claude_client):
            assert {ASK}.content[0].text == "Sunny"

        @pytest.mark.claude_cassette(path="weather")
        def test_relative_to_the_folder(claude_client):
            assert {ASK}.content[0].text == "Sunny"
        """
    )
    pytester.runpytest().assert_outcomes(passed=2)


def test_the_default_cassette_folder_and_name(pytester: pytest.Pytester) -> None:
    ini(pytester)
    pytester.makepyfile(
        test_names="""
        def test_folder(claude_cassette_dir, claude_cassette_name, request):
            assert claude_cassette_dir == request.path.parent / "cassettes" / "test_names"
            assert claude_cassette_name == "test_folder"

        class TestGroup:
            def test_in_class(self, claude_cassette_name):
                assert claude_cassette_name == "TestGroup.test_in_class"
        """
    )
    pytester.runpytest().assert_outcomes(passed=2)


def test_the_cassette_dir_option_moves_the_folder(pytester: pytest.Pytester) -> None:
    ini(pytester)
    pytester.makepyfile(
        test_opt="""
        def test_folder(claude_cassette_dir, request):
            assert claude_cassette_dir == request.config.rootpath / "elsewhere" / "test_opt"
        """
    )
    pytester.runpytest("--claude-cassette-dir=elsewhere").assert_outcomes(passed=1)
