"""The cassette as a source of answers: replay a match, or record a miss if the mode allows.

Record modes mean what they mean in vcrpy:
``none``: replay only, a miss is an error, no network ever; ``once``: record only when the file
did not exist at start, else like ``none``; ``new_episodes``: replay matches, record misses;
``all``: always forward and record, never replay (re-recorded matches replace the old ones);
``rewrite``: start from an empty cassette, record everything, overwrite the file.

Each recorded interaction answers once per session, in recorded order; a request that matches
only interactions already played is a miss (vcrpy's ``allow_playback_repeats=False``). Only
interactions loaded from the file are replayed; those recorded in this session are not.
"""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from claude_fake.config import FakeConfig, RecordMode, ReplayTiming, parse_enum
from claude_fake.config import record_mode as parse_record_mode
from claude_fake.errors import CassetteMismatch
from claude_fake.model import AnsweredBy, FakeRequest, FakeResponse
from claude_fake.sources.cassette import format as fmt
from claude_fake.sources.cassette import match, redact, replay, store
from claude_fake.sources.cassette.match import DEFAULT_IGNORE_FIELDS, DEFAULT_MATCH_ON
from claude_fake.wire.sse import split_events

if TYPE_CHECKING:
    from claude_fake.sources.cassette.recorder import Recorder, Upstream

__all__ = ["DEFAULT_MATCH_ON", "CassetteSource"]
_RECORDING = (RecordMode.ALL, RecordMode.REWRITE)


class CassetteSource:
    """One cassette file, indexed by match key so a replay costs the same for any size."""

    def __init__(
        self,
        path: str | os.PathLike[str],
        *,
        record_mode: RecordMode,
        upstream: str = "https://api.anthropic.com",
        match_on: Sequence[str] = DEFAULT_MATCH_ON,
        ignore_fields: Sequence[str] = (),
        redact_headers: Sequence[str] = (),
        replay_timing: ReplayTiming | str = ReplayTiming.INSTANT,
        retest_command: str | None = None,
        api_key: str | None = None,
    ) -> None:
        self.path = Path(path)
        self.record_mode = parse_record_mode(record_mode)
        self.upstream = upstream
        self.replay_timing = parse_enum(ReplayTiming, replay_timing, source="replay_timing")
        self.retest_command = retest_command
        self._api_key = api_key  # replaces the client's (fake) key on forwarded requests
        self._match_on = tuple(match_on)
        self._ignore = (*DEFAULT_IGNORE_FIELDS, *ignore_fields)
        self._redact = tuple(redact_headers)
        opened = None if self.record_mode is RecordMode.REWRITE else store.open_cassette(path)
        self.existed = opened is not None
        self._cassette = opened or store.LoadedCassette(self.path, [])
        self._shapes = [self._recorded_shape(r) for r in self._cassette.requests]
        self._index: dict[match.Key, list[int]] = {}
        for position, found in enumerate(self._shapes):
            self._index.setdefault(found.key, []).append(position)
        self._played: set[int] = set()
        self._recorded: list[fmt.Interaction] = []
        self._fresh: set[match.Key] = set()  # match keys of what this session recorded (mode ALL)
        self._lock = threading.Lock()
        self._recorder: Recorder | None = None
        self.stats: dict[str, int] = {"replayed": 0, "recorded": 0, "misses": 0}
        self.written = False

    @classmethod
    def from_config(cls, config: FakeConfig, api_key: str | None) -> CassetteSource:
        """The cassette an engine's settings describe; ``api_key`` goes upstream when recording."""
        assert config.cassette is not None
        return cls(
            config.cassette,
            record_mode=config.record_mode,
            upstream=config.upstream,
            replay_timing=config.replay_timing,
            api_key=api_key,
            match_on=config.match_on or DEFAULT_MATCH_ON,
            ignore_fields=config.ignore_fields,
            redact_headers=config.redact_headers,
            retest_command=config.retest_command,
        )

    # -- matching --------------------------------------------------------------------------
    def _recorded_shape(self, req: fmt.RecordedRequest) -> match.Shape:
        return match.shape(
            req.method,
            req.path,
            req.query,
            req.headers,
            req.body if req.text is None else req.text,
            match_on=self._match_on,
            ignore_fields=self._ignore,
        )

    def _sent_shape(self, request: FakeRequest) -> match.Shape:
        body = request.body if request.body is not None else _text(request.raw)
        found = match.shape(
            request.method,
            request.path,
            request.query,
            request.headers,
            body,
            match_on=self._match_on,
            ignore_fields=self._ignore,
        )
        betas = frozenset(request.betas) if "anthropic-beta" in self._match_on else None
        return match.Shape(key=found.key, betas=betas, body=found.body)

    def _take(self, sent: match.Shape) -> int | None:
        for position in self._index.get(sent.key, ()):
            if position not in self._played and match.betas_match(
                sent.betas, self._shapes[position].betas
            ):
                self._played.add(position)
                return position
        return None

    # -- answering -------------------------------------------------------------------------
    @property
    def records(self) -> bool:
        """Whether every request is forwarded (modes all, rewrite, and once on a new file)."""
        return self.record_mode in _RECORDING or (
            self.record_mode is RecordMode.ONCE and not self.existed
        )

    def claim(self, request: FakeRequest, request_id: str) -> FakeResponse:
        """Replay the matching interaction, or record; CassetteMismatch when neither may happen."""
        if self.records:
            return self._record(request, request_id)
        sent = self._sent_shape(request)
        with self._lock:
            position = self._take(sent)
            if position is not None:
                self.stats["replayed"] += 1
        if position is not None:
            instant = self.replay_timing is not ReplayTiming.RECORDED
            recorded = self._cassette.interaction(position)
            return replay.respond(recorded, request, request_id, instant=instant)
        if self.record_mode is RecordMode.NEW_EPISODES:
            return self._record(request, request_id)
        with self._lock:
            self.stats["misses"] += 1
        raise self._mismatch(request, sent)

    def _mismatch(self, request: FakeRequest, sent: match.Shape) -> CassetteMismatch:
        where = f"{request.method} {request.path}"
        if not self.existed:
            why = "The cassette file does not exist."
        elif not len(self._cassette):
            why = "The cassette has no interactions."
        else:
            index, diffs = match.nearest(sent, self._shapes) or (0, [])
            rec = self._cassette.requests[index]
            why = f"Closest entry #{index + 1} ({rec.method} {rec.path}) differs at "
            why += match.describe(diffs) + "."
            if not diffs:
                why += " Each recorded interaction answers once per session, so a repeated request"
                why += " needs a recording of its own."
        command = self.retest_command or "pytest <test id> --claude-record-mode=rewrite"
        return CassetteMismatch(
            f"no recorded interaction matches {where} in {self.path} "
            f"(record mode: {self.record_mode.value}).",
            why=why,
            fix=f"To re-record: {command} (needs ANTHROPIC_API_KEY).",
            anchor="recording",
        )

    # -- recording -------------------------------------------------------------------------
    def _forwarder(self) -> Recorder:
        assert self.record_mode is not RecordMode.NONE, "record mode none never records"
        with self._lock:
            if self._recorder is None:
                from claude_fake.sources.cassette.recorder import Recorder

                self._recorder = Recorder(self.upstream, api_key=self._api_key)
            return self._recorder

    def _record(self, request: FakeRequest, request_id: str) -> FakeResponse:
        recorder = self._forwarder()
        upstream = recorder.forward(request)
        headers = {**upstream.headers, "request-id": request_id}
        rec_request = fmt.RecordedRequest(
            method=request.method,
            uri=recorder.url(request),
            headers=dict(request.headers),
            body=request.body,
            text=None if request.body is not None else _text(request.raw),
        )
        if upstream.events is None:
            status = {"code": upstream.status, "message": upstream.reason}
            raw = {"status": status, "headers": upstream.headers, "body": upstream.body}
            response = fmt.response_from_dict(raw)
            self._keep(fmt.Interaction(request=rec_request, response=response))
            answer = response.body if response.body is not None else response.text
            return FakeResponse(
                status=upstream.status,
                headers=headers,
                body=upstream.body,
                source=AnsweredBy.RECORDED,
                payload=answer,
            )
        answer_box: dict[str, Any] = {}
        chunks = self._pass_through(rec_request, upstream, answer_box)
        return FakeResponse(
            status=upstream.status,
            headers=headers,
            chunks=chunks,
            source=AnsweredBy.RECORDED,
            payload=answer_box,
        )

    def _pass_through(
        self, rec_request: fmt.RecordedRequest, upstream: Upstream, answer_box: dict[str, Any]
    ) -> Iterator[bytes]:
        events: list[fmt.Event] = []
        assert upstream.events is not None
        try:
            for chunk in upstream.events:
                events.extend(_decode(chunk))
                yield chunk
        finally:  # the consumer may stop early: release the upstream connection either way
            upstream.events.close()
        response = fmt.RecordedResponse(
            status=upstream.status,
            reason=upstream.reason,
            headers=upstream.headers,
            events=tuple(events),
        )
        self._keep(fmt.Interaction(request=rec_request, response=response))
        answer_box.update(replay.accumulate(events) or {})

    def _keep(self, interaction: fmt.Interaction) -> None:
        clean = redact.redact(interaction, self._redact)
        with self._lock:
            self._recorded.append(clean)
            if self.record_mode is RecordMode.ALL:
                self._fresh.add(self._recorded_shape(clean.request).key)
            self.stats["recorded"] += 1
            store.save(self.path, self._to_write())
            self.written = True

    def _to_write(self) -> list[fmt.Interaction]:
        if self.record_mode is RecordMode.NEW_EPISODES:
            return [*self._cassette.interactions(), *self._recorded]
        if self.record_mode is RecordMode.ALL:
            kept = [
                self._cassette.interaction(i)
                for i, found in enumerate(self._shapes)
                if found.key not in self._fresh
            ]
            return [*kept, *self._recorded]
        return list(self._recorded)

    def close(self) -> None:
        """Close the upstream HTTP client, if one was opened."""
        with self._lock:
            recorder, self._recorder = self._recorder, None
        if recorder is not None:
            recorder.close()


def _text(raw: bytes) -> str | None:
    return raw.decode("utf-8", errors="replace") if raw else None


def _decode(chunk: bytes) -> list[fmt.Event]:
    out: list[fmt.Event] = []
    for name, data in split_events(chunk):
        try:
            parsed: Any = json.loads(data) if data else None
        except ValueError:
            parsed = data
        if parsed is not None:
            kind = parsed.get("type") if isinstance(parsed, dict) else None
            out.append((name or kind or "message", parsed))
    return out
