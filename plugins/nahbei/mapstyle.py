"""The map's look: a MapLibre style for the Protomaps basemap schema (no MkDocs).

The region's tiles are one PMTiles file in the Protomaps basemap layout
(layers earth, water, landcover, landuse, roads, buildings, boundaries …;
https://docs.protomaps.com/basemaps/layers), as ``make tiles`` cuts it from the
Protomaps daily build. The style draws shapes only: no text labels, so it needs
no glyphs (fonts) and no sprite, nothing from another server. Names are in the
page's list and in each marker's accessible name, not painted on the map.

Two palettes, light and dark (the site's palette switch); the markers are HTML
(assets/nahbei/map.js, nahbei.css), not part of the style.
"""
from __future__ import annotations

#: The style's one source; map.js sets its url ("pmtiles://" + the file's address).
SOURCE = "protomaps"
#: OpenStreetMap's licence asks for this notice on every map (ODbL); shown in
#: MapLibre's attribution control, its link a plain link.
ATTRIBUTION = '© <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a>'

# Colours of the shapes. Shapes carry no information of their own (the list
# does), but roads and water stay distinguishable from land in both palettes.
PALETTES = {
    "light": {
        "background": "#cfe0ee", "earth": "#f4f1ea", "park": "#d9ead3", "wood": "#cfe3c6",
        "landuse": "#ece7dc", "water": "#a9c9e4", "building": "#ddd6ca", "road_major": "#a79f92",
        "road": "#c2bbb0", "road_casing": "#ffffff", "path": "#b9b1a5", "rail": "#9a948b",
        "boundary": "#8e7f9c",
    },
    "dark": {
        "background": "#17242f", "earth": "#24272d", "park": "#253329", "wood": "#233126",
        "landuse": "#2a2d33", "water": "#1d3446", "building": "#34373d", "road_major": "#6d717a",
        "road": "#4f535b", "road_casing": "#1b1d21", "path": "#474a51", "rail": "#5d6068",
        "boundary": "#8a7fa0",
    },
}

_PARKS = ["park", "cemetery", "garden", "golf_course", "grass", "meadow", "nature_reserve", "national_park",
          "playground", "recreation_ground", "village_green", "allotments", "protected_area"]
_WOODS = ["forest", "wood", "scrub", "grassland", "farmland", "barren", "glacier", "wetland", "urban_area"]


def _width(*stops: float) -> list:
    """A line width growing with the zoom (pairs zoom, width)."""
    return ["interpolate", ["exponential", 1.6], ["zoom"], *stops]


def style(palette: str = "light", tiles_url: str = "") -> dict:
    """The MapLibre style (version 8) for ``palette`` ("light" or "dark"); the
    source's url is ``tiles_url`` (map.js sets it when empty)."""
    c = PALETTES[palette]
    src = {"source": SOURCE}
    roads = [
        # paths, minor roads, major roads, motorways; casings under the major ones
        {"id": "roads-path", "type": "line", **src, "source-layer": "roads", "minzoom": 13,
         "filter": ["==", ["get", "kind"], "path"],
         "paint": {"line-color": c["path"], "line-width": _width(13, 0.6, 18, 2), "line-dasharray": [2, 1]}},
        {"id": "roads-minor", "type": "line", **src, "source-layer": "roads",
         "filter": ["in", ["get", "kind"], ["literal", ["minor_road", "other"]]],
         "layout": {"line-cap": "round", "line-join": "round"},
         "paint": {"line-color": c["road"], "line-width": _width(11, 0.5, 18, 9)}},
        {"id": "roads-major-casing", "type": "line", **src, "source-layer": "roads", "minzoom": 9,
         "filter": ["in", ["get", "kind"], ["literal", ["major_road", "medium_road", "highway"]]],
         "layout": {"line-cap": "round", "line-join": "round"},
         "paint": {"line-color": c["road_casing"], "line-width": _width(9, 1.5, 18, 16)}},
        {"id": "roads-major", "type": "line", **src, "source-layer": "roads",
         "filter": ["in", ["get", "kind"], ["literal", ["major_road", "medium_road", "highway"]]],
         "layout": {"line-cap": "round", "line-join": "round"},
         "paint": {"line-color": c["road_major"], "line-width": _width(5, 0.6, 18, 13)}},
        {"id": "roads-rail", "type": "line", **src, "source-layer": "roads", "minzoom": 10,
         "filter": ["==", ["get", "kind"], "rail"],
         "paint": {"line-color": c["rail"], "line-width": _width(10, 0.6, 18, 2.5), "line-dasharray": [3, 2]}},
    ]
    layers = [
        # where no tile has land: the sea (Protomaps draws land as "earth")
        {"id": "background", "type": "background", "paint": {"background-color": c["background"]}},
        {"id": "earth", "type": "fill", **src, "source-layer": "earth", "paint": {"fill-color": c["earth"]}},
        {"id": "landcover", "type": "fill", **src, "source-layer": "landcover",
         "filter": ["in", ["get", "kind"], ["literal", _WOODS]], "paint": {"fill-color": c["wood"]}},
        {"id": "landuse", "type": "fill", **src, "source-layer": "landuse",
         "filter": ["!", ["in", ["get", "kind"], ["literal", _PARKS + _WOODS]]],
         "paint": {"fill-color": c["landuse"]}},
        {"id": "landuse-park", "type": "fill", **src, "source-layer": "landuse",
         "filter": ["in", ["get", "kind"], ["literal", _PARKS + _WOODS]], "paint": {"fill-color": c["park"]}},
        {"id": "water", "type": "fill", **src, "source-layer": "water",
         "filter": ["==", ["geometry-type"], "Polygon"], "paint": {"fill-color": c["water"]}},
        {"id": "water-line", "type": "line", **src, "source-layer": "water",
         "filter": ["==", ["geometry-type"], "LineString"],
         "paint": {"line-color": c["water"], "line-width": _width(9, 0.8, 18, 6)}},
        {"id": "buildings", "type": "fill", **src, "source-layer": "buildings", "minzoom": 14,
         "paint": {"fill-color": c["building"]}},
        *roads,
        {"id": "boundaries", "type": "line", **src, "source-layer": "boundaries",
         "paint": {"line-color": c["boundary"], "line-width": _width(4, 0.6, 12, 1.6), "line-dasharray": [3, 2]}},
    ]
    return {
        "version": 8,
        "sources": {SOURCE: {"type": "vector", "url": tiles_url, "attribution": ATTRIBUTION}},
        "layers": layers,
    }


def styles() -> dict[str, dict]:
    """Both palettes' styles, {"light": …, "dark": …}."""
    return {name: style(name) for name in PALETTES}
