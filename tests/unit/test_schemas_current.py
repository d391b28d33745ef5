"""The committed request schemas match what scripts/gen_schemas.py makes from the installed SDK."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCHEMAS = ROOT / "claude_fake" / "validation" / "schemas"


@pytest.fixture(scope="module")
def gen_schemas() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "gen_schemas", ROOT / "scripts" / "gen_schemas.py"
    )
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("gen_schemas", module)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def built(gen_schemas: ModuleType) -> dict[str, str]:
    files: dict[str, str] = gen_schemas.build_all()
    return files


def test_committed_schemas_are_current(gen_schemas: ModuleType, built: dict[str, str]) -> None:
    stale = gen_schemas.check(built, SCHEMAS)
    assert not stale, (
        f"claude_fake/validation/schemas/ is stale for the installed anthropic SDK: {stale}. "
        "Run: python scripts/gen_schemas.py (then review the diff and SOURCE.md)."
    )


def test_check_mode_exit_status(
    gen_schemas: ModuleType,
    built: dict[str, str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setattr(gen_schemas, "build_all", lambda: built)
    for name, text in built.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    assert gen_schemas.main(["--check", "--out", str(tmp_path)]) == 0
    (tmp_path / "messages.json").write_text("{}\n", encoding="utf-8")
    (tmp_path / "SOURCE.md").unlink()
    assert gen_schemas.main(["--check", "--out", str(tmp_path)]) == 1
    out = capsys.readouterr().out
    assert "stale:" in out
    assert "messages.json" in out
    assert "SOURCE.md" in out


def test_schema_files_load(built: dict[str, str]) -> None:
    for name, text in built.items():
        if name.endswith(".json"):
            schema = json.loads(text)
            assert schema["additionalProperties"] is False, name
            assert schema["$schema"].endswith("2020-12/schema"), name


def test_source_md_names_the_sdk_version() -> None:
    import anthropic

    text = (SCHEMAS / "SOURCE.md").read_text(encoding="utf-8")
    assert f"anthropic {anthropic.__version__}" in text
    assert "Hand-written parts" in text
