"""Which feeds exist, what each holds, and how long past events stay in them.

A feed exists for the whole directory, for every topic, target group and
region, organiser (contact) and place that has at least one event *file*
(past ones included), for every offer with at least two (an offer with one
event would repeat that event's feed), and for every single event. Every
page whose entry has a feed links it, with or without upcoming dates. Existence therefore
depends on the content only, not on the build date: a subscribed URL does not
turn into a 404 because its last event aged out — the feed then stays a valid,
empty calendar until new events arrive.

A term's feed holds the events of the term and of all its narrower terms
(the region "Troisdorf" includes "Troisdorf-Mitte"), exactly like the term's
calendar page. Offer, organiser and place feeds follow the Directory's
``events_by_offer``, ``events_by_contact`` and ``events_by_place``
(consultation hours published as events included).

Retention: collection feeds keep an event while its last date (``Event.last_day``) is at most
``RETENTION_DAYS`` (90) days before the build's "today"; open-ended series
always stay. Subscribers keep the recent past (last week's meeting stays in
their calendar), and a 2018 conference does not travel in every feed forever.
A single-event feed (``kalender/termine/<id>.ics``) always holds its event,
however old: its page still links it.

Site languages: the catalog of a language edition (``feed_catalog(
directory.in_language(lang), urls.in_language(lang, site_lang), lang)``)
lists only the feeds that differ from the German ones, that is, that hold at
least one event with a text in that language (``texts.is_translated``, before
retention, so that existence again depends on the content only). Where a
language has no feed of a scope, its pages link the German feed.
"""
from __future__ import annotations

from dataclasses import dataclass

from ..i18n import t
from ..model.directory import Directory
from ..model.layout import VOCABULARIES, entries_of
from ..model.translations import has_page_in
from ..urls import Urls
from .texts import SOURCE_LANG, is_translated, name_language

__all__ = ["Feed", "RETENTION_DAYS", "SCOPES", "VOCABULARIES", "feed_catalog", "feed_members"]

RETENTION_DAYS = 90
SCOPES = ("all", *VOCABULARIES, "offer", "contact", "place", "event")


@dataclass(frozen=True, slots=True)
class Feed:
    """One .ics file: ``path`` is site-relative (``Urls.feed``), ``scope`` one of
    SCOPES, ``ident`` the term/entry id (None for "all"), ``title`` the plain
    label for link texts ("Beratung und Lotsen", "alle Termine"), ``title_lang``
    the language that label is in (German where a language's feed names an
    untranslated entry or a term: a link's ``lang`` attribute)."""

    path: str
    scope: str
    ident: str | None
    title: str
    title_lang: str = SOURCE_LANG


#: the feeds of one entry (and linked from its page only)
ENTRY_SCOPES = frozenset({"offer", "contact", "place", "event"})


def feed_members(directory: Directory, urls: Urls, lang: str = "de",
                 only=None, with_ids: bool = True) -> list[tuple[Feed, tuple[str, ...]]]:
    """Every feed (or those whose (scope, ident) is in ``only``) with the ids of
    all events in its scope (before retention), in catalog order. ``with_ids=False``:
    the feeds only, ids left empty (the catalog pages link to)."""
    d = directory
    out: list[tuple[Feed, tuple[str, ...]]] = []
    # another language: only the feeds holding an event with a text in it (module docstring)
    translated = None if lang == SOURCE_LANG else {eid for eid, e in d.events.items() if is_translated(d, e, lang)}

    def has_page(scope, ident) -> bool:
        """Whether the entry of an entry's feed has a page in this language: only that
        page links the feed (elsewhere the edition links the entry's German page)."""
        kind, pid = d.events[ident].shown_on if scope == "event" else (scope, ident)
        entry = entries_of(d, kind).get(pid)
        return entry is not None and has_page_in(entry.data, kind, lang)

    def add(scope, ident, title, ids):
        if only is not None and (scope, ident) not in only:
            return
        if not ids or (translated is not None and translated.isdisjoint(ids)):
            return
        if translated is not None and scope in ENTRY_SCOPES and not has_page(scope, ident):
            return
        feed = Feed(urls.feed(scope, ident), scope, ident, title, name_language(d, scope, ident, lang))
        out.append((feed, tuple(sorted(set(ids))) if with_ids else ()))

    add("all", None, t("ui.calendar.all_dates", lang), d.events)
    for vocab in VOCABULARIES:
        terms = d.taxonomy.vocabulary(vocab)
        for tid in sorted(terms):
            ids = [e for x in d.taxonomy.with_descendants(vocab, tid) for e in d.events_by_term.get((vocab, x), ())]
            add(vocab, tid, terms[tid].label, ids)
    for scope, index, entries in (("offer", d.events_by_offer, d.offers),
                                  ("contact", d.events_by_contact, d.contacts),
                                  ("place", d.events_by_place, d.places)):
        for ident in sorted(index):
            if scope == "offer" and len(index[ident]) < 2:
                continue  # one event: its own feed is the offer's calendar (the page links that one)
            entry = entries.get(ident)
            add(scope, ident, entry.name if entry else ident, index[ident])
    for eid in sorted(d.events):
        add("event", eid, d.events[eid].title, (eid,))
    return out


def feed_catalog(directory: Directory, urls: Urls, lang: str = "de") -> list:
    """All feeds ``write_feeds`` writes for this directory, for pages to link."""
    return [feed for feed, _ in feed_members(directory, urls, lang, with_ids=False)]
