"""``nahbei/search``: search and filters with Pagefind, in place of mkdocs-material's search.

- on_startup: remember whether this is ``mkdocs serve``
- on_config: template folder (after overrides/, before the theme), the
  script and stylesheet (nahbei's partials/header.html includes our
  ``partials/search.html`` when ``nahbei_search`` is set)
- on_files: the search page (``/suche/``, and in each further language of the
  site ``/<lang>/suche/``) unless docs/ has one, script and CSS, and search.js's
  settings (texts, weights, the dialog's links), one file per language,
  ``assets/nahbei-search/settings.<lang>.json`` (``settings.json``: the site's
  own language, for a page in a language the site lacks): search.js fetches
  its page's on first use, so pages carry none of it; with them the
  neighbouring directories (the directory plugin's option ``neighbours``),
  whose Pagefind indexes search.js merges (Pagefind's multisite search)
- on_env: ``nahbei_search`` for the templates (URLs, texts) in the site's
  language; on_page_context: the same in the page's language on another
  language's pages (and the directory plugin's texts on our search pages there)
- on_post_page: Pagefind attributes on entry pages (records.py, markup.py),
  and each entry page to Pagefind right away (indexer.LiveIndex: Pagefind's
  Python API; it indexes on the other core while MkDocs renders on); every
  other page is left out of the index. Each language has an index of its
  own, in a Pagefind process of its own (languages.LanguageIndexes), written
  as soon as the next language's pages come (the directory plugin plans
  them edition by edition): one language's pages at a time in memory. An
  entry without a page in a language's edition goes into that language's
  index as a record of its German page (Pagefind's custom record, meta
  ``lang``: search.js marks it), sent when that language's index starts
- on_post_build: the last languages' bundles are written (started before
  the other plugins' on_post_build, waited for after them) and joined into
  one bundle in site/pagefind/

Entry pages are recognised by ``page.meta["nahbei"] = {"kind", "id"}`` or,
failing that, by the directory plugin's page plan: the directory plugin's one
public call, ``source()`` (nahbei.mkdocs.source.DirectorySource).
"""
from __future__ import annotations

import json
import os
import time
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlencode

from mkdocs.config.config_options import ExtraScriptValue
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, CombinedEvent, event_priority, get_plugin_logger
from mkdocs.structure.files import File, InclusionLevel

from ...i18n import catalog, t
from ...urls import DEFAULT_SEGMENTS, Urls
from ..plugin import DirectoryPlugin
from ..source import DirectorySource
from . import indexer, markup, nearby
from .config import SearchConfig
from .languages import LanguageIndexes
from .records import KINDS, RecordBuilder

log = get_plugin_logger(__name__)

HERE = Path(__file__).parent
TEMPLATES = HERE / "templates"
ASSETS = HERE / "assets"
SCRIPT = "assets/nahbei-search/search.js"
# "In meiner Nähe" and the results map: a module search.js imports (next to it) only
# on the pages that have them, so a search elsewhere does not download it
NEARBY_SCRIPT = "assets/nahbei-search/nearby.js"
STYLESHEET = "assets/nahbei-search/search.css"
# search.js's settings, next to it (it resolves "settings.<lang>.json" against its own URL):
# one per language, and the site's own language's once more as settings.json
SETTINGS = "assets/nahbei-search/settings.json"
LANGUAGE_SETTINGS = "assets/nahbei-search/settings.{lang}.json"
PAGE_TEMPLATE = "nahbei-search/page.html"
DIRECTORY_PLUGIN = "nahbei/directory"
MATERIAL_SEARCH = "material/search"
HEADER_INSTANCE = "nb-header"
# settings.json "nearby": search.js's name -> locale key search.nearby.<key>
NEARBY_TEXTS = (("loading", "loading"), ("ordered", "ordered"), ("orderedRadius", "ordered_radius"),
                ("yourPosition", "your_position"), ("unordered", "unordered"), ("empty", "empty"),
                ("unknownPostcode", "unknown_postcode"), ("unknownPlace", "unknown_place"), ("noData", "no_data"),
                ("approx", "approx"), ("distanceLabel", "distance_label"), ("noPlace", "no_place"),
                ("unknownPosition", "unknown_position"), ("more", "more"))


class SearchPlugin(BasePlugin[SearchConfig]):
    supports_multiple_instances = False

    def __init__(self):
        super().__init__()
        self.serving = False
        self.lang = "de"
        self.search_path = DEFAULT_SEGMENTS["search"] + "/"
        self.languages: tuple[str, ...] = ("de",)  # the site's, its own first (the directory plugin's editions)
        self.page_generated = False
        self.generated_pages: dict[str, str] = {}  # our search pages: source path -> language
        self.contexts: dict[str, dict] = {}  # nahbei_search of each language (on_env)
        self.builders: dict[str, RecordBuilder] = {}
        self.fallback_records = 0  # entries in another language's index as their German page
        self.last_index: indexer.IndexResult | None = None
        self.indexed_pages: list[str] = []
        self.indexes: LanguageIndexes | None = None  # this build's Pagefind indexes, one per language
        # the site's own language's entry pages so far (kind, id, URL): the other
        # languages' indexes get a record of each that has no page in them
        self.own_entries: list[tuple[str, str, str]] = []
        self.filter_names: set[str] = set()
        self.whole_pages = 0  # entry pages Pagefind had to get whole (markup.index_document)
        self.behind = 0  # pages Pagefind had not indexed yet when the last page was written

    # -- setup ---------------------------------------------------------------------

    def on_startup(self, *, command, dirty):
        self.serving = command == "serve"

    @property
    def will_index(self) -> bool:
        return bool(self.config.enabled) and (not self.serving or self.config.index_on_serve)

    @staticmethod
    def _source(config) -> DirectorySource | None:
        """The directory of this build (None without the directory plugin, or before its on_files)."""
        plugin = config.plugins.get(DIRECTORY_PLUGIN)
        return plugin.source() if isinstance(plugin, DirectoryPlugin) else None

    def on_config(self, config):
        if not self.config.enabled:
            return config
        self.lang = config.theme.get("language") or "de"
        # Templates: after custom_dir (overrides/ wins), before the theme.
        dirs = config.theme.dirs
        if str(TEMPLATES) not in dirs:
            custom = config.theme.custom_dir
            at = 1 if custom and dirs and os.path.abspath(dirs[0]) == os.path.abspath(custom) else 0
            dirs.insert(at, str(TEMPLATES))
        if MATERIAL_SEARCH in config.plugins:
            log.warning(t("ui.build.search_replaces_material", self.lang))
        if not any(str(s) == SCRIPT for s in config.extra_javascript):
            script = ExtraScriptValue(SCRIPT)
            script.type = "module"
            config.extra_javascript.append(script)
        # Pagefind's own stylesheet is not listed: search.js adds it right
        # before ours where its UI is used (and again after mkdocs-material's
        # instant navigation, which keeps only what the next page's head lists).
        if STYLESHEET not in config.extra_css:
            config.extra_css.append(STYLESHEET)
        return config

    # -- files ---------------------------------------------------------------------

    def _segments(self, config) -> dict:
        source = self._source(config)
        return dict(source.segments if source is not None else DEFAULT_SEGMENTS)

    def _languages(self, config) -> tuple[str, ...]:
        source = self._source(config)
        return tuple(dict.fromkeys((self.lang, *(source.languages if source is not None else ()))))

    def _urls(self, config, lang: str) -> Urls:
        """The URL rules of ``lang``'s edition ('<lang>/…'; the site's own language at the root)."""
        return Urls(self._segments(config)).in_language(lang, self.lang)

    def search_page(self, config, lang: str) -> str:
        """The search page of ``lang``'s edition ("suche/", "en/suche/")."""
        return self._urls(config, lang).prefix + self.search_path

    @staticmethod
    def settings_path(lang: str) -> str:
        return LANGUAGE_SETTINGS.format(lang=lang)

    @event_priority(-50)  # after the directory plugin planned its pages
    def on_files(self, files, *, config):
        if not self.config.enabled:
            return files
        for rel in (SCRIPT, NEARBY_SCRIPT, STYLESHEET):
            if files.get_file_from_path(rel) is None:
                files.append(File.generated(config, rel, abs_src_path=str(ASSETS / Path(rel).name)))
        self.search_path = self._segments(config).get("search", DEFAULT_SEGMENTS["search"]) + "/"
        self.languages = self._languages(config)
        for lang in self.languages:
            for rel in (self.settings_path(lang), *((SETTINGS,) if lang == self.lang else ())):
                if files.get_file_from_path(rel) is None:
                    files.append(File.generated(config, rel, content=self.settings_json(config, lang)))
        self.page_generated = False
        self.generated_pages = {}
        if self.config.page:
            for lang in self.languages:
                path = self.search_page(config, lang)
                # a hand-written page at the search URL (a lookup, not a scan of ~10,000 files)
                sources = (path + "index.md", path.rstrip("/") + ".md")
                if any(files.get_file_from_path(src) is not None for src in sources):
                    log.debug(f"{path}: using the page from docs/")
                    continue
                front = {"title": t("search.page.title", lang), "template": PAGE_TEMPLATE,
                         "hide": ["navigation", "toc"]}
                content = "---\n" + json.dumps(front, ensure_ascii=False) + "\n---\n"
                files.append(File.generated(config, path + "index.md", content=content,
                                            inclusion=InclusionLevel.NOT_IN_NAV))
                self.generated_pages[path + "index.md"] = lang
                self.page_generated = self.page_generated or lang == self.lang
        return files

    # -- templates ------------------------------------------------------------------

    def feedback_url(self, config, lang: str | None = None) -> str | None:
        source = self._source(config)
        repo = self.config.repo_url or (source and source.repo_url) or config.repo_url
        if not repo or "github.com" not in repo:
            return None
        template = self.config.feedback_template or (source and source.issue_template) or "aenderung-melden.yml"
        # (the issue title stays German in every language: volunteers sort reports by it)
        query = urlencode({"template": template, "title": t("search.feedback.issue_title", lang or self.lang, query="")})
        return f"{repo.rstrip('/')}/issues/new?{query}"

    def neighbours(self, config) -> list[dict]:
        """The other directories the search includes: name, home page, Pagefind bundle."""
        source = self._source(config)
        return [{"name": n.name, "url": n.url, "bundle": n.bundle} for n in (source.neighbours if source else ())]

    def settings(self, config, lang: str | None = None) -> dict:
        """What search.js needs besides the page (settings.<lang>.json), in
        ``lang`` (default: the site's): Pagefind's texts and ranking, the header
        dialog's links, result labels, and the neighbouring directories with
        their texts (only when there are any)."""
        lang = lang or self.lang
        out = {
            "lang": lang,
            "strings": {k[len("search.pagefind."):]: v for k, v in catalog(lang).items()
                        if k.startswith("search.pagefind.")},
            "keywordWeight": float(self.config.keyword_weight),
            "headerInstance": HEADER_INSTANCE,
            "searchPage": self.search_page(config, lang),
            "feedbackUrl": self.feedback_url(config, lang),
            "feedbackTitle": t("search.feedback.issue_title", lang, query="{query}"),
            "labels": {"nextDate": t("search.result.next_date", lang),
                       "more": t("search.header.more", lang),
                       "feedback": t("search.feedback.link", lang)},
            "eventsFilter": {"name": t("search.filter.kind", lang), "value": t("search.kind.event", lang)},
            "browseTerm": markup.BROWSE_TERM,
            # "In meiner Nähe" (search.js): texts of the status line and of the results
            "nearby": {camel: t(f"search.nearby.{key}", lang) for camel, key in NEARBY_TEXTS},
        }
        if lang != self.lang:
            # results of entries without a page in this language: their German page (meta "lang")
            out["labels"]["otherLanguage"] = {self.lang: t("ui.languages.german_only", lang)}
        neighbours = self.neighbours(config)
        if neighbours:
            out["neighbours"] = neighbours
            out["labels"].update(neighbour=t("search.neighbours.result", lang, name="{name}"),
                                 unreachable=t("search.neighbours.unreachable", lang, names="{names}"))
        return out

    def settings_json(self, config, lang: str | None = None) -> str:
        return json.dumps(self.settings(config, lang), ensure_ascii=False, separators=(",", ":")) + "\n"

    def on_env(self, env, *, config, files):
        if not self.config.enabled:
            return env
        previous = env.autoescape

        def autoescape(name):
            if name and (name.startswith("nahbei-search/") or name == "partials/search.html"):
                return True
            return previous(name) if callable(previous) else previous

        env.autoescape = autoescape
        urls = {f.url for f in files.documentation_pages(inclusion=InclusionLevel.all)}
        self.contexts = {lang: self.template_context(config, lang, urls) for lang in self.languages}
        env.globals["nahbei_search"] = self.contexts[self.lang]
        return env

    def template_context(self, config, lang: str, urls: set[str]) -> dict:
        """``nahbei_search`` for the templates of ``lang``'s pages: its search
        page, the browse pages of its edition (those there are), its texts."""
        segments, edition = self._segments(config), self._urls(config, lang)
        browse = []
        for kind, key in (("az", "az"), ("topics", "topics"), ("target_groups", "target_groups"),
                          ("regions", "regions"), ("calendar", "calendar")):
            path = edition.prefix + segments.get(kind, DEFAULT_SEGMENTS.get(kind)) + "/"
            if path in urls:
                browse.append({"url": path, "label": t(f"search.browse.{key}", lang)})
        return {
            "lang": lang,
            "page_url": self.search_page(config, lang),
            "nearby_file": self.nearby_file(lang),
            "header": self.config.header,
            "header_instance": HEADER_INSTANCE,
            "indexed": self.will_index,
            "feedback_url": self.feedback_url(config, lang),
            "browse": browse,
            "neighbours": self.neighbours(config),
            "t": lambda key, **kw: t(f"search.{key}", lang, **kw),
        }

    def on_page_context(self, context, *, page, config, nav):
        """Another language's page: the search (header, "In meiner Nähe", the
        search page) in its language; our search page there gets the
        directory plugin's texts of that edition (its <html lang> among them)."""
        if not self.config.enabled or len(self.languages) < 2:
            return context
        source = self._source(config)
        lang = self.generated_pages.get(page.file.src_uri)
        if lang is not None and lang != self.lang and source is not None:
            context.update(source.edition_context(lang))
        elif lang is None and source is not None:
            lang = source.lang_of(page.file.src_uri)
        if lang and lang != self.lang and lang in self.contexts:
            context["nahbei_search"] = self.contexts[lang]
        return context

    # -- pages ----------------------------------------------------------------------

    def _entry_of(self, page, config) -> tuple[str | None, str | None]:
        meta = page.meta.get("nahbei") if page.meta else None
        if isinstance(meta, dict) and meta.get("kind"):
            return meta.get("kind"), meta.get("id")
        source = self._source(config)
        entry = source.entry_of(page.file.src_uri) if source is not None else None
        return entry if entry is not None else (None, None)

    def _builder(self, config, lang: str | None = None) -> RecordBuilder | None:
        """The records of ``lang``'s edition (default: the site's language): its
        directory's texts in that language, its words for filters and labels."""
        source = self._source(config)
        if source is None:
            return None
        lang = lang or source.lang
        if lang == source.lang:
            if self.builder is None or self.builder.d is not source.directory:
                self.builder = RecordBuilder(source.directory, source.lang)
                self.builders = {}
            return self.builder
        if lang not in self.builders:
            self.builders[lang] = RecordBuilder(source.in_language(lang), lang)
        return self.builders[lang]

    def on_pre_build(self, *, config):
        self.builder = None
        self.builders = {}
        self.fallback_records = 0
        self.indexed_pages = []
        self.own_entries = []
        self._close_index()
        self.filter_names = set()
        self.whole_pages = 0

    @property
    def live(self) -> indexer.LiveIndex | None:
        """The index pages go to now (the latest language's), or None."""
        if self.indexes is None or not self.indexes.open:
            return None
        return next(reversed(self.indexes.open.values()))

    def _indexes(self, config) -> LanguageIndexes:
        """This build's indexes. A language's Pagefind service starts with its first
        page: after every plugin's on_env (the directory plugin forks there)."""
        if self.indexes is None:
            def make() -> indexer.LiveIndex:
                return indexer.LiveIndex(binary=self.config.binary, timeout=self.config.timeout, config={
                    "exclude_selectors": list(self.config.exclude_selectors) or None,
                    **dict(self.config.pagefind_config)})

            self.indexes = LanguageIndexes(self.languages, Path(config.site_dir) / ".pagefind-parts", make,
                                           opened=lambda lang, live: self._records_of_own_pages(config, lang, live))
        return self.indexes

    @contextmanager
    def _stop_on_pagefind_error(self):
        """A failure of Pagefind stops the build with its message, after every
        Pagefind process of the build is stopped."""
        try:
            yield
        except indexer.IndexError_ as exc:
            self._close_index()
            raise PluginError(t("ui.build.search_failed", self.lang, error=exc)) from exc

    def _feed(self, config, lang: str, url: str, html: str) -> None:
        """One page to Pagefind, into ``lang``'s index."""
        with self._stop_on_pagefind_error():
            self._indexes(config).index(lang).add(url, html)

    def _pump(self, *, written_only: bool = False) -> None:
        if self.indexes is not None:
            with self._stop_on_pagefind_error():
                self.indexes.poll() if written_only else self.indexes.pump()

    def _close_index(self) -> None:
        if self.indexes is not None:
            self.indexes.close()
            self.indexes = None

    def on_post_page(self, output, *, page, config):
        if not self.config.enabled:
            return output
        source = self._source(config)
        if source is None:  # no directory: index what the templates mark, in one index
            if self.will_index:
                self._feed(config, "", "/" + page.url, output)
            return output
        lang = source.lang_of(page.file.src_uri) or source.lang
        builder = self._builder(config, lang)
        kind, ident = self._entry_of(page, config)
        rec = builder.record(kind, ident) if kind in self.config.kinds and ident else None
        if rec is None:
            self._pump()  # pages still waiting for the pipe go on to Pagefind
            return markup.strip_body(output)
        self.indexed_pages.append(page.url)
        if self.will_index:
            # Pagefind gets the marked content, not the whole page (the same index).
            # The record's hidden block (filters, metadata, sort keys: ~1 KB) goes only
            # to Pagefind: nothing reads it in the page as written.
            marked = markup.mark_entry(output, rec)
            document = markup.index_document(marked)
            self.whole_pages += document is marked
            self.filter_names.update(name for name, values in rec.filters.items() if values)
            self._feed(config, lang, "/" + page.url, document)
            self._pump(written_only=True)
            if lang == source.lang:
                self.own_entries.append((kind, ident, "/" + page.url))
                # (a language whose index is already open gets it at once; the others when theirs starts)
                for other, live in list(self.indexes.open.items()):
                    if other != lang:
                        self._record_elsewhere(source, config, other, live, kind, ident, "/" + page.url)
        return output

    def _records_of_own_pages(self, config, lang: str, live: indexer.LiveIndex) -> None:
        """A new index of another language than the site's: the site's entry
        pages so far that have no page in it go in as records."""
        source = self._source(config)
        if source is None or lang == source.lang:
            return
        for kind, ident, url in self.own_entries:
            self._record_elsewhere(source, config, lang, live, kind, ident, url)

    def _record_elsewhere(self, source: DirectorySource, config, lang: str, live: indexer.LiveIndex,
                          kind: str, ident: str, url: str) -> None:
        """The entry of a page in the site's language (at ``url``) into ``lang``'s
        index, unless its edition has a page of it: a record of that page, with
        that language's labels and filters (its record) and meta ``lang``
        (search.js marks the result as German). Its URL has the language after
        '#' (search.js links the page without it): Pagefind keeps one record per
        URL, and so the records stay apart should one index hold several languages."""
        if source.has_page(lang, kind, ident):
            return
        builder = self._builder(config, lang)
        rec = builder.record(kind, ident)
        if rec is None:
            return
        meta = {key: value for key, value in rec.meta.items() if value}
        if rec.keywords:
            meta["keywords"] = ", ".join(rec.keywords)
        meta.update(browse=markup.BROWSE_TERM, lang=source.lang)
        with self._stop_on_pagefind_error():
            live.add_record(f"{url}#{lang}", content=builder.content(kind, ident), language=lang, meta=meta,
                            filters={name: values for name, values in rec.filters.items() if values},
                            sort=rec.sort)
        self.fallback_records += 1

    # -- index ----------------------------------------------------------------------

    # Pagefind builds and writes the bundle while the other plugins'
    # on_post_build run (feeds, when the directory plugin writes them here);
    # the build waits for it after them.
    @event_priority(50)
    def _on_post_build_write(self, *, config):
        if not self.config.enabled:
            return
        if not self.will_index:
            log.info(t("ui.build.search_not_on_serve", self.lang))
            return
        source = self._source(config)
        indexes = self._indexes(config)
        with self._stop_on_pagefind_error():
            if source is not None and self.own_entries:
                # languages whose edition has no entry page of its own: the records of the German ones
                for lang in self.languages[1:]:
                    if lang not in indexes:
                        indexes.index(lang)
            if not indexes.open and not indexes.retired:
                indexes.index(self.lang)  # without any entry page: an empty index, so the search page still loads
            self.behind = indexes.write()

    @event_priority(-100)
    def _on_post_build_wait(self, *, config):
        if not self.config.enabled or not self.will_index or self.indexes is None:
            return
        with self._stop_on_pagefind_error():
            result = self.indexes.wait(Path(config.site_dir) / indexer.BUNDLE_DIR)
        self.indexes = None
        self.last_index = result
        lang = self.lang
        process = ""
        if result.cpu_seconds is not None:
            process = t("ui.build.search_process_cpu", lang, seconds=f"{result.cpu_seconds:.1f}")
        if result.peak_rss is not None:
            process += t("ui.build.search_process_memory", lang, mib=f"{result.peak_rss / 2**20:.0f}")
        # (entries without a page in a language: in its index as their German page)
        fallback = (t("ui.build.search_fallback_records", lang, count=self.fallback_records)
                    if self.fallback_records else "")
        log.info(t("ui.build.search_indexed", lang, pages=result.pages - self.fallback_records, fallback=fallback,
                   words=result.words, filters=len(self.filter_names), seconds=f"{result.seconds:.1f}",
                   behind=self.behind, process=process))
        if self.whole_pages:
            log.info(t("ui.build.search_whole_pages", lang, count=self.whole_pages))
        if result.pages == 0:
            log.warning(t("ui.build.search_empty", lang))
        self._write_nearby(config)

    def nearby_file(self, lang: str) -> str:
        """The distance file of ``lang``'s results (nearby.py; the site's language: nearby.json)."""
        return nearby.NEARBY if lang == self.lang else nearby.LANGUAGE_NEARBY.format(lang=lang)

    def _write_nearby(self, config) -> None:
        """The distance files for the bundle just written (nearby.py), one per
        language: each holds the result ids of that language's index only."""
        source = self._source(config)
        geo = source.directory.geo if source is not None else None
        # (without other languages: every fragment, whatever language the pages are in)
        several = len(self.languages) > 1
        for lang in self.languages:
            started = time.perf_counter()
            name = self.nearby_file(lang)
            path, entries = nearby.write_nearby(Path(config.site_dir), Path(config.site_dir) / indexer.BUNDLE_DIR,
                                                geo, lang if several else None, name)
            log.info(t("ui.build.nearby_file", self.lang, name=name, entries=entries,
                       kb=f"{path.stat().st_size / 1024:.0f}", seconds=f"{time.perf_counter() - started:.2f}"))

    on_post_build = CombinedEvent(_on_post_build_write, _on_post_build_wait)

    def on_build_error(self, *, error):
        self._close_index()

    def on_shutdown(self):
        self._close_index()


__all__ = ["SearchPlugin", "KINDS"]
