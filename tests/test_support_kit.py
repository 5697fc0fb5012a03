"""Tests of the browser / HTML-validity test kit in tests/support/.

A tiny stock mkdocs-material site is built once per module; the kit is then
shown to pass what it should pass and, with deliberately broken pages, to fail
what it should fail (so a green website test means something).
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
import urllib.request
from pathlib import Path

import pytest

if __package__ in (None, "") and str(Path(__file__).resolve().parents[1]) not in sys.path:
    # Bare `pytest` (not `python -m pytest`) does not put the repo root on
    # sys.path while tests/ has no __init__.py; `tests.support` needs it.
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.support.browser import (
    foreign_resource_hints,
    format_focus_steps,
    format_violations,
    has_horizontal_scroll,
    open_page,
    overflowing_elements,
    run_axe,
    tab_through,
)
from tests.support.htmlcheck import format_vnu, parse_html, parse_html_string, run_vnu
from tests.support.server import SiteServer, serve_directory

VALID_HTML = """<!DOCTYPE html>
<html lang="de">
<head><meta charset="utf-8"><title>Gültig</title></head>
<body><main><h1>Gültig</h1><p><a href="index.html">Start</a></p></main></body>
</html>
"""

# Stray end tag, unknown element, duplicate id, missing <title>.
INVALID_HTML = """<!DOCTYPE html>
<html lang="de">
<head><meta charset="utf-8"></head>
<body><p id="a">x</span><p id="a"><blink>y</blink></p></body>
</html>
"""

# An image without alt text: axe's image-alt must flag it.
NO_ALT_HTML = """<!DOCTYPE html>
<html lang="de">
<head><meta charset="utf-8"><title>Kaputt</title></head>
<body><main><h1>Kaputt</h1><img src="pixel.svg" width="10" height="10"></main></body>
</html>
"""

# References a resource on another host: must be recorded and blocked.
FOREIGN_HTML = """<!DOCTYPE html>
<html lang="de">
<head><meta charset="utf-8"><title>Fremd</title>
<link rel="preconnect" href="https://fonts.example.net">
</head>
<body><main><h1>Fremd</h1>
<img src="https://example.org/x.png" alt="x" width="10" height="10">
<img src="data:image/gif;base64,R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7" alt="d" width="1" height="1">
</main></body>
</html>
"""

# Too wide for 320 px, and a link whose focus style was removed.
WIDE_HTML = """<!DOCTYPE html>
<html lang="de">
<head><meta charset="utf-8"><title>Breit</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>a.nofocus:focus { outline: none; }</style></head>
<body><main><h1>Breit</h1>
<a href="#ok">Mit Fokus</a> <a class="nofocus" href="#bad">Ohne Fokus</a>
<div style="width: 900px">breit</div></main></body>
</html>
"""

PIXEL_SVG = '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect width="10" height="10"/></svg>'


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Build a two-page stock mkdocs-material site, then add hand-written test pages."""
    root = tmp_path_factory.mktemp("kit-site")
    (root / "docs").mkdir()
    (root / "mkdocs.yml").write_text(
        textwrap.dedent(
            """\
            site_name: Testseite
            site_url: http://127.0.0.1/
            theme:
              name: material
              language: de
              font: false
            plugins: []
            nav:
              - Start: index.md
              - Angebote: angebote.md
            """
        ),
        encoding="utf-8",
    )
    (root / "docs" / "index.md").write_text(
        "# Willkommen\n\nEin kleiner Test. Weiter zu den [Angeboten](angebote.md).\n",
        encoding="utf-8",
    )
    (root / "docs" / "angebote.md").write_text(
        "# Angebote\n\n## Beratung\n\nMontags von 10 bis 12 Uhr.\n\n- eins\n- zwei\n",
        encoding="utf-8",
    )
    proc = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--quiet", "-f", "mkdocs.yml", "-d", "site"],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    out = root / "site"
    extra = out / "kit"
    extra.mkdir()
    for name, text in {
        "valid.html": VALID_HTML,
        "no-alt.html": NO_ALT_HTML,
        "foreign.html": FOREIGN_HTML,
        "wide.html": WIDE_HTML,
        "pixel.svg": PIXEL_SVG,
        "feed.ics": "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//kit//test//DE\r\nEND:VCALENDAR\r\n",
        "index.pf_meta": "\x00\x01",
        "a.wasm": "\x00asm",
        "data.json": "{}",
    }.items():
        (extra / name).write_text(text, encoding="utf-8")
    (root / "invalid").mkdir()
    (root / "invalid" / "invalid.html").write_text(INVALID_HTML, encoding="utf-8")
    return out


@pytest.fixture(scope="module")
def base_url(site: Path):
    with serve_directory(site) as url:
        yield url


# --------------------------------------------------------------------------
# server
# --------------------------------------------------------------------------

def test_server_mime_types_and_shutdown(site: Path) -> None:
    with SiteServer(site) as server:
        base = server.base_url
        assert base.startswith("http://127.0.0.1:")

        def head(path: str) -> tuple[int, str]:
            with urllib.request.urlopen(base + path, timeout=5) as resp:
                resp.read()
                return resp.status, resp.headers["Content-Type"]

        assert head("/") == (200, "text/html; charset=utf-8")
        assert head("/kit/feed.ics")[1].startswith("text/calendar")
        assert head("/kit/index.pf_meta")[1] == "application/octet-stream"
        assert head("/kit/pixel.svg")[1] == "image/svg+xml"
        js = next(p for p in (site / "assets" / "javascripts").glob("*.js"))
        assert head("/assets/javascripts/" + js.name)[1].startswith("text/javascript")
        css = next(p for p in (site / "assets" / "stylesheets").glob("*.css"))
        assert head("/assets/stylesheets/" + css.name)[1].startswith("text/css")
        assert head("/kit/a.wasm")[1] == "application/wasm"
        assert head("/kit/data.json")[1] == "application/json"
        assert "/kit/feed.ics" in server.requests
    with pytest.raises(OSError):
        urllib.request.urlopen(base + "/", timeout=2)


# --------------------------------------------------------------------------
# htmlcheck
# --------------------------------------------------------------------------

def test_run_vnu_valid_and_invalid_in_one_run(site: Path) -> None:
    valid = site / "kit" / "valid.html"
    invalid = site.parent / "invalid" / "invalid.html"
    errors = run_vnu([valid, invalid])
    assert errors, "vnu must report the deliberately invalid file"
    assert all(e.url.endswith("/invalid/invalid.html") for e in errors), format_vnu(errors)
    messages = " | ".join(e.message for e in errors)
    assert "Stray end tag" in messages and "blink" in messages and "Duplicate ID" in messages, messages
    assert all(e.line for e in errors)
    assert run_vnu(valid) == []
    # ignore= drops matching messages
    rest = run_vnu(invalid, ignore=[r"Stray end tag", r"blink", r"Duplicate ID", r"title"])
    assert all("Stray" not in e.message for e in rest)


def test_parse_html_reads_built_page(site: Path) -> None:
    doc = parse_html(site / "index.html")
    assert doc.lang == "de"
    assert doc.h1_count == 1
    assert doc.title == "Testseite"  # the home page's title is the site name
    assert parse_html(site / "angebote" / "index.html").title == "Angebote - Testseite"
    assert "angebote/" in doc.links()
    assert doc.find("main") is not None
    assert doc.meta("generator") and doc.meta("generator").startswith("mkdocs-")
    assert doc.find("link", rel="canonical")["href"] == "http://127.0.0.1/"
    assert doc.find_all("a", class_="md-nav__link", href=True)
    assert doc.doctype and doc.doctype.lower() == "doctype html"
    assert not [i for i, n in doc.ids().items() if n > 1]


def test_parse_html_string_features() -> None:
    doc = parse_html_string(
        """<!doctype html><html lang="de"><head><title>T</title>
        <script type="application/ld+json">{"@type": "Event", "name": "Café & Co"}</script>
        </head><body><h1>A</h1><p>eins<p>zwei<ul><li>a<li>b</ul>
        <h2 id="x">B &amp; C</h2><img src="i.png" alt=""><a href="/y" aria-label="Ypsilon">y</a></body></html>"""
    )
    assert doc.json_ld() == [{"@type": "Event", "name": "Café & Co"}]
    assert [p.text for p in doc.find_all("p")] == ["eins", "zwei"]
    assert [li.text for li in doc.find_all("li")] == ["a", "b"]
    assert doc.headings() == [(1, "A"), (2, "B & C")]
    assert doc.find("img", alt="") is not None
    assert doc.find("a", **{"aria-label": "Ypsilon"}).closest("body") is not None
    assert doc.links() == ["/y"]


# --------------------------------------------------------------------------
# browser
# --------------------------------------------------------------------------

@pytest.mark.browser
@pytest.mark.xdist_group("browser")
def test_stock_page_loads_and_axe_runs(browser, base_url: str) -> None:
    with open_page(browser, base_url) as page:
        resp = page.goto(base_url + "/")
        assert resp is not None and resp.ok
        assert page.locator("h1").first.inner_text() == "Willkommen"
        violations = run_axe(page)
        assert isinstance(violations, list)
        # The stock theme is not asserted clean; the findings are printed
        # (pytest -s, or -rA) as input for the theme work.
        print("\n[stock mkdocs-material, light]", format_violations(violations))
        print("[foreign requests]", page.foreign_requests)
        print("[console errors]", page.console_errors)
        assert page.foreign_requests == [], "font: false stock site must not contact other hosts"


@pytest.mark.browser
@pytest.mark.xdist_group("browser")
def test_stock_page_dark_and_narrow(browser, base_url: str) -> None:
    with open_page(browser, base_url, color_scheme="dark", width=320, height=640) as page:
        page.goto(base_url + "/angebote/")
        assert page.evaluate("matchMedia('(prefers-color-scheme: dark)').matches")
        assert page.evaluate("innerWidth") == 320
        print("\n[stock, dark 320px]", format_violations(run_axe(page)))
        print("[stock 320px horizontal scroll]", has_horizontal_scroll(page), overflowing_elements(page))


@pytest.mark.browser
@pytest.mark.xdist_group("browser")
def test_axe_flags_missing_alt(browser, base_url: str) -> None:
    with open_page(browser, base_url) as page:
        page.goto(base_url + "/kit/no-alt.html")
        violations = run_axe(page)
        ids = {v["id"] for v in violations}
        assert "image-alt" in ids, format_violations(violations)
        text = format_violations(violations)
        assert "image-alt" in text and "pixel.svg" in text
        page.goto(base_url + "/kit/valid.html")
        assert run_axe(page) == []


@pytest.mark.browser
@pytest.mark.xdist_group("browser")
def test_foreign_requests_recorded_and_blocked(browser, base_url: str) -> None:
    with open_page(browser, base_url) as page:
        page.goto(base_url + "/kit/foreign.html")
        page.wait_for_load_state("load")
        assert page.foreign_requests == ["https://example.org/x.png"]
        assert foreign_resource_hints(page) == ['<link rel="preconnect" href="https://fonts.example.net">']
        # the image did not load (blocked), the data: one did
        assert page.evaluate("document.images[0].naturalWidth") == 0
        assert page.evaluate("document.images[1].complete && document.images[1].naturalWidth") == 1


@pytest.mark.browser
@pytest.mark.xdist_group("browser")
def test_tab_through_stock_page(browser, base_url: str) -> None:
    with open_page(browser, base_url) as page:
        page.goto(base_url + "/")
        steps = tab_through(page, 40)
        report = format_focus_steps(steps)
        print("\n[stock tab order]\n" + report)
        assert steps, "Tab reached nothing"
        assert any(s.tag == "a" and s.href for s in steps), report
        content_link = [s for s in steps if s.href == "angebote/" and s.in_main and s.text == "Angeboten"]
        assert content_link, report
        assert content_link[0].visible and content_link[0].in_viewport


@pytest.mark.browser
@pytest.mark.xdist_group("browser")
def test_tab_through_detects_missing_focus_style_and_reflow(browser, base_url: str) -> None:
    with open_page(browser, base_url, width=320, height=640) as page:
        page.goto(base_url + "/kit/wide.html")
        steps = tab_through(page, 10)
        report = format_focus_steps(steps)
        assert [s.href for s in steps] == ["#ok", "#bad"], report
        assert steps[0].focus_indicator and "outline" in steps[0].indicator, report
        assert not steps[1].focus_indicator, report
        assert all(s.in_main for s in steps)
        # from_top=True restarts at the top even though focus is at the end now
        assert [s.href for s in tab_through(page, 10)] == ["#ok", "#bad"]
        assert has_horizontal_scroll(page)
        assert any(e.startswith("div") for e in overflowing_elements(page))
        page.goto(base_url + "/kit/valid.html")
        assert not has_horizontal_scroll(page)


def test_kit_json_roundtrip_of_violation_format() -> None:
    # format_violations copes with axe's nested (iframe/shadow) targets and long html
    v = [{"id": "x", "impact": "serious", "help": "H", "helpUrl": "u",
          "nodes": [{"target": [["iframe", "a"]], "html": "<a>" + "z" * 500 + "</a>", "failureSummary": "f"}]}]
    text = format_violations(json.loads(json.dumps(v)))
    assert "iframe >>> a" in text and "…" in text


def test_run_vnu_on_stock_site(site: Path) -> None:
    pages = [p for p in sorted(site.rglob("*.html")) if "kit" not in p.relative_to(site).parts]
    assert len(pages) == 3  # index, angebote, 404
    # A directory is searched for *.html; of the kit pages only no-alt.html is invalid.
    errors = run_vnu(site / "kit")
    assert {Path(e.path).name for e in errors} == {"no-alt.html"}, format_vnu(errors)
    assert "alt" in errors[0].message
    # The stock theme is not asserted clean; findings are printed for the theme work.
    print("\n[stock mkdocs-material, vnu]", format_vnu(run_vnu(pages)))
