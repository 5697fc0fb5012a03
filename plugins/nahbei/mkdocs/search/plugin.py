"""``nahbei/search``: search and filters with Pagefind, in place of mkdocs-material's search.

- on_startup: remember whether this is ``mkdocs serve``
- on_config: template folder (after overrides/, before the theme), the
  script and stylesheet, and the header hook: mkdocs-material's header only
  includes ``partials/search.html`` when ``material/search`` is configured,
  so the plugin answers that lookup itself (read-only; no events registered)
- on_files: the search page (``/suche/``) unless docs/ has one, script and CSS
- on_env: ``nahbei_search`` for the templates (URLs, texts)
- on_post_page: Pagefind attributes on entry pages (records.py, markup.py);
  every other page is left out of the index
- on_post_build: run Pagefind on the site folder (indexer.py)

Entry pages are recognised by ``page.meta["nahbei"] = {"kind", "id"}`` or,
failing that, by the directory plugin's page plan.
"""
from __future__ import annotations

import json
import os
from pathlib import Path
from urllib.parse import urlencode

from mkdocs.config.config_options import ExtraScriptValue
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, event_priority, get_plugin_logger
from mkdocs.structure.files import File, InclusionLevel

from ...i18n import catalog, t
from ...urls import DEFAULT_SEGMENTS
from . import indexer, markup
from .config import SearchConfig
from .records import KINDS, RecordBuilder

log = get_plugin_logger(__name__)

HERE = Path(__file__).parent
TEMPLATES = HERE / "templates"
ASSETS = HERE / "assets"
SCRIPT = "assets/nahbei-search/search.js"
STYLESHEET = "assets/nahbei-search/search.css"
PAGEFIND_CSS = indexer.BUNDLE_DIR + "/pagefind-component-ui.css"
PAGE_TEMPLATE = "nahbei-search/page.html"
DIRECTORY_PLUGIN = "nahbei/directory"
MATERIAL_SEARCH = "material/search"
HEADER_INSTANCE = "nb-header"


class _HeaderHook:
    """What mkdocs-material's header asks of ``config.plugins["material/search"]``:
    only ``.config.enabled``. Stored with ``dict.__setitem__`` so MkDocs
    registers no events for it."""

    class _Cfg(dict):
        def __init__(self, enabled: bool):
            super().__init__(enabled=enabled)
            self.enabled = enabled

    def __init__(self, enabled: bool):
        self.config = self._Cfg(enabled)

    def __repr__(self):
        return "<nahbei/search header hook>"


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
        self.settings_html = ""
        self.indexed_pages: list[str] = []

    # -- setup ---------------------------------------------------------------------

    def on_startup(self, *, command, dirty):
        self.serving = command == "serve"

    @property
    def will_index(self) -> bool:
        return bool(self.config.enabled) and (not self.serving or self.config.index_on_serve)

    def _directory_plugin(self, config):
        return config.plugins.get(DIRECTORY_PLUGIN)

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
        elif self.config.header:
            dict.__setitem__(config.plugins, MATERIAL_SEARCH, _HeaderHook(True))
        if not any(str(s) == SCRIPT for s in config.extra_javascript):
            script = ExtraScriptValue(SCRIPT)
            script.type = "module"
            config.extra_javascript.append(script)
        # Pagefind's stylesheet (written by the binary) before ours, in the
        # page head: mkdocs-material's instant navigation keeps only the
        # stylesheets every page lists.
        if self.will_index and PAGEFIND_CSS not in config.extra_css:
            config.extra_css.append(PAGEFIND_CSS)
        if STYLESHEET not in config.extra_css:
            config.extra_css.append(STYLESHEET)
        return config

    # -- files ---------------------------------------------------------------------

    def _segments(self, config) -> dict:
        plugin = self._directory_plugin(config)
        urls = getattr(plugin, "urls", None)
        return dict(getattr(urls, "segments", None) or DEFAULT_SEGMENTS)

    @event_priority(-50)  # after the directory plugin planned its pages
    def on_files(self, files, *, config):
        if not self.config.enabled:
            return files
        for rel in (SCRIPT, STYLESHEET):
            if files.get_file_from_path(rel) is None:
                files.append(File.generated(config, rel, abs_src_path=str(ASSETS / Path(rel).name)))
        self.search_path = self._segments(config).get("search", DEFAULT_SEGMENTS["search"]) + "/"
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
        plugin = self._directory_plugin(config)
        pcfg = getattr(plugin, "config", None) or {}
        repo = self.config.repo_url or pcfg.get("repo_url") or config.repo_url
        if not repo or "github.com" not in repo:
            return None
        template = self.config.feedback_template or pcfg.get("issue_template") or "aenderung-melden.yml"
        query = urlencode({"template": template, "title": t("search.feedback.issue_title", self.lang, query="")})
        return f"{repo.rstrip('/')}/issues/new?{query}"

    def on_env(self, env, *, config, files):
        if not self.config.enabled:
            return env
        previous = env.autoescape

        def autoescape(name):
            if name and (name.startswith("nahbei-search/") or name == "partials/search.html"):
                return True
            return previous(name) if callable(previous) else previous

        env.autoescape = autoescape
        strings = {k[len("search.pagefind."):]: v for k, v in catalog(self.lang).items()
                   if k.startswith("search.pagefind.")}
        segments = self._segments(config)
        browse = []
        for kind, key in (("az", "az"), ("topics", "topics"), ("target_groups", "target_groups"),
                          ("regions", "regions"), ("calendar", "calendar")):
            path = segments.get(kind, DEFAULT_SEGMENTS.get(kind)) + "/"
            if any(f.url == path for f in files.documentation_pages(inclusion=InclusionLevel.all)):
                browse.append({"url": path, "label": t(f"search.browse.{key}", self.lang)})
        settings = {
            "strings": strings,
            "keywordWeight": float(self.config.keyword_weight),
            "headerInstance": HEADER_INSTANCE,
            "feedbackTitle": t("search.feedback.issue_title", self.lang, query="{query}"),
            "labels": {"nextDate": t("search.result.next_date", self.lang)},
            "eventsFilter": {"name": t("search.filter.kind", self.lang), "value": t("search.kind.event", self.lang)},
            "browseTerm": markup.BROWSE_TERM,
        }
        settings_json = json.dumps(settings, ensure_ascii=False)
        for ch, esc in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026")):
            settings_json = settings_json.replace(ch, esc)
        self.settings_html = f'<script type="application/json" id="nb-search-settings">{settings_json}</script>'
        env.globals["nahbei_search"] = {
            "page_url": self.search_path,
            "header": self.config.header,
            "header_instance": HEADER_INSTANCE,
            "indexed": self.will_index,
            "feedback_url": self.feedback_url(config),
            "browse": browse,
            "t": lambda key, **kw: t(f"search.{key}", self.lang, **kw),
        }
        return env

    # -- pages ----------------------------------------------------------------------

    def _entry_of(self, page, config) -> tuple[str | None, str | None]:
        meta = page.meta.get("nahbei") if page.meta else None
        if isinstance(meta, dict) and meta.get("kind"):
            return meta.get("kind"), meta.get("id")
        plugin = self._directory_plugin(config)
        spec = (getattr(plugin, "pages", None) or {}).get(page.file.src_uri)
        if spec is not None:
            return spec.kind, spec.ident
        return None, None

    def _builder(self, config) -> RecordBuilder | None:
        directory = getattr(self._directory_plugin(config), "directory", None)
        if directory is None:
            return None
        if self.builder is None or self.builder.d is not directory:
            self.builder = RecordBuilder(directory, getattr(self._directory_plugin(config), "lang", self.lang))
        return self.builder

    def on_pre_build(self, *, config):
        self.builder = None
        self.indexed_pages = []

    def on_post_page(self, output, *, page, config):
        if not self.config.enabled:
            return output
        # Settings for search.js (texts, weights) in every page's head, whatever
        # the templates (and their overrides) render.
        if self.settings_html and 'id="nb-search-settings"' not in output:
            output = output.replace("</head>", self.settings_html + "\n</head>", 1)
        builder = self._builder(config)
        if builder is None:  # no directory: index what the templates mark
            return output
        kind, ident = self._entry_of(page, config)
        rec = builder.record(kind, ident) if kind in self.config.kinds and ident else None
        if rec is None:
            return markup.strip_body(output)
        self.indexed_pages.append(page.url)
        return markup.mark_entry(output, rec)

    # -- index ----------------------------------------------------------------------

    def on_post_build(self, *, config):
        if not self.config.enabled:
            return
        if not self.will_index:
            log.info("Suchindex wird bei 'mkdocs serve' nicht erstellt (index_on_serve: false).")
            return
        try:
            args = list(self.config.pagefind_args)
            if self.config.exclude_selectors:
                args += ["--exclude-selectors", ", ".join(self.config.exclude_selectors)]
            result = indexer.run(config.site_dir, binary=self.config.binary, extra_args=tuple(args))
        except indexer.IndexError_ as exc:
            raise PluginError(f"nahbei/search: {exc}") from exc
        self.last_index = result
        log.info(f"Pagefind: {result.pages} Seiten, {result.words} Wörter, {result.filters} Filter "
                 f"in {result.seconds:.1f} s")
        if result.pages == 0:
            log.warning("Pagefind indexed no page: the search finds nothing.")


__all__ = ["SearchPlugin", "KINDS"]
