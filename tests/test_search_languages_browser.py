"""The search in the site's other languages, in real Chromium on the example site
(built once per test process: conftest's ``example_site``) with the real
Pagefind index: /en/suche/, /ar/suche/ load their language's index (the page's
<html lang>) and settings, find the edition's pages by their words in that
language, and find every entry without a page there as its German page,
marked German ("(in German only)"); axe-core finds nothing on /ar/suche/ with
results, light and dark, and it fits 320 px without sideways scrolling.
"""
from __future__ import annotations

import re
import sys
from pathlib import Path
from urllib.parse import urlsplit

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
    overflowing_elements,
    run_axe,
    tab_through,
)
from tests.support.server import SiteServer
from tests.test_nearby_browser import expected_order
from tests.test_search_browser import MODAL, PAGE, TIMEOUT, open_dialog, result_urls, wait_for_results
from tests.test_search_build import example_directory, expected_index

from nahbei.i18n import t

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

# the example's entries without a page in ar/en/uk that are in the search (its
# contacts and places; the ended Dorsten offer and the 2018 conference are in no index)
GERMAN_ONLY = {"/kontakte/caritas-moenchengladbach/", "/orte/caritas-moenchengladbach/"}


@pytest.fixture(scope="module")
def server(example_site):
    with SiteServer(example_site) as running:
        yield running


@pytest.fixture
def page(browser, server):
    yield from checked_page(browser, server.base_url, height=4000)  # tall: Pagefind loads every result shown


def search_on_page(page, url: str, text: str) -> list[str]:
    """Open the search page ``url``, type ``text``, wait for every result."""
    page.goto(url)
    field = page.locator(f"{PAGE} pagefind-input input")
    field.wait_for(state="visible", timeout=TIMEOUT)
    field.click()
    page.keyboard.type(text, delay=20)
    page.wait_for_function(
        f"() => (document.querySelector('{PAGE} pagefind-summary')?.textContent || '').includes({text!r})",
        timeout=TIMEOUT)
    return wait_for_results(page, PAGE, "n > 0")


def results(page, scope: str) -> list[dict]:
    """Each result as shown: its link's path, hash, lang, the note after it, its text's lang."""
    return page.eval_on_selector_all(f"{scope} pagefind-results li.nb-result", """items => items.map(li => {
        const a = li.querySelector('a.pf-result-link');
        const url = new URL(a.href);
        return {path: url.pathname, hash: url.hash, lang: a.lang, hreflang: a.hreflang, marked: li.dataset.nbLang || '',
                note: li.querySelector('.pf-result-title .nb-de-only')?.textContent || '',
                textLang: li.querySelector('.pf-result-excerpt')?.lang || ''};
    })""")


def pagefind_files(server) -> list[str]:
    return [p for p in server.requests if p.startswith("/pagefind/pagefind.") and p.endswith(".pf_meta")]


def test_arabic_search_finds_german_only_entries_marked_german(page, server):
    server.requests.clear()
    search_on_page(page, server.url("/ar/suche/"), "Caritas")
    # the page's language picked Pagefind's Arabic index and the Arabic settings
    assert page.evaluate("document.documentElement.lang") == "ar"
    metas = pagefind_files(server)
    assert metas and all(re.fullmatch(r"/pagefind/pagefind\.ar_\w+\.pf_meta", p) for p in metas), metas
    assert "/assets/nahbei-search/settings.ar.json" in server.requests
    assert "/assets/nahbei-search/settings.json" not in server.requests
    summary = page.locator(f"{PAGE} pagefind-summary").inner_text()
    assert summary.startswith(t("search.pagefind.many_results", "ar").split("«")[0]), summary
    shown = {r["path"]: r for r in results(page, PAGE)}
    assert GERMAN_ONLY <= set(shown), shown
    note = f"({t('ui.languages.german_only', 'ar')})"
    for path in GERMAN_ONLY:
        r = shown[path]  # the German page, without the record's "#ar"
        assert (r["hash"], r["lang"], r["hreflang"], r["marked"], r["note"]) == ("", "de", "de", "de", note), r
        assert r["textLang"] == "de", r
    # the offer translated into Arabic: its Arabic page, not marked
    translated = shown["/ar/angebote/im-netzwerk-moenchengladbach/"]
    assert (translated["lang"], translated["marked"], translated["note"]) == ("", "", ""), translated
    # the German-only note is in the page's language, the title German
    first = page.locator(f"{PAGE} li.nb-result[data-nb-lang='de']").first
    assert first.locator(".nb-de-only").evaluate("e => e.closest('[lang]').lang") == "ar"


def test_arabic_search_finds_the_german_only_offer_with_its_note(page, server):
    """MITTEndrin is left untranslated into Arabic on purpose (content/offers/
    mittendrin-troisdorf.yaml): found in the Arabic interface, its German page
    linked, its name German, the note in Arabic."""
    search_on_page(page, server.url("/ar/suche/"), "MITTEndrin")
    shown = {r["path"]: r for r in results(page, PAGE)}
    r = shown["/angebote/mittendrin-troisdorf/"]
    assert (r["hash"], r["lang"], r["hreflang"], r["marked"]) == ("", "de", "de", "de"), r
    assert r["note"] == f"({t('ui.languages.german_only', 'ar')})", r
    assert not [p for p in shown if p.startswith("/ar/angebote/mittendrin")]


def test_ended_offer_is_in_no_language(page, server):
    """The Dorsten offer has ended: neither search lists it; its German-only
    contact (Stadt Dorsten) is found in Arabic as German."""
    urls = search_on_page(page, server.url("/ar/suche/"), "Dorsten")
    assert "/kontakte/stadt-dorsten/" in urls, urls
    assert not [u for u in urls if "sozialplanung-dorsten-innenstadt" in u], urls


def test_english_search_finds_translated_offer_by_english_word(page, server):
    # "loneliness": only in the offer's English text
    urls = search_on_page(page, server.url("/en/suche/"), "loneliness")
    assert "/en/angebote/mittendrin-troisdorf/" in urls, urls
    assert not [u for u in urls if not u.startswith("/en/")], urls  # (no German page has the word)
    shown = {r["path"]: r for r in results(page, PAGE)}
    assert shown["/en/angebote/mittendrin-troisdorf/"]["marked"] == ""
    # the German search does not know the English word
    page.goto(server.url("/suche/?q=loneliness"))
    page.wait_for_function(
        f"() => (document.querySelector('{PAGE} pagefind-summary')?.textContent || '').includes('loneliness')",
        timeout=TIMEOUT)
    assert result_urls(page, PAGE) == []


def test_browsing_by_filter_lists_german_only_entries(page, server):
    """Filters in Arabic: the kind "place" lists every place (all German only
    in the example) with no search word, as in German."""
    page.goto(server.url("/ar/suche/"))
    pane = page.locator(f"{PAGE} pagefind-filter-pane")
    kind, place = t("search.filter.kind", "ar"), t("search.kind.place", "ar")
    selector = f'input.pf-checkbox-input[name="{kind}"][value="{place}"]'
    box = pane.locator(selector)
    box.wait_for(state="attached", timeout=TIMEOUT)
    details = pane.locator("details.pf-filter-group", has=page.locator(selector))
    if not details.evaluate("d => d.open"):
        details.locator("summary").click()
    box.check()
    urls = wait_for_results(page, PAGE, "n >= 7")
    places = sorted(p.name for p in (Path(server.directory) / "orte").iterdir() if (p / "index.html").is_file())
    assert sorted(urls) == sorted(f"/orte/{name}/" for name in places), urls
    assert all(r["marked"] == "de" for r in results(page, PAGE))


def test_header_dialog_in_english_leads_to_the_english_search_page(page, server):
    server.requests.clear()
    page.goto(server.url("/en/angebote/thinka-soemmerda/"))
    open_dialog(page)
    page.keyboard.type("loneliness", delay=20)
    urls = wait_for_results(page, MODAL, "n > 0")
    assert "/en/angebote/mittendrin-troisdorf/" in urls, urls
    more = page.locator(f"{MODAL} a[data-nb-search-more]")
    assert more.inner_text().strip() == t("search.header.more", "en")
    assert urlsplit(more.get_attribute("href")).path == "/en/suche/"
    assert all(p.startswith("/pagefind/pagefind.en_") for p in pagefind_files(server)), server.requests
    assert "/assets/nahbei-search/settings.en.json" in server.requests


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_arabic_search_page_axe_clean_and_fits_320px(browser, server, scheme):
    page = new_page(browser, server.base_url, color_scheme=scheme, width=320, height=1200)
    try:
        page.goto(server.url("/ar/suche/?q=Caritas"))
        wait_for_results(page, PAGE, "n > 0", complete=False)
        page.locator(f"{PAGE} li.nb-result[data-nb-lang='de']").first.wait_for(timeout=TIMEOUT)
        page.locator(f"{PAGE} details.pf-filter-group").first.evaluate("d => d.open = true")
        violations = run_axe(page)
        assert not violations, format_violations(violations)
        assert not has_horizontal_scroll(page), overflowing_elements(page)
        assert not page.foreign_requests and not page.console_errors, (page.foreign_requests, page.console_errors)
    finally:
        close_page(page)


def test_arabic_nearby_orders_every_entry_with_its_languages_distance_file(page, server):
    """"In meiner Nähe" on /ar/suche/: the Arabic index's distance file
    (nearby.ar.json: its result ids), every entry ordered by distance, the
    German-only ones among them."""
    directory = example_directory()
    expected = dict(expected_order(directory, expected_index(directory), directory.gazetteer.postcode("99625")))
    server.requests.clear()
    page.goto(server.url("/ar/suche/?ort=99625"))
    ordered = t("search.nearby.ordered", "ar").split("{place}")[0]
    page.wait_for_function(
        """([page, ordered, count]) => {
            const status = document.querySelector(page + ' [data-nb-nearby-status]');
            if (!status || !status.textContent.includes(ordered)) return false;
            const box = document.querySelector(page + ' pagefind-results');
            if (!box || box.querySelector('ul[aria-busy="true"]')) return false;
            const links = box.querySelectorAll('a.pf-result-link').length;
            return links === count && box.querySelectorAll('.nb-result-distance').length === links;
        }""", arg=[PAGE, ordered, len(expected)], timeout=TIMEOUT)
    assert "/assets/nahbei-search/nearby.ar.json" in server.requests, server.requests
    assert "/assets/nahbei-search/nearby.json" not in server.requests
    paths = [r["path"].removeprefix("/ar") for r in results(page, PAGE)]
    assert sorted(paths) == sorted(expected)
    located = [expected[p] for p in paths if isinstance(expected[p], float)]
    assert located and located == sorted(located), [(p, expected[p]) for p in paths]
    german = {r["path"] for r in results(page, PAGE) if r["marked"] == "de"}
    assert "/orte/aussensprechstunde-koelleda/" in german


def test_arabic_search_page_by_keyboard(page, server):
    """/ar/suche/ with results: the keyboard reaches the field, the filters and
    every result – the German-only ones too – each with visible focus."""
    page.goto(server.url("/ar/suche/?q=Caritas"))
    wait_for_results(page, PAGE, "n > 0")
    steps = tab_through(page, max_steps=120)
    in_ui = [s for s in steps if any(k in s.selector for k in ("pagefind", "pf-", "nb-result", "nb-search"))]
    assert {"input", "summary", "a"} <= {s.tag for s in in_ui}, format_focus_steps(steps)
    bad = [s for s in in_ui if not (s.visible and s.focus_indicator)]
    assert not bad, format_focus_steps(bad)
    reached = {urlsplit(s.href).path for s in steps if s.href}
    assert GERMAN_ONLY <= reached, format_focus_steps(steps)
