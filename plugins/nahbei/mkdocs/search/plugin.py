"""``nahbei/search``: search and filters with Pagefind, in place of mkdocs-material's search.

- on_startup: remember whether this is ``mkdocs serve``
- on_config: template folder (after overrides/, before the theme), the
  script and stylesheet (nahbei's partials/header.html includes our
  ``partials/search.html`` when ``nahbei_search`` is set)
- on_files: the search page (``/suche/``) unless docs/ has one, script and
  CSS, and search.js's settings (texts, weights, the dialog's links) as one
  file, ``assets/nahbei-search/settings.json``: search.js fetches it on first
  use, so pages carry none of it; with them the neighbouring directories
  (the directory plugin's option ``neighbours``), whose Pagefind indexes
  search.js merges (Pagefind's multisite search)
- on_env: ``nahbei_search`` for the templates (URLs, texts)
- on_post_page: Pagefind attributes on entry pages (records.py, markup.py),
  and each entry page to Pagefind right away (indexer.LiveIndex: Pagefind's
  Python API; it indexes on the other core while MkDocs renders on); every
  other page is left out of the index
- on_post_build: Pagefind writes the bundle to site/pagefind/ (started
  before the other plugins' on_post_build, waited for after them)

Entry pages are recognised by ``page.meta["nahbei"] = {"kind", "id"}`` or,
failing that, by the directory plugin's page plan: the directory plugin's one
public call, ``source()`` (nahbei.mkdocs.source.DirectorySource).
"""
from __future__ import annotations

import json
import os
import time
from pathlib import Path
from urllib.parse import urlencode

from mkdocs.config.config_options import ExtraScriptValue
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, CombinedEvent, event_priority, get_plugin_logger
from mkdocs.structure.files import File, InclusionLevel

from ...i18n import catalog, t
from ...urls import DEFAULT_SEGMENTS
from ..plugin import DirectoryPlugin
from ..source import DirectorySource
from . import indexer, markup, nearby
from .config import SearchConfig
from .records import KINDS, RecordBuilder

log = get_plugin_logger(__name__)

HERE = Path(__file__).parent
TEMPLATES = HERE / "templates"
ASSETS = HERE / "assets"
SCRIPT = "assets/nahbei-search/search.js"
STYLESHEET = "assets/nahbei-search/search.css"
# search.js's settings, next to it (it resolves "settings.json" against its own URL)
SETTINGS = "assets/nahbei-search/settings.json"
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
        self.page_generated = False
        self.builder: RecordBuilder | None = None
        self.last_index: indexer.IndexResult | None = None
        self.indexed_pages: list[str] = []
        self.live: indexer.LiveIndex | None = None
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
            log.warning("mkdocs.yml: remove 'search' from plugins – nahbei/search replaces "
                        "mkdocs-material's search (its index would be built for nothing).")
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

    @event_priority(-50)  # after the directory plugin planned its pages
    def on_files(self, files, *, config):
        if not self.config.enabled:
            return files
        for rel in (SCRIPT, STYLESHEET):
            if files.get_file_from_path(rel) is None:
                files.append(File.generated(config, rel, abs_src_path=str(ASSETS / Path(rel).name)))
        self.search_path = self._segments(config).get("search", DEFAULT_SEGMENTS["search"]) + "/"
        if files.get_file_from_path(SETTINGS) is None:
            files.append(File.generated(config, SETTINGS, content=self.settings_json(config)))
        self.page_generated = False
        if self.config.page:
            # a hand-written page at the search URL (a lookup, not a scan of ~10,000 files)
            sources = (self.search_path + "index.md", self.search_path.rstrip("/") + ".md")
            if any(files.get_file_from_path(src) is not None for src in sources):
                log.debug(f"{self.search_path}: using the page from docs/")
            else:
                front = {"title": t("search.page.title", self.lang), "template": PAGE_TEMPLATE,
                         "hide": ["navigation", "toc"]}
                content = "---\n" + json.dumps(front, ensure_ascii=False) + "\n---\n"
                files.append(File.generated(config, self.search_path + "index.md", content=content,
                                            inclusion=InclusionLevel.NOT_IN_NAV))
                self.page_generated = True
        return files

    # -- templates ------------------------------------------------------------------

    def feedback_url(self, config) -> str | None:
        source = self._source(config)
        repo = self.config.repo_url or (source and source.repo_url) or config.repo_url
        if not repo or "github.com" not in repo:
            return None
        template = self.config.feedback_template or (source and source.issue_template) or "aenderung-melden.yml"
        query = urlencode({"template": template, "title": t("search.feedback.issue_title", self.lang, query="")})
        return f"{repo.rstrip('/')}/issues/new?{query}"

    def neighbours(self, config) -> list[dict]:
        """The other directories the search includes: name, home page, Pagefind bundle."""
        source = self._source(config)
        return [{"name": n.name, "url": n.url, "bundle": n.bundle} for n in (source.neighbours if source else ())]

    def settings(self, config) -> dict:
        """What search.js needs besides the page (settings.json): Pagefind's
        texts and ranking, the header dialog's links, result labels, and the
        neighbouring directories with their texts (only when there are any)."""
        out = {
            "strings": {k[len("search.pagefind."):]: v for k, v in catalog(self.lang).items()
                        if k.startswith("search.pagefind.")},
            "keywordWeight": float(self.config.keyword_weight),
            "headerInstance": HEADER_INSTANCE,
            "searchPage": self.search_path,
            "feedbackUrl": self.feedback_url(config),
            "feedbackTitle": t("search.feedback.issue_title", self.lang, query="{query}"),
            "labels": {"nextDate": t("search.result.next_date", self.lang),
                       "more": t("search.header.more", self.lang),
                       "feedback": t("search.feedback.link", self.lang)},
            "eventsFilter": {"name": t("search.filter.kind", self.lang), "value": t("search.kind.event", self.lang)},
            "browseTerm": markup.BROWSE_TERM,
            # "In meiner Nähe" (search.js): texts of the status line and of the results
            "nearby": {camel: t(f"search.nearby.{key}", self.lang) for camel, key in NEARBY_TEXTS},
        }
        neighbours = self.neighbours(config)
        if neighbours:
            out["neighbours"] = neighbours
            out["labels"].update(neighbour=t("search.neighbours.result", self.lang, name="{name}"),
                                 unreachable=t("search.neighbours.unreachable", self.lang, names="{names}"))
        return out

    def settings_json(self, config) -> str:
        return json.dumps(self.settings(config), ensure_ascii=False, separators=(",", ":")) + "\n"

    def on_env(self, env, *, config, files):
        if not self.config.enabled:
            return env
        previous = env.autoescape

        def autoescape(name):
            if name and (name.startswith("nahbei-search/") or name == "partials/search.html"):
                return True
            return previous(name) if callable(previous) else previous

        env.autoescape = autoescape
        segments = self._segments(config)
        browse = []
        for kind, key in (("az", "az"), ("topics", "topics"), ("target_groups", "target_groups"),
                          ("regions", "regions"), ("calendar", "calendar")):
            path = segments.get(kind, DEFAULT_SEGMENTS.get(kind)) + "/"
            if any(f.url == path for f in files.documentation_pages(inclusion=InclusionLevel.all)):
                browse.append({"url": path, "label": t(f"search.browse.{key}", self.lang)})
        env.globals["nahbei_search"] = {
            "page_url": self.search_path,
            "header": self.config.header,
            "header_instance": HEADER_INSTANCE,
            "indexed": self.will_index,
            "feedback_url": self.feedback_url(config),
            "browse": browse,
            "neighbours": self.neighbours(config),
            "t": lambda key, **kw: t(f"search.{key}", self.lang, **kw),
        }
        return env

    # -- pages ----------------------------------------------------------------------

    def _entry_of(self, page, config) -> tuple[str | None, str | None]:
        meta = page.meta.get("nahbei") if page.meta else None
        if isinstance(meta, dict) and meta.get("kind"):
            return meta.get("kind"), meta.get("id")
        source = self._source(config)
        entry = source.entry_of(page.file.src_uri) if source is not None else None
        return entry if entry is not None else (None, None)

    def _builder(self, config) -> RecordBuilder | None:
        source = self._source(config)
        if source is None:
            return None
        if self.builder is None or self.builder.d is not source.directory:
            self.builder = RecordBuilder(source.directory, source.lang)
        return self.builder

    def on_pre_build(self, *, config):
        self.builder = None
        self.indexed_pages = []
        self._close_index()
        self.filter_names = set()
        self.whole_pages = 0

    def _live(self) -> indexer.LiveIndex:
        """The index of this build. The service starts with the first page: after
        every plugin's on_env (the directory plugin forks there)."""
        if self.live is None:
            self.live = indexer.LiveIndex(binary=self.config.binary, timeout=self.config.timeout, config={
                "exclude_selectors": list(self.config.exclude_selectors) or None,
                **dict(self.config.pagefind_config)})
        return self.live

    def _feed(self, url: str, html: str) -> None:
        """One page to Pagefind."""
        try:
            self._live().add(url, html)
        except indexer.IndexError_ as exc:
            self._close_index()
            raise PluginError(f"nahbei/search: {exc}") from exc

    def _close_index(self) -> None:
        if self.live is not None:
            self.live.close()
            self.live = None

    def on_post_page(self, output, *, page, config):
        if not self.config.enabled:
            return output
        builder = self._builder(config)
        if builder is None:  # no directory: index what the templates mark
            if self.will_index:
                self._feed("/" + page.url, output)
            return output
        kind, ident = self._entry_of(page, config)
        rec = builder.record(kind, ident) if kind in self.config.kinds and ident else None
        if rec is None:
            if self.live is not None:
                self.live.pump()  # pages still waiting for the pipe go on to Pagefind
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
            self._feed("/" + page.url, document)
        return output

    # -- index ----------------------------------------------------------------------

    # Pagefind builds and writes the bundle while the other plugins'
    # on_post_build run (feeds, when the directory plugin writes them here);
    # the build waits for it after them.
    @event_priority(50)
    def _on_post_build_write(self, *, config):
        if not self.config.enabled:
            return
        if not self.will_index:
            log.info("Suchindex wird bei 'mkdocs serve' nicht erstellt (index_on_serve: false).")
            return
        try:
            live = self._live()  # without any entry page: an empty index, so the search page still loads
            self.behind = live.sent - live.answered
            live.write(Path(config.site_dir) / indexer.BUNDLE_DIR)
        except indexer.IndexError_ as exc:
            self._close_index()
            raise PluginError(f"nahbei/search: {exc}") from exc

    @event_priority(-100)
    def _on_post_build_wait(self, *, config):
        if not self.config.enabled or not self.will_index or self.live is None:
            return
        live, self.live = self.live, None
        try:
            result = live.wait()
        except indexer.IndexError_ as exc:
            live.close()
            raise PluginError(f"nahbei/search: {exc}") from exc
        self.last_index = result
        cpu = f", Pagefind-Prozess {result.cpu_seconds:.1f} s CPU" if result.cpu_seconds is not None else ""
        if result.peak_rss is not None:
            cpu += f", höchstens {result.peak_rss / 2**20:.0f} MiB Speicher"
        log.info(f"Pagefind: {result.pages} Seiten, {result.words} Wörter, {len(self.filter_names)} Filter "
                 f"in {result.seconds:.1f} s (Warten am Ende; {self.behind} Seiten standen da noch aus{cpu})")
        if self.whole_pages:
            log.info(f"Pagefind: {self.whole_pages} Seiten ganz gesendet (außerhalb des Inhalts stehen "
                     "data-pagefind-Angaben oder Bilder)")
        if result.pages == 0:
            log.warning("Pagefind indexed no page: the search finds nothing.")
        self._write_nearby(config)

    def _write_nearby(self, config) -> None:
        """The distance file for the bundle just written (nearby.py)."""
        source = self._source(config)
        started = time.perf_counter()
        path, entries = nearby.write_nearby(Path(config.site_dir), Path(config.site_dir) / indexer.BUNDLE_DIR,
                                            source.directory.geo if source is not None else None)
        log.info(f"Entfernungsdatei {nearby.NEARBY}: {entries} Einträge, {path.stat().st_size / 1024:.0f} KB "
                 f"in {time.perf_counter() - started:.2f} s")

    on_post_build = CombinedEvent(_on_post_build_write, _on_post_build_wait)

    def on_build_error(self, *, error):
        self._close_index()

    def on_shutdown(self):
        self._close_index()


__all__ = ["SearchPlugin", "KINDS"]
