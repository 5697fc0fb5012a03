"""The distance file (assets/nahbei-search/nearby.json) of the example build: one
line per Pagefind result id, the same positions as model/geo.py, postcodes and
names for the completion; and the file from synthetic fragments."""
from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from nahbei.mkdocs.search import nearby
from nahbei.model.check import check
from nahbei.model.geo import NO_PLACE, UNKNOWN, Position, entry_positions_text

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def directory():
    from datetime import date
    return check(REPO / "content", today=date(2026, 11, 22), root=REPO).directory


def fragment(folder: Path, rid: str, url: str, geo: str | None) -> None:
    meta = {"title": "x", **({"geo": geo} if geo is not None else {})}
    body = json.dumps({"url": url, "content": 'Text mit "geo":"1,2" im Inhalt', "meta": meta},
                      ensure_ascii=False).encode()
    (folder / f"{rid}.pf_fragment").write_bytes(gzip.compress(b"pagefind_dcd" + body))


def test_file_from_fragments(tmp_path, directory):
    bundle = tmp_path / "pagefind"
    (bundle / "fragment").mkdir(parents=True)
    fragment(bundle / "fragment", "de_a", "/angebote/a/", "51.16,11.12 ~51.19,11.24")
    fragment(bundle / "fragment", "de_b", "/orte/b/", "~51.19,11.24")
    fragment(bundle / "fragment", "de_c", "/angebote/c/", NO_PLACE)
    fragment(bundle / "fragment", "de_d", "/kontakte/d/", UNKNOWN)
    fragment(bundle / "fragment", "de_e", "/seite/", None)  # not an entry: left out
    path, count = nearby.write_nearby(tmp_path / "site", bundle, directory.geo)
    data = json.loads(path.read_text("utf-8"))
    assert count == 4 and path == tmp_path / "site" / nearby.NEARBY
    assert data["e"] == {"de_a": [0, 1], "de_b": 1, "de_c": [], "de_d": -1}
    assert data["p"][:4] == [51.16, 11.12, 51.19, 11.24]
    assert 1 in data["a"] and 0 not in data["a"]  # the second position is approximate
    # postcodes with town, names for the completion: the table's and the regions'
    assert data["z"]["99625"][1] == "Kölleda"
    i = data["z"]["99625"][0]
    assert data["p"][2 * i: 2 * i + 2] == [51.19, 11.24]
    names = {label for label, _ in data["n"]}
    assert {"Kölleda", "Landkreis Sömmerda", "Troisdorf-Mitte"} <= names


def test_example_build_writes_the_file_for_its_bundle(example_site, directory):
    data = json.loads((example_site / nearby.NEARBY).read_text("utf-8"))
    fragments = {}
    # (nearby.json: the results of the site's own language; each other language has its own file)
    for f in (example_site / "pagefind" / "fragment").glob("de_*.pf_fragment"):
        raw = gzip.decompress(f.read_bytes())
        fragments[f.name.removesuffix(".pf_fragment")] = json.loads(raw[raw.index(b"{"):])
    assert set(data["e"]) == set(fragments), "every result id, and only those"
    kinds = {"angebote": "offer", "veranstaltungen": "event", "kontakte": "contact", "orte": "place"}
    for rid, value in data["e"].items():
        url = fragments[rid]["url"]
        segment, ident = url.strip("/").split("/")
        expected = entry_positions_text(directory, kinds[segment], ident)
        assert fragments[rid]["meta"]["geo"] == expected, url
        if expected == NO_PLACE:
            assert value == []
        elif expected == UNKNOWN:
            assert value == -1
        else:
            indices = value if isinstance(value, list) else [value]
            got = [Position(data["p"][2 * i], data["p"][2 * i + 1], i in data["a"]) for i in indices]
            want = [Position(float(t.lstrip("~").split(",")[0]), float(t.lstrip("~").split(",")[1]), t.startswith("~"))
                    for t in expected.split()]
            assert got == want, url
    # the example places have no coordinates: every position is approximate
    assert sorted(data["a"]) == list(range(len(data["p"]) // 2))
    assert set(data["z"]) == {"99610", "99628", "99625", "53840", "46282", "04720", "41061"}
    # small: the whole example file
    assert len(gzip.compress((example_site / nearby.NEARBY).read_bytes())) < 1024
