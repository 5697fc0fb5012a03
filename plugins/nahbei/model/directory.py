"""The immutable model every output reads: offers, events, contacts, places, taxonomy.

Built once per build from validated data. Reverse references (what is held at
a place, which offers an organisation runs) are computed here once, so pages
never search the whole directory.

Each rule that pages, feeds, JSON-LD, open data and search share lives here
once: an event's dates (``Event.series``, ``Event.occurrences``,
``Event.last_day``) and the page that shows it (``Event.shown_on``); the term
hierarchy (``Taxonomy.ancestors``, ``Taxonomy.descendants``); where an offer or
event is listed (``Directory.offer_regions``, ``Directory.event_terms``); an
offer's places with their hours (``Offer.places``, ``OfferPlace``); what a life
situation leads to (``Directory.situation_offers``, ``Directory.situation_events``).
"""
from __future__ import annotations

from collections import defaultdict, deque
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from types import MappingProxyType
from zoneinfo import ZoneInfo

from ..i18n import DEFAULT_LANG, t
from . import translations
from .clock import DEFAULT_COUNTRY, DEFAULT_TZ
from .geo import EMPTY_GAZETTEER, Gazetteer, GeoIndex, Position
from .layout import VOCABULARIES
from .recurrence import (
    CANCELLED,
    WEEKDAYS,
    Occurrence,
    Recurrence,
    Series,
    local_day,
    localize,
    parse_when,
    series_dates,
)
from .situations import Situation, SituationMatches
from .translations import Staleness

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
    everyone: bool = False  # a target group like "Alle": its offers are for every group (the finder)
    lang: str = DEFAULT_LANG  # the language of label, phrase and description
    translations: Mapping = field(default_factory=lambda: MappingProxyType({}), repr=False, compare=False)

    def in_language(self, lang: str) -> "Term":
        """The term with its texts in ``lang`` where it has a translation."""
        return translations.term_in_language(self, lang, self.vocabulary)


@dataclass(frozen=True, slots=True)
class Taxonomy:
    """The three vocabularies; a term may name a broader term (``parent``) of its own vocabulary.
    ``situations``: the life situations of the finder (id -> Situation), not a vocabulary."""

    topics: MappingProxyType
    target_groups: MappingProxyType
    regions: MappingProxyType
    situations: MappingProxyType = field(default_factory=lambda: MappingProxyType({}))
    # (vocab, term) -> its narrower terms, all levels, nearest first; filled on first use
    _below: dict = field(default_factory=dict, init=False, repr=False, compare=False)

    @classmethod
    def from_data(cls, data: dict) -> "Taxonomy":
        def terms(vocab):
            return MappingProxyType({
                k: Term(k, v["label"], vocab, v.get("phrase"), v.get("description"), v.get("parent"), v.get("icon"),
                        bool(v.get("everyone")) and vocab == "target_groups",
                        translations=_freeze(v.get("translations") or {}))
                for k, v in (data.get(vocab) or {}).items()
            })
        situations = MappingProxyType({k: Situation.from_data(k, v) for k, v in (data.get("situations") or {}).items()})
        return cls(terms("topics"), terms("target_groups"), terms("regions"), situations)

    def vocabulary(self, name: str):
        return getattr(self, name)

    def in_language(self, lang: str) -> "Taxonomy":
        """The vocabularies and life situations with their texts in ``lang`` where
        they have a translation (a term without one keeps its German texts, and
        ``Term.lang`` says so); ids, parents and order stay the same."""
        if lang == translations.SOURCE_LANG:
            return self

        def overlay(terms):
            return MappingProxyType({k: v.in_language(lang) for k, v in terms.items()})
        return Taxonomy(overlay(self.topics), overlay(self.target_groups), overlay(self.regions),
                        overlay(self.situations))

    # The hierarchy: every page, feed, search record and preview walks it here.

    def children(self, vocab: str, tid: str) -> tuple[str, ...]:
        """The terms directly below ``tid``, in the taxonomy's order."""
        key = (vocab, None)
        children = self._below.get(key)
        if children is None:
            found: dict[str, list[str]] = {}
            for x, term in self.vocabulary(vocab).items():
                if term.parent:
                    found.setdefault(term.parent, []).append(x)
            children = self._below[key] = {k: tuple(v) for k, v in found.items()}
        return children.get(tid, ())

    def descendants(self, vocab: str, tid: str) -> tuple[str, ...]:
        """Every narrower term of ``tid``, nearest first (the region "Kreis" has its
        towns, then their districts); ``tid`` itself not, even in a cycle."""
        key = (vocab, tid)
        out = self._below.get(key)
        if out is None:
            found, todo = [], list(self.children(vocab, tid))
            while todo:
                x = todo.pop(0)
                if x != tid and x not in found:
                    found.append(x)
                    todo.extend(self.children(vocab, x))
            out = self._below[key] = tuple(found)
        return out

    def with_descendants(self, vocab: str, tid: str) -> tuple[str, ...]:
        """``tid`` and every narrower term: what a term's page, calendar and feed hold."""
        return (tid, *self.descendants(vocab, tid))

    def ancestors(self, vocab: str, tid: str) -> tuple[str, ...]:
        """Every broader term of ``tid``, nearest first; ``tid`` itself not, even in a cycle."""
        terms = self.vocabulary(vocab)
        out: list[str] = []
        term = terms.get(tid)
        while term is not None and term.parent and term.parent != tid and term.parent not in out:
            out.append(term.parent)
            term = terms.get(term.parent)
        return tuple(out)


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

    # Translations (model/translations.py): pages read the texts through these.

    def translation(self, lang: str) -> Mapping:
        """The texts in ``lang`` as written under ``translations`` ({} if none)."""
        return translations.translation(self.data, lang)

    def text(self, field: str, lang: str) -> tuple[str | None, str]:
        """(text, its language) of a field ("summary", "cost.note"): the translation
        in ``lang`` if there is one, else the German text and "de"."""
        return translations.text(self.data, field, lang)

    @property
    def translated_languages(self) -> tuple[str, ...]:
        return translations.translated_languages(self.data)

    @property
    def easy_read(self) -> str | None:
        """The entry in Leichte Sprache (Markdown), if it has one."""
        return self.data.get("easy_read")


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
class OfferPlace:
    """One item of an offer's ``places`` (schema: offer ``places[]``): a place where
    the offer is held, with its own label and hours there. Fields are named as in
    the schema, so the YAML file, the model, the page, the feed, JSON-LD and open
    data say the same thing."""

    place: str  # the place's id
    label: str | None = None  # e.g. "Außensprechstunde"
    hours: MappingProxyType | None = None  # schema common ``hours``: regular, closures, exceptions, …
    publish_as_events: bool = False  # the regular hours also appear as a series in the calendar

    @classmethod
    def from_data(cls, data) -> "OfferPlace":
        return cls(data["place"], data.get("label"), data.get("hours") or None, bool(data.get("publish_as_events")))

    def closed_days(self, weekdays) -> list[date]:
        """Days on the given weekdays ("mo" …) that the hours close: closures and
        single days marked closed, sorted, each once."""
        hours = self.hours or {}
        wd = {WEEKDAYS.index(d) for d in weekdays}
        days = set()
        for closure in hours.get("closures", ()):
            d = date.fromisoformat(closure["from"])
            until = date.fromisoformat(closure["until"])
            while d <= until:
                if d.weekday() in wd:
                    days.add(d)
                d += timedelta(days=1)
        for exc in hours.get("exceptions", ()):
            if exc.get("closed"):
                d = date.fromisoformat(exc["date"])
                if d.weekday() in wd:
                    days.add(d)
        return sorted(days)


@dataclass(frozen=True, slots=True)
class Offer(Entry):
    # the ``places`` items, typed once when the offer is made (derived from ``data``)
    places: tuple[OfferPlace, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self):
        object.__setattr__(self, "places", tuple(OfferPlace.from_data(p) for p in self.data.get("places", ())))

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
        return tuple(p.place for p in self.places)

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
    tz: str = DEFAULT_TZ
    recurrence: Recurrence | None = None
    derived_from: str | None = None  # offer id when generated from consultation hours
    # [since, horizon, the dates between]: pages, feeds, search and open data ask
    # for several windows of the same event; the series is expanded once for them.
    _dates: list = field(default_factory=lambda: [None, None, ()], init=False, repr=False, compare=False)
    _series: list = field(default_factory=lambda: [None], init=False, repr=False, compare=False)
    # [last_day()] once computed (a count series walks its whole rule; views ask several times)
    _last_day: list = field(default_factory=list, init=False, repr=False, compare=False)

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
    def from_data(cls, data, source, default_tz=DEFAULT_TZ, derived_from=None) -> "Event":
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
        no limit), in order; moved and extra dates may lie outside (callers filter)."""
        tz = ZoneInfo(self.tz)
        status = self.status
        dur = self.duration

        def make(naive_start, st, original=None, end_override=None, note=None):
            if self.all_day:
                start = local_day(naive_start)
                end = start + (dur or timedelta(days=1))
                return Occurrence(self.id, start, end, True, st, original, note)
            start = localize(naive_start, tz)
            if end_override is not None:
                end = localize(end_override, tz)
            else:
                end = localize(naive_start + dur, tz) if dur is not None else None
            orig = localize(original, tz) if isinstance(original, datetime) else original
            return Occurrence(self.id, start, end, False, st, orig, note)

        series = self.series
        if series is None:
            return [make(self.start, status)]
        moved_status = "moved" if status == "scheduled" else status
        out = []
        for naive, what, original in series.dates(since, horizon):
            if what is None:
                out.append(make(naive, status))
            elif what == CANCELLED:
                out.append(make(naive, "cancelled", original))
            else:
                out.append(make(naive, moved_status, original, what.end, what.note))
        if series.moved or series.extra:  # else the rule's dates come in order
            out.sort(key=lambda o: (o.start_utc if not o.all_day else datetime.combine(o.start, datetime.min.time(), ZoneInfo("UTC")), o.event_id))
        return out

    @property
    def series(self) -> Series | None:
        """The recurrence with its exceptions resolved (None for a single date),
        computed once: pages, feeds, JSON-LD, open data and search read this one."""
        if self.recurrence is None:
            return None
        if self._series[0] is None:
            self._series[0] = self.recurrence.resolve(self.start)
        return self._series[0]

    def last_day(self) -> date | None:
        """The last local day the event takes place (cancelled dates included);
        None for a series without end (no until, no count). Feeds keep an event
        for a while after it (retention); pages move it to the archive. Computed once."""
        if not self._last_day:
            self._last_day.append(self._find_last_day())
        return self._last_day[0]

    def _find_last_day(self) -> date | None:
        dur = self.duration
        rec = self.recurrence

        def finish(start) -> date:
            if self.all_day:
                return local_day(start) + (dur - timedelta(days=1) if dur else timedelta(0))
            return local_day(start + dur) if dur else local_day(start)

        if rec is None:
            return finish(self.start)
        if rec.until is None and rec.count is None:
            return None
        series = self.series  # the extra and moved dates as the model resolved them
        days = [finish(x) for x in series.extra]
        if rec.until is not None:
            days.append(finish(rec.until if self.all_day else datetime.combine(rec.until, self.start.time())))
        else:
            # the series' last date (it has a count: finite)
            last = next(iter(deque(series_dates(rec, self.start), maxlen=1)), None)
            if last is not None:
                days.append(finish(last))
        days.extend(local_day(m.end) if m.end else finish(m.to) for _, m in series.moved)
        return max(days) if days else local_day(self.start)

    @property
    def shown_on(self) -> tuple[str, str]:
        """(kind, id) of the page that shows this event: consultation hours have no
        page of their own, their offer's page shows them."""
        return ("offer", self.derived_from) if self.derived_from else ("event", self.id)


def occurrence_sort_key(tz: str):
    """The order of many events' dates: by start; an all-day date starts at the
    beginning of its day in ``tz`` (the directory's time zone)."""
    zone = ZoneInfo(tz)

    def key(o: Occurrence):
        if o.all_day:
            return (datetime.combine(o.start, datetime.min.time(), zone), o.event_id)
        return (o.start, o.event_id)
    return key


_NO_TERMS = MappingProxyType({vocab: () for vocab in VOCABULARIES})


@dataclass(frozen=True)
class Directory:
    offers: MappingProxyType
    events: MappingProxyType
    contacts: MappingProxyType
    places: MappingProxyType
    taxonomy: Taxonomy
    today: date
    tz: str = DEFAULT_TZ
    country: str = DEFAULT_COUNTRY
    # reverse references, computed once
    offers_by_place: MappingProxyType = None
    events_by_place: MappingProxyType = None
    contacts_by_place: MappingProxyType = None  # contacts whose seat (``place``) it is
    offers_by_contact: MappingProxyType = None
    events_by_contact: MappingProxyType = None
    events_by_offer: MappingProxyType = None
    children_of: MappingProxyType = None
    offers_by_term: MappingProxyType = None
    events_by_term: MappingProxyType = None
    terms_by_event: MappingProxyType = None  # event id -> event_terms
    # postcodes and towns with positions (content/postcodes.csv, optional; model/geo.py)
    gazetteer: Gazetteer = field(default=EMPTY_GAZETTEER, repr=False, compare=False)
    # translated fields older than their German text (model/translations.py; set by check)
    translation_staleness: Staleness = field(default_factory=Staleness, repr=False, compare=False)
    # [SituationMatches] once asked (situation_offers, situation_events)
    _situations: list = field(default_factory=list, init=False, repr=False, compare=False)
    # [GeoIndex] once asked (place_position, geo)
    _geo: list = field(default_factory=list, init=False, repr=False, compare=False)

    @classmethod
    def build(cls, offers, events, contacts, places, taxonomy, today, tz=DEFAULT_TZ, *,
              country: str = DEFAULT_COUNTRY, lang: str = DEFAULT_LANG,
              gazetteer: Gazetteer | None = None) -> "Directory":
        """``lang``: the site's language (the title of consultation hours published as events).
        ``gazetteer``: the postcode table (content/postcodes.csv), if there is one."""
        events = dict(events)
        for offer in offers.values():
            for ev in consultation_events(offer, tz, lang):
                events.setdefault(ev.id, ev)
        d = cls(MappingProxyType(dict(offers)), MappingProxyType(events), MappingProxyType(dict(contacts)),
                MappingProxyType(dict(places)), taxonomy, today, tz, country,
                gazetteer=gazetteer if gazetteer is not None else EMPTY_GAZETTEER)

        def group(pairs):
            out = defaultdict(list)
            for k, v in pairs:
                out[k].append(v)
            return MappingProxyType({k: tuple(v) for k, v in out.items()})

        def pairs(terms):
            for vocab in VOCABULARIES:
                for x in terms[vocab]:
                    yield vocab, x

        offers, events, contacts = d.offers, d.events, d.contacts
        terms_by_event = {e.id: d._event_terms(e) for e in events.values()}
        return replace(
            d,
            offers_by_place=group((p, o.id) for o in offers.values() for p in dict.fromkeys(o.place_ids)),
            events_by_place=group((e.place, e.id) for e in events.values() if e.place),
            contacts_by_place=group((c.get("place"), c.id) for c in contacts.values() if c.get("place")),
            offers_by_contact=group(
                (c, o.id) for o in offers.values()
                for c in dict.fromkeys((o.provider, *o.data.get("contacts", ())))
            ),
            events_by_contact=group((e.organiser, e.id) for e in events.values()),
            events_by_offer=group((e.offer, e.id) for e in events.values() if e.offer),
            children_of=group((c.parent, c.id) for c in contacts.values() if c.parent),
            offers_by_term=group((term, o.id) for o in offers.values() for term in pairs(d.offer_terms(o))),
            events_by_term=group((term, eid) for eid, terms in terms_by_event.items() for term in pairs(terms)),
            terms_by_event=MappingProxyType(terms_by_event),
        )

    def in_language(self, lang: str) -> "Directory":
        """The same directory with each entry's texts in ``lang`` where it has
        them, German otherwise (``translations.overlaid``, field by field): what
        the pages, feeds and search of the ``lang`` edition read. Ids, references
        and every index stay the same objects; only translated entries are copied
        (and the consultation hours of translated offers, whose titles carry the
        offer's name)."""
        if lang == translations.SOURCE_LANG:
            return self

        def overlay(kind, entries):
            out = dict(entries)
            for ident, entry in entries.items():
                data = translations.overlaid(entry.data, kind, lang)
                if data is not None:
                    out[ident] = replace(entry, data=data)
            return MappingProxyType(out)

        offers = overlay("offer", self.offers)
        events = dict(overlay("event", {k: e for k, e in self.events.items() if not e.derived_from}))
        for eid, e in self.events.items():
            if e.derived_from:
                events[eid] = e
        for oid, offer in offers.items():
            if offer is not self.offers[oid]:
                for ev in consultation_events(offer, self.tz, lang):
                    if ev.id in events:
                        events[ev.id] = ev
        # (fields set at build: the lookups; _situations and _geo are recomputed when asked)
        return replace(self, offers=offers, events=MappingProxyType(events),
                       contacts=overlay("contact", self.contacts), places=overlay("place", self.places),
                       taxonomy=self.taxonomy.in_language(lang))

    def stale_translations(self, kind: str, ident: str, lang: str) -> frozenset[str]:
        """The fields of an entry whose translation into ``lang`` is older than the
        German text (from git; empty when git could not tell: see
        ``translation_staleness.reason``)."""
        return self.translation_staleness.fields(kind, ident, lang)

    # -- rules across entries ------------------------------------------------

    def offer_regions(self, offer: Offer, *, example_places: bool = True) -> tuple[str, ...]:
        """The regions an offer serves: its own and those of its places, sorted.
        ``example_places=False`` leaves out what only an example place says."""
        regions = set(offer.regions)
        for pid in offer.place_ids:
            place = self.places.get(pid)
            if place is not None and place.region and (example_places or not place.example_data):
                regions.add(place.region)
        return tuple(sorted(regions))

    def offer_terms(self, offer: Offer) -> dict[str, tuple[str, ...]]:
        """{vocabulary: term ids} under which the offer is listed."""
        return {"topics": tuple(offer.topics), "target_groups": tuple(offer.target_groups),
                "regions": self.offer_regions(offer)}

    def event_terms(self, event_id: str) -> dict[str, tuple[str, ...]]:
        """{vocabulary: term ids} under which the event is listed (``_event_terms``)."""
        return self.terms_by_event.get(event_id) or _NO_TERMS

    def _event_terms(self, e: Event) -> dict[str, tuple[str, ...]]:
        """An event's own topics and target groups, else its offer's; its own regions
        and its place's, else its offer's own regions."""
        offer = self.offers.get(e.offer) if e.offer else None
        topics = e.data.get("topics") or (offer.topics if offer else ())
        groups = e.data.get("target_groups") or (offer.target_groups if offer else ())
        regions = set(e.data.get("regions", ()))
        place = self.places.get(e.place) if e.place else None
        if place is not None and place.region:
            regions.add(place.region)
        if not regions and offer:
            regions.update(offer.regions)
        return {"topics": tuple(topics), "target_groups": tuple(groups), "regions": tuple(sorted(regions))}

    # -- life situations (the finder; the rule: model/situations.py) ------------

    def _situation_matches(self) -> SituationMatches:
        if not self._situations:
            self._situations.append(SituationMatches(self))
        return self._situations[0]

    def situation_offers(self, situation_id: str, target_group: str | None = None) -> tuple[Offer, ...]:
        """The current offers a life situation leads to, for ``target_group`` (or a
        narrower group) when one is chosen; in the directory's order."""
        m = self._situation_matches()
        ids = m.for_group(lambda oid: self.offers[oid].target_groups, m.offer_ids(situation_id), target_group)
        return tuple(self.offers[oid] for oid in ids)

    def situation_events(self, situation_id: str, target_group: str | None = None) -> tuple[Event, ...]:
        """The events a life situation leads to (``situation_offers``' events among
        them), for ``target_group`` when one is chosen; any date."""
        m = self._situation_matches()
        ids = m.for_group(lambda eid: self.event_terms(eid)["target_groups"], m.event_ids(situation_id), target_group)
        return tuple(self.events[eid] for eid in ids)

    def situation_groups(self, situation_id: str) -> tuple[str, ...]:
        """The target groups (taxonomy order) for which the situation leads to an
        offer; not a group for everyone (its offers are in every group's). Computed
        once: the plan and each of the situation's pages ask."""
        return self._situation_matches().once("groups", situation_id, lambda s: tuple(
            g for g, term in self.taxonomy.target_groups.items()
            if not term.everyone and self.situation_offers(s.id, g)))

    # -- where things are (the rule: model/geo.py) ----------------------------

    @property
    def geo(self) -> GeoIndex:
        """Positions of places and regions, and what a postcode or town name means;
        computed once."""
        if not self._geo:
            self._geo.append(GeoIndex(self.places, self.taxonomy, self.gazetteer))
        return self._geo[0]

    def place_position(self, place_id: str) -> Position | None:
        """The place's own ``coordinates`` (exact), else its postcode's or town's
        centre from the postcode table (approximate), else None."""
        return self.geo.place(place_id)

    # -- queries -----------------------------------------------------------

    def current_offers(self):
        return [o for o in self.offers.values() if not o.is_ended(self.today)]

    def ended_offers(self):
        return [o for o in self.offers.values() if o.is_ended(self.today)]

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
        out.sort(key=occurrence_sort_key(self.tz))
        return out


# The first day of consultation hours that are known since neither a period nor a
# review (an example entry may have neither): fixed, so feeds stay the same from
# day to day; the example note travels with the series.
UNDATED_ANCHOR = date(2000, 1, 3)


def consultation_events(offer: Offer, tz: str, lang: str = DEFAULT_LANG):
    """An offer's regular hours at a place, published as weekly event series
    when the place entry sets ``publish_as_events: true``. They start with the
    offer's period, else with its last review, else at UNDATED_ANCHOR."""
    anchor = (offer.data.get("period") or {}).get("from") or offer.data.get("last_reviewed")
    anchor = date.fromisoformat(anchor) if anchor else UNDATED_ANCHOR
    for at in offer.places:
        if not at.publish_as_events:
            continue
        hours = at.hours or {}
        for n, slot in enumerate(hours.get("regular", ()), start=1):
            first = min(anchor + timedelta(days=(WEEKDAYS.index(d) - anchor.weekday()) % 7) for d in slot["days"])
            label = at.label or t("ui.hours.consultation", lang)
            data = {
                "id": f"{offer.id}--{at.place}-{n}",
                "title": f"{offer.name}: {label}",
                "summary": offer.data["summary"],
                "start": f"{first.isoformat()} {slot['opens']}",
                "end": f"{first.isoformat()} {slot['closes']}",
                "recurrence": {"frequency": "weekly", "weekdays": list(slot["days"])},
                "place": at.place,
                "offer": offer.id,
                "organiser": offer.provider,
                "status": "cancelled" if offer.status == "ended" else "scheduled",
            }
            if offer.until:
                data["recurrence"]["until"] = offer.until.isoformat()
            excepts = at.closed_days(slot["days"])
            if excepts:
                data["recurrence"]["except"] = [d.isoformat() for d in excepts]
            if offer.example_data:
                data["example_data"] = offer.example_data
            yield Event.from_data(data, offer.source, tz, derived_from=offer.id)
