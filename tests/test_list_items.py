"""List items rendered once per folder of pages (nahbei.list_item, views/site.py):
the cached HTML of an item must be what rendering it on that page gives.

Relative links are the one thing of an item that depends on the page, so every
case lists the same items on pages in different folders, at different depths, and
on pages inside whose folder an item's page lies, in every order; each rendering
is compared with rendering the same template without the cache, using MkDocs' own
``url`` filter.
"""
from __future__ import annotations

import itertools
from types import SimpleNamespace

import jinja2
import pytest
from mkdocs.utils.templates import url_filter

from nahbei.mkdocs.views.site import Site

ITEM = '<a href="{{ item.url | url }}">{{ item.name }}</a>'
ENV = jinja2.Environment(autoescape=True)
ENV.filters["url"] = url_filter
CACHED = ENV.from_string("{% for item in items %}{% call nahbei.list_item(item, 'card') %}" + ITEM
                         + "{% endcall %}{% endfor %}")
PLAIN = ENV.from_string("{% for item in items %}" + ITEM + "{% endfor %}")

ITEMS = [{"name": "Offer A", "url": "angebote/a/"}, {"name": "Offer B", "url": "angebote/b/"},
         {"name": "Event", "url": "veranstaltungen/e/"}, {"name": "Home", "url": ""}]

# (name, page URLs): pages whose links to the items differ in one way each
CASES = [
    ("same folder, other leaves", ["themen/x/", "themen/y/", "themen/z/"]),
    ("same parent, other depth", ["", "a-z/", "kalender/"]),
    ("an item's page is the page itself", ["angebote/a/", "angebote/b/", "angebote/c/"]),
    ("an item's page below the page", ["angebote/", "angebote/a/", "veranstaltungen/"]),
    ("editions", ["themen/x/", "en/themen/x/", "en/themen/y/", "ar/angebote/a/"]),
    ("an item's page beside the page", ["themen/x/", "angebote/c/", "veranstaltungen/f/"]),
    ("files", ["404.html", "a-z/", "themen/x/", "kalender/x/"]),
]


def site() -> Site:
    return Site(urls=None, lang="de", site_name="nahbei", site_url=None, legal=None)


@pytest.mark.parametrize("name,pages", CASES, ids=[c[0] for c in CASES])
def test_a_cached_item_is_what_the_page_renders(name, pages):
    for order in itertools.permutations(pages):
        helpers = site()
        for url in order:
            page = SimpleNamespace(url=url)
            want = PLAIN.render(items=ITEMS, page=page, base_url="")
            assert CACHED.render(items=ITEMS, page=page, base_url="", nahbei=helpers) == want, (name, order, url)


def test_an_item_is_rendered_once_per_folder():
    helpers, calls = site(), []
    counting = ENV.from_string("{% for item in items %}{% call nahbei.list_item(item, 'count') %}{{ count(item) }}"
                               "{% endcall %}{% endfor %}")
    for url in ("themen/x/", "themen/y/", "regionen/r/", "regionen/s/", "themen/z/"):
        counting.render(items=ITEMS, page=SimpleNamespace(url=url), nahbei=helpers,
                        count=lambda item: calls.append(item["name"]) or "")
    # two folders: each item twice, not five times
    assert sorted(calls) == sorted([i["name"] for i in ITEMS] * 2)
    # another kind of list of the same item is its own entry (event_list short/long)
    CACHED.render(items=ITEMS[:1], page=SimpleNamespace(url="themen/x/"), base_url="", nahbei=helpers)
    assert len(helpers._list_items) == len(ITEMS) * 2 + 1


def test_an_item_keeps_its_identity_for_the_build():
    """The cache holds each item: a dict built for one page and dropped cannot give
    its id to another item while the cached HTML is still there."""
    helpers = site()
    for n in range(50):
        item = {"name": f"Offer {n}", "url": f"angebote/o{n}/"}
        html = CACHED.render(items=[item], page=SimpleNamespace(url="orte/p/"), base_url="", nahbei=helpers)
        assert f"Offer {n}<" in html
