"""HSDS 3.0 in: another directory's services, organizations and locations as
offer, contact and place files (no MkDocs import).

``read`` takes what directories publish: one HSDS JSON object (a service, an
organization, a location, a service_at_location), a list or a page of a list
(``contents``), the folder or address of an ``api/hsds/index.json`` as nahbei
writes it, or a Tabular Data Package (``datapackage.json`` with its CSV files,
or the zip). ``plan`` maps the records onto entries; ``apply`` writes them.

What maps back is what ``hsds`` exports (its inverse, field by field); what
has no home in an entry (a monthly schedule, a fee amount, a program …) is
named in the report for each record, never dropped silently. A value an entry
needs and the record lacks (a place's town, an offer's topics) becomes a
``[Bitte ausfüllen: …]`` placeholder that ``nahbei check`` reports until a
volunteer fills it in.

Each entry records where it came from (``source``: the source's name and the
record's HSDS id), so the next import finds it and updates it instead of
adding it twice. Its ``fingerprint`` is a hash of the fields the import
writes (``OWNED``; fields a volunteer adds stay on every update) as imported: a file
changed by hand since then is not overwritten but reported as a conflict.

Entry ids: where the record comes from a nahbei directory (its ``index.json``
names the site), the id whose UUID the record carries is found again (tried
on the last part of its page address and its ``external_identifier``), so a
directory's export imported into an empty folder gives the same ids; otherwise
the id is made from the name, as ``nahbei new`` makes it.
"""
from __future__ import annotations

import csv
import io
import json
import re
import urllib.parse
import uuid
import zipfile
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import yaml

from .. import formatting as fmt
from ..i18n import DEFAULT_LANG, message_lang, t
from ..model import loader
from ..model.ids import ID_PATTERN, new_id, unique_id
from ..model.layout import FOLDERS, TAXONOMY_FILE, VOCABULARIES, entry_file
from ..urls import Urls
from . import entries, hsds

__all__ = ["Dataset", "Outcome", "Planned", "add_arguments", "apply", "command", "fingerprint", "placeholder", "plan",
           "read", "report"]

IMPORTED = ("offer", "contact", "place")  # the kinds of entry HSDS gives
WEEKDAY = {v: k for k, v in hsds.BYDAY.items()}  # "TU" -> "di"
STATUS = {"active": "active", "temporarily closed": "paused", "defunct": "ended", "inactive": "ended"}
PHONE_TYPE = {"voice": "phone", "cell": "mobile", "fax": "fax", "text": "sms"}
MAX_BYTES = 200 * 1024 * 1024  # of one downloaded file: a mistyped address must not fill the disk


# -- reading ----------------------------------------------------------------
@dataclass
class Dataset:
    """HSDS records as the compiled API representations nest them."""

    services: dict = field(default_factory=dict)  # id -> service (with service_at_locations …)
    organizations: dict = field(default_factory=dict)  # id -> organization (with contacts, locations)
    locations: dict = field(default_factory=dict)  # id -> location
    terms: dict = field(default_factory=dict)  # id -> taxonomy_term
    site: str | None = None  # the nahbei site the data comes from (its index.json), for ids
    language: str = DEFAULT_LANG  # of the texts (index.json names it): "Kostenlos" is read as free
    skipped: list = field(default_factory=list)  # (what, why) of objects that are no HSDS record


def _fetch(source: str) -> bytes:
    return entries.fetch(source, MAX_BYTES)


def _join(base: str, name: str) -> str:
    if re.match(r"^https?://", base):
        return urllib.parse.urljoin(base, name)
    return str(Path(base).parent / name)


def _kind(obj) -> str | None:
    """What an HSDS JSON object is, by the fields its schema requires."""
    if not isinstance(obj, dict):
        return None
    if "contents" in obj and "total_items" in obj:
        return "page"
    if "files" in obj and "version" in obj:
        return "index"
    if "location_type" in obj:
        return "location"
    if "service" in obj and "location" in obj:
        return "service_at_location"
    if "status" in obj and "name" in obj:
        return "service"
    if "code" in obj or "taxonomy_id" in obj or ("taxonomy" in obj and "name" in obj):
        return "taxonomy_term"
    if "version" in obj and "name" in obj and "uri" in obj:
        return "taxonomy"
    if "openapi_url" in obj or "profile" in obj:
        return "base"
    if "name" in obj and "id" in obj and ("description" in obj or "website" in obj or "services" in obj):
        return "organization"
    return None


def read(source: str) -> Dataset:
    """The records at ``source`` (a path or an http(s) address)."""
    out = Dataset()
    name = source.rstrip("/")
    if not re.match(r"^https?://", source) and Path(source).is_dir():
        for candidate in ("index.json", "datapackage.json"):
            if (Path(source) / candidate).exists():
                name = str(Path(source) / candidate)
                break
        else:
            raise FileNotFoundError(source)
    if name.endswith(".zip"):
        _read_tables(_zip_reader(_fetch(name)), out)
        return out
    doc = json.loads(_fetch(name).decode("utf-8-sig"))
    if isinstance(doc, dict) and "resources" in doc and "profile" in doc and "tabular" in str(doc["profile"]):
        _read_tables(lambda path: _fetch(_join(name, path)).decode("utf-8-sig"), out, doc)
        return out
    if _kind(doc) == "index":
        out.site = doc.get("site")
        out.language = doc.get("language") or out.language
        for listing in ("services", "organizations", "locations"):
            for page in doc["files"].get(listing, {}).get("list", ()):
                for item in json.loads(_fetch(_join(name, page)))["contents"]:
                    if listing == "locations":  # the list holds the whole locations
                        _add(out, item)
                        continue
                    full = json.loads(_fetch(_join(name, doc["files"][listing]["item"].format(id=item["id"]))))
                    _add(out, full)
        for page in doc["files"].get("taxonomy_terms", {}).get("list", ()):
            for term in json.loads(_fetch(_join(name, page)))["contents"]:
                out.terms.setdefault(term["id"], term)
        return out
    _add(out, doc)
    return out


def _add(out: Dataset, obj) -> None:
    kind = _kind(obj)
    if isinstance(obj, list):
        for item in obj:
            _add(out, item)
    elif kind == "page":
        for item in obj["contents"]:
            _add(out, item)
    elif kind == "service":
        out.services[obj["id"]] = obj
        if isinstance(obj.get("organization"), dict):
            out.organizations.setdefault(obj["organization"]["id"], obj["organization"])
    elif kind == "service_at_location":
        service = dict(obj["service"]) if isinstance(obj.get("service"), dict) else None
        if service is None:
            out.skipped.append((obj.get("id"), "service_at_location"))
            return
        sal = {k: v for k, v in obj.items() if k != "service"}
        known = out.services.setdefault(service["id"], {**service, "service_at_locations": []})
        known.setdefault("service_at_locations", []).append(sal)
    elif kind == "organization":
        out.organizations[obj["id"]] = {**out.organizations.get(obj["id"], {}), **obj}
        for s in obj.get("services") or ():
            if _kind(s) == "service" and ("service_at_locations" in s or "organization_id" in s):
                out.services.setdefault(s["id"], {**s, "organization_id": obj["id"]})
    elif kind == "location":
        out.locations[obj["id"]] = obj
    elif kind == "taxonomy_term":
        out.terms[obj["id"]] = obj
    else:
        out.skipped.append((obj.get("id") if isinstance(obj, dict) else None, kind or type(obj).__name__))


def _zip_reader(data: bytes):
    z = zipfile.ZipFile(io.BytesIO(data))
    names = {Path(n).name: n for n in z.namelist()}

    def read_member(path: str) -> str:
        return z.read(names[Path(path).name]).decode("utf-8-sig")
    return read_member


def _typed(value: str, kind: str):
    if value == "":
        return None
    if kind == "integer":
        return int(value)
    if kind == "number":
        return float(value)
    if kind == "boolean":
        return value.lower() in ("true", "1", "yes")
    return value


def _read_tables(read_member, out: Dataset, desc: dict | None = None) -> None:
    """A Tabular Data Package: each table's rows, nested as the JSON API nests them."""
    if desc is None:
        desc = json.loads(read_member("datapackage.json"))
    # a nahbei directory's package names its site as homepage: ids are verified against it
    out.site = out.site or desc.get("homepage")
    rows: dict[str, list[dict]] = {}
    for r in desc["resources"]:
        try:
            text = read_member(r["path"])
        except (KeyError, FileNotFoundError):
            rows[r["name"]] = []
            continue
        types = {f["name"]: f.get("type", "string") for f in r["schema"]["fields"]}
        rows[r["name"]] = [{k: _typed(v, types.get(k, "string")) for k, v in row.items() if k in types}
                           for row in csv.DictReader(io.StringIO(text))]

    def by(table: str, key: str) -> dict[str, list[dict]]:
        out_: dict[str, list[dict]] = {}
        for row in rows.get(table, ()):
            if row.get(key):
                out_.setdefault(row[key], []).append(row)
        return out_

    def clean(d: dict) -> dict:
        return {k: v for k, v in d.items() if v not in (None, "", [])}

    terms = {r["id"]: clean(r) for r in rows.get("taxonomy_term", ())}
    out.terms.update(terms)
    attributes = by("attribute", "link_id")

    def attrs(oid: str) -> list[dict]:
        return [clean({**a, "taxonomy_term": terms.get(a.get("taxonomy_term_id"))}) for a in attributes.get(oid, ())]

    phones = {k: by("phone", k) for k in ("service_id", "organization_id", "contact_id", "location_id",
                                          "service_at_location_id")}
    contacts = {k: by("contact", k) for k in ("service_id", "organization_id")}
    addresses, access = by("address", "location_id"), by("accessibility", "location_id")
    schedules = by("schedule", "service_at_location_id")

    def contact(c: dict) -> dict:
        return clean({**c, "phones": [clean(p) for p in phones["contact_id"].get(c["id"], ())],
                      "attributes": attrs(c["id"])})

    def location(loc: dict) -> dict:
        return clean({**loc, "addresses": [clean(a) for a in addresses.get(loc["id"], ())],
                      "accessibility": [clean(a) for a in access.get(loc["id"], ())],
                      "phones": [clean(p) for p in phones["location_id"].get(loc["id"], ())],
                      "attributes": attrs(loc["id"])})

    locations = {r["id"]: location(r) for r in rows.get("location", ())}
    out.locations.update(locations)
    for org in rows.get("organization", ()):
        out.organizations[org["id"]] = clean({
            **org, "phones": [clean(p) for p in phones["organization_id"].get(org["id"], ())],
            "contacts": [contact(c) for c in contacts["organization_id"].get(org["id"], ())],
            "locations": [x for x in locations.values() if x.get("organization_id") == org["id"]],
            "attributes": attrs(org["id"])})
    sals = by("service_at_location", "service_id")
    per_service = {name: by(name, "service_id") for name in ("language", "service_area", "funding", "cost_option")}
    for s in rows.get("service", ()):
        sid = s["id"]
        out.services[sid] = clean({
            **s, "phones": [clean(p) for p in phones["service_id"].get(sid, ())],
            "languages": [clean(x) for x in per_service["language"].get(sid, ())],
            "service_areas": [clean(x) for x in per_service["service_area"].get(sid, ())],
            "funding": [clean(x) for x in per_service["funding"].get(sid, ())],
            "cost_options": [clean(x) for x in per_service["cost_option"].get(sid, ())],
            "contacts": [contact(c) for c in contacts["service_id"].get(sid, ())],
            "attributes": attrs(sid),
            "service_at_locations": [clean({**sal, "schedules": [clean(x) for x in schedules.get(sal["id"], ())],
                                            "location": locations.get(sal.get("location_id"))})
                                     for sal in sals.get(sid, ())]})


# -- mapping ----------------------------------------------------------------
@dataclass
class Planned:
    """One entry the records give: its kind, id, data and the notes of the report."""

    kind: str
    ident: str
    record: str  # the HSDS id
    name: str
    data: dict
    notes: list = field(default_factory=list)
    status: str = ""  # new, updated, unchanged, conflict (``apply``)
    path: Path | None = None
    existing: tuple | None = None  # (kind, path, data) of the entry the content has from this record


def fingerprint(kind: str, data: dict) -> str:
    """A hash of the fields of an entry the import writes (``ORDER``)."""
    return entries.fingerprint(data, OWNED[kind])


class _Mapper:
    def __init__(self, data: Dataset, content: Path, source_name: str, today: date, lang: str):
        self.data, self.content, self.source_name, self.today, self.lang = data, content, source_name, today, lang
        self.ns = hsds.namespace(data.site) if data.site else None
        self.words = data.language  # the language of the records' texts
        self.by_source, self.taken = entries.imported(content, IMPORTED)
        self.ids: dict[tuple[str, str], str] = {}  # (kind, record id) -> entry id
        self.persons: dict[tuple, Planned] = {}  # a person named by several records is one contact
        self.taxonomy = self._taxonomy()
        self.new_taxonomy = not (content / TAXONOMY_FILE).exists()

    # -- words ------------------------------------------------------------
    def hole(self, what: str) -> str:
        return placeholder(what, self.lang)

    def note(self, notes: list, key: str, **params) -> None:
        notes.append(t("hsds_import.note." + key, self.lang, **params))

    # -- ids --------------------------------------------------------------
    def _candidates(self, obj: dict) -> list[str]:
        out = []
        if obj.get("external_identifier_type") == "nahbei" and obj.get("external_identifier"):
            out.append(obj["external_identifier"])
        for key in ("url", "uri"):
            if obj.get(key):
                last = urllib.parse.urlparse(obj[key]).path.rstrip("/").rpartition("/")[2]
                out.append(last)
        return [c for c in out if ID_PATTERN.match(c)]

    def ident(self, kind: str, obj: dict, part: str | None = None) -> str:
        """The entry id of a record: the one it came from, the one it had, or a new one.
        ``part``: the part of the entry the record is in the source's UUIDs (``hsds.uid``)."""
        key = (kind, obj["id"])
        if key in self.ids:
            return self.ids[key]
        found = self.by_source.get((self.source_name, obj["id"]))
        if found:
            ident = found[1].stem
        else:
            candidates = self._candidates(obj)
            if self.ns and obj.get("name"):
                # a person has no address of their own: their id is the name's, or a numbered one
                named = new_id(obj["name"], self.lang)
                candidates += [named] + [f"{named}-{n}" for n in range(2, 100)]
            verified = [c for c in candidates if self.ns and str(
                uuid.uuid5(self.ns, f"{kind}/{c}" + (f"#{part}" if part else ""))) == obj["id"]]
            # a nahbei directory names its place ids (external_identifier) even without its address
            unverified = [obj["external_identifier"]] if obj.get("external_identifier_type") == "nahbei" \
                and ID_PATTERN.match(str(obj.get("external_identifier"))) else []
            base = (verified or unverified or [new_id(obj.get("name") or "", self.lang)])[0]
            ident = unique_id(base, self.content / FOLDERS[kind], self.taken[kind])
        self.taken[kind].add(ident)
        self.ids[key] = ident
        return ident

    # -- taxonomy -----------------------------------------------------------
    def _taxonomy(self) -> dict:
        """{vocabulary: {term id: label}} of the content's taxonomy, else of the records' terms."""
        path = self.content / TAXONOMY_FILE
        if path.exists():
            doc = loader.load_bytes(loader.read_content(path))[1] or {}
            return {v: {k: (x or {}).get("label", k) for k, x in (doc.get(v) or {}).items()} for v in VOCABULARIES}
        out = {v: {} for v in VOCABULARIES}
        for term in self.data.terms.values():
            if term.get("taxonomy") in out and term.get("code") and ID_PATTERN.match(term["code"]):
                out[term["taxonomy"]][term["code"]] = term.get("name") or term["code"]
        return out

    def taxonomy_file(self) -> dict | None:
        """taxonomy.yaml for an empty content folder: the records' terms of the three
        vocabularies (none when the records have none: there is nothing to write)."""
        if not self.new_taxonomy or not any(self.taxonomy.values()):
            return None
        by_id = self.data.terms
        out = {}
        for vocab in VOCABULARIES:
            terms = {}
            for term in by_id.values():  # in the order the data list them
                if term.get("taxonomy") != vocab or term.get("code") not in self.taxonomy[vocab]:
                    continue
                entry = {"label": term.get("name") or term["code"]}
                if term.get("description") and term["description"] != entry["label"]:
                    entry["description"] = term["description"]
                parent = by_id.get(term.get("parent_id")) if term.get("parent_id") else None
                if parent and parent.get("code") in self.taxonomy[vocab]:
                    entry["parent"] = parent["code"]
                terms[term["code"]] = entry
            out[vocab] = _parents_first(terms)
        return out

    def term_of(self, attribute: dict) -> tuple[str, str] | None:
        term = attribute.get("taxonomy_term") or self.data.terms.get(attribute.get("taxonomy_term_id")) or {}
        vocab = attribute.get("link_type") if attribute.get("link_type") in VOCABULARIES else term.get("taxonomy")
        code = term.get("code")
        if vocab in self.taxonomy and code in self.taxonomy[vocab]:
            return vocab, code
        # a foreign term: by its name, when a term of ours has that label
        for v in ([vocab] if vocab in self.taxonomy else VOCABULARIES):
            tid = self.labelled(v, term.get("name"))
            if tid:
                return v, tid
        return None

    def labelled(self, vocab: str, name: str | None) -> str | None:
        """The term of ``vocab`` whose label is ``name`` (case aside)."""
        if name:
            for tid, label in self.taxonomy[vocab].items():
                if label.casefold() == name.casefold():
                    return tid
        return None

    def terms(self, obj: dict, notes: list) -> tuple[dict, str | None]:
        """{vocabulary: [term ids]} of an object's attributes, and its example-data text."""
        out: dict[str, list[str]] = {}
        example = None
        for a in obj.get("attributes") or ():
            if a.get("link_type") == hsds.EXAMPLE:
                example = a.get("value") or example
                continue
            found = self.term_of(a)
            if found:
                out.setdefault(found[0], [])
                if found[1] not in out[found[0]]:
                    out[found[0]].append(found[1])
            else:
                term = a.get("taxonomy_term") or {}
                self.note(notes, "term", name=term.get("name") or a.get("value") or a.get("link_type") or "?")
        return out, example

    def region_of_area(self, area: dict) -> str | None:
        last = urllib.parse.urlparse(area.get("uri") or "").path.rstrip("/").rpartition("/")[2]
        if last in self.taxonomy["regions"]:
            return last
        return self.labelled("regions", area.get("name"))

    # -- parts ----------------------------------------------------------------
    def phones(self, obj: dict, notes: list) -> list[dict]:
        out = []
        for p in obj.get("phones") or ():
            if not p.get("number"):
                continue
            number = p["number"]
            shown = fmt.phone(number, "phone")
            entry = {"number": shown.display if shown.e164 else number}
            kind = PHONE_TYPE.get(p.get("type") or "voice")
            if kind is None:
                self.note(notes, "phone_type", value=p.get("type"))
            elif kind != "phone":
                entry["type"] = kind
            if p.get("description"):
                entry["note"] = _line(p["description"])
            if p.get("extension"):
                entry["note"] = " ".join(x for x in (entry.get("note"), f"Durchwahl {p['extension']}") if x)
            out.append(entry)
        return out

    def hours(self, schedules, notes: list) -> tuple[dict, dict]:
        """Opening hours from a service_at_location's schedules, and the period the
        weekly ones name (``valid_from``/``valid_to``)."""
        hours: dict = {}
        period: dict = {}
        for s in schedules or ():
            opens, closes = _hhmm(s.get("opens_at")), _hhmm(s.get("closes_at"))
            if s.get("freq"):
                days = [WEEKDAY.get(d.strip()) for d in (s.get("byday") or "").split(",") if d.strip()]
                if s["freq"].upper() != "WEEKLY" or not days or None in days or not (opens and closes) \
                        or (s.get("interval") or 1) != 1:
                    self.note(notes, "schedule", text=s.get("description") or s.get("freq"))
                    continue
                slot = {"days": days, "opens": opens, "closes": closes}
                if s.get("notes"):
                    slot["note"] = _line(s["notes"])
                hours.setdefault("regular", []).append(slot)
                for ours, theirs in (("from", "valid_from"), ("until", "valid_to")):
                    if s.get(theirs):
                        period.setdefault(ours, _date(s[theirs]))
            elif s.get("dtstart") or (s.get("valid_from") and s.get("valid_from") == s.get("valid_to")
                                       and (opens or s.get("description") == t("ui.hours.closed", self.words))):
                day = _date(s.get("dtstart") or s["valid_from"])
                entry = {"date": day}
                if opens and closes:
                    entry.update(opens=opens, closes=closes)
                else:
                    entry["closed"] = True
                if s.get("notes"):
                    entry["note"] = _line(s["notes"])
                hours.setdefault("exceptions", []).append(entry)
            elif s.get("valid_from") and s.get("valid_to") and not opens:
                entry = {"from": _date(s["valid_from"]), "until": _date(s["valid_to"])}
                if s.get("notes"):
                    entry["note"] = _line(s["notes"])
                hours.setdefault("closures", []).append(entry)
            elif s.get("description") and not opens:
                text = s["description"].strip()
                by_appointment = t("ui.hours.by_appointment", self.words)
                if text.startswith(by_appointment):
                    hours["by_appointment"] = True
                    text = text[len(by_appointment):].strip()
                if text:
                    hours["note"] = _line(text)
            else:
                self.note(notes, "schedule", text=s.get("description") or s.get("id"))
        ordered = {k: hours[k] for k in ("regular", "by_appointment", "note", "closures", "exceptions") if k in hours}
        return ordered, period

    def person(self, c: dict, org_ident: str | None, offer: str | None = None) -> str:
        """A contact person: one entry per person, however many services name them
        (``offer``: the offer whose contact the record is, a part of its UUID)."""
        key = ("person", c.get("name"), c.get("email"), c.get("title"), c.get("department"))
        if key in self.persons:
            return self.persons[key].ident
        notes: list = []
        ident = self.ident("contact", c, f"for-{offer}" if offer else None)
        _, example = self.terms(c, notes)
        data = _given(id=ident, kind="person", name=_line(c.get("name") or "") or self.hole("name"),
                      role=_line(c.get("title") or ""), department=_line(c.get("department") or ""),
                      parent=org_ident, phones=self.phones(c, notes), email=c.get("email"),
                      example_data=_line(example or ""))
        self.persons[key] = Planned("contact", ident, c["id"], data["name"], data, notes)
        return ident


def placeholder(what: str, lang: str) -> str:
    """What the import writes where the records lack a value an entry needs:
    ``[Bitte ausfüllen: Ort]``, which ``nahbei check`` reports until it is filled in."""
    return f"[{t('skeleton.mark', lang)}: {t('hsds_import.hole.' + what, lang)}]"


def _parents_first(terms: dict) -> dict:
    out: dict = {}

    def put(tid: str, seen=()):
        if tid in out or tid in seen:
            return
        parent = terms[tid].get("parent")
        if parent in terms:
            put(parent, (*seen, tid))
        out[tid] = terms[tid]
    for tid in terms:
        put(tid)
    return out


def _given(**values) -> dict:
    """The values that are there: an entry leaves out what it does not know."""
    return {k: v for k, v in values.items() if v not in (None, "", [], {})}


_line = entries.one_line


def _hhmm(value) -> str | None:
    if not value:
        return None
    m = re.match(r"^(\d{1,2}):(\d{2})", str(value))
    return f"{int(m.group(1)):02d}:{m.group(2)}" if m else None


def _date(value) -> date:
    return date.fromisoformat(str(value)[:10])


def _split(text: str | None) -> tuple[str | None, str | None]:
    """An HSDS description as summary (its first paragraph) and description (the rest)."""
    if not text:
        return None, None
    first, _, rest = text.strip().partition("\n\n")
    return _line(first), (rest.strip() or None)


def plan(data: Dataset, content: Path, *, source_name: str, today: date, lang: str = "de") -> tuple[list, dict | None]:
    """The entries the records give (``Planned``), and a taxonomy.yaml for an empty folder."""
    m = _Mapper(data, content, source_name, today, lang)
    out: list[Planned] = []
    places: dict[str, Planned] = {}

    # locations: standalone ones, those of services and of organizations
    every_location = dict(data.locations)
    for s in data.services.values():
        for sal in s.get("service_at_locations") or ():
            if isinstance(sal.get("location"), dict):
                every_location.setdefault(sal["location"]["id"], sal["location"])
    for org in data.organizations.values():
        for loc in org.get("locations") or ():
            every_location.setdefault(loc["id"], loc)
    for lid in sorted(every_location, key=lambda x: (every_location[x].get("name") or "", x)):
        loc = every_location[lid]
        places[lid] = _place(m, loc)
        out.append(places[lid])

    orgs = {}
    for oid in sorted(data.organizations, key=lambda x: (data.organizations[x].get("name") or "", x)):
        orgs[oid] = m.ident("contact", data.organizations[oid])
    for oid in sorted(data.organizations, key=lambda x: (data.organizations[x].get("name") or "", x)):
        out.append(_organization(m, data.organizations[oid], orgs, places))

    for sid in sorted(data.services, key=lambda x: (data.services[x].get("name") or "", x)):
        out.append(_offer(m, data.services[sid], orgs, places))
    out += list(m.persons.values())
    for p in out:
        p.existing = m.by_source.get((source_name, p.record))
        p.data["source"] = {"name": source_name, "id": p.record, "imported": today,
                            "fingerprint": fingerprint(p.kind, p.data)}
    return out, m.taxonomy_file()


def _place(m: _Mapper, loc: dict) -> Planned:
    notes: list = []
    ident = m.ident("place", loc)
    data: dict = {"id": ident, "name": _line(loc.get("name") or "") or m.hole("name")}
    if not loc.get("name"):
        m.note(notes, "missing", field="name")
    physical = [a for a in loc.get("addresses") or () if a.get("address_type") in (None, "physical")]
    if physical:
        a = physical[0]
        address = {}
        street = " ".join(x for x in (a.get("address_1"), a.get("address_2")) if x)
        if street:
            address["street"] = _line(street)
        if re.match(r"^\d{5}$", str(a.get("postal_code") or "")):
            address["postcode"] = str(a["postal_code"])
        elif a.get("postal_code"):
            m.note(notes, "postcode", value=a["postal_code"])
        address["town"] = _line(a.get("city") or "") or m.hole("town")
        if a.get("region"):
            address["district"] = _line(a["region"])
        data["address"] = address
    else:
        data["address"] = {"town": m.hole("town")}
        m.note(notes, "missing", field="address")
    vocabs, example = m.terms(loc, notes)
    if vocabs.get("regions"):
        data["region"] = vocabs["regions"][0]
    lat, lon = loc.get("latitude"), loc.get("longitude")
    if lat is not None and lon is not None:
        if 47 <= float(lat) <= 55.5 and 5.5 <= float(lon) <= 15.5:
            data["coordinates"] = {"lat": float(lat), "lon": float(lon)}
        else:
            m.note(notes, "coordinates", lat=lat, lon=lon)
    text = " ".join(_line(a.get("description") or "") for a in loc.get("accessibility") or ()).strip()
    if text:
        data["accessibility"] = _accessibility(text, m.words)
    if loc.get("transportation"):
        data["transport"] = _line(loc["transportation"])
    if loc.get("description"):
        data["description"] = loc["description"].strip()
    if example:
        data["example_data"] = _line(example)
    return Planned("place", ident, loc["id"], data["name"], data, notes)


def _organization(m: _Mapper, org: dict, orgs: dict, places: dict) -> Planned:
    notes: list = []
    ident = orgs[org["id"]]
    parent = orgs.get(org.get("parent_organization_id"))
    data: dict = {"id": ident, "kind": "office" if parent else "organisation", "name": _line(org.get("name") or "")}
    if parent:
        data["parent"] = parent
    elif org.get("parent_organization_id"):
        m.note(notes, "parent", id=org["parent_organization_id"])
    description = (org.get("description") or "").strip()
    data |= _given(description=description if description != t("ui.hsds.no_description", m.words) else None,
                   phones=m.phones(org, notes), email=org.get("email"), website=org.get("website"))
    seats = [places[loc["id"]].ident for loc in org.get("locations") or () if loc.get("id") in places]
    if seats:
        data["place"] = seats[0]
    for c in org.get("contacts") or ():
        m.person(c, ident)
    _, example = m.terms(org, notes)
    if example:
        data["example_data"] = _line(example)
    for key in ("tax_status", "tax_id", "year_incorporated", "legal_status", "logo", "funding", "programs",
                "organization_identifiers", "alternate_name"):
        if org.get(key):
            m.note(notes, "unmapped", field=key)
    return Planned("contact", ident, org["id"], data["name"], data, notes)


def _offer(m: _Mapper, s: dict, orgs: dict, places: dict) -> Planned:
    notes: list = []
    ident = m.ident("offer", s)
    data: dict = {"id": ident, "name": _line(s.get("name") or "") or m.hole("name")}
    summary, description = _split(s.get("description"))
    if not summary or len(summary) < 10:
        m.note(notes, "missing", field="summary")
        summary = m.hole("summary")
    elif len(summary) > 300:
        description = (summary + ("\n\n" + description if description else ""))
        summary = summary[:299].rsplit(" ", 1)[0] + "…"
        m.note(notes, "summary_cut")
    data["summary"] = summary
    if description:
        data["description"] = description
    data["status"] = STATUS.get((s.get("status") or "active").lower(), "active")
    period: dict = {}
    vocabs, example = m.terms(s, notes)
    for vocab, what in (("topics", "topics"), ("target_groups", "target_groups")):
        data[vocab] = vocabs.get(vocab) or [m.hole(what)]
        if not vocabs.get(vocab):
            m.note(notes, "missing", field=vocab)
    regions = [r for r in (m.region_of_area(a) for a in s.get("service_areas") or ()) if r]
    regions += [r for r in vocabs.get("regions", ()) if r not in regions]
    for a in s.get("service_areas") or ():
        if not m.region_of_area(a):
            m.note(notes, "area", name=a.get("name") or a.get("description") or "?")
    if regions:
        data["regions"] = regions
    if s.get("eligibility_description"):
        data["eligibility"] = _line(s["eligibility_description"])
    age = {k: int(s[x]) for k, x in (("min", "minimum_age"), ("max", "maximum_age")) if s.get(x) is not None}
    if age:
        data["age"] = age
    cost = _cost(m, s, notes)
    if cost:
        data["cost"] = cost
    languages = [x["code"] for x in s.get("languages") or () if x.get("code")]
    if languages:
        data["languages"] = languages
    appointment = _appointment(m, s.get("application_process"), notes)
    if appointment:
        data["appointment"] = appointment
    org = orgs.get(s.get("organization_id")) or orgs.get((s.get("organization") or {}).get("id"))
    if not org:
        m.note(notes, "missing", field="provider")
    data["provider"] = org or m.hole("provider")
    people = [m.person(c, org, ident) for c in s.get("contacts") or ()]
    if people:
        data["contacts"] = list(dict.fromkeys(people))
    at = []
    for sal in s.get("service_at_locations") or ():
        loc = sal.get("location") or {}
        place = places.get(loc.get("id") or sal.get("location_id"))
        if place is None:
            m.note(notes, "location", id=sal.get("location_id"))
            continue
        entry: dict = {"place": place.ident}
        if sal.get("description"):
            entry["label"] = _line(sal["description"])
        hours, valid = m.hours(sal.get("schedules"), notes)
        for k, v in valid.items():
            period.setdefault(k, v)
        if hours:
            entry["hours"] = hours
        at.append(entry)
    if s.get("schedules"):
        m.note(notes, "service_schedules")
    if at:
        data["places"] = at
    if period:
        data["period"] = {k: period[k] for k in ("from", "until") if k in period}
    phones = m.phones(s, notes)
    if phones:
        data["phones"] = phones
    if s.get("email"):
        data["email"] = s["email"]
    url = s.get("url")
    # a nahbei directory gives its own page where an offer has no website
    if url and not (m.data.site and url == m.data.site.rstrip("/") + "/" + Urls().page("offer", ident)):
        data["website"] = url
    funders = [f["source"] for f in s.get("funding") or () if f.get("source")]
    if funders:
        data["funding"] = {"funders": [_line(f) for f in funders]}
    if s.get("assured_date"):
        data["last_reviewed"] = _date(s["assured_date"])
    if example:
        data["example_data"] = _line(example)
    for key in ("alternate_name", "interpretation_services", "wait_time", "fees", "accreditations", "licenses",
                "program", "required_documents"):
        if s.get(key):
            m.note(notes, "unmapped", field=key)
    return Planned("offer", ident, s["id"], data["name"], data, notes)


def _accessibility(text: str, lang: str) -> dict:
    """The sentences ``formatting.accessibility_lines`` writes, read back in their
    order (wheelchair, toilet, hearing loop); any other text is the notes."""
    out: dict = {}
    sentences = (("wheelchair", {t(f"ui.access.wheelchair_{v}", lang): v for v in ("none", "partial", "full")}),
                 ("accessible_toilet", {t("ui.access.toilet_yes", lang): True, t("ui.access.toilet_no", lang): False}),
                 ("hearing_loop", {t("ui.access.loop_yes", lang): True, t("ui.access.loop_no", lang): False}))
    for key, known in sentences:
        for sentence, value in known.items():
            if text == sentence or text.startswith(sentence + " "):
                out[key] = value
                text = text[len(sentence):].strip()
                break
    if text:
        out["notes"] = text
    return out


def _cost(m: _Mapper, s: dict, notes: list) -> dict | None:
    free, paid = t("ui.cost.free", m.words), t("ui.cost.paid", m.words)
    for option in s.get("cost_options") or ():
        text = (option.get("option") or "").strip()
        note = option.get("amount_description")
        if text == free or option.get("amount") == 0:
            return {"free": True, **({"note": _line(note)} if note else {})}
        if text == paid or option.get("amount"):
            extra = note or (f"{option['amount']} {option.get('currency') or ''}".strip() if option.get("amount") else None)
            return {"free": False, **({"note": _line(extra)} if extra else {})}
    if s.get("fees_description"):
        text = s["fees_description"].strip()
        for word, is_free in ((free, True), (paid, False)):
            if text.startswith(word):
                rest = text[len(word):].strip()
                return {"free": is_free, **({"note": _line(rest)} if rest else {})}
        m.note(notes, "fees", text=text)
    return None


def _appointment(m: _Mapper, text: str | None, notes: list) -> dict | None:
    if not text:
        return None
    text = text.strip()
    for key, required in (("ui.offer.appointment_not_required", False), ("ui.offer.appointment_required", True)):
        word = t(key, m.words)
        if text.startswith(word):
            rest = text[len(word):].strip()
            return {"required": required, **({"note": _line(rest)} if rest else {})}
    m.note(notes, "application_process", text=text)
    return None


# -- writing ------------------------------------------------------------------
ORDER = {
    "offer": ("id", "name", "summary", "status", "period", "topics", "target_groups", "regions", "age", "eligibility",
              "description", "provider", "contacts", "places", "cost", "languages", "appointment", "phones", "email",
              "website", "funding", "last_reviewed", "example_data", "source"),
    "contact": ("id", "kind", "name", "role", "department", "parent", "description", "phones", "email", "website",
                "place", "example_data", "source"),
    "place": ("id", "name", "address", "region", "coordinates", "accessibility", "transport", "description", "example_data", "source"),
}
#: kind -> the fields the import writes (and a later import overwrites); the others are the volunteers'
OWNED = {kind: tuple(k for k in fields if k != "source") for kind, fields in ORDER.items()}


def entry_text(kind: str, data: dict) -> str:
    """An entry file's text: the schema line, then the fields in the order volunteers read them."""
    return entries.entry_text(kind, data, ORDER[kind])


@dataclass
class Outcome:
    planned: list
    taxonomy: Path | None = None

    @property
    def conflicts(self) -> list:
        return [p for p in self.planned if p.status == "conflict"]


def apply(planned: list, taxonomy: dict | None, content: Path) -> Outcome:
    """Write the planned entries: new ones, and changed ones whose file is as the
    last import left it. A file changed by hand since is left alone (``conflict``);
    an entry whose data are unchanged keeps its file byte for byte."""
    out = Outcome(planned)
    if taxonomy is not None:
        path = content / TAXONOMY_FILE
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("# yaml-language-server: $schema=../schemas/taxonomy.schema.json\n"
                        + yaml.safe_dump(taxonomy, allow_unicode=True, sort_keys=False, width=100), "utf-8")
        out.taxonomy = path
    for p in planned:
        found = p.existing
        if found is None:
            p.path = content / entry_file(p.kind, p.ident)
            p.status = "new"
        else:
            _, p.path, old = found
            recorded = (old.get("source") or {}).get("fingerprint")
            now = fingerprint(p.kind, old)  # dates as text, however the file was read
            if recorded and recorded != now:
                p.status = "conflict"
                continue
            if now == p.data["source"]["fingerprint"]:
                p.status = "unchanged"
                continue
            # what a volunteer added (keywords, links …) stays
            p.data = {k: v for k, v in old.items() if k not in OWNED[p.kind] and k != "source"} | p.data
            p.status = "updated"
        p.path.parent.mkdir(parents=True, exist_ok=True)
        p.path.write_text(entry_text(p.kind, p.data), "utf-8")
    return out


def report(outcome: Outcome, lang: str) -> str:
    """Per record: what became of it, and what could not be mapped."""
    lines = []
    for p in outcome.planned:
        where = p.path.as_posix() if p.path else entry_file(p.kind, p.ident)
        lines.append(t(f"hsds_import.status.{p.status}", lang, kind=t(f"kind.{p.kind}", lang), name=p.name,
                       path=where, id=p.record))
        lines += [f"  - {n}" for n in p.notes]
    if outcome.taxonomy:
        lines.append(t("hsds_import.taxonomy_written", lang, path=outcome.taxonomy.as_posix()))
    return "\n".join(lines) + "\n"


# -- command line ---------------------------------------------------------------
def add_arguments(parser, h) -> None:
    parser.add_argument("source", help=h("import_hsds_source"))
    parser.add_argument("--content", default="content", help=h("content"))
    parser.add_argument("--name", help=h("import_hsds_name"))


def command(args) -> int:
    """Exit 0: imported; 1: a conflict or nothing readable; the report on stdout."""
    import sys

    from ..model.clock import today

    lang = message_lang(args.lang)
    try:
        data = read(args.source)
    except (OSError, ValueError, KeyError, zipfile.BadZipFile) as exc:
        print(t("hsds_import.unreadable", lang, source=args.source, error=exc), file=sys.stderr)
        return 1
    if not (data.services or data.organizations or data.locations):
        print(t("hsds_import.empty", lang, source=args.source), file=sys.stderr)
        return 1
    content = Path(args.content)
    planned, taxonomy = plan(data, content, source_name=args.name or args.source, today=today(), lang=lang)
    outcome = apply(planned, taxonomy, content)
    sys.stdout.write(report(outcome, lang))
    for what, kind in data.skipped:
        print(t("hsds_import.skipped", lang, what=what or "?", kind=kind))
    print(t("hsds_import.summary", lang, **{s: sum(1 for p in planned if p.status == s)
                                            for s in ("new", "updated", "unchanged", "conflict")}), file=sys.stderr)
    return 1 if outcome.conflicts else 0
