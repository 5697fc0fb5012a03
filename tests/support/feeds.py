"""Small directories for feed tests: events from plain dicts (as in the YAML files)."""
from __future__ import annotations

from datetime import date, datetime, timezone

from nahbei.feeds import render_feeds
from nahbei.model.directory import Contact, Directory, Event, Place, Taxonomy, _freeze
from nahbei.urls import Urls

SITE = "https://nahbei.example.org/"
HOST = "nahbei.example.org"
NOW = datetime(2026, 11, 22, 5, 0, tzinfo=timezone.utc)
TODAY = date(2026, 11, 22)

TAXONOMY = Taxonomy.from_data({
    "topics": {"treffen": {"label": "Treffen, Begegnung; Austausch"}, "beratung": {"label": "Beratung"}},
    "target_groups": {"alle": {"label": "Alle"}},
    "regions": {"kreis": {"label": "Kreis"}, "stadt": {"label": "Stadt", "parent": "kreis"}},
})
PLACES = {
    "saal": Place("saal", "content/places/saal.yaml", _freeze({
        "id": "saal", "name": "Saal am Markt", "region": "stadt",
        "address": {"street": "Markt 1", "postcode": "53840", "town": "Troisdorf"},
        "coordinates": {"lat": 50.8155, "lon": 7.1553},
    })),
}
CONTACTS = {
    "amt": Contact("amt", "content/contacts/amt.yaml", _freeze({
        "id": "amt", "kind": "office", "name": "Amt für Soziales, Wohnen", "email": "amt@example.org"})),
    "verein": Contact("verein", "content/contacts/verein.yaml", _freeze({
        "id": "verein", "kind": "organisation", "name": "Verein ohne Mail"})),
}


def event(id: str, start: str, **fields) -> Event:
    data = {"id": id, "title": fields.pop("title", f"Termin {id}"), "start": start,
            "summary": fields.pop("summary", "Ein Treffen zum Kennenlernen."),
            "organiser": fields.pop("organiser", "amt"), "place": fields.pop("place", "saal"), **fields}
    data = {k: v for k, v in data.items() if v is not None}
    return Event.from_data(data, f"content/events/{id}.yaml")


def directory_of(*events: Event, today: date = TODAY) -> Directory:
    return Directory.build({}, {e.id: e for e in events}, CONTACTS, PLACES, TAXONOMY, today)


def feeds_of(directory: Directory, **kw) -> dict[str, bytes]:
    """{feed path: bytes} for every feed of the directory."""
    kw.setdefault("versions", {})
    kw.setdefault("now", NOW)
    return {feed.path: data for feed, data in render_feeds(directory, SITE, Urls(), **kw)}
