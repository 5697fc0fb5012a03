"""Entry pages do not grow with the directory: the same offer and event page is
(almost) the same size in a site with 10 entries and in one with 1,000.

A page that listed every entry (a big nav, all offers in a sidebar …) would
make a 10,000-entry build slow and every page heavy. Content is generated
here, deterministically; it passes `nahbei check`.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
ENV = {**os.environ, "SOURCE_DATE_EPOCH": "1795305600", "NO_MKDOCS_2_WARNING": "1"}

TAXONOMY = """\
topics:
  beratung: {label: Beratung, icon: material/chat-question-outline}
  begegnung: {label: Begegnung}
  arbeit: {label: Arbeit und Beruf}
  gesundheit: {label: Gesundheit}
target_groups:
  alle: {label: Alle, phrase: für alle}
  familien: {label: Familien, phrase: für Familien}
  senioren: {label: Seniorinnen und Senioren, phrase: für Seniorinnen und Senioren}
regions:
  kreis: {label: Musterkreis}
  nord: {label: Nordstadt, parent: kreis}
  sued: {label: Südstadt, parent: kreis}
"""
TOPICS = ("beratung", "begegnung", "arbeit", "gesundheit")
GROUPS = ("alle", "familien", "senioren")
REGIONS = ("nord", "sued")


def generate(content: Path, n: int) -> tuple[int, int]:
    """n entries: 60 % offers, 40 % events (event j belongs to offer j, so the
    first offers have the same references at every n), ten contacts and ten
    places shared by all."""
    if content.exists():
        shutil.rmtree(content)
    for sub in ("offers", "events", "contacts", "places"):
        (content / sub).mkdir(parents=True)
    (content / "taxonomy.yaml").write_text(TAXONOMY, "utf-8")
    for c in range(10):
        (content / "contacts" / f"traeger-{c:02d}.yaml").write_text(
            f"id: traeger-{c:02d}\nkind: organisation\nname: Träger Nummer {c:02d} e. V.\n"
            f"phones:\n  - number: \"02241 90090{c:02d}\"\nemail: info{c:02d}@traeger.example.org\n"
            f"last_reviewed: 2026-11-01\n", "utf-8")
    for p in range(10):
        (content / "places" / f"ort-{p:02d}.yaml").write_text(
            f"id: ort-{p:02d}\nname: Begegnungszentrum {p:02d}\naddress:\n  street: Hauptstraße {p + 1}\n"
            f"  postcode: \"538{p:02d}\"\n  town: Musterstadt\nregion: {REGIONS[p % 2]}\n"
            f"accessibility:\n  wheelchair: full\n", "utf-8")
    offers = n * 6 // 10
    events = n - offers
    for i in range(offers):
        (content / "offers" / f"angebot-{i:04d}.yaml").write_text(
            f"id: angebot-{i:04d}\nname: Offene Beratung Nummer {i:04d}\n"
            f"summary: Eine kostenlose Beratung für alle Fragen rund um Alltag, Arbeit und Familie.\n"
            f"status: active\ntopics: [{TOPICS[i % 4]}, {TOPICS[(i + 1) % 4]}]\n"
            f"target_groups: [{GROUPS[i % 3]}]\nregions: [{REGIONS[i % 2]}]\n"
            f"description: |\n  Wir beraten **vertraulich** und kostenlos.\n\n  - Anträge\n  - Briefe von Ämtern\n"
            f"provider: traeger-{i % 10:02d}\n"
            f"places:\n  - place: ort-{i % 10:02d}\n    hours:\n      regular:\n"
            f"        - days: [mo, di, do]\n          opens: \"09:00\"\n          closes: \"12:00\"\n"
            f"cost:\n  free: true\nlanguages: [de, en]\nlast_reviewed: 2026-11-01\n", "utf-8")
    for j in range(events):
        (content / "events" / f"termin-{j:04d}.yaml").write_text(
            f"id: termin-{j:04d}\ntitle: Offener Treff Nummer {j:04d}\n"
            f"summary: Jeden Donnerstag ins Gespräch kommen, ohne Anmeldung.\n"
            f"start: \"2026-10-01 17:00\"\nend: \"2026-10-01 19:00\"\n"
            f"recurrence:\n  frequency: weekly\n  weekdays: [do]\n  until: 2027-06-24\n"
            f"place: ort-{j % 10:02d}\noffer: angebot-{j:04d}\norganiser: traeger-{j % 10:02d}\n"
            f"cost:\n  free: true\n", "utf-8")
    return offers, events


def build(tmp: Path, n: int) -> Path:
    root = tmp / f"n{n}"
    root.mkdir()
    # the generated entries are German only: no warning per entry about missing translations
    config = (REPO / "mkdocs.yml").read_text("utf-8")
    plugin = "  - nahbei/directory:\n"
    assert config.count(plugin) == 1
    (root / "mkdocs.yml").write_text(config.replace(plugin, plugin + "      translation_warnings: false\n"), "utf-8")
    shutil.copytree(REPO / "docs", root / "docs")
    shutil.copytree(REPO / "overrides", root / "overrides") if (REPO / "overrides").exists() else (root / "overrides").mkdir()
    generate(root / "content", n)
    check = subprocess.run([sys.executable, "-m", "nahbei.cli", "check"], cwd=root, env=ENV,
                           capture_output=True, text=True)
    assert check.returncode == 0, check.stdout + check.stderr
    assert "0 Warnungen" in check.stderr, check.stderr
    out = root / "site"
    proc = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "-d", str(out)], cwd=root,
                          env=ENV, capture_output=True, text=True, timeout=900)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    return out


@pytest.fixture(scope="module")
def sites(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("size")
    return build(tmp, 10), build(tmp, 1000)


@pytest.mark.slow
@pytest.mark.parametrize("path", ["angebote/angebot-0000/index.html", "angebote/angebot-0003/index.html",
                                  "veranstaltungen/termin-0000/index.html", "veranstaltungen/termin-0003/index.html"])
def test_entry_page_size_does_not_grow(sites, path):
    small, large = sites
    a = (small / path).stat().st_size
    b = (large / path).stat().st_size
    assert abs(b - a) <= 0.02 * a, f"{path}: {a} bytes at 10 entries, {b} bytes at 1,000"


@pytest.mark.slow
def test_large_site_is_complete(sites):
    _, large = sites
    assert len(list((large / "angebote").glob("*/index.html"))) == 600
    assert len(list((large / "veranstaltungen").glob("*/index.html"))) == 400
    # the nav stays short: the home page links a handful of index pages, not 1,000 entries
    home = (large / "index.html").read_text("utf-8")
    nav = home.split('md-nav--primary', 1)[1].split("</nav>", 1)[0]
    assert nav.count("<a ") < 20
