"""Everything the plugin does to the theme: template folder, autoescaping for
nahbei templates, Jinja globals and filters, the stylesheet, HTML fixes, and a
lighter frame: the theme's own partials under "theme/…" (our partials wrap
them without their indentation) and the frame's icons in one sprite file."""
from __future__ import annotations

import os
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import jinja2
from markupsafe import Markup
from mkdocs.config.config_options import ExtraScriptValue
from mkdocs.plugins import get_plugin_logger
from mkdocs.structure.files import File, Files
from mkdocs.utils import get_theme_dir

from .. import formatting as fmt
from ..i18n import DEFAULT_LANG, t

log = get_plugin_logger(__name__)

HERE = Path(__file__).parent
PACKAGE = HERE.parent  # plugins/nahbei: the templates of every nahbei plugin
TEMPLATES = HERE / "templates"
ASSETS = HERE / "assets"
STYLESHEET = "assets/nahbei/nahbei.css"
# Small progressive enhancements (copy a feed address); pages work without it.
SCRIPT = "assets/nahbei/nahbei.js"
# The theme's icons that every page shows in its frame (logo, palette switch,
# back to top), once per site: pages refer to them (<use xlink:href="…#id">) instead
# of carrying ~2 KB of the same SVG paths each.
ICONS = "assets/nahbei/icons.svg"
# Our partials wrap the theme's own under this prefix ("theme/partials/nav.html").
THEME_PREFIX = "theme"
# A line break and the indentation after it (blank lines included): the theme's
# templates indent every line, which the browser collapses to one space anyway.
_INDENT = re.compile(r"\n\s+")

# mkdocs-material's drawer/search toggles carry autocomplete="off", which HTML
# allows only on text-like inputs (Nu HTML Checker error). Same element, minus
# that attribute.
_TOGGLE_AUTOCOMPLETE = re.compile(
    r'(<input class="md-toggle" data-md-toggle="(?:drawer|search)" type="checkbox" id="__(?:drawer|search)")'
    r' autocomplete="off">'
)


class ThemeManager:
    def __init__(self, plugin_config):
        self.config = plugin_config
        self.theme_dirs: list[str] = []  # set in on_config
        self.icons: dict = {}
        self.sprite: dict = {}
        self.unindented_roots: tuple[str, ...] = ()  # set in on_config
        self.mkdocs_config = None  # set in on_config
        self.lang = DEFAULT_LANG  # the build log's language: the directory plugin's (on_config)

    def on_config(self, config, lang: str = DEFAULT_LANG) -> None:
        # Our templates come after custom_dir (overrides/ wins) and before the theme.
        dirs = config.theme.dirs
        if str(TEMPLATES) not in dirs:
            custom = config.theme.custom_dir
            at = 1 if custom and dirs and os.path.abspath(dirs[0]) == os.path.abspath(custom) else 0
            dirs.insert(at, str(TEMPLATES))
        if STYLESHEET not in config.extra_css:
            config.extra_css.insert(0, STYLESHEET)
        if not any(str(s) == SCRIPT for s in config.extra_javascript):
            script = ExtraScriptValue(SCRIPT)
            script.defer = True
            config.extra_javascript.append(script)
        # The theme's own templates (and MkDocs' below them), without custom_dir
        # and plugin folders in front: what "theme/…" names.
        dirs = list(config.theme.dirs)
        own = get_theme_dir(config.theme.name) if config.theme.name else None
        self.theme_dirs = dirs[dirs.index(own):] if own in dirs else dirs[dirs.index(str(TEMPLATES)) + 1:]
        self.icons = frame_icons(config)
        self.sprite = {}
        # Templates written without their indentation: the theme's own and the
        # nahbei plugins' (none of them has <pre>, <textarea> or a multi-line
        # script); a site's overrides (custom_dir) are left as they are.
        self.unindented_roots = tuple(os.path.realpath(d) + os.sep for d in (own, PACKAGE) if d)
        self.mkdocs_config = config
        self.lang = lang

    def add_files(self, files: Files, config) -> None:
        if files.get_file_from_path(STYLESHEET) is None:
            files.append(File.generated(config, STYLESHEET, abs_src_path=str(ASSETS / "nahbei.css")))
        if files.get_file_from_path(SCRIPT) is None:
            files.append(File.generated(config, SCRIPT, abs_src_path=str(ASSETS / "nahbei.js")))
        symbols, self.sprite = sprite(config.theme.dirs, self.icons)
        if self.sprite and files.get_file_from_path(ICONS) is None:
            files.append(File.generated(config, ICONS, content=symbols))

    def on_env(self, env: jinja2.Environment, site, views) -> None:
        previous = env.autoescape

        def autoescape(name):
            if name and name.startswith("nahbei/"):
                return True
            return previous(name) if callable(previous) else previous

        env.autoescape = autoescape
        env.loader = UnindentedLoader(jinja2.ChoiceLoader([env.loader, jinja2.PrefixLoader(
            {THEME_PREFIX: jinja2.FileSystemLoader(self.theme_dirs)})]), self.unindented_roots)
        env.filters["nahbei_dedent"] = dedent
        if self.mkdocs_config is not None:
            env.globals["nahbei_theme_text"] = ThemeTexts(env, self.mkdocs_config)
        env.globals["nahbei_sprite"] = self.sprite
        env.globals["nahbei_sprite_path"] = ICONS
        env.globals["nahbei"] = site
        env.globals["nahbei_views"] = views
        env.filters["nahbei_icon"] = lambda name: icon(env, name, self.lang)
        env.filters["nahbei_mailto"] = fmt.mailto

    @staticmethod
    def fix_html(output: str) -> str:
        # plain replace first (every page, 10,000s of times); the pattern for other spacing
        for toggle in ("drawer", "search"):
            output = output.replace(
                f'<input class="md-toggle" data-md-toggle="{toggle}" type="checkbox" id="__{toggle}" autocomplete="off">',
                f'<input class="md-toggle" data-md-toggle="{toggle}" type="checkbox" id="__{toggle}">', 1)
        return _TOGGLE_AUTOCOMPLETE.sub(r"\1>", output) if 'autocomplete="off">' in output else output


def dedent(html: str) -> Markup:
    """The theme's indentation off: each line break with the blank and indented
    lines after it becomes one line break. Rendering is unchanged where white
    space collapses (not in <pre>, <textarea> or code: only for the frame's
    navigation and header, which have none)."""
    return Markup(_INDENT.sub("\n", str(html)).strip())


class ThemeTexts:
    """``lang.t(key)`` of the theme (partials/language.html: the site's
    language, or ``language`` for another edition; English, else the key), each
    key rendered once by the theme's own template and kept."""

    def __init__(self, env: jinja2.Environment, config, language: str | None = None):
        self.env, self.config = env, config
        # another edition's language: the theme's template reads only config.theme.language
        self.language = language
        self.module = None
        self.texts: dict[str, str] = {}

    def __call__(self, key: str) -> str:
        text = self.texts.get(key)
        if text is None:
            if self.module is None:
                template = self.env.get_template(f"{THEME_PREFIX}/partials/language.html")
                config = {"theme": {"language": self.language}} if self.language else self.config
                self.module = template.make_module({"config": config})
            text = self.texts[key] = str(self.module.t(key))
        return text


class UnindentedLoader(jinja2.BaseLoader):
    """``loader``'s templates, those under ``roots`` without the indentation of
    their lines. The theme indents its markup (and its template code) to show
    nesting; in the pages that is ~1.5 KB of white space each, 20 MB at 10,000
    entries. A line break stays where it was, so the text renders the same
    (white space collapses outside <pre>, <textarea> and scripts, which these
    templates do not break over lines). Done once, on the source: no cost per
    page."""

    def __init__(self, loader: jinja2.BaseLoader, roots: tuple[str, ...]):
        self.loader = loader
        self.roots = roots
        self.has_source_access = loader.has_source_access

    def get_source(self, environment, template):
        source, filename, uptodate = self.loader.get_source(environment, template)
        if filename and self.roots and os.path.realpath(filename).startswith(self.roots):
            source = unindent(source)
        return source, filename, uptodate

    def list_templates(self):
        return self.loader.list_templates()


_LINE_INDENT = re.compile(r"^[ \t]+", re.M)


def unindent(source: str) -> str:
    """A template's source without the indentation of its lines. Every line
    break stays (and so does Jinja's white-space control around it): text
    never runs together. (Dropping the line breaks of lines of template code
    too would save ~100 bytes more a page, but not safely: a branch that does
    not run may hold the only line break left between two words.)"""
    return _LINE_INDENT.sub("", source)


def frame_icons(config) -> list[str]:
    """The theme icons every page's frame shows: the logo (unless an image),
    the menu button's, the palette switch's, the header search's (nahbei/search,
    partials/search.html) and the back-to-top button's."""
    theme = config.theme
    icon = theme.get("icon") or {}
    names = []
    if not theme.get("logo"):
        names.append(icon.get("logo") or "material/library")
    names.append(icon.get("menu") or "material/menu")
    palette = theme.get("palette") or []
    for option in palette if isinstance(palette, list) else []:
        toggle = option.get("toggle") if isinstance(option, dict) else None
        if toggle and toggle.get("icon"):
            names.append(toggle["icon"])
    search = getattr(config.plugins.get("nahbei/search"), "config", None)
    if search is not None and search.get("enabled", True) and search.get("header", True):
        names.append(icon.get("search") or "material/magnify")
    if "navigation.top" in (theme.get("features") or []):
        names.append(icon.get("top") or "material/arrow-up")
    return list(dict.fromkeys(names))


def sprite(dirs, names) -> tuple[str, dict]:
    """One SVG of <symbol>s for ``names`` (found in the theme's .icons folders,
    custom_dir first) and {name: {"id", "viewbox"}}; names not found are left
    out (their templates include the icon inline)."""
    symbols, refs = [], {}
    for name in names:
        found = [p for p in (Path(d, ".icons", f"{name}.svg") for d in dirs) if p.is_file()]
        if not found:
            continue
        source = found[0].read_text("utf-8").strip()
        try:
            viewbox = ET.fromstring(source).get("viewBox")
        except ET.ParseError:
            viewbox = None
        if not viewbox:
            continue  # not a plain icon: its templates include it inline
        inner = source[source.index(">", source.index("<svg")) + 1:source.rindex("</svg>")]
        ident = "nb-" + re.sub(r"[^a-z0-9]+", "-", name.lower())
        symbols.append(f'<symbol id="{ident}" viewBox="{viewbox}">{inner}</symbol>')
        refs[name] = {"id": ident, "viewbox": viewbox}
    svg = '<svg xmlns="http://www.w3.org/2000/svg">' + "".join(symbols) + "</svg>\n"
    return svg, refs


def icon(env: jinja2.Environment, name: str | None, lang: str = DEFAULT_LANG) -> Markup:
    """An icon of the theme (e.g. 'material/earth') as inline SVG, hidden from
    screen readers; '' when the theme has no such icon."""
    if not name:
        return Markup("")
    try:
        source, _, _ = env.loader.get_source(env, f".icons/{name}.svg")
    except jinja2.TemplateNotFound:
        log.warning(t("ui.build.icon_missing", lang, name=name))
        return Markup("")
    svg = source.strip().replace("<svg ", '<svg aria-hidden="true" focusable="false" ', 1)
    return Markup(svg)
