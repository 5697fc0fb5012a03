"""The distance file: what search.js needs to order search results nearest first.

``assets/nahbei-search/nearby.json``, written right after Pagefind wrote its
bundle, fetched by search.js only when a resident gives a postcode, a town or
their own position. One file, so a distance search costs one request::

    {"v": 1,
     "p": [51.16, 11.12, 50.81234, 7.15873, ...],  # positions, lat and lon in turn
     "a": [0, 5, ...],                             # the approximate ones (centre of a town or postcode)
     "e": {"de_11bf629": 3, "de_2a9c101": [3, 17], "de_77e0c2d": [], "de_91aa3f0": -1},
     "z": {"99610": [0, "Sömmerda"], ...},         # postcodes -> position, town
     "n": [["Kölleda", 5], ...]}                   # town, district and region names -> position

``e`` maps Pagefind's result id (its fragment's hash: search results give it
without loading the fragment) to the entry's positions: one index, several (an
offer at several places: the nearest counts), [] for an entry without a place
(online, by phone) and -1 for places without a known position. The ids are
read from the written fragments (each names its page's metadata ``geo``,
records.py), so the file always matches the bundle; a result missing from it
(a neighbouring directory's, or after a change in Pagefind) is located from its
fragment's ``geo`` metadata in the browser.
"""
from __future__ import annotations

import gzip
import json
import os
import re
from pathlib import Path

from ...model.geo import NO_PLACE, UNKNOWN, position_text

#: Where the file goes in the site, next to search.js (it resolves it against its own URL).
NEARBY = "assets/nahbei-search/nearby.json"
#: The file of another language's index (its pages say which file is theirs: nearby.html).
LANGUAGE_NEARBY = "assets/nahbei-search/nearby.{lang}.json"
FRAGMENTS = "fragment"
_FRAGMENT_SUFFIX = ".pf_fragment"
_GEO = re.compile(rb'"geo"\s*:\s*"([^"\\]*)"')


def _number(text: str) -> float:
    value = float(text)
    return int(value) if value.is_integer() else value


class _Positions:
    """Positions, each once: their index in ``p``."""

    def __init__(self):
        self.flat: list[float] = []
        self.approximate: list[int] = []
        self.index: dict[str, int] = {}

    def add(self, text: str) -> int:
        """``text``: "51.16,11.12" or "~51.16,11.12" (model/geo.py position_text)."""
        i = self.index.get(text)
        if i is None:
            approx = text.startswith("~")
            lat, lon = text.lstrip("~").split(",")
            i = self.index[text] = len(self.flat) // 2
            self.flat += (_number(lat), _number(lon))
            if approx:
                self.approximate.append(i)
        return i

    def add_position(self, pos) -> int:
        return self.add(position_text(pos))


def entry_value(geo_text: str, positions: _Positions):
    """The ``e`` value of an entry from its ``geo`` metadata."""
    if geo_text == NO_PLACE:
        return []
    if geo_text == UNKNOWN or not geo_text:
        return -1
    found = [positions.add(t) for t in geo_text.split()]
    return found[0] if len(found) == 1 else found


def read_fragments(bundle: Path, lang: str | None = None) -> dict[str, str]:
    """{result id: geo metadata} of every fragment in the bundle that has one
    (only those of ``lang``'s index: Pagefind names each after its language)."""
    out: dict[str, str] = {}
    folder = bundle / FRAGMENTS
    try:
        names = sorted(os.listdir(folder))
    except FileNotFoundError:
        return out
    for name in names:
        if not name.endswith(_FRAGMENT_SUFFIX) or (lang is not None and not name.startswith(f"{lang}_")):
            continue
        with open(folder / name, "rb") as f:
            raw = gzip.decompress(f.read())
        m = _GEO.search(raw)
        if m is not None:
            out[name[: -len(_FRAGMENT_SUFFIX)]] = m.group(1).decode()
    return out


def nearby_data(fragments: dict[str, str], geo) -> dict:
    """The file's content: entries from ``fragments`` (``read_fragments``),
    postcodes and names from the directory's ``GeoIndex``."""
    positions = _Positions()
    entries = {rid: entry_value(text, positions) for rid, text in fragments.items()}
    postcodes, names = {}, []
    if geo is not None:  # (without the directory plugin: no postcodes, no names)
        postcodes = {code: [positions.add_position(pos), town] for code, (town, pos) in sorted(geo.postcodes().items())}
        names = sorted(((label, positions.add_position(pos)) for label, pos in geo.names().values()),
                       key=lambda x: x[0].casefold())
    return {"v": 1, "p": positions.flat, "a": positions.approximate, "e": entries,
            "z": postcodes, "n": [list(x) for x in names]}


def write_nearby(site_dir: Path, bundle: Path, geo, lang: str | None = None,
                 name: str = NEARBY) -> tuple[Path, int]:
    """Write the file (``name`` in the site) for the bundle just written, for
    the results of ``lang``'s index (default: all); (path, entries)."""
    data = nearby_data(read_fragments(bundle, lang), geo)
    path = Path(site_dir) / name
    path.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    path.write_text(text + "\n", "utf-8")
    return path, len(data["e"])
