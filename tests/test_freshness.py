"""The freshness report lists stale entries; the same content gives the same body."""
import os
import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path

from nahbei.contribute.freshness import MARKER, report

ROOT = Path(__file__).resolve().parents[1]


def copy_content(tmp_path):
    shutil.copytree(ROOT / "content", tmp_path / "content")
    return tmp_path / "content"


def test_nothing_stale_on_the_example_content_today(tmp_path):
    body, count = report(copy_content(tmp_path), today=date(2026, 11, 22), root=tmp_path)
    assert count == 0
    assert body.startswith(MARKER)
    assert "Alle Einträge sind aktuell" in body


def test_overdue_review_and_ended_period_are_listed_with_contact(tmp_path):
    content = copy_content(tmp_path)
    offer = content / "offers" / "im-netzwerk-moenchengladbach.yaml"
    text = offer.read_text("utf-8").replace("last_reviewed: 2026-11-01", "last_reviewed: 2025-01-15")
    text = text.replace("  from: 2016-03-01\n", "  from: 2016-03-01\n  until: 2026-10-31\n")
    offer.write_text(text, "utf-8")
    body, count = report(content, today=date(2026, 11, 22), root=tmp_path)
    assert count == 2
    rows = [line for line in body.splitlines() if line.startswith("| IM Netzwerk")]
    assert len(rows) == 2
    assert any("Prüfung fällig" in r and "2026-01-15" in r for r in rows)
    assert any("Laufzeit beendet" in r and "2026-10-31" in r for r in rows)
    assert all("Caritasverband Region Mönchengladbach e.V." in r for r in rows)
    assert all("`content/offers/im-netzwerk-moenchengladbach.yaml`" in r for r in rows)


def test_cli_twice_gives_one_identical_body(tmp_path):
    copy_content(tmp_path)
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
