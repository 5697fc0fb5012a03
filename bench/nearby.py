"""What "In meiner Nähe" costs (``python -m bench.nearby SITE CONTENT``; ``python -m
bench`` runs it on the site it built).

- the distance file (assets/nahbei-search/nearby.json) as a static host sends
  it, gzip-compressed: what a resident downloads for a distance search;
- ordering every entry after a postcode is entered, in real Chromium with 4x CPU
  throttling (CDP ``Emulation.setCPUThrottlingRate``): search.js's own
  performance measure ``nb-nearby-order`` (the distances and the sort, not
  Pagefind's search before it), the median of several postcodes, and the whole
  wait from the Enter to the first result shown with its distance;
- what the feature adds to a build, its steps timed on their own over the same
  content and bundle: reading the postcode table, the places' and regions'
  positions, the ``geo`` search metadata of every entry, the file from the
  written bundle. (A build with and one without the feature would differ by
  less than the noise of two builds on this machine.)
"""
from __future__ import annotations

import argparse
import gzip
import json
import socket
import statistics
import sys
import time
from pathlib import Path

from tests.support.browser import close_page, launch_browser, new_page
from tests.support.server import SiteServer

from nahbei.mkdocs.search import nearby
from nahbei.model.check import check
from nahbei.model.geo import POSTCODES_FILE, GeoIndex, entry_positions_text, read_gazetteer
from nahbei.model.layout import ENTRY_KINDS, entries_of

BUDGET_KB = 150
BUDGET_MS = 100
BUDGET_BUILD_S = 5
THROTTLE = 4
TIMEOUT = 120_000
RUNS = 5


def file_size(site: Path) -> dict:
    path = site / nearby.NEARBY
    raw = path.read_bytes()
    data = json.loads(raw)
    return {"bytes": len(raw), "gzip": len(gzip.compress(raw, 9)), "entries": len(data["e"]),
            "positions": len(data["p"]) // 2, "postcodes": len(data["z"]), "names": len(data["n"])}


def ordering(site: Path, postcodes: list[str], search_segment: str = "suche") -> dict:
    """search.js's "nb-nearby-order" for each postcode, CPU throttled THROTTLE times."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = SiteServer(site, port=port).start()
    try:
        with launch_browser() as browser:
            page = new_page(browser, server.base_url)
            try:
                page.goto(f"{server.base_url}/{search_segment}/")
                field = page.locator("nahbei-search-page[data-ready] [data-nb-nearby-place]")
                field.wait_for(timeout=TIMEOUT)
                cdp = page.context.new_cdp_session(page)
                cdp.send("Emulation.setCPUThrottlingRate", {"rate": THROTTLE})
                # From the Enter to the first result shown with its distance: the
                # whole wait a resident sees (the file, Pagefind's search, the ordering,
                # rendering), measured in the page.
                page.evaluate(_WATCH)
                times, counts, shown = [], [], []
                for code in postcodes:
                    before = page.evaluate("() => performance.getEntriesByName('nb-nearby-order').length")
                    field.fill(code)
                    field.press("Enter")
                    page.wait_for_function(
                        "([n, code]) => performance.getEntriesByName('nb-nearby-order').length > n && "
                        "(document.querySelector('[data-nb-nearby-status]')?.textContent || '').includes(code) && "
                        "window.__nbShown !== null",
                        arg=[before, code], timeout=TIMEOUT)
                    times.append(page.evaluate(
                        "() => performance.getEntriesByName('nb-nearby-order').at(-1).duration"))
                    shown.append(page.evaluate("() => window.__nbShown - window.__nbEnter"))
                    counts.append(int(page.evaluate(
                        "() => (document.querySelector('nahbei-search-page pagefind-summary')?.textContent || '')"
                        ".replace(/\\D/g, '') || 0")))
                cdp.send("Emulation.setCPUThrottlingRate", {"rate": 1})
                foreign = list(page.foreign_requests)
            finally:
                close_page(page)
    finally:
        server.stop()
    return {"ms": times, "shown": shown, "results": max(counts), "foreign": foreign}


_WATCH = """() => {
  window.__nbEnter = null;
  window.__nbShown = null;
  const field = document.querySelector('nahbei-search-page [data-nb-nearby-place]');
  field.addEventListener('keydown', (e) => {
    if (e.key === 'Enter') { window.__nbEnter = performance.now(); window.__nbShown = null; }
  }, true);
  new MutationObserver((records) => {
    if (window.__nbEnter === null || window.__nbShown !== null) return;
    for (const r of records) for (const n of r.addedNodes) {
      if (n.nodeType === 1 && (n.matches('.nb-result-distance') || n.querySelector('.nb-result-distance'))) {
        window.__nbShown = performance.now();
        return;
      }
    }
  }).observe(document.querySelector('nahbei-search-page pagefind-results'), {childList: true, subtree: true});
}"""


def build_cost(content: Path, site: Path) -> dict:
    """Seconds of each of the feature's build steps, on their own."""
    result = check(content, root=content.parent)
    d = result.directory
    out = {}
    table = content / POSTCODES_FILE
    t0 = time.perf_counter()
    gazetteer, _ = read_gazetteer(table.read_bytes()) if table.is_file() else (d.gazetteer, [])
    out["table"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    geo = GeoIndex(d.places, d.taxonomy, gazetteer)
    out["positions"] = time.perf_counter() - t0
    d._geo[:] = [geo]
    t0 = time.perf_counter()
    n = 0
    for kind in ENTRY_KINDS:
        for ident in entries_of(d, kind):
            entry_positions_text(d, kind, ident)
            n += 1
    out["metadata"] = time.perf_counter() - t0
    scratch = site.parent / "nearby-bench"
    t0 = time.perf_counter()
    nearby.write_nearby(scratch, site / "pagefind", geo)
    out["file"] = time.perf_counter() - t0
    (scratch / nearby.NEARBY).unlink()
    out["entries"] = n
    return out


def postcodes_of(site: Path, count: int = RUNS) -> list[str]:
    codes = sorted(json.loads((site / nearby.NEARBY).read_bytes())["z"])
    step = max(1, len(codes) // count)
    return codes[::step][:count]


def line(size: dict, order: dict, cost: dict) -> str:
    ms = statistics.median(order["ms"])
    added = cost["table"] + cost["positions"] + cost["metadata"] + cost["file"]
    return (f"data file {size['gzip'] / 1024:.1f} KB gzip ({size['bytes'] / 1024:.0f} KB; {size['entries']:,} entries, "
            f"{size['positions']:,} positions, {size['postcodes']:,} postcodes, {size['names']:,} names); "
            f"ordering {order['results']:,} results {ms:.1f} ms (median of {len(order['ms'])} postcodes, "
            f"max {max(order['ms']):.1f} ms) at {THROTTLE}x CPU throttling, from the Enter to the first result "
            f"shown {statistics.median(order['shown']):.0f} ms (max {max(order['shown']):.0f} ms); "
            f"adds {added:.2f} s to the build "
            f"(table {cost['table']:.2f} s, positions {cost['positions']:.2f} s, search metadata "
            f"{cost['metadata']:.2f} s, file {cost['file']:.2f} s)")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench.nearby", description=__doc__.split("\n")[0])
    ap.add_argument("site", type=Path)
    ap.add_argument("content", type=Path)
    ap.add_argument("--search-segment", default="suche")
    args = ap.parse_args(argv)
    size = file_size(args.site)
    order = ordering(args.site, postcodes_of(args.site), args.search_segment)
    cost = build_cost(args.content, args.site)
    print(f"distance search (bench/nearby.py, budgets {BUDGET_KB} KB, {BUDGET_MS} ms, {BUDGET_BUILD_S} s): "
          + line(size, order, cost))
    if order["foreign"]:
        print(f"distance search: requests to other hosts: {order['foreign']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
