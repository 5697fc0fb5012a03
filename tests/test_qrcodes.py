"""QR codes for the handout (nahbei.qrcodes): which pages get one, and that
the bits a page carries read back as its address. That each code on the
printed handout reads back is checked there (tests/test_shortlist_browser.py,
zbarimg on Chromium's PDF)."""
from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "plugins"))

from tests.support.qr import read_code  # noqa: E402

from nahbei import qrcodes  # noqa: E402
from nahbei.model.check import check  # noqa: E402


@pytest.fixture(scope="module")
def directory():
    result = check(ROOT / "content", today=date(2026, 11, 22), root=ROOT)
    assert result.directory is not None
    return result.directory


def test_offers_events_and_places_get_codes_contacts_and_consultation_hours_not(directory):
    today = directory.today
    coded = {kind: {i for i, e in entries.items() if qrcodes.has_code(kind, e, today)}
             for kind, entries in (("offer", directory.offers), ("event", directory.events),
                                   ("place", directory.places), ("contact", directory.contacts))}
    ended = {i for i, o in directory.offers.items() if o.is_ended(today)}
    assert ended == {"sozialplanung-dorsten-innenstadt"}
    assert coded["offer"] == set(directory.offers) - ended
    assert coded["place"] == set(directory.places)
    assert coded["contact"] == set()
    derived = {i for i, e in directory.events.items() if e.derived_from}
    past = {i for i, e in directory.events.items() if e.last_day() is not None and e.last_day() < today}
    assert derived, "the example has consultation hours published as a series"
    assert past == {"sozialregionalkonferenz-doebeln-2018"}
    assert coded["event"] == set(directory.events) - derived - past


@pytest.mark.parametrize("url", [
    "https://nahbei.example.org/angebote/mittendrin-troisdorf/",
    "https://example.org/verzeichnis/veranstaltungen/" + "x" * 80 + "/",
    "https://nahbei.example.org/orte/b%C3%BCrgerhaus/",
])
def test_the_bits_read_back_as_the_address(url):
    value = qrcodes.modules(url)
    width, _, data = value.partition(":")
    assert int(width) in range(21, 178, 4)  # a QR code's side: 21 + 4 per version
    assert len(qrcodes.decode(value)) == int(width)
    assert read_code(value) == url


def test_a_longer_address_needs_a_larger_code_and_a_page_carries_little():
    short = qrcodes.modules("https://nahbei.example.org/angebote/mittendrin-troisdorf/")
    longer = qrcodes.modules("https://nahbei.example.org/veranstaltungen/" + "x" * 80 + "/")
    assert int(longer.split(":")[0]) > int(short.split(":")[0])
    assert len(short) < 300  # the file per page it replaces was ~2,200 bytes


def test_decode_refuses_what_is_no_code():
    with pytest.raises(ValueError):
        qrcodes.decode("37:not base64!")
