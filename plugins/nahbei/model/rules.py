"""The rules across files and beyond the schema: references between offers,
events, places and contacts, taxonomy terms, dates and recurrences, opening
hours, phone numbers and unsafe markup in texts."""
from __future__ import annotations

import bisect
import functools
import re
from datetime import date, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import phonenumbers

from ..i18n import t
from . import loader
from .clock import DEFAULT_COUNTRY
from .directory import Event
from .layout import ENTRY_KINDS, FOLDERS, VOCABULARIES
from .problems import ERROR, WARNING, Problem, problem
from .recurrence import WEEKDAYS, Recurrence, local_day, parse_when
from .review import DEFAULT_INTERVAL_MONTHS, overdue
from .schemas import calendar_reason, closest, did_you_mean

_HTML = re.compile(r"<\s*(/?[A-Za-z][A-Za-z0-9-]*|!--)")
# The scheme of an inline link "](scheme:" or of a reference definition "[label]: scheme:".
# Linear on any text: every run of one kind of character is read once (no "\s*<?\s*",
# and a definition starts on one line, its label free of brackets as in Markdown),
# so 256 KB of "\n[" or of "](" plus spaces take milliseconds, not seconds.
_MD_LINK = re.compile(r"\]\(\s*(?:<\s*)?([A-Za-z][A-Za-z0-9+.\-]*):"
                      r"|^[^\S\n]*\[(?:\\.|[^\\\[\]])*\]:\s*<?([A-Za-z][A-Za-z0-9+.\-]*):", re.M)
_SAFE_SCHEMES = {"http", "https", "mailto", "tel"}


@functools.lru_cache(maxsize=65536)  # the same office numbers recur in many files and checks
def _valid_phone(number: str, region: str) -> bool:
    try:
        return phonenumbers.is_valid_number(phonenumbers.parse(number, region))
    except phonenumbers.NumberParseException:
        return False


def _series_days(rec, start, horizon, needed) -> list[date]:
    """The days of ``series_dates(rec, start, horizon)``, but only as many as the
    checks use: through the first day after ``needed`` (the latest exception
    date), or just the first day when there is none. Taken lazily from the rule
    (the full list of an open weekly series is ~60 dates)."""
    days = []
    for x in rec.rule(start):
        day = x.date()
        if day > horizon:
            break
        days.append(day)
        if needed is None or day > needed:
            break
    return days


class CrossRules:
    """Rules that need more than one file, or more than the schema can say."""

    REFS = {
        "offer": [("provider", "contact"), ("contacts", "contact"), ("places.*.place", "place")],
        "event": [("place", "place"), ("offer", "offer"), ("organiser", "contact")],
        "contact": [("parent", "contact"), ("place", "place")],
        "place": [],
        "sources": [("calendars.*.organiser", "contact"), ("calendars.*.place", "place"),
                    ("calendars.*.offer", "offer")],
    }
    TERMS = {
        "offer": [("topics", "topics"), ("target_groups", "target_groups"), ("regions", "regions")],
        "event": [("topics", "topics"), ("target_groups", "target_groups"), ("regions", "regions")],
        "place": [("region", "regions")],
        "contact": [],
        "sources": [("calendars.*.topics", "topics")],
    }

    def __init__(self, by_kind, lang, today, tz, unreadable=None, local: dict | None = None,
                 country: str = DEFAULT_COUNTRY):
        self.by_kind = by_kind
        # A rule reads another entry only when that entry passed its own checks (its
        # schema above all): a broken file is reported in its own file, once, and its
        # data (a list where a name belongs) never reaches another file's rule.
        self.valid = {k: {i: r for i, r in recs.items() if r.ok} for k, recs in by_kind.items()}
        self.local = local  # LoadCache.local: the file-only rules' problems of unchanged files
        self.unreadable = unreadable or {}
        self.lang = lang
        self.today = today
        self.tz = tz
        self.country = country  # the phone numbers' region (Directory.country)
        tax = by_kind["taxonomy"].get("taxonomy")
        self.vocab = {v: set((tax.data.get(v) or {}) if tax and tax.ok else ()) for v in VOCABULARIES}
        self.have_taxonomy = bool(tax and tax.ok)
        self.out: list[Problem] = []

    def add(self, r, path, code, severity=ERROR, key=False, find=None, **params):
        line, col = loader.locate(r.text, path, key=key, find=find)
        self.out.append(problem(r.rel, line, col, code, severity, **params))

    def run(self, r) -> list[Problem]:
        """The problems of one checked record (check.Record) that passed its own checks."""
        self.out = []
        if r.kind == "taxonomy":
            self._taxonomy(r)
            return self.out
        self._refs(r)
        if self.have_taxonomy:
            self._terms(r)
        if r.kind == "sources":
            self._sources(r)
            return self.out
        # the rules below read this file only (and today): their problems are kept
        key = (self.today, self.lang, self.tz, self.country)
        hit = self.local.get(str(r.path)) if self.local is not None else None
        if hit is not None and hit[0] is r.data and hit[1] == key:
            self.out.extend(hit[2])
            self._others(r, hit[2])
            return self.out
        start = len(self.out)
        if _may_have_markup(r.text):
            self._texts(r, r.data, [])
        self._phones(r)
        getattr(self, "_" + r.kind)(r)
        if self.local is not None:
            self.local[str(r.path)] = (r.data, key, tuple(self.out[start:]))
        self._others(r, self.out[start:])
        return self.out

    def _others(self, r, own):
        """Rules that read another entry's data: never kept with the file's own
        problems above, because the other entry may change while this file does not."""
        if r.kind == "event" and not any(p.severity == ERROR for p in own):
            self._closures(r)

    # references and terms --------------------------------------------------

    def _values(self, data, dotted):
        """(path, value) for a dotted field spec with * for list items."""
        parts = dotted.split(".")

        def walk(node, i, path):
            if i == len(parts):
                if isinstance(node, list):
                    for n, v in enumerate(node):
                        yield path + [n], v
                elif node is not None:
                    yield path, node
                return
            part = parts[i]
            if part == "*":
                if isinstance(node, list):
                    for n, v in enumerate(node):
                        yield from walk(v, i + 1, path + [n])
            elif isinstance(node, dict) and part in node:
                yield from walk(node[part], i + 1, path + [part])

        yield from walk(data, 0, [])

    def _refs(self, r):
        for spec, target in self.REFS[r.kind]:
            known = self.valid[target]
            for path, ref in self._values(r.data, spec):
                if ref == r.stem and target == r.kind:
                    self.add(r, path, "ref.self")
                elif ref in self.by_kind[target] or ref in self.unreadable.get(target, ()):
                    continue  # there; if broken, that is reported in its own file, not as "unknown" here
                else:
                    other = next((k for k in ENTRY_KINDS if k != target and ref in self.by_kind[k]), None)
                    if other:
                        field = next(p for p in reversed(path) if isinstance(p, str))
                        example = closest(ref, known) or min(known, default="…")
                        self.add(r, path, "ref.wrong_kind", ref=ref, found=_kind_label(other, self.lang),
                                 expected=_kind_label(target, self.lang), folder=f"content/{FOLDERS[target]}",
                                 field=field, example=example)
                        continue
                    self.add(r, path, "ref.unknown", kind=_kind_label(target, self.lang), ref=ref,
                             folder=f"content/{FOLDERS[target]}",
                             suggestion=did_you_mean(ref, known, self.lang))
        if r.kind == "contact" and r.data.get("parent") and r.data["parent"] != r.stem:
            contacts = self.valid["contact"]
            chain, cur = [r.stem], r.data["parent"]
            while cur in contacts and cur not in chain:
                chain.append(cur)
                cur = contacts[cur].data.get("parent")
            if cur == r.stem:
                self.add(r, ["parent"], "ref.cycle", chain=" → ".join(chain + [cur]))

    def _terms(self, r):
        for spec, vocab in self.TERMS[r.kind]:
            known = self.vocab[vocab]
            for path, term in self._values(r.data, spec):
                if term not in known:
                    self.add(r, path, "term.unknown", term=term, vocab=_kind_label(vocab, self.lang),
                             suggestion=did_you_mean(term, known, self.lang), known=", ".join(sorted(known)))

    def _taxonomy(self, r):
        regions = r.data.get("regions") or {}
        for rid, term in regions.items():
            parent = term.get("parent")
            if parent and parent not in regions:
                self.add(r, ["regions", rid, "parent"], "term.parent_unknown", term=parent,
                         suggestion=did_you_mean(parent, regions, self.lang))
        # a life situation names terms of this file's own vocabularies
        for sid, situation in (r.data.get("situations") or {}).items():
            for vocab in ("topics", "target_groups"):
                known = r.data.get(vocab) or {}
                for i, term in enumerate(situation.get(vocab) or ()):
                    if term not in known:
                        self.add(r, ["situations", sid, vocab, i], "situation.term_unknown", situation=sid,
                                 field=vocab, term=term, suggestion=did_you_mean(term, known, self.lang),
                                 known=", ".join(sorted(known)))

    def _sources(self, r):
        # the calendar's id finds its events again (source: name) and names its pull request
        seen = {}
        for i, cal in enumerate(r.data.get("calendars") or ()):
            if cal["id"] in seen:
                self.add(r, ["calendars", i, "id"], "sources.duplicate_id", id=cal["id"], first=seen[cal["id"]])
            else:
                seen[cal["id"]] = loader.locate(r.text, ["calendars", i, "id"])[0]

    # texts, links, phones ---------------------------------------------------

    def _texts(self, r, node, path):
        if isinstance(node, dict):
            for k, v in node.items():
                self._texts(r, v, path + [k])
        elif isinstance(node, list):
            for i, v in enumerate(node):
                self._texts(r, v, path + [i])
        elif isinstance(node, str) and ("<" in node or ":" in node):
            field = next((p for p in reversed(path) if isinstance(p, str)), "")
            m = _HTML.search(node)
            if m:
                self.add(r, path, "text.html", find=m.group(0), field=field, tag="<" + m.group(1) + ">")
                return
            for m in _MD_LINK.finditer(node):
                scheme = (m.group(1) or m.group(2) or "")
                if scheme.lower() not in _SAFE_SCHEMES:
                    url = _link_target(node, m.end() - len(scheme) - 1)
                    self.add(r, path, "text.link_scheme", find=url, field=field, url=url)
                    return

    def _phones(self, r):
        for path, phone in self._values(r.data, "phones.*"):
            number = phone.get("number", "")
            if not _valid_phone(number, self.country):
                self.add(r, path + ["number"], "phone.invalid", value=number)

    # per kind ---------------------------------------------------------------

    def _hours(self, r, hours, path):
        for i, slot in enumerate(hours.get("regular", ())):
            if slot["closes"] <= slot["opens"]:
                self.add(r, path + ["regular", i, "closes"], "hours.closes_before_opens",
                         opens=slot["opens"], closes=slot["closes"])
        for i, c in enumerate(hours.get("closures", ())):
            if c["until"] < c["from"]:
                self.add(r, path + ["closures", i, "until"], "hours.closure_until_before_from",
                         until=c["until"], from_=c["from"])
        for i, e in enumerate(hours.get("exceptions", ())):
            if not e.get("closed") and not (e.get("opens") and e.get("closes")):
                self.add(r, path + ["exceptions", i], "hours.exception_needs_time", date=e["date"])
            elif e.get("opens") and e.get("closes") and e["closes"] <= e["opens"]:
                self.add(r, path + ["exceptions", i, "closes"], "hours.closes_before_opens",
                         opens=e["opens"], closes=e["closes"])

    def _review(self, r):
        due = overdue(r.data, self.today)
        if due is not None:
            self.add(r, ["last_reviewed"], "review.overdue", WARNING, date=r.data["last_reviewed"], due=due.isoformat(),
                     months=r.data.get("review_interval_months", DEFAULT_INTERVAL_MONTHS), today=self.today.isoformat())

    def _offer(self, r):
        d = r.data
        period = d.get("period") or {}
        if period.get("from") and period.get("until") and period["until"] < period["from"]:
            self.add(r, ["period", "until"], "offer.period_until_before_from", until=period["until"], from_=period["from"])
        elif d["status"] == "active" and period.get("until") and date.fromisoformat(period["until"]) < self.today:
            self.add(r, ["status"], "offer.active_past_end", WARNING, until=period["until"])
        age = d.get("age") or {}
        if "min" in age and "max" in age and age["min"] > age["max"]:
            self.add(r, ["age", "min"], "offer.age_min_above_max", min=age["min"], max=age["max"])
        for i, p in enumerate(d.get("places", ())):
            if p.get("hours"):
                self._hours(r, p["hours"], ["places", i, "hours"])
        self._review(r)

    def _contact(self, r):
        if r.data.get("hours"):
            self._hours(r, r.data["hours"], ["hours"])
        self._review(r)

    def _place(self, r):
        pass

    def _event(self, r):
        d = r.data
        try:
            ZoneInfo(d.get("timezone", self.tz))
        except (ZoneInfoNotFoundError, ValueError):
            self.add(r, ["timezone"], "event.timezone", value=d.get("timezone"))
            return
        if not d.get("place") and not d.get("online_url"):
            self.add(r, [], "event.place_or_online")
        if not self._calendar_days(r):
            return
        start, all_day = parse_when(d["start"])
        if d.get("end") and not self._end_after(r, d["start"], d["end"], ["end"], "event.end_before_start",
                                                start=d["start"], end=d["end"]):
            return
        rec = d.get("recurrence")
        if rec:
            # a moved date keeps the event's length unless it says otherwise: the example does too
            length = parse_when(d["end"])[0] - start if d.get("end") and not all_day else timedelta(hours=2)
            moved_ok = [self._end_after(r, m["to"], m["end"], ["recurrence", "moved", i, "end"],
                                        "recurrence.moved_end_before_to", to=m["to"], end=m["end"],
                                        example=(parse_when(m["to"])[0] + length).strftime("%Y-%m-%d %H:%M"))
                        for i, m in enumerate(rec.get("moved", ())) if m.get("end")]
            if all(moved_ok):
                self._recurrence(r, rec, start)

    def _end_after(self, r, start_value, end_value, path, code, **params) -> bool:
        """An end in its start's form (both with a time, or both dates only) and after
        it; a timed end at its very start is no end either. Reports ``code`` otherwise."""
        start, all_day = parse_when(start_value)
        end, end_all_day = parse_when(end_value)
        if end_all_day != all_day:
            self.add(r, path, "event.end_form")
            return False
        if end < start or (not all_day and end == start):
            self.add(r, path, code, **params)
            return False
        return True

    def _closures(self, r):
        """A date of the event inside a closure of its offer at the same place: the
        offer's page says closed that day, the calendar says open (a warning per date)."""
        d = r.data
        offer = self.valid["offer"].get(d.get("offer"))
        if offer is None or not d.get("place"):
            return
        closed = []  # (first day, last day, what the offer says)
        for entry in offer.data.get("places", ()):
            if entry.get("place") != d["place"]:
                continue
            hours = entry.get("hours") or {}
            for c in hours.get("closures", ()):
                label = t("msg.closure.range", self.lang, from_=c["from"], until=c["until"])
                closed.append((date.fromisoformat(c["from"]), date.fromisoformat(c["until"]),
                               f"{label}: {c['note']}" if c.get("note") else label))
            for e in hours.get("exceptions", ()):
                if e.get("closed"):
                    day = date.fromisoformat(e["date"])
                    label = t("msg.closure.day", self.lang, date=e["date"])
                    closed.append((day, day, f"{label}: {e['note']}" if e.get("note") else label))
        closed = [c for c in closed if c[0] <= c[1]]  # an inverted closure is reported in the offer's file
        if not closed:
            return
        event = Event.from_data(d, r.rel, self.tz)
        rec = event.recurrence
        # the model's own dates (moved, extra, minus except and cancelled), only as far as the closures reach
        for o in event.occurrences(min(c[0] for c in closed), max(c[1] for c in closed)):
            if o.status in ("cancelled", "postponed"):
                continue
            closure = next((label for first, last, label in closed if first <= o.day <= last), None)
            if closure is None:
                continue
            params = dict(date=o.day.isoformat(), offer=offer.stem, closure=closure)
            naive = o.start if o.all_day else o.start.replace(tzinfo=None)
            if rec is None:
                self.add(r, ["start"], "event.in_closure", WARNING, **params)
            elif o.original is not None:
                original = o.original if o.all_day else o.original.date()
                i = next(i for i, m in enumerate(rec.moved) if m.date == original)
                self.add(r, ["recurrence", "moved", i, "to"], "event.moved_in_closure", WARNING,
                         original=original.isoformat(), **params)
            elif naive in rec.extra:
                self.add(r, ["recurrence", "extra", rec.extra.index(naive)], "event.extra_in_closure", WARNING,
                         **params)
            else:
                self.add(r, ["recurrence"], "event.series_in_closure", WARNING, **params)

    def _calendar_days(self, r) -> bool:
        """Start, end, extra and moved dates are real days (2026-02-30 is not); the
        schema checks only their form. Reports the first bad one."""
        rec = r.data.get("recurrence") or {}
        fields = [(["start"], r.data.get("start")), (["end"], r.data.get("end"))]
        fields += [(["recurrence", "extra", i], v) for i, v in enumerate(rec.get("extra", ()))]
        for i, m in enumerate(rec.get("moved", ())):
            fields += [(["recurrence", "moved", i, "to"], m.get("to")), (["recurrence", "moved", i, "end"], m.get("end"))]
        for path, value in fields:
            if not value:
                continue
            try:
                date.fromisoformat(value[:10])
            except ValueError:
                reason, example = calendar_reason(value, self.lang)
                shown = example if len(value) <= 10 else f'"{example}{value[10:]}"'
                field = next(p for p in reversed(path) if isinstance(p, str))
                self.add(r, path, "schema.invalid_date", field=field, value=value, reason=reason, example=shown)
                return False
        return True

    def _recurrence(self, r, data, start):
        freq = data["frequency"]
        base = ["recurrence"]
        if data.get("weekdays") and freq != "weekly":
            self.add(r, base + ["weekdays"], "recurrence.weekdays_only_weekly")
            return
        if freq == "monthly" and not (data.get("month_day") or data.get("weekday")):
            self.add(r, base, "recurrence.monthly_needs")
            return
        if data.get("nth") is not None and not data.get("weekday"):
            self.add(r, base + ["nth"], "recurrence.nth_needs_weekday")
            return
        if data.get("until") and data.get("count"):
            self.add(r, base + ["count"], "recurrence.until_and_count", until=data["until"], count=data["count"])
            return
        start_day = local_day(start)
        if data.get("until") and date.fromisoformat(data["until"]) < start_day:
            self.add(r, base + ["until"], "recurrence.until_before_start", until=data["until"], start=start_day.isoformat(),
                     example=(start_day + timedelta(days=182)).isoformat())
            return
        rec = Recurrence.from_data(data, start)
        # Enough of the series to judge exceptions (and bounded for open series).
        special = [*rec.exdates, *rec.cancelled, *(m.date for m in rec.moved)]
        horizon = max([start_day + timedelta(days=400), *special])
        days = _series_days(rec, start, horizon, max(special, default=None))
        if not days and not rec.extra:
            self.add(r, base, "recurrence.no_dates", start=start_day.isoformat(),
                     weekday=t("msg.weekday." + WEEKDAYS[start_day.weekday()], self.lang), day=WEEKDAYS[start_day.weekday()],
                     until=data.get("until") or f"count: {data.get('count')}")
            return
        on_pattern = set(days)

        def near(day):
            """The series dates just before and after ``day``: what the volunteer probably meant."""
            at = bisect.bisect_left(days, day)
            return t("msg.hint.and", self.lang).join(x.isoformat() for x in days[max(at - 1, 0):at + 1])

        for key, values in (("except", rec.exdates), ("cancelled", rec.cancelled)):
            for i, day in enumerate(values):
                if day not in on_pattern:
                    self.add(r, base + [key, i], "recurrence.not_on_pattern", date=day.isoformat(), examples=near(day))
        for i, m in enumerate(rec.moved):
            if m.date not in on_pattern:
                self.add(r, base + ["moved", i, "date"], "recurrence.not_on_pattern", date=m.date.isoformat(),
                         examples=near(m.date))


def situation_problems(directory, record) -> list[Problem]:
    """A warning for each life situation that leads to no current offer (the
    finder would show it empty), at its key in the taxonomy file."""
    out = []
    for sid, situation in directory.taxonomy.situations.items():
        if not directory.situation_offers(sid):
            line, col = loader.locate(record.text, ["situations", sid], key=True)
            out.append(problem(record.rel, line, col, "situation.no_offers", WARNING, label=situation.label))
    return out


def _may_have_markup(text: str) -> bool:
    """False when no value of the file can hold HTML or a Markdown link: values
    get "<", "](" and "]:" only from the text as written (or from an escape)."""
    return "<" in text or "](" in text or "]:" in text or "\\" in text


def _link_target(text: str, start: int) -> str:
    """The link target beginning at ``start``, up to the ``)`` that closes the link."""
    depth = 0
    for i in range(start, len(text)):
        c = text[i]
        if c.isspace() or c in "<>":
            return text[start:i]
        if c == "(":
            depth += 1
        elif c == ")":
            if depth == 0:
                return text[start:i]
            depth -= 1
    return text[start:]


def _kind_label(kind, lang):
    return t("kind." + kind, lang)
