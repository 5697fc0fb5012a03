"""``nahbei/directory``: the directory's pages through mkdocs-material.

A thin adapter. It only coordinates:

- on_config: theme folder + stylesheet (ThemeManager), URL segments, language,
  the neighbouring directories (option ``neighbours``)
- on_files: check content/ (stop with ``nahbei check``'s messages on errors,
  before any page is rendered), then add one virtual file per generated page
  (entry pages are not in the nav)
- on_page_markdown/on_page_content: title, template and table of contents of
  generated pages (their Markdown is empty; the Jinja template renders them)
- on_page_context: the page's view (nahbei.mkdocs.views)
- on_post_page/on_post_template: small HTML fixes of the theme
- on_post_build: open data under api/, iCalendar feeds (nahbei.feeds)
- on_serve: rebuild when content/ or schemas/ change
- on_startup: under ``mkdocs serve --dirty``, a Preview (nahbei.mkdocs.preview)
  that renders only what a change touches
"""
from __future__ import annotations

import os
from pathlib import Path

import jinja2
from markupsafe import Markup, escape
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, CombinedEvent, event_priority, get_plugin_logger
from mkdocs.structure.files import File, InclusionLevel
from mkdocs.structure.pages import Page
from mkdocs.structure.toc import AnchorLink, TableOfContents

from .. import formatting as fmt
from .. import gcpolicy, i18n, opendata, parallel
from ..exchange import hsds
from ..exchange.publish import publish
from ..feeds import content_history, feed_catalog, write_language_feeds
from ..i18n import t
from ..model.check import check
from ..model.clock import now as clock_now
from ..model.clock import today as clock_today
from ..model.layout import ENTRY_KINDS, FOLDERS, VOCABULARIES, entries_of
from ..model.schemas import Schemas
from ..model.translations import MISSING as MISSING_TRANSLATION
from ..sitesize import site_size
from ..urls import Urls
from . import shortlist
from .config import DirectoryConfig
from .editions import Editions
from .folders import FolderMaker
from .frames import FrameMismatch, FrameRenderer
from .maps import MapAssets
from .pages import PageSpec, make_urls
from .prefetch import PagePrefetch
from .preview import Preview
from .source import DirectorySource, Neighbour
from .theme import ThemeManager, icon
from .views import Site, Views
from .watch import ContentWatch

log = get_plugin_logger(__name__)
# entries without a translation named one by one in the build's log; the rest counted
MISSING_TRANSLATIONS_LOGGED = 10

HOME_TEMPLATE = "nahbei/home.html"
# Generated pages outside the nav render through FrameRenderer (frames.py):
# this template hands the page to it, which renders page.meta's real template.
FRAMED_TEMPLATE = "nahbei/framed.html"
CONTENT_ANCHOR = "inhalt"
ENTRY_HIDE = ["toc", "navigation"]


class GeneratedPage(Page):
    """A page the plugin makes from the Directory: it has no Markdown, so MkDocs'
    reading and Markdown rendering are skipped (a Markdown instance per page
    costs seconds on a large directory). Its title and template come from
    on_page_markdown, its table of contents from on_page_content, like any page.
    MkDocs takes a Page that a plugin set on File.page (mkdocs.structure.nav)."""

    def read_source(self, config) -> None:
        # the file is virtual, or (preview) the entry's YAML file: nothing to read
        self.markdown, self.meta = "", {}

    def render(self, config, files) -> None:
        self.content = ""
        self.toc = TableOfContents([])
        self.present_anchor_ids = set()


class DirectoryPlugin(BasePlugin[DirectoryConfig]):
    supports_multiple_instances = False

    def __init__(self):
        super().__init__()
        self.watch = ContentWatch()  # the preview's watch on content/ (on_serve)
        self.theme: ThemeManager | None = None
        self.urls: Urls | None = None
        self.lang = "de"
        self.directory = None
        self.pages: dict[str, PageSpec] = {}
        self.site: Site | None = None
        self.views: Views | None = None
        self.editions = Editions()  # the site in each language, its own first (its site and views above)
        self.root: Path | None = None
        self.preview: Preview | None = None
        self.frames: FrameRenderer | None = None
        self.ordinals: dict[str, int] = {}  # framed page (src_uri): its place among its kind's pages
        self._source: DirectorySource | None = None  # what source() gives, once per build
        self.prefetch = PagePrefetch()
        self.serving = False
        self.may_fork = False  # the command's go-ahead for a second process (on_startup)
        self.folders = FolderMaker()  # page folders made ahead (folders.py)
        self.first_framed = None  # the first framed page of the build: the folders start after its context
        self.env = None
        self.nav = None
        self.neighbours: tuple[Neighbour, ...] = ()
        self.maps = MapAssets()  # MapLibre, pmtiles and the tiles in the site (maps.py)

    def source(self) -> DirectorySource | None:
        """This build's directory for other plugins (nahbei/search); None before
        on_files or when the plugin is off."""
        if not self.config.enabled or self.directory is None or self.urls is None:
            return None
        if self._source is not None:
            return self._source
        def entry_of(src_uri: str) -> tuple[str, str] | None:
            spec = self.pages.get(src_uri)
            return (spec.kind, spec.ident) if spec is not None else None

        def lang_of(src_uri: str) -> str | None:
            spec = self.pages.get(src_uri)
            return spec.lang if spec is not None else None

        editions = self.editions
        self._source = DirectorySource(directory=self.directory, lang=self.lang, segments=dict(self.urls.segments),
                                       entry_of=entry_of, repo_url=self.config.repo_url,
                                       issue_template=self.config.issue_template, neighbours=self.neighbours,
                                       languages=editions.languages, lang_of=lang_of,
                                       in_language=lambda lang: editions[lang].views.d, has_page=editions.has_page,
                                       edition_context=lambda lang: editions.context(lang, self.env,
                                                                                     self.theme.mkdocs_config))
        return self._source

    def on_startup(self, *, command, dirty):
        # Defining on_startup also keeps this object across the rebuilds of one `mkdocs serve`.
        self.preview = Preview() if command == "serve" and dirty else None
        self.serving = command == "serve"
        # A second process only on the command's explicit go-ahead: `mkdocs serve` runs
        # its server in threads (and --dirty builds a few pages); nahbei.parallel decides the rest.
        self.may_fork = command in ("build", "gh-deploy") and not dirty
        parallel.stay_alone("mkdocs serve" if self.serving else None)

    # -- configuration ---------------------------------------------------------

    def _path(self, value: str) -> Path:
        p = Path(value)
        return p if p.is_absolute() else (self.root / p)

    def on_config(self, config):
        if not self.config.enabled:
            return config
        # MkDocs keeps a plugin with on_startup across builds (serve, and one process
        # building twice): until on_files, source() must not offer the last build's directory
        self._source = self.directory = None
        self.root = Path(os.path.dirname(os.path.abspath(config.config_file_path or "mkdocs.yml")))
        self.lang = self.config.language or config.theme.get("language") or "de"
        i18n.use_site_locales(self._path(self.config.locales_dir))
        missing = [code for code in self.config.languages if code != self.lang and not i18n.has_catalog(code)]
        if missing:
            raise PluginError(t("ui.build.no_locale", self.lang, languages=", ".join(missing),
                                folder=self.config.locales_dir))
        self.urls = make_urls(self.config.urls)
        self.theme = ThemeManager(self.config)
        self.theme.on_config(config, self.lang)
        shortlist.register(config)
        self.maps.on_config(self.config.map, self.root, config, self.lang)
        self.neighbours = self._neighbours(config.site_url)
        return config

    def _neighbours(self, site_url: str | None) -> tuple[Neighbour, ...]:
        """The option ``neighbours`` (checked by its option type), without this site itself."""
        own = (site_url or "").rstrip("/") + "/"
        out = []
        for n in self.config.neighbours:
            if n.url == own:
                # Pagefind would skip it too: a slip, so a warning (an error under --strict)
                log.warning(t("ui.build.neighbour_is_self", self.lang, name=n.name, url=n.url))
                continue
            out.append(Neighbour(name=n.name, url=n.url))
        return tuple(out)

    def on_serve(self, server, *, config, builder):
        if self.config.enabled:
            if self.config.schemas_dir:
                schemas = self._path(self.config.schemas_dir)
            else:
                from ..model.schemas import default_schema_dir
                schemas = default_schema_dir()
            folders = [self._path(self.config.content_dir), schemas]
            try:
                server.watch(str(self.watch.start(folders)))
            except OSError as exc:  # no change events here (e.g. inotify's limit): MkDocs polls them
                log.debug(f"content watch: {exc}; polling instead")
                self.watch.stop()
                for folder in folders:
                    server.watch(str(folder))
        return server

    # -- files: validate, then plan the pages -------------------------------------

    def _check(self):
        content = self._path(self.config.content_dir)
        if not content.is_dir():
            raise PluginError(t("cli.no_content", self.lang, path=content))
        schemas = Schemas(self._path(self.config.schemas_dir)) if self.config.schemas_dir else None
        today = clock_today(self.config.timezone)
        result = check(content, schemas=schemas, today=today, tz=self.config.timezone,
                       lang=self.lang, root=self.root, cache=self.preview.cache if self.preview else None,
                       country=self.config.country, languages=tuple(self.config.languages) or (self.lang,),
                       translation_warnings=self.config.translation_warnings)
        # entries without a translation: a few named, the rest counted (a large
        # directory has thousands; `nahbei check` lists them all)
        missing = 0
        for p in result.warnings:
            if p.code == MISSING_TRANSLATION:
                missing += 1
                if missing > MISSING_TRANSLATIONS_LOGGED:
                    continue
            log.info(p.format(self.lang))
        if missing > MISSING_TRANSLATIONS_LOGGED:
            log.info(t("ui.build.missing_translations_more", self.lang,
                       count=fmt.number(missing - MISSING_TRANSLATIONS_LOGGED, self.lang)))
        for code, params in result.notes:
            log.info(t("msg." + code, self.lang, **params))
        if result.errors or result.directory is None:
            lines = [p.format(self.lang) for p in result.errors]
            summary = t("cli.summary_fail", self.lang, files=result.files,
                        errors=len(result.errors), warnings=len(result.warnings))
            raise PluginError("\n".join([t("ui.build.invalid", self.lang), *lines, summary]))
        return result.directory

    @event_priority(50)  # early: nothing else should work on invalid content
    def on_files(self, files, *, config):
        if not self.config.enabled:
            return files
        # the last build's pages, nav, views and templates go (see the freeze below)
        self.nav = self.views = self.site = self.frames = self._source = self.directory = None
        if self.serving:
            # What the last rebuild froze (its template environment is frozen with
            # the model, and holds that build's views) is garbage now: frozen, its
            # cycles would never go, and a long preview would keep more and more.
            # Collected (when they may have grown) before the new model exists: the
            # collector then scans one model (the preview's last one), not two.
            gcpolicy.release_previous_build()
        self.directory = self._check()
        # The model lives for the whole build: Python's cycle collector need not
        # scan its ~10^6 objects again at every full collection (0.3 s each on
        # 10,000 entries), and a forked child (prefetch) does not copy their pages.
        gcpolicy.keep_for_build()
        if self.preview:
            self.preview.compare(self.directory, self.urls, config)
            # a deleted entry's pages in the other languages' editions go too
            removed = list(self.preview.removed_pages)
            self.preview.removed_pages += [f"{lang}/{path}" for lang in self._languages()[1:] for path in removed]
        catalog = ({(f.scope, f.ident): f for f in feed_catalog(self.directory, self.urls, self.lang)}
                   if self.config.feeds else {})
        def site(**edition) -> Site:
            return Site(site_name=config.site_name, site_url=config.site_url or None, legal=self.config.legal,
                        repo_url=self.config.repo_url, edit_uri=self.config.edit_uri,
                        issue_template=self.config.issue_template, today=self.directory.today,
                        fallback_feeds=None if edition["lang"] == self.lang else catalog,
                        qr_codes=self.config.qr_codes, hsds=self.config.hsds, licence=self.config.open_data_licence,
                        licence_url=self.config.open_data_licence_url, neighbours=self.neighbours,
                        map=self.maps.site, **edition)

        def views(directory, helpers: Site, lang: str) -> Views:
            return Views(directory, helpers, calendar_weeks=self.config.calendar_weeks,
                         calendar_max_dates=self.config.calendar_max_dates,
                         home_events=self.config.home_events, home_recent=self.config.home_recent,
                         next_dates=self.config.next_dates,
                         # per language: an edition's events carry its texts
                         occurrence_cache=self.preview.occurrences.setdefault(lang, {}) if self.preview else None)

        def feeds(directory, lang: str) -> dict:
            # another language's feeds: those with a translated event (nahbei.feeds); its pages
            # link the site's own where it has none
            if lang == self.lang or not self.config.feeds:
                return catalog
            return {(f.scope, f.ident): f for f in feed_catalog(directory, self.urls.in_language(lang, self.lang), lang)}

        specs = self.editions.build(self.directory, self.urls, self._languages(), self.lang,
                                    site=site, views=views, feeds=feeds)
        self.site, self.views = self.editions[self.lang].site, self.editions[self.lang].views
        self.pages = {}
        taken = {f.url for f in files.documentation_pages(inclusion=InclusionLevel.all)}
        for spec in specs:
            if spec.path in taken:
                # a hand-written page in docs/ replaces the generated one
                log.debug(f"{spec.path}: using the page from docs/ instead of the generated one")
                continue
            inclusion = InclusionLevel.UNDEFINED if spec.in_nav else InclusionLevel.NOT_IN_NAV
            if self.preview:
                file = self.preview.file_for(spec, self._source_of(spec), config, inclusion)
            else:
                file = File.generated(config, spec.src_uri, content="", inclusion=inclusion)
            files.append(file)
            if not spec.in_nav:  # (pages in the nav are made by MkDocs with their nav title)
                GeneratedPage(None, file, config)
            self.pages[spec.src_uri] = spec
        if self.preview and self.preview.partial:
            self.preview.always_render(files, config)
            log.info(t("ui.preview.rebuilt", self.lang, changed=len(self.preview.changed),
                       pages=sum(1 for s in self.pages.values() if self.preview.renders(s))))
        self.theme.add_files(files, config)
        shortlist.add_file(files, config, self.lang, self.urls, qr=self.config.qr_codes and bool(config.site_url))
        self.maps.add_files(files, config, self.lang, self.config.map.bounds)
        return files

    def _languages(self) -> tuple[str, ...]:
        """The site's languages (option languages), its own first."""
        return tuple(dict.fromkeys((self.lang, *self.config.languages)))

    def _source_of(self, spec: PageSpec) -> Path | None:
        """The file a generated page is made from (for the preview): the entry's
        YAML file, else the taxonomy (index, term and calendar pages)."""
        if spec.kind in FOLDERS:
            entry = entries_of(self.directory, spec.kind).get(spec.ident)
            return self.root / entry.source if entry is not None and not getattr(entry, "derived_from", None) else None
        taxonomy = self._path(self.config.content_dir) / "taxonomy.yaml"
        return taxonomy if taxonomy.is_file() else None

    # -- pages ---------------------------------------------------------------------

    def on_page_markdown(self, markdown, *, page, config, files):
        if not self.config.enabled:
            return markdown
        spec = self.pages.get(page.file.src_uri)
        if spec is None:
            return markdown
        # The theme prints title and description without escaping: give it escaped text.
        page.meta["title"] = escape(spec.title)
        # (a preview's partial build renders a few pages: frames would not pay off there)
        framed = self.config.reuse_frames and not spec.in_nav and not (self.preview and self.preview.partial)
        page.meta["template"] = FRAMED_TEMPLATE if framed else spec.template
        # For other plugins (nahbei/search): what this page shows.
        page.meta["nahbei"] = {"kind": spec.kind, "id": spec.ident}
        if spec.description:
            page.meta["description"] = escape(" ".join(spec.description.split()))
        # Entry pages: no table of contents, and the site's pages listed once, in
        # the footer (the header's menu button leads there), not again in a
        # sidebar: ~1.6 KB less on each of thousands of pages.
        # Another language's edition: its pages are not in the (German) nav either.
        page.meta.setdefault("hide", ENTRY_HIDE if spec.kind in ENTRY_KINDS or spec.lang != self.lang
                             else ["toc"] if spec.kind == "legal" else [])
        return ""

    def on_page_content(self, html, *, page, config, files):
        if self.config.enabled and page.file.src_uri in self.pages:
            # The theme's skip link targets the first heading of the table of contents.
            page.toc = TableOfContents([AnchorLink(escape(self.pages[page.file.src_uri].title), CONTENT_ANCHOR, 1)])
        return html

    @event_priority(100)  # first: the context as MkDocs made it (prefetch.py)
    def _on_page_context_prefetch(self, context, *, page, config, nav):
        if self.config.enabled:
            self.prefetch.on_context(context, page=page, config=config, nav=nav, env=self.env)
            if page is self.first_framed:  # after the fork (if any)
                self.folders.start()
        return context

    def _on_page_context_view(self, context, *, page, config, nav):
        if not self.config.enabled:
            return context
        spec = self.pages.get(page.file.src_uri)
        if spec is not None:
            edition = self.editions[spec.lang]
            # another language's edition: its helpers and the theme's texts in its language
            context.update(self.editions.context(spec.lang, self.env, self.theme.mkdocs_config))
            # framed pages get their view when rendered (perhaps not in this process)
            context["view"] = None if page.meta.get("template") == FRAMED_TEMPLATE else edition.views.for_page(spec)
            context["spec"] = spec
        elif page.meta.get("template") == HOME_TEMPLATE:
            context["view"] = self.views.home()
        return context

    on_page_context = CombinedEvent(_on_page_context_prefetch, _on_page_context_view)

    @event_priority(-100)  # the nav as the other plugins left it
    def on_nav(self, nav, *, config, files):
        self.nav = nav
        return nav

    def _on_env_setup(self, env, *, config, files):
        if not self.config.enabled:
            return env
        self.theme.on_env(env, self.site, self.views)
        self.frames = FrameRenderer(env)
        env.globals["nahbei_render_framed"] = self._render_framed
        if self.preview:
            env.bytecode_cache = self.preview.bytecode_cache
        icons = {
            (vocab, tid): icon(env, term.icon, self.lang)
            for vocab in VOCABULARIES
            for tid, term in self.directory.taxonomy.vocabulary(vocab).items() if term.icon
        }
        wanted = self.config.search_form
        pages = {f.url for f in files.documentation_pages(inclusion=InclusionLevel.all)}
        # the switcher's targets: docs/ pages and pages other plugins added (an edition's search page)
        self.editions.add_paths(pages)
        for edition in self.editions:
            edition.views.icons = icons
            # each edition's own search page (nahbei/search makes one per language), where there is one
            own = edition.site.urls.index("search")
            edition.site.search_path = own if (wanted or (wanted is None and own in pages)) else None
        return env

    @event_priority(-100)  # after every plugin has set up the environment
    def _on_env_prefetch(self, env, *, config, files):
        self.env = env
        if self.config.enabled and self.config.reuse_frames and not self.preview and self.nav is not None:
            framed = [f.page for f in files.documentation_pages()
                      if f.page is not None and f.page.meta.get("template") == FRAMED_TEMPLATE]
            # each page's place among the pages of its kind and folder, in the build's order:
            # the frames' spot check falls on the same pages in either process
            seen: dict[tuple, int] = {}
            self.ordinals = {}
            for p in framed:
                kind = (self.pages[p.file.src_uri].template if p.file.src_uri in self.pages else None,
                        p.url.rstrip("/").rpartition("/")[0])
                self.ordinals[p.file.src_uri] = seen[kind] = seen.get(kind, -1) + 1
            # forks when MkDocs reaches the first of these pages (prefetch.py)
            if self.may_fork and framed:
                self.first_framed = framed[0]
                self.folders.plan(os.path.dirname(p.file.abs_dest_path) for p in framed)
            self.prefetch.plan(framed, allowed=self.may_fork, prepare=self._warm,
                               first=lambda: self._write_outputs(config), min_pages=self.config.parallel_min_pages,
                               fatal=(FrameMismatch,))
        return env

    on_env = CombinedEvent(_on_env_setup, _on_env_prefetch)

    def _warm(self) -> None:
        """Before the second process starts: what pages share, computed once for both."""
        self.views.warm()
        gcpolicy.keep_for_build()  # the dates just computed, as the model in on_files

    @jinja2.pass_context
    def _render_framed(self, context) -> Markup:
        """The page's own template (spec.template), its theme frame rendered once
        per kind of page: the frame depends only on what this key holds."""
        page, spec = context["page"], context["spec"]
        try:
            html = self.prefetch.take(page)
        except FrameMismatch as e:  # the second process's spot check
            raise self._frame_error(e, page) from None
        if html is not None:
            return Markup(html)
        toc = next(iter(page.toc), None)
        in_nav = page.parent is not None or page.previous_page is not None or page.next_page is not None
        # Relative links in the frame depend on the page's folder ("angebote/"); a page
        # in the nav is its own key (its nav item is marked active).
        where = page.url if in_nav else page.url.rstrip("/").rpartition("/")[0]
        key = (spec.lang, where, tuple(page.meta.get("hide") or ()), page.is_homepage, toc.url if toc else None)
        variables = context.get_all()
        variables["view"] = self.editions[spec.lang].views.for_page(spec)
        try:
            return Markup(self.frames.render(spec.template, variables, key,
                                             ordinal=self.ordinals.get(page.file.src_uri)))
        except FrameMismatch as e:
            raise self._frame_error(e, page) from None

    def _frame_error(self, e: FrameMismatch, page) -> PluginError:
        # pages before this one may show another page's frame: no site rather than a wrong one
        self.prefetch.close()
        return PluginError(t("ui.build.frame_mismatch", self.lang, template=e.template, page=e.page or getattr(page, "url", "?"),
                             blocks=", ".join(e.blocks)))

    def on_post_page(self, output, *, page, config):
        return self.theme.fix_html(output) if self.config.enabled else output

    def on_post_template(self, output, *, template_name, config):
        return self.theme.fix_html(output) if self.config.enabled else output

    # -- after the build -------------------------------------------------------------

    def on_build_error(self, *, error):
        self.prefetch.close()
        self.folders.stop()

    def on_shutdown(self):
        self.watch.stop()
        self.prefetch.close()
        self.folders.stop()
        parallel.stay_alone(None)

    def _on_post_build_outputs(self, *, config):
        self.folders.stop()
        self.first_framed = None
        # the second process wrote feeds and open data before its pages (prefetch.py)
        try:
            written_by_child = self.prefetch.finish()
        except FrameMismatch as e:
            raise self._frame_error(e, None) from None
        if not self.config.enabled or self.directory is None:
            return
        if self.frames is not None:
            log.debug(f"pages: {self.prefetch.delivered or 0} from the second process; here {self.frames.fast} "
                      f"from frames, {self.frames.full} in full; feeds and open data by the second process: "
                      f"{written_by_child}")
            p = self.prefetch
            log.debug(f"second process: pid {p.pid}, {p.delivered} pages used, {p.declined} not used (context "
                      f"differs); {p.stats}" if p.pid else f"second process: none ({p.refusal})")
            for key, reason in self.frames.reasons.items():
                log.info(t(f"ui.build.frame_{reason}", self.lang, template=key[0]))
        if self.preview and self.preview.partial:
            self.preview.drop_removed(config.site_dir)
            if self.config.feeds:
                # the changed events' own feeds ("add to calendar"); collection feeds in full builds
                only = {("event", i) for kind, i in self.preview.changed if kind == "event"}
                write_language_feeds(self.directory, Path(config.site_dir), config.site_url or "http://localhost/",
                                     self.urls, self._languages(), site_lang=self.lang, versions=self.root,
                                     site_name=config.site_name, only=only)
            return
        if not written_by_child:
            self._write_outputs(config)

    @event_priority(-200)  # last: after Pagefind has written its bundle (nahbei/search waits at -100)
    def _on_post_build_size(self, *, config):
        """Stop the build when the site is too large to publish (max_site_mb)."""
        if not self.config.enabled or self.serving or not self.config.max_site_mb:
            return
        size, files = site_size(config.site_dir)
        limit = self.config.max_site_mb * 10**6
        params = {"size": f"{fmt.number(round(size / 10**6), self.lang)} MB", "files": fmt.number(files, self.lang),
                  "limit": f"{fmt.number(self.config.max_site_mb, self.lang)} MB"}
        if size > limit:
            raise PluginError(t("ui.build.site_too_large", self.lang, **params))
        if size > 0.9 * limit:
            log.info(t("ui.build.site_near_limit", self.lang, **params))

    on_post_build = CombinedEvent(_on_post_build_outputs, _on_post_build_size)

    def _write_outputs(self, config) -> None:
        """Open data (api/) and the iCalendar feeds: they need the Directory, no page."""
        opendata.write(self.directory, config.site_dir, self.urls, days=self.config.calendar_weeks * 7)
        if self.config.hsds:
            written = publish(self.directory, Path(config.site_dir) / self.urls.index("api") / hsds.FOLDER,
                              urls=self.urls, site_url=config.site_url or None, lang=self.lang,
                              history=content_history(self.directory, self.root), state=self.config.state,
                              licence=self.config.open_data_licence, licence_url=self.config.open_data_licence_url,
                              title=config.site_name, created=clock_now(self.config.timezone))
            log.debug(f"HSDS: {len(written)} files written")
        if self.config.feeds:
            written = write_language_feeds(self.directory, Path(config.site_dir), config.site_url or "http://localhost/",
                                           self.urls, self._languages(), site_lang=self.lang, versions=self.root,
                                           site_name=config.site_name)
            log.debug(f"iCalendar feeds written: {({lang: len(paths) for lang, paths in written.items()})}")
