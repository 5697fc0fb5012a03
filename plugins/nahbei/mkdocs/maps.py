"""The maps in the site: MapLibre GL JS and pmtiles from npm, the region's
PMTiles file and assets/nahbei/map.js, all served by the site itself.

Nothing comes from another server: the scripts are copied from node_modules
(package-lock.json), the tiles from the file ``make tiles`` cut (option
``map: tiles``), the style is written here (nahbei.mapstyle: shapes only, no
fonts, no sprites). Missing scripts or tiles are not an error: the build says
so (info) and pages show the address with its route links instead of a map.

map.js is loaded (deferred, ~5 KB) on every page but loads MapLibre only when
a map is wanted (see the script's comment).
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from mkdocs.config.config_options import ExtraScriptValue
from mkdocs.exceptions import PluginError
from mkdocs.plugins import get_plugin_logger
from mkdocs.structure.files import File, Files

from .. import mapstyle
from ..i18n import catalog, t
from .config import LOCAL_HOSTS
from .theme import ASSETS

log = get_plugin_logger(__name__)

SCRIPT = "assets/nahbei/map.js"
FOLDER = "assets/nahbei/map/"
#: the tiles' name in the site (map.js fetches its ranges)
TILES = FOLDER + "region.pmtiles"
TEXTS = "ui.map.js."
#: (npm package, file in it, name in the site): what the browser loads for a map,
#: and the licences that must travel with them.
VENDOR = (
    ("maplibre-gl", "dist/maplibre-gl.mjs", "maplibre-gl.mjs"),
    # MapLibre starts its worker from this file next to itself (new URL(…, import.meta.url))
    ("maplibre-gl", "dist/maplibre-gl-worker.mjs", "maplibre-gl-worker.mjs"),
    ("maplibre-gl", "dist/maplibre-gl.css", "maplibre-gl.css"),
    ("maplibre-gl", "LICENSE.txt", "LICENSE-maplibre-gl.txt"),
    ("pmtiles", "dist/pmtiles.js", "pmtiles.js"),
    ("fflate", "LICENSE", "LICENSE-fflate.txt"),  # bundled in pmtiles.js
)
#: nahbei's own files in the map folder (next to the scripts)
OWN = ("LICENSE-pmtiles.txt", "map.css")
# (pmtiles' npm package has no licence file; its licence, BSD-3-Clause as its
# package.json says, travels as assets/map/LICENSE-pmtiles.txt.)
PLACEHOLDERS = ("{lat}", "{lon}", "{name}")


@dataclass(frozen=True)
class MapSite:
    """What templates need to know about maps (``nahbei.map``)."""

    shown: bool = False  # scripts and tiles are there: pages get their map box
    transit_url: str | None = None  # the option transit_url (a template)
    transit_name: str | None = None

    def transit(self, name: str, position) -> str | None:
        """The public-transport planner's link to a place at ``position`` (or None)."""
        if not self.transit_url or (position is None and "{name}" not in self.transit_url):
            return None
        if position is None and ("{lat}" in self.transit_url or "{lon}" in self.transit_url):
            return None
        return (self.transit_url.replace("{lat}", f"{position.lat:.5f}" if position else "")
                .replace("{lon}", f"{position.lon:.5f}" if position else "")
                .replace("{name}", quote(name)))


def check_transit_url(value: str | None, lang: str) -> str | None:
    """The option ``map: transit_url``: an https address with {lat}, {lon} or {name}."""
    if not value:
        return None
    from urllib.parse import urlsplit
    parts = urlsplit(value.replace("{", "").replace("}", ""))
    if not (parts.scheme == "https" or (parts.scheme == "http" and parts.hostname in LOCAL_HOSTS)) \
            or not parts.hostname or not any(p in value for p in PLACEHOLDERS):
        raise PluginError(t("ui.map.build.transit_url", lang, value=value))
    return value


class MapAssets:
    """Which map files the site gets, and whether pages show maps."""

    def __init__(self):
        self.site = MapSite()
        self.sources: dict[str, Path] = {}  # name in the site -> file on disk

    def on_config(self, options, root: Path, config, lang: str) -> MapSite:
        """Find the scripts and the tiles (options: MapConfig); register map.js."""
        transit = check_transit_url(options.transit_url, lang)
        modules = Path(options.node_modules)
        modules = modules if modules.is_absolute() else root / modules
        tiles = Path(options.tiles)
        tiles = tiles if tiles.is_absolute() else root / tiles
        sources = {FOLDER + name: modules / package / path for package, path, name in VENDOR}
        missing = [str(p) for p in sources.values() if not p.is_file()]
        self.sources = {}
        if missing:
            log.info(t("ui.map.build.no_scripts", lang, path=missing[0]))
        elif not tiles.is_file():
            log.info(t("ui.map.build.no_tiles", lang, path=tiles))
        else:
            self.sources = {**sources, **{FOLDER + name: ASSETS / "map" / name for name in OWN}, TILES: tiles}
        self.site = MapSite(shown=bool(self.sources), transit_url=transit, transit_name=options.transit_name)
        if self.site.shown and not any(str(s) == SCRIPT for s in config.extra_javascript):
            script = ExtraScriptValue(SCRIPT)
            script.defer = True
            config.extra_javascript.append(script)
        return self.site

    def add_files(self, files: Files, config, lang: str, bounds) -> None:
        if not self.site.shown:
            return
        for name, path in self.sources.items():
            if files.get_file_from_path(name) is None:
                files.append(File.generated(config, name, abs_src_path=str(path)))
        if files.get_file_from_path(SCRIPT) is None:  # a site's own docs/assets/nahbei/map.js wins
            files.append(File.generated(config, SCRIPT, content=script(lang, bounds)))


def settings(lang: str, bounds) -> dict:
    return {
        "lang": lang,
        "tiles": TILES.removeprefix("assets/nahbei/"),  # relative to map.js
        "bounds": bounds,
        "styles": mapstyle.styles(),
        "texts": {k[len(TEXTS):]: v for k, v in catalog(lang).items() if k.startswith(TEXTS)},
    }


def script(lang: str, bounds) -> str:
    """map.js with this site's settings in front (no settings request)."""
    head = "var nahbeiMapConfig = " + json.dumps(settings(lang, bounds), ensure_ascii=False, sort_keys=True)
    return head + ";\n" + (ASSETS / "map.js").read_text("utf-8")
