"""Where each kind of page and feed lives (German by default, configurable).

One place for URL rules, so pages, feeds, JSON and search agree. Paths are
site-relative without a leading slash, directory style ("angebote/x/").
"""
from __future__ import annotations

from dataclasses import dataclass, field

DEFAULT_SEGMENTS = {
    "offer": "angebote",
    "event": "veranstaltungen",
    "contact": "kontakte",
    "place": "orte",
    "topics": "themen",
    "target_groups": "zielgruppen",
    "regions": "regionen",
    "calendar": "kalender",
    "archive": "archiv",
    "az": "a-z",
    "search": "suche",
    "api": "api",
}


@dataclass(frozen=True)
class Urls:
    segments: dict = field(default_factory=lambda: dict(DEFAULT_SEGMENTS))

    def page(self, kind: str, ident: str) -> str:
        """Entity or term page: 'angebote/<id>/', 'themen/<term>/'."""
        return f"{self.segments[kind]}/{ident}/"

    def index(self, kind: str) -> str:
        return f"{self.segments[kind]}/"

    def feed(self, scope: str, ident: str | None = None) -> str:
        """iCalendar feed path. scope: all | topics | target_groups | regions |
        offer | contact (organiser) | place | event (single event)."""
        cal = self.segments["calendar"]
        if scope == "all":
            return f"{cal}/alle.ics"
        if scope == "event":
            return f"{cal}/termine/{ident}.ics"
        folder = {"contact": "veranstalter"}.get(scope) or self.segments[scope]
        return f"{cal}/{folder}/{ident}.ics"
