"""The HSDS 3.0 Tabular Data Package (no MkDocs import): the objects of an
``hsds.Export`` as the CSV files that HSDS' own descriptor defines, zipped
with the descriptor for download.

``datapackage.json`` beside this module is an unchanged copy of the
descriptor from Open Referral's specification (openreferral/specification,
commit 279fd2eb, CC BY-SA 4.0, © Open Referral). The descriptor written into
the zip is that one with this directory's title, address, date and data
licence in place of the specification's own; its resources, fields and keys
are unchanged, so every table of HSDS is there (the ones this directory has
no data for with their header only).

Each object of the JSON export is one row, found where the JSON nests it
(a service's phones, contacts, service_at_locations and their schedules and
locations …); an object reached twice (a place at several offers) is one
row. Two different objects with one id would be a fault of the export: it
stops with ``ValueError`` rather than writing a table with duplicate keys.
"""
from __future__ import annotations

import csv
import io
import json
import zipfile
from datetime import datetime, timezone
from functools import cache
from pathlib import Path

from .hsds import Export

__all__ = ["DESCRIPTOR", "ZIP_NAME", "descriptor", "tables", "write_zip"]

DESCRIPTOR = Path(__file__).with_name("datapackage.json")
ZIP_NAME = "hsds-datapackage.zip"


@cache
def _spec() -> dict:
    return json.loads(DESCRIPTOR.read_text("utf-8"))


def _schema_fields(resource: str) -> list[dict]:
    return next(r for r in _spec()["resources"] if r["name"] == resource)["schema"]["fields"]


@cache
def _fields(resource: str) -> tuple[str, ...]:
    return tuple(f["name"] for f in _schema_fields(resource))


@cache
def _booleans(resource: str) -> tuple[str, ...]:
    """The fields of type boolean: ``true``/``false`` in the tables (csv writes
    None as an empty cell and the rest as it is)."""
    return tuple(f["name"] for f in _schema_fields(resource) if f.get("type") == "boolean")


def descriptor(*, title: str | None = None, homepage: str | None = None, created: datetime | None = None,
               licence: str | None = None, licence_url: str | None = None) -> dict:
    """HSDS' descriptor with this directory's metadata (Data Package ``licenses``:
    the data's licence, not the specification's; ``created``: the build's time)."""
    out = {k: v for k, v in _spec().items() if k not in ("license", "resources", "homepage", "title")}
    if title:
        out["title"] = title
    if homepage:
        out["homepage"] = homepage
    if created:
        out["created"] = created.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    if licence:
        out["licenses"] = [{"name": licence, "title": licence, **({"path": licence_url} if licence_url else {})}]
    out["resources"] = _spec()["resources"]
    return out


class _Tables:
    def __init__(self):
        self.rows: dict[str, dict[str, dict]] = {r["name"]: {} for r in _spec()["resources"]}

    def add(self, resource: str, obj: dict, **link) -> None:
        get = obj.get
        row = {f: get(f) for f in _fields(resource)}
        for f, v in link.items():
            if row.get(f, 0) is None:
                row[f] = v
        for f in _booleans(resource):
            if row[f] is not None:
                row[f] = "true" if row[f] else "false"
        seen = self.rows[resource].get(obj["id"])
        if seen is not None and seen != row:
            raise ValueError(f"HSDS {resource} {obj['id']}: two different objects with one id")
        self.rows[resource][obj["id"]] = row

    def many(self, resource: str, objs, **link) -> None:
        for obj in objs or ():
            self.add(resource, obj, **link)

    def attributes(self, owner: dict) -> None:
        self.many("attribute", owner.get("attributes"))

    def contact(self, c: dict) -> None:
        self.add("contact", c)
        self.many("phone", c.get("phones"))
        self.attributes(c)

    def location(self, loc: dict) -> None:
        self.add("location", loc)
        for name in ("address", "accessibility"):
            self.many(name, loc.get("addresses" if name == "address" else name), location_id=loc["id"])
        self.many("phone", loc.get("phones"))
        self.many("language", loc.get("languages"))
        self.attributes(loc)


def tables(export: Export) -> dict[str, list[dict]]:
    """``{resource name: rows}`` for every resource of the descriptor, rows in
    the descriptor's field order, in the order of the JSON export (a table has
    no other way to say that a phone number is an offer's first)."""
    t = _Tables()
    for vocab in export.taxonomies:
        t.add("taxonomy", vocab)
    for term in export.taxonomy_terms:
        t.add("taxonomy_term", term)
    for org in export.organizations.values():
        t.add("organization", org)
        t.many("phone", org.get("phones"))
        for c in org.get("contacts", ()):
            t.contact(c)
        for loc in org.get("locations", ()):
            t.location(loc)
        t.attributes(org)
    for loc in export.locations.values():
        t.location(loc)
    for s in export.services.values():
        t.add("service", s)
        for name, key in (("phone", "phones"), ("language", "languages"), ("service_area", "service_areas"),
                          ("funding", "funding"), ("cost_option", "cost_options")):
            t.many(name, s.get(key))
        for c in s.get("contacts", ()):
            t.contact(c)
        t.attributes(s)
        for sal in s.get("service_at_locations", ()):
            t.add("service_at_location", sal)
            t.many("schedule", sal.get("schedules"))
            t.many("phone", sal.get("phones"))
            for c in sal.get("contacts", ()):
                t.contact(c)
            t.attributes(sal)
            if sal.get("location"):
                t.location(sal["location"])
    return {name: list(rows.values()) for name, rows in t.rows.items()}


def csv_text(resource: str, rows: list[dict]) -> str:
    """One table as CSV (RFC 4180: comma, double quotes, CRLF), header first."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(_fields(resource))
    w.writerows(row.values() for row in rows)  # the rows are in the header's order (``tables``)
    return buf.getvalue()


def write_zip(export: Export, path: str | Path, **meta) -> Path:
    """The package as one zip (``datapackage.json`` and the CSV files the
    descriptor names). ``meta``: ``descriptor``'s keywords. The entries carry
    a fixed time, so the same data give the same bytes."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    desc = descriptor(**meta)
    data = tables(export)
    stamp = (1980, 1, 1, 0, 0, 0)
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as z:
        def put(name: str, text: str) -> None:
            info = zipfile.ZipInfo(name, stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(info, text.encode("utf-8"))
        put("datapackage.json", json.dumps(desc, ensure_ascii=False, indent=1) + "\n")
        for r in desc["resources"]:
            put(r["path"], csv_text(r["name"], data[r["name"]]))
    return path
