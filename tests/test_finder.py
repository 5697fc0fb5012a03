"""The finder "Worum geht es?" (life situations in content/taxonomy.yaml):
what ``nahbei check`` says about a situation, the model's rule of what it
leads to, the example content, and the pages of a real ``mkdocs build --strict``
read back with an independent HTML parser. In Chromium: test_finder_browser.py.
"""
from __future__ import annotations

import shutil
import sys
from datetime import date
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml

if __package__ in (None, "") and str(Path(__file__).resolve().parents[1]) not in sys.path:
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.support.htmlcheck import parse_html
from tests.test_site_build import _resolve, mkdocs_build

from nahbei.model.check import check
from nahbei.model.directory import Directory, Event, Offer, Taxonomy, _freeze

REPO = Path(__file__).resolve().parents[1]
TODAY = date(2026, 11, 22)  # as SOURCE_DATE_EPOCH in tests.test_site_build

# -- nahbei check ---------------------------------------------------------------------

#: (case, the situations block of content/taxonomy.yaml, the expected lines in German).
#: "@n:" stands for "content/taxonomy.yaml:<line n of the block>:".
CHECK_CASES = [
    ("no-topics-groups-or-keywords",
     "situations:\n  allein:\n    label: Ich bin viel allein\n",
     ["@3:5: Fehler: Das Pflichtfeld „topics“ (Themen – oder stattdessen target_groups oder keywords) fehlt "
      "(unter „allein“). Ergänzen Sie eine Zeile, z. B. topics: [einsamkeit]"]),
    ("empty-topics-list",
     "situations:\n  allein:\n    label: Ich bin viel allein\n    topics: []\n",
     ["@4:13: Fehler: „topics“ ist leer, braucht aber mindestens 1 Eintrag. Beispiel: topics: […]"]),
    ("unknown-topic",
     "situations:\n  allein:\n    label: Ich bin viel allein\n    topics: [begegnung, einsamkeiten]\n",
     ["@4:25: Fehler: Lebenslage „allein“, topics: „einsamkeiten“ steht nicht unter „topics:“ in dieser Datei. "
      "Meinten Sie „einsamkeit“? Vorhanden sind: arbeit, begegnung, beratung, ehrenamt, einsamkeit, gesundheit, "
      "integration, mentoring, sozialplanung, teilhabe."]),
    ("unknown-target-group",
     "situations:\n  helfen:\n    label: Ich möchte helfen\n    target_groups:\n      - ehrenamtlich\n",
     ["@5:9: Fehler: Lebenslage „helfen“, target_groups: „ehrenamtlich“ steht nicht unter „target_groups:“ in "
      "dieser Datei. Meinten Sie „ehrenamtliche“? Vorhanden sind: alle, ehrenamtliche, erwachsene, fachleute, "
      "familien, gefluechtete, jugendliche, senioren, sozial-benachteiligte."]),
    ("bad-situation-id",
     "situations:\n  Allein:\n    label: Ich bin viel allein\n    topics: [einsamkeit]\n",
     ["@2:3: Fehler: „Allein“ ist keine gültige Kennung. Erlaubt sind Kleinbuchstaben, Ziffern und Bindestriche "
      "(keine Umlaute, keine Leerzeichen). Beispiel: allein"]),
    ("matches-no-offer",
     "situations:\n  allein:\n    label: Ich bin viel allein\n    topics: [einsamkeit]\n"
     "  zauber:\n    label: Ich möchte zaubern\n    keywords: [Zauberei]\n",
     ["@5:3: Warnung: Die Lebenslage „Ich möchte zaubern“ führt zurzeit zu keinem laufenden Angebot: Wer sie "
      "unter „Worum geht es?“ wählt, findet nichts. Tragen Sie Themen (topics), Zielgruppen (target_groups) oder "
      "Suchwörter (keywords) ein, die zu Angeboten passen, oder löschen Sie die Lebenslage."]),
    ("only-the-ended-offer-matches",
     "situations:\n  planen:\n    label: Ich plane ein Quartier\n    topics: [sozialplanung]\n",
     ["@2:3: Warnung: Die Lebenslage „Ich plane ein Quartier“ führt zurzeit zu keinem laufenden Angebot: Wer sie "
      "unter „Worum geht es?“ wählt, findet nichts. Tragen Sie Themen (topics), Zielgruppen (target_groups) oder "
      "Suchwörter (keywords) ein, die zu Angeboten passen, oder löschen Sie die Lebenslage."]),
    ("valid-keywords-only",
     "situations:\n  schulden:\n    label: Ich habe Schulden\n    keywords: [Schulden]\n", []),
]


def content_with_situations(tmp_path: Path, block: str) -> tuple[Path, int]:
    """A copy of the example content whose taxonomy has ``block`` as its situations;
    the line of the block's first line in the file."""
    content = tmp_path / "content"
    shutil.copytree(REPO / "content", content)
    tax = content / "taxonomy.yaml"
    text = tax.read_text("utf-8")
    head = text[:text.index("\nsituations:\n") + 1]
    tax.write_text(head + block, "utf-8")
    return content, head.count("\n") + 1


@pytest.mark.parametrize(("block", "expected"), [c[1:] for c in CHECK_CASES], ids=[c[0] for c in CHECK_CASES])
def test_check_reports_situations_with_file_line_and_field(tmp_path, block, expected):
    content, first = content_with_situations(tmp_path, block)
    result = check(content, today=TODAY, root=tmp_path)
    lines = [p.format("de") for p in result.problems]
    want = []
    for x in expected:
        at, rest = x[1:].split(":", 1)
        want.append(f"content/taxonomy.yaml:{first + int(at) - 1}:{rest}")
    assert lines == want
    assert (result.directory is None) == any(": Fehler: " in x for x in want)
    # the English messages say the same without the schema's German words
    english = [p.format("en") for p in check(content, today=TODAY, root=tmp_path, lang="en").problems]
    assert len(english) == len(want)
    assert not any(w in x for x in english for w in ("Fehler", "Warnung", "Lebenslage", "Themen"))


# -- the model's rule ---------------------------------------------------------------------

TAXONOMY = {
    "topics": {"hilfe": {"label": "Hilfe"}, "schulden": {"label": "Schulden", "parent": "hilfe"},
               "sport": {"label": "Sport"}},
    "target_groups": {"alle": {"label": "Alle"}, "familien": {"label": "Familien"},
                      "alleinerziehende": {"label": "Alleinerziehende", "parent": "familien"},
                      "senioren": {"label": "Senioren"}},
    "regions": {"kreis": {"label": "Kreis"}, "nord": {"label": "Nord", "parent": "kreis"}},
    "situations": {
        "geld": {"label": "Mir fehlt Geld", "topics": ["hilfe"], "keywords": ["Kredit", "Mahnung"]},
        "alt": {"label": "Ich bin alt", "target_groups": ["senioren"]},
    },
}


def offer(oid, topics, groups, summary="Ein Angebot vor Ort.", **extra) -> Offer:
    data = {"id": oid, "name": oid.title(), "summary": summary, "status": "active", "topics": topics,
            "target_groups": groups, "provider": "verein", **extra}
    return Offer(oid, f"content/offers/{oid}.yaml", _freeze(data))


def event(eid, start, **extra) -> Event:
    return Event.from_data({"id": eid, "title": eid.title(), "start": start, "organiser": "verein", **extra},
                           f"content/events/{eid}.yaml")


def small_directory() -> Directory:
    offers = [
        offer("beratung", ["hilfe"], ["alle"]),  # the situation's topic
        offer("schuldner", ["schulden"], ["alleinerziehende"]),  # a narrower topic, a narrower group
        offer("treff", ["sport"], ["senioren"]),  # by target group only (situation "alt")
        offer("laden", ["sport"], ["familien"], summary="Hilfe, wenn eine MAHNUNG kommt."),  # a keyword, any case
        offer("kreditkarte", ["sport"], ["familien"], keywords=["Kreditkarten"]),  # not the whole word
        offer("alt-beratung", ["schulden"], ["familien"], status="ended"),  # ended: never
        offer("teuer", ["sport"], ["alle"], keywords=["Kredit"]),  # a keyword in keywords
    ]
    events = [
        event("sprechstunde", "2026-12-01 10:00", offer="teuer"),  # belongs to a matching offer
        event("vortrag", "2026-12-02 18:00", topics=["schulden"], target_groups=["familien"]),  # own topic
        event("turnier", "2026-12-03 18:00", topics=["sport"], target_groups=["senioren"]),
        event("vorbei", "2026-11-01 18:00", topics=["hilfe"], target_groups=["alle"]),  # before today
    ]
    return Directory.build({o.id: o for o in offers}, {e.id: e for e in events}, {}, {},
                           Taxonomy.from_data(TAXONOMY), TODAY)


def ids(items) -> list[str]:
    return sorted(x.id for x in items)


def test_a_situation_is_a_typed_frozen_term_of_the_taxonomy():
    s = Taxonomy.from_data(TAXONOMY).situations["geld"]
    assert (s.id, s.label, s.description, s.topics, s.target_groups, s.keywords) == (
        "geld", "Mir fehlt Geld", None, ("hilfe",), (), ("Kredit", "Mahnung"))
    with pytest.raises(AttributeError):
        s.label = "anders"
    assert Taxonomy.from_data({}).situations == {}


@pytest.mark.parametrize(("situation", "group", "expected"), [
    # topic and narrower topics, keywords as whole words in name, summary or keywords; never ended offers
    ("geld", None, ["beratung", "laden", "schuldner", "teuer"]),
    # a group keeps the offers for it or a narrower group
    ("geld", "familien", ["laden", "schuldner"]),
    ("geld", "alleinerziehende", ["schuldner"]),
    ("geld", "alle", ["beratung", "teuer"]),
    ("geld", "senioren", []),
    # a target group of the situation (and only that)
    ("alt", None, ["treff"]),
])
def test_situation_offers(situation, group, expected):
    assert ids(small_directory().situation_offers(situation, group)) == expected


def test_situation_groups_are_those_with_offers_in_taxonomy_order():
    d = small_directory()
    assert d.situation_groups("geld") == ("alle", "familien", "alleinerziehende")
    assert d.situation_groups("alt") == ("senioren",)


def test_a_group_for_everyone_counts_for_every_group_and_is_no_choice_of_its_own():
    taxonomy = {**TAXONOMY, "target_groups": {**TAXONOMY["target_groups"],
                                              "alle": {"label": "Alle", "everyone": True}}}
    d = small_directory()
    d = Directory.build(d.offers, d.events, {}, {}, Taxonomy.from_data(taxonomy), TODAY)
    # "beratung" and "teuer" are for "alle": they stay when a group is chosen
    assert ids(d.situation_offers("geld", "familien")) == ["beratung", "laden", "schuldner", "teuer"]
    assert ids(d.situation_offers("geld", "senioren")) == ["beratung", "teuer"]
    assert d.situation_groups("geld") == ("familien", "alleinerziehende", "senioren")
    # only target groups can be for everyone
    topics = {**TAXONOMY["topics"], "sport": {"label": "Sport", "everyone": True}}
    assert not Taxonomy.from_data({**taxonomy, "topics": topics}).topics["sport"].everyone


def test_situation_events_and_their_next_dates():
    d = small_directory()
    # an event of a matching offer, one with a matching topic of its own, any date
    assert ids(d.situation_events("geld")) == ["sprechstunde", "vorbei", "vortrag"]
    assert ids(d.situation_events("geld", "familien")) == ["vortrag"]
    assert ids(d.situation_events("alt")) == ["turnier"]
    dates = d.occurrences(TODAY, date(2026, 12, 31), d.situation_events("geld"))
    assert [o.event_id for o in dates] == ["sprechstunde", "vortrag"]


# -- the example content ------------------------------------------------------------------

@pytest.fixture(scope="module")
def example():
    result = check(REPO / "content", today=TODAY, root=REPO)
    assert result.problems == []
    return result.directory


def test_every_example_situation_leads_to_an_offer(example):
    situations = example.taxonomy.situations
    assert len(situations) >= 5
    assert {sid: ids(example.situation_offers(sid)) for sid in situations if not example.situation_offers(sid)} == {}


@pytest.mark.parametrize(("situation", "offers"), [
    ("viel-allein", ["mittendrin-troisdorf"]),
    ("hilfe-bei-antraegen", ["im-netzwerk-moenchengladbach", "thinka-soemmerda"]),
    ("schulden", ["thinka-soemmerda"]),  # by a keyword only
    ("neu-in-deutschland", ["im-netzwerk-moenchengladbach"]),
    ("helfen", ["im-netzwerk-moenchengladbach", "mittendrin-troisdorf"]),
])
def test_example_situations_lead_to_the_seed_offers(example, situation, offers):
    assert ids(example.situation_offers(situation)) == offers


# -- the built site -----------------------------------------------------------------------

@pytest.fixture(scope="module")
def site(example_site) -> Path:
    return example_site  # tests/conftest.py: built once per test process


def after(el):
    """The element that follows ``el`` among its parent's children."""
    siblings = [c for c in el.parent.children if not isinstance(c, str)]
    return siblings[siblings.index(el) + 1]


def article(site: Path, path: str):
    f = site / path / "index.html"
    assert f.is_file(), f"{path} was not built"
    doc = parse_html(f)
    assert doc.h1_count == 1, path
    art = doc.find("article")
    # the language switcher at the top of every page is tests/test_editions.py's
    switcher = art.find("nav", class_="nb-languages")
    if switcher is not None:
        switcher.parent.children.remove(switcher)
    return doc, art


def test_the_finder_has_a_page_per_situation_and_per_group_with_offers_never_per_region(site, example):
    built = {p.parent.relative_to(site).as_posix() + "/" for p in (site / "worum-geht-es").rglob("index.html")}
    expected = {"worum-geht-es/"}
    for sid in example.taxonomy.situations:
        expected.add(f"worum-geht-es/{sid}/")
        expected.update(f"worum-geht-es/{sid}/{g}/" for g in example.situation_groups(sid))
    assert built == expected
    assert "worum-geht-es/viel-allein/familien/" not in built  # no offer for families there


def test_links_between_the_steps_resolve_and_anchors_exist(site):
    checked = 0
    for f in sorted((site / "worum-geht-es").rglob("index.html")):
        doc = parse_html(f)
        art = doc.find("article")
        ids_on_page = {e.get("id") for e in art.find_all(id=True)}
        for a in art.find_all("a", href=True):
            href = a.get("href")
            if href.startswith("#"):
                assert href[1:] in ids_on_page, (f, href)
            else:
                target = _resolve(site, f, href)
                assert target is not None and target.is_file(), (f, href)
            checked += 1
    assert checked > 50


def test_the_finder_index_lists_every_situation(site, example):
    _, art = article(site, "worum-geht-es")
    links = {a.get("href"): a.text for a in art.find_all("a", href=True)}
    assert links == {f"{sid}/": s.label for sid, s in example.taxonomy.situations.items()}


def test_a_situation_page_asks_for_whom_and_where_then_lists_offers_and_dates(site):
    doc, art = article(site, "worum-geht-es/hilfe-bei-antraegen")
    assert art.find("h1").text == "Ich brauche Hilfe bei Anträgen und Behörden"
    headings = [h.get("id") for h in art.find_all("h2")]
    assert headings == ["fuer-wen", "wo", "angebote", "termine", "mehr"]
    whom = after(art.find("h2", id="fuer-wen"))
    # ThINKA is for "alle" (everyone: true): every group finds it, and "alle" is no choice of its own
    groups = yaml.safe_load((REPO / "content" / "taxonomy.yaml").read_text("utf-8"))["target_groups"]
    assert [(a.get("href"), a.text) for a in whom.find_all("a")] == [
        (f"{g}/", term["phrase"]) for g, term in groups.items() if not term.get("everyone")]
    where = after(art.find("h2", id="wo"))
    assert [(a.get("href"), a.text) for a in where.find_all("a")] == [
        ("#region-landkreis-soemmerda", "Landkreis Sömmerda"), ("#region-moenchengladbach", "Mönchengladbach")]
    section = after(art.find("h3", id="region-landkreis-soemmerda"))
    assert [a.get("href") for a in section.find_all("a", class_="nb-card__title")] == [
        "../../angebote/thinka-soemmerda/"]
    dates = after(art.find("h2", id="termine"))
    assert 1 <= len(dates.find_all("li")) <= 5
    more = {a.get("href") for a in after(art.find("h2", id="mehr")).find_all("a")}
    assert more == {"../../themen/beratung/", "../"}


def test_a_group_page_narrows_and_links_back_to_all_groups(site):
    doc, art = article(site, "worum-geht-es/viel-allein/erwachsene")
    assert art.find("h1").text == "Ich bin viel allein – für Erwachsene"
    whom = after(art.find("h2", id="fuer-wen"))
    links = whom.find_all("a")
    assert (links[0].get("href"), links[0].text) == ("../", "Alle Gruppen zeigen")
    current = [a.get("href") for a in links if a.get("aria-current") == "page"]
    assert current == ["./"]
    cards = [a.get("href") for a in art.find_all("a", class_="nb-card__title")]
    assert cards == ["../../../angebote/mittendrin-troisdorf/"]
    assert art.find("h2", id="wo") is None  # one region: nothing to choose
    # for refugees: IM Netzwerk (for them) and ThINKA (for everyone)
    _, art = article(site, "worum-geht-es/hilfe-bei-antraegen/gefluechtete")
    assert sorted(a.get("href") for a in art.find_all("a", class_="nb-card__title")) == [
        "../../../angebote/im-netzwerk-moenchengladbach/", "../../../angebote/thinka-soemmerda/"]


def test_the_home_page_lists_the_situations_after_the_search_form(site, example):
    doc = parse_html(site / "index.html")
    art = doc.find("article")
    order = [e.tag + "#" + (e.get("id") or "") for e in art.find_all(("form", "h2"))]
    # the search form, "In meiner Nähe" (a form of its own), then the situations
    assert order[:5] == ["form#", "h2#nb-nearby-home-title", "form#", "h2#worum-geht-es", "h2#ich-suche"]
    listed = after(art.find("h2", id="worum-geht-es"))
    assert [(a.get("href"), a.text) for a in listed.find_all("a")] == [
        (f"worum-geht-es/{sid}/", s.label) for sid, s in example.taxonomy.situations.items()]
    nav = [a.text.strip() for a in doc.find_all("a", class_="md-nav__link")]
    assert "Worum geht es?" in nav


def test_without_situations_the_finder_index_still_stands_and_the_home_page_has_no_section(tmp_path):
    root = tmp_path / "project"
    root.mkdir()
    for name in ("mkdocs.yml",):
        shutil.copy(REPO / name, root / name)
    for folder in ("docs", "overrides", "content"):
        shutil.copytree(REPO / folder, root / folder)
    tax = root / "content" / "taxonomy.yaml"
    text = tax.read_text("utf-8")
    tax.write_text(text[:text.index("\nsituations:\n") + 1], "utf-8")
    proc = mkdocs_build(root / "mkdocs.yml", root / "site")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    _, art = article(root / "site", "worum-geht-es")
    assert [urlsplit(a.get("href")).path for a in art.find_all("a", href=True)] == ["../themen/"]
    home = parse_html(root / "site" / "index.html").find("article")
    assert home.find("h2", id="worum-geht-es") is None
    assert sorted(p.name for p in (root / "site" / "worum-geht-es").iterdir()) == ["index.html"]
