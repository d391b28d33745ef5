"""The cassette as a source of answers: replay a match, or record a miss if the mode allows.

Record modes mean what they mean in vcrpy:
``none``: replay only, a miss is an error, no network ever; ``once``: record only when the file
did not exist at start, else like ``none``; ``new_episodes``: replay matches, record misses;
``all``: always forward and record, never replay (re-recorded matches replace the old ones);
``rewrite``: start from an empty cassette, record everything, overwrite the file.

Each recorded interaction answers once per session, in recorded order; a request that matches
only interactions already played is a miss (vcrpy's ``allow_playback_repeats=False``). With
``allow_playback_repeats=True`` (``--allow-playback-repeats``) such a request is answered again:
by the interactions it matches, in recorded order, round and round (vcrpy's replays the first
match every time; a load run sees every recorded answer this way). Only interactions loaded from
the file are replayed; those recorded in this session are not.

A live request is cleaned as a recorded one was (keys scrubbed, the user's filters and
``before_record_request`` hook applied) before it is matched, and normalised by the matching
profile (``profile.py``) on both sides.
"""

from __future__ import annotations

import dataclasses
import os
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from claude_fake.config import FakeConfig, RecordMode, ReplayTiming, parse_enum
from claude_fake.config import record_mode as parse_record_mode
from claude_fake.model import FakeRequest, FakeResponse
from claude_fake.sources.cassette import format as fmt
from claude_fake.sources.cassette import match, miss, multipart, profile, redact, replay, store
from claude_fake.sources.cassette.lock import cassette_lock
from claude_fake.sources.cassette.match import DEFAULT_IGNORE_FIELDS, DEFAULT_MATCH_ON
from claude_fake.sources.cassette.recording import Recording

__all__ = ["DEFAULT_MATCH_ON", "CassetteSource"]
_RECORDING = (RecordMode.ALL, RecordMode.REWRITE)
Hook = Callable[[Any], Any]


class CassetteSource:
    """One cassette file, indexed by match key so a replay costs the same for any size."""

    def __init__(
        self,
        path: str | os.PathLike[str],
        *,
        record_mode: RecordMode | str,
        upstream: str = "https://api.anthropic.com",
        match_on: Sequence[str] = DEFAULT_MATCH_ON,
        ignore_paths: Sequence[str] = (),
        filters: redact.Filters = redact.NO_FILTERS,
        normalizer: profile.Normalizer | None = None,
        hooks: tuple[Hook | None, Hook | None] = (None, None),
        replay_timing: ReplayTiming | str = ReplayTiming.INSTANT,
        retest_command: str | None = None,
        api_key: str | None = None,
        allow_playback_repeats: bool = False,
    ) -> None:
        self.path = Path(path)
        self.record_mode = parse_record_mode(record_mode)
        self.upstream = upstream
        self.replay_timing = parse_enum(ReplayTiming, replay_timing, source="replay_timing")
        self.retest_command = retest_command
        self._match_on = tuple(match_on)
        self._ignore = (*DEFAULT_IGNORE_FIELDS, *ignore_paths)
        self._filters, self._hooks = filters, hooks
        self._normalizer = normalizer or profile.make(None, ())
        opened = None if self.record_mode is RecordMode.REWRITE else _read(self.path)
        self.existed = opened is not None
        self._cassette = opened or store.LoadedCassette(self.path, [])
        self._shapes = [self._shape(r) for r in self._cassette.requests]
        self._index: dict[match.Key, list[int]] = {}
        for position, found in enumerate(self._shapes):
            self._index.setdefault(found.key, []).append(position)
        self._played: set[int] = set()
        self.allow_playback_repeats = allow_playback_repeats
        self._rounds: dict[tuple[match.Key, frozenset[str] | None], int] = {}  # repeats so far
        self._lock = threading.Lock()
        self.replayed = self.misses = 0
        self._recording: Recording | None = None
        if self.record_mode is not RecordMode.NONE:
            self._recording = Recording(
                self.path,
                mode=self.record_mode,
                existed=self.existed,
                upstream=upstream,
                api_key=api_key,
                filters=filters,
                hooks=hooks,
                key_of=lambda req: self._shape(req).key,
                loaded_keys=frozenset(self._index),
                count=len(self._cassette),
            )

    @classmethod
    def from_config(cls, config: FakeConfig, api_key: str | None) -> CassetteSource:
        """The cassette an engine's settings describe; ``api_key`` goes upstream when recording."""
        assert config.cassette is not None
        hooks = (config.before_record_request, config.before_record_response)
        return cls(
            config.cassette,
            record_mode=config.record_mode,
            upstream=config.upstream,
            replay_timing=config.replay_timing,
            api_key=api_key,
            match_on=config.match_on or DEFAULT_MATCH_ON,
            ignore_paths=config.ignore_paths,
            filters=redact.Filters.of(
                config.filter_headers, config.filter_query, config.filter_body
            ),
            normalizer=profile.make(config.match_profile, config.normalizers),
            hooks=hooks,
            retest_command=config.retest_command,
            allow_playback_repeats=config.allow_playback_repeats,
        )

    @property
    def stats(self) -> dict[str, int]:
        """Counts of this session: replayed, recorded (written to the file), misses."""
        rec = self._recording
        recorded = rec.recorded if rec else 0
        return {"replayed": self.replayed, "recorded": recorded, "misses": self.misses}

    @property
    def not_recorded(self) -> int:
        """Answers forwarded but not written: refused (401), dropped by a hook, cut streams."""
        return self._recording.not_recorded if self._recording else 0

    @property
    def written(self) -> bool:
        """Whether this session wrote to the cassette file."""
        return self._recording is not None and self._recording.written

    # -- matching --------------------------------------------------------------------------
    def _shape(self, req: fmt.RecordedRequest) -> match.Shape:
        return match.shape(
            req.method,
            req.path,
            req.query,
            req.headers,
            req.body if req.text is None else multipart.comparable(req.text),
            match_on=self._match_on,
            ignore_paths=self._ignore,
            normalizer=self._normalizer,
        )

    def _live(self, request: FakeRequest) -> fmt.RecordedRequest | None:
        """The live request as it would be recorded (None: the user's hook drops it)."""
        body = request.body
        live = fmt.RecordedRequest(
            method=request.method,
            uri=request.path + (f"?{request.query}" if request.query else ""),
            headers=request.headers,
            body=body,
            text=None if body is not None else _text(request.raw),
        )
        filters = self._filters
        if filters.query or filters.body or b"sk-ant-" in request.raw:
            live = redact.clean_request(live, filters)
        if self._hooks[0] is not None:
            from claude_fake.sources.cassette.vcr_backend import hooked_request

            return hooked_request(live, self._hooks[0])
        return live

    def _sent_shape(self, live: fmt.RecordedRequest, request: FakeRequest) -> match.Shape:
        found = self._shape(live)
        betas = frozenset(request.betas) if "anthropic-beta" in self._match_on else None
        return dataclasses.replace(found, betas=betas)

    def _take(self, sent: match.Shape) -> int | None:
        positions = self._index.get(sent.key, ())
        for position in positions:
            if position not in self._played and match.betas_match(
                sent.betas, self._shapes[position].betas
            ):
                self._played.add(position)
                return position
        return self._again(sent, positions) if self.allow_playback_repeats else None

    def _again(self, sent: match.Shape, positions: Sequence[int]) -> int | None:
        """With repeats allowed, once every match has played: the next of them, round and round."""
        fits = [p for p in positions if match.betas_match(sent.betas, self._shapes[p].betas)]
        if not fits:
            return None
        turn = (sent.key, sent.betas)
        count = self._rounds.get(turn, 0)
        self._rounds[turn] = count + 1
        return fits[count % len(fits)]

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
        live = self._live(request)
        sent = None if live is None else self._sent_shape(live, request)
        with self._lock:
            position = None if sent is None else self._take(sent)
            if position is not None:
                self.replayed += 1
        if position is not None and sent is not None:
            instant = self.replay_timing is not ReplayTiming.RECORDED
            recorded = self._cassette.interaction(position)
            anchors = self._shapes[position].anchors
            if anchors and sent.anchors and anchors != sent.anchors:
                recorded = _translated(recorded, anchors, sent.anchors)
            return replay.respond(recorded, request, request_id, instant=instant)
        if self.record_mode is RecordMode.NEW_EPISODES:
            return self._record(request, request_id)
        with self._lock:
            self.misses += 1
        raise miss.mismatch(self, request, sent, self._shapes)

    def _record(self, request: FakeRequest, request_id: str) -> FakeResponse:
        assert self._recording is not None, "record mode none never records"
        return self._recording.record(request, request_id)

    def close(self) -> None:
        """Close the upstream HTTP client, if one was opened."""
        if self._recording is not None:
            self._recording.close()

    @property
    def cassette(self) -> store.LoadedCassette:
        """The cassette as loaded at the start of the session."""
        return self._cassette


def _translated(
    interaction: fmt.Interaction, recorded: dict[str, str] | Any, live: dict[str, str] | Any
) -> fmt.Interaction:
    """The recorded answer told in the live request's places (its folder, its home)."""
    response = interaction.response
    body = replay.accumulate(response.events) if response.events is not None else response.body
    if response.events is not None and (body is None or replay.stream_error(response.events)):
        return interaction  # an error stream: nothing to translate
    changed = dataclasses.replace(
        response, events=None, body=profile.translate(body, recorded, live)
    )
    return dataclasses.replace(interaction, response=changed)


def _text(raw: bytes) -> str | None:
    return raw.decode("utf-8", errors="replace") if raw else None


def _read(path: Path) -> store.LoadedCassette | None:
    """The cassette as it stands, read under the lock its writers hold: another process (an
    xdist worker recording into the same file) is never seen halfway through an append."""
    if not path.parent.is_dir():
        return None  # nothing to read, and no folder to create for a lock
    with cassette_lock(path):
        return store.open_cassette(path)
