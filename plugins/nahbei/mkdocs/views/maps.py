"""The overview map page (/karte/). The map in the browser (assets/nahbei/map.js)
shows only what the points say (mappoints.py), and the page lists the same in
text (name, address, links)."""
from __future__ import annotations

from ..pages import PageSpec
from .parts import Parts
from .site import sort_key


class MapPages(Parts):
    def _map(self, spec: PageSpec) -> dict:
        refs = [self.place_ref(pid) for pid in self.d.places]
        places = sorted((r for r in refs if r.get("point")), key=lambda r: sort_key(r["name"]))
        return {"places": places, "without": len(refs) - len(places)}
