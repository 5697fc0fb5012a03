"""Freshness report: entries past their review date and offers past their end date.

The output is one deterministic issue body (sorted, no timestamps beyond the
build's today), so a workflow can create or update a single issue with it.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from ..i18n import t
from ..model.check import check
from ..model.review import overdue

MARKER = "<!-- nahbei:freshness -->"


@dataclass(frozen=True, order=True)
class Stale:
    due: str  # ISO date the entry became stale
    kind: str
    id: str
    source: str
    reason: str  # review | ended
    name: str
    responsible: str  # contact name(s) to ask


# Characters that start inline Markdown in a table cell (emphasis, code, links, HTML,
# entities) and the cell separator; a backslash makes each one plain text.
_MARKDOWN_ACTIVE = re.compile(r"([\\`*_~\[\]<>&|])")


def _one_line(text: str) -> str:
    """Any line break (also CR, U+2028, U+0085) or control character ends a table row:
    the text becomes one line with single spaces."""
    text = "".join(" " if unicodedata.category(ch) in ("Cc", "Zl", "Zp") else ch for ch in text)
    return " ".join(text.split())


def _cell(text: str) -> str:
    """Text as one Markdown table cell that shows exactly this text."""
    return _MARKDOWN_ACTIVE.sub(r"\\\1", _one_line(text))


def _code_cell(text: str) -> str:
    """Text as a code span in a table cell: the backtick fence is longer than any run
    inside, and `|` is escaped (GitHub splits cells before it reads code spans)."""
    text = _one_line(text)
    fence = "`" * (max((len(run) for run in re.findall(r"`+", text)), default=0) + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{pad}{text.replace('|', chr(92) + '|')}{pad}{fence}"


def stale_entries(directory) -> list[Stale]:
    today = directory.today
    out = []

    def responsible(entry) -> str:
        ids = []
        if entry.get("provider"):
            ids.append(entry.get("provider"))
        ids.extend(entry.get("contacts", ()))
        if entry.get("organiser"):
            ids.append(entry.get("organiser"))
        names = []
        for cid in dict.fromkeys(ids):
            c = directory.contacts.get(cid)
            if c is not None:
                names.append(c.name + (f" <{c.get('email')}>" if c.get("email") else ""))
        return "; ".join(names)

    for kind, entries in (("offer", directory.offers), ("contact", directory.contacts)):
        for e in entries.values():
            due = overdue(e, today)
            if due is not None:
                out.append(Stale(due.isoformat(), kind, e.id, e.source, "review", e.name,
                                 responsible(e) if kind == "offer" else e.name))
            if kind == "offer" and e.status != "ended" and e.until is not None and e.until < today:
                out.append(Stale(e.until.isoformat(), kind, e.id, e.source, "ended", e.name, responsible(e)))
    return sorted(out)


def report(content: Path | str, *, today: date | None = None, lang: str = "de", root: Path | None = None):
    """(markdown body, number of stale entries). Content with errors still reports
    what it can: the check runs, and only a valid tree has a directory."""
    result = check(content, today=today, lang=lang, root=root)
    if result.directory is None:
        raise ValueError("\n".join(p.format(lang) for p in result.errors))
    items = stale_entries(result.directory)
    return render(items, result.directory.today, lang), len(items)


def render(items: list[Stale], today: date, lang: str = "de") -> str:
    """The issue body: one table row per item. Every cell is escaped here, whatever
    the schemas let through, so no entry can break the table or add Markdown."""
    lines = [MARKER, t("freshness.intro", lang, today=today.isoformat()), ""]
    if not items:
        lines.append(t("freshness.none", lang))
    else:
        lines.append("| " + " | ".join(t(f"freshness.col_{c}", lang) for c in ("entry", "reason", "since", "who", "file")) + " |")
        lines.append("|---|---|---|---|---|")
        for s in items:
            reason = t(f"freshness.reason_{s.reason}", lang)
            name = _cell(f"{s.name} ({t('kind.' + s.kind, lang)})")
            who = _cell(s.responsible or "–")
            lines.append(f"| {name} | {_cell(reason)} | {s.due} | {who} | {_code_cell(s.source)} |")
        lines.append("")
        lines.append(t("freshness.howto", lang))
    return "\n".join(lines) + "\n"
