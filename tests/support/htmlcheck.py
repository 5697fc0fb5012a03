"""HTML validity (Nu HTML Checker) and an independent, dependency-free HTML reader.

``run_vnu(paths_or_dir)`` checks many files in a single ``java -jar vnu.jar``
run and returns :class:`VnuError` records (``str()`` gives
``file:…:LINE:COL: message``).

``parse_html(path)`` builds a small element tree with the standard library's
``html.parser`` – deliberately *not* the code the site generator uses – so
tests can read built output::

    doc = parse_html(site / "index.html")
    doc.lang, doc.title, doc.h1_count
    doc.links()                       # every <a href> value
    doc.json_ld()                     # parsed <script type="application/ld+json">
    doc.find_all("meta", name="description")
    doc.find_all("a", class_="md-nav__link", href=True)
    doc.find("main").text
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

__all__ = [
    "Document",
    "Element",
    "VNU_JAR",
    "VnuError",
    "format_vnu",
    "parse_html",
    "parse_html_string",
    "run_vnu",
]

REPO_ROOT = Path(__file__).resolve().parents[2]
VNU_JAR = REPO_ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"

# --------------------------------------------------------------------------
# Nu HTML Checker
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class VnuError:
    url: str  # file:/abs/path.html
    line: int | None
    column: int | None
    message: str
    extract: str = ""
    type: str = "error"  # "error" or "non-document-error"
    sub_type: str = ""  # e.g. "fatal", "io"

    @property
    def path(self) -> str:
        """Local file system path of ``url`` (best effort)."""
        return re.sub(r"^file:(//)?", "", self.url)

    def __str__(self) -> str:
        where = self.url
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        kind = f" [{self.sub_type}]" if self.sub_type else ""
        return f"{where}:{kind} {self.message}"


def _collect_html(paths_or_dir: str | os.PathLike[str] | Iterable[str | os.PathLike[str]]) -> list[Path]:
    if isinstance(paths_or_dir, (str, os.PathLike)):
        items: Iterable[str | os.PathLike[str]] = [paths_or_dir]
    else:
        items = paths_or_dir
    files: list[Path] = []
    for item in items:
        p = Path(item)
        if p.is_dir():
            files.extend(sorted(q for q in p.rglob("*.html") if q.is_file()))
        elif p.is_file():
            files.append(p)
        else:
            raise FileNotFoundError(p)
    return [f.resolve() for f in files]


def run_vnu(
    paths_or_dir: str | os.PathLike[str] | Iterable[str | os.PathLike[str]],
    *,
    ignore: Iterable[str] = (),
    errors_only: bool = True,
    java: str | None = None,
    timeout: float = 600,
) -> list[VnuError]:
    """Validate HTML files with vnu.jar; returns every error (empty list = valid).

    ``paths_or_dir`` is one file, one directory (all ``*.html`` below it) or a
    list of either.  All files go to ONE java process (start-up costs ~1 s).
    ``ignore`` holds regular expressions; errors whose message matches any of
    them are dropped (use sparingly, and say why next to the pattern).
    """
    files = _collect_html(paths_or_dir)
    if not files:
        return []
    java = java or shutil.which("java")
    if not java:
        raise RuntimeError("java not found: install default-jre-headless (make system-deps)")
    if not VNU_JAR.is_file():
        raise RuntimeError(f"{VNU_JAR} missing: run 'npm ci' (make test does)")

    # Relative names keep the command line short for big sites.
    cwd = Path(os.path.commonpath([str(f.parent) for f in files]))
    args = [str(f.relative_to(cwd)) for f in files]
    cmd = [java, "-Xss16m", "-jar", str(VNU_JAR), "--format", "json", "--stdout", "--exit-zero-always"]
    if errors_only:
        cmd.append("--errors-only")
    messages: list[dict[str, Any]] = []
    # Linux allows ~2 MB of arguments; split only for truly huge sites.
    chunk: list[str] = []
    size = 0
    chunks: list[list[str]] = []
    for a in args:
        if chunk and size + len(a) > 500_000:
            chunks.append(chunk)
            chunk, size = [], 0
        chunk.append(a)
        size += len(a) + 1
    chunks.append(chunk)
    for part in chunks:
        proc = subprocess.run(
            [*cmd, *part],
            cwd=cwd,
            capture_output=True,
            text=True,
            encoding="utf-8",
            timeout=timeout,
        )
        out = proc.stdout.strip()
        start = out.find("{")
        try:
            data = json.loads(out[start:]) if start >= 0 else None
        except json.JSONDecodeError:
            data = None
        if proc.returncode != 0 or not isinstance(data, dict):
            raise RuntimeError(
                f"vnu.jar failed (exit {proc.returncode}):\n{proc.stdout[-2000:]}\n{proc.stderr[-2000:]}"
            )
        messages.extend(data.get("messages", []))

    patterns = [re.compile(p) for p in ignore]
    errors: list[VnuError] = []
    for m in messages:
        mtype = m.get("type", "")
        if mtype == "info" and errors_only:
            continue
        text = m.get("message", "")
        if any(p.search(text) for p in patterns):
            continue
        url = m.get("url", "")
        if url.startswith("file:") and not url.startswith("file:/"):
            url = "file:" + str((cwd / url[5:]).resolve())
        errors.append(
            VnuError(
                url=url,
                line=m.get("lastLine", m.get("firstLine")),
                column=m.get("firstColumn", m.get("lastColumn")),
                message=text,
                extract=m.get("extract", ""),
                type=mtype,
                sub_type=m.get("subType", ""),
            )
        )
    return errors


def format_vnu(errors: list[VnuError], *, limit: int = 50) -> str:
    """Readable list of vnu errors for assertion messages."""
    if not errors:
        return "no vnu errors"
    lines = [f"{len(errors)} vnu error(s):"] + [f"- {e}" for e in errors[:limit]]
    if len(errors) > limit:
        lines.append(f"… and {len(errors) - limit} more")
    return "\n".join(lines)


# --------------------------------------------------------------------------
# Independent HTML reader
# --------------------------------------------------------------------------

VOID_ELEMENTS = frozenset(
    "area base br col embed hr img input link meta param source track wbr".split()
)
# Start tags that implicitly close an open <p> (HTML parsing rules, simplified).
_CLOSES_P = frozenset(
    """address article aside blockquote details dialog div dl fieldset figcaption figure
    footer form h1 h2 h3 h4 h5 h6 header hgroup hr main menu nav ol p pre section table ul""".split()
)
# tag -> tags it closes when opened as a sibling, and the scope boundaries.
_IMPLIED = {
    "li": ({"li"}, {"ul", "ol", "menu"}),
    "dt": ({"dt", "dd"}, {"dl"}),
    "dd": ({"dt", "dd"}, {"dl"}),
    "option": ({"option"}, {"select", "datalist", "optgroup"}),
    "optgroup": ({"optgroup", "option"}, {"select"}),
    "tr": ({"tr", "td", "th"}, {"table", "thead", "tbody", "tfoot"}),
    "td": ({"td", "th"}, {"tr", "table"}),
    "th": ({"td", "th"}, {"tr", "table"}),
    "thead": ({"tbody", "tfoot", "tr", "td", "th"}, {"table"}),
    "tbody": ({"thead", "tbody", "tfoot", "tr", "td", "th"}, {"table"}),
    "tfoot": ({"thead", "tbody", "tr", "td", "th"}, {"table"}),
}


@dataclass(eq=False)
class Element:
    tag: str
    attrs: dict[str, str | None]
    parent: "Element | None" = None
    children: list["Element | str"] = field(default_factory=list)
    line: int = 0

    # -- attributes ---------------------------------------------------------
    def get(self, name: str, default: Any = None) -> Any:
        return self.attrs.get(name, default)

    def __getitem__(self, name: str) -> str | None:
        return self.attrs[name]

    def has(self, name: str) -> bool:
        return name in self.attrs

    @property
    def classes(self) -> list[str]:
        return (self.attrs.get("class") or "").split()

    @property
    def id(self) -> str | None:
        return self.attrs.get("id")

    # -- content ------------------------------------------------------------
    @property
    def text(self) -> str:
        """All descendant text, whitespace collapsed (raw for script/style)."""
        if self.tag in ("script", "style"):
            return "".join(c for c in self.children if isinstance(c, str))
        return " ".join("".join(self._texts()).split())

    @property
    def raw_text(self) -> str:
        return "".join(self._texts())

    def _texts(self) -> Iterator[str]:
        for c in self.children:
            if isinstance(c, str):
                yield c
            else:
                yield from c._texts()

    def iter(self) -> Iterator["Element"]:
        """This element and all descendant elements, document order."""
        yield self
        for c in self.children:
            if isinstance(c, Element):
                yield from c.iter()

    def ancestors(self) -> Iterator["Element"]:
        a = self.parent
        while a is not None:
            yield a
            a = a.parent

    def closest(self, tag: str | None = None, **attrs: Any) -> "Element | None":
        for a in [self, *self.ancestors()]:
            if _matches(a, tag, attrs, None):
                return a
        return None

    # -- search -------------------------------------------------------------
    def find_all(
        self,
        tag: str | Iterable[str] | None = None,
        *,
        class_: str | None = None,
        predicate: Callable[["Element"], bool] | None = None,
        **attrs: Any,
    ) -> list["Element"]:
        """Descendants matching ``tag`` (name or names) and attribute filters.

        An attribute filter is a string (exact value), ``True`` (present),
        ``False``/``None`` (absent), a compiled regex, or a callable of the
        value.  Python keywords take a trailing underscore (``for_=``); names
        with dashes go through ``**{"aria-label": ...}``.  ``class_`` matches
        one class token.
        """
        if class_ is not None:
            attrs["class"] = lambda v, c=class_: c in (v or "").split()
        attrs = {k.rstrip("_") if k.endswith("_") else k: v for k, v in attrs.items()}
        return [e for e in self.iter() if e is not self and _matches(e, tag, attrs, predicate)]

    def find(self, tag: str | Iterable[str] | None = None, **kwargs: Any) -> "Element | None":
        found = self.find_all(tag, **kwargs)
        return found[0] if found else None

    def __repr__(self) -> str:
        attrs = " ".join(f'{k}="{v}"' if v is not None else k for k, v in self.attrs.items())
        return f"<{self.tag}{' ' + attrs if attrs else ''}> (line {self.line})"


def _matches(e: Element, tag: Any, attrs: dict[str, Any], predicate: Any) -> bool:
    if tag is not None:
        if isinstance(tag, str):
            if e.tag != tag.lower():
                return False
        elif e.tag not in {t.lower() for t in tag}:
            return False
    for name, want in attrs.items():
        have = e.attrs.get(name)
        present = name in e.attrs
        if want is True:
            if not present:
                return False
        elif want is False or want is None:
            if present:
                return False
        elif isinstance(want, re.Pattern):
            if not present or not want.search(have or ""):
                return False
        elif callable(want):
            if not want(have):
                return False
        elif not present or have != want:
            return False
    return predicate is None or bool(predicate(e))


class Document(Element):
    """The parsed page: an element tree rooted at a synthetic ``#document``."""

    def __init__(self, path: Path | None = None):
        super().__init__(tag="#document", attrs={})
        self.path = path
        self.doctype: str | None = None
        self.errors: list[str] = []  # tree-building oddities (stray end tags …)

    @property
    def html(self) -> Element | None:
        return self.find("html")

    @property
    def lang(self) -> str | None:
        h = self.html
        return h.get("lang") if h is not None else None

    @property
    def title(self) -> str | None:
        t = self.find("title")
        return t.text if t is not None else None

    @property
    def h1_count(self) -> int:
        return len(self.find_all("h1"))

    def headings(self) -> list[tuple[int, str]]:
        """``[(level, text), …]`` for h1–h6 in document order."""
        return [(int(e.tag[1]), e.text) for e in self.find_all(("h1", "h2", "h3", "h4", "h5", "h6"))]

    def links(self) -> list[str]:
        """Every ``<a href>`` value, document order."""
        return [e.attrs["href"] or "" for e in self.find_all("a", href=True)]

    def meta(self, name: str | None = None, *, property: str | None = None) -> str | None:  # noqa: A002
        """``content`` of ``<meta name=…>`` or ``<meta property=…>``."""
        key, val = ("property", property) if property else ("name", name)
        m = self.find("meta", **{key: val})
        return m.get("content") if m is not None else None

    def json_ld(self) -> list[Any]:
        """Parsed content of every ``<script type="application/ld+json">`` (raises on bad JSON)."""
        out = []
        for s in self.find_all("script"):
            if (s.get("type") or "").split(";")[0].strip().lower() == "application/ld+json":
                out.append(json.loads(s.text))
        return out

    def ids(self) -> dict[str, int]:
        """``id`` → number of elements carrying it (duplicates have > 1)."""
        counts: dict[str, int] = {}
        for e in self.iter():
            if e.id is not None:
                counts[e.id] = counts.get(e.id, 0) + 1
        return counts

    def __repr__(self) -> str:
        return f"<Document {self.path or ''}>"


class _TreeBuilder(HTMLParser):
    def __init__(self, doc: Document):
        super().__init__(convert_charrefs=True)
        self.doc = doc
        self.stack: list[Element] = [doc]

    # helpers
    def _close_to(self, index: int) -> None:
        del self.stack[index:]

    def _implied_close(self, tag: str) -> None:
        if tag in _CLOSES_P:
            for i in range(len(self.stack) - 1, 0, -1):
                t = self.stack[i].tag
                if t == "p":
                    self._close_to(i)
                    break
                if t in ("button", "table", "td", "th", "div", "li", "blockquote", "section",
                         "article", "main", "nav", "aside", "header", "footer", "body", "html"):
                    break
        if tag in _IMPLIED:
            closes, scope = _IMPLIED[tag]
            for i in range(len(self.stack) - 1, 0, -1):
                t = self.stack[i].tag
                if t in scope:
                    break
                if t in closes:
                    self._close_to(i)
                    break

    # HTMLParser callbacks
    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._implied_close(tag)
        parent = self.stack[-1]
        el = Element(tag=tag, attrs=dict(attrs), parent=parent, line=self.getpos()[0])
        parent.children.append(el)
        if tag not in VOID_ELEMENTS:
            self.stack.append(el)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._implied_close(tag)
        parent = self.stack[-1]
        parent.children.append(Element(tag=tag, attrs=dict(attrs), parent=parent, line=self.getpos()[0]))

    def handle_endtag(self, tag: str) -> None:
        if tag in VOID_ELEMENTS:
            return
        for i in range(len(self.stack) - 1, 0, -1):
            if self.stack[i].tag == tag:
                self._close_to(i)
                return
        self.doc.errors.append(f"line {self.getpos()[0]}: stray end tag </{tag}>")

    def handle_data(self, data: str) -> None:
        self.stack[-1].children.append(data)

    def handle_decl(self, decl: str) -> None:
        if decl.lower().startswith("doctype"):
            self.doc.doctype = decl


def parse_html_string(text: str, path: Path | None = None) -> Document:
    """Parse HTML text into a :class:`Document`."""
    doc = Document(path)
    builder = _TreeBuilder(doc)
    builder.feed(text)
    builder.close()
    return doc


def parse_html(path: str | os.PathLike[str]) -> Document:
    """Parse an HTML file (UTF-8) into a :class:`Document`."""
    p = Path(path)
    return parse_html_string(p.read_text(encoding="utf-8"), p)
