"""Further `nahbei` sub-commands for the contribution workflows."""
from __future__ import annotations

import os
import sys
from pathlib import Path


def cmd_freshness(args) -> int:
    from .contribute.freshness import report

    lang = args.lang or os.environ.get("NAHBEI_LANG", "de")
    try:
        body, count = report(Path(args.content), lang=lang, root=Path.cwd())
    except ValueError as exc:  # invalid content: the same messages as nahbei check
        print(exc, file=sys.stderr)
        return 1
    if args.output:
        Path(args.output).write_text(body, "utf-8")
    else:
        sys.stdout.write(body)
    if args.count_file:
        Path(args.count_file).write_text(str(count), "utf-8")
    return 0


def register(sub) -> None:
    p = sub.add_parser("freshness", help="Einträge auflisten, deren Prüfung fällig ist")
    p.add_argument("--content", default="content")
    p.add_argument("--format", choices=["markdown"], default="markdown")
    p.add_argument("--output", help="Datei statt Standardausgabe")
    p.add_argument("--count-file", help="schreibt die Anzahl veralteter Einträge in diese Datei")
    p.set_defaults(func=cmd_freshness)
