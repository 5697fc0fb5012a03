"""The Lighthouse bench row without Lighthouse: its server sends the site as
GitHub Pages does (gzip, types, max-age=600), the pages it picks, the lines it
prints from Lighthouse's numbers, and Lighthouse stays out of the tests' npm
packages (CI installs those on every run)."""
from __future__ import annotations

import gzip
import json
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from bench.lighthouse import BUDGET, details, median_of, page_paths, row
from bench.lighthouse.serve import GzipSiteServer

REPO = Path(__file__).resolve().parents[1]
FILES = {
    "index.html": ("<!doctype html><title>Start</title>" + "<p>Angebot</p>" * 200, "text/html; charset=utf-8"),
    "404.html": ("<!doctype html><title>Nicht gefunden</title>", "text/html; charset=utf-8"),
    "assets/main.css": ("body{margin:0}" * 100, "text/css; charset=utf-8"),
    "assets/app.js": ("console.log(1);" * 100, "text/javascript; charset=utf-8"),
    "assets/icons.svg": ("<svg xmlns='http://www.w3.org/2000/svg'></svg>" * 20, "image/svg+xml"),
    "assets/settings.json": ('{"a": 1}' * 50, "application/json"),
    "kalender/feed.ics": ("BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n" * 30, "text/calendar; charset=utf-8"),
    "angebote/b-offer/index.html": ("<p>B</p>", "text/html; charset=utf-8"),
    "angebote/a-offer/index.html": ("<p>A</p>", "text/html; charset=utf-8"),
    "suche/index.html": ("<p>Suche</p>", "text/html; charset=utf-8"),
}
BINARY = {"assets/favicon.png": ("image/png", b"\x89PNG\r\n\x1a\n" + bytes(300)),
          "pagefind/wasm.de.pagefind": ("application/octet-stream", bytes(range(256)) * 4)}


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    root = tmp_path_factory.mktemp("site")
    for rel, (text, _) in FILES.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, "utf-8")
    for rel, (_, data) in BINARY.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_bytes(data)
    return root


@pytest.fixture(scope="module")
def server(site):
    with GzipSiteServer(site) as s:
        yield s


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def get(url: str, **headers):
    opener = urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(urllib.request.Request(url, headers=headers), timeout=10) as r:
            return r.status, dict(r.headers), r.read()
    except urllib.error.HTTPError as e:
        return e.code, dict(e.headers), e.read()


def test_text_files_are_sent_gzip_compressed_with_their_type_and_max_age(server, site):
    assert server.base_url.startswith("http://127.0.0.1:")
    for rel, (text, ctype) in FILES.items():
        path = "/" + rel.removesuffix("index.html")
        status, headers, body = get(server.base_url + path, **{"Accept-Encoding": "gzip, deflate, br"})
        assert status == 200, path
        assert headers["Content-Type"] == ctype, path
        assert headers["Content-Encoding"] == "gzip", path
        assert headers["Cache-Control"] == "max-age=600" and headers["Vary"] == "Accept-Encoding"
        assert int(headers["Content-Length"]) == len(body)
        assert gzip.decompress(body).decode("utf-8") == text, path


def test_without_accept_encoding_and_for_binary_files_the_bytes_go_as_they_are(server, site):
    status, headers, body = get(server.base_url + "/assets/main.css")
    assert status == 200 and "Content-Encoding" not in headers and body == (site / "assets/main.css").read_bytes()
    for rel, (ctype, data) in BINARY.items():
        status, headers, body = get(server.base_url + "/" + rel, **{"Accept-Encoding": "gzip"})
        assert (status, headers["Content-Type"], body) == (200, ctype, data)
        assert "Content-Encoding" not in headers and headers["Cache-Control"] == "max-age=600"


def test_redirect_not_found_and_revalidation(server):
    status, headers, _ = get(server.base_url + "/suche")
    assert status == 301 and headers["Location"] == "/suche/"
    status, headers, body = get(server.base_url + "/nirgends/", **{"Accept-Encoding": "gzip"})
    assert status == 404 and b"Nicht gefunden" in gzip.decompress(body)
    assert get(server.base_url + "/../../etc/passwd")[0] == 404
    _, headers, _ = get(server.base_url + "/assets/app.js")
    status, _, body = get(server.base_url + "/assets/app.js", **{"If-None-Match": headers["ETag"]})
    assert (status, body) == (304, b"")


def test_the_pages_measured_are_home_the_first_offer_search_and_the_map(site, tmp_path):
    assert page_paths(site) == {"home": "/", "offer": "/angebote/a-offer/", "search": "/suche/"}
    (tmp_path / "karte").mkdir()
    (tmp_path / "karte" / "index.html").write_text("<ul></ul>", "utf-8")
    assert page_paths(tmp_path) == {"home": "/", "map": "/karte/"}


def test_byte_ranges_of_binary_files(server, site):
    whole = BINARY["pagefind/wasm.de.pagefind"][1]
    status, headers, body = get(server.base_url + "/pagefind/wasm.de.pagefind", Range="bytes=10-19")
    assert (status, body, headers["Content-Range"]) == (206, whole[10:20], f"bytes 10-19/{len(whole)}")
    status, headers, body = get(server.base_url + "/pagefind/wasm.de.pagefind", Range="bytes=-4")
    assert (status, body) == (206, whole[-4:])
    assert get(server.base_url + "/pagefind/wasm.de.pagefind", Range=f"bytes={len(whole)}-")[0] == 416


def run(score, **kw):
    return {"url": "u", "score": score, "fcp": 1500.0, "lcp": 1600.0, "tbt": 10.0, "cls": 0.0, "si": 1500.0,
            "bytes": 88064, "requests": 10, "benchmarkIndex": 2700, "lost": {}, "failing": [], "foreign": [], **kw}


def test_lines_show_the_median_the_spread_and_the_budget():
    home = [run(100), run(98, lost={"first-contentful-paint": 2}), run(99, lost={"first-contentful-paint": 1})]
    search = [run(90, cls=0.19, lost={"cumulative-layout-shift": 9.0}, bytes=215040, requests=25)] * 3
    assert median_of(home)["score"] == 99 and (median_of(home)["low"], median_of(home)["high"]) == (98, 100)
    result = {"pages": {"home": {"path": "/", "median": median_of(home)},
                        "offer": {"path": "/angebote/a/", "median": median_of([run(99)] * 3)},
                        "search": {"path": "/suche/", "median": median_of(search)},
                        "map": {"path": "/karte/", "median": median_of([run(92)] * 3)}},
              "lighthouse": "12.8.2", "chrome": "Mozilla/5.0 HeadlessChrome/156.0.0.0 Safari/537.36",
              "runs": 3, "seconds": 60.0, "load": (1.0, 0.5)}
    # the map page has its own budget (90): 92 is within it
    assert row(result) == (f"home 99, offer 99, search 90, map 92 (budget ≥ {BUDGET}, map ≥ 90: search below); "
                           "home 86 KB in 10 requests")
    lines = details(result)
    assert lines[0] == ("home /: 99 (median of 3, 98–100), FCP 1.5 s, LCP 1.6 s, TBT 10 ms, CLS 0.000; "
                               "86 KB in 10 requests (gzip); points lost: first-contentful-paint −1")
    assert lines[2].endswith("210 KB in 25 requests (gzip); points lost: cumulative-layout-shift −9")
    assert lines[-1] == ("Lighthouse 12.8.2, mobile preset (simulated throttling), HeadlessChrome/156.0.0.0; "
                         "CPU benchmarkIndex 2700; load average 1.0 before, 0.5 after; 60 s")
    assert row({"error": "no Node"}) == "n/a (no Node)"


def test_lighthouse_is_pinned_for_the_bench_only():
    own = json.loads((REPO / "bench/lighthouse/package.json").read_text("utf-8"))
    lock = json.loads((REPO / "bench/lighthouse/package-lock.json").read_text("utf-8"))
    version = own["dependencies"]["lighthouse"]
    assert version[0].isdigit(), "an exact version, installed with npm ci"
    assert lock["packages"]["node_modules/lighthouse"]["version"] == version
    top = json.loads((REPO / "package.json").read_text("utf-8"))
    assert "lighthouse" not in {**top.get("dependencies", {}), **top.get("devDependencies", {})}
