"""Writing what a session records: each interaction appended to the cassette (its cost does not
grow with the file), or the file merged and replaced atomically where appending cannot do.

Every write holds the cassette's inter-process lock (``lock.py``) around its read-merge-write,
and merges with what is on disk *now*, so workers that record into one cassette at the same time
keep each other's interactions. The whole file is rewritten (atomically) only when:

* this session starts from an empty cassette (``rewrite``; ``once`` on a new file) and nobody has
  written the file since the session began: the old content goes;
* an interaction recorded in mode ``all`` replaces older recordings of the same request;
* the file is not in claude-fake's appendable form (a vcrpy file, an older layout), or grows
  past ``LARGE`` interactions and changes to the one-JSON-line form.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Hashable
from pathlib import Path

from claude_fake.sources.cassette import format as fmt
from claude_fake.sources.cassette import store, yamltext
from claude_fake.sources.cassette.lock import cassette_lock

FileState = tuple[int, int, int] | None


def file_state(path: Path) -> FileState:
    """What identifies one version of a file: inode, modification time, size (None: absent)."""
    try:
        found = os.stat(path)
    except OSError:
        return None
    return (found.st_ino, found.st_mtime_ns, found.st_size)


class CassetteWriter:
    """Writes one session's recordings into the cassette at ``path``. Not thread-safe: the
    cassette source calls it under its own lock."""

    def __init__(
        self,
        path: Path,
        *,
        fresh: bool,
        count: int,
        key_of: Callable[[fmt.RecordedRequest], Hashable],
    ) -> None:
        self.path = path
        self._fresh = fresh  # the first write replaces what the file held when the session began
        self._start = file_state(path)
        self._count = count
        self._key_of = key_of
        self.rewrites = 0  # whole-file writes (appends are the rest)

    def write(self, interaction: fmt.Interaction, *, replaces: Hashable | None = None) -> None:
        """Add ``interaction``; with ``replaces``, older recordings with that match key go."""
        with cassette_lock(self.path):
            fresh, self._fresh = self._fresh, False
            if fresh and file_state(self.path) == self._start:
                self._rewrite([interaction])
                return
            kind = yamltext.appendable(self.path)
            large = self._count + 1 >= yamltext.LARGE
            if replaces is not None or kind is None or (kind == "block" and large):
                self._merge(interaction, replaces)
                return
            item = fmt.readable(interaction)
            yamltext.append_text(self.path, yamltext.items_text([item], large=kind == "lines"))
            self._count += 1

    def _merge(self, interaction: fmt.Interaction, replaces: Hashable | None) -> None:
        on_disk = store.load(self.path) or []
        if replaces is not None:
            on_disk = [i for i in on_disk if self._key_of(i.request) != replaces]
        self._rewrite([*on_disk, interaction])

    def _rewrite(self, interactions: list[fmt.Interaction]) -> None:
        yamltext.save(self.path, interactions)
        self._count = len(interactions)
        self.rewrites += 1
