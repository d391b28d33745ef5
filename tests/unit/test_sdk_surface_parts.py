"""The parts of the lenient SDK surface as pure functions: reading the SDK's calls (in the forms
its releases write them: a literal, an f-string before 2.x, ``path_template`` from 2.x, a union
passed through ``cast(Any, ...)``), choosing among one path's routes, and example values."""

from __future__ import annotations

from typing import Literal

import pydantic

from claude_fake.api import sdk_examples, sdk_surface
from claude_fake.api.sdk_routes import SdkRoute, routes_in

SOURCE = """
class Agents(SyncAPIResource):
    def create(self):
        return self._post("/v1/agents", body=body, options=make_request_options(
            qualifiers={"beta": "true"}), cast_to=BetaManagedAgentsAgent)

    def retrieve(self, agent_id):
        return self._get(f"/v1/agents/{agent_id}", cast_to=BetaManagedAgentsAgent)

    def resource(self, resource_id, *, session_id):
        return cast(ResourceRetrieveResponse, self._get(
            path_template("/v1/sessions/{session_id}/resources/{resource_id}",
                          session_id=session_id, resource_id=resource_id),
            cast_to=cast(Any, ResourceRetrieveResponse),  # Union types cannot be passed in
        ))

    def list(self):
        return self._get_api_list("/v1/agents", page=SyncPageCursor[BetaManagedAgentsAgent],
                                  model=cast(Any, BetaManagedAgentsAgent))

    def stream(self, session_id):
        return self._get(path_template("/v1/sessions/{session_id}/events/stream"),
                         cast_to=cast(Any, Event), stream=True, stream_cls=Stream[Event])

    def create_message(self, stream):
        return self._post("/v1/messages", cast_to=Message, stream=stream or False,
                          stream_cls=Stream[RawMessageStreamEvent])
"""


def test_the_sdk_s_calls_read_as_routes() -> None:
    found = {(r.method, r.template): r for r in routes_in(SOURCE, "anthropic.resources.x")}
    assert found[("POST", "/v1/agents")].qualifiers == (("beta", "true"),)
    assert found[("GET", "/v1/agents/{agent_id}")].cast_to == "BetaManagedAgentsAgent"
    resource = found[("GET", "/v1/sessions/{session_id}/resources/{resource_id}")]
    assert resource.cast_to == "ResourceRetrieveResponse"
    listed = found[("GET", "/v1/agents")]
    assert (listed.page, listed.item) == ("SyncPageCursor", "BetaManagedAgentsAgent")
    stream = found[("GET", "/v1/sessions/{session_id}/events/stream")]
    assert (stream.item, stream.streams) == ("Event", True)
    assert found[("POST", "/v1/messages")].streams is None  # the body's "stream" decides
    assert len(found) == 6


def test_a_path_template_is_one_segment_per_parameter() -> None:
    route = SdkRoute("GET", "/v1/sessions/{session_id}/events/stream", "m")
    assert route.pattern.fullmatch("/v1/sessions/sesn_1/events/stream")
    assert not route.pattern.fullmatch("/v1/sessions/a/b/events/stream")
    assert route.literal_segments == 4


def test_the_query_chooses_among_one_path_s_routes() -> None:
    beta = SdkRoute("GET", "/v1/agents", "beta", qualifiers=(("beta", "true"),))
    both_pairs = (("bedrock", "true"), ("beta", "true"))
    bedrock = SdkRoute("GET", "/v1/agents", "bedrock", qualifiers=both_pairs)
    group = (beta, bedrock)
    both = {"beta": ["true"], "bedrock": ["true"]}
    assert sdk_surface.qualified(group, both) == (bedrock,)
    assert sdk_surface.qualified(group, {"beta": ["true"]}) == (beta,)
    assert sdk_surface.qualified(group, {}) == (beta,)  # none fits: the least qualified


class Node(pydantic.BaseModel):
    kind: Literal["node", "leaf"]
    weight: float
    parent: Node | None = None
    children: list[Node]
    label: int | str
    schema_: str = pydantic.Field(alias="schema")


def test_an_example_fills_every_field_and_ends_a_recursion() -> None:
    value = sdk_examples.example(Node)
    assert value == {
        "kind": "node",
        "weight": 0.0,
        "parent": None,
        "children": [],
        "label": 0,
        "schema": "string",
    }
    assert isinstance(value["weight"], float)
    Node.model_validate(value, strict=False)


def test_merged_examples_carry_the_fields_of_both() -> None:
    merged = sdk_examples.merge({"id": "a", "tags": []}, {"id": "b", "tags": ["x"], "n": 1})
    assert merged == {"id": "a", "tags": ["x"], "n": 1}
