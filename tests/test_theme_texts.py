"""mkdocs-material's texts through nahbei's partials/language.html
(nahbei.mkdocs.theme.ThemeTexts, looked up once per key) are the theme's own:
the site's language, English where it has no text, else the key."""
from __future__ import annotations

import re
from pathlib import Path
from types import SimpleNamespace

import jinja2
import pytest

from nahbei.mkdocs.theme import TEMPLATES, THEME_PREFIX, ThemeTexts

MATERIAL = Path(jinja2.__file__).parents[1] / "material" / "templates"
KEYS = sorted(set(re.findall(r'^\s*"([a-z.]+)":', (MATERIAL / "partials/languages/en.html").read_text("utf-8"), re.M)))


@pytest.mark.parametrize("language", ["de", "en", "ar", "uk"])
def test_every_key_as_the_theme_gives_it(language):
    config = SimpleNamespace(theme={"language": language})
    themes = jinja2.FileSystemLoader([str(MATERIAL)])
    env = jinja2.Environment(loader=jinja2.ChoiceLoader(
        [jinja2.FileSystemLoader([str(TEMPLATES)]), themes, jinja2.PrefixLoader({THEME_PREFIX: themes})]))
    ours = env.get_template("partials/language.html").make_module({"config": config, "nahbei_theme_text": ThemeTexts(env, config)})
    theirs = env.get_template(f"{THEME_PREFIX}/partials/language.html").make_module({"config": config})
    assert len(KEYS) > 50
    for key in [*KEYS, "no.such.key"]:
        assert str(ours.t(key)) == str(theirs.t(key)), key
    assert str(ours.t("no.such.key")) == "no.such.key"


def _env():
    themes = jinja2.FileSystemLoader([str(MATERIAL)])
    return jinja2.Environment(loader=jinja2.ChoiceLoader(
        [jinja2.FileSystemLoader([str(TEMPLATES)]), themes, jinja2.PrefixLoader({THEME_PREFIX: themes})]))


def test_palette_script_is_the_themes_where_an_option_is_automatic():
    """partials/javascripts/palette.html: the theme's script where a palette
    option follows the system ("(prefers-color-scheme)"); otherwise a shorter
    one that applies the stored palette as it is (test_site_browser.py runs it)."""
    env = _env()
    ours = env.get_template("partials/javascripts/palette.html")
    theirs = env.get_template(f"{THEME_PREFIX}/partials/javascripts/palette.html").render().strip()
    automatic = SimpleNamespace(theme={"palette": [{"media": "(prefers-color-scheme)"},
                                                   {"media": "(prefers-color-scheme: light)", "scheme": "default"}]})
    assert ours.render(config=automatic).strip() == theirs
    light_dark = SimpleNamespace(theme={"palette": [{"media": "(prefers-color-scheme: light)"},
                                                    {"media": "(prefers-color-scheme: dark)"}]})
    short = ours.render(config=light_dark).strip()
    assert short.startswith("<script>") and '__md_get("__palette")' in short
    assert "prefers-color-scheme" not in short and len(short) < len(theirs) - 400
