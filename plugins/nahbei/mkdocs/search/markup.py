"""Pagefind attributes in rendered pages (no MkDocs import).

Pagefind reads ``data-pagefind-*`` attributes from the HTML it is sent (the
plugin sends each entry page marked by :func:`mark_entry`, cut down by
:func:`index_document`; the page as written keeps only ``data-pagefind-body``):

- ``data-pagefind-body`` marks the content to index. Once one page has it,
  pages without it are left out – so entry pages get it, and list pages
  (topics, A–Z, calendars, home) lose it: they repeat every summary and would
  crowd out the entries themselves.
- A ``hidden`` block with ``data-pagefind-ignore`` carries filters, metadata
  and sort keys: Pagefind still reads those inside ignored elements, but adds
  none of its text to the index or the excerpts. It is only in what Pagefind
  gets, not in the page as written.
- Keywords go into a metadata field (``keywords``): Pagefind 1.5 searches
  metadata and weights it by ``ranking.metaWeights`` (set in search.js), and
  never shows it in excerpts or on the page – not even to screen readers.
- ``browse`` metadata holds :data:`BROWSE_TERM` (see there).
"""
from __future__ import annotations

import functools
import re
from html import escape

from .records import SearchRecord

#: A word only entry pages carry (as metadata, never shown). Browsing by
#: filters without a search word searches for it: Pagefind 1.5 would
#: otherwise download every chunk of its word index for a search without a
#: term (fixed upstream after 1.5.2, Pagefind PR #1317).
BROWSE_TERM = "zzznahbeieintrag"

_BODY_ATTR = re.compile(r'(<[a-zA-Z][^<>]*?)\s+data-pagefind-body(?:=(?:""|\'\'))?(?=[\s/>])')
_HAS_BODY = re.compile(r'<[a-zA-Z][^<>]*?\sdata-pagefind-body(?:=(?:""|\'\'))?[\s/>]')
# mkdocs-material's content element (main.html): <article class="md-content__inner md-typeset">
_CONTENT_OPEN = re.compile(r'<article\b[^<>]*\bclass="[^"]*\bmd-content__inner\b[^"]*"[^<>]*>')


def _attr(value: str) -> str:
    return escape(value, quote=True)


def _inline(key: str, value: str) -> str:
    # "key:value" – Pagefind captures an inline value to the end of the attribute.
    return _attr(f"{key}:{' '.join(str(value).split())}")


def record_html(rec: SearchRecord) -> str:
    """The hidden block with the record's filters, metadata, sort keys and keywords."""
    parts = ['<div hidden data-pagefind-ignore class="nb-search-data">']
    for name, values in rec.filters.items():
        for v in values:
            parts.append(f'<span data-pagefind-filter="{_inline(name, v)}"></span>')
    for key, value in rec.meta.items():
        if value:
            parts.append(f'<span data-pagefind-meta="{_inline(key, value)}"></span>')
    if rec.keywords:
        parts.append(f'<span data-pagefind-meta="{_inline("keywords", ", ".join(rec.keywords))}"></span>')
    parts.append(f'<span data-pagefind-meta="{_inline("browse", BROWSE_TERM)}"></span>')
    for key, value in rec.sort.items():
        parts.append(f'<span data-pagefind-sort="{_inline(key, value)}"></span>')
    parts.append("</div>")
    return "".join(parts)


_BODY_WORD = "data-pagefind-body"


def _first_body_tag(html: str):
    """The first tag with ``data-pagefind-body`` (a match of _HAS_BODY), or None.
    Same as ``_HAS_BODY.search(html)``, but the regex only runs on tags that hold
    the word: every page passes here, and a scan of all its tags is slow."""
    i = html.find(_BODY_WORD)
    while i != -1:
        start = html.rfind("<", 0, i)
        m = _HAS_BODY.match(html, start) if start != -1 else None
        if m is not None:
            return m
        i = html.find(_BODY_WORD, i + 1)
    return None


def strip_body(html: str) -> str:
    """Remove every ``data-pagefind-body`` attribute: the page stays out of the index."""
    if _BODY_WORD not in html:
        return html
    # The pattern only where the word is (as _first_body_tag): over the whole
    # page it costs ~0.4 ms, on every page that is not an entry.
    parts, pos = [], 0
    i = html.find(_BODY_WORD)
    while i != -1:
        start = html.rfind("<", 0, i)
        end = html.find(">", i)
        if start == -1 or start < pos or end == -1:
            i = html.find(_BODY_WORD, i + 1)
            continue
        parts += (html[pos:start], _BODY_ATTR.sub(r"\1", html[start:end + 1]))
        pos = end + 1
        i = html.find(_BODY_WORD, pos)
    parts.append(html[pos:])
    return "".join(parts)


def has_body(html: str) -> bool:
    return _first_body_tag(html) is not None


def mark_entry(html: str, rec: SearchRecord) -> str:
    """Index this page: make sure its content carries ``data-pagefind-body``
    and put the record's hidden block at the start of that content."""
    block = record_html(rec)
    m = _first_body_tag(html)
    if m is None:
        m = _CONTENT_OPEN.search(html)
        if m is None:
            m = re.search(r"<main\b[^<>]*>", html)
        if m is None:  # no content element we know: index the whole body
            m = re.search(r"<body\b[^<>]*>", html)
            if m is None:
                return html
        tag = m.group(0)
        opened = tag[:-1].rstrip("/").rstrip() + " data-pagefind-body>"
        return html[:m.start()] + opened + block + html[m.end():]
    # The element that has the attribute: insert after its opening tag.
    end = html.index(">", m.end() - 1) + 1
    return html[:end] + block + html[end:]


@functools.lru_cache(maxsize=8)
def _tags_named(name: str) -> re.Pattern:
    return re.compile(rf"<(/?){re.escape(name)}(?=[\s/>])[^<>]*>", re.I)


def _element_end(html: str, start: int) -> int | None:
    """End (after its end tag) of the element whose start tag begins at ``start``."""
    m = re.match(r"<([a-zA-Z][\w-]*)[^<>]*>", html[start:start + 4096])
    if m is None or m.group(0).endswith("/>"):
        return None
    depth = 0
    for tag in _tags_named(m.group(1)).finditer(html, start):
        if tag.group(1):
            depth -= 1
            if depth == 0:
                return tag.end()
        elif not tag.group(0).endswith("/>"):
            depth += 1
    return None


_HTML_OPEN = re.compile(r"<html\b[^<>]*>", re.I)
_TITLE = re.compile(r"<title\b[^<>]*>[^<]*</title>", re.I)


def index_document(html: str) -> str:
    """What Pagefind reads of a page marked by :func:`mark_entry`, as a small
    document: the ``<html>`` start tag (the language), the ``<title>`` and the
    ``data-pagefind-body`` element – about a fifth of an entry page.

    Pagefind indexes only that element, but takes ``data-pagefind-*``
    attributes from the whole page and, as the result's image, the first
    ``<img>`` after the title: when the rest of the page has any of these,
    the whole page is returned, so the index never differs."""
    m = _first_body_tag(html)
    if m is None:
        return html
    start = m.start()
    end = _element_end(html, start)
    if end is None:
        return html
    if (html.find("data-pagefind-", 0, start) != -1 or html.find("data-pagefind-", end) != -1
            or html.find("<img", end) != -1 or html.find("<h1", 0, start) != -1):
        return html
    opening = _HTML_OPEN.search(html, 0, start)
    title = _TITLE.search(html, 0, start)
    return "".join((opening.group(0) if opening else "<html>",
                    "<head>", title.group(0) if title else "", "</head><body>",
                    html[start:end], "</body></html>"))
