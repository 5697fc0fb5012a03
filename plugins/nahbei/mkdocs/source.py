"""What the directory plugin tells other plugins (nahbei/search) about this build.

One small, read-only object instead of attributes read off the plugin: the
directory, its language and URL segments, which page shows which entry,
where changes are reported, and the neighbouring directories.
"""
from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from ..exchange.hsds import FOLDER as HSDS_FOLDER
from ..urls import DEFAULT_SEGMENTS


@dataclass(frozen=True)
class Neighbour:
    """Another nahbei site (option ``neighbours``): name and home page URL
    (https, ending in "/"; nahbei.mkdocs.config.neighbour_url)."""

    name: str
    url: str

    @property
    def bundle(self) -> str:
        """Its Pagefind bundle (every nahbei site writes it to pagefind/)."""
        return self.url + "pagefind/"

    @property
    def open_data(self) -> str:
        """Its HSDS index (nahbei.exchange.hsds), where a site with the default
        URL segments has it: its own segments are not known here."""
        return f"{self.url}{DEFAULT_SEGMENTS['api']}/{HSDS_FOLDER}/index.json"


@dataclass(frozen=True)
class DirectorySource:
    #: nahbei.model.directory.Directory of this build
    directory: object
    lang: str
    #: URL segment of each kind of page ("search": "suche", …): nahbei.urls
    segments: Mapping[str, str]
    #: (kind, id) of the entry a page shows, by the page's source path; None for other pages
    entry_of: Callable[[str], tuple[str, str] | None]
    repo_url: str | None = None
    issue_template: str | None = None
    neighbours: tuple[Neighbour, ...] = ()
    #: the site's languages, its own (``lang``) first: one edition each, the others below '<lang>/'
    languages: tuple[str, ...] = ()
    #: the edition (language) a generated page belongs to, by its source path; None for other pages
    lang_of: Callable[[str], str | None] = lambda src_uri: None
    #: the directory with its texts in a language, German where untranslated (Directory.in_language)
    in_language: Callable[[str], object] | None = None
    #: (language, kind, id) -> whether the entry has a page in that language's edition
    #: (otherwise that edition links the entry's page in the site's own language)
    has_page: Callable[[str, str, str], bool] = lambda lang, kind, ident: True
    #: the template variables the directory plugin gives its pages of a language's edition
    #: (nahbei, nahbei_views, nahbei_theme_text), for another plugin's page in that edition;
    #: empty for the site's own language (its are the environment's globals)
    edition_context: Callable[[str], Mapping[str, object]] = lambda lang: {}
