"""``claude-fake cassette show|check|export``: a cassette as a transcript, its checks, and its
plain vcrpy form. Exit codes: 0 done (every cassette passed); 1 a cassette failed its checks or
cannot be read; 2 nothing to act on (a path that does not exist, a folder with no cassette)."""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

from claude_fake.errors import CassetteCorrupt
from claude_fake.sources.cassette import format as fmt
from claude_fake.sources.cassette import redact, replay, store, yamltext
from claude_fake.wire import render

Validator = Callable[[Any], object]


def _block_line(block: Any) -> str:
    kind = block.get("type", "?") if isinstance(block, dict) else "?"
    if kind == "text":
        detail = repr(block.get("text", ""))
    elif kind in render.TOOL_BLOCKS:
        detail = f"{block.get('name')} {json.dumps(block.get('input'), ensure_ascii=False)}"
    elif kind == "thinking":
        detail = repr(block.get("thinking", ""))
    elif kind == "compaction":
        detail = repr(block.get("content"))
    else:
        detail = ""
    detail = detail if len(detail) <= 200 else detail[:199] + "…"
    return f"     [{kind}] {detail}".rstrip()


def _answer_lines(response: fmt.RecordedResponse) -> Iterator[str]:
    answer = replay.accumulate(response.events) if response.events is not None else response.body
    form = "stream" if response.events is not None else "json"
    if not isinstance(answer, dict):
        yield f"  <- {response.status} {(response.text or '')[:200]!r}"
        return
    if answer.get("type") == "error":
        error = answer.get("error") or {}
        yield f"  <- {response.status} {error.get('type')}: {error.get('message')}"
        return
    if "content" not in answer:
        yield f"  <- {response.status} {json.dumps(answer, ensure_ascii=False)[:200]}"
        return
    usage = answer.get("usage") or {}
    tokens = f"in={usage.get('input_tokens')} out={usage.get('output_tokens')}"
    took = _took(response)
    yield f"  <- {response.status} {form} {answer.get('stop_reason')} usage {tokens}{took}"
    yield from (_block_line(block) for block in answer.get("content") or [])


def _took(response: fmt.RecordedResponse) -> str:
    """``; took 1.52 s, first delta at 0.41 s`` when the cassette timed the answer."""
    timing = response.timing
    if timing is None:
        return ""
    names = [name for name, _ in response.events or ()]
    if "content_block_delta" in names and len(timing.events) == len(names):
        first = timing.events[names.index("content_block_delta")]
        return f"; took {timing.total:.2f} s, first delta at {first:.2f} s"
    return f"; took {timing.total:.2f} s"


OK, FAILED, NOTHING = 0, 1, 2
SUFFIXES = (".yaml", ".yml")


def _loaded(path: str | os.PathLike[str]) -> tuple[int, list[fmt.Interaction] | str]:
    """The interactions of a cassette, or the exit code and the line that says why not."""
    if not Path(path).is_file():
        return NOTHING, f"{os.fspath(path)}: no such cassette file"
    try:
        interactions = store.load(path)
    except CassetteCorrupt as exc:
        return FAILED, str(exc).removeprefix("claude_fake: ")
    if interactions is None:
        return FAILED, f"{os.fspath(path)}: the file is empty"
    return OK, interactions


def show(path: str | os.PathLike[str]) -> tuple[int, str]:
    """Exit code and the conversation in a cassette as a readable transcript."""
    code, loaded = _loaded(path)
    if isinstance(loaded, str):
        return code, loaded
    lines = [f"{os.fspath(path)}: {len(loaded)} interaction(s)"]
    for number, interaction in enumerate(loaded, 1):
        lines.append(f"#{number} -> {replay.request_summary(interaction.request)}")
        lines.extend(_answer_lines(interaction.response))
    return OK, "\n".join(lines)


def export(path: str | os.PathLike[str], target: str | os.PathLike[str] | None) -> tuple[int, str]:
    """Write the cassette as plain vcrpy writes it (to ``target``, or return it as the text)."""
    from claude_fake.sources.cassette.vcr_backend import export_vcr

    code, loaded = _loaded(path)
    if isinstance(loaded, str):
        return code, loaded
    text = export_vcr(loaded)
    if target is None:
        return OK, text.rstrip("\n")
    yamltext.atomic_write(Path(target), text)
    return OK, f"{os.fspath(target)}: {len(loaded)} interaction(s) in vcrpy's own form"


def cassette_files(paths: Sequence[str | os.PathLike[str]]) -> tuple[list[Path], list[str]]:
    """The cassette files named, folders searched (recursively) for ``*.yaml`` and ``*.yml``;
    and a line for each path that names nothing to check."""
    files: list[Path] = []
    missing: list[str] = []
    for given in paths:
        path = Path(given)
        if path.is_dir():
            found = sorted(p for p in path.rglob("*") if p.suffix in SUFFIXES and p.is_file())
            files.extend(found)
            if not found:
                missing.append(f"{os.fspath(path)}: the folder holds no .yaml or .yml cassette")
        elif path.is_file():
            files.append(path)
        else:
            missing.append(f"{os.fspath(path)}: no such file or folder")
    return files, missing


def _validators() -> dict[tuple[str, bool], Validator]:
    from anthropic.types import ErrorResponse, Message, MessageTokensCount, RawMessageStreamEvent
    from anthropic.types.beta import BetaMessage, BetaMessageTokensCount, BetaRawMessageStreamEvent
    from pydantic import TypeAdapter

    ga_event = TypeAdapter(RawMessageStreamEvent)
    beta_event = TypeAdapter(BetaRawMessageStreamEvent)
    return {
        ("message", False): Message.model_validate,
        ("message", True): BetaMessage.model_validate,
        ("event", False): ga_event.validate_python,
        ("event", True): beta_event.validate_python,
        ("count", False): MessageTokensCount.model_validate,
        ("count", True): BetaMessageTokensCount.model_validate,
        ("error", False): ErrorResponse.model_validate,
        ("error", True): ErrorResponse.model_validate,
    }


def _is_beta(request: fmt.RecordedRequest) -> bool:
    return "beta=true" in request.query or bool(request.headers.get("anthropic-beta"))


def _validate(interaction: fmt.Interaction, check: dict[tuple[str, bool], Validator]) -> None:
    request, response = interaction.request, interaction.response
    beta = _is_beta(request)
    if response.status >= 400:
        check["error", beta](response.body)
        return
    if response.status != 200:
        return
    if response.events is not None:
        for name, data in response.events:
            if name not in ("ping", "error"):
                check["event", beta](replay.upgrade(data))
        check["message", beta](replay.upgrade(replay.accumulate(response.events)))
    elif request.path.rstrip("/").endswith("/count_tokens"):
        check["count", beta](response.body)
    elif isinstance(response.body, dict) and response.body.get("type") == "message":
        check["message", beta](replay.upgrade(response.body))


def _problems(path: str, check: dict[tuple[str, bool], Validator]) -> list[str]:
    try:
        text = store.read_text(path)
        doc = yamltext.load_yaml(text)
        interactions = fmt.interactions_from_doc(doc)
    except (OSError, ValueError, TypeError, KeyError, CassetteCorrupt) as exc:
        return [f"{path}: cannot be read: {type(exc).__name__}: {str(exc)[:300]}"]
    except Exception as exc:  # YAML errors and anything else a broken file raises
        return [f"{path}: cannot be parsed: {type(exc).__name__}: {str(exc)[:300]}"]
    problems = [] if "version" in doc else [f"{path}: no 'version' key"]
    problems.extend(redact.secret_problems(text, path))
    scan_decoded = "sk-ant-" not in text  # a key hidden in a gzip or escaped body
    for number, interaction in enumerate(interactions, 1):
        where = f"{path} #{number}"
        problems.extend(redact.header_problems(interaction.request.headers, where + " request"))
        problems.extend(redact.header_problems(interaction.response.headers, where + " response"))
        if scan_decoded:  # look in the decoded form
            decoded = json.dumps(fmt.readable(interaction), ensure_ascii=False)
            problems.extend(redact.secret_problems(decoded, where))
        try:
            _validate(interaction, check)
        except ValueError as exc:  # pydantic.ValidationError is a ValueError
            problems.append(f"{where}: does not parse as the SDK's types: {str(exc)[:400]}")
    return problems


def check(paths: Sequence[str | os.PathLike[str]]) -> tuple[int, str]:
    """Exit code and report: each file parses, answers validate strictly, and hold no secret.
    Folders are searched for cassettes."""
    files, missing = cassette_files(paths)
    validators = _validators()
    lines: list[str] = list(missing)
    failed = 0
    for path in files:
        problems = _problems(os.fspath(path), validators)
        failed += bool(problems)
        lines.extend(problems or [f"ok: {os.fspath(path)}"])
    lines.append(f"{len(files) - failed} of {len(files)} cassette(s) passed")
    code = FAILED if failed else NOTHING if missing or not files else OK
    return code, "\n".join(lines)
