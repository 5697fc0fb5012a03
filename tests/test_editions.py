"""The site in each of its languages (issue 13): the editions below /en/, /ar/,
/uk/ of the example site (mkdocs.yml languages: [de, en, ar, uk]), read back
with an HTML parser from a real `mkdocs build --strict` (conftest example_site)."""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml

if __package__ in (None, "") and str(Path(__file__).resolve().parents[1]) not in sys.path:
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.support.htmlcheck import parse_html

from nahbei.i18n import t

REPO = Path(__file__).resolve().parents[1]
LOCALES = REPO / "plugins" / "nahbei" / "locales"
EDITIONS = ("en", "ar", "uk")
NAMES = {"de": "Deutsch", "en": "English", "ar": "العربية", "uk": "Українська"}
OFFERS = sorted(p.stem for p in (REPO / "content" / "offers").glob("*.yaml"))


def offer_data(ident: str) -> dict:
    return yaml.safe_load((REPO / "content" / "offers" / f"{ident}.yaml").read_text("utf-8"))


def translated(ident: str, lang: str) -> bool:
    block = (offer_data(ident).get("translations") or {}).get(lang) or {}
    return bool(block.get("name") and block.get("summary"))


def target(site: Path, page: Path, href: str) -> Path:
    path = urlsplit(href).path
    out = (page.parent / path).resolve()
    return out / "index.html" if href.endswith("/") or out.is_dir() else out


def in_german(el) -> bool:
    """Inside an element marked as German (lang="de"), the element itself included."""
    return any(x.get("lang") == "de" for x in (el, *el.ancestors()))


def _logo_and_name(doc):
    header = doc.find("header", class_="md-header")
    logo = header.find("a", class_="md-logo")
    name = header.find("div", class_="md-header__topic").find("span", class_="md-ellipsis")
    return logo, name


def test_editions_name_the_site_in_their_language_and_their_logo_leads_home(example_site):
    """The site's name in each edition from the site's own locale file
    (locales/<lang>.yaml: site.name; mkdocs.yml's site_name is the German one),
    in the header and the window's title; the logo leads to the edition's home
    page, not to the German one (which would change the reader's language)."""
    names = {lang: yaml.safe_load((REPO / "locales" / f"{lang}.yaml").read_text("utf-8"))["site"]["name"]
             for lang in EDITIONS}
    german = re.search(r"^site_name: (.+)$", (REPO / "mkdocs.yml").read_text("utf-8"), re.M)[1]
    for lang in ("de", *EDITIONS):
        root = example_site if lang == "de" else example_site / lang
        name = german if lang == "de" else names[lang]
        assert name and (lang == "de" or name != german)
        pages = [root / "index.html", root / "angebote" / "thinka-soemmerda" / "index.html", root / "a-z" / "index.html"]
        for f in pages:
            doc = parse_html(f)
            logo, shown = _logo_and_name(doc)
            assert shown.text.strip() == name and shown.get("lang") is None, (f, shown)
            assert logo.get("aria-label") == name and logo.get("lang") is None, f
            assert target(example_site, f, logo.get("href")) == root / "index.html", (f, logo.get("href"))
            title = doc.find("title").text
            assert title == name if f == pages[0] else title.endswith(" - " + name), (f, title)


def _site_texts() -> list[str]:
    """mkdocs.yml's German free texts that pages show: the copyright line and the legal pages' texts."""
    config = (REPO / "mkdocs.yml").read_text("utf-8")
    keys = ("copyright", "operator", "responsible", "hosting", "enforcement_body", "example_data")
    found = [m[1].strip() for key in keys for m in re.finditer(rf"^\s*{key}: (.+)$", config, re.M)]
    assert len(found) == len(keys), found
    return found


@pytest.mark.parametrize("lang", ("en", "ar"))
def test_mkdocs_yml_german_texts_are_translated_or_marked_german(example_site, lang):
    """The copyright line (translated in the site's locales/<lang>.yaml: site.copyright)
    and the legal pages' texts from mkdocs.yml (German: marked lang="de") on every page."""
    texts = _site_texts()
    copyright_line = yaml.safe_load((REPO / "locales" / f"{lang}.yaml").read_text("utf-8"))["site"]["copyright"]
    shown = 0
    for f in sorted((example_site / lang).rglob("*.html")):
        doc = parse_html(f)
        highlight = doc.find("div", class_="md-copyright__highlight")
        assert highlight.text.strip() == copyright_line and not in_german(highlight), f
        for el in doc.find("body").iter():
            own = " ".join("".join(c for c in el.children if isinstance(c, str)).split())
            for text in texts:
                if text in own:
                    shown += 1
                    assert in_german(el), (f.relative_to(example_site), el, text)
    assert shown >= 6  # imprint, privacy, accessibility statement


@pytest.mark.parametrize("lang", EDITIONS)
def test_edition_pages_carry_their_language_and_direction(example_site, lang):
    pages = sorted((example_site / lang).rglob("*.html"))
    assert len(pages) > 30
    for f in pages:
        doc = parse_html(f)
        assert doc.lang == lang, f
        body = doc.find("body")
        assert body.get("dir") == ("rtl" if lang == "ar" else "ltr"), f
        assert doc.h1_count == 1, f


@pytest.mark.parametrize("lang", EDITIONS)
def test_translated_offer_has_its_page_and_the_switcher_leads_to_the_same_entry(example_site, lang):
    ident = next(i for i in OFFERS if translated(i, lang))
    page = example_site / lang / "angebote" / ident / "index.html"
    doc = parse_html(page)
    assert doc.find("h1").text.strip() == offer_data(ident)["translations"][lang]["name"].strip()
    switcher = doc.find("nav", class_="nb-languages")
    assert switcher is not None
    items = switcher.find_all("li")
    assert [x.text.strip() for x in items] == [NAMES[c] for c in ("de", "en", "ar", "uk")]
    current = [x for x in items if x.find("span", **{"aria-current": "page"})]
    assert len(current) == 1 and current[0].text.strip() == NAMES[lang]
    for a in switcher.find_all("a", href=True):
        code = a.get("lang")
        assert a.get("hreflang") == code and code in NAMES
        to = target(example_site, page, a.get("href"))
        assert to.is_file(), a.get("href")
        other = parse_html(to)
        assert other.lang == code
        assert to.parent.name == ident  # the same entry, in that language
    alternates = {x.get("hreflang"): x.get("href") for x in doc.find_all("link", hreflang=True)
                  if "alternate" in (x.get("rel") or "").split()}
    assert set(alternates) == {"de", "en", "ar", "uk", "x-default"}
    assert alternates["x-default"] == alternates["de"]
    assert alternates[lang].endswith(f"/{lang}/angebote/{ident}/")


def test_german_only_offer_has_no_alternates_and_its_switcher_leads_to_each_home(example_site):
    ident = next(i for i in OFFERS if not any(translated(i, c) for c in EDITIONS))
    page = example_site / "angebote" / ident / "index.html"
    doc = parse_html(page)
    assert not doc.find_all("link", hreflang=True)
    for a in doc.find("nav", class_="nb-languages").find_all("a", href=True):
        assert target(example_site, page, a.get("href")) == (example_site / a.get("lang") / "index.html").resolve()
    for lang in EDITIONS:
        assert not (example_site / lang / "angebote" / ident).exists()


@pytest.mark.parametrize("lang", EDITIONS)
def test_every_offer_is_reachable_from_each_edition_with_german_ones_marked(example_site, lang):
    """A–Z (current offers) and the archive (ended ones) of an edition reach every
    offer; one without a page in that language leads to the German page, its name
    marked lang="de" and followed by the note in the reader's language."""
    note = f"({t('ui.languages.german_only', lang)})"
    reached = set()
    for index in ("a-z", "archiv"):
        page = example_site / lang / index / "index.html"
        doc = parse_html(page)
        for a in doc.find_all("a", class_="nb-card__title"):
            to = target(example_site, page, a.get("href"))
            assert to.is_file(), a.get("href")
            rel = to.relative_to(example_site.resolve()).parts
            german = rel[0] != lang
            assert (a.get("lang") == "de" and a.get("hreflang") == "de") == german, a
            assert (note in a.parent.text) == german, a.parent.text
            if "angebote" in rel[:2]:  # (the archive lists past events too)
                ident = rel[-2]
                assert translated(ident, lang) != german
                reached.add(ident)
    assert reached == set(OFFERS)
    assert any(not translated(i, lang) for i in reached)  # the fallback is shown at all


@pytest.mark.parametrize("lang", EDITIONS)
def test_event_links_in_an_edition_calendar_are_marked_when_german(example_site, lang):
    page = example_site / lang / "kalender" / "index.html"
    doc = parse_html(page)
    links = [a for a in doc.find_all("a", href=True) if "/veranstaltungen/" in a.get("href")
             or "/angebote/" in a.get("href")]
    assert links
    note = f"({t('ui.languages.german_only', lang)})"
    for a in links:
        to = target(example_site, page, a.get("href"))
        assert to.is_file()
        german = to.relative_to(example_site.resolve()).parts[0] != lang
        assert (a.get("lang") == "de") == german, a
        assert (note in a.parent.text) == german


def _german_interface_strings(lang: str) -> set[str]:
    """The German catalogue's texts that the ``lang`` catalogue has in other words
    (whole texts without placeholders, long enough not to be a name)."""
    de = yaml.safe_load((LOCALES / "de.yaml").read_text("utf-8"))
    other = yaml.safe_load((LOCALES / f"{lang}.yaml").read_text("utf-8"))
    out = set()

    def walk(a, b):
        for key, value in a.items():
            theirs = b.get(key) if isinstance(b, dict) else None
            if isinstance(value, dict):
                walk(value, theirs or {})
            elif isinstance(value, str) and "{" not in value and len(value) >= 12 and theirs and theirs != value:
                out.add(value.strip())
    walk(de["ui"], other["ui"])
    return out


@pytest.mark.parametrize("lang", ("en", "ar"))
def test_no_german_interface_text_outside_german_marked_parts(example_site, lang):
    german = _german_interface_strings(lang)
    assert len(german) > 100
    checked = 0
    for f in sorted((example_site / lang).rglob("*.html")):
        doc = parse_html(f)
        body = doc.find("body")
        for el in body.iter():
            if el.tag in ("script", "style") or in_german(el):
                continue
            # the element's own text (its children are checked on their own) and its labels
            own = [" ".join("".join(c for c in el.children if isinstance(c, str)).split())]
            own += [el.get(x) or "" for x in ("aria-label", "title", "alt", "placeholder")]
            for text in german:
                assert not any(text in x for x in own), (f.relative_to(example_site), el, text)
        checked += 1
    assert checked > 30


def _build(project: Path, dest: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "SOURCE_DATE_EPOCH": "1795305600", "NO_MKDOCS_2_WARNING": "1"}
    env.pop("NAHBEI_SITE_URL", None)
    env["NAHBEI_MAP_TILES"] = str(project / "no-tiles.pmtiles")
    return subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "-d", str(dest)],
                          cwd=project, env=env, capture_output=True, text=True, timeout=300)


def _project(dest: Path, languages: str) -> Path:
    """The example site in a folder of its own, with other site languages."""
    dest.mkdir(parents=True)
    config = (REPO / "mkdocs.yml").read_text("utf-8")
    assert "languages: [de, en, ar, uk]" in config
    (dest / "mkdocs.yml").write_text(config.replace("languages: [de, en, ar, uk]", f"languages: {languages}"), "utf-8")
    for folder in ("docs", "overrides", "content"):
        shutil.copytree(REPO / folder, dest / folder)
    return dest


def _pseudo(tree):
    """A made-up translation of a locale tree: every text marked, placeholders kept."""
    if isinstance(tree, dict):
        return {k: _pseudo(v) for k, v in tree.items()}
    return f"⟦{tree}⟧" if isinstance(tree, str) else tree


def test_a_language_is_one_line_in_mkdocs_yml_and_one_locale_file(tmp_path):
    """Esperanto, which nahbei does not ship: `languages: [de, eo]` plus the
    site's own locales/eo.yaml (here a made-up pseudo-translation of en.yaml)
    give a whole edition below /eo/ in that language, every entry reachable."""
    project = _project(tmp_path / "project", "[de, eo]")
    (project / "locales").mkdir()
    english = yaml.safe_load((LOCALES / "en.yaml").read_text("utf-8"))
    (project / "locales" / "eo.yaml").write_text(yaml.safe_dump(_pseudo(english), allow_unicode=True), "utf-8")
    site = tmp_path / "site"
    proc = _build(project, site)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert not (site / "en").exists()
    pages = sorted((site / "eo").rglob("*.html"))
    assert len(pages) > 30
    german = _german_interface_strings("en")
    for f in pages:
        doc = parse_html(f)
        assert doc.lang == "eo" and doc.find("body").get("dir") == "ltr"
        for el in doc.find("body").iter():
            if el.tag in ("script", "style") or in_german(el):
                continue
            own = " ".join("".join(c for c in el.children if isinstance(c, str)).split())
            assert not any(text in own for text in german), (f, el, own)
    home = parse_html(site / "eo" / "index.html")
    assert home.find("h1").text == f"⟦{english['ui']['home']['title']}⟧"
    # no site.name in Esperanto: the German name, marked German; the logo leads to the Esperanto home
    german = re.search(r"^site_name: (.+)$", (REPO / "mkdocs.yml").read_text("utf-8"), re.M)[1]
    logo, name = _logo_and_name(home)
    assert (name.text.strip(), name.get("lang"), logo.get("lang")) == (german, "de", "de")
    assert target(site, site / "eo" / "index.html", logo.get("href")) == site / "eo" / "index.html"
    assert home.find("div", class_="md-copyright__highlight").get("lang") == "de"
    switcher = home.find("nav", class_="nb-languages")
    assert switcher.get("aria-label") == f"⟦{english['ui']['languages']['label']}⟧"
    assert [x.text.strip() for x in switcher.find_all("li")] == ["Deutsch", "Esperanto"]
    # no entry is translated into Esperanto: the A–Z leads to every current offer's German page
    az = site / "eo" / "a-z" / "index.html"
    links = parse_html(az).find_all("a", class_="nb-card__title")
    assert links and all(a.get("lang") == "de" for a in links)
    assert all(target(site, az, a.get("href")).is_file() for a in links)
    assert all(f"(⟦{english['ui']['languages']['german_only']}⟧)" in a.parent.text for a in links)


def test_a_language_without_interface_texts_stops_the_build(tmp_path):
    project = _project(tmp_path / "project", "[de, tr]")
    proc = _build(project, tmp_path / "site")
    assert proc.returncode != 0
    assert t("ui.build.no_locale", "de", languages="tr", folder="locales") in proc.stdout + proc.stderr
    assert not (tmp_path / "site" / "index.html").exists()


def test_sitemap_lists_each_page_with_its_alternates(example_site):
    import xml.etree.ElementTree as ET

    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9", "x": "http://www.w3.org/1999/xhtml"}
    root = ET.parse(example_site / "sitemap.xml").getroot()
    base = "https://nahbei.example.org/"
    entries = {}
    for url in root.findall("s:url", ns):
        loc = url.find("s:loc", ns).text
        assert loc.startswith(base)
        assert (example_site / loc[len(base):] / "index.html").is_file(), loc
        entries[loc[len(base):]] = {x.get("hreflang"): x.get("href") for x in url.findall("x:link", ns)}
    for lang in EDITIONS:
        assert sum(1 for path in entries if path.startswith(f"{lang}/")) > 30
    ident = next(i for i in OFFERS if all(translated(i, c) for c in EDITIONS))
    path = f"angebote/{ident}/"
    expected = {"de": base + path, "x-default": base + path, **{c: f"{base}{c}/{path}" for c in EDITIONS}}
    for page in (path, *(f"{c}/{path}" for c in EDITIONS)):
        assert entries[page] == expected, page
    german_only = next(i for i in OFFERS if not any(translated(i, c) for c in EDITIONS))
    assert entries[f"angebote/{german_only}/"] == {}


@pytest.mark.parametrize("lang", ("de", *EDITIONS))
def test_search_pages_have_the_switcher_and_their_alternates(example_site, lang):
    """nahbei/search's page in each edition: the same switcher, leading to the
    search page of each language, and the alternates in its <head>."""
    page = example_site / ("" if lang == "de" else lang) / "suche" / "index.html"
    doc = parse_html(page)
    assert doc.lang == lang
    links = {a.get("lang"): target(example_site, page, a.get("href"))
             for a in doc.find("nav", class_="nb-languages").find_all("a", href=True)}
    assert set(links) == set(NAMES) - {lang}
    for code, to in links.items():
        assert to == (example_site / ("" if code == "de" else code) / "suche" / "index.html").resolve()
    alternates = {x.get("hreflang") for x in doc.find_all("link", hreflang=True)}
    assert alternates == {"de", "en", "ar", "uk", "x-default"}
