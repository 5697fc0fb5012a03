"""nahbei.parallel.fork_map and its users: the same results with or without
the second process."""
from __future__ import annotations

import os
from datetime import datetime, timezone

from nahbei.feeds import write_feeds
from nahbei.feeds.bench import synthetic_directory
from nahbei.parallel import fork_map, may_fork
from nahbei.urls import Urls


def test_fork_map_keeps_order_and_uses_a_child(monkeypatch):
    monkeypatch.delenv("NAHBEI_WORKERS", raising=False)
    items = list(range(25))
    out = fork_map(lambda x: (x * x, os.getpid()), items, min_items=10)
    assert [v for v, _ in out] == [x * x for x in items]
    if may_fork(25, 10):  # two CPUs and no threads: the odd items came from another process
        assert {pid for _, pid in out[1::2]} != {os.getpid()}
        assert {pid for _, pid in out[0::2]} == {os.getpid()}


def test_fork_map_computes_everything_itself_when_told_or_when_small(monkeypatch):
    monkeypatch.setenv("NAHBEI_WORKERS", "1")
    out = fork_map(lambda x: os.getpid(), range(30), min_items=10)
    assert set(out) == {os.getpid()}
    monkeypatch.delenv("NAHBEI_WORKERS")
    assert set(fork_map(lambda x: os.getpid(), range(5), min_items=10)) == {os.getpid()}


def test_fork_map_recomputes_when_the_child_fails(monkeypatch):
    monkeypatch.delenv("NAHBEI_WORKERS", raising=False)
    parent = os.getpid()

    def only_here(x):
        if os.getpid() != parent:
            raise RuntimeError("child fails")
        return x + 1

    assert fork_map(only_here, range(20), min_items=10) == list(range(1, 21))


def test_feeds_are_byte_identical_with_and_without_the_second_process(tmp_path, monkeypatch):
    directory = synthetic_directory(2100)
    now = datetime(2026, 11, 22, 12, tzinfo=timezone.utc)
    args = dict(versions={}, now=now, site_name="Test")
    monkeypatch.delenv("NAHBEI_WORKERS", raising=False)
    a = write_feeds(directory, tmp_path / "a", "https://example.org/", Urls(), **args)
    monkeypatch.setenv("NAHBEI_WORKERS", "1")
    b = write_feeds(directory, tmp_path / "b", "https://example.org/", Urls(), **args)
    assert len(a) == len(b) > 2100
    for x, y in zip(a, b):
        assert x.relative_to(tmp_path / "a") == y.relative_to(tmp_path / "b")
        assert x.read_bytes() == y.read_bytes(), x


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
