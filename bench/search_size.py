"""What one search costs a visitor: the bytes a first search downloads from the
site (``python -m bench.search_size SITE [WORD ...]``; ``python -m bench`` runs it
on the generated site it built).

Counted: every file from /pagefind/ and the search assets a visitor downloads
from opening an entry page with an empty cache to seeing the results of one
search in the header dialog – Pagefind's UI, runtime, WASM, metadata, index
chunks and the fragments of the visible results. Sizes are what a static host
sends: JS, CSS and JSON gzip-compressed (as GitHub Pages does), Pagefind's
index files as they are (already compressed). Real Chromium (Debian's), the
site served on 127.0.0.1; a request to any other host is reported.
"""
from __future__ import annotations

import argparse
import gzip
import socket
import sys
from pathlib import Path

from tests.support.browser import close_page, launch_browser, new_page
from tests.support.server import SiteServer

BUDGET = 300 * 1024
TIMEOUT = 60_000
WORDS = ("Beratung", "Schulden")


def sent_size(path: Path) -> int:
    data = path.read_bytes()
    if path.suffix.startswith(".pf_") or path.suffix == ".pagefind":
        return len(data)  # Pagefind compresses its index files itself
    return len(gzip.compress(data, 9))


def first_search(browser, site: Path, word: str, entry_segment: str = "angebote") -> dict:
    """One visitor, empty cache: open an entry page, search ``word`` in the header dialog."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = SiteServer(site, port=port).start()
    try:
        page = new_page(browser, server.base_url)
        fetched: list[str] = []
        page.on("requestfinished", lambda r: fetched.append(r.url))
        offer = sorted((site / entry_segment).iterdir())[0].name
        page.goto(f"{server.base_url}/{entry_segment}/{offer}/")
        page.locator("button.nb-header-search__button").click()
        page.locator("pagefind-modal dialog[open] input").wait_for(timeout=TIMEOUT)
        page.locator("pagefind-modal input").fill(word)
        page.wait_for_function(
            # the summary's count ("6.079 Ergebnisse", "6,079 results", Arabic-Indic digits), in any language
            "() => /[0-9\u0660-\u0669]/.test(document.querySelector('pagefind-modal pagefind-summary')?.textContent || '')",
            timeout=TIMEOUT)
        page.wait_for_load_state("networkidle")
        page.wait_for_timeout(1000)
        summary = page.locator("pagefind-modal pagefind-summary").inner_text()
        foreign = list(page.foreign_requests)
        close_page(page)
    finally:
        server.stop()
    rows = []
    for url in fetched:
        path = url.split(f":{port}", 1)[1].split("?")[0]
        if path.startswith("/pagefind/") or "/nahbei-search/" in path:
            rows.append((path, sent_size(site / path.lstrip("/"))))
    return {"word": word, "rows": rows, "total": sum(size for _, size in rows), "summary": summary,
            "foreign": foreign}


def table(result: dict) -> str:
    return "\n".join(f"  {size / 1024:7.1f} KB  {path}" for path, size in sorted(result["rows"], key=lambda r: -r[1]))


def editions(site: Path, entry_segment: str = "angebote") -> list[str]:
    """The entry folders of the site's languages: its own ("angebote") first, then each
    edition's ("en/angebote", …): issue 13's budget holds for a first search in any language."""
    def has_pages(folder: Path) -> bool:  # (kalender/angebote/ holds feeds, no pages)
        return folder.is_dir() and any((page / "index.html").is_file() for page in folder.iterdir())
    return [entry_segment] + sorted(f"{d.name}/{entry_segment}" for d in site.iterdir() if has_pages(d / entry_segment))


def measure(site: Path, words=WORDS) -> list[dict]:
    with launch_browser() as browser:
        return [dict(first_search(browser, site, w, segment), edition=segment.rpartition("/")[0] or "site")
                for segment in editions(site) for w in words]


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench.search_size", description=__doc__.split("\n")[0])
    ap.add_argument("site", type=Path)
    ap.add_argument("words", nargs="*", default=list(WORDS))
    args = ap.parse_args(argv)
    for r in measure(args.site, args.words):
        print(f"first search for {r['word']!r} from an entry page of {r['edition']} ({r['summary']}): "
              f"{r['total'] / 1024:.0f} KB in {len(r['rows'])} files"
              f"{'; requests to other hosts: ' + ', '.join(r['foreign']) if r['foreign'] else ''}\n{table(r)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
