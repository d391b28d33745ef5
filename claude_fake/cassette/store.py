"""Naming, loading and atomic saving of cassette files."""

from __future__ import annotations

import hashlib
import os
import re
from pathlib import Path

import yaml

from ..errors import CassetteCorrupt
from . import format as fmt
from . import vcr_backend

MAX_NAME = 120
_UNSAFE = re.compile(r"[^A-Za-z0-9._\-\[\]=+,@]")


def _component(name: str, default: str) -> str:
    safe = _UNSAFE.sub("_", name).replace("..", "_")
    safe = safe.lstrip(".") or default
    if len(safe) > MAX_NAME:
        digest = hashlib.sha256(name.encode()).hexdigest()[:10]
        safe = f"{safe[: MAX_NAME - 11]}-{digest}"
    return safe


def cassette_path(base_dir: str | os.PathLike[str], module: str, test_name: str) -> Path:
    """``<base_dir>/<module>/<Class.test>.yaml``, each part made safe; never outside base_dir."""
    base = Path(base_dir)
    path = base / _component(module, "module") / (_component(test_name, "test") + ".yaml")
    resolved, root = path.resolve(), base.resolve()
    if root != resolved and root not in resolved.parents:  # pragma: no cover - defensive
        raise ValueError(f"cassette path {path} escapes {base}")
    return path


def load(path: str | os.PathLike[str]) -> list[fmt.Interaction] | None:
    """The interactions of a cassette; None when the file is absent or empty."""
    path = Path(path)
    try:
        return vcr_backend.load(path)
    except (yaml.YAMLError, ValueError, TypeError, KeyError, AttributeError, OSError) as exc:
        if isinstance(exc, OSError) and not path.exists():
            return None
        raise CassetteCorrupt(
            f"cannot read the cassette {path}.",
            why=f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else exc!r}",
            fix="Fix the YAML by hand, or delete the file and re-record it with "
            "--claude-record-mode=rewrite (needs ANTHROPIC_API_KEY).",
            anchor="recording",
        ) from exc


def save(path: str | os.PathLike[str], interactions: list[fmt.Interaction]) -> None:
    """Write the cassette atomically (temp file in the same folder, fsync, os.replace)."""
    vcr_backend.save(Path(path), interactions)


def read_text(path: str | os.PathLike[str]) -> str:
    """The raw text of a cassette file (for checks that look at the bytes on disk)."""
    return Path(path).read_text(encoding="utf-8", errors="replace")
