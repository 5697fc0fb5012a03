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
import tempfile
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


class ForkedStream:
    """``func(item)`` for some items computed ahead in a forked child, streamed
    back in order while this process does other work.

    ``items`` are ``(key, item)`` pairs in the order this process will ask for
    them with :meth:`take`. The child computes them one after the other and
    appends each result to a temporary file, so it can run ahead as far as it
    likes (a pipe alone would stop it after 64 KB); a byte in a pipe says that
    one more result is there. :meth:`take` reads up to the one asked for.

    ``take`` returns None whenever the result is not there: the child failed,
    stopped (``stop_on_log`` logger saw a warning: this process computes that
    item itself, so the warning is logged where it counts), the key was skipped,
    or this is not the process that started it. The caller then computes the
    item itself, so results never depend on whether the child ran.

    ``then``, if given, runs in the child after the items (work with no result
    to send back, e.g. writing files); :meth:`finish` says whether it completed.
    """

    _DONE = ("nahbei.parallel", "done")

    def __init__(self, func, items, *, then=None, stop_on_log: str | None = None):
        self.owner = os.getpid()
        self.keys = {key for key, _ in items}
        self.pid = None
        self.signals = self.data = None
        data = tempfile.TemporaryFile()  # gone when both processes have closed it
        read_end, write_end = os.pipe()
        pid = os.fork()
        if pid == 0:  # the child
            status = 1
            try:
                os.close(read_end)
                stopped = _silence_and_watch(stop_on_log)

                def send(key, result):
                    record = pickle.dumps((key, result), protocol=pickle.HIGHEST_PROTOCOL)
                    data.write(len(record).to_bytes(8, "little") + record)
                    data.flush()
                    os.write(write_end, b"+")

                for key, item in items:
                    result = func(item)
                    if stopped():
                        break
                    send(key, result)
                else:
                    if then is not None:
                        then()
                    if not stopped():
                        send(self._DONE, None)
                status = 0
            finally:
                os._exit(status)
        os.close(write_end)
        self.pid = pid
        self.signals = os.fdopen(read_end, "rb", buffering=0)
        self.data = data  # read with pread: the file offset is shared with the writing child
        self.offset = 0

    def _read(self, size: int) -> bytes:
        out = b""
        while len(out) < size:
            chunk = os.pread(self.data.fileno(), size - len(out), self.offset)
            if not chunk:
                raise EOFError("nahbei.parallel: record cut short")
            out += chunk
            self.offset += len(chunk)
        return out

    def _next(self):
        """The next (key, result) from the child, or None when it sends no more."""
        if not self.signals.read(1):
            return None
        size = int.from_bytes(self._read(8), "little")
        return pickle.loads(self._read(size))

    def take(self, key):
        if os.getpid() != self.owner or self.signals is None or key not in self.keys:
            return None
        while True:
            got = self._next()
            if got is None:  # the child has finished, stopped or failed
                self.close()
                return None
            if got[0] == key:
                return got[1]

    def finish(self) -> bool:
        """Read to the end and reap the child: True when it did every item and ``then``."""
        done = False
        if os.getpid() == self.owner and self.signals is not None:
            while (got := self._next()) is not None:
                done = got[0] == self._DONE
        status = self.close()
        return done and status == 0

    def close(self) -> int | None:
        """Stop reading and reap the child (a child still running stops at the
        closed pipe); its exit status, None when already reaped."""
        if os.getpid() != self.owner:
            return None
        for f in (self.signals, self.data):
            if f is not None:
                f.close()
        self.signals = self.data = None
        status = None
        if self.pid is not None:
            _, status = os.waitpid(self.pid, 0)
            self.pid = None
        return status


def _silence_and_watch(logger_name: str | None):
    """In the child: nothing it logs is printed; a warning makes it stop."""
    import logging

    seen = []
    if logger_name is not None:
        class Watch(logging.Handler):
            def emit(self, record):
                if record.levelno >= logging.WARNING:
                    seen.append(record)

        logger = logging.getLogger(logger_name)
        logger.handlers = [Watch()]
        logger.propagate = False
    return lambda: bool(seen)
