"""`make tiles`: cut the region's map tiles out of OpenStreetMap data.

    python -m nahbei.mkdocs.tiles PMTILES SOURCE [--config mkdocs.yml]

runs go-pmtiles (``PMTILES``: its program) as

    PMTILES extract SOURCE <tiles>.partial --bbox=W,S,E,N --maxzoom=Z

with the box, zoom and file of mkdocs.yml (``nahbei/directory`` → ``map``:
``bounds``, ``max_zoom``, ``tiles``) and, when it succeeds, puts the file in
place (a failed or cut-off download never replaces a good file). ``SOURCE`` is
Protomaps' daily build of the whole planet (https://build.protomaps.com/,
OpenStreetMap data, ODbL), of which go-pmtiles fetches only the parts in the
box. Needs the internet: the publish workflow runs it (and keeps the file in
its cache), the tests never do.
"""
from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

from mkdocs.utils.yaml import yaml_load

from .config import MapConfig

PLUGIN = "nahbei/directory"


def map_options(config_file: Path) -> MapConfig:
    """The ``map`` options of mkdocs.yml, checked and with their defaults."""
    with config_file.open("rb") as f:
        data = yaml_load(f) or {}
    raw = {}
    for item in data.get("plugins") or ():
        if isinstance(item, dict) and PLUGIN in item:
            raw = (item[PLUGIN] or {}).get("map") or {}
    options = MapConfig()
    options.load_dict(raw)
    failed, _ = options.validate()
    if failed:
        raise SystemExit(f"{config_file}: {PLUGIN} → map → {failed[0][0]}: {failed[0][1]}")
    if not options.bounds:
        raise SystemExit(f"{config_file}: {PLUGIN} → map → bounds is missing: the box to cut, "
                         "[west, south, east, north], e.g. [10.9, 51.0, 11.6, 51.3]")
    return options


def extract_command(pmtiles: str, source: str, config_file: Path) -> tuple[list[str], Path]:
    """The go-pmtiles call and the tiles file it makes (relative to mkdocs.yml's folder)."""
    options = map_options(config_file)
    target = Path(options.tiles)
    target = target if target.is_absolute() else config_file.resolve().parent / target
    box = ",".join(f"{x:g}" for x in options.bounds)
    partial = target.with_name(target.name + ".partial")
    return [pmtiles, "extract", source, str(partial), f"--bbox={box}", f"--maxzoom={options.max_zoom}"], target


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m nahbei.mkdocs.tiles", description=__doc__.split("\n\n")[0])
    parser.add_argument("pmtiles", help="the go-pmtiles program")
    parser.add_argument("source", help="the planet's PMTiles file (URL), e.g. https://build.protomaps.com/20261205.pmtiles")
    parser.add_argument("--config", default="mkdocs.yml", type=Path)
    args = parser.parse_args(argv)
    command, target = extract_command(args.pmtiles, args.source, args.config)
    target.parent.mkdir(parents=True, exist_ok=True)
    print(" ".join(command), flush=True)
    done = subprocess.run(command, check=False)
    partial = Path(command[3])
    if done.returncode != 0 or not partial.is_file():
        partial.unlink(missing_ok=True)
        print(f"pmtiles extract failed ({done.returncode}); {target} unchanged", file=sys.stderr)
        return done.returncode or 1
    os.replace(partial, target)
    print(f"{target}: {target.stat().st_size / 1e6:.1f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
