"""Half the work in a forked child process (no MkDocs import).

The machines this runs on have two cores; CPython uses one. ``fork_map``
computes ``func(x)`` for every second item in a forked child while this
process does the others, and returns all results in order. Only where fork is
safe (Linux/macOS, no other threads running: not under ``mkdocs serve``), for
at least ``min_items`` items, with two or more CPUs, and unless
``NAHBEI_WORKERS=1``; otherwise, or when the child fails, everything is
computed here, so results never depend on whether the child ran.
"""
from __future__ import annotations

import os
import pickle
import threading


def may_fork(count: int, min_items: int) -> bool:
    if count < min_items or not hasattr(os, "fork") or os.environ.get("NAHBEI_WORKERS") == "1":
        return False
    try:
        cpus = len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        cpus = os.cpu_count() or 1
    return cpus >= 2 and threading.active_count() == 1


def fork_map(func, items, *, min_items: int = 2000) -> list:
    items = list(items)
    if not may_fork(len(items), min_items):
        return [func(x) for x in items]
    theirs_in = items[1::2]
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: compute, send, leave without running the parent's cleanup
        status = 1
        try:
            os.close(read_end)
            out = [func(x) for x in theirs_in]
            with os.fdopen(write_end, "wb") as f:
                f.write(pickle.dumps(out, protocol=pickle.HIGHEST_PROTOCOL))
            status = 0
        finally:
            os._exit(status)
    os.close(write_end)
    try:
        mine = [func(x) for x in items[0::2]]
    finally:
        theirs = None
        try:
            with os.fdopen(read_end, "rb") as f:
                payload = f.read()
            _, status = os.waitpid(pid, 0)
            if status == 0:
                theirs = pickle.loads(payload)
        except Exception:
            theirs = None
    if theirs is None or len(theirs) != len(theirs_in):
        theirs = [func(x) for x in theirs_in]
    out = [None] * len(items)
    out[0::2], out[1::2] = mine, theirs
    return out
