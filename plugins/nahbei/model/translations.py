"""Translated entries: which texts an entry may carry in other languages, the
overlay a page reads, the checks of ``nahbei check`` and the staleness of a
translation from the git history of its file.

An entry stays one file. Its texts are German (the site's own language); a
translation is a block per language code under ``translations`` with the same
field names, nested fields too (``cost: {note: …}``)::

    translations:
      en:
        name: Contact office ThINKA
        summary: …
        last_reviewed: 2026-12-03   # someone compared it with the German text that day
    easy_read: |                    # Leichte Sprache: easy-to-read German, its own block
      …

Lists (an offer's ``places`` with their labels and hours notes) are not
overlaid: a page shows them in German. What a language lacks falls back to
German, field by field (``Entry.text``).

A translation is *stale* when the German text of a field changed in a later
commit than the one that last changed its translation (or the translation's
``last_reviewed``): read from ONE ``git log`` over the content folder (first
parent, merges counted once, like the feeds' SEQUENCE in feeds/versions.py)
and ONE ``git cat-file --batch`` for the file versions, only for files that
have translations and more than one version. The working tree counts as the
newest version. Without git, outside a repository or in a shallow clone
nothing is compared, and ``Staleness.reason`` says why.
"""
from __future__ import annotations

import functools
import hashlib
import re
import subprocess
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from types import MappingProxyType

from babel import Locale, UnknownLocaleError

from ..formatting import language_name
from ..i18n import DEFAULT_LANG, t
from . import loader
from .problems import WARNING, problem

#: The language the entries' own texts are written in (the fallback of ``text``).
SOURCE_LANG = DEFAULT_LANG

#: The texts each kind may carry in other languages (dotted: a field inside a
#: field). The one list per kind; the schemas' ``$defs/translation`` name the
#: same fields (tests/test_translations.py holds them together).
TRANSLATABLE: Mapping[str, tuple[str, ...]] = MappingProxyType({
    "offer": ("name", "summary", "description", "eligibility", "cost.note", "appointment.note"),
    "event": ("title", "summary", "description", "cost.note", "registration.note"),
    "place": ("name", "description", "transport", "accessibility.notes"),
    # a person's name stays as it is; an organisation's only where it has a translated name itself
    "contact": ("name", "role", "department", "description", "hours.note"),
})
#: What a reader needs in every site language to find an entry at all: a missing
#: one is warned about (``translation_warnings``). Places and contacts are
#: reached through offers and events.
ESSENTIAL: Mapping[str, tuple[str, ...]] = MappingProxyType({
    "offer": ("name", "summary"),
    "event": ("title", "summary"),
})
#: The code of the warning "an entry lacks its essential texts in a site language".
MISSING = "translation.missing"
#: A translation's own date of review: a later one marks all its fields current again.
REVIEWED = "last_reviewed"

_EMPTY = MappingProxyType({})
_UNSET = object()  # "no version read yet": unlike None, which is a value (a field left out)


def value_at(data, dotted: str):
    """The value of a dotted field ("cost.note") in an entry's data, or None."""
    node = data
    for part in dotted.split("."):
        if not isinstance(node, Mapping):
            return None
        node = node.get(part)
    return node


def translation(data, lang: str) -> Mapping:
    """The block of texts in ``lang`` ({} if none)."""
    blocks = data.get("translations")
    block = blocks.get(lang) if isinstance(blocks, Mapping) else None
    return block if isinstance(block, Mapping) else _EMPTY


def text(data, dotted: str, lang: str) -> tuple[str | None, str]:
    """(text, its language): the translation in ``lang`` where there is one, else
    the German text and SOURCE_LANG."""
    if lang != SOURCE_LANG:
        found = value_at(translation(data, lang), dotted)
        if isinstance(found, str) and found:
            return found, lang
    return value_at(data, dotted), SOURCE_LANG


def translated_languages(data) -> tuple[str, ...]:
    """The languages the entry has texts in besides German, as written in the file."""
    blocks = data.get("translations")
    return tuple(blocks) if isinstance(blocks, Mapping) else ()


def has_page_in(data, kind: str, lang: str) -> bool:
    """Whether the entry gets a page of its own in the ``lang`` edition of the
    site: offers and events when their essential texts are translated, places and
    contacts when they carry any translated text. Every other entry is listed
    there too, linked to its German page ("nur auf Deutsch")."""
    if lang == SOURCE_LANG:
        return True
    block = translation(data, lang)
    needed = ESSENTIAL.get(kind)
    if needed:
        return all(isinstance(value_at(block, f), str) and value_at(block, f) for f in needed)
    return any(isinstance(value_at(block, f), str) and value_at(block, f) for f in TRANSLATABLE.get(kind, ()))


def overlaid(data, kind: str, lang: str) -> Mapping | None:
    """The entry's data with its texts in ``lang`` in place of the German ones,
    field by field (what a language lacks stays German; ``text`` still tells
    which is which: the translations stay in the data); None when it has no
    text in ``lang``."""
    block = translation(data, lang)
    if lang == SOURCE_LANG or not block:
        return None
    out = dict(data)
    changed = False
    for dotted in TRANSLATABLE.get(kind, ()):
        value = value_at(block, dotted)
        if not (isinstance(value, str) and value):
            continue
        head, _, leaf = dotted.partition(".")
        if not leaf:
            out[head] = value
        elif isinstance(out.get(head), Mapping):  # a note on a German field that exists
            out[head] = MappingProxyType({**out[head], leaf: value})
        else:
            continue
        changed = True
    return MappingProxyType(out) if changed else None


# -- the checks of one file ------------------------------------------------------

@functools.lru_cache(maxsize=1024)  # a few codes, asked for in thousands of files
def is_language(code: str) -> bool:
    """A language babel knows ("en", "ar", "sr-Latn"); "xx" or "english" is none."""
    try:
        Locale.parse(code.replace("-", "_"))
    except (UnknownLocaleError, ValueError, TypeError):
        return False
    return True


def file_problems(record, languages: tuple[str, ...], lang: str) -> list:
    """Unknown language codes and the site's own language as a translation (errors)."""
    return _code_problems(record, record.data, [], languages, lang)


def _code_problems(record, data, path: list, languages: tuple[str, ...], lang: str) -> list:
    """The language codes under ``data["translations"]`` (``path``: where ``data`` is in the file)."""
    own = languages[0] if languages else SOURCE_LANG
    out = []
    for code in translated_languages(data):
        if code != own and is_language(code):
            continue
        line, col = loader.locate(record.text, [*path, "translations", code], key=True)
        if code == own:
            out.append(problem(record.rel, line, col, "translation.own_language", lang_code=code,
                               language=language_name(code, lang)))
        else:
            example = next((x for x in languages[1:] if x not in translated_languages(data)), "en")
            out.append(problem(record.rel, line, col, "translation.unknown_language", lang_code=code,
                               example=example, language=language_name(example, lang)))
    return out


#: The texts of a term and of a life situation (taxonomy.yaml) that a translation carries.
TERM_TEXTS: Mapping[str, tuple[str, ...]] = MappingProxyType({
    "topics": ("label", "phrase", "description"),
    "target_groups": ("label", "phrase", "description"),
    "regions": ("label", "phrase", "description"),
    "situations": ("label", "description"),
})


def term_in_language(term, lang: str, part: str):
    """A term or life situation (``Term``, ``Situation``: ``lang``, ``translations``)
    of taxonomy.yaml's ``part`` with its TERM_TEXTS in ``lang`` where it has a
    translation – all of them (``taxonomy_problems`` holds a translation to
    every text the term has) – else the term itself."""
    block = term.translations.get(lang) if lang != term.lang else None
    if not block or not block.get("label"):
        return term
    return replace(term, lang=lang, **{name: block.get(name) or getattr(term, name) for name in TERM_TEXTS[part]})


#: The parts of the taxonomy a reader meets in every language (regions are place names).
TERMS_TO_TRANSLATE = ("topics", "target_groups", "situations")


def _few(ids: list[str], shown: int = 5) -> str:
    """The first few of a long list, and how many more (a whole taxonomy is long)."""
    return ", ".join(ids) if len(ids) <= shown + 1 else f"{', '.join(ids[:shown])} … (+{len(ids) - shown})"


def taxonomy_problems(record, languages: tuple[str, ...], lang: str, *, warn_missing: bool = True) -> list:
    """The translations in taxonomy.yaml: language codes as in an entry (errors);
    a translation of a term that lacks a text the German term has (an error: a
    page shows a term wholly in one language, ``Term.in_language``); and, as one
    warning, the topics, target groups and life situations without a translation
    into a site language (their German names show there)."""
    data = record.data if isinstance(record.data, Mapping) else {}
    out: list = []
    lacking_langs: dict[str, list[str]] = {}  # language -> "vocab.id" without a translation
    for vocab, texts in TERM_TEXTS.items():
        terms = data.get(vocab)
        for tid, term in (terms.items() if isinstance(terms, Mapping) else ()):
            if not isinstance(term, Mapping):
                continue
            out.extend(_code_problems(record, term, [vocab, tid], languages, lang))
            for code in translated_languages(term):
                block = translation(term, code)
                lacking = [f for f in texts if term.get(f) and not block.get(f)]
                if lacking and block:
                    line, col = loader.locate(record.text, [vocab, tid, "translations", code], key=True)
                    out.append(problem(record.rel, line, col, "translation.term_incomplete", term=f"{vocab}.{tid}",
                                       lang_code=code, language=language_name(code, lang),
                                       fields=", ".join(lacking), example=f"{lacking[0]}: …"))
            if vocab in TERMS_TO_TRANSLATE:
                for code in languages[1:]:
                    if not translation(term, code).get("label"):
                        lacking_langs.setdefault(code, []).append(f"{vocab}.{tid}")
    if warn_missing and lacking_langs:
        first = next(iter(lacking_langs.values()))[0]
        line, col = loader.locate(record.text, first.split(".", 1), key=True)
        missing = "; ".join(t("msg.translation.missing_part", lang, fields=_few(ids),
                              languages=language_name(code, lang)) for code, ids in lacking_langs.items())
        out.append(problem(record.rel, line, col, "translation.terms_missing", WARNING, missing=missing,
                           example=f"translations: {{{next(iter(lacking_langs))}: {{label: …}}}}"))
    return out


def missing_problems(record, entry, today, languages: tuple[str, ...], lang: str) -> list:
    """A warning when a current entry (an offer not ended, an event with a day
    from ``today`` on) lacks an ESSENTIAL text in a site language: readers of
    that language find it in German only. The archive is left as it is."""
    essential = ESSENTIAL.get(record.kind, ())
    if not essential or len(languages) < 2 or _is_past(entry, today):
        return []
    data, text_ = record.data, record.text
    out = []
    groups: dict[tuple[str, ...], list[str]] = {}  # the missing fields -> the languages that lack them
    for code in languages[1:]:
        block = translation(data, code)
        lacking = tuple(f for f in essential if value_at(data, f) and not value_at(block, f))
        if lacking:
            groups.setdefault(lacking, []).append(code)
    if groups:
        (first_fields, first_codes), = list(groups.items())[:1]
        line, col = _top_level_value(text_, "translations" if "translations" in data else essential[0])
        missing = "; ".join(t("msg.translation.missing_part", lang, fields=", ".join(fields),
                              languages=", ".join(language_name(c, lang) for c in codes))
                            for fields, codes in groups.items())
        out.append(problem(record.rel, line, col, MISSING, WARNING, missing=missing,
                           example=f"translations: {{{first_codes[0]}: {{{first_fields[0]}: …}}}}"))
    return out


def _top_level_value(text: str, key: str) -> tuple[int, int]:
    """Where the value of a top-level field starts, as ``loader.locate`` says, found
    in the text: a warning on thousands of untranslated entries need not compose
    each file again (a field name at column 1 is that field in these files)."""
    m = re.search(rf"^{re.escape(key)}:[ \t]*", text, re.M)
    if m is None:
        return loader.locate(text, [key])
    at = m.end()
    if text.startswith(("\n", "#"), at) or at == len(text):  # a block: its first line that holds something
        n = re.compile(r"^[ \t]*(?=[^ \t\n#])", re.M).search(text, at)
        if n is None:
            return loader.locate(text, [key])
        at = n.end()
    line = text.count("\n", 0, at) + 1
    return line, at - (text.rfind("\n", 0, at) + 1) + 1


def _is_past(entry, today) -> bool:
    if hasattr(entry, "is_ended"):
        return entry.is_ended(today)
    last = entry.last_day() if hasattr(entry, "last_day") else None
    return last is not None and last < today


# -- staleness from git -----------------------------------------------------------

@dataclass(frozen=True)
class Staleness:
    """Which translated fields are older than their German text.

    ``stale``: {(kind, id): {lang: {field: the day the German text changed,
    or None for a change not yet committed}}}. ``reason``: why nothing was
    compared (``no_git``, ``not_repository``, ``shallow``), else None."""

    stale: Mapping = field(default_factory=dict)
    reason: str | None = None

    def fields(self, kind: str, ident: str, lang: str) -> frozenset[str]:
        return frozenset(self.stale.get((kind, ident), {}).get(lang, ()))


@dataclass
class _File:
    kind: str
    ident: str
    path: Path
    data: Mapping
    versions: list = field(default_factory=list)  # [(day, blob)], oldest first


def _git(cwd: Path, *args: str, stdin: bytes | None = None) -> bytes:
    return subprocess.run(["git", "-C", str(cwd), "-c", "core.quotepath=off", *args], input=stdin,
                          capture_output=True, check=True).stdout


def blob_id(raw: bytes) -> str:
    """The id git gives these bytes as a blob (to tell an edited working tree)."""
    return hashlib.sha1(b"blob %d\0" % len(raw) + raw).hexdigest()


def history_head(content: Path) -> str | None:
    """The commit the content folder's history ends at (None without git or a
    repository): with the files' texts, what ``staleness`` depends on."""
    try:
        return _git(content, "rev-parse", "-q", "--verify", "HEAD").decode().strip() or None
    except (OSError, subprocess.CalledProcessError):
        return None


def staleness(content: Path, entries) -> Staleness:
    """The stale translations of ``entries`` ((kind, id, path, data) of checked
    files in ``content``); only those with translations are looked at."""
    files = [_File(k, i, Path(p), d) for k, i, p, d in entries if translated_languages(d)]
    if not files:
        return Staleness()
    try:
        top, shallow = _git(content, "rev-parse", "--show-toplevel", "--is-shallow-repository").decode().split("\n")[:2]
    except OSError:
        return Staleness(reason="no_git")
    except subprocess.CalledProcessError:
        return Staleness(reason="not_repository")
    if shallow.strip() == "true":
        return Staleness(reason="shallow")
    top_dir = Path(top).resolve()
    by_path: dict[str, _File] = {}
    for f in files:
        try:
            by_path[f.path.resolve().relative_to(top_dir).as_posix()] = f
        except ValueError:
            continue
    folder = Path(content).resolve().relative_to(top_dir).as_posix() or "."
    # --first-parent -m: a merged pull request is one step, with what it changed
    # on the branch (as in feeds/versions.py); --raw names each file's new blob.
    log = _git(top_dir, "log", "--first-parent", "-m", "--reverse", "--raw", "--no-renames", "--no-abbrev",
               "--format=%x00%cs", "--", folder).decode("utf-8", "replace")
    day = None
    for line in log.split("\n"):
        if line.startswith("\0"):
            day = line[1:]
        elif line.startswith(":"):
            meta, _, path = line.partition("\t")
            f = by_path.get(path)
            if f is not None:
                blob = meta.split()[3]
                f.versions.append((day, None if blob.strip("0") == "" else blob))
    wanted: dict[str, None] = {}
    for f in by_path.values():
        try:
            now = blob_id(f.path.read_bytes())
        except OSError:
            continue
        if not f.versions or f.versions[-1][1] != now:
            f.versions.append((None, now))  # the working tree: the newest version, not committed
        f.versions = [v for n, v in enumerate(f.versions) if n == 0 or v[1] != f.versions[n - 1][1]]
        if len(f.versions) > 1:
            wanted.update((b, None) for _, b in f.versions[:-1] if b)
    blobs = _cat_blobs(top_dir, list(wanted))
    stale = {}
    for f in by_path.values():
        if len(f.versions) > 1:
            found = _stale_fields(f, blobs)
            if found:
                stale[(f.kind, f.ident)] = found
    return Staleness(stale)


def _cat_blobs(top: Path, ids: list[str]) -> dict[str, Mapping | None]:
    """{blob id: its data (None if it did not load)} in one ``git cat-file --batch``."""
    if not ids:
        return {}
    out = _git(top, "cat-file", "--batch", stdin=("\n".join(ids) + "\n").encode())
    found, at = {}, 0
    for blob in ids:
        end = out.index(b"\n", at)
        head = out[at:end].split()
        at = end + 1
        if len(head) < 3 or head[1] != b"blob":
            found[blob] = None
            continue
        size = int(head[2])
        raw = out[at:at + size]
        at += size + 1
        try:
            found[blob] = loader.load_bytes(raw)[1]
        except loader.LoadError:
            found[blob] = None
    return found


def _stale_fields(f: _File, blobs) -> dict:
    """{lang: {field: day}} of the fields whose German text changed after their translation."""
    fields = TRANSLATABLE.get(f.kind, ())
    datas = [blobs.get(b) if n < len(f.versions) - 1 else f.data for n, (_, b) in enumerate(f.versions)]
    langs = translated_languages(f.data)
    german: dict[str, int] = {}
    translated: dict[tuple[str, str], int] = {}
    before: dict = {}
    for n, data in enumerate(datas):
        if not isinstance(data, Mapping):
            continue  # a version that did not load says nothing
        for name in fields:
            value = value_at(data, name)
            if before.get(name, _UNSET) != value:
                german[name] = n
            before[name] = value
            for code in langs:
                key = (code, name)
                value = value_at(translation(data, code), name)
                if before.get(key, _UNSET) != value:
                    translated[key] = n
                before[key] = value
        for code in langs:
            value = translation(data, code).get(REVIEWED)
            if before.get((code, REVIEWED), _UNSET) != value:
                translated[(code, REVIEWED)] = n
            before[(code, REVIEWED)] = value
    out: dict[str, dict[str, str | None]] = {}
    for code in langs:
        block = translation(f.data, code)
        for name in fields:
            if value_at(block, name) is None:
                continue
            newest = max(translated.get((code, name), -1), translated.get((code, REVIEWED), -1))
            changed = german.get(name, -1)
            if changed > newest:
                out.setdefault(code, {})[name] = f.versions[changed][0]
    return out


def stale_problems(records, result: Staleness, lang: str, today) -> list:
    """A warning per stale translated field, at the translation."""
    out = []
    for r in records:
        for code, fields in result.stale.get((r.kind, r.stem), {}).items():
            for name, day in fields.items():
                line, col = loader.locate(r.text, ["translations", code, *name.split(".")])
                code_ = "translation.stale" if day else "translation.stale_uncommitted"
                out.append(problem(r.rel, line, col, code_, WARNING, lang_code=code, field=name,
                                   language=language_name(code, lang), date=day or "", today=today.isoformat()))
    return out


__all__ = ["ESSENTIAL", "MISSING", "REVIEWED", "SOURCE_LANG", "TRANSLATABLE", "Staleness", "file_problems",
           "history_head", "is_language", "missing_problems", "stale_problems", "staleness", "text",
           "translated_languages", "translation", "value_at"]
