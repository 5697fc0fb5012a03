"""Hand-made events for the cases the example site lacks, each checked in the
three parsers against the model and in the written text."""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar
from tests.support.feeds import HOST, TODAY, directory_of, event, feeds_of
from tests.support.ical_parsers import PARSERS, IcalJs, expand_all, in_days, model_rows, utc_window

from nahbei.feeds import feed_catalog
from nahbei.feeds.vtimezone import vtimezone
from nahbei.urls import Urls

BERLIN = ZoneInfo("Europe/Berlin")


def agree(directory, icaljs, start=TODAY, end=TODAY + timedelta(days=365), path="kalender/alle.ics"):
    """Assert the three parsers give the model's occurrences; return (feed text, model rows)."""
    data = feeds_of(directory)[path]
    expected = model_rows(directory.occurrences(start, end), HOST)
    zones = {f"{e.id}@{HOST}": e.tz for e in directory.events.values()}
    result = expand_all({"f": data}, *utc_window(start, end), icaljs=icaljs)
    for parser in PARSERS:
        got = in_days(result[parser]["f"], start, end, zones)
        assert got == expected, (parser, sorted(set(got) ^ set(expected), key=str)[:6])
    return data.decode("utf-8").replace("\r\n ", "").replace("\r\n", "\n"), expected


def test_postponed_event_is_tentative_with_a_note(icaljs):
    d = directory_of(event("fest", "2026-12-12 15:00", end="2026-12-12 18:00", status="postponed",
                           title="Winterfest"))
    text, rows = agree(d, icaljs)
    assert rows == [("fest@nahbei.example.org", "2026-12-12T14:00:00Z", "2026-12-12T17:00:00Z", "TENTATIVE")]
    assert "STATUS:TENTATIVE" in text
    assert "SUMMARY;LANGUAGE=de:Verschoben\\, neuer Termin folgt: Winterfest" in text
    assert "DESCRIPTION;LANGUAGE=de:Diese Veranstaltung ist verschoben. Der neue Termin steht noch nicht fest." in text


def test_cancelled_series_cancels_every_date(icaljs):
    d = directory_of(event("kurs", "2026-12-01 10:00", end="2026-12-01 11:00", status="cancelled",
                           recurrence={"frequency": "weekly", "count": 4, "moved": [
                               {"date": "2026-12-08", "to": "2026-12-09 10:00"}]}))
    _, rows = agree(d, icaljs)
    assert [r[3] for r in rows] == ["CANCELLED"] * 4


def test_time_without_end_has_no_dtend(icaljs):
    d = directory_of(event("kurz", "2026-12-01 10:00", recurrence={"frequency": "daily", "count": 3}))
    text, rows = agree(d, icaljs)
    assert "DTEND" not in text and "DURATION:" not in text.replace("VALUE=DURATION:", "")
    assert [r[2] for r in rows] == [None] * 3


def test_start_off_the_pattern_and_extra_dates(icaljs):
    # Wednesday start, but the series is on Mondays: like dateutil, the model does not count
    # the Wednesday, so DTSTART moves to the first Monday. Extra dates, one before it.
    d = directory_of(event("sprach", "2026-12-02 18:00", end="2026-12-02 19:30", recurrence={
        "frequency": "weekly", "weekdays": ["mo"], "count": 3,
        "extra": ["2026-11-28 11:00", "2026-12-07 18:00", "2026-12-19"]}))
    text, rows = agree(d, icaljs)
    assert "DTSTART;TZID=Europe/Berlin:20261207T180000" in text
    assert "RDATE;TZID=Europe/Berlin:20261128T110000,20261219T180000" in text  # 12-07 is on the rule
    assert [r[1] for r in rows] == ["2026-11-28T10:00:00Z", "2026-12-07T17:00:00Z", "2026-12-14T17:00:00Z",
                                    "2026-12-19T17:00:00Z", "2026-12-21T17:00:00Z"]


def test_all_day_series_with_until_exception_and_extra(icaljs):
    d = directory_of(event("markt", "2026-12-05", end="2026-12-06", recurrence={
        "frequency": "weekly", "until": "2027-01-30", "except": ["2026-12-26"],
        "cancelled": ["2027-01-02"], "extra": ["2026-12-23 10:00"]}))
    text, rows = agree(d, icaljs)
    assert "DTSTART;VALUE=DATE:20261205" in text
    assert "DTEND;VALUE=DATE:20261207" in text
    assert "RRULE:FREQ=WEEKLY;UNTIL=20270130;BYDAY=SA" in text
    assert "EXDATE;VALUE=DATE:20261226" in text
    assert "RDATE;VALUE=DATE:20261223" in text
    assert "RECURRENCE-ID;VALUE=DATE:20270102" in text
    assert rows[0] == ("markt@nahbei.example.org", "2026-12-05", "2026-12-07", "CONFIRMED")
    assert len(rows) == 9  # 9 Saturdays to 2027-01-30, less 12-26, plus 12-23


def test_extra_date_with_time_in_all_day_series_is_one_date():
    """Model fix: an all-day series takes an extra "2026-12-08 10:00" as the day 2026-12-08,
    once, even when the rule has that day too."""
    e = event("tag", "2026-12-01", recurrence={"frequency": "weekly", "count": 3, "extra": ["2026-12-08 10:00"]})
    assert [o.start for o in e.occurrences(date(2026, 11, 1), date(2027, 1, 1))] == [
        date(2026, 12, 1), date(2026, 12, 8), date(2026, 12, 15)]


def test_month_day_31_skips_short_months(icaljs):
    d = directory_of(event("abrechnung", "2026-12-31 09:00", end="2026-12-31 10:00",
                           recurrence={"frequency": "monthly", "month_day": 31, "count": 4}))
    text, rows = agree(d, icaljs)
    assert "RRULE:FREQ=MONTHLY;COUNT=4;BYMONTHDAY=31" in text
    assert [r[1][:10] for r in rows] == ["2026-12-31", "2027-01-31", "2027-03-31", "2027-05-31"]


def test_interval_and_several_weekdays(icaljs):
    d = directory_of(event("chor", "2026-11-30 19:00", end="2026-11-30 21:00", recurrence={
        "frequency": "weekly", "interval": 2, "weekdays": ["mo", "do"], "until": "2027-04-30"}))
    text, rows = agree(d, icaljs)
    assert "RRULE:FREQ=WEEKLY;UNTIL=20270430T215959Z;INTERVAL=2;BYDAY=MO,TH;WKST=MO" in text
    assert [r[1][:10] for r in rows[:4]] == ["2026-11-30", "2026-12-03", "2026-12-14", "2026-12-17"]


@pytest.mark.parametrize("start, end, until, rrule, starts", [
    # winter: the last Thursday, 17:00 CET
    ("2027-01-07 17:00", "2027-01-07 19:00", "2027-02-04", "RRULE:FREQ=WEEKLY;UNTIL=20270204T225959Z;BYDAY=TH",
     ["2027-01-07T16:00:00Z", "2027-01-14T16:00:00Z", "2027-01-21T16:00:00Z", "2027-01-28T16:00:00Z",
      "2027-02-04T16:00:00Z"]),
    # summer into winter, late in the evening: UNTIL is the end of the until day in the zone of
    # that day (23:59:59 CET = 22:59:59Z); the first date's summer offset would give 21:59:59Z,
    # before the last date (23:30 CET = 22:30Z)
    ("2026-10-03 23:30", "2026-10-03 23:55", "2026-10-31", "RRULE:FREQ=WEEKLY;UNTIL=20261031T225959Z;BYDAY=SA",
     ["2026-10-03T21:30:00Z", "2026-10-10T21:30:00Z", "2026-10-17T21:30:00Z", "2026-10-24T21:30:00Z",
      "2026-10-31T22:30:00Z"]),
    # winter into summer, just after midnight: the until day's first minutes
    ("2027-03-13 00:15", "2027-03-13 01:15", "2027-04-03", "RRULE:FREQ=WEEKLY;UNTIL=20270403T215959Z;BYDAY=SA",
     ["2027-03-12T23:15:00Z", "2027-03-19T23:15:00Z", "2027-03-26T23:15:00Z", "2027-04-02T22:15:00Z"]),
])
def test_weekly_timed_series_whose_until_is_one_of_its_dates_includes_it(icaljs, start, end, until, rrule, starts):
    """until names the series' last date (the example content has one such series; this
    case does not depend on it): every parser shows that date, as the model does."""
    d = directory_of(event("reihe", start, end=end, recurrence={"frequency": "weekly", "until": until}))
    text, rows = agree(d, icaljs, start=date(2026, 9, 1), end=date(2027, 6, 30))
    assert rrule in text
    assert [r[1] for r in rows] == starts
    assert max(o.day for o in d.events["reihe"].occurrences(date(2026, 9, 1), date(2027, 6, 30))).isoformat() == until


def test_overnight_series_on_the_nights_the_clocks_change(icaljs):
    """Nachtcafé every Saturday 22:00–06:00: on both switch nights it still ends at 06:00
    on the clock (7 or 9 hours); those two dates get their own DTEND."""
    d = directory_of(event("nachtcafe", "2026-10-03 22:00", end="2026-10-04 06:00",
                           recurrence={"frequency": "weekly", "until": "2027-12-31"}))
    text, rows = agree(d, icaljs, start=date(2026, 10, 1), end=date(2027, 12, 31))
    starts = {r[1]: r[2] for r in rows}
    assert starts["2026-10-24T20:00:00Z"] == "2026-10-25T05:00:00Z"  # 22:00 CEST → 06:00 CET: 9 h
    assert starts["2027-03-27T21:00:00Z"] == "2027-03-28T04:00:00Z"  # 22:00 CET → 06:00 CEST: 7 h
    assert starts["2026-10-31T21:00:00Z"] == "2026-11-01T05:00:00Z"  # 8 h
    assert "RECURRENCE-ID;TZID=Europe/Berlin:20261024T220000" in text
    assert "RECURRENCE-ID;TZID=Europe/Berlin:20270327T220000" in text
    assert "RECURRENCE-ID;TZID=Europe/Berlin:20271030T220000" in text
    assert text.count("RECURRENCE-ID") == 3


def test_series_whose_first_date_crosses_a_switch_uses_duration(icaljs):
    d = directory_of(event("nacht", "2026-10-24 22:00", end="2026-10-25 06:00",
                           recurrence={"frequency": "weekly", "count": 6}))
    text, _ = agree(d, icaljs, start=date(2026, 10, 1), end=date(2026, 12, 31))
    master = text.split("BEGIN:VEVENT")[1]
    assert "DURATION:PT8H" in master and "DTEND" not in master
    assert "RECURRENCE-ID;TZID=Europe/Berlin:20261024T220000" in text


def test_times_that_do_not_exist_or_exist_twice_are_written_in_utc(icaljs):
    d = directory_of(event("frueh", "2027-03-21 00:30", end="2027-03-21 02:30", recurrence={
        "frequency": "weekly", "count": 3,
        "moved": [{"date": "2027-04-04", "to": "2027-10-31 02:30", "end": "2027-10-31 03:30"}]}))
    text, rows = agree(d, icaljs, start=date(2027, 3, 1), end=date(2027, 11, 30))
    # 2027-03-28 00:30–02:30: 02:30 does not exist; RFC 5545 and the model read it as 03:30
    assert ("frueh@nahbei.example.org", "2027-03-27T23:30:00Z", "2027-03-28T01:30:00Z", "CONFIRMED") in rows
    assert "DTEND:20270328T013000Z" in text
    # 2027-10-31 02:30 exists twice: the first one (summer time) counts
    assert ("frueh@nahbei.example.org", "2027-10-31T00:30:00Z", "2027-10-31T02:30:00Z", "CONFIRMED") in rows
    assert "DTSTART:20271031T003000Z" in text


def test_text_is_escaped_and_folded(icaljs):
    title = 'Café „Miteinander“; Kaffee, Kuchen & Gespräche \\ alle willkommen 🎉 ' + "Überlänge " * 6
    summary = "Erste Zeile;\nzweite Zeile, mit Komma\nund ein Backslash \\ am Ende"
    d = directory_of(event("cafe", "2026-12-10 15:00", end="2026-12-10 17:00", title=title.strip(),
                           summary=summary))
    data = feeds_of(d)["kalender/termine/cafe.ics"]
    text = data.decode("utf-8")
    assert "SUMMARY;LANGUAGE=de:Café „Miteinander“\\; Kaffee\\, Kuchen & Gespräche \\\\ alle willkommen" in \
        text.replace("\r\n ", "")
    for raw in data.split(b"\r\n")[:-1]:
        assert len(raw) <= 75
        raw.decode("utf-8")
    for cal in (Calendar.from_ical(data),):
        (ev,) = cal.walk("VEVENT")
        assert str(ev["SUMMARY"]) == title.strip()
        assert str(ev["DESCRIPTION"]).startswith(" ".join(summary.split()))
    from ical.calendar_stream import IcsCalendarStream
    (ha,) = IcsCalendarStream.calendar_from_ics(text).events
    assert ha.summary == title.strip()
    agree(d, icaljs, path="kalender/termine/cafe.ics")


def test_two_zones_two_vtimezones(icaljs):
    d = directory_of(
        event("berlin", "2026-12-01 10:00", end="2026-12-01 11:00", recurrence={"frequency": "weekly"}),
        event("ny", "2026-12-01 10:00", end="2026-12-01 11:00", timezone="America/New_York",
              recurrence={"frequency": "weekly", "count": 20}),
        event("utc", "2026-12-01 10:00", end="2026-12-01 11:00", timezone="UTC",
              recurrence={"frequency": "weekly", "count": 3, "cancelled": ["2026-12-08"]}),
    )
    text, rows = agree(d, icaljs)
    assert text.count("BEGIN:VTIMEZONE") == 3
    assert "TZID:America/New_York" in text and "TZID:Europe/Berlin" in text and "TZID:Etc/UTC" in text
    ny = [r[1] for r in rows if r[0].startswith("ny@")]
    assert "2027-03-09T15:00:00Z" in ny and "2027-03-16T14:00:00Z" in ny  # US switch on 2027-03-14


@pytest.mark.parametrize("tzid", ["Europe/Berlin", "America/New_York", "Europe/London", "Australia/Sydney"])
def test_vtimezone_is_right_for_decades(tzid, icaljs):
    """ical.js converts with the VTIMEZONE in the file (it has no zone data of its own):
    monthly dates 2026–2049 near both switch seasons must match zoneinfo."""
    d = directory_of(event("lang", "2026-01-15 12:00", end="2026-01-15 13:00", timezone=tzid,
                           recurrence={"frequency": "monthly", "month_day": 15, "until": "2049-12-31"}))
    data = feeds_of(d)["kalender/alle.ics"]
    got = IcalJs.expand(icaljs, {"f": data}, datetime(2026, 1, 1, tzinfo=timezone.utc),
                        datetime(2050, 1, 1, tzinfo=timezone.utc))["f"]
    want = [datetime(y, m, 15, 12, tzinfo=ZoneInfo(tzid)).astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
            for y in range(2026, 2050) for m in range(1, 13)]
    assert [r[1] for r in got] == want
    assert b"RRULE:FREQ=YEARLY" in vtimezone(tzid, 2026)


def test_a_series_without_any_date_is_left_out():
    d = directory_of(event("nie", "2026-12-02 10:00", recurrence={"frequency": "monthly", "month_day": 1,
                                                                  "until": "2026-12-20"}))
    files = feeds_of(d)
    assert b"BEGIN:VEVENT" not in files["kalender/termine/nie.ics"]
    Calendar.from_ical(files["kalender/termine/nie.ics"])


def test_last_day_and_retention():
    weekly = event("w", "2026-01-05 10:00", recurrence={"frequency": "weekly"})
    counted = event("c", "2026-01-05 10:00", recurrence={"frequency": "weekly", "count": 3})
    moved = event("m", "2026-01-05 10:00", recurrence={"frequency": "weekly", "count": 3, "moved": [
        {"date": "2026-01-19", "to": "2026-02-20 10:00"}]})
    days = event("d", "2026-08-01", end="2026-08-03")
    assert weekly.last_day() is None
    assert counted.last_day() == date(2026, 1, 19)
    assert moved.last_day() == date(2026, 2, 20)
    assert days.last_day() == date(2026, 8, 3)
    d = directory_of(weekly, counted, moved, days, today=date(2026, 10, 31))
    alle = feeds_of(d)["kalender/alle.ics"]
    assert b"UID:w@" in alle and b"UID:d@" in alle  # open series; 2026-08-03 is 89 days back
    assert b"UID:c@" not in alle and b"UID:m@" not in alle
    assert {f.path for f in feed_catalog(d, Urls())} >= {"kalender/termine/c.ics", "kalender/termine/m.ics"}
