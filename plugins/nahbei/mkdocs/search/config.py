"""Options of the ``nahbei/search`` plugin (mkdocs.yml ``plugins:`` entry)."""
from __future__ import annotations

from mkdocs.config import config_options as c
from mkdocs.config.base import Config

from .records import KINDS


class SearchConfig(Config):
    enabled = c.Type(bool, default=True)
    # Build the Pagefind index under `mkdocs serve` too (slower rebuilds).
    # Default: no index while serving; the search page says so.
    index_on_serve = c.Type(bool, default=False)
    # Path or name of a Pagefind binary; default: the one inside pagefind-bin.
    binary = c.Optional(c.Type(str))
    # Parts of indexed pages that are not searched (CSS selectors): links and
    # boilerplate repeated on every entry page, and on place and contact pages
    # the lists of offers and dates held there (their own pages are found).
    exclude_selectors = c.ListOfItems(c.Type(str), default=[
        ".nb-route", ".nb-ics",
        ".nb-page--place .nb-cards", ".nb-page--place .nb-events",
        ".nb-page--contact .nb-cards", ".nb-page--contact .nb-events",
    ])
    # Further options of Pagefind's index (pagefind.index.IndexConfig), e.g.
    # {"include_characters": "-", "logfile": "pagefind.log"}.
    pagefind_config = c.Type(dict, default={})
    # Pagefind now runs as a service fed while pages are written: no command line.
    pagefind_args = c.Deprecated(message="nahbei/search: 'pagefind_args' no longer applies "
                                         "(Pagefind runs through its Python API); use 'pagefind_config'.")
    # Seconds allowed to each wait for Pagefind (start, the last pages, writing the bundle).
    timeout = c.Type((int, float), default=600)
    # Which entry pages go into the index.
    kinds = c.ListOfItems(c.Choice(KINDS), default=list(KINDS))
    # The search page (/suche/ by default); a page in docs/ at that URL replaces it.
    page = c.Type(bool, default=True)
    # Search in the header (replaces mkdocs-material's search).
    header = c.Type(bool, default=True)
    # How much a match in an entry's `keywords` counts (Pagefind metaWeights;
    # body text counts 1, the title 5).
    keyword_weight = c.Type((int, float), default=3.0)
    # "Nichts gefunden?" link: GitHub issue form in repo_url (default: the
    # directory plugin's repo_url and issue_template, else mkdocs.yml repo_url).
    repo_url = c.Optional(c.Type(str))
    feedback_template = c.Optional(c.Type(str))
