"""`nahbei import hsds` (nahbei.exchange.hsds_import): HSDS 3.0 in, as entry files.

The round trip: a directory's export (JSON folder, or the Tabular Data Package)
imported into an empty folder passes `nahbei check`, and its export equals the
first one object for object, ids included. Re-running changes no file, a
change upstream updates the entry it came from, and a file changed by hand is
not overwritten. The specification's own examples import with a report.
"""
from __future__ import annotations

import shutil
import sys
from datetime import date
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "plugins"), str(ROOT)]

from bench.generate import TODAY, generate  # noqa: E402

from nahbei import cli  # noqa: E402
from nahbei.exchange import hsds, hsds_import, tabular  # noqa: E402
from nahbei.i18n import t  # noqa: E402
from nahbei.model.check import check  # noqa: E402

SITE = "https://nahbei.example.org/"
STATE = "Thüringen"
EXAMPLES = ROOT.parent / "shared" / "hsds-3.0" / "examples"


def _export(content: Path, root: Path, today: date) -> hsds.Export:
    result = check(content, today=today, root=root)
    assert result.directory is not None, [p.format("en") for p in result.problems]
    return hsds.build(result.directory, site_url=SITE, state=STATE)


def _import(source, content: Path, today: date = TODAY, name: str = "nachbarn"):
    data = hsds_import.read(str(source))
    planned, taxonomy = hsds_import.plan(data, content, source_name=name, today=today, lang="en")
    return hsds_import.apply(planned, taxonomy, content)


def _same(first: hsds.Export, again: hsds.Export) -> None:
    for name in ("services", "organizations", "locations"):
        a, b = getattr(first, name), getattr(again, name)
        assert set(a) == set(b), name
        for oid in a:
            assert a[oid] == b[oid], (name, a[oid].get("name"))
    assert first.taxonomy_terms == again.taxonomy_terms
    assert first.taxonomies == again.taxonomies


def _errors(content: Path, root: Path, today: date) -> list[str]:
    return [p.format("en") for p in check(content, today=today, root=root).problems]


def _files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*.yaml"))}


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    """A generated directory (200 entries, full addresses) and its export written as api/hsds."""
    base = tmp_path_factory.mktemp("generated")
    generate(200, base / "content")
    export = _export(base / "content", base, TODAY)
    hsds.write(export, base / "api" / "hsds")
    tabular.write_zip(export, base / "api" / "hsds" / tabular.ZIP_NAME, homepage=SITE)
    return base, export


@pytest.mark.parametrize("source", ["api/hsds/index.json", "api/hsds", f"api/hsds/{tabular.ZIP_NAME}"])
def test_round_trip_export_import_check_export_gives_the_same_objects(generated, tmp_path, source):
    base, first = generated
    content = tmp_path / "content"
    outcome = _import(base / source, content)
    assert {p.status for p in outcome.planned} == {"new"}
    assert outcome.taxonomy is not None  # the folder was empty: the terms came with the data
    assert _errors(content, tmp_path, TODAY) == []
    # the same entry ids as the first directory: verified against the UUIDs of its site
    assert sorted(p.stem for p in content.glob("offers/*.yaml")) == sorted(
        p.stem for p in (base / "content" / "offers").glob("*.yaml"))
    _same(first, _export(content, tmp_path, TODAY))


def test_running_again_changes_nothing_and_an_upstream_change_updates_the_same_file(generated, tmp_path):
    base, first = generated
    content = tmp_path / "content"
    _import(base / "api/hsds", content)
    before = _files(content)
    again = _import(base / "api/hsds", content, today=date(2027, 3, 1))  # later: `imported` keeps its date
    assert {p.status for p in again.planned} == {"unchanged"}
    assert _files(content) == before

    # upstream renames one service
    upstream = tmp_path / "upstream"
    shutil.copytree(base / "api", upstream)
    sid = next(iter(first.services))
    item = upstream / "hsds" / "services" / f"{sid}.json"
    item.write_text(item.read_text("utf-8").replace(first.services[sid]["name"], "Neuer Name des Angebots"), "utf-8")
    # meanwhile a volunteer adds search words to that offer: a field the import does not write
    mine = next(p for p in content.glob("offers/*.yaml") if yaml.safe_load(p.read_text("utf-8"))["source"]["id"] == sid)
    mine.write_text(mine.read_text("utf-8") + "keywords: [Nachbarschaft]\n", "utf-8")
    before[mine.relative_to(content).as_posix()] = mine.read_bytes()
    changed = _import(upstream / "hsds", content, today=date(2027, 3, 1))
    updated = [p for p in changed.planned if p.status == "updated"]
    assert [(p.kind, p.record) for p in updated] == [("offer", sid)]
    after = _files(content)
    assert set(after) == set(before)  # no second file for the same offer
    data = yaml.safe_load(updated[0].path.read_text("utf-8"))
    assert data["name"] == "Neuer Name des Angebots"
    assert data["source"]["imported"] == date(2027, 3, 1)
    assert data["keywords"] == ["Nachbarschaft"]  # the volunteer's field stays
    assert _errors(content, tmp_path, TODAY) == []


def test_a_file_changed_by_hand_is_not_overwritten_and_the_command_says_so(generated, tmp_path, capsys):
    base, first = generated
    content = tmp_path / "content"
    _import(base / "api/hsds", content)
    offer = sorted(content.glob("offers/*.yaml"))[0]
    edited = offer.read_text("utf-8").replace("status: active", "status: paused")
    assert edited != offer.read_text("utf-8")
    offer.write_text(edited, "utf-8")
    # upstream changes the same offer
    upstream = tmp_path / "upstream"
    shutil.copytree(base / "api", upstream)
    record = yaml.safe_load(edited)["source"]["id"]
    item = upstream / "hsds" / "services" / f"{record}.json"
    item.write_text(item.read_text("utf-8").replace(first.services[record]["name"], "Anders benannt"), "utf-8")

    code = cli.main(["--lang", "en", "import", "hsds", str(upstream / "hsds"), "--content", str(content),
                     "--name", "nachbarn"])
    out = capsys.readouterr().out
    assert code == 1
    assert offer.read_text("utf-8") == edited  # the volunteer's change stands
    assert f"Not overwritten: offer “Anders benannt” ({offer.as_posix()})" in out
    assert "changed by hand since the last import" in out


def test_the_example_site_imports_with_a_report_of_what_it_lacks(tmp_path):
    """The example places have no street and postcode (their seed texts name none),
    so the export has no address for them and the import no town: the report says
    so, and `nahbei check` names exactly those placeholders."""
    today = date(2026, 11, 22)
    first = _export(ROOT / "content", ROOT, today)
    hsds.write(first, tmp_path / "api")
    content = tmp_path / "content"
    outcome = _import(tmp_path / "api", content, today=today)
    lacking = {p.ident for p in outcome.planned if p.kind == "place"
               and any("address" in n for n in p.notes)}
    assert lacking == {p.stem for p in (ROOT / "content" / "places").glob("*.yaml")
                       if "street" not in (yaml.safe_load(p.read_text("utf-8"))["address"])}
    problems = check(content, today=today, root=tmp_path).problems
    assert {(Path(p.path).stem, p.code) for p in problems} == {(x, "placeholder.town") for x in lacking}

    # the volunteer writes the towns in: the rest is the example site's export again
    for ident in lacking:
        path = content / "places" / f"{ident}.yaml"
        town = yaml.safe_load((ROOT / "content" / "places" / f"{ident}.yaml").read_text("utf-8"))["address"]["town"]
        path.write_text(path.read_text("utf-8").replace(hsds_import.placeholder("town", "en"), town), "utf-8")
    assert _errors(content, tmp_path, today) == []
    again = _export(content, tmp_path, today)
    _same(first, again)
    # invented facts stay marked across the trip
    assert all(s.get("alert") for s in again.services.values())


def test_into_a_folder_with_its_own_taxonomy_terms_map_by_code_and_unknown_ones_are_reported(generated, tmp_path):
    base, _ = generated
    content = tmp_path / "content"
    content.mkdir()
    (content / "taxonomy.yaml").write_text(yaml.safe_dump({
        "topics": {"beratung": {"label": "Beratung"}},
        "target_groups": {"alle": {"label": "Alle"}},
        "regions": {"siegburg": {"label": "Siegburg"}}}, allow_unicode=True), "utf-8")
    outcome = _import(base / "api/hsds", content)
    assert outcome.taxonomy is None  # the folder's own stays
    offers = [p for p in outcome.planned if p.kind == "offer"]
    with_counselling = [p for p in offers if "beratung" in p.data["topics"]]
    assert with_counselling
    unknown = t("hsds_import.note.term", "en", name="")
    assert any(n.startswith(unknown.split("“")[0]) for p in offers for n in p.notes)
    # an offer none of whose topics exist here gets the placeholder, and check names it
    holes = [p for p in offers if p.data["topics"] == [hsds_import.placeholder("topics", "en")]]
    assert holes
    codes = {p.code for p in check(content, today=TODAY, root=tmp_path).problems}
    assert "placeholder.topics" in codes


@pytest.mark.parametrize("example", sorted(p.name for p in EXAMPLES.glob("*.json")) + ["csv/datapackage.json"])
def test_the_specifications_examples_import_with_a_report_and_no_crash(example, tmp_path, capsys):
    content = tmp_path / "content"
    code = cli.main(["--lang", "en", "import", "hsds", str(EXAMPLES / example), "--content", str(content)])
    out, err = capsys.readouterr()
    written = sorted(content.rglob("*.yaml")) if content.exists() else []
    if example in ("base.json", "tabular.json", "taxonomy.json", "taxonomy_list.json",
                   "taxonomy_term.json", "taxonomy_term_list.json"):
        # no service, organization or location in them
        assert code == 1 and "holds no services, organizations or locations" in err
        assert not written
        return
    assert code == 0, err
    assert written and all(isinstance(yaml.safe_load(p.read_text("utf-8")), dict) for p in written)
    assert "New: " in out
    # what the examples lack (a German town, topics from our taxonomy) is reported, not invented
    assert "  - " in out
    problems = check(content, today=TODAY, root=tmp_path).problems
    assert all(p.code.startswith("placeholder.") or p.path.endswith("taxonomy.yaml")
                            or p.code.startswith(("ref.", "term.")) for p in problems), \
        [p.format("en") for p in problems]


def test_a_directory_is_imported_from_its_web_address(generated, tmp_path):
    """The address of a site's api/hsds/index.json: every page and item is fetched
    over http, and the result is the one the folder gives."""
    from tests.support.server import SiteServer

    base, _ = generated
    with SiteServer(base) as server:
        by_url = _import(server.url("api/hsds/index.json"), tmp_path / "by-url")
        fetched = [r for r in server.requests if "/api/hsds/" in r]
    by_folder = _import(base / "api" / "hsds", tmp_path / "by-folder")
    assert len(fetched) > 100  # the index, the pages and every service and organization
    assert _files(tmp_path / "by-url") == _files(tmp_path / "by-folder")
    assert len(by_url.planned) == len(by_folder.planned)
