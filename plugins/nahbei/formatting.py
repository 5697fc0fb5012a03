"""How facts read on a page: dates, opening hours, phone numbers, languages,
addresses — German first (babel, phonenumbers), English second.

Generator-independent (no MkDocs import): pages, feeds and open data can all
use it. Every function is pure; ``lang`` is the site language.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import date, datetime
from urllib.parse import quote, urlencode

import phonenumbers
from babel import Locale, UnknownLocaleError
from babel.dates import format_date, get_day_names
from babel.lists import format_list
from babel.numbers import format_decimal

from .i18n import DEFAULT_LANG, t
from .model.clock import DEFAULT_COUNTRY
from .model.recurrence import WEEKDAYS

__all__ = [
    "Phone", "accessibility_lines", "address_lines", "address_one_line", "age_label", "day_label", "days_label",
    "format_date_long", "format_day", "format_time", "hours_rows", "hours_summary",
    "language_code", "language_name", "number", "occurrence_label", "phone", "route_url", "time_range",
]


# -- days and times ---------------------------------------------------------

@functools.lru_cache(maxsize=None)
def _day_names(lang: str, width: str) -> tuple[str, ...]:
    names = get_day_names("wide" if width == "wide" else "abbreviated", locale=lang)
    # German short style is "Mo", "Di" (DIN 5008), without the CLDR full stop.
    return tuple(names[i] if width == "wide" else names[i].rstrip(".") for i in range(7))


def day_label(day: str, lang: str = "de", width: str = "short") -> str:
    """'mo' -> 'Mo' (short) or 'Montag' (wide)."""
    return _day_names(lang, width)[WEEKDAYS.index(day)]


@functools.lru_cache(maxsize=None)
def _compact_separator(lang: str) -> str:
    """What joins the items in the middle of a list (CLDR): ', ' in German and
    English, ' و' in Arabic. A short list ('Mo, Di, Do') is joined by it throughout:
    CLDR's narrow list styles are missing or faulty for several languages in babel."""
    try:
        middle = Locale.parse(lang.replace("-", "_")).list_patterns["standard"]["middle"]
    except (UnknownLocaleError, ValueError, TypeError, KeyError):
        return ", "
    return middle.replace("{0}", "").replace("{1}", "")


# Unicode's directional isolates (LRI … PDI)
_LRI, _PDI = "\u2066", "\u2069"


def _left_to_right(text: str, lang: str) -> str:
    """A time range of digits and signs only ('09:00–12:00') read as one left-to-right
    unit inside right-to-left text: unmarked, Arabic text would swap start and end
    of each range in a list of ranges. Nothing changes in left-to-right languages."""
    if text_direction(lang) != "rtl" or any(c.isalpha() for c in text):
        return text
    return f"{_LRI}{text}{_PDI}"


@functools.lru_cache(maxsize=None)
def _date_time_pattern(lang: str) -> str:
    try:
        pattern = Locale.parse(lang.replace("-", "_")).datetime_formats["medium"]
    except (UnknownLocaleError, ValueError, TypeError, KeyError):
        return "{1}, {0}"
    return pattern if "{0}" in pattern and "{1}" in pattern else "{1}, {0}"


def _date_and_time(day: str, time: str, lang: str) -> str:
    """A day and a time of it as the language joins them (CLDR's date-time pattern):
    'Donnerstag, 3. Dezember 2026, 10–12 Uhr'; Arabic with its own comma '، '."""
    return _date_time_pattern(lang).replace("{1}", day, 1).replace("{0}", time, 1)


@functools.lru_cache(maxsize=8192)  # the same days and times repeat on many pages
def _and_list(items: tuple[str, ...], lang: str) -> str:
    """'A, B und C' (CLDR's standard list: English 'A, B, and C', Arabic 'A وB وC')."""
    return format_list(list(items), "standard", locale=lang.replace("-", "_"))


def _runs(indexes: list[int]) -> list[tuple[int, int]]:
    runs: list[list[int]] = []
    for i in sorted(set(indexes)):
        if runs and runs[-1][1] == i - 1:
            runs[-1][1] = i
        else:
            runs.append([i, i])
    return [(a, b) for a, b in runs]


def days_label(days, lang: str = "de", width: str = "short") -> str:
    """A set of weekdays, consecutive days joined: short 'Mo–Fr', 'Mo, Di, Do';
    wide 'Montag bis Freitag', 'Montag, Dienstag und Donnerstag'."""
    names = _day_names(lang, width)
    parts: list[str] = []
    for a, b in _runs([WEEKDAYS.index(d) for d in days]):
        if b - a >= 2:
            sep = "–" if width != "wide" else f" {t('ui.time.to', lang)} "
            parts.append(f"{names[a]}{sep}{names[b]}")
        else:
            parts.extend(names[i] for i in range(a, b + 1))
    if width == "wide":
        return _and_list(tuple(parts), lang)
    return _compact_separator(lang).join(parts)


def number(n: int | float, lang: str = "de") -> str:
    """12345 -> '12.345' (German), '12,345' (English)."""
    return format_decimal(n, locale=lang)


def format_time(hhmm: str, lang: str = "de") -> str:
    """'09:00' -> '9', '15:30' -> '15:30' (German); English keeps '09:00'."""
    if lang != "de":
        return hhmm
    h, m = hhmm.split(":")
    return str(int(h)) if m == "00" else f"{int(h)}:{m}"


def time_range(opens: str, closes: str | None = None, lang: str = "de") -> str:
    """'9–12 Uhr', or '9 Uhr' without an end."""
    if closes:
        return _left_to_right(t("ui.time.range", lang, start=format_time(opens, lang), end=format_time(closes, lang)), lang)
    return t("ui.time.at", lang, time=format_time(opens, lang))


def _times(ranges: list[tuple[str, str]], lang: str) -> str:
    """Several ranges on one day: '9–12 und 13–15:30 Uhr'."""
    spans = [_left_to_right(f"{format_time(a, lang)}–{format_time(b, lang)}", lang) for a, b in ranges]
    return t("ui.time.clock", lang, times=_and_list(tuple(spans), lang))


def format_day(d: date | datetime, lang: str = "de") -> str:
    """'Donnerstag, 3. Dezember 2026'."""
    return _format_date(d.date() if isinstance(d, datetime) else d, "full", lang)


def format_date_long(d: date | datetime | str, lang: str = "de") -> str:
    """'3. Dezember 2026'."""
    if isinstance(d, str):
        d = date.fromisoformat(d)
    return _format_date(d.date() if isinstance(d, datetime) else d, "long", lang)


@functools.lru_cache(maxsize=8192)
def _format_date(d: date, form: str, lang: str) -> str:
    # babel is thorough but slow; a calendar repeats the same days many times
    return format_date(d, form, locale=lang)


# -- opening hours ----------------------------------------------------------

@dataclass(frozen=True)
class HoursRow:
    days: tuple[str, ...]
    days_short: str  # 'Mo, Di, Do'
    days_wide: str  # 'Montag, Dienstag und Donnerstag'
    times: str  # '9–12 und 13–15:30 Uhr'
    notes: tuple[str, ...] = ()


def hours_rows(hours, lang: str = "de") -> list[HoursRow]:
    """Regular hours as rows: days with the same times share a row, in weekday order."""
    per_day: dict[str, list[tuple[str, str]]] = {d: [] for d in WEEKDAYS}
    notes: dict[str, list[str]] = {d: [] for d in WEEKDAYS}
    for slot in (hours or {}).get("regular", ()):
        for d in slot["days"]:
            per_day[d].append((slot["opens"], slot["closes"]))
            if slot.get("note") and slot["note"] not in notes[d]:
                notes[d].append(slot["note"])
    groups: dict[tuple, list[str]] = {}
    for d in WEEKDAYS:
        if per_day[d]:
            key = (tuple(sorted(per_day[d])), tuple(notes[d]))
            groups.setdefault(key, []).append(d)
    rows = []
    for (ranges, ns), days in groups.items():
        rows.append(HoursRow(tuple(days), days_label(days, lang, "short"), days_label(days, lang, "wide"),
                             _times(list(ranges), lang), ns))
    return rows


def hours_summary(hours, lang: str = "de") -> str:
    """One line: 'Mo, Di, Do 9–12 und 13–15:30 Uhr; Mi 9–12 Uhr'."""
    return "; ".join(f"{r.days_short} {r.times}" for r in hours_rows(hours, lang))


# -- occurrences ------------------------------------------------------------

def occurrence_label(o, lang: str = "de", *, with_day: bool = True) -> str:
    """'Donnerstag, 3. Dezember 2026, 10–12 Uhr'; all-day and multi-day forms too.
    ``o`` is a model Occurrence (aware datetimes, or dates with exclusive end)."""
    if o.all_day:
        last = None
        if o.end is not None:
            from datetime import timedelta
            last = o.end - timedelta(days=1)
        first = format_day(o.start, lang)
        if last and last > o.start:
            return t("ui.time.span", lang, start=first, end=format_day(last, lang))
        return first if with_day else t("ui.time.all_day", lang)
    start_t = o.start.strftime("%H:%M")
    day = format_day(o.start, lang)
    if o.end is not None and o.end.date() != o.start.date():
        end = _date_and_time(format_day(o.end, lang), time_range(o.end.strftime("%H:%M"), None, lang), lang)
        return t("ui.time.span", lang, start=_date_and_time(day, time_range(start_t, None, lang), lang), end=end)
    times = time_range(start_t, o.end.strftime("%H:%M") if o.end is not None else None, lang)
    return _date_and_time(day, times, lang) if with_day else times


def iso(value) -> str:
    """ISO 8601 for <time datetime>: '2026-12-03T10:00+01:00' or '2026-12-03'."""
    if isinstance(value, datetime):
        return value.isoformat(timespec="minutes")
    return value.isoformat()


# -- contact facts ----------------------------------------------------------

@dataclass(frozen=True)
class Phone:
    display: str  # DIN 5008 national form, '02241 9009765'
    href: str  # 'tel:+4922419009765'
    e164: str
    kind: str  # phone | mobile | fax | sms | whatsapp
    note: str | None = None


@functools.lru_cache(maxsize=65536)  # the same numbers appear on many pages
def phone(number: str, kind: str = "phone", note: str | None = None, *, region: str = DEFAULT_COUNTRY) -> Phone:
    """``region``: the directory's country (``Directory.country``); a number without
    country code is read as one of its numbers and shown in its national form."""
    try:
        parsed = phonenumbers.parse(number, region)
    except phonenumbers.NumberParseException:
        return Phone(number, "", "", kind, note)
    home = parsed.country_code == phonenumbers.country_code_for_region(region)
    fmt = phonenumbers.PhoneNumberFormat.NATIONAL if home else phonenumbers.PhoneNumberFormat.INTERNATIONAL
    e164 = phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)
    href = ("sms:" if kind == "sms" else "tel:") + e164 if kind != "whatsapp" else "https://wa.me/" + e164.lstrip("+")
    return Phone(phonenumbers.format_number(parsed, fmt), href, e164, kind, note)


def mailto(address: str) -> str:
    """``mailto:`` link of an e-mail address. The schema admits a plain address only;
    should one still carry ``?``, ``&``, ``#`` or ``%``, they are percent-encoded and
    stay part of the address: never parameters (``?bcc=…``) of the mail it opens."""
    return "mailto:" + quote(address, safe="@.+-_")


@functools.lru_cache(maxsize=None)
def language_name(code: str, lang: str = "de") -> str:
    """'ar' -> 'Arabisch' (babel, in ``lang``); unknown codes stay as written."""
    try:
        return Locale.parse(lang).languages.get(code, code)
    except (UnknownLocaleError, ValueError, TypeError):
        return code


@functools.lru_cache(maxsize=None)
def language_in_itself(code: str) -> str:
    """'uk' -> 'Українська': a language named in itself (the language switcher), capitalised
    as at the start of a line."""
    try:
        name = Locale.parse(code.replace("-", "_")).get_display_name(code.replace("-", "_")) or code
    except (UnknownLocaleError, ValueError, TypeError):
        return code
    return name[:1].upper() + name[1:]


@functools.lru_cache(maxsize=None)
def text_direction(lang: str) -> str:
    """"rtl" or "ltr" for a language (babel's character order)."""
    try:
        return "rtl" if Locale.parse(lang.replace("-", "_")).character_order == "right-to-left" else "ltr"
    except (UnknownLocaleError, ValueError, TypeError):
        return "ltr"


@functools.lru_cache(maxsize=None)
def _language_codes(lang: str) -> dict[str, str]:
    """{lower-case name in ``lang``: code} of the languages with a plain ISO 639 code."""
    names = Locale.parse(lang).languages
    return {name.lower(): code for code, name in names.items() if len(code) in (2, 3) and "_" not in code}


def language_code(text: str, lang: str = DEFAULT_LANG) -> str | None:
    """The reverse of ``language_name``: 'Arabisch' (or 'ar') -> 'ar'; None if unknown."""
    text = text.strip().lower()
    by_name = _language_codes(lang)
    if text in by_name:
        return by_name[text]
    return text if len(text) in (2, 3) and text in Locale.parse(lang).languages else None


def accessibility_lines(accessibility, lang: str = "de") -> list[str]:
    """A place's ``accessibility`` (schema place) as sentences: wheelchair,
    toilet, hearing loop, then the notes as written."""
    acc = accessibility or {}
    lines = []
    if acc.get("wheelchair"):
        lines.append(t(f"ui.access.wheelchair_{acc['wheelchair']}", lang))
    if "accessible_toilet" in acc:
        lines.append(t("ui.access.toilet_yes" if acc["accessible_toilet"] else "ui.access.toilet_no", lang))
    if "hearing_loop" in acc:
        lines.append(t("ui.access.loop_yes" if acc["hearing_loop"] else "ui.access.loop_no", lang))
    if acc.get("notes"):
        lines.append(acc["notes"])
    return lines


def address_lines(address) -> list[str]:
    """['Musterstraße 1', '53840 Troisdorf'] (district in brackets when set)."""
    if not address:
        return []
    lines = []
    if address.get("street"):
        lines.append(address["street"])
    town = " ".join(x for x in (address.get("postcode"), address.get("town")) if x)
    if address.get("district") and address["district"] != address.get("town"):
        town += f" ({address['district']})"
    lines.append(town)
    return lines


def address_one_line(address) -> str:
    return ", ".join(address_lines(address))


OSM = "https://www.openstreetmap.org/"


def route_url(place) -> str:
    """A link to OpenStreetMap's route planner (coordinates) or its search (address).
    Only a link: nothing is loaded from OpenStreetMap by the page itself."""
    coords = place.get("coordinates")
    if coords:
        return OSM + "directions?" + urlencode({"to": f"{coords['lat']},{coords['lon']}"})
    address = place.get("address") or {}
    query = ", ".join(x for x in (address.get("street"), " ".join(
        y for y in (address.get("postcode"), address.get("town")) if y)) if x)
    return OSM + "search?query=" + quote(query or place.get("name", ""))


def age_label(age, lang: str = "de") -> str | None:
    if not age:
        return None
    lo, hi = age.get("min"), age.get("max")
    if lo is not None and hi is not None:
        return t("ui.age.range", lang, min=lo, max=hi)
    if lo is not None:
        return t("ui.age.min", lang, min=lo)
    if hi is not None:
        return t("ui.age.max", lang, max=hi)
    return None
