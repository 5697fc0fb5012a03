"""What one search costs a visitor on a larger directory (slow: builds N
generated entries, default 1,000; NAHBEI_SEARCH_BENCH_N to change it). What is
counted: bench/search_size.py; ``make bench`` measures the same on its
10,000-entry site. Budget: under 300 KB per query.
"""
from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest

if __package__ in (None, "") and str(Path(__file__).resolve().parents[1]) not in sys.path:
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.search_size import BUDGET, first_search, table
from tests.test_search_build import ENV, REPO, project_config

pytestmark = [pytest.mark.slow, pytest.mark.browser, pytest.mark.xdist_group("browser")]

N = int(os.environ.get("NAHBEI_SEARCH_BENCH_N", "1000"))


@pytest.fixture(scope="module")
def large_site(tmp_path_factory):
    # bench/ is part of the repository: a missing or broken generator fails the test, saying why
    root = tmp_path_factory.mktemp(f"search-n{N}")
    content = root / "content"
    made = subprocess.run([sys.executable, "-m", "bench.generate", "--n", str(N), "--out", str(content)],
                          cwd=REPO, env=ENV, capture_output=True, text=True, timeout=600)
    assert made.returncode == 0, f"python -m bench.generate failed:\n{(made.stdout + made.stderr)[-3000:]}"
    config = project_config(root, content_dir=content)
    site = root / "site"
    started = time.monotonic()
    proc = subprocess.run([sys.executable, "-m", "mkdocs", "build", "-f", str(config), "-d", str(site)],
                          cwd=REPO, env=ENV, capture_output=True, text=True, timeout=3600)
    assert proc.returncode == 0, (proc.stdout + proc.stderr)[-3000:]
    m = re.search(r"Pagefind: (\d+) Seiten.* in ([\d.]+) s", proc.stdout + proc.stderr)
    print(f"\nN={N}: mkdocs build {time.monotonic() - started:.1f} s, {m.group(0) if m else 'no Pagefind line'}")
    return site


@pytest.mark.parametrize("word", ["Beratung", "Schulden"])
def test_one_search_stays_under_budget(browser, large_site, word):
    r = first_search(browser, large_site, word)
    rows, total, summary = r["rows"], r["total"], r["summary"]
    print(f"\nN={N}, first search for {word!r} ({summary}): {total / 1024:.0f} KB in {len(rows)} files\n{table(r)}")
    assert "Ergebnis" in summary
    assert not r["foreign"]
    assert not [p for p, _ in rows if p.startswith("/pagefind/filter/")], "the dialog loaded the filter index"
    assert total < BUDGET, f"{total / 1024:.0f} KB > {BUDGET / 1024:.0f} KB\n{table(r)}"
