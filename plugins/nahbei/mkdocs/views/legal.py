"""The legal pages: imprint, privacy, accessibility statement; and the open-data page
(what the site gives out, under which licence)."""
from __future__ import annotations

from ... import formatting as fmt
from ...exchange import hsds, tabular
from ...model.layout import ENTRY_KINDS, FOLDERS
from ..pages import PageSpec
from .parts import Parts


class LegalPages(Parts):
    def _legal(self, spec: PageSpec) -> dict:
        legal = self.site.legal
        address = [x.strip() for x in (legal.address or "").splitlines() if x.strip()]
        ph = fmt.phone(legal.phone, region=self.d.country) if legal.phone else None
        return {"legal": legal, "which": spec.ident, "address": address, "neighbours": self.site.neighbours,
                "phone": {"display": ph.display, "href": ph.href} if ph else None,
                "date": ({"iso": legal.accessibility_date, "label": fmt.format_date_long(legal.accessibility_date, self.lang)}
                         if legal.accessibility_date else None)}

    def _open_data(self, spec: PageSpec) -> dict:
        api = self.urls.index("api")
        # the files nahbei.opendata writes: one per folder of entries, and the taxonomy
        own = [{"path": f"{api}{name}.json", "label": self.site.t(f"ui.open_data.file_{name}")}
               for name in [FOLDERS[kind] for kind in ENTRY_KINDS] + ["taxonomy"]]
        return {
            "hsds": f"{api}{hsds.FOLDER}/index.json" if self.site.hsds else None,
            "hsds_services": f"{api}{hsds.FOLDER}/services/page-1.json" if self.site.hsds else None,
            "hsds_tables": f"{api}{hsds.FOLDER}/{tabular.ZIP_NAME}" if self.site.hsds else None,
            "own": own,
            "feed": self.site.feed("all"),
            "subscribe": self.site.subscribe_help,
            "licence": self.site.licence,
            "licence_url": self.site.licence_url,
            "repo_url": self.site.repo_url,
            "neighbours": self.site.neighbours,
        }
