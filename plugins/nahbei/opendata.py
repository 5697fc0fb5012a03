"""Open data: the whole directory as JSON under ``api/`` (no MkDocs import).

``api/offers.json``, ``api/events.json``, ``api/contacts.json``,
``api/places.json`` and ``api/taxonomy.json``. Each holds
``{"generated": "YYYY-MM-DD", "count": n, "items": [...]}``; an item is the
entry as written in its YAML file plus ``url`` (site-relative path of the page
that shows it: a consultation-hours series is shown on its offer's page) and,
for offers, ``ended``; for events, ``next_dates`` (upcoming dates in the
calendar window) and ``ics`` (the event's calendar file).

An example entry's record keeps its ``example_data`` (what is invented), and a
consultation-hours series carries its offer's: a program reading the file can
tell invented facts from real ones, as a reader of the page can.
"""
from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path
from types import MappingProxyType

from .formatting import iso
from .model.layout import ENTRY_KINDS, FOLDERS, VOCABULARIES, entries_of
from .urls import Urls

__all__ = ["build", "thaw", "write"]


def thaw(value):
    """The model's frozen data (MappingProxyType, tuples) as plain JSON values."""
    if isinstance(value, (dict, MappingProxyType)):
        return {k: thaw(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [thaw(v) for v in value]
    return value


def _occurrence(o) -> dict:
    out = {"start": iso(o.start), "end": iso(o.end) if o.end is not None else None,
           "all_day": o.all_day, "status": o.status}
    if o.original is not None:
        out["original"] = iso(o.original)
    if o.note:
        out["note"] = o.note
    return out


def build(directory, urls: Urls | None = None, days: int = 56) -> dict[str, dict]:
    """{file stem: document} for every open-data file."""
    urls = urls or Urls()
    d = directory
    today = d.today
    end = today + timedelta(days=days)
    docs: dict[str, dict] = {}
    for kind in ENTRY_KINDS:  # one file per folder, named like it: offers.json …
        entries = entries_of(d, kind)
        items = []
        for ident in sorted(entries):
            entry = entries[ident]
            # consultation hours have no page of their own: their url is their offer's page
            page = entry.shown_on if kind == "event" else (kind, ident)
            item = {"id": ident, "url": urls.page(*page), **thaw(entry.data)}
            item["id"] = ident
            if kind == "offer":
                item["ended"] = entry.is_ended(today)
            elif kind == "event":
                item["ics"] = urls.feed("event", ident)
                item["next_dates"] = [_occurrence(o) for o in entry.occurrences(today, end)]
                if entry.derived_from:
                    item["derived_from"] = entry.derived_from
            items.append(item)
        docs[FOLDERS[kind]] = {"generated": today.isoformat(), "count": len(items), "items": items}
    tax = d.taxonomy
    docs["taxonomy"] = {
        "generated": today.isoformat(),
        **{vocab: {tid: {k: v for k, v in (("label", term.label), ("phrase", term.phrase),
                                           ("description", term.description), ("parent", term.parent),
                                           ("url", urls.page(vocab, tid)),
                                           ("translations", thaw(term.translations))) if v}
                   for tid, term in tax.vocabulary(vocab).items()}
           for vocab in VOCABULARIES},
    }
    return docs


def write(directory, site_dir: str | Path, urls: Urls | None = None, days: int = 56) -> list[Path]:
    """Write the files into ``site_dir/<api segment>/``; returns their paths."""
    urls = urls or Urls()
    folder = Path(site_dir) / urls.index("api")
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for stem, doc in build(directory, urls, days).items():
        path = folder / f"{stem}.json"
        # compact: the C encoder (indent= takes the pure-Python one, 5× slower on 10,000 entries)
        path.write_text(json.dumps(doc, ensure_ascii=False, separators=(",", ":")) + "\n", "utf-8")
        written.append(path)
    return written
