"""Entry ids: what an id looks like, and the id a title or file name suggests."""
from __future__ import annotations

import re
import unicodedata

from ..i18n import DEFAULT_LANG, t

#: Longest id ``new_id`` makes from a title (file names stay readable).
MAX_NEW_ID = 60
#: An entry's id, and its file name without ".yaml": the schemas' id pattern.
ID_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")

# German letters keep their usual spelling in ids ("Jugendbüro" -> "jugendbuero");
# other accents are dropped by the NFKD decomposition below.
_SPELLED_OUT = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"})


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
