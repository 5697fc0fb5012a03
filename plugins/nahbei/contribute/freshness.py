"""Freshness report: entries past their review date and offers past their end date.

The output is one deterministic issue body (sorted, no timestamps beyond the
build's today), so a workflow can create or update a single issue with it.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from ..i18n import t
from ..model.check import check

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


def _add_months(d: date, months: int) -> date:
    y, m = divmod(d.month - 1 + months, 12)
    return date(d.year + y, m + 1, min(d.day, 28))


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
            if kind == "offer" and e.status == "ended":
                continue
            reviewed = e.get("last_reviewed")
            if reviewed:
                due = _add_months(date.fromisoformat(reviewed), e.get("review_interval_months", 12))
                if due < today:
                    out.append(Stale(due.isoformat(), kind, e.id, e.source, "review", e.name,
                                     responsible(e) if kind == "offer" else e.name))
            if kind == "offer" and e.until is not None and e.until < today:
                out.append(Stale(e.until.isoformat(), kind, e.id, e.source, "ended", e.name, responsible(e)))
    return sorted(out)


def report(content: Path | str, *, today: date | None = None, lang: str = "de", root: Path | None = None):
    """(markdown body, number of stale entries). Content with errors still reports
    what it can: the check runs, and only a valid tree has a directory."""
    result = check(content, today=today, lang=lang, root=root)
    if result.directory is None:
        raise ValueError("\n".join(p.format(lang) for p in result.errors))
    items = stale_entries(result.directory)
    lines = [MARKER, t("freshness.intro", lang, today=result.directory.today.isoformat()), ""]
    if not items:
        lines.append(t("freshness.none", lang))
    else:
        lines.append("| " + " | ".join(t(f"freshness.col_{c}", lang) for c in ("entry", "reason", "since", "who", "file")) + " |")
        lines.append("|---|---|---|---|---|")
        for s in items:
            reason = t(f"freshness.reason_{s.reason}", lang)
            name = s.name.replace("|", "\\|")
            who = (s.responsible or "–").replace("|", "\\|")
            lines.append(f"| {name} ({t('kind.' + s.kind, lang)}) | {reason} | {s.due} | {who} | `{s.source}` |")
        lines.append("")
        lines.append(t("freshness.howto", lang))
    return "\n".join(lines) + "\n", len(items)
