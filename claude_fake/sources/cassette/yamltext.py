"""The text of a cassette file: loading (safe and bounded), dumping, appending, atomic writing.

Loading is bounded: a safe YAML loader (no ``!!python/...`` tag builds an object or runs code),
a size limit, and a cap on what anchors and aliases expand to, so a YAML "billion laughs" is
refused at once with a clear error.

Cassettes are block YAML. From ``LARGE`` interactions on, each interaction is one line of JSON in
the block sequence (``- {...}``): YAML too (any YAML reader, vcrpy's included, reads it), but it
parses with the C ``json`` module (PyYAML needs about 0.6 ms per interaction, so 10,000 would
take 6 s). Both forms end with the ``interactions`` list, so recording appends to the file:
its cost does not grow with the cassette.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import yaml

from claude_fake.sources.cassette import format as fmt

LARGE = 200
MAX_BYTES = 512 * 1024 * 1024  # a cassette file larger than this is refused before it is read
MAX_NODES = 5_000_000  # what anchors and aliases may expand to, in YAML nodes
HEAD = "version: 1\ninteractions:\n"
_BaseLoader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_BaseDumper: Any = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
# An anchor (&a) or alias (*a) where a YAML node may start; text in block scalars may match too,
# and then the exact check (the parser's events) decides.
_ANCHOR_HINT = re.compile(r"(?:^|[\s\[{,])[&*][^\s\[\]{},]")
# Characters json.dumps leaves as they are that YAML refuses or reads as line breaks.
_YAML_UNSAFE = re.compile("[\x7f-\x9f\u2028\u2029\ud800-\udfff\ufeff\ufffe\uffff]")


class UnsafeYaml(ValueError):
    """A cassette's YAML is too large, or its aliases expand too far."""


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
    """Safe dumper; multi-line strings as ``|`` blocks so transcripts diff line by line; never
    anchors or aliases (a shared object is written out in full each time)."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


def _str(dumper: Any, value: str) -> Any:
    style = "|" if "\n" in value and len(value) < 20000 else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


def _flow(dumper: Any, value: fmt.Flow) -> Any:
    return dumper.represent_mapping("tag:yaml.org,2002:map", value, flow_style=True)


ReadableDumper.add_representer(str, _str)
ReadableDumper.add_representer(fmt.Flow, _flow)


def _expanded_nodes(text: str) -> int:
    """How many YAML nodes the text makes once every alias is expanded (stops past the cap)."""
    sizes: dict[str, int] = {}
    stack: list[list[Any]] = [[None, 0]]
    total = 0
    for event in yaml.parse(text, Loader=SafeCassetteLoader):
        if isinstance(event, yaml.CollectionStartEvent):
            stack.append([event.anchor, 1])
            total += 1
        elif isinstance(event, yaml.CollectionEndEvent):
            anchor, count = stack.pop()
            if anchor:
                sizes[anchor] = count
            stack[-1][1] += count
        elif isinstance(event, yaml.ScalarEvent | yaml.AliasEvent):
            count = sizes.get(event.anchor or "", 1) if isinstance(event, yaml.AliasEvent) else 1
            stack[-1][1] += count
            total += count
        if total > MAX_NODES:
            break
    return total


def check_bounds(text: str) -> None:
    """UnsafeYaml when the text is too large or its aliases expand past ``MAX_NODES``."""
    if len(text) > MAX_BYTES:
        raise UnsafeYaml(f"the file has {len(text):,} characters; the limit is {MAX_BYTES:,}")
    if _ANCHOR_HINT.search(text) and _expanded_nodes(text) > MAX_NODES:
        raise UnsafeYaml(
            f"its anchors and aliases expand to more than {MAX_NODES:,} YAML nodes "
            "(a 'billion laughs' document); cassettes claude-fake writes use none"
        )


def _lines_form(text: str) -> Any:
    """The document of a cassette in the one-JSON-line-per-interaction form; None otherwise."""
    if not text.startswith(HEAD + "- {"):
        return None
    items = []
    for line in text[len(HEAD) :].split("\n"):
        if not line:
            continue
        if not line.startswith("- {"):
            return None
        try:
            items.append(json.loads(line[2:]))
        except ValueError:
            return None
    return {"version": fmt.VERSION, "interactions": items}


def load_yaml(text: str) -> Any:
    """Parse cassette text safely and within bounds (JSON forms with the json module)."""
    if text.lstrip().startswith("{"):
        with contextlib.suppress(ValueError):
            return json.loads(text)
    lines = _lines_form(text)
    if lines is not None:
        return lines
    check_bounds(text)
    return yaml.load(text, Loader=SafeCassetteLoader)


def _escape(match: re.Match[str]) -> str:
    return f"\\u{ord(match.group()):04x}"


def json_line(item: Any) -> str:
    """One interaction as a single line of JSON that YAML reads as the same value."""
    return _YAML_UNSAFE.sub(_escape, json.dumps(item, ensure_ascii=False))


def items_text(items: Iterable[Any], *, large: bool) -> str:
    """Readable interactions as the text of block sequence entries (appendable to a cassette)."""
    items = list(items)
    if not items:
        return ""
    if large:
        return "".join(f"- {json_line(item)}\n" for item in items)
    text = yaml.dump(items, Dumper=ReadableDumper, sort_keys=False, allow_unicode=True, width=100)
    return str(text)


def dump_yaml(doc: Any) -> str:
    """Cassette text in the readable form (one JSON line per interaction for ``LARGE`` ones)."""
    items = doc.get("interactions") or []
    if not items:
        return f"version: {fmt.VERSION}\ninteractions: []\n"
    return HEAD + items_text(items, large=len(items) >= LARGE)


def appendable(path: Path) -> str | None:
    """``"block"`` or ``"lines"`` when interactions can be appended to the file as it is."""
    try:
        with path.open("rb") as handle:
            head = handle.read(len(HEAD) + 3)
            handle.seek(-1, os.SEEK_END)
            last = handle.read(1)
    except OSError:
        return None
    if last != b"\n" or not head.startswith(HEAD.encode()):
        return None
    entry = head[len(HEAD) :]
    if entry == b"- {":
        return "lines"
    return "block" if entry.startswith(b"- ") else None


def append_text(path: Path, text: str) -> None:
    """Append ``text`` to the file in one write, then fsync (a killed process leaves whole
    entries: the kernel completes a write to a regular file before the process dies)."""
    data = text.encode("utf-8")
    fd = os.open(path, os.O_WRONLY | os.O_APPEND)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view) :]
        os.fsync(fd)
    finally:
        os.close(fd)


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


def load_document(path: Path) -> Any:
    """The parsed YAML (or JSON) document of a cassette file; None when absent or empty.

    Our values are then built straight from the document instead of through vcrpy's Request
    objects (three times faster). A file over ``MAX_BYTES`` is refused before it is read.
    """
    if not path.is_file():
        return None
    size = path.stat().st_size
    if size > MAX_BYTES:
        raise UnsafeYaml(f"the file has {size:,} bytes; the limit is {MAX_BYTES:,}")
    data = path.read_text(encoding="utf-8")
    if not data.strip():
        return None
    return load_yaml(data)


def save(path: Path, interactions: list[fmt.Interaction]) -> None:
    """Write the whole cassette in the readable form, atomically."""
    atomic_write(path, dump_yaml(fmt.readable_doc(interactions)))
