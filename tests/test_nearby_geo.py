"""model/geo.py: distances, the postcode table and its check, positions of places and regions."""
from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest

from nahbei.model.check import LoadCache, check
from nahbei.model.geo import (
    Gazetteer,
    GazetteerRow,
    Position,
    distance_km,
    name_key,
    read_gazetteer,
)

REPO = Path(__file__).resolve().parents[1]
TODAY = date(2026, 11, 22)
RULE = "Beispieldaten"


def table(*lines: str) -> bytes:
    return ("\n".join(lines) + "\n").encode()


def codes(problems):
    return [(p.line, p.code) for p in problems]


# -- distances -------------------------------------------------------------------


def test_distance_known_values():
    # Rosetta Code's haversine task: Nashville (BNA) - Los Angeles (LAX) is
    # 2887.2599506 km on a sphere of 6372.8 km; here the mean radius 6371.0088 km
    bna, lax = Position(36.12, -86.67), Position(33.94, -118.40)
    assert distance_km(bna, lax) == pytest.approx(2887.2599506071106 * 6371.0088 / 6372.8, abs=1e-6)
    berlin, hamburg = Position(52.5163, 13.3777), Position(53.5503, 9.9920)
    # one degree of latitude on a sphere of 6371.0088 km: 111.195 km
    assert distance_km(Position(50, 10), Position(51, 10)) == pytest.approx(111.195, abs=0.001)
    # symmetric, zero for the same point
    assert distance_km(hamburg, berlin) == distance_km(berlin, hamburg)
    assert distance_km(berlin, berlin) == 0
    # antipodes: half the circumference, without a domain error
    assert distance_km(Position(0, 0), Position(0, 180)) == pytest.approx(3.141592653589793 * 6371.0088)


def test_name_key_ignores_case_diacritics_and_spelled_umlauts():
    assert name_key("Kölleda") == name_key("kolleda") == name_key("KOELLEDA") == "kolleda"
    assert name_key("Buttstädt") == name_key("Buttstaedt")
    assert name_key("Troisdorf-Mitte") == name_key(" troisdorf  mitte ")
    assert name_key("Großenhain") == name_key("Grossenhain")
    assert name_key("Sömmerda") != name_key("Kölleda")


# -- the table ---------------------------------------------------------------------


def test_read_table_and_lookups():
    g, problems = read_gazetteer(table(
        "postcode,town,lat,lon",
        "99610,Sömmerda,51.16,11.12",
        "99625,Kölleda,51.19,11.24",
        "99625,Kölleda,51.19,11.24",  # the same postcode, same position: fine (one place of several towns)
        "04720,Döbeln,51.12,13.11",
    ))
    assert problems == []
    assert len(g) == 4
    assert g.postcode("99610") == Position(51.16, 11.12, True, "postcode")
    assert g.postcode("04720").lat == 51.12  # the leading zero is kept
    assert g.postcode("12345") is None
    assert g.town("kolleda") == g.town("KÖLLEDA") == Position(51.19, 11.24, True, "town")
    assert g.town("Nirgendwo") is None


def test_town_with_several_postcodes_is_their_centre_and_a_far_namesake_is_ambiguous():
    g = Gazetteer([GazetteerRow("41061", "Mönchengladbach", 51.19, 6.44, 2),
                   GazetteerRow("41063", "Mönchengladbach", 51.21, 6.42, 3),
                   GazetteerRow("67433", "Neustadt", 49.35, 8.14, 4),
                   GazetteerRow("01844", "Neustadt", 51.02, 14.21, 5)])
    mg = g.town("Moenchengladbach")
    assert (mg.lat, mg.lon) == (51.2, 6.43) and mg.approximate
    assert g.town("Neustadt") is None and g.is_ambiguous("Neustadt")
    assert g.postcode("01844") is not None  # its postcodes still work
    assert [name for name, _ in g.towns()] == ["Mönchengladbach"]


def test_semicolon_table_with_decimal_commas():
    g, problems = read_gazetteer("postcode;town;lat;lon\n99610;Sömmerda;51,16;11,12\n".encode())
    assert problems == []
    assert g.postcode("99610") == Position(51.16, 11.12, True, "postcode")


def test_check_messages_name_line_and_what_to_write():
    g, problems = read_gazetteer(table(
        "postcode,town,lat,lon",
        "4720,Döbeln,51.12,13.11",       # 2: leading zero lost
        "99610,Sömmerda,51.16,elf",      # 3: not a number
        "99625,Kölleda,11.24,51.19",     # 4: lat and lon swapped
        "99628,Buttstädt,48.85,2.35",    # 5: Paris
        "53840,Troisdorf,50.82,7.16",    # 6: fine
        "53840,Troisdorf,50.83,7.16",    # 7: same postcode, another position
        "46282,,51.66,6.96",             # 8: no town
        "46282,Dorsten,51.66",           # 9: a column missing
    ))
    assert codes(problems) == [(2, "postcodes.postcode"), (3, "postcodes.number"), (4, "postcodes.swapped"),
                               (5, "postcodes.outside"), (7, "postcodes.duplicate"), (8, "postcodes.town"),
                               (9, "postcodes.columns")]
    text = {p.line: p.format("de") for p in problems}
    assert text[2].startswith("content/postcodes.csv:2:1: Fehler: ") and "04720" in text[2]
    assert "„elf“" in text[3] and "lon" in text[3] and "11.12" in text[3]
    assert "lat 51.19 und lon 11.24" in text[4]
    assert "47.0 bis 55.5" in text[5]
    assert "Zeile 6" in text[7] and "50.82, 7.16" in text[7]
    # English second
    assert "Write lat 51.19 and lon 11.24" in problems[2].message("en")
    # rows with a problem are left out, the others are used
    assert len(g) == 1 and g.postcode("53840").lat == 50.82


@pytest.mark.parametrize("head", ["", "plz,ort,lat,lon", "postcode,town,lon,lat", "postcode,town,lat,lon,extra"])
def test_missing_or_wrong_header(head):
    g, problems = read_gazetteer(table(head, "99610,Sömmerda,51.16,11.12") if head else b"")
    assert codes(problems) == [(1, "postcodes.header")]
    assert "postcode,town,lat,lon" in problems[0].message("de")
    assert not g


# -- in the directory ----------------------------------------------------------------


@pytest.fixture(scope="module")
def example():
    result = check(REPO / "content", today=TODAY, root=REPO)
    assert result.errors == []
    return result.directory


def test_places_get_the_table_position_approximate(example):
    d = example
    for pid, place in d.places.items():
        assert "coordinates" not in place.data, "example places have no coordinates of their own"
        pos = d.place_position(pid)
        assert pos is not None and pos.approximate and pos.basis == "town", pid
    assert d.place_position("aussensprechstunde-koelleda") == Position(51.19, 11.24, True, "town")
    assert d.place_position("no-such-place") is None
    # every example row says it is example data
    assert all(r.example_data and RULE in r.example_data for r in d.gazetteer.rows)


def test_regions_centre_of_their_places_and_narrower_regions(example):
    geo = example.geo
    # Landkreis Sömmerda: the four places of Sömmerda (2), Buttstädt and Kölleda
    lk = geo.region("landkreis-soemmerda")
    assert lk.basis == "region" and lk.approximate
    assert lk.lat == pytest.approx((51.16 * 2 + 51.12 + 51.19) / 4)
    assert lk.lon == pytest.approx((11.12 * 2 + 11.42 + 11.24) / 4)
    assert geo.region("dorsten") is None  # no place there
    assert geo.region("troisdorf") == Position(50.82, 7.16, True, "region")


def test_locate_postcode_town_region(example):
    geo = example.geo
    assert geo.locate("99610") == Position(51.16, 11.12, True, "postcode")
    assert geo.locate(" kolleda ") == Position(51.19, 11.24, True, "town")
    assert geo.locate("Landkreis Sömmerda") == geo.region("landkreis-soemmerda")
    assert geo.locate("troisdorf mitte") == geo.region("troisdorf-mitte")
    assert geo.locate("12345") is None and geo.locate("Atlantis") is None and geo.locate("") is None
    names = {label for label, _ in geo.names().values()}
    assert {"Sömmerda", "Kölleda", "Dorsten", "Landkreis Sömmerda", "Troisdorf-Mitte"} <= names
    assert set(geo.postcodes()) == {"99610", "99628", "99625", "53840", "46282", "04720", "41061"}


def test_own_coordinates_are_exact_and_win(tmp_path):
    content = tmp_path / "content"
    shutil.copytree(REPO / "content", content)
    path = content / "places" / "volkshaus-doebeln.yaml"
    path.write_text(path.read_text("utf-8") + "coordinates:\n  lat: 51.1201\n  lon: 13.1102\n", "utf-8")
    d = check(content, today=TODAY, root=tmp_path).directory
    assert d.place_position("volkshaus-doebeln") == Position(51.1201, 13.1102, False, "coordinates")


def test_check_reports_table_problems_and_keeps_the_cache_working(tmp_path):
    content = tmp_path / "content"
    shutil.copytree(REPO / "content", content)
    csv = content / "postcodes.csv"
    csv.write_text("postcode,town,lat,lon\n99610,Sömmerda,51.16,11.12\n9961,Sömmerda,51.16,11.12\n", "utf-8")
    cache = LoadCache()
    first = check(content, today=TODAY, root=tmp_path, cache=cache)
    assert [p.format("de").split(": Fehler: ")[0] for p in first.errors] == ["content/postcodes.csv:3:1"]
    second = check(content, today=TODAY, root=tmp_path, cache=cache)
    assert [p.code for p in second.errors] == ["postcodes.postcode"]
    csv.write_text("postcode,town,lat,lon\n99610,Sömmerda,51.16,11.12\n", "utf-8")
    third = check(content, today=TODAY, root=tmp_path, cache=cache)
    assert third.errors == [] and third.directory.place_position("jobcenter-soemmerda").basis == "town"
    # without the table: places have no position, nothing fails
    csv.unlink()
    fourth = check(content, today=TODAY, root=tmp_path, cache=cache)
    assert fourth.errors == [] and fourth.directory.place_position("jobcenter-soemmerda") is None


def test_cli_check_names_the_table(tmp_path):
    import subprocess
    import sys
    content = tmp_path / "content"
    shutil.copytree(REPO / "content", content)
    (content / "postcodes.csv").write_text("plz;ort\n", "utf-8")
    proc = subprocess.run([sys.executable, "-m", "nahbei.cli", "check"], capture_output=True,
                          text=True, cwd=tmp_path, timeout=120)
    assert proc.returncode != 0
    assert "postcodes.csv:1:1: Fehler: Die erste Zeile muss die Spaltennamen enthalten" in proc.stdout + proc.stderr


def test_every_text_search_js_reads_is_in_both_locales():
    from nahbei.i18n import catalog
    from nahbei.mkdocs.search.plugin import NEARBY_TEXTS
    for lang in ("de", "en"):
        texts = catalog(lang)
        for _, key in NEARBY_TEXTS:
            assert isinstance(texts.get(f"search.nearby.{key}"), str), (lang, key)


def test_the_table_box_is_the_place_schemas():
    import json

    from nahbei.model.geo import LAT_RANGE, LON_RANGE
    coords = json.loads((REPO / "schemas" / "place.schema.json").read_text("utf-8"))["properties"]["coordinates"]
    lat, lon = coords["properties"]["lat"], coords["properties"]["lon"]
    assert LAT_RANGE == (lat["minimum"], lat["maximum"]) and LON_RANGE == (lon["minimum"], lon["maximum"])


def test_place_page_says_the_position_is_approximate(example_site):
    html = (example_site / "orte" / "aussensprechstunde-koelleda" / "index.html").read_text("utf-8")
    assert '<p class="nb-position">Lage ungefähr: Ortsmitte Kölleda (Beispieldaten:' in html
    # and claims no coordinates in its JSON-LD
    assert "GeoCoordinates" not in html and "latitude" not in html
