"""Real-Chromium helpers for the website tests (Playwright, sync API).

Chromium is Debian's ``/usr/bin/chromium`` (never ``playwright install``).

Typical test::

    import pytest
    from tests.support.browser import browser, new_page, run_axe, format_violations  # noqa: F401
    from tests.support.server import serve_directory

    pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

    def test_home_is_accessible(browser, built_site):
        with serve_directory(built_site) as base:
            page = new_page(browser, base)
            try:
                page.goto(base + "/")
                violations = run_axe(page)
                assert not violations, format_violations(violations)
                assert not page.foreign_requests
            finally:
                close_page(page)

Importing the ``browser`` fixture into a test module (or listing this module
in a conftest's ``pytest_plugins``) makes it available; every import shares
one Chromium per process (= per xdist worker), started on first use and
closed when the last user's session fixture is torn down.
"""

from __future__ import annotations

import contextlib
import os
import shutil
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

__all__ = [
    "AXE_TAGS",
    "CHROMIUM",
    "CHROMIUM_ARGS",
    "FocusStep",
    "REPO_ROOT",
    "acquire_browser",
    "browser",
    "close_page",
    "FocusCoverage",
    "focus_coverage",
    "format_focus_steps",
    "format_violations",
    "foreign_resource_hints",
    "has_horizontal_scroll",
    "is_local_url",
    "launch_browser",
    "new_page",
    "open_page",
    "overflowing_elements",
    "record_focus",
    "release_browser",
    "run_axe",
    "tab_through",
]

REPO_ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("NAHBEI_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
LOCAL_HOSTS = frozenset({"127.0.0.1", "localhost", "::1", "[::1]"})
# Schemes that never leave the machine.
LOCAL_SCHEMES = frozenset({"data", "blob", "about", "chrome", "chrome-extension", "devtools"})


# --------------------------------------------------------------------------
# Browser lifetime
# --------------------------------------------------------------------------

def _check_chromium() -> None:
    exe = shutil.which(CHROMIUM) if not os.path.isabs(CHROMIUM) else CHROMIUM
    if not exe or not os.access(exe, os.X_OK):
        raise RuntimeError(
            f"Chromium not found at {CHROMIUM}: install Debian's 'chromium' package "
            "(make system-deps); 'playwright install' cannot download here."
        )


@contextlib.contextmanager
def launch_browser(*, headless: bool = True, extra_args: list[str] | None = None) -> Iterator[Any]:
    """Start Playwright + Debian Chromium; yields a ``playwright.sync_api.Browser``."""
    from playwright.sync_api import sync_playwright

    _check_chromium()
    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=CHROMIUM,
            headless=headless,
            args=CHROMIUM_ARGS + list(extra_args or ()),
        )
        try:
            yield browser
        finally:
            browser.close()


# One Chromium per process (per xdist worker), shared by all test modules.
_shared: dict[str, Any] = {"cm": None, "browser": None, "users": 0}


def acquire_browser() -> Any:
    """Return this process's shared Browser, launching it on first use."""
    if _shared["browser"] is None or not _shared["browser"].is_connected():
        if _shared["cm"] is not None:  # a crashed browser: clean up first
            with contextlib.suppress(Exception):
                _shared["cm"].__exit__(None, None, None)
        cm = launch_browser()
        _shared["browser"] = cm.__enter__()
        _shared["cm"] = cm
    _shared["users"] += 1
    return _shared["browser"]


def release_browser() -> None:
    """Drop one user of the shared Browser; the last one closes it."""
    _shared["users"] = max(0, _shared["users"] - 1)
    if _shared["users"] == 0 and _shared["cm"] is not None:
        cm = _shared["cm"]
        _shared["cm"] = _shared["browser"] = None
        cm.__exit__(None, None, None)


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """Session-scoped Chromium (one per xdist worker)."""
    b = acquire_browser()
    try:
        yield b
    finally:
        release_browser()


# --------------------------------------------------------------------------
# Pages
# --------------------------------------------------------------------------

def is_local_url(url: str) -> bool:
    """True for URLs that stay on this machine (127.0.0.1/localhost, data:, blob:)."""
    parts = urlsplit(url)
    if parts.scheme in LOCAL_SCHEMES:
        return True
    return (parts.hostname or "") in LOCAL_HOSTS or parts.netloc in LOCAL_HOSTS


def new_page(
    browser: Any,
    base_url: str | None = None,
    *,
    color_scheme: str = "light",
    width: int = 1280,
    height: int = 800,
    reduced_motion: str = "reduce",
    locale: str = "de-DE",
    timezone_id: str = "Europe/Berlin",
    service_workers: str = "block",
    java_script_enabled: bool = True,
) -> Any:
    """Open a page in a fresh context that blocks and records foreign requests.

    Every request whose host is not 127.0.0.1/localhost is aborted and its URL
    appended to ``page.foreign_requests`` (data:/blob: are never network
    requests).  ``page.console_errors`` collects console errors and uncaught
    exceptions.  Close with :func:`close_page` (closes the context too) or use
    :func:`open_page`.

    Service workers are blocked by default because requests a service worker
    makes would bypass the recording route.
    """
    context = browser.new_context(
        base_url=base_url,
        color_scheme=color_scheme,
        viewport={"width": width, "height": height},
        reduced_motion=reduced_motion,
        locale=locale,
        timezone_id=timezone_id,
        service_workers=service_workers,
        java_script_enabled=java_script_enabled,
    )
    foreign: list[str] = []

    def _route(route: Any) -> None:
        url = route.request.url
        if is_local_url(url):
            route.continue_()
        else:
            foreign.append(url)
            route.abort("blockedbyclient")

    context.route("**/*", _route)
    page = context.new_page()
    console_errors: list[str] = []
    page.on(
        "console",
        lambda msg: console_errors.append(f"console.{msg.type}: {msg.text}")
        if msg.type == "error"
        else None,
    )
    page.on("pageerror", lambda exc: console_errors.append(f"pageerror: {exc}"))
    page.foreign_requests = foreign
    page.console_errors = console_errors
    return page


def close_page(page: Any) -> None:
    """Close ``page`` and the context :func:`new_page` made for it.

    First the page goes to about:blank, with a timeout: closing a context while
    one of its pages is still navigating (a link that opened the same page) can
    wait forever, and Playwright's close takes no timeout."""
    with contextlib.suppress(Exception):
        page.goto("about:blank", timeout=15_000)
    with contextlib.suppress(Exception):
        page.context.close()


def checked_page(browser: Any, base_url: str, **kwargs: Any) -> Iterator[Any]:
    """For a fixture (``yield from checked_page(browser, url)``): a :func:`new_page`
    that fails the test, after closing, on any request that left this machine
    or any console error."""
    page = new_page(browser, base_url, **kwargs)
    yield page
    foreign = [u for u in page.foreign_requests if not is_local_url(u)]
    errors = list(page.console_errors)
    close_page(page)
    assert not foreign, f"requests left 127.0.0.1: {foreign}"
    assert not errors, errors


@contextlib.contextmanager
def open_page(browser: Any, base_url: str | None = None, **kwargs: Any) -> Iterator[Any]:
    """``with open_page(browser, base) as page:`` – :func:`new_page` + :func:`close_page`."""
    page = new_page(browser, base_url, **kwargs)
    try:
        yield page
    finally:
        close_page(page)


def foreign_resource_hints(page: Any) -> list[str]:
    """Outer HTML of ``<link rel=preconnect|dns-prefetch|prefetch|preload|modulepreload>``
    pointing to a foreign host – connections the request route cannot see."""
    return page.evaluate(
        """() => [...document.querySelectorAll('link[rel][href]')].filter(l => {
            const rels = l.rel.toLowerCase().split(/\\s+/);
            if (!rels.some(r => ['preconnect','dns-prefetch','prefetch','preload',
                                 'modulepreload','prerender'].includes(r))) return false;
            let u; try { u = new URL(l.getAttribute('href'), document.baseURI); } catch { return true; }
            return !['127.0.0.1','localhost','[::1]'].includes(u.hostname)
                   && !['data:','blob:'].includes(u.protocol);
        }).map(l => l.outerHTML)"""
    )


# --------------------------------------------------------------------------
# axe-core
# --------------------------------------------------------------------------

@lru_cache(maxsize=1)
def _axe_source() -> str:
    path = REPO_ROOT / "node_modules" / "axe-core" / "axe.min.js"
    if not path.is_file():
        raise RuntimeError(f"{path} missing: run 'npm ci' (make test does)")
    return path.read_text(encoding="utf-8")


def run_axe(
    page: Any,
    *,
    tags: list[str] | None = None,
    include: str | list[str] | None = None,
    exclude: list[str] | None = None,
    disable_rules: list[str] | None = None,
    result_type: str = "violations",
) -> list[dict]:
    """Run axe-core (WCAG 2.0/2.1 A+AA rules) on the page; returns violation dicts.

    Each dict is axe's own: ``id``, ``impact``, ``help``, ``helpUrl``, ``tags``,
    ``nodes`` (each with ``target``, ``html``, ``failureSummary``).
    ``include``/``exclude`` are CSS selectors limiting the checked part;
    ``result_type="incomplete"`` returns the "needs review" results instead.
    """
    # Injected via DevTools evaluation, not a <script> element: a page's
    # Content-Security-Policy cannot block it and the DOM is left untouched.
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(_axe_source() + "\n;void 0")
    options: dict[str, Any] = {
        "runOnly": {"type": "tag", "values": list(tags or AXE_TAGS)},
        "resultTypes": [result_type],
    }
    if disable_rules:
        options["rules"] = {rule: {"enabled": False} for rule in disable_rules}
    context: Any = "document"
    if include or exclude:
        context = {}
        if include:
            context["include"] = [include] if isinstance(include, str) else list(include)
        if exclude:
            context["exclude"] = list(exclude)
    return page.evaluate(
        """async ([context, options, key]) => {
            const ctx = context === 'document' ? document : context;
            const results = await window.axe.run(ctx, options);
            return results[key];
        }""",
        [context, options, result_type],
    )


def format_violations(violations: list[dict], *, max_nodes: int = 5, max_html: int = 160) -> str:
    """Readable multi-line summary of axe results for assertion messages."""
    if not violations:
        return "no axe violations"
    lines = [f"{len(violations)} axe violation(s):"]
    for v in violations:
        nodes = v.get("nodes", [])
        lines.append(
            f"- {v.get('id')} [{v.get('impact')}] {v.get('help')} "
            f"({len(nodes)} node(s)) {v.get('helpUrl', '')}".rstrip()
        )
        for node in nodes[:max_nodes]:
            target = " ".join(
                t if isinstance(t, str) else " >>> ".join(map(str, t)) for t in node.get("target", [])
            )
            html = " ".join(str(node.get("html", "")).split())
            if len(html) > max_html:
                html = html[: max_html - 1] + "…"
            lines.append(f"    {target}: {html}")
            summary = " ".join(str(node.get("failureSummary") or "").split())
            if summary:
                lines.append(f"      {summary[:300]}")
        if len(nodes) > max_nodes:
            lines.append(f"    … and {len(nodes) - max_nodes} more")
    return "\n".join(lines)


# --------------------------------------------------------------------------
# Keyboard navigation
# --------------------------------------------------------------------------

@dataclass
class FocusStep:
    """What one press of Tab focused."""

    index: int
    tag: str
    text: str  # accessible-ish name: aria-label, labelledby text, alt, value or text
    href: str | None
    role: str | None
    selector: str  # a short CSS-ish path for messages
    in_main: bool  # inside <main> / role=main
    landmarks: list[str]  # enclosing landmarks, outermost first
    visible: bool  # has a box and is not visibility:hidden / opacity:0
    in_viewport: bool  # box intersects the viewport after focusing
    focus_indicator: bool  # something visibly marks focus
    indicator: str  # why focus_indicator is true ("outline", "box-shadow", "changed:color", …)
    details: dict = field(default_factory=dict)

    def as_dict(self) -> dict:
        return asdict(self)


# Style properties compared between the unfocused baseline and the focused state.
_FOCUS_PROPS = [
    "outline-style", "outline-width", "outline-color", "outline-offset",
    "box-shadow", "background-color", "background-image", "color",
    "border-top-color", "border-bottom-color", "border-left-color", "border-right-color",
    "border-top-width", "border-bottom-width", "border-left-width", "border-right-width",
    "text-decoration-line", "text-decoration-color", "text-decoration-thickness",
    "text-underline-offset", "opacity", "transform", "filter", "visibility", "clip-path",
]

_BASELINE_JS = """(props) => {
  const sel = 'a[href], area[href], button, input, select, textarea, summary, iframe, ' +
              '[tabindex], [contenteditable=""], [contenteditable="true"], audio[controls], video[controls]';
  const snap = (el) => {
    const out = {};
    for (const pseudo of [null, '::before', '::after']) {
      const cs = getComputedStyle(el, pseudo);
      for (const p of props) out[(pseudo || '') + p] = cs.getPropertyValue(p);
    }
    return out;
  };
  const base = new WeakMap();
  const active = document.activeElement;
  for (const el of document.querySelectorAll(sel)) {
    if (el === active && el !== document.body) continue;
    base.set(el, snap(el));
  }
  window.__nahbeiFocusKit = { base, snap, props };
}"""

# A short CSS path of an element (up to four levels, or up to an id), for
# messages; put into the scripts below that describe elements.
_SELECTOR_PATH_JS = """
  const selectorPath = (el) => {
    const path = [];
    for (let a = el; a && a.nodeType === 1 && path.length < 4; a = a.parentElement) {
      let s = a.tagName.toLowerCase();
      if (a.id) { s += '#' + a.id; path.unshift(s); break; }
      const cls = [...a.classList].slice(0, 2);
      if (cls.length) s += '.' + cls.join('.');
      path.unshift(s);
    }
    return path.join(' > ');
  };
"""

_STEP_JS = """() => {
""" + _SELECTOR_PATH_JS + """  const kit = window.__nahbeiFocusKit;
  let el = document.activeElement;
  while (el && el.shadowRoot && el.shadowRoot.activeElement) el = el.shadowRoot.activeElement;
  if (!el || el === document.body || el === document.documentElement) return null;
  const LANDMARK_TAGS = {MAIN: 'main', NAV: 'navigation', ASIDE: 'complementary',
                         HEADER: 'banner', FOOTER: 'contentinfo', FORM: 'form', SEARCH: 'search'};
  const LANDMARK_ROLES = ['main', 'navigation', 'complementary', 'banner', 'contentinfo',
                          'form', 'search', 'region'];
  const landmarks = [];
  for (let a = el.parentElement; a; a = a.parentElement) {
    const role = a.getAttribute('role');
    if (role && LANDMARK_ROLES.includes(role)) landmarks.unshift(role);
    else if (LANDMARK_TAGS[a.tagName]) landmarks.unshift(LANDMARK_TAGS[a.tagName]);
    else if (a.tagName === 'SECTION' && (a.hasAttribute('aria-label') || a.hasAttribute('aria-labelledby')))
      landmarks.unshift('region');
  }
  const textOf = (e) => {
    const lab = e.getAttribute('aria-label');
    if (lab) return lab.trim();
    const lb = e.getAttribute('aria-labelledby');
    if (lb) {
      const t = lb.split(/\\s+/).map(id => document.getElementById(id)).filter(Boolean)
                  .map(x => x.textContent.trim()).join(' ');
      if (t) return t;
    }
    if (e.labels && e.labels.length) {
      const t = [...e.labels].map(l => l.textContent.trim()).join(' ');
      if (t) return t;
    }
    let t = (e.innerText || e.textContent || '').replace(/\\s+/g, ' ').trim();
    if (!t) {
      const img = e.querySelector && e.querySelector('img[alt]');
      t = (img && img.alt) || e.getAttribute('title') || e.getAttribute('placeholder') ||
          (e.value !== undefined ? String(e.value) : '') || '';
    }
    return t.slice(0, 120);
  };
  const selector = selectorPath(el);
  const cs = getComputedStyle(el);
  const r = el.getBoundingClientRect();
  const visible = r.width > 0 && r.height > 0 && cs.visibility !== 'hidden' && parseFloat(cs.opacity) > 0;
  const inViewport = r.bottom > 0 && r.right > 0 && r.top < innerHeight && r.left < innerWidth;
  const reasons = [];
  const ow = parseFloat(cs.outlineWidth) || 0;
  const transparent = (c) => /^(transparent|rgba\\(.*,\\s*0\\))$/.test(c.trim());
  if (cs.outlineStyle !== 'none' && ow > 0 && !transparent(cs.outlineColor)) reasons.push('outline');
  if (cs.boxShadow && cs.boxShadow !== 'none' && !/^rgba\\([^)]*,\\s*0\\)/.test(cs.boxShadow)) reasons.push('box-shadow');
  let changed = [];
  const base = kit && kit.base.get(el);
  if (base) {
    const now = kit.snap(el);
    changed = Object.keys(now).filter(k => now[k] !== base[k]);
    // A box-shadow or outline that was already there without focus is no focus indicator.
    if (reasons.includes('box-shadow') && !changed.includes('box-shadow')) reasons.splice(reasons.indexOf('box-shadow'), 1);
    if (reasons.includes('outline') && !changed.some(k => k.startsWith('outline'))) reasons.splice(reasons.indexOf('outline'), 1);
    // Summarise: outline changes are reported above; colours that merely
    // follow a changed 'color' (currentColor borders, underline, pseudo
    // elements inheriting it) are not listed separately.
    const own = changed.filter(k => !k.startsWith('::'));
    const pseudo = changed.filter(k => k.startsWith('::'));
    const derived = /(^|::(before|after))(border-\\w+-color|text-decoration-color|outline-color)$/;
    let meaningful = own.filter(k => !k.startsWith('outline'));
    if (changed.includes('color')) meaningful = meaningful.filter(k => !derived.test(k));
    for (const k of pseudo) {
      const bare = k.replace(/^::(before|after)/, '');
      if (bare.startsWith('outline')) continue;
      if (changed.includes('color') && (bare === 'color' || derived.test(k))) continue;
      if (!own.includes(bare)) meaningful.push(k);
    }
    if (meaningful.length) reasons.push('changed:' + meaningful.join(','));
  }
  return {
    tag: el.tagName.toLowerCase(),
    text: textOf(el),
    href: el.getAttribute('href'),
    role: el.getAttribute('role'),
    selector,
    in_main: !!el.closest('main, [role="main"]'),
    landmarks,
    visible,
    in_viewport: inViewport,
    focus_indicator: visible && reasons.length > 0,
    indicator: reasons.join(' '),
    details: {
      outline: cs.outlineStyle + ' ' + cs.outlineWidth + ' ' + cs.outlineColor,
      box_shadow: cs.boxShadow,
      had_baseline: !!base,
      changed,
      rect: [r.x, r.y, r.width, r.height].map(Math.round),
    },
    _key: selector + '|' + (el.getAttribute('href') || '') + '|' + Math.round(r.x) + ',' + Math.round(r.y + scrollY),
  };
}"""

_RESET_FOCUS_JS = """() => {
  // Move the sequential-focus starting point to the top of the document.
  window.scrollTo(0, 0);
  if (document.activeElement && document.activeElement !== document.body) document.activeElement.blur();
  const probe = document.createElement('span');
  probe.tabIndex = -1;
  document.body.prepend(probe);
  probe.focus({preventScroll: true});
  probe.blur();
  probe.remove();
}"""


def tab_through(page: Any, max_steps: int = 60, *, from_top: bool = True, key: str = "Tab") -> list[FocusStep]:
    """Press ``key`` (Tab) up to ``max_steps`` times; one :class:`FocusStep` per stop.

    Stops early when focus leaves the document (past the last element) or
    comes back to the first element.  The visible-focus check is real: an
    outline (not ``none``, width > 0, not transparent), a box-shadow, or any
    other rendered style of the element or its ::before/::after that differs
    from the same element's style before it was focused (colour, background,
    underline, transform, opacity, …).
    """
    if from_top:
        page.evaluate(_RESET_FOCUS_JS)
    page.evaluate(_BASELINE_JS, _FOCUS_PROPS)
    steps: list[FocusStep] = []
    seen_first: str | None = None
    for _ in range(max_steps):
        page.keyboard.press(key)
        info = page.evaluate(_STEP_JS)
        if info is None:
            if steps:
                break  # focus left the page after the last element
            continue
        k = info.pop("_key")
        if seen_first is None:
            seen_first = k
        elif k == seen_first:
            break  # wrapped around
        steps.append(FocusStep(index=len(steps), **info))
    return steps


def format_focus_steps(steps: list[FocusStep]) -> str:
    """One line per focus stop, for assertion messages."""
    out = []
    for s in steps:
        flags = ("main " if s.in_main else "") + ("" if s.focus_indicator else "NO-FOCUS-STYLE ") + (
            "" if s.visible else "INVISIBLE "
        )
        out.append(
            f"{s.index:3d} <{s.tag}> {s.text[:50]!r} href={s.href!r} [{flags.strip()}] "
            f"{s.indicator or '-'} @ {s.selector}"
        )
    return "\n".join(out) or "(nothing focusable reached)"


_RECORD_FOCUS_JS = """() => {
  // Every element that receives focus, in order (the innermost one for open shadow roots).
  if (window.__nahbeiFocusLog) { window.__nahbeiFocusLog.length = 0; return; }
  window.__nahbeiFocusLog = [];
  document.addEventListener('focusin', (e) => {
    window.__nahbeiFocusLog.push((e.composedPath && e.composedPath()[0]) || e.target);
  }, true);
}"""

_COVERAGE_JS = """([scope, tags]) => {
""" + _SELECTOR_PATH_JS + """  const SEL = 'a[href], area[href], button, input, select, textarea, summary, iframe, [tabindex], ' +
              '[contenteditable=""], [contenteditable="true"], audio[controls], video[controls]';
  // The focus log without tab_through's start probe (a span it removes again).
  const log = (window.__nahbeiFocusLog || []).filter(e => e.isConnected);
  const logTags = log.slice(0, tags.length).map(e => e.tagName.toLowerCase());
  const mismatch = logTags.length === tags.length && logTags.every((t, i) => t === tags[i])
    ? null : 'focus log ' + JSON.stringify(logTags) + ' != steps ' + JSON.stringify(tags);
  const stepOf = new Map();
  log.slice(0, tags.length).forEach((e, i) => { if (!stepOf.has(e)) stepOf.set(e, i); });
  const describe = (el) => {
    const text = (el.getAttribute('aria-label') || el.innerText || el.value || el.getAttribute('title') || '')
      .replace(/\\s+/g, ' ').trim().slice(0, 80);
    return {selector: selectorPath(el), text, href: el.getAttribute('href')};
  };
  const keyboardFocusable = (el) => {
    if (el.tabIndex < 0) return false;               // tabindex=-1, or not focusable at all
    if (el.matches(':disabled') || el.closest('[inert]')) return false;
    if (el.tagName === 'INPUT' && el.type === 'hidden') return false;
    if (el.tagName === 'SUMMARY' && !(el.parentElement && el.parentElement.tagName === 'DETAILS'
        && el.parentElement.querySelector(':scope > summary') === el)) return false;
    // not rendered: display:none, visibility:hidden, content of a closed <details>
    return el.checkVisibility({visibilityProperty: true, contentVisibilityAuto: false});
  };
  const seen = new Set();
  const out = [];
  for (const root of document.querySelectorAll(scope)) {
    for (const el of root.querySelectorAll(SEL)) {
      if (seen.has(el) || !keyboardFocusable(el)) continue;
      seen.add(el);
      let step = stepOf.has(el) ? stepOf.get(el) : null;
      // A radio group is one Tab stop: any radio of the group counts.
      if (step === null && el.tagName === 'INPUT' && el.type === 'radio' && el.name) {
        for (const [e, i] of stepOf) if (e.tagName === 'INPUT' && e.type === 'radio' && e.name === el.name
                                          && e.form === el.form) { step = i; break; }
      }
      out.push({...describe(el), tag: el.tagName.toLowerCase(), step});
    }
  }
  return {elements: out, mismatch};
}"""


@dataclass
class FocusCoverage:
    """Which keyboard-focusable elements of a scope the Tab steps reached."""

    elements: list[dict]  # selector, text, href, tag, step (index into the steps or None)
    missed: list[dict]  # focusable but never focused by Tab
    no_indicator: list[dict]  # focused, but that step had no visible focus indicator
    mismatch: str | None  # the focus log did not line up with the steps (focus moved by script?)

    def report(self) -> str:
        lines = []
        if self.mismatch:
            lines.append(self.mismatch)
        for e in self.missed:
            lines.append(f"not reached by Tab: <{e['tag']}> {e['text']!r} href={e['href']!r} @ {e['selector']}")
        for e in self.no_indicator:
            lines.append(f"no visible focus: step {e['step']} <{e['tag']}> {e['text']!r} @ {e['selector']}")
        return "\n".join(lines)


def record_focus(page: Any) -> None:
    """Start (or restart) logging every element that gets focus; call before
    :func:`tab_through`, then :func:`focus_coverage` with its steps."""
    page.evaluate(_RECORD_FOCUS_JS)


def focus_coverage(page: Any, steps: list[FocusStep], scope: str = "article") -> FocusCoverage:
    """Check that every keyboard-focusable element inside ``scope`` (a CSS
    selector; links with href, buttons, inputs, selects, textareas, summary,
    ``[tabindex>=0]`` – rendered, enabled, not inert) was one of ``steps``, and
    that its step showed a visible focus indicator.  Needs :func:`record_focus`
    before :func:`tab_through`: the focus log maps steps to elements exactly.
    """
    data = page.evaluate(_COVERAGE_JS, [scope, [s.tag for s in steps]])
    elements = data["elements"]
    missed = [e for e in elements if e["step"] is None]
    no_indicator = []
    for e in elements:
        if e["step"] is not None:
            s = steps[e["step"]]
            if not (s.visible and s.in_viewport and s.focus_indicator):
                no_indicator.append({**e, "indicator": s.indicator})
    return FocusCoverage(elements, missed, no_indicator, data["mismatch"])


# --------------------------------------------------------------------------
# Reflow
# --------------------------------------------------------------------------

def has_horizontal_scroll(page: Any) -> bool:
    """True if the document is wider than the viewport (WCAG 1.4.10 reflow at 320 px)."""
    return page.evaluate(
        "() => document.documentElement.scrollWidth > document.documentElement.clientWidth"
    )


def overflowing_elements(page: Any, limit: int = 10) -> list[str]:
    """Elements beyond the viewport's end edge – the right one, the left one on
    a right-to-left page (only there the document scrolls) – to explain a
    failed reflow check."""
    return page.evaluate(
        """(limit) => {
          const w = document.documentElement.clientWidth;
          // the viewport takes its direction from <body> (CSS Writing Modes, principal writing mode)
          const rtl = getComputedStyle(document.body).direction === 'rtl';
          const out = [];
          for (const el of document.body.querySelectorAll('*')) {
            const r = el.getBoundingClientRect();
            if (r.width && (rtl ? r.left < -1 : r.right > w + 1)) {
              const cs = getComputedStyle(el);
              // fixed off-canvas parts (the drawer) wait outside the viewport on purpose
              if (cs.position === 'fixed' && (r.left >= w || r.right <= 0)) continue;
              out.push(el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') +
                       (el.classList.length ? '.' + [...el.classList].join('.') : '') +
                       ` left=${Math.round(r.left)} right=${Math.round(r.right)} width=${Math.round(r.width)}`);
              if (out.length >= limit) break;
            }
          }
          return out;
        }""",
        limit,
    )
