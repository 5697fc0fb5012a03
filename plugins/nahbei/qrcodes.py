"""QR codes for printed handouts (no MkDocs import).

Every page a resident can put on the Merkzettel (offers, events, places) gets
``qr.svg`` in its folder: a QR code of the page's absolute address, made at
build time with segno, black on white. The Merkzettel shows it and prints it,
so a client with a phone reaches the page from the paper. No site_url, no
absolute address: then no codes (the handout prints the address as text).
"""
from __future__ import annotations

import io
import os
from pathlib import Path

import segno

from .model.layout import entries_of
from .urls import Urls

__all__ = ["QR_FILE", "SHORTLIST_KINDS", "pages_with_codes", "qr_svg", "write"]

QR_FILE = "qr.svg"
# the kinds of entry the Merkzettel holds (and so the handout prints)
SHORTLIST_KINDS = ("offer", "event", "place")


# ISO/IEC 18004 lets the encoder pick any of 8 masks; segno's pick (scoring all
# eight) costs ~4 ms a code, 55 s of CPU for 12,000 entry pages, a fixed one ~1 ms.
# Mask 2 is the one segno picks most often for this site's addresses (133 of
# 300 sampled page URLs; mask 0 never).
MASK = 2


def qr_svg(url: str) -> bytes:
    """One QR code as SVG: error correction M (a printed code survives a fold
    or a smudge), mask :data:`MASK`, a white quiet zone of 4 modules."""
    code = segno.make_qr(url, error="m", mask=MASK)
    out = io.BytesIO()
    code.save(out, kind="svg", xmldecl=False, nl=False, omitsize=True, border=4, dark="#000", light="#fff",
              svgclass=None, lineclass=None)
    return out.getvalue()


def pages_with_codes(directory, urls: Urls) -> list[tuple[str, str, str]]:
    """(kind, id, site-relative page path) of every page that gets a code: not
    an ended offer's or a past event's (nobody is sent there; the Merkzettel
    shows them as ended, without a code)."""
    today = directory.today
    out = []
    for kind in SHORTLIST_KINDS:
        for ident, entry in sorted(entries_of(directory, kind).items()):
            if getattr(entry, "derived_from", None):  # consultation hours: shown on the offer's page
                continue
            if kind == "offer" and entry.is_ended(today):
                continue
            if kind == "event" and (last := entry.last_day()) is not None and last < today:
                continue
            out.append((kind, ident, urls.page(kind, ident)))
    return out


def write(directory, site_dir: str | os.PathLike, urls: Urls, site_url: str | None, only=None) -> int:
    """Write ``<page>/qr.svg`` for every page in :func:`pages_with_codes` (or
    those whose (kind, id) is in ``only``); the number written."""
    if not site_url:
        return 0
    base = site_url.rstrip("/") + "/"
    root = Path(site_dir)
    written = 0
    for kind, ident, path in pages_with_codes(directory, urls):
        if only is not None and (kind, ident) not in only:
            continue
        folder = root / path
        folder.mkdir(parents=True, exist_ok=True)
        (folder / QR_FILE).write_bytes(qr_svg(base + path))
        written += 1
    return written
