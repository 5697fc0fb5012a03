"""The built site's feeds against the built site's pages: what a calendar app
shows after subscribing is exactly what the page shows.

The example site is built with ``mkdocs build --strict``. Every calendar page
(all dates, and one per topic, target group and region) links its feed; that
feed, taken from the build output, is expanded by three parsers (icalendar +
recurring-ical-events, ical (Home Assistant), ical.js (Thunderbird)) over the
page's window, and each must give exactly the page's dates: the same entry,
the same start (compared in UTC), cancelled or not. Event pages' "next dates"
are checked against the event's own feed the same way.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import datetime, timedelta, timezone
from html.parser import HTMLParser
from pathlib import Path
from posixpath import normpath
from urllib.parse import urljoin, urlsplit

import pytest
from icalendar import Calendar
from tests.support.feeds import HOST, TODAY, directory_of, event, feeds_of
from tests.support.ical_parsers import PARSERS, expand_all, in_days, utc_window

from nahbei.model.check import check
from nahbei.urls import Urls

REPO = Path(__file__).resolve().parents[1]
EPOCH = str(int(datetime(TODAY.year, TODAY.month, TODAY.day, 12, tzinfo=timezone.utc).timestamp()))
WEEKS = 8  # calendar_weeks in mkdocs.yml


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("feeds-site") / "site"
    env = {**os.environ, "SOURCE_DATE_EPOCH": EPOCH, "NO_MKDOCS_2_WARNING": "1"}
    env.pop("NAHBEI_SITE_URL", None)
    proc = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "-d", str(out)], cwd=REPO,
                          env=env, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return out


@pytest.fixture(scope="module")
def directory():
    result = check(REPO / "content", today=TODAY, root=REPO)
    assert not result.errors
    return result.directory


class Dates(HTMLParser):
    """(link, start, struck) of every date in the page's lists of dates, and the .ics links."""

    def __init__(self, list_class: str):
        super().__init__()
        self.list_class = list_class
        self.rows: list[tuple[str, str, bool]] = []
        self.feeds: list[str] = []
        self._depth = 0  # inside the list of dates
        self._when = self._link = None
        self._struck = False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "a" and (a.get("href") or "").endswith(".ics"):
            self.feeds.append(a["href"])
        if tag == "ul" and self.list_class in (a.get("class") or "").split():
            self._depth = 1
            return
        if not self._depth:
            return
        if tag == "ul":
            self._depth += 1
        elif tag == "li" and self._depth == 1:
            self._when, self._link, self._struck = None, None, False
        elif tag == "time" and self._when is None:
            self._when = a["datetime"]
        elif tag == "del":
            self._struck = True
        elif tag == "a" and self._link is None and not a.get("href", "").endswith(".ics"):
            self._link = a.get("href")

    def handle_endtag(self, tag):
        if not self._depth:
            return
        if tag == "li" and self._depth == 1 and self._when:
            self.rows.append((self._link, self._when, self._struck))
        elif tag == "ul":
            self._depth -= 1


def page_dates(site: Path, page: str, list_class: str) -> Dates:
    parser = Dates(list_class)
    parser.feed((site / page / "index.html").read_text("utf-8"))
    return parser


def utc(when: str) -> str:
    """A page's <time datetime> as the parsers' UTC form (dates stay dates)."""
    if "T" not in when:
        return when
    return datetime.fromisoformat(when).astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def resolve(page: str, href: str) -> str:
    """A link on ``page`` as a site path ("angebote/x/", "kalender/alle.ics")."""
    path = normpath(urlsplit(urljoin("/" + page, href)).path).lstrip("/")
    return path if path.endswith(".ics") else path + "/"


def own_feed(page: str, dates: "Dates") -> str:
    """The page's .ics download link (its webcal:// twin is the same file)."""
    links = [f for f in dates.feeds if not f.startswith("webcal:")]
    assert links, f"{page}: no feed link"
    return resolve(page, links[0])


def page_of(directory, uid: str) -> str:
    """The page a feed's event links to on the site (consultation hours: the offer page)."""
    e = directory.events[uid.split("@")[0]]
    return Urls().page("offer", e.derived_from) if e.derived_from else Urls().page("event", e.id)


def feed_rows(rows, directory, start, end) -> list[tuple]:
    return sorted((page_of(directory, uid), begin, status in ("CANCELLED", "TENTATIVE"))
                  for uid, begin, _, status in in_days(rows, start, end))


def calendar_pages(site: Path) -> list[str]:
    root = site / "kalender"
    pages = ["kalender/"]
    for index in sorted(root.glob("*/*/index.html")):
        pages.append(index.parent.relative_to(site).as_posix() + "/")
    return pages


def test_every_calendar_page_equals_its_feed_in_three_parsers(site, directory, icaljs):
    end = TODAY + timedelta(weeks=WEEKS)
    pages = calendar_pages(site)
    assert len(pages) > 20  # all dates, and one calendar per topic, target group and region
    shown = {}
    feeds = {}
    for page in pages:
        dates = page_dates(site, page, "nb-events")
        if not dates.rows:
            continue  # nothing in the window (the feed may still hold later dates)
        feeds[page] = own_feed(page, dates)
        shown[page] = sorted((resolve(page, link), utc(when), struck) for link, when, struck in dates.rows)
    assert len(shown) > 10 and sum(map(len, shown.values())) > 60
    files = {path: (site / path).read_bytes() for path in set(feeds.values())}
    expanded = expand_all(files, *utc_window(TODAY, end), icaljs=icaljs)
    for parser in PARSERS:
        for page, rows in shown.items():
            got = feed_rows(expanded[parser][feeds[page]], directory, TODAY, end)
            assert got == rows, (parser, page, sorted(set(got) ^ set(rows))[:6])
    # the example has cancelled dates on a page and in its feed
    assert any(struck for rows in shown.values() for _, _, struck in rows)


def test_event_pages_next_dates_equal_the_events_feed(site, directory, icaljs):
    pages = sorted(p.parent.relative_to(site).as_posix() + "/" for p in (site / "veranstaltungen").glob("*/index.html"))
    shown = {}  # page: (its feed, the dates it shows)
    for page in pages:
        dates = page_dates(site, page, "nb-dates")
        if not dates.rows or utc(dates.rows[-1][1]) < TODAY.isoformat():
            continue  # a past event: its last dates, no "add to calendar"
        path = own_feed(page, dates)
        assert path.startswith("kalender/termine/"), (page, path)
        shown[page] = (path, [(utc(when), struck) for _, when, struck in dates.rows])
    assert len(shown) >= 3
    files = {path: (site / path).read_bytes() for path, _ in shown.values()}
    result = expand_all(files, *utc_window(TODAY, TODAY + timedelta(days=400)), icaljs=icaljs)
    for parser in PARSERS:  # the Python parsers first: they run even where node is missing
        for page, (path, dates) in shown.items():
            rows = in_days(result[parser][path], TODAY, TODAY + timedelta(days=400))
            got = [(begin, status in ("CANCELLED", "TENTATIVE")) for _, begin, _, status in
                   sorted(rows, key=lambda r: r[1])][:len(dates)]
            assert got == dates, (parser, page, got, dates)


def test_geo_and_location_come_from_the_place():
    # the place of the test directory has coordinates: GEO in the feed, the address in LOCATION
    files = feeds_of(directory_of(event("treff", "2026-12-03 17:00", end="2026-12-03 19:00")))
    cal = Calendar.from_ical(files["kalender/termine/treff.ics"])
    (ev,) = [c for c in cal.walk("VEVENT")]
    geo = ev.get("GEO").to_ical()
    assert (geo.decode() if isinstance(geo, bytes) else geo) == "50.8155;7.1553"
    assert str(ev.get("LOCATION")) == "Saal am Markt, Markt 1, 53840 Troisdorf"
    assert f"UID:treff@{HOST}" in files["kalender/termine/treff.ics"].decode()


class FeedLinks(HTMLParser):
    """Every feed address on a page: .ics links (relative, https or webcal://)
    and the read-only address fields of the subscribe blocks."""

    def __init__(self):
        super().__init__()
        self.addresses: list[str] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        for value in (a.get("href"), a.get("value") if tag == "input" else None):
            if value and urlsplit(value).path.endswith(".ics"):
                self.addresses.append(value)


def linked_feeds(site: Path) -> dict[str, set[str]]:
    """{site path of a feed: the pages and api/ files that link it}."""
    linked: dict[str, set[str]] = {}
    for f in sorted(site.rglob("*.html")):
        page = f.relative_to(site).as_posix()
        parser = FeedLinks()
        parser.feed(f.read_text("utf-8"))
        for address in parser.addresses:
            parts = urlsplit(address)
            if parts.scheme in ("webcal", "https", "http"):
                assert parts.netloc == HOST, (page, address)
                path = parts.path
            else:
                path = urlsplit(urljoin("/" + page, address)).path
            linked.setdefault(normpath(path).lstrip("/"), set()).add(page)
    for f in sorted((site / "api").glob("*.json")):
        for item in json.loads(f.read_text("utf-8")).get("items", []):
            if item.get("ics"):
                linked.setdefault(item["ics"], set()).add(f"api/{f.name}")
    return linked


def test_every_feed_link_resolves_and_every_feed_is_linked(site):
    """Feeds exist only where there are events, and pages and api/ agree with
    the files: no link to a feed that was not written, no feed nobody links
    (an offer with one event has no feed of its own; a place or organiser
    without upcoming dates still offers its feed)."""
    written = {p.relative_to(site).as_posix() for p in site.rglob("*.ics")}
    linked = linked_feeds(site)
    assert len(written) > 30
    dangling = {path: sorted(pages)[:3] for path, pages in linked.items() if path not in written}
    assert not dangling, dangling
    unlinked = sorted(written - set(linked))
    assert not unlinked, f"written but linked nowhere: {unlinked}"


def test_an_offer_has_a_feed_of_its_own_from_two_events_on():
    # one event: the offer's feed would repeat the event's own feed (which its page links)
    files = feeds_of(directory_of(event("a", "2026-12-03 17:00", offer="kurs"),
                                  event("b", "2026-12-10 17:00", offer="kurs"),
                                  event("c", "2026-12-10 17:00", offer="solo")))
    assert "kalender/angebote/kurs.ics" in files
    assert "kalender/angebote/solo.ics" not in files
    assert "kalender/termine/c.ics" in files
    assert files["kalender/angebote/kurs.ics"].count(b"BEGIN:VEVENT") == 2
