"""Event dates: a single date or a series (python-dateutil rrule), in local time.

Series are computed in the event's wall-clock time and localised per date, so
"every Thursday 10:00" stays 10:00 across both daylight-saving switches.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from dateutil import rrule

WEEKDAYS = ("mo", "di", "mi", "do", "fr", "sa", "so")
_RR_DAYS = (rrule.MO, rrule.TU, rrule.WE, rrule.TH, rrule.FR, rrule.SA, rrule.SU)
_FREQ = {"daily": rrule.DAILY, "weekly": rrule.WEEKLY, "monthly": rrule.MONTHLY}


def parse_when(value: str) -> tuple[datetime | date, bool]:
    """'2026-12-03 10:00' -> (naive datetime, False); '2026-12-03' -> (date, True)."""
    value = value.replace("T", " ")
    if " " in value:
        if len(value) == 16 and value[13] == ":":  # the validated form: fromisoformat is ~30× faster
            return datetime.fromisoformat(value), False
        return datetime.strptime(value, "%Y-%m-%d %H:%M"), False
    return date.fromisoformat(value), True


@dataclass(frozen=True, slots=True)
class Recurrence:
    frequency: str
    interval: int = 1
    weekdays: tuple[str, ...] = ()
    weekday: str | None = None
    nth: int | None = None
    month_day: int | None = None
    until: date | None = None
    count: int | None = None
    exdates: tuple[date, ...] = ()
    cancelled: tuple[date, ...] = ()
    extra: tuple[datetime, ...] = ()  # naive local datetimes (RDATE)
    moved: tuple["Move", ...] = ()

    @classmethod
    def from_data(cls, data: dict, start) -> "Recurrence":
        extra = []
        for value in data.get("extra", ()):
            when, all_day = parse_when(value)
            if all_day and isinstance(start, datetime):
                when = datetime.combine(when, start.time())
            elif not all_day and not isinstance(start, datetime):
                when = when.date()  # an all-day series has all-day extra dates
            extra.append(when)
        moved = tuple(
            Move(date.fromisoformat(m["date"]), parse_when(m["to"])[0],
                 parse_when(m["end"])[0] if m.get("end") else None, m.get("note"))
            for m in data.get("moved", ())
        )
        return cls(
            frequency=data["frequency"],
            interval=data.get("interval", 1),
            weekdays=tuple(data.get("weekdays", ())),
            weekday=data.get("weekday"),
            nth=data.get("nth"),
            month_day=data.get("month_day"),
            until=date.fromisoformat(data["until"]) if data.get("until") else None,
            count=data.get("count"),
            exdates=tuple(date.fromisoformat(d) for d in data.get("except", ())),
            cancelled=tuple(date.fromisoformat(d) for d in data.get("cancelled", ())),
            extra=tuple(extra),
            moved=moved,
        )

    def weekly_days(self, start) -> tuple[str, ...]:
        """The weekdays of a weekly rule: its ``weekdays``, or, with none, the weekday of ``start``."""
        return self.weekdays or (WEEKDAYS[start.weekday()],)

    def rule(self, start) -> rrule.rrule:
        """The plain rule (no exceptions), dtstart as naive local datetime."""
        dtstart = start if isinstance(start, datetime) else datetime.combine(start, time())
        kwargs = {"dtstart": dtstart, "interval": self.interval}
        if self.frequency == "weekly":
            kwargs["byweekday"] = [_RR_DAYS[WEEKDAYS.index(d)] for d in self.weekly_days(dtstart)]
        elif self.frequency == "monthly":
            if self.weekday:
                kwargs["byweekday"] = [_RR_DAYS[WEEKDAYS.index(self.weekday)](self.nth or 1)]
            elif self.month_day:
                kwargs["bymonthday"] = [self.month_day]
        if self.until:
            kwargs["until"] = datetime.combine(self.until, time(23, 59, 59))
        if self.count:
            kwargs["count"] = self.count
        return rrule.rrule(_FREQ[self.frequency], **kwargs)

    def resolve(self, start) -> "Series":
        """This rule from ``start`` with its exceptions applied (``Series``)."""
        return Series.resolve(self, start)


@dataclass(frozen=True, slots=True)
class Move:
    date: date
    to: datetime
    end: datetime | None
    note: str | None


#: What happened to a date of the rule (``Series.dates``): kept but cancelled.
CANCELLED = "cancelled"


@dataclass(frozen=True, slots=True)
class Series:
    """A series' dates with its exceptions resolved: the one reading of ``except``,
    ``cancelled``, ``moved`` and ``extra`` that pages, feeds, JSON-LD, open data
    and search share. Pages expand it (``Event.occurrences`` via ``dates``); a
    feed writes it as it stands (RRULE, EXDATE, RECURRENCE-ID overrides, RDATE).

    Values are naive local datetimes (dates for an all-day series). An exception
    names a day; it applies to the rule's date on that day, and to nothing on a
    day the rule does not give (``check`` reports such a day). On one day
    ``except`` wins over ``moved``, ``moved`` over ``cancelled``, and the last
    move of a day counts."""

    recurrence: Recurrence
    start: datetime | date  # the event's start: the rule's dtstart
    extra: tuple  # extra dates the rule does not give, in order, each once
    excluded: tuple  # the rule's dates taken out (``except``), in order
    moved: tuple  # ((the rule's date, Move), ...) in the order of the rule's dates
    cancelled: tuple  # the rule's dates kept with status cancelled, in order
    # the rule's first date, found on first use (pages never need it)
    _first: list = field(default_factory=list, repr=False, compare=False)

    @classmethod
    def resolve(cls, rec: Recurrence, start) -> "Series":
        all_day = not isinstance(start, datetime)
        extra = sorted(set(rec.extra))
        moves = {m.date: m for m in rec.moved}  # the last move of a day counts
        special = {*rec.exdates, *rec.cancelled, *moves}
        named = special.union(local_day(x) for x in extra)
        on_rule: dict = {}  # the rule's dates on the days named, one pass up to the last of them
        if named:
            horizon = max(named)
            for x in rec.rule(start):
                day = x.date()
                if day > horizon:
                    break
                if day in named:
                    on_rule[day] = day if all_day else x
        excluded = {*rec.exdates}
        return cls(
            rec, start,
            extra=tuple(x for x in extra if on_rule.get(local_day(x)) != x),
            excluded=tuple(sorted(on_rule[d] for d in excluded if d in on_rule)),
            moved=tuple((on_rule[d], moves[d]) for d in sorted(moves) if d in on_rule and d not in excluded),
            cancelled=tuple(sorted(on_rule[d] for d in set(rec.cancelled) - excluded - moves.keys() if d in on_rule)),
        )

    @property
    def first(self) -> datetime | date | None:
        """The rule's first date (DTSTART; a start off the pattern is not one); None: the rule gives none."""
        if not self._first:
            x = next(iter(self.rule()), None)
            self._first.append(x.date() if x is not None and self.all_day else x)
        return self._first[0]

    @property
    def all_day(self) -> bool:
        return not isinstance(self.start, datetime)

    def rule(self) -> rrule.rrule:
        """The plain rule (RRULE), without exceptions and extra dates."""
        return self.recurrence.rule(self.start)

    def dates(self, since: date | None = None, horizon: date | None = None):
        """``(naive start, what happened to it, the rule's date it stands for)``: the
        rule's dates from ``since`` to ``horizon`` (local days, inclusive; None: no
        limit) as they are (None, None) or cancelled (CANCELLED, the date), then every
        moved date (its Move, the rule's date) and every extra date (None, None),
        whatever the limits; the rule's dates in order, the rest after them."""
        skip = {*self.excluded, *(orig for orig, _ in self.moved)}
        cancelled = set(self.cancelled)
        all_day = self.all_day
        for naive in series_dates(self.recurrence, self.start, horizon):
            if since is not None and (naive if all_day else naive.date()) < since:
                continue  # the rule runs from its start; these dates nobody asked for
            if naive in skip:
                continue
            yield (naive, CANCELLED, naive) if naive in cancelled else (naive, None, None)
        for orig, move in self.moved:
            yield move.to, move, orig
        for naive in self.extra:
            yield naive, None, None


def local_day(x) -> date:
    """The day of a naive local datetime, or the date itself."""
    return x.date() if isinstance(x, datetime) else x


@dataclass(frozen=True, slots=True)
class Occurrence:
    """One date of an event. ``original`` is the series date it stands for
    (RECURRENCE-ID) when it was moved or cancelled, else None."""

    event_id: str
    start: datetime | date  # aware datetime, or date when all-day
    end: datetime | date | None  # aware datetime, or exclusive end date when all-day
    all_day: bool
    status: str  # scheduled | cancelled | moved | postponed
    original: datetime | date | None = None
    note: str | None = None

    @property
    def start_utc(self):
        return self.start if self.all_day else self.start.astimezone(ZoneInfo("UTC"))

    @property
    def day(self) -> date:
        return self.start if self.all_day else self.start.date()


def localize(naive: datetime, tz: ZoneInfo) -> datetime:
    return naive.replace(tzinfo=tz)


def series_dates(rec: Recurrence, start, limit_end: date | None = None):
    """Naive start datetimes (or dates) of the plain rule, up to limit_end (inclusive)."""
    rule = rec.rule(start)
    all_day = not isinstance(start, datetime)
    if limit_end is not None and not rec.until and not rec.count:
        it = rule.between(datetime.combine(start if all_day else start.date(), time()),
                          datetime.combine(limit_end, time(23, 59, 59)), inc=True)
    else:
        it = rule
    for dt in it:
        if limit_end is not None and dt.date() > limit_end:
            break
        yield dt.date() if all_day else dt
