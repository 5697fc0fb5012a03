"""Fast preview for volunteers: ``mkdocs serve --dirty`` (``make serve``).

The plugin object lives across the rebuilds of one ``mkdocs serve`` (it has
``on_startup``), and so does this manager. After the first, full build it
keeps what the next rebuild can reuse:

- ``check()``'s cache of loaded, schema-valid files: only changed files are
  read and validated again (references, terms and dates are checked anew);
- the Directory of the last build: ``nahbei.model.changes`` says which entry
  pages show something that changed. Those, and every index, term and
  calendar page, are rendered again; every other entry page keeps its HTML
  from the last build (MkDocs' dirty build skips a page whose source file is
  older than its output, and the source of an entry page is its YAML file);
- feeds and open data: the single-event feeds of changed events are written;
  collection feeds and ``api/`` are written in full builds only.

A plain ``mkdocs serve`` (not dirty) or ``mkdocs build`` never uses any of it.
"""
from __future__ import annotations

import os
import shutil
from pathlib import Path

from mkdocs.structure.files import File, InclusionLevel

from ..model.changes import KINDS, affected_entries, changed_entries
from ..model.check import LoadCache

ENTRY_KINDS = frozenset(KINDS)


class Preview:
    def __init__(self):
        self.cache = LoadCache()
        self.directory = None  # of the last successful build
        self.affected: set | None = None  # None: this build renders everything
        self.changed: set | None = None
        self.removed_pages: list[str] = []

    @property
    def partial(self) -> bool:
        return self.affected is not None

    def compare(self, directory, urls) -> None:
        """Call once per build with the new Directory, before planning pages."""
        old = self.directory
        self.affected = affected_entries(old, directory)
        self.changed = changed_entries(old, directory)
        self.removed_pages = []
        if old is not None and self.changed is not None:
            for kind, ident in self.changed:
                if ident not in getattr(directory, KINDS[kind]):
                    self.removed_pages.append(urls.page(kind, ident))
        self.directory = directory

    def file_for(self, spec, entry, config, root: Path, inclusion) -> File:
        """The virtual file of a generated page: one MkDocs renders again, or
        (an unaffected entry page in a partial build) one whose source is the
        entry's YAML file, so the dirty build keeps its last output."""
        if (self.partial and spec.kind in ENTRY_KINDS and entry is not None
                and (spec.kind, spec.ident) not in self.affected):
            return File.generated(config, spec.src_uri, abs_src_path=str(root / entry.source), inclusion=inclusion)
        return File.generated(config, spec.src_uri, content="", inclusion=inclusion)

    @staticmethod
    def always_render(files, config) -> None:
        """Hand-written pages (home page, Mitmachen …) show upcoming dates and
        counts: render them every time (their text, read from docs/)."""
        for f in list(files.documentation_pages(inclusion=InclusionLevel.all)):
            if f.generated_by is None and f.abs_src_path and os.path.isfile(f.abs_src_path):
                files.remove(f)
                files.append(File.generated(config, f.src_uri, content=f.content_string, inclusion=f.inclusion))

    def drop_removed(self, site_dir: str) -> None:
        """Pages of entries that were deleted (a dirty build would keep them)."""
        for path in self.removed_pages:
            target = Path(site_dir) / path
            if target.is_dir():
                shutil.rmtree(target)
