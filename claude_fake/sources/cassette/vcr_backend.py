"""The only module that imports vcrpy: our YAML serializer and an atomic persister for it.

Both follow vcrpy's protocols, so a plain ``vcr.VCR`` can use claude-fake cassettes too::

    my_vcr.register_serializer("claude", SERIALIZER)
    my_vcr.register_persister(AtomicPersister)

vcrpy is imported only to save (its import costs about half a second), so replaying never loads
it. Loading uses a safe YAML loader: no ``!!python/...`` tag can build an object or run code.

Cassettes are block YAML. From ``LARGE`` interactions on they are written as indented JSON
instead, which is YAML too (any YAML reader, vcrpy's included, reads it) but parses with the C
``json`` module: PyYAML needs about 2.5 ms per interaction, so 10,000 of them would take 25 s.
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from pathlib import Path
from typing import Any

import yaml

from claude_fake.sources.cassette import format as fmt

LARGE = 200
_BaseLoader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_BaseDumper: Any = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


class SafeCassetteLoader(_BaseLoader):  # type: ignore[misc]
    """YAML's safe loader plus the few inert Python tags old vcrpy cassettes carry."""


def _scalar(loader: Any, node: Any) -> Any:
    return loader.construct_scalar(node)


def _tuple(loader: Any, node: Any) -> Any:
    return tuple(loader.construct_sequence(node))


def _bytesio(loader: Any, node: Any) -> bytes:
    state = loader.construct_mapping(node, deep=True).get("state") or (b"",)
    data = state[0] if state else b""
    return data.encode() if isinstance(data, str) else bytes(data or b"")


for _tag, _build in (
    ("python/str", _scalar),
    ("python/unicode", _scalar),
    ("python/tuple", _tuple),
    ("python/object/new:_io.BytesIO", _bytesio),
):
    SafeCassetteLoader.add_constructor("tag:yaml.org,2002:" + _tag, _build)


class ReadableDumper(_BaseDumper):  # type: ignore[misc]
    """Safe dumper; multi-line strings as ``|`` blocks so transcripts diff line by line."""


def _str(dumper: Any, value: str) -> Any:
    style = "|" if "\n" in value and len(value) < 20000 else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


ReadableDumper.add_representer(str, _str)


def load_yaml(text: str) -> Any:
    """Parse cassette text safely (as JSON first when it looks like JSON: JSON is YAML too)."""
    if text.lstrip().startswith("{"):
        try:
            return json.loads(text)
        except ValueError:
            pass
    return yaml.load(text, Loader=SafeCassetteLoader)


def dump_yaml(doc: Any) -> str:
    """Cassette text in the readable form (indented JSON for ``LARGE`` cassettes)."""
    if len(doc.get("interactions", ())) >= LARGE:
        return json.dumps(doc, ensure_ascii=False, indent=1) + "\n"
    return str(
        yaml.dump(doc, Dumper=ReadableDumper, sort_keys=False, allow_unicode=True, width=100)
    )


class ClaudeSerializer:
    """A vcrpy serializer: our readable YAML on disk, vcrpy's in-memory form in between."""

    @staticmethod
    def deserialize(cassette_string: str) -> dict[str, Any]:
        """YAML text (any supported shape) to vcrpy's ``{version, interactions}`` form."""
        doc = load_yaml(cassette_string)
        pairs = [fmt.vcr_form(i) for i in fmt.interactions_from_doc(doc)]
        interactions = [{"request": req, "response": resp} for req, resp in pairs]
        return {"version": fmt.VERSION, "interactions": interactions}

    @staticmethod
    def serialize(cassette_dict: dict[str, Any]) -> str:
        """vcrpy's form to readable YAML."""
        interactions = fmt.interactions_from_doc(cassette_dict)
        return dump_yaml(fmt.readable_doc(interactions))


SERIALIZER = ClaudeSerializer()


def atomic_write(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` via a temp file in the same folder, fsync, and os.replace."""
    path.parent.mkdir(parents=True, exist_ok=True)
    mode = path.stat().st_mode & 0o777 if path.exists() else 0o644
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    with contextlib.suppress(OSError):  # make the rename itself durable (POSIX)
        dir_fd = os.open(path.parent, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)


class AtomicPersister:
    """vcrpy's filesystem persister, with atomic saves."""

    @classmethod
    def load_cassette(cls, cassette_path: str | os.PathLike[str], serializer: Any) -> Any:
        """vcrpy's ``(requests, responses)`` from the file; CassetteNotFoundError when absent."""
        from vcr import serialize as vcr_serialize
        from vcr.persisters.filesystem import CassetteNotFoundError

        path = Path(cassette_path)
        if not path.is_file():
            raise CassetteNotFoundError()
        data = path.read_text(encoding="utf-8")
        if not data.strip():
            raise CassetteNotFoundError()
        return vcr_serialize.deserialize(data, serializer)

    @staticmethod
    def save_cassette(
        cassette_path: str | os.PathLike[str], cassette_dict: dict[str, Any], serializer: Any
    ) -> None:
        """Serialize vcrpy's ``{requests, responses}`` and write it atomically."""
        from vcr import serialize as vcr_serialize

        atomic_write(Path(cassette_path), vcr_serialize.serialize(cassette_dict, serializer))


def load_document(path: Path) -> Any:
    """The parsed YAML (or JSON) document of a cassette file; None when absent or empty.

    Reads the file as ``AtomicPersister.load_cassette`` does, but our values are then built
    straight from the document instead of through vcrpy's Request objects (three times faster).
    """
    if not path.is_file():
        return None
    data = path.read_text(encoding="utf-8")
    if not data.strip():
        return None
    return load_yaml(data)


def save(path: Path, interactions: list[fmt.Interaction]) -> None:
    """Write interactions through vcrpy's serializer protocol, atomically."""
    from vcr.request import Request

    pairs = [fmt.vcr_form(i) for i in interactions]
    cassette = {
        "requests": [Request(**req) for req, _ in pairs],
        "responses": [r for _, r in pairs],
    }
    AtomicPersister.save_cassette(path, cassette, SERIALIZER)
