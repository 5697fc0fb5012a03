"""nahbei.parallel.fork_map and its users: the same results with or without
the second process — and, on a machine with two or more CPUs, the second
process really runs.

The scenarios that fork run in a fresh Python process
(``tests/support/fork_probe.py``): inside a pytest-xdist worker the execnet
thread makes ``may_fork`` refuse (fork with threads is unsafe), so a test run
in-process would only compare the serial path with itself. The probe records
every fork and how each child ended. With one CPU nothing can fork: those
tests say so and skip; with two or more they fail when no child ran.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from datetime import datetime, timezone
from pathlib import Path

import pytest

from nahbei.feeds import write_feeds
from nahbei.feeds.bench import synthetic_directory
from nahbei.parallel import may_fork
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


def test_fork_map_never_forks_while_another_thread_runs():
    stop = threading.Event()
    thread = threading.Thread(target=stop.wait)
    thread.start()
    try:
        assert not may_fork(10_000, 10)
    finally:
        stop.set()
        thread.join()


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
