"""The HSDS 3.0 Tabular Data Package (nahbei.exchange.tabular): the zip the
build writes validates with frictionless against HSDS' own descriptor (types,
required fields, enums, primary and foreign keys), for the example site and a
generated N=1,000 directory; the tables say what the JSON export says; the
same data give the same bytes."""
from __future__ import annotations

import csv
import io
import json
import sys
import zipfile
from datetime import date, datetime, timezone
from pathlib import Path

import frictionless
import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "plugins"))

from bench.generate import TODAY, generate  # noqa: E402

from nahbei.exchange import hsds, tabular  # noqa: E402
from nahbei.model.check import check  # noqa: E402

SITE = "https://nahbei.example.org/"
SPEC = ROOT.parent / "shared" / "hsds-3.0" / "datapackage.json"
META = {"title": "nahbei Beispiel", "homepage": SITE, "licence": "CC BY 4.0",
        "licence_url": "https://creativecommons.org/licenses/by/4.0/deed.de",
        "created": datetime(2026, 11, 22, 6, 0, tzinfo=timezone.utc)}


def _validate(zip_path: Path, tmp_path: Path) -> frictionless.Report:
    folder = tmp_path / "unzipped"
    with zipfile.ZipFile(zip_path) as z:
        z.extractall(folder)
    return frictionless.validate(str(folder / "datapackage.json"))


def _problems(report: frictionless.Report) -> str:
    return "\n".join(f"{row[0]}: {row[1]}" for row in report.flatten(["type", "message"])[:20])


def _table(zip_path: Path, name: str) -> list[dict]:
    with zipfile.ZipFile(zip_path) as z:
        return list(csv.DictReader(io.StringIO(z.read(name).decode("utf-8"))))


@pytest.fixture(scope="module")
def example():
    result = check(ROOT / "content", today=date(2026, 11, 22), root=ROOT)
    assert result.directory is not None
    return result.directory


def test_the_vendored_descriptor_is_the_specifications(example):
    assert json.loads(tabular.DESCRIPTOR.read_text("utf-8")) == json.loads(SPEC.read_text("utf-8"))


def test_the_example_package_validates_and_says_what_the_json_says(example, tmp_path):
    export = hsds.build(example, site_url=SITE)
    path = tabular.write_zip(export, tmp_path / tabular.ZIP_NAME, **META)
    report = _validate(path, tmp_path)
    assert report.valid, _problems(report)
    desc = json.loads(zipfile.ZipFile(path).read("datapackage.json"))
    assert desc["licenses"][0]["name"] == "CC BY 4.0" and desc["created"] == "2026-11-22T06:00:00Z"
    assert [r["name"] for r in desc["resources"]] == [r["name"] for r in json.loads(SPEC.read_text("utf-8"))["resources"]]

    services = {r["id"]: r for r in _table(path, "services.csv")}
    assert set(services) == set(export.services)
    for sid, s in export.services.items():
        row = services[sid]
        assert (row["name"], row["status"], row["organization_id"]) == (s["name"], s["status"], s["organization_id"])
        assert row["description"] == s["description"]
    schedules = _table(path, "schedules.csv")
    expected = {x["id"] for s in export.services.values() for sal in s.get("service_at_locations", ())
                for x in sal.get("schedules", ())}
    assert {r["id"] for r in schedules} == expected and expected
    weekly = [r for r in schedules if r["freq"] == "WEEKLY"]
    assert weekly and all(len(r["opens_at"]) == 8 and r["byday"] for r in weekly)  # 09:00:00, MO,TU
    sal = _table(path, "service_at_location.csv")
    assert len(sal) == sum(len(o.places) for o in example.offers.values())
    # example data stay marked: one attribute per example entry's object, naming the marker term
    marks = [r for r in _table(path, "attributes.csv") if r["link_type"] == "example_data"]
    terms = {r["id"]: r for r in _table(path, "taxonomy_terms.csv")}
    assert marks and all(terms[r["taxonomy_term_id"]]["code"] == "example_data" and r["value"] for r in marks)
    marked_services = {r["link_id"] for r in marks if r["link_entity"] == "service"}
    assert marked_services == {s["id"] for s in export.services.values() if "alert" in s}


def test_a_person_named_by_two_offers_is_two_contacts_with_distinct_ids(example, tmp_path):
    """An HSDS contact has one service_id: a person on two offers is a contact
    per offer, and the table's primary key holds."""
    export = hsds.build(example, site_url=SITE)
    rows = tabular.tables(export)["contact"]
    assert len({r["id"] for r in rows}) == len(rows)
    per_service = [r for r in rows if r["service_id"]]
    named = sum(len(o.get("contacts", ())) for o in example.offers.values())
    assert len(per_service) == named > 0


def test_the_validator_finds_a_dangling_key_and_a_wrong_status(example, tmp_path):
    """The check above can fail: the same package with one service naming an
    organisation that is not there and a status HSDS does not know."""
    export = hsds.build(example, site_url=SITE)
    sid = sorted(export.services)[0]
    export.services[sid] = dict(export.services[sid], status="open",
                                organization_id="00000000-0000-4000-8000-000000000000")
    report = _validate(tabular.write_zip(export, tmp_path / "broken.zip", **META), tmp_path)
    assert not report.valid
    kinds = {row[0] for row in report.flatten(["type"])}
    assert {"constraint-error", "foreign-key"} <= kinds, kinds


def test_the_same_data_give_the_same_bytes(example, tmp_path):
    export = hsds.build(example, site_url=SITE)
    a = tabular.write_zip(export, tmp_path / "a.zip", **META).read_bytes()
    b = tabular.write_zip(hsds.build(example, site_url=SITE), tmp_path / "b.zip", **META).read_bytes()
    assert a == b


def test_one_id_for_two_different_objects_stops_the_export(example):
    export = hsds.build(example, site_url=SITE)
    first, second = sorted(export.locations)[:2]
    export.locations[second] = dict(export.locations[second], id=first)
    with pytest.raises(ValueError, match="two different objects with one id"):
        tabular.tables(export)


@pytest.mark.slow
def test_a_generated_directory_of_1000_entries_validates_with_addresses(tmp_path):
    content = tmp_path / "content"
    generate(1000, content)
    result = check(content, today=TODAY, root=tmp_path)
    assert result.directory is not None
    export = hsds.build(result.directory, site_url=SITE, state="Thüringen")
    path = tabular.write_zip(export, tmp_path / tabular.ZIP_NAME, **META)
    report = _validate(path, tmp_path)
    assert report.valid, _problems(report)
    assert len(_table(path, "services.csv")) == 550
    complete = [p for p in result.directory.places.values()
                if p.address.get("street") and p.address.get("postcode")]
    addresses = _table(path, "addresses.csv")
    assert len(addresses) == len(complete) > 0
    assert {a["state_province"] for a in addresses} == {"Thüringen"}
