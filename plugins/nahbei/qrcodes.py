"""QR codes for printed handouts (no MkDocs import).

Every page a resident can put on the Merkzettel (current offers and events,
places) carries a QR code of its absolute address, made at build time: the
code's modules, packed into bits, in an attribute of the page (``data-nb-qr``,
``<width>:<base64>``, ~0.3 KB). The Merkzettel reads each entry's page anyway
(for its essentials) and draws the code from those bits as SVG, black on
white, which prints sharp. A file per page (``qr.svg``, ~2.2 KB as the
shortest path) cost 24 MB in 10,000 files at N=10,000. No site_url, no
absolute address: then no codes (the handout prints the address as text).

ZXing-C++ (``zxingcpp``) encodes: with its choice of mask among the eight, a
code takes ~0.4 ms (segno, pure Python: ~4 ms, 40 s of CPU for 10,000 entry
pages). Drawing happens in shortlist.js, which only turns bits into squares.
"""
from __future__ import annotations

import base64

import zxingcpp

__all__ = ["SHORTLIST_KINDS", "decode", "has_code", "modules"]

# the kinds of entry the Merkzettel holds (and so the handout prints)
SHORTLIST_KINDS = ("offer", "event", "place")
# one byte a module in zxingcpp's bitmap (0 = dark) to one bit character (1 = dark)
_BITS = bytes.maketrans(b"\x00\xff", b"10")


def modules(url: str) -> str:
    """The QR code of ``url`` as ``<width>:<base64>``: error correction M (a
    printed code survives a fold or a smudge), the modules row by row, a set
    bit dark, the first module in the highest bit; no quiet zone (the drawing
    adds four modules of white around it, as ISO/IEC 18004 asks)."""
    code = zxingcpp.create_barcode(url, zxingcpp.BarcodeFormat.QRCode, ec_level="M")
    image = memoryview(code.to_image(scale=1, add_quiet_zones=False))
    height, width = image.shape
    bits = image.tobytes().translate(_BITS)
    bits += b"0" * (-len(bits) % 8)
    packed = int(bits, 2).to_bytes(len(bits) // 8, "big")
    return f"{width}:{base64.b64encode(packed).decode('ascii')}"


def decode(value: str) -> list[list[bool]]:
    """The rows of dark (True) and light modules of a ``modules()`` value (for tests and tools)."""
    width_text, data = value.split(":", 1)
    width = int(width_text)
    packed = base64.b64decode(data, validate=True)
    bits = bin(int.from_bytes(packed, "big"))[2:].zfill(len(packed) * 8)
    return [[bits[y * width + x] == "1" for x in range(width)] for y in range(width)]


def has_code(kind: str, entry, today) -> bool:
    """Whether this entry's page gets a code: an offer, event or place that is
    current; not an ended offer's or a past event's page (nobody is sent
    there; the Merkzettel shows them as ended, without a code), not
    consultation hours (shown on the offer's page)."""
    if kind not in SHORTLIST_KINDS or getattr(entry, "derived_from", None):
        return False
    if kind == "offer":
        return not entry.is_ended(today)
    if kind == "event":
        last = entry.last_day()
        return last is None or last >= today
    return True
