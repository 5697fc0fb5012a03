"""What each generated page shows, prepared for its Jinja template (no MkDocs import).

:class:`Views` is built once per build from the Directory. Lookups that
several pages share (upcoming dates, terms per event, cards, rendered
descriptions) are computed once, lazily; a single entry page costs O(its own
references), never O(directory).

Text values are plain strings: nahbei templates are autoescaped. HTML that is
already safe (sanitised descriptions, JSON-LD, icons) is ``markupsafe.Markup``.
"""
from __future__ import annotations

import functools
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from urllib.parse import urlencode

from markupsafe import Markup

from .. import formatting as fmt
from .. import jsonld, safe_markdown
from ..i18n import t
from ..urls import Urls
from .pages import VOCABULARIES, PageSpec, calendar_path, subscribe_help_path

__all__ = ["Site", "Views"]


@dataclass
class Site:
    """Site-wide helpers for templates (Jinja global ``nahbei``)."""

    urls: Urls
    lang: str
    site_name: str
    site_url: str | None
    legal: object  # LegalConfig
    repo_url: str | None = None
    edit_uri: str = "edit/main/"
    issue_template: str = "aenderung-melden.yml"
    search_path: str | None = None  # set when a search page exists
    today: date | None = None
    feeds: dict | None = None  # nahbei.feeds catalog; None: link every feed path
    extra: dict = field(default_factory=dict)

    def t(self, key: str, **params) -> str:
        return t(key, self.lang, **params)

    def page(self, kind: str, ident: str) -> str:
        return self.urls.page(kind, ident)

    def index(self, kind: str) -> str:
        return self.urls.index(kind)

    def feed(self, scope: str, ident: str | None = None) -> str | None:
        """Path of an .ics feed, or None when nahbei.feeds writes no such feed
        (``feeds`` is its catalog: {(scope, ident): Feed})."""
        if self.feeds is not None and (scope, ident) not in self.feeds:
            return None
        return self.urls.feed(scope, ident)

    def calendar(self, vocab: str | None = None, term: str | None = None) -> str:
        return calendar_path(self.urls, vocab, term)

    @property
    def subscribe_help(self) -> str | None:
        """The help page "Kalender abonnieren", when feeds are written."""
        return subscribe_help_path(self.urls) if self.feeds is None or self.feeds else None

    @property
    def today_label(self) -> str:
        return fmt.format_date_long(self.today, self.lang) if self.today else ""

    def absolute(self, path: str) -> str | None:
        return self.site_url.rstrip("/") + "/" + path if self.site_url else None

    def webcal(self, path: str) -> str | None:
        """webcal:// address of a feed (calendar apps subscribe to it); needs site_url."""
        url = self.absolute(path)
        return "webcal://" + url.split("://", 1)[1] if url else None

    @property
    def legal_links(self) -> list[dict]:
        return [{"label": self.t(f"ui.legal.{k}"), "path": self.urls.index(k)}
                for k in ("imprint", "privacy", "accessibility")]

    def change_url(self, entry, path: str) -> str | None:
        """A prefilled GitHub issue form "Änderung melden" for this entry."""
        if not self.repo_url:
            return None
        title = self.t("ui.change.issue_title", name=entry.name)
        query = urlencode({"template": self.issue_template, "title": title,
                           "entry": self.absolute(path) or entry.id})
        return f"{self.repo_url.rstrip('/')}/issues/new?{query}"

    def edit_url(self, source: str) -> str | None:
        if not self.repo_url:
            return None
        return f"{self.repo_url.rstrip('/')}/{self.edit_uri.strip('/')}/{source}"


@functools.lru_cache(maxsize=None)  # the same names are sorted on many index pages
def sort_key(text: str) -> str:
    """German alphabetical order: Ä with A, ß as ss, case and quotes ignored."""
    s = text.casefold().replace("ß", "ss")
    s = unicodedata.normalize("NFKD", s)
    s = "".join(ch for ch in s if not unicodedata.combining(ch))
    return "".join(ch for ch in s if ch.isalnum() or ch == " ").strip()


def initial(text: str) -> str:
    key = sort_key(text)
    ch = key[:1].upper()
    return ch if ch.isalpha() else "#"


def _jsonld_script(data: dict | None) -> Markup | None:
    """The JSON-LD script's text; None (no script) for an example entry."""
    return Markup(jsonld.dumps(data)) if data else None


class Views:
    def __init__(self, directory, site: Site, *, calendar_weeks: int = 8, calendar_max_dates: int = 300,
                 home_events: int = 5,
                 home_recent: int = 5, next_dates: int = 6, icons=None, occurrence_cache: dict | None = None):
        self.d = directory
        self.site = site
        self.urls = site.urls
        self.lang = site.lang
        self.today = directory.today
        self.window = timedelta(weeks=calendar_weeks)
        self.calendar_weeks = calendar_weeks
        self.calendar_max_dates = calendar_max_dates
        self.home_events = home_events
        self.home_recent = home_recent
        self.next_dates_count = next_dates
        self.icons = icons or {}  # (vocab, term) -> Markup svg
        self.occurrence_cache = occurrence_cache  # kept across builds by the preview
        self.ld = jsonld.JsonLd(directory, self.urls, site.site_url, self.lang)
        self._descriptions: dict[tuple, Markup] = {}
        self._cards: dict[str, dict] = {}
        self._occurrences: dict[tuple, dict] = {}
        self._next: dict[str, tuple[bool, list]] = {}
        self._refs: dict[tuple, dict] = {}

    # -- shared, computed once ------------------------------------------------

    @functools.cached_property
    def upcoming(self) -> list:
        return self.d.occurrences(self.today, self.today + self.window, cache=self.occurrence_cache)

    @functools.cached_property
    def upcoming_by_term(self) -> dict[tuple, list[int]]:
        """(vocab, term) -> positions in ``upcoming`` of the dates of its events (once per build)."""
        out: dict[tuple, list[int]] = defaultdict(list)
        for i, o in enumerate(self.upcoming):
            for vocab, ids in self.d.event_terms(o.event_id).items():
                for tid in ids:
                    out[(vocab, tid)].append(i)
        return out

    def upcoming_for(self, vocab: str, tid: str) -> list:
        """Upcoming dates of a term and its narrower terms, in calendar order."""
        positions: set[int] = set()
        for x in self.d.taxonomy.with_descendants(vocab, tid):
            positions.update(self.upcoming_by_term.get((vocab, x), ()))
        upcoming = self.upcoming
        return [upcoming[i] for i in sorted(positions)]

    @functools.cached_property
    def contacts_by_place(self) -> dict[str, list[str]]:
        out: dict[str, list[str]] = defaultdict(list)
        for c in self.d.contacts.values():
            if c.get("place"):
                out[c.get("place")].append(c.id)
        return out

    @functools.cached_property
    def ended_ids(self) -> frozenset:
        return frozenset(o.id for o in self.d.ended_offers())

    @functools.cached_property
    def current_offer_count(self) -> dict[tuple, int]:
        return {key: len(self._term_offer_ids(*key)) for vocab in VOCABULARIES
                for key in ((vocab, tid) for tid in self.d.taxonomy.vocabulary(vocab))}

    def _term_offer_ids(self, vocab: str, tid: str) -> list[str]:
        seen: dict[str, None] = {}
        for term in self.d.taxonomy.with_descendants(vocab, tid):
            for oid in self.d.offers_by_term.get((vocab, term), ()):
                if oid not in self.ended_ids:
                    seen[oid] = None
        return list(seen)

    def warm(self) -> None:
        """Compute what many pages share now, before a second process starts
        rendering pages (nahbei.mkdocs.prefetch): both then have it."""
        for name in ("upcoming", "upcoming_by_term", "contacts_by_place", "ended_ids", "current_offer_count"):
            getattr(self, name)
        for e in self.d.events.values():
            self.next_dates(e)

    # -- small building blocks ------------------------------------------------

    def term_link(self, vocab: str, tid: str) -> dict | None:
        term = self.d.taxonomy.vocabulary(vocab).get(tid)
        if term is None:
            return None
        return {"label": term.label, "url": self.urls.page(vocab, tid), "id": tid, "vocab": vocab,
                "phrase": term.phrase, "description": term.description, "icon": self.icons.get((vocab, tid))}

    def term_links(self, vocab: str, ids) -> list[dict]:
        return [x for x in (self.term_link(vocab, i) for i in ids) if x]

    def description(self, kind: str, ident: str) -> Markup:
        key = (kind, ident)
        if key not in self._descriptions:
            entry = getattr(self.d, {"offer": "offers", "event": "events", "contact": "contacts", "place": "places"}[kind])[ident]
            self._descriptions[key] = Markup(safe_markdown.render(entry.get("description")))
        return self._descriptions[key]

    def phones(self, entry) -> list[dict]:
        out = []
        for p in entry.get("phones", ()):
            ph = fmt.phone(p["number"], p.get("type", "phone"), p.get("note"), region=self.d.country)
            out.append({"display": ph.display, "href": ph.href, "kind": ph.kind,
                        "kind_label": self.site.t(f"ui.phone.{ph.kind}"), "note": ph.note})
        return out

    def contact_facts(self, entry) -> dict:
        return {
            "phones": self.phones(entry),
            "email": entry.get("email"),
            "website": entry.get("website"),
            "links": [dict(x) for x in entry.get("links", ())],
        }

    def contact_ref(self, cid: str | None) -> dict | None:
        """A contact as other pages show it (computed once per contact; a copy each time,
        pages add to it)."""
        c = self.d.contacts.get(cid) if cid else None
        if c is None:
            return None
        ref = self._refs.get(("contact", cid))
        if ref is None:
            ref = self._refs[("contact", cid)] = {
                "name": c.name, "url": self.urls.page("contact", cid), "role": c.get("role"),
                "kind": c.kind, **self.contact_facts(c)}
        return dict(ref)

    def accessibility(self, place) -> list[str]:
        acc = place.get("accessibility") or {}
        lines = []
        if acc.get("wheelchair"):
            lines.append(self.site.t(f"ui.access.wheelchair_{acc['wheelchair']}"))
        if "accessible_toilet" in acc:
            lines.append(self.site.t("ui.access.toilet_yes" if acc["accessible_toilet"] else "ui.access.toilet_no"))
        if "hearing_loop" in acc:
            lines.append(self.site.t("ui.access.loop_yes" if acc["hearing_loop"] else "ui.access.loop_no"))
        if acc.get("notes"):
            lines.append(acc["notes"])
        return lines

    def place_ref(self, pid: str | None) -> dict | None:
        """A place as other pages show it (computed once per place; a copy each time)."""
        p = self.d.places.get(pid) if pid else None
        if p is None:
            return None
        ref = self._refs.get(("place", pid))
        if ref is None:
            ref = self._refs[("place", pid)] = self._place_ref(p)
        return dict(ref)

    def _place_ref(self, p) -> dict:
        pid = p.id
        return {
            "id": pid, "name": p.name, "url": self.urls.page("place", pid),
            "address": fmt.address_lines(p.address), "town": p.address.get("town"),
            "address_line": fmt.address_one_line(p.address),
            "accessibility": self.accessibility(p), "transport": p.get("transport"),
            "route_url": fmt.route_url(p), "region": self.term_link("regions", p.region) if p.region else None,
        }

    def hours(self, hours) -> dict | None:
        if not hours:
            return None
        lang = self.lang
        closures = []
        for c in hours.get("closures", ()):
            if date.fromisoformat(c["until"]) < self.today:
                continue
            closures.append({"from": c["from"], "until": c["until"], "note": c.get("note"),
                             "from_label": fmt.format_date_long(c["from"], lang),
                             "until_label": fmt.format_date_long(c["until"], lang)})
        exceptions = []
        for e in hours.get("exceptions", ()):
            day = date.fromisoformat(e["date"])
            if day < self.today:
                continue
            what = (self.site.t("ui.hours.closed") if e.get("closed")
                    else fmt.time_range(e["opens"], e["closes"], lang))
            exceptions.append({"day": fmt.format_day(day, lang), "iso": e["date"], "what": what, "note": e.get("note")})
        return {
            "rows": fmt.hours_rows(hours, lang),
            "summary": fmt.hours_summary(hours, lang),
            "by_appointment": hours.get("by_appointment", False),
            "note": hours.get("note"),
            "closures": closures,
            "exceptions": exceptions,
        }

    def event_url(self, e) -> str:
        return self.urls.page(*e.shown_on)

    def occurrence(self, o, *, event=True) -> dict:
        """One date, ready for the templates (cached: calendars share dates)."""
        key = (o.event_id, fmt.iso(o.start), o.status, event)
        cached = self._occurrences.get(key)
        if cached is None:
            cached = self._occurrences[key] = self._occurrence(o, event)
        return cached

    def _occurrence(self, o, event: bool) -> dict:
        e = self.d.events[o.event_id]
        lang = self.lang
        out = {
            "label": fmt.occurrence_label(o, lang),
            "time": fmt.occurrence_label(o, lang, with_day=False),
            "iso": fmt.iso(o.start),
            "end_iso": fmt.iso(o.end) if o.end is not None else None,
            "status": o.status,
            "status_label": self.site.t(f"ui.status.{o.status}") if o.status != "scheduled" else None,
            "note": o.note,
            "original": (fmt.occurrence_label(_Moved(o.original, o.all_day), lang)
                         if o.status == "moved" and o.original is not None else None),
        }
        if event:
            place = self.d.places.get(e.place) if e.place else None
            out.update({
                "title": e.title, "url": self.event_url(e), "event_id": e.id,
                "place": place.name if place else None,
                "town": place.address.get("town") if place else None,
                "online": bool(e.get("online_url")),
                "ics": self.site.feed("event", e.id),
            })
        return out

    def next_dates(self, e, limit: int | None = None) -> list:
        """The next dates of an event (up to 400 days ahead), computed once per
        event and build: first over 9 weeks, which is enough for a weekly series;
        the whole 400 days only when that gives fewer than the page shows."""
        limit = limit or self.next_dates_count
        wanted = max(limit, self.next_dates_count)
        cached = self._next.get(e.id)
        if cached is None or (not cached[0] and len(cached[1]) < wanted):
            dates = e.occurrences(self.today, self.today + timedelta(days=63))
            complete = False
            if len(dates) < wanted:
                dates, complete = e.occurrences(self.today, self.today + timedelta(days=400)), True
            cached = self._next[e.id] = (complete, dates)
        return cached[1][:limit]

    def is_past(self, e) -> bool:
        last = e.last_day()
        return last is not None and last < self.today

    def offer_card(self, oid: str) -> dict:
        if oid in self._cards:
            return self._cards[oid]
        o = self.d.offers[oid]
        towns = list(dict.fromkeys(self.d.places[p].address.get("town") for p in o.place_ids if p in self.d.places))
        card = self._cards[oid] = {"name": o.name, "url": self.urls.page("offer", oid), "summary": o.get("summary"),
                                   "towns": towns, "ended": oid in self.ended_ids, "paused": o.status == "paused",
                                   "id": oid}
        return card

    def example(self, entry) -> str | None:
        return entry.example_data

    def reviewed(self, entry) -> dict | None:
        r = entry.get("last_reviewed")
        return {"iso": r, "label": fmt.format_date_long(r, self.lang)} if r else None

    def cost(self, entry) -> str | None:
        cost = entry.get("cost")
        if not cost:
            return None
        base = self.site.t("ui.cost.free") if cost.get("free") else self.site.t("ui.cost.paid")
        return f"{base}. {cost['note']}" if cost.get("note") else base

    def languages(self, entry) -> list[str]:
        return [fmt.language_name(code, self.lang) for code in entry.get("languages", ())]

    def change(self, entry, path) -> dict:
        return {"issue": self.site.change_url(entry, path), "edit": self.site.edit_url(entry.source),
                "source": entry.source}

    # -- pages --------------------------------------------------------------------

    def for_page(self, spec: PageSpec) -> dict:
        return getattr(self, "_" + spec.kind)(spec)

    def _offer(self, spec: PageSpec) -> dict:
        o = self.d.offers[spec.ident]
        places = []
        for at in o.places:
            ref = self.place_ref(at.place)
            if ref is None:
                continue
            label = at.label
            ref = dict(ref, label=label, hours=self.hours(at.hours), as_events=at.publish_as_events,
                       caption=self.site.t("ui.hours.caption", place=f"{label}: {ref['name']}" if label else ref["name"]))
            places.append(ref)
        events = []
        for eid in self.d.events_by_offer.get(o.id, ()):
            e = self.d.events[eid]
            dates = self.next_dates(e, 3)
            if not dates:
                continue
            title = e.title
            if e.derived_from and e.place in self.d.places:
                title = self.d.places[e.place].name  # "Außensprechstunde Buttstädt", not the offer's name again
            events.append({"title": title, "url": self.event_url(e), "derived": bool(e.derived_from),
                           "dates": [self.occurrence(x, event=False) for x in dates],
                           "ics": self.site.feed("event", eid), "first": dates[0].start})
        events.sort(key=lambda x: fmt.iso(x["first"]))
        funding = o.get("funding")
        return {
            "entry": o, "id": o.id, "name": o.name, "summary": o.get("summary"),
            "description": self.description("offer", o.id),
            "status": o.status, "ended": o.is_ended(self.today), "until": (
                fmt.format_date_long(o.until, self.lang) if o.until else None),
            "topics": self.term_links("topics", o.topics),
            "target_groups": self.term_links("target_groups", o.target_groups),
            "regions": self.term_links("regions", o.regions),
            "age": fmt.age_label(o.get("age"), self.lang),
            "eligibility": o.get("eligibility"),
            "appointment": o.get("appointment"),
            "places": places,
            "has_hours": any(p["hours"] for p in places),
            "provider": self.contact_ref(o.provider),
            "contacts": [x for x in (self.contact_ref(c) for c in o.get("contacts", ())) if x],
            **self.contact_facts(o),
            "cost": self.cost(o),
            "languages": self.languages(o),
            "events": events,
            "feed": self.site.feed("offer", o.id),
            "funding": dict(funding) if funding else None,
            "reviewed": self.reviewed(o),
            "example": self.example(o),
            "change": self.change(o, spec.path),
            "jsonld": _jsonld_script(self.ld.offer(o)),
        }

    def _event(self, spec: PageSpec) -> dict:
        e = self.d.events[spec.ident]
        dates = self.next_dates(e)
        past = not dates and self.is_past(e)
        first_dates = [] if dates else e.occurrences(None, self.today)[-3:]
        offer = self.d.offers.get(e.offer) if e.offer else None
        reg = e.get("registration")
        terms = self.d.event_terms(e.id)
        return {
            "entry": e, "id": e.id, "name": e.title, "summary": e.get("summary"),
            "description": self.description("event", e.id),
            "status": e.status,
            "status_label": self.site.t(f"ui.status.{e.status}") if e.status != "scheduled" else None,
            "series": e.recurrence is not None,
            "dates": [self.occurrence(x, event=False) for x in dates],
            "past": past,
            "past_dates": [self.occurrence(x, event=False) for x in first_dates],
            "place": self.place_ref(e.place),
            "online_url": e.get("online_url"),
            "organiser": self.contact_ref(e.organiser),
            "offer": {"name": offer.name, "url": self.urls.page("offer", offer.id)} if offer else None,
            "registration": ({**dict(reg), "deadline_label": fmt.format_date_long(reg["deadline"], self.lang)
                              if reg.get("deadline") else None} if reg else None),
            "invitation_only": bool(e.get("invitation_only")),
            "cost": self.cost(e),
            "languages": self.languages(e),
            "topics": self.term_links("topics", sorted(set(terms["topics"]))),
            "target_groups": self.term_links("target_groups", sorted(set(terms["target_groups"]))),
            "ics": self.site.feed("event", e.id),
            "example": self.example(e),
            "change": self.change(e, spec.path),
            "jsonld": _jsonld_script(self.ld.event(e, dates)),
        }

    def _contact(self, spec: PageSpec) -> dict:
        c = self.d.contacts[spec.ident]
        offers = [self.offer_card(oid) for oid in self.d.offers_by_contact.get(c.id, ())]
        offers.sort(key=lambda x: (x["ended"], sort_key(x["name"])))
        events = []
        for eid in self.d.events_by_contact.get(c.id, ()):
            e = self.d.events[eid]
            if e.derived_from:
                continue
            dates = self.next_dates(e, 1)
            if dates:
                events.append(self.occurrence(dates[0]))
        events.sort(key=lambda x: x["iso"])
        children = [self.contact_ref(x) for x in self.d.children_of.get(c.id, ())]
        children.sort(key=lambda x: sort_key(x["name"]))
        address = c.get("address")
        return {
            "entry": c, "id": c.id, "name": c.name, "kind": c.kind,
            "kind_label": self.site.t(f"ui.contact.kind_{c.kind}"),
            "role": c.get("role"), "department": c.get("department"),
            "description": self.description("contact", c.id),
            "parent": self.contact_ref(c.parent),
            **self.contact_facts(c),
            "address": fmt.address_lines(address) if address else None,
            "place": self.place_ref(c.get("place")),
            "hours": self.hours(c.get("hours")),
            "offers": offers,
            "events": events,
            "children": children,
            "reviewed": self.reviewed(c),
            "example": self.example(c),
            "change": self.change(c, spec.path),
            "feed": self.site.feed("contact", c.id),
            "jsonld": _jsonld_script(self.ld.contact(c)),
        }

    def _place(self, spec: PageSpec) -> dict:
        p = self.d.places[spec.ident]
        offers = []
        for oid in self.d.offers_by_place.get(p.id, ()):
            card = dict(self.offer_card(oid))
            o = self.d.offers[oid]
            for at in o.places:
                if at.place == p.id and at.hours:
                    card["hours"] = fmt.hours_summary(at.hours, self.lang)
                    card["label"] = at.label
                    break
            offers.append(card)
        offers.sort(key=lambda x: (x["ended"], sort_key(x["name"])))
        events = []
        for eid in self.d.events_by_place.get(p.id, ()):
            e = self.d.events[eid]
            if e.derived_from:
                continue
            dates = self.next_dates(e, 1)
            if dates:
                events.append(self.occurrence(dates[0]))
        events.sort(key=lambda x: x["iso"])
        contacts = [self.contact_ref(x) for x in self.contacts_by_place.get(p.id, ())]
        return {
            "entry": p, "id": p.id, "name": p.name, **self.place_ref(p.id),
            "description": self.description("place", p.id),
            "offers": offers, "events": events, "contacts": contacts,
            "feed": self.site.feed("place", p.id),
            "example": self.example(p),
            "change": self.change(p, spec.path),
            "jsonld": _jsonld_script(self.ld.place(p)),
        }

    def _terms(self, spec: PageSpec) -> dict:
        vocab = spec.vocab
        terms = []
        for tid, term in self.d.taxonomy.vocabulary(vocab).items():
            link = self.term_link(vocab, tid)
            link["count"] = self.current_offer_count.get((vocab, tid), 0)
            link["parent"] = term.parent
            terms.append(link)
        if vocab == "regions":  # regions as a tree: top level first, children below
            by_parent: dict = defaultdict(list)
            for x in terms:
                by_parent[x["parent"]].append(x)
            for x in terms:
                x["children"] = by_parent.get(x["id"], [])
            terms = [x for x in terms if not x["parent"] or x["parent"] not in self.d.taxonomy.regions]
        return {"vocab": vocab, "terms": terms}

    def _term(self, spec: PageSpec) -> dict:
        vocab, tid = spec.vocab, spec.ident
        term = self.d.taxonomy.vocabulary(vocab)[tid]
        offers = [self.offer_card(oid) for oid in self._term_offer_ids(vocab, tid)]
        offers.sort(key=lambda x: sort_key(x["name"]))
        occ = self.upcoming_for(vocab, tid)
        parent = self.term_link(vocab, term.parent) if term.parent else None
        return {
            "vocab": vocab, "id": tid, "label": term.label, "description": term.description,
            "phrase": term.phrase, "icon": self.icons.get((vocab, tid)),
            "parent": parent,
            "children": self.term_links(vocab, self.d.taxonomy.children(vocab, tid)),
            "offers": offers,
            "events": [self.occurrence(o) for o in occ[:10]],
            "more_events": len(occ) > 10,
            "calendar": calendar_path(self.urls, vocab, tid),
            "feed": self.site.feed(vocab, tid),
        }

    def _az(self, spec: PageSpec) -> dict:
        cards = sorted((self.offer_card(o.id) for o in self.d.current_offers()), key=lambda x: sort_key(x["name"]))
        groups: dict[str, list] = {}
        for card in cards:
            groups.setdefault(initial(card["name"]), []).append(card)
        letters = [{"letter": k, "id": "buchstabe-" + (k.lower() if k != "#" else "0"), "offers": v}
                   for k, v in groups.items()]
        return {"letters": letters, "count": len(cards)}

    def _archive(self, spec: PageSpec) -> dict:
        offers = sorted((dict(self.offer_card(o.id)) for o in self.d.ended_offers()), key=lambda x: sort_key(x["name"]))
        for card in offers:
            until = self.d.offers[card["id"]].until
            card["until"] = {"iso": until.isoformat(), "label": fmt.format_date_long(until, self.lang)} if until else None
        events = []
        for e in self.d.events.values():
            if e.derived_from or not self.is_past(e):
                continue
            last = e.last_day()
            events.append({"title": e.title, "url": self.urls.page("event", e.id),
                           "iso": last.isoformat(), "label": fmt.format_date_long(last, self.lang),
                           "summary": e.get("summary")})
        events.sort(key=lambda x: x["iso"], reverse=True)
        return {"offers": offers, "events": events}

    def _calendar(self, spec: PageSpec) -> dict:
        vocab, tid = spec.vocab, spec.ident
        if vocab:
            occ = self.upcoming_for(vocab, tid)
            term = self.term_link(vocab, tid)
            feed = self.site.feed(vocab, tid)
        else:
            occ, term, feed = self.upcoming, None, self.site.feed("all")
        by_day: dict[date, list] = {}
        for o in occ:
            by_day.setdefault(o.day, []).append(o)
        # whole days, as many as fit into calendar_max_dates (at least one)
        days: dict[date, list] = {}
        shown = 0
        for day, items in by_day.items():
            if days and shown + len(items) > self.calendar_max_dates:
                break
            days[day] = [self.occurrence(o) for o in items]
            shown += len(items)
        last_shown = next(reversed(days)) if days else None
        filters = []
        for v in VOCABULARIES:
            links = []
            for t_id in self.d.taxonomy.vocabulary(v):
                link = self.term_link(v, t_id)
                link["calendar"] = calendar_path(self.urls, v, t_id)
                link["current"] = (v == vocab and t_id == tid)
                links.append(link)
            filters.append({"vocab": v, "terms": links})
        end = self.today + self.window
        return {
            "term": term, "vocab": vocab,
            "days": [{"iso": day.isoformat(), "label": fmt.format_day(day, self.lang), "entries": items}
                     for day, items in days.items()],
            "count": len(occ),
            "shown": shown,
            "shown_until": ({"iso": last_shown.isoformat(), "label": fmt.format_date_long(last_shown, self.lang)}
                            if shown < len(occ) else None),
            "start": {"iso": self.today.isoformat(), "label": fmt.format_date_long(self.today, self.lang)},
            "end": {"iso": end.isoformat(), "label": fmt.format_date_long(end, self.lang)},
            "weeks": self.calendar_weeks,
            "feed": feed,
            "filters": filters,
            "all": calendar_path(self.urls),
        }

    def _contacts(self, spec: PageSpec) -> dict:
        items = sorted((self.contact_ref(cid) for cid in self.d.contacts), key=lambda x: sort_key(x["name"]))
        for x in items:
            x["kind_label"] = self.site.t(f"ui.contact.kind_{x['kind']}")
        return {"contacts": items}

    def _places(self, spec: PageSpec) -> dict:
        items = sorted((self.place_ref(pid) for pid in self.d.places),
                       key=lambda x: (sort_key(x["town"] or ""), sort_key(x["name"])))
        return {"places": items}

    def _subscribe(self, spec: PageSpec) -> dict:
        apps = [{"id": app, "heading": self.site.t(f"ui.subscribe.{app}_heading"),
                 "steps": self.site.t(f"ui.subscribe.{app}_steps"),
                 "note": self.site.t(f"ui.subscribe.{app}_note") if app in ("google", "outlook") else None}
                for app in ("google", "apple", "outlook", "thunderbird", "android")]
        return {"feed": self.site.feed("all"), "apps": apps}

    def _legal(self, spec: PageSpec) -> dict:
        legal = self.site.legal
        address = [x.strip() for x in (legal.address or "").splitlines() if x.strip()]
        ph = fmt.phone(legal.phone, region=self.d.country) if legal.phone else None
        return {"legal": legal, "which": spec.ident, "address": address,
                "phone": {"display": ph.display, "href": ph.href} if ph else None,
                "date": ({"iso": legal.accessibility_date, "label": fmt.format_date_long(legal.accessibility_date, self.lang)}
                         if legal.accessibility_date else None)}

    def home(self) -> dict:
        topics = []
        for tid in self.d.taxonomy.topics:
            link = self.term_link("topics", tid)
            link["count"] = self.current_offer_count.get(("topics", tid), 0)
            topics.append(link)
        groups = [self.term_link("target_groups", g) for g, term in self.d.taxonomy.target_groups.items() if term.phrase]
        occ = [o for o in self.upcoming if o.status != "cancelled"][: self.home_events]
        current = [o for o in self.d.offers.values() if o.id not in self.ended_ids and o.get("last_reviewed")]
        current.sort(key=lambda o: (o.get("last_reviewed"), sort_key(o.name)), reverse=True)
        recent = []
        for o in current[: self.home_recent]:
            card = dict(self.offer_card(o.id))
            card["reviewed"] = self.reviewed(o)
            recent.append(card)
        return {
            "topics": topics, "groups": groups,
            "events": [self.occurrence(o) for o in occ],
            "recent": recent,
            "offer_count": len(self.d.offers) - len(self.ended_ids),
            "calendar": calendar_path(self.urls),
            "search": self.site.search_path,
        }


@dataclass(frozen=True)
class _Moved:
    """The original date of a moved occurrence, shaped like an Occurrence for labels."""

    start: object
    all_day: bool
    end: object = None
