"""Entry files written by an import (no MkDocs import): what ``nahbei import
hsds`` and ``nahbei import ics`` share.

An imported entry owns some of its fields (those the import writes); a
volunteer may add others, which every later import keeps. The ``fingerprint``
of the owned fields, recorded in ``source``, tells whether someone has changed
them by hand since the last import. ``entry_text`` (a file's text, from
``model.layout``) is here for the importers too.
"""
from __future__ import annotations

import hashlib
import json
import re
import urllib.request
from collections.abc import Iterable
from pathlib import Path

from ..model import loader
from ..model.layout import ENTRY_SUFFIXES, FOLDERS, entry_text

__all__ = ["entry_text", "fetch", "fingerprint", "imported", "one_line", "owned"]


def fetch(source: str, limit: int) -> bytes:
    """The bytes of a file or of an http(s) address, at most ``limit``: a
    mistyped address must not fill the disk (ValueError beyond it)."""
    if re.match(r"^https?://", source, re.I):
        request = urllib.request.Request(source, headers={"User-Agent": "nahbei (import)"})
        with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310 - http(s) only, checked above
            raw = response.read(limit + 1)
    else:
        raw = Path(source).read_bytes()
    if len(raw) > limit:
        raise ValueError(f"more than {limit // (1024 * 1024)} MB")
    return raw


def one_line(text) -> str:
    """Text as one line (the schemas' ``line``): any run of white space, line breaks included, one space."""
    return " ".join(str(text or "").split())


def imported(content: Path, kinds: Iterable[str]) -> tuple[dict, dict]:
    """The entries of ``kinds`` in ``content`` that an import wrote, by their
    origin {(source name, record id): (kind, path, data)}, and every id taken
    {kind: ids}. Read with the content loader (its limits); a file it cannot
    read is left to ``nahbei check``."""
    found, taken = {}, {}
    for kind in kinds:
        taken[kind] = set()
        for suffix in ENTRY_SUFFIXES:
            for path in sorted((Path(content) / FOLDERS[kind]).glob(f"*{suffix}")):
                taken[kind].add(path.stem)
                try:
                    _, data = loader.load_bytes(loader.read_content(path))
                except loader.LoadError:
                    continue
                src = data.get("source") if isinstance(data, dict) else None
                if isinstance(src, dict) and src.get("name") and src.get("id"):
                    found[(src["name"], str(src["id"]))] = (kind, path, data)
    return found, taken


def owned(data: dict, fields: Iterable[str]) -> dict:
    """The fields of ``data`` an import writes."""
    return {k: data[k] for k in fields if k in data}


def fingerprint(data: dict, fields: Iterable[str]) -> str:
    """A hash of the owned fields as they are in ``data`` (dates as ISO text)."""
    text = json.dumps(owned(data, fields), ensure_ascii=False, sort_keys=True, default=str, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]
