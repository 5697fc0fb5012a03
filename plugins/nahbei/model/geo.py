"""Where things are: positions of places, postcodes, towns and regions; distances.

A place's position is its own ``coordinates`` (exact), else the position of its
postcode or town in the gazetteer (approximate: the centre of the postcode area
or town). The gazetteer is the optional table ``content/postcodes.csv`` the site
owner fills, e.g. from an openly licensed postcode list with coordinates::

    postcode,town,lat,lon
    99610,Sömmerda,51.16,11.12

An optional fifth column ``example_data`` marks rows that are example data
(what the example site ships: town centres rounded to two decimals). Regions of
the taxonomy get the centre of their places' positions (and their narrower
regions' places), computed when the directory is built.

No MkDocs here: the check, the pages, the search's distance file and the map
read the same positions.
"""
from __future__ import annotations

import csv
import io
import math
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from types import MappingProxyType

from .problems import WARNING, Problem, problem

#: The table's file name in the content folder.
POSTCODES_FILE = "postcodes.csv"
#: The columns, in this order; ``example_data`` may follow.
COLUMNS = ("postcode", "town", "lat", "lon")
OPTIONAL_COLUMNS = ("example_data",)
#: Mean Earth radius (IUGG), km.
EARTH_RADIUS_KM = 6371.0088
#: The box positions must lie in: the place schema's ``coordinates`` bounds (Germany).
LAT_RANGE = (47.0, 55.5)
LON_RANGE = (5.5, 15.5)
#: A name whose rows lie further apart than this (km from their centre) names
#: several towns (Neustadt): it is not used to locate, the postcode is asked for.
AMBIGUOUS_KM = 25.0
#: All postcodes of Germany fit in ~400 KB; a file far larger is not this table.
MAX_TABLE_BYTES = 8 * 1024 * 1024

_POSTCODE = re.compile(r"^\d{5}$")

BASES = ("coordinates", "postcode", "town", "region")


@dataclass(frozen=True, slots=True)
class Position:
    """A point (WGS 84 degrees). ``approximate``: the centre of a postcode area,
    town or region, not the entry's own address. ``basis``: where it comes from,
    one of BASES (``coordinates``: the place's own, or the resident's device)."""

    lat: float
    lon: float
    approximate: bool = False
    basis: str = "coordinates"


def distance_km(a: Position, b: Position) -> float:
    """Great-circle distance (haversine) in km."""
    p1, p2 = math.radians(a.lat), math.radians(b.lat)
    dp = p2 - p1
    dl = math.radians(b.lon - a.lon)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))


def name_key(name: str) -> str:
    """A town or region name as looked up: case, diacritics, ß, the spelled
    umlauts (ae/oe/ue), hyphens and spaces do not matter:
    "Kölleda", "kolleda", "KOELLEDA" -> "kolleda"; "Troisdorf-Mitte" = "troisdorf mitte"."""
    text = unicodedata.normalize("NFKD", name.casefold().replace("ß", "ss"))
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = text.replace("ae", "a").replace("oe", "o").replace("ue", "u")
    return " ".join(re.sub(r"[^0-9a-z]+", " ", text).split())


def is_postcode(text: str) -> bool:
    return bool(_POSTCODE.match(text.strip()))


def centre(positions: Iterable[Position], basis: str) -> Position | None:
    """The mean point of ``positions`` (fine for the few km of a town or county),
    approximate; None for none."""
    pts = list(positions)
    if not pts:
        return None
    return Position(round(sum(p.lat for p in pts) / len(pts), 5), round(sum(p.lon for p in pts) / len(pts), 5),
                    True, basis)


def _spread_km(mid: Position, pts) -> float:
    return max(distance_km(mid, p) for p in pts)


@dataclass(frozen=True, slots=True)
class GazetteerRow:
    postcode: str
    town: str
    lat: float
    lon: float
    line: int
    example_data: str | None = None


class Gazetteer:
    """Postcodes and town names with positions (``content/postcodes.csv``).
    Immutable once made; lookups are dict hits."""

    def __init__(self, rows: Iterable[GazetteerRow] = (), source: str = POSTCODES_FILE):
        self.source = source
        self.rows = tuple(rows)
        postcodes: dict[str, GazetteerRow] = {}
        towns: dict[str, list[GazetteerRow]] = {}
        for r in self.rows:
            postcodes.setdefault(r.postcode, r)
            towns.setdefault(name_key(r.town), []).append(r)
        self._postcodes = postcodes
        self._towns: dict[str, tuple[str, Position | None, GazetteerRow]] = {}
        for key, rows in towns.items():
            pts = [Position(r.lat, r.lon) for r in rows]
            mid = centre(pts, "town")
            if len(pts) > 1 and _spread_km(mid, pts) > AMBIGUOUS_KM:
                mid = None  # several towns of this name: ask for the postcode
            self._towns[key] = (rows[0].town, mid, rows[0])

    def __len__(self) -> int:
        return len(self.rows)

    def __bool__(self) -> bool:
        return bool(self.rows)

    def postcode(self, code: str) -> Position | None:
        r = self._postcodes.get(code.strip())
        return Position(r.lat, r.lon, True, "postcode") if r else None

    def postcode_row(self, code: str) -> GazetteerRow | None:
        return self._postcodes.get(code.strip())

    def town(self, name: str) -> Position | None:
        """The town's centre (its rows' mean); None if unknown or the name is ambiguous."""
        hit = self._towns.get(name_key(name))
        return hit[1] if hit else None

    def town_row(self, name: str) -> GazetteerRow | None:
        """The first row of a town name (its spelling, its example note)."""
        hit = self._towns.get(name_key(name))
        return hit[2] if hit else None

    def is_ambiguous(self, name: str) -> bool:
        hit = self._towns.get(name_key(name))
        return hit is not None and hit[1] is None

    def postcodes(self) -> Mapping[str, GazetteerRow]:
        return MappingProxyType(self._postcodes)

    def towns(self) -> Iterable[tuple[str, Position]]:
        """(name as written first, centre) of every unambiguous town, in table order."""
        return ((label, pos) for label, pos, _ in self._towns.values() if pos is not None)


EMPTY_GAZETTEER = Gazetteer()


def _number(text: str, comma_decimal: bool) -> float | None:
    text = text.strip()
    if comma_decimal:
        text = text.replace(",", ".")
    try:
        value = float(text)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def _inside(lat: float, lon: float) -> bool:
    return LAT_RANGE[0] <= lat <= LAT_RANGE[1] and LON_RANGE[0] <= lon <= LON_RANGE[1]


def read_gazetteer(raw: bytes, rel: str = f"content/{POSTCODES_FILE}") -> tuple[Gazetteer, list[Problem]]:
    """The table from the file's bytes, and its problems (``nahbei check``): each
    names file:line and what to write instead. Rows with a problem are left out;
    the rest is used."""
    problems: list[Problem] = []
    if len(raw) > MAX_TABLE_BYTES:
        return EMPTY_GAZETTEER, [problem(rel, 1, 1, "postcodes.too_large", size=-(-len(raw) // 1024),
                                         limit=MAX_TABLE_BYTES // 1024)]
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        return EMPTY_GAZETTEER, [problem(rel, line, 1, "file.not_utf8", byte=f"0x{raw[exc.start]:02X}")]
    first = text.split("\n", 1)[0]
    # Spreadsheets set to German write ";" between columns and "51,16" for numbers.
    delimiter = ";" if first.count(";") > first.count(",") else ","
    comma_decimal = delimiter == ";"
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    header = next(reader, None)
    names = tuple(h.strip().lower() for h in header or ())
    if names[:4] != COLUMNS or any(n not in OPTIONAL_COLUMNS for n in names[4:]):
        return EMPTY_GAZETTEER, [problem(rel, 1, 1, "postcodes.header", found=delimiter.join(names) or "—",
                                         expected=",".join(COLUMNS))]
    width = len(names)
    rows: list[GazetteerRow] = []
    seen: dict[str, GazetteerRow] = {}
    for cells in reader:
        line = reader.line_num
        if not any(c.strip() for c in cells):
            continue  # empty line
        if len(cells) != width and not (len(cells) == width - 1 and width == 5):
            problems.append(problem(rel, line, 1, "postcodes.columns", found=len(cells), expected=width,
                                    columns=",".join(names)))
            continue
        postcode, town, lat_text, lon_text = (c.strip() for c in cells[:4])
        note = cells[4].strip() if len(cells) > 4 and cells[4].strip() else None
        ok = True
        if not _POSTCODE.match(postcode):
            hint = postcode.zfill(5) if postcode.isdigit() and len(postcode) < 5 else "99610"
            problems.append(problem(rel, line, 1, "postcodes.postcode", value=postcode, example=hint))
            ok = False
        if not town:
            problems.append(problem(rel, line, 1, "postcodes.town", postcode=postcode))
            ok = False
        lat, lon = _number(lat_text, comma_decimal), _number(lon_text, comma_decimal)
        for value, field, text_, example in ((lat, "lat", lat_text, "51.16"), (lon, "lon", lon_text, "11.12")):
            if value is None:
                problems.append(problem(rel, line, 1, "postcodes.number", field=field, value=text_, example=example))
                ok = False
        if ok and not _inside(lat, lon):
            code = "postcodes.swapped" if _inside(lon, lat) else "postcodes.outside"
            problems.append(problem(rel, line, 1, code, lat=lat_text, lon=lon_text,
                                    lat_min=LAT_RANGE[0], lat_max=LAT_RANGE[1],
                                    lon_min=LON_RANGE[0], lon_max=LON_RANGE[1]))
            ok = False
        if not ok:
            continue
        row = GazetteerRow(postcode, town, lat, lon, line, note)
        before = seen.get(postcode)
        if before is not None:
            if (before.lat, before.lon) != (lat, lon):
                problems.append(problem(rel, line, 1, "postcodes.duplicate", postcode=postcode, first=before.line,
                                        lat=f"{before.lat:g}", lon=f"{before.lon:g}"))
                continue
        else:
            seen[postcode] = row
        rows.append(row)
    if not rows and not problems:
        problems.append(problem(rel, 2, 1, "postcodes.empty", severity=WARNING))
    return Gazetteer(rows, rel), problems


# -- the directory's positions ---------------------------------------------------


def own_position(place) -> Position | None:
    """A place's own ``coordinates``, exact."""
    coords = place.get("coordinates")
    if coords and "lat" in coords and "lon" in coords:
        return Position(float(coords["lat"]), float(coords["lon"]), False, "coordinates")
    return None


def place_position(place, gazetteer: Gazetteer) -> Position | None:
    """The place's own coordinates, else its postcode's, else its district's or
    town's centre in the gazetteer (approximate), else None."""
    pos = own_position(place)
    if pos is not None:
        return pos
    address = place.get("address") or {}
    code = address.get("postcode")
    if code:
        pos = gazetteer.postcode(code)
        if pos is not None:
            return pos
    for name in (address.get("district"), address.get("town")):
        if name:
            pos = gazetteer.town(name)
            if pos is not None:
                return pos
    return None


def position_note(place, gazetteer: Gazetteer) -> dict | None:
    """What a page says about an approximate position: {"basis", "name", "example_data"}
    (``ui.geo.approximate_<basis>``: "Lage ungefähr: Ortsmitte Sömmerda"); None when
    the place has its own coordinates or no position."""
    if own_position(place) is not None:
        return None
    address = place.get("address") or {}
    code = address.get("postcode")
    if code and gazetteer.postcode_row(code) is not None:
        row = gazetteer.postcode_row(code)
        return {"basis": "postcode", "name": code, "example_data": row.example_data}
    for name in (address.get("district"), address.get("town")):
        if name and gazetteer.town(name) is not None:
            return {"basis": "town", "name": name, "example_data": gazetteer.town_row(name).example_data}
    return None


class GeoIndex:
    """Positions of a directory's places and regions, and what a resident's
    postcode or town name means. Made once per Directory (``Directory.geo``)."""

    def __init__(self, places: Mapping, taxonomy, gazetteer: Gazetteer):
        self.gazetteer = gazetteer
        self.places: dict[str, Position] = {}
        for pid, place in places.items():
            pos = place_position(place, gazetteer)
            if pos is not None:
                self.places[pid] = pos
        by_region: dict[str, list[Position]] = {}
        for pid, pos in self.places.items():
            region = places[pid].region
            if region:
                by_region.setdefault(region, []).append(pos)
        self.regions: dict[str, Position] = {}
        for rid in taxonomy.regions:
            mid = centre((p for r in taxonomy.with_descendants("regions", rid) for p in by_region.get(r, ())), "region")
            if mid is not None:
                self.regions[rid] = mid
        # The directory's own postcodes and town/district names (places with their
        # own coordinates), for what the table does not list.
        own_codes: dict[str, list[Position]] = {}
        own_code_towns: dict[str, str] = {}
        own_names: dict[str, tuple[str, list[Position]]] = {}
        for pid, pos in self.places.items():
            address = places[pid].address or {}
            if pos.basis == "coordinates" and address.get("postcode"):
                own_codes.setdefault(address["postcode"], []).append(pos)
                own_code_towns.setdefault(address["postcode"], address.get("town") or "")
            for name in (address.get("town"), address.get("district")):
                if name:
                    own_names.setdefault(name_key(name), (name, []))[1].append(pos)
        self._own_codes = {k: centre(v, "postcode") for k, v in own_codes.items()}
        self._own_code_towns = own_code_towns
        self._own_names = {}
        for key, (label, pts) in own_names.items():
            mid = centre(pts, "town")
            if len(pts) == 1 or _spread_km(mid, pts) <= AMBIGUOUS_KM:
                self._own_names[key] = (label, mid)
        self._region_names = {name_key(taxonomy.regions[r].label): (taxonomy.regions[r].label, pos)
                              for r, pos in self.regions.items()}

    def place(self, place_id: str) -> Position | None:
        return self.places.get(place_id)

    def region(self, region_id: str) -> Position | None:
        return self.regions.get(region_id)

    def locate(self, query: str) -> Position | None:
        """A resident's postcode or town/district/region name -> its position
        (approximate); None when unknown or ambiguous (the page says so)."""
        query = query.strip()
        if not query:
            return None
        if is_postcode(query):
            return self.gazetteer.postcode(query) or self._own_codes.get(query)
        key = name_key(query)
        pos = self.gazetteer.town(query)
        if pos is not None:
            return pos
        for table in (self._region_names, self._own_names):
            hit = table.get(key)
            if hit is not None:
                return hit[1]
        return None

    def postcodes(self) -> dict[str, tuple[str, Position]]:
        """Every known postcode: {postcode: (its town, position)}, the table's,
        then the directory's own (places with coordinates)."""
        out = {code: (r.town, Position(r.lat, r.lon, True, "postcode"))
               for code, r in self.gazetteer.postcodes().items()}
        for code, pos in self._own_codes.items():
            out.setdefault(code, (self._own_code_towns.get(code, ""), pos))
        return out

    def names(self) -> dict[str, tuple[str, Position]]:
        """Every known town, district and region name: {key: (name as written, position)};
        the table's towns first, then region labels, then the places' own names."""
        out: dict[str, tuple[str, Position]] = {}
        for label, pos in self.gazetteer.towns():
            out.setdefault(name_key(label), (label, pos))
        for table in (self._region_names, self._own_names):
            for key, hit in table.items():
                out.setdefault(key, hit)
        return out


# -- what a search result's distance is measured to ----------------------------------


def entry_place_ids(directory, kind: str, ident: str) -> tuple[str, ...]:
    """The places an entry's distance is measured to: an offer's places (the
    nearest counts), an event's place, a contact's seat, a place itself."""
    if kind == "place":
        return (ident,) if ident in directory.places else ()
    if kind == "offer":
        offer = directory.offers.get(ident)
        return tuple(dict.fromkeys(offer.place_ids)) if offer is not None else ()
    if kind == "event":
        event = directory.events.get(ident)
        return (event.place,) if event is not None and event.place else ()
    if kind == "contact":
        contact = directory.contacts.get(ident)
        return (contact.get("place"),) if contact is not None and contact.get("place") else ()
    return ()


#: ``entry_positions_text`` of an entry without any place (online, by phone) and
#: of one whose places have no known position.
NO_PLACE = "none"
UNKNOWN = "?"


def position_text(pos: Position) -> str:
    """"51.16,11.12" (exact) or "~51.16,11.12" (approximate); 5 decimals at most (about 1 m)."""
    return f"{'~' if pos.approximate else ''}{round(pos.lat, 5)!r},{round(pos.lon, 5)!r}"


def entry_positions_text(directory, kind: str, ident: str) -> str:
    """The positions of an entry's places as one short text, nearest-first
    ordering's input (search metadata ``geo``): "51.16,11.12 ~51.19,11.24",
    NO_PLACE or UNKNOWN."""
    ids = entry_place_ids(directory, kind, ident)
    if not ids:
        # an offer or event without a place is held online or by phone; an
        # organisation or person without a seat just has no known place
        return UNKNOWN if kind == "contact" else NO_PLACE
    geo = directory.geo
    found = [position_text(p) for p in (geo.place(i) for i in ids) if p is not None]
    return " ".join(dict.fromkeys(found)) if found else UNKNOWN
