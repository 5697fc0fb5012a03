"""Site-wide helpers for templates (Jinja global ``nahbei``) and the text helpers
that order names (German alphabetical order, initials)."""
from __future__ import annotations

import functools
import unicodedata
from dataclasses import dataclass, field
from datetime import date
from urllib.parse import urlencode

from ... import formatting as fmt
from ...i18n import own_catalog, t
from ...qrcodes import SHORTLIST_KINDS
from ...urls import Urls
from ..pages import calendar_path, edition_of, subscribe_help_path
from ..source import Neighbour

__all__ = ["Site", "initial", "sort_key"]


@dataclass
class Site:
    """Site-wide helpers for templates (Jinja global ``nahbei``)."""

    urls: Urls
    lang: str
    site_name: str
    site_url: str | None
    legal: object  # LegalConfig
    repo_url: str | None = None
    edit_uri: str = "edit/main/"
    issue_template: str = "aenderung-melden.yml"
    search_path: str | None = None  # set when a search page exists
    today: date | None = None
    feeds: dict | None = None  # nahbei.feeds catalog; None: link every feed path
    extra: dict = field(default_factory=dict)
    qr_codes: bool = False  # entry pages carry their QR code for the handout (needs site_url)
    hsds: bool = False  # open data in HSDS 3.0 under api/hsds/ (nahbei.exchange.hsds)
    licence: str | None = None  # of the open data (option open_data_licence)
    licence_url: str | None = None
    #: other nahbei sites the search includes (option neighbours): open-data and privacy pages
    neighbours: tuple[Neighbour, ...] = ()
    #: the maps (nahbei.mkdocs.maps.MapSite): shown or not, the transit planner
    map: object | None = None
    #: the kinds of entry page with a "Merken" box (shortlist.js)
    shortlist_kinds = SHORTLIST_KINDS
    #: the site's own language (at the root); ``lang`` is this edition's
    site_lang: str = "de"
    #: every edition's language, the site's own first (option languages)
    languages: tuple[str, ...] = ()
    #: {language: the paths of that edition's pages}, shared by all editions (the switcher's targets)
    edition_paths: dict = field(default_factory=dict)
    #: the site's own feeds (catalog): an edition links them where it has none of its own
    fallback_feeds: dict | None = None
    #: another language's edition: its pages for the footer's list [(title, path)]
    #: (the site's own edition lists mkdocs.yml's nav)
    nav_pages: tuple = ()

    def t(self, key: str, **params) -> str:
        return t(key, self.lang, **params)

    @property
    def home(self) -> str:
        """This edition's home page ("" for the site's own, "en/" for English's):
        the logo leads there, so that it does not change the reader's language."""
        return self.urls.prefix

    def own_text(self, key: str) -> str | None:
        """A text this edition's language has of its own (its locale files: the
        site's locales/<lang>.yaml, e.g. ``site.name``), None where only German has it."""
        return own_catalog(self.lang).get(key) or None

    @property
    def name(self) -> str:
        """The site's name in this edition's language: mkdocs.yml's site_name,
        in another language the site's locale file's ``site.name`` where it has one."""
        if self.lang == self.site_lang:
            return self.site_name
        return self.own_text("site.name") or self.site_name

    @property
    def name_lang(self) -> str | None:
        """The language of :attr:`name` where it is not the page's (the German
        name on another language's page, WCAG 3.1.2), else None."""
        if self.lang == self.site_lang or self.own_text("site.name"):
            return None
        return self.site_lang

    def page(self, kind: str, ident: str) -> str:
        return self.urls.page(kind, ident)

    def index(self, kind: str) -> str:
        return self.urls.index(kind)

    def feed(self, scope: str, ident: str | None = None) -> str | None:
        """Path of an .ics feed, or None when nahbei.feeds writes no such feed
        (``feeds`` is its catalog: {(scope, ident): Feed}); in another language's
        edition without a feed of its own, the site's own feed."""
        if self.feeds is not None and (scope, ident) not in self.feeds:
            if self.fallback_feeds is not None and (scope, ident) in self.fallback_feeds:
                return self.urls.german.feed(scope, ident)
            return None
        return self.urls.feed(scope, ident)

    @property
    def dir(self) -> str:
        """The edition's writing direction (babel): "rtl" for Arabic, Farsi, Hebrew."""
        return fmt.text_direction(self.lang)

    def alternates(self, path: str) -> list[dict]:
        """The language switcher of the page at ``path`` (in any edition): each edition's language,
        named in itself, with the same page in it, or that edition's home page
        where the page has none there (``same`` false)."""
        base = edition_of(path, self.languages, self.site_lang)[1]  # the page in the site's own language
        out = []
        for lang in self.languages:
            home = "" if lang == self.site_lang else f"{lang}/"
            same = home + base in self.edition_paths.get(lang, ())
            out.append({"lang": lang, "name": fmt.language_in_itself(lang), "url": home + base if same else home,
                        "same": same, "current": lang == self.lang, "dir": fmt.text_direction(lang)})
        return out

    def calendar(self, vocab: str | None = None, term: str | None = None) -> str:
        return calendar_path(self.urls, vocab, term)

    @property
    def subscribe_help(self) -> str | None:
        """The help page "Kalender abonnieren", when feeds are written."""
        return subscribe_help_path(self.urls) if self.feeds is None or self.feeds else None

    @property
    def today_label(self) -> str:
        return fmt.format_date_long(self.today, self.lang) if self.today else ""

    def absolute(self, path: str) -> str | None:
        return self.site_url.rstrip("/") + "/" + path if self.site_url else None

    def webcal(self, path: str) -> str | None:
        """webcal:// address of a feed (calendar apps subscribe to it); needs site_url."""
        url = self.absolute(path)
        return "webcal://" + url.split("://", 1)[1] if url else None

    @property
    def legal_links(self) -> list[dict]:
        return [{"label": self.t(f"ui.legal.{k}"), "path": self.urls.index(k)}
                for k in ("imprint", "privacy", "accessibility")]

    def change_url(self, entry, path: str) -> str | None:
        """A prefilled GitHub issue form "Änderung melden" for this entry."""
        if not self.repo_url:
            return None
        title = self.t("ui.change.issue_title", name=entry.name)
        query = urlencode({"template": self.issue_template, "title": title,
                           "entry": self.absolute(path) or entry.id})
        return f"{self.repo_url.rstrip('/')}/issues/new?{query}"

    def edit_url(self, source: str) -> str | None:
        if not self.repo_url:
            return None
        return f"{self.repo_url.rstrip('/')}/{self.edit_uri.strip('/')}/{source}"


@functools.lru_cache(maxsize=None)  # the same names are sorted on many index pages
def sort_key(text: str) -> str:
    """German alphabetical order: Ä with A, ß as ss, case and quotes ignored."""
    s = text.casefold().replace("ß", "ss")
    s = unicodedata.normalize("NFKD", s)
    s = "".join(ch for ch in s if not unicodedata.combining(ch))
    return "".join(ch for ch in s if ch.isalnum() or ch == " ").strip()


def initial(text: str) -> str:
    key = sort_key(text)
    ch = key[:1].upper()
    return ch if ch.isalpha() else "#"
