"""`nahbei import ics`: partners' iCalendar feeds as event entries.

The fixtures in tests/data/ics/ are shaped like what the servers publish: Google
Calendar (X-WR-TIMEZONE beside TZIDs, HTML in DESCRIPTION, a private event),
Outlook/Exchange (Windows zone names, INTERVAL=2 with two days, a moved
occurrence, X-MICROSOFT-CDO-*), Nextcloud (RDATE, BYSETPOS, a UTC series across
daylight saving, a cancelled override, a past event), Gancio/Mobilizon (UTC
singles, URL, HTML with an <img onerror>, STATUS:CANCELLED, javascript: URL)
and a feed with floating times and only X-WR-TIMEZONE.

For each feed, the dates the project's model gives for the written entries over
365 days are the dates recurring-ical-events reads from the feed itself.
"""
from __future__ import annotations

import os
import re
import shutil
import subprocess
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import icalendar
import pytest
import recurring_ical_events
import yaml

from nahbei.exchange import ics_import
from nahbei.model import loader
from nahbei.model.check import check

ROOT = Path(__file__).resolve().parents[1]
FEEDS = Path(__file__).parent / "data" / "ics"
NAHBEI = ROOT / ".venv" / "bin" / "nahbei"
EPOCH = "1794744000"  # 2026-11-15 12:00 UTC
TODAY = date(2026, 11, 15)
BERLIN = ZoneInfo("Europe/Berlin")
UTC = ZoneInfo("UTC")

#: feed file -> its calendar in sources.yaml (organisers, places and topics of the example content)
CALENDARS = {
    "google.ics": dict(id="familienzentrum", name="Familienzentrum", organiser="stadt-troisdorf",
                       place="begegnungsstaette-troisdorf-mitte", offer="mittendrin-troisdorf", topics=["begegnung"]),
    "outlook.ics": dict(id="schuldnerberatung", name="Schuldnerberatung", organiser="caritas-moenchengladbach",
                        place="caritas-moenchengladbach"),
    "nextcloud.ics": dict(id="nachbarschaftstreff", name="Nachbarschaftstreff", organiser="amt-soziales-troisdorf",
                          place="begegnungsstaette-troisdorf-mitte", topics=["begegnung", "einsamkeit"]),
    "gancio.ics": dict(id="gancio-troisdorf", name="Gancio Troisdorf", organiser="stadt-troisdorf",
                       place="begegnungsstaette-troisdorf-mitte"),
    "xwr-timezone.ics": dict(id="stadtteilbuero", name="Stadtteilbüro", organiser="stadt-troisdorf",
                             place="begegnungsstaette-troisdorf-mitte"),
}


def make_tree(tmp_path: Path) -> Path:
    """The example content with every fixture's calendar in sources.yaml; returns content/."""
    shutil.copytree(ROOT / "content", tmp_path / "content")
    shutil.copytree(ROOT / "schemas", tmp_path / "schemas")
    calendars = [{**c, "url": f"https://partner.example/{name}"} for name, c in CALENDARS.items()]
    (tmp_path / "content" / "sources.yaml").write_text(
        "# yaml-language-server: $schema=../schemas/sources.schema.json\n"
        + yaml.safe_dump({"calendars": calendars}, allow_unicode=True, sort_keys=False), "utf-8")
    return tmp_path / "content"


def calendar(feed_name: str) -> ics_import.Calendar:
    c = CALENDARS[feed_name]
    return ics_import.Calendar(c["id"], c["name"], "https://partner.example/" + feed_name, c["organiser"],
                               c.get("place"), c.get("offer"), tuple(c.get("topics", ())))


def run_import(content: Path, feed: Path | str, today: date = TODAY):
    """The importer's core as the command runs it: read, map, write."""
    cal = calendar(Path(feed).name if Path(feed).name in CALENDARS else "google.ics")
    mapped = ics_import.map_feed(ics_import.read_feed(str(feed)), cal, today=today)
    return ics_import.apply(mapped, cal, content, today=today)


def cli(*args, cwd: Path, epoch: str = EPOCH) -> subprocess.CompletedProcess:
    env = {**os.environ, "SOURCE_DATE_EPOCH": epoch, "NAHBEI_LANG": "de"}
    return subprocess.run([str(NAHBEI), *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=120)


def snapshot(folder: Path) -> dict:
    return {p.name: (p.read_bytes(), p.stat().st_mtime_ns) for p in sorted(folder.glob("*.yaml"))}


def imported(content: Path, calendar_id: str) -> dict:
    """{UID: (path, data)} of the event files from one calendar."""
    out = {}
    for path in sorted((content / "events").glob("*.yaml")):
        _, data = loader.load_bytes(path.read_bytes())
        src = data.get("source") or {}
        if src.get("name") == calendar_id:
            out[src["id"]] = (path, data)
    return out


# -- occurrences: the project's model against recurring-ical-events ---------------


def _instant(value):
    """A date stays a date; a time becomes an instant (floating times are the site's)."""
    if not isinstance(value, datetime):
        return value
    return (value if value.tzinfo else value.replace(tzinfo=BERLIN)).astimezone(UTC)


def _local_day(value) -> date:
    return value if not isinstance(value, datetime) else _instant(value).astimezone(BERLIN).date()


LAST = TODAY + timedelta(days=364)


def feed_occurrences(feed: Path) -> set:
    """(start, end, cancelled) of every public occurrence starting in the 365 days from TODAY,
    as recurring-ical-events expands the feed (it applies X-WR-TIMEZONE itself)."""
    cal = icalendar.Calendar.from_ical(feed.read_bytes())
    out = set()
    for c in recurring_ical_events.of(cal).between(TODAY - timedelta(days=3), LAST + timedelta(days=3)):
        if str(c.get("CLASS", "PUBLIC")).upper() != "PUBLIC":
            continue  # not published on purpose (test_private_events_stay_private)
        start = c["DTSTART"].dt
        if not TODAY <= _local_day(start) <= LAST:
            continue
        end = c["DTEND"].dt if "DTEND" in c else start
        out.add((_instant(start), _instant(end), str(c.get("STATUS", "")).upper() == "CANCELLED"))
    return out


def model_occurrences(content: Path, calendar_id: str) -> set:
    """The same, from the written files as the project's loader and Directory read them."""
    result = check(content, today=TODAY, root=content.parent)
    assert [p.format("de") for p in result.problems] == []
    out = set()
    for event in result.directory.events.values():
        if (event.data.get("source") or {}).get("name") != calendar_id:
            continue
        for o in event.occurrences(TODAY, LAST):
            end = o.end if o.end is not None else o.start
            out.add((_instant(o.start), _instant(end), o.status == "cancelled"))
    return out


@pytest.mark.parametrize("feed_name", sorted(CALENDARS))
def test_the_models_occurrences_over_a_year_are_the_feeds(feed_name, tmp_path):
    content = make_tree(tmp_path)
    feed = FEEDS / feed_name
    changes = run_import(content, feed)
    assert {c.status for c in changes} <= {"new", "skipped", "past_new"}, changes
    expected = feed_occurrences(feed)
    assert len(expected) >= 3, "the fixture has dates in the window"
    got = model_occurrences(content, CALENDARS[feed_name]["id"])
    assert sorted(got - expected, key=str) == [] and sorted(expected - got, key=str) == []


def test_the_feeds_exercise_what_the_issue_names(tmp_path):
    """The fixtures really carry moves, cancellations, exceptions, extra dates, Windows
    zones and rules the model cannot say: the written entries show each of them."""
    content = make_tree(tmp_path)
    for name in CALENDARS:
        run_import(content, FEEDS / name)
    events = {p.stem: loader.load_bytes(p.read_bytes())[1] for p in (content / "events").glob("*.yaml")}
    cafe = events["eltern-kind-cafe"]["recurrence"]  # Google: EXDATE, a moved and a cancelled occurrence
    assert cafe["except"] == ["2026-12-24", "2026-12-31"] and cafe["cancelled"] == ["2027-01-14"]
    assert cafe["moved"] == [{"date": "2026-12-10", "to": "2026-12-10 14:00"}]
    # Outlook: "W. Europe Standard Time" is Europe/Berlin (the default: no timezone line), "GMT Standard Time" London
    advice = events["offene-sprechstunde-schuldnerberatung"]
    assert "timezone" not in advice and advice["start"] == "2026-11-02 09:00"
    assert advice["recurrence"] | {"except": None, "moved": None} == {
        "frequency": "weekly", "interval": 2, "weekdays": ["mo", "mi"], "until": "2027-06-30",
        "except": None, "moved": None}
    # moved a day later, same length: no end of its own
    assert advice["recurrence"]["moved"] == [{"date": "2027-01-13", "to": "2027-01-14 13:00"}]
    london = events["online-seminar-mit-der-partnerstelle-in-london-2027-03-04"]
    assert london["timezone"] == "Europe/London" and london["start"] == "2027-03-04 16:00"
    assert london["online_url"].startswith("https://teams.microsoft.com/") and "place" not in london
    assert events["infoabend-schuldenpraevention"]["recurrence"] == {
        "frequency": "monthly", "weekday": "fr", "nth": -1, "count": 10}
    assert events["schliesstag-beratungsstelle-2026-12-23"]["start"] == "2026-12-23"  # all-day
    # Nextcloud: RDATE as extra, a cancelled override, yearly as every 12 months, a cancelled series
    assert events["erzaehlcafe"]["recurrence"]["extra"] == ["2026-12-22 15:00"]
    assert events["morgengymnastik-im-hof"]["recurrence"] == {"frequency": "daily", "count": 20,
                                                              "cancelled": ["2026-12-06"]}
    summer = events["sommerfest-der-nachbarschaft"]
    assert summer["status"] == "cancelled" and summer["recurrence"]["interval"] == 12
    # rules the model cannot say are listed date by date: BYSETPOS, and a UTC series across DST
    listed = events["sprechstunde-am-letzten-werktag"]["recurrence"]
    assert listed["frequency"] == "daily" and listed["count"] == 1 and "2027-02-26 18:00" in listed["extra"]
    repair = events["repair-cafe"]
    assert repair["start"] == "2026-12-03 18:00" and "2027-04-01 19:00" in repair["recurrence"]["extra"]
    # X-WR-TIMEZONE only: floating times are Berlin's, UTC ones too
    assert events["quartiersrat"]["start"] == "2026-12-04 17:00"
    assert events["sprechstunde-quartiersmanagement"]["recurrence"]["except"] == ["2026-12-29"]
    # Gancio/Mobilizon: UTC singles in local time, cancelled, online
    assert events["naehtreff-fuer-alle-2026-12-05"]["start"] == "2026-12-05 15:00"
    assert events["flohmarkt-abgesagt-2027-01-09"]["status"] == "cancelled"
    assert events["online-stammtisch-ehrenamt-2026-12-15"]["online_url"] == "https://meet.example.org/stammtisch"
    # the calendar's offer, organiser and topics reach every entry
    assert events["eltern-kind-cafe"]["offer"] == "mittendrin-troisdorf"
    assert events["erzaehlcafe"]["topics"] == ["begegnung", "einsamkeit"]


def test_the_report_says_what_could_not_be_mapped_and_why(tmp_path):
    content = make_tree(tmp_path)
    text = ics_import.report(run_import(content, FEEDS / "nextcloud.ics"), calendar("nextcloud.ics"), "de",
                             root=content.parent)
    paragraphs = text.split("\nNeu: ")
    setpos = next(p for p in paragraphs if p.startswith("„Sprechstunde am letzten Werktag“"))
    assert "FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1 lässt sich hier nicht als Regel schreiben" in setpos
    assert "bis 2027-12-31 einzeln" in setpos
    repair = next(p for p in paragraphs if p.startswith("„Repair-Café“"))
    assert "alle Termine einzeln übernommen" in repair
    assert "1 schon vorbei" in text  # the 2025 event is not imported
    cal = calendar("gancio.ics")
    mapped = ics_import.map_feed(ics_import.read_feed(str(FEEDS / "gancio.ics")), cal, today=TODAY, lang="en")
    english = ics_import.report(ics_import.apply(mapped, cal, make_tree(tmp_path / "en"), today=TODAY), cal, "en")
    assert english.startswith("Calendar “Gancio Troisdorf” (gancio-troisdorf):")
    assert "Address “javascript:alert(1)” is not an http(s) address: not imported" in english


# -- re-runs, removals, hand edits ----------------------------------------------------


@pytest.mark.parametrize("feed_name", sorted(CALENDARS))
def test_an_unchanged_feed_changes_no_file(feed_name, tmp_path):
    content = make_tree(tmp_path)
    run_import(content, FEEDS / feed_name)
    before = snapshot(content / "events")
    again = run_import(content, FEEDS / feed_name, today=TODAY + timedelta(days=3))  # another day, too
    assert {c.status for c in again} <= {"unchanged", "skipped", "past_new"}, again
    assert snapshot(content / "events") == before  # bytes and modification times


def _imported(tmp_path: Path, feed_name: str) -> tuple[Path, Path, str]:
    """A fixture imported once: the content folder, the feed (a copy, to edit) and its text."""
    content = make_tree(tmp_path)
    feed = tmp_path / feed_name
    shutil.copy(FEEDS / feed_name, feed)
    run_import(content, feed)
    return content, feed, feed.read_text("utf-8")


def test_an_event_removed_from_the_feed_becomes_cancelled_not_deleted(tmp_path):
    content, feed, text = _imported(tmp_path, "google.ics")
    uid = "5p6q7r8s9t0u1v2w3x4y5z6a7b@google.com"
    path, data = imported(content, "familienzentrum")[uid]
    assert data["status"] == "scheduled"
    others = {p: b for p, (b, _) in snapshot(content / "events").items() if p != path.name}

    block = re.search(r"BEGIN:VEVENT\r?\n(?:(?!END:VEVENT).*\r?\n)*?UID:" + re.escape(uid) + r"\r?\n(?:.*\r?\n)*?END:VEVENT\r?\n",
                      text)
    feed.write_text(text.replace(block.group(0), ""), "utf-8")
    changes = run_import(content, feed, today=TODAY + timedelta(days=1))
    assert [(c.uid, c.status) for c in changes if c.status not in ("unchanged", "skipped")] == [(uid, "cancelled")]
    assert path.exists()
    after = loader.load_bytes(path.read_bytes())[1]
    assert after["status"] == "cancelled"
    assert {k: v for k, v in after.items() if k not in ("status", "source")} == {
        k: v for k, v in data.items() if k not in ("status", "source")}
    assert after["source"]["imported"] == "2026-11-16"
    assert {p: b for p, (b, _) in snapshot(content / "events").items() if p != path.name} == others
    # every date of it is now a cancelled date, and the tree still passes the check
    occurrences = [o for e in check(content, today=TODAY, root=content.parent).directory.events.values()
                   if e.id == path.stem for o in e.occurrences(TODAY, LAST)]
    assert occurrences and {o.status for o in occurrences} == {"cancelled"}
    assert run_import(content, feed, today=TODAY + timedelta(days=2))[-1].status != "cancelled"  # once only


def test_an_event_that_is_over_and_left_the_feed_stays_as_it_is(tmp_path):
    content, feed, text = _imported(tmp_path, "nextcloud.ics")
    path, _ = imported(content, "nachbarschaftstreff")["1a2b3c4d-0000-4000-8000-aabbccddeeff"]  # Dec 1–20, 2026
    before = path.read_bytes()
    start = text.index("BEGIN:VEVENT\nCREATED:20261001T100000Z\nDTSTAMP:20261001T100000Z\nUID:1a2b3c4d")
    end = text.index("END:VEVENT\n", text.index("RECURRENCE-ID", start)) + len("END:VEVENT\n")
    feed.write_text(text[:start] + text[end:], "utf-8")
    changes = run_import(content, feed, today=date(2027, 1, 10))
    assert [c.status for c in changes if c.uid.startswith("1a2b3c4d")] == ["past"]
    assert path.read_bytes() == before


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text("utf-8")
    assert old in text
    path.write_text(text.replace(old, new), "utf-8")


def _imported_google(tmp_path: Path) -> tuple[Path, Path, Path]:
    """The Google fixture imported once: the content folder, the feed (a copy) and the café's file."""
    content, feed, _ = _imported(tmp_path, "google.ics")
    return content, feed, content / "events" / "eltern-kind-cafe.yaml"


def test_a_file_edited_by_hand_is_never_overwritten_the_change_is_reported_as_a_conflict(tmp_path):
    content, feed, cafe = _imported_google(tmp_path)
    _edit(cafe, "title: Eltern-Kind-Café", "title: Eltern-Kind-Café im Familienzentrum")
    edited = cafe.read_bytes()

    # the feed unchanged: the hand edit stays, no conflict
    kept = run_import(content, feed, today=TODAY + timedelta(days=1))
    assert [c.status for c in kept if c.path == cafe] == ["kept"]
    assert cafe.read_bytes() == edited

    # the feed changes the same event: not overwritten, reported with the fields that differ
    _edit(feed, "DTEND;TZID=Europe/Berlin:20261105T113000", "DTEND;TZID=Europe/Berlin:20261105T120000")
    result = cli("import", "ics", "familienzentrum", "--feed", str(feed), cwd=tmp_path)
    assert result.returncode == 1, result.stderr
    assert cafe.read_bytes() == edited
    lines = result.stdout.splitlines()
    at = next(i for i, line in enumerate(lines) if line.startswith("Nicht überschrieben: "))
    assert lines[at].startswith("Nicht überschrieben: „Eltern-Kind-Café“ (content/events/eltern-kind-cafe.yaml) "
                                "wurde seit dem letzten Import von Hand geändert")
    paragraph = "\n".join(lines[at + 1:])
    assert "title: in der Datei Eltern-Kind-Café im Familienzentrum – im Kalender Eltern-Kind-Café" in paragraph
    assert "end: in der Datei 2026-11-05 11:30 – im Kalender 2026-11-05 12:00" in paragraph
    assert "1 Konflikte" in result.stdout

    # the volunteer takes back the edit: the next import brings the feed's change
    _edit(cafe, "title: Eltern-Kind-Café im Familienzentrum", "title: Eltern-Kind-Café")
    assert [c.status for c in run_import(content, feed) if c.path == cafe] == ["updated"]
    assert "end: 2026-11-05 12:00" in cafe.read_text("utf-8")
    assert [c.status for c in run_import(content, feed) if c.path == cafe] == ["unchanged"]


def test_fields_a_volunteer_adds_survive_the_next_import(tmp_path):
    content, feed, cafe = _imported_google(tmp_path)
    _edit(cafe, "status: scheduled\n", "status: scheduled\ntarget_groups: [familien]\ncost:\n  free: true\n")
    _edit(feed, "SUMMARY:Eltern-Kind-Café\nTRANSP", "SUMMARY:Eltern-Kind-Café am Donnerstag\nTRANSP")
    assert [c.status for c in run_import(content, feed) if c.path == cafe] == ["updated"]
    data = loader.load_bytes(cafe.read_bytes())[1]
    assert data["title"] == "Eltern-Kind-Café am Donnerstag"
    assert data["target_groups"] == ["familien"] and data["cost"] == {"free": True}
    assert check(content, today=TODAY, root=content.parent).problems == []


def test_a_removed_event_edited_by_hand_is_a_conflict_too(tmp_path):
    content = make_tree(tmp_path)
    feed = tmp_path / "gancio.ics"
    text = (FEEDS / "gancio.ics").read_text("utf-8")
    feed.write_text(text, "utf-8")
    run_import(content, feed)
    path, _ = imported(content, "gancio-troisdorf")["mobilizon-7f6e5d4c-3b2a-4190-8a7b-6c5d4e3f2a1b"]
    _edit(path, "title: Online-Stammtisch Ehrenamt", "title: Online-Stammtisch fürs Ehrenamt")
    edited = path.read_bytes()
    start = text.index("BEGIN:VEVENT\nUID:mobilizon")
    feed.write_text(text[:start] + text[text.index("END:VEVENT\n", start) + 11:], "utf-8")
    changes = run_import(content, feed)
    assert [c.status for c in changes if c.path == path] == ["conflict_gone"]
    assert path.read_bytes() == edited


# -- untrusted text -------------------------------------------------------------------


def test_text_from_a_feed_never_becomes_html_or_a_script_link(tmp_path):
    content = make_tree(tmp_path)
    for name in CALENDARS:
        run_import(content, FEEDS / name)
    descriptions = {p.stem: loader.load_bytes(p.read_bytes())[1].get("description", "")
                    for p in (content / "events").glob("*.yaml")}
    for text in descriptions.values():
        assert not re.search(r"<\s*[/!A-Za-z]", text), text
        assert not re.search(r"\]\(\s*(?!https?:|mailto:)", text), text  # every Markdown link is http(s) or mailto
    cafe = descriptions["eltern-kind-cafe"]
    assert "[unserer Seite](https://familienzentrum.example/cafe?x=1&y=2)" in cafe
    assert "alert" not in cafe and "Hier klicken" in cafe  # the script is gone, the link's text stays
    sewing = descriptions["naehtreff-fuer-alle-2026-12-05"]
    assert "Wir nähen zusammen & reparieren Kleidung." in sewing
    assert "[naehen@example.org](mailto:naehen@example.org)" in sewing
    assert "onerror" not in sewing and "‹script>alert(2)‹/script>" in sewing  # written as text, shown as text
    assert "Mehr beim Veranstalter: [https://gancio.example/event/naehtreff-fuer-alle]" in sewing
    assert "Mehr beim Veranstalter" not in descriptions["naehtreff-fuer-alle-2027-04-03"]  # URL:javascript: dropped
    # a Markdown link in a plain-text feed is text: its brackets are escaped
    assert descriptions["erzaehlcafe"] == "Erzählen, zuhören, Kaffee trinken. \\[Mehr\\]\\(javascript:alert(1))"
    assert check(content, today=TODAY, root=content.parent).problems == []


def test_private_events_stay_private(tmp_path):
    content = make_tree(tmp_path)
    changes = run_import(content, FEEDS / "google.ics")
    skipped = [c for c in changes if c.status == "skipped"]
    assert [c.uid for c in skipped] == ["privat-123@google.com"]
    assert "Privater Termin" in skipped[0].notes[0]
    assert "privat-123@google.com" not in imported(content, "familienzentrum")


# -- the command and sources.yaml -------------------------------------------------------


def test_the_command_imports_and_the_result_passes_nahbei_check(tmp_path):
    make_tree(tmp_path)
    listed = cli("import", "ics", "--list", cwd=tmp_path)
    assert listed.returncode == 0 and listed.stdout.split() == [c["id"] for c in CALENDARS.values()]
    for name, c in CALENDARS.items():
        result = cli("import", "ics", c["id"], "--feed", str(FEEDS / name), cwd=tmp_path)
        assert result.returncode == 0, result.stdout + result.stderr
        assert result.stdout.startswith(f"Kalender „{c['name']}“ ({c['id']}):")
    checked = cli("check", cwd=tmp_path)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "keine Fehler, 0 Warnungen" in checked.stderr


def test_the_command_says_what_is_wrong_without_a_traceback(tmp_path):
    make_tree(tmp_path)
    unknown = cli("import", "ics", "caritas", cwd=tmp_path)
    assert unknown.returncode == 2 and "Kalender „caritas“ steht nicht in content/sources.yaml" in unknown.stderr
    missing = cli("import", "ics", "familienzentrum", "--feed", str(tmp_path / "nichts.ics"), cwd=tmp_path)
    assert missing.returncode == 2 and "lässt sich nicht lesen" in missing.stderr
    assert "Traceback" not in unknown.stderr + missing.stderr


def test_sources_yaml_is_checked_like_the_other_content(tmp_path):
    content = make_tree(tmp_path)
    sources = content / "sources.yaml"
    sources.write_text(
        "# yaml-language-server: $schema=../schemas/sources.schema.json\n"
        "calendars:\n"
        "  - id: caritas\n"
        "    name: Caritas\n"
        "    url: https://caritas.example/termine.ics\n"
        "    organiser: caritas-moenchengladbah\n"
        "    topics: [integraton]\n"
        "  - id: caritas\n"
        "    name: Caritas 2\n"
        "    url: ftp://caritas.example/termine.ics\n"
        "    organiser: caritas-moenchengladbach\n", "utf-8")
    lines = [p.format("de") for p in check(content, today=TODAY, root=content.parent).problems]
    assert len(lines) == 1 and lines[0].startswith("content/sources.yaml:10:10: Fehler: „ftp://"), lines
    # past the schema: references, terms and ids, as in the entries
    sources.write_text(sources.read_text("utf-8").replace("ftp:", "https:"), "utf-8")
    lines = [p.format("de") for p in check(content, today=TODAY, root=content.parent).problems]
    assert len(lines) == 3, lines
    assert lines[0].startswith("content/sources.yaml:6:16: Fehler: ") and "caritas-moenchengladbach" in lines[0]
    assert lines[1].startswith("content/sources.yaml:7:14: Fehler: ") and "integration" in lines[1]
    assert lines[2] == ("content/sources.yaml:8:9: Fehler: Die Kennung „caritas“ steht schon in Zeile 3. "
                        "Jeder Kalender braucht eine eigene id, z. B. caritas-2")


def test_the_example_sites_sources_yaml_lists_no_partner_and_passes(tmp_path):
    data = loader.load_bytes((ROOT / "content" / "sources.yaml").read_bytes())[1]
    assert data == {"calendars": []}
    assert ics_import.read_sources(ROOT / "content") == []
