"""nahbei.parallel and its users: the same results with or without the
second process — and, on a machine with two or more CPUs, the second process
really runs: its pid differs from this one, and what it delivered is counted.

The fork decision takes explicit flags (NAHBEI_WORKERS, ``stay_alone`` for
``mkdocs serve`` and inside a child), not a count of threads: pytest-xdist's
execnet thread does not stop these tests from forking in the test process.
Some scenarios still run in a fresh process (``tests/support/fork_probe.py``),
which records every fork and how each child ended. With one CPU nothing can
fork: those tests say so and skip.
"""
from __future__ import annotations

import json
import logging
import os
import re
import select
import subprocess
import sys
import threading
from datetime import datetime, timezone
from pathlib import Path

import pytest

from nahbei import parallel
from nahbei.feeds import write_feeds
from nahbei.feeds.bench import synthetic_directory
from nahbei.parallel import ForkedError, ForkedStream, fork_map, fork_refusal
from nahbei.urls import Urls

ROOT = Path(__file__).resolve().parents[1]


def cpus() -> int:
    try:
        return len(os.sched_getaffinity(0))  # what taskset allows, not what the machine has
    except AttributeError:  # pragma: no cover - not Linux
        return os.cpu_count() or 1


@pytest.fixture()
def two_cpus():
    if cpus() < 2:
        pytest.skip(f"only {cpus()} CPU usable here (os.sched_getaffinity): fork_map computes everything "
                    "in one process by design, so the second process cannot be tested on this machine")


def probe(scenario: str, arg=None, **env) -> dict:
    """Run a fork_probe scenario in a fresh process (no threads); its JSON answer."""
    environ = {k: v for k, v in os.environ.items() if k != "NAHBEI_WORKERS"}
    environ.update(env)
    cmd = [sys.executable, "-m", "tests.support.fork_probe", scenario, *([str(arg)] if arg is not None else [])]
    proc = subprocess.run(cmd, cwd=ROOT, env=environ, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


def test_fork_map_keeps_order_and_uses_a_child(two_cpus):
    got = probe("order")
    assert got["may_fork"] is True
    assert [v for v, _ in got["out"]] == [x * x for x in range(25)]
    (child,) = got["forks"]
    assert child != got["pid"]
    assert got["exits"] == [[child, 0]]
    # the odd items came from the child, the even ones from the parent
    assert {pid for _, pid in got["out"][1::2]} == {child}
    assert {pid for _, pid in got["out"][0::2]} == {got["pid"]}


def test_fork_map_computes_everything_itself_when_told_or_when_small(two_cpus):
    told = probe("order", NAHBEI_WORKERS="1")
    assert told["may_fork"] is False and told["forks"] == []
    assert [v for v, _ in told["out"]] == [x * x for x in range(25)]
    assert {pid for _, pid in told["out"]} == {told["pid"]}
    small = probe("small")
    assert small["may_fork"] is True  # it could, but five items are not worth a process
    assert small["forks"] == [] and set(small["out"]) == {small["pid"]}


def test_fork_map_recomputes_when_the_child_fails(two_cpus, tmp_path):
    marker = tmp_path / "child-ran"
    got = probe("child_fails", marker)
    assert got["out"] == list(range(1, 21))
    (child,) = got["forks"]
    assert marker.read_text("utf-8").split() == [str(child)]  # the child ran and failed …
    assert got["exits"] == [[child, 1]]  # … with exit status 1, and the parent computed its half


def test_feeds_are_byte_identical_with_and_without_the_second_process(two_cpus, tmp_path):
    forked = probe("feeds", tmp_path / "a")
    alone = probe("feeds", tmp_path / "b", NAHBEI_WORKERS="1")
    (child,) = forked["forks"]
    assert forked["exits"] == [[child, 0]]  # half the events serialised by the child, and used
    assert alone["forks"] == []
    assert forked["paths"] == alone["paths"] and len(forked["paths"]) > 2100
    for path in forked["paths"]:
        assert (tmp_path / "a" / path).read_bytes() == (tmp_path / "b" / path).read_bytes(), path


def test_write_feeds_only_writes_the_feeds_asked_for(tmp_path):
    directory = synthetic_directory(50)
    now = datetime(2026, 11, 22, 12, tzinfo=timezone.utc)
    everything = write_feeds(directory, tmp_path / "all", "https://example.org/", Urls(), versions={}, now=now)
    some = sorted(directory.events)[:2]
    written = write_feeds(directory, tmp_path / "some", "https://example.org/", Urls(), versions={}, now=now,
                          only={("event", e) for e in some})
    assert sorted(p.name for p in written) == sorted(f"{e}.ics" for e in some)
    for p in written:
        assert p.read_bytes() == (tmp_path / "all" / p.relative_to(tmp_path / "some")).read_bytes()
    assert len(everything) > 50


def record_exits(monkeypatch) -> list[list[int]]:
    """[child pid, exit code] of every child reaped from now on (os.waitpid wrapped)."""
    exits, waitpid = [], os.waitpid

    def recording(pid, options):
        got = waitpid(pid, options)
        if got[0]:
            exits.append([got[0], os.waitstatus_to_exitcode(got[1])])
        return got

    monkeypatch.setattr(os, "waitpid", recording)
    return exits


# -- the fork decision: explicit flags, not a count of threads -----------------------------

def test_the_fork_decision_takes_explicit_flags_not_a_thread_count(two_cpus, monkeypatch):
    import multiprocessing

    monkeypatch.delenv("NAHBEI_WORKERS", raising=False)
    stop = threading.Event()
    thread = threading.Thread(target=stop.wait)
    thread.start()
    try:
        # another thread runs (as pytest-xdist's does): the main thread may fork all the same …
        assert threading.active_count() > 1 and fork_refusal(10_000, 10) is None
        # … a thread never does (a rebuild under `mkdocs serve` runs in one)
        seen = []
        other = threading.Thread(target=lambda: seen.append(fork_refusal(10_000, 10)))
        other.start()
        other.join()
        assert seen == ["not the main thread"]
    finally:
        stop.set()
        thread.join()
    parallel.stay_alone("mkdocs serve")  # what the plugin says on `mkdocs serve`
    try:
        assert fork_refusal(10_000, 10) == "mkdocs serve"
        assert fork_map(lambda x: os.getpid(), range(50), min_items=10) == [os.getpid()] * 50
    finally:
        parallel.stay_alone(None)
    multiprocessing.set_start_method("spawn", force=True)  # a program that chose another start method
    try:
        assert fork_refusal(10_000, 10) == "this program starts processes with 'spawn'"
    finally:
        multiprocessing.set_start_method(None, force=True)
    assert fork_refusal(5, 10) == "5 items, fewer than 10"
    monkeypatch.setenv("NAHBEI_WORKERS", "1")
    assert fork_refusal(10_000, 10) == "NAHBEI_WORKERS=1"


def test_fork_map_forks_in_the_test_process(two_cpus, monkeypatch):
    monkeypatch.delenv("NAHBEI_WORKERS", raising=False)
    exits = record_exits(monkeypatch)
    out = fork_map(lambda x: (x * x, os.getpid()), range(30), min_items=10)
    assert [v for v, _ in out] == [x * x for x in range(30)]
    (child,) = {pid for _, pid in out[1::2]}
    assert child != os.getpid() and {pid for _, pid in out[0::2]} == {os.getpid()}
    assert exits == [[child, 0]]


def test_fork_map_kills_a_child_that_hangs_and_computes_its_half(two_cpus, monkeypatch):
    monkeypatch.delenv("NAHBEI_WORKERS", raising=False)
    never_r, never_w = os.pipe()  # nothing is ever written: a child reading it hangs
    parent = os.getpid()

    def square(x):
        if os.getpid() != parent:
            os.read(never_r, 1)
        return x * x

    exits = record_exits(monkeypatch)
    try:
        assert fork_map(square, range(20), min_items=10, wait=0.5) == [x * x for x in range(20)]
    finally:
        os.close(never_r)
        os.close(never_w)
    assert [code for _, code in exits] == [-9]  # killed (SIGKILL) at the deadline


def open_fds() -> set[str]:
    return set(os.listdir("/proc/self/fd"))


def no_fork(monkeypatch):
    def fail():
        raise OSError(11, "Resource temporarily unavailable")

    monkeypatch.setattr(os, "fork", fail)


def test_fork_map_computes_everything_when_no_process_can_be_had(two_cpus, monkeypatch):
    monkeypatch.delenv("NAHBEI_WORKERS", raising=False)
    no_fork(monkeypatch)
    before = open_fds()
    assert fork_map(lambda x: x * x, range(30), min_items=10) == [x * x for x in range(30)]
    assert open_fds() == before  # the pipe is closed again


def test_fork_map_does_not_wait_for_the_child_when_this_process_fails(two_cpus, monkeypatch):
    """An error in this process's half is raised with the child already killed
    and reaped (no wait for the child's half, which is not wanted any more)."""
    monkeypatch.delenv("NAHBEI_WORKERS", raising=False)
    never_r, never_w = os.pipe()
    parent = os.getpid()

    def square(x):
        if os.getpid() != parent:
            os.read(never_r, 1)  # the child hangs: only a kill ends it
        elif x == 4:
            raise ValueError("broken entry")
        return x * x

    exits = record_exits(monkeypatch)
    try:
        with pytest.raises(ValueError, match="broken entry"):
            fork_map(square, range(20), min_items=10, wait=600)
    finally:
        os.close(never_r)
        os.close(never_w)
    assert [code for _, code in exits] == [-9]


def test_the_stream_leaves_everything_to_the_caller_when_no_process_can_be_had(two_cpus, monkeypatch, tmp_path):
    no_fork(monkeypatch)
    before = open_fds()
    first = tmp_path / "first"
    stream = ForkedStream(lambda x: x, [(x, x) for x in range(60)], first=lambda: first.write_text("ran"))
    assert stream.pid is None and all(stream.take(x) is None for x in range(60))
    assert stream.finish() is False and not first.exists()  # the caller does the first work too
    stream.close()
    assert open_fds() == before


# -- ForkedStream -------------------------------------------------------------------------

CHILD_LOG = "nahbei.test.child"


class Records(logging.Handler):
    def __init__(self):
        super().__init__()
        self.records: list[logging.LogRecord] = []

    def emit(self, record):
        self.records.append(record)


@pytest.fixture()
def child_log():
    logger = logging.getLogger(CHILD_LOG)
    handler = Records()
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    yield handler
    logger.removeHandler(handler)
    logger.setLevel(logging.NOTSET)


def started_item(r: int) -> int:
    """The item the child says (on pipe ``r``) it has taken on; waits for that state."""
    assert select.select([r], [], [], 120)[0], "the child took on no item"
    return os.read(r, 1)[0]


def announcing(w: int, parent: int, *, hang_on: int | None = None):
    """An item function: it logs one warning and returns (x², pid); in the child
    it then writes the item to pipe ``w`` (its record is sent by then) and reads
    ``hang_on`` forever if given."""
    log = logging.getLogger(CHILD_LOG)

    def compute(x):
        log.warning("item %d computed in %d", x, os.getpid())
        if os.getpid() != parent:
            os.write(w, bytes([x]))
            if hang_on is not None:
                os.read(hang_on, 1)
        return x * x, os.getpid()

    return compute


def test_the_stream_uses_what_the_child_delivered_with_its_log_records(two_cpus, child_log, tmp_path):
    parent, (r, w) = os.getpid(), os.pipe()
    compute = announcing(w, parent)
    first = tmp_path / "first"
    stream = ForkedStream(compute, [(x, x) for x in range(60)], first=lambda: first.write_text(str(os.getpid())))
    try:
        k = started_item(r)  # the child is on item k: take(k) waits for it
        out = []
        for x in range(60):
            got = stream.take(x)
            out.append(got if got is not None else compute(x))
        done = stream.finish()
    finally:
        os.close(r)
        os.close(w)
    child = int(first.read_text())
    assert done is True and child != parent and stream.status == 0
    assert [v for v, _ in out] == [x * x for x in range(60)]
    delivered = [x for x, (_, pid) in enumerate(out) if pid == child]
    assert k in delivered and stream.delivered == len(delivered)
    # the child's records of the items used were handled here, in order, and no others
    theirs = [rec for rec in child_log.records if rec.process == child]
    assert [rec.getMessage() for rec in theirs] == [f"item {x} computed in {child}" for x in delivered]
    assert all(rec.levelno == logging.WARNING for rec in theirs)


def test_the_stream_drops_a_result_the_caller_cannot_use_and_its_records(two_cpus, child_log):
    parent, (r, w) = os.getpid(), os.pipe()
    stream = ForkedStream(announcing(w, parent), [(x, x) for x in range(60)])
    try:
        k = started_item(r)
        assert stream.take(k, usable=False) is None
        assert stream.finish() is True
    finally:
        os.close(r)
        os.close(w)
    assert stream.declined == 1 and stream.delivered == 0
    assert not [rec for rec in child_log.records if rec.process != parent]


def test_the_stream_kills_a_child_that_hangs_and_the_caller_computes(two_cpus):
    parent, (r, w), (never_r, never_w) = os.getpid(), os.pipe(), os.pipe()
    stream = ForkedStream(announcing(w, parent, hang_on=never_r), [(x, x) for x in range(60)], wait=0.3)
    try:
        k = started_item(r)
        assert stream.take(k) is None  # waited 0.3 s for the item the child is on, then killed it
        assert stream.status == -9
        assert all(stream.take(x) is None for x in range(k + 1, 60))
        assert stream.finish() is True  # there was no first work to miss
    finally:
        for fd in (r, w, never_r, never_w):
            os.close(fd)


class SelfCheckFailed(Exception):
    def __init__(self, what: str, where: int):
        super().__init__(what)
        self.what, self.where = what, where

    def __reduce__(self):
        return type(self), (self.what, self.where)


@pytest.mark.parametrize("fatal", [True, False], ids=["fatal", "other error"])
def test_a_fatal_error_in_the_child_is_raised_here(two_cpus, fatal):
    """The child stops on an error at item 20. One of ``fatal`` (a self-check that
    makes earlier results doubtful) is raised in this process with the item's key
    and the child's exception; any other error leaves the rest to this process."""
    parent = os.getpid()

    def compute(x):
        if x == 20 and os.getpid() != parent:
            raise SelfCheckFailed("frame differs", x)
        return x

    stream = ForkedStream(compute, [(f"k{x}", x) for x in range(60)],
                          fatal=(SelfCheckFailed,) if fatal else ())
    got = []
    try:
        # this process waits at item 0 until the child has ended (it stops at 20 at the latest)
        os.waitid(os.P_PID, stream.pid, os.WEXITED | os.WNOWAIT)
        for x in range(60):
            got.append(stream.take(f"k{x}"))
        if fatal:
            pytest.fail("no error raised")
    except ForkedError as e:
        assert fatal and e.key == "k20" and isinstance(e.error, SelfCheckFailed), e
        assert (e.error.what, e.error.where) == ("frame differs", 20)
        assert got == []  # raised at the first take after the child's message
        with pytest.raises(ForkedError):
            stream.finish()  # and again where the build ends
        return
    assert stream.finish() is True and stream.status == 1
    delivered = [x for x in got if x is not None]
    assert delivered and set(delivered) < set(range(20)) and all(x is None for x in got[20:]), got


def test_the_stream_says_when_the_childs_first_work_failed(two_cpus):
    def first():
        raise RuntimeError("feeds failed")

    stream = ForkedStream(lambda x: x, [(x, x) for x in range(60)], first=first)
    assert stream.finish() is False and stream.status == 1
    assert stream.take(30) is None


def test_a_child_never_forks_again(two_cpus, monkeypatch, tmp_path):
    monkeypatch.delenv("NAHBEI_WORKERS", raising=False)
    answer = tmp_path / "child.json"

    def first():
        pids = fork_map(lambda x: os.getpid(), range(100), min_items=10)
        answer.write_text(json.dumps({"pid": os.getpid(), "refusal": fork_refusal(10**6, 1),
                                      "pids": sorted(set(pids))}))

    assert ForkedStream(lambda x: x, [], first=first).finish() is True
    got = json.loads(answer.read_text())
    assert got["pid"] != os.getpid() and got["refusal"] == "this is a second process"
    assert got["pids"] == [got["pid"]]  # its fork_map computed everything itself


# -- the second page process in a real `mkdocs build --strict` ------------------------------

def site_build(tmp: Path, name: str, content: Path, more_yaml: str = "", prelude: str = "",
               **env) -> tuple[int, int, str, Path]:
    """`mkdocs build --strict -v` of the repository's site on ``content`` with the
    second process forced on (``more_yaml`` appended to mkdocs.yml; ``prelude``:
    Python run in the build process first): (pid of the build, exit code, output, site folder)."""
    from tests.test_search_build import project_config

    # (no QR codes: the child writes them before its pages, and on this small site the
    # parent would render every page meanwhile; tests/test_frames.py builds them both ways)
    config = project_config(tmp / name, content_dir=content,
                            directory_options={"parallel_min_pages": 1, "qr_codes": False})
    config.write_text(config.read_text("utf-8") + more_yaml, "utf-8")
    site = tmp / name / "site"
    environ = {k: v for k, v in os.environ.items() if k != "NAHBEI_WORKERS"}
    proc = subprocess.Popen([sys.executable, "-c", prelude + "from mkdocs.__main__ import cli; cli()",
                             "build", "--strict", "-v", "-f", str(config),
                             "-d", str(site)], cwd=tmp / name, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            text=True, env={**environ, "SOURCE_DATE_EPOCH": "1795305600",
                                            "NO_MKDOCS_2_WARNING": "1", **env})
    out = proc.communicate(timeout=900)[0]
    return proc.pid, proc.returncode, out, site


def second_process(out: str) -> tuple[int, int, int]:
    m = re.search(r"second process: pid (\d+), (\d+) pages used, (\d+) not used", out)
    assert m, out[-3000:]
    return int(m.group(1)), int(m.group(2)), int(m.group(3))


@pytest.fixture(scope="module")
def small_content(tmp_path_factory) -> Path:
    from bench.generate import generate

    content = tmp_path_factory.mktemp("parallel") / "content"
    generate(60, content)
    return content


HOOK = '''
import logging, os

log = logging.getLogger("mkdocs.plugins.test_parallel_hook")
BUILD = os.getpid()


def on_page_context(context, page, config, nav):
    if os.getpid() != BUILD:
        log.warning("page %s rendered in process %d", page.url, os.getpid())
    return context
'''


def test_a_warning_in_the_second_process_counts_for_strict(two_cpus, tmp_path, small_content):
    """A hook warns on every page rendered outside the build's own process: the
    build fails under --strict, with one warning for each page it used from the
    second process, printed by the build itself."""
    (tmp_path / "hook.py").write_text(HOOK, "utf-8")
    pid, code, out, _ = site_build(tmp_path, "warn", small_content, f"\nhooks:\n  - {tmp_path / 'hook.py'}\n")
    child, used, _ = second_process(out)
    assert child != pid and used > 0, out[-3000:]
    warned = re.findall(r"WARNING +- +page \S+ rendered in process (\d+)", out)
    assert warned and set(warned) == {str(child)}, out[-3000:]
    assert code == 1 and f"Aborted with {used} warnings in strict mode" in out, out[-3000:]


FAILING_HOOK = '''
import os
from pathlib import Path

from nahbei.mkdocs.frames import FrameMismatch

BUILD = os.getpid()


def on_page_context(context, page, config, nav):
    # the frames' spot check failing in the second process, on the first page it renders (which
    # pages the child takes depends on how fast each process is: under load, perhaps no offer page)
    if os.getpid() != BUILD:
        Path(os.environ["NAHBEI_TEST_MARK"]).write_text(page.url)
        raise FrameMismatch("nahbei/offer.html", ["footer"])
    return context
'''


def test_a_failed_spot_check_in_the_second_process_stops_the_build(two_cpus, tmp_path, small_content):
    """The child's spot check finds a page whose frame differs: pages it rendered
    before may be wrong, so the build (this process) stops with the message that
    names the child's page, instead of rendering the rest itself."""
    from nahbei.i18n import t

    (tmp_path / "hook.py").write_text(FAILING_HOOK, "utf-8")
    mark = tmp_path / "mark"
    _, code, out, _ = site_build(tmp_path, "fatal", small_content, f"\nhooks:\n  - {tmp_path / 'hook.py'}\n",
                                 NAHBEI_TEST_MARK=str(mark))
    assert mark.exists(), out[-3000:]  # the child rendered a page
    expected = t("ui.build.frame_mismatch", "de", template="nahbei/offer.html", page=mark.read_text(),
                 blocks="footer")
    assert code == 1 and expected in out, out[-3000:]
    assert "Documentation built" not in out


def test_the_second_process_pages_are_used_only_where_their_context_is_the_pages_own(
        two_cpus, tmp_path, small_content):
    """The child is offered every framed page, also those in folders of another
    depth (term calendars, legal pages), whose base_url differs from the first
    page's: those must not be used — the site is byte for byte the one a single
    process builds, and pages of the first page's depth still come from the child."""
    from tests.test_frames import files_of

    every_page = "import nahbei.mkdocs.prefetch as p; p.folder_depth = lambda url: 0\n"
    pid, code, out, fast = site_build(tmp_path, "fast", small_content, prelude=every_page)
    assert code == 0, out[-3000:]
    _, code, alone_out, alone = site_build(tmp_path, "alone", small_content, NAHBEI_WORKERS="1")
    assert code == 0 and "second process: none (NAHBEI_WORKERS=1)" in alone_out, alone_out[-3000:]
    a, b = files_of(alone), files_of(fast)
    assert sorted(a) == sorted(b)
    assert [k for k in a if a[k] != b[k]] == []
    child, used, declined = second_process(out)
    assert child != pid and used > 0 and declined > 0, out[-3000:]
