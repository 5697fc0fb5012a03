"""Leichte Sprache on the built example site (``example_site``, mkdocs build --strict),
read back with the standard library's HTML parser: an entry's text in Leichte
Sprache in a labelled block on its page and on a page of its own, the way to it
near the top of the page; /leichte-sprache/ explains the site (one statement a
line, short sentences), lists the entries with such a text and is linked from
the home page; an entry without a text gets none of it."""
from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parents[1]
WITH_TEXT = ("offer", "thinka-soemmerda")  # the example entry with a text in Leichte Sprache
WITHOUT_TEXT = "mittendrin-troisdorf"
# Leichte Sprache: short sentences (the rules of the Netzwerk Leichte Sprache ask for
# one statement a sentence; 12 words is a generous bound for that)
MAX_WORDS = 12


class Page(HTMLParser):
    """The page's headings, links, paragraphs and the elements with lang, in order."""

    def __init__(self, text: str):
        super().__init__()
        self.events: list[tuple[str, dict, str]] = []  # (tag, attrs, text inside)
        self._open: list[tuple[str, dict, list[str]]] = []
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        if tag in ("h1", "h2", "a", "p", "section", "li"):
            self._open.append((tag, dict(attrs), []))

    def handle_endtag(self, tag):
        for i in range(len(self._open) - 1, -1, -1):
            if self._open[i][0] == tag:
                name, attrs, text = self._open.pop(i)
                self.events.append((name, attrs, " ".join("".join(text).split())))
                break

    def handle_data(self, data):
        for _, _, text in self._open:
            text.append(data)

    def all(self, tag: str, **attrs) -> list[tuple[dict, str]]:
        return [(a, t) for n, a, t in self.events
                if n == tag and all(a.get(k) == v or (k == "class" and v in (a.get("class") or "").split())
                                    for k, v in attrs.items())]


def page(site: Path, path: str) -> Page:
    return Page((site / path / "index.html").read_text("utf-8"))


def article(site: Path, path: str) -> str:
    html = (site / path / "index.html").read_text("utf-8")
    return html[html.index("<article"):html.index("</article>")]


@pytest.fixture(scope="module")
def entry_text() -> str:
    data = yaml.safe_load((REPO / "content" / "offers" / f"{WITH_TEXT[1]}.yaml").read_text("utf-8"))
    assert data.get("easy_read"), "the example needs one entry with a text in Leichte Sprache"
    return data["easy_read"]


def words_of(markdown: str) -> list[str]:
    return [w for w in re.split(r"\s+", re.sub(r"[*_#>`-]", " ", markdown)) if re.search(r"\w", w)]


def test_the_entry_page_leads_to_its_text_and_shows_it_in_a_labelled_block(example_site, entry_text):
    html = article(example_site, f"angebote/{WITH_TEXT[1]}")
    p = Page(html)
    links = [a for a, t in p.all("a") if a.get("href") == "leichte-sprache/"]
    assert len(links) == 2, links  # near the top, and in the block ("als eigene Seite")
    # the first way to it comes before the page's first section ("Für wen?")
    assert html.index('href="leichte-sprache/"') < html.index('id="fuer-wen"')
    sections = p.all("section", **{"class": "nb-easy-read"})
    assert len(sections) == 1
    attrs, text = sections[0]
    assert attrs.get("lang") == "de" and attrs.get("aria-labelledby") == "leichte-sprache"
    assert ("In Leichter Sprache" in [t for _, t in p.all("h2", id="leichte-sprache")])
    # every word of the source text is in the block (rendered Markdown, nothing lost)
    assert all(w.strip(".,:;!?") in text for w in words_of(entry_text)), text


def test_the_text_has_a_page_of_its_own(example_site, entry_text):
    p = page(example_site, f"angebote/{WITH_TEXT[1]}/leichte-sprache")
    (h1,) = [t for _, t in p.all("h1")]
    assert h1.endswith("– in Leichter Sprache") and h1.startswith("ThINKA")
    body = " ".join(t for _, t in p.all("p") + p.all("li"))
    assert all(w.strip(".,:;!?") in body for w in words_of(entry_text)), body
    hrefs = [a.get("href") for a, _ in p.all("a")]
    assert "../" in hrefs  # back to the entry's page
    assert "../../../leichte-sprache/" in hrefs


def test_an_entry_without_a_text_gets_nothing_of_it(example_site):
    assert "leichte-sprache" not in article(example_site, f"angebote/{WITHOUT_TEXT}")
    assert not (example_site / "angebote" / WITHOUT_TEXT / "leichte-sprache").exists()


def test_the_site_page_explains_the_site_one_short_statement_a_line(example_site):
    p = page(example_site, "leichte-sprache")
    assert [t for _, t in p.all("h1")] == ["Leichte Sprache"]
    lines = [t for a, t in p.all("p") if "nb-easy-read-link" not in (a.get("class") or "")]
    statements = [t for t in lines if t and not t.startswith("Zur ") and not t.startswith("Mehr dazu")]
    assert len(statements) > 15
    for line in statements:
        sentences = [s for s in re.split(r"(?<=[.!?])\s+", line) if s]
        assert len(sentences) <= 2, line
        for s in sentences:
            assert len(s.split()) <= MAX_WORDS, s
    # it lists the entries with a text in Leichte Sprache
    assert "../angebote/thinka-soemmerda/leichte-sprache/" in [a.get("href") for a, _ in p.all("a")]


def test_the_home_page_links_to_it(example_site):
    p = page(example_site, "")
    assert any(a.get("href") == "leichte-sprache/" and a.get("lang") == "de" for a, _ in p.all("a"))
