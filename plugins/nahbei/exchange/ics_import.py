"""Partners' calendars in: an iCalendar feed as event files (no MkDocs import).

``content/sources.yaml`` lists the calendars (``read_sources``); ``read_feed``
fetches one (a file or an http(s) address) and makes its times standard
(``X-WR-TIMEZONE``-only feeds, via x-wr-timezone); ``map_feed`` turns each
event (one UID: the master and its RECURRENCE-ID overrides) into an event
entry; ``apply`` writes the entries; ``report`` says per event what became of
it and what could not be mapped.

Series map onto the model's ``recurrence:`` (model.recurrence): RRULE onto
frequency/interval/weekdays/nth/month_day/until/count, EXDATE onto ``except``,
RDATE onto ``extra``, a moved override onto ``moved``, a cancelled one onto
``cancelled``. Every mapped rule is checked against the feed's own rule
(dateutil, in the feed's time zone) before it is written; a rule the model
cannot say (BYSETPOS with several days, BYHOUR, a UTC series that keeps its
UTC time across daylight saving …) becomes its dates, listed one by one
(``extra``) up to the end of next year, and the report says so.

Each file records its origin (``source``: the calendar's id from
sources.yaml, the UID). ``fingerprint`` hashes the fields the import writes
(``OWNED``), so fields a volunteer adds (target groups, cost …) survive the
next import, while a change to an imported field is a hand edit: the next
import that brings a different version of the event leaves the file alone
and reports a conflict. An event that disappears from the feed is cancelled
(``status: cancelled``), never deleted; one that is over is left as it is
(feeds drop past events).
"""
from __future__ import annotations

import functools
import html
import json
import re
import urllib.parse
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import icalendar
import nh3
import x_wr_timezone
from dateutil.rrule import rrulestr
from icalendar.timezone.windows_to_olson import WINDOWS_TO_OLSON

from ..i18n import message_lang, t
from ..model import loader
from ..model.clock import DEFAULT_TZ
from ..model.directory import Event
from ..model.ids import new_id, unique_id
from ..model.layout import FOLDERS, SOURCES_FILE, entry_file
from ..model.recurrence import WEEKDAYS, Recurrence
from . import entries

__all__ = ["OWNED", "Calendar", "Change", "add_arguments", "apply", "command", "fingerprint", "map_feed",
           "read_feed", "read_sources", "report"]

MAX_FEED_BYTES = 20 * 1024 * 1024
MAX_TITLE = 120
MAX_DESCRIPTION = 20000
#: The fields the import writes; every other field of an imported file is the volunteers'.
OWNED = ("title", "description", "start", "end", "timezone", "recurrence", "status", "place", "online_url",
         "offer", "organiser", "topics")
ORDER = ("id", "title", "summary", "description", "start", "end", "timezone", "recurrence", "status", "place",
         "online_url", "offer", "organiser", "registration", "invitation_only", "cost", "topics", "target_groups",
         "regions", "languages", "keywords", "example_data", "source")
REC_ORDER = ("frequency", "interval", "weekdays", "weekday", "nth", "month_day", "until", "count", "except",
             "cancelled", "extra", "moved")
_ICAL_DAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")  # in the order of model.recurrence.WEEKDAYS
# The rule parts the mapping reads; any other one makes the rule "not expressible".
_KNOWN_PARTS = {"FREQ", "INTERVAL", "BYDAY", "BYMONTHDAY", "BYMONTH", "BYSETPOS", "UNTIL", "COUNT", "WKST"}
_SAFE_SCHEMES = {"http", "https", "mailto"}
_URL_SAFE = ":/?#@!$&*+,;=%~.-_"  # a link target keeps these; "(", ")" and spaces would end it


# -- sources.yaml ----------------------------------------------------------------


@dataclass(frozen=True)
class Calendar:
    """One partner calendar of content/sources.yaml."""

    id: str
    name: str
    url: str
    organiser: str
    place: str | None = None
    offer: str | None = None
    topics: tuple = ()


def read_sources(content: Path) -> list[Calendar]:
    """The calendars of content/sources.yaml (none when there is no such file)."""
    path = Path(content) / SOURCES_FILE
    if not path.exists():
        return []
    _, data = loader.load_bytes(loader.read_content(path))
    return [Calendar(c["id"], c["name"], c["url"], c["organiser"], c.get("place"), c.get("offer"),
                     tuple(c.get("topics") or ())) for c in (data or {}).get("calendars") or ()]


# -- the feed ---------------------------------------------------------------------


def read_feed(feed: str) -> icalendar.Calendar:
    """A feed from a file or an http(s) address, its floating times made standard."""
    raw = entries.fetch(feed, MAX_FEED_BYTES)
    # Google and others publish floating times with only X-WR-TIMEZONE to say where they are.
    return x_wr_timezone.to_standard(icalendar.Calendar.from_ical(raw))


# -- one event --------------------------------------------------------------------


@dataclass
class Mapped:
    """One feed event (a UID) as entry data: ``data`` holds the OWNED fields."""

    uid: str
    title: str
    data: dict | None  # None: not mapped (``notes`` say why)
    notes: list = field(default_factory=list)
    first: datetime | date | None = None  # for the order of new ids


def _zone_of(prop, site_tz: str) -> tuple[str, str | None]:
    """The IANA zone an event's times are written in, and a note key when the
    feed's zone had to be replaced."""
    dt = prop.dt
    if not isinstance(dt, datetime) or dt.tzinfo is None:
        return site_tz, None
    tzid = prop.params.get("TZID")
    for name in (tzid, WINDOWS_TO_OLSON.get(tzid or ""), getattr(dt.tzinfo, "key", None)):
        if name and name not in ("UTC", "Etc/UTC", "GMT") and _is_zone(name):
            return name, None
    if tzid and tzid not in ("UTC", "Etc/UTC", "GMT"):
        return site_tz, "zone_unknown"  # Outlook's "Customized Time Zone": the instants are kept
    return site_tz, None


@functools.lru_cache(maxsize=256)
def _is_zone(name: str) -> bool:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return "/" in name  # area/city names only: the schema's pattern, no "EST5EDT"-style aliases


def _local(value, zone: ZoneInfo):
    """A feed's date or time as the model writes it: a date, or a naive wall-clock time in ``zone``."""
    if not isinstance(value, datetime):
        return value
    if value.tzinfo is None:
        return value  # floating: the wall clock as written
    return value.astimezone(zone).replace(tzinfo=None)


def _when(value) -> str:
    return value.isoformat() if not isinstance(value, datetime) else value.strftime("%Y-%m-%d %H:%M")


_line = entries.one_line


_TAG_START = re.compile(r"<\s*[/!A-Za-z]")
_LINK = re.compile(r'<a href="([^"]*)">(.*?)</a>', re.S)


def plain_text(raw: str) -> tuple[str, bool]:
    """A feed's DESCRIPTION as text the pages show as text: HTML (Google sends it)
    reduced to paragraphs and http(s)/mailto links, every other tag and script
    gone, Markdown link syntax escaped. Returns (text, an unsafe link was dropped)."""
    raw = raw.replace("\r\n", "\n").replace("\r", "\n").replace("\ue000", "").replace("\ue001", "")
    dropped = bool(re.search(r"(?i)(?:java|vb)script\s*:", raw))
    links: list[str] = []
    if _TAG_START.search(raw):
        cleaned = nh3.clean(raw, tags={"a", "br", "p", "div", "li"}, attributes={"a": {"href"}},
                            url_schemes=_SAFE_SCHEMES, link_rel=None)

        def link(m):
            url = html.unescape(m.group(1))
            label = _escape(html.unescape(nh3.clean(m.group(2), tags=set())).strip()) or url
            links.append(f"[{label}]({urllib.parse.quote(url, safe=_URL_SAFE)})")
            return f"\ue000{len(links) - 1}\ue001"  # private-use marks: nh3 keeps them, feeds hardly hold them

        cleaned = _LINK.sub(link, cleaned)
        cleaned = re.sub(r"<br\s*/?>", "\n", cleaned)
        cleaned = re.sub(r"</(?:p|div|li)>", "\n", cleaned)
        cleaned = re.sub(r"<li>", "- ", cleaned)
        text = _escape(html.unescape(nh3.clean(cleaned, tags=set())))
    else:
        text = _escape(raw)
    # "&lt;b&gt;" written as text stays text: no "<" before a letter (the check rejects HTML)
    text = _TAG_START.sub(lambda m: "‹" + m.group(0)[1:], text)
    text = re.sub("\ue000(\\d+)\ue001", lambda m: links[int(m.group(1))], text)
    text = re.sub(r"[^\S\n]+", " ", re.sub("[\x00-\x09\x0b-\x1f\x7f-\x9f\u2028\u2029]", " ", text))
    text = "\n".join(line.strip() for line in text.split("\n"))
    return re.sub(r"\n{3,}", "\n\n", text).strip(), dropped


def _escape(text: str) -> str:
    # Brackets from a feed are text, never a Markdown link (or a javascript: one).
    return text.replace("\\", "\\\\").replace("[", "\\[").replace("]", "\\]").replace("](", "]\\(")


@dataclass
class _Dates:
    """The dates of one feed event in the model's terms, being built."""

    all_day: bool
    start: datetime | date
    duration: timedelta | None
    rule: dict | None = None  # recurrence without its exceptions
    exdates: list = field(default_factory=list)
    cancelled: list = field(default_factory=list)
    moved: list = field(default_factory=list)
    extra: list = field(default_factory=list)


class _Mapper:
    def __init__(self, calendar: Calendar, site_tz: str, today: date, lang: str):
        self.calendar, self.site_tz, self.today, self.lang = calendar, site_tz, today, lang
        # How far a rule is checked, and how far one the model cannot say is listed date by date.
        self.check_until = date(today.year + 3, 12, 31)
        self.list_until = date(today.year + 1, 12, 31)

    def note(self, notes, key, **params):
        notes.append(t("ics_import.note." + key, self.lang, **params))

    def event(self, uid: str, master, overrides: list) -> Mapped:
        notes: list = []
        title = _line(master.get("SUMMARY"))
        if len(title) > MAX_TITLE:
            self.note(notes, "title_cut", length=MAX_TITLE)
            title = title[:MAX_TITLE - 1].rstrip() + "…"
        out = Mapped(uid, title or uid, None, notes)
        if str(master.get("CLASS", "PUBLIC")).upper() in ("PRIVATE", "CONFIDENTIAL"):
            self.note(notes, "private")
            return out
        if len(title) < 2:
            self.note(notes, "no_title")
            return out
        if "DTSTART" not in master:
            self.note(notes, "no_start")
            return out
        zone_name, zone_note = _zone_of(master["DTSTART"], self.site_tz)
        if zone_note:
            self.note(notes, zone_note, zone=master["DTSTART"].params.get("TZID"), site=self.site_tz)
        zone = ZoneInfo(zone_name)
        try:
            dates = self._dates(master, overrides, zone, notes)
        except ValueError as exc:  # a rule dateutil cannot read
            self.note(notes, "rule_unreadable", error=exc)
            return out
        if dates is None:
            return out
        data: dict = {"title": title}
        description, dropped = plain_text(str(master.get("DESCRIPTION") or ""))
        if dropped:
            self.note(notes, "unsafe_link")
        url = str(master.get("URL") or "").strip()
        if url:
            if re.match(r"^https?://\S+$", url):
                more = t("ics_import.more_info", self.lang, text=_escape(url),
                         url=urllib.parse.quote(url, safe=_URL_SAFE))
                description = f"{description}\n\n{more}" if description else more
            else:
                self.note(notes, "url_dropped", url=_line(url)[:80])
        if len(description) > MAX_DESCRIPTION:
            self.note(notes, "description_cut", length=MAX_DESCRIPTION)
            description = description[:MAX_DESCRIPTION - 1].rstrip() + "…"
        if description:
            data["description"] = description
        data.update(self._when(dates))
        if zone_name != self.site_tz:
            data["timezone"] = zone_name
        if str(master.get("STATUS", "")).upper() == "CANCELLED":
            data["status"] = "cancelled"
        else:
            data["status"] = "scheduled"
        location = _line(master.get("LOCATION"))
        if re.match(r"^https?://\S+$", location):
            data["online_url"] = location
        elif location and self.calendar.place:
            self.note(notes, "location", location=location[:120])
        if self.calendar.place and "online_url" not in data:
            data["place"] = self.calendar.place
        if "online_url" not in data and not self.calendar.place:
            self.note(notes, "no_place", calendar=self.calendar.id)
            return out
        if self.calendar.offer:
            data["offer"] = self.calendar.offer
        data["organiser"] = self.calendar.organiser
        if self.calendar.topics:
            data["topics"] = list(self.calendar.topics)
        if master.get("CATEGORIES"):
            self.note(notes, "categories")
        out.data, out.first = data, dates.start
        return out

    # dates ----------------------------------------------------------------------

    def _dates(self, master, overrides, zone, notes) -> _Dates | None:
        start_value = master["DTSTART"].dt
        all_day = not isinstance(start_value, datetime)
        start = _local(start_value, zone)
        end = master.get("DTEND")
        if end is not None and isinstance(end.dt, datetime) == isinstance(start_value, datetime):
            duration = _local(end.dt, zone) - start
        elif master.get("DURATION") is not None:
            duration = master["DURATION"].dt
        else:
            duration = timedelta(days=1) if all_day else None
        if duration is not None and duration <= timedelta(0):
            duration = timedelta(days=1) if all_day else None
        if not all_day and (start.second or start.microsecond):
            self.note(notes, "seconds")
            start = start.replace(second=0, microsecond=0)
        dates = _Dates(all_day, start, duration)
        rrules = master.get("RRULE")
        rrules = rrules if isinstance(rrules, list) else [rrules] if rrules is not None else []
        if len(rrules) > 1:
            self.note(notes, "several_rules")
        if rrules:
            source_rule = self._source_rule(rrules[0], start_value, zone)
            rule_dates = self._rule_dates(source_rule)
            mapped = self._map_rule(rrules[0], start, rule_dates, notes)
            if mapped is None:
                return self._listed(master, overrides, zone, dates, source_rule, notes)
            dates.rule = mapped
            on_rule = set(rule_dates)
            if start not in on_rule:
                dates.extra.append(start)  # DTSTART off the pattern counts (RFC 5545); the model needs it as extra
        else:
            on_rule = {start}  # a single date: the model's "daily, count: 1" once it needs a recurrence
        for value in self._values(master, "RDATE"):
            when = self._point(value, zone, all_day, notes, dates.duration)
            if when is not None and when not in on_rule and when not in dates.extra:
                dates.extra.append(when)
        for value in self._values(master, "EXDATE"):
            when = _local(value, zone) if isinstance(value, (date, datetime)) else None
            if isinstance(when, datetime) and all_day:
                when = when.date()
            if when in on_rule and rrules:
                dates.exdates.append(when)
            elif when in dates.extra:
                dates.extra.remove(when)
            else:
                self.note(notes, "exdate_not_in_series", date=_when(when) if when is not None else "?")
        for ov in sorted(overrides, key=lambda c: str(c["RECURRENCE-ID"].to_ical())):
            self._override(ov, zone, dates, on_rule, notes)
        return dates

    def _values(self, component, name):
        props = component.get(name)
        if props is None:
            return []
        out = []
        for prop in props if isinstance(props, list) else [props]:
            out.extend(d.dt for d in getattr(prop, "dts", [prop]))
        return out

    def _point(self, value, zone, all_day, notes, duration):
        if isinstance(value, tuple):  # PERIOD: its start; its own length cannot be said
            start, other = value
            length = (other - start) if isinstance(other, datetime) else other
            if length != duration:
                self.note(notes, "period_length", date=_when(_local(start, zone)))
            value = start
        when = _local(value, zone)
        if isinstance(when, datetime) and all_day:
            when = when.date()
        elif not isinstance(when, datetime) and not all_day:
            self.note(notes, "rdate_form", date=when.isoformat())
            return None
        return when

    def _override(self, ov, zone, dates, on_rule, notes):
        original = _local(ov["RECURRENCE-ID"].dt, zone)
        if isinstance(original, datetime) and dates.all_day:
            original = original.date()
        if ov["RECURRENCE-ID"].params.get("RANGE"):
            self.note(notes, "range", date=_when(original))
        cancelled = str(ov.get("STATUS", "")).upper() == "CANCELLED"
        new_start = _local(ov["DTSTART"].dt, zone) if "DTSTART" in ov else original
        if ov.get("DTEND") is not None:
            new_end = _local(ov["DTEND"].dt, zone)
        elif ov.get("DURATION") is not None:
            new_end = new_start + ov["DURATION"].dt
        else:
            new_end = new_start + dates.duration if dates.duration is not None else None
        same_time = new_start == original and (
            new_end is None or dates.duration is None or new_end - new_start == dates.duration)
        day = _day(original)
        if original not in on_rule or original in dates.exdates:
            # an override of a date the series does not give: a date of its own, as recurring-ical-events reads it
            if original in dates.extra:
                dates.extra.remove(original)
            if cancelled:
                self.note(notes, "cancelled_extra", date=_when(original))
            elif new_start not in dates.extra and new_start not in on_rule:
                dates.extra.append(new_start)
            return
        if cancelled:
            dates.cancelled.append(day)
            return
        if same_time:
            if _line(ov.get("SUMMARY")) != "" or ov.get("DESCRIPTION"):
                self.note(notes, "override_text", date=_when(original))
            return
        if dates.all_day or not isinstance(new_start, datetime):
            # a move needs a time (moved.to): an all-day date is taken out and given as an extra date
            dates.exdates.append(day)
            dates.extra.append(new_start if dates.all_day else datetime.combine(new_start, dates.start.time()))
            if new_end is not None and dates.duration is not None and new_end - new_start != dates.duration:
                self.note(notes, "moved_length", date=_when(original))
            return
        move = {"date": day.isoformat(), "to": _when(new_start)}
        if new_end is not None and (dates.duration is None or new_end - new_start != dates.duration):
            if isinstance(new_end, datetime) and new_end > new_start:
                move["end"] = _when(new_end)
        dates.moved.append(move)

    # rules ----------------------------------------------------------------------

    def _source_rule(self, rrule_prop, start_value, zone):
        """The feed's rule as dateutil reads it, UNTIL written in the form DTSTART asks for."""
        parts = dict(rrule_prop)
        until = parts.pop("UNTIL", None)
        text = icalendar.vRecur(parts).to_ical().decode()
        if until:
            u = until[0]
            aware = isinstance(start_value, datetime) and start_value.tzinfo is not None
            if aware:
                if not isinstance(u, datetime):
                    u = datetime.combine(u, time(23, 59, 59), start_value.tzinfo)
                elif u.tzinfo is None:
                    u = u.replace(tzinfo=start_value.tzinfo)
                text += ";UNTIL=" + u.astimezone(ZoneInfo("UTC")).strftime("%Y%m%dT%H%M%SZ")
            else:
                if not isinstance(u, datetime):
                    u = datetime.combine(u, time(23, 59, 59))
                elif u.tzinfo is not None:
                    u = u.astimezone(zone).replace(tzinfo=None)
                text += ";UNTIL=" + u.strftime("%Y%m%dT%H%M%S")
        dtstart = start_value if isinstance(start_value, datetime) else datetime.combine(start_value, time())
        return rrulestr(text, dtstart=dtstart), zone, isinstance(start_value, datetime)

    def _rule_dates(self, source_rule) -> list:
        """The feed rule's dates, as the model writes them, up to ``check_until``."""
        rule, zone, timed = source_rule
        out = []
        for x in rule:
            local = _local(x, zone) if timed else x.date()
            if (local.date() if timed else local) > self.check_until or len(out) >= 5000:
                break
            out.append(local)
        return out

    def _map_rule(self, rrule_prop, start, rule_dates, notes) -> dict | None:
        """The model's recurrence for a feed rule, or None when the model cannot say it."""
        r = {k: list(v) for k, v in dict(rrule_prop).items()}
        unknown = sorted(set(r) - _KNOWN_PARTS)
        if unknown:
            self.note(notes, "rule_part", parts=", ".join(unknown))
            self._listed_note(notes, rrule_prop)
            return None
        freq = str(r["FREQ"][0]).upper()
        interval = int(r.get("INTERVAL", [1])[0])
        byday = [str(d).upper() for d in r.get("BYDAY", [])]
        setpos = [int(x) for x in r.get("BYSETPOS", [])]
        monthday = [int(x) for x in r.get("BYMONTHDAY", [])]
        months = [int(x) for x in r.get("BYMONTH", [])]
        rec: dict | None = None
        plain_days = all(re.fullmatch(r"(MO|TU|WE|TH|FR|SA|SU)", d) for d in byday)
        day = _model_day
        if setpos and not (freq == "MONTHLY" and len(byday) == 1 and len(setpos) == 1 and plain_days):
            rec = None
        elif freq == "DAILY" and not (monthday or months):
            if not byday:
                rec = {"frequency": "daily", "interval": interval}
            elif interval == 1 and plain_days:
                rec = {"frequency": "weekly", "weekdays": [day(d) for d in _ordered(byday)]}
        elif freq == "WEEKLY" and not (monthday or months or setpos) and plain_days:
            rec = {"frequency": "weekly", "interval": interval}
            if byday:
                rec["weekdays"] = [day(d) for d in _ordered(byday)]
        elif freq in ("MONTHLY", "YEARLY"):
            if freq == "YEARLY":
                interval *= 12  # a yearly date is a monthly one every 12 months, in its start's month
                months_ok = not months or months == [start.month]
            else:
                months_ok = not months
            m = re.fullmatch(r"([+-]?\d)?(MO|TU|WE|TH|FR|SA|SU)", byday[0]) if len(byday) == 1 else None
            if not months_ok:
                rec = None
            elif m and not monthday and (m.group(1) or setpos):
                nth = int(m.group(1) or setpos[0])
                if nth in (1, 2, 3, 4, 5, -1):
                    rec = {"frequency": "monthly", "interval": interval, "weekday": day(m.group(2)), "nth": nth}
            elif not byday and len(monthday) <= 1 and (not monthday or monthday[0] > 0):
                rec = {"frequency": "monthly", "interval": interval,
                       "month_day": monthday[0] if monthday else start.day}
        if rec is None or not 1 <= rec.get("interval", 1) <= 12:
            self._listed_note(notes, rrule_prop)
            return None
        if rec.get("interval") == 1:
            del rec["interval"]
        if "COUNT" in r:
            count = int(r["COUNT"][0])
            if count > 1000:
                self._listed_note(notes, rrule_prop)
                return None
            rec["count"] = count
        elif "UNTIL" in r:
            if not rule_dates:
                rec["count"] = 1  # no date of the rule: only DTSTART (added as extra by the caller when off it)
            else:
                last = rule_dates[-1]
                rec["until"] = (last.date() if isinstance(last, datetime) else last).isoformat()
        model = Recurrence.from_data(rec, start).rule(start)
        got = []
        for x in model:
            local = x if isinstance(start, datetime) else x.date()
            if (local.date() if isinstance(local, datetime) else local) > self.check_until or len(got) >= 5000:
                break
            got.append(local)
        if got != rule_dates:
            self._listed_note(notes, rrule_prop)
            return None
        return rec

    def _listed_note(self, notes, rrule_prop) -> None:
        rule = rrule_prop.to_ical().decode()
        if _bounded(rrule_prop):
            self.note(notes, "rule_listed_all", rule=rule)
        else:
            self.note(notes, "rule_listed", rule=rule, until=self.list_until.isoformat())

    def _listed(self, master, overrides, zone, dates, source_rule, notes) -> _Dates | None:
        """A series the model cannot say: its dates one by one (an open one up to ``list_until``)."""
        rule, _, timed = source_rule
        bounded = _bounded(master["RRULE"] if not isinstance(master["RRULE"], list) else master["RRULE"][0])
        listed = []
        for x in rule:
            local = _local(x, zone) if timed else x.date()
            if (not bounded and (local.date() if timed else local) > self.list_until) or len(listed) >= 1000:
                break
            listed.append(local)
        start = dates.start
        if start not in listed:
            listed.insert(0, start)
        on_rule = set(listed)
        for value in self._values(master, "RDATE"):
            when = self._point(value, zone, dates.all_day, notes, dates.duration)
            if when is not None and when not in on_rule:
                listed.append(when)
                on_rule.add(when)
        for value in self._values(master, "EXDATE"):
            when = _local(value, zone)
            if isinstance(when, datetime) and dates.all_day:
                when = when.date()
            if when in on_rule:
                listed.remove(when)
                on_rule.discard(when)
        for ov in overrides:
            original = _local(ov["RECURRENCE-ID"].dt, zone)
            if isinstance(original, datetime) and dates.all_day:
                original = original.date()
            if original in on_rule:
                listed.remove(original)
                on_rule.discard(original)
            if str(ov.get("STATUS", "")).upper() == "CANCELLED":
                continue  # a listed date is taken out: the model says "cancelled" only of a rule's date
            new_start = _local(ov["DTSTART"].dt, zone) if "DTSTART" in ov else original
            if new_start not in on_rule:
                listed.append(new_start)
                on_rule.add(new_start)
            if ov.get("DTEND") is not None and dates.duration is not None \
                    and _local(ov["DTEND"].dt, zone) - new_start != dates.duration:
                self.note(notes, "moved_length", date=_when(original))
        listed.sort()
        if not listed:
            self.note(notes, "no_dates")
            return None
        dates.start = listed[0]
        dates.rule = {"frequency": "daily", "count": 1}
        dates.extra = listed[1:]
        return dates

    def _when(self, dates: _Dates) -> dict:
        out = {"start": _when(dates.start)}
        if dates.duration is not None:
            if dates.all_day:
                last = dates.start + dates.duration - timedelta(days=1)
                if last > dates.start:
                    out["end"] = last.isoformat()
            else:
                out["end"] = _when(dates.start + dates.duration)
        if dates.rule is None and not (dates.extra or dates.exdates or dates.cancelled or dates.moved):
            return out
        rec = dict(dates.rule or {"frequency": "daily", "count": 1})
        if dates.exdates:
            rec["except"] = sorted({_day(x).isoformat() for x in dates.exdates})
        if dates.cancelled:
            rec["cancelled"] = sorted({x.isoformat() for x in dates.cancelled} - set(rec.get("except", ())))
            if not rec["cancelled"]:
                del rec["cancelled"]
        if dates.extra:
            rec["extra"] = [_when(x) for x in sorted(set(dates.extra))]
        if dates.moved:
            rec["moved"] = sorted(dates.moved, key=lambda m: m["date"])
        out["recurrence"] = {k: rec[k] for k in REC_ORDER if k in rec}
        return out


def _bounded(rrule_prop) -> bool:
    return "COUNT" in rrule_prop or "UNTIL" in rrule_prop


def _day(x) -> date:
    return x.date() if isinstance(x, datetime) else x


def _model_day(ical_day: str) -> str:
    return WEEKDAYS[_ICAL_DAYS.index(ical_day)]


def _ordered(days: list) -> list:
    return sorted(set(days), key=_ICAL_DAYS.index)


def map_feed(cal: icalendar.Calendar, calendar: Calendar, *, site_tz: str = DEFAULT_TZ, today: date,
             lang: str = "de") -> list[Mapped]:
    """Every event (UID) of a feed, mapped; in the order of their first dates."""
    masters: dict[str, list] = {}
    overrides: dict[str, list] = {}
    for component in cal.walk("VEVENT"):
        uid = _line(component.get("UID"))
        if not uid:
            continue  # no UID, nothing to find it again by
        if component.get("RECURRENCE-ID") is not None:
            overrides.setdefault(uid, []).append(component)
        else:
            masters.setdefault(uid, []).append(component)
    mapper = _Mapper(calendar, site_tz, today, lang)
    out = []
    for uid in sorted(set(masters) | set(overrides)):
        found = masters.get(uid) or []
        if len(found) > 1:  # the same UID twice: the newest version counts (SEQUENCE)
            found.sort(key=lambda c: int(c.get("SEQUENCE", 0) or 0))
        if found:
            mapped = mapper.event(uid, found[-1], overrides.get(uid, []))
            if len(found) > 1:
                mapper.note(mapped.notes, "duplicate_uid", count=len(found))
            out.append(mapped)
        else:  # only changed dates of a series this feed does not carry: each as a single date
            for ov in overrides[uid]:
                rid = ov["RECURRENCE-ID"].dt
                key = f"{uid}#{rid.strftime('%Y%m%dT%H%M%S') if isinstance(rid, datetime) else rid.strftime('%Y%m%d')}"
                out.append(mapper.event(key, ov, []))
    return sorted(out, key=lambda m: (m.first is None, _sort_key(m.first), m.uid))


def _sort_key(x):
    if x is None:
        return datetime.min
    return x if isinstance(x, datetime) else datetime.combine(x, time())


# -- writing ----------------------------------------------------------------------


def fingerprint(data: dict) -> str:
    """A hash of the fields the import writes (OWNED): what the last import left there."""
    return entries.fingerprint(data, OWNED)


def _owned(data: dict) -> dict:
    return entries.owned(data, OWNED)


@dataclass
class Change:
    """What became of one feed event (or of an imported file whose event left the feed)."""

    uid: str
    title: str
    status: str  # new, updated, unchanged, kept, conflict, cancelled, past, skipped, gone
    path: Path | None = None
    notes: list = field(default_factory=list)
    diff: list = field(default_factory=list)  # (field, in the file, in the feed) of a conflict


def entry_text(data: dict) -> str:
    return entries.entry_text("event", data, ORDER)


def _existing(content: Path, calendar_id: str) -> tuple[dict, set]:
    """This calendar's imported events {UID: (path, data)}, and every event id taken."""
    found, taken = entries.imported(content, ("event",))
    return {uid: (path, data) for (name, uid), (_, path, data) in found.items() if name == calendar_id}, taken["event"]


def _is_over(data: dict, today: date, site_tz: str) -> bool:
    try:
        last = Event.from_data({**data, "id": data.get("id", "x")}, "", site_tz).last_day()
    except (KeyError, ValueError, TypeError):
        return False
    return last is not None and last < today


def _diff(old: dict, new: dict) -> list:
    out = []
    for k in OWNED:
        if old.get(k) != new.get(k):
            out.append((k, _short(old.get(k)), _short(new.get(k))))
    return out


def _short(value) -> str:
    if value is None:
        return "—"
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    text = " ".join(text.split())
    return text if len(text) <= 100 else text[:99] + "…"


def apply(mapped: list[Mapped], calendar: Calendar, content: Path, *, today: date,
          site_tz: str = DEFAULT_TZ) -> list[Change]:
    """Write the feed's events into content/events/: new ones, changed ones whose
    file is as the last import left it, and ``status: cancelled`` for this
    calendar's events that left the feed and are not over. A file edited by hand
    is never overwritten (``conflict``); an unchanged event keeps its file byte for byte."""
    content = Path(content)
    existing, taken = _existing(content, calendar.id)
    changes: list[Change] = []
    seen = set()
    for m in mapped:
        seen.add(m.uid)
        if m.data is None:
            changes.append(Change(m.uid, m.title, "skipped", existing.get(m.uid, (None,))[0], m.notes))
            continue
        new_print = fingerprint(m.data)
        found = existing.get(m.uid)
        if found is None:
            if _is_over(m.data, today, site_tz):
                changes.append(Change(m.uid, m.title, "past_new", None, m.notes))
                continue
            base = new_id(m.title)
            if m.data.get("recurrence") is None:
                base = f"{base}-{m.data['start'][:10]}"
            ident = unique_id(base, content / FOLDERS["event"], taken)
            taken.add(ident)
            data = {"id": ident, **m.data, "source": _source(calendar, m.uid, today, new_print)}
            path = content / entry_file("event", ident)
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(entry_text(data), "utf-8")
            changes.append(Change(m.uid, m.title, "new", path, m.notes))
            continue
        path, old = found
        recorded = (old.get("source") or {}).get("fingerprint")
        current = fingerprint(old)
        if new_print == recorded:  # the feed says what it said last time
            changes.append(Change(m.uid, m.title, "kept" if current != recorded else "unchanged", path, m.notes))
            continue
        if current != recorded and current != new_print:
            changes.append(Change(m.uid, m.title, "conflict", path, m.notes, _diff(old, m.data)))
            continue
        _write(path, old, m.data, calendar, m.uid, today, new_print)
        changes.append(Change(m.uid, m.title, "updated", path, m.notes))
    for uid, (path, old) in sorted(existing.items(), key=lambda x: str(x[1][0])):
        if uid in seen or old.get("status") == "cancelled":
            continue
        title = str(old.get("title") or uid)
        if _is_over(old, today, site_tz):
            changes.append(Change(uid, title, "past", path))
            continue
        recorded = (old.get("source") or {}).get("fingerprint")
        owned = {**_owned(old), "status": "cancelled"}
        if fingerprint(old) != recorded:
            changes.append(Change(uid, title, "conflict_gone", path, [], _diff(old, owned)))
            continue
        _write(path, old, owned, calendar, uid, today, fingerprint(owned))
        changes.append(Change(uid, title, "cancelled", path))
    return changes


def _source(calendar: Calendar, uid: str, today: date, print_: str) -> dict:
    return {"name": calendar.id, "id": uid, "imported": today.isoformat(), "fingerprint": print_}


def _write(path: Path, old: dict, owned: dict, calendar, uid, today, print_) -> None:
    # the volunteers' own fields stay; the imported ones are the feed's now
    data = {k: v for k, v in old.items() if k not in OWNED and k != "source"} | owned
    data["source"] = _source(calendar, uid, today, print_)
    path.write_text(entry_text(data), "utf-8")


# -- report -----------------------------------------------------------------------

#: Statuses the report names event by event; the others are only counted (and listed when they carry notes).
_TOLD = ("new", "updated", "cancelled", "conflict", "conflict_gone", "kept", "skipped", "past")


def report(changes: list[Change], calendar: Calendar, lang: str = "de", root: Path | None = None) -> str:
    """Per event: what became of it, what could not be mapped and why; conflicts with their fields."""
    lines = [t("ics_import.heading", lang, name=calendar.name, id=calendar.id), ""]
    for c in changes:
        if c.status not in _TOLD and not c.notes:
            continue
        path = c.path
        if path is not None and root is not None:
            try:
                path = path.resolve().relative_to(root.resolve())
            except ValueError:
                pass
        lines.append(t(f"ics_import.status.{c.status}", lang, title=c.title, uid=c.uid,
                       path=path.as_posix() if path is not None else "—"))
        lines += [f"  - {n}" for n in c.notes]
        lines += [f"  - {t('ics_import.conflict_field', lang, field=f, file=a, feed=b)}" for f, a, b in c.diff]
    counts = {s: sum(1 for c in changes if c.status == s) for s in
              ("new", "updated", "unchanged", "kept", "cancelled", "skipped", "past_new")}
    counts["conflict"] = sum(1 for c in changes if c.status in ("conflict", "conflict_gone"))
    lines += ["", t("ics_import.summary", lang, **counts)]
    return "\n".join(lines) + "\n"


# -- command line -----------------------------------------------------------------


def add_arguments(parser, h) -> None:
    parser.add_argument("calendar", nargs="?", help=h("import_ics_calendar"))
    parser.add_argument("--feed", help=h("import_ics_feed"))
    parser.add_argument("--content", default="content", help=h("content"))
    parser.add_argument("--timezone", default=DEFAULT_TZ, help=h("import_ics_timezone"))
    parser.add_argument("--list", action="store_true", help=h("import_ics_list"))


def command(args) -> int:
    """Exit 0: imported; 1: imported, but a file edited by hand was left alone (conflict);
    2: nothing imported (no such calendar, feed unreadable). The report goes to stdout."""
    import sys

    from ..model.clock import today

    lang = message_lang(args.lang)
    content = Path(args.content)
    try:
        calendars = read_sources(content)
    except (OSError, loader.LoadError, KeyError, TypeError, AttributeError):
        print(t("ics_import.sources_unreadable", lang, path=(content / SOURCES_FILE).as_posix()), file=sys.stderr)
        return 2
    if args.list:
        for c in calendars:
            print(c.id)
        return 0
    calendar = next((c for c in calendars if c.id == args.calendar), None)
    if calendar is None:
        known = ", ".join(c.id for c in calendars) or "—"
        print(t("ics_import.unknown_calendar", lang, calendar=args.calendar or "", known=known,
                path=(content / SOURCES_FILE).as_posix()), file=sys.stderr)
        return 2
    feed = args.feed or calendar.url
    try:
        cal = read_feed(feed)
    except (OSError, ValueError) as exc:
        print(t("ics_import.unreadable", lang, feed=feed, error=exc), file=sys.stderr)
        return 2
    day = today(args.timezone)
    mapped = map_feed(cal, calendar, site_tz=args.timezone, today=day, lang=lang)
    changes = apply(mapped, calendar, content, today=day, site_tz=args.timezone)
    sys.stdout.write(report(changes, calendar, lang, root=content.parent))
    return 1 if any(c.status in ("conflict", "conflict_gone") for c in changes) else 0
