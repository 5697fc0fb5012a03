"""Fast preview for volunteers: ``mkdocs serve --dirty`` (``make serve``).

The plugin object lives across the rebuilds of one ``mkdocs serve`` (it has
``on_startup``), and so does this manager. After the first, full build it
keeps what the next rebuild can reuse:

- ``check()``'s cache of loaded, schema-valid files: only changed files are
  read and validated again (references, terms and dates are checked anew);
- the Directory of the last build: ``nahbei.model.changes`` says which entry
  pages show something that changed, and which term pages, calendars and
  indexes list such an entry. Those are rendered again, and the hand-written
  pages (the home page lists dates); every other page keeps its HTML from the
  last build (MkDocs' dirty build skips a page whose source file is older
  than its output: the source of an entry page is its YAML file, of an index
  page the taxonomy);
- a change of mkdocs.yml or of a template renders everything again;
- compiled templates (MkDocs makes a new Jinja environment every build;
  a template whose source changed is compiled again);
- the upcoming dates of unchanged events (calendars, term pages, home page);
- feeds and open data: the single-event feeds of changed events are written;
  collection feeds and ``api/`` are written in full builds only.

A plain ``mkdocs serve`` (not dirty) or ``mkdocs build`` never uses any of it.
"""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import jinja2
from mkdocs.structure.files import File, InclusionLevel

from ..model.changes import affected_entries, affected_situations, affected_terms, calendar_events, changed_entries
from ..model.check import LoadCache
from ..model.layout import ENTRY_KINDS, entries_of


class MemoryBytecodeCache(jinja2.BytecodeCache):
    """Compiled templates in memory; Jinja checks each against its source's checksum."""

    def __init__(self):
        self.store: dict[str, bytes] = {}

    def load_bytecode(self, bucket) -> None:
        data = self.store.get(bucket.key)
        if data is not None:
            bucket.bytecode_from_string(data)

    def dump_bytecode(self, bucket) -> None:
        self.store[bucket.key] = bucket.bytecode_to_string()

    def clear(self) -> None:
        self.store.clear()


class Preview:
    def __init__(self):
        self.cache = LoadCache()
        self.occurrences: dict[str, dict] = {}  # per language, Directory.occurrences' cache: unchanged events keep their dates
        self.bytecode_cache = MemoryBytecodeCache()
        self.directory = None  # of the last successful build
        self.affected: set | None = None  # None: this build renders everything
        self.changed: set | None = None
        self.removed_pages: list[str] = []
        self.terms: set = set()  # term pages to render again
        self.calendar_terms: set = set()  # term calendars to render again
        self.calendar_events: set = set()
        self.situations: set = set()  # life situations whose finder pages to render again
        self.setup_key = None  # mkdocs.yml and templates, as last built

    @staticmethod
    def _setup_key(config) -> tuple:
        paths = [config.config_file_path] if config.config_file_path else []
        for d in config.theme.dirs:
            if "site-packages" in Path(d).parts:
                continue  # installed themes do not change while serving
            for dirpath, _, names in os.walk(d):
                paths.extend(os.path.join(dirpath, n) for n in names)
        out = []
        # absolute: MkDocs gives the first build of `mkdocs serve` the paths as
        # typed (-f mkdocs.yml, theme dirs relative to it) and later builds absolute
        # ones; compared as written, no rebuild would ever be partial
        for p in sorted({os.path.realpath(p) for p in paths}):
            try:
                out.append((p, os.stat(p).st_mtime_ns))
            except OSError:
                pass
        return tuple(out)

    @property
    def partial(self) -> bool:
        return self.affected is not None

    def compare(self, directory, urls, config) -> None:
        """Call once per build with the new Directory, before planning pages."""
        old = self.directory
        key = self._setup_key(config)
        if key != self.setup_key:
            old = None  # another configuration or template: everything again
            self.setup_key = key
        if old is not None and old.gazetteer is not directory.gazetteer:
            old = None  # content/postcodes.csv changed (the check's cache keeps it otherwise): places may move
        self.affected = affected_entries(old, directory)
        self.changed = changed_entries(old, directory)
        self.terms, self.calendar_terms, self.calendar_events, self.situations = set(), set(), set(), set()
        if self.affected is not None:
            self.terms = affected_terms(old, directory, self.affected)
            self.situations = affected_situations(old, directory, self.affected)
            self.calendar_events = calendar_events(old, directory, self.changed)
            self.calendar_terms = affected_terms(old, directory, {("event", e) for e in self.calendar_events})
        self.removed_pages = []
        if old is not None and self.changed is not None:
            for kind, ident in self.changed:
                if ident not in entries_of(directory, kind):
                    self.removed_pages.append(urls.page(kind, ident))
        self.directory = directory

    def renders(self, spec) -> bool:
        """Whether a partial build renders this page again."""
        if not self.partial:
            return True
        kinds = {kind for kind, _ in self.affected}
        if spec.kind == "home":  # another language's home page: upcoming dates and counts, as docs/index.md
            return True
        if spec.kind in ENTRY_KINDS:
            return (spec.kind, spec.ident) in self.affected
        if spec.kind == "term":
            return (spec.vocab, spec.ident) in self.terms
        if spec.kind == "situation":
            return spec.ident in self.situations
        if spec.kind == "calendar":
            return (spec.vocab, spec.ident) in self.calendar_terms if spec.vocab else bool(self.calendar_events)
        return bool({
            "terms": kinds & {"offer", "event"},
            "az": kinds & {"offer"},
            "archive": kinds & {"offer", "event"},
            "contacts": kinds & {"contact"},
            "places": kinds & {"place"},
        }.get(spec.kind, False))

    def file_for(self, spec, source: Path | None, config, inclusion) -> File:
        """The virtual file of a generated page: one MkDocs renders again, or
        one whose source is ``source`` (the entry's YAML file, the taxonomy),
        so the dirty build keeps its last output."""
        if source is not None and not self.renders(spec):
            return File.generated(config, spec.src_uri, abs_src_path=str(source), inclusion=inclusion)
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
