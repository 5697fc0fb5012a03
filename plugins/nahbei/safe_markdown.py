"""Descriptions from content files → safe HTML: Markdown, then nh3.

Validation already rejects HTML and unsafe link schemes in content, but the
renderer does not rely on that: whatever reaches it, the output contains only
basic text tags, and links only with http, https, mailto or tel.
Headings are moved down two levels (an entry page has its own h1 and h2s).

The Markdown parser is markdown-it-py (CommonMark), not Python-Markdown:
Python-Markdown takes quadratic time on brackets (64 KB of "[[[…]]]" ran for
minutes, 8 KB of "[" 13 s), so one hostile description could stall the build;
markdown-it-py stays linear on the CommonMark suite's pathological inputs.
"""
from __future__ import annotations

import re
import threading

import nh3
from markdown_it import MarkdownIt

__all__ = ["ALLOWED_TAGS", "ALLOWED_ATTRIBUTES", "URL_SCHEMES", "render", "sanitize"]

ALLOWED_TAGS = frozenset({
    "p", "br", "strong", "em", "b", "i", "ul", "ol", "li", "a", "blockquote",
    "code", "pre", "h3", "h4", "h5", "h6", "hr", "abbr",
})
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "abbr": {"title"}, "ol": {"start"}}
URL_SCHEMES = frozenset({"http", "https", "mailto", "tel"})

_local = threading.local()
# [^<>]: a tag never holds "<", and 256 KB of "<h1<h1…" is read once, not once per "<h1".
_HEADING = re.compile(r"<(/?)h([1-6])(\b[^<>]*)>")


def _md(line_breaks: bool = False) -> MarkdownIt:
    name = "md_breaks" if line_breaks else "md"
    md = getattr(_local, name, None)
    if md is None:
        # Raw HTML and every link go through to nh3, the one sanitiser: a script is
        # dropped with its content, an unsafe link keeps its text and loses its href
        # (markdown-it would print a refused link as its source text instead).
        md = MarkdownIt("commonmark", {"html": True, "breaks": line_breaks}).disable("html_block")  # HTML inside the text only
        md.validateLink = lambda url: True
        md.core.ruler.push("nahbei_unsafe_autolinks", _drop_unsafe_autolinks)
        setattr(_local, name, md)
    return md


def _drop_unsafe_autolinks(state) -> None:
    """<javascript:…> is an autolink whose text is its URL: drop text and link."""
    for block in state.tokens:
        children = block.children or ()
        keep, skipping = [], False
        for tok in children:
            if tok.type == "link_open" and tok.markup == "autolink":
                scheme = str(tok.attrGet("href") or "").split(":", 1)[0].lower()
                skipping = scheme not in URL_SCHEMES
            if not skipping:
                keep.append(tok)
            if tok.type == "link_close" and skipping:
                skipping = False
        if block.children is not None:
            block.children = keep


def _shift_headings(html: str, by: int) -> str:
    return _HEADING.sub(lambda m: f"<{m.group(1)}h{min(6, int(m.group(2)) + by)}{m.group(3)}>", html)


def sanitize(html: str) -> str:
    """Keep only basic tags; drop scripts, styles, event handlers, unsafe URLs."""
    return nh3.clean(
        html,
        tags=set(ALLOWED_TAGS),
        attributes={"*": set(), **{k: set(v) for k, v in ALLOWED_ATTRIBUTES.items()}},  # "*": no generic title/lang
        url_schemes=set(URL_SCHEMES),
        link_rel="noopener noreferrer",
        strip_comments=True,
    )


def render(text: str | None, *, heading_offset: int = 2, line_breaks: bool = False) -> str:
    """Markdown text → sanitised HTML ('' for empty text). ``line_breaks``: every line
    break in a paragraph is kept (<br>), as texts in Leichte Sprache put one statement a line."""
    if not text or not text.strip():
        return ""
    html = _md(line_breaks).render(text)
    return sanitize(_shift_headings(html, heading_offset)).strip()
