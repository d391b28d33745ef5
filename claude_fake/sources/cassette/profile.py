"""Matching profiles: what of a request is volatile and left out of matching. Pure.

The built-in ``claude_code`` profile (the default) is for Claude Code and Agent SDK requests,
whose system prompt and first user message carry the machine they run on::

    <env>
    Working directory: /home/alice/project
    Is directory a git repo: Yes
    Platform: darwin
    OS Version: Darwin 24.5.0
    Today's date: 2025-06-12
    </env>
    ...
    gitStatus: This is the git status at the start of the conversation. ...
    Contents of /home/alice/.claude/CLAUDE.md (user's private global instructions ...)

It is content-anchored: the working directory and the home folder are read from those lines, and
every occurrence of them anywhere in the request (tool inputs and results included) becomes
``<cwd>`` and ``<home>``; the values of the date, platform, OS and git lines, and the git status,
become ``<volatile>``. A request without these lines is left as it is, so the profile changes
nothing for other requests. ``metadata.user_id`` (which holds the session id) is ignored by
default anyway.

A replayed answer is translated the other way: the recorded working directory and home folder in
it become the ones of the request being answered, so an agent replayed in another folder is told
to read and write files in its own folder, and its next request matches the recording again.

``normalizers`` are the user's own: regular expressions whose matches (or, when the expression
has groups, whose groups) become ``<normalized>`` in every string of the body before matching.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

PROFILES = ("claude_code", "none")
_CWD = re.compile(r"(?:Primary )?[Ww]orking directory: ([^\n]+)")
_HOME = re.compile(r"Contents of ([^\n]+?)[/\\]\.claude[/\\]")
_VOLATILE_LINE = re.compile(
    r"((?:Today's date|Platform|OS Version|Is directory a git repo|Additional working "
    r"directories|Current date): ?)[^\n]+"
)
_TODAY = re.compile(r"(Today's date is )[^\n]+")
_GIT_STATUS = re.compile(r"(gitStatus: )[\s\S]*")
_MARKERS = ("orking directory:", "Today's date", "gitStatus:", ".claude", "OS Version:")
_PATH_END = r"(?![\w.\-])"


@dataclass(frozen=True, slots=True)
class Normalizer:
    """How a body is made comparable: a profile and the user's regular expressions."""

    profile: str = "claude_code"
    patterns: tuple[re.Pattern[str], ...] = ()

    @property
    def active(self) -> bool:
        """Whether this normalizer can change anything at all."""
        return self.profile != "none" or bool(self.patterns)

    def applies(self, text: str) -> bool:
        """Whether a body whose canonical JSON is ``text`` may need normalising."""
        if self.patterns:
            return True
        return self.profile != "none" and any(marker in text for marker in _MARKERS)

    def anchors(self, body: Any) -> dict[str, str]:
        """The working directory and home folder a Claude Code request names (may be empty)."""
        if self.profile == "none":
            return {}
        found: dict[str, str] = {}
        for text in strings(body):
            if "cwd" not in found and (cwd := _CWD.search(text)):
                found["cwd"] = cwd.group(1).strip()
            if "home" not in found and (home := _HOME.search(text)):
                found["home"] = home.group(1).strip()
            if len(found) == 2:
                break
        return {role: value for role, value in found.items() if len(value) > 1}

    def normalize(self, body: Any, anchors: Mapping[str, str]) -> Any:
        """``body`` with anchors, volatile lines and the user's patterns replaced."""
        rules = [
            (_anchor_pattern(value), f"<{role}>")
            for role, value in sorted(anchors.items(), key=lambda item: -len(item[1]))
        ]
        if self.profile != "none":
            rules += [(_VOLATILE_LINE, r"\1<volatile>"), (_TODAY, r"\1<volatile>")]
            rules.append((_GIT_STATUS, r"\1<volatile>"))

        def one(text: str) -> str:
            for pattern, replacement in rules:
                text = pattern.sub(replacement, text)
            for pattern in self.patterns:
                text = pattern.sub(_masked, text)
            return text

        return map_strings(body, one)


def _anchor_pattern(value: str) -> re.Pattern[str]:
    return re.compile(re.escape(value) + _PATH_END)


def _masked(match: re.Match[str]) -> str:
    if not match.re.groups:
        return "<normalized>"
    text, start = match.group(), match.start()
    out, at = [], 0
    for index in range(1, match.re.groups + 1):
        if match.start(index) < 0:
            continue
        out += [text[at : match.start(index) - start], "<normalized>"]
        at = match.end(index) - start
    return "".join(out) + text[at:]


def translate(value: Any, recorded: Mapping[str, str], live: Mapping[str, str]) -> Any:
    """A recorded answer with the recording's anchors replaced by the live request's."""
    rules = [
        (_anchor_pattern(old), live[role].replace("\\", "\\\\"))
        for role, old in sorted(recorded.items(), key=lambda item: -len(item[1]))
        if role in live and live[role] != old
    ]
    if not rules:
        return value

    def one(text: str) -> str:
        for pattern, replacement in rules:
            text = pattern.sub(replacement, text)
        return text

    return map_strings(value, one)


def strings(value: Any) -> Iterable[str]:
    """Every string in a JSON value (dict keys excluded)."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from strings(item)


def map_strings(value: Any, change: Callable[[str], str]) -> Any:
    """A copy of a JSON value with ``change`` applied to every string (dict keys excluded)."""
    if isinstance(value, str):
        return change(value)
    if isinstance(value, dict):
        return {key: map_strings(item, change) for key, item in value.items()}
    if isinstance(value, list):
        return [map_strings(item, change) for item in value]
    return value


def make(profile: str | None, patterns: Sequence[str]) -> Normalizer:
    """A normalizer from settings; ValueError names a bad profile or pattern."""
    chosen = (profile or "claude_code").strip().lower().replace("-", "_")
    if chosen in ("agent_sdk", "agent"):
        chosen = "claude_code"
    if chosen not in PROFILES:
        raise ValueError(f"match_profile {profile!r} is not one of: {', '.join(PROFILES)}")
    compiled = []
    for pattern in patterns:
        try:
            compiled.append(re.compile(pattern))
        except re.error as exc:
            raise ValueError(f"normalizer {pattern!r} is not a regular expression: {exc}") from None
    return Normalizer(profile=chosen, patterns=tuple(compiled))
