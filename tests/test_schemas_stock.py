"""The schemas as an editor uses them: valid JSON Schema 2020-12, and a stock
validator (plain jsonschema, the schemas resolved by their file names as the
``# yaml-language-server: $schema=…`` line of every content file points to
them) finds every shipped content file valid – nothing depends on nahbei's own
loader to pass."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml
from jsonschema import Draft202012Validator
from referencing import Registry, Resource

REPO = Path(__file__).resolve().parents[1]
SCHEMAS = {p.name: json.loads(p.read_text("utf-8")) for p in sorted((REPO / "schemas").glob("*.schema.json"))}
BASE = "https://nahbei.invalid/schemas/"
REGISTRY = Registry().with_resources(
    (BASE + name, Resource.from_contents(schema)) for name, schema in SCHEMAS.items())
CONTENT = sorted((REPO / "content").rglob("*.yaml"))
LINE = re.compile(r"^# yaml-language-server: \$schema=(\S+)$", re.M)


class Yaml12(yaml.SafeLoader):
    """Closer to the YAML 1.2 core schema editors use: 2026-11-01 stays text
    (PyYAML's YAML 1.1 would make it a date)."""


Yaml12.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


@pytest.mark.parametrize("name", sorted(SCHEMAS))
def test_schema_is_valid_2020_12(name):
    Draft202012Validator.check_schema(SCHEMAS[name])
    assert SCHEMAS[name]["$schema"] == "https://json-schema.org/draft/2020-12/schema"


@pytest.mark.parametrize("path", CONTENT, ids=lambda p: p.relative_to(REPO).as_posix())
def test_content_file_is_valid_for_a_stock_validator(path):
    text = path.read_text("utf-8")
    target = (path.parent / LINE.search(text).group(1)).resolve()
    assert target.parent == (REPO / "schemas").resolve() and target.name in SCHEMAS, target
    data = yaml.load(text, Loader=Yaml12)
    schema = {"$ref": BASE + target.name}
    errors = sorted(Draft202012Validator(schema, registry=REGISTRY,
                                         format_checker=Draft202012Validator.FORMAT_CHECKER).iter_errors(data),
                    key=lambda e: list(e.path))
    assert not errors, [f"{list(e.path)}: {e.message}" for e in errors]
