"""The finder "Worum geht es?" in real Chromium (Debian's, via Playwright):
without JavaScript, the keyboard alone goes from the home page through the
finder's steps (situation, for whom, where) to an offer; axe-core finds no
violation on its pages, light and dark, at 320 px, and none scrolls sideways.
"""
from __future__ import annotations

import sys
from pathlib import Path

import pytest

if __package__ in (None, "") and str(Path(__file__).resolve().parents[1]) not in sys.path:
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.support.browser import format_violations, has_horizontal_scroll, open_page, overflowing_elements, run_axe
from tests.support.server import serve_directory

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


PAGES = {
    "finder": "/worum-geht-es/",
    "situation": "/worum-geht-es/hilfe-bei-antraegen/",  # for whom, where (two regions), offers, dates
    "group": "/worum-geht-es/hilfe-bei-antraegen/gefluechtete/",
}
# The active element's link target, as written in the page.
ACTIVE_HREF = "() => document.activeElement && document.activeElement.getAttribute('href')"


@pytest.fixture(scope="module")
def base_url(example_site):
    with serve_directory(example_site) as base:
        yield base


def tab_to(page, href: str, max_steps: int = 120) -> int:
    """Press Tab until the link to ``href`` has the focus; the number of presses."""
    seen = []
    for n in range(1, max_steps + 1):
        page.keyboard.press("Tab")
        now = page.evaluate(ACTIVE_HREF)
        if now == href:
            return n
        seen.append(now)
    raise AssertionError(f"Tab never reached {href!r}; focused: {seen}")


def follow(page, href: str, expected_path: str) -> None:
    """Tab to the link, press Enter, wait until the browser is on ``expected_path``."""
    tab_to(page, href)
    with page.expect_navigation(url=lambda url: url.endswith(expected_path)):
        page.keyboard.press("Enter")
    page.wait_for_load_state("load")


def test_keyboard_alone_reaches_an_offer_through_the_finder_without_javascript(browser, base_url):
    with open_page(browser, base_url, width=1280, height=800, java_script_enabled=False) as page:
        page.goto(base_url + "/")
        # no script of the page ran (mkdocs-material's bundle sets window.document$); Playwright's own still do
        assert page.evaluate("() => typeof window.document$") == "undefined"
        follow(page, "worum-geht-es/hilfe-bei-antraegen/", "/worum-geht-es/hilfe-bei-antraegen/")
        assert page.locator("h1").inner_text() == "Ich brauche Hilfe bei Anträgen und Behörden"
        # for whom: a page of its own
        follow(page, "gefluechtete/", "/worum-geht-es/hilfe-bei-antraegen/gefluechtete/")
        assert page.locator("h1").inner_text().endswith("für Geflüchtete")
        # back to all groups, then where: an anchor on the page; the next Tab is the offer there
        follow(page, "../", "/worum-geht-es/hilfe-bei-antraegen/")
        tab_to(page, "#region-moenchengladbach")
        page.keyboard.press("Enter")
        page.wait_for_url("**/worum-geht-es/hilfe-bei-antraegen/#region-moenchengladbach")
        page.keyboard.press("Tab")
        offer = "../../angebote/im-netzwerk-moenchengladbach/"
        assert page.evaluate(ACTIVE_HREF) == offer
        with page.expect_navigation(url=lambda url: url.endswith("/angebote/im-netzwerk-moenchengladbach/")):
            page.keyboard.press("Enter")
        assert page.locator("h1").inner_text().startswith("IM Netzwerk")
        assert not page.foreign_requests


@pytest.mark.parametrize("kind", sorted(PAGES))
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_finder_pages_axe_clean_at_320px_without_horizontal_scroll(browser, base_url, kind, scheme):
    with open_page(browser, base_url, color_scheme=scheme, width=320, height=800) as page:
        resp = page.goto(base_url + PAGES[kind])
        assert resp is not None and resp.ok, (kind, resp and resp.status)
        page.wait_for_load_state("load")
        # the palette script sets the colour scheme; wait until it has
        page.wait_for_function("document.body.hasAttribute('data-md-color-scheme')")
        expected = "slate" if scheme == "dark" else "default"
        assert page.evaluate("document.body.getAttribute('data-md-color-scheme')") == expected
        violations = run_axe(page)
        assert not violations, format_violations(violations)
        assert not has_horizontal_scroll(page), overflowing_elements(page)
        assert not page.foreign_requests and not page.console_errors


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_home_page_with_the_situations_axe_clean_at_320px(browser, base_url, scheme):
    with open_page(browser, base_url, color_scheme=scheme, width=320, height=800) as page:
        page.goto(base_url + "/")
        page.wait_for_function("document.body.hasAttribute('data-md-color-scheme')")
        assert page.locator("#worum-geht-es + ul a").count() >= 5
        violations = run_axe(page, include="#worum-geht-es + ul")
        assert not violations, format_violations(violations)
        assert not has_horizontal_scroll(page), overflowing_elements(page)
