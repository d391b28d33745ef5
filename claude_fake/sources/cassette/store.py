"""Naming, loading and atomic saving of cassette files.

A test id becomes a file name by replacing the characters unsafe in paths; when anything had to
be replaced (or the name is too long), a short hash of the id is added, so two distinct ids never
share a file: ``test_x[a/b]``, ``test_x[a..b]`` and ``test_x[a_b]`` get three names.
"""

from __future__ import annotations

import hashlib
import os
import re
import zlib
from pathlib import Path
from typing import Any

import yaml

from claude_fake.errors import CassetteCorrupt
from claude_fake.sources.cassette import format as fmt
from claude_fake.sources.cassette import yamltext

MAX_NAME = 120
_UNSAFE = re.compile(r"[^A-Za-z0-9._\-\[\]=+,@]")


def _component(name: str, default: str) -> str:
    safe = _UNSAFE.sub("_", name).replace("..", "_")
    safe = safe.lstrip(".") or default
    if name and (safe != name or len(safe) > MAX_NAME):
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


def _reason(exc: BaseException) -> str:
    """What is wrong, with the line and column of a YAML error (as ``cassette check`` shows)."""
    mark = getattr(exc, "problem_mark", None)
    if isinstance(exc, yaml.MarkedYAMLError) and mark is not None:
        context = f" ({exc.context})" if exc.context else ""
        where = f"line {mark.line + 1}, column {mark.column + 1}"
        return f"{type(exc).__name__} at {where}: {exc.problem}{context}"
    first = str(exc).splitlines()[0] if str(exc) else repr(exc)
    return f"{type(exc).__name__}: {first}"


def _corrupt(path: Path, exc: BaseException) -> CassetteCorrupt:
    return CassetteCorrupt(
        f"cannot read the cassette {path}.",
        why=_reason(exc),
        fix="Fix the YAML by hand, or delete the file and re-record it with "
        "--claude-record-mode=rewrite (needs ANTHROPIC_API_KEY).",
        anchor="recording",
    )


_BROKEN = (
    yaml.YAMLError,
    ValueError,
    TypeError,
    KeyError,
    AttributeError,
    OSError,
    EOFError,
    zlib.error,
    RecursionError,
)


class LoadedCassette:
    """A cassette read from disk: every request parsed at once, each response on first use.

    Parsing a response (decoding a gzip body, splitting a stream) is the larger half of the work,
    so a large cassette is ready sooner and only the answers played are ever decoded.
    """

    def __init__(self, path: Path, raw: list[Any]) -> None:
        self.path = path
        self._raw = raw
        try:
            self.requests = [fmt.request_of(item) for item in raw]
        except _BROKEN as exc:
            raise _corrupt(path, exc) from exc
        self._parsed: dict[int, fmt.Interaction] = {}

    def __len__(self) -> int:
        return len(self._raw)

    @property
    def timed(self) -> int:
        """How many interactions say when their answer came (``timing``)."""
        return sum(
            1
            for item in self._raw
            if isinstance(item.get("response"), dict) and "timing" in item["response"]
        )

    def interaction(self, index: int) -> fmt.Interaction:
        """The index-th interaction, its response parsed now if it was not yet."""
        found = self._parsed.get(index)
        if found is None:
            try:
                response = fmt.response_from_dict(self._raw[index]["response"])
            except _BROKEN as exc:
                raise _corrupt(self.path, exc) from exc
            found = fmt.Interaction(request=self.requests[index], response=response)
            self._parsed[index] = found
        return found

    def interactions(self) -> list[fmt.Interaction]:
        """Every interaction, all parsed."""
        return [self.interaction(i) for i in range(len(self._raw))]


def open_cassette(path: str | os.PathLike[str]) -> LoadedCassette | None:
    """The cassette at ``path``, ready to replay; None when the file is absent or empty."""
    path = Path(path)
    try:
        doc = yamltext.load_document(path)
        return None if doc is None else LoadedCassette(path, fmt.raw_interactions(doc))
    except _BROKEN as exc:
        if isinstance(exc, OSError) and not path.exists():
            return None
        raise _corrupt(path, exc) from exc


def load(path: str | os.PathLike[str]) -> list[fmt.Interaction] | None:
    """The interactions of a cassette, all parsed; None when the file is absent or empty."""
    cassette = open_cassette(path)
    return None if cassette is None else cassette.interactions()


def save(path: str | os.PathLike[str], interactions: list[fmt.Interaction]) -> None:
    """Write the cassette atomically (temp file in the same folder, fsync, os.replace)."""
    yamltext.save(Path(path), interactions)


def read_text(path: str | os.PathLike[str]) -> str:
    """The raw text of a cassette file (for checks that look at the bytes on disk)."""
    return Path(path).read_text(encoding="utf-8", errors="replace")
