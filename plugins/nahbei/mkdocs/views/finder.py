"""The finder "Worum geht es?": life situations in plain words, then for whom
and where, leading to matching offers and dates. Plain linked pages: the index
(``_finder``), a situation's page and its page per target group (``_situation``);
"where" is a jump list of anchors on the page. What a situation leads to is the
model's rule (``Directory.situation_offers``, ``Directory.situation_events``)."""
from __future__ import annotations

from ..pages import PageSpec, calendar_path, situation_path
from .parts import Parts
from .site import sort_key

#: The anchor of the offers without a region (online, by phone).
NO_REGION = "ohne-ort"


class FinderPages(Parts):
    def situation_links(self) -> list[dict]:
        """Every life situation as a link (home page, the finder's index)."""
        return [{"id": sid, "label": s.label, "description": s.description, "url": situation_path(self.urls, sid),
                 "lang": self.other_lang(s.lang)} for sid, s in self.d.taxonomy.situations.items()]

    def _finder(self, spec: PageSpec) -> dict:
        return {"situations": self.situation_links(), "topics": self.urls.index("topics")}

    def _situation(self, spec: PageSpec) -> dict:
        sid, group = spec.ident, spec.group
        s = self.d.taxonomy.situations[sid]
        offers = self.d.situation_offers(sid, group)
        sections = self._by_region(offers)
        wanted = {e.id for e in self.d.situation_events(sid, group)}
        occ = [o for o in self.upcoming if o.event_id in wanted and o.status != "cancelled"]
        groups = []
        for gid in self.d.situation_groups(sid):
            term = self.d.taxonomy.target_groups[gid]
            groups.append({"id": gid, "label": term.phrase or term.label, "current": gid == group,
                           "url": situation_path(self.urls, sid, gid), "lang": self.other_lang(term.lang)})
        more = [dict(x, text=self.site.t("ui.finder.all_topic", label=x["label"]))
                for x in self.term_links("topics", s.topics)]
        more += [dict(x, text=self.site.t("ui.finder.all_group", label=x["label"]))
                 for x in self.term_links("target_groups", s.target_groups)]
        return {
            "id": sid, "label": s.label, "description": s.description, "lang": self.other_lang(s.lang),
            "group": self.term_link("target_groups", group) if group else None,
            "situation_url": situation_path(self.urls, sid),
            "finder_url": situation_path(self.urls),
            "groups": groups,
            "sections": sections,
            "events": [self.occurrence(o) for o in occ[: self.home_events]],
            "calendar": calendar_path(self.urls),
            "more": more,
        }

    def _by_region(self, offers) -> list[dict]:
        """The offers under the broadest of their regions (an offer for the county
        with places in its towns stands once, under the county), in the taxonomy's
        order of regions; offers without a region last. Each section has an anchor
        for the jump list "Wo?"."""
        tax = self.d.taxonomy
        by_region: dict[str | None, list] = {}
        for o in offers:
            regions = set(self.d.offer_regions(o))
            broadest = [r for r in regions if not regions.intersection(tax.ancestors("regions", r))]
            for r in broadest or [None]:
                by_region.setdefault(r, []).append(self.offer_card(o.id))
        order = {rid: n for n, rid in enumerate(tax.regions)}
        keys = sorted(by_region, key=lambda r: (r is None, order.get(r, len(order)), r or ""))
        out = []
        for r in keys:
            cards = sorted(by_region[r], key=lambda c: sort_key(c["name"]))
            if r is None:
                out.append({"anchor": NO_REGION, "label": self.site.t("ui.finder.no_region"), "within": None,
                            "link": None, "offers": cards})
                continue
            term = tax.regions.get(r)
            within = [tax.regions[a] for a in tax.ancestors("regions", r) if a in tax.regions]
            out.append({"anchor": f"region-{r}", "label": term.label if term else r,
                        "lang": self.other_lang(term.lang) if term else None,
                        "within": ", ".join(a.label for a in within) or None,
                        "within_lang": next((self.other_lang(a.lang) for a in within if a.lang != self.lang), None),
                        "link": self.term_link("regions", r), "offers": cards})
        return out
