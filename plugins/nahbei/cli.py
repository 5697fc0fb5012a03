"""`nahbei` command line: check content, create new entries."""
from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from . import cli_extra, cli_import
from .i18n import cli_help, message_lang, t
from .model.check import check
from .model.clock import today as clock_today
from .model.ids import new_id, unique_id
from .model.layout import ENTRY_KINDS, FOLDERS, entry_file, schema_comment


def cmd_check(args) -> int:
    lang = message_lang(args.lang)
    content = Path(args.content)
    if not content.is_dir():
        print(t("cli.no_content", lang, path=content), file=sys.stderr)
        return 2
    root = Path.cwd()
    # the site's options from mkdocs.yml: languages, translation warnings, time zone, country
    # (MkDocs' option classes are imported only when there is a mkdocs.yml: ~0.1 s CPU)
    options = None
    if Path(args.config).is_file():
        from mkdocs.config.base import ValidationError

        from .mkdocs.config import directory_options

        try:
            options = directory_options(args.config)
        except ValidationError as exc:
            print(exc, file=sys.stderr)
            return 2
    site = {} if options is None else {
        "languages": tuple(options.languages), "translation_warnings": options.translation_warnings,
        # the same time zone and country as the build: "today", phone numbers and addresses
        "tz": options.timezone, "country": options.country}
    result = check(content, lang=lang, root=root, **site)
    for code, params in result.notes:
        print(t("msg." + code, lang, **params), file=sys.stderr)
    only = None
    if args.paths:
        only = set()
        for p in args.paths:
            p = Path(p).resolve()
            try:
                only.add(p.relative_to(root.resolve()).as_posix())
            except ValueError:
                only.add(p.as_posix())
    shown = [p for p in result.problems if only is None or p.path in only]
    github = args.format == "github" or (args.format is None and os.environ.get("GITHUB_ACTIONS") == "true")
    for p in shown:
        print(p.format(lang))
        if github:
            print(p.github(lang))
    errors = sum(1 for p in shown if p.severity == "error")
    warnings = len(shown) - errors
    files = len(only) if only is not None else result.files
    key = "cli.summary_ok" if errors == 0 else "cli.summary_fail"
    print(t(key, lang, files=files, errors=errors, warnings=warnings), file=sys.stderr)
    if errors or (args.strict and warnings):
        return 1
    return 0


def skeleton(kind: str, ident: str, title: str, today: str, lang: str = "de") -> str:
    """A commented template for a new entry (texts in the locale files). Every value
    the volunteer has to give is a placeholder, "[Bitte ausfüllen: Anbieter]", that
    ``nahbei check`` reports until it is replaced: nothing is taken from other
    entries, so nothing is published under someone else's name by accident."""
    if kind not in ENTRY_KINDS:
        raise ValueError(kind)
    name = json.dumps(title, ensure_ascii=False)  # a JSON string is a YAML double-quoted scalar
    return schema_comment(kind) + t(f"skeleton.{kind}", lang, id=ident, name=name, today=today)


def cmd_new(args) -> int:
    lang = message_lang(args.lang)
    content = Path(args.content)
    folder = content / FOLDERS[args.kind]
    folder.mkdir(parents=True, exist_ok=True)
    ident = unique_id(new_id(args.title, lang), folder)
    text = skeleton(args.kind, ident, args.title, clock_today().isoformat(), lang)
    path = content / entry_file(args.kind, ident)
    path.write_text(text, "utf-8")
    print(t("cli.new_written", lang, path=path.as_posix()))
    return 0


def main(argv=None) -> int:
    # The help texts are in the language of the messages: --lang is read first.
    early = argparse.ArgumentParser(add_help=False)
    early.add_argument("--lang")
    lang = message_lang(early.parse_known_args(argv)[0].lang)
    h = cli_help(lang)

    parser = argparse.ArgumentParser(prog="nahbei", description=h("description"))
    parser.add_argument("--lang", help=h("lang"))
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("check", help=h("check"))
    p.add_argument("paths", nargs="*", help=h("check_paths"))
    p.add_argument("--content", default="content", help=h("content"))
    p.add_argument("--strict", action="store_true", help=h("strict"))
    p.add_argument("--format", choices=["text", "github"], default=None, help=h("check_format"))
    p.add_argument("--config", default="mkdocs.yml", help=h("check_config"))
    p.set_defaults(func=cmd_check)

    p = sub.add_parser("new", help=h("new"))
    p.add_argument("kind", choices=ENTRY_KINDS, help=h("new_kind"))
    p.add_argument("title", help=h("new_title"))
    p.add_argument("--content", default="content", help=h("content"))
    p.set_defaults(func=cmd_new)

    cli_extra.register(sub, lang)
    cli_import.register(sub, lang)

    args = parser.parse_args(argv)
    return args.func(args)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
