"""Rules of the model that come from the configuration, not from literals: the
directory's time zone orders dates, its country reads phone numbers and
addresses, its language names consultation hours."""
from __future__ import annotations

import re
from datetime import date

from icalendar import Calendar
from tests.support.content import drop_example
from tests.support.feeds import directory_of, event, feeds_of
from tests.support.htmlcheck import parse_html
from tests.test_site_build import copy_project, mkdocs_build

from nahbei.model.directory import Directory, Event, Offer, Taxonomy, _freeze

NEW_YORK = "America/New_York"


def test_all_day_dates_start_at_midnight_in_the_directorys_zone():
    """An all-day date sorts at the start of its day where the directory is: in
    New York, 20:00 on 9 March comes before the all-day 10 March (at midnight in
    Berlin, 10 March begins at 18:00 on the 9th, New York time)."""
    evening = Event.from_data({"id": "abend", "title": "Abend", "start": "2026-03-09 20:00", "organiser": "x"},
                              "content/events/abend.yaml", NEW_YORK)
    day = Event.from_data({"id": "tag", "title": "Tag", "start": "2026-03-10", "organiser": "x"},
                          "content/events/tag.yaml", NEW_YORK)
    d = Directory.build({}, {"tag": day, "abend": evening}, {}, {}, Taxonomy.from_data({}), date(2026, 3, 1),
                        NEW_YORK)
    assert [o.event_id for o in d.occurrences(date(2026, 3, 1), date(2026, 3, 31))] == ["abend", "tag"]


def test_an_events_topics_keep_its_own_order_whatever_other_events_say():
    """CATEGORIES list an event's topics as its file does. (They followed the order in
    which the whole directory first met each topic: a commit to one event changed
    another event's VEVENT, though its SEQUENCE stayed.)"""
    first = event("erst", "2026-12-01 10:00", topics=["beratung", "treffen"])
    second = event("zweit", "2026-12-02 10:00", topics=["treffen", "beratung"])
    d = directory_of(first, second)
    assert d.event_terms("zweit")["topics"] == ("treffen", "beratung")
    (vevent,) = Calendar.from_ical(feeds_of(d)["kalender/termine/zweit.ics"]).walk("VEVENT")
    assert [str(c) for c in vevent.get("categories").cats] == ["Treffen, Begegnung; Austausch", "Beratung"]


def _offer(**place) -> Offer:
    data = {"id": "beratung", "name": "Beratung", "summary": "Hilfe", "status": "active", "provider": "verein",
            "places": [{"place": "saal", "publish_as_events": True,
                        "hours": {"regular": [{"days": ["di"], "opens": "09:00", "closes": "12:00"}]}, **place}]}
    return Offer("beratung", "content/offers/beratung.yaml", _freeze(data))


def test_consultation_hours_are_named_in_the_sites_language():
    """Hours without a label of their own are published under the locale's word."""
    def title(lang, offer):
        d = Directory.build({"beratung": offer}, {}, {}, {}, Taxonomy.from_data({}), date(2026, 3, 1), lang=lang)
        (event,) = d.events.values()
        return event.title
    assert title("de", _offer()) == "Beratung: Sprechstunde"
    assert title("en", _offer()) == "Beratung: Office hours"
    assert title("en", _offer(label="Außensprechstunde")) == "Beratung: Außensprechstunde"


def test_country_reads_phone_numbers_and_addresses(tmp_path):
    """``country: AT`` in mkdocs.yml: a Vienna number without +43 passes the check
    (as a German number it would not) and is dialled as +43; a German number in
    international form is shown so; JSON-LD addresses are in Austria."""
    root = copy_project(tmp_path / "project")
    config = root / "mkdocs.yml"
    text, n = re.subn(r"(?m)^(\s+)country: DE$", r"\1country: AT", config.read_text("utf-8"))
    assert n == 1
    text, n = re.subn(r'(?m)^(\s+phone: )"02241 9009765"$', r'\1"+49 2241 9009765"', text)
    assert n == 1
    config.write_text(text, "utf-8")
    contact = root / "content" / "contacts" / "okan-bektas.yaml"
    contact.write_text(contact.read_text("utf-8").replace('"(02241) 900 9765"', '"01 4000 8110"'), "utf-8")
    drop_example(root / "content" / "places" / "begegnungsstaette-troisdorf-mitte.yaml")
    site = root / "site"
    proc = mkdocs_build(config, site)
    assert proc.returncode == 0, proc.stdout + proc.stderr

    person = (site / "kontakte" / "okan-bektas" / "index.html").read_text("utf-8")
    assert 'href="tel:+43140008110"' in person and "01 40008110" in person
    imprint = parse_html(site / "impressum" / "index.html")
    assert any(a.get("href") == "tel:+4922419009765" and "+49 2241 9009765" in a.text
               for a in imprint.find_all("a"))
    place = parse_html(site / "orte" / "begegnungsstaette-troisdorf-mitte" / "index.html")
    (ld,) = place.json_ld()
    assert ld["address"]["addressCountry"] == "AT"
