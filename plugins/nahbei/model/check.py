"""Load, validate and build: content/ -> problems + Directory.

Every file is checked on its own first (YAML, schema, placeholders), then across
entries (references, taxonomy terms, dates: the rules in rules.py). A file with an
error is reported and left out of later checks, so one broken entry never hides
problems in others.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path

from ..gcpolicy import paused as gc_paused
from ..i18n import DEFAULT_LANG
from . import loader
from .cache import LoadCache
from .clock import DEFAULT_COUNTRY, DEFAULT_TZ
from .clock import today as clock_today
from .directory import Contact, Directory, Event, Offer, Place, Taxonomy, _freeze
from .geo import EMPTY_GAZETTEER, POSTCODES_FILE, Gazetteer, read_gazetteer
from .ids import ID_PATTERN, new_id
from .layout import ENTRY_KINDS, ENTRY_SUFFIXES, FOLDERS, SOURCES_FILE, TAXONOMY_FILE, entries_of
from .placeholders import find_placeholders, placeholder_problems, reference_examples, term_examples
from .problems import ERROR, WARNING, Problem, problem
from .rules import CrossRules, situation_problems
from .schemas import Schemas
from .translations import ESSENTIAL, history_head, missing_problems, stale_problems, staleness, taxonomy_problems
from .translations import file_problems as translation_problems

# LoadCache lives in cache.py; the preview server and tests still take it from here.
__all__ = ["LoadCache", "Record", "Result", "build_directory", "check", "discover"]


@dataclass
class Record:
    kind: str
    path: Path  # absolute
    rel: str  # as shown in messages
    stem: str
    text: str = ""
    data: dict | None = None
    ok: bool = True
    bad_name: bool = False  # reported once; no second message that id != file name


@dataclass
class Result:
    problems: list[Problem]
    directory: Directory | None
    files: int
    records: dict = field(default_factory=dict, repr=False)
    # what was not checked, and why (message keys with their parameters): the
    # command line prints them, the build logs them; neither an error nor a warning
    notes: list[tuple[str, dict]] = field(default_factory=list)

    @property
    def errors(self):
        return [p for p in self.problems if p.severity == ERROR]

    @property
    def warnings(self):
        return [p for p in self.problems if p.severity == WARNING]


def discover(content: Path) -> list[tuple[str | None, Path]]:
    found = []
    tax = content / TAXONOMY_FILE
    if tax.exists():
        found.append(("taxonomy", tax))
    sources = content / SOURCES_FILE
    if sources.exists():
        found.append(("sources", sources))
    for kind, folder in FOLDERS.items():
        d = content / folder
        if d.is_dir():
            with os.scandir(d) as it:  # file types from the directory listing: no stat per file
                entries = sorted(it, key=lambda e: e.name)
            for e in entries:
                p = d / e.name
                if p.suffix in ENTRY_SUFFIXES and e.is_file():
                    found.append((kind, p))
    return found


def check(content: Path | str, *, schemas: Schemas | None = None, today: date | None = None,
          tz: str = DEFAULT_TZ, lang: str = DEFAULT_LANG, root: Path | None = None, country: str = DEFAULT_COUNTRY,
          cache: LoadCache | None = None, languages: tuple[str, ...] = (), translation_warnings: bool = True,
          ) -> Result:
    """``languages``: the site's languages, its own first (mkdocs.yml ``languages``);
    ``translation_warnings``: warn about entries without a translation of the
    essential texts into each of them."""
    # Loading creates millions of small objects and no reference cycles: the
    # cyclic garbage collector would only rescan them over and over (~1 s at
    # 10,000 entries). Reference counting still frees everything.
    with gc_paused():
        return _check(content, schemas=schemas, today=today, tz=tz, lang=lang, root=root, cache=cache,
                      country=country, languages=tuple(languages), translation_warnings=translation_warnings)


def _check(content, *, schemas, today, tz, lang, root, cache=None, country=DEFAULT_COUNTRY, languages=(),
           translation_warnings=True) -> Result:
    content = Path(content)
    root = Path(root) if root else content.parent
    schemas = schemas or Schemas()
    today = today or clock_today(tz)
    problems: list[Problem] = []
    notes: list[tuple[str, dict]] = []

    root_dir = root.resolve()
    under_root = os.path.join(str(root_dir), "")
    folders: dict = {}  # resolved once per folder: a file that is no symlink resolves to folder/name

    def rel(p: Path) -> str:
        head, name = os.path.split(p)
        if os.sep == "/" and not os.path.islink(p):
            folder = folders.get(head) or folders.setdefault(head, os.path.realpath(head))
            resolved = os.path.join(folder, name)
            if resolved.startswith(under_root):
                return resolved[len(under_root):]
        try:
            return p.resolve().relative_to(root_dir).as_posix()
        except ValueError:
            return p.as_posix()

    records: list[Record] = []
    found_files = discover(content)
    examples: dict = {}  # for the messages, from entries that passed (see below)
    pending: list = []  # (record, placeholders): files whose messages wait for the examples
    cached: list = [(None, None)] * len(found_files)
    if cache is not None:
        cache.use_schemas(schemas.fingerprint())
        cached = [cache.get(path, kind) for kind, path in found_files]
    todo = [path for (_, path), (_, hit) in zip(found_files, cached, strict=True) if hit is None]
    preloaded = iter(loader.load_files(todo))
    for (kind, path), (stamp, hit) in zip(found_files, cached, strict=True):
        r = Record(kind, path, rel(path), path.stem)
        records.append(r)
        if hit is not None:
            r.text, r.data = hit[3], hit[4]
            if kind == "taxonomy" and isinstance(r.data, dict):
                examples.update(term_examples(r.data))
            continue
        loaded = next(preloaded)
        try:
            r.text, r.data = loader.load_path(path, loaded)
        except loader.LoadError as e:
            params = dict(e.args_)
            if e.code == "file.empty":
                params.update(stem=r.stem, kind=kind)
            problems.append(problem(r.rel, e.line, e.col, e.code, **params))
            r.ok = False
            continue
        if kind not in ("taxonomy", "sources") and not ID_PATTERN.match(r.stem):
            ident = r.data.get("id")
            suggestion = ident if isinstance(ident, str) and ID_PATTERN.match(ident) else new_id(r.stem, lang)
            problems.append(problem(r.rel, 1, 1, "file.bad_name", name=path.name, suggestion=suggestion))
            r.bad_name = True
        holes = find_placeholders(r.data, r.text)
        if holes or not schemas.fast(kind).is_valid(r.data):
            pending.append((r, holes))
            r.ok = False
            continue
        if kind == "taxonomy":  # examples for the messages come only from a taxonomy that passed
            examples.update(term_examples(r.data))
        if cache is not None and not r.bad_name:
            cache.put(path, stamp, kind, r.text, r.data)

    by_kind: dict[str, dict[str, Record]] = {k: {} for k in (*ENTRY_KINDS, "taxonomy", "sources")}
    unreadable: dict[str, set[str]] = {k: set() for k in ENTRY_KINDS}
    for r in records:
        if r.data is None:
            if r.kind in unreadable:
                unreadable[r.kind].add(r.stem)  # reported in its own file; references to it are not "unknown"
            continue
        if r.kind in ("taxonomy", "sources"):  # one file each, no id
            by_kind[r.kind][r.kind] = r
            continue
        ident = r.data.get("id") if isinstance(r.data.get("id"), str) else r.stem
        if r.ok and ident != r.stem and not r.bad_name:
            line, col = loader.locate(r.text, ["id"])
            problems.append(problem(r.rel, line, col, "id.mismatch", id=ident, stem=r.stem))
            r.ok = False
        other = by_kind[r.kind].get(r.stem)
        if other is not None:
            line, col = loader.locate(r.text, ["id"])
            problems.append(problem(r.rel, line, col, "id.duplicate", id=r.stem, other=other.rel))
            r.ok = False
            continue
        by_kind[r.kind][r.stem] = r

    # A message's example ("z. B. provider: …") names only an entry that passed its own checks.
    examples.update(reference_examples([(r.kind, r.path) for r in records if r.ok and r.data is not None]))
    for r, holes in pending:
        found = schemas.problems(r.kind, r.data, r.rel, r.text, lang, loader.locate, examples=examples)
        problems.extend(placeholder_problems(r, holes, found) if holes else found)

    gazetteer = _gazetteer(content / POSTCODES_FILE, rel, problems, cache)

    cross = CrossRules(by_kind, lang, today, tz, unreadable, local=cache.local if cache is not None else None,
                       country=country)
    for r in records:
        if r.ok and r.data is not None:
            problems.extend(cross.run(r))
            if r.kind in ENTRY_KINDS:
                problems.extend(translation_problems(r, languages, lang))
            elif r.kind == "taxonomy":
                problems.extend(taxonomy_problems(r, languages, lang, warn_missing=translation_warnings))

    directory = None
    if not any(p.severity == ERROR for p in problems):
        directory = build_directory(by_kind, today, tz, reuse=cache.model if cache is not None else None,
                                    lang=lang, country=country, gazetteer=gazetteer)
        translated = [r for k in ENTRY_KINDS for r in by_kind[k].values() if r.data.get("translations")]
        stale = _staleness(content, translated, cache)
        if stale.reason:
            notes.append(("translation.not_compared_" + stale.reason, {"files": len(translated)}))
        problems.extend(stale_problems(translated, stale, lang, today))
        if translation_warnings:
            for kind in ESSENTIAL:
                entries = entries_of(directory, kind)
                for ident, r in by_kind[kind].items():
                    problems.extend(missing_problems(r, entries[ident], today, languages, lang))
        directory = replace(directory, translation_staleness=stale)
        tax_rec = by_kind["taxonomy"].get("taxonomy")
        if tax_rec is not None:  # what a life situation leads to needs the built directory
            problems.extend(situation_problems(directory, tax_rec))
    problems.sort(key=lambda p: (p.path, p.line, p.col, p.code))
    return Result(problems, directory, len(records), by_kind, notes)


def _staleness(content: Path, translated: list, cache: LoadCache | None):
    """The stale translations (model/translations.py). The preview server checks
    after every change: it reads git again only when a translated file changed
    (a new data object: LoadCache keeps an unchanged file's) or the history moved
    on (at 10,000 entries the comparison takes ~0.8 s of a rebuild)."""
    files = [(r.path, r.data) for r in translated]
    head = history_head(content) if cache is not None else None
    kept = cache.staleness if cache is not None else None
    if kept is not None and kept[0] == head and len(kept[1]) == len(files) and all(
            a[0] == b[0] and a[1] is b[1] for a, b in zip(kept[1], files, strict=True)):
        return kept[2]
    stale = staleness(content, [(r.kind, r.stem, r.path, r.data) for r in translated])
    if cache is not None:
        cache.staleness = (head, files, stale)
    return stale


def _gazetteer(path: Path, rel, problems: list, cache: LoadCache | None) -> Gazetteer:
    """The postcode table (optional) and its problems; kept in ``cache`` while
    the file is unchanged."""
    if not path.is_file():
        return EMPTY_GAZETTEER
    stamp, hit = cache.get(path, "postcodes", count=False) if cache is not None else (None, None)
    if hit is not None:
        gazetteer, found = hit[4]
    else:
        try:
            raw = path.read_bytes()
        except OSError as exc:
            found = [problem(rel(path), 1, 1, "postcodes.unreadable", problem=exc.strerror or str(exc))]
            gazetteer = EMPTY_GAZETTEER
        else:
            gazetteer, found = read_gazetteer(raw, rel(path))
        if cache is not None:
            cache.put(path, stamp, "postcodes", "", (gazetteer, found))
    problems.extend(found)
    return gazetteer


def build_directory(by_kind, today, tz, reuse: dict | None = None, *, lang: str = DEFAULT_LANG,
                    country: str = DEFAULT_COUNTRY, gazetteer: Gazetteer | None = None) -> Directory:
    """The Directory of the checked records. ``reuse`` (LoadCache.model): entries of
    unchanged files are taken from the last build instead of made again."""
    tax_rec = by_kind["taxonomy"].get("taxonomy")
    taxonomy = Taxonomy.from_data(tax_rec.data if tax_rec else {})
    makers = {"offer": lambda i, r: Offer(i, r.rel, _freeze(r.data)),
              "contact": lambda i, r: Contact(i, r.rel, _freeze(r.data)),
              "place": lambda i, r: Place(i, r.rel, _freeze(r.data)),
              "event": lambda i, r: Event.from_data(r.data, r.rel, tz)}

    def entries(kind):
        make = makers[kind]
        if reuse is None:
            return {i: make(i, r) for i, r in by_kind[kind].items()}
        out = {}
        for i, r in by_kind[kind].items():
            key = str(r.path)
            hit = reuse.get(key)
            if hit is None or hit[0] is not r.data or hit[1] != (r.rel, tz):
                hit = reuse[key] = (r.data, (r.rel, tz), make(i, r))
            out[i] = hit[2]
        return out

    offers, contacts, places, events = (entries(k) for k in ("offer", "contact", "place", "event"))
    return Directory.build(offers, events, contacts, places, taxonomy, today, tz, country=country, lang=lang,
                           gazetteer=gazetteer)
