"""The Merkzettel in real Chromium (Debian's, via Playwright) on the example
site: "Merken" on an offer, an event and a place page; the list survives a
reload; its share link shows the same list in a fresh browser; printed on A4
(Chromium's own PDF), no entry is split over two pages and each QR code,
read back from the PDF's pixels by zbarimg, is the entry's public address;
axe-core finds nothing on the list and the handout, light and dark, 320 px;
no cookie, no foreign request; without JavaScript no button and a clear note.
"""
from __future__ import annotations

import re
import shutil
import subprocess
import sys
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

if __package__ in (None, "") and str(Path(__file__).resolve().parents[1]) not in sys.path:
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.support.browser import (
    format_violations,
    has_horizontal_scroll,
    open_page,
    overflowing_elements,
    run_axe,
)
from tests.support.server import serve_directory

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

REPO = Path(__file__).resolve().parents[1]
PUBLIC = "https://nahbei.example.org/"  # mkdocs.yml site_url: what the QR codes hold

OFFER = "/angebote/mittendrin-troisdorf/"  # with hours, dates and a phone
EVENT = "/veranstaltungen/mittendrin-offener-treff/"
PLACE = "/orte/begegnungsstaette-troisdorf-mitte/"
ENDED = "offer:sozialplanung-dorsten-innenstadt"
# A4 minus the margins of nahbei.css' @page (12 mm sides, 12 mm top, 14 mm bottom), in CSS px
A4_CONTENT_HEIGHT = (297 - 12 - 14) / 25.4 * 96


@pytest.fixture(scope="module")
def site(example_site):
    return example_site


@pytest.fixture(scope="module")
def base_url(site):
    with serve_directory(site) as base:
        yield base


FOLDERS = {"offer": "angebote", "event": "veranstaltungen", "place": "orte"}


def entries_with_pages(site: Path) -> list[str]:
    """kind:id of every offer, event and place page the build wrote."""
    return [f"{kind}:{p.parent.name}" for kind, folder in FOLDERS.items()
            for p in sorted((site / folder).glob("*/index.html"))]


def public_url(entry: str) -> str:
    kind, ident = entry.split(":")
    return f"{PUBLIC}{FOLDERS[kind]}/{ident}/"


def keep(page, base_url, path) -> str:
    page.goto(base_url + path)
    button = page.locator("article button[data-nb-keep]")
    button.wait_for()
    assert button.get_attribute("aria-pressed") == "false"
    button.click()
    page.wait_for_function("document.querySelector('article button[data-nb-keep]').getAttribute('aria-pressed') === 'true'")
    assert "Merkzettel" in page.locator("article [data-nb-keep-status]").inner_text()
    return heading_name(page)


def heading_name(page) -> str:
    return page.locator("article h1").evaluate(
        "h => { const c = h.cloneNode(true); c.querySelectorAll('.nb-status').forEach(x => x.remove());"
        " return c.textContent.replace(/\\s+/g, ' ').trim(); }")


def shown(page) -> list[dict]:
    """The Merkzettel's entries once every one has been read from its page."""
    page.wait_for_function("window.nahbeiShortlist && document.querySelector('[data-nb-entries]')")
    page.evaluate("window.nahbeiShortlist.ready()")
    return page.eval_on_selector_all(".nb-shortlist__entry", """els => els.map(li => ({
        name: li.querySelector('h2').textContent.trim(),
        href: li.querySelector('h2 a') ? li.querySelector('h2 a').getAttribute('href') : null,
        kind: li.querySelector('.nb-shortlist__kind').textContent.trim(),
        text: li.innerText,
        qr: !!li.querySelector('svg.nb-shortlist__qr[role="img"][aria-label]'),
    }))""")


def test_three_kinds_kept_survive_a_reload_and_travel_by_link(browser, base_url):
    with open_page(browser, base_url) as page:
        names, addresses = [], []
        for path in (OFFER, EVENT, PLACE):
            names.append(keep(page, base_url, path))
            addresses.append(page.locator("article .nb-address").first.inner_text())
        page.goto(base_url + "/merkzettel/")
        page.reload()
        entries = shown(page)
        assert [e["name"] for e in entries] == names
        assert [e["kind"] for e in entries] == ["Angebot", "Termin", "Ort"]
        assert [e["href"] for e in entries] == [base_url + p for p in (OFFER, EVENT, PLACE)]
        offer, event, place = (e["text"] for e in entries)
        # the essentials, read from each entry's own page
        assert re.search(r"\d{1,2}(:\d{2})?–\d{1,2}(:\d{2})? Uhr", offer), offer  # opening hours
        assert re.search(r"Telefon: [\d ]+", offer), offer
        assert "Nächste Termine" in event and re.search(r"\d{4}", event), event
        for text, address in zip((offer, event, place), addresses, strict=True):
            assert address in text  # where
            assert "Stand der Angaben" in text
        assert all(e["qr"] for e in entries)
        assert page.locator("[data-nb-count]").inner_text().startswith("3 Einträge")
        share = page.locator("[data-nb-share]").input_value()
        assert share.startswith(base_url + "/merkzettel/#m=")
        assert page.context.cookies() == []
        assert page.evaluate("document.cookie") == ""
        assert not page.foreign_requests, page.foreign_requests

    # a browser that never saw the site: the same list, not yet stored
    with open_page(browser, base_url) as fresh:
        fresh.goto(share)
        entries = shown(fresh)
        assert [e["name"] for e in entries] == names
        assert "aus einem Link" in fresh.locator("[data-nb-notice]").inner_text()
        # (mkdocs-material keeps its own keys there, e.g. the palette)
        assert fresh.evaluate("Object.keys(localStorage).filter(k => k.endsWith('nahbei.merkzettel'))") == []
        fresh.get_by_role("button", name="Auf meinen Merkzettel übernehmen").click()
        fresh.wait_for_function("location.hash === '' && document.querySelector('[data-nb-notice]').hidden")
        stored = fresh.evaluate("JSON.parse(localStorage.getItem('/.nahbei.merkzettel')).map(x => x.k + ':' + x.id)")
        assert stored == ["offer:mittendrin-troisdorf", "event:mittendrin-offener-treff",
                          "place:begegnungsstaette-troisdorf-mitte"]
        assert fresh.context.cookies() == []


def test_entries_that_left_or_ended_are_shown_as_such(browser, base_url):
    with open_page(browser, base_url) as page:
        page.goto(base_url + f"/merkzettel/#m=offer:gibt-es-nicht,{ENDED}")
        gone, ended = shown(page)
        assert gone["name"] == "gibt-es-nicht" and gone["href"] is None
        assert "gibt es nicht mehr im Verzeichnis" in gone["text"]
        assert "stand: beendet" in ended["text"].lower(), ended["text"]


def test_search_results_have_a_keep_button(browser, base_url):
    with open_page(browser, base_url) as page:
        page.goto(base_url + "/suche/?q=ThINKA")
        button = page.locator("nahbei-search-page .nb-result button[data-nb-keep]").first
        button.wait_for(timeout=15_000)
        assert button.get_attribute("aria-label").startswith("Merken: ")
        kept = button.get_attribute("data-nb-kind") + ":" + button.get_attribute("data-nb-keep")
        button.click()
        page.wait_for_function("""kept => JSON.parse(localStorage.getItem('/.nahbei.merkzettel') || '[]')
                                    .some(x => x.k + ':' + x.id === kept)""", arg=kept)
        assert button.get_attribute("aria-pressed") == "true"


# Where the content after the heading starts, recorded when parsing ends: deferred
# scripts (shortlist.js) run after that (readyState "interactive"), before DOMContentLoaded.
BEFORE_SCRIPTS = """document.addEventListener('readystatechange', () => {
  if (document.readyState !== 'interactive') return;
  const slot = document.querySelector('article [data-nb-keep-slot]');
  const after = (slot || document.querySelector('article h1')).nextElementSibling;
  window.nbBefore = after ? after.getBoundingClientRect().top + scrollY : null;
});"""


@pytest.mark.parametrize("width", [320, 412, 1280])
def test_the_merken_box_moves_nothing(browser, base_url, width):
    """The box fills a slot whose room the stylesheet keeps from the first
    paint: the content after the heading stays where it was (no layout shift,
    Lighthouse's CLS), on one-row and two-row widths."""
    with open_page(browser, base_url, width=width) as page:
        page.add_init_script(BEFORE_SCRIPTS)
        for path in (OFFER, EVENT, PLACE):
            page.goto(base_url + path)
            page.locator("article button[data-nb-keep]").wait_for()
            before = page.evaluate("window.nbBefore")
            after = page.evaluate("""() => document.querySelector('article [data-nb-keep-slot]')
                .nextElementSibling.getBoundingClientRect().top + scrollY""")
            assert before is not None and abs(after - before) <= 1, (path, width, before, after)
            slot = page.locator("article [data-nb-keep-slot]")
            assert slot.locator("button[data-nb-keep]").count() == 1  # the box is the slot itself


def test_without_javascript_no_button_and_a_note(browser, base_url):
    with open_page(browser, base_url, java_script_enabled=False) as page:
        page.goto(base_url + OFFER)
        assert page.locator("button[data-nb-keep]").count() == 0
        assert page.locator("article [data-nb-keep-slot]").bounding_box() is None  # takes no room
        page.goto(base_url + "/merkzettel/")
        assert page.locator(".nb-shortlist-nojs").is_visible()
        assert not page.locator("[data-nb-shortlist]").is_visible()


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("width", [320, 1280])
def test_list_and_handout_are_accessible(browser, base_url, scheme, width):
    with open_page(browser, base_url, color_scheme=scheme, width=width) as page:
        for path in (OFFER, EVENT, PLACE):
            keep(page, base_url, path)
        page.goto(base_url + "/merkzettel/")
        assert len(shown(page)) == 3
        problems = []
        for media in ("screen", "print"):
            page.emulate_media(media=media, color_scheme=scheme)
            violations = run_axe(page)
            if violations:
                problems.append(f"[{media}] " + format_violations(violations))
            if width == 320 and media == "screen" and has_horizontal_scroll(page):
                problems.append(f"[{media}] horizontal scroll: {overflowing_elements(page)}")
        assert not problems, "\n".join(problems)
        assert not page.foreign_requests and not page.console_errors, (page.foreign_requests, page.console_errors)
        assert page.context.cookies() == []


def _tool(name):
    path = shutil.which(name)
    if path is None:
        pytest.fail(f"{name} missing: `make system-deps` installs it (Debian zbar-tools / poppler-utils)")
    return path


def test_handout_prints_whole_entries_with_qr_codes_that_read_back(browser, base_url, site, tmp_path):
    entries = entries_with_pages(site)
    assert len(entries) >= 12  # enough for several A4 pages
    with_code = [e for e in entries
                 if "data-nb-qr=" in (site / public_url(e)[len(PUBLIC):] / "index.html").read_text("utf-8")]
    assert 0 < len(with_code) < len(entries)
    printed_at = datetime(2026, 12, 6, 9, 30, tzinfo=ZoneInfo("Europe/Berlin"))
    with open_page(browser, base_url) as page:
        page.clock.set_fixed_time(printed_at)
        page.goto(base_url + "/merkzettel/#drucken=" + ",".join(entries))
        shown_entries = shown(page)
        assert len(shown_entries) == len(entries)
        assert [e["qr"] for e in shown_entries] == [e in with_code for e in entries]
        page.emulate_media(media="print")
        # every entry fits on one page (else a break inside could not be avoided)
        heights = page.eval_on_selector_all(".nb-shortlist__entry", "els => els.map(e => e.getBoundingClientRect().height)")
        assert max(heights) < A4_CONTENT_HEIGHT, heights
        assert page.locator("[data-nb-printed]").inner_text() == "Gedruckt am 6. Dezember 2026."
        pdf = tmp_path / "handout.pdf"
        pdf.write_bytes(page.pdf(format="A4", prefer_css_page_size=True))

    text = subprocess.run([_tool("pdftotext"), "-layout", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout
    pages = text.split("\f")
    pages = [p for p in pages if p.strip()]
    assert len(pages) >= 2, "the handout should need several pages here"
    assert "Gedruckt am 6. Dezember 2026." in pages[0]
    subprocess.run([_tool("pdftoppm"), "-r", "150", "-png", str(pdf), str(tmp_path / "page")], check=True)
    images = sorted(tmp_path.glob("page-*.png"))
    assert len(images) == len(text.split("\f")) - (0 if text.split("\f")[-1].strip() else 1)
    decoded_by_page = []
    for image in images:
        run = subprocess.run([_tool("zbarimg"), "--quiet", "--raw", "-Sdisable", "-Sqrcode.enable", str(image)],
                             capture_output=True, text=True)
        decoded_by_page.append(set(run.stdout.split()))

    def flat(s):
        return re.sub(r"\s+", "", s)

    for i, entry in enumerate(entries):
        url = public_url(entry)
        name = shown_entries[i]["name"]
        # the entry's first line (its name) and its last (its address) on the same page
        on = [n for n, p in enumerate(pages) if flat(url) in flat(p)]
        assert len(on) == 1, (entry, on)
        assert flat(name) in flat(pages[on[0]]), (entry, name, on)
        # its QR code, read from the printed page's pixels, is its public address
        # (an ended offer or past event has none)
        if entry in with_code:
            assert url in decoded_by_page[on[0]], (entry, decoded_by_page[on[0]])
    assert set().union(*decoded_by_page) == {public_url(e) for e in with_code}
