"""SEQUENCE and LAST-MODIFIED of each event, from the git history of its file.

One ``git log`` call for all files (never one per file). A file's SEQUENCE is
the number of commits that touched it, minus one (a new event starts at 0, as
RFC 5545 asks), and LAST-MODIFIED is the committer time of the newest of those
commits. Both depend only on the commit being built, so two builds of the same
commit agree, and editing one event file changes only that event's values.

Outside a git repository (or for a file git does not know) the fallback is
deterministic: SEQUENCE 0 and no LAST-MODIFIED.

A shallow clone (``actions/checkout`` with its default ``fetch-depth: 1``)
sees one commit that seems to add every file: each event would get the
newest commit's time. A shallow repository is therefore treated like no
repository (SEQUENCE 0, no LAST-MODIFIED); publishing workflows should check
out the full history (``fetch-depth: 0``).
"""
from __future__ import annotations

import subprocess
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path, PurePosixPath
from typing import Iterable

__all__ = ["Version", "UNVERSIONED", "git_versions", "is_shallow"]


@dataclass(frozen=True, slots=True)
class Version:
    sequence: int = 0
    last_modified: datetime | None = None  # aware, UTC


UNVERSIONED = Version()


def git_versions(root: Path | str, paths: Iterable[str] | None = None) -> dict[str, Version]:
    """{source path relative to ``root``: Version} from ``git log`` run in ``root``.

    ``paths`` narrows the log to these files' folders (e.g. the events'
    ``source`` values); ``None`` reads the whole tree below ``root``.
    Returns ``{}`` when ``root`` is not in a git work tree or git is missing.
    """
    folders = sorted({str(PurePosixPath(p).parent) for p in paths}) if paths is not None else ["."]
    if not folders:
        return {}
    cmd = ["git", "-C", str(root), "-c", "core.quotepath=off", "log",
           "--format=%x00%ct", "--name-only", "--relative", "--no-renames", "--", *folders]
    try:
        if is_shallow(root):
            return {}
        out = subprocess.run(cmd, capture_output=True, check=True, text=True, encoding="utf-8").stdout
    except (OSError, subprocess.CalledProcessError):
        return {}
    counts: dict[str, int] = {}
    newest: dict[str, int] = {}
    stamp = 0
    for line in out.splitlines():
        if line.startswith("\0"):
            stamp = int(line[1:])
        elif line:
            counts[line] = counts.get(line, 0) + 1
            newest[line] = max(newest.get(line, stamp), stamp)
    return {
        path: Version(n - 1, datetime.fromtimestamp(newest[path], timezone.utc))
        for path, n in counts.items()
    }


def is_shallow(root: Path | str) -> bool:
    """True in a shallow clone (its history is cut off); raises CalledProcessError outside git."""
    out = subprocess.run(["git", "-C", str(root), "rev-parse", "--is-shallow-repository"],
                         capture_output=True, check=True, text=True).stdout
    return out.strip() == "true"
