"""VTIMEZONE components from the tz database, in the form every parser reads.

icalendar's ``Timezone.from_tzid`` finds the zone's transitions (zoneinfo)
between two dates and writes them as one observance per offset with a DTSTART
and a comma-separated RDATE list. Two things in that form go wrong in real
parsers, which is why this module reshapes it (still with icalendar):

- ical.js (Mozilla; Thunderbird's library) reads only the first value of an
  RDATE property and skips DTSTART when RDATE is present: with the list form,
  summer time ended after one year in its expansion (tests/js/expand.mjs
  found that);
- nothing after the last listed transition (2038) is known, while series
  without end run on.

So the regular yearly transitions become RRULEs (``FREQ=YEARLY;BYMONTH=3;
BYDAY=-1SU``), the form Google, Apple and Outlook publish, valid without
end date; irregular history is written as one observance per transition.
The rule is inferred from the transitions and used only if it reproduces
every one of them until 2038 (where zoneinfo itself continues with the
zone's POSIX rule). DTSTART is the local time *before* the change, as
RFC 5545 defines the onset (02:00 for CET→CEST, 03:00 for CEST→CET).
"""
from __future__ import annotations

import calendar
import functools
from collections import defaultdict
from datetime import date, datetime, timedelta

from icalendar import Timezone, TimezoneDaylight, TimezoneStandard

__all__ = ["transitions", "vtimezone"]

CHECK_UNTIL = 2038  # transitions are compared with the rule up to this year
_BYDAY = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")


def _nth(day: datetime) -> int:
    last = calendar.monthrange(day.year, day.month)[1]
    return -1 if day.day > last - 7 else (day.day - 1) // 7 + 1


def _rule_date(year: int, month: int, weekday: int, nth: int) -> date:
    if nth == -1:
        d = date(year, month, calendar.monthrange(year, month)[1])
        return d - timedelta(days=(d.weekday() - weekday) % 7)
    d = date(year, month, 1)
    return d + timedelta(days=(weekday - d.weekday()) % 7 + 7 * (nth - 1))


def _observance(daylight: bool, offset_from, offset_to, name, start: datetime, rrule=None):
    sub = TimezoneDaylight() if daylight else TimezoneStandard()
    sub.add("TZNAME", name)
    sub.TZOFFSETFROM = offset_from
    sub.TZOFFSETTO = offset_to
    sub.DTSTART = start
    if rrule:
        sub.add("RRULE", rrule)
    return sub


@functools.lru_cache(maxsize=None)
def _observances(tzid: str, first_year: int, last_year: int) -> dict[tuple, list[datetime]]:
    """{(daylight, offset from, offset to, name): [local onsets before the change]}
    from Jan 1 ``first_year`` to Jan 1 ``last_year`` (the first entry of the earliest
    group is the offset on Jan 1, with from == to)."""
    ref = Timezone.from_tzid(tzid, first_date=date(first_year, 1, 1), last_date=date(last_year, 1, 1))
    groups: dict[tuple, list[datetime]] = defaultdict(list)
    for sub in ref.subcomponents:
        key = (sub.name == "DAYLIGHT", sub.TZOFFSETFROM, sub.TZOFFSETTO, str(sub["TZNAME"]))
        walls = [sub.DTSTART] + [dt for dt, _ in sub.rdates]
        for wall in walls:
            # icalendar gives the first wall time (fold=0) of the new offset; the
            # instant of the change is that wall time minus the larger offset.
            instant = wall - max(sub.TZOFFSETFROM, sub.TZOFFSETTO)
            groups[key].append(instant + sub.TZOFFSETFROM)
    return groups


@functools.lru_cache(maxsize=None)
def transitions(tzid: str, first_year: int, last_year: int) -> tuple[tuple[datetime, timedelta], ...]:
    """The zone's offset changes from Jan 1 ``first_year`` to Jan 1 ``last_year``:
    ``(local wall time just before the change, offset after - offset before)``, in order."""
    out = []
    for (_, off_from, off_to, _), onsets in _observances(tzid, first_year, last_year).items():
        if off_from != off_to:
            out.extend((onset, off_to - off_from) for onset in onsets)
    return tuple(sorted(out))


@functools.lru_cache(maxsize=None)
def vtimezone(tzid: str, first_year: int) -> bytes:
    """The VTIMEZONE for ``tzid``, correct from Jan 1 of ``first_year`` on, serialised."""
    # (daylight, from, to, name) -> local onsets before the change (RFC 5545 DTSTART)
    groups = _observances(tzid, first_year, CHECK_UNTIL)
    tz = Timezone()
    tz.add("TZID", tzid)
    for (daylight, off_from, off_to, name), onsets in sorted(groups.items(), key=lambda kv: min(kv[1])):
        onsets = sorted(onsets)
        last = onsets[-1]
        ruled: list[datetime] = []
        if len(onsets) >= 3 and last.year >= CHECK_UNTIL - 1:
            nth, wd = _nth(last), last.weekday()
            for onset in reversed(onsets):
                expected = datetime.combine(_rule_date(onset.year, last.month, wd, nth), last.time())
                if onset != expected or (ruled and ruled[-1].year != onset.year + 1):
                    break
                ruled.append(onset)
            if len(ruled) < 3:
                ruled = []
        explicit = onsets[: len(onsets) - len(ruled)]
        for onset in explicit:
            tz.add_component(_observance(daylight, off_from, off_to, name, onset))
        if ruled:
            start = min(ruled)
            rule = {"FREQ": "YEARLY", "BYMONTH": [start.month], "BYDAY": [f"{_nth(last)}{_BYDAY[start.weekday()]}"]}
            tz.add_component(_observance(daylight, off_from, off_to, name, start, rule))
    return tz.to_ical()
