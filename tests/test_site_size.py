"""The finished site's size against what the host publishes (max_site_mb,
GitHub Pages: 1 GB): a real `mkdocs build --strict` of the example site."""
from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

if __package__ in (None, "") and str(Path(__file__).resolve().parents[1]) not in sys.path:
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.test_site_build import copy_project, mkdocs_build

from nahbei.sitesize import GITHUB_PAGES_MB, site_size


def with_limit(root: Path, mb: float) -> Path:
    config = root / "mkdocs.yml"
    text = config.read_text("utf-8")
    assert text.count("  - nahbei/directory:\n      content_dir: content\n") == 1
    config.write_text(text.replace("  - nahbei/directory:\n      content_dir: content\n",
                                   f"  - nahbei/directory:\n      content_dir: content\n      max_site_mb: {mb}\n"),
                      "utf-8")
    return config


def test_numbers_in_messages_are_localised():
    from nahbei.formatting import number
    assert (number(135815, "de"), number(135815, "en"), number(1029, "de")) == ("135.815", "135,815", "1.029")


def test_site_size_counts_every_file(tmp_path):
    (tmp_path / "a" / "b").mkdir(parents=True)
    (tmp_path / "a" / "x.html").write_bytes(b"1234")
    (tmp_path / "a" / "b" / "y.ics").write_bytes(b"12345678")
    (tmp_path / "z").write_bytes(b"")
    os.symlink(tmp_path / "a", tmp_path / "link")  # not followed: counted once
    assert site_size(tmp_path) == (12, 3)
    assert GITHUB_PAGES_MB == 1000


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    return copy_project(tmp_path_factory.mktemp("size") / "project")


def test_a_site_over_the_limit_stops_the_build(project):
    """The example site is ~6 MB: with a limit of 1 MB the build fails, names
    size, files and limit, and says that nothing is published."""
    config = with_limit(project, 1)
    proc = mkdocs_build(config, project / "site-small")
    assert proc.returncode != 0
    line = next(x for x in proc.stderr.splitlines() if "Die fertige Website ist" in x)
    assert "erlaubt sind höchstens 1 MB" in line and "nichts wird veröffentlicht" in line, line
    size, files = site_size(project / "site-small")
    assert f"{round(size / 10**6)} MB groß ({files} Dateien)" in line, (line, size, files)  # < 1,000 files
    assert "Traceback" not in proc.stderr


def test_a_site_near_the_limit_builds_and_says_so(project):
    out = project / "site-near"
    config = with_limit(project, 1)
    proc = mkdocs_build(config, out)  # learn the size (the build stops, the site is written)
    size, _ = site_size(out)
    limit = round(size / 0.95 / 10**6, 2)  # 95 % used
    config.write_text(config.read_text("utf-8").replace("max_site_mb: 1\n", f"max_site_mb: {limit}\n"), "utf-8")
    proc = mkdocs_build(config, out)
    assert proc.returncode == 0, proc.stderr
    assert "nahe an der Grenze" in proc.stderr
