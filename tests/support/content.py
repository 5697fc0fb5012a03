"""The example content as tests need it.

Every entry of ``content/`` is an example (``example_data``, no ``last_reviewed``:
nobody checked it with the organisation). Tests of the review cycle (overdue
reviews, the freshness report) turn a copy of an entry into a real, reviewed one
with ``mark_reviewed``.
"""
from __future__ import annotations

import re
from pathlib import Path

__all__ = ["drop_example", "mark_reviewed", "strings"]

_EXAMPLE = re.compile(r"^example_data:.*\n(?:[ \t]+\S.*\n|[ \t]*\n)*", re.M)


def drop_example(path: Path) -> None:
    """Make the entry file at ``path`` a real one: its ``example_data`` goes."""
    text, n = _EXAMPLE.subn("", path.read_text("utf-8"))
    assert n == 1, f"{path}: no example_data to remove"
    path.write_text(text, "utf-8")


def mark_reviewed(path: Path, reviewed: str, months: int | None = None) -> int:
    """Make the entry file at ``path`` a real, reviewed one: its ``example_data``
    goes and ``last_reviewed: <reviewed>`` (and ``review_interval_months``) are
    appended. Returns the line of ``last_reviewed``."""
    drop_example(path)
    text = path.read_text("utf-8")
    assert "last_reviewed:" not in text, f"{path} already has last_reviewed"
    if not text.endswith("\n"):
        text += "\n"
    line = text.count("\n") + 1
    text += f"last_reviewed: {reviewed}\n"
    if months is not None:
        text += f"review_interval_months: {months}\n"
    path.write_text(text, "utf-8")
    return line


def strings(node):
    """Every string in an entry's data (names, notes, summaries, descriptions …)."""
    if isinstance(node, str):
        yield node
    elif isinstance(node, dict):
        for v in node.values():
            yield from strings(v)
    elif isinstance(node, list):
        for v in node:
            yield from strings(v)
