"""UI strings and messages from locales/<lang>.yaml (German first, English second)."""
from __future__ import annotations

import functools
import os
from collections.abc import Callable
from pathlib import Path

import yaml

LOCALES = Path(__file__).parent / "locales"
DEFAULT_LANG = "de"


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
def catalog(lang: str = DEFAULT_LANG) -> dict:
    """Flat {key: text} for a language, falling back to German for missing keys."""
    base = flatten(yaml.safe_load((LOCALES / f"{DEFAULT_LANG}.yaml").read_text("utf-8")))
    if lang != DEFAULT_LANG:
        path = LOCALES / f"{lang}.yaml"
        if path.exists():
            base = {**base, **flatten(yaml.safe_load(path.read_text("utf-8")))}
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
