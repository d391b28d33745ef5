"""``--validate lenient`` answers every endpoint the installed SDK calls, as the SDK's own mock
server does: the real SDK over a loopback server, with strict response validation, parses each
answer as the type the SDK declares. Run by the suite against the pinned SDK and by ``make compat``
against the newest (``--noconftest``: nothing from tests/conftest.py).

Facts from the SDK: its resources name each call's route (``span_route="/v1/agents/{agent_id}"``,
from 2.12); its beta tests tell ``Bedrock(client).agents`` from ``client.beta.agents`` by the query
(``?beta=true&bedrock=true``), one path with two declared types."""

from __future__ import annotations

import importlib.util
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import anthropic
import pytest
from anthropic.types.beta import BetaManagedAgentsAgent, BetaManagedAgentsSession, BetaSkill
from anthropic.types.beta.vaults import BetaManagedAgentsCredential

from claude_fake import FakeClaude
from claude_fake.api import sdk_surface
from claude_fake.api.routes import ROUTES
from claude_fake.faces.server import running_server

BETA = {"beta": "true"}


def client(url: str, **options: Any) -> anthropic.Anthropic:
    options.setdefault("api_key", "sk-ant-test")
    return anthropic.Anthropic(
        base_url=url, max_retries=0, _strict_response_validation=True, **options
    )


@pytest.fixture
def lenient() -> Iterator[anthropic.Anthropic]:
    with running_server(FakeClaude(seed=0, validate="lenient")) as url:
        yield client(url)


def test_agents_are_created_retrieved_and_listed_as_the_sdk_declares(
    lenient: anthropic.Anthropic,
) -> None:
    created = lenient.beta.agents.create(model={"id": "claude-opus-4-6"}, name="Helper")
    assert isinstance(created, BetaManagedAgentsAgent)
    retrieved = lenient.beta.agents.retrieve("agent_011CZkYpogX7uDKUyvBTophP")
    assert isinstance(retrieved, BetaManagedAgentsAgent)
    assert retrieved.id == "agent_011CZkYpogX7uDKUyvBTophP"  # the id asked for
    listed = list(lenient.beta.agents.list())  # auto-pagination: one page, no next
    assert len(listed) == 1
    assert isinstance(listed[0], BetaManagedAgentsAgent)


def test_a_session_and_its_event_stream(lenient: anthropic.Anthropic) -> None:
    session = lenient.beta.sessions.create(agent="agent_1", environment_id="env_1")
    assert isinstance(session, BetaManagedAgentsSession)
    events = list(lenient.beta.sessions.events.stream(session_id=session.id))
    assert len(events) == 1
    assert isinstance(events[0].type, str)


def test_skills_credentials_and_a_download(lenient: anthropic.Anthropic) -> None:
    page = lenient.beta.skills.list(extra_query=BETA)
    assert [type(skill) for skill in page.data] == [BetaSkill]
    assert not page.has_next_page()
    credential = lenient.beta.vaults.credentials.retrieve("vcrd_1", vault_id="vlt_1")
    assert isinstance(credential, BetaManagedAgentsCredential)
    assert credential.id == "vcrd_1"
    download = lenient.beta.skills.versions.download("1", skill_id="skill_1")
    assert download.read()  # BinaryAPIResponse: bytes


def test_the_query_tells_one_path_s_declared_types_apart(lenient: anthropic.Anthropic) -> None:
    if importlib.util.find_spec("anthropic.resources.beta.bedrock") is None:
        pytest.skip(f"anthropic {anthropic.__version__} has no Bedrock managed agents")
    from anthropic.resources.beta.bedrock.bedrock import Bedrock
    from anthropic.types.beta.bedrock import BetaManagedAgentsBedrockAgent

    query = {"beta": "true", "bedrock": "true"}
    bedrock = Bedrock(lenient).agents.retrieve(agent_id="agent_1", extra_query=query)
    assert isinstance(bedrock, BetaManagedAgentsBedrockAgent)
    agent = lenient.beta.agents.retrieve("agent_1", extra_query=BETA)
    assert isinstance(agent, BetaManagedAgentsAgent)


def test_strict_mode_answers_the_api_s_404() -> None:
    with (
        running_server(FakeClaude(seed=0)) as url,
        pytest.raises(anthropic.NotFoundError) as raised,
    ):
        client(url).beta.agents.list()
    body = raised.value.body
    assert isinstance(body, dict)
    assert body["error"] == {"type": "not_found_error", "message": "Not Found"}
    assert body["request_id"] == raised.value.response.headers["request-id"]


def test_a_path_no_sdk_calls_is_404_in_lenient_mode(lenient: anthropic.Anthropic) -> None:
    with pytest.raises(anthropic.NotFoundError):
        lenient.get("/v1/no_such_endpoint", cast_to=object)
    with pytest.raises(anthropic.NotFoundError):
        lenient.put("/v1/agents", cast_to=object)  # a path the SDK calls, not with PUT


def test_a_required_key_still_guards_the_placeholders() -> None:
    fake = FakeClaude(seed=0, validate="lenient", require_api_key="sk-ant-right")
    with running_server(fake) as url:
        with pytest.raises(anthropic.AuthenticationError):
            client(url, api_key="sk-ant-wrong").beta.agents.list()
        assert len(client(url, api_key="sk-ant-right").beta.agents.list().data) == 1


def test_every_route_the_sdk_names_is_in_the_table() -> None:
    spec = importlib.util.find_spec("anthropic")
    assert spec is not None
    assert spec.origin is not None
    resources = Path(spec.origin).parent / "resources"
    named = {
        found
        for path in resources.rglob("*.py")
        for found in re.findall(r'span_route="([^"]+)"', path.read_text(encoding="utf-8"))
    }
    if not named:
        pytest.skip(f"anthropic {anthropic.__version__} names no span_route")
    served = {group[0].template for _, group in sdk_surface.table()}
    unread = {re.sub(r"\{\w+\}", "x", template) for template in named - served}
    # a path the SDK reads off an answer (a batch's results_url): the fake's own routes serve it
    assert {path for path in unread if not any(p.fullmatch(path) for _, p, _ in ROUTES)} == set()
    assert len(served) > 100  # 2.12: 270 method and path pairs, 2.17: 286
