"""QR codes for printed handouts (no MkDocs import).

Every page a resident can put on the Merkzettel (current offers and events,
places) gets ``qr.svg`` in its folder: a QR code of the page's absolute
address, made at build time, black on white. The Merkzettel shows it and
prints it, so a client with a phone reaches the page from the paper. No
site_url, no absolute address: then no codes (the handout prints the address
as text).

ZXing-C++ (``zxingcpp``) encodes: with its choice of mask among the eight, a
code takes ~0.2 ms (segno, pure Python: ~4 ms, 40 s of CPU for 10,000 entry
pages). Its own SVG draws one rectangle per module (4.4 KB a code); here the
dark modules of each row are one stroke each, in one path (~2.2 KB).
"""
from __future__ import annotations

import os
import re
from pathlib import Path

import zxingcpp

from .model.layout import entries_of
from .urls import Urls

__all__ = ["QR_FILE", "SHORTLIST_KINDS", "pages_with_codes", "qr_svg", "write"]

QR_FILE = "qr.svg"
# the kinds of entry the Merkzettel holds (and so the handout prints)
SHORTLIST_KINDS = ("offer", "event", "place")
QUIET_ZONE = 4  # modules of white around the code, as ISO/IEC 18004 asks
_DARK = re.compile(rb"\x00+")  # a run of dark modules in the code's bitmap


def qr_svg(url: str) -> bytes:
    """One QR code as SVG: error correction M (a printed code survives a fold
    or a smudge), a white quiet zone of 4 modules, each run of dark modules in
    a row one horizontal stroke."""
    code = zxingcpp.create_barcode(url, zxingcpp.BarcodeFormat.QRCode, ec_level="M")
    modules = memoryview(code.to_image(scale=1, add_quiet_zones=False))  # one byte a module, 0 = dark
    height, width = modules.shape
    cells = modules.tobytes()
    size = width + 2 * QUIET_ZONE
    runs = []
    x0, y0 = 0, 0  # the pen: relative moves keep the path short
    for y in range(height):
        py = y + QUIET_ZONE
        for run in _DARK.finditer(cells, y * width, (y + 1) * width):
            px, length = run.start() - y * width + QUIET_ZONE, run.end() - run.start()
            runs.append(f"m{px - x0} {py - y0}h{length}" if runs else f"M{px} {py}.5h{length}")
            x0, y0 = px + length, py
    return (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {size} {size}">'
            f'<path fill="#fff" d="M0 0h{size}v{size}H0z"/>'
            f'<path stroke="#000" d="{"".join(runs)}"/></svg>').encode()


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
