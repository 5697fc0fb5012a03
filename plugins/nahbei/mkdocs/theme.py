"""Everything the plugin does to the theme: template folder, autoescaping for
nahbei templates, Jinja globals and filters, the stylesheet, HTML fixes."""
from __future__ import annotations

import os
import re
from pathlib import Path

import jinja2
from markupsafe import Markup
from mkdocs.config.config_options import ExtraScriptValue
from mkdocs.plugins import get_plugin_logger
from mkdocs.structure.files import File, Files

from .. import formatting as fmt

log = get_plugin_logger(__name__)

HERE = Path(__file__).parent
TEMPLATES = HERE / "templates"
ASSETS = HERE / "assets"
STYLESHEET = "assets/nahbei/nahbei.css"
# Small progressive enhancements (copy a feed address); pages work without it.
SCRIPT = "assets/nahbei/nahbei.js"

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

    def on_config(self, config) -> None:
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

    def add_files(self, files: Files, config) -> None:
        if files.get_file_from_path(STYLESHEET) is None:
            files.append(File.generated(config, STYLESHEET, abs_src_path=str(ASSETS / "nahbei.css")))
        if files.get_file_from_path(SCRIPT) is None:
            files.append(File.generated(config, SCRIPT, abs_src_path=str(ASSETS / "nahbei.js")))

    def on_env(self, env: jinja2.Environment, site, views) -> None:
        previous = env.autoescape

        def autoescape(name):
            if name and name.startswith("nahbei/"):
                return True
            return previous(name) if callable(previous) else previous

        env.autoescape = autoescape
        env.globals["nahbei"] = site
        env.globals["nahbei_views"] = views
        env.filters["nahbei_icon"] = lambda name: icon(env, name)
        env.filters["nahbei_mailto"] = fmt.mailto

    @staticmethod
    def fix_html(output: str) -> str:
        # plain replace first (every page, 10,000s of times); the pattern for other spacing
        for toggle in ("drawer", "search"):
            output = output.replace(
                f'<input class="md-toggle" data-md-toggle="{toggle}" type="checkbox" id="__{toggle}" autocomplete="off">',
                f'<input class="md-toggle" data-md-toggle="{toggle}" type="checkbox" id="__{toggle}">', 1)
        return _TOGGLE_AUTOCOMPLETE.sub(r"\1>", output) if 'autocomplete="off">' in output else output


def icon(env: jinja2.Environment, name: str | None) -> Markup:
    """An icon of the theme (e.g. 'material/earth') as inline SVG, hidden from
    screen readers; '' when the theme has no such icon."""
    if not name:
        return Markup("")
    try:
        source, _, _ = env.loader.get_source(env, f".icons/{name}.svg")
    except jinja2.TemplateNotFound:
        log.warning(f"Icon '{name}' (content/taxonomy.yaml) not found in the theme; shown without icon.")
        return Markup("")
    svg = source.strip().replace("<svg ", '<svg aria-hidden="true" focusable="false" ', 1)
    return Markup(svg)
