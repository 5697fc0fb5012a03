"""nahbei/search without MkDocs or a browser: what goes into the Pagefind index
for each entry (records.py) and how it is written into a page (markup.py).

The example content is read as of 2026-11-22, the date the site tests use.
"""
from __future__ import annotations

import sys
from dataclasses import replace
from datetime import date
from pathlib import Path
from types import MappingProxyType

import pytest

if __package__ in (None, "") and str(Path(__file__).resolve().parents[1]) not in sys.path:
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from nahbei.i18n import t
from nahbei.mkdocs.search import markup
from nahbei.mkdocs.search.records import RecordBuilder, SearchRecord, language_name
from nahbei.model.check import check

REPO = Path(__file__).resolve().parents[1]
TODAY = date(2026, 11, 22)


@pytest.fixture(scope="module")
def directory():
    result = check(REPO / "content", today=TODAY, root=REPO)
    assert not result.errors, [p.format("de") for p in result.errors]
    return result.directory


@pytest.fixture(scope="module")
def builder(directory):
    return RecordBuilder(directory, "de")


# -- records ---------------------------------------------------------------------

def test_offer_record_has_german_filters_meta_and_keywords(builder, directory):
    rec = builder.record("offer", "mittendrin-troisdorf")
    offer = directory.offers["mittendrin-troisdorf"]
    assert rec.filters["Art"] == ["Angebot"]
    assert rec.filters["Thema"] == [directory.taxonomy.topics[t].label for t in offer.topics]
    assert rec.filters["Zielgruppe"] == ["Erwachsene"]
    assert rec.filters["Sprache"] == ["Deutsch"]
    # cost.free, place with wheelchair: full, appointment.required: false
    assert rec.filters["Merkmale"] == ["kostenlos", "rollstuhlgerecht", "ohne Termin"]
    assert rec.meta["title"] == offer.name
    assert rec.meta["kind"] == "Angebot"
    assert rec.meta["summary"] == " ".join(offer.get("summary").split())
    assert rec.keywords == list(offer.get("keywords"))
    assert rec.sort == {}


def test_regions_widen_to_parents_and_children(builder):
    # Troisdorf-Mitte lies in Troisdorf in the Rhein-Sieg-Kreis: residents of
    # the town and the county find the district's offer.
    assert builder.record("offer", "mittendrin-troisdorf").filters["Region"] == [
        "Rhein-Sieg-Kreis", "Troisdorf", "Troisdorf-Mitte"]
    # An offer for the whole county is listed under each of its towns.
    assert builder.record("offer", "thinka-soemmerda").filters["Region"] == [
        "Buttstädt", "Kölleda", "Landkreis Sömmerda", "Sömmerda"]


def test_ended_offer_and_past_event_are_not_indexed(builder, directory):
    assert directory.offers["sozialplanung-dorsten-innenstadt"].is_ended(TODAY)
    assert builder.record("offer", "sozialplanung-dorsten-innenstadt") is None
    assert builder.record("event", "sozialregionalkonferenz-doebeln-2018") is None


def test_event_sorts_by_next_date_in_iso_form(builder):
    rec = builder.record("event", "mittendrin-offener-treff")
    # Thursdays 17:00 from 2026-10-01: the next one after 2026-11-22
    assert rec.sort == {"date": "2026-11-26T17:00"}
    assert rec.filters["Art"] == ["Veranstaltung"]
    assert "Do" in rec.meta["date"] and "26. November 2026" in rec.meta["date"] and "17:00" in rec.meta["date"]
    assert "kostenlos" in rec.filters["Merkmale"]
    assert "status" not in rec.meta


def test_all_day_event_sorts_by_date(builder):
    rec = builder.record("event", "aktionstage-gegen-einsamkeit-2027")
    assert rec is not None
    assert len(rec.sort["date"]) == 10 and rec.sort["date"].startswith("2027-")


def test_cancelled_event_is_marked(builder, directory):
    assert directory.events["infoabend-ehrenamt-abgesagt"].status == "cancelled"
    rec = builder.record("event", "infoabend-ehrenamt-abgesagt")
    assert rec.meta["status"] == "abgesagt"


def test_consultation_hours_series_have_no_record(builder, directory):
    derived = [e for e in directory.events.values() if e.derived_from]
    assert derived, "the example content publishes consultation hours as events"
    assert all(builder.record("event", e.id) is None for e in derived)


def test_contacts_and_places(builder, directory):
    person = builder.record("contact", "okan-bektas")
    assert person.filters["Art"] == ["Ansprechperson"]
    org = builder.record("contact", "stadt-troisdorf")
    assert org.filters["Art"] == ["Organisation"]
    office = builder.record("contact", "kontaktbuero-thinka")
    assert office.filters["Art"] == ["Organisation"]
    place = builder.record("place", "begegnungsstaette-troisdorf-mitte")
    assert place.filters["Art"] == ["Ort"]
    assert place.filters["Merkmale"] == ["rollstuhlgerecht"]
    # a place lies in its region and the regions above, not below
    assert place.filters["Region"] == ["Rhein-Sieg-Kreis", "Troisdorf", "Troisdorf-Mitte"]
    partial = builder.record("place", "thinka-zentrale-soemmerda")
    assert "Merkmale" not in partial.filters  # wheelchair: partial


def test_unknown_kind_or_id(builder):
    assert builder.record("term", "beratung") is None
    assert builder.record("offer", "gibt-es-nicht") is None
    assert builder.record(None, None) is None


def test_appointment_required_and_languages(builder, directory):
    offer = directory.offers["mittendrin-troisdorf"]
    data = dict(offer.data)
    data["appointment"] = MappingProxyType({"required": True})
    data["languages"] = ("de", "ar", "uk")
    data["keywords"] = ("  Freunde   finden ", "")
    changed = replace(offer, data=MappingProxyType(data))
    d = replace(directory, offers=MappingProxyType({**directory.offers, offer.id: changed}))
    rec = RecordBuilder(d, "de").record("offer", offer.id)
    assert "Termin nötig" in rec.filters["Merkmale"] and "ohne Termin" not in rec.filters["Merkmale"]
    assert rec.filters["Sprache"] == ["Deutsch", "Arabisch", "Ukrainisch"]
    assert rec.keywords == ["Freunde finden"]


def test_language_names():
    assert language_name("de") == "Deutsch"
    assert language_name("tr") == "Türkisch"
    assert language_name("en", "en") == "English"
    assert language_name("zz") == "zz"


def test_english_labels(directory):
    rec = RecordBuilder(directory, "en").record("offer", "mittendrin-troisdorf")
    assert rec.filters["Type"] == ["Service"]
    assert "free of charge" in rec.filters["Features"]


# -- markup ------------------------------------------------------------------------

PAGE = ('<html lang="de"><body><nav>Menü</nav>'
        '<article class="md-content__inner md-typeset nb-page" data-pagefind-body>'
        '<h1>Titel</h1><p>Text</p></article><footer>Fuß</footer></body></html>')


def sample_record() -> SearchRecord:
    rec = SearchRecord("offer", "x")
    rec.add("Art", "Angebot")
    rec.add("Thema", "Beratung und Lotsen", "Beratung und Lotsen", "Arbeit & Beruf")
    rec.meta.update({"title": 'Treff "Mitte" <neu>', "kind": "Angebot", "summary": "Kurz:\n  gut"})
    rec.sort["date"] = "2026-11-26T17:00"
    rec.keywords = ["Schulden", "allein sein"]
    return rec


def test_record_html_is_hidden_ignored_and_escaped():
    html = markup.record_html(sample_record())
    assert html.startswith('<div hidden data-pagefind-ignore class="nb-search-data">')
    assert html.count('data-pagefind-filter="Thema:') == 2  # duplicates dropped
    assert 'data-pagefind-filter="Thema:Arbeit &amp; Beruf"' in html
    assert 'data-pagefind-meta="title:Treff &quot;Mitte&quot; &lt;neu&gt;"' in html
    assert 'data-pagefind-meta="summary:Kurz: gut"' in html
    assert 'data-pagefind-meta="keywords:Schulden, allein sein"' in html
    assert 'data-pagefind-sort="date:2026-11-26T17:00"' in html
    # nothing visible: every span is empty
    assert ">Schulden<" not in html


def test_mark_entry_inserts_after_the_body_element():
    out = markup.mark_entry(PAGE, sample_record())
    start = out.index("data-pagefind-body>") + len("data-pagefind-body>")
    assert out[start:].startswith('<div hidden data-pagefind-ignore')
    assert out.count("data-pagefind-body") == 1


def test_mark_entry_adds_the_body_attribute_when_missing():
    page = PAGE.replace(" data-pagefind-body", "")
    out = markup.mark_entry(page, sample_record())
    assert '<article class="md-content__inner md-typeset nb-page" data-pagefind-body><div hidden' in out
    only_main = "<html><body><main id=m><p>x</p></main></body></html>"
    assert '<main id=m data-pagefind-body><div hidden' in markup.mark_entry(only_main, sample_record())


def test_strip_body_removes_only_the_attribute():
    text = '<p>Schreiben Sie data-pagefind-body in die Vorlage</p>'
    page = PAGE.replace("<p>Text</p>", text) + '<div data-pagefind-body="">x</div>'
    out = markup.strip_body(page)
    assert not markup.has_body(out)
    assert text in out  # text content untouched
    assert '<article class="md-content__inner md-typeset nb-page">' in out
    # the same as the pattern over the whole page, whatever stands around the word
    for variant in (page, page.replace("<div data", "<div title='a > b' data"), "data-pagefind-body <b data-pagefind-body>",
                    "<i data-pagefind-body data-pagefind-body>t</i><p>data-pagefind-body</p>"):
        assert markup.strip_body(variant) == markup._BODY_ATTR.sub(r"\1", variant), variant


def test_index_document_is_the_html_tag_title_and_body_element():
    page = PAGE.replace("<body>", "<head><title>Titel – nahbei</title></head><body>").replace(
        "<p>Text</p>", "<article class=nb-card><p>Innen</p></article><p>Text</p>")
    sent = markup.index_document(markup.mark_entry(page, sample_record()))
    assert sent.startswith('<html lang="de"><head><title>Titel – nahbei</title></head><body><article')
    # the nested <article> does not end the body element early
    assert sent.endswith("<p>Innen</p></article><p>Text</p></article></body></html>")
    assert "Menü" not in sent and "Fuß" not in sent


def test_index_document_sends_the_whole_page_when_unsure():
    marked = markup.mark_entry(PAGE, sample_record())
    unclosed = marked.replace("</article>", "")
    assert markup.index_document(unclosed) is unclosed
    title_outside = marked.replace("<nav>", "<h1>Seitenkopf</h1><nav>")
    assert markup.index_document(title_outside) is title_outside
    assert markup.index_document(PAGE.replace(" data-pagefind-body", "")) == PAGE.replace(" data-pagefind-body", "")


# -- another language's records -----------------------------------------------------

def test_records_in_another_language(directory):
    """An edition's records: kinds, filter names, features and dates in its
    language; the taxonomy's labels German (it has no translations yet)."""
    english = RecordBuilder(directory.in_language("en"), "en")
    rec = english.record("offer", "mittendrin-troisdorf")
    assert rec.meta["kind"] == "Service" and rec.filters["Type"] == ["Service"]
    assert rec.meta["title"].startswith("MITTEndrin! Statt nur dabei. – Right in the middle")
    assert t("search.feature.free", "en") in rec.filters["Features"]
    assert t("search.feature.free", "en") != t("search.feature.free", "de")
    assert sorted(rec.filters["Region"]) == ["Rhein-Sieg-Kreis", "Troisdorf", "Troisdorf-Mitte"]
    event = english.record("event", "mittendrin-offener-treff")
    german = RecordBuilder(directory, "de").record("event", "mittendrin-offener-treff")
    assert event.sort == german.sort and event.meta["date"] != german.meta["date"]  # the same date, in English


def test_content_of_an_entry_without_a_page(directory):
    """The text of an entry's record in another language's index (the entry
    has no page there): its German words – name, texts without Markdown, its
    places and contacts with their addresses – and the terms it is listed
    under, in the index's language where the taxonomy has them."""
    arabic = RecordBuilder(directory.in_language("ar"), "ar")
    place = directory.places["volkshaus-doebeln"]
    text = arabic.content("place", "volkshaus-doebeln")
    assert text.startswith(place.name) and place.address["town"] in text
    assert arabic.term_label("regions", place.region) in text
    contact = arabic.content("contact", "okan-bektas")
    assert "Okan Bektas" in contact and directory.contacts["okan-bektas"].get("role") in contact
    assert directory.contacts[directory.contacts["okan-bektas"].parent].name in contact  # the organisation
    event = directory.events["mittendrin-offener-treff"]
    text = arabic.content("event", event.id)
    assert directory.places[event.place].name in text and directory.contacts[event.organiser].name in text
    assert "الوحدة" in text  # a topic it is listed under, in the index's language (taxonomy.yaml translations)
    assert "*" not in text and "](" not in text  # Markdown read as text
    assert arabic.content("offer", "no-such-offer") == ""
