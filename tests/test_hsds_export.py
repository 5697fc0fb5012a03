"""The HSDS 3.0 export (nahbei.exchange.hsds): every object it writes
validates against Open Referral's own schemas in ../shared/hsds-3.0 (the
compiled API representations, with jsonschema and, for the formats jsonschema
leaves unchecked here such as ``uri`` and ``date-time``, jsonschema-rs), for
the example content and for a generated directory of 1,000 entries; ids stay
the same between builds; ThINKA's four places are four service_at_locations
with their own hours; invented facts stay marked."""
from __future__ import annotations

import json
import sys
import uuid
from datetime import date
from pathlib import Path

import jsonschema
import jsonschema_rs
import pytest
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "plugins"))

from bench.generate import TODAY, generate  # noqa: E402

from nahbei.exchange import hsds  # noqa: E402
from nahbei.model.check import check  # noqa: E402

HSDS = ROOT.parent / "shared" / "hsds-3.0" / "schema"
SITE = "https://nahbei.example.org/"


def _schema(name: str) -> dict:
    return json.loads((HSDS / name).read_text("utf-8"))


@pytest.fixture(scope="module")
def validators():
    """{schema file: (jsonschema validator, jsonschema-rs validator)}; the plain
    schemas refer to each other by file name (``address.json``)."""
    resources = [(p.name, Resource.from_contents(json.loads(p.read_text("utf-8")), default_specification=DRAFT202012))
                 for p in HSDS.glob("*.json") if p.name != "openapi.json"]
    registry = Registry().with_resources(resources)
    rs_registry = jsonschema_rs.Registry([(p.name, json.loads(p.read_text("utf-8")))
                                          for p in HSDS.glob("*.json") if p.name != "openapi.json"])
    out = {}
    for name in ("compiled/service.json", "compiled/service_list.json", "compiled/organization.json",
                 "compiled/organization_list.json", "location.json", "taxonomy_term.json", "taxonomy.json"):
        schema = _schema(name)
        out[name] = (jsonschema.Draft202012Validator(schema, registry=registry,
                                                     format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER),
                     jsonschema_rs.validator_for(schema, registry=rs_registry, validate_formats=True))
    return out


def _errors(validators, name: str, obj) -> list[str]:
    py, rs = validators[name]
    found = [f"{name} {'/'.join(map(str, e.absolute_path))}: {e.message}" for e in py.iter_errors(obj)]
    found += [f"{name} (jsonschema-rs) {e.instance_path}: {e.message}" for e in rs.iter_errors(obj)]
    return found


def _written(tmp_path: Path, export: hsds.Export, per_page: int) -> Path:
    folder = tmp_path / "api" / "hsds"
    hsds.write(export, folder, per_page=per_page)
    return folder


def _validate_folder(folder: Path, validators) -> dict[str, int]:
    """Validate every file written; the number of objects checked per kind."""
    index = json.loads((folder / "index.json").read_text("utf-8"))
    assert index["version"] == "3.0" and index["timezone"] == "Europe/Berlin"
    errors: list[str] = []
    counts: dict[str, int] = {}
    item_schema = {"services": "compiled/service.json", "organizations": "compiled/organization.json",
                   "locations": "location.json"}
    list_schema = {"services": "compiled/service_list.json", "organizations": "compiled/organization_list.json",
                   "locations": "location.json",  # HSDS has no location_list: the whole locations, paged
                   "taxonomies": "taxonomy.json", "taxonomy_terms": "taxonomy_term.json"}
    for name, files in index["files"].items():
        listed = []
        for rel in files.get("list", ()):
            page = json.loads((folder / rel).read_text("utf-8"))
            assert page["size"] == len(page["contents"]) and page["total_pages"] == len(files["list"])
            listed += page["contents"]
            for obj in page["contents"]:
                errors += _errors(validators, list_schema[name], obj)
        if "item" in files:
            items = sorted((folder / name).glob("*-*-*-*-*.json"))
            assert items, name
            for path in items:
                obj = json.loads(path.read_text("utf-8"))
                assert path.stem == obj["id"]
                errors += _errors(validators, item_schema[name], obj)
            counts[name] = len(items)
            if name == "services":  # each one's service_at_locations are inside it, validated with it
                counts["service_at_locations"] = sum(
                    len(json.loads(p.read_text("utf-8")).get("service_at_locations", ())) for p in items)
            if listed:
                assert sorted(x["id"] for x in listed) == sorted(p.stem for p in items), name
        else:
            counts[name] = len(listed)
    assert not errors, "\n".join(errors[:30]) + f"\n… {len(errors)} errors"
    return counts


@pytest.fixture(scope="module")
def example():
    result = check(ROOT / "content", today=date(2026, 11, 22), root=ROOT)
    assert result.directory is not None
    return result.directory


def test_the_example_export_validates_against_the_hsds_schemas(example, validators, tmp_path):
    export = hsds.build(example, site_url=SITE)
    folder = _written(tmp_path, export, per_page=2)  # several pages of each list
    counts = _validate_folder(folder, validators)
    persons = sum(1 for c in example.contacts.values() if c.kind == "person")
    assert counts["services"] == len(example.offers)
    assert counts["organizations"] == len(example.contacts) - persons
    assert counts["locations"] == len(example.places)
    assert counts["service_at_locations"] == sum(len(o.places) for o in example.offers.values())
    # the directory's terms, and the marker "example_data" (a term of the taxonomy "markers")
    assert counts["taxonomy_terms"] == sum(len(example.taxonomy.vocabulary(v)) for v in hsds.TAXONOMIES) + 1


@pytest.mark.slow
def test_a_generated_directory_of_1000_entries_validates(validators, tmp_path):
    content = tmp_path / "content"
    generate(1000, content)
    result = check(content, today=TODAY, root=tmp_path)
    assert result.directory is not None
    export = hsds.build(result.directory, site_url=SITE, state="Thüringen")
    counts = _validate_folder(_written(tmp_path, export, per_page=hsds.PER_PAGE), validators)
    assert counts["services"] == len(result.directory.offers) == 550
    assert counts["locations"] == len(result.directory.places)
    # with the state known, a place with street and postcode has its postal address
    assert any(loc.get("addresses") for loc in export.locations.values())


def test_ids_are_uuids_of_the_entry_ids_the_same_in_every_build(example):
    first, again = hsds.build(example, site_url=SITE), hsds.build(example, site_url=SITE)
    assert first.services == again.services and first.organizations == again.organizations
    ns = hsds.namespace(SITE)
    for oid in example.offers:
        assert str(uuid.uuid5(ns, f"offer/{oid}")) in first.services
    # parts: the same uuid5 of "<kind>/<id>#<part>" (hsds computes it without uuid's objects)
    thinka = first.services[str(uuid.uuid5(ns, "offer/thinka-soemmerda"))]
    assert thinka["service_at_locations"][0]["id"] == str(uuid.uuid5(ns, "offer/thinka-soemmerda#at-0-thinka-zentrale-soemmerda"))
    assert thinka["service_at_locations"][0]["schedules"][0]["id"] == str(
        uuid.uuid5(ns, "offer/thinka-soemmerda#at-0/hours-0"))
    elsewhere = hsds.build(example, site_url="https://nachbarn.example.org/")
    assert not set(elsewhere.services) & set(first.services)  # another directory, other ids
    ids = [x["id"] for s in first.services.values() for x in _walk_ids(s)]
    assert len(ids) == len(set(ids)), "an id names one object within a service"


def _walk_ids(obj):
    if isinstance(obj, dict):
        if "id" in obj:
            yield obj
        for k, v in obj.items():
            if k not in ("location", "organization", "taxonomy_term"):  # shared objects appear more than once
                yield from _walk_ids(v)
    elif isinstance(obj, list):
        for v in obj:
            yield from _walk_ids(v)


def test_thinka_is_one_service_at_four_locations_each_with_its_own_hours(example):
    export = hsds.build(example, site_url=SITE)
    service = next(s for s in export.services.values() if s["name"].startswith("ThINKA"))
    at = {x["location"]["name"]: x for x in service["service_at_locations"]}
    assert len(at) == 4
    central = next(x for name, x in at.items() if "Zentrale" in name)
    weekly = [s for s in central["schedules"] if s.get("freq") == "WEEKLY"]
    assert [(s["byday"], s["opens_at"], s["closes_at"]) for s in weekly] == [
        ("MO,TU,TH", "09:00:00", "12:00:00"), ("MO,TU,TH", "13:00:00", "15:30:00")]
    assert all(s["valid_from"] == "2022-07-01" for s in weekly)  # the offer's period
    christmas = [s for s in central["schedules"] if s.get("dtstart") == "2026-12-24"]
    assert christmas and "opens_at" not in christmas[0] and christmas[0]["notes"] == "Heiligabend"
    koelleda = next(x for name, x in at.items() if "Kölleda" in name)
    closure = [s for s in koelleda["schedules"] if "freq" not in s and "dtstart" not in s and "valid_to" in s]
    assert [(s["valid_from"], s["valid_to"], s["notes"]) for s in closure] == [
        ("2026-12-21", "2027-01-01", "Weihnachtspause")]
    assert [(s["byday"], s["opens_at"], s["closes_at"]) for s in koelleda["schedules"] if s.get("freq")] == [
        ("TH", "13:00:00", "15:00:00")]
    assert {s["service_at_location_id"] for s in koelleda["schedules"]} == {koelleda["id"]}
    topics = {a["taxonomy_term"]["code"]: a["taxonomy_term"]["name"] for a in service["attributes"]
              if a["link_type"] == "topics"}
    assert topics["beratung"] == example.taxonomy.topics["beratung"].label  # German labels
    assert service["organization"]["name"] == example.contacts[example.offers["thinka-soemmerda"].provider].name


def test_invented_facts_stay_marked_and_ended_offers_are_defunct(example):
    export = hsds.build(example, site_url=SITE)
    for oid, o in example.offers.items():
        s = export.services[str(uuid.uuid5(hsds.namespace(SITE), f"offer/{oid}"))]
        marks = [a for a in s.get("attributes", ()) if a["link_type"] == "example_data"]
        if o.example_data:
            assert marks and marks[0]["value"] == o.example_data.strip()
            assert o.example_data.strip() in s["alert"]
        else:
            assert not marks and "alert" not in s
        assert s["status"] == ("defunct" if o.is_ended(example.today) else "active"), oid
    assert any(o.is_ended(example.today) for o in example.offers.values())
    for loc in export.locations.values():
        place = example.places[loc["external_identifier"]]
        assert bool(place.example_data) == any(a["link_type"] == "example_data" for a in loc.get("attributes", ()))
