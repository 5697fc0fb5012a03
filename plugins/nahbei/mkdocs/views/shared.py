"""The state every view shares: the directory, site helpers and settings, and the
lookups many pages use, computed once per build (upcoming dates, dates per term,
ended offers, offer counts)."""
from __future__ import annotations

import functools
from collections import defaultdict
from datetime import timedelta

from markupsafe import Markup

from ... import jsonld
from ...model.layout import VOCABULARIES
from ...model.translations import TRANSLATABLE, value_at
from .site import Site


class Shared:
    def __init__(self, directory, site: Site, *, calendar_weeks: int = 8, calendar_max_dates: int = 300,
                 home_events: int = 5,
                 home_recent: int = 5, next_dates: int = 6, icons=None, occurrence_cache: dict | None = None):
        self.d = directory
        self.site = site
        self.urls = site.urls
        self.lang = site.lang
        self.today = directory.today
        self.window = timedelta(weeks=calendar_weeks)
        self.calendar_weeks = calendar_weeks
        self.calendar_max_dates = calendar_max_dates
        self.home_events = home_events
        self.home_recent = home_recent
        self.next_dates_count = next_dates
        self.icons = icons or {}  # (vocab, term) -> Markup svg
        self.occurrence_cache = occurrence_cache  # kept across builds by the preview
        self.ld = jsonld.JsonLd(directory, self.urls, site.site_url, self.lang)
        self._descriptions: dict[tuple, Markup] = {}
        self._cards: dict[str, dict] = {}
        self._occurrences: dict[tuple, dict] = {}
        self._next: dict[str, tuple[bool, list]] = {}
        self._refs: dict[tuple, dict] = {}

    def german_only(self, kind: str, ident: str) -> bool:
        """In another language's edition: the entry has no page in it (its links lead to
        the German page, which lists, calendars and search mark "nur auf Deutsch")."""
        return not self.urls.has_page(kind, ident)

    def german_fields(self, entry, kind: str) -> frozenset[str]:
        """In another language's edition: the entry's texts it shows in German (not
        translated into the edition's language), marked lang="de" on the page."""
        if self.lang == self.site.site_lang:
            return frozenset()
        return frozenset(f for f in TRANSLATABLE[kind]
                         if value_at(entry.data, f) and entry.text(f, self.lang)[1] != self.lang)

    # -- shared, computed once ------------------------------------------------

    @functools.cached_property
    def upcoming(self) -> list:
        return self.d.occurrences(self.today, self.today + self.window, cache=self.occurrence_cache)

    @functools.cached_property
    def upcoming_by_term(self) -> dict[tuple, list[int]]:
        """(vocab, term) -> positions in ``upcoming`` of the dates of its events (once per build)."""
        out: dict[tuple, list[int]] = defaultdict(list)
        for i, o in enumerate(self.upcoming):
            for vocab, ids in self.d.event_terms(o.event_id).items():
                for tid in ids:
                    out[(vocab, tid)].append(i)
        return out

    def upcoming_for(self, vocab: str, tid: str) -> list:
        """Upcoming dates of a term and its narrower terms, in calendar order."""
        positions: set[int] = set()
        for x in self.d.taxonomy.with_descendants(vocab, tid):
            positions.update(self.upcoming_by_term.get((vocab, x), ()))
        upcoming = self.upcoming
        return [upcoming[i] for i in sorted(positions)]

    @functools.cached_property
    def ended_ids(self) -> frozenset:
        return frozenset(o.id for o in self.d.ended_offers())

    @functools.cached_property
    def current_offer_count(self) -> dict[tuple, int]:
        return {key: len(self._term_offer_ids(*key)) for vocab in VOCABULARIES
                for key in ((vocab, tid) for tid in self.d.taxonomy.vocabulary(vocab))}

    def _term_offer_ids(self, vocab: str, tid: str) -> list[str]:
        seen: dict[str, None] = {}
        for term in self.d.taxonomy.with_descendants(vocab, tid):
            for oid in self.d.offers_by_term.get((vocab, term), ()):
                if oid not in self.ended_ids:
                    seen[oid] = None
        return list(seen)

    def warm(self) -> None:
        """Compute what many pages share now, before a second process starts
        rendering pages (nahbei.mkdocs.prefetch): both then have it."""
        for name in ("upcoming", "upcoming_by_term", "ended_ids", "current_offer_count"):
            getattr(self, name)
        for e in self.d.events.values():
            self.next_dates(e)
