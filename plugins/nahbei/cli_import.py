"""`nahbei import hsds|ics`: other directories' data in, as entry files.

Each source has its own sub-command; the work is done in ``nahbei.exchange`` (no
MkDocs import there), this module only reads the arguments and prints the report.
"""
from __future__ import annotations

from .i18n import DEFAULT_LANG, cli_help


def register(sub, lang: str = DEFAULT_LANG) -> None:
    h = cli_help(lang)
    p = sub.add_parser("import", help=h("import"))
    sources = p.add_subparsers(dest="source", required=True)
    _register_hsds(sources, h)
    _register_ics(sources, h)


def _register_hsds(sources, h) -> None:
    from .exchange.hsds_import import add_arguments, command

    p = sources.add_parser("hsds", help=h("import_hsds"))
    add_arguments(p, h)
    p.set_defaults(func=command)


def _register_ics(sources, h) -> None:
    from .exchange.ics_import import add_arguments, command

    p = sources.add_parser("ics", help=h("import_ics"))
    add_arguments(p, h)
    p.set_defaults(func=command)
