"""QR codes for the handout (nahbei.qrcodes): which pages get one, what it
holds, and nothing without an absolute address. That each code reads back as
its page's address is checked on the printed handout
(tests/test_shortlist_browser.py, zbarimg on Chromium's PDF)."""
from __future__ import annotations

import sys
import xml.etree.ElementTree as ET
from datetime import date
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "plugins"))

from nahbei import qrcodes  # noqa: E402
from nahbei.model.check import check  # noqa: E402
from nahbei.urls import Urls  # noqa: E402


@pytest.fixture(scope="module")
def directory():
    result = check(ROOT / "content", today=date(2026, 11, 22), root=ROOT)
    assert result.directory is not None
    return result.directory


def test_offers_events_and_places_get_codes_contacts_and_consultation_hours_not(directory):
    pages = qrcodes.pages_with_codes(directory, Urls())
    kinds = {kind for kind, _, _ in pages}
    assert kinds == {"offer", "event", "place"}
    today = directory.today
    ended = {i for i, o in directory.offers.items() if o.is_ended(today)}
    assert ended == {"sozialplanung-dorsten-innenstadt"}
    assert {i for k, i, _ in pages if k == "offer"} == set(directory.offers) - ended
    assert {i for k, i, _ in pages if k == "place"} == set(directory.places)
    derived = {i for i, e in directory.events.items() if e.derived_from}
    past = {i for i, e in directory.events.items() if e.last_day() is not None and e.last_day() < today}
    assert derived, "the example has consultation hours published as a series"
    assert past == {"sozialregionalkonferenz-doebeln-2018"}
    assert {i for k, i, _ in pages if k == "event"} == set(directory.events) - derived - past
    assert all(path == Urls().page(k, i) for k, i, path in pages)


def test_a_code_is_black_on_white_svg(directory):
    svg = qrcodes.qr_svg("https://nahbei.example.org/angebote/mittendrin-troisdorf/")
    root = ET.fromstring(svg)
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    size = root.get("viewBox").split()
    assert size[:2] == ["0", "0"] and size[2] == size[3]
    paths = root.findall("{http://www.w3.org/2000/svg}path")
    colours = {p.get("fill") or p.get("stroke") for p in paths}
    assert colours == {"#000", "#fff"}, colours
    # a longer address needs a larger code: the modules come from the text
    longer = ET.fromstring(qrcodes.qr_svg("https://nahbei.example.org/veranstaltungen/" + "x" * 80 + "/"))
    assert int(longer.get("viewBox").split()[2]) > int(size[2])


def test_written_beside_each_page_and_only_with_an_absolute_address(directory, tmp_path):
    assert qrcodes.write(directory, tmp_path / "none", Urls(), None) == 0
    assert not (tmp_path / "none").exists()
    n = qrcodes.write(directory, tmp_path / "site", Urls(), "https://example.org/verzeichnis/")
    pages = qrcodes.pages_with_codes(directory, Urls())
    assert n == len(pages)
    assert sorted(p.parent.relative_to(tmp_path / "site").as_posix() + "/"
                  for p in (tmp_path / "site").rglob(qrcodes.QR_FILE)) == sorted(path for _, _, path in pages)
    only = {("offer", "mittendrin-troisdorf")}
    assert qrcodes.write(directory, tmp_path / "one", Urls(), "https://example.org/", only=only) == 1
    assert [p.relative_to(tmp_path / "one").as_posix() for p in (tmp_path / "one").rglob("*.svg")] == \
        ["angebote/mittendrin-troisdorf/qr.svg"]
