"""SEQUENCE and LAST-MODIFIED of each event, from the git history of what it shows.

A VEVENT shows facts of the event's own file and of the entries it refers to
(``ical.shown_files``: the place's name, address and coordinates, the
organiser's name and e-mail, the offer's topics, the topics' labels). When
any of these files changes, what a calendar app shows may change, so the
event's SEQUENCE must rise and its LAST-MODIFIED move: apps keep their copy
of an event whose SEQUENCE did not rise (RFC 5545 3.8.7.4).

The history read is the first-parent line of the built branch, limited to the
content folder, in ONE ``git log`` call for all files (never one per file):
one step per state of the content that was published (a merged pull request
is one step, with everything it changed). Its commits are numbered oldest
first. For an event

    SEQUENCE      = number of the newest commit that touched the event's file or a file it shows
                    − number of the first commit that touched the event's file
    LAST-MODIFIED = committer time of that newest commit

A new event starts at 0, as RFC 5545 asks. SEQUENCE rises with every commit
that may change what the event shows, and never falls — also when an event
moves to a place whose file changed less often (a count of commits per file
would fall there). A commit that touches nothing the event shows leaves both
values as they are. Both depend only on the commit being built, so two builds
of the same commit agree. Changes of code, settings or texts outside the
content folder are not counted.

Outside a git repository (or for an event file git does not know) the fallback
is deterministic: SEQUENCE 0 and no LAST-MODIFIED.

A shallow clone (``actions/checkout`` with its default ``fetch-depth: 1``)
sees one commit that seems to add every file: each event would get the
newest commit's time. A shallow repository is therefore treated like no
repository (SEQUENCE 0, no LAST-MODIFIED); publishing workflows check out
the full history (``fetch-depth: 0``).
"""
from __future__ import annotations

import subprocess
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Iterable

__all__ = ["Version", "UNVERSIONED", "FileHistory", "History", "git_history", "is_shallow"]


@dataclass(frozen=True, slots=True)
class Version:
    sequence: int = 0
    last_modified: datetime | None = None  # aware, UTC


UNVERSIONED = Version()


@dataclass(frozen=True, slots=True)
class FileHistory:
    """Where a file appears in the numbered first-parent history."""

    first: int  # number of the first commit that touched it (1 = the oldest commit read)
    last: int  # number of the newest commit that touched it
    last_time: int  # committer time of that commit (Unix seconds)


class History(dict):
    """``{path relative to root: FileHistory}``; empty without usable git history."""

    def version(self, own: str, shown: Iterable[str] = ()) -> Version:
        """The Version of an event whose file is ``own`` and which shows facts of the
        files ``shown`` (files git does not know are left out)."""
        mine = self.get(own)
        if mine is None:
            return UNVERSIONED
        newest = mine
        for path in shown:
            h = self.get(path)
            if h is not None and h.last > newest.last:
                newest = h
        return Version(newest.last - mine.first, datetime.fromtimestamp(newest.last_time, timezone.utc))


def git_history(root: Path | str, folder: str = ".") -> History:
    """The numbered history of the files in ``folder`` (relative to ``root``, where git
    runs; paths in the answer are relative to ``root`` too). The numbers count the
    commits that touched ``folder``: pass the content folder itself, always the same
    one, so that they never shrink from one build to the next. Returns an empty
    History when ``root`` is not in a git work tree, the repository is shallow, or
    git is missing.
    """
    # --first-parent -m: merges count once, with what they changed against the branch
    # they were merged into; --reverse: numbers grow with time.
    cmd = ["git", "-C", str(root), "-c", "core.quotepath=off", "log", "--first-parent", "-m", "--reverse",
           "--format=%x00%ct", "--name-only", "--relative", "--no-renames", "--", folder]
    try:
        if is_shallow(root):
            return History()
        out = subprocess.run(cmd, capture_output=True, check=True, text=True, encoding="utf-8").stdout
    except (OSError, subprocess.CalledProcessError):
        return History()
    first: dict[str, int] = {}
    last: dict[str, int] = {}
    times = [0]  # committer time by commit number
    for line in out.splitlines():
        if line.startswith("\0"):
            times.append(int(line[1:]))
        elif line:
            first.setdefault(line, len(times) - 1)
            last[line] = len(times) - 1
    return History({path: FileHistory(first[path], n, times[n]) for path, n in last.items()})


def is_shallow(root: Path | str) -> bool:
    """True in a shallow clone (its history is cut off); raises CalledProcessError outside git."""
    out = subprocess.run(["git", "-C", str(root), "rev-parse", "--is-shallow-repository"],
                         capture_output=True, check=True, text=True).stdout
    return out.strip() == "true"
