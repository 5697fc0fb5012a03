"""The maps at build time: what the site gets with and without the region's
tiles (nahbei.mkdocs.maps), the overview page /karte/, the map boxes of entry
pages, the style (nahbei.mapstyle) and the transit planner's link.

The browser side (tiles drawn, markers by keyboard, no third party, axe) is
tests/test_map_browser.py."""
from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path
from types import SimpleNamespace

import pytest
from mkdocs.exceptions import PluginError

from nahbei import mapstyle
from nahbei.mkdocs import maps
from nahbei.model.geo import Position

REPO = Path(__file__).resolve().parents[1]
POSITIONED = sorted(p.stem for p in (REPO / "content" / "places").glob("*.yaml"))  # all have a town in postcodes.csv
MAP_FILES = ("maplibre-gl.mjs", "maplibre-gl-worker.mjs", "maplibre-gl.css", "pmtiles.js", "map.css",
             "LICENSE-maplibre-gl.txt", "LICENSE-pmtiles.txt", "LICENSE-fflate.txt", "region.pmtiles")


def read(site: Path, path: str) -> str:
    return (site / path / "index.html").read_text("utf-8")


def map_boxes(html: str) -> list[list[dict]]:
    """The points of each map box of a page (data-nb-points)."""
    boxes = []

    class Boxes(HTMLParser):
        def handle_starttag(self, tag, attrs):
            a = dict(attrs)
            if "data-nb-map" in a:
                boxes.append(json.loads(a["data-nb-points"]) if "data-nb-points" in a else None)

    Boxes().feed(html)
    return boxes


# -- without tiles (the example_site fixture) -------------------------------------

def test_without_tiles_pages_show_address_and_route_link_and_no_map(example_site):
    assert not (example_site / "assets" / "nahbei" / "map.js").exists()
    assert not (example_site / "assets" / "nahbei" / "map").exists()
    for path in ("orte/jobcenter-soemmerda/", "angebote/thinka-soemmerda/",
                 "veranstaltungen/im-netzwerk-kennenlerntreffen/", "karte/", "index"):
        html = read(example_site, path) if path != "index" else (example_site / "index.html").read_text("utf-8")
        assert "data-nb-map" not in html and "map.js" not in html, path
    place = read(example_site, "orte/jobcenter-soemmerda/")
    assert re.search(r'<p class="nb-route"><a href="https://www\.openstreetmap\.org/[^"]+" rel="noopener">', place)
    assert "Sömmerda" in place
    # the overview page lists every place with its address, without a map
    overview = read(example_site, "karte/")
    assert overview.count('class="nb-card"') == len(POSITIONED)
    assert overview.count('href="../orte/') >= len(POSITIONED)
    assert 'id="nach-der-karte"' not in overview
    privacy = read(example_site, "datenschutz/")
    assert 'id="karte"' not in privacy


@pytest.mark.parametrize("missing", ["scripts", "tiles"])
def test_missing_scripts_or_tiles_are_an_info_not_an_error(tmp_path, missing, caplog):
    modules = tmp_path / "node_modules"
    if missing != "scripts":
        for package, path, _ in maps.VENDOR:
            (modules / package / path).parent.mkdir(parents=True, exist_ok=True)
            (modules / package / path).write_text("x")
    else:
        (tmp_path / "region.pmtiles").write_bytes(b"PMTiles")
    options = SimpleNamespace(transit_url=None, transit_name=None, node_modules="node_modules",
                              tiles="region.pmtiles")
    config = SimpleNamespace(extra_javascript=[])
    assets = maps.MapAssets()
    with caplog.at_level("INFO"):
        site = assets.on_config(options, tmp_path, config, "de")
    assert not site.shown and config.extra_javascript == []
    words = {"scripts": "npm ci", "tiles": "make tiles"}[missing]
    assert any(r.levelname == "INFO" and words in r.getMessage() for r in caplog.records), caplog.text


# -- with the fixture tiles ---------------------------------------------------------

def test_the_site_ships_maplibre_pmtiles_their_licences_and_the_tiles(example_site_map):
    folder = example_site_map / "assets" / "nahbei" / "map"
    for name in MAP_FILES:
        assert (folder / name).is_file(), name
    assert (folder / "maplibre-gl.mjs").read_bytes() == (REPO / "node_modules/maplibre-gl/dist/maplibre-gl.mjs").read_bytes()
    assert "BSD" in (folder / "LICENSE-maplibre-gl.txt").read_text("utf-8")
    assert "Protomaps LLC" in (folder / "LICENSE-pmtiles.txt").read_text("utf-8")
    assert (folder / "region.pmtiles").read_bytes()[:7] == b"PMTiles"
    script = (example_site_map / "assets" / "nahbei" / "map.js").read_text("utf-8")
    head = json.loads(script.split("\n", 1)[0].removeprefix("var nahbeiMapConfig = ").rstrip(";"))
    assert head["tiles"] == "map/region.pmtiles" and head["bounds"] == [6.0, 50.5, 13.5, 51.6]
    assert head["texts"]["approximate"] == "Lage ungefähr"
    # nothing in the script points elsewhere than this site
    assert not re.search(r"https?://(?!www\.openstreetmap\.org/copyright)", script)


def overview_points(html: str) -> list[dict]:
    """The overview's markers as map.js reads them: the list's cards ([data-nb-point])."""
    points = []

    class Cards(HTMLParser):
        def handle_starttag(self, tag, attrs):
            a = dict(attrs)
            if "data-nb-point" in a:
                points.append({"lat": float(a["data-lat"]), "lon": float(a["data-lon"]),
                               "approximate": "data-approximate" in a})
            elif tag == "a" and points and "url" not in points[-1] and a.get("class") == "nb-card__title":
                points[-1]["url"] = a["href"]

    Cards().feed(html)
    return points


def test_overview_lists_every_positioned_place_and_maps_the_same(example_site_map):
    html = read(example_site_map, "karte/")
    [own] = map_boxes(html)
    assert own is None  # the overview's map takes its markers from the list
    points = overview_points(html)
    assert sorted(p["url"] for p in points) == sorted(f"../orte/{pid}/" for pid in POSITIONED)
    # list first, then the skip link, the map and the skip link's target
    order = [html.index(x) for x in ('id="orte-liste"', 'href="#nach-der-karte"', 'data-nb-map="overview"',
                                     'id="nach-der-karte"')]
    assert order == sorted(order)
    for p in points:  # the example places have no coordinates of their own: approximate, and said so
        assert p["approximate"] is True and 50.5 <= p["lat"] <= 51.6 and 6.0 <= p["lon"] <= 13.5
    assert html.count("Lage ungefähr") >= len(points)
    assert "Karte" in read(example_site_map, "datenschutz/").split('id="karte"')[1][:400]


@pytest.mark.parametrize("path, places", [
    ("orte/jobcenter-soemmerda/", ["jobcenter-soemmerda"]),
    ("angebote/thinka-soemmerda/", None),
    ("veranstaltungen/im-netzwerk-kennenlerntreffen/", ["caritas-moenchengladbach"]),
])
def test_entry_pages_have_a_map_box_that_loads_nothing_at_first(example_site_map, path, places):
    html = read(example_site_map, path)
    [points] = map_boxes(html)
    assert points and all(p["lat"] and p["lon"] for p in points)
    if places:
        assert [p["url"] for p in points] == [f"orte/{pid}/" for pid in places]
    # the button (shown by map.js) loads MapLibre; the page itself names no map library
    assert "data-nb-map-show hidden" in html
    assert "maplibre" not in html and "pmtiles" not in html
    assert re.search(r'<script src="[./]*assets/nahbei/map\.js" defer>', html)


def test_offer_without_positioned_place_has_no_map_box(example_site_map):
    html = read(example_site_map, "angebote/sozialplanung-dorsten-innenstadt/")
    assert "data-nb-map" not in html


# -- style and links -----------------------------------------------------------------

@pytest.mark.parametrize("palette", sorted(mapstyle.PALETTES))
def test_style_needs_no_fonts_sprites_or_other_servers(palette):
    style = mapstyle.style(palette)
    assert "glyphs" not in style and "sprite" not in style
    assert not any(layer["type"] == "symbol" for layer in style["layers"])
    text = json.dumps(style)
    assert not re.search(r"https?://(?!www\.openstreetmap\.org/copyright)", text)
    layers = {layer.get("source-layer") for layer in style["layers"]} - {None}
    assert layers == {"earth", "water", "landcover", "landuse", "roads", "buildings", "boundaries"}


def test_the_two_palettes_differ_and_keep_land_water_and_roads_apart():
    for name, c in mapstyle.PALETTES.items():
        assert len({c["earth"], c["water"], c["road_major"], c["background"]}) == 4, name
    assert mapstyle.PALETTES["light"]["earth"] != mapstyle.PALETTES["dark"]["earth"]


def test_transit_link_fills_the_template_and_checks_the_option():
    site = maps.MapSite(shown=True, transit_url="https://fahrplan.example.de/?ziel={lat},{lon}&name={name}")
    assert site.transit("Volkshaus Döbeln", Position(51.12, 13.11, True, "town")) == \
        "https://fahrplan.example.de/?ziel=51.12000,13.11000&name=Volkshaus%20D%C3%B6beln"
    assert site.transit("X", None) is None
    assert maps.MapSite().transit("X", Position(1, 2)) is None
    for bad in ("http://fahrplan.example.de/?z={lat}", "https://fahrplan.example.de/", "javascript:{lat}"):
        with pytest.raises(PluginError, match="transit_url"):
            maps.check_transit_url(bad, "de")
    assert maps.check_transit_url("https://f.example.de/?z={lat},{lon}", "de")


# -- make tiles (nahbei.mkdocs.tiles), with a stand-in for go-pmtiles -------------------

FAKE_PMTILES = """#!/bin/sh
# records its arguments; writes the output file unless told to fail
printf '%s\\n' "$@" > "$(dirname "$0")/args"
[ -n "$FAIL" ] && exit 3
printf 'PMTiles-cut' > "$3"
"""


def test_make_tiles_cuts_the_configured_box_and_keeps_the_old_file_on_failure(tmp_path, monkeypatch):
    from nahbei.mkdocs import tiles

    fake = tmp_path / "go-pmtiles"
    fake.write_text(FAKE_PMTILES)
    fake.chmod(0o755)
    config = tmp_path / "mkdocs.yml"
    config.write_text("site_name: x\nplugins:\n  - nahbei/directory:\n      map:\n"
                      "        tiles: !ENV [NO_SUCH_VARIABLE_X, tiles/region.pmtiles]\n"
                      "        bounds: [10.9, 51.0, 11.6, 51.3]\n        max_zoom: 14\n")
    source = "https://build.protomaps.com/20261205.pmtiles"
    assert tiles.main([str(fake), source, "--config", str(config)]) == 0
    target = tmp_path / "tiles" / "region.pmtiles"
    assert target.read_text() == "PMTiles-cut"
    assert (tmp_path / "args").read_text().split() == [
        "extract", source, str(target) + ".partial", "--bbox=10.9,51,11.6,51.3", "--maxzoom=14"]
    monkeypatch.setenv("FAIL", "1")
    assert tiles.main([str(fake), source, "--config", str(config)]) == 3
    assert target.read_text() == "PMTiles-cut" and not (tmp_path / "tiles" / "region.pmtiles.partial").exists()


def test_make_tiles_reads_the_example_sites_box_and_runs_only_in_the_publish_workflow():
    from nahbei.mkdocs import tiles

    command, target = tiles.extract_command("go-pmtiles", "SRC", REPO / "mkdocs.yml")
    assert command[4:] == ["--bbox=6,50.5,13.5,51.6", "--maxzoom=12"]
    assert target.name == "region.pmtiles" and command[3] == str(target) + ".partial"
    makefile = (REPO / "Makefile").read_text("utf-8")
    assert "python -m nahbei.mkdocs.tiles $(PMTILES) $(PROTOMAPS_BUILD)" in makefile
    publish = (REPO / ".github" / "workflows" / "publish.yml").read_text("utf-8")
    assert publish.index("run: make tiles") < publish.index("          make build")
    assert "tiles/" in (REPO / ".gitignore").read_text("utf-8").split()


def test_map_pages_are_valid_html(example_site_map):
    from tests.support.htmlcheck import format_vnu, run_vnu

    pages = [example_site_map / p / "index.html" for p in
             ("karte", "orte/jobcenter-soemmerda", "angebote/thinka-soemmerda",
              "veranstaltungen/im-netzwerk-kennenlerntreffen", "datenschutz")]
    errors = run_vnu(pages)
    assert not errors, format_vnu(errors)


def test_a_configured_transit_planner_is_linked_beside_the_route(tmp_path):
    """map: transit_url (here through a config that inherits mkdocs.yml)."""
    import os
    import subprocess
    import sys

    from tests.support.tiles import write_fixture

    tiles = write_fixture(tmp_path / "region.pmtiles")
    config = tmp_path / "mkdocs.yml"
    config.write_text(f"""INHERIT: {REPO / "mkdocs.yml"}
docs_dir: {REPO / "docs"}
theme: {{name: material, custom_dir: {REPO / "overrides"}}}
plugins:
  - nahbei/directory:
      content_dir: {REPO / "content"}
      feeds: false
      hsds: false
      map:
        tiles: {tiles}
        node_modules: {REPO / "node_modules"}
        bounds: [6.0, 50.5, 13.5, 51.6]
        transit_url: "https://fahrplan.example.de/?ziel={{lat}},{{lon}}&name={{name}}"
        transit_name: Beispiel-Fahrplan
  - nahbei/search: {{enabled: false}}
""", "utf-8")
    env = {**os.environ, "SOURCE_DATE_EPOCH": "1795305600", "NO_MKDOCS_2_WARNING": "1"}
    proc = subprocess.run([sys.executable, "-m", "mkdocs", "build", "-q", "-f", str(config), "-d", str(tmp_path / "site")],
                          cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-3000:]
    link = ('<a href="https://fahrplan.example.de/?ziel=51.12000,13.11000&amp;name=Volkshaus%20D%C3%B6beln" '
            'rel="noopener">Fahrplanauskunft zu Volkshaus Döbeln (Beispiel-Fahrplan, externe Seite)</a>')
    for path in ("orte/volkshaus-doebeln/", "veranstaltungen/sozialregionalkonferenz-doebeln-2018/"):
        assert link in read(tmp_path / "site", path), path
