"""What changed between two Directories, and which entry pages show it (no MkDocs import).

The preview server (``mkdocs serve --dirty``) re-renders only the entry pages
this module names; index, term and calendar pages are rendered every time.
An entry page shows facts of the entries it references and of those that
reference it (an offer page: its provider, places and events; a place page:
the offers and events held there), so a change reaches the changed entry and
its neighbours, before and after the change.
"""
from __future__ import annotations

from .directory import Directory
from .layout import FOLDERS as KINDS  # kind -> the Directory's collection of it

__all__ = ["KINDS", "changed_entries", "affected_entries", "affected_terms", "calendar_events"]


def changed_entries(old: Directory | None, new: Directory) -> set[tuple[str, str]] | None:
    """(kind, id) of every entry added, removed or changed; None when everything
    may have changed (no earlier build, another taxonomy, "today", time zone or country)."""
    if (old is None or old.taxonomy != new.taxonomy or old.today != new.today or old.tz != new.tz
            or old.country != new.country):
        return None
    out: set[tuple[str, str]] = set()
    for kind, attr in KINDS.items():
        a, b = getattr(old, attr), getattr(new, attr)
        for ident in a.keys() | b.keys():
            x, y = a.get(ident), b.get(ident)
            if x is None or y is None or x != y:
                out.add((kind, ident))
    return out


def neighbours(d: Directory, kind: str, ident: str) -> set[tuple[str, str]]:
    """Entries whose page shows something of this entry, or whose facts this entry's page shows."""
    out: set[tuple[str, str]] = set()
    if kind == "offer":
        o = d.offers.get(ident)
        if o is not None:
            out.update(("contact", c) for c in (o.provider, *o.get("contacts", ())))
            out.update(("place", p) for p in o.place_ids)
        out.update(("event", e) for e in d.events_by_offer.get(ident, ()))
    elif kind == "event":
        e = d.events.get(ident)
        if e is not None:
            if e.offer:
                out.add(("offer", e.offer))
            if e.place:
                out.add(("place", e.place))
            if e.organiser:
                out.add(("contact", e.organiser))
    elif kind == "contact":
        c = d.contacts.get(ident)
        if c is not None:
            if c.parent:
                out.add(("contact", c.parent))
            if c.get("place"):
                out.add(("place", c.get("place")))
        out.update(("contact", x) for x in d.children_of.get(ident, ()))
        out.update(("offer", x) for x in d.offers_by_contact.get(ident, ()))
        out.update(("event", x) for x in d.events_by_contact.get(ident, ()))
    elif kind == "place":
        out.update(("offer", x) for x in d.offers_by_place.get(ident, ()))
        out.update(("event", x) for x in d.events_by_place.get(ident, ()))
        out.update(("contact", x) for x in d.contacts_by_place.get(ident, ()))
    return out


def affected_entries(old: Directory | None, new: Directory) -> set[tuple[str, str]] | None:
    """Entry pages to render again: the changed entries and their neighbours in
    the old and the new Directory (a moved event leaves its old place's page
    too); None for all."""
    changed = changed_entries(old, new)
    if changed is None:
        return None
    out = set(changed)
    for kind, ident in changed:
        out |= neighbours(old, kind, ident)
        out |= neighbours(new, kind, ident)
    return out


def affected_terms(old: Directory, new: Directory, affected: set[tuple[str, str]]) -> set[tuple[str, str]]:
    """Term pages and term calendars that list an affected offer or event, before
    or after the change, with their broader terms (a region's page lists its districts' offers)."""
    wanted = {ident for kind, ident in affected if kind in ("offer", "event")}
    out: set[tuple[str, str]] = set()
    for d in (old, new):
        for by_term in (d.offers_by_term, d.events_by_term):
            for key, ids in by_term.items():
                if key not in out and not wanted.isdisjoint(ids):
                    out.add(key)
    for vocab, tid in list(out):
        out.update((vocab, x) for x in new.taxonomy.ancestors(vocab, tid))
    return out


def affected_situations(old: Directory, new: Directory, affected: set[tuple[str, str]]) -> set[str]:
    """Life situations whose finder pages list an affected offer or event, before
    or after the change (their cards and dates show it, or it comes or goes)."""
    out = set()
    for sid in new.taxonomy.situations:
        listed = set()
        for d in (old, new):
            if sid in d.taxonomy.situations:
                listed.update(("offer", o.id) for o in d.situation_offers(sid))
                listed.update(("event", e.id) for e in d.situation_events(sid))
        if not listed.isdisjoint(affected):
            out.add(sid)
    return out


def calendar_events(old: Directory, new: Directory, changed: set[tuple[str, str]]) -> set[str]:
    """Events whose line in a calendar changes: the event itself, an event at a
    changed place (its name and town are shown), and an event of a changed
    offer or place whose topics, target groups or regions changed (they come
    from its offer and place too)."""
    out = {ident for kind, ident in changed if kind == "event"}
    suspects: set[str] = set()
    for d in (old, new):
        for kind, ident in changed:
            if kind == "place":
                out.update(d.events_by_place.get(ident, ()))
            elif kind == "offer":
                suspects.update(d.events_by_offer.get(ident, ()))
    for eid in suspects - out:
        if old.event_terms(eid) != new.event_terms(eid):
            out.add(eid)
    return out
