"""The freshness report lists stale entries; the same content gives the same body."""
import os
import re
import shutil
import subprocess
import sys
from datetime import date
from html.parser import HTMLParser
from pathlib import Path

import cmarkgfm
import pytest
from tests.support.content import mark_reviewed

from nahbei.contribute.freshness import MARKER, Stale, render, report, stale_entries
from nahbei.model.check import check
from nahbei.model.review import review_due

ROOT = Path(__file__).resolve().parents[1]


def copy_content(tmp_path):
    shutil.copytree(ROOT / "content", tmp_path / "content")
    return tmp_path / "content"


def test_nothing_stale_on_the_example_content_today(tmp_path):
    body, count = report(copy_content(tmp_path), today=date(2026, 11, 22), root=tmp_path)
    assert count == 0
    assert body.startswith(MARKER)
    assert "Alle Einträge sind aktuell" in body


def test_example_entries_are_never_due_for_review(tmp_path):
    """The example content claims no review (no last_reviewed): however late,
    the report asks nobody to check it again."""
    body, count = report(copy_content(tmp_path), today=date(2031, 1, 1), root=tmp_path)
    assert count == 0 and "Alle Einträge sind aktuell" in body


def test_overdue_review_and_ended_period_are_listed_with_contact(tmp_path):
    content = copy_content(tmp_path)
    offer = content / "offers" / "im-netzwerk-moenchengladbach.yaml"
    mark_reviewed(offer, "2025-01-15")
    text = offer.read_text("utf-8").replace("status: active\n", "status: active\nperiod:\n  until: 2026-10-31\n")
    offer.write_text(text, "utf-8")
    body, count = report(content, today=date(2026, 11, 22), root=tmp_path)
    assert count == 2
    rows = [line for line in body.splitlines() if line.startswith("| IM Netzwerk")]
    assert len(rows) == 2
    assert any("Prüfung fällig" in r and "2026-01-15" in r for r in rows)
    assert any("Laufzeit beendet" in r and "2026-10-31" in r for r in rows)
    assert all("Caritasverband Region Mönchengladbach e.V." in r for r in rows)
    assert all("`content/offers/im-netzwerk-moenchengladbach.yaml`" in r for r in rows)


@pytest.mark.parametrize("reviewed, months, due", [
    ("2025-01-31", 1, "2025-02-28"),  # the end of the shorter month
    ("2024-01-31", 1, "2024-02-29"),  # in a leap year
    ("2024-02-29", 12, "2025-02-28"),
    ("2025-01-31", 12, "2026-01-31"),  # the same day a year on, not the 28th
    ("2025-08-31", 6, "2026-02-28"),
    ("2025-03-15", None, "2026-03-15"),  # twelve months when the entry does not say
])
def test_review_due_counts_calendar_months(reviewed, months, due):
    entry = {"last_reviewed": reviewed} | ({"review_interval_months": months} if months else {})
    assert review_due(entry) == date.fromisoformat(due)


def test_review_due_is_none_for_an_entry_never_reviewed():
    assert review_due({"review_interval_months": 6}) is None


@pytest.mark.parametrize("today", ["2026-01-30", "2026-01-31", "2026-02-01", "2026-03-01"])
def test_check_and_freshness_name_the_same_overdue_reviews(tmp_path, today):
    """An offer reviewed on 31 January (due the next 31 January) and a contact reviewed
    on 29 February (due 28 February): on each day both or neither report each entry,
    with the same due date."""
    content = copy_content(tmp_path)
    mark_reviewed(content / "offers" / "im-netzwerk-moenchengladbach.yaml", "2025-01-31")
    mark_reviewed(content / "contacts" / "caritas-moenchengladbach.yaml", "2025-02-28", months=12)
    mark_reviewed(content / "contacts" / "amt-soziales-troisdorf.yaml", "2024-02-29", months=24)
    result = check(content, today=date.fromisoformat(today), root=tmp_path)
    assert result.errors == []
    by_check = {(p.path, dict(p.params)["due"]) for p in result.warnings if p.code == "review.overdue"}
    by_freshness = {(s.source, s.due) for s in stale_entries(result.directory) if s.reason == "review"}
    assert by_check == by_freshness
    expected = {"content/offers/im-netzwerk-moenchengladbach.yaml": "2026-01-31",
                "content/contacts/caritas-moenchengladbach.yaml": "2026-02-28",
                "content/contacts/amt-soziales-troisdorf.yaml": "2026-02-28"}
    assert by_check == {(path, due) for path, due in expected.items() if due < today}


def test_cli_twice_gives_one_identical_body(tmp_path):
    mark_reviewed(copy_content(tmp_path) / "offers" / "mittendrin-troisdorf.yaml", "2026-11-01", months=6)
    env = {**os.environ, "SOURCE_DATE_EPOCH": "1811116800"}  # 2027-05-24
    bodies = []
    for n in range(2):
        out = tmp_path / f"body{n}.md"
        subprocess.run([sys.executable, "-m", "nahbei.cli", "freshness", "--output", str(out)],
                       cwd=tmp_path, env=env, check=True)
        bodies.append(out.read_bytes())
    assert bodies[0] == bodies[1]
    assert b"MITTEndrin! Statt nur dabei." in bodies[0]  # review_interval_months: 6 -> due 2027-05-01
    assert bodies[0].count(MARKER.encode()) == 1


def test_invalid_content_gives_check_messages_not_a_report(tmp_path):
    content = copy_content(tmp_path)
    (content / "offers" / "kaputt.yaml").write_text("id: kaputt\nname: [\n", "utf-8")
    proc = subprocess.run([sys.executable, "-m", "nahbei.cli", "freshness"], cwd=tmp_path,
                          capture_output=True, text=True, env={**os.environ, "SOURCE_DATE_EPOCH": "1795305600"})
    assert proc.returncode == 1
    assert "content/offers/kaputt.yaml:" in proc.stderr and "Fehler" in proc.stderr
    assert "Traceback" not in proc.stderr


class _Table(HTMLParser):
    """Rows of the HTML tables GitHub's parser makes, as cell texts."""

    def __init__(self):
        super().__init__()
        self.rows, self._cell, self.tags = [], None, []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        if tag == "tr":
            self.rows.append([])
        elif tag in ("td", "th"):
            self._cell = ""

    def handle_endtag(self, tag):
        if tag in ("td", "th"):
            self.rows[-1].append(self._cell)
            self._cell = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell += data


HOSTILE_NAMES = [
    "Treff | mit Strich",
    "Zeile eins\nZeile zwei\r\nZeile drei\rvier\u2028fünf\u0085sechs",
    "**fett** _kursiv_ ~~weg~~ `code` ``` [Link](https://evil.example/) ![Bild](x.png)",
    "<img src=x onerror=alert(1)> &amp; <!-- Kommentar",
    "\\| Backslash vor dem Strich \\",
    "Steuerzeichen\x00\x07\x1b[31m rot",
]


def test_every_cell_shows_its_text_and_no_entry_breaks_the_table():
    """Names and contacts with line breaks, `|`, Markdown and HTML: GitHub's parser still
    reads one row per entry with five cells, each exactly the text (on one line)."""
    items = [Stale(f"2026-0{n + 1}-01", "offer", f"e{n}", f"content/offers/e{n}.yaml", "review", name,
                   f"{name} <info@beispiel.de>")
             for n, name in enumerate(HOSTILE_NAMES)]
    items.append(Stale("2026-09-01", "contact", "x", "content/contacts/a`b|c``d.yaml", "ended", "X", ""))
    body = render(items, date(2026, 11, 22))
    html = cmarkgfm.github_flavored_markdown_to_html(body)
    table = _Table()
    table.feed(html)
    assert len(table.rows) == 1 + len(items), html
    assert all(len(row) == 5 for row in table.rows), table.rows
    assert set(table.tags) <= {"p", "table", "thead", "tbody", "tr", "th", "td", "code", "a"}, set(table.tags)
    for href, text in re.findall(r'<a href="([^"]*)">(.*?)</a>', html):  # only GitHub's autolinks of plain text
        assert href.removeprefix("mailto:") == text, (href, text)
    for row, item in zip(table.rows[1:], items, strict=True):
        one_line = " ".join("".join(" " if ch < " " or ch in "\x7f\x85\u2028" else ch for ch in item.name).split())
        assert row[0] == f"{one_line} ({'Angebot' if item.kind == 'offer' else 'Kontakt'})"
        assert row[2] == item.due and row[4] == item.source
        if item.responsible:
            assert row[3] == f"{one_line} <info@beispiel.de>"
    assert "evil.example" not in re.sub(r"<td>.*?</td>", "", html, flags=re.S)
