"""JSON-LD of the parts the example content does not show: an organisation's
ContactPoint with hours, a place's coordinates (the example texts name no
telephone of an organisation and no coordinates)."""
from __future__ import annotations

import json

from nahbei.jsonld import JsonLd, dumps
from nahbei.model.directory import Contact, Directory, _freeze
from nahbei.urls import Urls
from tests.support.feeds import CONTACTS, PLACES, SITE, TAXONOMY, TODAY

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
