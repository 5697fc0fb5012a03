"""JSON Schemas per entity: a fast validity check, and messages for volunteers.

Valid files (nearly all) only pass through jsonschema-rs. Files that fail are
validated again with the Python jsonschema library, whose errors carry the
sub-schema (title, description, examples) needed for a helpful message.
"""
from __future__ import annotations

import difflib
import functools
import json
from pathlib import Path

import jsonschema
import jsonschema_rs
from referencing import Registry, Resource

from ..i18n import t
from .problems import problem

# Internal base URI only: never fetched (the .invalid TLD cannot resolve).
BASE = "https://nahbei.invalid/schemas/"
KINDS = ("offer", "event", "contact", "place", "taxonomy")


def default_schema_dir() -> Path:
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

    def schema(self, kind: str) -> dict:
        return self.raw[f"{kind}.schema.json"]

    @functools.cache
    def fast(self, kind: str):
        return jsonschema_rs.validator_for(
            self.schema(kind), registry=self._rs_registry, validate_formats=True, offline=True
        )

    @functools.cache
    def slow(self, kind: str):
        cls = jsonschema.Draft202012Validator
        return cls(self.schema(kind), registry=self._py_registry, format_checker=cls.FORMAT_CHECKER)

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

    def problems(self, kind: str, data, rel: str, text: str, lang: str, locate):
        """Problems for one document (empty list when valid)."""
        if self.fast(kind).is_valid(data):
            return []
        errors = sorted(self.slow(kind).iter_errors(data), key=lambda e: (list(map(str, e.absolute_path)), e.validator))
        out = []
        seen = set()
        for err in _leaves(errors):
            p = self._problem(err, data, rel, text, lang, locate)
            key = (p.line, p.col, p.code)
            if key not in seen:
                seen.add(key)
                out.append(p)
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
            return problem(rel, line, col, "schema.required", field=missing,
                           title=prop.get("title", missing), where=_where(path, lang),
                           hint=_example_hint(prop))
        if v == "additionalProperties":
            allowed = list(sub.get("properties", {}))
            extra = next(k for k in inst if k not in allowed)
            line, col = locate(text, path + [extra], key=True)
            return problem(rel, line, col, "schema.unknown_field", field=extra, where=_where(path, lang),
                           suggestion=_did_you_mean(extra, allowed, lang), allowed=", ".join(allowed))
        line, col = locate(text, path)
        if v == "type":
            return problem(rel, line, col, "schema.type", field=field,
                           expected=_types(vv, lang), found=_found(inst, lang),
                           hint=_type_hint(vv, inst, field, lang))
        if v == "enum":
            allowed = [str(x) for x in vv]
            return problem(rel, line, col, "schema.enum", field=field, value=_short(inst),
                           suggestion=_did_you_mean(str(inst), allowed, lang), allowed=", ".join(allowed))
        if v in ("pattern", "format"):
            kind_of = _pattern_kind(err, sub)
            if kind_of == "date" and v == "format":
                return problem(rel, line, col, "schema.invalid_date", field=field, value=_short(inst))
            if kind_of:
                example = {"id": "mittendrin-troisdorf"}.get(kind_of, "")
                return problem(rel, line, col, "schema." + kind_of, field=field, value=_short(inst), example=example)
            return problem(rel, line, col, "schema.pattern", field=field, value=_short(inst),
                           title=sub.get("title", field), hint=sub.get("description", ""))
        if v == "minLength":
            return problem(rel, line, col, "schema.too_short", field=field, length=len(inst), limit=vv,
                           hint=sub.get("description", ""))
        if v == "maxLength":
            return problem(rel, line, col, "schema.too_long", field=field, length=len(inst), limit=vv)
        if v == "minItems":
            return problem(rel, line, col, "schema.min_items", field=field, limit=vv, example="…")
        if v == "uniqueItems":
            return problem(rel, line, col, "schema.unique_items", field=field)
        if v in ("minimum", "exclusiveMinimum"):
            return problem(rel, line, col, "schema.minimum", field=field, value=inst, limit=vv)
        if v in ("maximum", "exclusiveMaximum"):
            return problem(rel, line, col, "schema.maximum", field=field, value=inst, limit=vv)
        if v == "minProperties":
            return problem(rel, line, col, "schema.min_items", field=field, limit=vv, example="…")
        if v == "propertyNames":
            return problem(rel, line, col, "schema.id", field=field, value=_short(inst), example="mittendrin-troisdorf")
        return problem(rel, line, col, "schema.other", field=field, detail=err.message)


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
               "Begriff aus content/taxonomy.yaml": "term"}
    if title in mapping:
        yield mapping[title]


def _field_name(path) -> str:
    for part in reversed(path):
        if isinstance(part, str):
            idx = path.index(part)
            tail = [p for p in path[idx + 1:]]
            return part + "".join(f"[{i + 1}]" for i in tail if isinstance(i, int))
    return "(Datei)"


def _where(path, lang) -> str:
    if not path:
        return ""
    return " (in " + _field_name(path) + ")" if lang == "de" else " (in " + _field_name(path) + ")"


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


def _type_hint(expected, value, field, lang):
    expected = [expected] if isinstance(expected, str) else expected
    if "boolean" in expected:
        return t("msg.hint.boolean_words", lang, field=field)
    if "string" in expected and isinstance(value, (int, float)) and not isinstance(value, bool):
        return t("msg.hint.quote_number", lang, field=field, value=value)
    if "array" in expected and isinstance(value, (str, int)):
        return t("msg.hint.list", lang, field=field, value=value)
    return ""


def _example_hint(prop):
    desc = prop.get("description", "")
    return desc


def _did_you_mean(word, candidates, lang) -> str:
    close = difflib.get_close_matches(word, candidates, n=1, cutoff=0.6)
    if not close:
        return ""
    return f" Meinten Sie „{close[0]}“?" if lang == "de" else f' Did you mean "{close[0]}"?'


def did_you_mean(word, candidates, lang="de") -> str:
    return _did_you_mean(word, list(candidates), lang)


def _short(value, limit=60):
    s = str(value)
    return s if len(s) <= limit else s[: limit - 1] + "…"
