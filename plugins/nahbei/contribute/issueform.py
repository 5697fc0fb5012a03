"""Turn a filled-in GitHub issue form into content files (`nahbei from-issue`).

GitHub renders a form issue as ``### <label>`` sections; empty fields read
``_No response_`` and checkboxes ``- [X] option``. Free text that cannot be
mapped onto a field (opening hours, recurrence details) is kept in a note
field, so nothing the volunteer wrote is lost. New files are written only
when the whole tree still passes ``nahbei check``; otherwise nothing is
written and the same messages as ``nahbei check`` are returned.
"""
from __future__ import annotations

import re
import shutil
import tempfile
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import yaml
from babel import Locale

from ..cli import slugify
from ..i18n import t
from ..model import loader
from ..model.check import check
from ..model.recurrence import WEEKDAYS

NO_RESPONSE = "_No response_"

# label of each section, per form (the ids are documented in the form files)
FORMS = {
    "neues-angebot": {
        "name": "Name des Angebots", "summary": "Kurzbeschreibung", "description": "Beschreibung",
        "topics": "Themen", "target_groups": "Zielgruppen", "age_min": "Alter von", "age_max": "Alter bis",
        "cost": "Kosten", "cost_note": "Was kostet es?", "languages": "Sprachen",
        "provider": "Anbieter oder Träger", "address": "Ort und Adresse",
        "hours": "Öffnungszeiten oder Sprechzeiten", "phone": "Telefon", "email": "E-Mail",
        "website": "Website", "consent": "Einverständnis",
    },
    "neue-veranstaltung": {
        "title": "Titel", "description": "Beschreibung", "date": "Datum", "start_time": "Beginn",
        "end_time": "Ende", "recurrence": "Wiederholung", "recurrence_note": "Wiederholung genauer",
        "place": "Ort", "organiser": "Veranstalter", "registration": "Anmeldung",
        "registration_note": "Wie meldet man sich an?", "cost": "Kosten", "cost_note": "Was kostet es?",
        "consent": "Einverständnis",
    },
    "aenderung": {
        "entry": "Welcher Eintrag?", "wrong": "Was stimmt nicht?", "correct": "Was ist richtig?",
        "source": "Woher wissen Sie das?",
    },
}
REQUIRED = {
    "neues-angebot": ("name", "summary", "topics", "target_groups", "provider", "consent"),
    "neue-veranstaltung": ("title", "date", "place", "organiser", "consent"),
    "aenderung": ("entry", "wrong", "correct"),
}
SCHEMA_LINE = "# yaml-language-server: $schema=../../schemas/{kind}.schema.json\n"
# Numbers in answers are ASCII digits only: `str.isdigit()` and `\d` also accept "²" or "٣",
# which int() rejects or turns into something the volunteer did not write.
_AGE = re.compile(r"[0-9]{1,4}")  # longer is no age (and int() of thousands of digits raises)
_ENTRY_ID = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")  # the schemas' id pattern
_DAY_NAMES = {"mo": "mo", "montag": "mo", "di": "di", "dienstag": "di", "mi": "mi", "mittwoch": "mi",
              "do": "do", "donnerstag": "do", "fr": "fr", "freitag": "fr", "sa": "sa", "samstag": "sa",
              "so": "so", "sonntag": "so"}


class FormError(Exception):
    def __init__(self, messages):
        super().__init__("\n".join(messages))
        self.messages = list(messages)


@dataclass
class Outcome:
    written: list[Path] = field(default_factory=list)
    messages: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.messages


def parse_body(body: str) -> dict[str, str]:
    """{label: raw value} of a rendered issue form."""
    body = body.replace("\r\n", "\n")
    sections = {}
    for part in re.split(r"^### ", body, flags=re.M)[1:]:
        label, _, value = part.partition("\n")
        value = value.strip()
        sections[label.strip()] = "" if value == NO_RESPONSE else value
    return sections


def _checked(value: str) -> list[str]:
    return [m.group(1).strip() for m in re.finditer(r"^- \[[xX]\] (.+)$", value, flags=re.M)]


def _read(path: Path):
    """A content file through nahbei's own loader (size, depth, anchors bounded);
    None for a file it refuses, which `nahbei check` reports in the pull request."""
    try:
        return loader.load_path(path)[1]
    except (loader.LoadError, OSError):
        return None


def _msg(label: str, key: str, lang: str, **params) -> str:
    return f"{t('issue.source', lang)}: {label}: {t('severity.error', lang)}: {t('issue.' + key, lang, **params)}"


class _Converter:
    def __init__(self, form: str, body: str, content: Path, today: date, lang: str):
        if form not in FORMS:
            raise FormError([t("issue.unknown_form", lang, form=form, forms=", ".join(FORMS))])
        self.form, self.content, self.today, self.lang = form, content, today, lang
        self.labels = FORMS[form]
        raw = parse_body(body)
        self.values = {key: raw.get(label, "") for key, label in self.labels.items()}
        self.errors: list[str] = []
        missing_sections = [label for label in self.labels.values() if label not in raw]
        if len(missing_sections) == len(self.labels):
            raise FormError([t("issue.not_a_form", lang, form=form)])
        for key in REQUIRED[form]:
            value = self.values[key]
            if key == "consent":
                if not _checked(value):
                    self.error(key, "consent")
            elif not value.strip() or (key in ("topics", "target_groups") and not _checked(value)):
                self.error(key, "required")
        tax_path = content / "taxonomy.yaml"
        self.taxonomy = (_read(tax_path) if tax_path.exists() else None) or {}

    def error(self, key, code, **params):
        self.errors.append(_msg(self.labels[key], code, self.lang, **params))

    # lookups ---------------------------------------------------------------

    def _existing(self, kind_folder: str) -> dict[str, str]:
        """{lower-case name: id} of existing entries of a kind."""
        out = {}
        folder = self.content / kind_folder
        for p in sorted(folder.glob("*.yaml")) if folder.is_dir() else []:
            data = _read(p)
            if not isinstance(data, dict):
                continue
            name = data.get("name") or data.get("title")
            if isinstance(name, str):
                out[name.strip().lower()] = p.stem
        return out

    def _unique_id(self, kind_folder: str, title: str, taken: set) -> str:
        base = slugify(title)
        ident, n = base, 2
        while (self.content / kind_folder / f"{ident}.yaml").exists() or ident in taken:
            ident, n = f"{base}-{n}", n + 1
        taken.add(ident)
        return ident

    def terms(self, key: str, vocab: str) -> list[str]:
        by_label = {v["label"]: k for k, v in (self.taxonomy.get(vocab) or {}).items()}
        out = []
        for label in _checked(self.values[key]):
            if label in by_label:
                out.append(by_label[label])
            else:
                self.error(key, "unknown_option", value=label, known=", ".join(by_label))
        return out

    def languages(self) -> list[str]:
        text = self.values.get("languages", "")
        if not text:
            return []
        names = {name.lower(): code for code, name in Locale("de").languages.items() if len(code) in (2, 3) and "_" not in code}
        out = []
        for part in re.split(r"[,;/\n]| und ", text):
            part = part.strip().lower()
            if not part:
                continue
            code = names.get(part) or (part if part in Locale("de").languages and len(part) in (2, 3) else None)
            if code is None:
                self.error("languages", "unknown_language", value=part)
            elif code not in out:
                out.append(code)
        return out

    def cost(self) -> dict | None:
        choice = self.values.get("cost", "")
        note = self.values.get("cost_note", "").strip()
        if choice == "kostenlos":
            return {"free": True}
        if choice == "kostet etwas":
            return {"free": False, **({"note": note} if note else {})}
        return None

    def place(self, key: str, taken: set, new_files: dict) -> str | None:
        """Id of an existing place with that name, or a new place from the address text."""
        text = self.values.get(key, "").strip()
        if not text:
            return None
        lines = [line.strip() for line in text.splitlines() if line.strip() and not line.strip().lower().startswith("beispiel")]
        existing = self._existing("places")
        if lines and lines[0].lower() in existing:
            return existing[lines[0].lower()]
        postcode_line = next((line for line in lines if re.match(r"^[0-9]{5}\s+\S", line)), None)
        if postcode_line is None:
            self.error(key, "address")
            return None
        postcode, town = postcode_line.split(None, 1)
        others = [line for line in lines if line is not postcode_line]
        name = others[0] if others else town
        street = next((line for line in others[1:] if re.search(r"[0-9]", line)), None)
        ident = self._unique_id("places", name, taken)
        address = {"town": town, "postcode": postcode}
        if street:
            address = {"street": street, **address}
        new_files[("places", ident)] = ("place", {"id": ident, "name": name, "address": address})
        return ident

    def contact(self, key: str, taken: set, new_files: dict) -> str | None:
        name = self.values.get(key, "").strip()
        if not name:
            return None
        existing = self._existing("contacts")
        if name.lower() in existing:
            return existing[name.lower()]
        ident = self._unique_id("contacts", name, taken)
        data = {"id": ident, "kind": "organisation", "name": name, "last_reviewed": self.today.isoformat()}
        new_files[("contacts", ident)] = ("contact", data)
        return ident

    def hours(self) -> dict | None:
        text = self.values.get("hours", "").strip()
        if not text:
            return None
        slots = []
        for line in text.splitlines():
            m = re.match(r"^\s*([A-Za-zä]+)\.?\s+([0-9]{1,2})(?:[:.]([0-9]{2}))?\s*(?:bis|-|–)\s*([0-9]{1,2})(?:[:.]([0-9]{2}))?\s*(?:Uhr)?\s*$", line)
            if not m or m.group(1).lower() not in _DAY_NAMES:
                slots = None
                break
            opens = f"{int(m.group(2)):02d}:{m.group(3) or '00'}"
            closes = f"{int(m.group(4)):02d}:{m.group(5) or '00'}"
            slots.append({"days": [_DAY_NAMES[m.group(1).lower()]], "opens": opens, "closes": closes})
        if slots:
            return {"regular": slots}
        return {"note": " ".join(text.split())}  # kept as written

    # forms -----------------------------------------------------------------

    def offer(self):
        v = self.values
        taken: set = set()
        new_files: dict = {}
        ident = self._unique_id("offers", v["name"], taken)
        data = {"id": ident, "name": v["name"].strip(), "summary": " ".join(v["summary"].split()), "status": "active"}
        if v.get("description"):
            data["description"] = v["description"].strip() + "\n"
        data["topics"] = self.terms("topics", "topics")
        data["target_groups"] = self.terms("target_groups", "target_groups")
        age = {}
        for key, name in (("age_min", "min"), ("age_max", "max")):
            if v.get(key, "").strip():
                if _AGE.fullmatch(v[key].strip()):
                    age[name] = int(v[key].strip())
                else:
                    self.error(key, "number", value=v[key].strip())
        if age:
            data["age"] = age
        cost = self.cost()
        if cost:
            data["cost"] = cost
        langs = self.languages()
        if langs:
            data["languages"] = langs
        data["provider"] = self.contact("provider", taken, new_files)
        place = self.place("address", taken, new_files)
        if place:
            entry = {"place": place}
            hours = self.hours()
            if hours:
                entry["hours"] = hours
            data["places"] = [entry]
        elif v.get("hours", "").strip():  # hours without a place: kept in the description
            text = data.get("description", "").rstrip("\n")
            data["description"] = (text + "\n\n" if text else "") + "Zeiten: " + " ".join(v["hours"].split()) + "\n"
        if v.get("phone", "").strip():
            data["phones"] = [{"number": v["phone"].strip()}]
        if v.get("email", "").strip():
            data["email"] = v["email"].strip()
        if v.get("website", "").strip():
            data["website"] = v["website"].strip()
        data["last_reviewed"] = self.today.isoformat()
        new_files[("offers", ident)] = ("offer", data)
        return new_files

    def event(self):
        v = self.values
        taken: set = set()
        new_files: dict = {}
        ident = self._unique_id("events", v["title"], taken)
        day = _parse_date(v["date"])
        if day is None:
            self.error("date", "date", value=v["date"])
            day = self.today
        start_t, end_t = _parse_time(v.get("start_time", "")), _parse_time(v.get("end_time", ""))
        for key, value, parsed in (("start_time", v.get("start_time", ""), start_t), ("end_time", v.get("end_time", ""), end_t)):
            if value.strip() and parsed is None:
                self.error(key, "time", value=value.strip())
        data = {"id": ident, "title": v["title"].strip()}
        if start_t:
            data["start"] = f"{day.isoformat()} {start_t}"
            if end_t:
                data["end"] = f"{day.isoformat()} {end_t}"
        else:
            data["start"] = day.isoformat()
        description = v.get("description", "").strip()
        rec = v.get("recurrence", "einmalig")
        if rec and rec != "einmalig":
            freq = {"täglich": ("daily", 1), "wöchentlich": ("weekly", 1), "alle zwei Wochen": ("weekly", 2),
                    "monatlich": ("monthly", 1)}.get(rec)
            if freq:
                recurrence = {"frequency": freq[0]}
                if freq[1] != 1:
                    recurrence["interval"] = freq[1]
                if freq[0] == "weekly":
                    recurrence["weekdays"] = [WEEKDAYS[day.weekday()]]
                if freq[0] == "monthly":
                    nth = (day.day - 1) // 7 + 1
                    if nth == 5:
                        nth = -1  # a fifth weekday exists only in some months: "the last" is meant
                    recurrence.update(weekday=WEEKDAYS[day.weekday()], nth=nth)
                data["recurrence"] = recurrence
        note = v.get("recurrence_note", "").strip()
        if note:
            description = (description + "\n\n" if description else "") + f"Wiederholung: {note}"
        if description:
            data["description"] = description + "\n"
        place_text = v.get("place", "").strip()
        online = re.search(r"https?://\S+", place_text)
        if place_text.lower().startswith("online") and online:
            data["online_url"] = online.group(0)
        else:
            place = self.place("place", taken, new_files)
            if place:
                data["place"] = place
        data["organiser"] = self.contact("organiser", taken, new_files)
        data["status"] = "scheduled"
        reg = v.get("registration", "")
        if reg in ("nötig", "nicht nötig"):
            data["registration"] = {"required": reg == "nötig"}
            if v.get("registration_note", "").strip():
                data["registration"]["note"] = " ".join(v["registration_note"].split())
        cost = self.cost()
        if cost:
            data["cost"] = cost
        new_files[("events", ident)] = ("event", data)
        return new_files

    def change(self):
        """A change report becomes a comment block at the top of the entry's file:
        the pull request then carries the report to the maintainer who edits the fields."""
        v = self.values
        ref = v["entry"].strip().rstrip("/").split("/")[-1].split("#")[0]
        # only an id can name a file: no NUL, no "..", no name too long for the file system
        is_id = _ENTRY_ID.fullmatch(ref) is not None and len(ref) <= 100
        for folder in ("offers", "events", "contacts", "places") if is_id else ():
            path = self.content / folder / f"{ref}.yaml"
            if path.exists():
                break
        else:
            self.error("entry", "entry_unknown", value=v["entry"].strip())
            return {}
        lines = [t("issue.change_heading", self.lang)]
        for key in ("wrong", "correct", "source"):
            for i, line in enumerate((v.get(key) or "–").splitlines() or ["–"]):
                prefix = f"{self.labels[key]} " if i == 0 else "  "
                lines.append(prefix + line.strip())
        block = "".join(f"# {line}\n" for line in lines)
        text = path.read_text("utf-8")
        first, _, rest = text.partition("\n")
        if first.startswith("# yaml-language-server"):
            new_text = first + "\n" + block + rest
        else:
            new_text = block + text
        return {(folder, ref): ("raw", new_text)}


def _parse_date(value: str) -> date | None:
    value = value.strip()
    m = re.fullmatch(r"([0-9]{1,2})\.([0-9]{1,2})\.([0-9]{4})", value) or re.fullmatch(r"([0-9]{4})-([0-9]{2})-([0-9]{2})", value)
    if m is None:  # fromisoformat alone would also take week dates and other digits
        return None
    day, month, year = (m.group(1), m.group(2), m.group(3)) if "." in value else (m.group(3), m.group(2), m.group(1))
    try:
        return date(int(year), int(month), int(day))
    except ValueError:
        return None


def _parse_time(value: str) -> str | None:
    m = re.fullmatch(r"([0-9]{1,2})(?:[:.]([0-9]{2}))?\s*(?:Uhr)?", value.strip())
    if not m or int(m.group(1)) > 23 or int(m.group(2) or 0) > 59:
        return None
    return f"{int(m.group(1)):02d}:{m.group(2) or '00'}"


def dump(kind: str, data: dict) -> str:
    return SCHEMA_LINE.format(kind=kind) + yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100)


def convert(form: str, body: str, content: Path, *, today: date, lang: str = "de") -> Outcome:
    """Write the new or changed files into ``content`` if the result passes the
    check; otherwise write nothing and return the messages."""
    content = Path(content)
    try:
        conv = _Converter(form, body, content, today, lang)
    except FormError as exc:
        return Outcome(messages=exc.messages)
    files = {"neues-angebot": conv.offer, "neue-veranstaltung": conv.event, "aenderung": conv.change}[form]()
    if conv.errors:
        return Outcome(messages=conv.errors)
    rendered = {
        content / folder / f"{ident}.yaml": (payload if kind == "raw" else dump(kind, payload))
        for (folder, ident), (kind, payload) in files.items()
    }
    # Check the tree with the new files in a scratch copy; publish only when clean.
    with tempfile.TemporaryDirectory() as tmp:
        scratch = Path(tmp) / "content"
        shutil.copytree(content, scratch)
        for path, text in rendered.items():
            target = scratch / path.relative_to(content)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, "utf-8")
        result = check(scratch, today=today, lang=lang, root=Path(tmp))
        new_rel = {("content/" + p.relative_to(content).as_posix()) for p in rendered}
        errors = [p for p in result.errors if p.path in new_rel]
        if errors or result.errors:
            return Outcome(messages=[p.format(lang) for p in (errors or result.errors)])
    for path, text in rendered.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, "utf-8")
    return Outcome(written=sorted(rendered))
