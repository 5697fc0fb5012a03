"""UI strings and messages from locales/<lang>.yaml (German first, English second)."""
from __future__ import annotations

import functools
import os
from collections.abc import Callable
from pathlib import Path

import yaml

try:  # libyaml's parser: every build and every `nahbei` command reads the catalogues (~0.4 s in Python)
    _Loader = yaml.CSafeLoader
except AttributeError:  # pragma: no cover
    _Loader = yaml.SafeLoader

LOCALES = Path(__file__).parent / "locales"
DEFAULT_LANG = "de"
#: a site's own locale files (option locales_dir), after nahbei's: a site adds a
#: language, or changes a text, without touching the package
_SITE_LOCALES: tuple[Path, ...] = ()


def use_site_locales(*folders: Path) -> None:
    """Read locale files from these folders too (after nahbei's own)."""
    global _SITE_LOCALES
    folders = tuple(Path(f) for f in folders if Path(f).is_dir())
    if folders != _SITE_LOCALES:
        _SITE_LOCALES = folders
        catalog.cache_clear()
        own_catalog.cache_clear()
        locale_file.cache_clear()


def has_catalog(lang: str) -> bool:
    """Whether any locale file holds the interface texts of ``lang``."""
    return any((folder / f"{lang}.yaml").is_file() for folder in (LOCALES, *_SITE_LOCALES))


def flatten(tree: dict, prefix: str = "") -> dict:
    """{"a": {"b": x}} -> {"a.b": x}: the keys as messages name them."""
    out = {}
    for k, v in tree.items():
        if isinstance(v, dict):
            out.update(flatten(v, f"{prefix}{k}."))
        else:
            out[f"{prefix}{k}"] = v
    return out


@functools.lru_cache(maxsize=None)
def locale_file(path: Path) -> dict:
    """One locale file, flat; read once, though every language's catalogue starts from German."""
    return flatten(yaml.load(path.read_text("utf-8"), Loader=_Loader) or {})


@functools.lru_cache(maxsize=None)
def catalog(lang: str = DEFAULT_LANG) -> dict:
    """Flat {key: text} for a language, falling back to German for missing keys
    (nahbei's locale files, then the site's: use_site_locales)."""
    base = {}
    for code in dict.fromkeys((DEFAULT_LANG, lang)):  # German below, the language over it
        for folder in (LOCALES, *_SITE_LOCALES):  # nahbei's texts below, the site's over them
            path = folder / f"{code}.yaml"
            if path.is_file():
                base.update(locale_file(path))
    return base


@functools.lru_cache(maxsize=None)
def own_catalog(lang: str) -> dict:
    """Flat {key: text} of ``lang``'s own locale files only (nahbei's, then the
    site's), without the German fallback: which texts a language really has."""
    base = {}
    for folder in (LOCALES, *_SITE_LOCALES):
        path = folder / f"{lang}.yaml"
        if path.is_file():
            base.update(locale_file(path))
    return base


class _Keep(dict):
    def __missing__(self, key):
        return "{" + key + "}"


def t(key: str, lang: str = DEFAULT_LANG, /, **params) -> str:
    """The text for ``key`` with ``{params}`` filled in; the key itself if unknown."""
    text = catalog(lang).get(key, key)
    return text.format_map(_Keep(params)) if params else text


def message_lang(option: str | None = None) -> str:
    """The language of the command line's messages: the --lang option, else
    NAHBEI_LANG, else German."""
    return option or os.environ.get("NAHBEI_LANG") or DEFAULT_LANG


def cli_help(lang: str) -> Callable[[str], str]:
    """The command line's help texts in ``lang``: ``cli_help("en")("check")`` is cli.help.check."""
    def h(key: str) -> str:
        return t("cli.help." + key, lang)
    return h
