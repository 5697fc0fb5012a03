"""The website in real Chromium (Debian's, via Playwright; tests/support):
axe-core WCAG 2.1 A/AA with zero violations for every page type, light and
dark, at 1280 px and 320 px, in German and in the Arabic edition (right to
left), and at 1280 px in the English one; no request leaves 127.0.0.1; no
horizontal scrolling at 320 px; for every German page type and some of the
editions', in the light scheme at 1280 px and the dark one at 320 px, Tab
alone reaches the main content and every control of the article, each with a
visible focus; an offer page prints on one A4 page without site chrome.
"""
from __future__ import annotations

import re
import sys
from pathlib import Path
from urllib.parse import urljoin

import pytest

if __package__ in (None, "") and str(Path(__file__).resolve().parents[1]) not in sys.path:
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.support.browser import (
    focus_coverage,
    foreign_resource_hints,
    format_focus_steps,
    format_violations,
    has_horizontal_scroll,
    open_page,
    overflowing_elements,
    record_focus,
    run_axe,
    tab_through,
)
from tests.support.server import serve_directory

from nahbei.i18n import t

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


PAGES = {
    "home": "/",
    "offer": "/angebote/mittendrin-troisdorf/",
    "offer_hours": "/angebote/thinka-soemmerda/",
    "offer_ended": "/angebote/sozialplanung-dorsten-innenstadt/",  # status ended: an archive entry
    "event": "/veranstaltungen/mittendrin-offener-treff/",
    "event_cancelled": "/veranstaltungen/infoabend-ehrenamt-abgesagt/",
    "event_past": "/veranstaltungen/sozialregionalkonferenz-doebeln-2018/",
    "contact": "/kontakte/okan-bektas/",
    "organisation": "/kontakte/stadt-troisdorf/",  # kind organisation: lists its offers
    "place": "/orte/begegnungsstaette-troisdorf-mitte/",
    "topics": "/themen/",
    "topic": "/themen/einsamkeit/",
    "target_groups": "/zielgruppen/",
    "target_group": "/zielgruppen/erwachsene/",
    "regions": "/regionen/",
    "region": "/regionen/troisdorf/",  # with "Gehört zu" and "Dazu gehören"
    "az": "/a-z/",
    "archive": "/archiv/",
    "calendar": "/kalender/",
    "calendar_term": "/kalender/regionen/troisdorf/",
    "subscribe_help": "/kalender/abonnieren/",
    "contacts": "/kontakte/",
    "places": "/orte/",
    "map": "/karte/",  # without tiles: the list only; with the map: test_map_browser.py
    "imprint": "/impressum/",
    "privacy": "/datenschutz/",
    "accessibility": "/barrierefreiheit/",
    "docs_page": "/mitmachen/",
    "search": "/suche/",
    "shortlist": "/merkzettel/",  # empty; with entries and printed: test_shortlist_browser.py
    "finder": "/worum-geht-es/",  # without JavaScript: test_finder_browser.py
    "situation": "/worum-geht-es/hilfe-bei-antraegen/",
    "situation_group": "/worum-geht-es/hilfe-bei-antraegen/gefluechtete/",
    "not_found": "/404.html",
    "easy_read_site": "/leichte-sprache/",  # the site explained in Leichte Sprache
    "easy_read": "/angebote/thinka-soemmerda/leichte-sprache/",  # an entry's text in Leichte Sprache
    "open_data": "/offene-daten/",
}

# Other languages' editions (issue 13): below /en/, /ar/ with the German slugs;
# every index page, and a page for each entry translated into the language.
EDITIONS = ("en", "ar")
# Entries translated into an edition (content/*/*.yaml, translations:) where the
# German page type's example is not: MITTEndrin is left German in Arabic on purpose.
EDITION_ENTRIES = {"ar": {"offer": "/angebote/im-netzwerk-moenchengladbach/"}}
# German page types without a page in the editions (test_editions_lack_exactly_the_german_only_pages):
GERMAN_ONLY = {
    "docs_page",  # the volunteers' guide (docs/) is German by design
    "easy_read_site", "easy_read",  # Leichte Sprache is a form of German
    "not_found",  # one 404.html per site, which the server sends for every path
    # no example entry of these kinds is translated: the editions link to the German pages
    "offer_ended", "event_past", "contact", "organisation", "place",
}


def edition_path(lang: str, kind: str) -> str:
    return f"/{lang}" + EDITION_ENTRIES.get(lang, {}).get(kind, PAGES[kind])


# The axe matrix: per page one load per width, checked in the scheme it loaded
# in, then switched to the other one with the palette toggle and checked again
# (a second load would cost twice as much on CI). Both widths start in another
# scheme, so each scheme is loaded once and switched to once.
LOADS = [("light", 1280), ("dark", 320)]
AXE_PAGES = {kind: (path, LOADS) for kind, path in PAGES.items()}
# tests/test_search_browser.py runs axe on the search page with results and
# filters open, light and dark at 1280 px; here it is checked at 320 px.
AXE_PAGES["search"] = (PAGES["search"], [("light", 320)])
for _kind in PAGES.keys() - GERMAN_ONLY:
    # English at 1280 px only: its layout is the German one; Arabic at both
    # widths, right to left (its search page with results: test_search_languages_browser.py)
    AXE_PAGES[f"en_{_kind}"] = (edition_path("en", _kind), [("light", 1280)])
    AXE_PAGES[f"ar_{_kind}"] = (edition_path("ar", _kind), LOADS)
SCHEME = {"light": "default", "dark": "slate"}  # mkdocs-material's data-md-color-scheme
OTHER_SCHEME = {"light": "dark", "dark": "light"}
# the palette's radio button of each scheme (mkdocs.yml theme.palette: light first)
PALETTE_INPUT = {"light": "__palette_0", "dark": "__palette_1"}

# Keyboard: every German page type and, of the editions, home, an offer with
# hours, lists with German-only entries marked, right to left in Arabic.
KEYBOARD_PAGES = {**PAGES, **{
    f"{lang}_{kind}": edition_path(lang, kind) for lang, kind in [
        ("en", "home"), ("en", "offer_hours"), ("en", "archive"),
        ("ar", "home"), ("ar", "offer"), ("ar", "event"), ("ar", "calendar"), ("ar", "contacts"),
    ]}}
# Light at 1280 px and dark at 320 px: both schemes and both widths for every page type.
KEYBOARD_MODES = [("light", 1280), ("dark", 320)]
# Parts that scripts render after "load": wait for them before checking.
READY = {"search": "nahbei-search-page pagefind-filter-pane details[open] label.pf-filter-checkbox"}


@pytest.fixture(scope="module")
def base_url(example_site):
    with serve_directory(example_site) as base:
        yield base


def _settle(page, kind=None):
    page.wait_for_load_state("load")
    # the palette script sets the colour scheme; wait until it has
    page.wait_for_function("document.body.hasAttribute('data-md-color-scheme')")
    kind = kind and re.sub(r"^(en|ar)_", "", kind)
    if kind in READY:
        page.locator(READY[kind]).first.wait_for(timeout=15_000)


def _switch_scheme(page, scheme: str) -> None:
    """Switch to ``scheme`` with the palette toggle, as a visitor does
    (mkdocs-material follows a change of the system's preference only for an
    automatic palette, which the site has not), and wait until the page shows it."""
    background = "getComputedStyle(document.body).backgroundColor"
    before = page.evaluate(background)
    page.locator(f"label[for='{PALETTE_INPUT[scheme]}']").click()
    # the attribute set, and no colour transition still running: axe reads the final colours
    page.wait_for_function(
        """(scheme) => document.body.getAttribute('data-md-color-scheme') === scheme
           && document.getAnimations().every(a => a.playState !== 'running')""", arg=SCHEME[scheme])
    assert page.evaluate(background) != before, f"the {scheme} scheme did not change the page's colours"


@pytest.mark.parametrize("kind", sorted(AXE_PAGES))
def test_page_type_axe_clean_private_and_reflows(browser, base_url, kind):
    path, loads = AXE_PAGES[kind]
    problems = []
    for first, width in loads:
        with open_page(browser, base_url, color_scheme=first, width=width, height=800) as page:
            resp = page.goto(base_url + path)
            assert resp is not None and resp.ok, (kind, resp and resp.status)
            _settle(page, kind)
            for scheme in (first, OTHER_SCHEME[first]):
                if scheme != first:
                    _switch_scheme(page, scheme)
                assert page.evaluate("document.body.getAttribute('data-md-color-scheme')") == SCHEME[scheme]
                mode = f"[{scheme} {width}px{'' if scheme == first else ', switched'}]"
                violations = run_axe(page)
                if violations:
                    problems.append(f"{mode} " + format_violations(violations))
                if width == 320 and has_horizontal_scroll(page):
                    problems.append(f"{mode} horizontal scroll: {overflowing_elements(page)}")
            if page.foreign_requests:
                problems.append(f"[{width}px] foreign requests: {page.foreign_requests}")
            hints = foreign_resource_hints(page)
            if hints:
                problems.append(f"[{width}px] foreign resource hints: {hints}")
            if page.console_errors:
                problems.append(f"[{width}px] console errors: {page.console_errors}")
            assert page.context.cookies() == [], "the site must set no cookies"
    assert not problems, "\n".join(problems)


def test_editions_lack_exactly_the_german_only_pages(example_site):
    """The editions have a page for every German page type but GERMAN_ONLY, and
    none of those: a translated contact, place or archived entry has to join
    the axe matrix above."""
    def exists(path: str) -> bool:
        file = example_site / path.strip("/")
        return file.is_file() or (file / "index.html").is_file()

    assert [kind for kind in PAGES if not exists(PAGES[kind])] == []  # the German ones are there
    for lang in EDITIONS:
        missing = [kind for kind in PAGES.keys() - GERMAN_ONLY if not exists(edition_path(lang, kind))]
        assert not missing, (lang, missing)
        present = [kind for kind in GERMAN_ONLY if exists(f"/{lang}" + PAGES[kind])]
        assert not present, (lang, present)
        # contacts, organisations and places: no entry page at all in the edition
        edition = example_site / lang
        entries = [str(p.parent.relative_to(edition)) for folder in ("kontakte", "orte")
                   for p in (edition / folder).glob("*/index.html")]
        assert not entries, (lang, entries)
        # archived offers and past events (archiv/ lists them): its links lead to German pages only
        archive = (edition / "archiv" / "index.html").read_text(encoding="utf-8")
        page_url = f"https://example.org/{lang}/archiv/"
        links = {urljoin(page_url, href) for href in re.findall(r'href="([^"#]+)"', archive)}
        german = {u for u in links if re.match(r"https://example\.org/(angebote|veranstaltungen)/", u)}
        assert german, (lang, links)  # the archive does list entries
        own = {u for u in links if re.match(rf"https://example\.org/{lang}/(angebote|veranstaltungen)/", u)}
        assert not own, (lang, own)


def _focus_problems(page, steps) -> list[str]:
    """Every stop visible with a focus indicator. mkdocs-material's palette
    switch is a visually hidden radio button whose <label> shows the focus:
    the radio Tab reached must have the visible label, named as the radio."""
    bad = []
    for s in steps:
        radio = re.search(r"#(__palette_\d+)", s.selector)
        if s.tag == "input" and radio:
            label = page.evaluate(
                """(id) => { const i = document.getElementById(id); i.focus();
                   const l = i.nextElementSibling; const cs = getComputedStyle(l);
                   return {tag: l.tagName, outline: cs.outlineStyle, width: l.getBoundingClientRect().width,
                           title: l.getAttribute('title'), name: i.getAttribute('aria-label')}; }""",
                radio.group(1))
            if not (label["tag"] == "LABEL" and label["outline"] != "none" and label["width"] > 0):
                bad.append(f"{s.index} palette switch #{radio.group(1)} without visible focus: {label}")
            elif label["title"] != label["name"]:
                bad.append(f"{s.index} palette switch named {label['name']!r} next to {label['title']!r}")
            continue
        if not (s.visible and s.in_viewport and s.focus_indicator):
            bad.append(f"{s.index} <{s.tag}> {s.text!r} visible={s.visible} in_viewport={s.in_viewport} "
                       f"indicator={s.indicator!r}")
    return bad


@pytest.mark.parametrize("kind", sorted(KEYBOARD_PAGES))
@pytest.mark.parametrize(("scheme", "width"), KEYBOARD_MODES, ids=[f"{s}-{w}" for s, w in KEYBOARD_MODES])
def test_keyboard_reaches_main_content_with_visible_focus(browser, base_url, kind, scheme, width):
    with open_page(browser, base_url, color_scheme=scheme, width=width, height=800) as page:
        resp = page.goto(base_url + KEYBOARD_PAGES[kind])
        assert resp is not None and resp.ok, (kind, resp and resp.status)
        _settle(page, kind)
        record_focus(page)
        # tab_through stops when focus leaves the page; the bound only guards a loop
        steps = tab_through(page, 400)
        report = format_focus_steps(steps)
        assert steps, "Tab reached nothing"
        assert len(steps) < 400, "Tab did not leave the page after 400 steps\n" + report
        assert steps[0].tag == "a" and steps[0].href and steps[0].href.startswith("#"), report  # skip link first
        assert any(s.in_main and s.tag == "a" for s in steps), report
        bad = _focus_problems(page, steps)
        assert not bad, "\n".join(bad) + "\n\n" + report
        # every link and control of the article is a Tab stop, with a visible focus
        coverage = focus_coverage(page, steps, "article")
        assert coverage.elements or kind == "not_found", "no focusable element in the article"
        problems = coverage.report()
        assert not problems, problems + "\n\n" + report
        # the footer (legal pages) is reachable too, in the page's language
        lang = kind[:2] if kind[:3] in ("en_", "ar_") else "de"
        assert any(s.text == t("ui.legal.accessibility", lang) for s in steps), report


def test_copy_button_copies_the_feed_address_and_says_so(browser, base_url):
    with open_page(browser, base_url, width=1280, height=800) as page:
        page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=base_url)
        page.goto(base_url + PAGES["calendar"])
        _settle(page)
        button = page.locator("button.nb-copy")
        button.wait_for(state="visible")  # nahbei.js reveals it
        status = page.locator(".nb-copy-status")
        assert status.text_content() == ""
        button.focus()
        page.keyboard.press("Enter")  # keyboard alone
        page.wait_for_function("document.querySelector('.nb-copy-status').textContent.length > 0")
        assert status.text_content() == "Die Adresse ist kopiert. Fügen Sie sie jetzt in Ihrem Kalender ein."
        assert page.evaluate("navigator.clipboard.readText()") == "https://nahbei.example.org/kalender/alle.ics"
        assert not page.console_errors and not page.foreign_requests


def test_copy_button_stays_hidden_without_javascript(browser, base_url):
    with open_page(browser, base_url, width=1280, height=800, java_script_enabled=False) as page:
        page.goto(base_url + PAGES["calendar"])
        assert page.locator("button.nb-copy").is_hidden()
        field = page.locator("#nb-feed-url")
        assert field.is_visible() and field.get_attribute("readonly") is not None


def test_skip_link_moves_to_the_page_heading(browser, base_url):
    with open_page(browser, base_url) as page:
        page.goto(base_url + PAGES["offer"])
        _settle(page)
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.textContent.trim()") == "Zum Inhalt"
        page.keyboard.press("Enter")
        assert page.evaluate("location.hash") == "#inhalt"
        page.keyboard.press("Tab")
        assert page.evaluate("!!document.activeElement.closest('article')"), \
            page.evaluate("document.activeElement.outerHTML")


def test_palette_toggle_switches_to_dark_and_stays_accessible(browser, base_url):
    with open_page(browser, base_url, color_scheme="light") as page:
        page.goto(base_url + PAGES["offer"])
        _settle(page)
        page.locator("label[for='__palette_1']").click()
        page.wait_for_function("document.body.getAttribute('data-md-color-scheme') === 'slate'")
        violations = run_axe(page)
        assert not violations, format_violations(violations)


def test_stored_palette_applies_before_the_theme_script(browser, base_url):
    """The inline palette script (partials/javascripts/palette.html) alone puts a
    stored dark palette on the next page: mkdocs-material's bundle is blocked."""
    with open_page(browser, base_url, color_scheme="light") as page:
        page.goto(base_url + PAGES["offer"])
        _settle(page)
        page.evaluate("""() => localStorage.setItem(__md_scope.pathname + '.__palette', JSON.stringify(
            {index: 1, color: {media: '(prefers-color-scheme: dark)', scheme: 'slate',
                               primary: 'custom', accent: 'custom'}}))""")
        page.route("**/assets/javascripts/bundle.*.js", lambda route: route.abort())
        page.goto(base_url + PAGES["place"])
        page.wait_for_load_state("domcontentloaded")
        assert page.evaluate("typeof window.document$") == "undefined"  # the bundle did not run
        assert page.evaluate("document.body.getAttribute('data-md-color-scheme')") == "slate"


PRINT_HIDDEN = (".md-header", ".md-footer", ".nb-change", ".nb-route")  # entry pages have no sidebar


def test_offer_prints_as_one_page_handout(browser, base_url):
    for kind in ("offer", "offer_hours"):
        with open_page(browser, base_url) as page:
            page.goto(base_url + PAGES[kind])
            _settle(page)
            page.emulate_media(media="print")
            # per selector (elements, of them displayed): each must match — an empty match hides
            # nothing and would pass — and none of its elements is displayed
            counts = page.evaluate(
                """selectors => selectors.map(s => [...document.querySelectorAll(s)])
                   .map(els => [els.length, els.filter(e => getComputedStyle(e).display !== 'none').length])""",
                PRINT_HIDDEN)
            found = dict(zip(PRINT_HIDDEN, map(tuple, counts), strict=True))
            assert all(n > 0 and shown == 0 for n, shown in found.values()), (kind, found)
            shown = page.evaluate("getComputedStyle(document.querySelector('.nb-print-only')).display")
            assert shown == "block"
            visible_text = page.evaluate("document.querySelector('article').innerText")
            for fact in ("Wann?", "Kontakt", "Uhr"):
                assert fact in visible_text
            pdf = page.pdf(format="A4")
            pages = len(re.findall(rb"/Type\s*/Page[^s]", pdf))
            assert pages == 1, f"{kind}: {pages} printed pages"
