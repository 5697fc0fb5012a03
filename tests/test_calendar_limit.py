"""A calendar page lists at most ``calendar_max_dates`` dates (whole days) and
says so; the rest stays in the feeds and the calendars per topic, group, region."""
from __future__ import annotations

import re
from html.parser import HTMLParser

from tests.test_frames import REPO, site_with


class Days(HTMLParser):
    def __init__(self):
        super().__init__()
        self.days, self.dates, self.notice = [], 0, ""
        self._in_notice = False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "h2" and (a.get("id") or "").startswith("tag-"):
            self.days.append(a["id"][4:])
        if tag == "span" and a.get("class") == "nb-when":
            self.dates += 1
        if tag == "p" and a.get("class") == "nb-notice":
            self._in_notice = True

    def handle_endtag(self, tag):
        if tag == "p":
            self._in_notice = False

    def handle_data(self, data):
        if self._in_notice:
            self.notice += data


def calendar(site):
    parser = Days()
    parser.feed((site / "kalender" / "index.html").read_text("utf-8"))
    return parser


def test_calendar_page_is_shortened_to_whole_days(tmp_path):
    full, _ = site_with(tmp_path, "full", REPO / "content", {}, {})
    short, _ = site_with(tmp_path, "short", REPO / "content", {"calendar_max_dates": 4}, {})
    a, b = calendar(full), calendar(short)
    assert a.dates > 10 and not a.notice.strip()
    # whole days only, as many as fit into four dates, and a notice that says so
    assert 1 <= b.dates <= 4 and b.days == a.days[:len(b.days)]
    assert b.dates < a.dates
    assert re.search(rf"die ersten {b.dates} Termine, bis zum \d+\. \w+ 20\d\d\.", b.notice), b.notice
    lead = (short / "kalender" / "index.html").read_text("utf-8")
    assert f"({a.dates} Termine)" in lead  # the lead still counts every date of the window
