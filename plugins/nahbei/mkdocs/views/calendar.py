"""The calendar pages (all dates, or a term's) and the help page for subscribing to feeds."""
from __future__ import annotations

from datetime import date

from ... import formatting as fmt
from ...model.layout import VOCABULARIES
from ..pages import PageSpec, calendar_path
from .parts import Parts


class CalendarPages(Parts):
    def _calendar(self, spec: PageSpec) -> dict:
        vocab, tid = spec.vocab, spec.ident
        if vocab:
            occ = self.upcoming_for(vocab, tid)
            term = self.term_link(vocab, tid)
            feed = self.site.feed(vocab, tid)
        else:
            occ, term, feed = self.upcoming, None, self.site.feed("all")
        by_day: dict[date, list] = {}
        for o in occ:
            by_day.setdefault(o.day, []).append(o)
        # whole days, as many as fit into calendar_max_dates (at least one)
        days: dict[date, list] = {}
        shown = 0
        for day, items in by_day.items():
            if days and shown + len(items) > self.calendar_max_dates:
                break
            days[day] = [self.occurrence(o) for o in items]
            shown += len(items)
        last_shown = next(reversed(days)) if days else None
        filters = []
        for v in VOCABULARIES:
            links = []
            for t_id in self.d.taxonomy.vocabulary(v):
                link = self.term_link(v, t_id)
                link["calendar"] = calendar_path(self.urls, v, t_id)
                link["current"] = (v == vocab and t_id == tid)
                links.append(link)
            filters.append({"vocab": v, "terms": links})
        end = self.today + self.window
        return {
            "term": term, "vocab": vocab,
            "days": [{"iso": day.isoformat(), "label": fmt.format_day(day, self.lang), "entries": items}
                     for day, items in days.items()],
            "count": len(occ),
            "shown": shown,
            "shown_until": ({"iso": last_shown.isoformat(), "label": fmt.format_date_long(last_shown, self.lang)}
                            if shown < len(occ) else None),
            "start": {"iso": self.today.isoformat(), "label": fmt.format_date_long(self.today, self.lang)},
            "end": {"iso": end.isoformat(), "label": fmt.format_date_long(end, self.lang)},
            "weeks": self.calendar_weeks,
            "feed": feed,
            "filters": filters,
            "all": calendar_path(self.urls),
        }

    def _subscribe(self, spec: PageSpec) -> dict:
        apps = [{"id": app, "heading": self.site.t(f"ui.subscribe.{app}_heading"),
                 "steps": self.site.t(f"ui.subscribe.{app}_steps"),
                 "note": self.site.t(f"ui.subscribe.{app}_note") if app in ("google", "outlook") else None}
                for app in ("google", "apple", "outlook", "thunderbird", "android")]
        return {"feed": self.site.feed("all"), "apps": apps}
