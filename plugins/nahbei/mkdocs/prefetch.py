"""Generated pages rendered ahead in a second process (``mkdocs build`` only).

MkDocs renders one page after the other in one process; the machines this
runs on have two cores. Right before MkDocs starts writing pages (on_env),
a forked child renders a share of the framed pages (nahbei.mkdocs.frames)
exactly as MkDocs would – template context, every plugin's on_page_context,
the page's template – and streams the HTML back (nahbei.parallel.ForkedStream).
When MkDocs reaches such a page, the plugin's framed template returns that
HTML; MkDocs then runs on_post_page and writes the file as for any page.

Whatever the child does not deliver (it failed, or logged a warning – a
warning must be logged by the build itself so that ``--strict`` counts it),
this process renders itself. Not under ``mkdocs serve`` (other threads run).

After its pages the child can do more (the plugin has it write the feeds and
open data, which need no page); ``finish`` says whether that was done.
"""
from __future__ import annotations

from mkdocs.commands.build import get_context

from ..parallel import ForkedStream, may_fork

#: Fewer pages than this are not worth a process.
MIN_PAGES = 400
#: The child's share of the framed pages: this process also writes every
#: file and runs on_post_page for all pages (measured with ``make bench``).
CHILD_SHARE = 0.58


class PagePrefetch:
    def __init__(self):
        self.stream: ForkedStream | None = None

    def start(self, pages, *, config, nav, env, doc_files, prepare=None, then=None,
              min_pages: int = MIN_PAGES) -> None:
        """Start the child for a share of ``pages`` (in the order MkDocs builds them).
        ``prepare``: work both processes need, done here just before the fork;
        ``then``: more work for the child afterwards (see :meth:`finish`)."""
        self.close()
        if not may_fork(len(pages), min_pages):
            return
        if prepare is not None:
            prepare()

        def render(page) -> str:
            # as mkdocs.commands.build builds a page, up to the rendered template
            page.active = True
            try:
                context = get_context(nav, doc_files, config, page)
                template = env.get_template(page.meta.get("template", "main.html"))
                context = config.plugins.on_page_context(context, page=page, config=config, nav=nav)
                return template.render(context)
            finally:
                page.active = False

        # spread evenly: page i goes to the child when the running share passes a whole page
        share = [(p.file.src_uri, p) for i, p in enumerate(pages)
                 if int((i + 1) * CHILD_SHARE) > int(i * CHILD_SHARE)]
        self.stream = ForkedStream(render, share, then=then, stop_on_log="mkdocs")

    def take(self, page) -> str | None:
        """The page's HTML from the child, or None: render it here."""
        return self.stream.take(page.file.src_uri) if self.stream is not None else None

    def finish(self) -> bool:
        """Wait for the child: True when it rendered its pages and did ``then``."""
        if self.stream is None:
            return False
        done = self.stream.finish()
        self.stream = None
        return done

    def close(self) -> None:
        if self.stream is not None:
            self.stream.close()
            self.stream = None
