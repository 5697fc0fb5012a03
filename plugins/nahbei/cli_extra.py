"""Further `nahbei` sub-commands for the contribution workflows.

Imports nothing of ``nahbei.cli`` (which registers these commands): the contribution
modules it loads import the model, never the command line.
"""
from __future__ import annotations

import sys
import traceback
from pathlib import Path

from .contribute.forms import FORMS
from .i18n import DEFAULT_LANG, cli_help, message_lang, t


def cmd_freshness(args) -> int:
    from .contribute.freshness import report

    lang = message_lang(args.lang)
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


def register(sub, lang: str = DEFAULT_LANG) -> None:
    h = cli_help(lang)

    p = sub.add_parser("freshness", help=h("freshness"))
    p.add_argument("--content", default="content", help=h("content"))
    # Markdown is the only form; the option stays because freshness.yml names it
    p.add_argument("--format", choices=["markdown"], default="markdown", help=h("freshness_format"))
    p.add_argument("--output", help=h("freshness_output"))
    p.add_argument("--count-file", help=h("freshness_count_file"))
    p.set_defaults(func=cmd_freshness)

    p = sub.add_parser("from-issue", help=h("from_issue"))
    p.add_argument("--form", required=True, choices=list(FORMS))
    p.add_argument("--body-file", required=True, help=h("from_issue_body_file"))
    p.add_argument("--out-dir", default="content", help=h("from_issue_out_dir"))
    p.set_defaults(func=cmd_from_issue)


def cmd_from_issue(args) -> int:
    """Exit 0: files written; 1: messages for the volunteer on stdout; 2: a bug.

    The workflow posts stdout in the issue, so a bug prints only one line from the
    locale file there; the traceback (runner paths, parts of the answers) goes to
    stderr, which the workflow keeps in its log.
    """
    from .contribute.issueform import convert
    from .model.clock import today

    lang = message_lang(args.lang)
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
