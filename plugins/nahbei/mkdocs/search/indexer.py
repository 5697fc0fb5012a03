"""Pagefind's index, written while the pages are (no MkDocs import).

:class:`LiveIndex` hands each page to Pagefind's own Python API (package
``pagefind``) as soon as it is rendered: Pagefind runs as a service process
(the binary from ``pagefind-bin``) and indexes on the other core while MkDocs
renders the next pages; at the end it writes the bundle. Adding a page never
waits for Pagefind.

:func:`run` is the former way, kept to compare with: the Pagefind binary over
the finished site folder (it re-reads every page from disk).
"""
from __future__ import annotations

import asyncio
import base64
import binascii
import json
import os
import re
import shutil
import subprocess
import threading
import time
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path

from pagefind.service import PagefindService

BUNDLE_DIR = "pagefind"
#: Seconds allowed to each wait for Pagefind (starting, the pages still
#: queued at the end, writing the bundle, stopping) unless the caller says.
TIMEOUT = 600.0


#: One pass of the client's event loop every this many pages (LiveIndex.add).
STEP_EVERY = 8


class IndexError_(RuntimeError):
    """Pagefind could not be run or failed; the message says why."""


@dataclass(frozen=True)
class IndexResult:
    pages: int
    words: int
    languages: int
    #: How long ``wait`` waited for Pagefind (the part that overlapped with nothing).
    seconds: float
    #: CPU seconds the Pagefind process used in all (None where not measurable).
    cpu_seconds: float | None = None
    #: The Pagefind process's peak resident memory in bytes (None where not measurable):
    #: writing the bundle is the build's peak (1.3 GB at N=10,000; this process: ~0.4 GB).
    peak_rss: int | None = None
    output: str = ""


def executable(explicit: str | None = None) -> Path:
    """The Pagefind binary: ``explicit`` if given, else the one in pagefind-bin."""
    if explicit:
        found = shutil.which(explicit) or (explicit if Path(explicit).is_file() else None)
        if not found:
            raise IndexError_(f"Pagefind binary not found: {explicit}")
        return Path(found)
    try:
        from pagefind_bin import get_executable
    except ImportError as exc:  # pragma: no cover - dependency of the package
        raise IndexError_("The Python package pagefind-bin is missing: pip install 'pagefind-bin>=1.5,<2'") from exc
    try:
        return Path(get_executable())
    except FileNotFoundError as exc:  # pragma: no cover - broken wheel
        raise IndexError_(f"pagefind-bin ships no binary for this platform: {exc}") from exc


# -- Pagefind's Python API, fed page by page -------------------------------------------

def _service_class():
    # What _Service relies on (pagefind 1.5.2): a release without it fails here, not by hanging.
    for name in ("_wait_for_responses", "launch", "send", "create_index", "close"):
        if not hasattr(PagefindService, name):
            raise IndexError_(f"pagefind {version('pagefind')} has no PagefindService.{name}: "
                              "nahbei/search is made for pagefind 1.5 (pip install 'pagefind>=1.5,<2')")
    return _Service


class _Service(PagefindService):
    """Pagefind's service client (``pagefind.service.PagefindService``) with
    its own binary and a reader that takes each answer as it arrives.

    pagefind 1.5.2's reader sleeps 0.1 s before every answer (10 pages a
    second: 1,000 s at 10,000 entries) and, when the binary exits, stops
    without a word while every request waits forever. This one reads at
    once and, on exit, fails whatever is still waiting with the exit code
    and what the binary printed. The protocol is Pagefind's: base64 JSON,
    each message ended by a comma; the binary's stderr comes on the same
    pipe (``launch``), so text before a message is output, not a message."""

    def __init__(self, binary: Path):
        super().__init__()
        self._bin = binary  # PagefindService would look it up itself (env, pagefind_bin, PATH)
        self.answers = 0
        self.printed: list[str] = []

    async def _wait_for_responses(self) -> None:
        stdout = self._backend.stdout
        reason = None
        try:
            while True:
                try:
                    chunk = await stdout.readuntil(b",")
                except asyncio.IncompleteReadError as exc:
                    self._print(exc.partial)
                    break
                except asyncio.LimitOverrunError as exc:
                    reason = f"Pagefind sent an answer over {exc.consumed} bytes"
                    break
                text, _, message = chunk[:-1].rpartition(b"\n")
                self._print(text)
                try:
                    answer = json.loads(base64.b64decode(message, validate=True))
                except (binascii.Error, ValueError):
                    self._print(message)
                    continue
                if isinstance(answer, dict):
                    self._settle(answer)
        finally:
            if reason is None:
                code = self._backend.returncode
                try:
                    code = await asyncio.wait_for(self._backend.wait(), 10)
                except (asyncio.TimeoutError, asyncio.CancelledError):
                    pass
                reason = f"Pagefind stopped unexpectedly (exit code {code})"
            self._fail_waiting(reason)

    def _print(self, raw: bytes) -> None:
        text = raw.decode("utf-8", "replace").strip().strip(",")
        if text:
            self.printed.append(text)

    def _settle(self, answer: dict) -> None:
        payload = answer.get("payload") or {}
        message_id = answer.get("message_id")
        if message_id is None and payload.get("original_message"):
            try:
                message_id = json.loads(payload["original_message"]).get("message_id")
            except (ValueError, AttributeError):
                message_id = None
        if message_id is None:  # a request Pagefind could not read: nothing will answer it
            self._fail_waiting(f"Pagefind could not read a request: {payload.get('message', payload)}")
            return
        future = self._responses.pop(message_id, None)
        if future is None or future.done():
            return
        self.answers += 1
        if payload.get("type") == "Error":
            future.set_exception(IndexError_(f"Pagefind: {payload.get('message', 'error')}"))
        else:
            future.set_result(payload)

    def _fail_waiting(self, reason: str) -> None:
        output = "\n".join(self.printed[-20:])
        for future in self._responses.values():
            if not future.done():
                future.set_exception(IndexError_(reason + (f":\n{output}" if output else "")))

    async def written(self, folder: str) -> None:
        """Wait until the binary has closed every file under ``folder``.

        Pagefind 1.5.2 answers WriteFiles once each write is handed to its
        I/O threads, not when it is done (tokio files, never flushed), and
        ``close`` then ends the process: without this wait some bundle
        files stay empty. A file is written when its descriptor is closed."""
        fds = Path(f"/proc/{self._backend.pid}/fd")
        prefix = os.path.join(os.path.realpath(folder), "")
        if not fds.is_dir():  # no /proc: until the folder stops growing
            last = None
            while True:
                size = sum(p.stat().st_size for p in Path(folder).rglob("*") if p.is_file())
                if size == last:
                    return
                last = size
                await asyncio.sleep(0.2)
        while True:
            busy = False
            for fd in fds.iterdir():
                try:
                    busy = os.readlink(fd).startswith(prefix)
                except OSError:  # closed meanwhile
                    continue
                if busy:
                    break
            if not busy:
                return
            await asyncio.sleep(0.01)

    def peak_rss(self) -> int | None:
        """Peak resident memory of the running binary in bytes (Linux /proc: VmHWM)."""
        try:
            for line in Path(f"/proc/{self._backend.pid}/status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) * 1024
        except (OSError, ValueError, IndexError, AttributeError):
            pass
        return None

    def cpu_seconds(self) -> float | None:
        """User and system CPU time of the running binary (Linux /proc)."""
        try:
            fields = Path(f"/proc/{self._backend.pid}/stat").read_text().rsplit(")", 1)[1].split()
            return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
        except (OSError, ValueError, IndexError, AttributeError):
            return None


class _Document(str):
    """A page's HTML that shows as its length: pagefind's client formats every
    request into two debug messages even with debug logging off (formatting
    6 KB of HTML twice a page cost this process 0.5 s at 10,000 entries)."""
    __slots__ = ()

    def __repr__(self) -> str:
        return f"<HTML, {len(self)} characters>"


class LiveIndex:
    """A Pagefind index that takes pages while they are written.

    Pagefind's asyncio client runs in the caller's thread, a step at a time:
    ``add`` queues the page and runs one pass of the event loop without
    waiting (it writes what the pipe to Pagefind takes and reads the answers
    that are there), so Pagefind works on the other core while the caller
    renders on. No thread of its own: a client thread would contend with
    the caller for the GIL (measured: 0.4–0.6 ms a page on the caller, about
    5 s at 10,000 entries). Requests go out in the order added (Pagefind
    numbers the pages so: the same on every build).

    ``write`` hands Pagefind the last pages and the order to write the
    bundle, and returns once Pagefind has read them; Pagefind then builds the
    bundle on its own while the caller does other work; ``wait`` waits for
    it and stops the service; ``close`` stops everything without writing.
    Every wait has a timeout; a failure – Pagefind refused a page, stopped,
    or did not answer in time – raises :class:`IndexError_` at the next
    ``add``, at ``write`` or at ``wait``.

    Where the caller's thread already runs an event loop (a notebook,
    Playwright's sync API in a test process), asyncio allows no second one
    in that thread: the client's loop then runs in a thread of its own."""

    def __init__(self, *, binary: str | None = None, config: dict | None = None,
                 timeout: float = TIMEOUT):
        self.binary = executable(binary)
        self.service_class = _service_class()
        self.config = {k: v for k, v in (config or {}).items() if v is not None}
        self.timeout = float(timeout)
        self.failure: IndexError_ | None = None
        self.sent = 0
        self.answered = 0
        self._words = 0
        self._loop: asyncio.AbstractEventLoop | None = None
        self._service = None
        self._index = None
        self._backlog: list[tuple[str, dict]] | None = []  # requests added before the service is ready
        self._tasks: list[asyncio.Task] = []
        self._opening: asyncio.Task | None = None
        self._writing: asyncio.Task | None = None
        self._requested = False  # the order to write the bundle is in the pipe (or Pagefind failed)
        self._output: Path | None = None
        self._thread: threading.Thread | None = None  # the loop's own thread (see above), or None

    @property
    def started(self) -> bool:
        return self._loop is not None

    @property
    def service_pid(self) -> int | None:
        """The Pagefind process, once started."""
        backend = getattr(self._service, "_backend", None)
        return backend.pid if backend is not None else None

    # -- the caller's side -------------------------------------------------------------

    def start(self) -> None:
        if self._loop is None:
            self._loop = asyncio.new_event_loop()
            self._opening = self._loop.create_task(self._open())
            try:
                asyncio.get_running_loop()
            except RuntimeError:  # none: the loop runs here, a pass at a time
                return
            self._thread = threading.Thread(target=self._loop.run_forever, name="pagefind-client", daemon=True)
            self._thread.start()

    def _call(self, func, *args) -> None:
        """Run ``func`` in the loop's thread (at once where that is this one)."""
        if self._thread is None:
            func(*args)
        else:
            self._loop.call_soon_threadsafe(func, *args)

    def _run(self, awaitable, timeout: float | None = None):
        """Run ``awaitable`` in the loop and return its result."""
        if self._thread is None:
            return self._loop.run_until_complete(awaitable)
        if asyncio.isfuture(awaitable):  # a task of the loop: wait for it from here
            async def waiter():
                return await awaitable
            awaitable = waiter()
        return asyncio.run_coroutine_threadsafe(awaitable, self._loop).result(timeout)

    def add(self, url: str, html: str) -> None:
        """Queue one page (its URL as Pagefind should list it, e.g. ``/angebote/x/``)."""
        self._queue("html", {"url": url, "content": _Document(html)})

    def add_record(self, url: str, *, content: str, language: str, meta: dict[str, str] | None = None,
                   filters: dict[str, list[str]] | None = None, sort: dict[str, str] | None = None) -> None:
        """Queue a record that is no page of its own (Pagefind's custom record):
        it goes into ``language``'s index and lists ``url`` as it is given."""
        self._queue("record", {"url": url, "content": _Document(content), "language": language,
                               "meta": meta or None, "filters": filters or None, "sort": sort or None})

    def _queue(self, kind: str, request: dict) -> None:
        if self.failure is not None:
            raise self.failure
        self.start()
        self.sent += 1
        self._call(self._enqueue, kind, request)
        # a pass of the client every few pages, not every page (~0.1 ms each):
        # the pipe holds them, Pagefind still starts long before the last page
        if self.sent % STEP_EVERY == 0:
            self._step()

    def pump(self) -> None:
        """One pass of the client if requests still wait to go out (cheap otherwise)."""
        if self._loop is not None and self._writing is None and self._unsent():
            self._step()

    def write(self, output: str | Path) -> None:
        """Send the order to write the bundle to ``output`` (replacing an old
        one) after the queued pages; returns once Pagefind has read it all."""
        self.start()
        out = Path(output)
        if out.exists():
            shutil.rmtree(out)
        self._output = out
        if self._thread is None:
            self._writing = self._loop.create_task(self._finish(str(out)))
        else:
            self._writing = asyncio.run_coroutine_threadsafe(self._finish(str(out)), self._loop)
        deadline = time.monotonic() + self.timeout
        while not (self._requested and not self._unsent()) and not self._writing.done():
            if time.monotonic() > deadline:
                self.close()
                raise IndexError_(f"Pagefind did not read the pages within {self.timeout:g} s")
            if self._thread is None:
                self._loop.run_until_complete(asyncio.sleep(0.005))
            else:
                time.sleep(0.005)
        if self._writing.done() and self._writing.exception() is not None:
            self.wait()  # raises it

    def poll(self) -> bool:
        """After ``write``: one pass of the client (reads Pagefind's answer if it
        is there); True once the bundle is written and the service has stopped,
        so that ``wait`` returns at once."""
        if self._writing is None:
            return False
        if self._thread is None and not self._writing.done():
            self._step()
        return self._writing.done()

    def finish(self, output: str | Path) -> IndexResult:
        """``write`` and ``wait``."""
        self.write(output)
        return self.wait()

    def wait(self) -> IndexResult:
        """Wait until the bundle is written and the service stopped."""
        out, job = self._output, self._writing
        if job is None:
            raise IndexError_("nothing to wait for: write() first")
        started = time.monotonic()
        try:
            # _finish has its timeout
            cpu, rss = self._loop.run_until_complete(job) if self._thread is None else job.result()
        except IndexError_:
            self.close()
            raise
        except Exception as exc:
            self.close()
            raise IndexError_(f"Pagefind failed: {exc}") from exc
        seconds = time.monotonic() - started
        self._close_loop()
        if not (out / "pagefind.js").is_file():
            raise IndexError_(f"Pagefind wrote no search bundle to {out}")
        try:
            languages = len(json.loads((out / "pagefind-entry.json").read_text("utf-8")).get("languages", {}))
        except (OSError, ValueError):
            languages = 0
        return IndexResult(pages=self.sent, words=self._words, languages=languages, seconds=seconds,
                           cpu_seconds=cpu, peak_rss=rss, output="\n".join(getattr(self._service, "printed", ())))

    def close(self) -> None:
        """Stop the service without writing (after an error)."""
        loop = self._loop
        if loop is None or loop.is_closed():
            return
        try:
            self._run(asyncio.wait_for(self._kill(), 15), 20)
        except Exception:  # noqa: BLE001 - stopping after an error: the first error counts
            pass
        self._close_loop()

    def _close_loop(self) -> None:
        loop = self._loop
        if loop is None or loop.is_closed():
            return
        if self._thread is not None:
            try:
                self._run(self._cancel_all(), 20)
            except Exception:  # noqa: BLE001 - stopping: nothing more to do
                pass
            loop.call_soon_threadsafe(loop.stop)
            self._thread.join(20)
            self._thread = None
        else:
            loop.run_until_complete(self._cancel_all())
        loop.close()

    async def _cancel_all(self) -> None:
        me = asyncio.current_task()
        tasks = [t for t in asyncio.all_tasks() if t is not me and not t.done()]
        for task in tasks:
            task.cancel()
        if tasks:
            await asyncio.wait(tasks, timeout=15)

    def _step(self) -> None:
        if self._thread is not None:  # the loop runs on its own
            return
        # stop() before run_forever(): one pass – the selector polled once without waiting
        self._loop.stop()
        self._loop.run_forever()

    def _unsent(self) -> int:
        stdin = getattr(getattr(self._service, "_backend", None), "stdin", None)
        transport = getattr(stdin, "transport", None)
        waiting = self._backlog is not None and bool(self._backlog)
        return waiting or (transport.get_write_buffer_size() if transport is not None else 0)

    # -- inside the event loop ---------------------------------------------------------------

    async def _open(self):
        try:
            async with asyncio.timeout(self.timeout):
                self._service = self.service_class(self.binary)
                await self._service.launch()
                self._index = await self._service.create_index(self.config or None)
        except TimeoutError:
            self._failed(IndexError_(f"Pagefind did not start within {self.timeout:g} s"))
        except IndexError_ as exc:
            self._failed(exc)
        except Exception as exc:  # noqa: BLE001 - e.g. the binary cannot be executed
            self._failed(IndexError_(f"Pagefind could not be started ({self.binary}): {exc}"))
        backlog, self._backlog = self._backlog, None
        if self.failure is None:
            for kind, request in backlog:
                self._send(kind, request)

    def _enqueue(self, kind: str, request: dict) -> None:
        if self._backlog is not None:
            self._backlog.append((kind, request))
        elif self.failure is None:
            self._send(kind, request)

    def _send(self, kind: str, request: dict) -> None:
        # The task writes its request in its first step: requests go out in this order.
        add = self._index.add_html_file if kind == "html" else self._index.add_custom_record
        task = self._loop.create_task(add(**request))
        task.add_done_callback(self._answered)
        self._tasks.append(task)

    def _answered(self, task: asyncio.Task) -> None:
        if task.cancelled():
            return
        exc = task.exception()
        if exc is not None:
            self._failed(exc if isinstance(exc, IndexError_) else IndexError_(f"Pagefind: {exc}"))
        else:
            self.answered += 1
            self._words += int(task.result().get("page_word_count") or 0)

    def _failed(self, exc: IndexError_) -> None:
        if self.failure is None:
            self.failure = exc

    async def _finish(self, output: str) -> float | None:
        step = "start"
        try:
            async with asyncio.timeout(self.timeout):
                await self._opening
                if self.failure is not None:
                    raise self.failure
                # Pagefind answers in order: the bundle request goes right after the pages
                writing = asyncio.ensure_future(self._index.write_files(output_path=output))
                await asyncio.sleep(0)  # its first step has put the request in the pipe
                self._requested = True
                step = "index the pages"
                if self._tasks:
                    await asyncio.wait(self._tasks)  # (unlike gather, a timeout leaves them be: counted below)
                if self.failure is not None:
                    writing.cancel()
                    raise self.failure
                step = "write the bundle"
                await writing
                await self._service.written(output)
                cpu, rss = self._service.cpu_seconds(), self._service.peak_rss()
                step = "stop"
                await self._service.close()
                return cpu, rss
        except TimeoutError:
            waiting = sum(not t.done() for t in self._tasks)
            raise IndexError_(f"Pagefind did not {step} within {self.timeout:g} s"
                              + (f" ({waiting} of {len(self._tasks)} pages unanswered)" if waiting else "")) from None
        finally:
            self._requested = True

    async def _kill(self) -> None:
        backend = getattr(self._service, "_backend", None)
        if backend is not None and backend.returncode is None:
            backend.kill()
            try:
                await asyncio.wait_for(backend.wait(), 10)
            except asyncio.TimeoutError:
                pass


# -- the former way: the binary over the finished site ------------------------------------

def _count(pattern: str, text: str) -> int:
    m = re.search(pattern, text)
    return int(m.group(1)) if m else 0


def run(site_dir: str | Path, *, binary: str | None = None, extra_args: tuple[str, ...] = (),
        timeout: float | None = TIMEOUT) -> IndexResult:
    """Index ``site_dir`` into ``site_dir/pagefind/`` (replacing an old bundle)
    with the Pagefind binary, as the build did before :class:`LiveIndex`."""
    site = Path(site_dir)
    if not site.is_dir():
        raise IndexError_(f"Site folder not found: {site}")
    bundle = site / BUNDLE_DIR
    if bundle.exists():
        shutil.rmtree(bundle)
    cmd = [str(executable(binary)), "--site", str(site), *extra_args]
    started = time.monotonic()
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise IndexError_(f"Pagefind could not run ({' '.join(cmd)}): {exc}") from exc
    seconds = time.monotonic() - started
    output = (proc.stdout or "") + (proc.stderr or "")
    if proc.returncode != 0:
        raise IndexError_(f"Pagefind failed (exit code {proc.returncode}):\n{output.strip()}")
    if not (bundle / "pagefind.js").is_file():
        raise IndexError_(f"Pagefind wrote no search bundle to {bundle}:\n{output.strip()}")
    return IndexResult(
        pages=_count(r"Indexed (\d+) pages?", output),
        words=_count(r"Indexed (\d+) words?", output),
        languages=_count(r"Indexed (\d+) languages?", output),
        seconds=seconds,
        output=output,
    )
