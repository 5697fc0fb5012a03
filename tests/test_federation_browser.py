"""Search across neighbouring directories (option ``neighbours``), in real Chromium.

Two sites, each built with ``mkdocs build --strict`` and indexed by the real
Pagefind: the example site ("A", with a neighbour) and a small directory written
here ("B", "Stadt Nachbarhausen", one offer). They are served on two local
ports, so A's page fetches B's Pagefind bundle cross-origin (CORS, as between
two real sites). Shown:

- a query on A finds entries of both, on the search page and in the header
  dialog; B's results name their directory and link to B, A's stay as they are;
  the page asks only A and B;
- B down, B answering 404 or B without CORS: A's results still show, and the
  page says, in a live region (role="status", filled after it was in place),
  that B could not be reached;
- axe-core finds no WCAG 2.1 A/AA violation on the search page with B's results
  and with the message;
- "Offene Daten" links B's HSDS index and the privacy page names B (only with
  neighbours); a bad neighbour URL stops the build with a message naming the option.
"""
from __future__ import annotations

import json
import shutil
import socket
import sys
from pathlib import Path
from urllib.parse import urlsplit
from urllib.request import urlopen

import pytest

if __package__ in (None, "") and str(Path(__file__).resolve().parents[1]) not in sys.path:
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.support.browser import close_page, format_violations, is_local_url, new_page, run_axe
from tests.support.htmlcheck import parse_html
from tests.support.server import SiteServer
from tests.test_search_build import REPO, build_example_site, mkdocs_build, project_config

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

PAGE = "nahbei-search-page"
MODAL = "pagefind-modal"
TIMEOUT = 15_000  # the longest wait for a state; never a fixed pause
NAME = "Stadt Nachbarhausen"
CORS = {"Access-Control-Allow-Origin": "*"}
# A word both directories have (A: keywords of one offer), and one only B has.
SHARED_WORD = "Isolation"
OWN_HIT = "/angebote/mittendrin-troisdorf/"
B_WORD = "Wollsockentausch"
B_OFFER = "/angebote/wollsockentausch-nachbarhausen/"

B_CONTACT = """\
id: nachbarschaftsverein-nachbarhausen
kind: organisation
name: Nachbarschaftsverein Nachbarhausen
example_data: Ein Verein, den es nicht gibt (Testdaten).
"""
B_PLACE = """\
id: buergerhaus-nachbarhausen
name: Bürgerhaus Nachbarhausen
address:
  town: Troisdorf
  district: Troisdorf-Mitte
region: troisdorf-mitte
example_data: Ein Ort, den es nicht gibt (Testdaten).
"""
B_OFFER_YAML = f"""\
id: {B_OFFER.strip('/').rpartition('/')[2]}
name: Wollsockentausch im Bürgerhaus
summary: Ein Nachmittag zum Tauschen, Stricken und Reden – gegen Isolation im Winter.
status: active
topics: [begegnung, einsamkeit]
target_groups: [erwachsene]
regions: [troisdorf-mitte]
description: |
  Beim {B_WORD} bringen alle mit, was sie nicht mehr brauchen, und nehmen mit,
  was ihnen fehlt. Wer allein ist, findet hier Anschluss: gegen Isolation und Kälte.
provider: nachbarschaftsverein-nachbarhausen
places:
  - place: buergerhaus-nachbarhausen
    hours:
      regular:
        - days: [mi]
          opens: "15:00"
          closes: "17:00"
cost:
  free: true
example_data: Ein Angebot, das es nicht gibt (Testdaten).
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def neighbour_option(name: str, url: str) -> dict:
    """nahbei/directory's option ``neighbours`` with one entry, for project_config."""
    return {"neighbours": f"\n        - name: {name}\n          url: {url}"}


@pytest.fixture(scope="module")
def site_b(tmp_path_factory) -> Path:
    """The neighbour: a small directory of its own, one offer with a word A lacks."""
    root = tmp_path_factory.mktemp("federation-b")
    content = root / "content"
    for folder in ("offers", "contacts", "places", "events"):
        (content / folder).mkdir(parents=True)
    shutil.copy(REPO / "content" / "taxonomy.yaml", content / "taxonomy.yaml")
    (content / "contacts" / "nachbarschaftsverein-nachbarhausen.yaml").write_text(B_CONTACT, "utf-8")
    (content / "places" / "buergerhaus-nachbarhausen.yaml").write_text(B_PLACE, "utf-8")
    (content / "offers" / (B_OFFER.strip("/").rpartition("/")[2] + ".yaml")).write_text(B_OFFER_YAML, "utf-8")
    return build_example_site(root, content_dir=content)


@pytest.fixture(scope="module")
def b_port() -> int:
    """B's port, fixed before A is built (A's mkdocs.yml names it); each test
    serves B there as it needs (with CORS, without, not at all)."""
    return free_port()


@pytest.fixture(scope="module")
def site_a(tmp_path_factory, b_port) -> Path:
    """The example site with B as its neighbour."""
    root = tmp_path_factory.mktemp("federation-a")
    return build_example_site(root, directory_options=neighbour_option(NAME, f"http://127.0.0.1:{b_port}/"))


@pytest.fixture(scope="module")
def server_a(site_a):
    with SiteServer(site_a) as server:
        yield server


def serve_b(site_b: Path, port: int, **kwargs) -> SiteServer:
    return SiteServer(site_b, port=port, **kwargs).start()


# -- helpers -----------------------------------------------------------------------------

def wait_for_results(page, scope: str, predicate: str) -> list[dict]:
    """Wait until ``scope``'s results are rendered (no placeholder, no busy list) and
    ``predicate`` (JS; n = result links) holds; each result's link, label and text."""
    page.wait_for_function(
        f"""() => {{
            const box = document.querySelector({scope!r} + ' pagefind-results');
            if (!box || box.querySelector('ul[aria-busy="true"]')) return false;
            if (box.querySelectorAll('.pf-result[aria-hidden="true"]').length) return false;
            const n = box.querySelectorAll('a.pf-result-link').length;
            return {predicate};
        }}""",
        timeout=TIMEOUT,
    )
    return page.eval_on_selector_all(
        f"{scope} pagefind-results li.nb-result",
        """els => els.map(li => ({
            href: li.querySelector('a.pf-result-link').href,
            title: li.querySelector('a.pf-result-link').textContent.trim(),
            source: li.querySelector('.nb-result-source')?.textContent.trim() || null,
            neighbour: li.dataset.nbNeighbour || null,
            keep: !!li.querySelector('button'),
        }))""")


def search_page(page, base: str, term: str, predicate: str) -> list[dict]:
    page.goto(f"{base}/suche/?q={term}")
    page.wait_for_function(
        f"() => (document.querySelector('{PAGE} pagefind-summary')?.textContent || '').includes({term!r})",
        timeout=TIMEOUT)
    return wait_for_results(page, PAGE, predicate)


def status_text(page, scope: str) -> str:
    return page.locator(f"{scope} [data-nb-neighbours-status]").inner_text().strip()


# A record of every status region: its text when it was put into the page, and
# every text it got later (a live region is announced only when it changes
# after it is in place).
STATUS_LOG_JS = """
window.__nbStatusLog = [];
new MutationObserver((records) => {
  for (const r of records) {
    for (const node of r.addedNodes) {
      if (node.nodeType !== 1) continue;
      for (const el of [node, ...node.querySelectorAll('[data-nb-neighbours-status]')]) {
        if (el.matches('[data-nb-neighbours-status]')) window.__nbStatusLog.push({added: el.textContent});
      }
    }
    const region = (r.target.nodeType === 1 ? r.target : r.target.parentElement)?.closest?.('[data-nb-neighbours-status]');
    if (region) window.__nbStatusLog.push({changed: region.textContent});
  }
}).observe(document, {childList: true, subtree: true, characterData: true});
"""


# -- both directories ----------------------------------------------------------------------

def test_query_finds_entries_of_both_directories_labelled(browser, site_b, server_a, b_port):
    server_b = serve_b(site_b, b_port, headers=CORS)
    base, b_base = server_a.base_url, server_b.base_url
    page = new_page(browser, base, height=1400)
    seen: list[str] = []
    page.on("request", lambda r: seen.append(r.url))
    try:
        results = search_page(page, base, SHARED_WORD, "n >= 2")
        by_href = {r["href"]: r for r in results}
        assert set(by_href) == {base + OWN_HIT, b_base + B_OFFER}, results
        # B's result names its directory and links to B; A's stays as it was
        theirs, ours = by_href[b_base + B_OFFER], by_href[base + OWN_HIT]
        assert theirs["source"] == f"Aus dem Verzeichnis „{NAME}“" and theirs["neighbour"] == NAME
        assert theirs["title"] == "Wollsockentausch im Bürgerhaus"
        assert not theirs["keep"], "a neighbour's entry cannot go on this site's Merkzettel"
        assert ours["source"] is None and ours["neighbour"] is None and ours["keep"]
        assert status_text(page, PAGE) == ""
        # a word only B has: B's entry first (Pagefind also offers A's entries with
        # parts of the word, further down)
        page.locator(f"{PAGE} pagefind-input input").fill(B_WORD)
        page.wait_for_function(
            f"() => (document.querySelector('{PAGE} pagefind-summary')?.textContent || '').includes({B_WORD!r})",
            timeout=TIMEOUT)
        first = wait_for_results(page, PAGE, "n >= 1")[0]
        assert first["href"] == b_base + B_OFFER and first["source"] == f"Aus dem Verzeichnis „{NAME}“", first
        # only A and B were asked, B only for its Pagefind bundle
        a_origin, b_origin = urlsplit(base).netloc, urlsplit(b_base).netloc
        assert all(is_local_url(u) and urlsplit(u).netloc in (a_origin, b_origin) for u in seen), seen
        fetched = list(server_b.requests)
        assert fetched and all(p.startswith("/pagefind/") for p in fetched), fetched
        assert any(".pf_index" in p for p in fetched) and any(".pf_fragment" in p for p in fetched), fetched
        assert not page.foreign_requests and not page.console_errors, (page.foreign_requests, page.console_errors)
        # the result leads to B's page
        page.locator(f"{PAGE} a.pf-result-link").first.click()
        page.wait_for_url(b_base + B_OFFER, timeout=TIMEOUT)
        assert page.locator("h1").first.inner_text().strip() == "Wollsockentausch im Bürgerhaus"
    finally:
        close_page(page)
        server_b.stop()


def search_in_header(page, base: str) -> None:
    """Open the header's search dialog on a page and type the word both directories hold."""
    page.goto(base + "/orte/")
    page.locator("button.nb-header-search__button").click()
    page.locator(f"{MODAL} dialog[open] input").wait_for(state="visible", timeout=TIMEOUT)
    page.keyboard.type(SHARED_WORD, delay=20)


def test_header_dialog_searches_both_directories(browser, site_b, server_a, b_port):
    server_b = serve_b(site_b, b_port, headers=CORS)
    base, b_base = server_a.base_url, server_b.base_url
    page = new_page(browser, base, height=1400)
    try:
        search_in_header(page, base)
        page.wait_for_function(
            f"() => (document.querySelector('{MODAL} pagefind-summary')?.textContent || '').includes({SHARED_WORD!r})",
            timeout=TIMEOUT)
        results = wait_for_results(page, MODAL, "n >= 2")
        labels = {r["href"]: r["source"] for r in results}
        assert labels == {base + OWN_HIT: None, b_base + B_OFFER: f"Aus dem Verzeichnis „{NAME}“"}, results
        assert status_text(page, ".nb-header-search") == ""
        assert not page.foreign_requests and not page.console_errors, (page.foreign_requests, page.console_errors)
    finally:
        close_page(page)
        server_b.stop()


# -- the neighbour cannot be reached -----------------------------------------------------

@pytest.mark.parametrize("how", ["down", "not-found", "no-cors", "broken-index"])
def test_unreachable_neighbour_is_named_and_own_results_stay(browser, site_b, server_a, b_port, tmp_path, how):
    """down: nothing listens on B's port; not-found: a server without B's site
    (404); no-cors: B's site served without Access-Control-Allow-Origin;
    broken-index: B answers, but its index cannot be loaded (no .pf_meta file):
    merging it fails after B answered, and the search starts again without it."""
    server_b = None
    if how == "not-found":
        (tmp_path / "empty").mkdir()
        server_b = serve_b(tmp_path / "empty", b_port, headers=CORS)
    elif how == "no-cors":
        server_b = serve_b(site_b, b_port)
    elif how == "broken-index":
        broken = shutil.copytree(site_b, tmp_path / "broken")
        metas = list((broken / "pagefind").glob("*.pf_meta"))
        assert metas
        for meta in metas:
            meta.unlink()
        server_b = serve_b(broken, b_port, headers=CORS)
    base = server_a.base_url
    page = new_page(browser, base, height=1400)
    page.add_init_script(STATUS_LOG_JS)
    try:
        results = search_page(page, base, SHARED_WORD, "n >= 1")
        assert [r["href"] for r in results] == [base + OWN_HIT], results
        region = page.locator(f"{PAGE} [data-nb-neighbours-status]")
        region.wait_for(state="visible", timeout=TIMEOUT)
        page.wait_for_function(
            f"() => document.querySelector('{PAGE} [data-nb-neighbours-status]').textContent.includes({NAME!r})",
            timeout=TIMEOUT)
        assert region.inner_text().strip() == (f"Gerade nicht erreichbar: {NAME}. Dort wurde nicht gesucht; "
                                               "die Ergebnisse kommen nur aus den anderen Verzeichnissen.")
        assert region.get_attribute("role") == "status"
        # announced: the region was in the page, empty, before the message came
        log = page.evaluate("window.__nbStatusLog")
        assert log and log[0] == {"added": ""}, log
        assert any(e.get("changed", "").startswith("Gerade nicht erreichbar") for e in log[1:]), log
        # the search goes on: another word, own results
        page.locator(f"{PAGE} pagefind-input input").fill("Schulden")
        again = wait_for_results(page, PAGE, "n >= 1 && !box.textContent.includes('Isolation')")
        assert again and all(r["href"].startswith(base + "/") and r["source"] is None for r in again), again
        if how == "no-cors":
            # B answered, the browser refused its answer to A
            assert "/pagefind/pagefind-entry.json" in server_b.requests[0], server_b.requests
        if how == "broken-index":
            # it answered, and Pagefind tried to load its index
            assert any(".pf_meta" in r for r in server_b.requests), server_b.requests
        assert not page.foreign_requests, page.foreign_requests
    finally:
        close_page(page)
        if server_b is not None:
            server_b.stop()


def test_unreachable_neighbour_in_header_dialog(browser, server_a):
    base = server_a.base_url
    page = new_page(browser, base, height=1400)
    try:
        search_in_header(page, base)
        results = wait_for_results(page, MODAL, "n >= 1")
        assert [r["href"] for r in results] == [base + OWN_HIT], results
        region = page.locator(f"{MODAL} [data-nb-neighbours-status]")
        page.wait_for_function(
            f"() => (document.querySelector('{MODAL} [data-nb-neighbours-status]')?.textContent || '').includes({NAME!r})",
            timeout=TIMEOUT)
        assert region.is_visible() and region.get_attribute("role") == "status"
        violations = run_axe(page)
        assert not violations, format_violations(violations)
    finally:
        close_page(page)


# -- accessibility -----------------------------------------------------------------------

@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_axe_clean_with_neighbour_results_and_message(browser, site_b, server_a, b_port, scheme):
    base = server_a.base_url
    server_b = serve_b(site_b, b_port, headers=CORS)
    page = new_page(browser, base, color_scheme=scheme, height=1400)
    try:
        results = search_page(page, base, SHARED_WORD, "n >= 2")
        assert any(r["source"] for r in results), results
        violations = run_axe(page)
        assert not violations, format_violations(violations)
    finally:
        close_page(page)
        server_b.stop()
    # B gone: the message on the page (a new context: the last one could still
    # reach the stopped server through a kept-alive connection)
    page = new_page(browser, base, color_scheme=scheme, height=1400)
    try:
        search_page(page, base, SHARED_WORD, "n >= 1")
        page.wait_for_function(
            f"() => document.querySelector('{PAGE} [data-nb-neighbours-status]').textContent.includes({NAME!r})",
            timeout=TIMEOUT)
        violations = run_axe(page)
        assert not violations, format_violations(violations)
    finally:
        close_page(page)


# -- pages and the option ----------------------------------------------------------------

def test_open_data_and_privacy_pages_name_the_neighbour(site_a, site_b, b_port):
    b_url = f"http://127.0.0.1:{b_port}/"
    open_data = parse_html(site_a / "offene-daten" / "index.html")
    links = open_data.links()
    assert b_url in links and b_url + "api/hsds/index.json" in links, links
    assert (site_b / "api" / "hsds" / "index.json").is_file()  # where the link points on B
    privacy = parse_html(site_a / "datenschutz" / "index.html").find("main").text
    assert "Suche in benachbarten Verzeichnissen" in privacy and NAME in privacy and b_url in privacy
    assert "Teile des Suchindex benachbarter Verzeichnisse" in privacy
    search = parse_html(site_a / "suche" / "index.html").find("main").text
    assert "Die Suche umfasst auch diese Verzeichnisse:" in search and NAME in search
    # the neighbour itself has none: nothing said about neighbours there
    assert "benachbarte" not in parse_html(site_b / "datenschutz" / "index.html").find("main").text
    assert "nachbarn" not in {h.attrs.get("id") for h in parse_html(site_b / "offene-daten" / "index.html").find_all("h2")}
    # search.js's settings: the neighbour with its bundle on A; nothing of it on B
    settings = json.loads((site_a / "assets" / "nahbei-search" / "settings.json").read_text("utf-8"))
    assert settings["neighbours"] == [{"name": NAME, "url": b_url, "bundle": b_url + "pagefind/"}]
    assert "neighbours" not in json.loads((site_b / "assets" / "nahbei-search" / "settings.json").read_text("utf-8"))
    with SiteServer(site_b, port=b_port) as server_b, urlopen(server_b.url("/api/hsds/index.json")) as response:
        assert response.status == 200


def test_neighbours_option_values():
    """The option's type: https anywhere, http only on localhost/127.0.0.1, "/" at the end."""
    from nahbei.mkdocs.config import DirectoryConfig

    def validate(value):
        config = DirectoryConfig()
        config.load_dict({"neighbours": value})
        failed, _ = config.validate()
        return [str(e) for _, e in failed], config.neighbours

    errors, found = validate([{"name": " Stadt B ", "url": "https://Nahbei.Stadt-B.de/verzeichnis"},
                              {"name": "Test", "url": "http://localhost:8000"}])
    assert not errors
    assert [(n.name, n.url) for n in found] == [("Stadt B", "https://nahbei.stadt-b.de/verzeichnis/"),
                                               ("Test", "http://localhost:8000/")]
    for value, expected in [
        ([{"name": "B", "url": "https://b.example/"}, {"name": "C", "url": "https://B.example"}], "entry 2 ('C'): listed twice"),
        ([{"name": "B", "url": "https://b.example/?x=1"}], "no user name, password, '?' or '#'"),
        ([{"name": "B", "url": "data:text/html,hi"}], "is not allowed"),
        ([{"name": "B", "url": "https://b.example/", "weight": 2}], "entry 1: unknown key 'weight'"),
        ([{"name": "", "url": "https://b.example/"}], "entry 1: name is missing"),
        ("https://b.example/", "expected a list of other nahbei sites"),
    ]:
        errors, _ = validate(value)
        assert len(errors) == 1 and expected in errors[0], (value, errors)


@pytest.mark.parametrize(("url", "expected"), [
    ("javascript:alert(1)", "is not allowed: expected an https:// address"),
    ("http://nahbei.example.net/", "is not allowed: expected an https:// address"),
    ("https://user:secret@nahbei.example.net/", "no user name, password"),
    ("", "url is missing"),
])
def test_bad_neighbour_url_stops_the_build(tmp_path, url, expected):
    config = project_config(tmp_path / "project", directory_options=neighbour_option("Stadt Irgendwo", f'"{url}"'))
    proc = mkdocs_build(config, tmp_path / "site")
    output = proc.stdout + proc.stderr
    assert proc.returncode != 0, output
    assert "Plugin 'nahbei/directory' option 'neighbours'" in output, output
    assert expected in output, output
    assert not (tmp_path / "site" / "index.html").exists()
