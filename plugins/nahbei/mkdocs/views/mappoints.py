"""Each positioned place as a map point (the map's data), and its transit link.
Used by the place references (parts.py) every page shows; no MkDocs import."""
from __future__ import annotations

from ... import formatting as fmt


def map_point(directory, urls, place) -> dict | None:
    """A place as map.js draws it: {name, address, url (site path), lat, lon,
    approximate}; None when the place has no position (model/geo.py)."""
    pos = directory.place_position(place.id)
    if pos is None:
        return None
    return {"name": place.name, "address": fmt.address_one_line(place.address),
            "url": urls.page("place", place.id), "lat": round(pos.lat, 6), "lon": round(pos.lon, 6),
            "approximate": pos.approximate}


def transit_url(directory, site, place) -> str | None:
    """The region's public-transport planner for the place (option map: transit_url), or None."""
    shown = getattr(site, "map", None)
    return shown.transit(place.name, directory.place_position(place.id)) if shown is not None else None
