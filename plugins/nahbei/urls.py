"""Where each kind of page and feed lives (German by default, configurable).

One place for URL rules, so pages, feeds, JSON and search agree. Paths are
site-relative without a leading slash, directory style ("angebote/x/").
Every segment is in the one table below; mkdocs.yml may override any of them
(``nahbei/directory: urls: {offer: offers}``).
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
    "situations": "worum-geht-es",  # the finder: life situations, worum-geht-es/<situation>/<group>/
    "shortlist": "merkzettel",  # the Merkzettel, also the printed handout
    "map": "karte",  # the overview map of all places (list first, then the map)
    "api": "api",
    "open_data": "offene-daten",  # the page that explains api/ and the feeds
    # Leichte Sprache: the page that explains the site in it (leichte-sprache/) and an
    # entry's own text in it, below the entry's page (angebote/<id>/leichte-sprache/)
    "easy_read": "leichte-sprache",
    # legal pages, and the help page under the calendar (kalender/abonnieren/)
    "imprint": "impressum",
    "privacy": "datenschutz",
    "accessibility": "barrierefreiheit",
    "subscribe": "abonnieren",
    # feeds below the calendar: kalender/alle.ics, kalender/termine/<event>.ics,
    # kalender/veranstalter/<organiser>.ics (the other scopes use their page segment)
    "feed_all": "alle",
    "feed_event": "termine",
    "feed_organiser": "veranstalter",
}


@dataclass(frozen=True)
class Urls:
    segments: dict = field(default_factory=lambda: dict(DEFAULT_SEGMENTS))
    #: the folder of a language's edition of the site ("en/"); "" for the site's own language
    prefix: str = ""

    def in_language(self, lang: str, site_lang: str) -> "Urls":
        """The same rules for the ``lang`` edition: its pages and feeds below '<lang>/'
        (the same German segments: one entry, one slug in every language)."""
        return Urls(self.segments, "" if lang == site_lang else f"{lang}/")

    def has_page(self, kind: str, ident: str) -> bool:
        """Whether an entry has a page of its own under these rules: always in the
        site's own language (an edition's rules say otherwise: mkdocs/pages.py)."""
        return True

    def page(self, kind: str, ident: str) -> str:
        """Entity or term page: 'angebote/<id>/', 'themen/<term>/'."""
        return f"{self.prefix}{self.segments[kind]}/{ident}/"

    def index(self, kind: str) -> str:
        return f"{self.prefix}{self.segments[kind]}/"

    def feed(self, scope: str, ident: str | None = None) -> str:
        """iCalendar feed path. scope: all | topics | target_groups | regions |
        offer | contact (organiser) | place | event (single event)."""
        cal = self.prefix + self.segments["calendar"]
        if scope == "all":
            return f"{cal}/{self.segments['feed_all']}.ics"
        folder = self.segments[{"event": "feed_event", "contact": "feed_organiser"}.get(scope, scope)]
        return f"{cal}/{folder}/{ident}.ics"
