"""The only module that imports vcrpy: our serializer and an atomic persister in vcrpy's
protocols, the export to plain vcrpy, and ``before_record_*`` hooks in vcrpy's shape.

With the first two, a plain ``vcr.VCR`` reads and writes claude-fake cassettes::

    my_vcr.register_serializer("claude", SERIALIZER)
    my_vcr.register_persister(AtomicPersister)

vcrpy's default loader cannot read the readable form (its ``Request`` takes no ``json`` key, and
its stubs want a response ``body: {string: ...}``, not ``json:`` or ``events:``); ``export_vcr``
writes what vcrpy itself writes. vcrpy is imported inside these functions only (about 0.5 s).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from claude_fake.sources.cassette import format as fmt
from claude_fake.sources.cassette.yamltext import atomic_write, dump_yaml, load_yaml


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


def export_vcr(interactions: list[fmt.Interaction]) -> str:
    """The cassette as vcrpy itself writes it (its default YAML serializer): string bodies,
    streams as one SSE text; vcrpy's default loader reads it."""
    from vcr import serialize as vcr_serialize
    from vcr.request import Request
    from vcr.serializers import yamlserializer

    pairs = [fmt.vcr_form(i) for i in interactions]
    cassette = {"requests": [Request(**r) for r, _ in pairs], "responses": [r for _, r in pairs]}
    return str(vcr_serialize.serialize(cassette, yamlserializer))


Hook = Callable[[Any], Any]


def apply_hooks(
    interaction: fmt.Interaction, request_hook: Hook | None, response_hook: Hook | None
) -> fmt.Interaction | None:
    """vcrpy's ``before_record_request`` (a ``vcr.request.Request``) and
    ``before_record_response`` (vcrpy's response mapping) applied; None when one drops it."""
    from vcr.request import Request

    req, resp = fmt.vcr_form(interaction)
    request: Any = Request(**req)
    if request_hook is not None:
        request = request_hook(request)
        if request is None:
            return None
    if response_hook is not None:
        resp = response_hook(resp)
        if resp is None:
            return None
    raw_request = request._to_dict() if hasattr(request, "_to_dict") else req
    return fmt.interaction_from_dict({"request": raw_request, "response": resp})


def hooked_request(request: fmt.RecordedRequest, hook: Hook) -> fmt.RecordedRequest | None:
    """A live request as the ``before_record_request`` hook leaves it (None: it drops it)."""
    from vcr.request import Request

    req, _ = fmt.vcr_form(fmt.Interaction(request=request, response=_NO_RESPONSE))
    changed = hook(Request(**req))
    if changed is None:
        return None
    return fmt.request_from_dict(changed._to_dict())


_NO_RESPONSE = fmt.RecordedResponse(status=0)
