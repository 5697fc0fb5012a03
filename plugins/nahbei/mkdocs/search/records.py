"""What the search index knows about each entry (no MkDocs import).

One :class:`SearchRecord` per entry page: Pagefind filters (kind, topic,
target group, region, language, features), metadata for the result list,
sort keys, and the entry's ``keywords``. ``None`` means "not in the index":
ended offers and events with no date from today on.

Filter names and values are the words residents read in the filter pane, so
they come from the locale files (``search.filter.*``) and the taxonomy
labels, never from ids.

Regions are widened both ways, because residents choose where they live:
an offer for the whole county is listed under each town in it (descendants),
and an offer in a district is listed under its town and county (ancestors).
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta

from babel.dates import format_date, format_datetime

from ...formatting import language_name
from ...i18n import t
from ...model.geo import entry_positions_text
from ...model.layout import ENTRY_KINDS as KINDS

#: How far ahead to look for an event's next date.
HORIZON_DAYS = 400
#: How far back to look for events that started earlier and still run.
LOOKBACK_DAYS = 60


@dataclass
class SearchRecord:
    kind: str  # offer | event | contact | place
    ident: str
    filters: dict[str, list[str]] = field(default_factory=dict)  # filter name -> values, in order
    meta: dict[str, str] = field(default_factory=dict)  # shown in results (title, kind, summary, date, status)
    sort: dict[str, str] = field(default_factory=dict)  # sort key -> sortable value (ISO dates)
    keywords: list[str] = field(default_factory=list)  # searchable, never shown on the page

    def add(self, name: str, *values: str) -> None:
        for v in values:
            if not v:
                continue
            bucket = self.filters.setdefault(name, [])
            if v not in bucket:
                bucket.append(v)


#: What an entry's text is made of where it has no page to index (RecordBuilder.content):
#: its own words, in the order a page shows them; Markdown fields are read as text.
# Without descriptions: every German-only entry is a record in each other language's
# index (at 10,000 entries and four languages ~31,000 records, which took Pagefind's
# process from 1.8 to 2.9 GB with descriptions); name, summary, terms and places find it.
CONTENT_FIELDS = {
    "offer": ("name", "summary", "eligibility"),
    "event": ("title", "summary"),
    "contact": ("name", "role", "department"),
    "place": ("name", "transport"),
}
ADDRESS_FIELDS = ("street", "postcode", "town", "district")


def one_line(text) -> str:
    return " ".join(str(text).split())


def address_text(address) -> str:
    """Street, postcode, town and district of an address, as one line."""
    if not isinstance(address, Mapping):
        return ""
    return " ".join(str(address[k]) for k in ADDRESS_FIELDS if address.get(k))


class RecordBuilder:
    """Builds search records from a :class:`nahbei.model.directory.Directory`."""

    def __init__(self, directory, lang: str = "de"):
        self.d = directory
        self.lang = lang
        self.today: date = directory.today

    # -- labels ------------------------------------------------------------------

    def t(self, key: str, **params) -> str:
        return t(key, self.lang, **params)

    def filter_name(self, key: str) -> str:
        return self.t(f"search.filter.{key}")

    def term_label(self, vocab: str, tid: str) -> str | None:
        term = self.d.taxonomy.vocabulary(vocab).get(tid)
        return term.label if term else None

    # -- regions -----------------------------------------------------------------

    def widen(self, region_ids, *, down: bool = True) -> list[str]:
        tax = self.d.taxonomy
        out: list[str] = []
        for rid in region_ids:
            for r in [rid, *tax.ancestors("regions", rid), *(tax.descendants("regions", rid) if down else ())]:
                if r not in out:
                    out.append(r)
        return out

    def add_regions(self, rec: SearchRecord, region_ids, *, down: bool = True) -> None:
        labels = [self.term_label("regions", r) for r in self.widen(region_ids, down=down)]
        rec.add(self.filter_name("region"), *sorted(filter(None, labels)))

    def add_terms(self, rec: SearchRecord, vocab: str, key: str, ids) -> None:
        rec.add(self.filter_name(key), *filter(None, (self.term_label(vocab, i) for i in ids)))

    # -- features ----------------------------------------------------------------

    def wheelchair_full(self, place_ids) -> bool:
        for pid in place_ids:
            place = self.d.places.get(pid)
            if place and (place.get("accessibility") or {}).get("wheelchair") == "full":
                return True
        return False

    def add_features(self, rec: SearchRecord, *, free=None, wheelchair=False, appointment=None) -> None:
        name = self.filter_name("feature")
        if free:
            rec.add(name, self.t("search.feature.free"))
        if wheelchair:
            rec.add(name, self.t("search.feature.wheelchair"))
        if appointment is True:
            rec.add(name, self.t("search.feature.appointment"))
        elif appointment is False:
            rec.add(name, self.t("search.feature.no_appointment"))

    def add_languages(self, rec: SearchRecord, codes) -> None:
        rec.add(self.filter_name("language"), *(language_name(c, self.lang) for c in codes))

    # -- records -----------------------------------------------------------------

    def record(self, kind: str, ident: str) -> SearchRecord | None:
        if kind not in KINDS:
            return None
        return getattr(self, f"_{kind}")(ident)

    def content(self, kind: str, ident: str) -> str:
        """The text of an entry as a search record without a page of its own
        (an entry that another language's edition links in German): what its
        page says in words – its own texts, the topics, target groups and
        regions it is listed under, and the names and addresses of its places
        and contacts – one paragraph each."""
        entry = getattr(self.d, f"{kind}s").get(ident)
        if entry is None:
            return ""
        parts = []
        for name in CONTENT_FIELDS.get(kind, ("name",)):
            value = entry.get(name)
            if isinstance(value, str) and value.strip():
                parts.append(value)
        if kind == "offer":
            terms, places, contacts = self.d.offer_terms(entry), entry.place_ids, (entry.provider,)
        elif kind == "event":
            offer = self.d.offers.get(entry.offer) if entry.offer else None
            terms, places, contacts = self.d.event_terms(ident), (entry.place,), (entry.organiser,)
            parts.append(offer.name if offer is not None else "")
        elif kind == "contact":
            terms, places, contacts = {}, (entry.get("place"),), (entry.get("parent"),)
        else:
            terms, places, contacts = {"regions": (entry.region,)}, (), ()
            parts.append(address_text(entry.get("address")))
        for vocab in ("topics", "target_groups", "regions"):
            parts.append(", ".join(filter(None, (self.term_label(vocab, i) for i in terms.get(vocab, ()) if i))))
        for pid in places:
            place = self.d.places.get(pid) if pid else None
            if place is not None:
                parts.append(f"{place.name} {address_text(place.get('address'))}")
        for cid in contacts:
            contact = self.d.contacts.get(cid) if cid else None
            if contact is not None:
                parts.append(contact.name)
        return "\n".join(filter(None, (one_line(p) for p in parts)))

    def _base(self, kind: str, ident: str, title: str, kind_label: str, summary=None) -> SearchRecord:
        rec = SearchRecord(kind, ident)
        rec.add(self.filter_name("kind"), kind_label)
        rec.meta["title"] = " ".join(str(title).split())
        rec.meta["kind"] = kind_label
        if summary:
            rec.meta["summary"] = " ".join(str(summary).split())
        # where the entry is (its places' positions): search.js orders by distance
        # with it when an entry is missing from the distance file (nearby.py)
        rec.meta["geo"] = entry_positions_text(self.d, kind, ident)
        return rec

    def _offer(self, ident: str) -> SearchRecord | None:
        o = self.d.offers.get(ident)
        if o is None or o.is_ended(self.today):
            return None
        rec = self._base("offer", ident, o.name, self.t("search.kind.offer"), o.get("summary"))
        self.add_terms(rec, "topics", "topic", o.topics)
        self.add_terms(rec, "target_groups", "group", o.target_groups)
        self.add_regions(rec, self.d.offer_regions(o))
        self.add_languages(rec, o.get("languages", ()))
        appointment = o.get("appointment")
        self.add_features(rec, free=(o.get("cost") or {}).get("free"),
                          wheelchair=self.wheelchair_full(o.place_ids),
                          appointment=appointment.get("required") if appointment else None)
        if o.status == "paused":
            rec.meta["status"] = self.t("search.status.paused")
        rec.keywords = [" ".join(str(k).split()) for k in o.get("keywords", ()) if str(k).strip()]
        return rec

    def next_occurrence(self, e):
        """(next occurrence that takes place, status note) – the occurrence is
        None when nothing is left from today on; a cancelled or postponed event
        with dates ahead gives its first date and the status."""
        since = self.today - timedelta(days=LOOKBACK_DAYS)
        # nine weeks first (as the pages ask), the whole horizon only when nothing runs in them
        window = e.occurrences(since, self.today + timedelta(days=63))
        if not any(o.status in ("scheduled", "moved") and o.day >= self.today for o in window):
            window = e.occurrences(since, self.today + timedelta(days=HORIZON_DAYS))

        def last_day(o) -> date:
            if o.end is None:
                return o.day
            if o.all_day:
                return o.end - timedelta(days=1)
            return o.end.date()

        ahead = [o for o in window if last_day(o) >= self.today]
        running = [o for o in ahead if o.status in ("scheduled", "moved")]
        if running:
            return running[0], None
        if ahead:
            return ahead[0], ahead[0].status
        return None, None

    def _event(self, ident: str) -> SearchRecord | None:
        e = self.d.events.get(ident)
        if e is None or e.derived_from:
            return None
        occ, status = self.next_occurrence(e)
        if occ is None:
            return None
        offer = self.d.offers.get(e.offer) if e.offer else None
        summary = e.get("summary") or (offer.get("summary") if offer else None)
        rec = self._base("event", ident, e.title, self.t("search.kind.event"), summary)
        terms = self.d.event_terms(ident)
        self.add_terms(rec, "topics", "topic", terms.get("topics", ()))
        self.add_terms(rec, "target_groups", "group", terms.get("target_groups", ()))
        self.add_regions(rec, terms.get("regions", ()))
        self.add_languages(rec, e.get("languages") or (offer.get("languages", ()) if offer else ()))
        cost = e.get("cost") or (offer.get("cost") if offer else None) or {}
        reg = e.get("registration")
        self.add_features(rec, free=cost.get("free"),
                          wheelchair=self.wheelchair_full([e.place] if e.place else []),
                          appointment=reg.get("required") if reg else None)
        start = occ.start
        if occ.all_day:
            rec.sort["date"] = start.isoformat()
            rec.meta["date"] = format_date(start, self.t("search.date.day"), locale=self.lang)
        else:
            rec.sort["date"] = start.strftime("%Y-%m-%dT%H:%M")
            rec.meta["date"] = format_datetime(start, self.t("search.date.time"), tzinfo=start.tzinfo, locale=self.lang)
        if status in ("cancelled", "postponed"):
            rec.meta["status"] = self.t(f"search.status.{status}")
        rec.keywords = [" ".join(str(k).split()) for k in e.get("keywords", ()) if str(k).strip()]
        return rec

    def _contact(self, ident: str) -> SearchRecord | None:
        c = self.d.contacts.get(ident)
        if c is None:
            return None
        label = self.t("search.kind.person" if c.kind == "person" else "search.kind.organisation")
        rec = self._base("contact", ident, c.name, label, c.get("role") or c.get("department"))
        place = self.d.places.get(c.get("place")) if c.get("place") else None
        if place and place.region:
            self.add_regions(rec, [place.region], down=False)
        return rec

    def _place(self, ident: str) -> SearchRecord | None:
        p = self.d.places.get(ident)
        if p is None:
            return None
        town = (p.address or {}).get("town")
        rec = self._base("place", ident, p.name, self.t("search.kind.place"), town)
        if p.region:
            self.add_regions(rec, [p.region], down=False)
        self.add_features(rec, wheelchair=self.wheelchair_full([ident]))
        return rec
