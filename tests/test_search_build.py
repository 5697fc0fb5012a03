"""nahbei/search in a real `mkdocs build --strict` of the example site, indexed by
the real Pagefind (pagefind-bin) through Pagefind's Python API while the pages
are written: what is in the index (read back from Pagefind's own fragment
files), what is not, and what the pages carry; the index is the one the
Pagefind binary makes when run over the finished site, as the build did before.

Plus the plugin's switches: indexing skipped under `mkdocs serve`, a failing,
crashing or silent Pagefind stops the build, a hand-written search page wins.
"""
from __future__ import annotations

import asyncio
import gzip
import json
import os
import re
import shutil
import subprocess
import sys
import textwrap
import threading
from datetime import date
from pathlib import Path
from urllib.parse import parse_qs, urljoin, urlsplit

import pytest

if __package__ in (None, "") and str(Path(__file__).resolve().parents[1]) not in sys.path:
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.support.htmlcheck import parse_html

from nahbei.i18n import t
from nahbei.mkdocs.search import indexer
from nahbei.mkdocs.search.config import SearchConfig
from nahbei.mkdocs.search.records import RecordBuilder
from nahbei.model.check import check

REPO = Path(__file__).resolve().parents[1]
EPOCH = "1795305600"  # 2026-11-22 00:00 UTC
TODAY = date(2026, 11, 22)
ENV = {**os.environ, "SOURCE_DATE_EPOCH": EPOCH, "NO_MKDOCS_2_WARNING": "1"}
SEARCH_PATH = "suche/"


# -- helpers (also used by test_search_browser.py) -------------------------------------

def project_config(dest: Path, *, search_options: str = "", features: tuple[str, ...] = (),
                   docs_dir: Path | None = None, overrides_dir: Path | None = None,
                   content_dir: Path | None = None, directory_options: dict | None = None) -> Path:
    """The repository's mkdocs.yml, written to ``dest`` with absolute paths, so a
    variant can change plugin options or theme features without copying content
    (``directory_options``: more options of nahbei/directory, e.g. {"reuse_frames": "false"})."""
    text = (REPO / "mkdocs.yml").read_text("utf-8")
    extra = "".join(f"\n      {k}: {v}" for k, v in (directory_options or {}).items())
    replacements = {
        "docs_dir: docs": f"docs_dir: {docs_dir or REPO / 'docs'}",
        "custom_dir: overrides": f"custom_dir: {overrides_dir or REPO / 'overrides'}",
        "content_dir: content": f"content_dir: {content_dir or REPO / 'content'}{extra}",
    }
    for old, new in replacements.items():
        assert old in text, f"mkdocs.yml no longer contains {old!r}"
        text = text.replace(old, new)
    assert re.search(r"^  - nahbei/search$", text, re.M), "mkdocs.yml: '- nahbei/search' missing"
    if search_options:
        text = re.sub(r"^  - nahbei/search$", "  - nahbei/search:\n" + search_options.rstrip("\n"), text, flags=re.M)
    if features:
        text = text.replace("  features:\n", "  features:\n" + "".join(f"    - {f}\n" for f in features), 1)
    dest.mkdir(parents=True, exist_ok=True)
    path = dest / "mkdocs.yml"
    path.write_text(text, "utf-8")
    return path


def mkdocs_build(config: Path, site: Path, site_url: str | None = None) -> subprocess.CompletedProcess:
    env = {**ENV, "NAHBEI_SITE_URL": site_url} if site_url else ENV
    return subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-f", str(config), "-d", str(site)],
        cwd=REPO, env=env, capture_output=True, text=True, timeout=600,
    )


def build_example_site(dest: Path, site_url: str | None = None, **variant) -> Path:
    """Build the example site (strict) into ``dest/site``; variants as in project_config.
    ``site_url`` goes to mkdocs.yml's NAHBEI_SITE_URL."""
    config = project_config(dest / "project", **variant) if variant else REPO / "mkdocs.yml"
    site = dest / "site"
    proc = mkdocs_build(config, site, site_url)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return site


#: the example site's languages (mkdocs.yml nahbei/directory languages), its own first
LANGUAGES = ("de", "en", "ar", "uk")


def read_fragments(site: Path, lang: str = "de") -> dict[str, dict]:
    """Pagefind's page records of one language's index by URL ("/angebote/x/"):
    content, filters, meta (Pagefind names each fragment file after its language)."""
    out = {}
    for f in (site / "pagefind" / "fragment").glob(f"{lang}_*.pf_fragment"):
        raw = gzip.decompress(f.read_bytes())
        data = json.loads(raw[raw.index(b"{"):])
        out[data["url"]] = data
    return out


def binary_over_site(site: Path, dest: Path, directory) -> Path:
    """A copy of the built ``site`` indexed as the build did before: the Pagefind
    binary over the finished folder (``indexer.run``, with the plugin's default
    exclude_selectors as one comma-separated argument, as it passed them).

    The build sends each entry page's search record (filters, metadata, sort
    keys) only to Pagefind, not into the page it writes: the copy's entry pages
    get the record as the build made it, from ``directory`` (``expected_index``)."""
    from nahbei.mkdocs.search import markup

    copy = dest / "site"
    shutil.copytree(site, copy, ignore=lambda folder, names: ["pagefind"] if Path(folder) == site else [])
    for url, rec in expected_index(directory).items():
        page = copy / url.strip("/") / "index.html"
        html = page.read_text("utf-8")
        assert "data-pagefind-meta" not in html, f"{url}: the written page carries the search record"
        page.write_text(markup.mark_entry(html, rec), "utf-8")
    defaults = SearchConfig()
    defaults.load_dict({})
    assert not defaults.validate()[0]
    indexer.run(copy, extra_args=("--exclude-selectors", ", ".join(defaults.exclude_selectors)))
    return copy


def example_directory():
    result = check(REPO / "content", today=TODAY, root=REPO)
    assert not result.errors
    return result.directory


def expected_index(directory) -> dict[str, object]:
    """URL -> record for every entry page that belongs in the index."""
    builder = RecordBuilder(directory, "de")
    folders = {"offer": "angebote", "event": "veranstaltungen", "contact": "kontakte", "place": "orte"}
    collections = {"offer": directory.offers, "event": directory.events,
                   "contact": directory.contacts, "place": directory.places}
    out = {}
    for kind, entries in collections.items():
        for ident in entries:
            rec = builder.record(kind, ident)
            if rec is not None:
                out[f"/{folders[kind]}/{ident}/"] = rec
    return out


def keyword_only_word(directory, fragments) -> tuple[str, str]:
    """(word, offer id): a keyword of a current offer that appears in no page's
    indexed text and in no other entry's keywords."""
    texts = " ".join(f["content"] for f in fragments.values()).lower()
    all_keywords = [(o.id, k) for o in directory.current_offers() for k in o.get("keywords", ())]
    for oid, kw in sorted(all_keywords):
        word = kw.strip()
        if " " in word or len(word) < 5:
            continue
        stem = word.lower()[:5]  # no inflected form in the text either
        if stem in texts:
            continue
        if sum(1 for _, k in all_keywords if k.lower().startswith(stem)) != 1:
            continue
        return word, oid
    raise AssertionError("the example content has no keyword that appears only in keywords")


# -- the example site ------------------------------------------------------------------

@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    return build_example_site(tmp_path_factory.mktemp("search-build"))


@pytest.fixture(scope="module")
def fragments(site):
    return read_fragments(site)


@pytest.fixture(scope="module")
def directory():
    return example_directory()


@pytest.fixture(scope="module")
def binary_site(site, tmp_path_factory, directory) -> Path:
    return binary_over_site(site, tmp_path_factory.mktemp("search-binary"), directory)


def test_index_is_the_one_the_binary_makes_over_the_site(site, fragments, binary_site):
    """Pages fed while written (only their marked content) give Pagefind the
    same records as the whole finished pages read from disk: text, word count,
    filters, metadata, sort keys, headings (anchors). Only the page numbers
    follow the build's order instead of the folder walk's."""
    theirs = read_fragments(binary_site)
    assert len(fragments) > 20 and set(fragments) == set(theirs)
    for url, frag in fragments.items():
        assert frag == theirs[url], url
    entry = json.loads((site / "pagefind" / "pagefind-entry.json").read_text())
    their_entry = json.loads((binary_site / "pagefind" / "pagefind-entry.json").read_text())
    # (the other languages' indexes hold the records of entries without a page there:
    # test_every_language_index_holds_every_entry)
    assert entry["languages"]["de"]["page_count"] == their_entry["languages"]["de"]["page_count"] == len(fragments)

    def kinds(root):
        return sorted((p.parent.name, p.suffix) for p in (root / "pagefind").rglob("*") if p.is_file()
                      and p.name.startswith("de_"))
    assert kinds(site) == kinds(binary_site)


def test_bundle_is_complete(site):
    """Every file Pagefind wrote is whole: the build waits until Pagefind has
    closed them (its answer to "write" comes before the writes are done)."""
    files = [p for p in (site / "pagefind").rglob("*") if p.is_file()]
    assert len(files) > 30
    for path in files:
        data = path.read_bytes()
        assert data, f"{path.relative_to(site)} is empty"
        if path.suffix.startswith(".pf_"):
            assert gzip.decompress(data).startswith(b"pagefind_dcd"), path
    json.loads((site / "pagefind" / "pagefind-entry.json").read_text("utf-8"))


def test_pagefind_gets_the_content_not_the_page(site, directory):
    """What the plugin sends for an entry page: the <html> tag (language), the
    title and the element with data-pagefind-body – not the page's frame."""
    from nahbei.mkdocs.search import markup

    html = (site / "angebote/thinka-soemmerda/index.html").read_text("utf-8")
    # the page as written has no search record: the build adds it to what it sends
    assert "nb-search-data" not in html and "data-pagefind-filter" not in html
    html = markup.mark_entry(html, expected_index(directory)["/angebote/thinka-soemmerda/"])
    sent = markup.index_document(html)
    assert sent.startswith('<html lang="de"') and sent.endswith("</article></body></html>")
    assert sent.count("data-pagefind-body") == 1 and "nb-search-data" in sent
    assert "<header" not in sent and "<footer" not in sent and "<script" not in sent
    article = html[html.index("<article"):html.index("</article>") + len("</article>")]
    assert len(sent) < len(article) + 500 < len(html)  # the content, the <html> tag and the title
    # anything Pagefind would read outside the content: the whole page
    for extra in ('<span data-pagefind-meta="image:/x.png"></span>', '<img src="/logo.png" alt="">'):
        changed = html.replace("</footer>", extra + "</footer>", 1)
        assert extra in changed and markup.index_document(changed) is changed


def test_pagefind_bundle_with_component_ui(site):
    bundle = site / "pagefind"
    for name in ("pagefind.js", "pagefind-entry.json", "pagefind-component-ui.js",
                 "pagefind-component-ui.css", "pagefind-worker.js"):
        assert (bundle / name).is_file(), f"{name} missing in {sorted(p.name for p in bundle.iterdir())}"


def test_one_index_per_language(site):
    # <html lang="de"> on the German pages: Pagefind indexes them with German
    # stemming; each edition's pages (<html lang="en">, …) go into their own index.
    entry = json.loads((site / "pagefind" / "pagefind-entry.json").read_text())
    assert set(entry["languages"]) == set(LANGUAGES), entry
    for lang in ("de", "en", "ar"):  # (Pagefind has no Ukrainian stemmer)
        assert (site / "pagefind" / f"wasm.{lang}.pagefind").is_file(), lang
    assert parse_html(site / "angebote/thinka-soemmerda/index.html").lang == "de"
    assert parse_html(site / "ar/angebote/thinka-soemmerda/index.html").lang == "ar"


def edition_entries(site: Path, lang: str) -> set[str]:
    """The German URLs of the entries with a page in ``lang``'s edition."""
    return {"/" + str(p.parent.relative_to(site / lang)) + "/"
            for folder in ("angebote", "veranstaltungen", "kontakte", "orte")
            for p in (site / lang / folder).glob("*/index.html")}


@pytest.mark.parametrize("lang", LANGUAGES[1:])
def test_every_language_index_holds_every_entry(site, fragments, directory, lang):
    """Each language's index lists every current entry once: its page in that
    edition, or – without one – a record of its German page (Pagefind's custom
    record: the German URL, the language after '#', meta lang "de") with the
    edition's words for kinds and filters; searchable by its German text."""
    theirs = read_fragments(site, lang)
    entry = json.loads((site / "pagefind" / "pagefind-entry.json").read_text())
    assert entry["languages"][lang]["page_count"] == len(theirs) == len(fragments) == len(expected_index(directory))
    translated = edition_entries(site, lang)
    assert translated and len(translated) < len(fragments)  # (the example has entries of both sorts)
    pages = {url for url in theirs if not url.endswith(f"#{lang}")}
    records = {url for url in theirs if url.endswith(f"#{lang}")}
    assert pages == {f"/{lang}{url}" for url in set(fragments) & translated}
    assert {url.partition("#")[0] for url in records} == set(fragments) - translated
    builder = RecordBuilder(directory.in_language(lang), lang)
    kinds = {"angebote": "offer", "veranstaltungen": "event", "kontakte": "contact", "orte": "place"}
    kind_filter = builder.filter_name("kind")
    assert kind_filter != "Art"
    for url in records:
        record = theirs[url]
        german = fragments[url.partition("#")[0]]
        folder, ident = url.strip("/").partition("#")[0].strip("/").split("/")
        expected = builder.record(kinds[folder], ident)
        assert record["meta"]["lang"] == "de" and record["meta"]["title"] == german["meta"]["title"], url
        assert record["meta"]["kind"] == expected.meta["kind"], url  # in lang
        assert record["meta"]["browse"] == german["meta"]["browse"], url  # browsing by filters lists it
        assert {k: sorted(v) for k, v in record["filters"].items()} == \
            {k: sorted(v) for k, v in expected.filters.items()}, url
        assert german["meta"]["title"].split()[0] in record["content"], url
    for url in pages:
        assert "lang" not in theirs[url]["meta"], url
        assert kind_filter in theirs[url]["filters"], url
    # the edition's own pages: their texts in that language (the example's offers are translated)
    if lang == "en":
        offer = theirs["/en/angebote/mittendrin-troisdorf/"]
        assert offer["meta"]["kind"] == "Service" and offer["filters"]["Type"] == ["Service"]
        assert offer["meta"]["title"] != fragments["/angebote/mittendrin-troisdorf/"]["meta"]["title"]


def test_index_holds_exactly_the_current_entries(fragments, directory):
    expected = expected_index(directory)
    assert set(fragments) == set(expected)
    assert "/angebote/sozialplanung-dorsten-innenstadt/" not in fragments  # ended
    assert "/veranstaltungen/sozialregionalkonferenz-doebeln-2018/" not in fragments  # past
    for url in ("/", "/themen/", "/a-z/", "/kalender/", "/archiv/", "/suche/", "/impressum/",
                "/themen/beratung/", "/regionen/troisdorf/", "/mitmachen/"):
        assert url not in fragments


def test_filters_meta_and_sort_in_the_index(fragments, directory):
    expected = expected_index(directory)
    for url, rec in expected.items():
        frag = fragments[url]
        assert {k: sorted(v) for k, v in frag["filters"].items()} == \
            {k: sorted(v) for k, v in rec.filters.items()}, url
        assert frag["meta"]["title"] == rec.meta["title"]
        assert frag["meta"]["kind"] == rec.meta["kind"]
        if rec.keywords:
            assert frag["meta"]["keywords"] == ", ".join(rec.keywords)
    offer = fragments["/angebote/mittendrin-troisdorf/"]
    assert offer["filters"]["Art"] == ["Angebot"]
    assert "kostenlos" in offer["filters"]["Merkmale"]
    assert sorted(offer["filters"]["Region"]) == ["Rhein-Sieg-Kreis", "Troisdorf", "Troisdorf-Mitte"]


def test_event_sort_key_is_the_next_date(directory):
    # (the index sorts by it: test_search_browser.py's date-sorted browse)
    assert expected_index(directory)["/veranstaltungen/mittendrin-offener-treff/"].sort == {"date": "2026-11-26T17:00"}


def test_boilerplate_is_not_indexed(fragments):
    for url, frag in fragments.items():
        text = frag["content"]
        # navigation, footer, legal links, the change box and route links
        for phrase in ("Startseite", "Erklärung zur Barrierefreiheit", "Impressum",
                       "Änderung melden", "OpenStreetMap", "in den eigenen Kalender"):
            assert phrase not in text, f"{url}: {phrase!r} indexed"
        # the hidden block adds nothing to the text
        assert "Merkmale" not in text and "rollstuhlgerecht" not in text, url


def visible_text(doc) -> str:
    """Text a reader sees or hears: no script/style/template, nothing hidden."""
    parts = []

    def walk(el):
        if el.tag in ("script", "style", "template", "head") or el.has("hidden") or el.get("aria-hidden") == "true":
            return
        for c in el.children:
            if isinstance(c, str):
                parts.append(c)
            else:
                walk(c)

    walk(doc)
    return " ".join("".join(parts).split())


def test_keywords_searchable_but_not_shown(site, fragments, directory):
    word, oid = keyword_only_word(directory, fragments)
    frag = fragments[f"/angebote/{oid}/"]
    assert word in frag["meta"]["keywords"].split(", ")
    assert word.lower() not in frag["content"].lower()
    doc = parse_html(site / f"angebote/{oid}/index.html")
    assert word not in visible_text(doc)
    # not even hidden in the page: the record with the keywords went only to Pagefind
    assert not doc.find_all(**{"data-pagefind-meta": True})


def test_pages_carry_body_only_on_entries(site):
    def bodies(path):
        return (site / path / "index.html").read_text("utf-8").count("data-pagefind-body")

    assert bodies("angebote/thinka-soemmerda") == 1
    assert bodies("orte/jobcenter-soemmerda") == 1
    assert bodies("angebote/sozialplanung-dorsten-innenstadt") == 0
    assert bodies("veranstaltungen/sozialregionalkonferenz-doebeln-2018") == 0
    for path in ("", "themen", "themen/beratung", "a-z", "suche", "kalender", "archiv"):
        p = site / path / "index.html"
        assert p.read_text("utf-8").count("data-pagefind-body") == 0, path


def test_header_search_replaces_material_search(site):
    sprite = (site / "assets" / "nahbei" / "icons.svg").read_text("utf-8")
    for path in ("", "angebote/mittendrin-troisdorf", "orte/jobcenter-soemmerda", "suche"):
        html = (site / path / "index.html").read_text("utf-8")
        doc = parse_html(site / path / "index.html")
        header = doc.html.find("header")
        header_html = html[html.index("<header"):html.index("</header>")]
        link = header.find("a", class_="nb-header-search__link")
        assert link is not None, path
        assert urljoin(f"/{path}/".replace("//", "/"), link.get("href")) == "/suche/", link.get("href")
        assert 'data-md-component="search"' not in html  # mkdocs-material's search UI
        assert 'for="__search"' not in html  # ... and its toggle
        assert re.search(r'<script src="[^"]*assets/nahbei-search/search\.js" type="module">', html)
        # the dialog and search.js's settings are not in the page (search.js
        # builds the one and fetches the other on first use: settings.json)
        assert "data-nb-search-ui" not in header_html, path
        assert "nb-search-settings" not in html and "settings.json" not in html, path
        assert "<pagefind-" not in header_html, path
        # menu and magnify icons from the sprite, none inline in the header
        # the menu button: the drawer's label, on entry pages (no navigation
        # sidebar) a link to the footer's list of pages
        menu = header.find("label", **{"for": "__drawer"}) or header.find("a", class_="nb-menu")
        assert menu is not None, path
        if path.startswith(("angebote/", "orte/")):
            assert menu.tag == "a" and menu.get("href") == "#nb-pages", path
            assert doc.html.find(id="nb-pages").tag == "nav", path
            assert not doc.html.find_all(class_="md-sidebar"), path
        for button, ident in ((menu, "nb-material-menu"), (link, "nb-material-magnify")):
            use = button.find("use")
            assert use is not None and use.get("xlink:href").endswith(f"assets/nahbei/icons.svg#{ident}"), (path, ident)
            assert f'<symbol id="{ident}"' in sprite
        assert "<path" not in header_html, path
        # our stylesheet in the head; Pagefind's (42 KB) only where its UI is
        # used: search.js adds it (test_search_browser.py)
        css = re.findall(r'<link rel="stylesheet" href="([^"]+)"', html)
        assert any(h.endswith("assets/nahbei-search/search.css") for h in css), css
        assert "pagefind-component-ui.css" not in html
    assert not (site / "search" / "search_index.json").exists()


def test_search_settings_are_one_file_per_language(site):
    """What search.js needs besides the page, once per site and language: texts,
    ranking, the header dialog's links (next to search.js, which fetches the
    one of the page's language; settings.json: the site's own language)."""
    folder = site / "assets" / "nahbei-search"
    assert (folder / "search.js").is_file()
    settings = json.loads((folder / "settings.json").read_text("utf-8"))
    assert (folder / "settings.de.json").read_text("utf-8") == (folder / "settings.json").read_text("utf-8")
    assert set(settings) == {"lang", "strings", "keywordWeight", "headerInstance", "searchPage", "feedbackUrl",
                             "feedbackTitle", "labels", "eventsFilter", "browseTerm", "nearby"}
    arabic = json.loads((folder / "settings.ar.json").read_text("utf-8"))
    assert arabic["lang"] == "ar" and arabic["searchPage"] == "ar/" + SEARCH_PATH
    assert arabic["strings"]["placeholder"] == t("search.pagefind.placeholder", "ar") != settings["strings"]["placeholder"]
    assert arabic["eventsFilter"] == {"name": t("search.filter.kind", "ar"), "value": t("search.kind.event", "ar")}
    assert arabic["labels"]["otherLanguage"] == {"de": t("ui.languages.german_only", "ar")}
    assert arabic["browseTerm"] == settings["browseTerm"]
    assert re.fullmatch(r"[^A-Za-z]+", arabic["nearby"]["yourPosition"])  # (in Arabic script)
    english = json.loads((folder / "settings.en.json").read_text("utf-8"))
    assert english["labels"]["otherLanguage"] == {"de": "in German only"}
    assert english["labels"]["more"] == "Search with filters" and english["searchPage"] == "en/" + SEARCH_PATH
    assert "otherLanguage" not in settings["labels"]
    assert settings["strings"]["placeholder"] == "Suchwort, z. B. Schulden"
    # "In meiner Nähe": the texts of its status line and results
    assert settings["nearby"]["approx"] == "ca. {distance}"
    assert settings["nearby"]["noPlace"] == "ohne festen Ort (online oder am Telefon)"
    assert settings["browseTerm"] and settings["keywordWeight"] == 3.0
    assert settings["headerInstance"] == "nb-header" and settings["searchPage"] == SEARCH_PATH
    assert settings["labels"] == {"nextDate": "Nächster Termin:", "more": "Mit Filtern suchen",
                                  "feedback": "Nichts gefunden? Sagen Sie uns, was Sie suchen"}
    assert settings["eventsFilter"] == {"name": "Art", "value": "Veranstaltung"}
    assert settings["feedbackTitle"] == "[Gesucht]: {query}"
    url = urlsplit(settings["feedbackUrl"])
    assert (url.netloc, url.path) == ("github.com", "/nahbei/nahbei/issues/new")
    assert parse_qs(url.query)["template"] == ["aenderung-melden.yml"]


def test_search_page_works_without_javascript(site, directory):
    doc = parse_html(site / SEARCH_PATH / "index.html")
    assert doc.title.startswith("Suche")
    fallback = doc.html.find("div", class_="nb-search-fallback")
    hrefs = [a.get("href") for a in fallback.find_all("a")]
    assert hrefs == ["../a-z/", "../themen/", "../zielgruppen/", "../regionen/", "../kalender/"]
    # A–Z reaches every current offer
    az = (site / "a-z" / "index.html").read_text("utf-8")
    for offer in directory.current_offers():
        assert f"angebote/{offer.id}/" in az
    feedback = doc.html.find("a", **{"data-nb-feedback": True})
    url = urlsplit(feedback.get("href"))
    assert (url.netloc, url.path) == ("github.com", "/nahbei/nahbei/issues/new")
    assert parse_qs(url.query)["template"] == ["aenderung-melden.yml"]
    assert feedback.text.strip() == "Nichts gefunden? Sagen Sie uns, was Sie suchen"


@pytest.mark.parametrize("lang", LANGUAGES[1:])
def test_search_page_in_every_language(site, lang):
    """/<lang>/suche/: the search page in the edition's language (<html lang>
    picks Pagefind's index of that language); every page of the edition leads
    there from the header and from the home page's "In meiner Nähe", in its
    language, with nothing marked German."""
    path = f"{lang}/{SEARCH_PATH}"
    doc = parse_html(site / path / "index.html")
    assert doc.lang == lang
    assert doc.title.startswith(t("search.page.title", lang))
    assert doc.html.find("h1").text.strip() == t("search.page.title", lang)
    assert doc.html.find("p", class_="nb-search-intro").text.strip() == t("search.page.intro", lang)
    fallback = doc.html.find("div", class_="nb-search-fallback")
    assert [urljoin(f"/{path}", a.get("href")) for a in fallback.find_all("a")] == \
        [f"/{lang}/{x}/" for x in ("a-z", "themen", "zielgruppen", "regionen", "kalender")]
    html = (site / path / "index.html").read_text("utf-8")
    assert t("search.nearby.title", lang) in html and t("search.page.filters", lang) in html
    assert "data-pagefind-body" not in html
    for page in ("", "angebote/thinka-soemmerda", "themen", SEARCH_PATH.strip("/")):
        file = site / lang / page / "index.html"
        doc = parse_html(file)
        search = doc.html.find("div", class_="nb-header-search")
        assert search is not None and search.get("lang") is None, (lang, page)
        link = search.find("a", class_="nb-header-search__link")
        assert urljoin(f"/{lang}/{page}/".replace("//", "/"), link.get("href")) == f"/{path}", (lang, page)
        assert link.text.strip() == t("search.header.link", lang), (lang, page)
    home = parse_html(site / lang / "index.html")
    nearby = home.html.find("section", class_="nb-nearby--home")
    assert nearby.get("lang") is None and nearby.find("h2").text.strip() == t("search.nearby.title", lang)
    assert urljoin(f"/{lang}/", nearby.find("form").get("action")) == f"/{path}"


# -- switches ----------------------------------------------------------------------------

def test_failing_pagefind_stops_the_build(tmp_path):
    config = project_config(tmp_path / "project", search_options="      binary: /bin/false\n")
    proc = mkdocs_build(config, tmp_path / "site")
    assert proc.returncode != 0
    assert "Pagefind stopped unexpectedly (exit code 1)" in proc.stdout + proc.stderr


def fake_service(tmp_path: Path, script: str) -> Path:
    """An executable that speaks Pagefind's service protocol as ``script`` says
    (``answer(id, payload)``, ``requests()`` yields (id, payload))."""
    path = tmp_path / "fake-pagefind"
    path.write_text(f"#!{sys.executable}\n" + textwrap.dedent("""\
        import base64, json, sys

        def requests():
            buf = b""
            while True:
                byte = sys.stdin.buffer.read(1)
                if not byte:
                    return
                if byte != b",":
                    buf += byte
                    continue
                msg = json.loads(base64.b64decode(buf))
                buf = b""
                yield msg["message_id"], msg["payload"]

        def answer(message_id, payload):
            data = json.dumps({"message_id": message_id, "payload": payload}).encode()
            sys.stdout.buffer.write(base64.b64encode(data) + b",")
            sys.stdout.flush()
        """) + textwrap.dedent(script), "utf-8")
    path.chmod(0o755)
    return path


def test_pagefind_crashing_midway_stops_the_build(tmp_path):
    fake = fake_service(tmp_path, """
        for n, (mid, payload) in enumerate(requests()):
            if payload["type"] == "NewIndex":
                answer(mid, {"type": "NewIndex", "index_id": 0})
            elif n < 3:
                answer(mid, {"type": "IndexedFile", "page_word_count": 1, "page_url": payload["url"], "page_meta": {}})
            else:
                print("thread 'main' panicked: out of cheese", file=sys.stderr)
                sys.exit(101)
        """)
    config = project_config(tmp_path / "project", search_options=f"      binary: {fake}\n      timeout: 60\n")
    proc = mkdocs_build(config, tmp_path / "site")
    out = proc.stdout + proc.stderr
    assert proc.returncode != 0
    assert "Pagefind stopped unexpectedly (exit code 101)" in out and "out of cheese" in out, out[-2000:]


def test_pagefind_refusing_a_page_stops_the_build(tmp_path):
    fake = fake_service(tmp_path, """
        for mid, payload in requests():
            if payload["type"] == "NewIndex":
                answer(mid, {"type": "NewIndex", "index_id": 0})
            elif payload["url"] == "/orte/jobcenter-soemmerda/":
                answer(mid, {"type": "Error", "message": "cannot parse this page"})
            else:
                answer(mid, {"type": "IndexedFile", "page_word_count": 1, "page_url": payload["url"], "page_meta": {}})
        """)
    config = project_config(tmp_path / "project", search_options=f"      binary: {fake}\n      timeout: 60\n")
    proc = mkdocs_build(config, tmp_path / "site")
    assert proc.returncode != 0
    assert t("ui.build.search_failed", "de", error="Pagefind: cannot parse this page") in proc.stdout + proc.stderr


def test_silent_pagefind_times_out(tmp_path):
    # answers the index, then reads every page and never answers
    fake = fake_service(tmp_path, """
        for mid, payload in requests():
            if payload["type"] == "NewIndex":
                answer(mid, {"type": "NewIndex", "index_id": 0})
        """)
    config = project_config(tmp_path / "project", search_options=f"      binary: {fake}\n      timeout: 2\n")
    proc = mkdocs_build(config, tmp_path / "site")
    out = proc.stdout + proc.stderr
    assert proc.returncode != 0
    assert re.search(r"Pagefind did not index the pages within 2 s \(\d+ of \d+ pages unanswered\)", out), out[-2000:]


def test_missing_pagefind_binary_stops_the_build(tmp_path):
    config = project_config(tmp_path / "project", search_options=f"      binary: {tmp_path / 'nope'}\n")
    proc = mkdocs_build(config, tmp_path / "site")
    assert proc.returncode != 0
    assert "Pagefind binary not found" in proc.stdout + proc.stderr


def _build_in_process(config: Path, site: Path, command: str):
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    old = os.environ.get("SOURCE_DATE_EPOCH")
    os.environ["SOURCE_DATE_EPOCH"] = EPOCH
    try:
        cfg = load_config(str(config), site_dir=str(site))
        cfg.plugins.on_startup(command=command, dirty=False)
        build(cfg)
    finally:
        if old is None:
            os.environ.pop("SOURCE_DATE_EPOCH", None)
        else:
            os.environ["SOURCE_DATE_EPOCH"] = old
    return cfg


def test_pages_go_to_pagefind_while_they_are_written(tmp_path):
    """A hook after every plugin's on_env and around the pages: no Pagefind
    process (nor any thread) exists when on_env ends (the directory plugin
    forks there); the first entry page starts it; every entry page is with
    a running Pagefind service before the build's end (on_post_build). Each
    language has a Pagefind process of its own, whose bundle is ordered
    written when the next language's first entry page comes (so that one
    language's pages at a time are in memory), and the parts make one bundle."""
    record = tmp_path / "seen.json"
    hook = tmp_path / "probe.py"
    hook.write_text(textwrap.dedent(f"""\
        import json, os, threading, time
        from mkdocs.plugins import event_priority

        seen = {{"fed_at": [], "retired_at": []}}

        def threads():
            return sorted(t.name for t in threading.enumerate())

        @event_priority(-100)
        def on_env(env, config, files):
            seen["threads_after_on_env"] = threads()
            seen["live_after_on_env"] = config.plugins["nahbei/search"].live is not None
            return env

        @event_priority(-100)
        def on_post_page(output, page, config):
            live = config.plugins["nahbei/search"].live
            if live is not None and "first_fed" not in seen:
                seen["first_fed"] = page.url
                seen["threads_at_first_page"] = threads()
            indexes = config.plugins["nahbei/search"].indexes
            seen["fed_at"].append(indexes.sent if indexes is not None else 0)
            retired = list(indexes.retired) if indexes is not None else []
            if not seen["retired_at"] or seen["retired_at"][-1][1] != retired:
                seen["retired_at"].append([page.url, retired])
            return output

        @event_priority(100)
        def on_post_build(config):
            plugin = config.plugins["nahbei/search"]
            live = plugin.live
            # the last language's service starts with its first page, in passes of the
            # client between pages: wait for that state (bounded), not for a time
            deadline = time.monotonic() + 120
            while live.service_pid is None and time.monotonic() < deadline:
                live.pump()
                time.sleep(0.01)
            pid = live.service_pid
            seen["sent"] = plugin.indexes.sent
            seen["pids"] = dict(plugin.indexes.service_pids, now=pid)
            seen["open"] = list(plugin.indexes.open)
            seen["records"] = plugin.fallback_records
            seen["indexed"] = list(plugin.indexed_pages)
            seen["service"] = open(f"/proc/{{pid}}/cmdline", "rb").read().split(b"\\0")[1].decode()
            with open({str(record)!r}, "w") as f:
                json.dump(seen, f)
        """), "utf-8")
    config = project_config(tmp_path / "project")
    config.write_text(config.read_text("utf-8") + f"\nhooks:\n  - {hook}\n", "utf-8")
    proc = mkdocs_build(config, tmp_path / "site")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    seen = json.loads(record.read_text("utf-8"))
    assert not seen["live_after_on_env"]
    assert not [t for t in seen["threads_after_on_env"] if t.startswith(("nahbei-pagefind", "waitpid"))]
    assert seen["first_fed"] in seen["indexed"]
    # Pagefind's client runs no thread (the page folders' thread, mkdocs/folders.py, may still run)
    assert not [t for t in seen["threads_at_first_page"] if t.startswith("nahbei") and t != "nahbei-folders"]
    # (and the entries without a page in another language, as records into its index)
    assert seen["sent"] == len(seen["indexed"]) + seen["records"] and len(seen["indexed"]) > 20
    # the example's contacts and places (German only), and MITTEndrin in ar and uk
    assert seen["records"] == 3 * 16 + 2
    # fed page by page: the count grew with the pages, not all at the end
    # (an entry page and its records in other languages go together)
    assert seen["fed_at"] == sorted(seen["fed_at"]) and seen["fed_at"][-1] == seen["sent"]
    assert len(set(seen["fed_at"]) - {0}) == len(seen["indexed"])
    assert seen["service"] == "--service"
    # one language after another: German, English, Arabic written while pages were
    # still rendered, each when the next language's first entry page came; Ukrainian last
    assert [retired for _, retired in seen["retired_at"]] == [[], ["de"], ["de", "en"], ["de", "en", "ar"]]
    assert [url.split("/")[0] for url, _ in seen["retired_at"][1:]] == ["en", "ar", "uk"]
    assert seen["open"] == ["uk"]
    assert len(set(seen["pids"].values())) == 4, seen["pids"]  # a process each
    bundle = tmp_path / "site" / "pagefind"
    assert (bundle / "pagefind.js").is_file()
    entry = json.loads((bundle / "pagefind-entry.json").read_text("utf-8"))
    assert sorted(entry["languages"]) == ["ar", "de", "en", "uk"]
    for lang, index in entry["languages"].items():
        assert (bundle / f"pagefind.{index['hash']}.pf_meta").is_file(), lang
    assert not (tmp_path / "site" / ".pagefind-parts").exists()


def test_live_index_takes_answers_as_they_come_and_is_reproducible(tmp_path):
    """Pagefind's Python API straight, without MkDocs: 300 pages. pagefind
    1.5.2's own reader waits 0.1 s before each answer (30 s here, over the
    timeout); the plugin's reads each at once. The same pages in the same
    order give the same word index and page records, byte for byte (not the
    filter files: Pagefind writes them from hash maps, in varying order,
    whichever way it is run)."""
    pages = [(f"/seite-{i}/", f'<html lang="de"><head><title>S{i}</title></head><body>'
              f'<main data-pagefind-body><h1>Seite {i}</h1><p>Beratung Nummer {i} in Troisdorf</p>'
              f'<span data-pagefind-filter="Region:{("Troisdorf", "Kölleda")[i % 2]}"></span></main></body></html>')
             for i in range(300)]

    def bundle(out: Path) -> dict[str, bytes]:
        live = indexer.LiveIndex(timeout=20)
        for url, html in pages:
            live.add(url, html)
        result = live.finish(out)
        assert result.pages == live.answered == 300 and result.languages == 1
        # the process's own figures, read before it stopped (Linux /proc)
        assert result.cpu_seconds is not None and result.cpu_seconds >= 0
        assert result.peak_rss is not None and 1 << 20 < result.peak_rss < 1 << 32
        assert live._service.answers == 302  # the index, the pages, the bundle
        assert live._service._backend.returncode is not None and live._loop.is_closed()  # all stopped
        return {str(p.relative_to(out)): p.read_bytes() for p in out.rglob("*")
                if p.is_file() and p.parent.name in ("index", "fragment")}

    first = bundle(tmp_path / "a" / "pagefind")
    assert len([name for name in first if name.startswith("fragment/")]) == 300
    assert bundle(tmp_path / "b" / "pagefind") == first


def test_live_index_works_where_the_thread_already_runs_an_event_loop(tmp_path):
    """asyncio allows one running loop a thread (a notebook, Playwright's sync
    API in a test worker): the client's loop then runs in a thread of its own,
    and the bundle is the same as without one."""
    pages = [(f"/seite-{i}/", f'<html lang="de"><head><title>S{i}</title></head><body>'
              f"<main data-pagefind-body><h1>Seite {i}</h1><p>Beratung in Kölleda {i}</p></main></body></html>")
             for i in range(40)]

    def bundle(out: Path) -> tuple[dict[str, bytes], bool]:
        live = indexer.LiveIndex(timeout=20)
        for url, html in pages:
            live.add(url, html)
        threaded = live._thread is not None
        result = live.finish(out)
        assert result.pages == live.answered == 40 and live._loop.is_closed() and live._thread is None
        return {str(p.relative_to(out)): p.read_bytes() for p in out.rglob("*")
                if p.is_file() and p.parent.name in ("index", "fragment")}, threaded

    async def inside_a_loop():
        return bundle(tmp_path / "in-loop" / "pagefind")

    def in_thread(func):
        # a fresh thread: this test's own may run a loop already (Playwright in this worker)
        done = {}

        def run():
            try:
                done["out"] = func()
            except BaseException as exc:  # noqa: BLE001 - raised below, in the test's thread
                done["error"] = exc

        worker = threading.Thread(target=run)
        worker.start()
        worker.join(120)
        if "error" in done:
            raise done["error"]
        return done["out"]

    plain, threaded = in_thread(lambda: bundle(tmp_path / "plain" / "pagefind"))
    assert not threaded
    in_loop, threaded = in_thread(lambda: asyncio.run(inside_a_loop()))
    assert threaded and in_loop == plain and len(plain) > 40


def test_serve_skips_indexing_and_says_so(tmp_path):
    config = project_config(tmp_path / "project")
    site = tmp_path / "site"
    _build_in_process(config, site, "serve")
    assert not (site / "pagefind").exists()
    page = (site / SEARCH_PATH / "index.html").read_text("utf-8")
    assert "nb-search-noindex" in page and "mkdocs serve" in page
    assert "pagefind-component-ui.css" not in page  # no link to a file that is not there


def test_serve_can_index(tmp_path):
    config = project_config(tmp_path / "project", search_options="      index_on_serve: true\n")
    site = tmp_path / "site"
    cfg = _build_in_process(config, site, "serve")
    assert (site / "pagefind" / "pagefind.js").is_file()
    assert cfg.plugins["nahbei/search"].last_index.pages > 0
    assert "nb-search-noindex" not in (site / SEARCH_PATH / "index.html").read_text("utf-8")


def test_disabled_plugin_writes_no_index(tmp_path):
    config = project_config(tmp_path / "project", search_options="      enabled: false\n")
    site = tmp_path / "site"
    _build_in_process(config, site, "build")
    assert not (site / "pagefind").exists()
    assert not (site / SEARCH_PATH / "index.html").exists()
    assert "nb-header-search" not in (site / "index.html").read_text("utf-8")


def test_material_search_as_well_warns_and_the_header_stays_ours(tmp_path, caplog):
    config = project_config(tmp_path / "project")
    text = config.read_text("utf-8")
    config.write_text(text.replace("  - nahbei/search\n", "  - search\n  - nahbei/search\n", 1), "utf-8")
    site = tmp_path / "site"
    with caplog.at_level("WARNING"):
        _build_in_process(config, site, "build")
    assert any(r.getMessage().endswith(t("ui.build.search_replaces_material", "de"))
               for r in caplog.records), caplog.text
    html = (site / "index.html").read_text("utf-8")
    header = html[html.index("<header"):html.index("</header>")]
    assert header.count('class="nb-header-search"') == 1
    assert 'for="__search"' not in html and 'data-md-component="search"' not in html


def test_hand_written_search_page_wins(tmp_path):
    import shutil

    docs = tmp_path / "docs"
    shutil.copytree(REPO / "docs", docs)
    (docs / "suche.md").write_text("# Eigene Suche\n\nHier sucht die Redaktion selbst.\n", "utf-8")
    config = project_config(tmp_path / "project", docs_dir=docs)
    site = tmp_path / "site"
    _build_in_process(config, site, "build")
    page = (site / SEARCH_PATH / "index.html").read_text("utf-8")
    assert "Hier sucht die Redaktion selbst." in page
    assert "<nahbei-search-page" not in page


def test_site_overrides_win_over_the_plugin_templates(tmp_path):
    import shutil

    overrides = tmp_path / "overrides"
    if (REPO / "overrides").is_dir():
        shutil.copytree(REPO / "overrides", overrides)
    (overrides / "partials").mkdir(parents=True, exist_ok=True)
    (overrides / "partials" / "search.html").write_text(
        '<a class="eigene-suche" href="{{ nahbei_search.page_url | url }}">Eigene Suche</a>\n', "utf-8")
    config = project_config(tmp_path / "project", overrides_dir=overrides)
    site = tmp_path / "site"
    _build_in_process(config, site, "build")
    html = (site / "index.html").read_text("utf-8")
    assert '<a class="eigene-suche" href="suche/">Eigene Suche</a>' in html
    assert "nb-header-search" not in html
    # search.js's settings do not depend on the partial
    assert json.loads((site / "assets" / "nahbei-search" / "settings.json").read_text("utf-8"))["strings"]
    # the search page itself still comes from the plugin
    assert "<nahbei-search-page" in (site / SEARCH_PATH / "index.html").read_text("utf-8")


def _language_pages(lang: str, n: int) -> list[tuple[str, str]]:
    words = {"de": "Beratung in Troisdorf", "en": "Advice in Troisdorf", "ar": "استشارة في ترويسدورف"}[lang]
    return [(f"/{lang}/seite-{i}/", f'<html lang="{lang}"><head><title>{lang} {i}</title></head><body>'
             f"<main data-pagefind-body><h1>{words} {i}</h1><p>{words} Nummer {i}</p></main></body></html>")
            for i in range(n)]


def test_one_pagefind_process_a_language_gives_the_bundle_of_one_process_for_all(tmp_path):
    """nahbei/search's LanguageIndexes: a Pagefind process per language, each
    ordered written when the next language's pages come, the parts joined.
    The joined bundle's word indexes and page records are byte for byte those
    one process writes for all languages at once, its entry file lists the
    same languages and page counts; a language whose index is written cannot
    take another page."""
    from nahbei.mkdocs.search.languages import LanguageIndexes, merge_bundles

    pages = {lang: _language_pages(lang, n) for lang, n in (("de", 30), ("en", 12), ("ar", 9))}

    def records(out: Path) -> dict[str, bytes]:
        return {str(p.relative_to(out)): p.read_bytes() for p in out.rglob("*")
                if p.is_file() and p.parent.name in ("index", "fragment")}

    one = indexer.LiveIndex(timeout=60)
    for lang in pages:
        for url, html in pages[lang]:
            one.add(url, html)
    together = one.finish(tmp_path / "one" / "pagefind")
    assert together.languages == 3

    opened = []
    indexes = LanguageIndexes(("de", "en", "ar"), tmp_path / "parts", lambda: indexer.LiveIndex(timeout=60),
                              opened=lambda lang, live: opened.append(lang))
    for lang in pages:
        for url, html in pages[lang]:
            indexes.index(lang).add(url, html)
            indexes.pump()
    assert opened == ["de", "en", "ar"] and indexes.retired == ["de", "en"] and list(indexes.open) == ["ar"]
    with pytest.raises(indexer.IndexError_, match="'de' came after"):
        indexes.index("de")
    indexes.write()
    result = indexes.wait(tmp_path / "parts-joined" / "pagefind")
    assert len(set(indexes.service_pids.values())) == 3  # a process each
    assert (result.pages, result.languages) == (51, 3)
    joined, single = tmp_path / "parts-joined" / "pagefind", tmp_path / "one" / "pagefind"
    assert records(joined) == records(single) and len(records(single)) > 51
    entry = json.loads((joined / "pagefind-entry.json").read_text("utf-8"))
    assert entry == json.loads((single / "pagefind-entry.json").read_text("utf-8"))  # (dicts: order aside)
    assert sorted(p.name for p in joined.iterdir()) == sorted(p.name for p in single.iterdir())
    assert not (tmp_path / "parts").exists()

    # two parts of one language are not joined
    for name in ("x", "y"):
        live = indexer.LiveIndex(timeout=60)
        for url, html in pages["en"][:2]:
            live.add(url, html)
        live.finish(tmp_path / name)
    with pytest.raises(indexer.IndexError_, match="two Pagefind bundles for the language en"):
        merge_bundles([tmp_path / "x", tmp_path / "y"], tmp_path / "xy")
