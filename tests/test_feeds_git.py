"""SEQUENCE and LAST-MODIFIED from git, read back with icalendar.

Whenever what a calendar app shows for an event changes — through the event's
file or a file it shows facts of (place, organiser, offer, taxonomy) — its
SEQUENCE rises and its LAST-MODIFIED moves; a commit that changes nothing an
event shows leaves both alone; two builds of the same commit are identical.
Runs real git in a temporary repository whose site root is a subfolder (the
site's root is not the repository's), on a small directory written here (the
example content is copied only where no fact of it is asserted).
"""
from __future__ import annotations

import os
import re
import shutil
import subprocess
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from icalendar import Calendar
from tests.support.feeds import NOW, SITE, TODAY

from nahbei.feeds import event_versions, git_history, write_feeds
from nahbei.feeds import versions as versions_module
from nahbei.model.check import check
from nahbei.urls import Urls

ROOT = Path(__file__).resolve().parents[1]
FIRST = datetime(2026, 11, 1, 9, 0, tzinfo=timezone.utc)
SECOND = datetime(2026, 11, 20, 16, 30, tzinfo=timezone.utc)
STAMP = re.compile(rb"DTSTAMP:\d{8}T\d{6}Z\r\n")
URLS = Urls()
# What the directory below holds: the weekly treff at the Saal (organiser: the
# Verein; topics from its offer), the Kurs at the Halle (organiser: the Büro, own
# topic), the Fest at the Saal (no topic), and the offer's consultation hours at
# the Halle (a series derived from the offer file; provider: the Verein).
TREFF, KURS, FEST, HOURS = "treff", "kurs", "fest", "treffpunkt--halle-1"

FILES = {
    "taxonomy.yaml": """\
topics:
  treffen:
    label: Treffen
  kurse:
    label: Kurse
target_groups:
  alle:
    label: Alle
regions:
  stadt:
    label: Stadt
""",
    "places/saal.yaml": """\
id: saal
name: Saal am Markt
address:
  street: Markt 1
  postcode: "53840"
  town: Troisdorf
coordinates:
  lat: 50.8155
  lon: 7.1553
""",
    "places/halle.yaml": """\
id: halle
name: Halle am Bahnhof
address:
  street: Bahnhofstraße 2
  postcode: "53840"
  town: Troisdorf
""",
    "contacts/verein.yaml": """\
id: verein
kind: organisation
name: Nachbarschaftsverein
email: info@verein.example.org
""",
    "contacts/buero.yaml": """\
id: buero
kind: office
name: Bürgerbüro
email: buero@stadt.example.org
""",
    "offers/treffpunkt.yaml": """\
id: treffpunkt
name: Treffpunkt
summary: Offene Treffen für alle im Viertel.
status: active
topics: [treffen]
target_groups: [alle]
provider: verein
places:
  - place: halle
    label: Sprechstunde
    publish_as_events: true
    hours:
      regular:
        - days: [mo]
          opens: "10:00"
          closes: "12:00"
last_reviewed: 2026-11-01
""",
    "events/treff.yaml": """\
id: treff
title: Offener Treff
summary: Jeden Donnerstag ein offener Treff.
start: "2026-12-03 17:00"
end: "2026-12-03 19:00"
recurrence:
  frequency: weekly
  until: 2027-02-25
place: saal
offer: treffpunkt
organiser: verein
""",
    "events/kurs.yaml": """\
id: kurs
title: Kurs am Vormittag
summary: Ein Kurs für Anfängerinnen und Anfänger.
start: "2026-12-10 10:00"
end: "2026-12-10 12:00"
place: halle
organiser: buero
topics: [kurse]
""",
    "events/fest.yaml": """\
id: fest
title: Sommerfest
summary: Das Fest im Saal am Markt.
start: "2027-06-12 15:00"
end: "2027-06-12 20:00"
place: saal
organiser: buero
""",
}
EVENTS = {TREFF, KURS, FEST, HOURS}


@pytest.fixture(scope="module", autouse=True)
def git_installed():
    assert shutil.which("git"), "git is missing: these tests need the git command (Debian package git)"


def git(repo: Path, *args, when: datetime | None = None) -> str:
    env = {**os.environ, "GIT_AUTHOR_NAME": "Test", "GIT_AUTHOR_EMAIL": "test@example.org",
           "GIT_COMMITTER_NAME": "Test", "GIT_COMMITTER_EMAIL": "test@example.org",
           "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"}
    if when is not None:
        env["GIT_AUTHOR_DATE"] = env["GIT_COMMITTER_DATE"] = when.isoformat()
    return subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True, text=True,
                          env=env).stdout


def build(site: Path, out: Path, **kw) -> dict[str, bytes]:
    result = check(site / "content", today=TODAY, root=site)
    assert not result.errors, result.errors
    kw.setdefault("versions", site)
    kw.setdefault("now", NOW)
    paths = write_feeds(result.directory, out, SITE, URLS, **kw)
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in paths}


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text("utf-8")
    assert text.count(old) == 1, (path, old)
    path.write_text(text.replace(old, new), "utf-8")


class Event:
    """One event as its own feed shows it, parsed with icalendar."""

    def __init__(self, data: bytes):
        self.components = Calendar.from_ical(data).walk("VEVENT")
        assert self.components
        self.sequences = [int(c["SEQUENCE"]) for c in self.components]
        self.modified = {c["LAST-MODIFIED"].dt for c in self.components}
        shown = []
        for c in self.components:
            c = c.copy()
            for name in ("SEQUENCE", "LAST-MODIFIED", "DTSTAMP"):
                c.pop(name)
            shown.append(c.to_ical())
        self.shown = b"".join(shown)  # what an app shows: everything but the version and the build time

    @property
    def sequence(self) -> int:
        (value,) = set(self.sequences)  # master and overrides alike (RFC 5545: overrides >= master)
        return value

    def get(self, name: str, recurrence_id=None):
        for c in self.components:
            rid = c.get("RECURRENCE-ID")
            if (rid.dt if rid is not None else None) == recurrence_id:
                return c.get(name)
        raise KeyError((name, recurrence_id))


def events_of(files: dict[str, bytes]) -> dict[str, Event]:
    return {eid: Event(files[URLS.feed("event", eid)]) for eid in EVENTS}


@pytest.fixture()
def repo(tmp_path):
    repo = tmp_path / "repo"
    site = repo / "site"
    for name, text in FILES.items():
        path = site / "content" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, "utf-8")
    git(repo, "init", "-q", "-b", "main")
    git(repo, "add", ".")
    git(repo, "commit", "-q", "-m", "content", when=FIRST)
    return repo, site


class Steps:
    """Commit, build, compare with the build before: the events whose SEQUENCE rose."""

    def __init__(self, repo: Path, site: Path, out: Path):
        self.repo, self.site, self.out = repo, site, out
        self.n = 0
        self.files = build(site, out / "0")
        self.events = events_of(self.files)

    def commit(self, message: str, when: datetime) -> set[str]:
        git(self.repo, "add", "-A")
        git(self.repo, "commit", "-q", "-m", message, when=when)
        return self.rebuild(when)

    def rebuild(self, when: datetime) -> set[str]:
        self.n += 1
        before, self.files = self.events, build(self.site, self.out / str(self.n))
        self.events = after = events_of(self.files)
        raised = set()
        for eid in EVENTS:
            old, new = before[eid], after[eid]
            if new.sequence != old.sequence:
                assert new.sequence > old.sequence, (eid, old.sequence, new.sequence)
                assert new.modified == {when.replace(microsecond=0)}, (eid, new.modified)
                raised.add(eid)
            else:
                assert new.modified == old.modified, eid
                # nothing the app shows changed unless SEQUENCE rose
                assert new.shown == old.shown, eid
        return raised


def test_sequence_rises_whenever_what_an_event_shows_changes(repo, tmp_path):
    repo_dir, site = repo
    content = site / "content"
    steps = Steps(repo_dir, site, tmp_path / "out")
    assert {eid: e.sequence for eid, e in steps.events.items()} == dict.fromkeys(EVENTS, 0)
    assert all(e.modified == {FIRST} for e in steps.events.values())
    when = FIRST

    def later():
        nonlocal when
        when += timedelta(days=1, minutes=7)
        return when

    # a cancelled date: the master and the new STATUS:CANCELLED override both above the old value
    edit(content / "events/treff.yaml", "  until: 2027-02-25\n", "  until: 2027-02-25\n  cancelled: [2026-12-17]\n")
    assert steps.commit("cancel one date", later()) == {TREFF}
    treff = steps.events[TREFF]
    cancelled = [c for c in treff.components if c.get("STATUS") == "CANCELLED"]
    assert len(cancelled) == 1 and cancelled[0]["RECURRENCE-ID"].dt.date().isoformat() == "2026-12-17"
    assert treff.sequences == [1, 1]

    # the place's address (LOCATION) and coordinates (GEO): its events, no other
    edit(content / "places/saal.yaml", "street: Markt 1\n", "street: Markt 3\n")
    assert steps.commit("saal moved next door", later()) == {TREFF, FEST}
    assert "Markt 3" in str(steps.events[FEST].get("LOCATION"))
    edit(content / "places/saal.yaml", "lat: 50.8155\n", "lat: 50.8156\n")
    assert steps.commit("saal's coordinates", later()) == {TREFF, FEST}

    # the organiser's e-mail (ORGANIZER): its events and the offer's hours (it is their provider)
    edit(content / "contacts/verein.yaml", "info@verein", "kontakt@verein")
    assert steps.commit("new address of the Verein", later()) == {TREFF, HOURS}
    assert str(steps.events[TREFF].get("ORGANIZER")) == "mailto:kontakt@verein.example.org"

    # the offer's topics (CATEGORIES of an event without topics of its own; the hours come from the offer)
    edit(content / "offers/treffpunkt.yaml", "topics: [treffen]", "topics: [treffen, kurse]")
    assert steps.commit("offer has a second topic", later()) == {TREFF, HOURS}
    assert set(map(str, steps.events[TREFF].get("CATEGORIES").cats)) == {"Treffen", "Kurse"}

    # a topic's label: every event with topics (labels are not compared), not the Fest (none)
    edit(content / "taxonomy.yaml", "label: Kurse\n", "label: Kurse und Workshops\n")
    assert steps.commit("label", later()) == {TREFF, KURS, HOURS}
    assert list(map(str, steps.events[KURS].get("CATEGORIES").cats)) == ["Kurse und Workshops"]

    # the Fest moves to the Halle, whose file changed less often than the Saal's: still up
    edit(content / "events/fest.yaml", "place: saal", "place: halle")
    before = steps.events[FEST].sequence
    assert steps.commit("fest in the Halle", later()) == {FEST}
    assert steps.events[FEST].sequence > before

    # a cancelled event
    edit(content / "events/kurs.yaml", "topics: [kurse]\n", "topics: [kurse]\nstatus: cancelled\n")
    assert steps.commit("kurs cancelled", later()) == {KURS}
    assert str(steps.events[KURS].get("STATUS")) == "CANCELLED"

    # a merged pull request counts once, at the merge: the Halle edited on a branch
    git(repo_dir, "checkout", "-q", "-b", "halle")
    edit(content / "places/halle.yaml", "Bahnhofstraße 2", "Bahnhofstraße 4")
    git(repo_dir, "commit", "-q", "-am", "halle", when=later())
    git(repo_dir, "checkout", "-q", "main")
    (site / "README.txt").write_text("Hallo", "utf-8")  # main moved on meanwhile (outside content/)
    git(repo_dir, "add", "-A")
    git(repo_dir, "commit", "-q", "-m", "readme", when=later())
    assert steps.rebuild(when) == set()
    git(repo_dir, "merge", "-q", "--no-ff", "-m", "merge halle", "halle", when=later())
    assert steps.rebuild(when) == {KURS, FEST, HOURS}

    # a commit outside the content folder changes no feed, and two builds of one commit agree
    files = steps.files
    (site / "README.txt").write_text("Hallo Welt", "utf-8")
    assert steps.commit("readme again", later()) == set()
    assert steps.files == files
    assert build(site, tmp_path / "again") == files


def test_cancelled_dates_carry_a_sequence_above_the_scheduled_one(repo, tmp_path):
    """The override that cancels a date carries the same SEQUENCE as the master,
    above the value the date had while it was scheduled."""
    repo_dir, site = repo
    before = events_of(build(site, tmp_path / "a"))[TREFF]
    edit(site / "content/events/treff.yaml", "  until: 2027-02-25\n",
         "  until: 2027-02-25\n  cancelled: [2026-12-10, 2027-01-14]\n")
    git(repo_dir, "commit", "-q", "-am", "two dates off", when=SECOND)
    after = events_of(build(site, tmp_path / "b"))[TREFF]
    assert before.sequences == [0]
    assert after.sequences == [1, 1, 1]
    assert [str(c.get("STATUS")) for c in after.components] == ["CONFIRMED", "CANCELLED", "CANCELLED"]
    assert after.modified == {SECOND}


def test_versions_from_one_git_log(repo, monkeypatch):
    _, site = repo
    calls = []
    real = subprocess.run

    def run(cmd, *a, **kw):
        calls.append(cmd)
        return real(cmd, *a, **kw)

    monkeypatch.setattr(versions_module.subprocess, "run", run)
    result = check(site / "content", today=TODAY, root=site)
    found = event_versions(result.directory, site)
    assert len([c for c in calls if "log" in c]) == 1  # one git log for all files
    assert set(found) == EVENTS
    assert all(v.sequence == 0 and v.last_modified == FIRST for v in found.values())
    history = git_history(site, "content")
    assert history["content/places/saal.yaml"].first == 1 and "content/taxonomy.yaml" in history


def test_two_builds_of_one_commit_of_the_example_content_are_identical(tmp_path):
    repo = tmp_path / "repo"
    site = repo / "site"
    shutil.copytree(ROOT / "content", site / "content")
    git(repo, "init", "-q")
    git(repo, "add", ".")
    git(repo, "commit", "-q", "-m", "content", when=FIRST)
    a = build(site, tmp_path / "a")
    b = build(site, tmp_path / "b")
    assert a == b
    c = build(site, tmp_path / "c", now=NOW + timedelta(days=1, minutes=3))
    assert a.keys() == c.keys()
    for path in a:
        assert STAMP.sub(b"", a[path]) == STAMP.sub(b"", c[path])
    alle = a[URLS.feed("all")]
    assert set(re.findall(rb"SEQUENCE:(\d+)", alle)) == {b"0"}
    assert set(re.findall(rb"LAST-MODIFIED:(\w+)", alle)) == {b"20261101T090000Z"}


def test_versions_none_reads_git_in_the_working_directory(repo, tmp_path, monkeypatch):
    repo_dir, site = repo
    edit(site / "content/places/saal.yaml", "street: Markt 1\n", "street: Markt 3\n")
    git(repo_dir, "commit", "-q", "-am", "saal", when=SECOND)
    monkeypatch.chdir(site)
    here = build(site, tmp_path / "cwd", versions=None)
    assert here == build(site, tmp_path / "root")
    assert b"SEQUENCE:1\r\n" in here[URLS.feed("event", FEST)]


def test_without_git_sequence_0_and_no_last_modified(tmp_path):
    site = tmp_path / "plain"
    shutil.copytree(ROOT / "content", site / "content")
    assert git_history(site) == {}
    files = build(site, tmp_path / "out")
    alle = files[URLS.feed("all")]
    assert b"BEGIN:VEVENT" in alle and b"LAST-MODIFIED" not in alle
    assert set(re.findall(rb"SEQUENCE:(\d+)", alle)) == {b"0"}


def test_shallow_clone_counts_as_no_history(repo, tmp_path):
    repo_dir, site = repo
    edit(site / "content/places/saal.yaml", "street: Markt 1\n", "street: Markt 3\n")
    git(repo_dir, "commit", "-q", "-am", "second", when=SECOND)
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "-q", "--depth", "1", f"file://{repo_dir}", str(clone)], check=True)
    assert git_history(repo_dir / "site")["content/places/saal.yaml"].last == 2
    assert git_history(clone / "site") == {}  # one commit that seems to add every file: not used
    files = build(clone / "site", tmp_path / "out")
    assert set(re.findall(rb"SEQUENCE:(\d+)", files[URLS.feed("all")])) == {b"0"}
    assert b"LAST-MODIFIED" not in files[URLS.feed("all")]
