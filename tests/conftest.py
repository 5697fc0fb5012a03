"""Fixtures every test module can use without importing them."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

# the session-wide Chromium (``browser``) and its helpers' fixtures
pytest_plugins = ["tests.support.browser"]

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def example_site(tmp_path_factory) -> Path:
    """The example site as `mkdocs build --strict` writes it, once per test
    process (the browser tests share one xdist worker): "today" 2026-11-22
    (SOURCE_DATE_EPOCH) and mkdocs.yml's own site_url. Tests only read it."""
    out = tmp_path_factory.mktemp("example-site") / "site"
    env = {**os.environ, "SOURCE_DATE_EPOCH": "1795305600", "NO_MKDOCS_2_WARNING": "1"}
    env.pop("NAHBEI_SITE_URL", None)
    # no map: a tiles file someone cut into tiles/ (make tiles) must not change the tests
    env["NAHBEI_MAP_TILES"] = str(out.parent / "no-tiles.pmtiles")
    proc = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "-d", str(out)],
                          cwd=REPO, env=env, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return out


@pytest.fixture(scope="session")
def example_site_map(tmp_path_factory) -> Path:
    """The example site with maps: as ``example_site``, with the small PMTiles
    fixture (tests/support/tiles.py) as the region's tiles. Built only by the
    tests that ask for it (the map tests)."""
    from tests.support.tiles import write_fixture

    folder = tmp_path_factory.mktemp("example-site-map")
    tiles = write_fixture(folder / "region.pmtiles")
    out = folder / "site"
    env = {**os.environ, "SOURCE_DATE_EPOCH": "1795305600", "NO_MKDOCS_2_WARNING": "1",
           "NAHBEI_MAP_TILES": str(tiles)}
    env.pop("NAHBEI_SITE_URL", None)
    proc = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "-d", str(out)],
                          cwd=REPO, env=env, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return out


@pytest.fixture(scope="module")
def icaljs():
    """ical.js in one Node process per test module (tests/support/ical_parsers.py):
    the feed tests read every feed with it too."""
    from tests.support.ical_parsers import IcalJs

    client = IcalJs()
    yield client
    client.close()


@pytest.fixture(scope="module")
def copied_content(tmp_path_factory) -> Path:
    """A folder with a copy of the example's content/, for one test module to
    change files in (nahbei check over it); returns the folder."""
    site = tmp_path_factory.mktemp("content-copy")
    shutil.copytree(REPO / "content", site / "content")
    return site
