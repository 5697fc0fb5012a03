"""What one search costs a visitor on a large directory (slow: builds N generated
entries, default 1,000; NAHBEI_SEARCH_BENCH_N=10000 for the full benchmark).

Counted: every file from /pagefind/ and assets/nahbei-search/ a visitor
downloads from opening an entry page with an empty cache to seeing the
results of one search in the header dialog – Pagefind's UI, runtime, WASM,
metadata, index chunks and the fragments of the visible results. Sizes are
what a static host sends: JS, CSS and JSON gzip-compressed (as GitHub Pages
does), Pagefind's index files as they are (already compressed).

Target: under 300 KB per query at 10,000 entries.
"""
from __future__ import annotations

import gzip
import os
import re
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

if __package__ in (None, "") and str(Path(__file__).resolve().parents[1]) not in sys.path:
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.support.browser import browser, close_page, new_page  # noqa: F401
from tests.support.server import SiteServer
from tests.test_search_build import ENV, REPO

pytestmark = [pytest.mark.slow, pytest.mark.browser, pytest.mark.xdist_group("browser")]

N = int(os.environ.get("NAHBEI_SEARCH_BENCH_N", "1000"))
BUDGET = 300 * 1024
TIMEOUT = 60_000


def sent_size(path: Path) -> int:
    data = path.read_bytes()
    if path.suffix.startswith(".pf_") or path.suffix == ".pagefind":
        return len(data)  # Pagefind compresses its index files itself
    return len(gzip.compress(data, 9))


@pytest.fixture(scope="module")
def large_site(tmp_path_factory):
    generate = pytest.importorskip("bench.generate", reason="bench/generate.py not available")
    root = tmp_path_factory.mktemp(f"search-n{N}")
    content = root / "content"
    subprocess.run([sys.executable, "-m", "bench.generate", "--n", str(N), "--out", str(content)],
                   cwd=REPO, env=ENV, check=True, capture_output=True, timeout=600)
    assert generate is not None
    text = (REPO / "mkdocs.yml").read_text("utf-8")
    for old, new in {"docs_dir: docs": f"docs_dir: {REPO / 'docs'}",
                     "custom_dir: overrides": f"custom_dir: {REPO / 'overrides'}",
                     "content_dir: content": f"content_dir: {content}"}.items():
        text = text.replace(old, new)
    (root / "mkdocs.yml").write_text(text, "utf-8")
    site = root / "site"
    started = time.monotonic()
    proc = subprocess.run([sys.executable, "-m", "mkdocs", "build", "-f", str(root / "mkdocs.yml"), "-d", str(site)],
                          cwd=REPO, env=ENV, capture_output=True, text=True, timeout=3600)
    assert proc.returncode == 0, (proc.stdout + proc.stderr)[-3000:]
    m = re.search(r"Pagefind: (\d+) Seiten.* in ([\d.]+) s", proc.stdout + proc.stderr)
    print(f"\nN={N}: mkdocs build {time.monotonic() - started:.1f} s, {m.group(0) if m else 'no Pagefind line'}")
    return site


def first_search(browser, site: Path, word: str) -> tuple[list[tuple[str, int]], str]:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = SiteServer(site, port=port).start()
    try:
        page = new_page(browser, server.base_url)
        fetched: list[str] = []
        page.on("requestfinished", lambda r: fetched.append(r.url))
        offer = sorted((site / "angebote").iterdir())[0].name
        page.goto(f"{server.base_url}/angebote/{offer}/")
        page.locator("button.nb-header-search__button").click()
        page.locator("pagefind-modal dialog[open] input").wait_for(timeout=TIMEOUT)
        page.locator("pagefind-modal input").fill(word)
        page.wait_for_function(
            "() => /Ergebnis|Nichts/.test(document.querySelector('pagefind-modal pagefind-summary')?.textContent || '')",
            timeout=TIMEOUT)
        page.wait_for_load_state("networkidle")
        page.wait_for_timeout(1000)
        summary = page.locator("pagefind-modal pagefind-summary").inner_text()
        assert not page.foreign_requests
        close_page(page)
    finally:
        server.stop()
    rows = []
    for url in fetched:
        path = url.split(f":{port}", 1)[1].split("?")[0]
        if path.startswith("/pagefind/") or "/nahbei-search/" in path:
            rows.append((path, sent_size(site / path.lstrip("/"))))
    return rows, summary


@pytest.mark.parametrize("word", ["Beratung", "Schulden"])
def test_one_search_stays_under_budget(browser, large_site, word):
    rows, summary = first_search(browser, large_site, word)
    total = sum(size for _, size in rows)
    table = "\n".join(f"  {size / 1024:7.1f} KB  {path}" for path, size in sorted(rows, key=lambda r: -r[1]))
    print(f"\nN={N}, first search for {word!r} ({summary}): {total / 1024:.0f} KB in {len(rows)} files\n{table}")
    assert "Ergebnis" in summary
    assert not [p for p, _ in rows if p.startswith("/pagefind/filter/")], "the dialog loaded the filter index"
    assert total < BUDGET, f"{total / 1024:.0f} KB > {BUDGET / 1024:.0f} KB\n{table}"
