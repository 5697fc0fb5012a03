"""iCalendar feeds of the site languages (issue 13), read back by three parsers.

A language's feed holds exactly the occurrences of the German feed of the same
scope (UID, start, end, status: one event, one UID), with each text in that
language where the YAML has it and German otherwise, and ``LANGUAGE=`` saying
which; it is written only where it holds at least one event with a translated
text. Expectations come from the YAML files and the locale catalogues, not
from the code under test.
"""
from __future__ import annotations

import json
import subprocess
from datetime import timedelta
from pathlib import Path

import pytest
import yaml
from icalendar import Calendar
from tests.support.feeds import CONTACTS, HOST, NOW, PLACES, SITE, TAXONOMY, TODAY, event
from tests.support.ical_parsers import PARSERS, expand_all, in_days, require_node, utc_window

from nahbei.feeds import feed_catalog, write_feeds, write_language_feeds
from nahbei.model.check import check
from nahbei.model.directory import Directory, Place, _freeze
from nahbei.urls import Urls

ROOT = Path(__file__).resolve().parents[1]
CONTENT = ROOT / "content"
LANGUAGES = ("de", "en", "ar", "uk")
END = TODAY + timedelta(days=365)

# SUMMARY, LANGUAGE and RECURRENCE-ID of every VEVENT as ical.js reads them (tests/js/expand.mjs
# reads the dates; this reads the texts), for {name: ics text} on stdin.
TEXTS_JS = """
import fs from "node:fs";
import ICAL from "ical.js";
const files = JSON.parse(fs.readFileSync(0, "utf-8"));
const out = {};
for (const [name, text] of Object.entries(files)) {
  const root = new ICAL.Component(ICAL.parse(text));
  const calname = root.getFirstProperty("name");
  out[name] = {name: [calname.getFirstValue(), calname.getParameter("language") ?? null], events: []};
  for (const ev of root.getAllSubcomponents("vevent")) {
    const summary = ev.getFirstProperty("summary");
    const rid = ev.getFirstPropertyValue("recurrence-id");
    out[name].events.push([ev.getFirstPropertyValue("uid"), rid ? rid.toString() : null,
                           summary.getFirstValue(), summary.getParameter("language") ?? null]);
  }
}
process.stdout.write(JSON.stringify(out));
"""


def icaljs_texts(files: dict[str, bytes]) -> dict:
    proc = subprocess.run([require_node(), "--input-type=module", "-e", TEXTS_JS], cwd=ROOT, check=True,
                          input=json.dumps({k: v.decode("utf-8") for k, v in files.items()}),
                          capture_output=True, text=True)
    return json.loads(proc.stdout)


def summaries(parser: str, data: bytes) -> list[tuple[str, str | None, str, str | None]]:
    """(uid, recurrence-id or None, SUMMARY, its LANGUAGE or None) of every VEVENT, sorted;
    ha-ical keeps no parameters of SUMMARY: its LANGUAGE is None."""
    if parser == "icalendar":
        rows = [(str(c["UID"]), c["RECURRENCE-ID"].to_ical().decode() if "RECURRENCE-ID" in c else None,
                 str(c["SUMMARY"]), c["SUMMARY"].params.get("LANGUAGE"))
                for c in Calendar.from_ical(data).walk("VEVENT")]
    elif parser == "ha-ical":
        from ical.calendar_stream import IcsCalendarStream
        cal = IcsCalendarStream.calendar_from_ics(data.decode("utf-8"))
        rows = [(e.uid, _ha_rid(e.recurrence_id), e.summary, None) for e in cal.events]
    else:
        (answer,) = icaljs_texts({"x": data}).values()
        rows = [(u, r, s, lang) for u, r, s, lang in answer["events"]]
    return sorted(rows, key=str)


def _ha_rid(value):
    return None if value is None else str(value)


def masters(rows):
    """{uid: (summary, language)} of the series masters and single events."""
    return {u: (s, lang) for u, rid, s, lang in rows if rid is None}


def load(path: Path) -> dict:
    return yaml.safe_load(path.read_text("utf-8"))


def locale(lang: str) -> dict:
    return load(ROOT / "plugins" / "nahbei" / "locales" / f"{lang}.yaml")


def written(out: Path, paths) -> dict[str, bytes]:
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in paths}


# -- the example content: three offers translated into en/ar/uk, Dorsten not ----------

@pytest.fixture(scope="module")
def directory():
    result = check(CONTENT, today=TODAY, root=ROOT)
    assert not result.errors, result.errors
    return result.directory


@pytest.fixture(scope="module")
def example(directory, tmp_path_factory):
    out = tmp_path_factory.mktemp("site")
    by_lang = write_language_feeds(directory, out, SITE, Urls(), LANGUAGES, versions={}, now=NOW)
    return out, {lang: written(out, paths) for lang, paths in by_lang.items()}


def german_path(path: str, lang: str) -> str:
    assert path.startswith(f"{lang}/"), path
    return path[len(lang) + 1:]


def test_each_language_writes_exactly_its_catalog(directory, example):
    out, files = example
    assert set(files) == set(LANGUAGES)
    for lang in LANGUAGES:
        catalog = feed_catalog(directory.in_language(lang), Urls().in_language(lang, "de"), lang)
        assert [f.path for f in catalog] == list(files[lang]), lang
        if lang != "de":
            assert sorted(p.relative_to(out).as_posix() for p in (out / lang).rglob("*.ics")) == sorted(files[lang])
            # fewer than the German ones: the 2018 conference in Döbeln has no translation
            assert 0 < len(files[lang]) < len(files["de"]), lang
            assert f"{lang}/kalender/termine/sozialregionalkonferenz-doebeln-2018.ics" not in files[lang]
            assert f"{lang}/kalender/orte/volkshaus-doebeln.ics" not in files[lang]
            assert f"{lang}/kalender/termine/mittendrin-offener-treff.ics" in files[lang]
            assert f"{lang}/kalender/alle.ics" in files[lang]
            assert {german_path(p, lang) for p in files[lang]} <= set(files["de"])
    assert "kalender/termine/sozialregionalkonferenz-doebeln-2018.ics" in files["de"]


def test_one_call_per_language_gives_the_same_files(directory, example, tmp_path):
    """write_language_feeds (shared history, untranslated events serialised once) ==
    write_feeds on each language's directory and urls."""
    _, files = example
    for lang in ("de", "ar"):
        out = tmp_path / lang
        paths = write_feeds(directory.in_language(lang), out, SITE, Urls().in_language(lang, "de"),
                            versions={}, lang=lang, now=NOW)
        assert written(out, paths) == files[lang], lang


@pytest.fixture(scope="module")
def example_expanded(example, icaljs):
    _, files = example
    every = {path: data for lang in LANGUAGES for path, data in files[lang].items()}
    return expand_all(every, *utc_window(TODAY, END), icaljs=icaljs)


@pytest.mark.parametrize("parser", PARSERS)
def test_language_feeds_have_the_german_occurrences(example, example_expanded, parser):
    _, files = example
    checked = 0
    for lang in LANGUAGES[1:]:
        for path in files[lang]:
            german = in_days(example_expanded[parser][german_path(path, lang)], TODAY, END)
            got = in_days(example_expanded[parser][path], TODAY, END)
            assert got == german, f"{parser} {path}: {sorted(set(got) ^ set(german), key=str)[:6]}"
            checked += len(got)
    assert checked > 600  # three languages, every scope, a year of weekly dates
    everything = in_days(example_expanded[parser]["en/kalender/alle.ics"], TODAY, END)
    assert {row[3] for row in everything} == {"CONFIRMED", "CANCELLED"}


def expected_titles(lang: str) -> dict[str, tuple[str, str]]:
    """{uid: (title, its language)} from the YAML: events' own titles, and the consultation
    hours' titles beginning with their offer's name."""
    out = {}
    for f in sorted((CONTENT / "events").glob("*.yaml")):
        data = load(f)
        text = (data.get("translations") or {}).get(lang, {}).get("title")
        out[f"{data['id']}@{HOST}"] = (text, lang) if text else (data["title"], "de")
    for f in sorted((CONTENT / "offers").glob("*.yaml")):
        data = load(f)
        text = (data.get("translations") or {}).get(lang, {}).get("name")
        out[f"{data['id']}--*"] = (text, lang) if text else (data["name"], "de")
    return out


@pytest.mark.parametrize("parser", PARSERS)
def test_titles_are_translated_where_the_yaml_has_them(example, parser):
    _, files = example
    cancelled = {lang: locale(lang)["ui"]["status"]["cancelled"] + ": " for lang in LANGUAGES}
    seen_offers = set()
    for lang in LANGUAGES[1:]:
        titles = expected_titles(lang)
        feed = files[lang][f"{lang}/kalender/alle.ics"]
        rows = summaries(parser, feed)
        assert rows, lang
        for uid, (summary, language) in masters(rows).items():
            if uid in titles:
                title, title_lang = titles[uid]
                assert summary in (title, cancelled[title_lang] + title), (lang, uid, summary)
            else:  # consultation hours: "<offer name>: <label>"
                offer = uid.split("--")[0] + "--*"
                title, title_lang = titles[offer]
                assert summary.startswith(title + ": "), (lang, uid, summary)
                seen_offers.add(offer)
            assert language == (None if parser == "ha-ical" else title_lang), (lang, uid)
            assert title_lang == lang  # every event in the example's feeds is translated
        # a cancelled date of a series: its override's SUMMARY, prefixed in the title's language
        overrides = [(s, x) for u, rid, s, x in rows if rid and u == f"mittendrin-offener-treff@{HOST}"]
        title = titles[f"mittendrin-offener-treff@{HOST}"][0]
        assert (cancelled[lang] + title, None if parser == "ha-ical" else lang) in overrides, (lang, overrides)
    assert seen_offers == {"thinka-soemmerda--*"}


def test_calendar_names_come_from_the_locale(example):
    _, files = example
    every = {lang: files[lang]["kalender/alle.ics" if lang == "de" else f"{lang}/kalender/alle.ics"]
             for lang in LANGUAGES}
    names = icaljs_texts(every)
    for lang, data in every.items():
        ui = locale(lang)["ui"]["calendar"]
        want = ui["title_for"].format(label=ui["all_dates"])
        assert names[lang]["name"] == [want, lang], lang
        cal = Calendar.from_ical(data)
        assert (str(cal["NAME"]), cal["NAME"].params["LANGUAGE"]) == (want, lang)
        assert str(cal["X-WR-CALNAME"]) == want and cal["X-WR-CALNAME"].params["LANGUAGE"] == lang
    en = {path: Calendar.from_ical(data) for path, data in files["en"].items()}
    # an event's own feed is named by its title, in the title's language
    own = en["en/kalender/termine/mittendrin-offener-treff.ics"]["NAME"]
    assert (str(own), own.params["LANGUAGE"]) == ("MITTEndrin! open meeting", "en")
    # a topic's label in English (taxonomy.yaml translations), a region's name as it is
    topic = en["en/kalender/themen/beratung.ics"]["NAME"]
    assert (str(topic), topic.params["LANGUAGE"]) == ("Calendar: Advice and guidance", "en")
    assert str(en["en/kalender/regionen/troisdorf.ics"]["NAME"]) == "Calendar: Troisdorf"


def test_every_language_feed_round_trips_in_icalendar(example):
    """LANGUAGE parameters, folding and escaping exactly as icalendar writes them."""
    _, files = example
    for lang in LANGUAGES:
        for path, data in files[lang].items():
            assert Calendar.from_ical(data).to_ical() == data, path
            for raw in data.split(b"\r\n")[:-1]:
                assert len(raw) <= 75, (path, raw)


def test_urls_and_source_of_a_language_feed(example):
    _, files = example
    cal = Calendar.from_ical(files["en"]["en/kalender/termine/mittendrin-offener-treff.ics"])
    assert str(cal["SOURCE"]) == SITE + "en/kalender/termine/mittendrin-offener-treff.ics"
    (master,) = [c for c in cal.walk("VEVENT") if "RECURRENCE-ID" not in c]
    assert str(master["URL"]) == SITE + "en/veranstaltungen/mittendrin-offener-treff/"
    assert str(master["DESCRIPTION"]).startswith("Every Thursday: get talking")
    assert master["DESCRIPTION"].params["LANGUAGE"] == "en"
    assert "Organiser: Amt für Soziales, Wohnen und Integration" in str(master["DESCRIPTION"])
    # the place has no English name: German, and said so
    assert master["LOCATION"].params["LANGUAGE"] == "de"
    assert str(master["LOCATION"]).startswith("Begegnungsstätte in Troisdorf-Mitte")
    # its topics in English (taxonomy.yaml translations), the same ones as in German
    categories = master["CATEGORIES"]  # one property: every topic has an English label
    assert categories.params["LANGUAGE"] == "en"
    assert [str(c) for c in categories.cats] == ["Loneliness", "Meeting people", "Support and mentoring",
                                                 "Volunteering"]
    german = Calendar.from_ical(files["de"]["kalender/termine/mittendrin-offener-treff.ics"])
    (de_master,) = [c for c in german.walk("VEVENT") if "RECURRENCE-ID" not in c]
    assert de_master["CATEGORIES"].params["LANGUAGE"] == "de"
    assert [str(c) for c in de_master["CATEGORIES"].cats] == ["Einsamkeit", "Begegnung und Treffpunkte",
                                                               "Begleitung und Mentoring", "Ehrenamt"]


# -- a small directory: translated, partly translated and untranslated events --------

SAAL_EN = Place("halle", "content/places/halle.yaml", _freeze({
    "id": "halle", "name": "Stadthalle", "region": "stadt",
    "address": {"street": "Markt 2", "postcode": "53840", "town": "Troisdorf"},
    "translations": {"en": {"name": "Town hall"}},
}))


def small_directory() -> Directory:
    treff = event("treff", "2026-12-03 17:00", end="2026-12-03 19:00", title="Offener Treff",
                  summary="Jeden Donnerstag ins Gespräch kommen.",
                  recurrence={"frequency": "weekly", "weekdays": ["do"], "until": "2027-03-25",
                              "except": ["2026-12-24"], "cancelled": ["2027-01-07"],
                              "moved": [{"date": "2026-12-31", "to": "2026-12-30 17:00", "end": "2026-12-30 19:00",
                                         "note": "Wegen Silvester."}]},
                  topics=["treffen"], translations={
                      "en": {"title": "Open meeting", "summary": "Every Thursday: get talking."},
                      "ar": {"title": "لقاء مفتوح"}})  # Arabic title only: summary German
    kurs = event("kurs", "2026-12-10 10:00", end="2026-12-10 12:00", title="Nähkurs",
                 summary="Ein Nachmittag an der Nähmaschine.", topics=["treffen"])
    halle = event("halle-abend", "2026-12-12 18:00", title="Abend in der Halle", place="halle",
                  summary="Musik und Gespräche.", organiser="verein")
    events = {e.id: e for e in (treff, kurs, halle)}
    return Directory.build({}, events, CONTACTS, {**PLACES, "halle": SAAL_EN}, TAXONOMY, TODAY)


@pytest.fixture(scope="module")
def small(tmp_path_factory):
    d = small_directory()
    out = tmp_path_factory.mktemp("small")
    by_lang = write_language_feeds(d, out, SITE, Urls(), LANGUAGES, versions={}, now=NOW)
    return d, out, {lang: written(out, paths) for lang, paths in by_lang.items()}


def vevents(data: bytes) -> dict[str, bytes]:
    """{uid: the bytes of its VEVENTs} (master and overrides together)."""
    out: dict[str, bytes] = {}
    for part in data.split(b"BEGIN:VEVENT\r\n")[1:]:
        body = b"BEGIN:VEVENT\r\n" + part[:part.index(b"END:VEVENT\r\n") + len(b"END:VEVENT\r\n")]
        uid = body.split(b"\r\nUID:")[1].split(b"\r\n")[0].decode()
        out[uid] = out.get(uid, b"") + body
    return out


def test_a_language_without_translations_has_no_feeds(small):
    d, out, files = small
    assert files["uk"] == {}
    assert not (out / "uk").exists()
    assert feed_catalog(d.in_language("uk"), Urls().in_language("uk", "de"), "uk") == []


def test_only_feeds_with_a_translated_event_are_written(small):
    _, _, files = small
    # an entry's own feed only where the entry has a page in the language (its page links it):
    # not the organisers' and the Saal's (nothing translated), not halle-abend's (only its
    # place is translated), not Arabic treff's (its title only: no Arabic page)
    assert sorted(files["en"]) == sorted([
        "en/kalender/alle.ics", "en/kalender/themen/treffen.ics",
        "en/kalender/regionen/kreis.ics", "en/kalender/regionen/stadt.ics",
        "en/kalender/orte/halle.ics",
        "en/kalender/termine/treff.ics",
    ])
    assert "en/kalender/termine/kurs.ics" not in files["en"]
    assert "ar/kalender/orte/halle.ics" not in files["ar"]  # the hall has no Arabic name
    assert "ar/kalender/termine/treff.ics" not in files["ar"]
    assert "ar/kalender/alle.ics" in files["ar"]


def test_untranslated_events_are_the_german_bytes(small):
    d, _, files = small
    german = vevents(files["de"]["kalender/alle.ics"])
    for lang in ("en", "ar"):
        here = vevents(files[lang][f"{lang}/kalender/alle.ics"])
        assert set(here) == set(german)
        assert here[f"kurs@{HOST}"] == german[f"kurs@{HOST}"], lang
        assert here[f"treff@{HOST}"] != german[f"treff@{HOST}"], lang
    kurs = Calendar.from_ical(files["en"]["en/kalender/alle.ics"])
    (ev,) = [c for c in kurs.walk("VEVENT") if str(c["UID"]) == f"kurs@{HOST}"]
    assert (str(ev["SUMMARY"]), ev["SUMMARY"].params["LANGUAGE"]) == ("Nähkurs", "de")
    assert ev["DESCRIPTION"].params["LANGUAGE"] == "de"
    assert str(ev["URL"]) == SITE + "veranstaltungen/kurs/"  # no English page: the German one


def test_german_feed_says_german(small):
    _, _, files = small
    text = files["de"]["kalender/alle.ics"].decode().replace("\r\n ", "")  # unfolded
    assert "SUMMARY;LANGUAGE=de:Offener Treff" in text
    assert "SUMMARY;LANGUAGE=de:Abgesagt: Offener Treff" in text
    assert "DESCRIPTION;LANGUAGE=de:Jeden Donnerstag" in text
    assert "LOCATION;LANGUAGE=de:Saal am Markt" in text
    assert "ORGANIZER;CN=\"Amt für Soziales, Wohnen\";LANGUAGE=de:mailto:amt@example.org" in text
    assert "NAME;LANGUAGE=de:Kalender: alle Termine" in text


def test_each_text_in_one_language(small):
    _, _, files = small
    en_ui, ar_ui = locale("en")["ui"], locale("ar")["ui"]
    de_ui = locale("de")["ui"]
    en = Calendar.from_ical(files["en"]["en/kalender/termine/treff.ics"])
    master, moved, cancelled = en.walk("VEVENT")
    assert (str(master["SUMMARY"]), master["SUMMARY"].params["LANGUAGE"]) == ("Open meeting", "en")
    assert str(master["DESCRIPTION"]).startswith("Every Thursday: get talking.")
    assert f"{en_ui['event']['organiser']}: Amt für Soziales, Wohnen" in str(master["DESCRIPTION"])
    assert str(master["URL"]) == SITE + "en/veranstaltungen/treff/"
    assert str(moved["DESCRIPTION"]).startswith(en_ui["status"]["moved"] + " (")
    assert str(cancelled["SUMMARY"]) == f"{en_ui['status']['cancelled']}: Open meeting"
    assert str(cancelled["DESCRIPTION"]).startswith(en_ui["event"]["cancelled_notice"])
    # Arabic: the title is translated, the summary is not: DESCRIPTION stays German throughout
    ar = Calendar.from_ical(files["ar"]["ar/kalender/alle.ics"])
    master, moved, cancelled = [c for c in ar.walk("VEVENT") if str(c["UID"]) == f"treff@{HOST}"]
    assert (str(master["SUMMARY"]), master["SUMMARY"].params["LANGUAGE"]) == ("لقاء مفتوح", "ar")
    assert str(cancelled["SUMMARY"]) == f"{ar_ui['status']['cancelled']}: لقاء مفتوح"
    assert cancelled["SUMMARY"].params["LANGUAGE"] == "ar"
    assert master["DESCRIPTION"].params["LANGUAGE"] == "de"
    assert f"{de_ui['event']['organiser']}: Amt für Soziales" in str(master["DESCRIPTION"])
    assert str(moved["DESCRIPTION"]).startswith(de_ui["status"]["moved"] + " (")
    assert str(master["URL"]) == SITE + "veranstaltungen/treff/"  # no Arabic page without the summary
    # only the place is translated: LOCATION in English, the rest German
    halle = Calendar.from_ical(files["en"]["en/kalender/orte/halle.ics"])
    (ev,) = halle.walk("VEVENT")
    assert (str(ev["LOCATION"]), ev["LOCATION"].params["LANGUAGE"]) == ("Town hall, Markt 2, 53840 Troisdorf", "en")
    assert ev["SUMMARY"].params["LANGUAGE"] == "de"
    assert str(Calendar.from_ical(files["en"]["en/kalender/orte/halle.ics"])["URL"]) == SITE + "en/orte/halle/"


@pytest.mark.parametrize("parser", PARSERS)
def test_small_language_feeds_have_the_german_occurrences_and_texts(small, icaljs, parser):
    _, _, files = small
    every = {path: data for lang in LANGUAGES for path, data in files[lang].items()}
    expanded = expand_all(every, *utc_window(TODAY, END), icaljs=icaljs)
    for lang in ("en", "ar"):
        assert files[lang]
        for path in files[lang]:
            german = in_days(expanded[parser][german_path(path, lang)], TODAY, END)
            assert in_days(expanded[parser][path], TODAY, END) == german, (parser, path)
    rows = expanded[parser]["en/kalender/termine/treff.ics"]
    assert {r[1] for r in rows} >= {"2026-12-03T16:00:00Z", "2026-12-30T16:00:00Z"}
    assert "2026-12-24T16:00:00Z" not in {r[1] for r in rows}
    assert "CANCELLED" in {r[3] for r in rows}
    lang_of = None if parser == "ha-ical" else "en"
    assert masters(summaries(parser, files["en"]["en/kalender/alle.ics"])) == {
        f"treff@{HOST}": ("Open meeting", lang_of),
        f"kurs@{HOST}": ("Nähkurs", None if parser == "ha-ical" else "de"),
        f"halle-abend@{HOST}": ("Abend in der Halle", None if parser == "ha-ical" else "de"),
    }


# -- the pages the feeds name exist in the built site ------------------------------

def test_every_url_in_a_language_feed_is_a_page_of_the_built_site(example, example_site):
    """Events and calendars name their page in the feed's edition where the site
    has one, the German page where not (``translations.has_page_in``)."""
    _, files = example
    checked, in_edition = 0, 0
    for lang in LANGUAGES:
        for path, data in files[lang].items():
            cal = Calendar.from_ical(data)
            for component in (cal, *cal.walk("VEVENT")):
                url = str(component["URL"])
                assert url.startswith(SITE), (path, url)
                page = url[len(SITE):]
                assert (example_site / page / "index.html").is_file(), (path, url)
                checked += 1
                in_edition += lang != "de" and page.startswith(f"{lang}/")
    assert checked > 500 and in_edition > 200
