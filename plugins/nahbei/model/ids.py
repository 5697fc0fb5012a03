"""Entry ids: what an id looks like, and the id a title or file name suggests."""
from __future__ import annotations

import re
import unicodedata
from collections.abc import Container
from pathlib import Path

from ..i18n import DEFAULT_LANG, t
from .layout import ENTRY_SUFFIXES

#: Longest id ``new_id`` makes from a title (file names stay readable).
MAX_NEW_ID = 60
#: An entry's id, and its file name without ".yaml": the schemas' id pattern.
ID_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")

# German letters keep their usual spelling in ids ("Jugendbüro" -> "jugendbuero");
# other accents are dropped by the NFKD decomposition below. Letters that have no
# decomposition are written as their base letter ("Yılmaz" -> "yilmaz", "Łódź" -> "lodz").
_SPELLED_OUT = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", "ı": "i", "ł": "l", "ø": "o",
                              "đ": "d", "æ": "ae", "œ": "oe"})


def slugify(text: str, max_length: int | None = None) -> str:
    """The id a title or a bad file name suggests: "Café Mittendrin!" -> "cafe-mittendrin".
    "" when nothing of the text can be written as an id (the caller has a fallback)."""
    # NFC first: an "ü" typed as "u" + combining diaeresis is spelled out as well
    s = unicodedata.normalize("NFKD", unicodedata.normalize("NFC", text).lower().translate(_SPELLED_OUT))
    s = re.sub(r"[^a-z0-9]+", "-", s.encode("ascii", "ignore").decode()).strip("-")
    return s[:max_length].strip("-") if max_length else s


def new_id(title: str, lang: str = DEFAULT_LANG) -> str:
    """The id (and file name) a new entry with this title gets: "Café Mittendrin!" ->
    "cafe-mittendrin"; the locale's fallback ("eintrag") when no letter is left."""
    return slugify(title, MAX_NEW_ID) or t("ids.fallback", lang)


def unique_id(base: str, folder: Path, taken: Container[str] = ()) -> str:
    """``base``, else ``base-2``, ``base-3``, …: the first id that no entry file in
    ``folder`` has (any of ENTRY_SUFFIXES: an existing "x.yml" takes "x") and that
    ``taken`` (ids given out earlier, not yet written) does not hold."""
    ident, n = base, 2
    while ident in taken or any((folder / f"{ident}{suffix}").exists() for suffix in ENTRY_SUFFIXES):
        ident, n = f"{base}-{n}", n + 1
    return ident
