"""Work in a forked second process (no MkDocs import).

The machines this runs on have two cores; CPython uses one. Two ways to use
the second:

- :func:`fork_map` computes ``func(x)`` for every second item in a forked
  child while this process does the others, and returns all results in order.
- :class:`ForkedStream`: a child does some work with no result first (e.g.
  writing files), then computes items ahead of this process, which asks for
  them one by one in its own order (``take``) and computes itself whatever
  the child has not delivered when it gets there.

When a process may fork (:func:`fork_refusal` says why not):

- it was not told to stay alone (:func:`stay_alone`): the MkDocs plugin says
  so under ``mkdocs serve`` (an explicit flag from the command, not a count of
  threads), and every forked child is told so (no nested forks: a child's
  ``fork_map`` computes everything itself);
- ``NAHBEI_WORKERS=1`` is not set, there are enough items and two usable CPUs;
- fork is safe here: a POSIX fork among multiprocessing's start methods, not
  macOS (its system libraries are not fork-safe, Python spawns there), no other
  start method chosen by the program, and the call comes from the main thread
  (a server thread, e.g. a rebuild under ``mkdocs serve``, never forks).

Every wait for a child has a deadline; a child that misses it is killed and
its work is done here. Results never depend on whether a child ran: a child
that stops on an error this process would not meet by itself (one of
``fatal``, e.g. a self-check that found its earlier results wrong) hands it
over, and this process raises it (:class:`ForkedError`).
"""
from __future__ import annotations

import copy
import logging
import mmap
import os
import pickle
import select
import signal
import sys
import tempfile
import threading
import time

#: fork_map: after this process has done its half, how long it waits for the
#: child's half (at least this, or twice as long as its own half took).
MAP_WAIT = 60.0
#: ForkedStream.take: how long it waits for an item the child is computing.
ITEM_WAIT = 10.0
#: ForkedStream.finish: how long it waits for the child's first work and its exit.
FINISH_WAIT = 120.0
#: ForkedStream: the child works on items at least MIN_GAP ahead of this
#: process; when it falls behind that, it jumps LEAD items ahead of it and
#: leaves the items in between to this process (the shares balance themselves).
MIN_GAP = 3
LEAD = 12

_alone: str | None = None


class ForkedError(Exception):
    """The child stopped on ``error`` (one of the stream's ``fatal`` types) at ``key``."""

    def __init__(self, key, error: BaseException):
        super().__init__(f"second process, at {key!r}: {error}")
        self.key, self.error = key, error


def stay_alone(reason: str | None) -> None:
    """Forbid forks in this process (``reason``: why), or allow them again (None)."""
    global _alone
    _alone = reason


def fork_refusal(count: int, min_items: int) -> str | None:
    """Why this process must not fork for ``count`` items now; None: it may."""
    if _alone is not None:
        return _alone
    if os.environ.get("NAHBEI_WORKERS") == "1":
        return "NAHBEI_WORKERS=1"
    if count < min_items:
        return f"{count} items, fewer than {min_items}"
    unsafe = _fork_unsafe()
    if unsafe is not None:
        return unsafe
    if _cpus() < 2:
        return "one usable CPU"
    return None


def may_fork(count: int, min_items: int) -> bool:
    return fork_refusal(count, min_items) is None


def _cpus() -> int:
    try:
        return len(os.sched_getaffinity(0))  # what taskset allows, not what the machine has
    except AttributeError:  # pragma: no cover - not Linux
        return os.cpu_count() or 1


def _fork_unsafe() -> str | None:
    import multiprocessing

    if not hasattr(os, "fork") or "fork" not in multiprocessing.get_all_start_methods():
        return "no fork on this platform"
    if sys.platform == "darwin":
        return "fork is not safe on macOS"
    chosen = multiprocessing.get_start_method(allow_none=True)
    if chosen not in (None, "fork"):
        return f"this program starts processes with {chosen!r}"
    if threading.current_thread() is not threading.main_thread():
        return "not the main thread"
    return None


def _fork() -> int:
    pid = os.fork()
    if pid == 0:
        stay_alone("this is a second process")
    return pid


def _read_all(fd: int, deadline: float) -> bytes | None:
    """Everything until the writer closes ``fd``; None when the deadline passes first."""
    chunks = []
    while True:
        left = deadline - time.monotonic()
        if left <= 0 or not select.select([fd], [], [], left)[0]:
            return None
        chunk = os.read(fd, 1 << 20)
        if not chunk:
            return b"".join(chunks)
        chunks.append(chunk)


def _reap(pid: int, *, kill: bool, timeout: float = 5.0) -> int:
    """Wait for the child to end (killing it first when ``kill``, or when it has
    not ended within ``timeout``); its exit code (negative: the signal)."""
    if not kill and not _ends_within(pid, timeout):
        kill = True
    if kill:
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:  # pragma: no cover - ended meanwhile
            pass
    _, status = os.waitpid(pid, 0)
    return os.waitstatus_to_exitcode(status)


def _ends_within(pid: int, timeout: float) -> bool:
    try:
        fd = os.pidfd_open(pid)
    except (AttributeError, OSError):  # pragma: no cover - Linux before 5.3: wait as waitpid does
        return True
    try:
        return bool(select.select([fd], [], [], timeout)[0])
    finally:
        os.close(fd)


def fork_map(func, items, *, min_items: int = 2000, wait: float = MAP_WAIT) -> list:
    items = list(items)
    if not may_fork(len(items), min_items):
        return [func(x) for x in items]
    theirs_in = items[1::2]
    read_end, write_end = os.pipe()
    try:
        pid = _fork()
    except OSError:  # no process to be had (memory, process limit): all of it here
        os.close(read_end)
        os.close(write_end)
        return [func(x) for x in items]
    if pid == 0:  # the child: compute, send, leave without running the parent's cleanup
        status = 1
        try:
            os.close(read_end)
            payload = pickle.dumps([func(x) for x in theirs_in], protocol=pickle.HIGHEST_PROTOCOL)
            with os.fdopen(write_end, "wb") as f:
                f.write(payload)
            status = 0
        finally:
            os._exit(status)
    os.close(write_end)
    started = time.monotonic()
    theirs = None
    try:
        mine = [func(x) for x in items[0::2]]
        payload = _read_all(read_end, time.monotonic() + max(wait, 2 * (time.monotonic() - started)))
    except BaseException:
        _reap(pid, kill=True)  # this process failed: the child's half is not wanted, no waiting for it
        raise
    finally:
        os.close(read_end)
    status = _reap(pid, kill=payload is None)
    if payload is not None and status == 0:
        try:
            theirs = pickle.loads(payload)
        except Exception:
            theirs = None
    if theirs is None or len(theirs) != len(theirs_in):
        theirs = [func(x) for x in theirs_in]
    out = [None] * len(items)
    out[0::2], out[1::2] = mine, theirs
    return out


_FIRST = ("nahbei.parallel", "first")
_MISSING = object()


class ForkedStream:
    """A forked child that runs ``first()`` (work with no result, e.g. writing
    files), then computes ``func(item)`` for items ahead of this process.

    ``items`` are ``(key, item)`` pairs in the order this process will ask for
    them with :meth:`take`. Shared memory holds where this process is and which
    items the child took on; the child works a few items ahead of it and, when
    this process catches up, jumps ahead again, so neither waits for the other
    and the shares follow the speed each process really gets (another program
    busy on one core makes the child's share smaller, never the build slower
    than alone). Results go through a temporary file (a pipe alone would stop
    the child after 64 KB); a byte in a pipe says one more message is there.

    The child's log records are forwarded: each waits in this process until
    the result it belongs to is used, and is then handled by this process's
    loggers as if logged here (so a warning counts for ``mkdocs build --strict``);
    records of results not used are dropped (this process computes those items
    itself and logs what it logs). ``first``'s records count once it completed.
    """

    def __init__(self, func, items, *, first=None, wait: float = ITEM_WAIT, finish_wait: float = FINISH_WAIT,
                 min_gap: int = MIN_GAP, lead: int = LEAD, fatal: tuple[type[BaseException], ...] = ()):
        items = list(items)
        self.fatal = fatal
        self.failure: ForkedError | None = None  # what the child stopped on, if fatal
        self.owner = os.getpid()
        self.index = {key: i for i, (key, _) in enumerate(items)}
        self.wait, self.finish_wait = wait, finish_wait
        self.results: dict = {}
        self.logs: dict = {}
        self.first_done = first is None
        self.ended = False
        self.delivered = self.declined = 0  # results used / items the child did that were not used
        self.status = None  # the child's exit code once reaped
        self.waits, self.waited = 0, 0.0  # take(): how often and how long it waited for the child
        self.passed = 0  # results that came after this process had done the item itself
        # [0:8] this process's position (index), [8] "stop", [16:] items the child took on
        self.shared = mmap.mmap(-1, 16 + max(len(items), 1))
        self.position = memoryview(self.shared)[:8].cast("q")
        self.position[0] = -1
        self.data = tempfile.TemporaryFile()  # gone when both processes have closed it
        self.offset = 0
        read_end, write_end = os.pipe()
        try:
            self.pid = _fork()
        except OSError:  # no process to be had: no child; the caller does everything (take gives None)
            os.close(read_end)
            os.close(write_end)
            self.data.close()
            self.pid, self.ended, self.signals = None, True, None
            return
        if self.pid == 0:
            os.close(read_end)
            self._child(func, items, first, write_end, min_gap, max(lead, min_gap))
        os.close(write_end)
        self.signals = read_end

    # -- the child --------------------------------------------------------------------

    def _child(self, func, items, first, write_end, min_gap, lead):
        status = 1
        unit = None
        try:
            def send(message):
                record = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
                self.data.write(len(record).to_bytes(8, "little") + record)
                self.data.flush()
                os.write(write_end, b"+")

            forward = _forward_logs(send)
            if first is not None:
                forward.unit = unit = _FIRST
                first()
                send(("first", None, None))
            claims = memoryview(self.shared)[16:]
            j = 0
            while j < len(items) and not self.shared[8]:
                here = self.position[0]
                if j < here + min_gap:
                    j = here + lead
                    continue
                claims[j] = 1
                key, item = items[j]
                forward.unit = unit = key
                result = func(item)
                send(("item", key, result))
                j += 1
            status = 0
        except BaseException as exc:
            if isinstance(exc, self.fatal):  # this process must stop too
                try:
                    send(("fatal", unit, exc))
                except Exception:  # noqa: BLE001 - not picklable: its text
                    send(("fatal", unit, RuntimeError(f"{type(exc).__name__}: {exc}")))
            else:  # this process does the rest: say why, for -v
                logging.getLogger(__name__).debug("second process stopped at %r: %r", unit, exc)
        finally:
            os._exit(status)

    # -- this process -------------------------------------------------------------------

    def _mine(self) -> bool:
        return os.getpid() == self.owner and self.pid is not None

    def _message(self):
        size = int.from_bytes(self._read(8), "little")
        return pickle.loads(self._read(size))

    def _read(self, size: int) -> bytes:
        out = b""
        while len(out) < size:
            # pread: the file offset is shared with the writing child
            chunk = os.pread(self.data.fileno(), size - len(out), self.offset)
            if not chunk:
                raise EOFError("nahbei.parallel: message cut short")
            out += chunk
            self.offset += len(chunk)
        return out

    def _pump(self, timeout: float) -> None:
        """Receive what the child has sent, waiting up to ``timeout`` for something."""
        if self.ended or not select.select([self.signals], [], [], timeout)[0]:
            return
        got = os.read(self.signals, 1 << 16)
        if not got:
            self.ended = True
            return
        for _ in range(len(got)):
            kind, key, value = self._message()
            if kind == "log":
                if key is None:
                    _relog(value)
                else:
                    self.logs.setdefault(key, []).append(value)
            elif kind == "item":
                if self.index[key] < self.position[0]:  # passed: this process did it itself
                    self.logs.pop(key, None)
                    self.passed += 1
                else:
                    self.results[key] = value
            elif kind == "fatal":
                if self.failure is None:
                    self.failure = ForkedError(key, value)
            elif kind == "first":
                self.first_done = True
                for record in self.logs.pop(_FIRST, ()):
                    _relog(record)

    def take(self, key, *, usable: bool = True):
        """The child's result for ``key``, or None: compute it here. ``usable``
        False: the caller cannot use it (the child's result is dropped)."""
        if not self._mine() or key not in self.index:
            return None
        i = self.index[key]
        self.position[0] = i
        self._pump(0)
        self._raise_failure()
        if usable and key not in self.results and self.shared[16 + i] and not self.ended:
            started = time.monotonic()
            deadline = started + self.wait
            self.waits += 1
            while key not in self.results and not self.ended:
                left = deadline - time.monotonic()
                if left <= 0:  # the child hangs: it is killed, this process does the rest
                    self._end(kill=True)
                    break
                self._pump(left)
            self.waited += time.monotonic() - started
            self._raise_failure()
        result = self.results.pop(key, _MISSING)
        records = self.logs.pop(key, ())
        if not usable:
            if result is not _MISSING or self.shared[16 + i]:
                self.declined += 1  # the child did it, or does it right now, in vain
            return None
        if result is _MISSING:
            return None
        for record in records:
            _relog(record)
        self.delivered += 1
        return result

    def finish(self) -> bool:
        """Stop the child after its current item, wait for it and reap it: True
        when ``first`` completed (in the child)."""
        if os.getpid() != self.owner:
            return False
        if self.pid is not None:
            self.shared[8] = 1
            deadline = time.monotonic() + self.finish_wait
            while not self.ended:
                left = deadline - time.monotonic()
                if left <= 0:
                    break
                self._pump(left)
            self._end(kill=not self.ended)
        self._raise_failure()
        return self.first_done

    def _raise_failure(self) -> None:
        if self.failure is not None:
            failure = self.failure
            if self.pid is not None:
                self._end(kill=True)
            self.failure = failure  # _end clears results, not this
            raise failure

    def close(self) -> None:
        """Kill the child if it still runs, and reap it."""
        if self._mine():
            self._end(kill=True)

    def _end(self, *, kill: bool) -> None:
        self.ended = True
        self.status = _reap(self.pid, kill=kill)
        self.pid = None
        os.close(self.signals)
        self.data.close()
        self.results.clear()
        self.logs.clear()


class _Forward(logging.Handler):
    """In the child: sends each record to the parent (logging's multi-process
    recipe, as logging.handlers.QueueHandler does for a queue)."""

    def __init__(self, send):
        super().__init__()
        self.send = send
        self.unit = None  # what the child is working on: the record waits for it
        self.last = None

    def emit(self, record):
        if record is self.last:  # the same record reaches every logger up the chain
            return
        self.last = record
        try:
            portable = copy.copy(record)
            # as QueueHandler.prepare: the message and traceback as text, nothing unpicklable
            portable.msg = portable.message = self.format(record)
            portable.args = portable.exc_info = portable.exc_text = portable.stack_info = None
            self.send(("log", self.unit, portable))
        except Exception:
            self.handleError(record)


def _forward_logs(send) -> _Forward:
    """In the child: every logger that has handlers hands its records to one
    forwarding handler instead (the parent's handlers print and count them)."""
    forward = _Forward(send)
    loggers = [logging.getLogger()] + [logger for logger in logging.Logger.manager.loggerDict.values()
                                       if isinstance(logger, logging.Logger)]
    with_handlers = [logger for logger in loggers if logger.handlers]
    forward.setLevel(min((h.level for logger in with_handlers for h in logger.handlers), default=logging.WARNING))
    for logger in with_handlers or [logging.getLogger()]:
        logger.handlers = [forward]
    return forward


def _relog(record: logging.LogRecord) -> None:
    """A record from the child, handled here as if logged here."""
    logger = logging.getLogger(record.name)
    if logger.isEnabledFor(record.levelno):
        logger.handle(record)
