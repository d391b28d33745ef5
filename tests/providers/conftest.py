"""What the provider tests share: boto3's bedrock-runtime client on a fake's loopback server."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from claude_fake import FakeClaude


@pytest.fixture
def runtime(fake: FakeClaude) -> Iterator[Any]:
    """boto3's bedrock-runtime client on the fake's server, with placeholder keys."""
    boto3 = pytest.importorskip("boto3")
    from botocore.config import Config

    with fake.serve() as url:
        client = boto3.client(
            "bedrock-runtime",
            region_name="us-east-1",
            endpoint_url=url,
            aws_access_key_id="AKIDTEST",
            aws_secret_access_key="secret",
            config=Config(retries={"total_max_attempts": 1}),
        )
        yield client
        client.close()
