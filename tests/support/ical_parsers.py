"""Three independent iCalendar parsers, one shape of answer: the occurrences a
calendar app would show, as ``(uid, start, end, status)`` tuples.

- ``icalendar`` + ``recurring-ical-events`` (Python),
- ``ical`` (Home Assistant's strict parser, pydantic models, its own expansion),
- ``ical.js`` (Mozilla's parser, as in Thunderbird) run by ``tests/js/expand.mjs``
  in one node process per batch.

``expand_all`` expands with the Python parsers at once and with ical.js only when
its answer is first asked for (``PARSERS`` order puts it last): without node the
Python parsers' comparisons still run, then the test fails naming what is missing
(``require_node``) — it is never skipped.

start/end: ``"YYYY-MM-DDTHH:MM:SSZ"`` (UTC) for timed, ``"YYYY-MM-DD"`` for
all-day; end None without DTEND; status the STATUS value or None. Every parser
expands a wide UTC window; ``in_days`` then keeps the occurrences whose local
start day lies in the wanted range, the same rule as ``Directory.occurrences``.
"""
from __future__ import annotations

import json
import shutil
import subprocess
from datetime import date, datetime, time, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parents[2]
EXPAND_JS = ROOT / "tests" / "js" / "expand.mjs"
UTC = timezone.utc
PARSERS = ("icalendar", "ha-ical", "ical.js")


def stamp(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        if value.tzinfo is None:
            raise AssertionError(f"floating time {value}")
        return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return value.isoformat()


def utc_window(start: date, end: date, margin_days: int = 40) -> tuple[datetime, datetime]:
    return (datetime.combine(start - timedelta(days=margin_days), time(), UTC),
            datetime.combine(end + timedelta(days=margin_days), time(), UTC))


def in_days(rows, start: date, end: date, tz: str | dict = "Europe/Berlin"):
    """Rows whose start, as a local day in the event's zone (``tz``, or ``tz[uid]``),
    lies in [start, end]; sorted, as a list.
    An end equal to the start (a timed event without DTEND: RFC 5545 gives it no
    duration, some parsers report end = start) is reported as None, like the model."""
    out = []
    for row in rows:
        if row[2] == row[1]:
            row = (row[0], row[1], None, row[3])
        s = row[1]
        if "T" in s:
            zone = ZoneInfo(tz if isinstance(tz, str) else tz.get(row[0], "Europe/Berlin"))
            day = datetime.strptime(s, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC).astimezone(zone).date()
        else:
            day = date.fromisoformat(s)
        if start <= day <= end:
            out.append(tuple(row))
    return sorted(out, key=str)


# -- icalendar + recurring-ical-events --------------------------------------

def expand_icalendar(data: bytes, start: datetime, end: datetime) -> list[tuple]:
    import icalendar
    import recurring_ical_events

    cal = icalendar.Calendar.from_ical(data)
    rows = []
    for ev in recurring_ical_events.of(cal).between(start, end):
        finish = ev.end if "DTEND" in ev or "DURATION" in ev else None
        rows.append((str(ev["UID"]), stamp(ev["DTSTART"].dt), stamp(finish),
                     str(ev["STATUS"]) if "STATUS" in ev else None))
    return rows


# -- ical (Home Assistant) ---------------------------------------------------

def expand_ha(data: bytes, start: datetime, end: datetime) -> list[tuple]:
    from ical.calendar_stream import IcsCalendarStream

    cal = IcsCalendarStream.calendar_from_ics(data.decode("utf-8"))
    rows = []
    for ev in cal.timeline_tz(UTC).overlapping(start, end):
        status = ev.status.value if ev.status is not None else None
        finish = ev.end if ev.dtend is not None or ev.duration is not None else None
        rows.append((ev.uid, stamp(ev.dtstart), stamp(finish), status))
    return rows


# -- ical.js -----------------------------------------------------------------

def node() -> str | None:
    return shutil.which("node")


def require_node() -> str:
    """The node command, or an AssertionError that says what is missing and how to get it."""
    found = node()
    if found is None:
        raise AssertionError("node is missing: the ical.js comparisons (tests/js/expand.mjs) run in Node.js. "
                             "Install Node.js with npm (README, prerequisites); `make test` then installs ical.js "
                             "from package-lock.json")
    if not (ROOT / "node_modules" / "ical.js").is_dir():
        raise AssertionError("npm package ical.js is missing: run `npm ci` (make test does)")
    return found


def _payload(files: dict[str, bytes], start: datetime, end: datetime) -> dict:
    return {"start": start.strftime("%Y-%m-%dT%H:%M:%SZ"), "end": end.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "files": {k: v.decode("utf-8") for k, v in files.items()}}


def _rows(result: dict) -> dict[str, list[tuple]]:
    errors = {k: v["error"] for k, v in result.items() if isinstance(v, dict)}
    if errors:
        raise AssertionError(f"ical.js failed: {errors}")
    return {k: [tuple(r) for r in v] for k, v in result.items()}


def expand_icaljs_batch(files: dict[str, bytes], start: datetime, end: datetime) -> dict[str, list[tuple]]:
    """All files in one (new) node process. Raises on a parse error in any file."""
    proc = subprocess.run([require_node(), str(EXPAND_JS), "--batch"], input=json.dumps(_payload(files, start, end)),
                          capture_output=True, text=True, check=True, cwd=ROOT)
    return _rows(json.loads(proc.stdout))


class IcalJs:
    """One long-running ``node expand.mjs --serve`` for many requests, started on the
    first request (a module fixture without node fails only where ical.js is asked)."""

    def __init__(self):
        self.proc = None

    def expand(self, files: dict[str, bytes], start: datetime, end: datetime) -> dict[str, list[tuple]]:
        if self.proc is None:
            self.proc = subprocess.Popen([require_node(), str(EXPAND_JS), "--serve"], stdin=subprocess.PIPE,
                                         stdout=subprocess.PIPE, text=True, encoding="utf-8", cwd=ROOT)
        self.proc.stdin.write(json.dumps(_payload(files, start, end)) + "\n")
        self.proc.stdin.flush()
        answer = self.proc.stdout.readline()
        if not answer:
            raise AssertionError(f"ical.js stopped (exit {self.proc.poll()})")
        return _rows(json.loads(answer))

    def close(self):
        if self.proc is not None and self.proc.poll() is None:
            self.proc.stdin.close()
            self.proc.wait(timeout=10)


class Expanded(dict):
    """{parser: {name: rows}}; the ical.js rows are computed on first access."""

    def __init__(self, python: dict, files, start, end, icaljs):
        super().__init__(python)
        self._js = (files, start, end, icaljs)

    def __missing__(self, parser):
        if parser != "ical.js":
            raise KeyError(parser)
        files, start, end, icaljs = self._js
        rows = self["ical.js"] = icaljs.expand(files, start, end) if icaljs else expand_icaljs_batch(files, start, end)
        return rows


def expand_all(files: dict[str, bytes], start: datetime, end: datetime, icaljs: IcalJs | None = None
               ) -> dict[str, dict[str, list[tuple]]]:
    """{parser: {name: rows}} for every parser; ical.js when first asked for."""
    return Expanded({
        "icalendar": {k: expand_icalendar(v, start, end) for k, v in files.items()},
        "ha-ical": {k: expand_ha(v, start, end) for k, v in files.items()},
    }, files, start, end, icaljs)


# -- the model in the same shape ---------------------------------------------

MODEL_STATUS = {"scheduled": "CONFIRMED", "moved": "CONFIRMED", "cancelled": "CANCELLED", "postponed": "TENTATIVE"}


def model_rows(occurrences, host: str) -> list[tuple]:
    return sorted(((f"{o.event_id}@{host}", stamp(o.start), stamp(o.end), MODEL_STATUS[o.status])
                   for o in occurrences), key=str)
