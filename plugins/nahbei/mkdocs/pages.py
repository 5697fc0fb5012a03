"""Which pages the directory adds to the site, and where (no MkDocs import).

One :class:`PageSpec` per generated page: entry pages (offers, events,
contacts, places), term pages, index pages, calendars and legal pages. The
plugin turns them into virtual MkDocs files; the views module fills them.
"""
from __future__ import annotations

from dataclasses import dataclass, replace

from ..i18n import t
from ..model.layout import ENTRY_KINDS, VOCABULARIES, entries_of
from ..model.translations import has_page_in
from ..urls import DEFAULT_SEGMENTS, Urls


@dataclass(frozen=True, slots=True)
class PageSpec:
    path: str  # site-relative URL path, "angebote/x/"
    kind: str  # home (of an edition) | offer | event | contact | place | easy_read | easy_read_site | term | terms | az | archive | calendar | subscribe | contacts | places | map | shortlist | legal
    template: str
    title: str
    ident: str | None = None
    vocab: str | None = None  # term pages, term calendars
    description: str | None = None
    in_nav: bool = False  # index pages may be listed in mkdocs.yml nav
    group: str | None = None  # finder pages: the target group chosen (situation_path)
    entry_kind: str | None = None  # an entry's text in Leichte Sprache: the entry's kind (offer, event, …)
    lang: str = "de"  # the edition (site language) the page belongs to
    title_lang: str | None = None  # the title's language where it is not the page's (an untranslated term)

    @property
    def src_uri(self) -> str:
        return self.path + "index.md"


def make_urls(overrides: dict | None = None) -> Urls:
    """The site's URL rules: nahbei.urls defaults, then mkdocs.yml overrides."""
    return Urls({**DEFAULT_SEGMENTS, **(overrides or {})})


@dataclass(frozen=True)
class EditionUrls(Urls):
    """The URL rules of one language's edition ('en/…'): an entry without a page
    in it (not in ``pages``) is linked to its page in the site's own language, so
    lists, calendars and search of every edition reach every entry."""

    german: Urls | None = None
    pages: frozenset = frozenset()  # (kind, id) of the entries with a page in this edition

    def has_page(self, kind: str, ident: str) -> bool:
        return (kind, ident) in self.pages

    def page(self, kind: str, ident: str) -> str:
        if kind in ENTRY_KINDS and not self.has_page(kind, ident):
            return self.german.page(kind, ident)
        return super().page(kind, ident)

    def index(self, kind: str) -> str:
        # Leichte Sprache is German; open data (api/) is one for all languages
        return self.german.index(kind) if kind in SHARED_INDEXES else super().index(kind)


#: what every edition links in the site's own language
SHARED_INDEXES = frozenset({"easy_read", "api"})


def edition_urls(urls: Urls, directory, lang: str, site_lang: str) -> Urls:
    """``urls`` for the ``lang`` edition (itself for the site's own language)."""
    if lang == site_lang:
        return urls
    pages = frozenset((kind, ident) for kind in ENTRY_KINDS for ident, entry in entries_of(directory, kind).items()
                      if has_page_in(entry.data, kind, lang))
    return EditionUrls(urls.segments, f"{lang}/", german=urls, pages=pages)


def calendar_path(urls: Urls, vocab: str | None = None, term: str | None = None) -> str:
    base = urls.index("calendar")
    if vocab is None:
        return base
    return f"{base}{urls.segments[vocab]}/{term}/"


def subscribe_help_path(urls: Urls) -> str:
    return f"{urls.index('calendar')}{urls.segments['subscribe']}/"


def situation_path(urls: Urls, situation: str | None = None, group: str | None = None) -> str:
    """The finder: its index, a life situation's page, or the page for one target group."""
    if situation is None:
        return urls.index("situations")
    base = urls.page("situations", situation)
    return f"{base}{group}/" if group else base


def easy_read_path(urls: Urls, kind: str, ident: str) -> str:
    """An entry's text in Leichte Sprache, below the entry's page: 'angebote/x/leichte-sprache/'."""
    return f"{urls.page(kind, ident)}{urls.segments['easy_read']}/"


def easy_read_entries(directory):
    """(kind, id, entry) of every entry with a text in Leichte Sprache and a page
    of its own (consultation hours published as events have none: their offer's
    page shows them), by kind and id."""
    for kind in ENTRY_KINDS:
        for ident, entry in sorted(entries_of(directory, kind).items()):
            if entry.easy_read and not getattr(entry, "derived_from", None):
                yield kind, ident, entry


def edition_of(path: str, languages, site_lang: str) -> tuple[str, str]:
    """(the edition's language, the same page's path in the site's own language) of a
    page path ('en/a-z/' -> ('en', 'a-z/'))."""
    for lang in languages:
        if lang != site_lang and path.startswith(f"{lang}/"):
            return lang, path[len(lang) + 1:]
    return site_lang, path


def plan(directory, urls: Urls, lang: str = "de", site_lang: str | None = None) -> list[PageSpec]:
    """Every generated page of one edition, in a stable order. The site's own
    language (``site_lang``, default ``lang``) has every page; another language's
    edition (``urls`` from :func:`edition_urls`, ``directory`` in that language)
    has its own home page, every index page and the pages of the entries
    translated into it, none of them in the nav; Leichte Sprache is German."""
    site_lang = site_lang or lang
    own = lang == site_lang
    specs = _plan(directory, urls, lang, own)
    if own:
        return specs
    out = [PageSpec(urls.prefix, "home", "nahbei/home.html", t("ui.home.title", lang),
                    description=t("ui.home.intro", lang), lang=lang)]
    for spec in specs:
        if spec.kind in ENTRY_KINDS and not urls.has_page(spec.kind, spec.ident):
            continue
        out.append(replace(spec, in_nav=False, lang=lang))
    return out


def _other(text_lang: str, lang: str) -> str | None:
    """A title's language where it differs from the page's (for ``<h1 lang>``)."""
    return text_lang if text_lang != lang else None


def _plan(directory, urls: Urls, lang: str, own: bool) -> list[PageSpec]:
    d = directory
    out: list[PageSpec] = []
    add = out.append
    for oid, o in sorted(d.offers.items()):
        add(PageSpec(urls.page("offer", oid), "offer", "nahbei/offer.html", o.name, oid,
                     description=o.get("summary")))
    for eid, e in sorted(d.events.items()):
        if e.derived_from:  # regular hours published as a series: shown on the offer page
            continue
        add(PageSpec(urls.page("event", eid), "event", "nahbei/event.html", e.title, eid,
                     description=e.get("summary")))
    for cid, c in sorted(d.contacts.items()):
        add(PageSpec(urls.page("contact", cid), "contact", "nahbei/contact.html", c.name, cid,
                     description=c.get("role")))
    for pid, p in sorted(d.places.items()):
        add(PageSpec(urls.page("place", pid), "place", "nahbei/place.html", p.name, pid))
    if own:  # Leichte Sprache is German: its pages are in the German edition only
        # entries with a text in Leichte Sprache: that text on a page of its own too
        for kind, ident, entry in easy_read_entries(d):
            add(PageSpec(easy_read_path(urls, kind, ident), "easy_read", "nahbei/easy-read.html",
                         t("ui.easy_read.page_title", lang, name=entry.name), ident, entry_kind=kind))
        add(PageSpec(urls.index("easy_read"), "easy_read_site", "nahbei/easy-read-site.html",
                     t("ui.easy_read.site.title", lang), description=t("ui.easy_read.site.description", lang),
                     in_nav=True))
    for vocab in VOCABULARIES:
        add(PageSpec(urls.index(vocab), "terms", "nahbei/terms.html", t(f"ui.index.{vocab}", lang),
                     vocab=vocab, in_nav=True))
        for tid, term in d.taxonomy.vocabulary(vocab).items():
            add(PageSpec(urls.page(vocab, tid), "term", "nahbei/term.html", term.label, tid, vocab,
                         description=term.description, title_lang=_other(term.lang, lang)))
            add(PageSpec(calendar_path(urls, vocab, tid), "calendar", "nahbei/calendar.html",
                         t("ui.calendar.title_for", lang, label=term.label), tid, vocab))
    add(PageSpec(urls.index("az"), "az", "nahbei/az.html", t("ui.index.az", lang), in_nav=True))
    add(PageSpec(urls.index("archive"), "archive", "nahbei/archive.html", t("ui.index.archive", lang), in_nav=True))
    add(PageSpec(calendar_path(urls), "calendar", "nahbei/calendar.html", t("ui.calendar.title", lang), in_nav=True))
    add(PageSpec(subscribe_help_path(urls), "subscribe", "nahbei/subscribe.html", t("ui.subscribe.title", lang),
                 description=t("ui.subscribe.description", lang)))
    add(PageSpec(urls.index("contact"), "contacts", "nahbei/contacts.html", t("ui.index.contacts", lang), in_nav=True))
    add(PageSpec(urls.index("place"), "places", "nahbei/places.html", t("ui.index.places", lang), in_nav=True))
    # the places with a position, as a list and (when the site has tiles) on a map
    add(PageSpec(urls.index("map"), "map", "nahbei/map.html", t("ui.map.title", lang),
                 description=t("ui.map.description", lang), in_nav=True))
    # The finder "Worum geht es?": its index (always, the nav may name it), one page per
    # life situation and one per target group it has offers for; regions are anchors
    # on these pages, never pages of their own (a large directory stays small).
    add(PageSpec(situation_path(urls), "finder", "nahbei/finder.html", t("ui.finder.title", lang),
                 description=t("ui.finder.intro", lang), in_nav=True))
    for sid, s in d.taxonomy.situations.items():
        add(PageSpec(situation_path(urls, sid), "situation", "nahbei/situation.html", s.label, sid,
                     description=s.description, title_lang=_other(s.lang, lang)))
        for gid in d.situation_groups(sid):
            g = d.taxonomy.target_groups[gid]
            add(PageSpec(situation_path(urls, sid, gid), "situation", "nahbei/situation.html",
                         t("ui.finder.group_title", lang, label=s.label, group=g.phrase or g.label), sid,
                         description=s.description, group=gid, title_lang=_other(s.lang, lang) or _other(g.lang, lang)))
    add(PageSpec(urls.index("shortlist"), "shortlist", "nahbei/shortlist.html", t("ui.shortlist.title", lang),
                 description=t("ui.shortlist.description", lang), in_nav=True))
    add(PageSpec(urls.index("open_data"), "open_data", "nahbei/open-data.html", t("ui.open_data.title", lang),
                 description=t("ui.open_data.description", lang), in_nav=True))
    for kind in ("imprint", "privacy", "accessibility"):
        add(PageSpec(urls.index(kind), "legal", f"nahbei/legal/{kind}.html", t(f"ui.legal.{kind}", lang), kind))
    return out
