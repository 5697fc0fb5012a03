"""Rules at their boundaries: the value on the edge is valid, one step beyond is not.

Each case is the example content plus one file, checked with ``check()`` as
``nahbei check`` does; the file's contact is added too, so the case does not
depend on which contacts the example content has.
"""
from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest

from nahbei.model.check import check

ROOT = Path(__file__).resolve().parents[1]
TODAY = date(2026, 11, 22)
CONTACT = """\
id: grenzfall-verein
kind: organisation
name: Verein für Grenzfälle
"""


def tree_with(tmp_path: Path, event: str) -> tuple[Path, str]:
    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content)
    (content / "contacts/grenzfall-verein.yaml").write_text(CONTACT, "utf-8")
    (content / "events/grenzfall.yaml").write_text(event, "utf-8")
    return content, "content/events/grenzfall.yaml"


@pytest.mark.parametrize("start, end", [("2026-12-03 17:00", "2026-12-03 19:00"), ("2026-12-03", None)])
def test_until_on_the_start_day_is_a_series_of_one_date(tmp_path, start, end):
    content, rel = tree_with(tmp_path, f"""\
id: grenzfall
title: Einmal als Serie
summary: Eine Serie, die am ersten Tag endet.
start: "{start}"
{f'end: "{end}"' if end else ""}
recurrence:
  frequency: weekly
  until: 2026-12-03
organiser: grenzfall-verein
online_url: https://grenzfall.example.org/treffen
""")
    result = check(content, today=TODAY, root=tmp_path)
    assert [p for p in result.problems if p.path == rel] == []
    assert result.directory is not None
    event = result.directory.events["grenzfall"]
    dates = result.directory.occurrences(date(2026, 1, 1), date(2027, 12, 31), events=[event])
    assert [str(o.day) for o in dates] == ["2026-12-03"]


def test_until_the_day_before_the_start_is_reported(tmp_path):
    content, rel = tree_with(tmp_path, """\
id: grenzfall
title: Ende vor dem Beginn
summary: Eine Serie, die vor ihrem Beginn endet.
start: "2026-12-03 17:00"
recurrence:
  frequency: weekly
  until: 2026-12-02
organiser: grenzfall-verein
online_url: https://grenzfall.example.org/treffen
""")
    result = check(content, today=TODAY, root=tmp_path)
    mine = [p for p in result.problems if p.path == rel]
    assert [(p.line, p.col, p.code) for p in mine] == [(7, 10, "recurrence.until_before_start")]
