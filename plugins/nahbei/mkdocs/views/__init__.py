"""What each generated page shows, prepared for its Jinja template (no MkDocs import).

:class:`Views` is built once per build from the Directory. Lookups that
several pages share (upcoming dates, terms per event, cards, rendered
descriptions) are computed once, lazily; a single entry page costs O(its own
references), never O(directory).

Text values are plain strings: nahbei templates are autoescaped. HTML that is
already safe (sanitised descriptions, JSON-LD, icons) is ``markupsafe.Markup``.

Modules: ``site`` (template helpers), ``shared`` and ``parts`` (what many pages
use), and one per family of pages: ``entries``, ``indexes``, ``calendar``, ``legal``, ``maps``.
"""
from __future__ import annotations

from ..pages import PageSpec
from .calendar import CalendarPages
from .entries import EntryPages
from .finder import FinderPages
from .indexes import IndexPages
from .legal import LegalPages
from .maps import MapPages
from .site import Site

__all__ = ["Site", "Views"]


class Views(EntryPages, IndexPages, CalendarPages, LegalPages, FinderPages, MapPages):
    """Every page kind's view: ``_<kind>(spec)`` from the family mixins, over one
    shared state (caches, building blocks) from :class:`~.parts.Parts`."""

    def for_page(self, spec: PageSpec) -> dict:
        return getattr(self, "_" + spec.kind)(spec)

    def _home(self, spec: PageSpec) -> dict:
        return self.home()  # another language's edition: its home page (the site's own is docs/index.md)

    def _shortlist(self, spec: PageSpec) -> dict:
        return {}  # the Merkzettel's entries are the browser's (assets/nahbei/shortlist.js)
