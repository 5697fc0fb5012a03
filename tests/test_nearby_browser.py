""""In meiner Nähe" in real Chromium on the example site: results nearest first
for a postcode, a town and the browser's own position, in the same order as a
haversine order computed here from model/geo.py; the radius; an unknown
postcode's message; the home page's box; nothing that carries the position
leaves the browser; the distance file only on use; keyboard; axe-core.
"""
from __future__ import annotations

import re
import shutil
import sys
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

if __package__ in (None, "") and str(Path(__file__).resolve().parents[1]) not in sys.path:
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.support.browser import (
    checked_page,
    close_page,
    format_focus_steps,
    format_violations,
    has_horizontal_scroll,
    new_page,
    run_axe,
    tab_through,
)
from tests.support.server import SiteServer
from tests.test_search_browser import check_filter
from tests.test_search_build import REPO, build_example_site, example_directory, expected_index

from nahbei.model.geo import Position, distance_km, entry_place_ids

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

PAGE = "nahbei-search-page"
TIMEOUT = 20_000
NEARBY_FILE = "/assets/nahbei-search/nearby.json"
STATUS = f"{PAGE} [data-nb-nearby-status]"
# Kölleda's town centre, a few hundred metres off: the browser's position in the tests
HERE = {"latitude": 51.18731, "longitude": 11.24317}


@pytest.fixture(scope="module")
def server(example_site):
    srv = SiteServer(example_site).start()
    yield srv
    srv.stop()


@pytest.fixture(scope="module")
def directory():
    return example_directory()


@pytest.fixture(scope="module")
def index(directory):
    return expected_index(directory)  # URL -> search record


@pytest.fixture
def page(browser, server):
    yield from checked_page(browser, server.base_url, height=4000)  # tall: Pagefind loads every result's fragment


# -- helpers --------------------------------------------------------------------------

def expected_order(directory, index, here: Position, radius: float | None = None):
    """[(url, km or "unknown" or "none")] for every indexed entry: located ones by
    distance (within ``radius``), then those without a known position, then
    those without a place, as model/geo.py computes it."""
    located, unknown, none = [], [], []
    for url, rec in index.items():
        ids = entry_place_ids(directory, rec.kind, rec.ident)
        positions = [p for p in (directory.place_position(i) for i in ids) if p is not None]
        if positions:
            km = min(distance_km(here, p) for p in positions)
            if radius is None or km <= radius:
                located.append((url, km))
        elif ids or rec.kind == "contact":
            unknown.append((url, "unknown"))
        else:
            none.append((url, "none"))
    located.sort(key=lambda x: x[1])
    return located + unknown + none


def wait_ordered(page, count: int | None = None, *, complete: bool = True) -> None:
    """Until the status says the results are ordered and every result is rendered
    (``complete=False``: those in view; Pagefind loads the others when scrolled to)."""
    page.wait_for_function(
        """([status, page, count, complete]) => {
            const s = document.querySelector(status);
            if (!s || !/geordnet/.test(s.textContent)) return false;
            const box = document.querySelector(page + ' pagefind-results');
            if (!box || box.querySelector('ul[aria-busy="true"]')) return false;
            const links = box.querySelectorAll('a.pf-result-link').length;
            const waiting = box.querySelectorAll('.pf-result[aria-hidden="true"]').length;
            const distances = box.querySelectorAll('.nb-result-distance').length;
            return (waiting === 0 || !complete) && links > 0 && distances === links
                && (count === null || links === count);
        }""",
        arg=[STATUS, PAGE, count, complete], timeout=TIMEOUT)


def shown(page) -> list[tuple[str, str]]:
    """[(path, distance text)] of the rendered results, in order."""
    return page.eval_on_selector_all(
        f"{PAGE} li.nb-result",
        """els => els.map(li => [new URL(li.querySelector('a.pf-result-link').href).pathname,
                                 (li.querySelector('.nb-result-distance')?.textContent || '').trim()])""")


def km_of(text: str) -> float:
    """"Entfernung: ca. 2,3 km" -> 2.3"""
    m = re.search(r"([\d.]+(?:,\d+)?)\s*km", text.replace("\u00a0", " "))
    assert m, text
    return float(m.group(1).replace(".", "").replace(",", "."))


def assert_same_order(got, expected, *, first: bool = False) -> None:
    """The shown order equals the expected haversine order; entries at the same
    distance (the same place) may come in any order among themselves.
    ``first``: only the first ones are shown."""
    if first:
        expected = expected[: len(got)]
    assert [u for u, _ in got] and len(got) == len(expected), (got, expected)
    want = dict(expected)
    for (url, text), (_, km) in zip(got, expected, strict=True):
        assert url in want, f"{url} shown, not expected"
        if km == "unknown":
            assert want[url] == "unknown" and text == "Lage nicht bekannt", (url, text)
        elif km == "none":
            assert want[url] == "none" and text.startswith("ohne festen Ort"), (url, text)
        else:
            # the expected distance at this rank, and the entry's own distance, both as shown
            assert isinstance(want[url], float), (url, text)
            digits = 1 if want[url] < 10 else 0
            assert abs(km_of(text) - round(want[url], digits)) <= 0.051 * 10 ** (1 - digits), (url, text, want[url])
            assert abs(want[url] - km) < 1e-9, f"{url} at {want[url]:.3f} km shown where {km:.3f} km belongs"
    if not first:
        assert sorted(u for u, _ in got) == sorted(u for u, _ in expected)


def requests_carrying(urls, numbers) -> list[str]:
    """Requests whose path or query (what is sent; not the part after #) contains one of ``numbers``."""
    out = []
    for url in urls:
        sent = url.split("#", 1)[0]
        parts = urlsplit(sent)
        text = unquote(parts.path + "?" + parts.query)
        if any(n in text for n in numbers):
            out.append(url)
    return out


# -- ordering ----------------------------------------------------------------------------

def test_postcode_orders_results_like_haversine_in_python(page, server, directory, index):
    page.goto("/suche/?ort=99625")
    wait_ordered(page, len(index))
    here = directory.gazetteer.postcode("99625")
    got = shown(page)
    assert_same_order(got, expected_order(directory, index, here))
    # a postcode is the centre of its area: every distance says "ca."
    assert all(text.startswith("Entfernung: ca. ") for _, text in got if "km" in text), got
    status = page.locator(STATUS).inner_text()
    assert "99625 Kölleda" in status and "Nächste zuerst" in status
    # a site without map tiles (this one) offers no "Treffer auf der Karte"
    assert page.locator(f"{PAGE} [data-nb-results-map]").is_hidden()
    # the ordering of the page measured itself (bench: 4x CPU throttling)
    assert page.evaluate("() => performance.getEntriesByName('nb-nearby-order').length") >= 1


def test_town_name_with_free_text_filter_and_radius(page, directory, index):
    # typed without the umlaut; the free-text query still applies
    page.goto("/suche/?q=Beratung&ort=Kolleda")
    page.wait_for_function(f"() => /Kölleda/.test(document.querySelector({STATUS!r})?.textContent || '')",
                           timeout=TIMEOUT)
    wait_ordered(page)
    got = shown(page)
    urls = {u for u, _ in got}
    assert 3 < len(urls) < len(index), got  # what Pagefind found for "Beratung", not everything
    here = directory.gazetteer.town("Kölleda")
    found = [(u, km) for u, km in expected_order(directory, index, here) if u in urls]
    assert_same_order(got, found)
    # a filter on top: only offers, still nearest first
    check_filter(page, "Art", "Angebot")
    page.wait_for_function(
        f"""() => [...document.querySelectorAll('{PAGE} li.nb-result a.pf-result-link')]
                 .every(a => new URL(a.href).pathname.startsWith('/angebote/'))""", timeout=TIMEOUT)
    wait_ordered(page)
    offers = [(u, km) for u, km in found if u.startswith("/angebote/")]
    assert 1 < len(offers) < len(found)
    assert_same_order(shown(page), offers)
    # and a radius: what lies further away is left out
    page.locator(f"{PAGE} [data-nb-nearby-radius]").select_option("25")
    page.wait_for_function(f"() => /25 km/.test(document.querySelector({STATUS!r}).textContent)", timeout=TIMEOUT)
    near = [(u, km) for u, km in offers if isinstance(km, str) or km <= 25]
    assert 0 < len(near) < len(offers)
    wait_ordered(page, len(near))
    assert_same_order(shown(page), near)
    assert "umkreis=25" in page.url and "q=Beratung" in page.url


def test_a_page_at_a_time_then_more(page, directory, index):
    page.goto("/suche/")
    page.wait_for_selector(f"{PAGE}[data-ready] [data-nb-nearby-place]", timeout=TIMEOUT)
    # a page of 10 instead of 50 (a site's template may set it): the example has 24 entries
    page.eval_on_selector(f"{PAGE} [data-nb-nearby-more]", "b => b.dataset.page = '10'")
    place = page.locator(f"{PAGE} [data-nb-nearby-place]")
    place.fill("99625")
    place.press("Enter")
    wait_ordered(page, 10)
    expected = expected_order(directory, index, directory.gazetteer.postcode("99625"))
    assert_same_order(shown(page), expected, first=True)
    more = page.locator(f"{PAGE} [data-nb-nearby-more]")
    assert more.is_visible() and more.inner_text() == "Weitere 10 zeigen (10 von 24 zu sehen)"
    assert "24 Einträge" in page.locator(f"{PAGE} pagefind-summary").inner_text()
    more.focus()
    page.keyboard.press("Enter")
    wait_ordered(page, 20)
    assert_same_order(shown(page), expected, first=True)
    assert more.inner_text() == "Weitere 4 zeigen (20 von 24 zu sehen)"
    assert page.evaluate("() => document.activeElement.matches('[data-nb-nearby-more]')")
    more.click()
    wait_ordered(page, 24)
    assert_same_order(shown(page), expected)
    assert more.is_hidden()
    # without a place the whole list again (as before the feature)
    page.locator(f"{PAGE} [data-nb-nearby-clear]").click()
    page.wait_for_function(f"() => document.querySelectorAll('{PAGE} li.nb-result').length === 24 && "
                           f"!document.querySelector('{PAGE} .nb-result-distance')", timeout=TIMEOUT)


def test_unknown_postcode_says_so_and_orders_nothing(page, server):
    page.goto("/suche/?ort=99625")
    wait_ordered(page)
    box = page.locator(f"{PAGE} [data-nb-nearby-place]")
    box.fill("99999")
    box.press("Enter")
    page.wait_for_function(f"() => /99999/.test(document.querySelector({STATUS!r}).textContent)", timeout=TIMEOUT)
    status = page.locator(STATUS)
    assert status.get_attribute("role") == "status"
    text = status.inner_text()
    assert "Die Postleitzahl 99999 kennt dieses Verzeichnis nicht" in text
    # the example named is a known postcode near what was typed
    assert "nicht nach Entfernung geordnet" in text and "z. B. 99610" in text
    # the list is shown again without any distance, and the address no longer names a place
    page.wait_for_function(f"() => document.querySelectorAll('{PAGE} .nb-result-distance').length === 0 && "
                           f"document.querySelectorAll('{PAGE} li.nb-result').length > 0", timeout=TIMEOUT)
    assert "ort=" not in page.url
    # an unknown town too
    box.fill("Atlantis")
    box.press("Enter")
    page.wait_for_function(f"() => /Atlantis/.test(document.querySelector({STATUS!r}).textContent)", timeout=TIMEOUT)
    assert "Den Ort „Atlantis“ kennt dieses Verzeichnis nicht" in status.inner_text()


def test_my_location_stays_in_the_browser(browser, server, directory, index):
    page = new_page(browser, server.base_url, height=4000)
    try:
        context = page.context
        context.grant_permissions(["geolocation"], origin=server.base_url)
        context.set_geolocation(HERE)
        # count the asks: none before the press
        page.add_init_script("""(() => {
            window.__nbAsked = 0;
            const geo = navigator.geolocation, ask = geo.getCurrentPosition.bind(geo);
            geo.getCurrentPosition = (...args) => { window.__nbAsked++; return ask(...args); };
        })()""")
        sent: list[str] = []
        page.on("request", lambda r: sent.append(r.url))
        first = len(server.requests)
        page.goto("/suche/")
        page.wait_for_selector(f"{PAGE}[data-ready] [data-nb-nearby-locate]", timeout=TIMEOUT)
        assert page.evaluate("() => window.__nbAsked") == 0
        assert NEARBY_FILE not in server.requests[first:], "the distance file is loaded only on use"
        page.locator(f"{PAGE} [data-nb-nearby-locate]").click()
        wait_ordered(page, len(index))
        assert page.evaluate("() => window.__nbAsked") == 1
        assert "Ihrem Standort" in page.locator(STATUS).inner_text()
        here = Position(HERE["latitude"], HERE["longitude"])
        assert_same_order(shown(page), expected_order(directory, index, here))
        # nothing that was sent carries the position: not the browser's requests, not what the server got
        numbers = ("51.187", "11.243", "51,187", "11,243")
        assert requests_carrying(sent, numbers) == []
        assert requests_carrying(server.requests[first:], numbers) == []
        assert "51.187" not in page.url and "ort=" not in page.url
        assert NEARBY_FILE in server.requests[first:]
        # nothing stored (mkdocs-material keeps its colour scheme, "/.__palette"; nothing else)
        stored = page.evaluate("() => [Object.keys(localStorage), sessionStorage.length, document.cookie]")
        assert stored == [["/.__palette"], 0, ""], stored
        assert not page.console_errors and not page.foreign_requests
    finally:
        close_page(page)


def test_location_refused_gets_a_message(page):
    page.goto("/suche/")  # no permission granted: the browser refuses
    page.locator(f"{PAGE}[data-ready] [data-nb-nearby-locate]").click()
    page.wait_for_function(f"() => /gibt den Standort nicht frei/.test(document.querySelector({STATUS!r}).textContent)",
                           timeout=TIMEOUT)


# -- the home page ----------------------------------------------------------------------

def test_home_box_leads_to_the_search_page(page, server, directory, index):
    first = len(server.requests)
    page.goto("/")
    # (data-ready: nearby.js, imported by search.js on a page with the box, has set it up)
    box = page.locator(".nb-nearby--home[data-ready]")
    box.wait_for(state="visible", timeout=TIMEOUT)
    assert NEARBY_FILE not in server.requests[first:]
    place = box.locator("[data-nb-nearby-place]")
    place.press_sequentially("Söm", delay=30)
    # completion from the distance file (loaded now, on use)
    page.wait_for_function("() => [...document.querySelectorAll('.nb-nearby--home datalist option')]"
                           ".some(o => o.value === 'Sömmerda')", timeout=TIMEOUT)
    place.fill("99610")
    box.locator("select").select_option("10")
    place.press("Enter")
    page.wait_for_url(re.compile(r"/suche/\?ort=99610&umkreis=10$"), timeout=TIMEOUT)
    wait_ordered(page)
    here = directory.gazetteer.postcode("99610")
    assert_same_order(shown(page), expected_order(directory, index, here, radius=10))


def test_home_my_location_hands_over_without_sending_it(browser, server, directory, index):
    page = new_page(browser, server.base_url, height=4000)
    try:
        page.context.grant_permissions(["geolocation"], origin=server.base_url)
        page.context.set_geolocation(HERE)
        sent: list[str] = []
        page.on("request", lambda r: sent.append(r.url))
        first = len(server.requests)
        page.goto("/")
        page.locator(".nb-nearby--home [data-nb-nearby-locate]").click()
        page.wait_for_url(re.compile(r"/suche/"), timeout=TIMEOUT)
        wait_ordered(page, len(index))
        assert_same_order(shown(page), expected_order(directory, index, Position(HERE["latitude"], HERE["longitude"])))
        numbers = ("51.187", "11.243")
        assert requests_carrying(sent, numbers) == []
        assert requests_carrying(server.requests[first:], numbers) == []
        assert "51.187" not in page.url, "the position is taken out of the address"
        assert not page.console_errors and not page.foreign_requests
    finally:
        close_page(page)


def test_without_javascript_the_regions_remain(browser, server):
    page = new_page(browser, server.base_url, java_script_enabled=False)
    try:
        page.goto("/")
        # the home page's form still leads to the search page; the position needs JavaScript
        box = page.locator(".nb-nearby--home")
        assert box.is_visible() and box.locator("form").get_attribute("action") == "suche/"
        assert box.locator("[data-nb-nearby-locate]").evaluate("b => getComputedStyle(b).visibility") == "hidden"
        page.goto("/suche/")
        assert page.locator("[data-nb-nearby-place]").count() == 0  # in the template search.js stamps
        assert page.locator(".nb-search-fallback a", has_text="Region").count() == 1
    finally:
        close_page(page)


# -- keyboard and accessibility -------------------------------------------------------------

def test_keyboard_only(page, directory, index):
    page.goto("/suche/")
    page.wait_for_selector(f"{PAGE}[data-ready] [data-nb-nearby-place]", timeout=TIMEOUT)
    steps = tab_through(page, max_steps=80)
    names = [s.selector for s in steps]
    order = [next((i for i, s in enumerate(steps) if marker in s.selector or marker in s.text), None)
             for marker in ("nb-nearby-place", "Nach Entfernung ordnen", "Meinen Standort verwenden", "nb-nearby-radius")]
    assert None not in order and order == sorted(order), format_focus_steps(steps)
    assert all(steps[i].focus_indicator and steps[i].visible for i in order), format_focus_steps(steps)
    assert names
    # by keyboard alone: focus the field, type, Enter; the radius by arrow keys
    page.focus(f"{PAGE} [data-nb-nearby-place]")
    page.keyboard.type("04720")
    page.keyboard.press("Enter")
    wait_ordered(page, len(index))
    page.keyboard.press("Tab")  # the button "Nach Entfernung ordnen"
    page.keyboard.press("Tab")  # "Meinen Standort verwenden"
    page.keyboard.press("Tab")  # the radius
    assert page.evaluate("() => document.activeElement.matches('[data-nb-nearby-radius]')")
    page.keyboard.press("Home")  # 5 km (Chromium's closed select changes value by key)
    page.wait_for_function(f"() => /5 km/.test(document.querySelector({STATUS!r}).textContent)", timeout=TIMEOUT)
    wait_ordered(page)
    here = directory.gazetteer.postcode("04720")
    assert_same_order(shown(page), expected_order(directory, index, here, radius=5))
    # "Entfernung aus" comes back by keyboard too
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.matches('[data-nb-nearby-clear]')")
    page.keyboard.press("Enter")
    page.wait_for_function(f"() => /nicht nach Entfernung/.test(document.querySelector({STATUS!r}).textContent)",
                           timeout=TIMEOUT)
    assert page.evaluate("() => document.activeElement.matches('[data-nb-nearby-place]')")


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("width", [320, 1280])
def test_axe_search_and_home_with_a_place(browser, server, scheme, width):
    page = new_page(browser, server.base_url, color_scheme=scheme, width=width, height=900)
    try:
        page.goto("/suche/?ort=99610&umkreis=25")
        page.wait_for_function(f"() => /geordnet/.test(document.querySelector({STATUS!r})?.textContent || '')",
                               timeout=TIMEOUT)
        page.locator(f"{PAGE} pagefind-results").scroll_into_view_if_needed()
        wait_ordered(page, complete=False)
        violations = run_axe(page)
        assert violations == [], format_violations(violations)
        assert not has_horizontal_scroll(page)
        page.goto("/")
        box = page.locator(".nb-nearby--home[data-ready]")
        box.wait_for(state="visible", timeout=TIMEOUT)
        box.locator("[data-nb-nearby-place]").press_sequentially("99", delay=20)
        page.wait_for_function("() => document.querySelectorAll('.nb-nearby--home datalist option').length > 0",
                               timeout=TIMEOUT)
        violations = run_axe(page)
        assert violations == [], format_violations(violations)
        assert not has_horizontal_scroll(page)
        assert not page.console_errors and not page.foreign_requests
    finally:
        close_page(page)


# -- an entry without a place -----------------------------------------------------------------

ONLINE_OFFER = """\
# yaml-language-server: $schema=../../schemas/offer.schema.json
id: telefonberatung-test
name: Telefonberatung (Test)
summary: Beratung am Telefon, ohne Ort.
status: active
topics: [beratung]
target_groups: [alle]
provider: kontaktbuero-thinka
example_data: Nur für den Test von „In meiner Nähe“ angelegt.
"""


@pytest.fixture(scope="module")
def online_site(tmp_path_factory):
    root = tmp_path_factory.mktemp("nearby-online")
    content = root / "content"
    shutil.copytree(REPO / "content", content)
    (content / "offers" / "telefonberatung-test.yaml").write_text(ONLINE_OFFER, "utf-8")
    site = build_example_site(root, content_dir=content)
    srv = SiteServer(site).start()
    yield srv
    srv.stop()


def test_entries_without_a_place_stay_after_the_located_ones(browser, online_site):
    page = new_page(browser, online_site.base_url, height=4000)
    try:
        page.goto("/suche/?ort=99610&umkreis=5")
        wait_ordered(page)
        got = shown(page)
        assert tuple(got[-1]) == ("/angebote/telefonberatung-test/", "ohne festen Ort (online oder am Telefon)"), got
        kinds = ["none" if t.startswith("ohne") else "unknown" if t == "Lage nicht bekannt" else "km" for _, t in got]
        assert kinds == sorted(kinds, key=["km", "unknown", "none"].index), got
        assert kinds.count("km") > 0
        assert not page.console_errors and not page.foreign_requests
    finally:
        close_page(page)
