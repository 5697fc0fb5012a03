"""The Merkzettel's script in the site: assets/nahbei/shortlist.js with this
site's texts (locale keys ``ui.shortlist.js.*``) and URL segments in front, so
it needs no settings request. Pages work without it."""
from __future__ import annotations

import json

from mkdocs.config.config_options import ExtraScriptValue
from mkdocs.structure.files import File, Files

from ..i18n import catalog
from ..qrcodes import SHORTLIST_KINDS
from ..urls import Urls
from .theme import ASSETS

SCRIPT = "assets/nahbei/shortlist.js"
TEXTS = "ui.shortlist.js."


def register(config) -> None:
    """Every page loads the script (deferred): entry pages get their "Merken" button."""
    if not any(str(s) == SCRIPT for s in config.extra_javascript):
        script = ExtraScriptValue(SCRIPT)
        script.defer = True
        config.extra_javascript.append(script)


def settings(lang: str, urls: Urls, qr: bool) -> dict:
    return {
        "lang": lang,
        "page": urls.index("shortlist"),
        "segments": {kind: urls.segments[kind] for kind in SHORTLIST_KINDS},
        "qr": qr,
        "texts": {k[len(TEXTS):]: v for k, v in catalog(lang).items() if k.startswith(TEXTS)},
    }


def add_file(files: Files, config, lang: str, urls: Urls, qr: bool) -> None:
    if files.get_file_from_path(SCRIPT) is not None:  # a site's own docs/assets/nahbei/shortlist.js
        return
    head = "var nahbeiShortlistConfig = " + json.dumps(settings(lang, urls, qr), ensure_ascii=False, sort_keys=True)
    source = (ASSETS / "shortlist.js").read_text("utf-8")
    files.append(File.generated(config, SCRIPT, content=head + ";\n" + source))
