"""The immutable model every output reads: offers, events, contacts, places, taxonomy.

Built once per build from validated data. Reverse references (what is held at
a place, which offers an organisation runs) are computed here once, so pages
never search the whole directory.
"""
from __future__ import annotations

import functools
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from types import MappingProxyType
from zoneinfo import ZoneInfo

from .recurrence import Occurrence, Recurrence, WEEKDAYS, localize, parse_when, series_dates


_LEAVES = frozenset({str, int, float, bool, type(None)})


def _freeze(value):
    # Leaves (most values) are taken as they are, without a call each.
    if isinstance(value, dict):
        return MappingProxyType({k: v if v.__class__ in _LEAVES else _freeze(v) for k, v in value.items()})
    if isinstance(value, list):
        return tuple([v if v.__class__ in _LEAVES else _freeze(v) for v in value])
    return value


@dataclass(frozen=True, slots=True)
class Term:
    id: str
    label: str
    vocabulary: str  # topics | target_groups | regions
    phrase: str | None = None
    description: str | None = None
    parent: str | None = None
    icon: str | None = None


@dataclass(frozen=True, slots=True)
class Taxonomy:
    topics: MappingProxyType
    target_groups: MappingProxyType
    regions: MappingProxyType

    @classmethod
    def from_data(cls, data: dict) -> "Taxonomy":
        def terms(vocab):
            return MappingProxyType({
                k: Term(k, v["label"], vocab, v.get("phrase"), v.get("description"), v.get("parent"), v.get("icon"))
                for k, v in (data.get(vocab) or {}).items()
            })
        return cls(terms("topics"), terms("target_groups"), terms("regions"))

    def vocabulary(self, name: str):
        return getattr(self, name)


@dataclass(frozen=True, slots=True)
class Entry:
    """Common to all entities: id, the source file (relative to the repo), the raw data."""

    id: str
    source: str
    data: MappingProxyType = field(repr=False)

    def get(self, key, default=None):
        return self.data.get(key, default)

    @property
    def example_data(self) -> str | None:
        return self.data.get("example_data")


@dataclass(frozen=True, slots=True)
class Place(Entry):
    @property
    def name(self) -> str:
        return self.data["name"]

    @property
    def address(self):
        return self.data["address"]

    @property
    def region(self) -> str | None:
        return self.data.get("region")


@dataclass(frozen=True, slots=True)
class Contact(Entry):
    @property
    def name(self) -> str:
        return self.data["name"]

    @property
    def kind(self) -> str:
        return self.data["kind"]

    @property
    def parent(self) -> str | None:
        return self.data.get("parent")


@dataclass(frozen=True, slots=True)
class Offer(Entry):
    @property
    def name(self) -> str:
        return self.data["name"]

    @property
    def status(self) -> str:
        return self.data["status"]

    @property
    def topics(self) -> tuple:
        return self.data.get("topics", ())

    @property
    def target_groups(self) -> tuple:
        return self.data.get("target_groups", ())

    @property
    def regions(self) -> tuple:
        return self.data.get("regions", ())

    @property
    def provider(self) -> str:
        return self.data["provider"]

    @property
    def place_ids(self) -> tuple:
        return tuple(p["place"] for p in self.data.get("places", ()))

    @property
    def until(self) -> date | None:
        u = (self.data.get("period") or {}).get("until")
        return date.fromisoformat(u) if u else None

    def is_ended(self, today: date) -> bool:
        """Ended by status, or by a period that is over (shown in the archive)."""
        return self.status == "ended" or (self.until is not None and self.until < today)


@dataclass(frozen=True, slots=True)
class Event(Entry):
    start: datetime | date = None  # naive local datetime, or date when all-day
    end: datetime | date | None = None  # naive local; all-day: inclusive last date
    all_day: bool = False
    tz: str = "Europe/Berlin"
    recurrence: Recurrence | None = None
    derived_from: str | None = None  # offer id when generated from consultation hours
    # [since, horizon, the dates between]: pages, feeds, search and open data ask
    # for several windows of the same event; the series is expanded once for them.
    _dates: list = field(default_factory=lambda: [None, None, ()], init=False, repr=False, compare=False)

    @property
    def title(self) -> str:
        return self.data["title"]

    @property
    def name(self) -> str:
        return self.data["title"]

    @property
    def status(self) -> str:
        return self.data.get("status", "scheduled")

    @property
    def place(self) -> str | None:
        return self.data.get("place")

    @property
    def offer(self) -> str | None:
        return self.data.get("offer")

    @property
    def organiser(self) -> str:
        return self.data["organiser"]

    @property
    def duration(self) -> timedelta | None:
        if self.end is None:
            return None
        if self.all_day:
            return (self.end - self.start) + timedelta(days=1)
        return self.end - self.start

    @classmethod
    def from_data(cls, data, source, default_tz="Europe/Berlin", derived_from=None) -> "Event":
        start, all_day = parse_when(data["start"])
        end = parse_when(data["end"])[0] if data.get("end") else None
        rec = Recurrence.from_data(data["recurrence"], start) if data.get("recurrence") else None
        return cls(data["id"], source, _freeze(data), start, end, all_day,
                   data.get("timezone", default_tz), rec, derived_from)

    def occurrences(self, window_start: date | None = None, window_end: date | None = None):
        """Dates of this event that start within [window_start, window_end] (local days),
        in order; moved dates appear at their new time, cancelled ones with that status."""
        if window_end is None or window_start is None:
            out = self._expand(None, window_end)  # from the first date on: past events, rare
        else:
            since, horizon, dates = self._dates
            if horizon is None or window_end > horizon or window_start < since:
                # nine weeks before and ten weeks beyond the window asked for: the
                # calendar, an entry's next dates and search's look back share one
                since = window_start - timedelta(days=63) if since is None else min(since, window_start)
                horizon = max(horizon or window_end, window_end) + timedelta(days=70)
                dates = tuple(self._expand(since, horizon))
                self._dates[:] = [since, horizon, dates]
            out = [o for o in dates if o.day <= window_end]
        if window_start is not None:
            out = [o for o in out if o.day >= window_start]
        return out

    def _expand(self, since: date | None, horizon: date | None) -> list:
        """Every date from ``since`` up to ``horizon`` (local days, inclusive; None:
        no limit), in order."""
        tz = ZoneInfo(self.tz)
        status = self.status
        dur = self.duration

        def make(naive_start, st, original=None, end_override=None, note=None):
            if self.all_day:
                start = naive_start if isinstance(naive_start, date) and not isinstance(naive_start, datetime) else naive_start.date()
                end = start + (dur or timedelta(days=1))
                return Occurrence(self.id, start, end, True, st, original, note)
            start = localize(naive_start, tz)
            if end_override is not None:
                end = localize(end_override, tz)
            else:
                end = localize(naive_start + dur, tz) if dur is not None else None
            orig = localize(original, tz) if isinstance(original, datetime) else original
            return Occurrence(self.id, start, end, False, st, orig, note)

        out = []
        if self.recurrence is None:
            out.append(make(self.start, status))
        else:
            rec = self.recurrence
            ex = set(rec.exdates)
            cancelled = set(rec.cancelled)
            moved = {m.date: m for m in rec.moved}
            if horizon is not None and moved:
                horizon = max([horizon] + [m.date for m in rec.moved])
            if since is not None and any(m.date < since for m in rec.moved):
                since = None  # a date moved from before ``since`` may land after it
            seen = set()
            for naive in series_dates(rec, self.start, horizon):
                day = naive if self.all_day else naive.date()
                seen.add(naive)
                if since is not None and day < since:
                    continue  # the rule runs from its start; these dates nobody asked for
                if day in ex:
                    continue
                if day in moved:
                    m = moved[day]
                    out.append(make(m.to, "moved" if status == "scheduled" else status, naive, m.end, m.note))
                elif day in cancelled:
                    out.append(make(naive, "cancelled", naive))
                else:
                    out.append(make(naive, status))
            for naive in rec.extra:
                if naive not in seen:
                    out.append(make(naive, status))
            if not rec.moved and not rec.extra:
                return out  # the rule's dates come in order
        out.sort(key=lambda o: (o.start_utc if not o.all_day else datetime.combine(o.start, datetime.min.time(), ZoneInfo("UTC")), o.event_id))
        return out


def occurrence_sort_key(o: Occurrence):
    if o.all_day:
        return (datetime.combine(o.start, datetime.min.time(), ZoneInfo("Europe/Berlin")), o.event_id)
    return (o.start, o.event_id)


@dataclass(frozen=True)
class Directory:
    offers: MappingProxyType
    events: MappingProxyType
    contacts: MappingProxyType
    places: MappingProxyType
    taxonomy: Taxonomy
    today: date
    tz: str = "Europe/Berlin"
    # reverse references, computed once
    offers_by_place: MappingProxyType = None
    events_by_place: MappingProxyType = None
    offers_by_contact: MappingProxyType = None
    events_by_contact: MappingProxyType = None
    events_by_offer: MappingProxyType = None
    children_of: MappingProxyType = None
    offers_by_term: MappingProxyType = None
    events_by_term: MappingProxyType = None

    @classmethod
    def build(cls, offers, events, contacts, places, taxonomy, today, tz="Europe/Berlin") -> "Directory":
        events = dict(events)
        for offer in offers.values():
            for ev in consultation_events(offer, tz):
                events.setdefault(ev.id, ev)

        def group(pairs):
            out = defaultdict(list)
            for k, v in pairs:
                out[k].append(v)
            return MappingProxyType({k: tuple(v) for k, v in out.items()})

        offers_by_place = group((p, o.id) for o in offers.values() for p in dict.fromkeys(o.place_ids))
        events_by_place = group((e.place, e.id) for e in events.values() if e.place)
        offers_by_contact = group(
            (c, o.id) for o in offers.values()
            for c in dict.fromkeys((o.provider, *o.data.get("contacts", ())))
        )
        events_by_contact = group((e.organiser, e.id) for e in events.values())
        events_by_offer = group((e.offer, e.id) for e in events.values() if e.offer)
        children_of = group((c.parent, c.id) for c in contacts.values() if c.parent)

        def place_region(pid):
            p = places.get(pid)
            return p.region if p else None

        def offer_terms(o):
            yield from (("topics", x) for x in o.topics)
            yield from (("target_groups", x) for x in o.target_groups)
            regions = set(o.regions) | {r for r in map(place_region, o.place_ids) if r}
            yield from (("regions", x) for x in sorted(regions))

        def event_terms(e):
            offer = offers.get(e.offer) if e.offer else None
            topics = e.data.get("topics") or (offer.topics if offer else ())
            groups = e.data.get("target_groups") or (offer.target_groups if offer else ())
            regions = set(e.data.get("regions", ()))
            if e.place and place_region(e.place):
                regions.add(place_region(e.place))
            if not regions and offer:
                regions.update(offer.regions)
            yield from (("topics", x) for x in topics)
            yield from (("target_groups", x) for x in groups)
            yield from (("regions", x) for x in sorted(regions))

        offers_by_term = group((term, o.id) for o in offers.values() for term in offer_terms(o))
        events_by_term = group((term, e.id) for e in events.values() for term in event_terms(e))
        return cls(
            MappingProxyType(dict(offers)), MappingProxyType(events), MappingProxyType(dict(contacts)),
            MappingProxyType(dict(places)), taxonomy, today, tz,
            offers_by_place, events_by_place, offers_by_contact, events_by_contact, events_by_offer,
            children_of, offers_by_term, events_by_term,
        )

    # -- queries -----------------------------------------------------------

    def current_offers(self):
        return [o for o in self.offers.values() if not o.is_ended(self.today)]

    def ended_offers(self):
        return [o for o in self.offers.values() if o.is_ended(self.today)]

    def event_terms(self, event_id: str) -> dict[str, tuple[str, ...]]:
        return self._terms_by_event.get(event_id) or {"topics": (), "target_groups": (), "regions": ()}

    @functools.cached_property
    def _terms_by_event(self) -> dict[str, dict[str, tuple[str, ...]]]:
        """events_by_term the other way round (computed once, on first use)."""
        out: dict[str, dict[str, list]] = {}
        for (vocab, term), ids in self.events_by_term.items():
            for eid in ids:
                out.setdefault(eid, {"topics": [], "target_groups": [], "regions": []})[vocab].append(term)
        return {eid: {k: tuple(v) for k, v in terms.items()} for eid, terms in out.items()}

    def occurrences(self, start: date, end: date, events=None, cache: dict | None = None):
        """All dates of the given events (default: all) within [start, end], in time order.

        ``cache`` ({event id: (event, start, end, dates)}) may be kept between two
        Directories of the same content (the preview): an unchanged event's dates
        are taken from it."""
        events = self.events.values() if events is None else events
        if cache is None:
            out = [o for e in events for o in e.occurrences(start, end)]
        else:
            out = []
            for e in events:
                hit = cache.get(e.id)
                if hit is None or hit[1] != start or hit[2] != end or hit[0] != e:
                    hit = cache[e.id] = (e, start, end, e.occurrences(start, end))
                out.extend(hit[3])
        out.sort(key=occurrence_sort_key)
        return out

    def upcoming(self, days: int = 56, events=None):
        return self.occurrences(self.today, self.today + timedelta(days=days), events)


# The first day of consultation hours that are known since neither a period nor a
# review (an example entry may have neither): fixed, so feeds stay the same from
# day to day; the example note travels with the series.
UNDATED_ANCHOR = date(2000, 1, 3)


def consultation_events(offer: Offer, tz: str):
    """An offer's regular hours at a place, published as weekly event series
    when the place entry sets ``publish_as_events: true``. They start with the
    offer's period, else with its last review, else at UNDATED_ANCHOR."""
    anchor = (offer.data.get("period") or {}).get("from") or offer.data.get("last_reviewed")
    anchor = date.fromisoformat(anchor) if anchor else UNDATED_ANCHOR
    for place in offer.data.get("places", ()):
        if not place.get("publish_as_events"):
            continue
        hours = place.get("hours") or {}
        for n, slot in enumerate(hours.get("regular", ()), start=1):
            first = min(anchor + timedelta(days=(WEEKDAYS.index(d) - anchor.weekday()) % 7) for d in slot["days"])
            label = place.get("label") or "Sprechstunde"
            data = {
                "id": f"{offer.id}--{place['place']}-{n}",
                "title": f"{offer.name}: {label}",
                "summary": offer.data["summary"],
                "start": f"{first.isoformat()} {slot['opens']}",
                "end": f"{first.isoformat()} {slot['closes']}",
                "recurrence": {"frequency": "weekly", "weekdays": list(slot["days"])},
                "place": place["place"],
                "offer": offer.id,
                "organiser": offer.provider,
                "status": "cancelled" if offer.status == "ended" else "scheduled",
            }
            if offer.until:
                data["recurrence"]["until"] = offer.until.isoformat()
            excepts = sorted({c for c in _closure_days(hours, slot["days"])})
            if excepts:
                data["recurrence"]["except"] = [d.isoformat() for d in excepts]
            if offer.example_data:
                data["example_data"] = offer.example_data
            yield Event.from_data(data, offer.source, tz, derived_from=offer.id)


def _closure_days(hours, days):
    wd = {WEEKDAYS.index(d) for d in days}
    for closure in hours.get("closures", ()):
        d = date.fromisoformat(closure["from"])
        until = date.fromisoformat(closure["until"])
        while d <= until:
            if d.weekday() in wd:
                yield d
            d += timedelta(days=1)
    for exc in hours.get("exceptions", ()):
        if exc.get("closed"):
            d = date.fromisoformat(exc["date"])
            if d.weekday() in wd:
                yield d
