"""The search page's results on the map, in Chromium with the small PMTiles
fixture (``example_site_map``): the map shows the places of exactly the results
the list shows (no more: WCAG 1.1.1), follows the list when it grows, when the
radius changes and when a filter is chosen, is skippable, and asks nothing of
a third party; axe-core finds nothing with it open, light and dark, 320 px.

Expected markers are computed here from model/geo.py (entry_positions_text) for
the entries the list shows. Every wait is for a state, never for a time."""
from __future__ import annotations

import pytest
from tests.support.browser import checked_page, close_page, format_violations, has_horizontal_scroll, new_page, run_axe
from tests.support.server import SiteServer
from tests.test_map_browser import TIMEOUT, wait_for_map
from tests.test_nearby_browser import PAGE, shown, wait_ordered
from tests.test_search_browser import check_filter
from tests.test_search_build import example_directory, expected_index

from nahbei.model.geo import entry_positions_text

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

BOX = f"{PAGE} [data-nb-results-map]"
TOGGLE = f"{BOX} [data-nb-results-map-toggle]"


@pytest.fixture(scope="module")
def server(example_site_map):
    with SiteServer(example_site_map) as s:
        yield s


@pytest.fixture(scope="module")
def directory():
    return example_directory()


@pytest.fixture(scope="module")
def index(directory):
    return expected_index(directory)  # URL -> search record


@pytest.fixture
def page(browser, server):
    yield from checked_page(browser, server.base_url, height=4000)  # tall: Pagefind loads every result


def expected_markers(directory, index, paths) -> list[str]:
    """The marker links for the listed entries ``paths``: one per known position."""
    out = []
    for path in paths:
        rec = index[path]
        text = entry_positions_text(directory, rec.kind, rec.ident)
        out += [path for part in text.split() if part not in ("none", "?")]
    return sorted(out)


def wait_markers(page, expected: list[str]) -> None:
    """Until the map's markers link exactly to ``expected`` (paths, with repeats)."""
    page.wait_for_function(
        """([box, expected]) => {
            const b = document.querySelector(box);
            if (!b || b.dataset.points === undefined) return false;
            const got = [...b.querySelectorAll('.nb-marker')].map(a => new URL(a.href).pathname).sort();
            return JSON.stringify(got) === JSON.stringify(expected);
        }""", arg=[BOX, expected], timeout=TIMEOUT)


def test_the_map_shows_the_places_of_the_listed_results_and_follows_the_list(page, directory, index):
    page.goto("/suche/")
    page.wait_for_selector(f"{PAGE}[data-ready] [data-nb-nearby-place]", timeout=TIMEOUT)
    toggle = page.locator(TOGGLE)
    assert toggle.is_visible() and toggle.get_attribute("aria-expanded") == "false"
    # a page of 10 instead of 50 (the example has 24 entries): the map shows no more than the list
    page.eval_on_selector(f"{PAGE} [data-nb-nearby-more]", "b => b.dataset.page = '10'")
    place = page.locator(f"{PAGE} [data-nb-nearby-place]")
    place.fill("99625")
    place.press("Enter")
    wait_ordered(page, 10)
    toggle.click()
    assert toggle.get_attribute("aria-expanded") == "true"
    wait_for_map(page, BOX)
    listed = [u for u, _ in shown(page)]
    first = expected_markers(directory, index, listed)
    assert first, listed
    wait_markers(page, first)
    note = page.locator(f"{BOX} [data-nb-results-map-note]").inner_text()
    assert f"ersten 10 Treffer der Liste ({len(first)} Markierungen)" in note, note
    # markers are links named like the entries in the list
    titles = dict(page.eval_on_selector_all(
        f"{PAGE} li.nb-result a.pf-result-link", "as => as.map(a => [new URL(a.href).pathname, a.textContent.trim()])"))
    labels = page.eval_on_selector_all(f"{BOX} .nb-marker",
                                       "ms => ms.map(m => [new URL(m.href).pathname, m.getAttribute('aria-label')])")
    for path, label in labels:
        assert label.startswith(titles[path]), (label, titles[path])
    # the list grows: the map with it
    page.locator(f"{PAGE} [data-nb-nearby-more]").click()
    wait_ordered(page, 20)
    more = expected_markers(directory, index, [u for u, _ in shown(page)])
    assert len(more) > len(first)
    wait_markers(page, more)
    # a smaller radius: fewer results, fewer markers
    page.locator(f"{PAGE} [data-nb-nearby-radius]").select_option("5")
    page.wait_for_function(f"() => /5 km/.test(document.querySelector('{PAGE} [data-nb-nearby-status]').textContent)",
                           timeout=TIMEOUT)
    wait_ordered(page, complete=False)
    page.wait_for_function(f"() => document.querySelectorAll('{PAGE} li.nb-result').length < 20", timeout=TIMEOUT)
    wait_ordered(page)
    near = expected_markers(directory, index, [u for u, _ in shown(page)])
    assert 0 < len(near) < len(more)
    wait_markers(page, near)
    # the skip link leads past the map
    page.locator(f"{BOX} .nb-map__skip").focus()
    page.keyboard.press("Enter")
    page.wait_for_function("document.activeElement && document.activeElement.id === 'nb-results-after-map'")
    # closed: no map, no markers
    toggle.click()
    assert toggle.get_attribute("aria-expanded") == "false"
    page.wait_for_function(f"() => !document.querySelector('{BOX} .nb-marker')", timeout=TIMEOUT)
    assert page.locator(f"{BOX} .nb-results-map__box").is_hidden()


def test_the_map_follows_a_filter_without_a_place(page, directory, index):
    page.goto("/suche/")
    page.wait_for_selector(f"{PAGE}[data-ready]", timeout=TIMEOUT)
    check_filter(page, "Art", "Ort")
    page.wait_for_function(
        f"""() => {{ const links = [...document.querySelectorAll('{PAGE} li.nb-result a.pf-result-link')];
                 return links.length > 0 && links.every(a => new URL(a.href).pathname.startsWith('/orte/'))
                        && !document.querySelector('{PAGE} .pf-result[aria-hidden="true"]'); }}""", timeout=TIMEOUT)
    page.locator(TOGGLE).click()
    wait_for_map(page, BOX)
    places = [path for path in page.eval_on_selector_all(
        f"{PAGE} li.nb-result a.pf-result-link", "as => as.map(a => new URL(a.href).pathname)")]
    expected = expected_markers(directory, index, places)
    assert expected and set(expected) <= set(places)
    wait_markers(page, expected)


@pytest.mark.parametrize("palette", ["light", "dark"])
def test_axe_finds_nothing_with_the_results_map_at_320_px(browser, server, palette):
    page = new_page(browser, server.base_url, color_scheme=palette, width=320, height=640)
    try:
        page.goto("/suche/?ort=99625")
        page.wait_for_function(f"() => /geordnet/.test(document.querySelector('{PAGE} [data-nb-nearby-status]')"
                               "?.textContent || '')", timeout=TIMEOUT)
        page.locator(f"{PAGE} pagefind-results").scroll_into_view_if_needed()
        wait_ordered(page, complete=False)
        page.locator(TOGGLE).click()
        wait_for_map(page, BOX)
        page.wait_for_function(f"() => document.querySelector('{BOX}').dataset.points > 0", timeout=TIMEOUT)
        violations = run_axe(page)
        assert not violations, format_violations(violations)
        assert not has_horizontal_scroll(page)
        assert page.foreign_requests == [] and page.console_errors == []
    finally:
        close_page(page)
