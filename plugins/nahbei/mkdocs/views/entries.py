"""The pages of single entries: an offer, an event, a contact, a place."""
from __future__ import annotations

from markupsafe import Markup

from ... import formatting as fmt
from ... import jsonld
from ...model.layout import entries_of
from ..pages import PageSpec, easy_read_entries, easy_read_path
from .parts import Parts
from .site import sort_key


def _jsonld_script(data: dict | None) -> Markup | None:
    """The JSON-LD script's text; None (no script) for an example entry."""
    return Markup(jsonld.dumps(data)) if data else None


class EntryPages(Parts):
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
        # consultation hours: one heading per place ("Außensprechstunde Buttstädt",
        # not the offer's name again), its next dates merged over its weekly
        # series, one download per series named by its days and hours
        hours_at: dict[str, dict] = {}
        for eid in self.d.events_by_offer.get(o.id, ()):
            e = self.d.events[eid]
            dates = self.next_dates(e, 3)
            if not dates:
                continue
            ics = self.site.feed("event", eid)
            if e.derived_from and e.place in self.d.places:
                name = self.d.places[e.place].name
                group = hours_at.get(e.place)
                if group is None:
                    group = hours_at[e.place] = {"title": name, "url": None, "derived": True, "next": [],
                                                 "downloads": []}
                    events.append(group)
                group["next"].extend(dates)
                slot = (f"{fmt.days_label(e.recurrence.weekly_days(e.start), self.lang)} "
                        f"{fmt.time_range(f'{e.start:%H:%M}', f'{e.end:%H:%M}' if e.end else None, self.lang)}")
                group["downloads"].append((ics, f"{name}, {slot}"))
                continue
            events.append({"title": e.title, "url": self.event_url(e), "derived": False,
                           "de_only": self.german_only(*e.shown_on),
                           "dates": [self.occurrence(x, event=False) for x in dates],
                           "downloads": [(ics, e.title)] if ics else [], "first": dates[0].start})
        for group in hours_at.values():
            merged = sorted(group.pop("next"), key=lambda x: fmt.iso(x.start))[:3]
            group["dates"] = [self.occurrence(x, event=False) for x in merged]
            group["first"] = merged[0].start
            if len(group["downloads"]) == 1:  # one series: the place's name says which
                group["downloads"] = [(group["downloads"][0][0], group["title"])]
        events.sort(key=lambda x: fmt.iso(x["first"]))
        funding = o.get("funding")
        return {
            "entry": o, "id": o.id, "de_fields": self.german_fields(o, "offer"), "name": o.name, "summary": o.get("summary"),
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
            "easy_read": self.easy_read("offer", o),
            "change": self.change(o, spec.path),
            "qr": self.qr_code("offer", o, spec.path),
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
            "entry": e, "id": e.id, "de_fields": self.german_fields(e, "event"), "name": e.title, "summary": e.get("summary"),
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
            "offer": {"name": offer.name, "url": self.urls.page("offer", offer.id),
                      "de_only": self.german_only("offer", offer.id)} if offer else None,
            "registration": ({**dict(reg), "deadline_label": fmt.format_date_long(reg["deadline"], self.lang)
                              if reg.get("deadline") else None} if reg else None),
            "invitation_only": bool(e.get("invitation_only")),
            "cost": self.cost(e),
            "languages": self.languages(e),
            "topics": self.term_links("topics", sorted(set(terms["topics"]))),
            "target_groups": self.term_links("target_groups", sorted(set(terms["target_groups"]))),
            "ics": self.site.feed("event", e.id),
            "example": self.example(e),
            "easy_read": self.easy_read("event", e),
            "change": self.change(e, spec.path),
            "qr": self.qr_code("event", e, spec.path),
            "jsonld": _jsonld_script(self.ld.event(e, dates)),
        }

    def _easy_read(self, spec: PageSpec) -> dict:
        """An entry's text in Leichte Sprache on its own page (pages.easy_read_path)."""
        entry = entries_of(self.d, spec.entry_kind)[spec.ident]
        return {"entry": entry, "name": entry.name, "kind": spec.entry_kind,
                "easy_read": self.easy_read(spec.entry_kind, entry),
                "back": self.urls.page(spec.entry_kind, spec.ident), "example": self.example(entry)}

    def _easy_read_site(self, spec: PageSpec) -> dict:
        """/leichte-sprache/: the site explained in Leichte Sprache, and the entries that have a text in it."""
        entries = [{"name": entry.name, "url": easy_read_path(self.urls, kind, ident)}
                   for kind, ident, entry in easy_read_entries(self.d)]
        entries.sort(key=lambda x: sort_key(x["name"]))
        return {"entries": entries, "search": self.site.search_path, "topics": self.urls.index("topics"),
                "calendar": self.urls.index("calendar")}

    def _next_of(self, eids) -> list[dict]:
        """The next date of each of these events (not the derived ones), soonest first."""
        events = []
        for eid in eids:
            e = self.d.events[eid]
            if e.derived_from:
                continue
            dates = self.next_dates(e, 1)
            if dates:
                events.append(self.occurrence(dates[0]))
        events.sort(key=lambda x: x["iso"])
        return events

    def _contact(self, spec: PageSpec) -> dict:
        c = self.d.contacts[spec.ident]
        offers = [self.offer_card(oid) for oid in self.d.offers_by_contact.get(c.id, ())]
        offers.sort(key=lambda x: (x["ended"], sort_key(x["name"])))
        events = self._next_of(self.d.events_by_contact.get(c.id, ()))
        children = [self.contact_ref(x) for x in self.d.children_of.get(c.id, ())]
        children.sort(key=lambda x: sort_key(x["name"]))
        address = c.get("address")
        return {
            "entry": c, "id": c.id, "de_fields": self.german_fields(c, "contact"), "name": c.name, "kind": c.kind,
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
            "easy_read": self.easy_read("contact", c),
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
        events = self._next_of(self.d.events_by_place.get(p.id, ()))
        contacts = [self.contact_ref(x) for x in self.d.contacts_by_place.get(p.id, ())]
        return {
            "entry": p, "id": p.id, "de_fields": self.german_fields(p, "place"), "name": p.name, **self.place_ref(p.id),
            "description": self.description("place", p.id),
            "offers": offers, "events": events, "contacts": contacts,
            "feed": self.site.feed("place", p.id),
            "example": self.example(p),
            "easy_read": self.easy_read("place", p),
            "change": self.change(p, spec.path),
            "qr": self.qr_code("place", p, spec.path),
            "jsonld": _jsonld_script(self.ld.place(p)),
        }
