"""state.threads and state.files without a client: the bound on held responses, and the
multipart reader on what clients send."""

from __future__ import annotations

from typing import Any

from claude_fake.model import FakeRequest, FakeResponse
from claude_fake.state import files
from claude_fake.state.threads import Threads
from claude_fake.wire.responses import json_response


def _turn(message_id: str, thread: dict[str, Any]) -> tuple[FakeRequest, FakeResponse]:
    body = {"model": "m", "max_tokens": 5, "messages": [{"role": "user", "content": "hi"}]}
    request = FakeRequest(method="POST", path="/v1/messages", body={**body, "thread": thread})
    reply = {"id": message_id, "type": "message", "role": "assistant", "stop_reason": "end_turn"}
    return request, json_response({**reply, "content": [{"type": "text", "text": "yo"}]}, "req")


def test_the_oldest_held_response_goes_first() -> None:
    threads = Threads(size=2)
    for name in ("msg_a", "msg_b", "msg_c"):
        request, response = _turn(name, {"type": "create"})
        threads.answer(request, "req", lambda _r, answer=response: answer)
    assert "msg_a" not in threads
    assert len(threads) == 2
    assert threads.conversation("msg_c") == [
        {"role": "user", "content": "hi"},
        {"role": "assistant", "content": [{"type": "text", "text": "yo"}]},
    ]


def test_an_error_answer_is_not_held() -> None:
    threads = Threads()
    request, _ = _turn("msg_a", {"type": "create"})
    refused = json_response({"type": "error"}, "req", status=529)
    threads.answer(request, "req", lambda _r: refused)
    assert len(threads) == 0


def test_the_multipart_reader() -> None:
    raw = (
        b"--XyZ\r\n"
        b'Content-Disposition: form-data; name="file"; filename="dir/a b.pdf"\r\n'
        b"Content-Type: application/pdf\r\n\r\n%PDF\r\n\x00\xff\r\n"
        b'--XyZ\r\nContent-Disposition: form-data; name="expires_in_seconds"\r\n\r\n3600\r\n'
        b"--XyZ--\r\n"
    )
    headers = {"content-type": 'multipart/form-data; boundary="XyZ"'}
    upload = files.parse_upload(
        FakeRequest(method="POST", path="/v1/files", headers=headers, raw=raw)
    )
    assert isinstance(upload, files.Upload)
    assert upload.content == b"%PDF\r\n\x00\xff"
    assert (upload.filename, upload.mime_type) == ("dir/a b.pdf", "application/pdf")
    assert upload.expires_in_seconds == "3600"
    json_body = FakeRequest(method="POST", path="/v1/files", raw=b"{}")
    assert "multipart/form-data" in str(files.parse_upload(json_body))
