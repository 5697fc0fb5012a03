"""Which language each text of an event's VEVENT is in, and which page its URL names.

A feed of a site language (``Directory.in_language``) carries each text in
that language where the entry has it translated, German otherwise, field by
field; every text property says which with ``LANGUAGE=`` (RFC 5545 3.2.10),
the German feed too (``LANGUAGE=de``). A property is in one language
throughout: the words the feed adds (the "Abgesagt: " before a SUMMARY, the
notices and "Veranstalter:" in DESCRIPTION) are in the language of the text
they go with, so an event with no translated text is written byte for byte as
in the German feed and links its German page. Names inside a text (an
organiser in DESCRIPTION) and what is never translated (the address in
LOCATION, a moved date's note, ``example_data``) stay as they are.

``ical.EventCalendar`` writes what ``event_texts`` says, and ``catalog``
writes a language's feed only where at least one of its events has a text in
that language (``is_translated``): keep the three in step.
"""
from __future__ import annotations

from dataclasses import dataclass, replace

from ..model.directory import Directory, Event
from ..model.layout import VOCABULARIES
from ..model.translations import SOURCE_LANG, has_page_in, translation
from ..urls import Urls

__all__ = ["EventTexts", "SOURCE_LANG", "entry_page", "event_texts", "is_translated", "name_language"]

# a consultation-hours event reads its title and summary from its offer (``consultation_events``)
_FROM_OFFER = {"title": "name", "summary": "summary"}


@dataclass(frozen=True, slots=True)
class EventTexts:
    """The language of each text an event's VEVENT shows (None: the VEVENT has no such text)."""

    summary: str  # SUMMARY: the title
    description: str  # DESCRIPTION: the event's summary (the title's language when it has none)
    location: str | None  # LOCATION: the place's name (None: no place, or an online address)
    organiser: str | None  # the organiser's name (ORGANIZER CN, and in DESCRIPTION)

    def languages(self) -> set[str]:
        return {x for x in (self.summary, self.description, self.location, self.organiser) if x}


def _event_field_language(directory: Directory, e: Event, field: str, lang: str) -> str:
    if e.derived_from:
        offer = directory.offers.get(e.derived_from)
        return offer.text(_FROM_OFFER[field], lang)[1] if offer is not None else SOURCE_LANG
    return e.text(field, lang)[1]


def event_texts(directory: Directory, e: Event, lang: str) -> EventTexts:
    """The languages of ``e``'s texts in the ``lang`` feed (all SOURCE_LANG in the German one)."""
    title = _event_field_language(directory, e, "title", lang)
    description = _event_field_language(directory, e, "summary", lang) if e.get("summary") else title
    place = directory.places.get(e.place) if e.place else None
    contact = directory.contacts.get(e.organiser) if e.get("organiser") else None
    return EventTexts(title, description, place.text("name", lang)[1] if place is not None else None,
                      contact.text("name", lang)[1] if contact is not None else None)


def is_translated(directory: Directory, e: Event, lang: str) -> bool:
    """Whether ``e``'s VEVENT in the ``lang`` feed differs from the German one: it shows a text in ``lang``."""
    if lang == SOURCE_LANG:
        return False
    # most events of a large site have no translation at all: look for a block in
    # ``lang`` in the entries whose texts the VEVENT shows before reading them
    own = directory.offers.get(e.derived_from) if e.derived_from else e
    others = (directory.places.get(e.place) if e.place else None,
              directory.contacts.get(e.organiser) if e.get("organiser") else None)
    if not any(x is not None and translation(x.data, lang) for x in (own, *others)):
        return False
    return lang in event_texts(directory, e, lang).languages()


def name_language(directory: Directory, scope: str, ident: str | None, lang: str) -> str:
    """The language of a feed's ``title`` (``Feed.title_lang``): a term's label is in the
    language it has (``Term.lang``), "alle Termine" is the interface's."""
    if scope == "all":
        return lang
    if scope in VOCABULARIES:
        term = directory.taxonomy.vocabulary(scope).get(ident)
        return term.lang if term is not None else SOURCE_LANG
    if scope == "event":
        return _event_field_language(directory, directory.events[ident], "title", lang)
    entries = {"offer": directory.offers, "contact": directory.contacts, "place": directory.places}.get(scope)
    entry = entries.get(ident) if entries is not None else None
    return entry.text("name", lang)[1] if entry is not None else SOURCE_LANG


def entry_page(directory: Directory, urls: Urls, kind: str, ident: str, lang: str) -> str:
    """The site-relative page of an entry in the ``lang`` edition, or its German page
    where that edition has none (``translations.has_page_in``)."""
    entries = {"offer": directory.offers, "event": directory.events, "contact": directory.contacts,
               "place": directory.places}.get(kind)
    entry = entries.get(ident) if entries is not None else None
    if urls.prefix and (entry is None or not has_page_in(entry.data, kind, lang)):
        urls = replace(urls, prefix="")
    return urls.page(kind, ident)
