"""The directory in Open Referral's HSDS 3.0, the format service directories
exchange (no MkDocs import).

What maps to what:

- offer → service, with one service_at_location per place it names, each with
  that place's opening hours as schedules (ThINKA: head office and outreach
  hours are four service_at_locations, each with its own times);
- contact of kind organisation or office → organization (an office's parent
  is its parent_organization_id); contact of kind person → contact, on the
  services that name it and on its organisation;
- place → location (physical, address, coordinates, accessibility);
- topics and target groups → taxonomy terms linked as attributes; regions →
  service areas (and a location's region an attribute).

Events have no HSDS object: they are in the iCalendar feeds. No ``metadata``
records either: HSDS' change records name who changed which field, and the
directory does not publish its volunteers' names; ``last_modified`` (from the
content's git history) says when a service last changed.

Ids are UUIDs (version 5) of ``<kind>/<entry id>`` and, for the parts of an
entry, ``#<part>`` after it, in a namespace made from the site's address: the
same entry keeps its UUID in every build, and two directories never share
one. Times (``opens_at``, ``closes_at``) are local times of the directory's
time zone, which ``index.json`` names: HSDS' ``timezone`` is one fixed UTC
offset, which weekly hours across daylight saving time cannot have.

Invented facts stay marked: an example entry's object carries an attribute
``link_type: example_data`` whose ``value`` says what is invented, and a
service its ``alert`` too. Ended offers are ``defunct``, paused ones
``temporarily closed``.

``build`` returns the objects; ``write`` writes the static equivalent of the
HSDS API under ``api/hsds/``: ``index.json`` (``/``), ``services/<id>.json``
(``/services/{id}``, each with its service_at_locations, their schedules and
locations), ``services/page-<n>.json`` (``/services``), the same for
organizations, ``locations/page-<n>.json`` (whole locations: HSDS has no
brief form of one, and its API no ``/locations/{id}``), ``taxonomies.json``
and ``taxonomy_terms.json``.
No separate ``/service_at_locations`` files: at 10,000 entries they were
31 MB in 6,800 files, each a copy of a part of a service. ``index.json``
names the site, so that ``nahbei import hsds`` can find the entry ids again.
"""
from __future__ import annotations

import functools
import hashlib
import json
import math
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import timezone
from pathlib import Path

from .. import formatting as fmt
from ..i18n import t
from ..urls import Urls

__all__ = ["FOLDER", "HSDS_VERSION", "PER_PAGE", "Export", "build", "namespace", "write"]

HSDS_VERSION = "3.0"
PROFILE = "https://docs.openreferral.org/en/latest/hsds/"
FOLDER = "hsds"  # below the open-data folder (urls.index("api"))
PER_PAGE = 500  # objects on one page of a list
# the offer's status -> HSDS service status
STATUS = {"active": "active", "paused": "temporarily closed", "ended": "defunct"}
# our phone types -> RFC 6350 types, as HSDS asks
PHONE_TYPE = {"phone": "voice", "mobile": "cell", "fax": "fax", "sms": "text", "whatsapp": "text"}
BYDAY = {"mo": "MO", "di": "TU", "mi": "WE", "do": "TH", "fr": "FR", "sa": "SA", "so": "SU"}
TAXONOMIES = ("topics", "target_groups", "regions")
EXAMPLE = "example_data"
MARKERS = "markers"  # the taxonomy of the term EXAMPLE


def namespace(site_url: str | None) -> uuid.UUID:
    """The namespace of this directory's UUIDs: from its address, so that
    neighbouring directories' ids never collide."""
    return uuid.uuid5(uuid.NAMESPACE_URL, (site_url or "urn:nahbei").rstrip("/") + "/")


def _clean(d: dict) -> dict:
    """Without empty values: HSDS leaves a field out when it is unknown."""
    return {k: v for k, v in d.items() if v not in (None, "", [], {})}


def _time(hhmm: str | None) -> str | None:
    """``09:00`` -> ``09:00:00``: the time as the specification's examples and
    the Tabular Data Package's ``time`` type write it."""
    return f"{hhmm}:00" if hhmm and len(hhmm) == 5 else hhmm


def _text(entry, *keys) -> str | None:
    parts = [entry.get(k) for k in keys]
    return "\n\n".join(p.strip() for p in parts if p) or None


@dataclass
class Export:
    """Every HSDS object of one directory (``build``)."""

    services: dict = field(default_factory=dict)  # uuid -> full service (compiled/service.json)
    service_list: list = field(default_factory=list)  # compiled/service_list.json items
    organizations: dict = field(default_factory=dict)  # uuid -> compiled/organization.json
    organization_list: list = field(default_factory=list)
    locations: dict = field(default_factory=dict)  # uuid -> location.json
    taxonomies: list = field(default_factory=list)
    taxonomy_terms: list = field(default_factory=list)
    index: dict = field(default_factory=dict)


class _Mapper:
    def __init__(self, directory, urls: Urls, site_url: str | None, lang: str, history=None,
                 state: str | None = None):
        self.state = state
        self.d = directory
        self.urls = urls
        self.site_url = site_url.rstrip("/") + "/" if site_url else None
        self.lang = lang
        self.history = history
        self.ns = namespace(site_url)
        self._ns_bytes = self.ns.bytes
        self._terms: dict[tuple[str, str], dict] = {}
        self._locations: dict[str, dict] = {}  # place id -> location: one object wherever it is shown
        self._slot_texts: dict[tuple, str] = {}  # the same hours recur across many offers
        # a place that is the seat of one organisation names it (location.organization_id),
        # so the seat survives the tables too
        seats: dict[str, list[str]] = {}
        for c in directory.contacts.values():
            if c.kind != "person" and c.get("place"):
                seats.setdefault(c.get("place"), []).append(c.id)
        self.seats = {p: ids[0] for p, ids in seats.items() if len(ids) == 1}

    # -- ids and addresses ---------------------------------------------------
    def uid(self, kind: str, ident: str, part: str | None = None) -> str:
        # uuid.uuid5 without the UUID object (RFC 4122 4.3: SHA-1 of namespace and
        # name, version and variant bits set): the same string (tested), a third of
        # the time, for the ~200,000 ids of 10,000 entries
        d = bytearray(hashlib.sha1(self._ns_bytes + f"{kind}/{ident}{'#' + part if part else ''}".encode()).digest())
        d[6] = (d[6] & 0x0F) | 0x50
        d[8] = (d[8] & 0x3F) | 0x80
        h = d[:16].hex()
        return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"

    def page(self, kind: str, ident: str) -> str | None:
        return self.site_url + self.urls.page(kind, ident) if self.site_url else None

    def modified(self, entry, shown=()) -> str | None:
        """When git last changed the entry's file or one it shows (ISO date-time, UTC)."""
        if not self.history:
            return None
        when = self.history.version(entry.source, shown).last_modified
        return when.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ") if when else None

    # -- parts shared by several objects ---------------------------------------
    def example(self, kind: str, entry, link_entity: str, part: str = "") -> list[dict]:
        """The attribute that marks an example entry's object (``part``: the
        object's part of the entry, as in ``uid``)."""
        if not entry.example_data:
            return []
        marker = self.marker()
        return [{"id": self.uid(kind, entry.id, f"{part}/{EXAMPLE}" if part else EXAMPLE),
                 "link_id": self.uid(kind, entry.id, part or None), "link_type": EXAMPLE,
                 "link_entity": link_entity, "taxonomy_term_id": marker["id"], "taxonomy_term": marker,
                 "value": entry.example_data.strip()}]

    # The mark "example data" is a term of a taxonomy of its own ("markers"): an
    # HSDS attribute names a term (the Tabular Data Package requires it).
    def marker_taxonomy(self) -> dict:
        return {"id": self.uid("taxonomy", MARKERS), "name": t("ui.hsds.markers", self.lang),
                "description": t("ui.hsds.markers_description", self.lang)}

    @functools.cached_property
    def _marker(self) -> dict:
        return {"id": self.uid(MARKERS, EXAMPLE), "code": EXAMPLE, "name": t("ui.hsds.example_term", self.lang),
                "description": t("ui.hsds.example_term_description", self.lang), "taxonomy": MARKERS,
                "language": self.lang, "taxonomy_id": self.uid("taxonomy", MARKERS)}

    def marker(self) -> dict:
        """The term "example data": one object for every attribute that names it."""
        return self._marker

    def phones(self, kind: str, entry, part: str = "", **owner) -> list[dict]:
        out = []
        for n, p in enumerate(entry.get("phones", ())):
            shown = fmt.phone(p["number"], p.get("type", "phone"), region=self.d.country)
            out.append(_clean({"id": self.uid(kind, entry.id, f"{part}phone-{n}"), **owner,
                               "number": shown.e164 or p["number"], "type": PHONE_TYPE[p.get("type", "phone")],
                               "description": p.get("note")}))
        return out

    def languages(self, kind: str, entry, **owner) -> list[dict]:
        return [{"id": self.uid(kind, entry.id, f"language-{code}"), **owner,
                 "name": fmt.language_name(code, self.lang), "code": code}
                for code in entry.get("languages", ())]

    def term(self, vocab: str, tid: str) -> dict:
        key = (vocab, tid)
        if key not in self._terms:
            term = self.d.taxonomy.vocabulary(vocab)[tid]
            self._terms[key] = _clean({
                "id": self.uid(vocab, tid), "code": tid, "name": term.label,
                "description": term.description or term.phrase or term.label,
                "parent_id": self.uid(vocab, term.parent) if term.parent else None,
                "taxonomy": vocab, "language": self.lang, "taxonomy_id": self.uid("taxonomy", vocab),
                "term_uri": self.page(vocab, tid)})
        return self._terms[key]

    def taxonomy(self, vocab: str) -> dict:
        return _clean({"id": self.uid("taxonomy", vocab), "name": t(f"ui.index.{vocab}", self.lang),
                       "description": t("ui.hsds.taxonomy_description", self.lang,
                                        name=t(f"ui.index.{vocab}", self.lang)),
                       "uri": self.site_url + self.urls.index(vocab) if self.site_url else None})

    def attributes(self, kind: str, entry, link_entity: str, vocabs: dict) -> list[dict]:
        out = []
        for vocab, ids in vocabs.items():
            for tid in ids:
                if tid not in self.d.taxonomy.vocabulary(vocab):
                    continue
                # the taxonomy itself is in taxonomies.json (taxonomy_id), not repeated in every attribute
                term = self.term(vocab, tid)
                out.append({"id": self.uid(kind, entry.id, f"{vocab}-{tid}"), "link_id": self.uid(kind, entry.id),
                            "link_type": vocab, "link_entity": link_entity,
                            "taxonomy_term_id": term["id"], "taxonomy_term": term})
        return out + self.example(kind, entry, link_entity)

    def schedules(self, hours, key: tuple[str, str, str], period=None, **owner) -> list[dict]:
        """Opening hours as schedules: a weekly one per slot (valid within the
        offer's period), a closure as a schedule valid from its first to its
        last day without opening times, a day's exception as one for that day
        (``dtstart``), with its hours or without (closed)."""
        if not hours:
            return []
        kind, ident, at = key
        period = period or {}
        out = []
        for n, slot in enumerate(hours.get("regular", ())):
            out.append(_clean({
                "id": self.uid(kind, ident, f"{at}/hours-{n}"), **owner,
                "valid_from": period.get("from"), "valid_to": period.get("until"),
                "freq": "WEEKLY", "wkst": "MO", "byday": ",".join(BYDAY[d] for d in slot["days"]),
                "opens_at": _time(slot["opens"]), "closes_at": _time(slot["closes"]),
                "description": self.slot_text(slot), "notes": slot.get("note"),
                "attending_type": t("ui.hsds.in_person", self.lang)}))
        if hours.get("by_appointment") or hours.get("note"):
            text = [t("ui.hours.by_appointment", self.lang)] if hours.get("by_appointment") else []
            out.append(_clean({"id": self.uid(kind, ident, f"{at}/note"), **owner,
                               "description": " ".join(text + ([hours["note"]] if hours.get("note") else []))}))
        for n, c in enumerate(hours.get("closures", ())):
            out.append(_clean({"id": self.uid(kind, ident, f"{at}/closure-{n}"), **owner,
                               "valid_from": c["from"], "valid_to": c["until"],
                               "description": t("ui.hours.closed", self.lang), "notes": c.get("note")}))
        for n, e in enumerate(hours.get("exceptions", ())):
            closed = e.get("closed")
            out.append(_clean({
                "id": self.uid(kind, ident, f"{at}/exception-{n}"), **owner,
                "valid_from": e["date"], "valid_to": e["date"], "dtstart": e["date"],
                "opens_at": None if closed else _time(e.get("opens")),
                "closes_at": None if closed else _time(e.get("closes")),
                "description": t("ui.hours.closed", self.lang) if closed else None, "notes": e.get("note")}))
        return out

    # -- locations -------------------------------------------------------------
    def addresses(self, kind: str, ident: str, address, **owner) -> list[dict]:
        """The postal address, when it is complete: HSDS requires street,
        postcode and state (``state``, the directory's, from its
        configuration). A place without one has no address here: nothing is
        made up."""
        if not (address.get("street") and address.get("postcode") and self.state):
            return []
        return [{"id": self.uid(kind, ident, "address"), **owner,
                 "address_1": address["street"], "city": address["town"],
                 **({"region": address["district"]} if address.get("district") else {}),
                 "state_province": self.state, "postal_code": address["postcode"],
                 "country": self.d.country, "address_type": "physical"}]

    def location(self, p) -> dict:
        if p.id not in self._locations:
            self._locations[p.id] = self._location(p)
        return self._locations[p.id]

    def slot_text(self, slot: dict) -> str:
        key = (tuple(slot["days"]), slot["opens"], slot["closes"])
        if key not in self._slot_texts:
            self._slot_texts[key] = fmt.hours_summary({"regular": [slot]}, self.lang)
        return self._slot_texts[key]

    def _location(self, p) -> dict:
        lid = self.uid("place", p.id)
        coords = p.get("coordinates") or {}
        lines = fmt.accessibility_lines(p.get("accessibility"), self.lang)
        return _clean({
            "id": lid, "location_type": "physical", "url": self.page("place", p.id),
            "organization_id": self.uid("contact", self.seats[p.id]) if p.id in self.seats else None,
            "name": p.name,
            "description": _text(p, "description"), "transportation": p.get("transport"),
            "latitude": coords.get("lat"), "longitude": coords.get("lon"),
            "external_identifier": p.id, "external_identifier_type": "nahbei",
            "addresses": self.addresses("place", p.id, p.address, location_id=lid),
            "accessibility": [{"id": self.uid("place", p.id, "accessibility"), "location_id": lid,
                               "description": " ".join(lines)}] if lines else [],
            "attributes": self.attributes("place", p, "location", {"regions": [p.region] if p.region else []}),
        })

    # -- organizations and contacts ------------------------------------------
    def organization_of(self, cid: str | None):
        """The organisation an offer's provider or a person belongs to: the
        contact itself when it is an organisation or office, else its parent."""
        seen = set()
        while cid and cid in self.d.contacts and cid not in seen:
            seen.add(cid)
            c = self.d.contacts[cid]
            if c.kind != "person":
                return c
            cid = c.parent
        return None

    def contact(self, c, part: str = "", **owner) -> dict:
        """A person as HSDS contact of one owner. An HSDS contact belongs to one
        organization or service, so a person named by several offers is one
        contact per offer (``part``: ``for-<offer>/``) besides the one of
        their organisation; the ids stay distinct in the tables."""
        cid = self.uid("contact", c.id, part.rstrip("/") or None)
        return _clean({"id": cid, **owner, "name": c.name, "title": c.get("role"),
                       "department": c.get("department"), "email": c.get("email"),
                       "phones": self.phones("contact", c, part, contact_id=cid),
                       "attributes": self.example("contact", c, "contact", part.rstrip("/"))})

    def organization_brief(self, c) -> dict:
        parent = self.organization_of(c.parent) if c.parent else None
        return {"id": self.uid("contact", c.id), "name": c.name,
                # required, and not empty in the tables
                "description": _text(c, "description") or t("ui.hsds.no_description", self.lang),
                **_clean({"email": c.get("email"), "website": c.get("website"), "uri": self.page("contact", c.id),
                          "parent_organization_id": self.uid("contact", parent.id) if parent else None})}

    def organization(self, c, services: list[dict]) -> dict:
        oid = self.uid("contact", c.id)
        people = [self.d.contacts[x] for x in self.d.children_of.get(c.id, ()) if self.d.contacts[x].kind == "person"]
        seat = self.d.places.get(c.get("place")) if c.get("place") else None
        return {**self.organization_brief(c), **_clean({
            "phones": self.phones("contact", c, organization_id=oid),
            "contacts": [self.contact(x, organization_id=oid) for x in people],
            "locations": [self.location(seat)] if seat is not None else [],
            "attributes": self.example("contact", c, "organization"),
            "services": services,
        })}

    # -- services ----------------------------------------------------------
    def service_brief(self, o) -> dict:
        org = self.organization_of(o.provider)
        cost = o.get("cost") or {}
        age = o.get("age") or {}
        appointment = o.get("appointment")
        process = None
        if appointment:
            key = "ui.offer.appointment_required" if appointment["required"] else "ui.offer.appointment_not_required"
            process = " ".join(x for x in (t(key, self.lang), appointment.get("note")) if x)
        status = "defunct" if o.is_ended(self.d.today) else STATUS[o.status]
        shown = [self.d.places[p].source for p in o.place_ids if p in self.d.places]
        return _clean({
            "id": self.uid("offer", o.id), "organization_id": self.uid("contact", org.id) if org else None,
            "name": o.name, "description": _text(o, "summary", "description"),
            "url": o.get("website") or self.page("offer", o.id), "email": o.get("email"), "status": status,
            "application_process": process,
            "fees_description": (" ".join(x for x in (t("ui.cost.free" if cost["free"] else "ui.cost.paid", self.lang),
                                                      cost.get("note")) if x) if cost else None),
            "eligibility_description": o.get("eligibility"),
            "minimum_age": age.get("min"), "maximum_age": age.get("max"),
            "assured_date": o.get("last_reviewed"),
            "alert": t("ui.hsds.example_alert", self.lang, what=o.example_data.strip()) if o.example_data else None,
            "last_modified": self.modified(o, shown),
        })

    def service_at_location(self, o, n: int, at, sid: str) -> tuple[str, dict] | None:
        p = self.d.places.get(at.place)
        if p is None:
            return None
        said = self.uid("offer", o.id, f"at-{n}-{p.id}")
        return said, _clean({
            "id": said, "service_id": sid, "location_id": self.uid("place", p.id),
            "description": at.label or None,
            "schedules": self.schedules(at.hours, ("offer", o.id, f"at-{n}"), o.get("period"),
                                        service_at_location_id=said),
            "location": self.location(p),
        })

    def service(self, o) -> dict:
        sid = self.uid("offer", o.id)
        org = self.organization_of(o.provider)
        brief = self.service_brief(o)
        funding = o.get("funding") or {}
        sources = ([funding["programme"]] if funding.get("programme") else []) + list(funding.get("funders", ()))
        cost = o.get("cost")
        sals = [x for x in (self.service_at_location(o, n, at, sid) for n, at in enumerate(o.places)) if x]
        people = [self.d.contacts[c] for c in o.get("contacts", ()) if c in self.d.contacts]
        return _clean({
            **brief,
            "phones": self.phones("offer", o, service_id=sid),
            "languages": self.languages("offer", o, service_id=sid),
            "service_areas": [_clean({"id": self.uid("offer", o.id, f"area-{r}"), "service_id": sid,
                                      "name": self.d.taxonomy.regions[r].label, "uri": self.page("regions", r)})
                              for r in o.regions if r in self.d.taxonomy.regions],
            "service_at_locations": [x for _, x in sals],
            "organization": self.organization_brief(org) if org else None,
            "funding": [{"id": self.uid("offer", o.id, f"funding-{n}"), "service_id": sid, "source": s}
                        for n, s in enumerate(sources)],
            "cost_options": [_clean({"id": self.uid("offer", o.id, "cost"), "service_id": sid,
                                     "option": t("ui.cost.free" if cost["free"] else "ui.cost.paid", self.lang),
                                     "amount_description": cost.get("note")})] if cost else [],
            "contacts": [self.contact(c, f"for-{o.id}/", service_id=sid) for c in people],
            "attributes": self.attributes("offer", o, "service",
                                          {"topics": o.topics, "target_groups": o.target_groups}),
        })


def build(directory, urls: Urls | None = None, site_url: str | None = None, *, lang: str = "de",
          history=None, licence: str | None = None, licence_url: str | None = None,
          tz: str | None = None, state: str | None = None) -> Export:
    """Every HSDS object of ``directory``. ``history``: a ``feeds.versions.History``
    (``last_modified``); ``licence`` and ``licence_url``: the data's licence,
    named in the index; ``state``: the state (Bundesland) of the addresses."""
    m = _Mapper(directory, urls or Urls(), site_url, lang, history, state)
    out = Export()
    d = directory
    by_org: dict[str, list[dict]] = {}
    for oid in sorted(d.offers):
        o = d.offers[oid]
        service = m.service(o)
        out.services[service["id"]] = service
        item = dict(m.service_brief(o))
        if service.get("organization"):
            item["organization"] = service["organization"]
        out.service_list.append(item)
        if service.get("organization_id"):
            by_org.setdefault(service["organization_id"], []).append(
                {k: service[k] for k in ("id", "name", "status") if k in service})
    for cid in sorted(d.contacts):
        c = d.contacts[cid]
        if c.kind == "person":
            continue
        org = m.organization(c, by_org.get(m.uid("contact", cid), []))
        out.organizations[org["id"]] = org
        out.organization_list.append(m.organization_brief(c))
    for pid in sorted(d.places):
        loc = m.location(d.places[pid])
        out.locations[loc["id"]] = loc
    out.taxonomies = [m.taxonomy(v) for v in TAXONOMIES] + [m.marker_taxonomy()]
    out.taxonomy_terms = [m.term(v, tid) for v in TAXONOMIES for tid in d.taxonomy.vocabulary(v)] + [m.marker()]
    out.index = _clean({
        "version": HSDS_VERSION, "profile": PROFILE,
        # the site whose ids these are: an import finds its entry ids again (nahbei import hsds)
        "site": m.site_url,
        "generated": d.today.isoformat(), "timezone": tz or d.tz, "language": lang,
        "licence": _clean({"name": licence, "url": licence_url}) if licence else None,
        "counts": {"services": len(out.services), "organizations": len(out.organizations),
                   "service_at_locations": sum(len(s.get("service_at_locations", ())) for s in out.services.values()),
                   "locations": len(out.locations),
                   "taxonomy_terms": len(out.taxonomy_terms)},
    })
    return out


def _pages(items: list, per_page: int) -> list[dict]:
    """A list as the HSDS API pages it (compiled/*_list.json: total_items … contents)."""
    total = len(items)
    pages = max(1, math.ceil(total / per_page))
    return [{"total_items": total, "total_pages": pages, "page_number": n + 1,
             "size": len(items[n * per_page:(n + 1) * per_page]), "first_page": n == 0,
             "last_page": n == pages - 1, "empty": total == 0,
             "contents": items[n * per_page:(n + 1) * per_page]} for n in range(pages)]


def _dump(path: Path, doc) -> None:
    # compact: the C encoder (indent= takes the pure-Python one)
    path.write_text(json.dumps(doc, ensure_ascii=False, separators=(",", ":")) + "\n", "utf-8")


def _dump_all(jobs: list[tuple[Path, object]]) -> None:
    """Write many files: creating a file is a wait on the file system (0.5 ms
    each here, 8,000 files at 10,000 entries), which threads overlap."""
    with ThreadPoolExecutor(max_workers=4) as pool:
        for _ in pool.map(lambda job: _dump(*job), jobs, chunksize=64):
            pass


def write(export: Export, folder: str | Path, *, per_page: int = PER_PAGE) -> list[Path]:
    """Write ``export`` into ``folder`` (``<site>/api/hsds``); the paths written."""
    root = Path(folder)
    jobs: list[tuple[Path, object]] = []
    files: dict[str, object] = {}
    for name, objects, listing in (("services", export.services, export.service_list),
                                   ("organizations", export.organizations, export.organization_list),
                                   ("locations", export.locations, list(export.locations.values()))):
        sub = root / name
        sub.mkdir(parents=True, exist_ok=True)
        pages = _pages(listing, per_page)
        jobs += [(sub / f"page-{page['page_number']}.json", page) for page in pages]
        files[name] = {"list": [f"{name}/page-{p['page_number']}.json" for p in pages]}
        if name != "locations":  # the API has /services/{id} and /organizations/{id}, no /locations/{id}
            jobs += [(sub / f"{oid}.json", obj) for oid, obj in objects.items()]
            files[name]["item"] = f"{name}/{{id}}.json"
    for name, items in (("taxonomies", export.taxonomies), ("taxonomy_terms", export.taxonomy_terms)):
        jobs.append((root / f"{name}.json", _pages(items, max(1, len(items)))[0]))
        files[name] = {"list": [f"{name}.json"]}
    jobs.append((root / "index.json", dict(export.index, files=files)))
    _dump_all(jobs)
    return [path for path, _ in jobs]
