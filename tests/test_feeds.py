"""The example site's iCalendar feeds, read back by three independent parsers.

Every feed must expand, in icalendar + recurring-ical-events, in ical (Home
Assistant) and in ical.js (Mozilla), to exactly the occurrences the site's
calendar shows (``Directory.occurrences``) for the next 365 days — UID, start
and end in UTC (dates for all-day), and status (cancelled dates are kept as
STATUS:CANCELLED overrides and compared like the others).
"""
from __future__ import annotations

import re
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pytest
from icalendar import Calendar
from tests.support.feeds import HOST, NOW, SITE, TODAY
from tests.support.ical_parsers import PARSERS, expand_all, in_days, model_rows, utc_window

from nahbei.feeds import RETENTION_DAYS, feed_catalog, write_feeds
from nahbei.feeds.catalog import feed_members
from nahbei.model.check import check
from nahbei.urls import Urls

ROOT = Path(__file__).resolve().parents[1]
END = TODAY + timedelta(days=365)


@pytest.fixture(scope="module")
def directory():
    result = check(ROOT / "content", today=TODAY, root=ROOT)
    assert not result.errors, result.errors
    return result.directory


@pytest.fixture(scope="module")
def site(directory, tmp_path_factory):
    out = tmp_path_factory.mktemp("site")
    paths = write_feeds(directory, out, SITE, Urls(), versions={}, now=NOW)
    files = {p.relative_to(out).as_posix(): p.read_bytes() for p in paths}
    return out, paths, files


@pytest.fixture(scope="module")
def expanded(site, icaljs):
    _, _, files = site
    return expand_all(files, *utc_window(TODAY, END), icaljs=icaljs)


def ics(files, path) -> str:
    """The feed as text, unfolded, with \n line ends."""
    return files[path].decode("utf-8").replace("\r\n ", "").replace("\r\n", "\n")


# -- which feeds -------------------------------------------------------------

def test_catalog_lists_exactly_the_written_files(directory, site):
    out, paths, files = site
    catalog = feed_catalog(directory, Urls())
    assert [f.path for f in catalog] == list(files)
    assert sorted(p.relative_to(out).as_posix() for p in out.rglob("*.ics")) == sorted(files)
    scopes = {f.scope for f in catalog}
    assert scopes == {"all", "topics", "target_groups", "regions", "offer", "contact", "place", "event"}
    assert {f.ident for f in catalog if f.scope == "event"} == set(directory.events)
    assert "kalender/alle.ics" in files
    assert "kalender/themen/mentoring.ics" in files
    assert "kalender/zielgruppen/gefluechtete.ics" in files
    assert "kalender/regionen/troisdorf.ics" in files  # parent of troisdorf-mitte
    assert "kalender/angebote/thinka-soemmerda.ics" in files  # consultation hours as events
    assert "kalender/veranstalter/amt-soziales-troisdorf.ics" in files
    assert "kalender/veranstalter/okan-bektas.ics" not in files  # a real person organises no example event
    assert "kalender/orte/begegnungsstaette-troisdorf-mitte.ics" in files
    assert "kalender/termine/mittendrin-offener-treff.ics" in files
    # no events, no feed
    assert "kalender/themen/familien.ics" not in files
    assert "kalender/zielgruppen/senioren.ics" not in files
    assert "kalender/angebote/sozialplanung-dorsten-innenstadt.ics" not in files
    titles = {(f.scope, f.ident): f.title for f in catalog}
    assert titles[("all", None)] == "alle Termine"
    assert titles[("topics", "beratung")] == "Beratung und Lotsen"


def test_term_feed_includes_narrower_terms(site):
    _, _, files = site
    troisdorf = ics(files, "kalender/regionen/troisdorf.ics")
    assert "UID:mittendrin-offener-treff@nahbei.example.org" in troisdorf  # place in troisdorf-mitte


# -- every feed in three parsers == the model ----------------------------------

@pytest.mark.parametrize("parser", PARSERS)
def test_every_feed_expands_to_the_sites_dates(directory, site, expanded, parser):
    _, _, files = site
    members = {f.path: ids for f, ids in feed_members(directory, Urls())}
    checked = 0
    for path in files:
        events = [directory.events[i] for i in members[path]]
        expected = model_rows(directory.occurrences(TODAY, END, events), HOST)
        got = in_days(expanded[parser][path], TODAY, END)
        assert got == expected, f"{parser} {path}: {sorted(set(got) ^ set(expected), key=str)[:6]}"
        checked += len(expected)
    assert checked > 300
    everything = in_days(expanded[parser]["kalender/alle.ics"], TODAY, END)
    assert everything == model_rows(directory.occurrences(TODAY, END), HOST)
    statuses = {row[3] for row in everything}
    assert statuses == {"CONFIRMED", "CANCELLED"}


def test_series_across_both_dst_switches(directory, site, icaljs):
    """Weekly Thursday 17:00 from 2026-10-01: 15:00Z before 2026-10-25, 16:00Z in winter,
    15:00Z again after 2027-03-28 — in every parser, from the series' first date on."""
    _, _, files = site
    path = "kalender/termine/mittendrin-offener-treff.ics"
    start, end = date(2026, 10, 1), date(2027, 6, 30)
    e = directory.events["mittendrin-offener-treff"]
    expected = model_rows(e.occurrences(start, end), HOST)
    starts = {r[1] for r in expected}
    assert {"2026-10-22T15:00:00Z", "2026-10-29T16:00:00Z", "2027-03-25T16:00:00Z", "2027-04-01T15:00:00Z",
            "2027-06-24T15:00:00Z"} <= starts
    assert not any(s.startswith("2027-07") for s in starts)  # until 2027-06-24 inclusive
    result = expand_all({path: files[path]}, *utc_window(start, end), icaljs=icaljs)
    for parser in PARSERS:
        assert in_days(result[parser][path], start, end) == expected, parser


def test_weekly_series_keeps_exceptions_moves_and_cancellations(site):
    _, _, files = site
    text = ics(files, "kalender/termine/mittendrin-offener-treff.ics")
    masters = text.split("BEGIN:VEVENT")[1:]
    assert len(masters) == 3  # series + moved date + cancelled date
    series, moved, cancelled = masters
    assert "DTSTART;TZID=Europe/Berlin:20261001T170000" in series
    assert "DTEND;TZID=Europe/Berlin:20261001T190000" in series
    assert "RRULE:FREQ=WEEKLY;UNTIL=20270624T215959Z;BYDAY=TH" in series  # UNTIL in UTC
    assert "EXDATE;TZID=Europe/Berlin:20261224T170000" in series
    assert "RECURRENCE-ID;TZID=Europe/Berlin:20261231T170000" in moved
    assert "DTSTART;TZID=Europe/Berlin:20261230T170000" in moved
    assert "DTEND;TZID=Europe/Berlin:20261230T190000" in moved
    assert "STATUS:CONFIRMED" in moved
    assert "Verlegt (statt 31. Dezember 2026): Wegen Silvester einen Tag früher." in moved
    assert "RECURRENCE-ID;TZID=Europe/Berlin:20270107T170000" in cancelled
    assert "DTSTART;TZID=Europe/Berlin:20270107T170000" in cancelled
    assert "STATUS:CANCELLED" in cancelled
    assert "SUMMARY;LANGUAGE=de:Abgesagt: Offener Treff MITTEndrin!" in cancelled
    uids = re.findall(r"^UID:(.*)$", text, re.M)
    assert uids == ["mittendrin-offener-treff@nahbei.example.org"] * 3


def test_monthly_last_friday_with_count(site, expanded):
    _, _, files = site
    path = "kalender/termine/mittendrin-mentoring-infoabend.ics"
    assert "RRULE:FREQ=MONTHLY;COUNT=8;BYDAY=-1FR" in ics(files, path)
    want = ["2026-11-27", "2027-01-29", "2027-02-26", "2027-03-26", "2027-04-30",  # 2026-12-25: except
            "2027-05-28", "2027-06-25"]
    for parser in PARSERS:
        rows = in_days(expanded[parser][path], TODAY, END)
        local = [datetime.fromisoformat(r[1].replace("Z", "+00:00")).astimezone(_berlin()) for r in rows]
        assert [d.date().isoformat() for d in local] == want, parser
        assert {d.strftime("%H:%M") for d in local} == {"18:00"}, parser


def test_monthly_second_tuesday_until(site, expanded):
    _, _, files = site
    path = "kalender/termine/im-netzwerk-kennenlerntreffen.ics"
    assert "RRULE:FREQ=MONTHLY;UNTIL=20271231T225959Z;BYDAY=2TU" in ics(files, path)
    for parser in PARSERS:
        days = [r[1][:10] for r in in_days(expanded[parser][path], TODAY, END)]
        assert days[:3] == ["2026-12-08", "2027-01-12", "2027-02-09"], parser


def test_all_day_multi_day_event(site, expanded):
    _, _, files = site
    path = "kalender/termine/aktionstage-gegen-einsamkeit-2027.ics"
    text = ics(files, path)
    assert "DTSTART;VALUE=DATE:20270205" in text
    assert "DTEND;VALUE=DATE:20270208" in text  # exclusive: the last day is the 7th
    assert "TZID" not in text  # no zone needed, so no VTIMEZONE
    for parser in PARSERS:
        assert in_days(expanded[parser][path], TODAY, END) == [
            ("aktionstage-gegen-einsamkeit-2027@nahbei.example.org", "2027-02-05", "2027-02-08", "CONFIRMED")]


def test_cancelled_event(site):
    _, _, files = site
    text = ics(files, "kalender/termine/infoabend-ehrenamt-abgesagt.ics")
    assert "STATUS:CANCELLED" in text
    assert "SUMMARY;LANGUAGE=de:Abgesagt: Infoabend Ehrenamt in der Flüchtlingshilfe" in text
    assert "DESCRIPTION;LANGUAGE=de:Diese Veranstaltung ist abgesagt." in text


def test_consultation_hours_are_series_on_the_offer_page(site):
    _, _, files = site
    text = ics(files, "kalender/angebote/thinka-soemmerda.ics")
    assert text.count("BEGIN:VEVENT") == 2
    assert "RRULE:FREQ=WEEKLY;BYDAY=TU" in text
    assert "RRULE:FREQ=WEEKLY;BYDAY=TH" in text
    assert "EXDATE;TZID=Europe/Berlin:20261224T130000,20261231T130000" in text  # Weihnachtspause
    assert "URL:https://nahbei.example.org/angebote/thinka-soemmerda/" in text


# -- past events -----------------------------------------------------------------

def test_old_events_leave_collection_feeds_but_keep_their_own(site):
    _, _, files = site
    old = "UID:sozialregionalkonferenz-doebeln-2018@"
    assert old not in ics(files, "kalender/alle.ics")
    assert old not in ics(files, "kalender/orte/volkshaus-doebeln.ics")
    assert old in ics(files, "kalender/termine/sozialregionalkonferenz-doebeln-2018.ics")
    # its scopes keep their feed (subscribed URLs stay valid): a calendar without events
    empty = files["kalender/themen/sozialplanung.ics"]
    assert b"BEGIN:VEVENT" not in empty and b"BEGIN:VTIMEZONE" in empty
    for parse in (Calendar.from_ical, _ha_parse):
        parse(empty)


def test_recent_past_stays_for_retention_days(directory):
    from tests.support.feeds import feeds_of
    e = directory.events["infoabend-ehrenamt-abgesagt"]  # 2026-12-03
    for today, kept in ((date(2026, 12, 3) + timedelta(days=RETENTION_DAYS), True),
                        (date(2026, 12, 4) + timedelta(days=RETENTION_DAYS), False)):
        d = type(directory).build(directory.offers, {e.id: e}, directory.contacts, directory.places,
                                  directory.taxonomy, today)
        files = feeds_of(d)
        assert (b"UID:infoabend-ehrenamt-abgesagt@" in files["kalender/alle.ics"]) is kept
        assert b"UID:infoabend-ehrenamt-abgesagt@" in files["kalender/termine/infoabend-ehrenamt-abgesagt.ics"]


# -- format ---------------------------------------------------------------------

def test_lines_are_crlf_folded_at_75_octets_without_splitting_characters(site):
    _, _, files = site
    for path, data in files.items():
        assert data.endswith(b"END:VCALENDAR\r\n"), path
        assert b"\n" not in data.replace(b"\r\n", b""), path
        assert b"\r" not in data.replace(b"\r\n", b""), path
        for raw in data.split(b"\r\n")[:-1]:
            assert len(raw) <= 75, (path, raw)
            raw.decode("utf-8")  # a fold never cuts a UTF-8 sequence
    long_umlauts = ics(files, "kalender/termine/thinka-soemmerda--aussensprechstunde-buttstaedt-1.ics")
    assert "SUMMARY;LANGUAGE=de:ThINKA Landkreis Sömmerda – Kontaktbüro für soziale Integration: Außensprechstunde" \
        in long_umlauts


def test_icalendar_writes_the_same_bytes(site):
    """Parsing a feed with icalendar and serialising it again gives the identical file:
    the fast line-by-line serialisation is exactly icalendar's."""
    _, _, files = site
    for path, data in files.items():
        assert Calendar.from_ical(data).to_ical() == data, path


def test_calendar_properties(site):
    _, _, files = site
    for path, data in files.items():
        cal = Calendar.from_ical(data)
        assert cal["VERSION"] == "2.0"
        assert str(cal["PRODID"]).startswith("-//nahbei//")
        assert cal["CALSCALE"] == "GREGORIAN"
        assert cal["METHOD"] == "PUBLISH"
        assert cal["NAME"] == cal["X-WR-CALNAME"]
        assert str(cal["SOURCE"]) == SITE + path
        text = ics(files, path)
        assert "\nREFRESH-INTERVAL;VALUE=DURATION:PT12H\n" in text
        assert "\nX-PUBLISHED-TTL:PT12H\n" in text
    assert Calendar.from_ical(files["kalender/themen/beratung.ics"])["NAME"] == "Kalender: Beratung und Lotsen"
    assert Calendar.from_ical(files["kalender/themen/beratung.ics"])["URL"] == SITE + "themen/beratung/"
    assert Calendar.from_ical(files["kalender/alle.ics"])["URL"] == SITE + "kalender/"
    assert Calendar.from_ical(files["kalender/veranstalter/amt-soziales-troisdorf.ics"])["URL"] == \
        SITE + "kontakte/amt-soziales-troisdorf/"
    assert Calendar.from_ical(files["kalender/termine/mittendrin-offener-treff.ics"])["NAME"] == \
        "Offener Treff MITTEndrin!"


def test_a_vtimezone_for_every_tzid(site):
    _, _, files = site
    for path in files:
        text = ics(files, path)
        used = set(re.findall(r";TZID=([^:;]+)[:;]", text))
        defined = set(re.findall(r"^TZID:(.+)$", text, re.M))
        assert used <= defined, path
        if used:
            assert defined == used or not text.count("BEGIN:VEVENT"), path
    berlin = ics(files, "kalender/alle.ics")
    assert "RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=3" in berlin
    assert "RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=10" in berlin


def test_event_properties(site):
    _, _, files = site
    cal = Calendar.from_ical(files["kalender/termine/mittendrin-mentoring-infoabend.ics"])
    (ev,) = cal.walk("VEVENT")
    assert ev["UID"] == "mittendrin-mentoring-infoabend@nahbei.example.org"
    assert ev["DTSTAMP"].dt == NOW
    assert ev["SEQUENCE"] == 0 and "LAST-MODIFIED" not in ev  # versions={}: not from git
    assert ev["URL"] == "https://nahbei.example.org/veranstaltungen/mittendrin-offener-treff/".replace(
        "mittendrin-offener-treff", "mittendrin-mentoring-infoabend")
    assert ev["LOCATION"] == "Begegnungsstätte in Troisdorf-Mitte, Troisdorf (Troisdorf-Mitte)"
    assert "ORGANIZER" not in ev  # the office has no e-mail (tests/test_feeds_git.py: one that has)
    assert "Veranstalter: Amt für Soziales, Wohnen und Integration" in str(ev["DESCRIPTION"])
    assert "Diese Veranstaltung ist erfunden" in str(ev["DESCRIPTION"])  # example_data travels along
    assert [str(c) for c in ev["CATEGORIES"].cats] == ["Begleitung und Mentoring", "Ehrenamt"]
    assert ev["STATUS"] == "CONFIRMED"
    description = str(ev["DESCRIPTION"])
    assert description.startswith("Am letzten Freitag im Monat: Wie das Mentorenprogramm")
    assert description.endswith("https://nahbei.example.org/veranstaltungen/mittendrin-mentoring-infoabend/")
    # organiser without e-mail: no ORGANIZER (it needs an address), the name is in DESCRIPTION
    (treff,) = [c for c in Calendar.from_ical(files["kalender/termine/mittendrin-offener-treff.ics"]).walk("VEVENT")
                if "RECURRENCE-ID" not in c]
    assert "ORGANIZER" not in treff
    assert "Veranstalter: Amt für Soziales, Wohnen und Integration" in str(treff["DESCRIPTION"])


def test_each_event_is_serialised_once_and_reused(site):
    """An event's bytes are the same in every feed that holds it."""
    _, _, files = site
    own = files["kalender/termine/mittendrin-offener-treff.ics"]
    body = own[own.index(b"BEGIN:VEVENT"):own.rindex(b"END:VEVENT\r\n") + len(b"END:VEVENT\r\n")]
    holders = [p for p, data in files.items() if b"UID:mittendrin-offener-treff@" in data]
    assert len(holders) >= 8
    for path in holders:
        assert body in files[path], path


def test_same_content_gives_same_bytes_apart_from_dtstamp(directory, tmp_path):
    a = write_feeds(directory, tmp_path / "a", SITE, Urls(), versions={}, now=NOW)
    b = write_feeds(directory, tmp_path / "b", SITE, Urls(), versions={},
                    now=NOW + timedelta(hours=7, seconds=3))
    assert [p.relative_to(tmp_path / "a") for p in a] == [p.relative_to(tmp_path / "b") for p in b]
    stamp = re.compile(rb"DTSTAMP:\d{8}T\d{6}Z\r\n")
    for pa, pb in zip(a, b, strict=True):
        da, db = pa.read_bytes(), pb.read_bytes()
        assert stamp.sub(b"", da) == stamp.sub(b"", db)
        assert da.count(b"DTSTAMP:20261122T050000Z") == db.count(b"DTSTAMP:20261122T120003Z")


def test_dtstamp_from_source_date_epoch(directory, tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(int(datetime(2026, 11, 22, 3, 4, 5, tzinfo=timezone.utc).timestamp())))
    (path, *_) = write_feeds(directory, tmp_path, SITE, Urls(), versions={})
    assert b"DTSTAMP:20261122T030405Z\r\n" in path.read_bytes()


def _berlin():
    from zoneinfo import ZoneInfo
    return ZoneInfo("Europe/Berlin")


def _ha_parse(data: bytes):
    from ical.calendar_stream import IcsCalendarStream
    return IcsCalendarStream.calendar_from_ics(data.decode("utf-8"))
