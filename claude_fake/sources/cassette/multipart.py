"""Multipart bodies (a Files API upload) in cassettes: stored as their text, as sent, so a
cassette shows the parts and a text file's content; matched without their boundary, which every
client draws at random for each request."""

from __future__ import annotations

import re
from typing import Any

_FIRST_LINE = re.compile(r"--([0-9A-Za-z'()+_,\-./:=?]{1,70})\r\n")
BOUNDARY = "<boundary>"


def comparable(text: Any) -> Any:
    """``text`` with a multipart body's boundary replaced by a fixed one; anything else as is."""
    if not isinstance(text, str):
        return text
    found = _FIRST_LINE.match(text)
    if found is None or not text.rstrip().endswith(f"--{found.group(1)}--"):
        return text
    return text.replace(found.group(1), BOUNDARY)
