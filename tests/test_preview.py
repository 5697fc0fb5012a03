"""The volunteer's preview (``make serve`` = ``mkdocs serve --dirty``): only what a
change touches is rendered again, and it is served correctly.

- nahbei.model.changes: which entry pages a change reaches (pure, on the example content)
- check()'s LoadCache: the same problems and model as a fresh check, with changed files read again
- a real ``mkdocs serve --dirty`` (bench/preview.py) on a copy of the example site
"""
from __future__ import annotations

import os
import re
import shutil
from datetime import date
from pathlib import Path

import pytest
from bench.preview import Server, change_name
from tests.support.content import mark_reviewed

from nahbei.mkdocs.pages import edition_urls, make_urls, plan
from nahbei.model.changes import affected_entries, affected_situations, changed_entries
from nahbei.model.check import LoadCache, check

REPO = Path(__file__).resolve().parents[1]
TODAY = date(2026, 11, 22)
ENV = {"SOURCE_DATE_EPOCH": "1795305600", "NO_MKDOCS_2_WARNING": "1"}


def copy_content(tmp_path) -> Path:
    shutil.copytree(REPO / "content", tmp_path / "content")
    return tmp_path / "content"


def directory(content: Path):
    result = check(content, today=TODAY, root=content.parent)
    assert result.directory is not None, [p.format() for p in result.problems]
    return result.directory


# -- which pages a change reaches ---------------------------------------------------

def test_renaming_an_offer_reaches_its_provider_contacts_places_and_events(tmp_path):
    content = copy_content(tmp_path)
    old = directory(content)
    change_name(content / "offers" / "mittendrin-troisdorf.yaml", "MITTEndrin neu")
    new = directory(content)
    assert changed_entries(old, new) == {("offer", "mittendrin-troisdorf")}
    affected = affected_entries(old, new)
    assert {("offer", "mittendrin-troisdorf"), ("contact", "stadt-troisdorf"), ("contact", "okan-bektas"),
            ("place", "begegnungsstaette-troisdorf-mitte"), ("event", "mittendrin-offener-treff")} <= affected
    assert ("offer", "thinka-soemmerda") not in affected
    assert ("contact", "caritas-moenchengladbach") not in affected


def test_renaming_an_offer_reaches_the_finder_pages_that_list_it_and_no_others(tmp_path):
    content = copy_content(tmp_path)
    old = directory(content)
    change_name(content / "offers" / "mittendrin-troisdorf.yaml", "MITTEndrin neu")
    new = directory(content)
    listing = {sid for sid in new.taxonomy.situations
               if "mittendrin-troisdorf" in {o.id for o in new.situation_offers(sid)}}
    assert listing and listing != set(new.taxonomy.situations)
    assert affected_situations(old, new, affected_entries(old, new)) == listing
    # an offer that stops matching: the situation it left is rendered again too
    f = content / "offers" / "mittendrin-troisdorf.yaml"
    f.write_text(f.read_text("utf-8").replace("topics: [einsamkeit, begegnung, mentoring, ehrenamt]",
                                              "topics: [ehrenamt]"), "utf-8")
    after = directory(content)
    assert "viel-allein" in affected_situations(new, after, affected_entries(new, after))
    assert "mittendrin-troisdorf" not in {o.id for o in after.situation_offers("viel-allein")}


def test_moving_an_event_reaches_the_old_and_the_new_place(tmp_path):
    content = copy_content(tmp_path)
    old = directory(content)
    f = content / "events" / "mittendrin-offener-treff.yaml"
    f.write_text(f.read_text("utf-8").replace("place: begegnungsstaette-troisdorf-mitte", "place: volkshaus-doebeln"),
                 "utf-8")
    affected = affected_entries(old, directory(content))
    assert {("place", "begegnungsstaette-troisdorf-mitte"), ("place", "volkshaus-doebeln"),
            ("offer", "mittendrin-troisdorf")} <= affected


def test_a_new_taxonomy_or_a_new_day_renders_everything(tmp_path):
    content = copy_content(tmp_path)
    old = directory(content)
    assert affected_entries(None, old) is None
    tax = content / "taxonomy.yaml"
    tax.write_text(tax.read_text("utf-8").replace("label: Beratung", "label: Beratung und Hilfe", 1), "utf-8")
    new = directory(content)
    assert new.taxonomy != old.taxonomy
    assert affected_entries(old, new) is None
    later = check(content, today=date(2026, 11, 23), root=content.parent).directory
    assert affected_entries(new, later) is None
    assert changed_entries(new, directory(content)) == set()


# -- the load cache -------------------------------------------------------------------

def test_load_cache_gives_the_same_result_and_reads_changed_files_again(tmp_path):
    content = copy_content(tmp_path)
    cache = LoadCache()
    first = check(content, today=TODAY, root=tmp_path, cache=cache)
    files = first.files
    assert cache.misses == files and cache.hits == 0
    second = check(content, today=TODAY, root=tmp_path, cache=cache)
    assert cache.hits == files
    assert second.directory == first.directory
    assert [p.format() for p in second.problems] == [p.format() for p in first.problems]
    # a broken file is read again and reported exactly as without the cache
    offer = content / "offers" / "thinka-soemmerda.yaml"
    offer.write_text(offer.read_text("utf-8").replace("status: active", "status: aktiv"), "utf-8")
    os.utime(offer, ns=(offer.stat().st_atime_ns, offer.stat().st_mtime_ns + 10**9))
    cached = check(content, today=TODAY, root=tmp_path, cache=cache)
    fresh = check(content, today=TODAY, root=tmp_path)
    assert cached.directory is None
    assert [p.format() for p in cached.problems] == [p.format() for p in fresh.problems]
    assert any(":7:" in p.format() and "aktiv" in p.format() for p in cached.errors)
    # a cross-file problem is found although both files come from the cache
    event = content / "events" / "mittendrin-offener-treff.yaml"
    offer.write_text(offer.read_text("utf-8").replace("status: aktiv", "status: active"), "utf-8")
    os.utime(offer, ns=(offer.stat().st_atime_ns, offer.stat().st_mtime_ns + 2 * 10**9))
    assert check(content, today=TODAY, root=tmp_path, cache=cache).directory is not None
    (content / "places" / "begegnungsstaette-troisdorf-mitte.yaml").unlink()
    problems = [p.format() for p in check(content, today=TODAY, root=tmp_path, cache=cache).errors]
    assert any(p.startswith("content/events/mittendrin-offener-treff.yaml:") for p in problems), problems
    assert event.exists()


def test_file_rules_and_entries_of_unchanged_files_are_kept_and_changed_ones_redone(tmp_path):
    content = copy_content(tmp_path)
    mark_reviewed(content / "offers" / "mittendrin-troisdorf.yaml", "2026-11-01")  # overdue on a later day
    cache = LoadCache()
    first = check(content, today=TODAY, root=tmp_path, cache=cache)
    # a file rule (closing before opening) in one file; another file unchanged
    offer = content / "offers" / "thinka-soemmerda.yaml"
    text = offer.read_text("utf-8")
    opens, closes = re.search(r'opens: "(\d\d:\d\d)"\s+closes: "(\d\d:\d\d)"', text).groups()
    offer.write_text(text.replace(f'closes: "{closes}"', f'closes: "{opens}"', 1), "utf-8")
    os.utime(offer, ns=(offer.stat().st_atime_ns, offer.stat().st_mtime_ns + 10**9))
    cached = check(content, today=TODAY, root=tmp_path, cache=cache)
    fresh = check(content, today=TODAY, root=tmp_path)
    assert [p.format() for p in cached.problems] == [p.format() for p in fresh.problems]
    assert any("thinka-soemmerda.yaml" in p.format() for p in cached.errors)
    # fixed again: the problem goes; unchanged files keep their entry objects
    offer.write_text(text, "utf-8")
    os.utime(offer, ns=(offer.stat().st_atime_ns, offer.stat().st_mtime_ns + 2 * 10**9))
    again = check(content, today=TODAY, root=tmp_path, cache=cache)
    assert [p.format() for p in again.problems] == [p.format() for p in first.problems]
    assert again.directory == first.directory
    assert again.directory.offers["mittendrin-troisdorf"] is first.directory.offers["mittendrin-troisdorf"]
    assert again.directory.offers["thinka-soemmerda"] is not first.directory.offers["thinka-soemmerda"]
    # another day: the rules that depend on today run again (overdue reviews, ended periods)
    later = date(2028, 6, 1)
    assert ([p.format() for p in check(content, today=later, root=tmp_path, cache=cache).problems]
            == [p.format() for p in check(content, today=later, root=tmp_path).problems])
    assert any(p.severity == "warning" for p in check(content, today=later, root=tmp_path, cache=cache).problems)


def test_load_cache_is_emptied_when_the_schemas_change():
    cache = LoadCache()
    cache.use_schemas("a")
    cache.entries["x"] = (1, 2, "offer", "", {})
    cache.use_schemas("a")
    assert "x" in cache.entries
    cache.local["x"] = ({}, None, ())
    cache.model["x"] = ({}, None, None)
    cache.use_schemas("b")
    assert cache.entries == {} and cache.local == {} and cache.model == {}


def without_livereload(html: str) -> str:
    return html[: html.rindex("<script")]


# -- the real preview server ------------------------------------------------------------

@pytest.fixture
def project(tmp_path) -> Path:
    for name in ("docs", "overrides", "content"):
        shutil.copytree(REPO / name, tmp_path / name)
    shutil.copy(REPO / "mkdocs.yml", tmp_path / "mkdocs.yml")
    return tmp_path


def test_preview_serves_a_changed_entry_and_its_neighbours_and_keeps_the_rest(project):
    # started with `-f mkdocs.yml` as typed: the rebuild must still be partial
    server = Server(project / "mkdocs.yml", ENV, as_typed=True)
    try:
        server.wait_for_build(1, 300)
        offer_page = "angebote/mittendrin-troisdorf/"
        provider_page = "kontakte/stadt-troisdorf/"
        other_page = "angebote/thinka-soemmerda/"
        before_other = server.get(other_page)
        assert before_other and "ThINKA" in before_other
        change_name(project / "content" / "offers" / "mittendrin-troisdorf.yaml", "MITTEndrin Vorschau")
        server.wait_for_text(offer_page, "MITTEndrin Vorschau", 120)
        server.wait_for_build(2, 120)
        assert "MITTEndrin Vorschau" in server.get(provider_page)  # the provider lists its offers
        assert "MITTEndrin Vorschau" in server.get("a-z/")  # index pages are rendered every time
        # kept as it was (the livereload snippet the server injects carries a build counter)
        assert without_livereload(server.get(other_page)) == without_livereload(before_other)
        line = [x for x in server.lines if "Vorschau:" in x][-1]
        m = re.search(r"(\d+) geänderte Einträge, (\d+) Seiten", line)
        # every edition's pages (mkdocs.yml: languages [de, en, ar, uk])
        d, urls = directory(project / "content"), make_urls()
        total = sum(len(plan(d.in_language(lang), edition_urls(urls, d, lang, "de"), lang, "de"))
                    for lang in ("de", "en", "ar", "uk"))
        assert m and m.group(1) == "1" and 7 <= int(m.group(2)) < total / 2, (line, total)

        # an invalid change: the check's message in the log (mkdocs serve holds requests
        # until the content is valid again), then the fixed entry is served
        f = project / "content" / "offers" / "mittendrin-troisdorf.yaml"
        good = f.read_text("utf-8")
        f.write_text(good.replace("status: active", "status: aktiv"), "utf-8")
        server.wait_for_log(r"content/offers/mittendrin-troisdorf\.yaml:7:9: Fehler: .*aktiv", 120)
        f.write_text(good.replace("MITTEndrin Vorschau", "MITTEndrin wieder gut"), "utf-8")
        server.wait_for_text(offer_page, "MITTEndrin wieder gut", 120)

        # a deleted event's page goes away; a new event gets its page and its own feed
        event = project / "content" / "events" / "im-netzwerk-kennenlerntreffen.yaml"
        text = event.read_text("utf-8")
        event.unlink()
        server.wait_for_status("veranstaltungen/im-netzwerk-kennenlerntreffen/", 404, 120)
        copy = project / "content" / "events" / "im-netzwerk-zweites-treffen.yaml"
        copy.write_text(text.replace("id: im-netzwerk-kennenlerntreffen", "id: im-netzwerk-zweites-treffen"), "utf-8")
        server.wait_for_text("veranstaltungen/im-netzwerk-zweites-treffen/", "<h1", 120)
        server.wait_for_text("kalender/termine/im-netzwerk-zweites-treffen.ics", "BEGIN:VCALENDAR", 30)
        server.wait_for_text("veranstaltungen/im-netzwerk-zweites-treffen/", "data-nb-qr=", 30)  # for the handout
    finally:
        server.stop()


def test_occurrence_cache_gives_the_same_dates_and_recomputes_changed_events(tmp_path):
    content = copy_content(tmp_path)
    old = directory(content)
    cache: dict = {}
    end = date(2027, 3, 1)
    assert old.occurrences(TODAY, end, cache=cache) == old.occurrences(TODAY, end)
    f = content / "events" / "mittendrin-offener-treff.yaml"
    f.write_text(f.read_text("utf-8").replace('start: "2026-10-01 17:00"', 'start: "2026-10-01 18:00"')
                 .replace('end: "2026-10-01 19:00"', 'end: "2026-10-01 20:00"', 1), "utf-8")
    new = directory(content)
    cached = new.occurrences(TODAY, end, cache=cache)
    assert cached == new.occurrences(TODAY, end) != old.occurrences(TODAY, end)
    treff = [o for o in cached if o.event_id == "mittendrin-offener-treff" and o.status == "scheduled"]
    assert treff and all(o.start.hour == 18 for o in treff)
    # another window is computed anew, not taken from the cache
    assert new.occurrences(TODAY, date(2026, 12, 1), cache=cache) == new.occurrences(TODAY, date(2026, 12, 1))


def test_each_edition_keeps_its_dates_in_its_own_cache(tmp_path):
    """The preview keeps one occurrence cache per language (plugin: preview.occurrences[lang]):
    an edition's translated events are other objects than the German ones, so in one
    shared cache the two editions would push each other's dates out on every rebuild."""
    content = copy_content(tmp_path)
    end = date(2027, 3, 1)
    langs = ("de", "en")

    def rebuild_twice(caches_for):
        hits = {}
        for build in range(2):
            d = directory(content)  # a new Directory of the same content, as in the next rebuild
            for lang in langs:
                edition = d.in_language(lang)
                cache = caches_for(lang)
                before = {k: v[3] for k, v in cache.items()}
                assert edition.occurrences(TODAY, end, cache=cache) == edition.occurrences(TODAY, end)
                if build == 1:
                    hits[lang] = sum(cache[k][3] is dates for k, dates in before.items() if k in cache)
        return hits

    d = directory(content)
    translated = {i for i, e in d.in_language("en").events.items() if e is not d.events[i]}
    events = len(d.events)
    per_language: dict = {}
    assert rebuild_twice(lambda lang: per_language.setdefault(lang, {})) == {"de": events, "en": events}
    shared: dict = {}
    hits = rebuild_twice(lambda lang: shared)
    assert translated and hits["en"] == events - len(translated) < events


def test_calendar_lines_change_only_with_the_event_its_place_or_its_terms(tmp_path):
    from nahbei.model.changes import calendar_events

    content = copy_content(tmp_path)
    old = directory(content)
    offer = content / "offers" / "mittendrin-troisdorf.yaml"
    change_name(offer, "MITTEndrin neu")
    new = directory(content)
    assert calendar_events(old, new, changed_entries(old, new)) == set()  # a calendar line shows no offer name
    # the offer's topics reach its events that have none of their own
    offer.write_text(offer.read_text("utf-8").replace("topics: [einsamkeit, begegnung, mentoring, ehrenamt]",
                                                      "topics: [einsamkeit]"), "utf-8")
    newer = directory(content)
    moved = calendar_events(new, newer, changed_entries(new, newer))
    assert moved == {eid for eid, e in newer.events.items()
                     if e.offer == "mittendrin-troisdorf" and not e.data.get("topics")}
    place = content / "places" / "begegnungsstaette-troisdorf-mitte.yaml"
    change_name(place, "Begegnungsstätte neu")
    last = directory(content)
    assert set(last.events_by_place["begegnungsstaette-troisdorf-mitte"]) <= calendar_events(
        newer, last, changed_entries(newer, last))
