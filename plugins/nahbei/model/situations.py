"""Life situations ("Ich bin viel allein"): the finder's way into the directory.

A situation (taxonomy.yaml ``situations``) names topics, target groups and/or
keywords. The one rule of what it leads to lives here; the Directory asks it
(``Directory.situation_offers``, ``Directory.situation_events``) and every
output (finder pages, the check's warning) asks the Directory:

- an offer matches when one of its topics is one of the situation's topics or
  narrower, or one of its target groups is one of the situation's or narrower,
  or one of the situation's keywords stands as a whole word (any case) in its
  name, summary or keywords; only current offers (not ended);
- an event matches by the same rule on its own terms (``Directory.event_terms``),
  title, summary and keywords, or when it belongs to a matching offer;
- a chosen target group keeps only what is for that group (or a narrower one),
  or for everyone (a target group with ``everyone: true``, like "Alle").
"""
from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from ..i18n import DEFAULT_LANG
from .translations import term_in_language


@dataclass(frozen=True, slots=True)
class Situation:
    """One life situation. ``label`` and ``description`` are in ``lang``; the
    keywords stay German (they are matched against the German texts)."""

    id: str
    label: str
    description: str | None = None
    topics: tuple[str, ...] = ()
    target_groups: tuple[str, ...] = ()
    keywords: tuple[str, ...] = ()
    lang: str = DEFAULT_LANG
    translations: Mapping = field(default_factory=lambda: MappingProxyType({}), repr=False, compare=False)

    @classmethod
    def from_data(cls, sid: str, data) -> "Situation":
        blocks = data.get("translations") or {}
        return cls(sid, data["label"], data.get("description"), tuple(data.get("topics") or ()),
                   tuple(data.get("target_groups") or ()), tuple(data.get("keywords") or ()),
                   translations=MappingProxyType({k: MappingProxyType(dict(v)) for k, v in blocks.items()
                                                  if isinstance(v, Mapping)}))

    def in_language(self, lang: str) -> "Situation":
        """The situation with its label and description in ``lang`` where it has them."""
        return term_in_language(self, lang, "situations")


def keyword_pattern(keywords) -> re.Pattern | None:
    """Any of the keywords as a whole word, any case; spaces inside a keyword
    match any white space. None without keywords."""
    words = sorted({k.strip() for k in keywords if k and k.strip()}, key=len, reverse=True)
    if not words:
        return None
    alternatives = "|".join(r"\s+".join(re.escape(part) for part in w.split()) for w in words)
    return re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)", re.IGNORECASE)


def _text(entry, name_field: str) -> str:
    return "\n".join([entry.get(name_field) or "", entry.get("summary") or "", *entry.get("keywords", ())])


class SituationMatches:
    """What each situation of a Directory leads to, computed once per situation."""

    def __init__(self, directory):
        self.d = directory
        self._found: dict[tuple[str, str], tuple] = {}  # (what, situation id) -> its result

    def once(self, what: str, sid: str, compute):
        """``compute(situation)``, kept per ``what`` ("offers", "events", "groups") and situation."""
        key = (what, sid)
        if key not in self._found:
            self._found[key] = compute(self.d.taxonomy.situations[sid])
        return self._found[key]

    def _terms(self, vocab: str, ids) -> set[str]:
        tax = self.d.taxonomy
        return {x for tid in ids for x in tax.with_descendants(vocab, tid)}

    def _listed(self, s: Situation, by_term) -> set[str]:
        """What ``by_term`` ({(vocab, term): ids}) lists under the situation's topics
        and target groups or narrower ones."""
        hits: set[str] = set()
        for vocab, ids in (("topics", s.topics), ("target_groups", s.target_groups)):
            for tid in self._terms(vocab, ids):
                hits.update(by_term.get((vocab, tid), ()))
        return hits

    def offer_ids(self, sid: str) -> tuple[str, ...]:
        """The current offers the situation leads to, in the directory's order."""
        return self.once("offers", sid, self._match_offers)

    def _match_offers(self, s: Situation) -> tuple[str, ...]:
        d = self.d
        hits = self._listed(s, d.offers_by_term)
        pattern = keyword_pattern(s.keywords)
        out = []
        for oid, offer in d.offers.items():
            if offer.is_ended(d.today):
                continue
            if oid in hits or (pattern is not None and pattern.search(_text(offer, "name"))):
                out.append(oid)
        return tuple(out)

    def event_ids(self, sid: str) -> tuple[str, ...]:
        """The events the situation leads to (any date), in the directory's order."""
        return self.once("events", sid, self._match_events)

    def _match_events(self, s: Situation) -> tuple[str, ...]:
        d = self.d
        hits = self._listed(s, d.events_by_term)
        for oid in self.offer_ids(s.id):
            hits.update(d.events_by_offer.get(oid, ()))
        pattern = keyword_pattern(s.keywords)
        return tuple(eid for eid, e in d.events.items()
                     if eid in hits or (pattern is not None and pattern.search(_text(e, "title"))))

    def for_group(self, vocab_of, ids, group: str | None) -> tuple[str, ...]:
        """``ids`` kept when ``vocab_of(id)`` (its target groups) has ``group``, a
        narrower one, or a group for everyone (``everyone: true``, like "Alle")."""
        if group is None:
            return tuple(ids)
        wanted = self._terms("target_groups", (group,))
        wanted |= {g for g, term in self.d.taxonomy.target_groups.items() if term.everyone}
        return tuple(i for i in ids if wanted.intersection(vocab_of(i)))
