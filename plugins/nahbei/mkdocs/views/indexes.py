"""The index and list pages: the start page, a vocabulary's terms, one term,
A-Z, the archive, all contacts, all places."""
from __future__ import annotations

from collections import defaultdict

from ... import formatting as fmt
from ..pages import PageSpec, calendar_path
from .parts import Parts
from .site import initial, sort_key


class IndexPages(Parts):
    def _terms(self, spec: PageSpec) -> dict:
        vocab = spec.vocab
        terms = []
        for tid, term in self.d.taxonomy.vocabulary(vocab).items():
            link = self.term_link(vocab, tid)
            link["count"] = self.current_offer_count.get((vocab, tid), 0)
            link["parent"] = term.parent
            terms.append(link)
        if vocab == "regions":  # regions as a tree: top level first, children below
            by_parent: dict = defaultdict(list)
            for x in terms:
                by_parent[x["parent"]].append(x)
            for x in terms:
                x["children"] = by_parent.get(x["id"], [])
            terms = [x for x in terms if not x["parent"] or x["parent"] not in self.d.taxonomy.regions]
        return {"vocab": vocab, "terms": terms}

    def _term(self, spec: PageSpec) -> dict:
        vocab, tid = spec.vocab, spec.ident
        term = self.d.taxonomy.vocabulary(vocab)[tid]
        offers = [self.offer_card(oid) for oid in self._term_offer_ids(vocab, tid)]
        offers.sort(key=lambda x: sort_key(x["name"]))
        occ = self.upcoming_for(vocab, tid)
        parent = self.term_link(vocab, term.parent) if term.parent else None
        return {
            "vocab": vocab, "id": tid, "label": term.label, "description": term.description,
            "lang": self.other_lang(term.lang),
            "phrase": term.phrase, "icon": self.icons.get((vocab, tid)),
            "parent": parent,
            "children": self.term_links(vocab, self.d.taxonomy.children(vocab, tid)),
            "offers": offers,
            "events": [self.occurrence(o) for o in occ[:10]],
            "more_events": len(occ) > 10,
            "calendar": calendar_path(self.urls, vocab, tid),
            "feed": self.site.feed(vocab, tid),
        }

    def _az(self, spec: PageSpec) -> dict:
        cards = sorted((self.offer_card(o.id) for o in self.d.current_offers()), key=lambda x: sort_key(x["name"]))
        groups: dict[str, list] = {}
        for card in cards:
            groups.setdefault(initial(card["name"]), []).append(card)
        letters = [{"letter": k, "id": "buchstabe-" + (k.lower() if k != "#" else "0"), "offers": v}
                   for k, v in groups.items()]
        return {"letters": letters, "count": len(cards)}

    def _archive(self, spec: PageSpec) -> dict:
        offers = sorted((dict(self.offer_card(o.id)) for o in self.d.ended_offers()), key=lambda x: sort_key(x["name"]))
        for card in offers:
            until = self.d.offers[card["id"]].until
            card["until"] = {"iso": until.isoformat(), "label": fmt.format_date_long(until, self.lang)} if until else None
        events = []
        for e in self.d.events.values():
            if e.derived_from or not self.is_past(e):
                continue
            last = e.last_day()
            events.append({"title": e.title, "url": self.urls.page("event", e.id),
                           "de_only": self.german_only("event", e.id),
                           "iso": last.isoformat(), "label": fmt.format_date_long(last, self.lang),
                           "summary": e.get("summary")})
        events.sort(key=lambda x: x["iso"], reverse=True)
        return {"offers": offers, "events": events}

    def _contacts(self, spec: PageSpec) -> dict:
        items = sorted((self.contact_ref(cid) for cid in self.d.contacts), key=lambda x: sort_key(x["name"]))
        for x in items:
            x["kind_label"] = self.site.t(f"ui.contact.kind_{x['kind']}")
        return {"contacts": items}

    def _places(self, spec: PageSpec) -> dict:
        items = sorted((self.place_ref(pid) for pid in self.d.places),
                       key=lambda x: (sort_key(x["town"] or ""), sort_key(x["name"])))
        return {"places": items}

    def home(self) -> dict:
        topics = []
        for tid in self.d.taxonomy.topics:
            link = self.term_link("topics", tid)
            link["count"] = self.current_offer_count.get(("topics", tid), 0)
            topics.append(link)
        groups = [self.term_link("target_groups", g) for g, term in self.d.taxonomy.target_groups.items() if term.phrase]
        occ = [o for o in self.upcoming if o.status != "cancelled"][: self.home_events]
        current = [o for o in self.d.offers.values() if o.id not in self.ended_ids and o.get("last_reviewed")]
        current.sort(key=lambda o: (o.get("last_reviewed"), sort_key(o.name)), reverse=True)
        recent = []
        for o in current[: self.home_recent]:
            card = dict(self.offer_card(o.id))
            card["reviewed"] = self.reviewed(o)
            recent.append(card)
        return {
            "topics": topics, "groups": groups,
            "situations": self.situation_links(),  # the finder "Worum geht es?" (views/finder.py)
            "events": [self.occurrence(o) for o in occ],
            "recent": recent,
            "offer_count": len(self.d.offers) - len(self.ended_ids),
            "calendar": calendar_path(self.urls),
            "search": self.site.search_path,
        }
