"""Further `nahbei` sub-commands for the contribution workflows."""
from __future__ import annotations

import os
import sys
import traceback
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
    _register_from_issue(sub)


def cmd_from_issue(args) -> int:
    """Exit 0: files written; 1: messages for the volunteer on stdout; 2: a bug.

    The workflow posts stdout in the issue, so a bug prints only one line from the
    locale file there; the traceback (runner paths, parts of the answers) goes to
    stderr, which the workflow keeps in its log.
    """
    from .contribute.issueform import convert
    from .i18n import t
    from .model.clock import today

    lang = args.lang or os.environ.get("NAHBEI_LANG", "de")
    try:
        body = Path(args.body_file).read_text("utf-8") if args.body_file != "-" else sys.stdin.read()
        outcome = convert(args.form, body, Path(args.out_dir), today=today(), lang=lang)
    except Exception:  # noqa: BLE001 - any bug: details to the log, one line to the issue
        traceback.print_exc(file=sys.stderr)
        print(t("cli.unexpected_error", lang))
        return 2
    for message in outcome.messages:
        print(message)
    for path in outcome.written:
        print(t("issue.written", lang, path=path.as_posix()))
    return 0 if outcome.ok else 1


def _register_from_issue(sub) -> None:
    p = sub.add_parser("from-issue", help="Formular-Issue in eine YAML-Datei umwandeln")
    p.add_argument("--form", required=True, choices=["neues-angebot", "neue-veranstaltung", "aenderung"])
    p.add_argument("--body-file", required=True, help="Text des Issues (- für Standardeingabe)")
    p.add_argument("--out-dir", default="content", help="Inhaltsordner")
    p.set_defaults(func=cmd_from_issue)
