"""iCalendar feeds of the directory's events (no MkDocs import).

Calendar apps subscribe to these feeds; they show exactly the dates the site
shows (``Directory.occurrences``), in the event's time zone across daylight
saving, and series stay series (RRULE with EXDATE/RDATE and RECURRENCE-ID
overrides for moved and cancelled dates).

API for the MkDocs layer
------------------------

``feed_catalog(directory, urls, lang="de") -> list[Feed]``
    Every feed that ``write_feeds`` writes, in a stable order: ``Feed(path,
    scope, ident, title, title_lang)``. ``path`` is site-relative (``Urls.feed``, e.g.
    ``kalender/themen/beratung.ics``), ``scope`` is one of ``all``,
    ``topics``, ``target_groups``, ``regions``, ``offer``, ``contact``
    (organiser), ``place``, ``event``; ``ident`` the id (None for ``all``);
    ``title`` the plain label for a link text, ``title_lang`` its language.
    Another site language: ``feed_catalog(directory.in_language(lang),
    urls.in_language(lang, site_lang), lang)`` lists only the feeds that hold a
    translated event; for any other scope its pages link the German feed.
    A page links a feed only if it is in the catalog, and every catalog feed
    is linked: feeds exist where at least one event file is in scope (two for
    an offer; see ``catalog``).
    Look-up: ``{(f.scope, f.ident): f for f in catalog}``.

``write_feeds(directory, out_dir, site_url, urls, *, versions=None, lang="de",
site_name=None, now=None) -> list[Path]``
    Writes every catalog feed below ``out_dir`` (the built site folder) and
    returns the written paths in catalog order. ``site_url`` is the public
    address (``https://example.org/sub/``): it makes UIDs
    (``<event-id>@<host>``), event URLs and SOURCE absolute.
    ``versions`` gives SEQUENCE and LAST-MODIFIED: a mapping
    ``{event id: Version}``, or the folder ``check()`` used as ``root``
    (the mkdocs.yml folder) to read them from git there, or None for the
    current working directory: from the history of the event's file and of
    the files its VEVENT shows facts of (place, organiser, offer, taxonomy;
    see ``versions``). Not in git: SEQUENCE 0, no LAST-MODIFIED.
    ``now`` is the build time for DTSTAMP (default: SOURCE_DATE_EPOCH when
    set, else the clock; ``model.clock.now``). The build's "today" (retention)
    is ``directory.today``. Typical call in ``on_post_build``::

        write_feeds(self.directory, Path(config.site_dir), config.site_url, urls,
                    versions=self.root, lang=self.lang, site_name=config.site_name)

``write_language_feeds(directory, out_dir, site_url, urls, languages, *,
site_lang="de", versions=None, site_name=None, now=None, only=None)
-> dict[str, list[Path]]``
    The feeds of every site language at once (``languages`` as in mkdocs.yml,
    the site's own first): the German ones as ``write_feeds`` writes them, and
    for each other language ``lang`` the feeds ``feed_catalog(
    directory.in_language(lang), urls.in_language(lang, site_lang), lang)``
    lists, below ``<lang>/``. The same files as one ``write_feeds`` per language
    with those arguments, but the git history is read once and an event
    without translated texts is serialised once for all languages. A
    language's feed holds the same events, UIDs and dates as the German one,
    with the texts translated where the entry has them (``LANGUAGE=`` on each
    text property, German ones too; ``texts``), and exists only where it holds
    at least one such event (``catalog``): elsewhere pages link the German
    feed. Returns ``{lang: written paths}``.

``render_feeds(...)`` yields ``(Feed, bytes)`` without writing (same
arguments as ``write_feeds`` minus ``out_dir``). Retention reads the model's
``Event.last_day()`` (the last local day of an event; None for an open series).

Guarantees: CRLF, folding at 75 octets, escaping as icalendar writes them;
the same content, commit and today give byte-identical files apart from
DTSTAMP; an event's SEQUENCE rises and its LAST-MODIFIED moves when a commit
touches its file or a file whose facts it shows, and only then; collection
feeds keep the last ``RETENTION_DAYS`` (90) days of history. Every event is
serialised once and its bytes reused in every feed holding it, so writing is
linear in (events × feeds per event): 10,000 events, ~11,300 files, in a few
seconds (``python -m nahbei.feeds.bench``; ``--git-commits`` also times the
versions from git, ``--languages en,ar,uk`` the feeds of those languages).
A language's collection feeds hold every event, so where a tenth of the
events is translated a language adds nearly as many bytes as the German
feeds' collections (10,000 events: ~105 MB per language beside 131 MB).

Times are exact in every parser the tests use (icalendar +
recurring-ical-events, ical, ical.js), also on the nights the clocks change:
dates of a series that span a switch get their own DTSTART/DTEND (override),
and a start or end in the skipped or the repeated hour is written in UTC.
A series' own start time in that hour (e.g. weekly at 02:30) stays
ambiguous for other parsers on those two nights — RFC 5545 and the model
read it with the offset before the change.

Modules: ``catalog`` (which feeds, members, retention), ``ical`` (events and
feeds as bytes), ``texts`` (the language of each text, the page an URL names), ``vtimezone`` (VTIMEZONE with yearly rules), ``versions``
(git history), ``bench`` (timing on synthetic data).
"""
from __future__ import annotations

import os
from datetime import datetime
from pathlib import Path
from typing import Mapping

from ..gcpolicy import paused as gc_paused
from ..model.clock import now as clock_now
from ..model.directory import Directory
from ..model.layout import ENTRY_KINDS, content_folder, entries_of
from ..urls import Urls
from .catalog import RETENTION_DAYS, Feed, feed_catalog, feed_members
from .ical import EventCalendar, shown_files
from .texts import SOURCE_LANG
from .versions import UNVERSIONED, History, Version, git_history

__all__ = ["Feed", "RETENTION_DAYS", "Version", "UNVERSIONED", "History", "feed_catalog", "git_history",
           "content_history", "event_versions", "render_feeds", "write_feeds", "write_language_feeds"]


def content_history(directory: Directory, root: Path | str) -> History:
    """The numbered git history of the directory's content folder in ``root``
    (one ``git log``; empty without usable history): feeds and open data read
    their versions and modification times from it."""
    sources = {content_folder(e.source) for kind in ENTRY_KINDS for e in entries_of(directory, kind).values()}
    if not sources:
        return History()
    return git_history(root, os.path.commonpath(sorted(sources)) or ".")


def event_versions(directory: Directory, root: Path | str) -> dict[str, Version]:
    """``{event id: Version}`` from the git history in ``root`` (one ``git log``)."""
    if not directory.events:
        return {}
    history = content_history(directory, root)
    if not history:
        return {}
    return {eid: history.version(e.source, shown_files(directory, e)) for eid, e in directory.events.items()}


def _versions(directory: Directory, versions) -> Mapping[str, Version]:
    if versions is None or isinstance(versions, (str, os.PathLike)):
        return event_versions(directory, Path(versions) if versions is not None else Path.cwd())
    return versions


def render_feeds(directory: Directory, site_url: str, urls: Urls, *, versions=None, lang: str = "de",
                 site_name: str | None = None, now: datetime | None = None, only=None):
    """Yield ``(Feed, bytes)`` for every feed in catalog order (what ``write_feeds`` writes);
    ``only``: a set of ``(scope, ident)``, just those feeds (the preview writes
    the feeds of changed events)."""
    cal = EventCalendar(directory, site_url, urls, stamp=now or clock_now(directory.tz),
                        versions=_versions(directory, versions), lang=lang, site_name=site_name)
    yield from _render(directory, cal, urls, lang, only)


def _render(directory: Directory, cal: EventCalendar, urls: Urls, lang: str, only):
    retained: dict[str, bool] = {}
    members = feed_members(directory, urls, lang, only=only)
    # Serialise every event needed at once (in two processes when that pays off);
    # every event has its own German feed, so a full German build needs all of them.
    if only is None and lang == SOURCE_LANG:
        needed = sorted(directory.events)
    else:
        needed = sorted({eid for _, ids in members for eid in ids})
    cal.build_all(needed)

    def keep(eid):
        if eid not in retained:
            last = directory.events[eid].last_day()
            retained[eid] = last is None or (directory.today - last).days <= RETENTION_DAYS
        return retained[eid]

    for feed, ids in members:
        if feed.scope != "event":
            ids = [eid for eid in ids if keep(eid)]
        yield feed, cal.feed_bytes(feed, ids)


def write_feeds(directory: Directory, out_dir: Path, site_url: str, urls: Urls, *, versions=None,
                lang: str = "de", site_name: str | None = None, now: datetime | None = None,
                only=None) -> list[Path]:
    """Write every feed of ``feed_catalog`` (or those in ``only``) below ``out_dir``; return the paths written."""
    # Many small, long-lived objects and no cycles: the cyclic GC would only rescan them.
    with gc_paused():
        return _write(out_dir, render_feeds(directory, site_url, urls, versions=versions, lang=lang,
                                            site_name=site_name, now=now, only=only))


def write_language_feeds(directory: Directory, out_dir: Path, site_url: str, urls: Urls, languages, *,
                         site_lang: str = SOURCE_LANG, versions=None, site_name: str | None = None,
                         now: datetime | None = None, only=None) -> dict[str, list[Path]]:
    """Write the feeds of the site language and of every other language in ``languages``
    (see the module docstring); return ``{lang: paths written}``."""
    versions = _versions(directory, versions)  # one git log for all languages
    stamp = now or clock_now(directory.tz)
    own_urls = urls.in_language(site_lang, site_lang)
    german = EventCalendar(directory, site_url, own_urls, stamp=stamp, versions=versions, lang=site_lang,
                           site_name=site_name)
    written = {}
    with gc_paused():
        written[site_lang] = _write(out_dir, _render(directory, german, own_urls, site_lang, only))
        for lang in languages:
            if lang == site_lang or lang in written:
                continue
            edition, edition_urls = directory.in_language(lang), urls.in_language(lang, site_lang)
            cal = EventCalendar(edition, site_url, edition_urls, stamp=stamp, versions=versions, lang=lang,
                                site_name=site_name, reuse=german)
            written[lang] = _write(out_dir, _render(edition, cal, edition_urls, lang, only))
    return written


def _write(out_dir: Path, rendered) -> list[Path]:
    out_dir = Path(out_dir)
    written = []
    made: set[Path] = set()
    for feed, data in rendered:
        path = out_dir / feed.path
        if path.parent not in made:
            path.parent.mkdir(parents=True, exist_ok=True)
            made.add(path.parent)
        path.write_bytes(data)
        written.append(path)
    return written
