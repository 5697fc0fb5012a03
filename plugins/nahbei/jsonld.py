"""schema.org JSON-LD for entry pages (search engines, other directories).

Generator-independent: plain dicts from the Directory, no MkDocs import.
``site_url`` makes ``@id``/``url`` absolute; without it they are left out.

- offer   → Service (GovernmentService when the provider is an office inside
            an organisation, an "Amt"), with provider, areaServed, audience and one
            availableChannel per place (its Place carries the opening hours there;
            hoursAvailable only holds hours at a place left out, see below)
- event   → Event with eventStatus, attendance mode, location, organizer and,
            for series, eventSchedule (Schedule)
- contact → Organization (or Person) with ContactPoint
- place   → Place with PostalAddress, geo and accessibility features

Example entries (``example_data``) give no JSON-LD at all, and a real entry's
JSON-LD leaves out the example entries it refers to (an example place, an
example provider). schema.org has no way to say "invented": a search engine
would take the example's hours, dates and addresses as facts, and the note
that some are invented cannot be tied to the fields it means.
"""
from __future__ import annotations

import json
from datetime import date, datetime

from .formatting import phone as format_phone
from .model.recurrence import WEEKDAYS, local_day
from .urls import Urls

SCHEMA = "https://schema.org/"
DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
EVENT_STATUS = {
    "scheduled": "EventScheduled",
    "cancelled": "EventCancelled",
    "postponed": "EventPostponed",
    "moved": "EventRescheduled",
}

__all__ = ["JsonLd", "dumps"]


def dumps(data: dict) -> str:
    """JSON for a <script type="application/ld+json"> element: '</' and '<!--'
    can never end the script early."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"), sort_keys=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def _clean(d: dict) -> dict:
    return {k: v for k, v in d.items() if v not in (None, "", [], {})}


def _day(name: str) -> str:
    return SCHEMA + DAYS[WEEKDAYS.index(name)]


def postal_address(address, country: str) -> dict | None:
    """``country``: the directory's (``Directory.country``); addresses carry none of their own."""
    if not address:
        return None
    return _clean({
        "@type": "PostalAddress",
        "streetAddress": address.get("street"),
        "postalCode": address.get("postcode"),
        "addressLocality": address.get("town"),
        "addressRegion": address.get("district"),
        "addressCountry": country,
    })


def opening_hours(hours) -> list[dict]:
    """OpeningHoursSpecification list: regular slots, closures and single-day exceptions
    (schema.org marks 'closed' as opens = closes = 00:00 for the valid period)."""
    if not hours:
        return []
    out = []
    for slot in hours.get("regular", ()):
        out.append({
            "@type": "OpeningHoursSpecification",
            "dayOfWeek": [_day(d) for d in slot["days"]],
            "opens": slot["opens"],
            "closes": slot["closes"],
        })
    for c in hours.get("closures", ()):
        out.append(_clean({
            "@type": "OpeningHoursSpecification", "opens": "00:00", "closes": "00:00",
            "validFrom": c["from"], "validThrough": c["until"], "description": c.get("note"),
        }))
    for e in hours.get("exceptions", ()):
        closed = e.get("closed")
        out.append(_clean({
            "@type": "OpeningHoursSpecification",
            "opens": "00:00" if closed else e.get("opens"),
            "closes": "00:00" if closed else e.get("closes"),
            "validFrom": e["date"], "validThrough": e["date"], "description": e.get("note"),
        }))
    return out


def _iso(v) -> str:
    if isinstance(v, datetime):
        return v.isoformat(timespec="minutes")
    if isinstance(v, date):
        return v.isoformat()
    return str(v)


class JsonLd:
    """Builds JSON-LD dicts for one Directory; cheap lookups only (per page O(1))."""

    def __init__(self, directory, urls: Urls | None = None, site_url: str | None = None, lang: str = "de"):
        self.d = directory
        self.urls = urls or Urls()
        self.site_url = (site_url or "").rstrip("/") + "/" if site_url else None
        self.lang = lang

    # -- helpers -------------------------------------------------------------

    def url(self, kind: str, ident: str) -> str | None:
        return self.site_url + self.urls.page(kind, ident) if self.site_url else None

    def _ref_contact(self, cid: str) -> dict | None:
        c = self.d.contacts.get(cid)
        if c is None or c.example_data:
            return None
        kind = "Person" if c.kind == "person" else ("GovernmentOrganization" if self._is_public(c) else "Organization")
        return _clean({"@type": kind, "@id": self.url("contact", cid), "name": c.name,
                       "url": c.get("website") or self.url("contact", cid)})

    def _is_public(self, contact) -> bool:
        """An office (Amt, Abteilung) that belongs to an organisation counts as a
        public body. The model has no explicit flag yet (see the plugin notes)."""
        return contact.kind == "office" and bool(contact.parent)

    def _place(self, pid: str, hours=None) -> dict | None:
        p = self.d.places.get(pid)
        if p is None or p.example_data:
            return None
        coords = p.get("coordinates")
        return _clean({
            "@type": "Place",
            "@id": self.url("place", pid),
            "name": p.name,
            "address": postal_address(p.address, self.d.country),
            "geo": {"@type": "GeoCoordinates", "latitude": coords["lat"], "longitude": coords["lon"]} if coords else None,
            "openingHoursSpecification": opening_hours(hours),
        })

    def _phones(self, entry) -> list[str]:
        return [format_phone(p["number"], region=self.d.country).e164 or p["number"]
                for p in entry.get("phones", ()) if p.get("type", "phone") in ("phone", "mobile")]

    def _terms(self, vocab: str, ids) -> list[str]:
        terms = self.d.taxonomy.vocabulary(vocab)
        return [terms[i].label for i in ids if i in terms]

    def _languages(self, entry) -> list[str]:
        return list(entry.get("languages", ()))

    def _offers_cost(self, entry) -> dict | None:
        cost = entry.get("cost")
        if not cost:
            return None
        if cost.get("free"):
            return {"@type": "Offer", "price": "0", "priceCurrency": "EUR"}
        return _clean({"@type": "Offer", "description": cost.get("note")})

    # -- entities --------------------------------------------------------------

    def offer(self, o) -> dict | None:
        if o.example_data:
            return None
        provider = self.d.contacts.get(o.provider)
        typ = "GovernmentService" if provider is not None and self._is_public(provider) else "Service"
        phones = self._phones(o)
        channels = []
        hours = []  # hours not already on a channel's place: there they would be twice
        for at in o.places:
            loc = self._place(at.place, at.hours)
            if not loc:
                hours += opening_hours(at.hours)
            else:
                channels.append(_clean({
                    "@type": "ServiceChannel",
                    "name": at.label,
                    "serviceLocation": loc,
                    "availableLanguage": self._languages(o),
                }))
        if phones or o.get("email"):
            channels.append(_clean({
                "@type": "ServiceChannel",
                "servicePhone": _clean({"@type": "ContactPoint", "telephone": phones[0] if phones else None,
                                        "email": o.get("email"), "availableLanguage": self._languages(o)}),
            }))
        if o.get("website"):
            channels.append({"@type": "ServiceChannel", "serviceUrl": o.get("website")})
        regions = self.d.offer_regions(o, example_places=False)
        return _clean({
            "@context": "https://schema.org",
            "@type": typ,
            "@id": self.url("offer", o.id),
            "url": self.url("offer", o.id),
            "name": o.name,
            "description": o.get("summary"),
            "serviceType": ", ".join(self._terms("topics", o.topics)),
            "category": self._terms("topics", o.topics),
            "audience": [{"@type": "Audience", "audienceType": label} for label in self._terms("target_groups", o.target_groups)],
            "areaServed": [{"@type": "AdministrativeArea", "name": label} for label in self._terms("regions", regions)],
            "provider": self._ref_contact(o.provider),
            "hoursAvailable": hours,
            "availableChannel": channels,
            "offers": self._offers_cost(o),
            "termsOfService": o.get("eligibility"),
            "keywords": ", ".join(o.get("keywords", ())) or None,
            "sameAs": o.get("website"),
        })

    def event(self, e, upcoming=()) -> dict | None:
        if e.example_data:
            return None
        first = upcoming[0] if upcoming else (e.occurrences(None, None)[:1] or [None])[0]
        start = first.start if first else e.start
        end = first.end if first else e.end
        if first is not None and first.all_day and first.end is not None:
            from datetime import timedelta
            end = first.end - timedelta(days=1)  # schema.org endDate is inclusive for dates
        status = first.status if first is not None and e.recurrence is None else e.status
        place = self._place(e.place) if e.place else None
        online = {"@type": "VirtualLocation", "url": e.get("online_url")} if e.get("online_url") else None
        mode = "MixedEventAttendanceMode" if place and online else ("OnlineEventAttendanceMode" if online else "OfflineEventAttendanceMode")
        cost = self._offers_cost(e)
        return _clean({
            "@context": "https://schema.org",
            "@type": "Event",
            "@id": self.url("event", e.id),
            "url": self.url("event", e.id),
            "name": e.title,
            "description": e.get("summary"),
            "startDate": _iso(start),
            "endDate": _iso(end) if end is not None else None,
            "eventStatus": SCHEMA + EVENT_STATUS.get(status, "EventScheduled"),
            "eventAttendanceMode": SCHEMA + mode,
            "location": [x for x in (place, online) if x] if place and online else (place or online),
            "organizer": self._ref_contact(e.organiser),
            "eventSchedule": self.schedule(e),
            "isAccessibleForFree": True if (e.get("cost") or {}).get("free") else None,
            "offers": cost,
            "inLanguage": self._languages(e),
            "audience": [{"@type": "Audience", "audienceType": label}
                         for label in self._terms("target_groups", e.get("target_groups", ()))],
        })

    def schedule(self, e) -> dict | None:
        rec = e.recurrence
        if rec is None:
            return None
        unit = {"daily": "D", "weekly": "W", "monthly": "M"}[rec.frequency]
        # the series' first date by the rule, as pages and feeds (a start off the pattern is not one)
        first = e.series.first
        start_day = local_day(first if first is not None else e.start)
        by_day = None
        if rec.frequency == "weekly":
            by_day = [_day(d) for d in rec.weekly_days(e.start)]
        elif rec.weekday:
            by_day = [_day(rec.weekday)]
        return _clean({
            "@type": "Schedule",
            "repeatFrequency": f"P{rec.interval}{unit}",
            "byDay": by_day,
            "byMonthWeek": rec.nth if rec.nth and rec.nth > 0 else None,
            "byMonthDay": rec.month_day,
            "startDate": start_day.isoformat(),
            "endDate": rec.until.isoformat() if rec.until else None,
            "repeatCount": rec.count,
            "startTime": e.start.strftime("%H:%M") if isinstance(e.start, datetime) else None,
            "endTime": e.end.strftime("%H:%M") if isinstance(e.end, datetime) else None,
            "scheduleTimezone": e.tz,
            # the model's reading (Event.series): the rule's dates taken out or cancelled
            "exceptDate": [local_day(x).isoformat() for x in (*e.series.excluded, *e.series.cancelled)],
        })

    def contact(self, c) -> dict | None:
        if c.example_data:
            return None
        person = c.kind == "person"
        parent = self._ref_contact(c.parent) if c.parent else None
        address = c.get("address")
        seat = self.d.places.get(c.get("place")) if c.get("place") else None
        if not address and seat is not None and not seat.example_data:
            address = seat.address
        phones = self._phones(c)
        point = _clean({
            "@type": "ContactPoint",
            "contactType": c.get("role") or c.get("department"),
            "telephone": phones[0] if phones else None,
            "email": c.get("email"),
            "hoursAvailable": opening_hours(c.get("hours")),
        })
        return _clean({
            "@context": "https://schema.org",
            "@type": "Person" if person else ("GovernmentOrganization" if self._is_public(c) else "Organization"),
            "@id": self.url("contact", c.id),
            "url": c.get("website") or self.url("contact", c.id),
            "name": c.name,
            "jobTitle": c.get("role") if person else None,
            "description": None if person else c.get("role"),
            "telephone": phones[0] if phones else None,
            "email": c.get("email"),
            "address": postal_address(address, self.d.country),
            "worksFor" if person else "parentOrganization": parent,
            "contactPoint": [point] if len(point) > 1 else None,
        })

    def place(self, p) -> dict | None:
        if p.example_data:
            return None
        acc = p.get("accessibility") or {}
        features = []
        if acc.get("wheelchair"):
            features.append({"@type": "LocationFeatureSpecification", "name": "wheelchairAccessible",
                             "value": acc["wheelchair"] == "full"})
        if "accessible_toilet" in acc:
            features.append({"@type": "LocationFeatureSpecification", "name": "accessibleToilet",
                             "value": bool(acc["accessible_toilet"])})
        if "hearing_loop" in acc:
            features.append({"@type": "LocationFeatureSpecification", "name": "hearingLoop",
                             "value": bool(acc["hearing_loop"])})
        data = self._place(p.id) or {}
        data.update(_clean({
            "amenityFeature": features,
            "containedInPlace": ({"@type": "AdministrativeArea", "name": self.d.taxonomy.regions[p.region].label}
                                 if p.region and p.region in self.d.taxonomy.regions else None),
            "url": self.url("place", p.id),
        }))
        return {"@context": "https://schema.org", **data}
