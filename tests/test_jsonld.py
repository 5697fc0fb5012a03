"""JSON-LD of the parts the example content does not show: an organisation's
ContactPoint with hours, a place's coordinates (the example texts name no
telephone of an organisation and no coordinates) – and what example entries
(``example_data``) give search engines: nothing (tests/test_site_build.py reads
the same from a real build)."""
from __future__ import annotations

import json

from tests.support.feeds import CONTACTS, PLACES, SITE, TAXONOMY, TODAY, event

from nahbei.jsonld import JsonLd, dumps
from nahbei.model.directory import Contact, Directory, Offer, Place, _freeze
from nahbei.urls import Urls

OFFICE = Contact("beratungsstelle", "content/contacts/beratungsstelle.yaml", _freeze({
    "id": "beratungsstelle", "kind": "office", "name": "Beratungsstelle am Markt", "role": "Schuldnerberatung",
    "phones": [{"number": "02241 900 100"}], "email": "beratung@example.org",
    "hours": {"regular": [{"days": ["mo", "di"], "opens": "09:00", "closes": "12:00"}], "by_appointment": True},
}))


def ld() -> JsonLd:
    directory = Directory.build({}, {}, {**CONTACTS, OFFICE.id: OFFICE}, PLACES, TAXONOMY, TODAY)
    return JsonLd(directory, Urls(), SITE, "de")


def test_organisation_has_a_contact_point_with_hours():
    data = json.loads(dumps(ld().contact(OFFICE)))
    assert data["@type"] in ("Organization", "GovernmentOrganization")
    (point,) = data["contactPoint"]
    assert point["@type"] == "ContactPoint"
    assert point["telephone"] == "+492241900100" and point["email"] == "beratung@example.org"
    assert point["contactType"] == "Schuldnerberatung"
    assert point["hoursAvailable"] == [{
        "@type": "OpeningHoursSpecification", "opens": "09:00", "closes": "12:00",
        "dayOfWeek": ["https://schema.org/Monday", "https://schema.org/Tuesday"]}]


def test_place_has_coordinates_and_address():
    data = json.loads(dumps(ld().place(PLACES["saal"])))
    assert data["@type"] == "Place"
    assert data["geo"] == {"@type": "GeoCoordinates", "latitude": 50.8155, "longitude": 7.1553}
    assert data["address"]["streetAddress"] == "Markt 1" and data["address"]["postalCode"] == "53840"


# -- example entries ------------------------------------------------------------------

NOTE = "Zeiten und Ort sind erfunden."
EXAMPLE_PLACE = Place("beispielsaal", "content/places/beispielsaal.yaml", _freeze({
    "id": "beispielsaal", "name": "Beispielsaal", "region": "stadt", "example_data": NOTE,
    "address": {"street": "Erfundene Straße 9", "town": "Troisdorf"},
    "accessibility": {"wheelchair": "full"}}))
EXAMPLE_OFFICE = Contact("beispielamt", "content/contacts/beispielamt.yaml", _freeze({
    "id": "beispielamt", "kind": "office", "name": "Beispielamt", "example_data": NOTE,
    "phones": [{"number": "02241 900 999"}], "parent": "amt"}))


def offer(ident, example=None, place="saal", provider="amt") -> Offer:
    data = {"id": ident, "name": f"Angebot {ident}", "summary": "Ein Angebot für alle im Ort.", "status": "active",
            "topics": ["beratung"], "target_groups": ["alle"], "provider": provider,
            "places": [{"place": place, "hours": {"regular": [{"days": ["mo"], "opens": "09:00", "closes": "12:00"}]}}]}
    if example:
        data["example_data"] = example
    else:
        data["last_reviewed"] = "2026-11-01"
    return Offer(ident, f"content/offers/{ident}.yaml", _freeze(data))


def example_ld():
    offers = {o.id: o for o in (offer("echt"), offer("beispiel", NOTE),
                                 offer("echt-zwei", place="beispielsaal", provider="beispielamt"))}
    events = {e.id: e for e in (event("treff", "2026-12-01 10:00", end="2026-12-01 12:00"),
                                event("erfunden", "2026-12-02 10:00", example_data=NOTE),
                                event("treff-zwei", "2026-12-03 10:00", place="beispielsaal",
                                      organiser="beispielamt"))}
    directory = Directory.build(offers, events, {**CONTACTS, EXAMPLE_OFFICE.id: EXAMPLE_OFFICE},
                                {**PLACES, EXAMPLE_PLACE.id: EXAMPLE_PLACE}, TAXONOMY, TODAY)
    return directory, JsonLd(directory, Urls(), SITE, "de")


def test_example_entries_have_no_jsonld():
    d, ld = example_ld()
    assert ld.offer(d.offers["beispiel"]) is None
    assert ld.event(d.events["erfunden"]) is None
    assert ld.contact(d.contacts["beispielamt"]) is None
    assert ld.place(d.places["beispielsaal"]) is None
    # the real ones next to them do
    assert ld.offer(d.offers["echt"])["name"] == "Angebot echt"
    assert ld.event(d.events["treff"])["location"]["name"] == "Saal am Markt"
    assert ld.contact(d.contacts["amt"])["name"] == "Amt für Soziales, Wohnen"
    assert ld.place(d.places["saal"])["name"] == "Saal am Markt"


def test_real_entries_leave_out_the_example_entries_they_refer_to():
    """A real offer at an example place, run by an example office, and a real event
    there: the invented address, access and telephone never reach search engines."""
    d, ld = example_ld()
    data = ld.offer(d.offers["echt-zwei"])
    assert "provider" not in data and "availableChannel" not in data
    assert data["hoursAvailable"][0]["opens"] == "09:00"  # the offer's own hours
    assert [a["name"] for a in data.get("areaServed", [])] == []  # not even the example place's region
    ev = ld.event(d.events["treff-zwei"])
    assert "location" not in ev and "organizer" not in ev
    text = dumps(data) + dumps(ev)
    for invented in ("Beispielsaal", "Erfundene Straße", "Beispielamt", "beispielsaal", "beispielamt", "+492241900999"):
        assert invented not in text, invented
    # an office inside an example parent: the parent is left out, the office stays
    child = Contact("stelle", "content/contacts/stelle.yaml", _freeze({
        "id": "stelle", "kind": "person", "name": "Frau Beispiel", "parent": "beispielamt",
        "place": "beispielsaal"}))
    person = ld.contact(child)
    assert person["name"] == "Frau Beispiel" and "worksFor" not in person and "address" not in person


def test_series_starts_on_its_first_date_by_the_rule():
    """A monthly "first Tuesday" series whose start (Wednesday 7 January) is off its
    pattern: its first date is 3 February, as on its page and in its feed; the
    schedule's startDate says so too, not the start as written."""
    e = event("monatlich", "2026-01-07 18:00", end="2026-01-07 20:00",
              recurrence={"frequency": "monthly", "weekday": "di", "nth": 1, "count": 3})
    directory = Directory.build({}, {e.id: e}, CONTACTS, PLACES, TAXONOMY, TODAY)
    data = json.loads(dumps(JsonLd(directory, Urls(), SITE, "de").event(directory.events[e.id])))
    assert e.series.first.date().isoformat() == "2026-02-03"
    assert data["startDate"].startswith("2026-02-03T18:00")
    schedule = data["eventSchedule"]
    assert schedule["startDate"] == "2026-02-03"
    assert schedule["byDay"] == ["https://schema.org/Tuesday"] and schedule["byMonthWeek"] == 1
    assert schedule["startTime"] == "18:00" and schedule["repeatCount"] == 3
