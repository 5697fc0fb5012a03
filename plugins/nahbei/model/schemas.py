"""JSON Schemas per entity: a fast validity check, and messages for volunteers.

Valid files (nearly all) only pass through jsonschema-rs. Files that fail are
validated again with the Python jsonschema library, whose errors carry the
sub-schema (title, description, examples) needed for a helpful message.
"""
from __future__ import annotations

import calendar
import difflib
import functools
import hashlib
import itertools
import json
import re
from datetime import date
from pathlib import Path

import jsonschema
import jsonschema_rs
from referencing import Registry, Resource

from ..i18n import t
from .ids import slugify
from .layout import ENTRY_KINDS
from .problems import problem

# Internal base URI only: never fetched (the .invalid TLD cannot resolve).
BASE = "https://nahbei.invalid/schemas/"
KINDS = (*ENTRY_KINDS, "taxonomy")
MAX_ERRORS = 20  # schema faults told per file


def default_schema_dir() -> Path:
    """The JSON Schemas: installed with the package (nahbei/schemas/, copied there
    from schemas/ when the wheel is built; see setup.py), else the checkout's
    schemas/ folder, the one volunteers' editors point to: the nearest one above."""
    here = Path(__file__).resolve()
    for parent in here.parents:
        candidate = parent / "schemas"
        if (candidate / "offer.schema.json").exists():
            return candidate
    raise FileNotFoundError("schemas/offer.schema.json not found")


class Schemas:
    def __init__(self, schema_dir: Path | None = None):
        self.dir = Path(schema_dir or default_schema_dir())
        self.raw = {}
        for path in sorted(self.dir.glob("*.schema.json")):
            doc = json.loads(path.read_text("utf-8"))
            doc["$id"] = BASE + path.name
            self.raw[path.name] = doc
        self._rs_registry = jsonschema_rs.Registry([(BASE + n, d) for n, d in self.raw.items()])
        self._py_registry = Registry().with_resources(
            (BASE + n, Resource.from_contents(d)) for n, d in self.raw.items()
        )
        self._examples = {}
        self._validators: dict[tuple[str, str], object] = {}  # per instance: no cache keeps it alive

    def schema(self, kind: str) -> dict:
        return self.raw[f"{kind}.schema.json"]

    def fingerprint(self) -> str:
        """Changes whenever a schema changes (check results cached against it)."""
        return hashlib.sha256(json.dumps(self.raw, sort_keys=True).encode()).hexdigest()

    def fast(self, kind: str):
        key = ("fast", kind)
        if key not in self._validators:
            self._validators[key] = jsonschema_rs.validator_for(
                self.schema(kind), registry=self._rs_registry, validate_formats=True, offline=True)
        return self._validators[key]

    def slow(self, kind: str):
        key = ("slow", kind)
        if key not in self._validators:
            self._validators[key] = _SlowValidator(self.schema(kind), registry=self._py_registry,
                                                   format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)
        return self._validators[key]

    def resolve(self, subschema: dict) -> dict:
        """Follow a local or cross-file $ref once (for titles and descriptions)."""
        ref = subschema.get("$ref")
        if not ref:
            return subschema
        name, _, pointer = ref.partition("#")
        doc = self.raw.get(name) if name else None
        if doc is None:
            return subschema
        node = doc
        for part in pointer.strip("/").split("/"):
            if part:
                node = node[part]
        merged = {**self.resolve(node), **{k: v for k, v in subschema.items() if k != "$ref"}}
        return merged

    def problems(self, kind: str, data, rel: str, text: str, lang: str, locate, examples=None):
        """Problems for one document (empty list when valid).

        ``examples`` maps field names to example values from the content itself
        (``topics: [beratung]``, ``place: volkshaus-doebeln``) for the messages.
        """
        if self.fast(kind).is_valid(data):
            return []
        self._examples = examples or {}
        # A list of 60,000 bad items is one fault written many times: the first
        # MAX_ERRORS are told, then one line where the rest begins.
        found = list(itertools.islice(self.slow(kind).iter_errors(data), MAX_ERRORS + 1))
        errors = sorted(found[:MAX_ERRORS], key=lambda e: (list(map(str, e.absolute_path)), e.validator))
        errors = _one_per_fault(list(_leaves(errors)), self)
        out = []
        seen = set()
        for err in errors:
            p = self._problem(err, data, rel, text, lang, locate)
            key = (p.line, p.col, p.code, p.params)
            if key not in seen:
                seen.add(key)
                out.append(p)
        if len(found) > MAX_ERRORS:
            line, col = locate(text, list(found[MAX_ERRORS].absolute_path))
            out.append(problem(rel, line, col, "schema.more", limit=MAX_ERRORS))
        return out

    # -- messages ----------------------------------------------------------

    def _problem(self, err, data, rel, text, lang, locate):
        path = list(err.absolute_path)
        field = _field_name(path)
        sub = self.resolve(err.schema) if isinstance(err.schema, dict) else {}
        v, vv, inst = err.validator, err.validator_value, err.instance

        if v == "required":
            missing = next((k for k in vv if not isinstance(inst, dict) or k not in inst), vv[0])
            props = sub.get("properties", {})
            prop = self.resolve(props.get(missing, {}))
            line, col = locate(text, path)
            example = self._examples.get(missing) or _value_example(prop, self)
            if example == "…":
                return problem(rel, line, col, "schema.required_describe", field=missing,
                               title=prop.get("title", missing), where=_where(path, lang),
                               hint=_example_hint(prop).split(" Beispiel: ")[0])
            return problem(rel, line, col, "schema.required", field=missing,
                           title=prop.get("title", missing), where=_where(path, lang), example=example)
        if v == "additionalProperties":
            allowed = list(sub.get("properties", {}))
            patterns = [_ecma(x) for x in sub.get("patternProperties", {})]
            extra = next(k for k in inst if k not in allowed and not any(x.search(k) for x in patterns))
            if patterns and not allowed:  # keys are codes (translations: en, ar …), not field names
                line, col = locate(text, path + [extra], key=True)
                return problem(rel, line, col, "schema.language_code", field=_field_name(path), value=_short(extra),
                               example=_language_example(extra))
            line, col = locate(text, path + [extra], key=True)
            return problem(rel, line, col, "schema.unknown_field", field=extra, where=_where(path, lang),
                           suggestion=_did_you_mean(extra, allowed, lang), allowed=", ".join(allowed))
        line, col = locate(text, path)
        if v == "type":
            return problem(rel, line, col, "schema.type", field=field,
                           expected=_types(vv, lang), found=_found(inst, lang),
                           hint=_type_hint(vv, inst, field, lang, sub, self))
        if v == "enum":
            allowed = [str(x) for x in vv]
            return problem(rel, line, col, "schema.enum", field=field, value=_short(inst),
                           suggestion=_did_you_mean(str(inst), allowed, lang), allowed=", ".join(allowed))
        if v in ("pattern", "format"):
            kind_of = _pattern_kind(err, sub)
            refused = _refused_characters(sub.get("pattern", "")) if kind_of in ("line", "markdown") else None
            if refused is not None and isinstance(inst, str) and refused.search(inst):
                return _text_problem(kind_of, refused, inst, field, rel, text, (line, col))
            if kind_of == "date" and v == "format":
                reason, example = calendar_reason(inst, lang)
                return problem(rel, line, col, "schema.invalid_date", field=field, value=_short(inst),
                               reason=reason, example=example)
            if kind_of:
                return problem(rel, line, col, "schema." + kind_of, field=field, value=_short(inst),
                               example=_corrected(kind_of, inst))
            return problem(rel, line, col, "schema.pattern", field=field, value=_short(inst),
                           title=sub.get("title", field), hint=sub.get("description", ""))
        if v == "minLength":
            return problem(rel, line, col, "schema.too_short", field=field, length=len(inst), limit=vv,
                           hint=sub.get("description", ""))
        if v == "maxLength":
            code = "schema.too_long_description" if _pattern_kind(err, sub) == "markdown" else "schema.too_long"
            return problem(rel, line, col, code, field=field, length=len(inst), limit=vv)
        if v == "minItems":
            example = self._examples.get(field) or "[" + _value_example(sub.get("items", {}), self) + "]"
            return problem(rel, line, col, "schema.min_items", field=field, limit=vv, example=example)
        if v == "uniqueItems":
            return problem(rel, line, col, "schema.unique_items", field=field)
        if v in ("minimum", "exclusiveMinimum"):
            return problem(rel, line, col, "schema.minimum", field=field, value=inst, limit=vv)
        if v in ("maximum", "exclusiveMaximum"):
            return problem(rel, line, col, "schema.maximum", field=field, value=inst, limit=vv)
        if v == "minProperties":
            return problem(rel, line, col, "schema.min_items", field=field, limit=vv, example="[…]")
        if v == "propertyNames":
            return problem(rel, line, col, "schema.id", field=field, value=_short(inst), example="mittendrin-troisdorf")
        return problem(rel, line, col, "schema.other", field=field, detail=err.message)


def _one_per_fault(errors, schemas):
    """Drop errors that only echo another one, so one fault gives one line.

    - "sumary" unknown + "summary" missing: the unknown field's message already
      says "Meinten Sie „summary“?", the missing one would only repeat it;
    - a value that fails its pattern (01.11.2026) also fails its date format.
    """
    suggested = set()
    for err in errors:
        if err.validator == "additionalProperties" and isinstance(err.instance, dict):
            sub = schemas.resolve(err.schema) if isinstance(err.schema, dict) else {}
            allowed = list(sub.get("properties", {}))
            for extra in err.instance:
                if extra not in allowed:
                    close = closest(extra, allowed)
                    if close:
                        suggested.add((tuple(err.absolute_path), close))
    other_at = {tuple(e.absolute_path) for e in errors if e.validator not in ("format",)}
    pattern_at = {tuple(e.absolute_path) for e in errors if e.validator == "pattern"}
    kept = []
    for err in errors:
        path = tuple(err.absolute_path)
        if err.validator == "required" and isinstance(err.instance, dict):
            missing = [k for k in err.validator_value if k not in err.instance]
            if missing and all((path, k) in suggested for k in missing):
                continue
        if err.validator == "format" and path in other_at:
            continue
        if err.validator == "maxLength" and path in pattern_at:
            continue  # 256 KB of dots as an id: "not an id" says it; its length is no second fault
        kept.append(err)
    return kept


def _leaves(errors):
    """Flatten anyOf/oneOf context to the most specific errors."""
    for err in errors:
        if err.context:
            yield from _leaves(sorted(err.context, key=lambda e: len(e.absolute_path), reverse=True)[:1])
        else:
            yield err


_PATTERN_KINDS = {
    "url": "url", "email": "email", "date": "date", "time": "time",
    "postcode": "postcode", "id": "id", "ref": "id", "term": "id",
    "line": "line", "markdown": "markdown",
}


def _pattern_kind(err, sub):
    # Which common building block failed? Follow the schema path back to its $ref name.
    for ref in _refs_on_path(err):
        name = ref.rsplit("/", 1)[-1]
        if name in _PATTERN_KINDS:
            return _PATTERN_KINDS[name]
    field = err.absolute_path[-1] if err.absolute_path else ""
    if field == "postcode":
        return "postcode"
    if field in ("start", "end", "to") or (len(err.absolute_path) >= 2 and err.absolute_path[-2] == "extra"):
        return "datetime"
    if field == "timezone":
        return None
    return None


def _refs_on_path(err):
    # err.schema is the resolved subschema; the relative schema path names the keywords.
    # jsonschema keeps "$ref" steps in schema_path, and the title of the target helps too.
    sub = err.schema if isinstance(err.schema, dict) else {}
    title = sub.get("title", "")
    mapping = {"Internetadresse": "url", "E-Mail-Adresse": "email", "Datum": "date", "Uhrzeit": "time",
               "Postleitzahl": "postcode", "Kennung": "id", "Verweis": "ref",
               "Begriff aus content/taxonomy.yaml": "term", "Text in einer Zeile": "line",
               "Text in Markdown": "markdown"}
    if title in mapping:
        yield mapping[title]


# -- patterns as the schemas mean them -------------------------------------------

@functools.lru_cache(maxsize=None)
def _ecma(pattern: str) -> re.Pattern:
    """A schema pattern as ECMA-262 (JSON Schema's dialect, jsonschema-rs and the
    editors) reads it: "$" is the end of the text. Python's re also matches "$"
    before a final line break, so "53840\n" would pass here and fail in the fast
    validator, and the file would get no message at all."""
    out, in_class, i = [], False, 0
    while i < len(pattern):
        c = pattern[i]
        if c == "\\":
            out.append(pattern[i:i + 2])
            i += 2
            continue
        if in_class:
            in_class = c != "]"
        elif c == "[":
            in_class = True
        elif c == "$":
            c = r"\Z"
        out.append(c)
        i += 1
    return re.compile("".join(out))


def _pattern(validator, pattern, instance, schema):
    if validator.is_type(instance, "string") and not _ecma(pattern).search(instance):
        yield jsonschema.ValidationError(f"{_short(instance)!r} does not match {pattern!r}")


def _unique_items(validator, unique, instance, schema):
    # jsonschema compares every pair when the items cannot be sorted ([1, "a", …]):
    # 60,000 items would take hours. A set of canonical forms takes one pass.
    if unique and validator.is_type(instance, "array"):
        seen = set()
        for item in instance:
            canon = _canonical(item)
            if canon in seen:
                yield jsonschema.ValidationError(f"{_short(instance)!r} has non-unique elements")
                return
            seen.add(canon)


def _canonical(value):
    """Equal under JSON Schema's equality (1 == 1.0, true != 1) -> equal and hashable."""
    if isinstance(value, bool) or value is None:
        return (type(value).__name__, value)
    if isinstance(value, (int, float)):
        return ("number", value)
    if isinstance(value, list):
        return ("array", tuple(_canonical(x) for x in value))
    if isinstance(value, dict):
        return ("object", frozenset((k, _canonical(v)) for k, v in value.items()))
    return ("string", value)


_SlowValidator = jsonschema.validators.extend(
    jsonschema.Draft202012Validator, {"pattern": _pattern, "uniqueItems": _unique_items})



@functools.lru_cache(maxsize=None)
def _refused_characters(pattern: str) -> re.Pattern | None:
    """The characters a "no such characters" pattern (``^[^…]*$``, the "line" and
    "markdown" building blocks of common.schema.json) refuses, as a pattern that
    finds the first of them: the schema stays the one place that lists them."""
    m = re.fullmatch(r"\^\[\^(.+)\]\*\$", pattern)
    return re.compile("[" + m.group(1) + "]") if m else None

_LINE_BREAKS = "\n\r\x85\u2028\u2029"
_NAMED_ESCAPES = {"\x00": "0", "\x07": "a", "\x08": "b", "\t": "t", "\n": "n", "\x0b": "v", "\x0c": "f",
                  "\r": "r", "\x1b": "e", "\x85": "N", "\u2028": "L", "\u2029": "P"}


def _text_problem(kind, refused, value, field, rel, text, at):
    """A control character or line break in a text field, named and pointed at."""
    char = refused.search(value).group()
    code = "schema.line_break" if kind == "line" and char in _LINE_BREAKS else "schema.control_char"
    line, col = _written_at(text, at, char)
    return problem(rel, line, col, code, field=field, char=f"U+{ord(char):04X}")


def _written_at(text, at, char):
    """Line and column of ``char`` as written in the value that starts at ``at``:
    the raw character (a tab) or its escape in double quotes ("\\x01", "\\n"),
    looked for on the value's first line only (never in the next field). Else,
    and for a raw line break (the value's own layout, name: |), the value's start."""
    line, col = at
    start = 0
    for _ in range(line - 1):
        start = text.index("\n", start) + 1
    start += col - 1
    code = ord(char)
    forms = [f"\\x{code:02x}", f"\\x{code:02X}", f"\\u{code:04x}", f"\\u{code:04X}",
             f"\\U{code:08x}", f"\\U{code:08X}"] if code < 0x100 else [f"\\u{code:04x}", f"\\u{code:04X}"]
    if char in _NAMED_ESCAPES:
        forms.append("\\" + _NAMED_ESCAPES[char])
    if char not in _LINE_BREAKS:
        forms.append(char)
    end = text.find("\n", start)
    end = len(text) if end < 0 else end
    found = [i for i in (text.find(f, start, end) for f in forms) if i >= 0]
    if not found:
        return line, col
    i = min(found)
    return text.count("\n", 0, i) + 1, i - (text.rfind("\n", 0, i) + 1) + 1


def _field_name(path) -> str:
    """The field's own name as written in the file (``closes``, ``weekdays``), no list positions."""
    for part in reversed(path):
        if isinstance(part, str):
            return part
    return "(Datei)"


def _where(path, lang) -> str:
    """Where in the file a nested field is missing: " (im 1. Eintrag unter „places“)"."""
    if not path:
        return ""
    last = path[-1]
    if isinstance(last, int):
        return t("msg.hint.where_item", lang, n=last + 1, field=_field_name(path))
    return t("msg.hint.where_field", lang, field=last)


def _types(expected, lang):
    if isinstance(expected, str):
        expected = [expected]
    return " / ".join(t("type." + x, lang) for x in expected)


def _found(value, lang):
    if isinstance(value, bool):
        return str(value).lower()
    if value is None:
        return t("type.null", lang)
    if isinstance(value, (dict, list)):
        return t("type." + ("object" if isinstance(value, dict) else "array"), lang)
    return f"„{_short(value)}“" if lang == "de" else f'"{_short(value)}"'


def _type_hint(expected, value, field, lang, sub=None, schemas=None):
    expected = [expected] if isinstance(expected, str) else expected
    sub = sub or {}
    if value is None:
        return t("msg.hint.empty", lang, field=field)
    if "boolean" in expected:
        return t("msg.hint.boolean_words", lang, field=field)
    if "string" in expected and isinstance(value, (int, float)):
        shown = str(value).lower() if isinstance(value, bool) else value
        return t("msg.hint.quote_number", lang, field=field, value=shown)
    if "array" in expected and isinstance(value, (str, int, float)):
        return t("msg.hint.list", lang, field=field, value=value)
    if ("integer" in expected or "number" in expected) and isinstance(value, str):
        return t("msg.hint.number", lang, field=field, example=_number_example(sub, value, "integer" in expected))
    if "object" in expected:
        props = sub.get("properties", {})
        first = next(iter(sub.get("required", ())), next(iter(props), ""))
        if first:
            example = _value_example(schemas.resolve(props[first]) if schemas else props[first], schemas)
            return t("msg.hint.object", lang, field=field, sub=first, example=example)
    if "string" in expected and isinstance(value, (dict, list)):
        return t("msg.hint.text", lang, field=field)
    return ""


def _number_example(sub, value, integer):
    """A number for the hint: the volunteer's own if it is one ("18", "50,9")."""
    try:
        number = float(str(value).strip().replace(",", "."))
        if integer and not number.is_integer():
            raise ValueError
        return int(number) if integer else number
    except ValueError:
        pass
    if "default" in sub:
        return sub["default"]
    lo, hi = sub.get("minimum", 0), sub.get("maximum", 100)
    if integer:
        return 12 if lo <= 12 <= hi else lo
    return round((lo + hi) / 2, 1)


def _value_example(prop, schemas=None) -> str:
    """A short example value for a field, as it would be written in the file."""
    if schemas is not None:
        prop = schemas.resolve(prop)
    desc = prop.get("description", "")
    if "Beispiel: " in desc:
        return desc.split("Beispiel: ", 1)[1].split(" oder ")[0].rstrip(".")
    if "enum" in prop:
        return str(prop["enum"][0])
    typ = prop.get("type")
    if typ == "boolean":
        return "true"
    if typ in ("integer", "number"):
        return str(_number_example(prop, "", typ == "integer"))
    if typ == "array":
        return "[…]"
    return "…"


def _language_example(written) -> str:
    """The code the volunteer meant: "EN" or "Englisch" -> "en"; else "en"."""
    from ..formatting import language_code  # (formatting reads the model's clock: imported when needed)

    text = str(written).strip()
    if re.fullmatch(r"[A-Za-z]{2,3}", text):
        return text.lower()
    return language_code(text) or language_code(text, "en") or "en"


def _example_hint(prop):
    desc = prop.get("description", "")
    return desc


_GERMAN_DATE = re.compile(r"^\s*(\d{1,2})\.\s*(\d{1,2})\.\s*(\d{4}|\d{2})\b")
_LOOSE_TIME = re.compile(r"(?:^|\s)(\d{1,2})(?:[:.](\d{2}))?\s*(?:Uhr\s*)?$")  # one \s* per gap: linear
_DEFAULT_EXAMPLE = {"date": "2026-12-03", "time": '"09:30"', "datetime": '"2026-12-03 10:00"', "id": "mittendrin-troisdorf",
                    "url": "https://www.beispiel.de/", "email": "info@beispiel.de", "postcode": '"53840"'}


def _corrected(kind, value) -> str:
    """The volunteer's value in the expected form when it can be read (03.12.2026 -> 2026-12-03), else a stock example."""
    value = str(value)
    if len(value) > 200:  # no date, time or id was meant: not worth reading
        return _DEFAULT_EXAMPLE.get(kind, "")
    day = None
    m = _GERMAN_DATE.match(value)
    if m:
        d, mo, y = (int(x) for x in m.groups())
        y = y + 2000 if y < 100 else y
        try:
            day = date(y, mo, d).isoformat()
        except ValueError:
            day = None
    rest = value[m.end():] if m else value
    tm = _LOOSE_TIME.search(rest) if kind in ("time", "datetime") else None
    clock = None
    if tm:
        h, mi = int(tm.group(1)), int(tm.group(2) or 0)
        if h < 24 and mi < 60:
            clock = f"{h:02d}:{mi:02d}"
    if kind == "date" and day:
        return day
    if kind == "time" and clock and not m:
        return f'"{clock}"'
    if kind == "datetime" and day:
        return f'"{day} {clock}"' if clock else day
    if kind == "id":
        slug = slugify(value)
        if slug and slug != value:
            return slug
    return _DEFAULT_EXAMPLE.get(kind, "")


def calendar_reason(value, lang):
    """Why 2026-02-30 is no day, and the nearest day that is."""
    try:
        y, m, d = (int(x) for x in str(value)[:10].split("-"))
    except ValueError:
        return "", "2026-12-03"
    if not 1 <= m <= 12:
        return t("msg.hint.no_such_month", lang), f"{y:04d}-12-{min(max(d, 1), 31):02d}"
    last = calendar.monthrange(y, m)[1]
    return t("msg.hint.month_days", lang, month=f"{m:02d}/{y:04d}", days=last), f"{y:04d}-{m:02d}-{min(max(d, 1), last):02d}"


def closest(word, candidates):
    """The candidate the volunteer most likely meant: same but for case,
    the one abbreviation of the word (donnerstag -> do), or a near spelling."""
    word = str(word)
    candidates = [str(c) for c in candidates]
    lower = word.lower()
    same = [c for c in candidates if c.lower() == lower]
    if same:
        return same[0]
    prefix = [c for c in candidates if len(c) >= 2 and lower.startswith(c.lower())]
    if len(prefix) == 1 and len(word) > len(prefix[0]):
        return prefix[0]
    close = difflib.get_close_matches(word, candidates, n=1, cutoff=0.6)
    return close[0] if close else None


def _did_you_mean(word, candidates, lang) -> str:
    close = closest(word, candidates)
    if close is None:
        return ""
    return t("msg.hint.did_you_mean", lang, value=close)


def did_you_mean(word, candidates, lang="de") -> str:
    return _did_you_mean(word, list(candidates), lang)


def _short(value, limit=60):
    s = str(value)
    return s if len(s) <= limit else s[: limit - 1] + "…"
