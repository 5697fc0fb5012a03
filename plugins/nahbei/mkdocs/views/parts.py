"""Building blocks of many pages: term links, contact and place references,
opening hours, dates of events, offer cards, descriptions, costs."""
from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import date, timedelta

from markupsafe import Markup

from ... import formatting as fmt
from ... import qrcodes, safe_markdown
from ...model.geo import position_note
from ...model.layout import entries_of
from ..pages import easy_read_path
from .mappoints import map_point, transit_url
from .shared import Shared

# A description's HTML by its text: a German text shown in several editions (an entry
# translated only in its name and summary) is rendered once. Pure: text in, HTML out.
_description_html = functools.lru_cache(maxsize=None)(safe_markdown.render)


class Parts(Shared):
    # -- small building blocks ------------------------------------------------

    def term_link(self, vocab: str, tid: str) -> dict | None:
        term = self.d.taxonomy.vocabulary(vocab).get(tid)
        if term is None:
            return None
        return {"label": term.label, "url": self.urls.page(vocab, tid), "id": tid, "vocab": vocab,
                "phrase": term.phrase, "description": term.description, "icon": self.icons.get((vocab, tid)),
                # a label without a translation (a place name) is German: marked as such in another edition
                "lang": self.other_lang(term.lang)}

    def other_lang(self, lang: str) -> str | None:
        """``lang`` where a text in it differs from the page's language (for ``lang="…"``), else None."""
        return lang if lang != self.lang else None

    def term_links(self, vocab: str, ids) -> list[dict]:
        return [x for x in (self.term_link(vocab, i) for i in ids) if x]

    def description(self, kind: str, ident: str) -> Markup:
        key = (kind, ident)
        if key not in self._descriptions:
            entry = entries_of(self.d, kind)[ident]
            self._descriptions[key] = Markup(_description_html(entry.get("description")))
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
                "kind": c.kind, "de_only": self.german_only("contact", cid),
                "de_fields": self.german_fields(c, "contact"), **self.contact_facts(c)}
        return dict(ref)

    def accessibility(self, place) -> list[str]:
        return fmt.accessibility_lines(place.get("accessibility"), self.lang)

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
            "id": pid, "name": p.name, "url": self.urls.page("place", pid), "de_only": self.german_only("place", pid),
            "de_fields": self.german_fields(p, "place"),
            "address": fmt.address_lines(p.address), "town": p.address.get("town"),
            "address_line": fmt.address_one_line(p.address),
            "accessibility": self.accessibility(p), "transport": p.get("transport"),
            "route_url": fmt.route_url(p), "region": self.term_link("regions", p.region) if p.region else None,
            "position_note": self._position_note(p),
            # the map (views/maps.py): where map.js puts its marker; the transit planner's link
            "point": map_point(self.d, self.urls, p), "transit_url": transit_url(self.d, self.site, p),
        }

    def _position_note(self, p) -> str | None:
        """"Lage ungefähr: Ortsmitte Sömmerda" when the place's position comes from the
        postcode table (model/geo.py), with the table row's example note."""
        note = position_note(p, self.d.gazetteer)
        if note is None:
            return None
        text = self.site.t(f"ui.geo.approximate_{note['basis']}", name=note["name"])
        if not note["example_data"]:
            return text
        # the postcode table's note is German: marked as such in another language's edition
        if self.lang != self.site.site_lang:
            return Markup('{} (<span lang="{}">{}</span>)').format(text, self.site.site_lang, note["example_data"])
        return f"{text} ({note['example_data']})"

    def hours(self, hours) -> dict | None:
        if not hours:
            return None
        lang = self.lang
        closures = []
        for c in hours.get("closures", ()):
            if date.fromisoformat(c["until"]) < self.today:
                continue
            closures.append({"from": c["from"], "until": c["until"], "note": self._german_note(c.get("note")),
                             "from_label": fmt.format_date_long(c["from"], lang),
                             "until_label": fmt.format_date_long(c["until"], lang)})
        exceptions = []
        for e in hours.get("exceptions", ()):
            day = date.fromisoformat(e["date"])
            if day < self.today:
                continue
            what = (self.site.t("ui.hours.closed") if e.get("closed")
                    else fmt.time_range(e["opens"], e["closes"], lang))
            exceptions.append({"day": fmt.format_day(day, lang), "iso": e["date"], "what": what,
                               "note": self._german_note(e.get("note"))})
        return {
            "rows": fmt.hours_rows(hours, lang),
            "summary": fmt.hours_summary(hours, lang),
            "by_appointment": hours.get("by_appointment", False),
            "note": hours.get("note"),
            "closures": closures,
            "exceptions": exceptions,
        }

    def _german_note(self, note: str | None):
        """A note in a list of the entry (closures, exceptions: German in every
        edition), marked as German in another language's edition."""
        if note and self.lang != self.site.site_lang:
            return Markup('<span lang="{}">{}</span>').format(self.site.site_lang, note)
        return note

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
                "de_only": self.german_only(*e.shown_on),
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
                                   "id": oid, "de_only": self.german_only("offer", oid)}
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

    def qr_code(self, kind: str, entry, path: str) -> str | None:
        """The page's QR code for the Merkzettel's handout (nahbei.qrcodes), or
        None: codes off, no absolute address, or a page nobody is sent to."""
        url = self.site.absolute(path) if self.site.qr_codes else None
        return qrcodes.modules(url) if url and qrcodes.has_code(kind, entry, self.today) else None

    def easy_read(self, kind: str, entry) -> dict | None:
        """The entry's text in Leichte Sprache (its own block, and its own page), or None."""
        text = entry.easy_read
        if not text:
            return None
        key = ("easy_read", kind, entry.id)
        if key not in self._descriptions:
            self._descriptions[key] = Markup(safe_markdown.render(text, line_breaks=True))  # one statement a line
        # (Leichte Sprache is German: its page is in the site's own edition)
        return {"html": self._descriptions[key], "url": easy_read_path(getattr(self.urls, "german", None) or self.urls,
                                                                       kind, entry.id)}

    def change(self, entry, path) -> dict:
        return {"issue": self.site.change_url(entry, path), "edit": self.site.edit_url(entry.source),
                "source": entry.source}


@dataclass(frozen=True)
class _Moved:
    """The original date of a moved occurrence, shaped like an Occurrence for labels."""

    start: object
    all_day: bool
    end: object = None
