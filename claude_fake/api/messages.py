"""The Messages API's own state, and its two endpoints: ``POST /v1/messages`` and
``count_tokens``. A Message is built from an Outline (a scripted reply's, or the generator's) with
the conversation's state applied: caching, compaction, context edits, signatures."""

from __future__ import annotations

from typing import Any

from claude_fake.model import NO_PLAN, AnsweredBy, FakeRequest, FakeResponse
from claude_fake.state import caching, signature, tokens, turn
from claude_fake.state.clock import Clock
from claude_fake.wire import responses
from claude_fake.wire.ids import NewId


def _unscripted(digest: bytes) -> turn.Outline:
    raise AssertionError("a Messages answer with no outline needs a generator")


class Messages:
    """What the Messages endpoints keep between requests: the prompt cache and the signing
    secret."""

    def __init__(self, *, seed: int, clock: Clock, new_id: NewId) -> None:
        self.clock = clock
        self.new_id = new_id
        self.secret = signature.secret_for(seed)
        self.cache = caching.PromptCache()

    def answer(
        self,
        request: FakeRequest,
        request_id: str,
        outline: turn.Outline | None,
        generate: turn.Generate = _unscripted,
    ) -> tuple[FakeResponse, bool]:
        """The answer to a Messages request: ``outline`` (scripted), or when None the one
        ``generate`` drafts. The flag says whether the outline was used (a refused request or a
        compaction pause leaves a scripted reply for the next request)."""
        outcome = turn.respond(
            request,
            scripted=outline,
            generate=generate,
            secret=self.secret,
            cache=self.cache,
            now=self.clock.now(),
            msg_id=self.new_id("msg"),
            new_id=self.new_id,
        )
        if outcome.rejection is not None:
            code = outcome.rejection.code
            refused = responses.api_error(
                400,
                "invalid_request_error",
                outcome.rejection.message,
                request_id,
                details={"error_code": code} if code else None,
            )
            return refused, False
        assert outcome.message is not None
        source = AnsweredBy.SCRIPTED if outline is not None else AnsweredBy.GENERATED
        served = responses.message_response(request, outcome.message, request_id, source, NO_PLAN)
        return served, not outcome.keep_reply

    def count(self, request: FakeRequest, request_id: str) -> FakeResponse:
        """``POST /v1/messages/count_tokens``: the input tokens ``messages.create`` would use."""
        body = request.body if isinstance(request.body, dict) else {}
        out: dict[str, Any] = {"input_tokens": turn.count(body)}
        if body.get("context_management"):
            out["context_management"] = {"original_input_tokens": tokens.count(body)}
        return responses.json_response(out, request_id)

    def forget(self) -> None:
        """Start the conversation state afresh (``fake.reset()``)."""
        self.cache = caching.PromptCache()
