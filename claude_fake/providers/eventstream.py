"""AWS event-stream framing (``application/vnd.amazon.eventstream``), as Bedrock's
``InvokeModelWithResponseStream`` sends it and botocore's ``EventStreamBuffer`` reads it.

A message: a 12-byte prelude (total length, headers length, CRC32 of those 8 bytes), headers
(name length, name, type 7 = string, value length, value), the payload, and a CRC32 of everything
before it. A ``chunk`` event's payload is ``{"bytes": "<base64 of one Messages stream event>"}``;
an error is an ``exception`` message whose ``:exception-type`` names the member of the
``ResponseStream`` shape (``throttlingException``, ...) with ``{"message": ...}`` as payload.
"""

from __future__ import annotations

import base64
import struct
import zlib

from claude_fake.wire.jsontext import compact

CONTENT_TYPE = "application/vnd.amazon.eventstream"
_STRING = 7


def header_block(headers: dict[str, str]) -> bytes:
    """Event-stream headers, all of string type."""
    out = bytearray()
    for name, value in headers.items():
        raw_name, raw_value = name.encode(), value.encode()
        out += struct.pack("B", len(raw_name)) + raw_name
        out += struct.pack(">BH", _STRING, len(raw_value)) + raw_value
    return bytes(out)


_CHUNK_HEADERS = header_block(
    {":event-type": "chunk", ":content-type": "application/json", ":message-type": "event"}
)


def frame(headers: bytes, payload: bytes) -> bytes:
    """One event-stream message: prelude with its CRC, headers, payload, message CRC."""
    total = 12 + len(headers) + len(payload) + 4
    prelude = struct.pack(">II", total, len(headers))
    prelude += struct.pack(">I", zlib.crc32(prelude))
    body = prelude + headers + payload
    return body + struct.pack(">I", zlib.crc32(body))


def chunk(event_data: bytes) -> bytes:
    """A ``chunk`` message carrying one Messages stream event's JSON (base64 in ``bytes``)."""
    payload = b'{"bytes":"' + base64.b64encode(event_data) + b'"}'
    return frame(_CHUNK_HEADERS, payload)


def exception(exception_type: str, message: str) -> bytes:
    """An ``exception`` message: ``exception_type`` is a ResponseStream member name."""
    headers = header_block(
        {
            ":exception-type": exception_type,
            ":content-type": "application/json",
            ":message-type": "exception",
        }
    )
    return frame(headers, compact({"message": message}).encode())
