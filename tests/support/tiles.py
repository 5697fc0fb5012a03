"""A small PMTiles file for the map tests, in the Protomaps basemap layout.

The real file is cut from OpenStreetMap data by `make tiles` (internet); the
tests never download. This writes the same kind of file with the ``pmtiles``
package's writer and vector tiles encoded by ``mapbox-vector-tile``: for every
tile of ``bounds`` from zoom 0 to ``max_zoom``, land (``earth``) over the whole
tile, a lake (``water``), a park (``landuse``), a major and a minor road
(``roads``) and a boundary (``boundaries``) – the layer names and ``kind``
values the site's style (nahbei.mapstyle) draws. Shapes per tile, not real
geography: what a test can check is that the map draws the file's tiles.

    from tests.support.tiles import write_fixture
    write_fixture(tmp_path / "region.pmtiles", bounds=(6.0, 50.5, 13.5, 51.5))
"""
from __future__ import annotations

import gzip
import math
from pathlib import Path

import mapbox_vector_tile
from pmtiles.tile import Compression, TileType, zxy_to_tileid
from pmtiles.writer import Writer

EXTENT = 4096
#: The example site's places (content/postcodes.csv: Mönchengladbach … Döbeln).
EXAMPLE_BOUNDS = (6.0, 50.5, 13.5, 51.6)
LAYERS = ("earth", "water", "landuse", "roads", "boundaries")


def tile_range(bounds, zoom: int) -> tuple[range, range]:
    """The x and y tile numbers (Web Mercator, XYZ) that cover ``bounds`` at ``zoom``."""
    west, south, east, north = bounds
    n = 2 ** zoom

    def x(lon):
        return min(n - 1, max(0, int((lon + 180) / 360 * n)))

    def y(lat):
        r = math.radians(lat)
        return min(n - 1, max(0, int((1 - math.asinh(math.tan(r)) / math.pi) / 2 * n)))

    return range(x(west), x(east) + 1), range(y(north), y(south) + 1)


def tile(z: int, x: int, y: int) -> bytes:
    """One vector tile (gzip-compressed MVT) with the fixture's shapes."""
    e = EXTENT
    layers = [
        {"name": "earth", "features": [{"geometry": f"POLYGON ((0 0, {e} 0, {e} {e}, 0 {e}, 0 0))",
                                        "properties": {"kind": "earth"}}]},
        {"name": "water", "features": [{"geometry": "POLYGON ((2400 2400, 3700 2400, 3700 3700, 2400 3700, 2400 2400))",
                                        "properties": {"kind": "lake"}}]},
        {"name": "landuse", "features": [{"geometry": "POLYGON ((300 300, 1500 300, 1500 1500, 300 1500, 300 300))",
                                          "properties": {"kind": "park"}}]},
        {"name": "roads", "features": [
            {"geometry": f"LINESTRING (0 0, {e} {e})", "properties": {"kind": "major_road"}},
            {"geometry": f"LINESTRING (0 {e // 2}, {e} {e // 2})", "properties": {"kind": "minor_road"}},
        ]},
        {"name": "boundaries", "features": [{"geometry": f"LINESTRING ({e // 3} 0, {e // 3} {e})",
                                             "properties": {"kind": "region"}}]},
    ]
    raw = mapbox_vector_tile.encode(layers, default_options={"extents": e, "y_coord_down": True})
    return gzip.compress(raw, mtime=0)


def write_fixture(path: Path, bounds=EXAMPLE_BOUNDS, max_zoom: int = 8) -> Path:
    """Write the fixture to ``path``; returns it."""
    tiles = {}
    for z in range(max_zoom + 1):
        xs, ys = tile_range(bounds, z)
        for x in xs:
            for y in ys:
                tiles[zxy_to_tileid(z, x, y)] = tile(z, x, y)
    west, south, east, north = bounds
    header = {
        "tile_type": TileType.MVT, "tile_compression": Compression.GZIP,
        "min_lon_e7": int(west * 1e7), "min_lat_e7": int(south * 1e7),
        "max_lon_e7": int(east * 1e7), "max_lat_e7": int(north * 1e7),
        "center_zoom": max_zoom // 2, "center_lon_e7": int((west + east) / 2 * 1e7),
        "center_lat_e7": int((south + north) / 2 * 1e7),
    }
    metadata = {
        "name": "nahbei test fixture", "attribution": "test shapes, not OpenStreetMap data",
        "vector_layers": [{"id": name, "fields": {"kind": "String"}} for name in LAYERS],
    }
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as f:
        writer = Writer(f)
        for tile_id in sorted(tiles):
            writer.write_tile(tile_id, tiles[tile_id])
        writer.finalize(header, metadata)
    return path
