"""Check that the built wheel carries the package data (schemas, py.typed) and the entry points."""

from __future__ import annotations

import sys
import zipfile


def main(path: str) -> int:
    with zipfile.ZipFile(path) as wheel:
        names = set(wheel.namelist())
        entry = next((n for n in names if n.endswith("entry_points.txt")), None)
        text = wheel.read(entry).decode() if entry else ""
    wanted = ["claude_fake/py.typed", "claude_fake/pytest_plugin.py"]
    missing = [n for n in wanted if n not in names]
    if not any(
        n.startswith("claude_fake/validation/schemas/") and n.endswith(".json") for n in names
    ):
        missing.append("claude_fake/validation/schemas/*.json")
    page = ("index.html", "app.js", "app.css")  # the traffic page (/_fake/ui)
    missing += [
        f"claude_fake/faces/ui/static/{name}"
        for name in page
        if f"claude_fake/faces/ui/static/{name}" not in names
    ]
    if "pytest11" not in text or "claude-fake" not in text:
        missing.append("entry points pytest11 and console script")
    if missing:
        print(f"wheel {path} lacks: {', '.join(missing)}")
        return 1
    print(f"wheel {path}: {len(names)} files, package data and entry points present")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1]))
