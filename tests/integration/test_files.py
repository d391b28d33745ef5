"""The Files API through the real SDK (strict), GA and beta, in-process and over the server:
multipart upload, the cursor-paged list, metadata, content, delete, expiry on the engine clock,
``file_id`` sources in Messages (checked and counted), ``fake.files``, and uploads recorded against
a local upstream and replayed offline."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import anthropic
import pytest

from claude_fake import FakeClaude

MODEL = "claude-sonnet-4-6"
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
FILES_BETA = "files-api-2025-04-14"


def document(file_id: str) -> list[dict[str, Any]]:
    source = {"type": "file", "file_id": file_id}
    content = [{"type": "document", "source": source}, {"type": "text", "text": "Summarise it."}]
    return [{"role": "user", "content": content}]


def test_upload_then_read_back(fake: FakeClaude, client: anthropic.Anthropic) -> None:
    uploaded = client.files.upload(file=("reports/q3.pdf", PDF, "application/pdf"))
    assert uploaded.id.startswith("file_")
    assert uploaded.filename == "q3.pdf"  # only the last path component is kept
    assert (uploaded.mime_type, uploaded.size_bytes) == ("application/pdf", len(PDF))
    assert uploaded.downloadable is False
    assert uploaded.expires_at is None
    assert fake.files[uploaded.id].content == PDF
    assert client.files.retrieve_metadata(uploaded.id) == uploaded
    assert fake.requests[0].headers["content-type"].startswith("multipart/form-data; boundary=")


def test_beta_upload_with_expiry_and_unnamed_file(client: anthropic.Anthropic) -> None:
    uploaded = client.beta.files.upload(file=b"plain bytes", expires_in_seconds=3600)
    assert uploaded.filename.startswith("unnamed")
    assert uploaded.expires_at is not None
    assert (uploaded.expires_at - uploaded.created_at).total_seconds() == 3600


@pytest.mark.parametrize("seconds", [59, 7_776_001])
def test_an_expiry_out_of_range_is_refused(client: anthropic.Anthropic, seconds: int) -> None:
    with pytest.raises(anthropic.BadRequestError, match="expires_in_seconds"):
        client.files.upload(file=("a.txt", b"a"), expires_in_seconds=seconds)


def test_the_list_pages_newest_first(client: anthropic.Anthropic) -> None:
    ids = [client.files.upload(file=(f"f{i}.txt", b"x")).id for i in range(5)]
    first = client.files.list(limit=2)
    assert [f.id for f in first.data] == ids[::-1][:2]
    assert first.next_page
    assert [f.id for f in client.files.list(limit=2)] == ids[::-1]  # auto-paging
    assert [f.id for f in client.beta.files.list(ids=[ids[0], ids[3], "file_x"])] == [
        ids[3],
        ids[0],
    ]
    with pytest.raises(anthropic.BadRequestError, match="limit"):
        client.files.list(limit=0)


def test_delete(client: anthropic.Anthropic) -> None:
    uploaded = client.beta.files.upload(file=("a.txt", b"a"))
    deleted = client.beta.files.delete(uploaded.id)
    assert (deleted.id, deleted.type) == (uploaded.id, "file_deleted")
    with pytest.raises(anthropic.NotFoundError, match="File not found"):
        client.files.retrieve_metadata(uploaded.id)
    with pytest.raises(anthropic.NotFoundError):
        client.files.delete(uploaded.id)


def test_only_a_file_a_tool_made_downloads(fake: FakeClaude, client: anthropic.Anthropic) -> None:
    uploaded = client.files.upload(file=("a.txt", b"a"))
    with pytest.raises(anthropic.types.FileNotDownloadableError) as caught:
        client.files.download(uploaded.id)
    assert caught.value.status_code == 400
    made = fake.files.add(b"x,y\n1,2\n", filename="chart.csv", downloadable=True)
    downloaded = client.beta.files.download(made.id)
    assert downloaded.read() == b"x,y\n1,2\n"
    assert downloaded.http_response.headers["content-type"] == "text/csv"


def test_an_expired_file_keeps_its_metadata_not_its_content(
    fake: FakeClaude, client: anthropic.Anthropic
) -> None:
    made = fake.files.add(b"out", filename="out.txt", downloadable=True, expires_in=3600)
    fake.clock.advance(3601)
    assert client.files.retrieve_metadata(made.id).id == made.id
    with pytest.raises(anthropic.types.FileExpiredError) as caught:
        client.files.download(made.id)
    assert caught.value.status_code == 404
    with pytest.raises(anthropic.types.FileExpiredError):
        client.messages.create(model=MODEL, max_tokens=32, messages=document(made.id))


def test_a_file_id_round_trip(fake: FakeClaude, client: anthropic.Anthropic) -> None:
    uploaded = client.beta.files.upload(file=("q3.pdf", PDF, "application/pdf"))
    fake.reply("A short report.")
    reply = client.beta.messages.create(
        model=MODEL, max_tokens=64, messages=document(uploaded.id), betas=[FILES_BETA]
    )
    assert reply.content[0].text == "A short report."
    counted = client.beta.messages.count_tokens(
        model=MODEL, messages=document(uploaded.id), betas=[FILES_BETA]
    )
    assert counted.input_tokens == reply.usage.input_tokens
    assert counted.input_tokens > 1_000  # the document counts, not only the question


def test_images_and_container_uploads_by_file_id(client: anthropic.Anthropic) -> None:
    image = client.files.upload(file=("cat.png", b"\x89PNG\r\n\x1a\n", "image/png"))
    data = client.files.upload(file=("data.csv", b"a,b\n1,2\n", "text/csv"))
    blocks = [
        {"type": "image", "source": {"type": "file", "file_id": image.id}},
        {"type": "container_upload", "file_id": data.id},
        {"type": "text", "text": "Plot it."},
    ]
    reply = client.beta.messages.create(
        model=MODEL,
        max_tokens=64,
        messages=[{"role": "user", "content": blocks}],
        tools=[{"type": "code_execution_20250825", "name": "code_execution"}],
        betas=[FILES_BETA, "code-execution-2025-08-25"],
    )
    assert reply.usage.input_tokens > 0


@pytest.mark.parametrize("kind", ["document", "image", "container_upload"])
def test_an_unknown_file_id_is_not_found(client: anthropic.Anthropic, kind: str) -> None:
    block: dict[str, Any] = {"type": kind, "source": {"type": "file", "file_id": "file_01Nope"}}
    if kind == "container_upload":
        block = {"type": kind, "file_id": "file_01Nope"}
    content = [block, {"type": "text", "text": "Look."}]
    with pytest.raises(anthropic.NotFoundError, match="File not found: file_01Nope"):
        client.beta.messages.create(
            model=MODEL,
            max_tokens=32,
            messages=[{"role": "user", "content": content}],
            betas=[FILES_BETA],
        )
    with pytest.raises(anthropic.NotFoundError):
        client.beta.messages.count_tokens(
            model=MODEL, messages=[{"role": "user", "content": content}], betas=[FILES_BETA]
        )


async def test_async_upload_and_list(aclient: anthropic.AsyncAnthropic) -> None:
    uploaded = await aclient.beta.files.upload(file=("a.txt", b"async"))
    listed = [f.id async for f in aclient.files.list()]
    assert listed == [uploaded.id]


def test_a_fault_can_target_the_files_api(fake: FakeClaude, client: anthropic.Anthropic) -> None:
    fake.fail(529, endpoint="files")
    uploaded = client.files.upload(file=("a.txt", b"a"))  # retried by the SDK
    assert [(r.path, r.source) for r in fake.requests] == [
        ("/v1/files", "fault"),
        ("/v1/files", "generated"),
    ]
    assert uploaded.id in fake.files


def test_uploads_and_file_ids_are_recorded_and_replayed(tmp_path: Path) -> None:
    upstream = FakeClaude(seed=7)
    path = tmp_path / "files.yaml"
    with upstream.serve() as url:
        recording = FakeClaude(cassette=str(path), record_mode="rewrite", upstream=url)
        client = recording.client(_strict_response_validation=True)
        uploaded = client.files.upload(file=("notes.txt", b"line one\nline two\n", "text/plain"))
        answered = client.messages.create(
            model=MODEL, max_tokens=32, messages=document(uploaded.id)
        )
        recording.close()
    text = path.read_text()
    assert 'filename=\\"notes.txt\\"' in text
    assert "line one" in text  # the part is stored readably

    replaying = FakeClaude(cassette=str(path), record_mode="none")
    client = replaying.client(_strict_response_validation=True)
    again = client.files.upload(file=("notes.txt", b"line one\nline two\n", "text/plain"))
    assert again.id == uploaded.id  # a new boundary, the same upload
    assert replaying.files[again.id].content == b"line one\nline two\n"
    reply = client.messages.create(model=MODEL, max_tokens=32, messages=document(again.id))
    assert reply.id == answered.id
    assert [r.source for r in replaying.requests] == ["replayed", "replayed"]
