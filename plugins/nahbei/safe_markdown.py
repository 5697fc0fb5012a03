"""Descriptions from content files → safe HTML: Markdown, then nh3.

Validation already rejects HTML and unsafe link schemes in content, but the
renderer does not rely on that: whatever reaches it, the output contains only
basic text tags, and links only with http, https, mailto or tel.
Headings are moved down two levels (an entry page has its own h1 and h2s).
"""
from __future__ import annotations

import re
import threading

import markdown
import nh3

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


def _md() -> markdown.Markdown:
    md = getattr(_local, "md", None)
    if md is None:
        md = _local.md = markdown.Markdown(extensions=["sane_lists"], output_format="html")
    return md


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


def render(text: str | None, *, heading_offset: int = 2) -> str:
    """Markdown text → sanitised HTML ('' for empty text)."""
    if not text or not text.strip():
        return ""
    md = _md()
    md.reset()
    html = md.convert(text)
    return sanitize(_shift_headings(html, heading_offset)).strip()
