"""Files (the Files API): what an engine holds, by id, and the ``file_id`` references a Messages
request may make to them.

``fake.files`` is a ``FileStore``: uploads land in it (through the API, or a replayed or recorded
upload), ``fake.files.add(...)`` puts one there directly (a file a tool made, ``downloadable``),
and tests read ``fake.files[file_id].content``. An upload with ``expires_in_seconds`` expires on
the engine clock (``fake.clock.advance``): its metadata stays, its content is gone
(``file_expired``).
"""

from __future__ import annotations

import mimetypes
import threading
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from claude_fake.model import FakeRequest, FakeResponse
from claude_fake.state.batches import timestamp
from claude_fake.wire.responses import api_error

MIN_EXPIRY, MAX_EXPIRY = 3_600, 7_776_000
FILE_SOURCES = ("document", "image")  # blocks whose `source` may be {"type": "file"}
NOT_FOUND = "File not found: {id}"
EXPIRED = "The file {id} expired at {when}: its content is no longer available."


@dataclass(slots=True, kw_only=True)
class StoredFile:
    """One file: its metadata and its bytes."""

    id: str
    filename: str
    mime_type: str
    content: bytes
    created_at: float
    downloadable: bool = False
    expires_at: float | None = None

    def expired(self, now: float) -> bool:
        """Whether its content is gone (``expires_at`` has passed)."""
        return self.expires_at is not None and now >= self.expires_at

    def to_json(self) -> dict[str, Any]:
        """The file's metadata as the API answers it (``FileMetadata``)."""
        out: dict[str, Any] = {
            "id": self.id,
            "type": "file",
            "filename": self.filename,
            "mime_type": self.mime_type,
            "size_bytes": len(self.content),
            "created_at": timestamp(self.created_at),
            "downloadable": self.downloadable,
        }
        if self.expires_at is not None:
            out["expires_at"] = timestamp(self.expires_at)
        return out


class FileStore:
    """The files an engine holds, oldest first. Thread-safe; ``fake.files``."""

    def __init__(self, new_id: Callable[[str], str], now: Callable[[], float]) -> None:
        self._new_id, self._now = new_id, now
        self._lock = threading.Lock()
        self._files: dict[str, StoredFile] = {}

    def add(
        self,
        content: bytes | str,
        *,
        filename: str = "",
        mime_type: str | None = None,
        downloadable: bool = False,
        expires_in: float | None = None,
        file_id: str | None = None,
        created_at: float | None = None,
    ) -> StoredFile:
        """Hold a file (a new id unless ``file_id``); ``downloadable=True`` for one a tool made."""
        data = content.encode() if isinstance(content, str) else bytes(content)
        mime = mime_type or mimetypes.guess_type(filename)[0] or "application/octet-stream"
        name = filename.replace("\\", "/").rsplit("/", 1)[-1]
        if not name:
            name = "unnamed" + (mimetypes.guess_extension(mime) or "")
        created = self._now() if created_at is None else created_at
        stored = StoredFile(
            id=file_id or self._new_id("file"),
            filename=name,
            mime_type=mime,
            content=data,
            created_at=created,
            downloadable=downloadable,
            expires_at=None if expires_in is None else created + expires_in,
        )
        with self._lock:
            self._files[stored.id] = stored
        return stored

    def get(self, file_id: str) -> StoredFile | None:
        with self._lock:
            return self._files.get(file_id)

    def __getitem__(self, file_id: str) -> StoredFile:
        found = self.get(file_id)
        if found is None:
            raise KeyError(
                f"no file {file_id!r} is held (held: {', '.join(self._files) or 'none'})"
            )
        return found

    def __contains__(self, file_id: object) -> bool:
        return file_id in self._files

    def __iter__(self) -> Iterator[StoredFile]:
        with self._lock:
            return iter(list(self._files.values()))

    def __len__(self) -> int:
        return len(self._files)

    def __repr__(self) -> str:
        names = ", ".join(f"{f.id} ({f.filename})" for f in self)
        return f"<FileStore {len(self)} file{'s' if len(self) != 1 else ''}: {names}>"

    def remove(self, file_id: str) -> bool:
        """Delete a file; whether it was held."""
        with self._lock:
            return self._files.pop(file_id, None) is not None

    def clear(self) -> None:
        with self._lock:
            self._files.clear()

    def now(self) -> float:
        return self._now()

    def observe(self, request: FakeRequest, endpoint: str, response: FakeResponse) -> None:
        """Keep in step with an answer another source gave (a replayed or recorded upload or
        delete), so later ``file_id`` references resolve as they did upstream."""
        payload = response.payload
        if response.status != 200 or not isinstance(payload, dict):
            return
        file_id = payload.get("id")
        if not isinstance(file_id, str) or (endpoint == "files.upload" and file_id in self):
            return
        if endpoint == "files.delete":
            self.remove(file_id)
        elif endpoint == "files.upload":
            upload = parse_upload(request)
            content = upload.content if isinstance(upload, Upload) else b""
            self.add(
                content,
                filename=str(payload.get("filename") or ""),
                mime_type=str(payload.get("mime_type") or "") or None,
                downloadable=bool(payload.get("downloadable")),
                file_id=file_id,
            )


@dataclass(frozen=True, slots=True)
class Upload:
    """The parts of an upload's multipart body that matter: the file, and its expiry."""

    content: bytes
    filename: str
    mime_type: str | None
    expires_in_seconds: str | None


def parse_upload(request: FakeRequest) -> Upload | str:
    """The upload in a ``multipart/form-data`` body, or the API's message for a bad one."""
    parts = multipart_parts(request.raw, request.headers.get("content-type", ""))
    if isinstance(parts, str):
        return parts
    found = parts.get("file")
    if found is None:
        return "file: Field required"
    expiry = parts.get("expires_in_seconds")
    return Upload(
        content=found[2],
        filename=found[0] or "",
        mime_type=found[1],
        expires_in_seconds=None if expiry is None else expiry[2].decode("utf-8", "replace"),
    )


Part = tuple[str | None, str | None, bytes]  # (filename, content type, bytes)


def multipart_parts(raw: bytes, content_type: str) -> dict[str, Part] | str:
    """The parts of a ``multipart/form-data`` body by name, or why it cannot be read."""
    kind, _, rest = content_type.partition(";")
    if kind.strip().lower() != "multipart/form-data":
        return "Content-Type must be multipart/form-data for a file upload."
    boundary = _param(rest, "boundary")
    if not boundary:
        return "The multipart/form-data Content-Type has no boundary."
    parts: dict[str, Part] = {}
    for piece in raw.split(b"--" + boundary.encode())[1:]:
        if piece.startswith(b"--"):
            break
        head, _, data = piece.removeprefix(b"\r\n").partition(b"\r\n\r\n")
        headers = _part_headers(head.decode("utf-8", "replace"))
        disposition = headers.get("content-disposition", "")
        name = _param(disposition, "name")
        if name is not None:
            parts[name] = (_param(disposition, "filename"), headers.get("content-type"), data[:-2])
    return parts


def _part_headers(head: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for line in head.split("\r\n"):
        key, sep, value = line.partition(":")
        if sep:
            out[key.strip().lower()] = value.strip()
    return out


def _param(header: str, name: str) -> str | None:
    """A ``name=value`` parameter of a header (quoted or not)."""
    for item in header.split(";"):
        key, sep, value = item.strip().partition("=")
        if sep and key.strip().lower() == name:
            return value.strip().strip('"')
    return None


def file_ids(body: Any) -> Iterator[tuple[str, str]]:
    """(block type, file id) of every ``file_id`` a Messages body references: document and image
    sources of ``{"type": "file"}``, and ``container_upload`` blocks, in any message."""
    messages = body.get("messages") if isinstance(body, Mapping) else None
    for message in messages if isinstance(messages, list) else ():
        content = message.get("content") if isinstance(message, Mapping) else None
        for block in content if isinstance(content, list) else ():
            yield from _block_file_ids(block)


def _block_file_ids(block: Any) -> Iterator[tuple[str, str]]:
    if not isinstance(block, Mapping):
        return
    kind = block.get("type")
    if kind == "container_upload" and isinstance(block.get("file_id"), str):
        yield kind, block["file_id"]
    source = block.get("source")
    if kind in FILE_SOURCES and isinstance(source, Mapping) and source.get("type") == "file":
        file_id = source.get("file_id")
        yield from [(str(kind), file_id)] if isinstance(file_id, str) else []
    if kind == "tool_result" and isinstance(block.get("content"), list):
        for inner in block["content"]:
            yield from _block_file_ids(inner)


def check(store: FileStore, request: FakeRequest, request_id: str) -> FakeResponse | None:
    """The API's answer to a request whose ``file_id`` names no file held, or one expired.
    A body whose text has no ``file_id`` at all (a thread's whole conversation aside) is not
    walked: a long conversation costs nothing here."""
    if request.raw and request.sent is None and b"file_id" not in request.raw:
        return None
    now = store.now()
    for _kind, file_id in file_ids(request.body):
        found = store.get(file_id)
        if found is None:
            return api_error(404, "not_found_error", NOT_FOUND.format(id=file_id), request_id)
        if found.expired(now):
            assert found.expires_at is not None
            text = EXPIRED.format(id=file_id, when=timestamp(found.expires_at))
            details = {"error_code": "file_expired"}
            return api_error(404, "not_found_error", text, request_id, details=details)
    return None
