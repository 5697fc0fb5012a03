"""The website: a real `mkdocs build --strict` of the example site, read back with
an independent HTML parser (tests.support.htmlcheck), page type by page type.

The example site is built once per module into a temporary folder, with
SOURCE_DATE_EPOCH fixed to 2026-11-22 (Europe/Berlin), so "upcoming" and
"ended" never depend on the day the tests run.
"""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from urllib.parse import parse_qs, unquote, urljoin, urlsplit

import pytest
import yaml

if __package__ in (None, "") and str(Path(__file__).resolve().parents[1]) not in sys.path:
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.support.content import drop_example, mark_reviewed
from tests.support.htmlcheck import format_vnu, parse_html, run_vnu
from tests.support.qr import read_code

from nahbei.i18n import t

REPO = Path(__file__).resolve().parents[1]
EPOCH = "1795305600"  # 2026-11-22 00:00 UTC
ENV = {**os.environ, "SOURCE_DATE_EPOCH": EPOCH, "NO_MKDOCS_2_WARNING": "1"}


def mkdocs_build(config: Path, dest: Path, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-f", str(config), "-d", str(dest)],
        cwd=cwd or config.parent, env=ENV, capture_output=True, text=True, timeout=300,
    )


def copy_project(dest: Path) -> Path:
    """mkdocs.yml, docs/, overrides/ and content/ in a folder of their own."""
    dest.mkdir(parents=True, exist_ok=True)
    shutil.copy(REPO / "mkdocs.yml", dest / "mkdocs.yml")
    for folder in ("docs", "overrides", "content"):
        if (REPO / folder).exists():
            shutil.copytree(REPO / folder, dest / folder)
        else:
            (dest / folder).mkdir()
    return dest


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("site") / "site"
    proc = mkdocs_build(REPO / "mkdocs.yml", out, cwd=REPO)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return out


#: In ``reviewed_site`` this place stays an example; everything else is real.
EXAMPLE_PLACE = "begegnungsstaette-troisdorf-mitte"


@pytest.fixture(scope="module")
def reviewed_site(tmp_path_factory) -> Path:
    """The example site as if every entry were real and reviewed on 2026-11-01
    (no example_data), except one place (EXAMPLE_PLACE), and with a period that
    ended for the ended offer: what a real directory shows that the example
    content, all examples, does not (review dates, JSON-LD, "it ran until")."""
    root = copy_project(tmp_path_factory.mktemp("reviewed") / "project")
    content = root / "content"
    for f in sorted(content.glob("*/*.yaml")):
        if f.stem == EXAMPLE_PLACE:
            continue
        if f.parent.name in ("offers", "contacts"):
            mark_reviewed(f, "2026-11-01")
        else:
            drop_example(f)
    ended = content / "offers" / "sozialplanung-dorsten-innenstadt.yaml"
    ended.write_text(ended.read_text("utf-8").replace("status: ended\n", "status: ended\nperiod:\n  until: 2017-12-31\n"),
                     "utf-8")
    out = root / "site"
    proc = mkdocs_build(root / "mkdocs.yml", out)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return out


def page(site: Path, path: str):
    f = site / path / "index.html" if not path.endswith(".html") else site / path
    assert f.is_file(), f"{f} was not built"
    return parse_html(f)


def article(doc):
    art = doc.find("article")
    assert art is not None
    return art


PAGE_TYPES = {
    "home": "",
    "offer": "angebote/mittendrin-troisdorf/",
    "offer_hours": "angebote/thinka-soemmerda/",
    "offer_ended": "angebote/sozialplanung-dorsten-innenstadt/",
    "event_series": "veranstaltungen/mittendrin-offener-treff/",
    "event_cancelled": "veranstaltungen/infoabend-ehrenamt-abgesagt/",
    "event_past": "veranstaltungen/sozialregionalkonferenz-doebeln-2018/",
    "contact_person": "kontakte/okan-bektas/",
    "contact_org": "kontakte/stadt-troisdorf/",
    "place": "orte/begegnungsstaette-troisdorf-mitte/",
    "topics": "themen/",
    "topic": "themen/einsamkeit/",
    "target_groups": "zielgruppen/",
    "target_group": "zielgruppen/gefluechtete/",
    "regions": "regionen/",
    "region": "regionen/troisdorf/",
    "az": "a-z/",
    "archive": "archiv/",
    "calendar": "kalender/",
    "calendar_term": "kalender/themen/begegnung/",
    "subscribe_help": "kalender/abonnieren/",
    "contacts": "kontakte/",
    "places": "orte/",
    "imprint": "impressum/",
    "privacy": "datenschutz/",
    "accessibility": "barrierefreiheit/",
    "docs_page": "mitmachen/",
    "not_found": "404.html",
}


def all_pages(site: Path) -> list[Path]:
    return sorted(site.rglob("*.html"))


# -- every page ---------------------------------------------------------------

@pytest.mark.parametrize("kind", sorted(PAGE_TYPES))
def test_page_type_is_built_german_with_one_h1(site, kind):
    doc = page(site, PAGE_TYPES[kind])
    assert doc.lang == "de"
    assert doc.h1_count == 1, doc.headings()
    assert doc.find("main") is not None
    assert doc.title and doc.title.strip()


def test_every_page_has_lang_one_h1_and_no_duplicate_ids(site):
    pages = all_pages(site)
    assert len(pages) > 60
    for f in pages:
        doc = parse_html(f)
        # the site's own language at the root, another language's edition below its code
        edition = f.relative_to(site).parts[0]
        assert doc.lang == (edition if edition in ("en", "ar", "uk") else "de"), f
        assert doc.h1_count == 1, (f, doc.headings())
        dup = [i for i, n in doc.ids().items() if n > 1]
        assert not dup, (f, dup)


def test_footer_links_legal_pages_on_every_page(site):
    for f in all_pages(site):
        doc = parse_html(f)
        footer = doc.find("footer")
        assert footer is not None, f
        texts = {a.text: a.get("href") for a in footer.find_all("a", href=True)}
        for kind in ("imprint", "privacy", "accessibility"):
            assert t(f"ui.legal.{kind}", doc.lang) in texts, (f, texts)


def _resolve(site: Path, page_file: Path, href: str) -> Path | None:
    """The file an internal link points to (None for external/special links)."""
    parts = urlsplit(href)
    if parts.scheme or href.startswith(("//", "#")) or not parts.path:
        return None
    base = page_file.parent if not parts.path.startswith("/") else site
    target = (base / unquote(parts.path.lstrip("/"))).resolve()
    if href.endswith("/") or target.is_dir():
        target = target / "index.html"
    return target


def test_internal_links_resolve(site):
    feeds_built = (site / "kalender" / "alle.ics").exists()
    missing = []
    checked = 0
    for f in all_pages(site):
        if f.name == "404.html":
            continue  # links there are relative to the site root, wherever the page is shown
        doc = parse_html(f)
        refs = [a.get("href") for a in doc.find_all("a", href=True)]
        refs += [x.get("href") for x in doc.find_all("link", href=True)]
        refs += [x.get("src") for x in doc.find_all(("script", "img"), src=True)]
        refs += [x.get("action") for x in doc.find_all("form", action=True)]
        for href in refs:
            target = _resolve(site, f, href or "")
            if target is None:
                continue
            if target.suffix == ".ics" and not feeds_built:
                continue  # the .ics files come from nahbei.feeds (another plugin)
            checked += 1
            if not target.exists():
                missing.append(f"{f.relative_to(site)} -> {href}")
    assert checked > 500
    assert not missing, "\n".join(missing[:40])


def test_no_third_party_resources_and_no_cookies_banner(site):
    for f in all_pages(site):
        text = f.read_text("utf-8")
        doc = parse_html(f)
        for el in doc.find_all(("link", "script", "img", "iframe", "source", "video", "audio")):
            url = el.get("href") or el.get("src") or ""
            if el.tag == "link" and ((el.get("rel") or "") in ("canonical",) or el.get("hreflang")):
                continue  # the page's own address, and its address in another language: nothing loads
            assert not urlsplit(url).scheme and not url.startswith("//"), (f, el)
        assert "fonts.googleapis" not in text and "fonts.gstatic" not in text
        assert "md-consent" not in text and "gtag(" not in text
        assert doc.find("iframe") is None


def test_entry_pages_not_in_global_nav(site):
    doc = page(site, "")
    nav = doc.find("nav", class_="md-nav--primary")
    links = [a.get("href") for a in nav.find_all("a", href=True)]
    # exactly the pages mkdocs.yml's nav names (its "  - Title: path" lines), no more
    config = (REPO / "mkdocs.yml").read_text("utf-8")
    listed = re.findall(r"^  - [^:]+: \S+$", config[config.index("\nnav:\n"):], re.M)
    items = nav.find_all("a", class_="md-nav__link")
    assert 5 <= len(items) == len(listed), (links, listed)
    assert not any(re.search(r"(angebote|veranstaltungen|orte|kontakte)/[a-z0-9-]+/", h or "") for h in links), links
    # an entry page lists the same pages once, in its footer (no sidebar);
    # its menu button leads there
    offer = page(site, PAGE_TYPES["offer"])
    assert offer.find("nav", class_="md-nav--primary") is None
    pages = offer.find("nav", id="nb-pages")
    assert pages is not None and pages.closest("footer") is not None
    assert [a.text.strip() for a in pages.find_all("a", href=True)] == \
        [a.text.strip() for a in nav.find_all("a", class_="md-nav__link")]
    assert offer.find("a", class_="nb-menu").get("href") == "#nb-pages"


def test_frame_icons_come_from_one_sprite(site):
    """The logo, the palette switch and "back to top" are on every page: each
    page refers to them in assets/nahbei/icons.svg (<use xlink:href="…#id">) instead
    of carrying their SVG paths; every reference finds its symbol."""
    sprite = (site / "assets" / "nahbei" / "icons.svg").read_text("utf-8")
    symbols = dict(re.findall(r'<symbol id="([^"]+)" viewBox="[^"]+">(.*?)</symbol>', sprite))
    assert {"nb-material-library", "nb-material-weather-night", "nb-material-weather-sunny",
            "nb-material-arrow-up"} <= set(symbols), sorted(symbols)
    for f in all_pages(site):
        text = f.read_text("utf-8")
        for body in symbols.values():
            assert body not in text, f"{f.relative_to(site)}: a frame icon inline"
        # not href: mkdocs-material's instant navigation fails on it (test_works_with_instant_navigation)
        assert "<use href=" not in text, f
        for href in re.findall(r'<use xlink:href="([^"]+)"', text):
            target, _, ident = href.partition("#")
            base = site if target.startswith("/") else f.parent  # the 404 page links from the site root
            assert (base / target.lstrip("/")).resolve() == (site / "assets/nahbei/icons.svg").resolve(), (f, href)
            assert ident in symbols, (f, href)
    header = page(site, PAGE_TYPES["offer"]).find("header")
    assert header.find("a", class_="md-logo").find("use") is not None
    assert len(header.find("form").find_all("use")) == 2  # both palette switches


def test_entry_page_frame_is_light(site):
    """What an entry page repeats of the theme (everything outside the article
    except its own JSON-LD and search settings) stays small: no indentation of
    the theme's navigation and header, no inline frame icons. Before: 15.9 KB."""
    text = (site / PAGE_TYPES["offer"] / "index.html").read_text("utf-8")
    frame = text[:text.index("<article")] + text[text.index("</article>"):]
    frame = re.sub(r'<script type="application/(?:ld\+)?json"[^>]*>.*?</script>', "", frame, flags=re.S)
    assert len(frame.encode()) <= 8_000, len(frame.encode())
    nav = page(site, PAGE_TYPES["offer"]).find("nav", id="nb-pages")
    assert [a.text.strip() for a in nav.find_all("a")][:3] == ["Startseite", "Worum geht es?", "Themen"]


def test_html_is_valid_nu_checker(site):
    errors = run_vnu(site)
    assert not errors, format_vnu(errors)


# -- offer pages -----------------------------------------------------------------

def test_offer_page_facts_in_order(site):
    doc = page(site, PAGE_TYPES["offer"])
    art = article(doc)
    assert art.has("data-pagefind-body")
    assert art.find("h1").text == "MITTEndrin! Statt nur dabei."
    assert "Erwachsene von 28 bis 59 Jahren in Troisdorf-Mitte" in art.find("p", class_="nb-lead").text
    h2 = [h for lvl, h in doc.headings() if lvl == 2]
    order = ["Für wen?", "Wo?", "Wann?", "Kontakt", "Gut zu wissen", "Mehr über das Angebot", "Nächste Termine",
             "Themen", "Förderung", "Stimmt etwas nicht?"]
    assert [h for h in h2 if h in order] == order, h2
    text = art.text
    assert "28 bis 59 Jahre" in text
    assert "Troisdorf (Troisdorf-Mitte)" in text  # address
    assert "Stufenlos erreichbar" in text and "Wenige Gehminuten vom Bahnhof Troisdorf" in text
    route = art.find("a", href=re.compile(r"^https://www\.openstreetmap\.org/(directions|search)\?"))
    assert route is not None and "Begegnungsstätte in Troisdorf-Mitte" in route.text
    tel = art.find("a", href="tel:+4922419009765")
    assert tel is not None and tel.text == "02241 9009765"
    assert art.find("a", href="mailto:BektasO@Troisdorf.de") is not None
    assert "Kostenlos" in text and "Deutsch" in text


def test_offer_hours_table_is_accessible(site):
    art = article(page(site, PAGE_TYPES["offer_hours"]))
    tables = art.find_all("table")
    assert len(tables) == 4
    for table in tables:
        assert table.find("caption") is not None and table.find("caption").text.startswith("Öffnungszeiten")
        assert [th.get("scope") for th in table.find("thead").find_all("th")] == ["col", "col"]
        row_headers = table.find("tbody").find_all("th")
        assert row_headers and all(th.get("scope") == "row" for th in row_headers)
    first = tables[0]
    assert "Zentrale" in first.find("caption").text
    row = first.find("tbody").find("tr")
    assert row.find("th").text == "Montag, Dienstag und Donnerstag"
    assert row.find("td").text == "9–12 und 13–15:30 Uhr"
    text = art.text
    assert "Donnerstag, 24. Dezember 2026: geschlossen (Heiligabend)" in text
    closure = [li for li in art.find_all("li") if "Weihnachtspause" in li.text]
    assert closure and [t.get("datetime") for t in closure[0].find_all("time")] == ["2026-12-21", "2027-01-01"]
    assert "Termine auch nach Vereinbarung" in text
    # consultation hours published as a weekly series show up as next dates
    dates = [t.get("datetime") for t in art.find_all("time")]
    assert "2026-11-24T10:00+01:00" in dates


def test_offer_example_data_note_is_visible(site, reviewed_site):
    art = article(page(site, PAGE_TYPES["offer"]))
    note = art.find("aside", class_="nb-example")
    assert note is not None
    assert note.text.startswith("Beispieldaten:")
    assert "Weihnachtspause" in note.text
    assert note.get("hidden") is None
    # entries without example_data show no note
    assert article(page(reviewed_site, PAGE_TYPES["offer"])).find("aside", class_="nb-example") is None


ENTRY_FOLDERS = ("angebote", "veranstaltungen", "kontakte", "orte")


def test_every_example_entry_page_says_it_is_an_example(site):
    """The example content is all examples: every entry page shows the note, and
    no page claims a review ("Zuletzt geprüft") that did not happen."""
    checked = 0
    for folder in ENTRY_FOLDERS:
        for f in sorted((site / folder).glob("*/index.html")):
            art = article(parse_html(f))
            note = art.find("aside", class_="nb-example")
            assert note is not None and note.text.startswith("Beispieldaten:"), f
            assert "Zuletzt geprüft" not in art.text, f
            checked += 1
    assert checked == 4 + 6 + 9 + 7  # offers, events (without derived series), contacts, places


def test_offer_eu_emblem_and_funding(site):
    art = article(page(site, PAGE_TYPES["offer"]))
    fig = art.find("figure", class_="nb-eu")
    assert fig is not None
    svg = fig.find("svg")
    assert svg.get("role") == "img" and svg.get("aria-labelledby")
    assert fig.find("title").text == "Flagge der Europäischen Union"
    assert fig.find("figcaption").text == "Kofinanziert von der Europäischen Union"
    assert fig.find("path").get("d").count("Z") == 12  # twelve stars
    assert "Zusammenhalt stärken – Menschen verbinden" in art.text
    # not on offers without EU co-funding
    assert article(page(site, PAGE_TYPES["offer_hours"])).find("figure", class_="nb-eu") is None


def test_offer_reviewed_and_change_links(site, reviewed_site):
    box = article(page(reviewed_site, PAGE_TYPES["offer"])).find("section", class_="nb-change")
    reviewed = box.find("time")
    assert reviewed.get("datetime") == "2026-11-01" and reviewed.text == "1. November 2026"
    assert "Zuletzt geprüft am" in box.text and "Beispiel-Eintrag" not in box.text
    # an example entry says so where a real one names its review
    art = article(page(site, PAGE_TYPES["offer"]))
    box = art.find("section", class_="nb-change")
    assert box.has("data-pagefind-ignore")
    assert box.find("time") is None and "Zuletzt geprüft" not in box.text
    assert "Ein Beispiel-Eintrag – niemand hat diese Angaben mit dem Anbieter geprüft." in box.text
    issue = box.find("a", href=re.compile(r"/issues/new\?"))
    assert issue is not None and "Änderung melden" in issue.text
    q = parse_qs(urlsplit(issue.get("href")).query)
    assert q["template"] == ["aenderung-melden.yml"]
    assert q["title"] == ["[Änderung]: MITTEndrin! Statt nur dabei."]
    assert q["entry"][0].endswith("/angebote/mittendrin-troisdorf/")
    edit = box.find("a", href=re.compile(r"/edit/main/content/offers/mittendrin-troisdorf\.yaml$"))
    assert edit is not None


def test_offer_next_dates_and_calendar_links(site):
    art = article(page(site, PAGE_TYPES["offer"]))
    section = [h for h in art.find_all("h3") if h.find("a") is not None and h.text == "Offener Treff MITTEndrin!"]
    assert section
    times = [t.get("datetime") for t in art.find_all("time")]
    assert "2026-11-26T17:00+01:00" in times  # next Thursday after 2026-11-22
    assert "2026-11-19T17:00+01:00" not in times  # past dates are not "next"
    ics = art.find("a", href="../../kalender/termine/mittendrin-offener-treff.ics")
    assert ics is not None and "in den eigenen Kalender" in ics.text


def test_ended_offer_only_in_archive(site, reviewed_site):
    doc = page(site, PAGE_TYPES["offer_ended"])
    art = article(doc)
    assert "Beendet" in art.find("h1").text
    assert "Dieses Angebot ist beendet." in art.text
    assert "lief bis" not in art.text  # the example has no end date: its text does not say when it ended
    assert "Es lief bis zum 31. Dezember 2017." in article(page(reviewed_site, PAGE_TYPES["offer_ended"])).text
    href_part = "angebote/sozialplanung-dorsten-innenstadt/"
    archive = [a.get("href") for a in article(page(site, PAGE_TYPES["archive"])).find_all("a", href=True)]
    assert any(h.endswith(href_part) for h in archive)
    for other in ("", "a-z/", "themen/sozialplanung/", "themen/teilhabe/", "zielgruppen/sozial-benachteiligte/",
                  "regionen/dorsten/", "regionen/dorsten-innenstadt/"):
        links = [a.get("href") for a in article(page(site, other)).find_all("a", href=True)]
        assert not any(h.endswith(href_part) for h in links), other
    # the provider's page still lists it, marked as ended
    contact = article(page(site, "kontakte/stadt-dorsten/"))
    card = [li for li in contact.find_all("li", class_="nb-card") if "Sozialplanung" in li.text]
    assert card and "Beendet" in card[0].text


# -- events, contacts, places --------------------------------------------------------

def test_event_series_page(site):
    doc = page(site, PAGE_TYPES["event_series"])
    art = article(doc)
    assert art.find("h1").text == "Offener Treff MITTEndrin!"
    items = {li.find("time").get("datetime"): li.text for li in art.find("ul", class_="nb-dates").find_all("li")}
    assert items["2026-11-26T17:00+01:00"].startswith("Donnerstag, 26. November 2026, 17–19 Uhr")
    moved = items["2026-12-30T17:00+01:00"]
    assert "Verlegt" in moved and "statt Donnerstag, 31. Dezember 2026" in moved and "Silvester" in moved
    assert "2026-12-24T17:00+01:00" not in items  # except: no date at all
    assert "Abgesagt" in items["2027-01-07T17:00+01:00"]
    assert art.find("a", href="../../orte/begegnungsstaette-troisdorf-mitte/") is not None
    assert art.find("a", href="../../kontakte/amt-soziales-troisdorf/") is not None
    assert art.find("a", href="../../angebote/mittendrin-troisdorf/") is not None
    assert art.find("a", href="../../kalender/termine/mittendrin-offener-treff.ics") is not None
    assert art.find("aside", class_="nb-example") is not None


def test_cancelled_and_past_events(site):
    art = article(page(site, PAGE_TYPES["event_cancelled"]))
    assert "Abgesagt" in art.find("h1").text
    assert "Diese Veranstaltung ist abgesagt." in art.text
    assert art.find("del") is not None
    past = article(page(site, PAGE_TYPES["event_past"]))
    assert "hat schon stattgefunden" in past.text
    assert "Nur mit Einladung." in past.text
    assert past.find("time", datetime="2018-03-12") is not None
    archive = article(page(site, PAGE_TYPES["archive"]))
    assert archive.find("a", href="../veranstaltungen/sozialregionalkonferenz-doebeln-2018/") is not None
    cal = [a.get("href") for a in article(page(site, PAGE_TYPES["calendar"])).find_all("a", href=True)]
    assert not any("sozialregionalkonferenz" in h for h in cal)


def test_contact_pages_list_what_references_them(site):
    person = article(page(site, PAGE_TYPES["contact_person"]))
    assert "Ansprechperson" in person.text
    assert person.find("a", href="tel:+4922419009765").text == "02241 9009765"
    assert person.find("a", href="../amt-soziales-troisdorf/") is not None  # parent
    assert person.find("a", href="../../angebote/mittendrin-troisdorf/") is not None  # offer naming them
    # the invented info evening is the office's, not the real person's
    assert person.find("a", href="../../veranstaltungen/mittendrin-mentoring-infoabend/") is None
    office = article(page(site, "kontakte/amt-soziales-troisdorf/"))
    assert office.find("a", href="../../veranstaltungen/mittendrin-mentoring-infoabend/") is not None  # organiser
    org = article(page(site, PAGE_TYPES["contact_org"]))
    assert org.find("a", href="../amt-soziales-troisdorf/") is not None  # sub-unit
    assert org.find("a", href="../../angebote/mittendrin-troisdorf/") is not None  # provider of
    assert org.find("a", href="../../veranstaltungen/aktionstage-gegen-einsamkeit-2027/") is not None
    assert org.find("a", href="https://www.troisdorf.de/") is not None


def test_place_page_lists_offers_events_and_access(site):
    art = article(page(site, PAGE_TYPES["place"]))
    assert art.find("h1").text == "Begegnungsstätte in Troisdorf-Mitte"
    assert "Stufenlos erreichbar, auch mit Rollstuhl." in art.text
    assert "Barrierefreies WC vorhanden." in art.text
    assert "Wenige Gehminuten vom Bahnhof Troisdorf." in art.text
    assert art.find("a", href=re.compile(r"^https://www\.openstreetmap\.org/")) is not None
    assert art.find("a", href="../../angebote/mittendrin-troisdorf/") is not None
    card = [li for li in art.find_all("li", class_="nb-card") if "MITTEndrin" in li.text][0]
    assert "Do 17–19 Uhr" in card.text
    for eid in ("mittendrin-offener-treff", "mittendrin-mentoring-infoabend", "aktionstage-gegen-einsamkeit-2027"):
        assert art.find("a", href=f"../../veranstaltungen/{eid}/") is not None, eid
    assert art.find("a", href="../../regionen/troisdorf-mitte/") is not None


# -- index pages -----------------------------------------------------------------------

def test_term_pages(site):
    topic = article(page(site, PAGE_TYPES["topic"]))
    assert topic.find("a", href="../../angebote/mittendrin-troisdorf/") is not None
    assert topic.find("a", href="../../kalender/themen/einsamkeit/") is not None
    # a region includes the offers of its parts (Troisdorf ⊃ Troisdorf-Mitte)
    region = article(page(site, PAGE_TYPES["region"]))
    assert region.find("a", href="../../angebote/mittendrin-troisdorf/") is not None
    assert region.find("a", href="../troisdorf-mitte/") is not None
    group = article(page(site, PAGE_TYPES["target_group"]))
    assert group.find("a", href="../../angebote/im-netzwerk-moenchengladbach/") is not None
    topics = article(page(site, PAGE_TYPES["topics"]))
    for tid in ("beratung", "einsamkeit", "sozialplanung"):
        assert topics.find("a", href=f"{tid}/") is not None
    assert topics.find("svg") is not None  # topic icon, inline
    regions = article(page(site, PAGE_TYPES["regions"]))
    assert regions.find("a", href="troisdorf-mitte/") is not None


def test_a_to_z_lists_current_offers_by_letter(site):
    art = article(page(site, PAGE_TYPES["az"]))
    letters = [h.text for h in art.find_all("h2")]
    assert letters == ["I", "M", "T"], letters
    jump = art.find("nav", class_="nb-letters")
    assert [a.get("href") for a in jump.find_all("a")] == ["#buchstabe-i", "#buchstabe-m", "#buchstabe-t"]
    names = [a.text for a in art.find_all("a", class_="nb-card__title")]
    assert names == ["IM Netzwerk – Mentoring für Geflüchtete in Mönchengladbach", "MITTEndrin! Statt nur dabei.",
                     "ThINKA Landkreis Sömmerda – Kontaktbüro für soziale Integration"]


def test_calendar_groups_upcoming_dates_by_day(site):
    art = article(page(site, PAGE_TYPES["calendar"]))
    days = art.find_all("h2", id=re.compile(r"^tag-"))
    assert days[0].find("time").get("datetime") == "2026-11-24"
    assert days[0].text == "Dienstag, 24. November 2026"
    labels = [d.text for d in days]
    assert "Donnerstag, 3. Dezember 2026" in labels
    dec3 = days[labels.index("Donnerstag, 3. Dezember 2026")]
    items = dec3.parent.children[dec3.parent.children.index(dec3) + 1:]
    first_list = next(x for x in items if not isinstance(x, str) and x.tag == "ul")
    texts = [li.text for li in first_list.find_all("li")]
    assert any("17–19 Uhr" in t and "Offener Treff MITTEndrin!" in t for t in texts), texts
    assert any("Abgesagt" in t and "Infoabend Ehrenamt" in t for t in texts), texts
    # eight weeks: 2026-11-22 .. 2027-01-17
    assert days[-1].find("time").get("datetime") <= "2027-01-17"
    assert "2027-02-05" not in [d.find("time").get("datetime") for d in days]
    # feeds and filters (pages, no JavaScript needed)
    hrefs = [a.get("href") for a in art.find_all("a", href=True)]
    assert "alle.ics" in hrefs
    assert "webcal://nahbei.example.org/kalender/alle.ics" in hrefs
    assert "themen/begegnung/" in hrefs and "zielgruppen/familien/" in hrefs and "regionen/troisdorf/" in hrefs
    term = article(page(site, PAGE_TYPES["calendar_term"]))
    assert term.find("h1").text == "Kalender: Begegnung und Treffpunkte"
    assert term.find("a", href="../../../veranstaltungen/mittendrin-offener-treff/") is not None
    assert term.find("a", href="../../../veranstaltungen/im-netzwerk-kennenlerntreffen/") is None
    assert term.find("a", href="../begegnung.ics") is not None


SUBSCRIBE_BLOCKS = {
    # page: the feed its block offers
    "calendar": "kalender/alle.ics",
    "calendar_term": "kalender/themen/begegnung.ics",
    "topic": "kalender/themen/einsamkeit.ics",
    "offer": "kalender/angebote/mittendrin-troisdorf.ics",
    "place": "kalender/orte/begegnungsstaette-troisdorf-mitte.ics",
    "contact_org": "kalender/veranstalter/amt-soziales-troisdorf.ics",
}


@pytest.mark.parametrize("kind", sorted(SUBSCRIBE_BLOCKS))
def test_subscribe_block_offers_webcal_https_copy_and_help(site, kind):
    feed = SUBSCRIBE_BLOCKS[kind]
    assert (site / feed).is_file(), f"{feed} not written"
    path = PAGE_TYPES[kind] if kind != "contact_org" else "kontakte/amt-soziales-troisdorf/"
    block = article(page(site, path)).find("div", class_="nb-subscribe")
    assert block is not None, f"{kind}: no subscribe block"
    hrefs = [a.get("href") for a in block.find_all("a", href=True)]
    assert f"webcal://nahbei.example.org/{feed}" in hrefs
    field = block.find("input", id="nb-feed-url")
    assert field is not None and field.has("readonly")
    assert field.get("value") == f"https://nahbei.example.org/{feed}"
    label = block.find("label")
    assert label is not None and label.get("for") == "nb-feed-url" and label.text.strip()
    button = block.find("button", class_="nb-copy")
    # hidden until nahbei.js runs: without JavaScript the field is the way to copy
    assert button is not None and button.has("hidden") and button.get("data-nb-copy") == "nb-feed-url"
    assert button.text.strip() == "Adresse kopieren"
    assert block.find("span", class_="nb-copy-status").get("role") == "status"
    help_links = [a for a in block.find_all("a", href=True)
                  if urljoin("https://x/" + path, a.get("href")) == "https://x/kalender/abonnieren/"]
    assert help_links and "Google" in help_links[0].text and "Android" in help_links[0].text


def test_subscribe_help_page_covers_five_calendar_apps(site):
    art = article(page(site, PAGE_TYPES["subscribe_help"]))
    assert art.find("h1").text == "Kalender abonnieren – so geht es"
    headings = {h.get("id"): h.text for h in art.find_all("h2")}
    for app, words in {"google": "Google Kalender", "apple": "iPhone", "outlook": "Outlook",
                       "thunderbird": "Thunderbird", "android": "Android"}.items():
        assert app in headings and words in headings[app], headings
        h = art.find("h2", id=app)
        siblings = h.parent.children[h.parent.children.index(h) + 1:]
        steps = next(x for x in siblings if not isinstance(x, str) and x.tag in ("ol", "h2"))
        assert steps.tag == "ol" and len(steps.find_all("li")) >= 3, app
    block = art.find("div", class_="nb-subscribe")
    assert block.find("input").get("value") == "https://nahbei.example.org/kalender/alle.ics"
    # the help page does not link to itself
    assert not [a for a in block.find_all("a", href=True) if a.get("href").endswith("abonnieren/")]
    assert "Per URL" in art.text and "Kalenderabo hinzufügen" in art.text and "Im Netzwerk" in art.text


def test_home_page(site, reviewed_site):
    doc = page(site, "")
    art = article(doc)
    assert art.find("h1").text == "Hilfe und Treffpunkte in Ihrer Nähe"
    phrases = [a.text for a in art.find("ul", class_="nb-phrases").find_all("a")]
    assert "Angebote für Familien" in phrases and "Angebote für Geflüchtete" in phrases
    tiles = art.find("ul", class_="nb-tiles")
    assert tiles.find("a", href="themen/beratung/") is not None
    events = art.find("ul", class_="nb-events").find_all("li")
    assert 1 <= len(events) <= 5
    assert events[0].find("time").get("datetime").startswith("2026-11-24")
    assert art.find("a", href="kalender/") is not None
    # recently reviewed: nothing in the example content is reviewed, so no such list
    assert art.find("h2", id="neu-geprueft") is None
    assert "Zuletzt geprüft" not in art.text
    real = article(page(reviewed_site, ""))
    recent = real.find("h2", id="neu-geprueft")
    assert recent is not None
    cards = recent.parent.children[recent.parent.children.index(recent) + 1:]
    listed = next(x for x in cards if not isinstance(x, str) and x.tag == "ul")
    assert listed.find("a", href="angebote/mittendrin-troisdorf/") is not None
    assert listed.find("time", datetime="2026-11-01") is not None


def test_legal_pages_from_settings(site):
    imprint = article(page(site, PAGE_TYPES["imprint"]))
    assert "nahbei Beispielverzeichnis (Muster e. V.)" in imprint.text
    assert "Musterstraße 1" in imprint.text and "53840 Troisdorf" in imprint.text
    assert imprint.find("a", href="mailto:kontakt@nahbei.example.org") is not None
    assert imprint.find("a", href="tel:+4922419009765") is not None
    assert imprint.find("aside", class_="nb-example") is not None
    privacy = article(page(site, PAGE_TYPES["privacy"]))
    assert "keine Cookies" in privacy.text and "GitHub Pages" in privacy.text
    a11y = article(page(site, PAGE_TYPES["accessibility"]))
    assert a11y.find("h1").text == "Erklärung zur Barrierefreiheit"
    assert a11y.find("a", href="mailto:barrierefreiheit@nahbei.example.org") is not None
    assert a11y.find("a", href="https://www.schlichtungsstelle-bgg.de/") is not None
    assert "BITV 2.0" in a11y.text
    assert a11y.find("time", datetime="2026-11-22") is not None


def test_not_found_page_is_german(site):
    doc = page(site, PAGE_TYPES["not_found"])
    assert doc.find("h1").text == "Seite nicht gefunden"
    assert doc.lang == "de"
    hrefs = [a.get("href") for a in doc.find("article").find_all("a", href=True)]
    assert "/a-z/" in hrefs and "/kalender/" in hrefs


# -- structured data ---------------------------------------------------------------------
# JSON-LD goes to search engines, which cannot tell an invented fact from a real one:
# example entries have none, and a real entry's JSON-LD leaves out the example
# entries it refers to. The rich cases are read from reviewed_site (all real but
# one place, EXAMPLE_PLACE).

def _ld(site, path):
    data = page(site, path).json_ld()
    assert len(data) == 1, data
    assert data[0]["@context"] == "https://schema.org"
    return data[0]


def test_jsonld_offer(reviewed_site):
    ld = _ld(reviewed_site, PAGE_TYPES["offer_hours"])
    assert ld["@type"] in ("Service", "GovernmentService")
    assert ld["name"].startswith("ThINKA")
    assert ld["url"] == "https://nahbei.example.org/angebote/thinka-soemmerda/"
    assert ld["provider"]["name"] == "Kontaktbüro ThINKA Landkreis Sömmerda"
    assert {"@type": "AdministrativeArea", "name": "Landkreis Sömmerda"} in ld["areaServed"]
    places = [c["serviceLocation"] for c in ld["availableChannel"] if "serviceLocation" in c]
    assert len(places) == 4
    assert places[0]["@type"] == "Place" and places[0]["address"]["addressLocality"] == "Sömmerda"
    spec = places[0]["openingHoursSpecification"][0]  # the hours at each place, once
    assert spec["@type"] == "OpeningHoursSpecification"
    assert spec["dayOfWeek"] == ["https://schema.org/Monday", "https://schema.org/Tuesday", "https://schema.org/Thursday"]
    assert (spec["opens"], spec["closes"]) == ("09:00", "12:00")
    assert "hoursAvailable" not in ld  # every place is in a channel: the hours are not repeated
    mittendrin = _ld(reviewed_site, PAGE_TYPES["offer"])
    channels = mittendrin.get("availableChannel", [])
    assert not [c for c in channels if "servicePhone" in c]  # the phone belongs to the contact person, not the offer
    assert mittendrin["offers"]["price"] == "0"
    # its place is an example: not in the offer's JSON-LD (no invented address or access)
    assert not [c for c in channels if "serviceLocation" in c]
    assert mittendrin["hoursAvailable"][0]["opens"] == "17:00"  # the (real) offer's own hours stay
    assert EXAMPLE_PLACE not in json.dumps(mittendrin) and "Begegnungsstätte" not in json.dumps(mittendrin)


def test_jsonld_event(reviewed_site):
    ld = _ld(reviewed_site, PAGE_TYPES["event_series"])
    assert ld["@type"] == "Event"
    assert ld["eventStatus"] == "https://schema.org/EventScheduled"
    assert ld["startDate"] == "2026-11-26T17:00+01:00"
    sched = ld["eventSchedule"]
    assert sched["@type"] == "Schedule" and sched["repeatFrequency"] == "P1W"
    assert sched["byDay"] == ["https://schema.org/Thursday"]
    assert sched["startTime"] == "17:00" and sched["endDate"] == "2027-06-24"
    assert "2027-01-07" in sched["exceptDate"]
    assert "location" not in ld  # the example place is left out
    assert ld["organizer"]["name"] == "Amt für Soziales, Wohnen und Integration"
    cancelled = _ld(reviewed_site, PAGE_TYPES["event_cancelled"])
    assert cancelled["eventStatus"] == "https://schema.org/EventCancelled"
    assert "eventSchedule" not in cancelled
    monthly = _ld(reviewed_site, "veranstaltungen/im-netzwerk-kennenlerntreffen/")
    assert monthly["eventSchedule"]["repeatFrequency"] == "P1M"
    assert monthly["eventSchedule"]["byMonthWeek"] == 2
    assert monthly["location"]["@type"] == "Place"
    assert monthly["location"]["address"]["addressLocality"] == "Mönchengladbach"


def test_jsonld_contact_and_place(reviewed_site):
    person = _ld(reviewed_site, PAGE_TYPES["contact_person"])
    assert person["@type"] == "Person"
    assert person["telephone"] == "+4922419009765"
    assert person["contactPoint"][0]["@type"] == "ContactPoint"
    assert person["worksFor"]["name"] == "Amt für Soziales, Wohnen und Integration"
    org = _ld(reviewed_site, PAGE_TYPES["contact_org"])
    assert org["@type"] in ("Organization", "GovernmentOrganization")
    assert org["url"] == "https://www.troisdorf.de/"
    place = _ld(reviewed_site, "orte/thinka-zentrale-soemmerda/")
    assert place["@type"] == "Place"
    assert place["address"]["@type"] == "PostalAddress" and place["address"]["addressLocality"] == "Sömmerda"
    assert {"@type": "LocationFeatureSpecification", "name": "wheelchairAccessible", "value": False} in place["amenityFeature"]
    assert page(reviewed_site, PAGE_TYPES["place"]).json_ld() == []  # EXAMPLE_PLACE


JSONLD_TYPES = {"angebote": {"Service", "GovernmentService"}, "veranstaltungen": {"Event"},
                "kontakte": {"Organization", "GovernmentOrganization", "Person"}, "orte": {"Place"}}


def test_every_real_entry_page_has_parseable_jsonld(reviewed_site):
    for folder, types in JSONLD_TYPES.items():
        pages = sorted((reviewed_site / folder).glob("*/index.html"))
        assert pages, folder
        for p in pages:
            data = parse_html(p).json_ld()
            if p.parent.name == EXAMPLE_PLACE:
                assert data == [], p
                continue
            assert len(data) == 1 and data[0]["@type"] in types, (p, data)
    assert page(reviewed_site, "").json_ld() == []


def test_example_entries_give_search_engines_no_jsonld(site):
    """Every entry of the example content is an example: no page of the example
    site hands its (partly invented) facts to search engines as structured data."""
    pages = [p for folder in JSONLD_TYPES for p in sorted((site / folder).glob("*/index.html"))]
    assert len(pages) == 26
    for p in all_pages(site):
        assert parse_html(p).json_ld() == [], p
        assert "application/ld+json" not in p.read_text("utf-8"), p


# -- open data ------------------------------------------------------------------------------

def test_open_data_json(site):
    counts = {}
    for name in ("offers", "events", "contacts", "places", "taxonomy"):
        doc = json.loads((site / "api" / f"{name}.json").read_text("utf-8"))
        assert doc["generated"] == "2026-11-22"
        counts[name] = doc.get("count")
    assert counts["offers"] == 4 and counts["contacts"] == 9 and counts["places"] == 7
    offers = {o["id"]: o for o in json.loads((site / "api/offers.json").read_text("utf-8"))["items"]}
    assert offers["sozialplanung-dorsten-innenstadt"]["ended"] is True
    assert offers["mittendrin-troisdorf"]["url"] == "angebote/mittendrin-troisdorf/"
    events = {e["id"]: e for e in json.loads((site / "api/events.json").read_text("utf-8"))["items"]}
    treff = events["mittendrin-offener-treff"]
    assert treff["next_dates"][0]["start"] == "2026-11-26T17:00+01:00"
    assert any(d["status"] == "moved" for d in treff["next_dates"])


def _api(site, name) -> dict:
    return {i["id"]: i for i in json.loads((site / "api" / f"{name}.json").read_text("utf-8"))["items"]}


def test_open_data_urls_are_built_pages(site):
    """Every record's url is a page the build wrote; consultation hours published
    as events have no page of their own: their url is their offer's page."""
    for name in ("offers", "events", "contacts", "places"):
        for ident, item in _api(site, name).items():
            assert (site / item["url"] / "index.html").is_file(), (name, ident, item["url"])
    derived = [i for i in _api(site, "events").values() if "derived_from" in i]
    assert derived and all(i["url"] == f"angebote/{i['derived_from']}/" for i in derived)


def _entry_files(folder) -> dict:
    return {f.stem: yaml.safe_load(f.read_text("utf-8")) for f in sorted((REPO / "content" / folder).glob("*.yaml"))}


def test_open_data_marks_every_example_record(site, reviewed_site):
    """api/*.json is read by machines: each record of an example entry carries its
    example_data as written; a consultation-hours series carries its offer's."""
    offers = _entry_files("offers")
    for name in ("offers", "events", "contacts", "places"):
        items, files = _api(site, name), _entry_files(name)
        assert set(files) <= set(items)
        for ident, item in items.items():
            source = files.get(ident) or offers[item["derived_from"]]
            assert item["example_data"] == source["example_data"], (name, ident)
            assert "last_reviewed" not in item, (name, ident)
    assert len([i for i in _api(site, "events").values() if "derived_from" in i]) == 2
    # a real entry has no marking, and its review date
    real = _api(reviewed_site, "offers")["thinka-soemmerda"]
    assert "example_data" not in real and real["last_reviewed"] == "2026-11-01"
    assert _api(reviewed_site, "places")[EXAMPLE_PLACE]["example_data"]


# -- failure, escaping, overrides -------------------------------------------------------------

def test_invalid_content_stops_build_with_check_messages(tmp_path):
    root = copy_project(tmp_path / "project")
    offer = root / "content" / "offers" / "mittendrin-troisdorf.yaml"
    offer.write_text(offer.read_text("utf-8").replace("status: active", "status: aktiv"), "utf-8")
    check = subprocess.run([sys.executable, "-m", "nahbei.cli", "check"], cwd=root, env=ENV,
                           capture_output=True, text=True)
    expected = [line for line in check.stdout.splitlines() if ": Fehler: " in line]
    assert check.returncode == 1 and expected, check.stdout + check.stderr
    assert expected[0].startswith("content/offers/mittendrin-troisdorf.yaml:")
    out = tmp_path / "out"
    proc = mkdocs_build(root / "mkdocs.yml", out)
    assert proc.returncode != 0
    for line in expected:
        assert line in proc.stderr, proc.stderr
    assert "Traceback" not in proc.stderr
    assert not list(out.rglob("*.html")) if out.exists() else True


@pytest.fixture(scope="module")
def variant_site(tmp_path_factory) -> Path:
    """A copy with an awkward name (quotes, &, <) and a site-level template override."""
    root = copy_project(tmp_path_factory.mktemp("variant") / "project")
    offer = root / "content" / "offers" / "im-netzwerk-moenchengladbach.yaml"
    text = offer.read_text("utf-8").replace(
        "name: IM Netzwerk – Mentoring für Geflüchtete in Mönchengladbach",
        "name: 'Treff \"Kaffee & Kuchen\" für 5 < 6 Leute'")
    offer.write_text(text, "utf-8")
    mark_reviewed(offer, "2026-11-01")  # a real entry: its name goes into JSON-LD too
    # a second weekly slot of consultation hours at one place (published as events)
    thinka = root / "content" / "offers" / "thinka-soemmerda.yaml"
    text = thinka.read_text("utf-8")
    slot = '        - days: [di]\n          opens: "10:00"\n          closes: "12:00"\n'
    assert text.count(slot) == 1
    thinka.write_text(text.replace(slot, slot + '        - days: [fr]\n          opens: "14:00"\n'
                                   '          closes: "16:30"\n'), "utf-8")
    (root / "overrides" / "nahbei").mkdir(parents=True, exist_ok=True)
    (root / "overrides" / "nahbei" / "place.html").write_text(
        '{% extends "nahbei/base.html" %}{% block body %}<p id="override">Eigene Vorlage: {{ view.name }}</p>{% endblock %}',
        "utf-8")
    out = root / "site"
    proc = mkdocs_build(root / "mkdocs.yml", out)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return out


def test_titles_and_texts_are_escaped(variant_site):
    f = variant_site / "angebote" / "im-netzwerk-moenchengladbach" / "index.html"
    raw = f.read_text("utf-8")
    doc = parse_html(f)
    name = 'Treff "Kaffee & Kuchen" für 5 < 6 Leute'
    assert doc.find("h1").text == name
    assert doc.title.startswith(name)
    assert "5 < 6" not in raw  # always written as 5 &lt; 6
    assert doc.find("article").has("data-pagefind-body")
    assert json.loads(doc.find("script", type="application/ld+json").text)["name"] == name
    errors = run_vnu(f)
    assert not errors, format_vnu(errors)


def test_consultation_hours_at_one_place_have_one_heading(variant_site):
    """Two weekly series at one place (WCAG 2.4.6, 2.4.4): one heading for the
    place, its next dates merged in order, one download per series, each link
    named by its days and hours."""
    f = variant_site / "angebote" / "thinka-soemmerda" / "index.html"
    art = parse_html(f).find("article")
    h2 = art.find("h2", id="termine")
    siblings = [c for c in h2.parent.children if not isinstance(c, str)]
    section = []
    for el in siblings[siblings.index(h2) + 1:]:
        if el.tag == "h2" or "nb-more" in el.classes:
            break
        section.append(el)
    headings = [el.text for el in section if el.tag == "h3"]
    assert headings.count("Außensprechstunde Buttstädt") == 1, headings
    assert len(headings) == len(set(headings)), headings
    at = next(i for i, el in enumerate(section) if el.tag == "h3" and el.text == "Außensprechstunde Buttstädt")
    dates = [t.get("datetime") for t in section[at + 1].find_all("time")]
    assert len(dates) == 3 and dates == sorted(dates), dates
    assert {d[11:16] for d in dates} == {"10:00", "14:00"}, dates  # Tuesdays and Fridays
    links = [a for el in section[at + 2:at + 4] for a in el.find_all("a", class_="nb-ics")]
    assert [a.get("href").rsplit("/", 1)[1] for a in links] == [
        "thinka-soemmerda--aussensprechstunde-buttstaedt-1.ics", "thinka-soemmerda--aussensprechstunde-buttstaedt-2.ics"]
    assert [a.text for a in links] == [
        "„Außensprechstunde Buttstädt, Di 10–12 Uhr“ in den eigenen Kalender übernehmen (.ics-Datei)",
        "„Außensprechstunde Buttstädt, Fr 14–16:30 Uhr“ in den eigenen Kalender übernehmen (.ics-Datei)"]
    for a in links:
        assert (f.parent / a.get("href")).resolve().is_file()
    errors = run_vnu(f)
    assert not errors, format_vnu(errors)


def test_site_templates_override_plugin_templates(variant_site):
    doc = parse_html(variant_site / "orte" / "volkshaus-doebeln" / "index.html")
    assert doc.find("p", id="override").text == "Eigene Vorlage: Volkshaus Döbeln"
    assert doc.find("footer") is not None


def test_serve_watches_content_and_schemas():
    """`mkdocs serve` rebuilds when content/ or schemas/ change."""
    from mkdocs.config import load_config

    config = load_config(str(REPO / "mkdocs.yml"))
    plugin = config.plugins["nahbei/directory"]
    config = plugin.on_config(config)

    class Server:
        watched: list[str] = []

        def watch(self, path, *args, **kwargs):
            self.watched.append(str(Path(path).resolve()))

    server = Server()
    try:
        assert plugin.on_serve(server, config=config, builder=None) is server
        # MkDocs' server polls only the small folder the system's change events write to (mkdocs/watch.py)
        assert server.watched == [str(plugin.watch.signal_folder.resolve())]
        observed = {str(Path(e.watch.path).resolve()) for e in plugin.watch.observer.emitters}
        assert observed == {str((REPO / "content").resolve()), str((REPO / "schemas").resolve())}
        assert all(e.watch.is_recursive for e in plugin.watch.observer.emitters)
    finally:
        plugin.on_shutdown()
    assert not plugin.watch.running


# -- the Merkzettel: its page, its script, the QR codes (the browser side: test_shortlist_browser.py)

def test_entry_pages_of_the_shortlist_kinds_carry_a_qr_code_of_their_address(site):
    # none for the ended offer and the past event: nobody is sent there
    without = {"angebote/sozialplanung-dorsten-innenstadt", "veranstaltungen/sozialregionalkonferenz-doebeln-2018"}
    read = 0
    for folder in ("angebote", "veranstaltungen", "orte", "kontakte"):
        pages = sorted((site / folder).glob("*/index.html"))
        assert pages
        for p in pages:
            html = parse_html(p)
            coded = html.find_all(**{"data-nb-qr": True})
            if folder == "kontakte" or p.parent.relative_to(site).as_posix() in without:
                assert not coded, p
                continue
            assert len(coded) == 1 and "nb-keep" in coded[0].classes, p
            canonical = html.find("link", rel="canonical")["href"]
            assert canonical.startswith("https://nahbei.example.org/")
            assert read_code(coded[0]["data-nb-qr"]) == canonical, p
            read += 1
    assert read >= 10  # offers, events and places of the example
    assert not list(site.rglob("qr.svg"))  # the codes travel in the pages, no file each


def test_shortlist_script_carries_the_site_texts_and_every_page_loads_it(site):
    source = (site / "assets/nahbei/shortlist.js").read_text("utf-8")
    head, _, rest = source.partition(";\n")
    assert head.startswith("var nahbeiShortlistConfig = ")
    settings = json.loads(head.split("=", 1)[1])
    assert settings["page"] == "merkzettel/" and settings["qr"] is True and settings["lang"] == "de"
    assert settings["segments"] == {"offer": "angebote", "event": "veranstaltungen", "place": "orte"}
    assert settings["texts"]["keep"] == "Merken"
    assert "localStorage" in rest and "document.cookie" not in rest
    for path in (PAGE_TYPES["offer"], "merkzettel/", ""):
        scripts = page(site, path).find_all("script", src=True)
        assert any(s["src"].endswith("assets/nahbei/shortlist.js") and s.has("defer") for s in scripts), path


def test_shortlist_page_says_what_it_needs_and_where_it_keeps_the_list(site):
    doc = page(site, "merkzettel/")
    art = article(doc)
    assert art.find("h1").text.strip() == "Merkzettel"
    assert "JavaScript" in art.find(class_="nb-shortlist-nojs").text
    assert art.find(**{"data-nb-shortlist": True}).has("hidden")  # shown by the script
    nav = doc.find("nav", class_="md-nav--primary")
    assert "Merkzettel" in [a.text.strip() for a in nav.find_all("a", class_="md-nav__link")]
    privacy = article(page(site, "datenschutz/")).text
    assert "Merkzettel" in privacy and "localStorage" in privacy and "kein Cookie" in privacy


def test_open_data_page_names_the_hsds_files_and_the_licence(site):
    """The page "Offene Daten" links the HSDS index and the first services
    page the build wrote, and names the licence mkdocs.yml gives."""
    doc = page(site, "offene-daten")
    art = article(doc)
    assert doc.find("h1").text == "Offene Daten"
    f = site / "offene-daten" / "index.html"
    hrefs = {a.text: a["href"] for a in art.find_all("a", href=True)}
    index_link = next(h for label, h in hrefs.items() if "index.json" in label)
    index = json.loads(_resolve(site, f, index_link).read_text("utf-8"))
    assert index["version"] == "3.0" and index["timezone"] == "Europe/Berlin"
    services = next(h for label, h in hrefs.items() if "HSDS-Liste" in label)
    first = json.loads(_resolve(site, f, services).read_text("utf-8"))
    offers = sorted((REPO / "content" / "offers").glob("*.yaml"))
    assert first["total_items"] == len(offers)
    assert {s["name"] for s in first["contents"]} == {
        yaml.safe_load(o.read_text("utf-8"))["name"] for o in offers}
    assert "CC BY 4.0" in hrefs, hrefs
    # the open-data page is in the main navigation, like the other general pages
    assert any(a.text == "Offene Daten" for nav in doc.find_all("nav") for a in nav.find_all("a"))
