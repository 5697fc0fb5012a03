"""The example content never poses as fact.

content/ models five real public texts (../shared/seeds/). Everything in it is
an example: each entry says so in ``example_data`` (what is invented, or that
nothing is and which text it follows) and claims no review (``last_reviewed``)
that did not happen. Real people named in those texts are never attached to
anything invented: an example event (its dates at least are invented) is
organised by an office or organisation, and no registration, note or other text
of an example entry names a person.

Why a test and not a rule of ``nahbei check``: for a real directory the check
cannot know which facts an ``example_data`` note means (it is free text), and a
real event may well be run by a person. Here, in the example content, every
entry is an example, so the strict form holds and is checked.
"""
from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
import yaml
from icalendar import Calendar
from tests.support.content import strings
from tests.support.feeds import directory_of, event, feeds_of

from nahbei.model.check import check

ROOT = Path(__file__).resolve().parents[1]
CONTENT = ROOT / "content"
TODAY = date(2026, 11, 22)
FOLDERS = ("offers", "events", "contacts", "places")


def entries(folder: str) -> dict[str, dict]:
    return {f.stem: yaml.safe_load(f.read_text("utf-8")) for f in sorted((CONTENT / folder).glob("*.yaml"))}


ALL = {(folder, ident): data for folder in FOLDERS for ident, data in entries(folder).items()}
PEOPLE = {ident: data["name"] for ident, data in entries("contacts").items() if data["kind"] == "person"}


def test_the_example_content_is_checked_without_any_message():
    result = check(CONTENT, today=TODAY, root=ROOT)
    assert [p.format() for p in result.problems] == []  # warnings too (a date in a closure, …)


def test_with_the_site_languages_one_offer_is_left_untranslated_on_purpose():
    """mkdocs.yml's languages: MITTEndrin has no Arabic and Ukrainian texts, so the
    example shows the fallback ("nur auf Deutsch"); nothing else is missing."""
    from nahbei.model.translations import MISSING

    result = check(CONTENT, today=TODAY, root=ROOT, languages=("de", "en", "ar", "uk"))
    assert not result.errors
    assert [(p.code, p.path) for p in result.warnings] == [(MISSING, "content/offers/mittendrin-troisdorf.yaml")]


@pytest.mark.parametrize("key", sorted(ALL), ids=lambda k: f"{k[0]}/{k[1]}")
def test_every_entry_is_marked_as_example_and_claims_no_review(key):
    data = ALL[key]
    assert isinstance(data.get("example_data"), str) and len(data["example_data"].split()) >= 8, \
        "example_data: say what is invented, or which public text the entry follows"
    assert "last_reviewed" not in data and "review_interval_months" not in data


def test_the_content_names_real_people_only_as_contacts_from_their_texts():
    assert set(PEOPLE) == {"okan-bektas", "joerg-hoellmueller"}  # a new person: extend the checks below
    for (folder, ident), data in ALL.items():
        if folder == "events":
            assert data["organiser"] not in PEOPLE, f"{ident}: an example event is organised by a person"
        refs = [data.get("provider"), data.get("organiser"), data.get("parent")]
        for ref in refs:
            assert ref not in PEOPLE, f"{folder}/{ident}: {ref}"
        if folder == "contacts" and ident in PEOPLE:
            continue  # the person's own entry: name, phone and e-mail as their text gives them
        for text in strings({k: v for k, v in data.items() if k != "id"}):
            for name in PEOPLE.values():
                assert name not in text and name.split()[-1] not in text, f"{folder}/{ident} names {name}: {text!r}"
    # an offer may list a person as its contact when its text does (MITTEndrin: Okan Bektas)
    offers_with_people = {i for (f, i), d in ALL.items() if f == "offers" and set(d.get("contacts", ())) & set(PEOPLE)}
    assert offers_with_people == {"mittendrin-troisdorf"}


def test_the_example_content_still_shows_every_feature():
    """What the example site exists to show, with invented parts named in example_data."""
    events, offers = entries("events"), entries("offers")
    recurrences = [e["recurrence"] for e in events.values() if "recurrence" in e]
    assert any(r.get("except") for r in recurrences)
    assert any(r.get("cancelled") for r in recurrences)
    assert any(r.get("moved") for r in recurrences)
    assert any(r.get("count") for r in recurrences) and any(r.get("nth") == -1 for r in recurrences)
    assert any(e.get("status") == "cancelled" for e in events.values())
    assert any(e.get("invitation_only") for e in events.values())
    assert any(e.get("registration", {}).get("required") for e in events.values())
    assert any(len(str(e["start"])) == 10 and e.get("end") and e["end"] != e["start"] for e in events.values())
    places = [p for o in offers.values() for p in o.get("places", ())]
    assert any(p.get("publish_as_events") for p in places)
    assert any(p.get("hours", {}).get("closures") for p in places)
    assert any(p.get("hours", {}).get("exceptions") for p in places)
    assert any(o["status"] == "ended" for o in offers.values())
    assert any(o.get("funding", {}).get("eu_cofunded") for o in offers.values())


# -- last_reviewed: required of real entries, never claimed by examples -----------------

OFFER = """\
# yaml-language-server: $schema=../../schemas/offer.schema.json
id: sprachcafe
name: Sprachcafé
summary: Deutsch üben im Gespräch, für alle, die Deutsch lernen.
status: active
topics: [begegnung]
target_groups: [alle]
provider: stadt-troisdorf
"""


def _check_one(tmp_path, text, lang="de"):
    content = tmp_path / "content"
    (content / "offers").mkdir(parents=True)
    (content / "contacts").mkdir()
    # without the example's life situations: they lead to offers this one-offer tree has not (a warning each)
    taxonomy = (CONTENT / "taxonomy.yaml").read_text("utf-8")
    (content / "taxonomy.yaml").write_text(taxonomy[:taxonomy.index("\nsituations:\n") + 1], "utf-8")
    (content / "contacts" / "stadt-troisdorf.yaml").write_bytes((CONTENT / "contacts" / "stadt-troisdorf.yaml").read_bytes())
    (content / "offers" / "sprachcafe.yaml").write_text(text, "utf-8")
    return [p.format(lang) for p in check(content, today=TODAY, root=tmp_path, lang=lang).problems]


def test_a_real_offer_needs_its_review_date(tmp_path):
    assert _check_one(tmp_path, OFFER) == [
        "content/offers/sprachcafe.yaml:2:1: Fehler: Das Pflichtfeld „last_reviewed“ (Zuletzt geprüft – weglassen "
        "dürfen es nur Beispiel-Einträge mit example_data) fehlt. Ergänzen Sie eine Zeile, z. B. last_reviewed: 2026-12-03"]
    assert _check_one(tmp_path / "en", OFFER, "en") == [
        "content/offers/sprachcafe.yaml:2:1: error: The required field \"last_reviewed\" is missing. "
        "Add a line, e.g. last_reviewed: 2026-12-03"]


@pytest.mark.parametrize("extra", ["last_reviewed: 2026-11-01\n", "example_data: Alle Angaben sind erfunden.\n",
                                   "last_reviewed: 2026-11-01\nexample_data: Die Uhrzeit ist erfunden.\n"])
def test_a_review_date_or_an_example_note_is_enough(tmp_path, extra):
    assert _check_one(tmp_path, OFFER + extra) == []


def test_an_undated_example_offer_publishes_its_hours_as_a_series(tmp_path):
    """Neither a period nor a review date: the consultation hours still become a
    weekly series (from a fixed first day, so feeds do not change from day to day)
    that carries the offer's example note."""
    text = OFFER + """\
places:
  - place: saal
    publish_as_events: true
    hours:
      regular:
        - days: [mi]
          opens: "10:00"
          closes: "12:00"
example_data: Die Sprechzeiten sind erfunden.
"""
    content = tmp_path / "content"
    (content / "places").mkdir(parents=True)
    (content / "places" / "saal.yaml").write_text(
        "id: saal\nname: Saal am Markt\naddress:\n  town: Troisdorf\nexample_data: Der Saal ist erfunden.\n", "utf-8")
    assert _check_one(tmp_path, text) == []
    directory = check(content, today=TODAY, root=tmp_path).directory
    (series,) = [e for e in directory.events.values() if e.derived_from == "sprachcafe"]
    assert series.example_data == "Die Sprechzeiten sind erfunden."
    assert series.start.isoformat() == "2000-01-05T10:00:00"  # the first Wednesday from 2000-01-03
    assert [o.start.date().isoformat() for o in series.occurrences(TODAY, date(2026, 12, 3))] == ["2026-11-25", "2026-12-02"]


def test_an_organiser_with_e_mail_still_reaches_the_feed_as_organizer():
    """The example content used to show ORGANIZER through a real person organising an
    invented event; it no longer does, so a made-up office shows it here."""
    files = feeds_of(directory_of(event("sprechstunde", "2026-12-01 10:00", end="2026-12-01 12:00", organiser="amt")))
    (ev,) = Calendar.from_ical(files["kalender/termine/sprechstunde.ics"]).walk("VEVENT")
    assert ev["ORGANIZER"] == "mailto:amt@example.org"
    assert ev["ORGANIZER"].params["CN"] == "Amt für Soziales, Wohnen"
