"""The site in each of its languages (option ``languages``): one edition per
language, the site's own at the root, the others below '<lang>/' (issue 13).

An edition is the directory with its texts in that language
(``Directory.in_language``), its URL rules (``pages.edition_urls``: an entry
without a page in it links its German page), its template helpers (``Site``),
views and the theme's texts in that language. :class:`Editions` makes them for
a build and answers what the plugin and other plugins (nahbei/search, through
``DirectorySource``) ask: which pages an edition has, the template variables
of its pages.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from .pages import PageSpec, edition_of, edition_urls, plan
from .theme import ThemeTexts
from .views import Site, Views


@dataclass
class Edition:
    lang: str
    site: Site
    views: Views
    theme_texts: ThemeTexts | None = None  # made when its first page is rendered (needs the environment)


class Editions:
    def __init__(self):
        self.site_lang = "de"
        self.by_lang: dict[str, Edition] = {}
        #: {language: the paths of that edition's pages}, shared with every edition's Site (the switcher)
        self.paths: dict[str, frozenset] = {}

    def __getitem__(self, lang: str) -> Edition:
        return self.by_lang[lang]

    def __iter__(self):
        return iter(self.by_lang.values())

    @property
    def languages(self) -> tuple[str, ...]:
        return tuple(self.by_lang)

    def build(self, directory, urls, languages: tuple[str, ...], site_lang: str, *,
              site: Callable[..., Site], views: Callable[..., Views],
              feeds: Callable[[object, str], dict | None]) -> list[PageSpec]:
        """Every edition's Site, Views and pages (the site's own first). ``site(urls=, lang=,
        feeds=, …)`` and ``views(directory, site, lang)`` make the helpers with the
        build's options; ``feeds(directory, lang)`` is an edition's feed catalog."""
        self.site_lang, self.by_lang, self.paths = site_lang, {}, {}
        own_nav: set[str] = set()
        specs: list[PageSpec] = []
        for lang in languages:
            own = lang == site_lang
            text = directory if own else directory.in_language(lang)
            rules = edition_urls(urls, directory, lang, site_lang)
            helpers = site(urls=rules, lang=lang, feeds=feeds(text, lang), site_lang=site_lang,
                           languages=languages, edition_paths=self.paths)
            self.by_lang[lang] = Edition(lang, helpers, views(text, helpers, lang))
            planned = plan(text, rules, lang, site_lang)
            self.paths[lang] = frozenset(spec.path for spec in planned)
            if own:
                own_nav = {spec.path for spec in planned if spec.in_nav}
            else:  # its footer lists its home and the pages the site's own nav lists
                helpers.nav_pages = tuple((spec.title, spec.path) for spec in planned
                                          if spec.kind == "home" or spec.path[len(rules.prefix):] in own_nav)
            specs.extend(planned)
        return specs

    def add_paths(self, urls: Iterable[str]) -> None:
        """Pages made from docs/ or by other plugins (nahbei/search's search page per
        language): each to its edition, by its folder, so the switcher leads there."""
        found: dict[str, set] = {lang: set() for lang in self.by_lang}
        for url in urls:
            url = "" if url == "./" else url  # (a page's url: the home page's is "", its file's "./")
            found[edition_of(url, self.by_lang, self.site_lang)[0]].add(url)
        for lang, extra in found.items():
            self.paths[lang] = self.paths[lang] | extra

    def theme_texts(self, edition: Edition, env, config) -> ThemeTexts:
        if edition.theme_texts is None:
            edition.theme_texts = ThemeTexts(env, config, language=edition.lang)
        return edition.theme_texts

    def context(self, lang: str, env, config) -> dict:
        """The template variables a page of the ``lang`` edition gets in place of the
        site's own (none for the site's own language)."""
        if lang == self.site_lang:
            return {}
        edition = self.by_lang[lang]
        return {"nahbei": edition.site, "nahbei_views": edition.views,
                "nahbei_theme_text": self.theme_texts(edition, env, config)}

    def has_page(self, lang: str, kind: str, ident: str) -> bool:
        """Whether an entry has a page of its own in the ``lang`` edition."""
        return self.by_lang[lang].site.urls.has_page(kind, ident)
