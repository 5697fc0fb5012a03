"""Turn a filled-in GitHub issue form into content files (`nahbei from-issue`).

GitHub renders a form issue as ``### <label>`` sections; empty fields read
``_No response_`` and checkboxes ``- [X] option``. Free text that cannot be
mapped onto a field (opening hours, recurrence details) is kept in a note
field, so nothing the volunteer wrote is lost. New files are written only
when the whole tree still passes ``nahbei check``; otherwise nothing is
written and the same messages as ``nahbei check`` are returned.

The forms' headings and choices are texts of the locale files (``form.*``), in
the language the forms are written in (``form_lang``, German); the messages
are in ``lang``.
"""
from __future__ import annotations

import re
import shutil
import tempfile
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from ..formatting import day_label, language_code
from ..i18n import DEFAULT_LANG, t
from ..model import loader
from ..model.check import check
from ..model.ids import ID_PATTERN, new_id, unique_id
from ..model.layout import ENTRY_KINDS, ENTRY_SUFFIXES, FOLDERS, entry_file, entry_text
from ..model.recurrence import WEEKDAYS
from .forms import FORMS, RECURRENCE_CHOICES, REQUIRED, choice_labels, form_labels

NO_RESPONSE = "_No response_"

# Numbers in answers are ASCII digits only: `str.isdigit()` and `\d` also accept "²" or "٣",
# which int() rejects or turns into something the volunteer did not write.
_AGE = re.compile(r"[0-9]{1,4}")  # longer is no age (and int() of thousands of digits raises)


def _day_names(form_lang: str) -> dict[str, str]:
    """{lower-case day name, short and long ("di", "dienstag"): weekday id}."""
    return {day_label(day, form_lang, width).lower(): day for day in WEEKDAYS for width in ("short", "wide")}


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
    def __init__(self, form: str, body: str, content: Path, today: date, lang: str, form_lang: str = DEFAULT_LANG):
        if form not in FORMS:
            raise FormError([t("issue.unknown_form", lang, form=form, forms=", ".join(FORMS))])
        self.form, self.content, self.today, self.lang, self.form_lang = form, content, today, lang, form_lang
        self.labels = form_labels(form, form_lang)
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

    def word(self, key: str, **params) -> str:
        """A text of the form's language (form.*): a choice, a word in free answers, a note written to the file."""
        return t("form." + key, self.form_lang, **params)

    def choice(self, field: str, value: str) -> str | None:
        """The key of the option chosen in a drop-down ("kostenlos" -> "free"), None for another value."""
        return next((k for k, label in choice_labels(field, self.form_lang).items() if label == value), None)

    # lookups ---------------------------------------------------------------

    def _existing(self, kind: str) -> dict[str, str]:
        """{lower-case name: id} of existing entries of a kind."""
        out = {}
        folder = self.content / FOLDERS[kind]
        paths = sorted(p for suffix in ENTRY_SUFFIXES for p in folder.glob(f"*{suffix}")) if folder.is_dir() else []
        for p in paths:
            data = _read(p)
            if not isinstance(data, dict):
                continue
            name = data.get("name") or data.get("title")
            if isinstance(name, str):
                out[name.strip().lower()] = p.stem
        return out

    def _unique_id(self, kind: str, title: str, taken: set) -> str:
        ident = unique_id(new_id(title, self.lang), self.content / FOLDERS[kind], taken)
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
        out = []
        for part in re.split(rf"[,;/\n]| {re.escape(self.word('and'))} ", text):
            part = part.strip().lower()
            if not part:
                continue
            code = language_code(part, self.form_lang)
            if code is None:
                self.error("languages", "unknown_language", value=part)
            elif code not in out:
                out.append(code)
        return out

    def cost(self) -> dict | None:
        choice = self.values.get("cost", "")
        note = self.values.get("cost_note", "").strip()
        chosen = self.choice("cost", choice)
        if chosen == "free":
            return {"free": True}
        if chosen == "paid":
            return {"free": False, **({"note": note} if note else {})}
        return None

    def place(self, key: str, taken: set, new_files: dict) -> str | None:
        """Id of an existing place with that name, or a new place from the address text."""
        text = self.values.get(key, "").strip()
        if not text:
            return None
        example = self.word("example").lower()  # the form's own example, copied along
        lines = [line.strip() for line in text.splitlines() if line.strip() and not line.strip().lower().startswith(example)]
        existing = self._existing("place")
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
        ident = self._unique_id("place", name, taken)
        address = {"town": town, "postcode": postcode}
        if street:
            address = {"street": street, **address}
        new_files[("place", ident)] = {"id": ident, "name": name, "address": address}
        return ident

    def contact(self, key: str, taken: set, new_files: dict) -> str | None:
        name = self.values.get(key, "").strip()
        if not name:
            return None
        existing = self._existing("contact")
        if name.lower() in existing:
            return existing[name.lower()]
        ident = self._unique_id("contact", name, taken)
        data = {"id": ident, "kind": "organisation", "name": name, "last_reviewed": self.today.isoformat()}
        new_files[("contact", ident)] = data
        return ident

    def hours(self) -> dict | None:
        text = self.values.get("hours", "").strip()
        if not text:
            return None
        days = _day_names(self.form_lang)
        until, oclock = re.escape(self.word("until")), re.escape(self.word("oclock"))
        slot = re.compile(rf"^\s*([^\W\d_]+)\.?\s+([0-9]{{1,2}})(?:[:.]([0-9]{{2}}))?\s*(?:{until}|-|–)\s*"
                          rf"([0-9]{{1,2}})(?:[:.]([0-9]{{2}}))?\s*(?:{oclock})?\s*$")
        slots = []
        for line in text.splitlines():
            m = slot.match(line)
            if not m or m.group(1).lower() not in days:
                slots = None
                break
            opens = f"{int(m.group(2)):02d}:{m.group(3) or '00'}"
            closes = f"{int(m.group(4)):02d}:{m.group(5) or '00'}"
            slots.append({"days": [days[m.group(1).lower()]], "opens": opens, "closes": closes})
        if slots:
            return {"regular": slots}
        return {"note": " ".join(text.split())}  # kept as written

    # forms -----------------------------------------------------------------

    def offer(self):
        v = self.values
        taken: set = set()
        new_files: dict = {}
        ident = self._unique_id("offer", v["name"], taken)
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
            data["description"] = (text + "\n\n" if text else "") + self.word("hours_note", hours=" ".join(v["hours"].split())) + "\n"
        if v.get("phone", "").strip():
            data["phones"] = [{"number": v["phone"].strip()}]
        if v.get("email", "").strip():
            data["email"] = v["email"].strip()
        if v.get("website", "").strip():
            data["website"] = v["website"].strip()
        data["last_reviewed"] = self.today.isoformat()
        new_files[("offer", ident)] = data
        return new_files

    def event(self):
        v = self.values
        taken: set = set()
        new_files: dict = {}
        ident = self._unique_id("event", v["title"], taken)
        day = _parse_date(v["date"])
        if day is None:
            self.error("date", "date", value=v["date"])
            day = self.today
        oclock = self.word("oclock")
        start_t, end_t = _parse_time(v.get("start_time", ""), oclock), _parse_time(v.get("end_time", ""), oclock)
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
        rec = self.choice("recurrence", v.get("recurrence", ""))
        if rec:
            freq = RECURRENCE_CHOICES[rec]
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
            description = (description + "\n\n" if description else "") + self.word("recurrence_note", note=note)
        if description:
            data["description"] = description + "\n"
        place_text = v.get("place", "").strip()
        online = re.search(r"https?://\S+", place_text)
        if place_text.lower().startswith(self.word("online").lower()) and online:
            data["online_url"] = online.group(0)
        else:
            place = self.place("place", taken, new_files)
            if place:
                data["place"] = place
        data["organiser"] = self.contact("organiser", taken, new_files)
        data["status"] = "scheduled"
        reg = self.choice("registration", v.get("registration", ""))
        if reg:
            data["registration"] = {"required": reg == "required"}
            if v.get("registration_note", "").strip():
                data["registration"]["note"] = " ".join(v["registration_note"].split())
        cost = self.cost()
        if cost:
            data["cost"] = cost
        new_files[("event", ident)] = data
        return new_files

    def change(self):
        """A change report becomes a comment block at the top of the entry's file:
        the pull request then carries the report to the maintainer who edits the fields."""
        v = self.values
        ref = v["entry"].strip().rstrip("/").split("/")[-1].split("#")[0]
        # only an id can name a file: no NUL, no "..", no name too long for the file system
        is_id = ID_PATTERN.fullmatch(ref) is not None and len(ref) <= 100
        for kind in ENTRY_KINDS if is_id else ():
            path = self.content / entry_file(kind, ref)
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
        return {(kind, ref): new_text}


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


def _parse_time(value: str, oclock: str) -> str | None:
    """'9', '9:30', '9.30 Uhr' -> '09:00', '09:30'; ``oclock`` is the form language's "Uhr"."""
    m = re.fullmatch(rf"([0-9]{{1,2}})(?:[:.]([0-9]{{2}}))?\s*(?:{re.escape(oclock)})?", value.strip())
    if not m or int(m.group(1)) > 23 or int(m.group(2) or 0) > 59:
        return None
    return f"{int(m.group(1)):02d}:{m.group(2) or '00'}"


def dump(kind: str, data: dict) -> str:
    return entry_text(kind, data)


def convert(form: str, body: str, content: Path, *, today: date, lang: str = DEFAULT_LANG,
            form_lang: str = DEFAULT_LANG) -> Outcome:
    """Write the new or changed files into ``content`` if the result passes the
    check; otherwise write nothing and return the messages. ``form_lang``: the
    language the form is written in (its headings and choices)."""
    content = Path(content)
    try:
        conv = _Converter(form, body, content, today, lang, form_lang)
    except FormError as exc:
        return Outcome(messages=exc.messages)
    files = {"neues-angebot": conv.offer, "neue-veranstaltung": conv.event, "aenderung": conv.change}[form]()
    if conv.errors:
        return Outcome(messages=conv.errors)
    # a changed file comes as its new text, a new one as its data
    rendered = {
        content / entry_file(kind, ident): (payload if isinstance(payload, str) else dump(kind, payload))
        for (kind, ident), payload in files.items()
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
