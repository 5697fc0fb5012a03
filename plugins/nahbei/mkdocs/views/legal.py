"""The legal pages: imprint, privacy, accessibility statement."""
from __future__ import annotations

from ... import formatting as fmt
from ..pages import PageSpec
from .parts import Parts


class LegalPages(Parts):
    def _legal(self, spec: PageSpec) -> dict:
        legal = self.site.legal
        address = [x.strip() for x in (legal.address or "").splitlines() if x.strip()]
        ph = fmt.phone(legal.phone, region=self.d.country) if legal.phone else None
        return {"legal": legal, "which": spec.ident, "address": address,
                "phone": {"display": ph.display, "href": ph.href} if ph else None,
                "date": ({"iso": legal.accessibility_date, "label": fmt.format_date_long(legal.accessibility_date, self.lang)}
                         if legal.accessibility_date else None)}
