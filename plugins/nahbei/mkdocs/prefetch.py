"""Generated pages rendered ahead in a second process (``mkdocs build`` only).

MkDocs renders one page after the other in one process; the machines this
runs on have two cores. When MkDocs reaches the first framed page
(nahbei.mkdocs.frames) and has made its template context, a child is forked
(nahbei.parallel.ForkedStream). It first writes the feeds and open data (they
need no page), then renders framed pages ahead of this process and streams
their HTML back; when MkDocs reaches such a page, the framed template returns
that HTML, and MkDocs runs on_post_page and writes the file as for any page.
Whatever the child has not delivered by then, this process renders itself.

A page's context in the child is the one MkDocs made for the first framed page
with ``page`` replaced, then every plugin's on_page_context, then the page's
template – as MkDocs renders a page, through public plugin and template calls
only. MkDocs' context of a page holds the page, and values that depend on its
folder (base_url, extra_css, extra_javascript) or on nothing: so the child
takes only pages in folders as deep as the first page's, and this process
uses the child's HTML of a page only if the context MkDocs made for that page
here equals the one the child used (apart from the page, and
``build_date_utc``, which MkDocs takes anew for each page when
SOURCE_DATE_EPOCH is not set: the child's pages show the first page's).

Only with an explicit go-ahead from the command (``mkdocs build``, not
``serve`` or ``--dirty``) and where nahbei.parallel allows a fork. The
child's log records are handled here when its page is used, so a warning in
the child counts for ``--strict``; ``finish`` says whether the child wrote the
feeds and open data. An error of a ``fatal`` type in the child (the frames'
spot check: pages it rendered before may be wrong) is raised here, at the
next ``take`` or at ``finish``, with ``page`` set to the URL of the child's page.
"""
from __future__ import annotations

import threading

from ..parallel import ForkedError, ForkedStream, fork_refusal

#: Fewer framed pages than this are not worth a process.
MIN_PAGES = 400
#: Context values MkDocs makes anew for every page.
PER_PAGE = ("page", "build_date_utc")


def folder_depth(url: str) -> int:
    return url.rstrip("/").count("/")


class PagePrefetch:
    def __init__(self):
        self.stream: ForkedStream | None = None
        self.pending = None  # what to fork for, until MkDocs reaches the first framed page
        self.snapshot: dict | None = None  # the first framed page's context, before any plugin
        self.usable: dict[str, bool] = {}
        self.refusal: str | None = None  # why no second process ran
        self.pid = self.delivered = self.declined = None
        self.stats = ""
        self.fatal: tuple[type[BaseException], ...] = ()
        self.urls: dict[str, str] = {}

    def plan(self, pages, *, allowed: bool, prepare=None, first=None, min_pages: int = MIN_PAGES,
             fatal: tuple[type[BaseException], ...] = ()) -> None:
        """At on_env: ``pages`` are the framed pages in the order MkDocs builds
        them; ``allowed`` the command's go-ahead. ``prepare``: work both processes
        need, done here just before the fork; ``first``: work for the child before
        its pages (see :meth:`finish`); ``fatal``: errors in the child that
        stop the build here too."""
        self.close()
        self.fatal = fatal
        self.pending = self.snapshot = None
        self.usable = {}
        self.pid = self.delivered = self.declined = None
        self.stats = ""
        self.refusal = "not with this command" if not allowed else fork_refusal(len(pages), min_pages)
        if self.refusal is None:
            self.pending = (pages, prepare, first)

    def on_context(self, context, *, page, config, nav, env) -> None:
        """At on_page_context, before any plugin: the context as MkDocs made it."""
        if self.stream is not None:
            if page.file.src_uri in self.stream.index:
                self.usable[page.file.src_uri] = self._same_context(context)
            return
        if self.pending is None or page is not self.pending[0][0]:
            return
        pages, prepare, first = self.pending
        self.pending = None
        self.refusal = fork_refusal(len(pages), 0)  # again: the state may have changed since on_env
        if self.refusal is None and threading.active_count() > 1:
            # A plugin that starts a thread must do so after the fork (nahbei/search starts
            # Pagefind's with the first entry page it indexes, which is this page, after its
            # context): a thread holding a lock at the fork would leave it held in the child.
            self.refusal = f"{threading.active_count() - 1} other threads run"
        if self.refusal is not None:
            return
        if prepare is not None:
            prepare()
        self.snapshot = snapshot = dict(context)
        first_page, depth = page, folder_depth(page.url)
        items = [(p.file.src_uri, p) for p in pages[1:] if folder_depth(p.url) == depth]

        def render(p) -> str:
            # in the child, as MkDocs renders a page: active while rendered, every
            # plugin's on_page_context, the page's template
            first_page.active = False
            p.active = True
            try:
                context = config.plugins.on_page_context({**snapshot, "page": p}, page=p, config=config, nav=nav)
                return env.get_template(p.meta.get("template", "main.html")).render(context)
            finally:
                p.active = False

        self.urls = {key: p.url for key, p in items}
        self.stream = ForkedStream(render, items, first=first, fatal=self.fatal)
        self.pid = self.stream.pid
        if self.pid is None:
            self.refusal, self.stream = "fork failed (no process to be had)", None

    def _same_context(self, context) -> bool:
        snapshot = self.snapshot
        return context.keys() == snapshot.keys() and all(
            key in PER_PAGE or value is snapshot[key] or value == snapshot[key] for key, value in context.items())

    def take(self, page) -> str | None:
        """The page's HTML from the child, or None: render it here."""
        if self.stream is None:
            return None
        key = page.file.src_uri
        try:
            return self.stream.take(key, usable=self.usable.pop(key, False))
        except ForkedError as e:
            self.stream = None
            raise self._located(e) from None

    def _located(self, e: ForkedError) -> BaseException:
        e.error.page = self.urls.get(e.key)
        return e.error

    def finish(self) -> bool:
        """Wait for the child (with a deadline): True when it wrote what ``first`` writes."""
        if self.stream is None:
            return False
        try:
            done = self.stream.finish()
        except ForkedError as e:
            self.stream = None
            raise self._located(e) from None
        self.delivered, self.declined = self.stream.delivered, self.stream.declined
        self.stats = (f"waited {self.stream.waits} times, {self.stream.waited:.2f} s; "
                      f"{self.stream.passed} pages came too late")
        self.stream = None
        return done

    def close(self) -> None:
        self.pending = None
        if self.stream is not None:
            self.stream.close()
            self.stream = None
