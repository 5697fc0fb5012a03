"""The search in real Chromium (Debian's /usr/bin/chromium via Playwright) on the
example site built with `mkdocs build --strict` and indexed by the real
Pagefind while the pages are written: the same hits and filter counts as the
index the Pagefind binary makes over the finished site (the former build),
typing finds offers (description words, inflected forms, keywords), filters
narrow the list, axe-core finds no WCAG 2.1 A/AA problem with results open,
nothing is requested from outside 127.0.0.1, the keyboard reaches everything,
Pagefind's stylesheet loads only where its UI is used, the site works without
JavaScript and with mkdocs-material's instant navigation.
"""
from __future__ import annotations

import shutil
import socket
import sys
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

if __package__ in (None, "") and str(Path(__file__).resolve().parents[1]) not in sys.path:
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.support.browser import (
    checked_page,
    close_page,
    foreign_resource_hints,
    format_focus_steps,
    format_violations,
    is_local_url,
    new_page,
    run_axe,
    tab_through,
)
from tests.support.server import SiteServer, serve_directory
from tests.test_search_build import (
    REPO,
    binary_over_site,
    build_example_site,
    example_directory,
    expected_index,
    keyword_only_word,
    read_fragments,
)

from nahbei.mkdocs.search.markup import BROWSE_TERM

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

MODAL = "pagefind-modal"
PAGE = "nahbei-search-page"
TIMEOUT = 15_000


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    return build_example_site(tmp_path_factory.mktemp("search-browser"))


@pytest.fixture(scope="module")
def base_url(site):
    with serve_directory(site) as base:
        yield base


@pytest.fixture(scope="module")
def fragments(site):
    return read_fragments(site)


@pytest.fixture(scope="module")
def directory():
    return example_directory()


@pytest.fixture
def page(browser, base_url):
    yield from checked_page(browser, base_url)


# -- helpers --------------------------------------------------------------------------

def open_dialog(page) -> None:
    page.locator("button.nb-header-search__button").click()
    page.locator(f"{MODAL} dialog[open] input").wait_for(state="visible", timeout=TIMEOUT)
    page.wait_for_function(
        "() => document.activeElement && document.activeElement.closest('pagefind-modal')", timeout=TIMEOUT)


def result_urls(page, scope: str) -> list[str]:
    return page.eval_on_selector_all(
        f"{scope} pagefind-results a.pf-result-link", "els => els.map(e => new URL(e.href).pathname)")


def wait_for_results(page, scope: str, predicate: str = "n > 0", *, complete: bool = True) -> list[str]:
    """Wait until the result list of ``scope`` satisfies ``predicate`` (JS; n = rendered
    result links, total = results incl. placeholders). ``complete``: no placeholder
    left (Pagefind loads a result's data when it scrolls into view: use a tall window)."""
    page.wait_for_function(
        f"""() => {{
            const box = document.querySelector({scope!r} + ' pagefind-results');
            if (!box || box.querySelector('ul[aria-busy="true"]')) return false;
            const n = box.querySelectorAll('a.pf-result-link').length;
            const waiting = box.querySelectorAll('.pf-result[aria-hidden="true"]').length;
            const total = n + waiting;
            return {'waiting === 0 && ' if complete else ''}({predicate});
        }}""",
        timeout=TIMEOUT,
    )
    return result_urls(page, scope)


def type_in_dialog(page, text: str) -> list[str]:
    open_dialog(page)
    page.keyboard.type(text, delay=20)
    page.wait_for_function(
        f"() => (document.querySelector('{MODAL} pagefind-summary')?.textContent || '').includes({text!r})",
        timeout=TIMEOUT)
    return wait_for_results(page, MODAL, "n >= 0")


def type_on_search_page(page, base_url: str, text: str) -> list[str]:
    page.goto(base_url + "/suche/")
    field = page.locator(f"{PAGE} pagefind-input input")
    field.wait_for(state="visible", timeout=TIMEOUT)
    field.click()
    page.keyboard.type(text, delay=20)
    page.wait_for_function(
        f"() => (document.querySelector('{PAGE} pagefind-summary')?.textContent || '').includes({text!r})",
        timeout=TIMEOUT)
    return wait_for_results(page, PAGE, "n >= 0")


# -- the same results as the former build ---------------------------------------------------

QUERIES = [
    {"term": "Beratung"}, {"term": "Schulden"}, {"term": "Deutsch"}, {"term": "Treff"},
    {"term": "Kinder"}, {"term": "Familie"}, {"term": "Mentoring"}, {"term": "Beratungen"},
    {"term": "Einsamkeit"}, {"term": "Gespräch"},
    {"term": "Beratung", "filters": {"Art": ["Angebot"]}},
    {"term": "Treff", "filters": {"Region": ["Troisdorf"]}},
    {"term": "Deutsch", "filters": {"Merkmale": ["kostenlos"]}},
    {"term": BROWSE_TERM},
    {"term": BROWSE_TERM, "filters": {"Region": ["Kölleda"]}},
    {"term": BROWSE_TERM, "filters": {"Art": ["Ort"], "Region": ["Kölleda"]}},
    {"term": BROWSE_TERM, "filters": {"Art": ["Veranstaltung"]}, "sort": {"date": "asc"}},
]

# Pagefind's JS API as search.js sets it up (ranking), each query's hits with
# score, title and excerpt, and the filter counts (overall and per query).
QUERY_JS = """async ({queries, keywordWeight}) => {
  const pf = await import("/pagefind/pagefind.js");
  await pf.options({ranking: {metaWeights: {title: 5, keywords: keywordWeight}}});
  await pf.init();
  const out = {filters: await pf.filters(), queries: []};
  for (const q of queries) {
    const r = await pf.search(q.term, {filters: q.filters || {}, sort: q.sort});
    const data = await Promise.all(r.results.map(x => x.data()));
    out.queries.push({
      hits: data.map((d, i) => [d.url, Math.round(r.results[i].score * 1e6) / 1e6, d.meta.title, d.excerpt]),
      filters: r.filters, totalFilters: r.totalFilters, unfiltered: r.unfilteredResultCount,
    });
  }
  return out;
}"""


def query_bundle(browser, site: Path) -> dict:
    with serve_directory(site) as base:
        page = new_page(browser, base)
        try:
            page.goto(base + "/")
            return page.evaluate(QUERY_JS, {"queries": QUERIES, "keywordWeight": 3.0})
        finally:
            close_page(page)


def test_same_hits_and_filter_counts_as_the_binary_over_the_site(browser, site, tmp_path, directory):
    """The index fed while pages are written answers every query as the one the
    Pagefind binary makes over the finished site: same hits with the same
    scores, titles and excerpts, same filter counts. Equal scores may come in
    another order (Pagefind numbers pages in the order it gets them)."""
    ours = query_bundle(browser, site)
    theirs = query_bundle(browser, binary_over_site(site, tmp_path, directory))
    assert ours["filters"] == theirs["filters"]
    assert sum(ours["filters"]["Art"].values()) == len(read_fragments(site))  # every entry has a kind
    # (a word the example lacks – "Kinder" – must find nothing in both)
    assert sum(not q["hits"] for q in ours["queries"]) <= 1, ours["queries"]
    for query, mine, other in zip(QUERIES, ours["queries"], theirs["queries"], strict=True):
        if "sort" in query:
            assert [h[0] for h in mine["hits"]] == [h[0] for h in other["hits"]], query
        assert sorted(mine["hits"], key=lambda h: (-h[1], h[0])) == \
            sorted(other["hits"], key=lambda h: (-h[1], h[0])), query
        for key in ("filters", "totalFilters", "unfiltered"):
            assert mine[key] == other[key], (query, key)


# -- finding ----------------------------------------------------------------------------

def test_word_from_description_finds_offer(page, base_url, directory):
    offer = directory.offers["mittendrin-troisdorf"]
    word = "Gemeindezentren"
    assert word in offer.get("description") and word not in offer.get("summary")
    page.goto(base_url + "/")
    urls = type_in_dialog(page, word)
    assert "/angebote/mittendrin-troisdorf/" in urls, urls


def test_inflected_form_finds_base_form(page, base_url, fragments):
    # "Beratungen" is not on the ThINKA page, "Beratung" is: German stemming.
    text = fragments["/angebote/thinka-soemmerda/"]["content"]
    assert "Beratung " in text and "Beratungen" not in text
    urls = type_on_search_page(page, base_url, "Beratungen")
    assert "/angebote/thinka-soemmerda/" in urls, urls
    assert "/angebote/im-netzwerk-moenchengladbach/" in urls, urls


def test_keyword_only_word_finds_its_offer_first(page, base_url, fragments, directory):
    word, oid = keyword_only_word(directory, fragments)
    page.goto(base_url + "/angebote/thinka-soemmerda/")
    urls = type_in_dialog(page, word)
    assert urls and urls[0] == f"/angebote/{oid}/", (word, urls)
    # the excerpt does not show the keyword list
    excerpt = page.locator(f"{MODAL} .pf-result-excerpt").first.inner_text()
    assert word not in excerpt


def test_query_in_address_starts_search(page, base_url):
    page.goto(base_url + "/suche/?q=Isolation")
    urls = wait_for_results(page, PAGE, "n === 1")
    assert urls == ["/angebote/mittendrin-troisdorf/"]
    assert page.locator(f"{PAGE} pagefind-input input").input_value() == "Isolation"


# -- filters ------------------------------------------------------------------------

def check_filter(page, group: str, value: str) -> None:
    pane = page.locator(f"{PAGE} pagefind-filter-pane")
    details = pane.locator("details.pf-filter-group", has=page.locator(".pf-filter-group-name", has_text=group))
    if not details.evaluate("d => d.open"):
        details.locator("summary").click()
    pane.locator(f'input.pf-checkbox-input[name="{group}"][value="{value}"]').check()


def wait_for_filters(page) -> None:
    page.locator(f"{PAGE} pagefind-filter-pane label.pf-filter-checkbox").first.wait_for(timeout=TIMEOUT)


def test_filter_narrows_to_matching_entries(browser, base_url, fragments):
    page = new_page(browser, base_url, height=4000)
    try:
        page.goto(base_url + "/suche/")
        total = len(fragments)
        wait_for_filters(page)
        # nothing listed until a word or a filter is chosen
        assert page.locator(f"{PAGE} pagefind-summary").inner_text().strip() == \
            "Geben Sie ein Suchwort ein oder wählen Sie einen Filter."
        assert result_urls(page, PAGE) == []
        check_filter(page, "Region", "Kölleda")
        expected = {u for u, f in fragments.items() if "Kölleda" in f["filters"].get("Region", [])}
        assert 0 < len(expected) < total
        urls = wait_for_results(page, PAGE, f"n === {len(expected)}")
        assert set(urls) == expected
        # a second group narrows further: Kölleda and Art = Ort
        check_filter(page, "Art", "Ort")
        both = {u for u in expected if fragments[u]["filters"]["Art"] == ["Ort"]}
        assert 0 < len(both) < len(expected)
        urls = wait_for_results(page, PAGE, f"n === {len(both)}")
        assert set(urls) == both
        # no filter, no word: every entry
        checked = page.locator(f"{PAGE} input.pf-checkbox-input:checked")
        while checked.count():
            checked.first.uncheck()
        urls = wait_for_results(page, PAGE, f"n === {total}")
        assert set(urls) == set(fragments)
        assert not page.foreign_requests and not page.console_errors
    finally:
        close_page(page)


def test_filter_with_query_and_event_order(browser, base_url, fragments, directory):
    page = new_page(browser, base_url, height=4000)
    try:
        page.goto(base_url + "/suche/")
        wait_for_filters(page)
        check_filter(page, "Art", "Veranstaltung")
        records = expected_index(directory)
        events = [u for u, r in records.items() if r.kind == "event"]
        urls = wait_for_results(page, PAGE, f"n === {len(events)}")
        # browsing events only: by next date
        assert urls == sorted(events, key=lambda u: records[u].sort["date"]), urls
        facts = page.locator(f"{PAGE} .nb-result-date").all_inner_texts()
        assert facts and all(f.startswith("Nächster Termin:") for f in facts)
        assert page.locator(f"{PAGE} .nb-result-status", has_text="abgesagt").count() == 1
        # a search word on top of the filter
        page.locator(f"{PAGE} pagefind-input input").fill("Gespräch")
        urls = wait_for_results(page, PAGE, "n >= 1 && n < %d" % len(events))
        assert set(urls) <= set(events)
        assert "/veranstaltungen/mittendrin-offener-treff/" in urls
    finally:
        close_page(page)


# -- accessibility and privacy -------------------------------------------------------------

@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_axe_clean_with_results_open(browser, base_url, scheme):
    page = new_page(browser, base_url, color_scheme=scheme)
    try:
        # the search page with results and filters
        page.goto(base_url + "/suche/?q=Beratung")
        wait_for_results(page, PAGE, complete=False)
        page.locator(f"{PAGE} details.pf-filter-group").first.evaluate("d => d.open = true")
        violations = run_axe(page)
        assert not violations, format_violations(violations)
        # the search dialog with results, over an offer page
        page.goto(base_url + "/angebote/mittendrin-troisdorf/")
        type_in_dialog(page, "Treff")
        violations = run_axe(page)
        assert not violations, format_violations(violations)
        assert not page.foreign_requests, page.foreign_requests
        assert not foreign_resource_hints(page)
        assert not page.console_errors, page.console_errors
    finally:
        close_page(page)


def test_all_requests_stay_on_the_site(browser, base_url, site):
    server = SiteServer(site).start()
    try:
        base = server.base_url
        page = new_page(browser, base)
        seen: list[str] = []
        page.on("request", lambda r: seen.append(r.url))
        page.goto(base + "/suche/?q=Schulden")
        wait_for_results(page, PAGE, complete=False)
        type_in_dialog(page, "einsam")
        assert seen and all(is_local_url(u) for u in seen), [u for u in seen if not is_local_url(u)]
        assert any("/pagefind/" in u for u in seen)
        assert not page.foreign_requests
        # the server saw the index files being fetched
        assert any(p.startswith("/pagefind/") for p in server.requests), server.requests
        close_page(page)
    finally:
        server.stop()


def test_downloads_only_what_a_search_needs(browser, site):
    """The header dialog loads no filter index; browsing by a filter loads one
    chunk of the word index (the browse word), not all of them."""
    chunks = len(list((site / "pagefind" / "index").glob("*.pf_index")))
    server = SiteServer(site).start()
    try:
        page = new_page(browser, server.base_url)
        page.goto(server.base_url + "/angebote/mittendrin-troisdorf/")
        type_in_dialog(page, "Beratung")
        fetched = list(server.requests)
        assert any(p.startswith("/pagefind/index/") for p in fetched), fetched
        assert not [p for p in fetched if p.startswith("/pagefind/filter/")], fetched
        close_page(page)

        server.requests.clear()
        page = new_page(browser, server.base_url)
        page.goto(server.base_url + "/suche/")
        page.locator(f"{PAGE} pagefind-filter-pane label.pf-filter-checkbox").first.wait_for(timeout=TIMEOUT)
        check_filter(page, "Region", "Troisdorf")
        wait_for_results(page, PAGE, complete=False)
        index_chunks = [p for p in server.requests if p.startswith("/pagefind/index/")]
        assert 1 <= len(index_chunks) < max(chunks, 2), (index_chunks, chunks)
        assert [p for p in server.requests if p.startswith("/pagefind/filter/")]
        close_page(page)
    finally:
        server.stop()


# -- Pagefind's stylesheet only where its UI is used ------------------------------------------

STYLES_JS = """() => {
  const links = [...document.querySelectorAll('link[rel="stylesheet"]')].map(l => l.getAttribute('href') || '');
  const root = getComputedStyle(document.documentElement);
  return {
    pagefind: links.findIndex(h => h.endsWith('pagefind/pagefind-component-ui.css')),
    ours: links.findIndex(h => h.endsWith('assets/nahbei-search/search.css')),
    count: links.filter(h => h.endsWith('pagefind-component-ui.css')).length,
    pagefindOnly: root.getPropertyValue('--pf-shadow-lg').trim(),
    muted: root.getPropertyValue('--pf-text-muted').trim(),
  };
}"""


def assert_pagefind_styles(page) -> None:
    """Pagefind's stylesheet applies, once, right before ours (so ours wins ties:
    --pf-text-muted is set by both on :root, ours is the darker grey)."""
    page.wait_for_function("() => getComputedStyle(document.documentElement)"
                           ".getPropertyValue('--pf-shadow-lg').trim() !== ''", timeout=TIMEOUT)
    styles = page.evaluate(STYLES_JS)
    assert styles["count"] == 1 and styles["pagefind"] == styles["ours"] - 1, styles
    assert styles["muted"] == "#595959", styles


def test_pagefind_stylesheet_loads_only_when_used(browser, site):
    server = SiteServer(site).start()
    try:
        page = new_page(browser, server.base_url)
        page.goto(server.base_url + "/angebote/thinka-soemmerda/")
        page.locator("button.nb-header-search__button").wait_for(timeout=TIMEOUT)  # search.js ran
        styles = page.evaluate(STYLES_JS)
        assert styles["count"] == 0 and styles["pagefindOnly"] == "", styles
        assert not [p for p in server.requests if p.startswith("/pagefind/")], server.requests
        # opening the dialog brings it
        type_in_dialog(page, "Beratung")
        assert_pagefind_styles(page)
        assert server.requests.count("/pagefind/pagefind-component-ui.css") == 1, server.requests
        close_page(page)
        # the search page uses it at once
        page = new_page(browser, server.base_url)
        page.goto(server.base_url + "/suche/?q=Beratung")
        wait_for_results(page, PAGE, complete=False)
        assert_pagefind_styles(page)
        close_page(page)
    finally:
        server.stop()


# -- nothing of the search in a page view that does not search ---------------------------------

# (search.js fetches the settings of the page's language: settings.<lang>.json)
SETTINGS = "/assets/nahbei-search/settings.de.json"
# "In meiner Nähe" and the results map: a module only the home page and the search page import
NEARBY = "/assets/nahbei-search/nearby.js"


def test_page_view_without_search_loads_nothing_of_it(browser, site):
    """Pages carry neither the dialog nor search.js's settings: a page view
    without searching fetches no settings.json and no Pagefind file; the first
    use brings them, once, and the dialog search.js builds finds an entry."""
    server = SiteServer(site).start()
    try:
        page = new_page(browser, server.base_url)
        seen: list[str] = []
        page.on("request", lambda r: seen.append(urlsplit(r.url).path))
        page.goto(server.base_url + "/angebote/thinka-soemmerda/")
        page.locator("button.nb-header-search__button").wait_for(timeout=TIMEOUT)  # search.js ran
        page.wait_for_load_state("networkidle", timeout=TIMEOUT)
        assert "/assets/nahbei-search/search.js" in seen, seen
        for paths in (seen, server.requests):
            assert not [p for p in paths if p in (SETTINGS, NEARBY) or p.startswith("/pagefind/")], paths
        assert page.locator(".nb-header-search template, pagefind-modal").count() == 0
        # the first use: the dialog, built by search.js, finds an entry
        assert type_in_dialog(page, "Isolation") == ["/angebote/mittendrin-troisdorf/"]
        more = page.locator(f"{MODAL} a[data-nb-search-more]")
        assert more.inner_text().strip() == "Mit Filtern suchen"
        assert urlsplit(more.get_attribute("href")).path == "/suche/"  # absolute (instant navigation)
        feedback = page.locator(f"{MODAL} a[data-nb-feedback]")
        assert feedback.inner_text().strip() == "Nichts gefunden? Sagen Sie uns, was Sie suchen"
        assert "Isolation" in parse_qs(urlsplit(feedback.get_attribute("href")).query)["title"][0]
        assert server.requests.count(SETTINGS) == 1, server.requests
        # a search from the header needs no "In meiner Nähe" (issue 13's first-search budget)
        assert NEARBY not in seen and NEARBY not in server.requests, seen
        # closed and opened again: the same dialog, nothing fetched twice
        page.keyboard.press("Escape")
        page.wait_for_function("() => !document.querySelector('pagefind-modal dialog[open]')", timeout=TIMEOUT)
        open_dialog(page)
        assert page.locator(MODAL).count() == 1
        assert server.requests.count(SETTINGS) == 1, server.requests
        assert not page.foreign_requests and not page.console_errors, (page.foreign_requests, page.console_errors)
        close_page(page)
    finally:
        server.stop()


@pytest.fixture(scope="module")
def own_dialog_base_url(tmp_path_factory):
    """The example site with a site's own header search (overrides/partials/search.html)
    that brings its dialog as <template data-nb-search-ui>, as before settings.json."""
    root = tmp_path_factory.mktemp("search-own-dialog")
    overrides = root / "overrides"
    if (REPO / "overrides").is_dir():
        shutil.copytree(REPO / "overrides", overrides)
    (overrides / "partials").mkdir(parents=True, exist_ok=True)
    (overrides / "partials" / "search.html").write_text("""\
{%- set s = nahbei_search %}
<div class="nb-header-search">
<a class="nb-header-search__link md-header__button" href="{{ s.page_url | url }}">Suche</a>
<template data-nb-search-ui>
<pagefind-modal instance="{{ s.header_instance }}" reset-on-close>
<pagefind-modal-header><pagefind-input instance="{{ s.header_instance }}"></pagefind-input></pagefind-modal-header>
<pagefind-modal-body>
<pagefind-summary instance="{{ s.header_instance }}"></pagefind-summary>
<pagefind-results instance="{{ s.header_instance }}" hide-sub-results></pagefind-results>
</pagefind-modal-body>
<pagefind-modal-footer><a href="{{ s.page_url | url }}" data-nb-search-more>Eigene erweiterte Suche</a></pagefind-modal-footer>
</pagefind-modal>
</template>
</div>
""", "utf-8")
    site = build_example_site(root, overrides_dir=overrides)
    with serve_directory(site) as base:
        yield base


def test_a_sites_own_dialog_template_is_used(browser, own_dialog_base_url):
    base = own_dialog_base_url
    page = new_page(browser, base)
    try:
        page.goto(base + "/angebote/thinka-soemmerda/")
        assert type_in_dialog(page, "Isolation") == ["/angebote/mittendrin-troisdorf/"]
        more = page.locator(f"{MODAL} a[data-nb-search-more]")
        assert more.inner_text().strip() == "Eigene erweiterte Suche"
        assert urlsplit(more.get_attribute("href")).path == "/suche/"
        assert page.locator(f"{MODAL} a[data-nb-feedback]").count() == 0  # the site's dialog has none
        assert page.locator(MODAL).count() == 1
        more.click()
        page.wait_for_url("**/suche/?q=Isolation", timeout=TIMEOUT)
        assert wait_for_results(page, PAGE, "n === 1") == ["/angebote/mittendrin-troisdorf/"]
        assert not page.foreign_requests and not page.console_errors, (page.foreign_requests, page.console_errors)
    finally:
        close_page(page)


# -- keyboard -------------------------------------------------------------------------------

def test_keyboard_search_from_any_page(page, base_url):
    page.goto(base_url + "/angebote/thinka-soemmerda/")
    page.locator("button.nb-header-search__button").wait_for(timeout=TIMEOUT)
    # Tab to the search button, Enter opens the dialog with the focus in the field
    for _ in range(40):
        page.keyboard.press("Tab")
        if page.evaluate("() => document.activeElement.matches('button.nb-header-search__button')"):
            break
    else:
        raise AssertionError("Tab never reached the search button")
    page.keyboard.press("Enter")
    page.wait_for_function("() => document.activeElement && document.activeElement.tagName === 'INPUT' "
                           "&& document.activeElement.closest('pagefind-modal')", timeout=TIMEOUT)
    page.keyboard.type("Isolation", delay=20)
    wait_for_results(page, MODAL, "n === 1")
    page.keyboard.press("ArrowDown")
    assert page.evaluate("() => document.activeElement.classList.contains('pf-result-link')")
    page.keyboard.press("Enter")
    page.wait_for_url("**/angebote/mittendrin-troisdorf/", timeout=TIMEOUT)
    # Escape closes the dialog and gives the focus back to the button
    open_dialog(page)
    page.keyboard.press("Escape")
    page.wait_for_function("() => !document.querySelector('pagefind-modal dialog[open]')", timeout=TIMEOUT)
    # The dialog's "close" event is a task queued after its open attribute goes,
    # so under load the button's state follows a moment later: wait for it.
    page.wait_for_function(
        "() => document.activeElement.matches('button.nb-header-search__button')"
        " && document.activeElement.getAttribute('aria-expanded') === 'false'", timeout=TIMEOUT)


def test_keyboard_filters_and_visible_focus_on_search_page(page, base_url):
    page.goto(base_url + "/suche/?q=Treff")
    wait_for_results(page, PAGE, complete=False)
    steps = tab_through(page, max_steps=120)
    # the search UI: header button, field, filter groups, results, feedback link
    in_ui = [s for s in steps if any(k in s.selector for k in ("pagefind", "pf-", "nb-result", "nb-search"))
             or s.text.startswith("Nichts gefunden")]
    kinds = {s.tag for s in in_ui}
    assert {"button", "input", "summary", "a"} <= kinds, format_focus_steps(steps)
    bad = [s for s in in_ui if not (s.visible and s.focus_indicator)]
    assert not bad, format_focus_steps(bad)
    # filters by keyboard: open a group, tick a box with the space bar
    summary = page.locator(f"{PAGE} details.pf-filter-group summary", has_text="Art")
    summary.focus()
    if not summary.evaluate("s => s.parentElement.open"):
        page.keyboard.press("Enter")
    box = page.locator(f"{PAGE} label.pf-filter-checkbox", has_text="Angebot").locator("input")
    box.focus()
    page.keyboard.press("Space")
    assert box.is_checked()
    urls = wait_for_results(page, PAGE)
    assert all(u.startswith("/angebote/") for u in urls), urls


# -- without JavaScript ---------------------------------------------------------------------

def test_without_javascript_links_lead_to_every_offer(browser, base_url, directory):
    context = browser.new_context(java_script_enabled=False, base_url=base_url)
    blocked: list[str] = []

    def route(r):
        if is_local_url(r.request.url):
            r.continue_()
        else:
            blocked.append(r.request.url)
            r.abort()

    context.route("**/*", route)
    page = context.new_page()
    try:
        page.goto(base_url + "/")
        link = page.locator("a.nb-header-search__link")
        assert link.is_visible()
        assert page.locator("pagefind-modal").count() == 0  # search.js builds the dialog
        link.click()
        page.wait_for_url("**/suche/")
        fallback = page.locator(".nb-search-fallback")
        assert fallback.is_visible()
        fallback.get_by_role("link", name="Alle Angebote von A bis Z").click()
        page.wait_for_url("**/a-z/")
        hrefs = page.eval_on_selector_all("article a", "els => els.map(e => new URL(e.href).pathname)")
        for offer in directory.current_offers():
            assert f"/angebote/{offer.id}/" in hrefs
        assert not blocked
    finally:
        context.close()


# -- "Nichts gefunden?" ----------------------------------------------------------------------

def test_nothing_found_link_carries_the_query(page, base_url):
    page.goto(base_url + "/")
    urls = type_in_dialog(page, "Xylophonunterricht")
    assert urls == []
    assert "Nichts gefunden" in page.locator(f"{MODAL} pagefind-summary").inner_text()
    link = page.locator(f"{MODAL} a[data-nb-feedback]")
    assert link.inner_text().strip() == "Nichts gefunden? Sagen Sie uns, was Sie suchen"
    href = urlsplit(link.get_attribute("href"))
    query = parse_qs(href.query)
    assert href.netloc == "github.com" and href.path.endswith("/issues/new")
    assert query["template"] == ["aenderung-melden.yml"]
    assert "Xylophonunterricht" in query["title"][0]
    assert page.locator(f"{MODAL} a[data-nb-search-more]").is_visible()


# -- instant navigation -----------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def instant_base_url(tmp_path_factory):
    # mkdocs-material 9.8 navigates instantly only to URLs of its sitemap,
    # which are built from site_url: build for the address the test serves.
    port = free_port()
    site = build_example_site(tmp_path_factory.mktemp("search-instant"), site_url=f"http://127.0.0.1:{port}/",
                              features=("navigation.instant",))
    server = SiteServer(site, port=port).start()
    try:
        yield server.base_url
    finally:
        server.stop()


def test_works_with_instant_navigation(browser, instant_base_url):
    base = instant_base_url
    page = new_page(browser, base, height=2000)
    try:
        page.goto(base + "/")
        page.evaluate("() => { window.__nbNoReload = true; }")
        # an ordinary link first: instant navigation is on
        page.locator("a.md-nav__link", has_text="Themen").first.click()
        page.wait_for_url("**/themen/", timeout=TIMEOUT)
        assert page.evaluate("() => window.__nbNoReload === true"), "instant navigation is off"
        type_in_dialog(page, "Beratung")
        assert_pagefind_styles(page)
        page.locator(f"{MODAL} a[data-nb-search-more]").click()
        page.wait_for_url("**/suche/?q=Beratung", timeout=TIMEOUT)
        urls = wait_for_results(page, PAGE)
        assert "/angebote/thinka-soemmerda/" in urls
        # instant navigation keeps only the head elements the next page lists:
        # search.js puts Pagefind's stylesheet back
        assert_pagefind_styles(page)
        assert page.evaluate("() => window.__nbNoReload === true"), "instant navigation reloaded the page"
        assert not page.locator(f"{MODAL} dialog[open]").count()
        # to a result and back to the search page: the search starts again
        page.locator(f"{PAGE} a.pf-result-link", has_text="ThINKA").click()
        page.wait_for_url("**/angebote/thinka-soemmerda/", timeout=TIMEOUT)
        assert page.evaluate("() => window.__nbNoReload === true")
        assert_pagefind_styles(page)
        urls = type_in_dialog(page, "Isolation")
        assert urls == ["/angebote/mittendrin-troisdorf/"]
        assert_pagefind_styles(page)
        page.locator(f"{MODAL} a[data-nb-search-more]").click()
        page.wait_for_url("**/suche/?q=Isolation", timeout=TIMEOUT)
        assert wait_for_results(page, PAGE, "n === 1") == ["/angebote/mittendrin-troisdorf/"]
        assert page.evaluate("() => window.__nbNoReload === true")
        violations = run_axe(page)
        assert not violations, format_violations(violations)
        assert not page.foreign_requests and not page.console_errors, (page.foreign_requests, page.console_errors)
    finally:
        close_page(page)
