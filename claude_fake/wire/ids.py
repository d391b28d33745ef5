"""Deterministic ids in the API's formats (msg_01…, toolu_01…, req_011C…): a seed and a count."""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Callable

_ALPHABET = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
_TABLE = bytes(ord(_ALPHABET[i % len(_ALPHABET)]) for i in range(256))
_PREFIXES = {"req": "req_011C"}  # every other kind: f"{kind}_01"
NewId = Callable[[str], str]  # the next id of a kind ("msg", "toolu", ...)


@functools.lru_cache(maxsize=256, typed=True)  # seed 1 and True name different ids
def _start(seed: int | str, kind: str) -> hashlib.blake2b:
    return hashlib.blake2b(f"{seed}:{kind}:".encode(), digest_size=24)


def make_id(kind: str, seed: int | str, n: int) -> str:
    """The ``n``-th id of ``kind`` for ``seed``: same inputs, same id; base58 like the real ones."""
    hasher = _start(seed, kind).copy()  # hashes f"{seed}:{kind}:{n}"
    hasher.update(str(n).encode())
    digest = hasher.digest()
    prefix = _PREFIXES.get(kind) or f"{kind}_01"
    return prefix + digest.translate(_TABLE)[: 20 if kind == "req" else 22].decode()


def stable_seed(*parts: object) -> int:
    """A 64-bit seed from parts, stable across processes (never ``hash()``, which is salted)."""
    text = "\x1f".join(str(p) for p in parts)
    return int.from_bytes(hashlib.blake2b(text.encode(), digest_size=8).digest(), "big")
