"""`nahbei` command line: check content, create new entries."""
from __future__ import annotations

import argparse
import os
import re
import sys
import unicodedata
from pathlib import Path

from .i18n import t
from .model.check import KIND_FOLDER, check
from .model.clock import today as clock_today


def _lang(args) -> str:
    return args.lang or os.environ.get("NAHBEI_LANG", "de")


def cmd_check(args) -> int:
    lang = _lang(args)
    content = Path(args.content)
    if not content.is_dir():
        print(t("cli.no_content", lang, path=content), file=sys.stderr)
        return 2
    root = Path.cwd()
    result = check(content, lang=lang, root=root)
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


def slugify(title: str) -> str:
    s = title.lower()
    for a, b in (("ä", "ae"), ("ö", "oe"), ("ü", "ue"), ("ß", "ss")):
        s = s.replace(a, b)
    s = unicodedata.normalize("NFKD", s).encode("ascii", "ignore").decode()
    s = re.sub(r"[^a-z0-9]+", "-", s).strip("-")
    return (s or "eintrag")[:60].strip("-")


def skeleton(kind: str, ident: str, title: str, today: str) -> str:
    """A minimal valid entry; references point at the first existing entries."""
    q = title.replace("\\", "\\\\").replace('"', '\\"')
    head = f"# yaml-language-server: $schema=../../schemas/{kind}.schema.json\nid: {ident}\n"
    if kind == "offer":
        return head + (
            f'name: "{q}"\n'
            'summary: "Ein bis zwei Sätze in einfacher Sprache: was, für wen, wo."\n'
            "status: active\n"
            "topics: [{topic}]\n"
            "target_groups: [{group}]\n"
            "provider: {contact}\n"
            "cost:\n  free: true\n"
            "languages: [de]\n"
            "description: |\n  Beschreiben Sie hier das Angebot.\n"
            f"last_reviewed: {today}\n"
        )
    if kind == "event":
        return head + (
            f'title: "{q}"\n'
            f'start: "{today} 10:00"\n'
            f'end: "{today} 12:00"\n'
            "place: {place}\n"
            "organiser: {contact}\n"
            "status: scheduled\n"
            "description: |\n  Beschreiben Sie hier die Veranstaltung.\n"
        )
    if kind == "contact":
        return head + (
            "kind: organisation\n"
            f'name: "{q}"\n'
            "email: info@beispiel.de\n"
            f"last_reviewed: {today}\n"
        )
    if kind == "place":
        return head + (
            f'name: "{q}"\n'
            "address:\n"
            '  street: "Musterstraße 1"\n'
            '  postcode: "12345"\n'
            "  town: Musterstadt\n"
            "accessibility:\n  wheelchair: partial\n"
        )
    raise ValueError(kind)


def _first(folder: Path, fallback: str) -> str:
    files = sorted(folder.glob("*.yaml")) if folder.is_dir() else []
    return files[0].stem if files else fallback


def _first_term(content: Path, vocab: str, fallback: str) -> str:
    import yaml
    tax = content / "taxonomy.yaml"
    if tax.exists():
        data = yaml.safe_load(tax.read_text("utf-8")) or {}
        terms = list((data.get(vocab) or {}))
        if terms:
            return terms[0]
    return fallback


def cmd_new(args) -> int:
    lang = _lang(args)
    content = Path(args.content)
    folder = content / KIND_FOLDER[args.kind]
    folder.mkdir(parents=True, exist_ok=True)
    base = slugify(args.title)
    ident, n = base, 2
    while (folder / f"{ident}.yaml").exists():
        ident, n = f"{base}-{n}", n + 1
    text = skeleton(args.kind, ident, args.title, clock_today().isoformat())
    text = text.replace("{topic}", _first_term(content, "topics", "beratung"))
    text = text.replace("{group}", _first_term(content, "target_groups", "alle"))
    text = text.replace("{contact}", _first(content / "contacts", "kontakt"))
    text = text.replace("{place}", _first(content / "places", "ort"))
    path = folder / f"{ident}.yaml"
    path.write_text(text, "utf-8")
    print(t("cli.new_written", lang, path=path.as_posix()))
    return 0


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="nahbei", description="nahbei: Verzeichnis sozialer Angebote")
    parser.add_argument("--lang", help="Sprache der Meldungen (de, en)")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("check", help="Inhalte prüfen")
    p.add_argument("paths", nargs="*", help="nur Meldungen zu diesen Dateien (geprüft wird immer der ganze Ordner)")
    p.add_argument("--content", default="content")
    p.add_argument("--strict", action="store_true", help="Warnungen als Fehler werten")
    p.add_argument("--format", choices=["text", "github"], default=None)
    p.set_defaults(func=cmd_check)

    p = sub.add_parser("new", help="neuen Eintrag anlegen")
    p.add_argument("kind", choices=["offer", "event", "contact", "place"])
    p.add_argument("title")
    p.add_argument("--content", default="content")
    p.set_defaults(func=cmd_new)

    from . import cli_extra  # noqa: F401  (registers further commands, if present)
    cli_extra.register(sub)

    args = parser.parse_args(argv)
    return args.func(args)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
