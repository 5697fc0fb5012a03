"""SEQUENCE and LAST-MODIFIED from git: stable for the same commit, changed only
for the event whose file changed. Runs in a temporary repository with the
example content in a subfolder (the site's root is not the repository's)."""
from __future__ import annotations

import os
import re
import shutil
import subprocess
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from nahbei.feeds import git_versions, write_feeds
from nahbei.feeds import versions as versions_module
from nahbei.model.check import check
from nahbei.urls import Urls
from tests.support.feeds import NOW, SITE, TODAY

ROOT = Path(__file__).resolve().parents[1]
FIRST = datetime(2026, 11, 1, 9, 0, tzinfo=timezone.utc)
SECOND = datetime(2026, 11, 20, 16, 30, tzinfo=timezone.utc)
STAMP = re.compile(rb"DTSTAMP:\d{8}T\d{6}Z\r\n")

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is needed")


def git(repo: Path, *args, when: datetime | None = None):
    env = {**os.environ, "GIT_AUTHOR_NAME": "Test", "GIT_AUTHOR_EMAIL": "test@example.org",
           "GIT_COMMITTER_NAME": "Test", "GIT_COMMITTER_EMAIL": "test@example.org"}
    if when is not None:
        env["GIT_AUTHOR_DATE"] = env["GIT_COMMITTER_DATE"] = when.isoformat()
    subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True, env=env)


def build(site: Path, out: Path, **kw) -> dict[str, bytes]:
    result = check(site / "content", today=TODAY, root=site)
    assert not result.errors
    kw.setdefault("versions", site)
    kw.setdefault("now", NOW)
    paths = write_feeds(result.directory, out, SITE, Urls(), **kw)
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in paths}


@pytest.fixture()
def repo(tmp_path):
    repo = tmp_path / "repo"
    site = repo / "site"
    shutil.copytree(ROOT / "content", site / "content")
    git(repo, "init", "-q")
    git(repo, "add", ".")
    git(repo, "commit", "-q", "-m", "content", when=FIRST)
    return repo, site


def vevents(data: bytes, uid: str) -> list[bytes]:
    return [b for b in data.split(b"BEGIN:VEVENT")[1:] if f"UID:{uid}@".encode() in b]


def test_versions_from_one_git_log(repo, monkeypatch):
    _, site = repo
    calls = []
    real = subprocess.run

    def run(cmd, *a, **kw):
        calls.append(cmd)
        return real(cmd, *a, **kw)

    monkeypatch.setattr(versions_module.subprocess, "run", run)
    found = git_versions(site, ["content/events/a.yaml", "content/offers/b.yaml"])
    assert [c[5] for c in calls if "log" in c] == ["log"]  # one git log for all files
    v = found["content/events/mittendrin-offener-treff.yaml"]
    assert v.sequence == 0 and v.last_modified == FIRST
    assert "content/offers/thinka-soemmerda.yaml" in found


def test_two_builds_of_one_commit_are_identical_apart_from_dtstamp(repo, tmp_path):
    _, site = repo
    a = build(site, tmp_path / "a")
    b = build(site, tmp_path / "b")
    assert a == b
    c = build(site, tmp_path / "c", now=NOW + timedelta(days=1, minutes=3))
    assert a.keys() == c.keys()
    for path in a:
        assert STAMP.sub(b"", a[path]) == STAMP.sub(b"", c[path])
    (series, *_) = vevents(a["kalender/alle.ics"], "mittendrin-offener-treff")
    assert b"SEQUENCE:0\r\n" in series
    assert b"LAST-MODIFIED:20261101T090000Z\r\n" in series


def test_changing_one_event_changes_only_its_sequence_and_last_modified(repo, tmp_path):
    repo_dir, site = repo
    before = build(site, tmp_path / "before")
    path = site / "content/events/mittendrin-mentoring-infoabend.yaml"
    path.write_text(path.read_text("utf-8").replace('end: "2026-11-27 19:30"', 'end: "2026-11-27 20:00"'), "utf-8")
    git(repo_dir, "commit", "-q", "-am", "longer", when=SECOND)
    after = build(site, tmp_path / "after")
    assert before.keys() == after.keys()
    changed = {p for p in before if before[p] != after[p]}
    holders = {p for p in before if b"UID:mittendrin-mentoring-infoabend@" in before[p]}
    assert changed == holders and "kalender/alle.ics" in changed
    for p in changed:
        (old,) = vevents(before[p], "mittendrin-mentoring-infoabend")
        (new,) = vevents(after[p], "mittendrin-mentoring-infoabend")
        assert b"SEQUENCE:0\r\n" in old and b"SEQUENCE:1\r\n" in new
        assert b"LAST-MODIFIED:20261101T090000Z\r\n" in old and b"LAST-MODIFIED:20261120T163000Z\r\n" in new
        assert b"DTEND;TZID=Europe/Berlin:20261127T200000" in new
        # everything else in the feed is unchanged, byte for byte
        assert before[p].replace(old, b"") == after[p].replace(new, b"")
    # a commit that touches no event file changes no feed
    (site / "README.txt").write_text("Hallo", "utf-8")
    git(repo_dir, "add", ".")
    git(repo_dir, "commit", "-q", "-m", "readme", when=SECOND + timedelta(days=1))
    assert build(site, tmp_path / "again") == after


def test_versions_none_reads_git_in_the_working_directory(repo, tmp_path, monkeypatch):
    _, site = repo
    monkeypatch.chdir(site)
    assert build(site, tmp_path / "cwd", versions=None) == build(site, tmp_path / "root")


def test_without_git_sequence_0_and_no_last_modified(tmp_path):
    site = tmp_path / "plain"
    shutil.copytree(ROOT / "content", site / "content")
    assert git_versions(site) == {}
    files = build(site, tmp_path / "out")
    alle = files["kalender/alle.ics"]
    assert b"LAST-MODIFIED" not in alle
    assert set(re.findall(rb"SEQUENCE:(\d+)", alle)) == {b"0"}


def test_shallow_clone_counts_as_no_history(repo, tmp_path):
    repo_dir, site = repo
    path = site / "content/events/mittendrin-mentoring-infoabend.yaml"
    path.write_text(path.read_text("utf-8") + "\n", "utf-8")
    git(repo_dir, "commit", "-q", "-am", "second", when=SECOND)
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "-q", "--depth", "1", f"file://{repo_dir}", str(clone)], check=True)
    assert git_versions(repo_dir / "site")["content/events/mittendrin-mentoring-infoabend.yaml"].sequence == 1
    assert git_versions(clone / "site") == {}  # one commit that seems to add every file: not used
