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
from collections.abc import Iterable

from ..model.layout import entry_text

__all__ = ["entry_text", "fingerprint", "owned"]


def owned(data: dict, fields: Iterable[str]) -> dict:
    """The fields of ``data`` an import writes."""
    return {k: data[k] for k in fields if k in data}


def fingerprint(data: dict, fields: Iterable[str]) -> str:
    """A hash of the owned fields as they are in ``data`` (dates as ISO text)."""
    text = json.dumps(owned(data, fields), ensure_ascii=False, sort_keys=True, default=str, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]
