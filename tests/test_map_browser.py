"""The maps in Chromium (WebGL through SwiftShader) on the example site with the
small PMTiles fixture (tests/support/tiles.py, fixture ``example_site_map``):
the canvas draws the site's own tiles, read by range requests to the same
origin; every marker is reached by Tab and opens its entry; zoom by keyboard;
nothing from a third party; axe-core without violations, light and dark, 320 px.

Every wait is for a state (the map's "load" event, a zoom change, a URL), never
for a time."""
from __future__ import annotations

import base64

import pytest
from tests.support.browser import format_violations, has_horizontal_scroll, open_page, run_axe
from tests.support.server import SiteServer

from nahbei import mapstyle

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

TILES = "/assets/nahbei/map/region.pmtiles"
TIMEOUT = 60_000  # ms: WebGL in software on a loaded machine

# The share of the map's pixels in a colour of the style (within a tolerance),
# counted in the page from a PNG screenshot of the map (WebGL's own buffer is
# cleared after each frame, so the screenshot is what was drawn).
COLOUR_SHARE_JS = """async ([png, colours]) => {
  const img = new Image();
  img.src = "data:image/png;base64," + png;
  // bounded: page.evaluate has no timeout of its own
  await Promise.race([img.decode(), new Promise((_, no) => setTimeout(() => no(new Error("PNG not decoded in 60 s")), 60000))]);
  const c = document.createElement("canvas");
  c.width = img.width; c.height = img.height;
  const g = c.getContext("2d");
  g.drawImage(img, 0, 0);
  const d = g.getImageData(0, 0, c.width, c.height).data;
  const want = colours.map(h => [1, 3, 5].map(i => parseInt(h.slice(i, i + 2), 16)));
  const counts = want.map(() => 0);
  for (let i = 0; i < d.length; i += 4) {
    want.forEach((w, k) => {
      if (Math.abs(d[i] - w[0]) <= 3 && Math.abs(d[i + 1] - w[1]) <= 3 && Math.abs(d[i + 2] - w[2]) <= 3) counts[k]++;
    });
  }
  return counts.map(n => n / (d.length / 4));
}"""


@pytest.fixture(scope="module")
def server(example_site_map):
    with SiteServer(example_site_map) as s:
        yield s


MAP_JS = "document.querySelector(sel).nahbeiMap.map()"  # the maplibregl.Map of the box `sel`
OVERVIEW_MAP = "document.querySelector('.nb-map').nahbeiMap.map()"


def wait_for_map(page, selector: str = ".nb-map") -> None:
    """Until the map has loaded its style and tiles and drawn them, standing still."""
    page.wait_for_function(f"""(sel) => {{ const m = document.querySelector(sel).nahbeiMap && {MAP_JS};
        return !!m && m.loaded() && m.areTilesLoaded() && !m.isMoving(); }}""", arg=selector, timeout=TIMEOUT)


def zoom(page) -> float:
    return page.evaluate(f"() => {OVERVIEW_MAP}.getZoom()")


def colour_shares(page, palette: str) -> dict[str, float]:
    png = page.locator(".nb-map__canvas canvas").screenshot()
    c = mapstyle.PALETTES[palette]
    names = ["earth", "water", "park"]
    shares = page.evaluate(COLOUR_SHARE_JS, [base64.b64encode(png).decode(), [c[n] for n in names]])
    return dict(zip(names, shares, strict=True))


@pytest.mark.parametrize("palette", ["light", "dark"])
def test_overview_draws_the_sites_own_tiles_by_range_requests(browser, server, palette):
    server.ranges.clear()
    with open_page(browser, server.base_url, color_scheme=palette) as page:
        page.goto(server.url("karte/"))
        if palette == "dark":  # the site's palette switch follows the system's (mkdocs.yml: media queries)
            page.wait_for_function("document.body.getAttribute('data-md-color-scheme') === 'slate'")
        page.locator(".nb-map").scroll_into_view_if_needed()
        wait_for_map(page)
        shares = colour_shares(page, palette)
        # land, water and park shapes of the fixture's tiles, in this palette's colours
        assert shares["earth"] > 0.05 and shares["water"] > 0.01 and shares["park"] > 0.005, shares
        assert page.foreign_requests == [] and page.console_errors == []
    ranges = [r for path, r in server.ranges if path == TILES]
    assert ranges and all(r.startswith("bytes=") for r in ranges), server.ranges


def test_every_marker_is_reached_by_tab_and_announces_the_list_entry(browser, server):
    with open_page(browser, server.base_url) as page:
        page.goto(server.url("karte/"))
        page.locator(".nb-map").scroll_into_view_if_needed()
        wait_for_map(page)
        listed = page.evaluate("""() => [...document.querySelectorAll('.nb-map-page__list .nb-card__title')]
            .map(a => [a.href, a.textContent.trim()])""")
        page.locator(".nb-map__skip").focus()
        reached = []
        for _ in range(len(listed) + 6):
            page.keyboard.press("Tab")
            info = page.evaluate("""() => { const e = document.activeElement;
                return e && e.classList.contains('nb-marker') ? [e.href, e.getAttribute('aria-label')] :
                       e ? e.className || e.tagName : null }""")
            if isinstance(info, list):
                reached.append(info)
        assert sorted(h for h, _ in reached) == sorted(h for h, _ in listed)
        names = dict(listed)
        for href, label in reached:
            assert label.startswith(names[href] + ", ") and label.endswith("Lage ungefähr"), label
        # Enter on a focused marker opens its entry
        target = reached[0][0]
        page.locator(f'.nb-marker[href="{target}"]').focus()
        page.keyboard.press("Enter")
        page.wait_for_url(target, timeout=TIMEOUT)
        assert page.foreign_requests == []


def test_zoom_by_keyboard_and_the_skip_link(browser, server):
    with open_page(browser, server.base_url) as page:
        page.goto(server.url("karte/"))
        page.locator(".nb-map").scroll_into_view_if_needed()
        wait_for_map(page)
        before = zoom(page)
        page.locator(".maplibregl-canvas").focus()
        page.keyboard.press("Equal")  # "+" / "=": MapLibre's keyboard zoom
        page.wait_for_function(f"z => {OVERVIEW_MAP}.getZoom() > z + 0.5", arg=before, timeout=TIMEOUT)
        page.keyboard.press("Minus")
        page.wait_for_function(f"z => {OVERVIEW_MAP}.getZoom() < z + 0.5", arg=before, timeout=TIMEOUT)
        # the zoom buttons have German names
        labels = page.evaluate("[...document.querySelectorAll('.maplibregl-ctrl button')].map(b => b.getAttribute('aria-label'))")
        assert "Vergrößern" in labels and "Verkleinern" in labels
        page.locator(".nb-map__skip").focus()
        page.keyboard.press("Enter")
        page.wait_for_function("document.activeElement && document.activeElement.id === 'nach-der-karte'")


def test_place_page_loads_the_map_only_when_asked(browser, server):
    server.requests.clear()
    with open_page(browser, server.base_url) as page:
        page.goto(server.url("orte/volkshaus-doebeln/"))
        button = page.locator("[data-nb-map-show]")
        button.wait_for(state="visible")
        page.wait_for_load_state("load")
        assert not any("maplibre" in r or "pmtiles" in r for r in server.requests), server.requests
        button.click()
        wait_for_map(page)
        assert any(r.endswith("maplibre-gl.mjs") for r in server.requests)
        assert colour_shares(page, "light")["earth"] > 0.05
        marker = page.locator(".nb-marker")
        assert marker.count() == 1
        assert marker.get_attribute("aria-label") == "Volkshaus Döbeln, Döbeln, Lage ungefähr"
        assert "nb-marker--approx" in marker.get_attribute("class")
        marker.focus()
        # the marker leads to this same page: wait for the new document itself (a URL
        # wait returns at once, and closing the context mid-navigation hung for good)
        with page.expect_navigation(url="**/orte/volkshaus-doebeln/", wait_until="load", timeout=TIMEOUT):
            page.keyboard.press("Enter")
        assert page.locator("[data-nb-map-show]").is_visible()  # the fresh page, its map not loaded
        assert page.foreign_requests == [] and page.console_errors == []


def test_on_a_phone_the_overview_loads_the_map_only_when_asked(browser, server):
    server.requests.clear()
    with open_page(browser, server.base_url, width=360, height=740) as page:
        page.goto(server.url("karte/"))
        button = page.locator("[data-nb-map-show]")
        button.wait_for(state="visible")
        page.locator(".nb-map").scroll_into_view_if_needed()
        page.wait_for_load_state("load")
        assert not any("maplibre" in r for r in server.requests), server.requests
        button.click()
        wait_for_map(page)
        assert page.locator(".nb-marker").count() == page.locator(".nb-map-page__list .nb-card").count() > 0
        assert page.locator("[data-nb-map-placeholder]").count() == 0
        assert page.foreign_requests == [] and page.console_errors == []


@pytest.mark.parametrize("palette", ["light", "dark"])
@pytest.mark.parametrize("path", ["karte/", "orte/thinka-zentrale-soemmerda/"])
def test_axe_finds_nothing_with_the_map_at_320_px(browser, server, path, palette):
    with open_page(browser, server.base_url, color_scheme=palette, width=320, height=640) as page:
        page.goto(server.url(path))
        # before and after the map: the page with its button, then with the map
        violations = run_axe(page)
        assert not violations, format_violations(violations)
        page.locator("[data-nb-map-show]").click()  # at 320 px also the overview's map waits for it
        wait_for_map(page)
        violations = run_axe(page)
        assert not violations, format_violations(violations)
        assert not has_horizontal_scroll(page)
        assert page.foreign_requests == [] and page.console_errors == []


def test_without_webgl_the_page_says_so_and_keeps_address_and_links(browser, server):
    with open_page(browser, server.base_url) as page:
        # a browser without WebGL: MapLibre cannot start
        page.add_init_script("""HTMLCanvasElement.prototype.getContext = (orig => function (kind, ...rest) {
            return /webgl/.test(kind) ? null : orig.call(this, kind, ...rest); })(HTMLCanvasElement.prototype.getContext)""")
        page.goto(server.url("orte/volkshaus-doebeln/"))
        page.locator("[data-nb-map-show]").click()
        status = page.locator("[data-nb-map-status]")
        status.wait_for(state="visible", timeout=TIMEOUT)
        assert "nicht zeigen" in status.text_content()
        assert page.locator(".nb-map__canvas").is_hidden()
        assert page.locator(".nb-route a").first.is_visible()
        assert page.foreign_requests == []
