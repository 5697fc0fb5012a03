"""Right-to-left ready (issue 13, point 4): our stylesheets name no physical
sides, left-to-right data (phone numbers, e-mail addresses, web addresses,
times, dates, postcodes) stays whole inside Arabic text, and lists of days
and times are joined as each language joins them.

The stylesheets are read by Chromium's own CSS parser (CSSOM): shorthands come
back as longhands, so ``padding: 0 1em 0 2em`` is caught as well as
``padding-left``. The Arabic pages are the example site's /ar/ edition
(``<body dir="rtl">``); the order checks measure where the browser draws the
parts of a number, and remove the isolation once to show it is what keeps them
in order.
"""
from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from tests.support.browser import has_horizontal_scroll, open_page
from tests.support.htmlcheck import parse_html
from tests.support.server import serve_directory

from nahbei.formatting import days_label, hours_rows, occurrence_label
from nahbei.model.recurrence import Occurrence

REPO = Path(__file__).resolve().parents[1]
PLUGIN = REPO / "plugins" / "nahbei"
OFFER = "angebote/mittendrin-troisdorf/index.html"  # phone, e-mail, hours, closures, dates, feed
IMPRINT = "impressum/index.html"  # an address with postcode, phone, e-mail (mkdocs.yml legal)
# MITTEndrin has no Arabic page (left untranslated on purpose): in Arabic, the
# imprint's phone and e-mail, and ThINKA's hours, dates and feed
AR_HOURS = "angebote/thinka-soemmerda/index.html"
#: per edition: the page with phone and e-mail links, the page with hours, dates, a feed
PAGES = {"": (OFFER, OFFER), "ar/": (IMPRINT, AR_HOURS)}
LRI, PDI = "\u2066", "\u2069"

# Declarations that must stay physical: (file, selector, "property: value") -> why.
# Empty: everything we draw follows the line. (MapLibre places its own controls,
# in map.js "top-right" – the map is not text and does not mirror.)
ALLOWED_PHYSICAL: dict[tuple[str, str, str], str] = {}

# every rule's declarations as CSSOM longhands, at-rules as context
CSS_RULES_JS = """(text) => {
  const sheet = new CSSStyleSheet();
  sheet.replaceSync(text);
  const out = [];
  const walk = (rules, context) => {
    for (const rule of rules) {
      const head = rule.selectorText !== undefined ? (rule.selectorText || "@page")
        : "@" + (rule.conditionText || (rule.media && rule.media.mediaText) || rule.name || "");
      if (rule.style) {
        const decls = {};
        for (let i = 0; i < rule.style.length; i++) {
          decls[rule.style[i]] = rule.style.getPropertyValue(rule.style[i]);
        }
        out.push({selector: [...context, head].join(" › "), decls});
      }
      if (rule.cssRules) walk(rule.cssRules, [...context, head]);
    }
  };
  walk(sheet.cssRules, []);
  return out;
}"""

SIDE = re.compile(r"(?<![a-z])(left|right)(?![a-z])")
# properties whose values name a side
SIDE_VALUED = {"text-align", "text-align-last", "float", "clear", "caption-side",
               "background-position", "background-position-x", "object-position", "transform-origin"}

# left edges (px) of the substrings of the element's text, in the order given
LEFTS_JS = """(el, parts) => parts.map((part) => {
  const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const at = node.data.indexOf(part);
    if (at >= 0) {
      const range = document.createRange();
      range.setStart(node, at);
      range.setEnd(node, at + part.length);
      return range.getBoundingClientRect().left;
    }
  }
  return null;
})"""


def physical_sides(rules: list[dict]) -> list[tuple[str, str]]:
    """(selector, "property: value") of each declaration that names left or right:
    a side without its mirror (or with another value there), or a side as value.
    (A shorthand with var() leaves its longhands empty in CSSOM: one side alone is
    still caught, two different var() sides are not.)"""
    found = []
    for rule in rules:
        decls = rule["decls"]
        for name, value in decls.items():
            if SIDE.search(name):
                mirror = SIDE.sub(lambda m: "right" if m.group(1) == "left" else "left", name)
                if decls.get(mirror) != value:
                    found.append((rule["selector"], f"{name}: {value}"))
            elif name in SIDE_VALUED and SIDE.search(value):
                found.append((rule["selector"], f"{name}: {value}"))
    return found


def css_rules(page, text: str) -> list[dict]:
    return page.evaluate(CSS_RULES_JS, text)


# -- (a) the stylesheets ----------------------------------------------------------

@pytest.mark.browser
def test_side_check_finds_physical_sides(browser):
    """The check itself: it flags what is physical, shorthands included, and
    lets logical and symmetric declarations pass."""
    sample = """a { margin-left: 1em } b { text-align: right } c { padding: 0 1em 0 2em }
      d { margin: 0 1em; border: 1px solid; inset: 0 } e { border-left: 1px solid red }
      f { margin-inline-start: 1em; text-align: start; float: inline-start }
      @media print { g { float: left } } h { border-top-right-radius: 2px }
      i { border: 2px solid; border-inline-start-width: 4px }"""
    with open_page(browser) as page:
        flagged = {sel.split(" › ")[-1] for sel, _ in physical_sides(css_rules(page, sample))}
    assert flagged == {"a", "b", "c", "e", "g", "h"}


@pytest.mark.browser
def test_our_stylesheets_name_no_physical_side(browser):
    sheets = sorted(PLUGIN.rglob("*.css"))
    names = {p.relative_to(PLUGIN).as_posix() for p in sheets}
    assert {"mkdocs/assets/nahbei.css", "mkdocs/assets/map/map.css", "mkdocs/search/assets/search.css"} <= names
    problems, allowed_seen = [], set()
    with open_page(browser) as page:
        for sheet in sheets:
            rules = css_rules(page, sheet.read_text("utf-8"))
            assert len(rules) > 5, f"{sheet}: the parser read no rules"
            for selector, declaration in physical_sides(rules):
                key = (sheet.name, selector, declaration)
                if key in ALLOWED_PHYSICAL:
                    allowed_seen.add(key)
                else:
                    problems.append(f"{sheet.relative_to(REPO)}: {selector} {{ {declaration} }}")
    assert not problems, ("physical sides (use inline-start/-end, text-align: start …, "
                          "or allow-list them with a reason):\n" + "\n".join(problems))
    assert allowed_seen == set(ALLOWED_PHYSICAL), f"allow-list entries no longer needed: {set(ALLOWED_PHYSICAL) - allowed_seen}"


# -- (b) the markup on the built pages ----------------------------------------------------

def _article(site: Path, path: str):
    f = site / path
    assert f.is_file(), f"{f} was not built"
    art = parse_html(f).find("article")
    assert art is not None, f
    return art


def _isolated(el) -> bool:
    """dir on the element or a bdi around it (both isolate, HTML's rendering rules)."""
    return any(e.tag == "bdi" or e.get("dir") in ("ltr", "auto") for e in [el, *el.ancestors()]
               if e.tag not in ("body", "html"))


@pytest.mark.parametrize("edition", ["", "ar/"])
def test_left_to_right_data_is_isolated(example_site, edition):
    reach, hours = PAGES[edition]
    art = _article(example_site, edition + reach)
    phones = art.find_all("a", href=re.compile(r"^(tel|sms):"))
    mails = art.find_all("a", href=re.compile(r"^mailto:"))
    assert phones and mails, "the example offer lost its phone or e-mail"
    for a in phones + mails:
        assert a.get("dir") == "ltr", a
    web = [a for reach in art.find_all("ul", class_="nb-reach") for a in reach.find_all("a")
           if re.fullmatch(r"[\w.-]+\.[a-z]{2,}(/\S*)?", a.text)]
    assert all(a.get("dir") == "ltr" for a in web), web
    art = _article(example_site, edition + hours)
    cells = [td for t in art.find_all("table", class_="nb-hours") for td in t.find_all("td")]
    assert cells
    for td in cells:
        bdi = td.find("bdi")
        assert bdi is not None and re.search(r"\d", bdi.text), td
    times = [t for t in art.find_all("time") if re.search(r"\d", t.text)
             and t.closest("section", class_="nb-change") is None]  # change_box: not yet (the lead's macro)
    assert len(times) >= 3
    assert all(_isolated(t) for t in times), [t for t in times if not _isolated(t)]
    feed = art.find("input", class_="nb-feed-url")
    assert feed is not None and feed.get("dir") == "ltr"


@pytest.mark.parametrize("edition", ["", "ar/"])
def test_address_lines_are_isolated(example_site, edition):
    addresses = _article(example_site, edition + IMPRINT).find_all("p", class_="nb-address")
    assert addresses
    for p in addresses:
        lines = p.find_all("bdi")
        assert [c for c in p.children if isinstance(c, str) and c.strip()] == [], p
        assert len(lines) == len(p.find_all("br")) + 1
    assert any(re.match(r"\d{5} ", line.text) for p in addresses for line in p.find_all("bdi"))


def test_german_page_reads_as_before(example_site):
    """Isolation adds attributes, no characters: the German texts stay as they were."""
    html = (example_site / OFFER).read_text("utf-8")
    assert LRI not in html and PDI not in html
    art = _article(example_site, OFFER)
    assert art.find("a", href="tel:+4922419009765").text == "02241 9009765"
    assert art.find("table", class_="nb-hours").find("td").text == "17–19 Uhr"


# -- (b) in Chromium: what an Arabic reader sees --------------------------------------------

def _lefts(page, selector: str, parts: list[str]) -> list[float]:
    lefts = page.locator(selector).first.evaluate(LEFTS_JS, parts)
    assert None not in lefts, (selector, parts, lefts)
    return lefts


@pytest.mark.browser
@pytest.mark.xdist_group("browser")
def test_arabic_page_keeps_numbers_in_order(browser, example_site):
    with serve_directory(example_site) as base, open_page(browser, base, locale="ar") as page:
        page.goto(base + "/ar/" + IMPRINT.removesuffix("index.html"))
        assert page.evaluate("getComputedStyle(document.body).direction") == "rtl"
        tel = 'article a[href="tel:+4922419009765"]'
        assert page.locator(tel).first.evaluate("e => [getComputedStyle(e).direction, getComputedStyle(e).unicodeBidi]") \
            == ["ltr", "isolate"]
        first, last = _lefts(page, tel, ["02241", "9009765"])
        assert first < last, "the phone number's area code is drawn after its number"
        # control: without the isolation the same text is drawn in the other order
        page.locator(tel).first.evaluate("e => e.removeAttribute('dir')")
        first, last = _lefts(page, tel, ["02241", "9009765"])
        assert first > last

        page.goto(base + "/ar/" + AR_HOURS.removesuffix("index.html"))
        cell = "article table.nb-hours td"
        start, end = _lefts(page, cell, ["09:00", "12:00"])
        assert start < end, "opening hours read backwards"
        # the logical sides follow the page: the example box's thick edge is on the right
        widths = page.locator("article .nb-example").first.evaluate(
            "e => [parseFloat(getComputedStyle(e).borderLeftWidth), parseFloat(getComputedStyle(e).borderRightWidth)]")
        assert widths[1] > widths[0], widths
        margins = page.locator("article ul.nb-terms").first.evaluate(
            "e => [getComputedStyle(e).marginLeft, getComputedStyle(e).marginRight]")
        assert margins == ["0px", "0px"], margins  # not the theme's list indent on the right

        page.locator(cell).first.evaluate(
            "e => { e.textContent = e.textContent.replace(/[\\u2066\\u2069]/g, '') }")  # drops the bdi too
        start, end = _lefts(page, cell, ["09:00", "12:00"])
        assert start > end

        page.goto(base + "/ar/" + IMPRINT.removesuffix("index.html"))
        line = "article p.nb-address"
        code, town = _lefts(page, line, ["53840", "Troisdorf"])
        assert code < town, "the postcode is drawn after the town"
        page.locator(line).first.evaluate("e => e.querySelectorAll('bdi').forEach(b => b.replaceWith(...b.childNodes))")
        code, town = _lefts(page, line, ["53840", "Troisdorf"])
        assert code > town


@pytest.mark.browser
@pytest.mark.xdist_group("browser")
def test_arabic_page_fits_320_px(browser, example_site):
    with serve_directory(example_site) as base, open_page(browser, base, locale="ar", width=320, height=640) as page:
        page.goto(base + "/ar/" + AR_HOURS.removesuffix("index.html"))
        assert not has_horizontal_scroll(page)


# -- (c) lists of days and times ------------------------------------------------------------

HOURS = {"regular": [{"days": ["mo", "di", "do"], "opens": "09:00", "closes": "12:00"},
                     {"days": ["mo", "di", "do"], "opens": "13:00", "closes": "15:30"}]}
BERLIN = ZoneInfo("Europe/Berlin")
TALK = Occurrence("x", datetime(2026, 12, 3, 10, tzinfo=BERLIN), datetime(2026, 12, 3, 12, tzinfo=BERLIN),
                  False, "scheduled")


def test_german_lists_as_before():
    assert days_label(["mo", "di", "do"], "de") == "Mo, Di, Do"
    assert days_label(["mo", "di", "do"], "de", "wide") == "Montag, Dienstag und Donnerstag"
    assert days_label(["mo", "di", "mi", "do", "fr", "so"], "de", "wide") == "Montag bis Freitag und Sonntag"
    row = hours_rows(HOURS, "de")[0]
    assert (row.days_short, row.times) == ("Mo, Di, Do", "9–12 und 13–15:30 Uhr")
    assert occurrence_label(TALK, "de") == "Donnerstag, 3. Dezember 2026, 10–12 Uhr"


def test_english_lists():
    assert days_label(["mo", "di", "do"], "en") == "Mon, Tue, Thu"
    assert days_label(["mo", "di", "do"], "en", "wide") == "Monday, Tuesday, and Thursday"  # CLDR's list
    assert hours_rows(HOURS, "en")[0].times == "09:00–12:00 and 13:00–15:30"
    assert occurrence_label(TALK, "en") == "Thursday, December 3, 2026, 10:00–12:00"


def test_arabic_lists():
    """Arabic joins with و and its own comma '،'; each time range is one
    left-to-right unit (Unicode isolates) inside the right-to-left list."""
    assert days_label(["mo", "di", "do"], "ar", "wide") == "الاثنين والثلاثاء والخميس"
    row = hours_rows(HOURS, "ar")[0]
    assert row.times == f"{LRI}09:00–12:00{PDI} و{LRI}13:00–15:30{PDI}"
    label = occurrence_label(TALK, "ar")
    assert label == f"الخميس، 3 ديسمبر 2026، {LRI}10:00–12:00{PDI}"
    assert "," not in row.days_short + row.days_wide + label


@pytest.mark.browser
def test_arabic_time_list_reads_right(browser):
    """Drawn right to left: the first range on the right, each range's start left of its end."""
    times = hours_rows(HOURS, "ar")[0].times
    with open_page(browser) as page:
        for text, isolated in ((times, True), (times.replace(LRI, "").replace(PDI, ""), False)):
            page.set_content('<p dir="rtl" lang="ar" style="font-size:20px">' + text + "</p>")
            a, b, c, d = _lefts(page, "p", ["09:00", "12:00", "13:00", "15:30"])
            assert a > c, "the first range is not drawn first (right)"
            assert (a < b and c < d) is isolated
