"""Runs one ``nahbei.parallel.fork_map`` scenario in a fresh process and prints
what happened as JSON: ``python -m tests.support.fork_probe SCENARIO [ARG]``.

A fresh process starts from nothing the test run set up (no patched modules,
no flags left by another test), so here the second process runs as in
``nahbei check`` when the machine allows it. Every fork and every reaped child is
recorded by wrapping ``os.fork`` and ``os.waitpid`` of this process only, so a
test can tell "the child ran and its results were used" from "everything was
computed here".

Answer: ``{"pid", "may_fork", "forks": [child pid …], "exits": [[pid, exit code] …], …}``
plus what the scenario returns.
"""
from __future__ import annotations

import json
import os
import sys
from datetime import datetime, timezone
from pathlib import Path

forks: list[int] = []
exits: list[list[int]] = []
_fork, _waitpid = os.fork, os.waitpid


def _recording_fork():
    pid = _fork()
    if pid:
        forks.append(pid)
    return pid


def _recording_waitpid(pid, options):
    got = _waitpid(pid, options)
    if got[0]:
        exits.append([got[0], os.waitstatus_to_exitcode(got[1])])
    return got


os.fork, os.waitpid = _recording_fork, _recording_waitpid

from nahbei.parallel import fork_map, may_fork  # noqa: E402  (after the wrappers, same os module)


def order(_arg):
    """Squares with the pid that computed each."""
    return {"out": fork_map(lambda x: [x * x, os.getpid()], range(25), min_items=10)}


def small(_arg):
    """Fewer items than min_items."""
    return {"out": fork_map(lambda x: os.getpid(), range(5), min_items=10)}


def child_fails(marker):
    """The function fails in the child after writing the child's pid to ``marker``."""
    parent = os.getpid()

    def only_here(x):
        if os.getpid() != parent:
            with open(marker, "a", encoding="utf-8") as f:
                f.write(f"{os.getpid()}\n")
            raise RuntimeError("child fails")
        return x + 1

    return {"out": fork_map(only_here, range(20), min_items=10)}


def feeds(out_dir):
    """All feeds of a synthetic directory of 2,100 events written to ``out_dir``."""
    from nahbei.feeds import write_feeds
    from nahbei.feeds.bench import synthetic_directory
    from nahbei.urls import Urls

    paths = write_feeds(synthetic_directory(2100), Path(out_dir), "https://example.org/", Urls(), versions={},
                        now=datetime(2026, 11, 22, 12, tzinfo=timezone.utc), site_name="Test")
    return {"paths": [p.relative_to(out_dir).as_posix() for p in paths]}


def main(argv) -> int:
    scenario, arg = argv[0], (argv[1] if len(argv) > 1 else None)
    answer = {"pid": os.getpid(), "may_fork": may_fork(25, 10)}
    answer.update({"order": order, "small": small, "child_fails": child_fails, "feeds": feeds}[scenario](arg))
    answer.update(forks=forks, exits=exits)
    print(json.dumps(answer))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
