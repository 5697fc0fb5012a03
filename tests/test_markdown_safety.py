"""Descriptions are rendered Markdown → nh3; hostile input must come out harmless.

`nahbei check` already rejects HTML and unsafe link schemes in content, so a
built site never sees these inputs. The renderer must not rely on that: it is
tested directly here, and through the page views with a Directory that
bypasses validation.
"""
from __future__ import annotations

import dataclasses
import sys
from datetime import date
from html.parser import HTMLParser
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

if __package__ in (None, "") and str(Path(__file__).resolve().parents[1]) not in sys.path:
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from nahbei.model.check import check
from nahbei.model.directory import Directory
from nahbei.safe_markdown import ALLOWED_ATTRIBUTES, ALLOWED_TAGS, URL_SCHEMES, render

REPO = Path(__file__).resolve().parents[1]

HOSTILE = [
    "<script>alert(1)</script>",
    "Text <script src=https://evil.example/x.js></script> danach",
    "<img src=x onerror=alert(1)>",
    '<svg onload="alert(1)"><circle r="1"/></svg>',
    "[klick](javascript:alert(1))",
    "[klick](JaVaScRiPt:alert(1))",
    "[klick]( javascript:alert(1) )",
    "[klick](&#106;avascript:alert(1))",
    "[klick](&#x6A;avascript:alert(1))",
    "[klick](vbscript:msgbox(1))",
    "[klick](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "[klick][ref]\n\n[ref]: javascript:alert(1)",
    "<javascript:alert(1)>",
    '<a href="javascript:alert(1)">a</a>',
    '<a href="https://ok.example/" onclick="alert(1)" style="color:red">a</a>',
    "<iframe src=https://evil.example/></iframe>",
    "<object data=x.swf></object><embed src=x.swf>",
    "<style>body{display:none}</style>Text",
    '<div style="background:url(javascript:alert(1))">x</div>',
    '<form action="https://evil.example/"><input name=p><button>Go</button></form>',
    '<meta http-equiv="refresh" content="0;url=https://evil.example/">',
    '<base href="https://evil.example/">',
    '<link rel=stylesheet href="https://evil.example/x.css">',
    "<!-- <script>alert(1)</script> -->",
    '<p title="x" onmouseover="alert(1)">p</p>',
    "![bild](https://tracker.example/pixel.gif)",
    '<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>',
    "``<script>alert(1)</script>``",
    "# Überschrift\n\n## Zweite",
]


class _Collect(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict]] = []
        self.comments: list[str] = []
        self.data: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    handle_startendtag = handle_starttag

    def handle_comment(self, data):
        self.comments.append(data)

    def handle_data(self, data):
        self.data.append(data)


def assert_harmless(html: str) -> _Collect:
    p = _Collect()
    p.feed(html)
    p.close()
    for tag, attrs in p.tags:
        assert tag in ALLOWED_TAGS, (tag, html)
        allowed = ALLOWED_ATTRIBUTES.get(tag, set()) | {"rel"}
        for name, value in attrs.items():
            assert name in allowed, (tag, name, html)
            assert not name.startswith("on")
            if name == "href":
                scheme = value.split(":", 1)[0].lower() if ":" in value else ""
                assert scheme in URL_SCHEMES or scheme == "", (value, html)
    assert not p.comments, html
    lowered = html.lower()
    for bad in ("<script", "<style", "<iframe", "<img", "<svg", "<form", "<meta", "<base", "<link",
                "<object", "<embed", "javascript:", "vbscript:", "data:text", " on"):
        # " on" catches event-handler attributes; text content is escaped, so it cannot open a tag
        if bad == " on":
            assert not any(k.startswith("on") for _, a in p.tags for k in a), html
        else:
            assert bad not in lowered.replace("&lt;", "‹"), (bad, html)
    return p


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_markdown_renders_harmless(text):
    assert_harmless(render(text))


def test_script_content_is_dropped_not_shown():
    out = render("Vorher <script>alert('x')</script> nachher")
    assert "alert" not in out
    assert "Vorher" in out and "nachher" in out


def test_unsafe_links_keep_text_lose_href():
    out = render("[Hier klicken](javascript:alert(1))")
    p = assert_harmless(out)
    anchors = [a for t, a in p.tags if t == "a"]
    assert anchors and all("href" not in a for a in anchors)
    assert "Hier klicken" in "".join(p.data)


def test_safe_markdown_survives():
    out = render("**fett** und *kursiv*\n\n- eins\n- zwei\n\n[Stadt](https://www.troisdorf.de/) "
                 "[Mail](mailto:info@example.org) [Tel](tel:+4922419009765)")
    assert "<strong>fett</strong>" in out and "<em>kursiv</em>" in out
    assert "<li>eins</li>" in out
    assert 'href="https://www.troisdorf.de/"' in out
    assert 'href="mailto:info@example.org"' in out and 'href="tel:+4922419009765"' in out
    assert_harmless(out)


def test_headings_move_below_the_page_heading():
    out = render("# Eins\n\n## Zwei\n\n###### Sechs")
    assert "<h1" not in out and "<h2" not in out
    assert "<h3>Eins</h3>" in out and "<h4>Zwei</h4>" in out and "<h6>Sechs</h6>" in out


def test_empty_description():
    assert render(None) == "" and render("  \n") == ""


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("<>/=\"' ()[]:!&#;abcdefhijlmnoprstvx-\n*_`")), max_size=120))
def test_any_text_renders_harmless(text):
    assert_harmless(render(text))


@settings(max_examples=150, deadline=None)
@given(st.lists(st.sampled_from(HOSTILE + ["Text", "**fett**", "- Liste", "\n\n", "[a](https://a.example/)"]),
                max_size=6))
def test_hostile_combinations_render_harmless(parts):
    assert_harmless(render("\n".join(parts)))


@pytest.mark.parametrize("kind, ident", [("offer", "mittendrin-troisdorf"), ("event", "mittendrin-offener-treff"),
                                         ("contact", "kontaktbuero-thinka"), ("place", "volkshaus-doebeln")])
def test_views_sanitise_descriptions_that_skipped_validation(monkeypatch, kind, ident):
    """Even if a hostile description reached the model, the page view is safe –
    for every kind of entry page."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1795305600")
    from nahbei.mkdocs.pages import make_urls, plan
    from nahbei.mkdocs.views import Site, Views

    result = check(REPO / "content", today=date(2026, 11, 22), root=REPO)
    d = result.directory
    folder = {"offer": "offers", "event": "events", "contact": "contacts", "place": "places"}[kind]
    entries = {k: v for k, v in getattr(d, folder).items() if not getattr(v, "derived_from", None)}
    entry = entries[ident]
    hostile = "Hallo <script>alert(1)</script> [x](javascript:alert(1)) <img src=x onerror=alert(1)>"
    entries[ident] = dataclasses.replace(entry, data=dict(entry.data, description=hostile))
    parts = {"offers": dict(d.offers), "events": {k: v for k, v in d.events.items() if not v.derived_from},
             "contacts": dict(d.contacts), "places": dict(d.places), folder: entries}
    d2 = Directory.build(parts["offers"], parts["events"], parts["contacts"], parts["places"], d.taxonomy,
                         d.today, d.tz)
    urls = make_urls()
    site = Site(urls=urls, lang="de", site_name="Test", site_url=None, legal=None)
    views = Views(d2, site)
    spec = next(s for s in plan(d2, urls) if s.kind == kind and s.ident == ident)
    html = str(views.for_page(spec)["description"])
    assert "Hallo" in html
    assert_harmless(html)


# Shapes on which Python-Markdown took quadratic time (20,000 "[" ~80 s): a
# description at its maximum length must render in about linear time. The
# bound is CPU time of this process and generous (a regression to quadratic
# costs minutes, not seconds), so a loaded machine does not trip it.
PATHOLOGICAL = {
    "open brackets": "[", "image brackets": "![", "half-open": "[[]", "unclosed link": "[a]( ",
    "empty links": "[](", "angle link": "[a](<", "reference chain": "[a][", "emphasis": "*[",
    "list items": "\n- ", "headings": "\n# ", "html comments": "<!--", "cdata": "<![CDATA[",
}


@pytest.mark.parametrize("unit", PATHOLOGICAL.values(), ids=PATHOLOGICAL.keys())
def test_pathological_descriptions_render_in_linear_time(unit):
    import json
    import time
    limit = json.loads((REPO / "schemas" / "common.schema.json").read_text("utf-8"))["$defs"]["markdown"]["maxLength"]
    text = unit * (limit // len(unit))
    nested = "[" * (limit // 2) + "]" * (limit // 2)
    for value in (text, nested):
        started = time.process_time()
        html = render(value)
        assert time.process_time() - started < 3.0, (unit, len(value))
        assert_harmless(html)
