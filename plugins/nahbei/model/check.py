"""Load, validate and build: content/ -> problems + Directory.

Every file is checked on its own first (YAML, schema), then across entries
(references, taxonomy terms, dates). A file with an error is reported and left
out of later checks, so one broken entry never hides problems in others.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import phonenumbers

from . import loader
from .clock import DEFAULT_TZ, today as clock_today
from .directory import Contact, Directory, Event, Offer, Place, Taxonomy, _freeze
from .problems import ERROR, WARNING, Problem, problem
from .recurrence import Recurrence, parse_when, series_dates
from .schemas import Schemas, did_you_mean

FOLDERS = {"offers": "offer", "events": "event", "contacts": "contact", "places": "place"}
KIND_FOLDER = {v: k for k, v in FOLDERS.items()}
_ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_HTML = re.compile(r"<\s*(/?[A-Za-z][A-Za-z0-9-]*|!--)")
_MD_LINK = re.compile(r"\]\(\s*<?\s*([A-Za-z][A-Za-z0-9+.\-]*):|^\s*\[[^\]]+\]:\s*<?([A-Za-z][A-Za-z0-9+.\-]*):", re.M)
_SAFE_SCHEMES = {"http", "https", "mailto", "tel"}


@dataclass
class Record:
    kind: str
    path: Path  # absolute
    rel: str  # as shown in messages
    stem: str
    text: str = ""
    data: dict | None = None
    ok: bool = True


@dataclass
class Result:
    problems: list[Problem]
    directory: Directory | None
    files: int
    records: dict = field(default_factory=dict, repr=False)

    @property
    def errors(self):
        return [p for p in self.problems if p.severity == ERROR]

    @property
    def warnings(self):
        return [p for p in self.problems if p.severity == WARNING]


def discover(content: Path) -> list[tuple[str | None, Path]]:
    found = []
    tax = content / "taxonomy.yaml"
    if tax.exists():
        found.append(("taxonomy", tax))
    for folder, kind in FOLDERS.items():
        d = content / folder
        if d.is_dir():
            for p in sorted(d.iterdir()):
                if p.suffix in (".yaml", ".yml") and p.is_file():
                    found.append((kind, p))
    return found


def check(content: Path | str, *, schemas: Schemas | None = None, today: date | None = None,
          tz: str = DEFAULT_TZ, lang: str = "de", root: Path | None = None) -> Result:
    content = Path(content)
    root = Path(root) if root else content.parent
    schemas = schemas or Schemas()
    today = today or clock_today(tz)
    problems: list[Problem] = []

    def rel(p: Path) -> str:
        try:
            return p.resolve().relative_to(root.resolve()).as_posix()
        except ValueError:
            return p.as_posix()

    records: list[Record] = []
    for kind, path in discover(content):
        r = Record(kind, path, rel(path), path.stem)
        records.append(r)
        try:
            r.text, r.data = loader.load_bytes(path.read_bytes())
        except loader.LoadError as e:
            params = dict(e.args_)
            if e.code == "file.empty":
                params.update(stem=r.stem, kind=kind)
            problems.append(problem(r.rel, e.line, e.col, e.code, **params))
            r.ok = False
            continue
        if kind != "taxonomy" and not _ID.match(r.stem):
            problems.append(problem(r.rel, 1, 1, "file.bad_name", name=path.name))
        found = schemas.problems(kind, r.data, r.rel, r.text, lang, loader.locate)
        if found:
            problems.extend(found)
            r.ok = False

    by_kind: dict[str, dict[str, Record]] = {k: {} for k in (*FOLDERS.values(), "taxonomy")}
    for r in records:
        if r.data is None:
            continue
        if r.kind == "taxonomy":
            by_kind["taxonomy"]["taxonomy"] = r
            continue
        ident = r.data.get("id") if isinstance(r.data.get("id"), str) else r.stem
        if r.ok and ident != r.stem:
            line, col = loader.locate(r.text, ["id"])
            problems.append(problem(r.rel, line, col, "id.mismatch", id=ident, stem=r.stem))
            r.ok = False
        other = by_kind[r.kind].get(r.stem)
        if other is not None:
            line, col = loader.locate(r.text, ["id"])
            problems.append(problem(r.rel, line, col, "id.duplicate", id=r.stem, other=other.rel))
            r.ok = False
            continue
        by_kind[r.kind][r.stem] = r

    cross = _Cross(by_kind, lang, today, tz)
    for r in records:
        if r.ok and r.data is not None:
            problems.extend(cross.run(r))

    problems.sort(key=lambda p: (p.path, p.line, p.col, p.code))
    directory = None
    if not any(p.severity == ERROR for p in problems):
        directory = build_directory(by_kind, today, tz)
    return Result(problems, directory, len(records), by_kind)


def build_directory(by_kind, today, tz) -> Directory:
    tax_rec = by_kind["taxonomy"].get("taxonomy")
    taxonomy = Taxonomy.from_data(tax_rec.data if tax_rec else {})
    offers = {i: Offer(i, r.rel, _freeze(r.data)) for i, r in by_kind["offer"].items()}
    contacts = {i: Contact(i, r.rel, _freeze(r.data)) for i, r in by_kind["contact"].items()}
    places = {i: Place(i, r.rel, _freeze(r.data)) for i, r in by_kind["place"].items()}
    events = {i: Event.from_data(r.data, r.rel, tz) for i, r in by_kind["event"].items()}
    return Directory.build(offers, events, contacts, places, taxonomy, today, tz)


class _Cross:
    """Rules that need more than one file, or more than the schema can say."""

    REFS = {
        "offer": [("provider", "contact"), ("contacts", "contact"), ("places.*.place", "place")],
        "event": [("place", "place"), ("offer", "offer"), ("organiser", "contact")],
        "contact": [("parent", "contact"), ("place", "place")],
        "place": [],
    }
    TERMS = {
        "offer": [("topics", "topics"), ("target_groups", "target_groups"), ("regions", "regions")],
        "event": [("topics", "topics"), ("target_groups", "target_groups"), ("regions", "regions")],
        "place": [("region", "regions")],
        "contact": [],
    }

    def __init__(self, by_kind, lang, today, tz):
        self.by_kind = by_kind
        self.lang = lang
        self.today = today
        self.tz = tz
        tax = by_kind["taxonomy"].get("taxonomy")
        self.vocab = {v: set((tax.data.get(v) or {}) if tax and tax.ok else ()) for v in ("topics", "target_groups", "regions")}
        self.have_taxonomy = bool(tax and tax.ok)
        self.out: list[Problem] = []

    def add(self, r, path, code, severity=ERROR, key=False, **params):
        line, col = loader.locate(r.text, path, key=key)
        self.out.append(problem(r.rel, line, col, code, severity, **params))

    def run(self, r: Record) -> list[Problem]:
        self.out = []
        if r.kind == "taxonomy":
            self._taxonomy(r)
            return self.out
        self._refs(r)
        if self.have_taxonomy:
            self._terms(r)
        self._texts(r, r.data, [])
        self._phones(r)
        getattr(self, "_" + r.kind)(r)
        return self.out

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
            known = self.by_kind[target]
            for path, ref in self._values(r.data, spec):
                if ref == r.stem and target == r.kind:
                    self.add(r, path, "ref.self")
                elif ref not in known:
                    self.add(r, path, "ref.unknown", kind=_kind_label(target, self.lang), ref=ref,
                             folder=f"content/{KIND_FOLDER[target]}",
                             suggestion=did_you_mean(ref, known, self.lang))
        if r.kind == "contact" and r.data.get("parent"):
            chain, cur = [r.stem], r.data["parent"]
            while cur in self.by_kind["contact"] and cur not in chain:
                chain.append(cur)
                cur = (self.by_kind["contact"][cur].data or {}).get("parent")
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
                self.add(r, path, "text.html", field=field, tag="<" + m.group(1) + ">")
                return
            for m in _MD_LINK.finditer(node):
                scheme = (m.group(1) or m.group(2) or "").lower()
                if scheme not in _SAFE_SCHEMES:
                    start = node.find(scheme + ":", m.start()) if scheme else m.start()
                    url = node[start:].split(")")[0].split()[0]
                    self.add(r, path, "text.link_scheme", field=field, url=url)
                    return

    def _phones(self, r):
        for path, phone in self._values(r.data, "phones.*"):
            number = phone.get("number", "")
            try:
                parsed = phonenumbers.parse(number, "DE")
                ok = phonenumbers.is_valid_number(parsed)
            except phonenumbers.NumberParseException:
                ok = False
            if not ok:
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
                self.add(r, path + ["exceptions", i], "hours.exception_needs_time")
            elif e.get("opens") and e.get("closes") and e["closes"] <= e["opens"]:
                self.add(r, path + ["exceptions", i, "closes"], "hours.closes_before_opens",
                         opens=e["opens"], closes=e["closes"])

    def _review(self, r):
        reviewed = r.data.get("last_reviewed")
        if not reviewed:
            return
        months = r.data.get("review_interval_months", 12)
        d = date.fromisoformat(reviewed)
        y, m = divmod(d.month - 1 + months, 12)
        due = date(d.year + y, m + 1, min(d.day, 28))
        if due < self.today:
            self.add(r, ["last_reviewed"], "review.overdue", WARNING, date=reviewed, due=due.isoformat(), months=months)

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
        if d["status"] != "ended":
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
        start, all_day = parse_when(d["start"])
        if d.get("end"):
            end, end_all_day = parse_when(d["end"])
            if end_all_day != all_day:
                self.add(r, ["end"], "event.end_form")
                return
            if end < start or (not all_day and end == start):
                self.add(r, ["end"], "event.end_before_start", start=d["start"], end=d["end"])
                return
        rec = d.get("recurrence")
        if rec:
            self._recurrence(r, rec, start)

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
            self.add(r, base + ["count"], "recurrence.until_and_count")
            return
        start_day = start if not isinstance(start, datetime) else start.date()
        if data.get("until") and date.fromisoformat(data["until"]) < start_day:
            self.add(r, base + ["until"], "recurrence.until_before_start", until=data["until"], start=start_day.isoformat())
            return
        rec = Recurrence.from_data(data, start)
        # Enough of the series to judge exceptions (and bounded for open series).
        special = [*rec.exdates, *rec.cancelled, *(m.date for m in rec.moved)]
        horizon = max([start_day + timedelta(days=400), *special])
        days = [x if not isinstance(x, datetime) else x.date() for x in series_dates(rec, start, horizon)]
        if not days and not rec.extra:
            self.add(r, base, "recurrence.no_dates")
            return
        on_pattern = set(days)
        examples = ", ".join(x.isoformat() for x in days[:3])
        for key, values in (("except", rec.exdates), ("cancelled", rec.cancelled)):
            for i, day in enumerate(values):
                if day not in on_pattern:
                    self.add(r, base + [key, i], "recurrence.not_on_pattern", date=day.isoformat(), examples=examples)
        for i, m in enumerate(rec.moved):
            if m.date not in on_pattern:
                self.add(r, base + ["moved", i, "date"], "recurrence.not_on_pattern", date=m.date.isoformat(), examples=examples)


def _kind_label(kind, lang):
    from ..i18n import t
    return t("kind." + kind, lang)
