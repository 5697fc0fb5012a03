"""iCalendar (RFC 5545 + RFC 7986) for events, serialised with the ``icalendar`` library.

Each event is turned into its VEVENT components and serialised to bytes once
(``EventCalendar.event``); every feed that holds the event reuses those bytes.
A feed is its header + one VTIMEZONE per TZID used + the events' bytes +
``END:VCALENDAR``.

Serialisation: every value is encoded by icalendar's value types (``vText``
escaping, ``vDatetime``/``vDate``, ``vRecur``, ``vCategory``, ``vGeo``,
``vCalAddress``, ``vDuration``, ``Parameters`` quoting); lines are folded
with icalendar's rule (``fold``: CRLF, 75 octets, never inside a UTF-8
character) and properties come in icalendar's canonical order. Building full
``Component`` objects and calling ``to_ical()`` produces the same bytes —
the tests parse every feed with icalendar and check that ``to_ical()`` gives
back the identical file — but costs ~30 µs per property and ~25 µs per fold,
too slow for 10,000 events; here each distinct line (a place's LOCATION, a
contact's ORGANIZER, DTSTAMP …) is also built only once per build.

How the model maps to iCalendar:

- a single date: one VEVENT; all-day ones with ``VALUE=DATE`` and an
  exclusive DTEND (the model's end is the inclusive last day);
- a series stays a series, written as the model resolved it (``Event.series``:
  the rule, its excluded, moved and cancelled dates, the extra dates; never
  recomputed here): one master VEVENT with RRULE (FREQ, INTERVAL,
  BYDAY incl. ``2TU``/``-1FR``, BYMONTHDAY, COUNT or UNTIL — in UTC when
  DTSTART has a TZID, a DATE for all-day series), EXDATE for ``except``,
  RDATE for ``extra``; DTSTART is the series' first date by the rule (the
  model, like dateutil, does not count a start date off the pattern);
- a moved date: a second VEVENT with the same UID, RECURRENCE-ID = the
  original start, the new DTSTART/DTEND and the note in DESCRIPTION;
- a cancelled date: a RECURRENCE-ID override with ``STATUS:CANCELLED``, kept
  (not an EXDATE), SUMMARY prefixed "Abgesagt: " for apps that ignore STATUS;
- event status: scheduled → CONFIRMED, cancelled → CANCELLED, postponed →
  TENTATIVE with the notice in DESCRIPTION and a prefixed SUMMARY.

Languages (``texts``): SUMMARY, DESCRIPTION, LOCATION, CATEGORIES, ORGANIZER
(its CN) and the calendar's NAME/X-WR-CALNAME carry ``LANGUAGE=`` with the
language their text is in; a feed of another site language reads a
``Directory.in_language`` and writes an event without translated texts with
the German feed's bytes (``reuse``).

UID = ``<event id>@<site host>``; DTSTAMP = the build time (UTC);
SEQUENCE/LAST-MODIFIED from the git history of the event's file and of every
file whose facts its VEVENT shows (``shown_files``, ``versions``).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta, timezone
from typing import Mapping
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from icalendar import Parameters
from icalendar.prop import vCalAddress, vCategory, vDate, vDatetime, vDuration, vGeo, vInt, vRecur, vText, vUri

from .. import formatting as fmt
from ..i18n import t
from ..model.directory import Directory, Event
from ..model.layout import taxonomy_source
from ..model.recurrence import WEEKDAYS, local_day
from ..parallel import fork_map
from ..urls import Urls
from .catalog import Feed
from .texts import SOURCE_LANG, entry_page, event_texts, is_translated
from .versions import UNVERSIONED, Version
from .vtimezone import transitions, vtimezone

__all__ = ["EventCalendar", "Built", "PRODID", "REFRESH", "shown_files"]

PRODID = "-//nahbei//Veranstaltungskalender//DE"
REFRESH = timedelta(hours=12)
_BYDAY = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
_STATUS = {"scheduled": "CONFIRMED", "moved": "CONFIRMED", "cancelled": "CANCELLED", "postponed": "TENTATIVE"}
_CRLF = b"\r\n"
_END = b"END:VCALENDAR\r\n"


# -- lines -------------------------------------------------------------------

def _str(value) -> str:
    return value.decode("utf-8") if isinstance(value, bytes) else value


def fold(text: str) -> bytes:
    """``Contentline(text).to_ical()``, 20 times faster: icalendar's folding rule on
    UTF-8 bytes. Lines of at most 74 octets (75 with the leading space of a
    continuation), never inside a character; an escape character (backslash or
    ^) that would end a line moves to the next one. tests/test_feeds_fold.py
    checks it against icalendar for arbitrary text."""
    data = text.encode("utf-8")
    size = len(data)
    if size < 75:
        return data
    parts = []
    pos = 0
    while size - pos > 74:
        cut = pos + 74
        while data[cut] & 0xC0 == 0x80:  # inside a UTF-8 sequence: cut before it
            cut -= 1
        if data[cut - 1] in (0x5C, 0x5E) and cut - pos > 1:
            cut -= 1
        parts.append(data[pos:cut])
        pos = cut
    parts.append(data[pos:])
    return b"\r\n ".join(parts)


def line(name: str, value: str, params: str = "") -> bytes:
    """One content line: ``name`` + encoded ``params`` + ``:`` + encoded value, folded, CRLF."""
    return fold(f"{name}{params}:{value}") + _CRLF


def params(**values) -> str:
    return ";" + _str(Parameters(values).to_ical()) if values else ""


def text_line(name: str, value: str, lang: str | None = None) -> bytes:
    """A TEXT property; ``lang``: its LANGUAGE parameter (RFC 5545 3.2.10)."""
    return line(name, _str(vText(value).to_ical()), params(LANGUAGE=lang) if lang else "")


_VALUE_DATE = params(VALUE="DATE")
_VALUE_URI = params(VALUE="URI")


class _When:
    """DTSTART-style values of one zone: ``(params, value)`` strings."""

    def __init__(self, tzid: str):
        self.tzid = tzid
        self.tz_params = params(TZID=tzid)
        self._seen: dict = {}

    def one(self, value) -> tuple[str, str]:
        key = (value, type(value), getattr(value, "tzinfo", None))
        found = self._seen.get(key)
        if found is None:
            found = self._seen[key] = self._encode(value)
        return found

    def _encode(self, value) -> tuple[str, str]:
        if isinstance(value, datetime):
            if value.tzinfo is timezone.utc:  # ...Z, no TZID
                return "", _str(vDatetime(value.astimezone(timezone.utc)).to_ical())
            return self.tz_params, _str(vDatetime(value.replace(tzinfo=None)).to_ical())
        return _VALUE_DATE, _str(vDate(value).to_ical())

    def line(self, name: str, value) -> bytes:
        p, v = self.one(value)
        return line(name, v, p)

    def list_line(self, name: str, values) -> bytes:
        parts = [self.one(v) for v in values]
        return line(name, ",".join(v for _, v in parts), parts[0][0])


def _utc(value: datetime) -> str:
    return _str(vDatetime(value.astimezone(timezone.utc)).to_ical())


def shown_files(directory: Directory, e: Event) -> tuple[str, ...]:
    """The files besides ``e.source`` whose facts the event's VEVENT shows: its SEQUENCE
    rises when one of them is committed (``versions``). The same reads as
    ``EventCalendar._shared_lines`` and ``_description``: the place (LOCATION, GEO),
    the organiser (ORGANIZER, its name in DESCRIPTION), the offer when the topics
    come from it, and the taxonomy for the topics' labels (CATEGORIES)."""
    files = []
    place = directory.places.get(e.place) if e.place else None
    if place is not None:
        files.append(place.source)
    organiser = directory.contacts.get(e.organiser) if e.get("organiser") else None
    if organiser is not None:
        files.append(organiser.source)
    if directory.event_terms(e.id)["topics"]:
        offer = directory.offers.get(e.offer) if e.offer else None
        if offer is not None and not e.get("topics"):
            files.append(offer.source)
        files.append(taxonomy_source(e.source))
    return tuple(files)


# -- events --------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class Built:
    """An event's serialised VEVENT(s) and what its feed needs to know about them."""

    event_id: str
    body: bytes
    tzid: str | None  # None for all-day events (they need no VTIMEZONE)
    first_year: int  # of the earliest date in it: its VTIMEZONE must reach back so far


class EventCalendar:
    """Serialises events and assembles feeds for one build, in one site language
    (``lang``; ``directory`` is then ``Directory.in_language(lang)`` and ``urls``
    ``Urls.in_language``). ``reuse``: the German feeds' calendar of the same build
    (same stamp, versions, address), whose bytes an event without translated texts
    takes instead of being serialised again (``texts``: they are the same)."""

    def __init__(self, directory: Directory, site_url: str, urls: Urls, *, stamp: datetime,
                 versions: Mapping[str, Version] | None = None, lang: str = "de",
                 site_name: str | None = None, reuse: "EventCalendar | None" = None):
        self.d = directory
        # (only German bytes are what an untranslated event looks like in every language)
        self.reuse = reuse if lang != SOURCE_LANG and reuse is not None and reuse.lang == SOURCE_LANG else None
        self.site_url = site_url.rstrip("/") + "/"
        self.host = urlsplit(self.site_url).hostname or "nahbei.invalid"
        self.urls = urls
        self.stamp = stamp.astimezone(timezone.utc).replace(microsecond=0)
        self.versions = versions or {}
        self.lang = lang
        self.site_name = site_name
        self._built: dict[str, Built] = {}
        self._cache: dict[tuple, bytes] = {}
        self._when: dict[str | None, _When] = {}
        self._dtstamp = line("DTSTAMP", _utc(self.stamp))
        self._head = b"".join((
            b"BEGIN:VCALENDAR\r\n", line("VERSION", "2.0"), text_line("PRODID", PRODID),
            line("CALSCALE", "GREGORIAN"), line("METHOD", "PUBLISH"),
        ))
        self._refresh = line("REFRESH-INTERVAL", _str(vDuration(REFRESH).to_ical()), params(VALUE="DURATION"))
        self._ttl = text_line("X-PUBLISHED-TTL", _str(vDuration(REFRESH).to_ical()))

    def _cached(self, key: tuple, make) -> bytes:
        data = self._cache.get(key)
        if data is None:
            data = self._cache[key] = make()
        return data

    # -- per event -----------------------------------------------------------

    def build_all(self, eids) -> None:
        """Serialise many events at once, half of them in a second process
        (``nahbei.parallel.fork_map``); the same bytes as one by one."""
        todo = [eid for eid in eids if eid not in self._built and not self._reused(eid)]
        for eid, built in zip(todo, fork_map(lambda i: self._build(self.d.events[i]), todo, min_items=2000), strict=True):
            self._built[eid] = built

    def _reused(self, eid: str) -> bool:
        """Take the German bytes of an event with no text in this language; True if taken."""
        if self.reuse is None or is_translated(self.d, self.d.events[eid], self.lang):
            return False
        self._built[eid] = self.reuse.event(eid)
        return True

    def event(self, eid: str) -> Built:
        built = self._built.get(eid)
        if built is None:
            if not self._reused(eid):
                self._built[eid] = self._build(self.d.events[eid])
            built = self._built[eid]
        return built

    def uid(self, event: Event) -> str:
        return f"{event.id}@{self.host}"

    def page_url(self, event: Event) -> str:
        """The event's page in this language's edition, its German page where that has none."""
        return self.site_url + entry_page(self.d, self.urls, *event.shown_on, self.lang)

    def _build(self, e: Event) -> Built:
        # Every zone, UTC included, is written with TZID and its VTIMEZONE: ical (Home
        # Assistant) does not match RECURRENCE-ID overrides of a series in ...Z form.
        # icalendar never writes TZID=UTC, so UTC is spelled Etc/UTC (the same zone).
        tzid = "Etc/UTC" if e.tz == "UTC" else e.tz
        tz = ZoneInfo(tzid)
        when = self._when.get(tzid) or self._when.setdefault(tzid, _When(tzid))
        all_day = e.all_day
        dur = e.duration

        def at(naive):
            """A series date as written in RRULE terms: local wall time with TZID (or a DATE)."""
            return local_day(naive) if all_day else naive.replace(tzinfo=tz)

        def exact(naive):
            """A start or end every parser reads as the same instant: a local time that does
            not exist (spring gap) or exists twice (autumn) is written in UTC instead; the
            model reads it like RFC 5545 and zoneinfo (fold=0: the offset before the change)."""
            if all_day:
                return local_day(naive)
            aware = naive.replace(tzinfo=tz)
            back = aware.astimezone(timezone.utc).astimezone(tz).replace(tzinfo=None)
            if back != naive or naive.replace(fold=1, tzinfo=tz).utcoffset() != aware.utcoffset():
                return aware.astimezone(timezone.utc)
            return aware

        def end_of(start_naive, end_naive=None):
            if all_day:
                return local_day(start_naive) + (dur or timedelta(days=1))
            if end_naive is not None:
                return exact(end_naive)
            return exact(start_naive + dur) if dur is not None else None

        version = self.versions.get(e.id, UNVERSIONED)
        uid = text_line("UID", self.uid(e))
        sequence = self._cached(("SEQUENCE", version.sequence), lambda: line("SEQUENCE", _str(vInt(version.sequence).to_ical())))
        modified = (self._cached(("LAST-MODIFIED", version.last_modified),
                                 lambda: line("LAST-MODIFIED", _utc(version.last_modified)))
                    if version.last_modified is not None else b"")
        # properties after EXDATE in icalendar's order: CATEGORIES, DESCRIPTION, GEO,
        # LAST-MODIFIED, LOCATION, ORGANIZER, STATUS, URL
        langs = event_texts(self.d, e, self.lang)
        categories, geo, location, organizer = self._shared_lines(e, langs.location, langs.organiser)
        url = self._cached(("URL", e.id), lambda: line("URL", _str(vUri(self.page_url(e)).to_ical())))
        status = e.status
        years: list[int] = [local_day(e.start).year]

        def component(start, end, st, recurrence_id=None, notes=(), series=b"", duration=None):
            # the words added to a text are in that text's language: one LANGUAGE per property
            prefix = t(f"ui.status.{st}", langs.summary) + ": " if st in ("cancelled", "postponed") else ""
            years.append(local_day(start).year)
            return b"".join((
                b"BEGIN:VEVENT\r\n",
                self._cached(("SUMMARY", prefix + e.title, langs.summary),
                             lambda: text_line("SUMMARY", prefix + e.title, langs.summary)),
                when.line("DTSTART", start),
                when.line("DTEND", end) if end is not None else b"",
                line("DURATION", _str(vDuration(duration).to_ical())) if duration is not None else b"",
                self._dtstamp, uid,
                when.line("RECURRENCE-ID", at(recurrence_id)) if recurrence_id is not None else b"",
                sequence, series, categories,
                self._cached(("DESCRIPTION", e.id, st, notes), lambda: text_line(
                    "DESCRIPTION", self._description(e, st, notes, langs.description), langs.description)),
                geo, modified, location, organizer,
                self._cached(("STATUS", st), lambda: line("STATUS", _STATUS[st])),
                url,
                b"END:VEVENT\r\n",
            ))

        rec = e.recurrence
        if rec is None:
            body = component(exact(e.start), end_of(e.start, e.end if not all_day else None), status)
            return Built(e.id, body, None if all_day else tzid, min(years))

        resolved = e.series  # the model's reading of the exceptions: written as it is, never recomputed
        rule = resolved.rule()
        first = resolved.first
        extras = list(resolved.extra)
        if first is not None:
            dtstart = first
        elif extras:  # only extra dates: DTSTART is the first, and RDATE repeats it, because
            # ical.js and ical (Home Assistant) skip DTSTART when there is RDATE but no RRULE
            dtstart = extras[0]
            if len(extras) == 1:
                extras = []
        else:  # no date at all (check() reports it): nothing to publish
            return Built(e.id, b"", None, min(years))
        series = []
        if first is not None:
            series.append(line("RRULE", _str(vRecur(self._rrule(rec, first, tz, all_day)).to_ical())))
        if extras:
            series.append(when.list_line("RDATE", [at(x) for x in extras]))
            years.extend(local_day(x).year for x in extras)
        if resolved.excluded:
            series.append(when.list_line("EXDATE", [at(x) for x in resolved.excluded]))
        overrides = []
        overridden = set()
        for original, m in resolved.moved:
            overridden.add(original)
            st = "moved" if status == "scheduled" else status
            dl = langs.description  # the note goes into DESCRIPTION
            was = t("ui.status.moved_from", dl, date=fmt.format_date_long(m.date, dl))
            notes = (f"{t('ui.status.moved', dl)} ({was})" + (f": {m.note}" if m.note else ""),)
            overrides.append((original, component(exact(m.to), end_of(m.to, m.end), st, original, notes)))
        for original in resolved.cancelled:
            overridden.add(original)
            overrides.append((original, component(exact(original), end_of(original), "cancelled", original)))
        excluded = {local_day(x) for x in resolved.excluded}
        crossing = self._dst_crossings(e, tzid, rule, first, extras, dtstart) if dur and not all_day else ()
        for start in crossing:
            if start not in overridden and start.date() not in excluded:
                overridden.add(start)
                overrides.append((start, component(exact(start), end_of(start), status, start)))
        if dtstart in crossing:  # DTEND would give every date this date's exact length
            master = component(at(dtstart), None, status, series=b"".join(series), duration=dur)
        else:
            master = component(at(dtstart), end_of(dtstart), status, series=b"".join(series))
        overrides.sort(key=lambda x: x[0])
        body = b"".join([master, *(c for _, c in overrides)])
        return Built(e.id, body, None if all_day else tzid, min(years))

    def _dst_crossings(self, e: Event, tzid: str, rule, first, extras, dtstart) -> set:
        """Starts of the series' dates whose span crosses a change of the UTC offset,
        or which begin or end at a local time that does not exist or exists twice.

        The model gives every date the same wall-clock length (22:00–06:00 stays
        22:00–06:00 on the night the clocks change); RFC 5545 gives the length of
        DTSTART..DTEND as an exact duration, and parsers differ in what they do
        (ical.js adds it to the wall clock, then resolves a time in the gap or the
        repeated hour differently from RFC 5545). Such dates are written as
        overrides with their own exact DTSTART/DTEND, so every parser shows the
        model's times. Open series: up to two years after today."""
        dur = e.duration
        tz = ZoneInfo(tzid)
        last = e.last_day()
        if last is None:
            last = max(self.d.today, local_day(dtstart)) + timedelta(days=730)
        starts = set()

        def clear(naive):  # the wall time exists exactly once
            aware = naive.replace(tzinfo=tz)
            return (aware.astimezone(timezone.utc).astimezone(tz).replace(tzinfo=None) == naive
                    and naive.replace(fold=1, tzinfo=tz).utcoffset() == aware.utcoffset())

        def crosses(s):
            a = s.replace(tzinfo=tz).astimezone(timezone.utc)
            b = (s + dur).replace(tzinfo=tz).astimezone(timezone.utc)
            return b - a != dur or not clear(s) or not clear(s + dur)

        lo = datetime.combine(local_day(dtstart), time()) - dur
        hi = datetime.combine(last, time()) + timedelta(days=1)
        if first is not None:
            t0 = first.time()
            for wall, delta in transitions(tzid, lo.year, hi.year + 1):
                if not lo <= wall <= hi:
                    continue
                slack = abs(delta) + timedelta(hours=1)
                day, stop = (wall - dur - slack).date(), (wall + slack).date()
                while day <= stop:
                    s = datetime.combine(day, t0)
                    if wall - dur - slack < s <= wall + slack and crosses(s) and s in rule:
                        starts.add(s)
                    day += timedelta(days=1)
        starts.update(x for x in extras if crosses(x))
        return starts

    def _rrule(self, rec, first, tz, all_day) -> dict:
        r = {"FREQ": rec.frequency.upper()}
        if rec.until is not None:
            if all_day:
                r["UNTIL"] = rec.until
            else:
                r["UNTIL"] = datetime.combine(rec.until, time(23, 59, 59), tz).astimezone(timezone.utc)
        if rec.count:
            r["COUNT"] = rec.count
        if rec.interval != 1:
            r["INTERVAL"] = rec.interval
        if rec.frequency == "weekly":
            r["BYDAY"] = [_BYDAY[i] for i in sorted(WEEKDAYS.index(x) for x in rec.weekly_days(first))]
            if rec.interval != 1:
                r["WKST"] = "MO"
        elif rec.frequency == "monthly":
            if rec.weekday:
                r["BYDAY"] = [f"{rec.nth or 1}{_BYDAY[WEEKDAYS.index(rec.weekday)]}"]
            elif rec.month_day:
                r["BYMONTHDAY"] = [rec.month_day]
        return r

    def _shared_lines(self, e: Event, place_lang: str | None, contact_lang: str | None
                      ) -> tuple[bytes, bytes, bytes, bytes]:
        """CATEGORIES, GEO, LOCATION and ORGANIZER lines (b"" when absent), each built once per value;
        ``place_lang``/``contact_lang``: the language of the place's and the organiser's name.
        What they read from other entries' files is listed in ``shown_files``: keep both in step."""
        topics = self.d.taxonomy.topics
        labels = tuple((topics[x].label, topics[x].lang) for x in self.d.event_terms(e.id)["topics"] if x in topics)

        def make_categories():
            # one CATEGORIES per language: LANGUAGE is a parameter of the whole property, and a
            # topic without a translation keeps its German label
            by_lang: dict[str, list[str]] = {}
            for label, lang in labels:
                by_lang.setdefault(lang, []).append(label)
            return b"".join(line("CATEGORIES", _str(vCategory(x).to_ical()), params(LANGUAGE=lang))
                            for lang, x in by_lang.items())
        categories = self._cached(("CATEGORIES", labels), make_categories) if labels else b""
        geo = location = b""
        place = self.d.places.get(e.place) if e.place else None
        if place is not None:
            def make_location():
                address = fmt.address_one_line(place.address)
                return text_line("LOCATION", f"{place.name}, {address}" if address else place.name, place_lang)
            location = self._cached(("LOCATION", place.id), make_location)
            coords = place.get("coordinates")
            if coords:
                geo = self._cached(("GEO", place.id), lambda: line(
                    "GEO", _str(vGeo((float(coords["lat"]), float(coords["lon"]))).to_ical())))
        elif e.get("online_url"):
            location = text_line("LOCATION", e.get("online_url"))  # an address: no language
        organizer = b""
        contact = self.d.contacts.get(e.organiser) if e.get("organiser") else None
        if contact is not None and contact.get("email"):
            organizer = self._cached(("ORGANIZER", contact.id), lambda: line(
                "ORGANIZER", _str(vCalAddress(fmt.mailto(contact.get("email"))).to_ical()),
                params(CN=contact.name, LANGUAGE=contact_lang)))
        return categories, geo, location, organizer

    def _description(self, e: Event, status: str, notes=(), lang: str = SOURCE_LANG) -> str:
        """The DESCRIPTION text; ``lang``: the language of the event's summary, and so of the words added."""
        parts = []
        if status == "cancelled":
            parts.append(t("ui.event.cancelled_notice", lang))
        elif status == "postponed":
            parts.append(t("ui.event.postponed_notice", lang))
        parts.extend(notes)
        if e.get("summary"):
            parts.append(" ".join(e.get("summary").split()))
        organiser = self.d.contacts.get(e.organiser) if e.get("organiser") else None
        if organiser is not None:
            parts.append(f"{t('ui.event.organiser', lang)}: {organiser.name}")
        if e.get("online_url") and e.place:
            parts.append(f"{t('ui.event.online', lang)}: {e.get('online_url')}")
        if e.example_data:
            parts.append(e.example_data)
        parts.append(self.page_url(e))
        return "\n\n".join(parts)

    # -- per feed ------------------------------------------------------------

    def calendar_name(self, feed: Feed) -> str:
        if feed.scope == "event":
            name = feed.title
        else:
            name = t("ui.calendar.title_for", self.lang, label=feed.title)
        return f"{name} – {self.site_name}" if self.site_name else name

    def header(self, feed: Feed) -> bytes:
        """BEGIN:VCALENDAR and the calendar's properties, in icalendar's canonical order."""
        name = self.calendar_name(feed)
        # an event's feed is named by its title; the others by "Kalender: …" in the feed's language
        lang = feed.title_lang if feed.scope == "event" else self.lang
        return b"".join((
            self._head, text_line("NAME", name, lang), text_line("X-WR-CALNAME", name, lang),
            self._refresh,
            line("SOURCE", _str(vUri(self.site_url + feed.path).to_ical()), _VALUE_URI),
            line("URL", _str(vUri(self.scope_url(feed)).to_ical())),
            self._ttl,
        ))

    def scope_url(self, feed: Feed) -> str:
        """The page the feed belongs to (RFC 7986 URL of the calendar)."""
        if feed.scope == "all":
            return self.site_url + self.urls.index("calendar")
        if feed.scope == "event":
            return self.page_url(self.d.events[feed.ident])
        if feed.scope in ("offer", "contact", "place"):
            return self.site_url + entry_page(self.d, self.urls, feed.scope, feed.ident, self.lang)
        return self.site_url + self.urls.page(feed.scope, feed.ident)

    def feed_bytes(self, feed: Feed, event_ids) -> bytes:
        built = [self.event(eid) for eid in event_ids]
        parts = [self.header(feed)]
        tzids = sorted({b.tzid for b in built if b.tzid})
        if not built:  # an empty feed stays a valid calendar: one component, the site's zone
            tzids = ["Etc/UTC" if self.d.tz == "UTC" else self.d.tz]
        if tzids:
            first = min((b.first_year for b in built), default=self.d.today.year)
            parts.extend(vtimezone(tzid, first) for tzid in tzids)
        parts.extend(b.body for b in built)
        parts.append(_END)
        return b"".join(parts)
