"""The content folder's layout: which kinds of entry there are and where their files live.

    content/taxonomy.yaml
    content/sources.yaml            partners' calendars (optional)
    content/<folder>/<id>.yaml      folder: offers, events, contacts, places

The one map between kinds and folders. The Directory names its collections like
the folders (``Directory.offers``), so the same map finds an entry's collection.
Site URLs are configuration and live in ``nahbei.urls``.
"""
from __future__ import annotations

from collections.abc import Iterable
from pathlib import PurePosixPath

import yaml

#: The kinds of entry, in the order checks and pages list them.
ENTRY_KINDS = ("offer", "event", "contact", "place")
#: kind -> its folder in content/ (and its collection in the Directory).
FOLDERS = {"offer": "offers", "event": "events", "contact": "contacts", "place": "places"}
TAXONOMY_FILE = "taxonomy.yaml"
#: The partners' calendars that `nahbei import ics` takes in (kind "sources").
SOURCES_FILE = "sources.yaml"
#: The vocabularies of taxonomy.yaml (and the Directory's ``Taxonomy``), in the order pages list them.
VOCABULARIES = ("topics", "target_groups", "regions")
#: File endings of an entry file.
ENTRY_SUFFIXES = (".yaml", ".yml")


def entries_of(directory, kind: str) -> dict:
    """The Directory's entries of a kind, by id: ``entries_of(d, "offer") is d.offers``."""
    return getattr(directory, FOLDERS[kind])


def entry_file(kind: str, ident: str) -> str:
    """An entry's new file, relative to the content folder: 'offers/<id>.yaml'."""
    return f"{FOLDERS[kind]}/{ident}{ENTRY_SUFFIXES[0]}"


def content_folder(source: str) -> str:
    """The content folder of an entry's file as messages name it:
    'content/events/x.yaml' -> 'content'."""
    return str(PurePosixPath(source).parent.parent)


def taxonomy_source(entry_source: str) -> str:
    """The taxonomy file beside an entry's folder: 'content/events/x.yaml' -> 'content/taxonomy.yaml'."""
    return str(PurePosixPath(content_folder(entry_source)) / TAXONOMY_FILE)


def schema_comment(kind: str) -> str:
    """The first line of an entry file: editors (YAML language server) validate the
    file against its schema, schemas/ beside content/."""
    return f"# yaml-language-server: $schema=../../schemas/{kind}.schema.json\n"


def entry_text(kind: str, data: dict, order: Iterable[str] = ()) -> str:
    """A written entry file's text (``nahbei from-issue``, ``nahbei import``): the
    schema line, then the fields in ``order`` (the order volunteers read them),
    then any others."""
    order = tuple(order)
    ordered = {k: data[k] for k in order if k in data} | {k: v for k, v in data.items() if k not in order}
    return schema_comment(kind) + yaml.safe_dump(ordered, allow_unicode=True, sort_keys=False, width=100)
