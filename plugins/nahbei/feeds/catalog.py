"""Which feeds exist, what each holds, and how long past events stay in them.

A feed exists for the whole directory, for every topic, target group and
region, offer, organiser (contact) and place that has at least one event
*file* (past ones included), and for every single event. Existence therefore
depends on the content only, not on the build date: a subscribed URL does not
turn into a 404 because its last event aged out — the feed then stays a valid,
empty calendar until new events arrive.

A term's feed holds the events of the term and of all its narrower terms
(the region "Troisdorf" includes "Troisdorf-Mitte"), exactly like the term's
calendar page. Offer, organiser and place feeds follow the Directory's
``events_by_offer``, ``events_by_contact`` and ``events_by_place``
(consultation hours published as events included).

Retention: collection feeds keep an event while its last date is at most
``RETENTION_DAYS`` (90) days before the build's "today"; open-ended series
always stay. Subscribers keep the recent past (last week's meeting stays in
their calendar), and a 2018 conference does not travel in every feed forever.
A single-event feed (``kalender/termine/<id>.ics``) always holds its event,
however old: its page still links it.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from ..i18n import t
from ..model.directory import Directory, Event
from ..model.recurrence import series_dates
from ..urls import Urls

__all__ = ["Feed", "RETENTION_DAYS", "SCOPES", "VOCABULARIES", "feed_catalog", "feed_members",
           "last_day", "is_retained"]

RETENTION_DAYS = 90
VOCABULARIES = ("topics", "target_groups", "regions")
SCOPES = ("all", *VOCABULARIES, "offer", "contact", "place", "event")


@dataclass(frozen=True, slots=True)
class Feed:
    """One .ics file: ``path`` is site-relative (``Urls.feed``), ``scope`` one of
    SCOPES, ``ident`` the term/entry id (None for "all"), ``title`` the plain
    label for link texts ("Beratung und Lotsen", "alle Termine")."""

    path: str
    scope: str
    ident: str | None
    title: str


def _descendants(directory: Directory, vocab: str) -> dict[str, list[str]]:
    children: dict[str, list[str]] = {}
    terms = directory.taxonomy.vocabulary(vocab)
    for tid, term in terms.items():
        if term.parent:
            children.setdefault(term.parent, []).append(tid)
    out = {}
    for tid in terms:
        seen, todo = [tid], list(children.get(tid, ()))
        while todo:
            x = todo.pop(0)
            if x not in seen:
                seen.append(x)
                todo.extend(children.get(x, ()))
        out[tid] = seen
    return out


def feed_members(directory: Directory, urls: Urls, lang: str = "de",
                 only=None, with_ids: bool = True) -> list[tuple[Feed, tuple[str, ...]]]:
    """Every feed (or those whose (scope, ident) is in ``only``) with the ids of
    all events in its scope (before retention), in catalog order. ``with_ids=False``:
    the feeds only, ids left empty (the catalog pages link to)."""
    d = directory
    out: list[tuple[Feed, tuple[str, ...]]] = []

    def add(scope, ident, title, ids):
        if only is not None and (scope, ident) not in only:
            return
        if not with_ids:
            if ids:
                out.append((Feed(urls.feed(scope, ident), scope, ident, title), ()))
            return
        ids = tuple(sorted(set(ids)))
        if ids:
            out.append((Feed(urls.feed(scope, ident), scope, ident, title), ids))

    add("all", None, t("ui.calendar.all_dates", lang), d.events)
    for vocab in VOCABULARIES:
        terms = d.taxonomy.vocabulary(vocab)
        below = _descendants(d, vocab)
        for tid in sorted(terms):
            ids = [e for x in below[tid] for e in d.events_by_term.get((vocab, x), ())]
            add(vocab, tid, terms[tid].label, ids)
    for scope, index, entries in (("offer", d.events_by_offer, d.offers),
                                  ("contact", d.events_by_contact, d.contacts),
                                  ("place", d.events_by_place, d.places)):
        for ident in sorted(index):
            entry = entries.get(ident)
            add(scope, ident, entry.name if entry else ident, index[ident])
    for eid in sorted(d.events):
        add("event", eid, d.events[eid].title, (eid,))
    return out


def feed_catalog(directory: Directory, urls: Urls, lang: str = "de") -> list:
    """All feeds ``write_feeds`` writes for this directory, for pages to link."""
    return [feed for feed, _ in feed_members(directory, urls, lang, with_ids=False)]


def _day(x) -> date:
    return x.date() if isinstance(x, datetime) else x


def last_day(event: Event) -> date | None:
    """The last local day the event takes place (cancelled dates included);
    None for a series without end (no until, no count)."""
    dur = event.duration
    rec = event.recurrence

    def finish(start) -> date:
        if event.all_day:
            return _day(start) + (dur - timedelta(days=1) if dur else timedelta(0))
        return _day(start + dur) if dur else _day(start)

    if rec is None:
        return finish(event.start)
    if rec.until is None and rec.count is None:
        return None
    days = [finish(x) for x in rec.extra]
    if rec.until is not None:
        days.append(finish(rec.until if event.all_day else datetime.combine(rec.until, event.start.time())))
    else:
        last = None
        for last in series_dates(rec, event.start):
            pass
        if last is not None:
            days.append(finish(last))
    days.extend(_day(m.end) if m.end else finish(m.to) for m in rec.moved)
    return max(days) if days else _day(event.start)


def is_retained(event: Event, today: date, days: int = RETENTION_DAYS) -> bool:
    last = last_day(event)
    return last is None or last >= today - timedelta(days=days)
