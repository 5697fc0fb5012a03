"""Reading back a page's QR code (``data-nb-qr``) with an independent reader:
ZXing-C++'s decoder on a bitmap drawn from the bits, a quiet zone of four
modules around them, four pixels a module."""
from __future__ import annotations

import zxingcpp

from nahbei.qrcodes import decode

__all__ = ["read_code"]


def read_code(value: str) -> str | None:
    """The text the code ``value`` holds, or None when no reader finds one."""
    rows = decode(value)
    scale, quiet = 4, 4
    side = (len(rows) + 2 * quiet) * scale
    pixels = bytearray(b"\xff" * side * side)
    for y, row in enumerate(rows):
        for x, dark in enumerate(row):
            if dark:
                for dy in range(scale):
                    at = ((y + quiet) * scale + dy) * side + (x + quiet) * scale
                    pixels[at:at + scale] = b"\x00" * scale
    found = zxingcpp.read_barcodes(memoryview(bytes(pixels)).cast("B", (side, side)),
                                   formats=zxingcpp.BarcodeFormat.QRCode)
    return found[0].text if found else None
